package orjson

import (
	"encoding/binary"
	"errors"
	"math/bits"
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
	if len(p.data) <= smallText {
		p.text = string(p.data)
	}
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
	// text is a copy of a small document, whose slices are the keys,
	// strings and numbers that need no unescaping: one allocation for the
	// document instead of one per string.
	text string
}

// smallText is the largest document whose strings are slices of one copy
// of it. A value kept longer keeps the whole copy, so the copy is small.
const smallText = 4 << 10

func (p *parser) fail(msg string) error { return &SyntaxError{Msg: msg, Offset: p.pos} }

func (p *parser) skipSpace() {
	data, i := p.data, p.pos
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	p.pos = i
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
	start := p.pos
	b, err := p.numberBytes()
	if err != nil {
		return Value{}, err
	}
	if p.text != "" {
		return Value{Kind: Number, Str: p.text[start:p.pos]}, nil
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
	data, i := p.data, p.pos
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	n := i - p.pos
	p.pos = i
	return n
}

func (p *parser) string() (string, error) {
	start := p.pos
	b, err := p.stringBytes()
	if err != nil {
		return "", err
	}
	if p.text != "" && len(b) == p.pos-start-2 {
		// No escapes: the text between the quotes is the string.
		return p.text[start+1 : p.pos-1], nil
	}
	return string(b), nil
}

// stringBytes scans a string and returns its decoded text: a view of the
// input when the string has no escapes, else of the parser's scratch buffer,
// valid until the next string is scanned.
//
// Strings are most of what the parser reads, so the scan is written for
// few turns of its loops: it looks at eight bytes at a time (see special)
// and keeps its position in locals. Under WebAssembly every taken branch
// and every access through p costs far more than natively.
func (p *parser) stringBytes() ([]byte, error) {
	data := p.data
	start := p.pos + 1 // past the opening quote
	i, high := scanPlain(data, start)
	if i < len(data) && data[i] == '"' {
		// No escapes: only text with a byte >= 0x80 needs checking for
		// valid UTF-8, which spares the check for ids, keys and hashes.
		s := data[start:i]
		if high >= utf8.RuneSelf && !utf8.Valid(s) {
			p.pos = i
			return nil, p.fail("invalid UTF-8 in string")
		}
		p.pos = i + 1
		return s, nil
	}
	return p.unescape(start, i, high)
}

// unescape decodes a string with escapes into the scratch buffer, from
// start, the text up to i being plain and high the OR of its bytes. It
// writes the buffer by index and keeps room for what one turn of its loop
// writes; decoded text is never longer than its JSON.
func (p *parser) unescape(start, i int, high byte) ([]byte, error) {
	data := p.data
	buf := p.scratch[:cap(p.scratch)]
	defer func() { p.scratch = buf[:0] }()
	// The rest of the input bounds the text; up to a limit, take room for
	// all of it at once rather than growing the buffer step by step.
	if need := min(len(data)-start+16, max(2*(i-start)+64, 64<<10)); len(buf) < need {
		buf = make([]byte, need)
	}
	n := copy(buf, data[start:i])
	var wide uint64 // the OR of the plain bytes copied by the word
	for i < len(data) {
		if len(buf)-n < 16 {
			grown := make([]byte, min(2*len(buf), n+len(data)-i+16))
			copy(grown, buf[:n])
			buf = grown
		}
		if i+8 <= len(data) {
			// Copy the plain bytes of the next eight, then look at the
			// first one that is not plain, if any.
			w := binary.LittleEndian.Uint64(data[i:])
			binary.LittleEndian.PutUint64(buf[n:], w)
			m := special(w)
			if m == 0 {
				wide |= w
				n += 8
				i += 8
				continue
			}
			k := bits.TrailingZeros64(m) >> 3
			wide |= w & (1<<(8*k) - 1)
			n += k
			i += k
		}
		c := data[i]
		if c == '\\' && i+1 < len(data) {
			// The usual escapes, by table.
			if out := unescaped[data[i+1]]; out != 0 {
				buf[n] = out
				n++
				i += 2
				continue
			}
		}
		switch {
		case c == '"':
			p.pos = i
			high |= fold(wide)
			if high >= utf8.RuneSelf && !utf8.Valid(buf[:n]) {
				return nil, p.fail("invalid UTF-8 in string")
			}
			p.pos = i + 1
			return buf[:n], nil
		case c < 0x20:
			p.pos = i
			return nil, p.fail("control character in string")
		case c != '\\':
			// A plain byte in the last seven of the input.
			buf[n] = c
			n++
			i++
			high |= c
			continue
		}
		i++
		if i >= len(data) {
			break
		}
		e := data[i]
		i++
		switch e {
		case 'u':
			p.pos = i
			r, ok := p.hex4()
			if !ok {
				return nil, p.fail("invalid \\u escape")
			}
			if utf16.IsSurrogate(r) {
				if r >= 0xdc00 || p.pos+1 >= len(data) || data[p.pos] != '\\' || data[p.pos+1] != 'u' {
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
			i = p.pos
			n += utf8.EncodeRune(buf[n:], r)
			continue
		default:
			p.pos = i
			return nil, p.fail("invalid escape")
		}
	}
	p.pos = i
	return nil, p.fail("unterminated string")
}

// unescaped maps the byte after a backslash to the byte it stands for, for
// every escape but \u; 0 for the rest.
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// Masks for looking at eight bytes of a string at once.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special returns the top bit of each byte of w that may end or escape a
// string or be a control character: a '"', a '\\', one below 0x20. Each of
// the three tests is the classic "has a zero byte" trick, (x - ones) &^ x
// & highs, which may also mark bytes after a true one but never before: the
// lowest bit set is exact.
func special(w uint64) uint64 {
	q := w ^ (ones * '"')
	b := w ^ (ones * '\\')
	return ((q-ones)&^q | (b-ones)&^b | (w-ones*0x20)&^w) & highs
}

// fold ORs the eight bytes of w into one, keeping each top bit.
func fold(w uint64) byte {
	w |= w >> 32
	w |= w >> 16
	w |= w >> 8
	return byte(w)
}

// scanPlain returns the index of the first byte from i on that is '"', '\\'
// or a control character (len(data) when there is none), and the OR of the
// bytes before it, whose top bit says whether any was >= 0x80.
func scanPlain(data []byte, i int) (int, byte) {
	var high byte
	for i+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[i:])
		if m := special(w); m != 0 {
			k := bits.TrailingZeros64(m) >> 3
			return i + k, high | fold(w&(1<<(8*k)-1))
		}
		high |= fold(w)
		i += 8
	}
	for ; i < len(data); i++ {
		c := data[i]
		if c == '"' || c == '\\' || c < 0x20 {
			break
		}
		high |= c
	}
	return i, high
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
