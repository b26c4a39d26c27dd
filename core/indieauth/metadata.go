package indieauth

import "unicode/utf8"

// This file decodes a Client ID Metadata Document with the acceptance rules
// of Python's json.loads as Home Assistant calls it: strict UTF-8, RFC 8259
// grammar, control characters refused inside strings, NaN and the
// infinities refused, integer literals of more than 4300 digits refused
// (CPython's int conversion limit raises ValueError there), duplicate keys
// resolved in favour of the last. Only the two members Home Assistant reads
// are kept; everything else is validated and skipped, without reflection.

// jsonString is a decoded member value: isString is false for any other
// JSON type.
type jsonString struct {
	s        string
	isString bool
}

// metadataDoc holds the last "client_id" and "redirect_uris" members of the
// top-level object.
type metadataDoc struct {
	clientID        jsonString
	hasRedirectURIs bool // the last redirect_uris member is an array
	redirectURIs    []jsonString
}

// maxIntDigits is CPython's default sys.int_info.default_max_str_digits.
const maxIntDigits = 4300

type jsonParser struct {
	b []byte
	i int
}

func parseMetadata(body []byte) (doc metadataDoc, ok bool) {
	if !utf8.Valid(body) {
		return doc, false
	}
	p := &jsonParser{b: body}
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		// Valid JSON that is not an object is refused too, so anything
		// else need not be parsed.
		return doc, false
	}
	p.i++
	p.ws()
	if p.peek() == '}' {
		p.i++
	} else {
		for {
			key, ok := p.str()
			if !ok {
				return doc, false
			}
			p.ws()
			if p.peek() != ':' {
				return doc, false
			}
			p.i++
			p.ws()
			switch {
			case key.s == "client_id" && key.isString:
				v, ok := p.memberString()
				if !ok {
					return doc, false
				}
				doc.clientID = v
			case key.s == "redirect_uris" && key.isString:
				if p.peek() == '[' {
					list, ok := p.stringList()
					if !ok {
						return doc, false
					}
					doc.hasRedirectURIs, doc.redirectURIs = true, list
				} else {
					if !p.value() {
						return doc, false
					}
					doc.hasRedirectURIs, doc.redirectURIs = false, nil
				}
			default:
				if !p.value() {
					return doc, false
				}
			}
			p.ws()
			switch p.peek() {
			case ',':
				p.i++
				p.ws()
				continue
			case '}':
				p.i++
			default:
				return doc, false
			}
			break
		}
	}
	p.ws()
	return doc, p.i == len(p.b)
}

func (p *jsonParser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// memberString parses any value and keeps it when it is a string.
func (p *jsonParser) memberString() (jsonString, bool) {
	if p.peek() == '"' {
		return p.str()
	}
	return jsonString{}, p.value()
}

func (p *jsonParser) stringList() ([]jsonString, bool) {
	p.i++ // '['
	p.ws()
	list := []jsonString{}
	if p.peek() == ']' {
		p.i++
		return list, true
	}
	for {
		v, ok := p.memberString()
		if !ok {
			return nil, false
		}
		list = append(list, v)
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
			p.ws()
		case ']':
			p.i++
			return list, true
		default:
			return nil, false
		}
	}
}

// value validates and skips one JSON value.
func (p *jsonParser) value() bool {
	switch c := p.peek(); {
	case c == '"':
		_, ok := p.str()
		return ok
	case c == '{':
		p.i++
		p.ws()
		if p.peek() == '}' {
			p.i++
			return true
		}
		for {
			if _, ok := p.str(); !ok {
				return false
			}
			p.ws()
			if p.peek() != ':' {
				return false
			}
			p.i++
			p.ws()
			if !p.value() {
				return false
			}
			p.ws()
			switch p.peek() {
			case ',':
				p.i++
				p.ws()
			case '}':
				p.i++
				return true
			default:
				return false
			}
		}
	case c == '[':
		p.i++
		p.ws()
		if p.peek() == ']' {
			p.i++
			return true
		}
		for {
			if !p.value() {
				return false
			}
			p.ws()
			switch p.peek() {
			case ',':
				p.i++
				p.ws()
			case ']':
				p.i++
				return true
			default:
				return false
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(p.b)-p.i >= len(lit) && string(p.b[p.i:p.i+len(lit)]) == lit {
			p.i += len(lit)
			return true
		}
	}
	// NaN, Infinity and -Infinity land here: Home Assistant's
	// parse_constant refuses them.
	return false
}

func (p *jsonParser) digits() int {
	s := p.i
	for p.i < len(p.b) && '0' <= p.b[p.i] && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i - s
}

func (p *jsonParser) number() bool {
	if p.peek() == '-' {
		p.i++
	}
	var n int
	switch c := p.peek(); {
	case c == '0':
		p.i++
		n = 1
	case '1' <= c && c <= '9':
		n = p.digits()
	default:
		return false
	}
	isInt := true
	if p.peek() == '.' && p.i+1 < len(p.b) && '0' <= p.b[p.i+1] && p.b[p.i+1] <= '9' {
		p.i++
		p.digits()
		isInt = false
	}
	if c := p.peek(); c == 'e' || c == 'E' {
		j := p.i + 1
		if j < len(p.b) && (p.b[j] == '+' || p.b[j] == '-') {
			j++
		}
		if j < len(p.b) && '0' <= p.b[j] && p.b[j] <= '9' {
			p.i = j
			p.digits()
			isInt = false
		}
	}
	return !isInt || n <= maxIntDigits
}

// str decodes a JSON string at p.i. A lone surrogate escape ("\ud800"), which
// Python keeps in its str, is stored as its three-byte WTF-8 form so that it
// never equals a well-formed string.
func (p *jsonParser) str() (jsonString, bool) {
	if p.peek() != '"' {
		return jsonString{}, false
	}
	p.i++
	start := p.i
	var buf []byte
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			var s string
			if buf == nil {
				s = string(p.b[start:p.i])
			} else {
				s = string(buf)
			}
			p.i++
			return jsonString{s: s, isString: true}, true
		case c < 0x20:
			return jsonString{}, false
		case c != '\\':
			if buf != nil {
				buf = append(buf, c)
			}
			p.i++
			continue
		}
		if buf == nil {
			buf = append([]byte{}, p.b[start:p.i]...)
		}
		p.i++
		if p.i >= len(p.b) {
			return jsonString{}, false
		}
		e := p.b[p.i]
		p.i++
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
				return jsonString{}, false
			}
			if 0xd800 <= r && r <= 0xdbff && p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
				save := p.i
				p.i += 2
				if lo, ok := p.hex4(); ok && 0xdc00 <= lo && lo <= 0xdfff {
					buf = utf8.AppendRune(buf, 0x10000+(r-0xd800)<<10+(lo-0xdc00))
					continue
				}
				p.i = save
			}
			if 0xd800 <= r && r <= 0xdfff {
				buf = append(buf, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
			} else {
				buf = utf8.AppendRune(buf, r)
			}
		default:
			return jsonString{}, false
		}
	}
	return jsonString{}, false
}

func (p *jsonParser) hex4() (rune, bool) {
	if len(p.b)-p.i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.b[p.i : p.i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			r = r<<4 | rune(c|0x20-'a'+10)
		default:
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
