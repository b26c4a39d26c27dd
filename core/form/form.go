// Package form decodes HTML form bodies the way aiohttp's request.post()
// does for Home Assistant's /auth/token and /auth/revoke: URL-encoded and
// multipart bodies give their fields in order; any other content type gives
// no fields at all (so a JSON body to /auth/token is an unsupported grant,
// as in Home Assistant).
//
// Pure: it reads only the bytes it is given and never spools to disk. The
// media-type and multipart rules are Go's mime and mime/multipart ones,
// written out in this package (the WebAssembly module must stay small) and
// tested against those packages, which it must keep matching.
package form

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// Field is one form field.
type Field struct {
	Name  string
	Value string
}

// Values are a form's fields in body order.
type Values []Field

// Get returns the first value of name, as a MultiDict's get does.
func (v Values) Get(name string) (string, bool) {
	for _, f := range v {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// Limits of what Parse accepts.
const (
	// MaxFields is the most fields a form may have.
	MaxFields = 1000
)

// ErrTooManyFields is returned for forms with more than MaxFields fields.
var ErrTooManyFields = errors.New("form: too many fields")

// Parse decodes body according to contentType.
func Parse(contentType string, body []byte) (Values, error) {
	mt, params, ok := parseMediaType(contentType)
	if !ok {
		return nil, nil
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		return ParseURLEncoded(body)
	case "multipart/form-data":
		return parseMultipart(params["boundary"], body)
	}
	return nil, nil
}

// ParseURLEncoded decodes an application/x-www-form-urlencoded body as
// Python's urllib.parse.parse_qsl(keep_blank_values=True) does: fields
// split on '&', '+' is a space, a field without '=' has an empty value,
// malformed percent escapes are kept as they are and invalid UTF-8 becomes
// U+FFFD.
func ParseURLEncoded(body []byte) (Values, error) {
	var out Values
	for len(body) > 0 {
		var pair []byte
		if i := bytes.IndexByte(body, '&'); i >= 0 {
			pair, body = body[:i], body[i+1:]
		} else {
			pair, body = body, nil
		}
		if len(pair) == 0 {
			continue
		}
		if len(out) == MaxFields {
			return nil, ErrTooManyFields
		}
		name, value, _ := bytes.Cut(pair, []byte{'='})
		out = append(out, Field{Name: unquotePlus(name), Value: unquotePlus(value)})
	}
	return out, nil
}

func unquotePlus(b []byte) string {
	if bytes.IndexByte(b, '%') < 0 && bytes.IndexByte(b, '+') < 0 && utf8.Valid(b) {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '+':
			out = append(out, ' ')
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return strings.ToValidUTF8(string(out), "\uFFFD")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// parseMultipart reads the named parts of a multipart/form-data body.
// Parts without a name are skipped; a malformed body yields the fields read
// before the damage, as aiohttp gives up at the same point.
func parseMultipart(boundary string, body []byte) (Values, error) {
	if boundary == "" {
		return nil, nil
	}
	mr := newMultipartReader(body, boundary)
	var out Values
	for {
		p, ok := mr.nextPart()
		if !ok {
			return out, nil
		}
		name := p.formName()
		if name == "" {
			continue
		}
		if len(out) == MaxFields {
			return nil, ErrTooManyFields
		}
		data, err := io.ReadAll(p.src)
		if err != nil {
			return out, nil
		}
		out = append(out, Field{Name: name, Value: strings.ToValidUTF8(string(data), "\uFFFD")})
	}
}
