package qrcode

// Level H block structure per version (index 0 unused), from ISO/IEC 18004
// table 9: error correction codewords in each block and the number of blocks.
// The split into short and long blocks follows from the version's total
// codeword count.
var (
	eccPerBlock = [41]int{0,
		17, 28, 22, 16, 22, 28, 26, 26, 24, 28,
		24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
		30, 24, 30, 30, 30, 30, 30, 30, 30, 30,
		30, 30, 30, 30, 30, 30, 30, 30, 30, 30}
	numBlocks = [41]int{0,
		1, 1, 2, 4, 4, 4, 5, 6, 8, 8,
		11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
		25, 34, 30, 32, 35, 37, 40, 42, 45, 48,
		51, 54, 57, 60, 63, 66, 70, 74, 77, 81}
)

// levelH is the two-bit error correction level indicator of level H in the
// format information.
const levelH = 0b10

// rawModules is the number of modules of a version that carry codewords (and
// remainder bits): everything but the function patterns.
func rawModules(version int) int {
	n := (16*version+128)*version + 64
	if version >= 2 {
		align := version/7 + 2
		n -= (25*align-10)*align - 55
		if version >= 7 {
			n -= 36
		}
	}
	return n
}

// dataCodewords is the number of data codewords of a version at level H.
func dataCodewords(version int) int {
	return rawModules(version)/8 - eccPerBlock[version]*numBlocks[version]
}

// alignmentPositions returns the row and column coordinates of the alignment
// pattern centres of a version (none for version 1).
func alignmentPositions(version int) []int {
	if version == 1 {
		return nil
	}
	count := version/7 + 2
	var step int
	if version == 32 {
		// The general spacing rule gives 28 here; the standard's table says 26.
		step = 26
	} else {
		step = (version*4 + count*2 + 1) / (count*2 - 2) * 2
	}
	pos := make([]int, count)
	pos[0] = 6
	last := version*4 + 10
	for i := count - 1; i >= 1; i-- {
		pos[i] = last - (count-1-i)*step
	}
	return pos
}
