package qrcode

// penalty scores a masked grid the way PyQRCode does; the lowest score wins.
//
// Rules 1 to 3 are those of ISO/IEC 18004: 3 plus the excess for every run of
// five or more same-coloured modules in a row or column, 3 for every 2x2
// block of one colour, and 40 for every finder-like 1011101 with four light
// modules on one side that lies wholly inside the grid (a pattern with light
// modules on both sides counts twice). Rule 4 is PyQRCode's: it truncates
// the deviation of the dark share from 50% to whole percent and scores 2 per
// percent, where the standard scores 10 per full 5%. The float arithmetic is
// kept because that is how PyQRCode rounds; it involves no formatting and
// IEEE 754 gives the same results on every platform.
func (g *grid) penalty() int {
	return g.penaltyRuns() + g.penaltyBlocks() + g.penaltyFinderLike() + g.penaltyBalance()
}

func (g *grid) at(row, col int) bool { return g.dark[row*g.size+col] }

func (g *grid) penaltyRuns() int {
	n := g.size
	score := 0
	for transposed := 0; transposed < 2; transposed++ {
		for i := 0; i < n; i++ {
			run := 0
			var prev bool
			for j := 0; j < n; j++ {
				d := g.at(i, j)
				if transposed == 1 {
					d = g.at(j, i)
				}
				if j > 0 && d == prev {
					run++
					continue
				}
				if run >= 5 {
					score += 3 + run - 5
				}
				run, prev = 1, d
			}
			if run >= 5 {
				score += 3 + run - 5
			}
		}
	}
	return score
}

func (g *grid) penaltyBlocks() int {
	n := g.size
	count := 0
	for r := 0; r < n-1; r++ {
		for c := 0; c < n-1; c++ {
			d := g.at(r, c)
			if g.at(r+1, c) == d && g.at(r, c+1) == d && g.at(r+1, c+1) == d {
				count++
			}
		}
	}
	return 3 * count
}

// finderLike are the two eleven-module patterns rule 3 looks for.
var finderLike = [2][11]bool{
	{false, false, false, false, true, false, true, true, true, false, true},
	{true, false, true, true, true, false, true, false, false, false, false},
}

func (g *grid) penaltyFinderLike() int {
	n := g.size
	count := 0
	for i := 0; i < n; i++ {
		for j := 0; j+11 <= n; j++ {
			for _, p := range finderLike {
				row, col := true, true
				for k := 0; k < len(p) && (row || col); k++ {
					row = row && g.at(i, j+k) == p[k]
					col = col && g.at(j+k, i) == p[k]
				}
				if row {
					count++
				}
				if col {
					count++
				}
			}
		}
	}
	return 40 * count
}

func (g *grid) penaltyBalance() int {
	dark := 0
	for _, d := range g.dark {
		if d {
			dark++
		}
	}
	ratio := float64(dark) / float64(len(g.dark))
	percent := float64(ratio*100) - 50 // the conversion forbids a fused multiply-add
	dev := int(percent)                // truncates toward zero, like Python's int()
	if dev < 0 {
		dev = -dev
	}
	return int(float64(dev) / 5 * 10)
}
