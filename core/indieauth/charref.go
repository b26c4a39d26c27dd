package indieauth

import (
	"strings"
	"unicode/utf8"
)

// unescapeAttr decodes character references in an attribute value the way
// the newest CPython HTMLParser does (html.parser._unescape_attrvalue), which
// follows HTML5's attribute rules:
//   - "&#digits" and "&#xhex", with or without ';', are always decoded;
//   - "&name" and "&name;" are decoded only when that exact text is an HTML5
//     entity name and no '=' follows it;
//   - anything else stays as written.
func unescapeAttr(s string) string {
	if strings.IndexByte(s, '&') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		amp := strings.IndexByte(s[i:], '&')
		if amp < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+amp])
		i += amp
		end, decoded, ok := charRef(s, i)
		if !ok {
			b.WriteByte('&')
			i++
			continue
		}
		b.WriteString(decoded)
		i = end
	}
	return b.String()
}

// charRef matches "&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*)[;=]?" at
// s[i] and returns where the match ends and its replacement.
func charRef(s string, i int) (end int, decoded string, ok bool) {
	j := i + 1
	if j < len(s) && s[j] == '#' {
		k := j + 1
		base := 10
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			// decimal
		} else if k+1 < len(s) && (s[k] == 'x' || s[k] == 'X') && isHexDigit(s[k+1]) {
			base = 16
			k++
		} else {
			return 0, "", false
		}
		ds := k
		for k < len(s) && (base == 10 && s[k] >= '0' && s[k] <= '9' || base == 16 && isHexDigit(s[k])) {
			k++
		}
		decoded = numericRef(s[ds:k], base)
		if k < len(s) && s[k] == ';' {
			k++
		} else if k < len(s) && s[k] == '=' {
			decoded += "="
			k++
		}
		return k, decoded, true
	}
	if j >= len(s) || !isASCIILetter(s[j]) {
		return 0, "", false
	}
	k := j + 1
	for k < len(s) && (isASCIILetter(s[k]) || s[k] >= '0' && s[k] <= '9') {
		k++
	}
	if k < len(s) && s[k] == '=' {
		return k + 1, s[i : k+1], true
	}
	if k < len(s) && s[k] == ';' {
		k++
	}
	return k, namedRef(s[i:k]), true
}

// numericRef is html.unescape's rule for "&#n;": the Windows-1252 remapping
// of 0x80-0x9F, U+FFFD for NUL, surrogates and values past U+10FFFF, nothing
// at all for the control and non-character code points HTML forbids.
func numericRef(digits string, base int) string {
	n := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[i] - '0')
		if digits[i] > '9' {
			d = int(digits[i]|0x20-'a') + 10
		}
		if n <= utf8.MaxRune {
			n = n*base + d
		}
	}
	switch {
	case n == 0:
		return "\ufffd"
	case n == 0x0d:
		return "\r"
	case 0x80 <= n && n <= 0x9f:
		return string(windows1252[n-0x80])
	case 0xd800 <= n && n <= 0xdfff || n > utf8.MaxRune:
		return "\ufffd"
	case forbiddenCodePoint(n):
		return ""
	}
	return string(rune(n))
}

// windows1252 maps the references &#x80; to &#x9F; as HTML5 (and Python's
// html.unescape) do.
var windows1252 = [32]rune{
	'\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
	'\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
	'\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
	'\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178',
}

// forbiddenCodePoint is html._invalid_codepoints: C0 controls other than
// tab, LF, FF and CR, DEL and the C1 controls, U+FDD0-U+FDEF and the last two
// code points of every plane.
func forbiddenCodePoint(n int) bool {
	return 0x1 <= n && n <= 0x8 || n == 0xb || 0xe <= n && n <= 0x1f || 0x7f <= n && n <= 0x9f ||
		0xfdd0 <= n && n <= 0xfdef || n&0xfffe == 0xfffe
}
