package jwt

import (
	"errors"
	"strings"

	"github.com/hassauth/hassauth/core/orjson"
)

// MaxTokenSize is the longest token, in bytes, that is even looked at; Home
// Assistant refuses longer ones before any decoding (MAX_TOKEN_SIZE). The
// bound also caps the work an attacker can ask for.
const MaxTokenSize = 8192

// Algorithm is the only signature algorithm accepted or produced.
const Algorithm = "HS256"

// The reasons a token is refused. Home Assistant treats them all alike (the
// token is invalid); they are distinct only for logs and tests.
var (
	// ErrTooLarge: longer than MaxTokenSize.
	ErrTooLarge = errors.New("jwt: token too large")
	// ErrMalformed: not three segments of canonical unpadded base64url.
	ErrMalformed = errors.New("jwt: token is not three base64url segments")
	// ErrHeader: the header is not a JSON object PyJWT accepts.
	ErrHeader = errors.New("jwt: invalid header")
	// ErrPayload: the payload is not a JSON object.
	ErrPayload = errors.New("jwt: payload is not a JSON object")
	// ErrAlgorithm: alg is not exactly HS256.
	ErrAlgorithm = errors.New("jwt: algorithm is not HS256")
	// ErrSignature: the signature is not the HMAC of the signing input.
	ErrSignature = errors.New("jwt: signature verification failed")
	// ErrMissingClaim: exp, iat or a checked iss is absent.
	ErrMissingClaim = errors.New("jwt: required claim missing")
	// ErrClaimType: a time claim is not a number, or sub or jti not a string.
	ErrClaimType = errors.New("jwt: claim has the wrong type")
	// ErrNotYetValid: iat or nbf is later than now plus the leeway.
	ErrNotYetValid = errors.New("jwt: token is not yet valid")
	// ErrExpired: exp is at or before now minus the leeway.
	ErrExpired = errors.New("jwt: token has expired")
	// ErrIssuer: iss is not the expected issuer.
	ErrIssuer = errors.New("jwt: invalid issuer")
	// ErrAudience: an aud claim that Python finds true.
	ErrAudience = errors.New("jwt: invalid audience")
	// ErrNoKey: verified without a key (an unknown issuer); never valid.
	ErrNoKey = errors.New("jwt: no key for this token")
)

// headerSegment is the header PyJWT writes for HS256, {"alg":"HS256","typ":"JWT"},
// already encoded. Every genuine token starts with it, so it is recognised
// without decoding; any other header takes the general path.
const headerSegment = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"

// Token is a token whose structure has been checked but whose signature and
// claims have not. Its claims must not be trusted before Verify succeeds;
// Issuer exists only to find the key.
type Token struct {
	// buf holds the signing input, then the decoded signature.
	buf     []byte
	signLen int
	algOK   bool
	payload orjson.Value
	claims  claimRefs
	// members holds the payload's members when the fast path read them,
	// so that the usual token costs no allocation beyond its text.
	members [maxFastClaims]orjson.Member
}

// claimRefs points at the registered claims in the payload, nil when absent.
type claimRefs struct {
	iss, iat, exp, nbf, aud, sub, jti *orjson.Value
}

// Parse checks what PyJWT checks before it looks at the key: the size, three
// segments, strict base64url (see appendDecoded), a header that is a JSON
// object with a string kid and a crit list PyJWT understands, no detached
// payload (b64 false), and a payload that is a JSON object. JSON is read with
// orjson's rules, which is what Home Assistant uses for the payload; PyJWT
// reads the header with Python's json module, which also takes NaN,
// Infinity, lone surrogates, a byte-order mark and UTF-16. No genuine header
// holds any of those, so they are refused.
func Parse(token string) (*Token, error) {
	t := new(Token)
	if err := t.Parse(token); err != nil {
		return nil, err
	}
	return t, nil
}

// Parse is the function Parse into an existing Token, reusing its buffer:
// a caller that checks many tokens one after another (the core) allocates
// almost nothing. What an earlier parse returned (claims, payload) must no
// longer be used.
func (t *Token) Parse(token string) error {
	if len(token) > MaxTokenSize {
		return ErrTooLarge
	}
	d1 := strings.IndexByte(token, '.')
	d2 := strings.LastIndexByte(token, '.')
	if d1 < 0 || d1 == d2 {
		return ErrMalformed
	}
	hseg, pseg, sseg := token[:d1], token[d1+1:d2], token[d2+1:]
	plen, slen := decodedLen(len(pseg)), decodedLen(len(sseg))
	if plen < 0 || slen < 0 {
		return ErrMalformed
	}

	buf := t.buf[:0]
	*t = Token{algOK: true}
	if hseg != headerSegment {
		var err error
		if t.algOK, err = checkHeader(hseg); err != nil {
			return err
		}
	}

	// One buffer holds the signing input (for the MAC), the signature and,
	// last, the payload, which is only needed until it is parsed.
	if need := d2 + slen + plen; cap(buf) < need {
		buf = make([]byte, 0, need)
	}
	t.buf = append(buf, token[:d2]...)
	t.signLen = d2
	var ok bool
	if t.buf, ok = appendDecoded(t.buf, sseg); !ok {
		return ErrMalformed
	}
	payload, ok := appendDecoded(t.buf, pseg)
	if !ok {
		return ErrMalformed
	}
	raw := payload[len(t.buf):]
	if !t.fastPayload(string(raw)) {
		v, err := orjson.Parse(raw)
		if err != nil || v.Kind != orjson.Object {
			return ErrPayload
		}
		t.payload = v
	}
	t.claims = findClaims(&t.payload)
	return nil
}

