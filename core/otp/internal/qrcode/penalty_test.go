package qrcode

import (
	"math/rand/v2"
	"testing"
)

// The penalty rules as ISO/IEC 18004 states them, a module at a time: the
// reference that penalty.go's faster scans must agree with.

func (g *grid) refPenalty() int {
	return g.refRuns() + g.refBlocks() + g.refFinderLike() + g.refBalance()
}

func (g *grid) at(row, col int) bool { return g.dark[row*g.size+col] }

func (g *grid) refRuns() int {
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

func (g *grid) refBlocks() int {
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

// refFinderPatterns are the two eleven-module patterns rule 3 looks for.
var refFinderPatterns = [2][11]bool{
	{false, false, false, false, true, false, true, true, true, false, true},
	{true, false, true, true, true, false, true, false, false, false, false},
}

func (g *grid) refFinderLike() int {
	n := g.size
	count := 0
	for i := 0; i < n; i++ {
		for j := 0; j+11 <= n; j++ {
			for _, p := range refFinderPatterns {
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

func (g *grid) refBalance() int {
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

// TestPenaltyMatchesReference scores random grids of every size, sparse,
// even and dense, and the masked grids of real codes, both ways.
func TestPenaltyMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for v := 1; v <= 40; v++ {
		for _, density := range []float64{0.1, 0.5, 0.9} {
			g := newGrid(v)
			for i := range g.dark {
				g.dark[i] = rng.Float64() < density
			}
			checkPenalty(t, g)
		}
	}
	for _, n := range []int{0, 17, 100, 300} {
		data := filler(n)
		version := 0
		for v := 1; v <= 40 && version == 0; v++ {
			if 4+countBits(v)+8*len(data) <= 8*dataCodewords(v) {
				version = v
			}
		}
		g := newGrid(version)
		g.drawFunctionPatterns()
		g.placeCodewords(interleave(version, dataStream(version, data)))
		for k := 0; k < 8; k++ {
			checkPenalty(t, g.withMask(k))
		}
	}
}

func checkPenalty(t *testing.T, g *grid) {
	t.Helper()
	cols := g.transposed()
	parts := [5][2]int{
		{g.penaltyRuns(cols), g.refRuns()},
		{g.penaltyBlocks(), g.refBlocks()},
		{g.penaltyFinderLike(cols), g.refFinderLike()},
		{g.penaltyBalance(), g.refBalance()},
		{g.penalty(), g.refPenalty()},
	}
	for i, p := range parts {
		if p[0] != p[1] {
			t.Fatalf("version %d, rule %d (5: the sum): %d, reference %d", g.version, i+1, p[0], p[1])
		}
	}
}

// FuzzPenalty compares the two on grids drawn from arbitrary bytes.
func FuzzPenalty(f *testing.F) {
	f.Add(uint8(1), []byte{0x5d, 0x05, 0xd0, 0xff, 0})
	f.Add(uint8(7), []byte("otpauth://totp/Home%20Assistant:user?secret=KRSXG5CT"))
	f.Fuzz(func(t *testing.T, v uint8, bits []byte) {
		g := newGrid(int(v%40) + 1)
		for i := range g.dark {
			if len(bits) > 0 {
				g.dark[i] = bits[(i/8)%len(bits)]>>(i%8)&1 == 1
			}
		}
		checkPenalty(t, g)
	})
}
