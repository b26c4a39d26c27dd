package core

import (
	"strings"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/jwt"
)

// Signed paths (spec §9.2): a path with its query, signed for a refresh
// token, that a GET or HEAD request may use instead of a Bearer header.

// signQueryParam is SIGN_QUERY_PARAM, the query parameter of a signed path.
const signQueryParam = "authSig"

// isSafeQueryParam reports the SAFE_QUERY_PARAMS, which a client may change
// on a signed path (image sizes).
func isSafeQueryParam(key string) bool { return key == "height" || key == "width" }

// signingKey returns the key signed paths are signed with: 32 random bytes
// as hex, made on first use, so every signed path dies with the core.
func (c *Core) signingKey() *jwt.Key {
	if c.signKey == nil {
		c.signKey = jwt.NewKeyString(authstore.TokenHex(c.rng, 32))
	}
	return c.signKey
}

// signPath is async_sign_path: path (a URL path with an optional query)
// signed for the refresh token tokenID for expires seconds. The result is
// the path and its query pairs (less height and width) plus authSig.
//
// Home Assistant prints the path and query decoded (yarl's URL.path and
// query_string); here they are percent-encoded where a character would not
// survive a request line, which decodes to the same path and pairs. For
// paths and queries of plain ASCII the two are identical.
func (c *Core) signPath(path string, expires int64, tokenID string) string {
	p, query := splitURL(path)
	p = unquotePath(p)
	var params []jwt.Param
	for _, kv := range parseQuery(query) {
		if !isSafeQueryParam(kv.Key) {
			params = append(params, kv)
		}
	}
	now := c.nowSeconds()
	sig := jwt.SignPath(c.signingKey(), tokenID, p, params, now, now+expires)

	b := make([]byte, 0, len(p)+len(query)+len(sig)+16)
	b = appendEscaped(b, p, false)
	b = append(b, '?')
	for _, kv := range params {
		b = appendEscaped(b, kv.Key, true)
		b = append(b, '=')
		b = appendEscaped(b, kv.Value, true)
		b = append(b, '&')
	}
	b = append(b, signQueryParam+"="...)
	b = append(b, sig...)
	return string(b)
}

// authenticateSignedPath authenticates a GET or HEAD request by its authSig:
// a valid, unexpired signature over exactly this path and these query pairs
// (in order, height and width aside), whose refresh token still exists and
// whose user may authenticate this request (active, and local if local
// only, as Home Assistant checks since 2025).
func (c *Core) authenticateSignedPath(r *request) {
	if c.signKey == nil {
		return
	}
	pairs := parseQuery(r.Query)
	sig, found := "", false
	params := make([]jwt.Param, 0, len(pairs))
	for _, kv := range pairs {
		switch {
		case kv.Key == signQueryParam:
			if !found {
				sig, found = kv.Value, true
			}
		case !isSafeQueryParam(kv.Key):
			params = append(params, kv)
		}
	}
	if !found {
		return
	}
	claims, err := jwt.Verify(sig, c.signKey, c.nowSeconds(), jwt.SignedPathOptions())
	if err != nil {
		return
	}
	path, signed, ok := claims.SignedPath()
	if !ok || path != unquotePath(r.Path) || len(signed) != len(params) {
		return
	}
	for i := range signed {
		if signed[i] != params[i] {
			return
		}
	}
	rt := c.store.Token(claims.Issuer)
	if rt == nil {
		return
	}
	u := c.store.User(rt.UserID)
	if u == nil || c.userNotAllowed(u, r) != "" {
		return
	}
	r.user, r.token = u, rt
}

// splitURL returns the path and raw query of a URL reference as yarl's
// URL(path) sees them: no fragment, and no scheme or authority.
func splitURL(s string) (path, query string) {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s, query = s[:i], s[i+1:]
	}
	if rest, ok := cutScheme(s); ok {
		s = rest
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		if i := strings.IndexByte(s, '/'); i >= 0 {
			s = s[i:]
		} else {
			s = ""
		}
	}
	return s, query
}

// cutScheme removes a leading "scheme:".
func cutScheme(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= 'a' && ch <= 'z', ch >= 'A' && ch <= 'Z':
		case i > 0 && (ch >= '0' && ch <= '9' || ch == '+' || ch == '-' || ch == '.'):
		case i > 0 && ch == ':':
			return s[i+1:], true
		default:
			return s, false
		}
	}
	return s, false
}

// unquotePath decodes a path's percent escapes as yarl's URL.path does,
// keeping %2F and %2B encoded. A path whose escapes do not decode to UTF-8
// is kept as sent.
func unquotePath(p string) string {
	if strings.IndexByte(p, '%') < 0 {
		return p
	}
	b := make([]byte, 0, len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) {
			if v, ok := unhex2(p[i+1], p[i+2]); ok && v != '/' && v != '+' {
				b = append(b, v)
				i += 2
				continue
			}
		}
		b = append(b, p[i])
	}
	if !utf8.Valid(b) {
		return p
	}
	return string(b)
}

// parseQuery splits a raw query into decoded pairs as aiohttp's
// request.query does: pairs separated by '&', empty ones skipped, a key
// without '=' has the value "", '+' is a space.
func parseQuery(q string) []jwt.Param {
	var out []jwt.Param
	for q != "" {
		var part string
		part, q, _ = strings.Cut(q, "&")
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, jwt.Param{Key: unquoteQuery(k), Value: unquoteQuery(v)})
	}
	return out
}

// unquoteQuery decodes one query key or value; bytes that are not UTF-8
// become U+FFFD, as Python's unquote does.
func unquoteQuery(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '+':
			b = append(b, ' ')
		case s[i] == '%' && i+2 < len(s):
			if v, ok := unhex2(s[i+1], s[i+2]); ok {
				b = append(b, v)
				i += 2
			} else {
				b = append(b, '%')
			}
		default:
			b = append(b, s[i])
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func unhex2(a, b byte) (byte, bool) {
	hi, ok1 := unhex(a)
	lo, ok2 := unhex(b)
	return hi<<4 | lo, ok1 && ok2
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendEscaped percent-encodes what a path (or, with query set, a query
// key or value) cannot carry as is.
func appendEscaped(b []byte, s string, query bool) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		ch := s[i]
		keep := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' ||
			strings.IndexByte("-._~!$'()*,:@/", ch) >= 0
		if !query {
			keep = keep || strings.IndexByte("&+;=", ch) >= 0
		} else {
			keep = keep || ch == '?'
		}
		switch {
		case keep:
			b = append(b, ch)
		case query && ch == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hexDigits[ch>>4], hexDigits[ch&15])
		}
	}
	return b
}
