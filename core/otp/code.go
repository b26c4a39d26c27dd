package otp

import "strconv"

// digitRunes lists, as ranges of consecutive code points with consecutive
// values, every non-ASCII character whose Unicode NFKC form is made of ASCII
// digits only: superscripts, subscripts, circled numbers (which stand for one
// or two digits), full-width and mathematical digits. pyotp compares codes
// after NFKC normalisation, so "１２３４５６" typed on a Japanese keyboard is
// accepted; these are exactly the characters that can take part in such a
// match. The test checks the table against golang.org/x/text's NFKC over
// every code point.
var digitRunes = [...]struct {
	lo, hi rune
	value  int // value of lo; lo+i stands for value+i
}{
	{0xB2, 0xB3, 2},
	{0xB9, 0xB9, 1},
	{0x2070, 0x2070, 0},
	{0x2074, 0x2079, 4},
	{0x2080, 0x2089, 0},
	{0x2460, 0x2473, 1},
	{0x24EA, 0x24EA, 0},
	{0x3251, 0x325F, 21},
	{0x32B1, 0x32BF, 36},
	{0xFF10, 0xFF19, 0},
	{0x1D7CE, 0x1D7D7, 0},
	{0x1D7D8, 0x1D7E1, 0},
	{0x1D7E2, 0x1D7EB, 0},
	{0x1D7EC, 0x1D7F5, 0},
	{0x1D7F6, 0x1D7FF, 0},
	{0x1FBF0, 0x1FBF9, 0},
}

// appendDigitRune appends the NFKC form of r if that is all ASCII digits,
// and reports whether it was.
func appendDigitRune(b []byte, r rune) ([]byte, bool) {
	if '0' <= r && r <= '9' {
		return append(b, byte(r)), true
	}
	for _, d := range digitRunes {
		if d.lo <= r && r <= d.hi {
			return strconv.AppendInt(b, int64(d.value)+int64(r-d.lo), 10), true
		}
	}
	return b, false
}

// normalizeCode returns the NFKC form of a typed code, and false when the
// code has a non-ASCII character whose form is not ASCII digits (such a code
// can match no OTP, so its form is not needed).
//
// ASCII text is its own NFKC form. Beyond ASCII, a string's NFKC form is all
// ASCII digits exactly when each of its characters' forms is: decomposition
// works character by character, and composition never produces an ASCII
// digit. So the per-character table is enough.
func normalizeCode(code string) (string, bool) {
	ascii := true
	for i := 0; i < len(code); i++ {
		if code[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return code, true
	}
	b := make([]byte, 0, len(code))
	for _, r := range code {
		var ok bool
		if b, ok = appendDigitRune(b, r); !ok {
			return "", false
		}
	}
	return string(b), true
}
