package qrcode

// grid is a matrix under construction: module colours plus which modules
// belong to function patterns (finders, separators, timing, alignment,
// format and version information, the dark module) and so carry no data.
type grid struct {
	version int
	size    int
	dark    []bool
	fn      []bool
}

func newGrid(version int) *grid {
	size := 17 + 4*version
	return &grid{version: version, size: size, dark: make([]bool, size*size), fn: make([]bool, size*size)}
}

func (g *grid) setFn(row, col int, dark bool) {
	g.dark[row*g.size+col] = dark
	g.fn[row*g.size+col] = true
}

func (g *grid) drawFunctionPatterns() {
	n := g.size
	for i := 8; i < n-8; i++ {
		g.setFn(6, i, i%2 == 0)
		g.setFn(i, 6, i%2 == 0)
	}
	g.drawFinder(3, 3)
	g.drawFinder(3, n-4)
	g.drawFinder(n-4, 3)

	pos := alignmentPositions(g.version)
	last := len(pos) - 1
	for i, r := range pos {
		for j, c := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue // these corners hold finder patterns
			}
			for dr := -2; dr <= 2; dr++ {
				for dc := -2; dc <= 2; dc++ {
					g.setFn(r+dr, c+dc, max(abs(dr), abs(dc)) != 1)
				}
			}
		}
	}

	// Reserve the format information areas; drawFormat fills them per mask.
	g.drawFormat(0)
	g.drawVersion()
}

// drawFinder draws the 7x7 finder pattern centred at row, col and the light
// separator around it, clipped to the grid.
func (g *grid) drawFinder(row, col int) {
	for dr := -4; dr <= 4; dr++ {
		for dc := -4; dc <= 4; dc++ {
			r, c := row+dr, col+dc
			if r < 0 || r >= g.size || c < 0 || c >= g.size {
				continue
			}
			d := max(abs(dr), abs(dc))
			g.setFn(r, c, d != 2 && d != 4)
		}
	}
}

// drawFormat writes the 15-bit format information (level H and the mask,
// BCH-protected and XORed with 0x5412) in both of its places, and the dark
// module beside the lower-left finder.
func (g *grid) drawFormat(mask int) {
	data := levelH<<3 | mask
	rem := data
	for range 10 {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	bits := (data<<10 | rem) ^ 0x5412
	bit := func(i int) bool { return bits>>uint(i)&1 == 1 }

	n := g.size
	for i := 0; i <= 5; i++ {
		g.setFn(i, 8, bit(i))
	}
	g.setFn(7, 8, bit(6))
	g.setFn(8, 8, bit(7))
	g.setFn(8, 7, bit(8))
	for i := 9; i < 15; i++ {
		g.setFn(8, 14-i, bit(i))
	}
	for i := 0; i < 8; i++ {
		g.setFn(8, n-1-i, bit(i))
	}
	for i := 8; i < 15; i++ {
		g.setFn(n-15+i, 8, bit(i))
	}
	g.setFn(n-8, 8, true)
}

// drawVersion writes the 18-bit version information (version 7 and up) in
// its two 6x3 blocks beside the upper-right and lower-left finders.
func (g *grid) drawVersion() {
	if g.version < 7 {
		return
	}
	rem := g.version
	for range 12 {
		rem = rem<<1 ^ (rem>>11)*0x1F25
	}
	bits := g.version<<12 | rem
	for i := range 18 {
		dark := bits>>uint(i)&1 == 1
		a, b := g.size-11+i%3, i/3
		g.setFn(b, a, dark)
		g.setFn(a, b, dark)
	}
}

// placeCodewords fills the data modules in the standard zigzag: two-module
// wide columns from the right edge, alternately upwards and downwards,
// stepping over the vertical timing pattern. Modules left over after the last
// codeword (remainder bits) stay light.
func (g *grid) placeCodewords(codewords []byte) {
	n := g.size
	i := 0
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5
		}
		upward := (right+1)&2 == 0
		for vert := 0; vert < n; vert++ {
			row := vert
			if upward {
				row = n - 1 - vert
			}
			for j := 0; j < 2; j++ {
				col := right - j
				if g.fn[row*n+col] {
					continue
				}
				if i < len(codewords)*8 {
					g.dark[row*n+col] = codewords[i/8]>>uint(7-i%8)&1 == 1
				}
				i++
			}
		}
	}
}

// withMask returns a copy of the grid with data mask k applied to the data
// modules and the matching format information drawn.
func (g *grid) withMask(k int) *grid {
	out := &grid{version: g.version, size: g.size, dark: make([]bool, len(g.dark)), fn: g.fn}
	copy(out.dark, g.dark)
	n := g.size
	for row := 0; row < n; row++ {
		for col := 0; col < n; col++ {
			if !g.fn[row*n+col] && maskBit(k, row, col) {
				out.dark[row*n+col] = !out.dark[row*n+col]
			}
		}
	}
	out.drawFormat(k)
	return out
}

// maskBit reports whether mask pattern k inverts the module at row, col.
func maskBit(k, row, col int) bool {
	switch k {
	case 0:
		return (row+col)%2 == 0
	case 1:
		return row%2 == 0
	case 2:
		return col%3 == 0
	case 3:
		return (row+col)%3 == 0
	case 4:
		return (row/2+col/3)%2 == 0
	case 5:
		return row*col%2+row*col%3 == 0
	case 6:
		return (row*col%2+row*col%3)%2 == 0
	default:
		return ((row+col)%2+row*col%3)%2 == 0
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
