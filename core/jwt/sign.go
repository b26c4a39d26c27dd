package jwt

import (
	"crypto/sha256"
	"strconv"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/orjson"
)

// Sign returns the compact HS256 token for payload, the exact JSON bytes to
// sign, with PyJWT's header {"alg":"HS256","typ":"JWT"}.
func Sign(key *Key, payload []byte) string {
	n := len(headerSegment) + 1 + b64.EncodedLen(len(payload))
	buf := make([]byte, 0, n+1+b64.EncodedLen(sha256.Size))
	buf = append(buf, headerSegment...)
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, payload)
	var mac [sha256.Size]byte
	sig := key.sum(mac[:0], buf)
	buf = append(buf, '.')
	buf = b64.AppendEncode(buf, sig)
	return string(buf)
}

// SignAccessToken returns the access token Home Assistant issues for the
// refresh token with id iss: claims {"iss","iat","exp"} in that order, as
// PyJWT's jwt.encode writes them.
func SignAccessToken(key *Key, iss string, iat, exp int64) string {
	p := make([]byte, 0, 64+len(iss))
	p = append(p, `{"iss":`...)
	p = appendPyString(p, iss)
	p = append(p, `,"iat":`...)
	p = strconv.AppendInt(p, iat, 10)
	p = append(p, `,"exp":`...)
	p = strconv.AppendInt(p, exp, 10)
	p = append(p, '}')
	return Sign(key, p)
}

// Param is one query pair of a signed path.
type Param struct {
	Key, Value string
}

// SignPath returns the authSig token for path and its query pairs (those
// Home Assistant keeps: every pair but height and width, in order). Home
// Assistant writes this payload with orjson, not with PyJWT, so strings are
// plain UTF-8 here, unlike in SignAccessToken.
func SignPath(key *Key, iss, path string, params []Param, iat, exp int64) string {
	e := orjson.NewEncoder(make([]byte, 0, 96+len(iss)+len(path)+16*len(params)), false)
	e.BeginObject()
	e.Key("iss")
	e.String(iss)
	e.Key("path")
	e.String(path)
	e.Key("params")
	e.BeginArray()
	for _, p := range params {
		e.BeginArray()
		e.String(p.Key)
		e.String(p.Value)
		e.EndArray()
	}
	e.EndArray()
	e.Key("iat")
	e.Int(iat)
	e.Key("exp")
	e.Int(exp)
	e.EndObject()
	return Sign(key, e.Bytes())
}

// SignedPath returns the path and query pairs of a verified authSig token.
// ok is false unless path is a string and params a list of two-string lists,
// the only shapes that can equal a request's path and pairs.
func (c Claims) SignedPath() (path string, params []Param, ok bool) {
	pv, ok := c.Payload.Get("path")
	if !ok || pv.Kind != orjson.String {
		return "", nil, false
	}
	ps, ok := c.Payload.Get("params")
	if !ok || ps.Kind != orjson.Array {
		return "", nil, false
	}
	params = make([]Param, 0, len(ps.Arr))
	for _, p := range ps.Arr {
		if p.Kind != orjson.Array || len(p.Arr) != 2 || p.Arr[0].Kind != orjson.String || p.Arr[1].Kind != orjson.String {
			return "", nil, false
		}
		params = append(params, Param{Key: p.Arr[0].Str, Value: p.Arr[1].Str})
	}
	return pv.Str, params, true
}

// AppendPyJSON appends v as Python's json.dumps(v, separators=(",", ":"))
// writes it, which is how PyJWT's jwt.encode writes a payload (the external
// OAuth state, for one): members in order, every character outside printable
// ASCII escaped as \uXXXX (astral ones as surrogate pairs). Numbers are
// copied as their literal text, so give integers (orjson.IntValue); invalid
// UTF-8 is written as U+FFFD.
func AppendPyJSON(dst []byte, v orjson.Value) []byte {
	switch v.Kind {
	case orjson.Null:
		return append(dst, "null"...)
	case orjson.Bool:
		if v.Bool {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case orjson.Number:
		return append(dst, v.Str...)
	case orjson.String:
		return appendPyString(dst, v.Str)
	case orjson.Array:
		dst = append(dst, '[')
		for i, it := range v.Arr {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendPyJSON(dst, it)
		}
		return append(dst, ']')
	case orjson.Object:
		dst = append(dst, '{')
		for i, m := range v.Obj {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPyString(dst, m.Key)
			dst = append(dst, ':')
			dst = AppendPyJSON(dst, m.Value)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// SignPyJSON signs v written by AppendPyJSON, as jwt.encode(v, key, "HS256").
func SignPyJSON(key *Key, v orjson.Value) string {
	return Sign(key, AppendPyJSON(nil, v))
}

const hexDigits = "0123456789abcdef"

// appendPyString writes s as Python's json module does with ensure_ascii:
// short escapes for the quote, backslash, \b \f \n \r \t, and \uXXXX in
// lower-case hex for everything else outside ' '..'~' (DEL included).
func appendPyString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = appendU(b, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			r -= 0x10000
			b = appendU(b, 0xd800+(r>>10))
			b = appendU(b, 0xdc00+(r&0x3ff))
		} else {
			b = appendU(b, r) // RuneError for invalid bytes: U+FFFD
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}
