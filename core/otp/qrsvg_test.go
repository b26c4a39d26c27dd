package otp

import (
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/hassauth/hassauth/core/otp/internal/qrcode"
)

const (
	svgHead = `<svg height="`
	svgPath = `" class="pyqrcode"><path transform="scale(4)" stroke="#000" class="pyqrline" d="`
	svgTail = `"/></svg>`
)

// drawSVG reads back an SVG from QRCodeSVG: it checks the fixed parts, then
// draws each stroke of the path on a grid of modules, quiet zone included.
// It knows nothing of how the path was written, only what the SVG means.
func drawSVG(t testing.TB, svg string) [][]bool {
	t.Helper()
	rest, ok := strings.CutPrefix(svg, svgHead)
	if !ok {
		t.Fatalf("SVG does not start with %q: %.80s", svgHead, svg)
	}
	h, rest, _ := strings.Cut(rest, `" width="`)
	w, rest, _ := strings.Cut(rest, svgPath)
	d, ok := strings.CutSuffix(rest, svgTail)
	px, err := strconv.Atoi(h)
	if !ok || err != nil || h != w || px%qrScale != 0 {
		t.Fatalf("malformed SVG frame: height %q width %q: %.200s", h, w, svg)
	}
	side := px / qrScale
	grid := make([][]bool, side)
	for i := range grid {
		grid[i] = make([]bool, side)
	}

	num := func() float64 {
		end := strings.IndexFunc(d, func(r rune) bool { return !(r == '-' || r == '.' || '0' <= r && r <= '9') })
		if end < 0 {
			end = len(d)
		}
		v, err := strconv.ParseFloat(d[:end], 64)
		if err != nil {
			t.Fatalf("bad number in path at %.20q", d)
		}
		d = d[end:]
		return v
	}
	expect := func(c byte) {
		if d == "" || d[0] != c {
			t.Fatalf("path: want %q at %.20q", c, d)
		}
		d = d[1:]
	}
	var x, y float64
	for first := true; d != ""; first = false {
		cmd := d[0]
		if first != (cmd == 'M') || cmd != 'M' && cmd != 'm' {
			t.Fatalf("path: unexpected command %q", cmd)
		}
		d = d[1:]
		dx := num()
		expect(' ')
		dy := num()
		expect('h')
		length := num()
		if cmd == 'M' {
			x, y = dx, dy
		} else {
			x, y = x+dx, y+dy
		}
		row := y - 0.5
		if row != float64(int(row)) || x != float64(int(x)) || length < 1 || length != float64(int(length)) {
			t.Fatalf("stroke off the module grid: x %v y %v length %v", x, y, length)
		}
		for c := int(x); c < int(x+length); c++ {
			if int(row) < 0 || int(row) >= side || c < 0 || c >= side || grid[int(row)][c] {
				t.Fatalf("stroke outside the grid or over another at row %v col %d", row, c)
			}
			grid[int(row)][c] = true
		}
		x += length
	}
	return grid
}

// checkDrawing compares a drawn SVG with the matrix, quiet zone included.
func checkDrawing(t testing.TB, grid [][]bool, m *qrcode.Matrix) {
	t.Helper()
	if len(grid) != m.Size()+2*qrQuietZone {
		t.Fatalf("SVG is %d modules wide, want %d", len(grid), m.Size()+2*qrQuietZone)
	}
	for r, row := range grid {
		for c, dark := range row {
			mr, mc := r-qrQuietZone, c-qrQuietZone
			want := mr >= 0 && mc >= 0 && mr < m.Size() && mc < m.Size() && m.Dark(mr, mc)
			if dark != want {
				t.Fatalf("module %d,%d (quiet zone included): drawn %v, matrix %v", r, c, dark, want)
			}
		}
	}
}

