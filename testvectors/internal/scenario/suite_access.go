package scenario

import (
	"crypto/hmac"
	"crypto/sha512"
	"strconv"
	"strings"
)

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// claims is the payload of an access token of t with the given times.
func claims(t *Token, iat, exp int64, extra string) string {
	return `{"iss":"` + t.ID + `","iat":` + itoa(iat) + `,"exp":` + itoa(exp) + extra + `}`
}

// signHS512 signs with HMAC-SHA512, for the algorithm-confusion cases.
func signHS512(key, header, payload string) string {
	in := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	mac := hmac.New(sha512.New, []byte(key))
	mac.Write([]byte(in))
	return in + "." + b64.EncodeToString(mac.Sum(nil))
}

// padded signs a valid access token of t padded with an extra claim to
// exactly n characters.
func padded(t *Token, iat int64, n int) string {
	for pad := 0; pad < n; pad++ {
		tok := SignJWT(t.JWTKey(), StdHeader, claims(t, iat, iat+1800, `,"pad":"`+strings.Repeat("x", pad)+`"`))
		if len(tok) == n {
			return tok
		}
		if len(tok) > n {
			break
		}
	}
	panic("no padding gives " + strconv.Itoa(n) + " characters")
}

// refused asserts that a token authenticates neither /api/ nor a
// websocket, and that the /api/ attempt counts as a failed login.
func refused(tok func(s *Session) string) func(s *Session) {
	return func(s *Session) {
		access := tok(s)
		r := s.Get("/api/", H("authorization", "Bearer "+access))
		s.Body(r, 401, "401: Unauthorized")
		s.FailedLogin(r.Effects, 1)
		_, err, _ := s.Call("validate_access_token", `{"token":`+Q(access)+`}`)
		s.True(err != nil && err.Code == "invalid_token", "validate_access_token refuses it")
	}
}

// accepted asserts that a token authenticates /api/.
func accepted(tok func(s *Session) string) func(s *Session) {
	return func(s *Session) { s.APIOK(tok(s)) }
}

func nowSec(s *Session) int64 { return s.Now / Second }

