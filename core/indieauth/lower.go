package indieauth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyLower is Python's str.lower: full Unicode lower-casing, which differs from
// Go's per-rune unicode.ToLower in two places: U+0130 becomes "i" followed by
// U+0307, and a capital sigma at the end of a word becomes final sigma.
// Bytes that are not valid UTF-8 are kept as they are (a Python str cannot
// hold them, so no Home Assistant behaviour is lost).
func pyLower(s string) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteByte(s[i])
		case r == 0x130:
			b.WriteString("i\u0307")
		case r == 0x3a3 && finalSigma(s, i, n):
			b.WriteRune(0x3c2)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += n
	}
	return b.String()
}

// finalSigma applies Unicode's Final_Sigma condition, as CPython does, to the
// capital sigma at s[i:i+n]: a cased letter before it and none after it,
// skipping case-ignorable characters on both sides.
func finalSigma(s string, i, n int) bool {
	casedBefore := false
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
		if !caseIgnorable(r) {
			casedBefore = cased(r)
			break
		}
	}
	if !casedBefore {
		return false
	}
	for k := i + n; k < len(s); {
		r, size := utf8.DecodeRuneInString(s[k:])
		k += size
		if !caseIgnorable(r) {
			return !cased(r)
		}
	}
	return true
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// caseIgnorable is Unicode's Case_Ignorable property: the categories Mn, Me,
// Cf, Lm and Sk plus the word-break classes MidLetter, MidNumLet and
// Single_Quote, which Go's unicode tables do not carry and are listed here.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}
