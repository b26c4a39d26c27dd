package qrcode

import (
	"bytes"
	"errors"
	"image/color"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

// filler builds n bytes of URI-like text (lower case, so byte mode).
func filler(n int) []byte {
	const unit = "otpauth://totp/Home%20Assistant:user?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=Home%20Assistant"
	return []byte(strings.Repeat(unit, n/len(unit)+1)[:n])
}

// byteCapacity is the most bytes a version holds at level H in byte mode.
func byteCapacity(v int) int { return (8*dataCodewords(v) - 4 - countBits(v)) / 8 }

// boombulerMask reads the mask number from the format information next to
// the top-left finder of a boombuler code.
func boombulerMask(t *testing.T, dark func(row, col int) bool) int {
	t.Helper()
	bits := 0
	for i := 0; i <= 5; i++ {
		if dark(i, 8) {
			bits |= 1 << i
		}
	}
	for i, rc := range [][2]int{{7, 8}, {8, 8}, {8, 7}} {
		if dark(rc[0], rc[1]) {
			bits |= 1 << (6 + i)
		}
	}
	for i := 9; i < 15; i++ {
		if dark(8, 14-i) {
			bits |= 1 << i
		}
	}
	bits ^= 0x5412
	if bits>>13 != levelH {
		t.Fatalf("boombuler format bits %015b are not level H", bits)
	}
	return bits >> 10 & 7
}

// TestMatchesBoombuler encodes the same data with boombuler/barcode, an
// independent encoder, at every version's capacity and one byte past the
// previous one. Boombuler chooses masks by its own scores, so the mask is
// taken from its code and forced here; every module must then agree.
func TestMatchesBoombuler(t *testing.T) {
	var lengths []int
	for v := 1; v <= 40; v++ {
		lengths = append(lengths, byteCapacity(v))
		if v > 1 {
			lengths = append(lengths, byteCapacity(v-1)+1)
		}
	}
	lengths = append(lengths, 0, 1, 85, 102, 117)
	for _, n := range lengths {
		data := filler(n)
		want, err := qr.Encode(string(data), qr.H, qr.Unicode)
		if err != nil {
			t.Fatalf("boombuler, %d bytes: %v", n, err)
		}
		size := want.Bounds().Dx()
		wantDark := func(row, col int) bool { return want.At(col, row) == color.Black }
		got, err := encode(data, boombulerMask(t, wantDark))
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if got.Size() != size {
			t.Fatalf("%d bytes: size %d, boombuler %d", n, got.Size(), size)
		}
		diff := 0
		for row := 0; row < size; row++ {
			for col := 0; col < size; col++ {
				if got.Dark(row, col) != wantDark(row, col) {
					diff++
				}
			}
		}
		if diff != 0 {
			t.Errorf("%d bytes (version %d, mask %d): %d modules differ from boombuler", n, got.Version, got.Mask, diff)
		}
	}
}

func TestVersionChoice(t *testing.T) {
	for v := 1; v <= 40; v++ {
		m, err := Encode(filler(byteCapacity(v)))
		if err != nil || m.Version != v {
			t.Fatalf("capacity of version %d: got version %v, %v", v, m, err)
		}
		if m.Size() != 17+4*v {
			t.Fatalf("version %d: size %d", v, m.Size())
		}
		if v < 40 {
			m, err = Encode(filler(byteCapacity(v) + 1))
			if err != nil || m.Version != v+1 {
				t.Fatalf("one byte past version %d: got %v, %v", v, m, err)
			}
		}
	}
	if byteCapacity(40) != MaxBytes {
		t.Fatalf("version 40 holds %d bytes, MaxBytes says %d", byteCapacity(40), MaxBytes)
	}
	if _, err := Encode(filler(MaxBytes + 1)); !errors.Is(err, ErrTooLong) {
		t.Fatalf("MaxBytes+1: got %v, want ErrTooLong", err)
	}
}

// TestReedSolomon checks the error correction of the worked example of
// ISO/IEC 18004 annex I (version 1-M, "01234567"), a classic fixed point.
func TestReedSolomon(t *testing.T) {
	data := []byte{0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11}
	want := []byte{0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55}
	if got := remainder(data, generator(10)); !bytes.Equal(got, want) {
		t.Fatalf("got % X, want % X", got, want)
	}
}

// TestFieldTables checks the log and power tables against the field's
// multiplication for every pair of elements.
func TestFieldTables(t *testing.T) {
	for a := 1; a < 256; a++ {
		for b := 1; b < 256; b++ {
			if got, want := gfExp[int(gfLog[a])+int(gfLog[b])], gfMul(byte(a), byte(b)); got != want {
				t.Fatalf("%d*%d: tables give %d, gfMul %d", a, b, got, want)
			}
		}
	}
}

func TestEncodeDeterministic(t *testing.T) {
	a, _ := Encode(filler(300))
	b, _ := Encode(filler(300))
	if a.Mask != b.Mask || a.Version != b.Version {
		t.Fatal("two encodings of the same data differ")
	}
	for i := range a.dark {
		if a.dark[i] != b.dark[i] {
			t.Fatal("two encodings of the same data differ")
		}
	}
}
