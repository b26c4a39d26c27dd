package otp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// allASCIIDigits reports whether s is non-empty and made of 0-9 only.
func allASCIIDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// TestDigitRunes checks the table against golang.org/x/text's NFKC over every
// code point: a character is in it exactly when its NFKC form is ASCII digits,
// and then it maps to that form.
func TestDigitRunes(t *testing.T) {
	found := 0
	for r := rune(0x80); r <= utf8.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		want := norm.NFKC.String(string(r))
		got, ok := appendDigitRune(nil, r)
		switch {
		case allASCIIDigits(want) && (!ok || string(got) != want):
			t.Errorf("U+%04X: NFKC %q, table gives %q, %v", r, want, got, ok)
		case !allASCIIDigits(want) && ok:
			t.Errorf("U+%04X: NFKC %q is not digits, table gives %q", r, want, got)
		}
		if ok {
			found++
		}
	}
	// Python 3.11's unicodedata (Unicode 14) lists 141 such characters.
	if found != 141 {
		t.Errorf("%d characters normalise to digits, want 141", found)
	}
}

// checkNormalize compares normalizeCode with golang.org/x/text's NFKC on what
// matters for verification: whether the form is six ASCII digits, and which.
func checkNormalize(t *testing.T, code string) {
	t.Helper()
	got, ok := normalizeCode(code)
	want := norm.NFKC.String(code)
	if allASCIIDigits(want) {
		if !ok || got != want {
			t.Errorf("%q: NFKC %q, got %q, %v", code, want, got, ok)
		}
	} else if ok && allASCIIDigits(got) {
		t.Errorf("%q: NFKC %q is not digits, got %q", code, want, got)
	}
}

func TestNormalizeCode(t *testing.T) {
	for _, tc := range []struct {
		code, want string
		ok         bool
	}{
		{"123456", "123456", true},
		{" 12345", " 12345", true}, // ASCII is its own form: the space stays and fails
		{"１２３４５６", "123456", true},
		{"¹²³⁴⁵⁶", "123456", true},
		{"⑫3456", "123456", true},
		{"㉑㊱56", "213656", true},
		{"١٢٣٤٥٦", "", false},
		{"12345\u0301", "", false},
		{"\u200b123456", "", false},
		{"１23a56", "", false},
		{"\xff123456", "", false},
	} {
		got, ok := normalizeCode(tc.code)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%q: got %q, %v; want %q, %v", tc.code, got, ok, tc.want, tc.ok)
		}
		checkNormalize(t, tc.code)
	}
}