// maxFastClaims is the most members the fast path reads: the registered
// claims.
const maxFastClaims = 7

// fastPayload reads the payloads that Home Assistant and hassauth write —
// a compact object of registered claims whose values are plain ASCII
// strings or integers — without building a general JSON tree. Anything
// else (whitespace, escapes, other keys or values, a repeated key) is left
// to orjson.Parse, which gives the same result for what is read here.
func (t *Token) fastPayload(p string) bool {
	if len(p) < 2 || p[0] != '{' || p[len(p)-1] != '}' {
		return false
	}
	n := 0
	i := 1
	if p[i] == '}' {
		t.payload = orjson.Value{Kind: orjson.Object, Obj: t.members[:0]}
		return i == len(p)-1
	}
	for {
		if n == maxFastClaims || p[i] != '"' {
			return false
		}
		end := strings.IndexByte(p[i+1:], '"')
		if end < 0 {
			return false
		}
		key := claimName(p[i+1 : i+1+end])
		if key == "" {
			return false
		}
		for _, m := range t.members[:n] {
			if m.Key == key {
				return false
			}
		}
		i += end + 2
		if i >= len(p) || p[i] != ':' {
			return false
		}
		i++
		if i >= len(p) {
			return false
		}
		var v orjson.Value
		switch c := p[i]; {
		case c == '"':
			j := i + 1
			for j < len(p) && p[j] != '"' {
				if p[j] < 0x20 || p[j] > 0x7e || p[j] == '\\' {
					return false
				}
				j++
			}
			if j >= len(p) {
				return false
			}
			v = orjson.Value{Kind: orjson.String, Str: p[i+1 : j]}
			i = j + 1
		case c == '-' || (c >= '0' && c <= '9'):
			j := i
			if p[j] == '-' {
				j++
			}
			start := j
			for j < len(p) && p[j] >= '0' && p[j] <= '9' {
				j++
			}
			if j == start || (p[start] == '0' && j-start > 1) {
				return false
			}
			v = orjson.Value{Kind: orjson.Number, Str: p[i:j]}
			i = j
		default:
			return false
		}
		t.members[n] = orjson.Member{Key: key, Value: v}
		n++
		if i >= len(p) {
			return false
		}
		switch p[i] {
		case ',':
			i++
			if i >= len(p) {
				return false
			}
		case '}':
			if i != len(p)-1 {
				return false
			}
			t.payload = orjson.Value{Kind: orjson.Object, Obj: t.members[:n]}
			return true
		default:
			return false
		}
	}
}

// claimName returns the registered claim name k as a constant, or "".
func claimName(k string) string {
	switch k {
	case "iss":
		return "iss"
	case "iat":
		return "iat"
	case "exp":
		return "exp"
	case "nbf":
		return "nbf"
	case "aud":
		return "aud"
	case "sub":
		return "sub"
	case "jti":
		return "jti"
	}
	return ""
}

// checkHeader decodes and checks a header other than the usual one. It
// reports whether alg is HS256 separately: PyJWT checks alg only when it
// verifies, so a token with another alg still parses.
func checkHeader(seg string) (algOK bool, err error) {
	if decodedLen(len(seg)) < 0 {
		return false, ErrMalformed
	}
	raw, ok := appendDecoded(make([]byte, 0, decodedLen(len(seg))), seg)
	if !ok {
		return false, ErrMalformed
	}
	h, err := orjson.Parse(raw)
	if err != nil || h.Kind != orjson.Object {
		return false, ErrHeader
	}
	if kid, ok := h.Get("kid"); ok && kid.Kind != orjson.String {
		return false, ErrHeader
	}
	if crit, ok := h.Get("crit"); ok {
		// PyJWT understands one extension, b64, and requires crit to be a
		// non-empty list of names that all appear in the header.
		if crit.Kind != orjson.Array || len(crit.Arr) == 0 {
			return false, ErrHeader
		}
		for _, ext := range crit.Arr {
			if ext.Kind != orjson.String || ext.Str != "b64" || !h.Has("b64") {
				return false, ErrHeader
			}
		}
	}
	if b, ok := h.Get("b64"); ok && b.Kind == orjson.Bool && !b.Bool {
		// An unencoded, detached payload: Home Assistant never passes one,
		// so PyJWT refuses such a token even without verifying it.
		return false, ErrHeader
	}
	alg, ok := h.Get("alg")
	return ok && alg.Kind == orjson.String && alg.Str == Algorithm, nil
}

func findClaims(p *orjson.Value) claimRefs {
	var c claimRefs
	for i := range p.Obj {
		m := &p.Obj[i]
		switch m.Key {
		case "iss":
			c.iss = &m.Value
		case "iat":
			c.iat = &m.Value
		case "exp":
			c.exp = &m.Value
		case "nbf":
			c.nbf = &m.Value
		case "aud":
			c.aud = &m.Value
		case "sub":
			c.sub = &m.Value
		case "jti":
			c.jti = &m.Value
		}
	}
	return c
}

// Issuer returns the unverified iss claim when it is a string. It is meant
// only for finding the key to verify with (§4.5 steps 1-2).
func (t *Token) Issuer() (string, bool) {
	if t.claims.iss == nil || t.claims.iss.Kind != orjson.String {
		return "", false
	}
	return t.claims.iss.Str, true
}

// UnverifiedIssuer parses token and returns its unverified iss claim, for
// looking up the refresh token before verification. ok is false when the
// token is malformed or has no string iss; either way no key can verify it.
func UnverifiedIssuer(token string) (iss string, ok bool) {
	t, err := Parse(token)
	if err != nil {
		return "", false
	}
	return t.Issuer()
}
