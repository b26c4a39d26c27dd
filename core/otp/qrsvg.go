package otp

import (
	"strconv"

	"github.com/hassauth/hassauth/core/otp/internal/qrcode"
)

// QR code drawing parameters of Home Assistant's TOTP setup step.
const (
	qrScale     = 4 // pixels per module
	qrQuietZone = 4 // light modules around the code
)

// ErrQRTooLong is returned by QRCodeSVG for data longer than a QR code holds.
var ErrQRTooLong = qrcode.ErrTooLong

// QRCodeSVG returns the SVG that Home Assistant's TOTP setup step shows as
// description_placeholders.qr_code for data (the provisioning URI), equal byte
// for byte to PyQRCode 1.2.1's svg(scale=4) with its XML declaration, SVG
// namespace and newlines removed.
//
// The code is level H in byte mode, as PyQRCode picks for any text with a
// character outside the QR alphanumeric set (every otpauth URI has one: its
// scheme is lower case). Data is encoded as its UTF-8 bytes; an otpauth URI is
// all ASCII, so this is the ISO-8859-1 PyQRCode would use.
//
// The drawing is a single path of horizontal one-module-thick strokes, one
// per run of dark modules, in relative moves after the first; the pen starts
// half a module low so the strokes cover whole modules.
func QRCodeSVG(data string) (string, error) {
	m, err := qrcode.Encode([]byte(data))
	if err != nil {
		return "", err
	}
	return renderSVG(m), nil
}

// modules is a square grid of QR modules; *qrcode.Matrix is one.
type modules interface {
	Size() int
	Dark(row, col int) bool
}

func renderSVG(m modules) string {
	n := m.Size()
	side := strconv.Itoa((n + 2*qrQuietZone) * qrScale)
	b := make([]byte, 0, 256+2*n*n) // about n*n/4 runs of 6 to 9 bytes
	b = append(b, `<svg height="`...)
	b = append(b, side...)
	b = append(b, `" width="`...)
	b = append(b, side...)
	b = append(b, `" class="pyqrcode"><path transform="scale(`...)
	b = strconv.AppendInt(b, qrScale, 10)
	b = append(b, `)" stroke="#000" class="pyqrline" d="`...)

	// The pen starts at the image's top-left corner. Its vertical position
	// is counted in half modules because a stroke runs along the middle of
	// its row: the first move lands on "k.5", every later one moves whole
	// rows. Horizontal positions are whole modules.
	//
	// PyQRCode's writer forgets the rows already moved when a row's only
	// stroke ends at the right edge, and then draws every row below one
	// module too low. That takes a row whose modules are all light but for
	// one run touching the edge: never a finder, timing or format row, and
	// a data row only when dozens of modules fall just so. The moves here
	// always land where the modules are, so the output equals PyQRCode's
	// wherever PyQRCode draws the code right.
	penX, penY2 := 0, 0
	relative := false
	stroke := func(row, col, length int) {
		x, y2 := col+qrQuietZone, 2*(row+qrQuietZone)+1
		if relative {
			b = append(b, 'm')
		} else {
			b = append(b, 'M')
		}
		b = strconv.AppendInt(b, int64(x-penX), 10)
		b = append(b, ' ')
		b = appendHalf(b, y2-penY2)
		b = append(b, 'h')
		b = strconv.AppendInt(b, int64(length), 10)
		penX, penY2 = x+length, y2
		relative = true
	}
	for row := 0; row < n; row++ {
		length := 0
		for col := 0; col <= n; col++ {
			if col < n && m.Dark(row, col) {
				length++
				continue
			}
			if length > 0 {
				stroke(row, col-length, length)
				length = 0
			}
		}
	}
	b = append(b, `"/></svg>`...)
	return string(b)
}

// appendHalf writes v/2, with ".5" when v is odd (v is never negative: the
// pen only moves down).
func appendHalf(b []byte, v int) []byte {
	b = strconv.AppendInt(b, int64(v/2), 10)
	if v%2 != 0 {
		b = append(b, ".5"...)
	}
	return b
}
