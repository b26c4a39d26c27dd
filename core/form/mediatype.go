package form

import (
	"strconv"
	"strings"
	"unicode"
)

// parseMediaType reads a Content-Type or Content-Disposition value by the
// rules of Go's mime.ParseMediaType (RFC 2045 tokens and quoted strings,
// RFC 2231 continuations and charset'language'value encoding), which this
// package used before and is tested against: ok is false exactly where
// mime.ParseMediaType returns an error, and the type and parameters are
// then the same. It is written out here because the mime package brings
// fmt and its own tables into the WebAssembly module.
func parseMediaType(v string) (mediatype string, params map[string]string, ok bool) {
	base, _, _ := strings.Cut(v, ";")
	mediatype = strings.TrimSpace(strings.ToLower(base))
	if !validMediaType(mediatype) {
		return "", nil, false
	}
	params = make(map[string]string)
	// Parameters with a '*' in their name, by the name before it.
	var continuation map[string]map[string]string
	v = v[len(base):]
	for len(v) > 0 {
		v = strings.TrimLeftFunc(v, unicode.IsSpace)
		if len(v) == 0 {
			break
		}
		key, value, rest := consumeMediaParam(v)
		if key == "" {
			if strings.TrimSpace(rest) == ";" {
				// A trailing semicolon is allowed.
				break
			}
			return mediatype, nil, false
		}
		pmap := params
		if baseName, _, star := strings.Cut(key, "*"); star {
			if continuation == nil {
				continuation = make(map[string]map[string]string)
			}
			if pmap = continuation[baseName]; pmap == nil {
				pmap = make(map[string]string)
				continuation[baseName] = pmap
			}
		}
		if old, exists := pmap[key]; exists && old != value {
			// A repeated parameter must repeat its value.
			return "", nil, false
		}
		pmap[key] = value
		v = rest
	}
	// Each name's pieces make one value; names do not affect each other, so
	// the map's order does not matter.
	for key, pieces := range continuation {
		if whole, ok := pieces[key+"*"]; ok {
			if dec, ok := decode2231(whole); ok {
				params[key] = dec
			}
			continue
		}
		var buf strings.Builder
		valid := false
		for n := 0; ; n++ {
			simple := key + "*" + strconv.Itoa(n)
			if piece, ok := pieces[simple]; ok {
				valid = true
				buf.WriteString(piece)
				continue
			}
			piece, ok := pieces[simple+"*"]
			if !ok {
				break
			}
			valid = true
			if n == 0 {
				if dec, ok := decode2231(piece); ok {
					buf.WriteString(dec)
				}
			} else {
				dec, _ := percentUnescape(piece)
				buf.WriteString(dec)
			}
		}
		if valid {
			params[key] = buf.String()
		}
	}
	return mediatype, params, true
}

// validMediaType reports whether s is token or token/token.
func validMediaType(s string) bool {
	typ, rest := consumeToken(s)
	if typ == "" {
		return false
	}
	if rest == "" {
		return true
	}
	rest, ok := strings.CutPrefix(rest, "/")
	if !ok {
		return false
	}
	sub, rest := consumeToken(rest)
	return sub != "" && rest == ""
}

// decode2231 decodes an RFC 2231 charset'language'percent-encoded value;
// only us-ascii and utf-8 are understood.
func decode2231(v string) (string, bool) {
	charset, v, ok := strings.Cut(v, "'")
	if !ok {
		return "", false
	}
	_, value, ok := strings.Cut(v, "'")
	if !ok {
		return "", false
	}
	switch strings.ToLower(charset) {
	case "us-ascii", "utf-8":
		return percentUnescape(value)
	}
	return "", false
}

// consumeToken splits off the longest leading token.
func consumeToken(v string) (token, rest string) {
	for i := 0; i < len(v); i++ {
		if !isTokenChar(v[i]) {
			return v[:i], v[i:]
		}
	}
	return v, ""
}

// consumeValue splits off a token or a quoted string (unquoted); value and
// rest are "" and v when there is neither.
func consumeValue(v string) (value, rest string) {
	if v == "" {
		return "", ""
	}
	if v[0] != '"' {
		return consumeToken(v)
	}
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '"':
			return b.String(), v[i+1:]
		case c == '\\' && i+1 < len(v) && isTSpecial(v[i+1]):
			// Only a special character is escaped; any other backslash
			// is kept, as Windows paths in old browsers' uploads have them.
			b.WriteByte(v[i+1])
			i++
		case c == '\r' || c == '\n':
			return "", v
		default:
			b.WriteByte(c)
		}
	}
	return "", v
}

// consumeMediaParam splits off "; name=value"; key is "" when v does not
// start with one.
func consumeMediaParam(v string) (key, value, rest string) {
	rest = strings.TrimLeftFunc(v, unicode.IsSpace)
	rest, ok := strings.CutPrefix(rest, ";")
	if !ok {
		return "", "", v
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	key, rest = consumeToken(rest)
	key = strings.ToLower(key)
	if key == "" {
		return "", "", v
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if rest, ok = strings.CutPrefix(rest, "="); !ok {
		return "", "", v
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	value, after := consumeValue(rest)
	if value == "" && after == rest {
		return "", "", v
	}
	return key, value, after
}

// percentUnescape decodes %XX escapes; any '%' not followed by two hex
// digits makes the whole value invalid.
func percentUnescape(s string) (string, bool) {
	n := 0
	for i := 0; i < len(s); {
		if s[i] != '%' {
			i++
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", false
		}
		n++
		i += 3
	}
	if n == 0 {
		return s, true
	}
	b := make([]byte, 0, len(s)-2*n)
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b), true
}

// isTSpecial reports whether c is one of RFC 2045's tspecials.
func isTSpecial(c byte) bool {
	return strings.IndexByte(`()<>@,;:\"/[]?=`, c) >= 0
}

// isTokenChar reports whether c may be part of an RFC 2045 token: printable
// US-ASCII other than space and tspecials.
func isTokenChar(c byte) bool {
	return c > ' ' && c < 0x7f && !isTSpecial(c)
}
