// Package jwt signs and verifies the compact HS256 JSON Web Signatures that
// Home Assistant uses for access tokens, signed paths (the authSig query
// parameter) and the state of the external OAuth callback.
//
// Signing produces exactly the bytes PyJWT and Home Assistant produce for the
// same inputs, so a token made here is indistinguishable from one made by
// Home Assistant. Verification accepts every token Home Assistant can make and
// applies the claim rules of PyJWT 2.x as Home Assistant calls it. Where
// Python is lenient only in ways that matter to someone forging or mangling
// tokens (base64 that skips foreign characters, padding, headers that only
// Python's JSON loader reads), this package rejects; each such place says so.
//
// Typical use for an access token (the order of §4.5 of the spec):
//
//	t, err := jwt.Parse(bearer)           // size, shape, header, payload object
//	if err != nil { return nil }
//	id, _ := t.Issuer()                   // unverified iss, only for the lookup
//	rt := tokens[id]                      // nil when unknown
//	if rt == nil {
//		t.VerifyAccessToken(nil, "", now)  // same work, always an error
//		return nil
//	}
//	if _, err := t.VerifyAccessToken(rt.Key, rt.ID, now); err != nil { return nil }
//
// The verifier is written here rather than taken from a JWT library because
// no library applies PyJWT's rules (github.com/golang-jwt/jwt/v5, for one,
// ignores aud unless asked for one, ignores crit, kid and the types of sub
// and jti, and refuses a boolean iat), none signs payloads byte for byte as
// Python's json.dumps or orjson write them, and the common ones decode JSON
// by reflection. BenchmarkGolangJWTParse keeps the comparison measurable.
//
// The package owns the token format and its validation, nothing else: it
// does not look refresh tokens up, read a clock (time is a parameter, in Unix
// seconds), draw random numbers or cache anything between calls.
package jwt
