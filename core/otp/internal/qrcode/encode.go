package qrcode

import "errors"

// MaxBytes is the most data a code holds in byte mode at level H (version 40).
const MaxBytes = 1273

// ErrTooLong is returned for data that no version holds at level H.
var ErrTooLong = errors.New("qrcode: data does not fit in a version 40 code at level H")

// Matrix is the module grid of a QR code, without the quiet zone.
type Matrix struct {
	// Version is the QR version, 1 to 40; the grid is 17+4*Version modules wide.
	Version int
	// Mask is the data mask pattern in use, 0 to 7.
	Mask int

	size int
	dark []bool // row-major
}

// Size returns the width (and height) of the grid in modules.
func (m *Matrix) Size() int { return m.size }

// Dark reports whether the module at row, col is dark.
func (m *Matrix) Dark(row, col int) bool { return m.dark[row*m.size+col] }

// Encode builds the level-H, byte-mode QR code of data, with the smallest
// version that holds it and the mask PyQRCode would choose.
func Encode(data []byte) (*Matrix, error) { return encode(data, -1) }

// encode is Encode with the mask forced when mask is 0 to 7.
func encode(data []byte, mask int) (*Matrix, error) {
	version := 0
	for v := 1; v <= 40; v++ {
		if 4+countBits(v)+8*len(data) <= 8*dataCodewords(v) {
			version = v
			break
		}
	}
	if version == 0 {
		return nil, ErrTooLong
	}
	codewords := interleave(version, dataStream(version, data))

	g := newGrid(version)
	g.drawFunctionPatterns()
	g.placeCodewords(codewords)

	if mask < 0 {
		best := -1
		for k := 0; k < 8; k++ {
			p := g.withMask(k).penalty()
			if best < 0 || p < best {
				best, mask = p, k
			}
		}
	}
	final := g.withMask(mask)
	return &Matrix{Version: version, Mask: mask, size: final.size, dark: final.dark}, nil
}

// countBits is the width of the byte-mode character count field.
func countBits(version int) int {
	if version <= 9 {
		return 8
	}
	return 16
}

// dataStream lays out the data codewords: mode indicator, count, the bytes,
// a terminator of up to four zero bits, zero bits to the byte boundary, then
// the alternating pad codewords 0xEC 0x11.
func dataStream(version int, data []byte) []byte {
	capacity := dataCodewords(version)
	w := bitWriter{buf: make([]byte, 0, capacity)}
	w.put(0b0100, 4)
	w.put(uint32(len(data)), countBits(version))
	for _, b := range data {
		w.put(uint32(b), 8)
	}
	w.put(0, min(4, capacity*8-w.n))
	if r := w.n % 8; r != 0 {
		w.put(0, 8-r)
	}
	for pad := byte(0xEC); len(w.buf) < capacity; pad ^= 0xEC ^ 0x11 {
		w.buf = append(w.buf, pad)
	}
	return w.buf
}

// bitWriter appends bit fields, most significant bit first.
type bitWriter struct {
	buf []byte
	n   int // bits written
}

func (w *bitWriter) put(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.buf = append(w.buf, 0)
		}
		if v>>uint(i)&1 == 1 {
			w.buf[w.n/8] |= 0x80 >> uint(w.n%8)
		}
		w.n++
	}
}

// interleave splits the data codewords into the version's blocks, appends the
// Reed-Solomon codewords of each, and interleaves them: the data codewords
// column by column across the blocks, then the error correction codewords.
func interleave(version int, data []byte) []byte {
	total := rawModules(version) / 8
	blocks := numBlocks[version]
	ecc := eccPerBlock[version]
	shortData := total/blocks - ecc
	numShort := blocks - total%blocks

	gen := generator(ecc)
	dataBlocks := make([][]byte, blocks)
	eccBlocks := make([][]byte, blocks)
	off := 0
	for i := range blocks {
		k := shortData
		if i >= numShort {
			k++
		}
		dataBlocks[i] = data[off : off+k]
		eccBlocks[i] = remainder(dataBlocks[i], gen)
		off += k
	}

	out := make([]byte, 0, total)
	for i := 0; i <= shortData; i++ {
		for _, b := range dataBlocks {
			if i < len(b) {
				out = append(out, b[i])
			}
		}
	}
	for i := range ecc {
		for _, b := range eccBlocks {
			out = append(out, b[i])
		}
	}
	return out
}

// gfMul multiplies in GF(2^8) modulo x^8+x^4+x^3+x^2+1, the QR code field.
func gfMul(a, b byte) byte {
	var p byte
	for ; b != 0; b >>= 1 {
		if b&1 == 1 {
			p ^= a
		}
		carry := a & 0x80
		a <<= 1
		if carry != 0 {
			a ^= 0x1D
		}
	}
	return p
}

// generator returns the coefficients, highest degree first and without the
// leading 1, of the Reed-Solomon generator polynomial (x-a^0)...(x-a^(n-1)).
func generator(n int) []byte {
	g := make([]byte, n)
	g[n-1] = 1 // the polynomial 1, stored in the lowest place
	root := byte(1)
	for range n {
		// g = g*x + root*g, with the implicit leading coefficient shifting in.
		for j := 0; j < n; j++ {
			g[j] = gfMul(g[j], root)
			if j+1 < n {
				g[j] ^= g[j+1]
			}
		}
		root = gfMul(root, 2)
	}
	return g
}

// remainder is the Reed-Solomon remainder of data times x^len(gen), divided
// by the generator: the block's error correction codewords.
func remainder(data, gen []byte) []byte {
	r := make([]byte, len(gen))
	for _, b := range data {
		factor := b ^ r[0]
		copy(r, r[1:])
		r[len(r)-1] = 0
		if factor == 0 {
			continue
		}
		lf := int(gfLog[factor])
		for j, c := range gen {
			if c != 0 {
				r[j] ^= gfExp[int(gfLog[c])+lf]
			}
		}
	}
	return r
}

// gfExp and gfLog are the powers of the field's generator 2 and their
// logarithms, so that a product of nonzero elements is
// gfExp[gfLog[a]+gfLog[b]]; gfExp repeats once so that the sum needs no
// reduction.
var gfExp, gfLog = func() (exp [2 * 255]byte, log [256]byte) {
	x := byte(1)
	for i := 0; i < 255; i++ {
		exp[i], exp[i+255] = x, x
		log[x] = byte(i)
		x = gfMul(x, 2)
	}
	return exp, log
}()
