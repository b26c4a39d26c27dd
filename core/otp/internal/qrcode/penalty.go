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
//
// Every mask of every TOTP setup is scored, so the rules scan lines of the
// grid and of its transpose rather than test module by module; the test's
// module-by-module reference holds them to the rules.
func (g *grid) penalty() int {
	cols := g.transposed()
	return g.penaltyRuns(cols) + g.penaltyBlocks() + g.penaltyFinderLike(cols) + g.penaltyBalance()
}

// transposed returns the grid's modules column-major.
func (g *grid) transposed() []bool {
	n := g.size
	t := make([]bool, len(g.dark))
	for r := 0; r < n; r++ {
		row := g.dark[r*n : r*n+n]
		for c, d := range row {
			t[c*n+r] = d
		}
	}
	return t
}

// lines calls f with every row of the grid, then every column of it (the
// rows of cols, its transpose).
func (g *grid) lines(cols []bool, f func(line []bool)) {
	n := g.size
	for _, m := range [2][]bool{g.dark, cols} {
		for i := 0; i < n; i++ {
			f(m[i*n : i*n+n])
		}
	}
}

func (g *grid) penaltyRuns(cols []bool) int {
	score := 0
	g.lines(cols, func(line []bool) {
		run := 1
		for j := 1; j < len(line); j++ {
			if line[j] == line[j-1] {
				run++
				continue
			}
			if run >= 5 {
				score += run - 2
			}
			run = 1
		}
		if run >= 5 {
			score += run - 2
		}
	})
	return score
}

func (g *grid) penaltyBlocks() int {
	n := g.size
	count := 0
	for r := 0; r+1 < n; r++ {
		top, bottom := g.dark[r*n:r*n+n], g.dark[(r+1)*n:(r+1)*n+n]
		for c := 0; c+1 < n; c++ {
			d := top[c]
			if bottom[c] == d && top[c+1] == d && bottom[c+1] == d {
				count++
			}
		}
	}
	return 3 * count
}

// The two eleven-module finder-like patterns of rule 3, first module in
// the highest bit: 00001011101 and 10111010000.
const (
	finderLightFirst = 0b00001011101
	finderLightLast  = 0b10111010000
)

func (g *grid) penaltyFinderLike(cols []bool) int {
	count := 0
	g.lines(cols, func(line []bool) {
		var window uint16
		for j, d := range line {
			window <<= 1
			if d {
				window |= 1
			}
			window &= 1<<11 - 1
			if j >= 10 && (window == finderLightFirst || window == finderLightLast) {
				count++
			}
		}
	})
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
