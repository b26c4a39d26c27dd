package orjson

// Decoder reads one JSON document piece by piece, with the same rules as
// Parse, so that large stored documents can be turned into records without
// first building a tree of Values for the whole document.
//
// The caller walks the document in order: Object and Array call back once
// per member or element, and the callback must consume exactly one value
// (with a typed read, Value or Skip). StringBytes and NumberBytes return
// views of the input or of a scratch buffer, valid until the next read.
type Decoder struct {
	p     parser
	depth int
	// keyBuf holds the current key when it had escapes, so that reading the
	// member's value cannot overwrite it.
	keyBuf []byte
}

// NewDecoder returns a decoder for the document in data.
func NewDecoder(data []byte) *Decoder {
	return &Decoder{p: parser{data: data, left: -1}}
}

// Offset returns the position in the input of the next unread byte.
func (d *Decoder) Offset() int { return d.p.pos }

// Input returns the document the decoder reads, which offsets count in.
func (d *Decoder) Input() []byte { return d.p.data }

// Peek skips whitespace and reports the kind of the next value without
// reading it. Like Parse, it refuses any value, not only a container,
// nested MaxDepth deep.
func (d *Decoder) Peek() (Kind, error) {
	if d.depth >= MaxDepth {
		return 0, ErrDepth
	}
	d.p.skipSpace()
	if d.p.pos >= len(d.p.data) {
		return 0, d.p.fail("unexpected end of input")
	}
	switch c := d.p.data[d.p.pos]; {
	case c == '{':
		return Object, nil
	case c == '[':
		return Array, nil
	case c == '"':
		return String, nil
	case c == 't', c == 'f':
		return Bool, nil
	case c == 'n':
		return Null, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return Number, nil
	default:
		return 0, d.p.fail("unexpected character")
	}
}

func (d *Decoder) expect(k Kind) error {
	got, err := d.Peek()
	if err != nil {
		return err
	}
	if got != k {
		return d.p.fail("expected " + k.String() + ", found " + got.String())
	}
	return nil
}

// Object reads an object, calling fn with each member's key in document
// order; the key is valid during the call. A key given twice is passed to
// fn twice; keeping the last value is up to the caller.
func (d *Decoder) Object(fn func(key []byte) error) error {
	if err := d.expect(Object); err != nil {
		return err
	}
	if d.depth >= MaxDepth {
		return ErrDepth
	}
	d.depth++
	d.p.pos++ // {
	d.p.skipSpace()
	if d.p.pos < len(d.p.data) && d.p.data[d.p.pos] == '}' {
		d.p.pos++
		d.depth--
		return nil
	}
	for {
		d.p.skipSpace()
		if d.p.pos >= len(d.p.data) || d.p.data[d.p.pos] != '"' {
			return d.p.fail("expected object key")
		}
		keyStart := d.p.pos
		key, err := d.p.stringBytes()
		if err != nil {
			return err
		}
		if len(key) != d.p.pos-keyStart-2 {
			// Escapes shorten the text, so the key lives in the scratch
			// buffer that the value's strings will reuse.
			d.keyBuf = append(d.keyBuf[:0], key...)
			key = d.keyBuf
		}
		d.p.skipSpace()
		if d.p.pos >= len(d.p.data) || d.p.data[d.p.pos] != ':' {
			return d.p.fail("expected ':'")
		}
		d.p.pos++
		start := d.p.pos
		if err := fn(key); err != nil {
			return err
		}
		if d.p.pos == start {
			return d.p.fail("member value not read")
		}
		d.p.skipSpace()
		if d.p.pos >= len(d.p.data) {
			return d.p.fail("unexpected end of object")
		}
		switch d.p.data[d.p.pos] {
		case ',':
			d.p.pos++
		case '}':
			d.p.pos++
			d.depth--
			return nil
		default:
			return d.p.fail("expected ',' or '}'")
		}
	}
}

// Array reads an array, calling fn once per element with its index.
func (d *Decoder) Array(fn func(i int) error) error {
	if err := d.expect(Array); err != nil {
		return err
	}
	if d.depth >= MaxDepth {
		return ErrDepth
	}
	d.depth++
	d.p.pos++ // [
	d.p.skipSpace()
	if d.p.pos < len(d.p.data) && d.p.data[d.p.pos] == ']' {
		d.p.pos++
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		d.p.skipSpace()
		start := d.p.pos
		if err := fn(i); err != nil {
			return err
		}
		if d.p.pos == start {
			return d.p.fail("array element not read")
		}
		d.p.skipSpace()
		if d.p.pos >= len(d.p.data) {
			return d.p.fail("unexpected end of array")
		}
		switch d.p.data[d.p.pos] {
		case ',':
			d.p.pos++
		case ']':
			d.p.pos++
			d.depth--
			return nil
		default:
			return d.p.fail("expected ',' or ']'")
		}
	}
}

// StringBytes reads a string and returns its text as a view that is valid
// until the next call on the decoder.
func (d *Decoder) StringBytes() ([]byte, error) {
	if err := d.expect(String); err != nil {
		return nil, err
	}
	return d.p.stringBytes()
}

// String reads a string.
func (d *Decoder) String() (string, error) {
	b, err := d.StringBytes()
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// NumberBytes reads a number and returns its literal as a view of the input.
func (d *Decoder) NumberBytes() ([]byte, error) {
	if err := d.expect(Number); err != nil {
		return nil, err
	}
	return d.p.numberBytes()
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	if err := d.expect(Bool); err != nil {
		return false, err
	}
	if d.p.data[d.p.pos] == 't' {
		return true, d.p.literal("true")
	}
	return false, d.p.literal("false")
}

// Null reads null.
func (d *Decoder) Null() error {
	if err := d.expect(Null); err != nil {
		return err
	}
	return d.p.literal("null")
}

// Value reads the next value whole, as Parse would.
func (d *Decoder) Value() (Value, error) {
	d.p.skipSpace()
	return d.p.value(d.depth)
}

// Skip reads the next value and discards it, checking it as strictly as
// Parse would.
func (d *Decoder) Skip() error {
	d.p.skipSpace()
	return d.skip()
}

func (d *Decoder) skip() error {
	k, err := d.Peek()
	if err != nil {
		return err
	}
	switch k {
	case Object:
		return d.Object(func([]byte) error { return d.Skip() })
	case Array:
		return d.Array(func(int) error { return d.Skip() })
	case String:
		_, err := d.StringBytes()
		return err
	case Number:
		_, err := d.p.numberBytes()
		return err
	case Bool:
		_, err := d.Bool()
		return err
	default:
		return d.Null()
	}
}

// Finish checks that only whitespace follows the document's value.
func (d *Decoder) Finish() error {
	d.p.skipSpace()
	if d.p.pos != len(d.p.data) {
		return d.p.fail("trailing data")
	}
	return nil
}