// AccessTokenSuite covers access-token validation through the Bearer
// header of /api/ and the validate_access_token call: expiry and leeway,
// signatures, algorithms, claims, size, and the user checks.
func AccessTokenSuite() *Suite {
	std := func(t *Token) func(s *Session) string {
		return func(s *Session) string { return s.AccessNow(t) }
	}
	return &Suite{
		Name:   "access_token",
		Header: []string{"Access-token (JWT) validation: Bearer rules on /api/, the validate_access_token call, and every way a token must be refused."},
		Groups: []Group{{
			Comment: "Default configuration; tokens are signed by the scenarios with the fixture's keys.",
			Config:  baseConfig(), Seed: "access main", Fixture: MainFixture,
			Cases: []Case{
				{Name: "TOKEN-03 valid access token on /api/", Spec: "§9.1", Result: "valid", Flags: []string{"Normal", "HAString"},
					Expect: `200 {"message":"API running."}`, Run: accepted(std(AliceRT))},
				{Name: "validate_access_token call", Spec: "§4.5", Result: "valid", Flags: []string{"Normal"},
					Expect: "the embedder learns the user, refresh token, admin and owner flags and name",
					Run: func(s *Session) {
						v := s.CallOK("validate_access_token", `{"token":`+Q(s.AccessNow(AliceRT))+`}`)
						s.JSONEq(v, `{"user_id":"`+Alice.UserID+`","refresh_token_id":"`+AliceRT.ID+`","is_admin":true,"is_owner":true,"name":"Alice"}`)
					}},
				{Name: "validate_access_token for a plain user", Spec: "§4.5", Result: "valid", Flags: []string{"Normal"},
					Expect: "Bob is neither admin nor owner",
					Run: func(s *Session) {
						v := s.CallOK("validate_access_token", `{"token":`+Q(s.AccessNow(BobRT))+`}`)
						s.JSONEq(v, `{"user_id":"`+Bob.UserID+`","refresh_token_id":"`+BobRT.ID+`","is_admin":false,"is_owner":false,"name":"Bob"}`)
					}},
				{Name: "HTTP-06 lower-case bearer scheme", Spec: "§9.1", Result: "invalid", Flags: []string{"InvalidInput"},
					Expect: "the scheme is case-sensitive: 'bearer <token>' gets 401",
					Run: func(s *Session) {
						s.Body(s.Get("/api/", H("authorization", "bearer "+s.AccessNow(AliceRT))), 401, "401: Unauthorized")
					}},
				{Name: "HTTP-06 upper-case BEARER scheme", Spec: "§9.1", Result: "invalid", Flags: []string{"InvalidInput"},
					Expect: "401 for 'BEARER <token>'",
					Run: func(s *Session) {
						s.Body(s.Get("/api/", H("authorization", "BEARER "+s.AccessNow(AliceRT))), 401, "401: Unauthorized")
					}},
				{Name: "HTTP-06 token without a scheme", Spec: "§9.1", Result: "invalid", Flags: []string{"InvalidInput"},
					Expect: "401 for a bare token in Authorization",
					Run: func(s *Session) {
						s.Body(s.Get("/api/", H("authorization", s.AccessNow(AliceRT))), 401, "401: Unauthorized")
					}},
				{Name: "HTTP-04 basic auth", Spec: "§9.1", Result: "invalid", Flags: []string{"InvalidInput"},
					Expect: "401 for Basic credentials, even right ones",
					Run: func(s *Session) {
						s.Body(s.Get("/api/", H("authorization", "Basic YWxpY2U6YWxpY2UtcGFzcy0x")), 401, "401: Unauthorized")
					}},
				{Name: "HTTP-03 api_password query", Spec: "§9.1", Result: "invalid", Flags: []string{"InvalidInput"},
					Expect: "the legacy api_password never authenticates: 401",
					Run: func(s *Session) {
						s.Body(s.Get("/api/?api_password="+Alice.Password), 401, "401: Unauthorized")
					}},
				{Name: "AM-07 expired eleven seconds ago", Spec: "§4.5", Result: "invalid", Flags: []string{"ExpiredToken", "Leeway"},
					Expect: "exp = now - 11 s is beyond the 10 s leeway: refused",
					Run:    refused(func(s *Session) string { return AliceRT.Access(nowSec(s) - 1811) })},
				{Name: "expired exactly ten seconds ago", Spec: "§4.5", Result: "invalid", Flags: []string{"ExpiredToken", "Leeway"},
					Expect: "exp = now - 10 s: exp <= now - leeway, refused",
					Run:    refused(func(s *Session) string { return AliceRT.Access(nowSec(s) - 1810) })},
				{Name: "expired nine seconds ago", Spec: "§4.5", Result: "valid", Flags: []string{"Leeway"},
					Expect: "exp = now - 9 s is within the leeway: accepted",
					Run:    accepted(func(s *Session) string { return AliceRT.Access(nowSec(s) - 1809) })},
				{Name: "token used until the last second", Spec: "§4.5", Result: "valid", Flags: []string{"Leeway"},
					Expect: "a token issued 29:59 ago is valid",
					Run:    accepted(func(s *Session) string { return AliceRT.Access(nowSec(s) - 1799) })},
				{Name: "issued eleven seconds in the future", Spec: "§4.5", Result: "invalid", Flags: []string{"Leeway", "TamperedToken"},
					Expect: "iat = now + 11 s is beyond the leeway: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, claims(AliceRT, nowSec(s)+11, nowSec(s)+1811, ""))
					})},
				{Name: "issued ten seconds in the future", Spec: "§4.5", Result: "valid", Flags: []string{"Leeway"},
					Expect: "iat = now + 10 s is within the leeway: accepted",
					Run: accepted(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, claims(AliceRT, nowSec(s)+10, nowSec(s)+1810, ""))
					})},
				{Name: "not before in the future", Spec: "§4.5", Result: "invalid", Flags: []string{"MissingClaim"},
					Expect: "an nbf 60 s ahead is checked when present: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, claims(AliceRT, nowSec(s), nowSec(s)+1800, `,"nbf":`+itoa(nowSec(s)+60)))
					})},
				{Name: "signed with another token's key", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
					Expect: "Alice's claims signed with Bob's key: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(BobRT.JWTKey(), StdHeader, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "payload swapped under a valid signature", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
					Expect: "a later exp pasted into a genuine token: refused",
					Run: func(s *Session) {
						genuine := s.AccessNow(AliceRT)
						parts := strings.Split(genuine, ".")
						parts[1] = b64.EncodeToString([]byte(claims(AliceRT, nowSec(s), nowSec(s)+86400, "")))
						refused(func(*Session) string { return strings.Join(parts, ".") })(s)
						s.APIOK(genuine)
					}},
				{Name: "issuer swapped to another refresh token", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
					Expect: "Bob's id as iss under Alice's signature: refused",
					Run: func(s *Session) {
						parts := strings.Split(s.AccessNow(AliceRT), ".")
						parts[1] = b64.EncodeToString([]byte(claims(BobRT, nowSec(s), nowSec(s)+1800, "")))
						refused(func(*Session) string { return strings.Join(parts, ".") })(s)
					}},
				{Name: "one signature character changed", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
					Expect: "refused",
					Run: refused(func(s *Session) string {
						tok := []byte(s.AccessNow(AliceRT))
						i := len(tok) - 10
						if tok[i] == 'A' {
							tok[i] = 'B'
						} else {
							tok[i] = 'A'
						}
						return string(tok)
					})},
				{Name: "signature removed", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
					Expect: "a genuine header and payload with an empty signature: refused",
					Run: refused(func(s *Session) string {
						tok := s.AccessNow(AliceRT)
						return tok[:strings.LastIndexByte(tok, '.')+1]
					})},
				{Name: "alg none", Spec: "§11", Result: "invalid", Flags: []string{"AlgNone"},
					Expect: `header {"alg":"none"} with no signature: refused`,
					Run: refused(func(s *Session) string {
						return b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64.EncodeToString([]byte(claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))) + "."
					})},
				{Name: "alg None with a valid HS256 signature", Spec: "§11", Result: "invalid", Flags: []string{"AlgNone"},
					Expect: `header {"alg":"None"} even with an HS256 signature over it: refused`,
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), `{"alg":"None","typ":"JWT"}`, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "alg HS512 with an HS512 signature", Spec: "§11", Result: "invalid", Flags: []string{"AlgConfusion"},
					Expect: "the right key but another algorithm: refused",
					Run: refused(func(s *Session) string {
						return signHS512(AliceRT.JWTKey(), `{"alg":"HS512","typ":"JWT"}`, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "alg RS256 over an HMAC signature", Spec: "§11", Result: "invalid", Flags: []string{"AlgConfusion"},
					Expect: "an asymmetric alg naming the HMAC key: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), `{"alg":"RS256","typ":"JWT"}`, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "alg in lower case", Spec: "§11", Result: "invalid", Flags: []string{"AlgConfusion"},
					Expect: "hs256 is not HS256: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), `{"alg":"hs256","typ":"JWT"}`, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "header without alg", Spec: "§11", Result: "invalid", Flags: []string{"AlgConfusion"},
					Expect: "refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), `{"typ":"JWT"}`, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "HS256 header written differently", Spec: "§11", Result: "valid", Flags: []string{"Normal"},
					Expect: `{"typ":"JWT","alg":"HS256"} (members swapped) is still HS256: accepted`,
					Run: accepted(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), `{"typ":"JWT","alg":"HS256"}`, claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "token of exactly 8192 characters", Spec: "§11", Result: "valid", Flags: []string{"OversizeToken"},
					Expect: "MAX_TOKEN_SIZE itself is allowed: accepted",
					Run:    accepted(func(s *Session) string { return padded(AliceRT, nowSec(s), 8192) })},
				{Name: "token of 8193 characters", Spec: "§11", Result: "invalid", Flags: []string{"OversizeToken"},
					Expect: "one character over MAX_TOKEN_SIZE, validly signed: refused",
					Run:    refused(func(s *Session) string { return padded(AliceRT, nowSec(s), 8193) })},
				{Name: "token of 64 KiB", Spec: "§11", Result: "invalid", Flags: []string{"OversizeToken"},
					Expect: "refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, claims(AliceRT, nowSec(s), nowSec(s)+1800, `,"pad":"`+strings.Repeat("y", 65536)+`"`))
					})},
				{Name: "unknown issuer", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
					Expect: "a well-formed token whose iss names no refresh token: refused",
					Run: refused(func(s *Session) string {
						ghost := &Token{ID: "ffffffffffff4fff8fffffffffffffff"}
						return SignJWT(ghost.JWTKey(), StdHeader, claims(ghost, nowSec(s), nowSec(s)+1800, ""))
					})},
				{Name: "no iss claim", Spec: "§4.5", Result: "invalid", Flags: []string{"MissingClaim"},
					Expect: "refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, `{"iat":`+itoa(nowSec(s))+`,"exp":`+itoa(nowSec(s)+1800)+`}`)
					})},
				{Name: "no exp claim", Spec: "§4.5", Result: "invalid", Flags: []string{"MissingClaim"},
					Expect: "exp must be present: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, `{"iss":"`+AliceRT.ID+`","iat":`+itoa(nowSec(s))+`}`)
					})},
				{Name: "no iat claim", Spec: "§4.5", Result: "invalid", Flags: []string{"MissingClaim"},
					Expect: "iat must be present: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, `{"iss":"`+AliceRT.ID+`","exp":`+itoa(nowSec(s)+1800)+`}`)
					})},
				{Name: "exp as a string", Spec: "§4.5", Result: "invalid", Flags: []string{"MissingClaim"},
					Expect: "a time claim that is not a number: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, `{"iss":"`+AliceRT.ID+`","iat":`+itoa(nowSec(s))+`,"exp":"`+itoa(nowSec(s)+1800)+`"}`)
					})},
				{Name: "audience claim", Spec: "§4.5", Result: "invalid", Flags: []string{"MissingClaim"},
					Expect: "an aud claim when none is expected: refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, claims(AliceRT, nowSec(s), nowSec(s)+1800, `,"aud":"https://example.com"`))
					})},
				{Name: "payload that is a JSON array", Spec: "§11", Result: "invalid", Flags: []string{"MalformedToken"},
					Expect: "refused",
					Run: refused(func(s *Session) string {
						return SignJWT(AliceRT.JWTKey(), StdHeader, `["`+AliceRT.ID+`"]`)
					})},
				{Name: "two segments", Spec: "§11", Result: "invalid", Flags: []string{"MalformedToken"},
					Expect: "refused",
					Run: refused(func(s *Session) string {
						tok := s.AccessNow(AliceRT)
						return tok[:strings.LastIndexByte(tok, '.')]
					})},
				{Name: "four segments", Spec: "§11", Result: "invalid", Flags: []string{"MalformedToken"},
					Expect: "refused",
					Run:    refused(func(s *Session) string { return s.AccessNow(AliceRT) + ".e30" })},
				{Name: "standard base64 in place of base64url", Spec: "§11", Result: "invalid", Flags: []string{"MalformedToken"},
					Expect: "'+' and '/' are not base64url: refused",
					Run: refused(func(s *Session) string {
						tok := s.AccessNow(AliceRT)
						i := strings.LastIndexByte(tok, '.')
						return tok[:i+1] + strings.NewReplacer("-", "+", "_", "/").Replace(tok[i+1:]) + "+/"
					})},
				{Name: "not a token", Spec: "§11", Result: "invalid", Flags: []string{"MalformedToken"},
					Expect: "refused",
					Run:    refused(func(*Session) string { return "incorrect" })},
				{Name: "HTTP-06 inactive user's token", Spec: "§4.5", Result: "invalid", Flags: []string{"InactiveUser"},
					Expect: "a genuine token of Dave, who is inactive: refused",
					Run:    refused(std(DaveRT))},
				{Name: "HTTP-09 local-only user from a public address", Spec: "§9.3", Result: "invalid", Flags: []string{"LocalOnly"},
					Expect: "Carol's genuine token from 198.51.100.1: 401",
					Run: func(s *Session) {
						s.Remote = PublicIP + ":40000"
						r := s.Get("/api/", H("authorization", "Bearer "+s.AccessNow(CarolRT)))
						s.Body(r, 401, "401: Unauthorized")
					}},
				{Name: "HTTP-09 local-only user from the LAN", Spec: "§9.3", Result: "valid", Flags: []string{"LocalOnly"},
					Expect: "Carol's token from 192.168.1.10: 200", Run: accepted(std(CarolRT))},
				{Name: "system user's token", Spec: "§4.5", Result: "valid", Flags: []string{"Normal"},
					Expect: "the Supervisor's system token authenticates", Run: accepted(std(SystemRT))},
				{Name: "long-lived access token", Spec: "§4.5", Result: "valid", Flags: []string{"Normal"},
					Expect: "a token issued nine years ago by a ten-year LLAT still authenticates",
					Run:    accepted(func(s *Session) string { return LLATRT.Access(nowSec(s) - 9*365*86400) })},
			},
		}},
	}
}
