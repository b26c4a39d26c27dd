package orjson

import (
	"math"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// Encoder appends one JSON document to a byte slice. Calls must nest
// correctly (every Begin has its End, every object member starts with Key);
// the encoder does not check this, the way a hand-written template would not.
type Encoder struct {
	buf    []byte
	indent bool
	depth  int
	// first is true right after a container opened: no comma is due.
	first bool
	// afterKey is true between Key and the member's value.
	afterKey bool
	// empty has a bit per open container, the innermost at bit depth-1,
	// set while nothing was written in it, because orjson writes empty
	// containers as [] and {} even when indenting. Containers deeper than
	// 64 keep theirs in deeper; a bit mask spares every encoder an
	// allocation.
	empty  uint64
	deeper []bool
}

// NewEncoder returns an encoder that appends to buf. With indent set it
// writes orjson's OPT_INDENT_2 layout, otherwise the compact form.
func NewEncoder(buf []byte, indent bool) *Encoder {
	return &Encoder{buf: buf, indent: indent, first: true}
}

// Bytes returns the encoded document.
func (e *Encoder) Bytes() []byte { return e.buf }

// Reset empties the encoder, keeping its buffer for reuse.
func (e *Encoder) Reset() {
	e.buf = e.buf[:0]
	e.depth = 0
	e.first = true
	e.afterKey = false
	e.empty = 0
	e.deeper = e.deeper[:0]
}

// setEmpty records whether the container at depth d (from 1) is empty.
func (e *Encoder) setEmpty(d int, empty bool) {
	if d <= 64 {
		if empty {
			e.empty |= 1 << (d - 1)
		} else {
			e.empty &^= 1 << (d - 1)
		}
		return
	}
	if d-64 > len(e.deeper) {
		e.deeper = append(e.deeper, empty)
		return
	}
	e.deeper[d-65] = empty
}

// isEmpty reports whether the container at depth d (from 1) is empty.
func (e *Encoder) isEmpty(d int) bool {
	if d <= 64 {
		return e.empty&(1<<(d-1)) != 0
	}
	return e.deeper[d-65]
}

// indentation is enough spaces for the usual depths, appended in one go.
const indentation = "\n                                                                "

func (e *Encoder) newline() {
	if n := 1 + 2*e.depth; n <= len(indentation) {
		e.buf = append(e.buf, indentation[:n]...)
		return
	}
	e.buf = append(e.buf, '\n')
	for i := 0; i < e.depth; i++ {
		e.buf = append(e.buf, ' ', ' ')
	}
}

// sep writes what goes before a value: nothing after a key, else a comma
// unless the value is the container's first, then the indentation.
func (e *Encoder) sep() {
	if e.afterKey {
		e.afterKey = false
		return
	}
	if !e.first {
		e.buf = append(e.buf, ',')
	}
	e.first = false
	if e.depth > 0 {
		e.setEmpty(e.depth, false)
		if e.indent {
			e.newline()
		}
	}
}

func (e *Encoder) open(c byte) {
	e.sep()
	e.buf = append(e.buf, c)
	e.depth++
	e.first = true
	e.setEmpty(e.depth, true)
}

func (e *Encoder) close(c byte) {
	wasEmpty := e.isEmpty(e.depth)
	if e.depth > 64 {
		e.deeper = e.deeper[:e.depth-65]
	}
	e.depth--
	if e.indent && !wasEmpty {
		e.newline()
	}
	e.buf = append(e.buf, c)
	e.first = false
}

// BeginObject opens an object.
func (e *Encoder) BeginObject() { e.open('{') }

// EndObject closes the innermost object.
func (e *Encoder) EndObject() { e.close('}') }

// BeginArray opens an array.
func (e *Encoder) BeginArray() { e.open('[') }

// EndArray closes the innermost array.
func (e *Encoder) EndArray() { e.close(']') }

// Key writes an object member's key; the member's value must follow.
func (e *Encoder) Key(k string) {
	e.sep()
	e.buf = appendString(e.buf, k)
	if e.indent {
		e.buf = append(e.buf, ':', ' ')
	} else {
		e.buf = append(e.buf, ':')
	}
	e.afterKey = true
}

// String writes a string value.
func (e *Encoder) String(s string) {
	e.sep()
	e.buf = appendString(e.buf, s)
}

// StringBytes writes b as a string value, like String(string(b)) without
// the copy.
func (e *Encoder) StringBytes(b []byte) {
	e.sep()
	e.buf = appendString(e.buf, b)
}

// StringOrNull writes s, or null when s is nil.
func (e *Encoder) StringOrNull(s *string) {
	if s == nil {
		e.Null()
		return
	}
	e.String(*s)
}

// Int writes an integer value.
func (e *Encoder) Int(i int64) {
	e.sep()
	e.buf = strconv.AppendInt(e.buf, i, 10)
}

// Uint writes an unsigned integer value.
func (e *Encoder) Uint(u uint64) {
	e.sep()
	e.buf = strconv.AppendUint(e.buf, u, 10)
}

// Float writes a float value as orjson does: shortest round-trip digits,
// always with a fraction or an exponent, so 1764579600.0 stays
// "1764579600.0" and never "1.7645796e+09".
func (e *Encoder) Float(f float64) {
	e.sep()
	e.buf = AppendFloat(e.buf, f)
}

// Bool writes true or false.
func (e *Encoder) Bool(b bool) {
	e.sep()
	if b {
		e.buf = append(e.buf, "true"...)
	} else {
		e.buf = append(e.buf, "false"...)
	}
}

// Null writes null.
func (e *Encoder) Null() {
	e.sep()
	e.buf = append(e.buf, "null"...)
}

// Raw writes an already encoded compact JSON value as it is. In indented
// mode the value is re-encoded so that its layout matches the document's.
func (e *Encoder) Raw(b []byte) {
	if e.indent {
		if v, err := Parse(b); err == nil {
			e.Value(v)
			return
		}
	}
	e.sep()
	e.buf = append(e.buf, b...)
}

// Value writes a parsed value, keeping its key order and number literals.
func (e *Encoder) Value(v Value) {
	switch v.Kind {
	case Null:
		e.Null()
	case Bool:
		e.Bool(v.Bool)
	case Number:
		e.sep()
		e.buf = append(e.buf, v.Str...)
	case String:
		e.String(v.Str)
	case Array:
		e.BeginArray()
		for _, it := range v.Arr {
			e.Value(it)
		}
		e.EndArray()
	case Object:
		e.BeginObject()
		for _, m := range v.Obj {
			e.Key(m.Key)
			e.Value(m.Value)
		}
		e.EndObject()
	}
}

// AppendFloat appends f formatted as orjson (3.11.7 and later) writes it:
// the shortest digits that read back as f; plain notation with at least one
// fraction digit for 1e-5 <= |f| < 1e16 (1800.0, 0.00001); otherwise an
// exponent with an explicit sign and no padding (2e-6, 1.2e+30). NaN and
// infinities, which orjson writes as null, are written as null too.
func AppendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	if abs == 0 || (abs >= 1e-5 && abs < 1e16) {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		for _, c := range b[start:] {
			if c == '.' {
				return b
			}
		}
		return append(b, '.', '0')
	}
	// Go writes at least two exponent digits (1e-06); orjson does not.
	start := len(b)
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	for i := len(b) - 1; i > start; i-- {
		if b[i] == '+' || b[i] == '-' {
			if b[i+1] == '0' && len(b)-(i+1) > 1 {
				b = append(b[:i+1], b[i+2:]...)
			}
			break
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD so
// that every document written is valid JSON that Home Assistant can load.
func appendString[T string | []byte](b []byte, s T) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Skip plain ASCII eight bytes at a time, to the first byte that
		// needs a look: one to escape, or one >= 0x80 to check as UTF-8
		// (see special; the top bits of w are exact).
		for i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if m := special(w) | w&highs; m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"':
				b = append(b, '\\', '"')
			case '\\':
				b = append(b, '\\', '\\')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		// A rune is at most four bytes; the conversion of so few is free.
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendString appends s as a JSON string literal.
func AppendString(b []byte, s string) []byte { return appendString(b, s) }
