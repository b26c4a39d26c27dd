package schema

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/orjson"
)

// PythonRepr returns repr() of the Python object json.loads makes of v:
// strings quoted and escaped by Python's rules, True/False/None, integers in
// full, floats in repr's shortest form ("1.0", "1e+16", "inf" for a literal
// too large for a double), lists as [a, b] and dicts as {'k': v} in key
// order.
func PythonRepr(v orjson.Value) string {
	return string(AppendPythonRepr(nil, v))
}

// AppendPythonRepr appends PythonRepr(v) to b.
func AppendPythonRepr(b []byte, v orjson.Value) []byte {
	w := reprWriter{buf: b, limit: math.MaxInt}
	w.value(v)
	return w.buf
}

// reprWriter writes a repr until buf reaches limit, after which it stops
// early (humanize_error never shows more than a bounded prefix).
type reprWriter struct {
	buf   []byte
	limit int
}

func (w *reprWriter) full() bool { return len(w.buf) >= w.limit }

func (w *reprWriter) value(v orjson.Value) {
	switch v.Kind {
	case orjson.Null:
		w.buf = append(w.buf, "None"...)
	case orjson.Bool:
		if v.Bool {
			w.buf = append(w.buf, "True"...)
		} else {
			w.buf = append(w.buf, "False"...)
		}
	case orjson.Number:
		w.buf = appendNumberRepr(w.buf, v)
	case orjson.String:
		w.buf = appendStrReprLimit(w.buf, v.Str, w.limit)
	case orjson.Array:
		w.buf = append(w.buf, '[')
		for i := range v.Arr {
			if w.full() {
				return
			}
			if i > 0 {
				w.buf = append(w.buf, ", "...)
			}
			w.value(v.Arr[i])
		}
		w.buf = append(w.buf, ']')
	case orjson.Object:
		w.buf = append(w.buf, '{')
		for i := range v.Obj {
			if w.full() {
				return
			}
			if i > 0 {
				w.buf = append(w.buf, ", "...)
			}
			w.buf = appendStrReprLimit(w.buf, v.Obj[i].Key, w.limit)
			w.buf = append(w.buf, ": "...)
			w.value(v.Obj[i].Value)
		}
		w.buf = append(w.buf, '}')
	default:
		w.buf = append(w.buf, "None"...)
	}
}

// appendNumberRepr appends the repr of the int or float Python's JSON
// loaders make of a number literal.
func appendNumberRepr(b []byte, v orjson.Value) []byte {
	if v.IsInt() {
		// Python ints are unbounded, so the literal is the value; only "-0"
		// is not how Python prints zero.
		if v.Str == "-0" {
			return append(b, '0')
		}
		return append(b, v.Str...)
	}
	return appendFloatRepr(b, parseFloatLiteral(v.Str))
}

// parseFloatLiteral converts a JSON number literal as Python's float() does:
// too large gives an infinity, too small a (signed) zero.
func parseFloatLiteral(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		// Not a number literal at all: only hand-built values get here.
		return math.NaN()
	}
	return f
}

// appendFloatRepr appends Python's repr(float).
func appendFloatRepr(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "nan"...)
	case math.IsInf(f, 1):
		return append(b, "inf"...)
	case math.IsInf(f, -1):
		return append(b, "-inf"...)
	}
	// repr switches to exponent form below 1e-4 and from 1e16, with at
	// least two exponent digits (1e-05, 1e+16); orjson's JSON differs.
	if abs := math.Abs(f); abs != 0 && (abs < 1e-4 || abs >= 1e16) {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'f', -1, 64)
	for _, c := range b[start:] {
		if c == '.' {
			return b
		}
	}
	return append(b, '.', '0')
}

// appendStrRepr appends Python's repr of s.
func appendStrRepr(b []byte, s string) []byte {
	return appendStrReprLimit(b, s, math.MaxInt)
}

const lowerHex = "0123456789abcdef"

// appendStrReprLimit appends repr(s), stopping (without the closing quote)
// once b reaches limit bytes.
func appendStrReprLimit(b []byte, s string, limit int) []byte {
	// Python quotes with ' unless the text holds a ' and no ".
	quote := byte('\'')
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		quote = '"'
	}
	b = append(b, quote)
	for i := 0; i < len(s); {
		if len(b) >= limit {
			return b
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == quote || c == '\\':
				b = append(b, '\\', c)
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'x', lowerHex[c>>4], lowerHex[c&0xf])
			default:
				b = append(b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			// Python strings cannot hold invalid UTF-8; show the byte the way
			// Python shows it after a surrogateescape decode.
			b = append(b, '\\', 'u', 'd', 'c', lowerHex[c>>4], lowerHex[c&0xf])
			i++
			continue
		}
		if isPrintable(r) {
			b = append(b, s[i:i+size]...)
		} else {
			b = appendRuneEscape(b, r)
		}
		i += size
	}
	return append(b, quote)
}

// isPrintable is Python's str.isprintable for one non-ASCII code point:
// everything but the categories Other (Cc, Cf, Cs, Co, Cn) and Separator
// (Zl, Zp, Zs).
func isPrintable(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

func appendRuneEscape(b []byte, r rune) []byte {
	switch {
	case r <= 0xff:
		return append(b, '\\', 'x', lowerHex[r>>4], lowerHex[r&0xf])
	case r <= 0xffff:
		return append(b, '\\', 'u',
			lowerHex[r>>12&0xf], lowerHex[r>>8&0xf], lowerHex[r>>4&0xf], lowerHex[r&0xf])
	default:
		b = append(b, '\\', 'U')
		for shift := 28; shift >= 0; shift -= 4 {
			b = append(b, lowerHex[r>>uint(shift)&0xf])
		}
		return b
	}
}
