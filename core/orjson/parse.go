package orjson

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting Parse accepts, orjson's recursion limit.
const MaxDepth = 1024

// SyntaxError describes why a document is not valid JSON.
type SyntaxError struct {
	Msg    string
	Offset int
}

func (e *SyntaxError) Error() string {
	return e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// ErrDepth is reported for documents nested deeper than MaxDepth.
var ErrDepth = errors.New("orjson: document nested too deeply")

// ErrTooManyValues is reported by ParseLimited for documents with more
// values than its limit.
var ErrTooManyValues = errors.New("orjson: document has too many values")

// Parse decodes one JSON document as orjson.loads does: strict RFC 8259
// (no NaN, no trailing commas, no comments), valid UTF-8 only, no lone
// surrogate escapes, whitespace around the value allowed. For a key given
// twice the last value wins and keeps the first key's place, like a Python
// dict.
func Parse(data []byte) (Value, error) {
	return parse(parser{data: data, left: -1})
}

// ParseLimited is Parse for documents from the network: it fails with
// ErrTooManyValues, before building them, on documents of more than
// maxValues values (every array element, object member value and the top
// value count one). A Value takes some 72 bytes, so without a limit a
// body of "[0,0,0,...]" would cost 36 times its size in memory.
func ParseLimited(data []byte, maxValues int) (Value, error) {
	return parse(parser{data: data, left: max(maxValues, 0)})
}

func parse(p parser) (Value, error) {
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return Value{}, p.fail("trailing data")
	}
	return v, nil
}

type parser struct {
	data []byte
	pos  int
	// scratch holds the text of the last string that had escapes, reused
	// from one string to the next.
	scratch []byte
	// left is how many more values the document may have; negative means
	// no limit.
	left int
}

func (p *parser) fail(msg string) error { return &SyntaxError{Msg: msg, Offset: p.pos} }

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (Value, error) {
	if depth >= MaxDepth {
		return Value{}, ErrDepth
	}
	if p.left >= 0 {
		if p.left == 0 {
			return Value{}, ErrTooManyValues
		}
		p.left--
	}
	if p.pos >= len(p.data) {
		return Value{}, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.string()
		return Value{Kind: String, Str: s}, err
	case c == 't':
		return Value{Kind: Bool, Bool: true}, p.literal("true")
	case c == 'f':
		return Value{Kind: Bool}, p.literal("false")
	case c == 'n':
		return Value{Kind: Null}, p.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return Value{}, p.fail("unexpected character")
	}
}

func (p *parser) literal(word string) error {
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return p.fail("invalid literal")
	}
	p.pos += len(word)
	return nil
}

func (p *parser) object(depth int) (Value, error) {
	p.pos++ // {
	v := Value{Kind: Object}
	// index finds repeated keys in large objects without a quadratic scan.
	var index map[string]int
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		v.Obj = []Member{}
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return Value{}, p.fail("expected object key")
		}
		key, err := p.string()
		if err != nil {
			return Value{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return Value{}, p.fail("expected ':'")
		}
		p.pos++
		p.skipSpace()
		val, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		if i, ok := findKey(v.Obj, index, key); ok {
			v.Obj[i].Value = val
		} else {
			v.Obj = append(v.Obj, Member{Key: key, Value: val})
			if index != nil {
				index[key] = len(v.Obj) - 1
			} else if len(v.Obj) > smallObject {
				index = make(map[string]int, len(v.Obj)*2)
				for i, m := range v.Obj {
					index[m.Key] = i
				}
			}
		}
		p.skipSpace()
		if p.pos >= len(p.data) {
			return Value{}, p.fail("unexpected end of object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return v, nil
		default:
			return Value{}, p.fail("expected ',' or '}'")
		}
	}
}

// smallObject is the size up to which repeated keys are found by scanning.
const smallObject = 16

func findKey(obj []Member, index map[string]int, key string) (int, bool) {
	if index != nil {
		i, ok := index[key]
		return i, ok
	}
	for i := range obj {
		if obj[i].Key == key {
			return i, true
		}
	}
	return 0, false
}

func (p *parser) array(depth int) (Value, error) {
	p.pos++ // [
	v := Value{Kind: Array, Arr: []Value{}}
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for {
		p.skipSpace()
		it, err := p.value(depth + 1)
		if err != nil {
			return Value{}, err
		}
		v.Arr = append(v.Arr, it)
		p.skipSpace()
		if p.pos >= len(p.data) {
			return Value{}, p.fail("unexpected end of array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return v, nil
		default:
			return Value{}, p.fail("expected ',' or ']'")
		}
	}
}

func (p *parser) number() (Value, error) {
	b, err := p.numberBytes()
	if err != nil {
		return Value{}, err
	}
	return Value{Kind: Number, Str: string(b)}, nil
}

// numberBytes scans a number and returns its literal as a view of the input.
func (p *parser) numberBytes() ([]byte, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	if p.pos >= len(p.data) {
		return nil, p.fail("invalid number")
	}
	if p.data[p.pos] == '0' {
		p.pos++
	} else if p.data[p.pos] >= '1' && p.data[p.pos] <= '9' {
		p.digits()
	} else {
		return nil, p.fail("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	return p.data[start:p.pos], nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}

func (p *parser) string() (string, error) {
	b, err := p.stringBytes()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// stringBytes scans a string and returns its decoded text: a view of the
// input when the string has no escapes, else of the parser's scratch buffer,
// valid until the next string is scanned.
func (p *parser) stringBytes() ([]byte, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes. Only text with a byte >= 0x80 needs checking
	// for valid UTF-8, which spares the check for ids, keys and hashes.
	var high byte
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			if high >= utf8.RuneSelf && !utf8.Valid(s) {
				return nil, p.fail("invalid UTF-8 in string")
			}
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return nil, p.fail("control character in string")
		}
		high |= c
		p.pos++
	}
	buf := append(p.scratch[:0], p.data[start:p.pos]...)
	defer func() { p.scratch = buf[:0] }()
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return nil, p.fail("invalid UTF-8 in string")
			}
			p.pos++
			return buf, nil
		case c < 0x20:
			return nil, p.fail("control character in string")
		case c != '\\':
			buf = append(buf, c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.data) {
			break
		}
		e := p.data[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return nil, p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || p.pos+1 >= len(p.data) || p.data[p.pos] != '\\' || p.data[p.pos+1] != 'u' {
					return nil, p.fail("lone surrogate in string")
				}
				p.pos += 2
				r2, ok := p.hex4()
				if !ok {
					return nil, p.fail("invalid \\u escape")
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return nil, p.fail("lone surrogate in string")
				}
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return nil, p.fail("invalid escape")
		}
	}
	return nil, p.fail("unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for i := 0; i < 4; i++ {
		c := p.data[p.pos+i]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
}
