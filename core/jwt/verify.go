package jwt

import (
	"math"
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// AccessTokenLeeway is the clock skew, in seconds, Home Assistant allows on
// an access token's exp, iat and nbf.
const AccessTokenLeeway = 10

// VerifyOptions says which claim checks apply beyond those PyJWT always makes
// (exp, iat and nbf when present, no truthy aud, string sub and jti).
type VerifyOptions struct {
	// Issuer is what iss must equal when CheckIssuer is set.
	Issuer string
	// CheckIssuer requires a string iss equal to Issuer.
	CheckIssuer bool
	// RequireExpIat requires exp and iat to be present, as Home Assistant's
	// wrapper asserts for access tokens and signed paths.
	RequireExpIat bool
	// Leeway is the allowed clock skew in seconds.
	Leeway int64
}

// AccessTokenOptions are the checks of an access token whose refresh token
// has the id issuer (§4.5 step 3).
func AccessTokenOptions(issuer string) VerifyOptions {
	return VerifyOptions{Issuer: issuer, CheckIssuer: true, RequireExpIat: true, Leeway: AccessTokenLeeway}
}

// SignedPathOptions are the checks of an authSig token (§9.2): exp and iat
// required, no leeway, the issuer not checked (the caller looks it up).
func SignedPathOptions() VerifyOptions {
	return VerifyOptions{RequireExpIat: true}
}

// StateOptions are the checks of the external OAuth callback's state
// (§7.10), which Home Assistant decodes with PyJWT's defaults: no required
// claims, no leeway, no issuer.
func StateOptions() VerifyOptions { return VerifyOptions{} }

// Claims are the verified claims of a token.
type Claims struct {
	// Issuer is the iss claim when it is a string ("" otherwise).
	Issuer string
	// IssuedAt and Expires are iat and exp as whole seconds, 0 when absent.
	IssuedAt, Expires int64
	// Payload is the whole payload object, members in token order.
	Payload orjson.Value
}

// Verify parses token and verifies it with key; see Token.Verify.
func Verify(token string, key *Key, now int64, opts VerifyOptions) (Claims, error) {
	t, err := Parse(token)
	if err != nil {
		return Claims{}, err
	}
	return t.Verify(key, now, opts)
}

// VerifyAccessToken checks t as an access token of the refresh token with id
// issuer and jwt_key key. For an iss that names no refresh token pass key
// nil: the token is then verified with the empty secret and issuer "", which
// is the same work, so the time taken does not tell an attacker whether the
// id exists, and the result is always an error.
func (t *Token) VerifyAccessToken(key *Key, issuer string, now int64) (Claims, error) {
	if key == nil {
		issuer = ""
	}
	return t.Verify(key, now, AccessTokenOptions(issuer))
}

// Verify checks the signature with key and then the claims, in PyJWT's
// order, against now (Unix seconds, the current time rounded down: PyJWT
// compares with the fractional time, which gives the same answers for
// whole-second claims). A nil key never verifies, but costs the same work as
// a real one.
//
// Time claims follow PyJWT: a claim present is converted as Python's int()
// would (floats truncated toward zero, true and false as 1 and 0), then
// exp <= now-leeway is expired and iat or nbf > now+leeway is not yet valid.
// Where PyJWT would take a numeric string ("1700000000", " 17_00 ") or raise
// a TypeError that Home Assistant does not catch (null, a list, infinity),
// the claim is refused. An aud claim that Python finds false (null, false,
// 0, "", [], {}) is ignored as PyJWT ignores it; any other aud is refused.
func (t *Token) Verify(key *Key, now int64, opts VerifyOptions) (Claims, error) {
	if !t.algOK {
		return Claims{}, ErrAlgorithm
	}
	k := key
	if k == nil {
		k = emptyKey
	}
	if !k.check(t.buf[:t.signLen], t.buf[t.signLen:]) {
		return Claims{}, ErrSignature
	}
	c := &t.claims
	if opts.RequireExpIat && (c.exp == nil || c.iat == nil) {
		return Claims{}, ErrMissingClaim
	}
	var out Claims
	if c.iat != nil {
		iat, ok := intClaim(c.iat)
		if !ok {
			return Claims{}, ErrClaimType
		}
		if iat > addSat(now, opts.Leeway) {
			return Claims{}, ErrNotYetValid
		}
		out.IssuedAt = iat
	}
	if c.nbf != nil {
		nbf, ok := intClaim(c.nbf)
		if !ok {
			return Claims{}, ErrClaimType
		}
		if nbf > addSat(now, opts.Leeway) {
			return Claims{}, ErrNotYetValid
		}
	}
	if c.exp != nil {
		exp, ok := intClaim(c.exp)
		if !ok {
			return Claims{}, ErrClaimType
		}
		if exp <= addSat(now, negSat(opts.Leeway)) {
			return Claims{}, ErrExpired
		}
		out.Expires = exp
	}
	if opts.CheckIssuer {
		if c.iss == nil {
			return Claims{}, ErrMissingClaim
		}
		if c.iss.Kind != orjson.String || c.iss.Str != opts.Issuer {
			return Claims{}, ErrIssuer
		}
	}
	if c.aud != nil && truthy(c.aud) {
		// Home Assistant never passes an audience, so any real one fails.
		return Claims{}, ErrAudience
	}
	if (c.sub != nil && c.sub.Kind != orjson.String) || (c.jti != nil && c.jti.Kind != orjson.String) {
		return Claims{}, ErrClaimType
	}
	if key == nil {
		return Claims{}, ErrNoKey
	}
	if c.iss != nil && c.iss.Kind == orjson.String {
		out.Issuer = c.iss.Str
	}
	out.Payload = t.payload
	return out, nil
}

// intClaim converts a time claim as Python's int() does, for the values
// accepted (see Token.Verify). Integers beyond int64 saturate, which keeps
// every comparison with a real clock as Python's unbounded integers make it.
func intClaim(v *orjson.Value) (int64, bool) {
	switch v.Kind {
	case orjson.Bool:
		if v.Bool {
			return 1, true
		}
		return 0, true
	case orjson.Number:
	default:
		return 0, false
	}
	if v.IsInt() {
		i, err := strconv.ParseInt(v.Str, 10, 64)
		if err != nil {
			// Only a range error is possible for a JSON integer literal.
			if v.Str[0] == '-' {
				return math.MinInt64, true
			}
			return math.MaxInt64, true
		}
		return i, true
	}
	f, err := strconv.ParseFloat(v.Str, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		// Overflowing literals become infinity, for which int() raises.
		return 0, false
	}
	f = math.Trunc(f)
	switch {
	case f >= 1<<63:
		return math.MaxInt64, true
	case f < -(1 << 63):
		return math.MinInt64, true
	}
	return int64(f), true
}

// truthy is Python's truth value of a JSON value.
func truthy(v *orjson.Value) bool {
	switch v.Kind {
	case orjson.Null:
		return false
	case orjson.Bool:
		return v.Bool
	case orjson.String:
		return v.Str != ""
	case orjson.Array:
		return len(v.Arr) != 0
	case orjson.Object:
		return len(v.Obj) != 0
	case orjson.Number:
		if v.IsInt() {
			for i := 0; i < len(v.Str); i++ {
				if c := v.Str[i]; c >= '1' && c <= '9' {
					return true
				}
			}
			return false
		}
		// A float that underflows to zero (1e-400) is false in Python too.
		f, _ := strconv.ParseFloat(v.Str, 64)
		return f != 0
	}
	return true
}

func addSat(a, b int64) int64 {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		if b > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

func negSat(a int64) int64 {
	if a == math.MinInt64 {
		return math.MaxInt64
	}
	return -a
}