// scanQR renders a drawn grid at the SVG's scale and decodes it with
// gozxing's QR reader, independent of the encoder under test.
func scanQR(t testing.TB, grid [][]bool) string {
	t.Helper()
	n := len(grid) * qrScale
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := range n {
		for x := range n {
			c := color.Gray{Y: 255}
			if grid[y/qrScale][x/qrScale] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("QR reader: %v", err)
	}
	return res.GetText()
}

// TestQRCodeSVG_pyqrcode: TOTP-08's qr_code, byte for byte as Home Assistant
// makes it with PyQRCode for the same provisioning URIs.
func TestQRCodeSVG_pyqrcode(t *testing.T) {
	var fx pyqrcodeFixtures
	loadFixture(t, "pyqrcode.json", &fx)
	if len(fx.Examples) == 0 || len(fx.Sweep) < 80 {
		t.Fatal("fixtures missing")
	}
	for _, ex := range fx.Examples {
		got, err := QRCodeSVG(ex.Data)
		if err != nil {
			t.Fatal(err)
		}
		if got != ex.SVG {
			t.Errorf("%s:\ngot      %.300s\npyqrcode %.300s", ex.Data, got, ex.SVG)
		}
	}
}

// TestQRCodeSVG_sweep compares version, mask and the SVG's SHA-256 with
// PyQRCode at every version's capacity, one byte below it and one byte past
// the previous version's.
func TestQRCodeSVG_sweep(t *testing.T) {
	var fx pyqrcodeFixtures
	loadFixture(t, "pyqrcode.json", &fx)
	for _, s := range fx.Sweep {
		data := sweepData(s.Length)
		m, err := qrcode.Encode([]byte(data))
		if err != nil {
			t.Fatalf("%d bytes: %v", s.Length, err)
		}
		if m.Version != s.Version || m.Mask != s.Mask {
			t.Errorf("%d bytes: version %d mask %d, pyqrcode version %d mask %d", s.Length, m.Version, m.Mask, s.Version, s.Mask)
		}
		svg, _ := QRCodeSVG(data)
		sum := sha256.Sum256([]byte(svg))
		if hex.EncodeToString(sum[:]) != s.SVGSHA256 {
			t.Errorf("%d bytes (version %d): SVG differs from pyqrcode's", s.Length, s.Version)
		}
	}
}

// sweepData is the data make_fixtures.py encodes for the sweep.
func sweepData(n int) string {
	const unit = "otpauth://totp/Home%20Assistant:user?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF&issuer=Home%20Assistant"
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// TestQRCodeSVG_pathWriter runs the path writer on a hand-made grid whose
// second and fifth rows have a single run touching the right edge. PyQRCode
// does not reset its vertical offset after such a run, so its drawing of the
// grid is wrong from the third row on; this writer's drawing is right and
// equals PyQRCode's up to that point.
func TestQRCodeSVG_pathWriter(t *testing.T) {
	var fx pyqrcodeFixtures
	loadFixture(t, "pyqrcode.json", &fx)
	g := gridModules(fx.PathWriter.Grid)
	py := strings.ReplaceAll(fx.PathWriter.SVG, "\n", "")
	py = strings.Replace(py, `<?xml version="1.0" encoding="UTF-8"?><svg xmlns="http://www.w3.org/2000/svg"`, "<svg", 1)
	got := renderSVG(g)

	const common = `M4 4.5h3m2 0h1m12 1h3m-21 `
	if !strings.Contains(got, common) || !strings.Contains(py, common) || got == py {
		t.Fatalf("want a common start %q, then a difference:\ngot      %s\npyqrcode %s", common, got, py)
	}
	drawn := drawSVG(t, got)
	for r := range g.Size() {
		for c := range g.Size() {
			if drawn[r+qrQuietZone][c+qrQuietZone] != g.Dark(r, c) {
				t.Fatalf("module %d,%d drawn wrong: %s", r, c, got)
			}
		}
	}
	pyDrawn := drawSVG(t, py)
	if pyDrawn[2+qrQuietZone][qrQuietZone] || !pyDrawn[3+qrQuietZone][qrQuietZone] {
		t.Fatalf("PyQRCode's drawing no longer shows the offset slip: %s", py)
	}
}

type gridModules []string

func (g gridModules) Size() int              { return len(g) }
func (g gridModules) Dark(row, col int) bool { return g[row][col] == '1' }

// TestQRCodeSVG_scans draws the SVG back to modules, checks them against the
// matrix and the quiet zone, and decodes them with an independent QR reader.
func TestQRCodeSVG_scans(t *testing.T) {
	inputs := []string{
		ProvisioningURI("JBSWY3DPEHPK3PXP", "paulus"),
		ProvisioningURI("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", "日本語ユーザー 😀"),
		ProvisioningURI("KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF", strings.Repeat("long name ", 40)),
		"x",
		sweepData(qrcode.MaxBytes),
	}
	for _, data := range inputs {
		svg, err := QRCodeSVG(data)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := qrcode.Encode([]byte(data))
		grid := drawSVG(t, svg)
		checkDrawing(t, grid, m)
		if got := scanQR(t, grid); got != data {
			t.Errorf("scanned %q, want %q", got, data)
		}
	}
}

func TestQRCodeSVG_tooLong(t *testing.T) {
	if _, err := QRCodeSVG(sweepData(qrcode.MaxBytes + 1)); err != ErrQRTooLong {
		t.Errorf("got %v, want ErrQRTooLong", err)
	}
}

func FuzzQRCodeSVG(f *testing.F) {
	f.Add(ProvisioningURI("JBSWY3DPEHPK3PXP", "paulus"))
	f.Add("")
	f.Add("\x00\xff")
	f.Add(strings.Repeat("z", 300))
	f.Fuzz(func(t *testing.T, data string) {
		svg, err := QRCodeSVG(data)
		if len(data) > qrcode.MaxBytes {
			if err == nil {
				t.Fatal("data over MaxBytes accepted")
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		m, _ := qrcode.Encode([]byte(data))
		checkDrawing(t, drawSVG(t, svg), m)
	})
}
