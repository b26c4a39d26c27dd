package scenario

import (
	"encoding/json"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// signed asks conn to sign path (with expires seconds, or the default
// when expires is 0) and returns the signed path. It asserts Home
// Assistant's answer: {"path": <path>?<query less width and height>
// &authSig=<JWS>}, the JWS an HS256 token whose payload is exactly
// {"iss": <the connection's refresh token id>, "path", "params", "iat":
// now, "exp": now + expires} (WS-11, SIGN-06, SIGN-11).
func (s *Session) signed(conn uint64, t *Token, path string, expires int64, wantPath, wantQuery, wantParams string) string {
	s.r.Helper()
	fields := `"type":"auth/sign_path","path":` + Q(path)
	life := int64(30)
	if expires != 0 {
		fields += `,"expires":` + itoa(expires)
		life = expires
	}
	var res struct {
		Path string `json:"path"`
	}
	raw := s.OK(conn, fields)
	if err := json.Unmarshal(raw, &res); err != nil {
		s.r.Fatalf("result: %s", raw)
	}
	s.JSONEq(raw, `{"path":`+Q(res.Path)+`}`)
	prefix := wantPath + "?"
	if wantQuery != "" {
		prefix += wantQuery + "&"
	}
	prefix += "authSig="
	s.True(strings.HasPrefix(res.Path, prefix), "signed path "+res.Path+" starts with "+prefix)
	sig := res.Path[len(prefix):]
	s.Equal(s.JWTPart(sig, 0), StdHeader, "JWS header")
	now := nowSec(s)
	s.Equal(s.JWTPart(sig, 1), `{"iss":"`+t.ID+`","path":`+Q(wantPath)+`,"params":`+wantParams+`,"iat":`+itoa(now)+`,"exp":`+itoa(now+life)+`}`, "JWS payload")
	return res.Path
}

// sigOf returns a signed path's authSig.
func sigOf(signed string) string {
	return signed[strings.Index(signed, "authSig=")+len("authSig="):]
}

// getAPI requests path (on /api/) with GET or HEAD.
func (s *Session) getAPI(method, path string, header ...core.Header) Resp {
	s.r.Helper()
	return s.Do(Req{Method: method, Path: path, Header: header})
}

// pathWorks asserts that a signed path authenticates GET and HEAD.
func (s *Session) pathWorks(path string) {
	s.r.Helper()
	s.JSON(s.getAPI("GET", path), 200, `{"message":"API running."}`)
	s.Status(s.getAPI("HEAD", path), 200)
}

// pathRefused asserts that a path authenticates neither GET nor HEAD: 401,
// each a failed login.
func (s *Session) pathRefused(path string) {
	s.r.Helper()
	for _, m := range []string{"GET", "HEAD"} {
		r := s.getAPI(m, path)
		s.Body(r, 401, "401: Unauthorized")
		s.FailedLogin(r.Effects, 1)
	}
}

// flipMiddle changes one character in the middle of a JWS segment, where
// every bit of the base64 carries data.
func flipMiddle(seg string) string {
	i := len(seg) / 2
	c := byte('A')
	if seg[i] == 'A' {
		c = 'B'
	}
	return seg[:i] + string(c) + seg[i+1:]
}

// SignedPathSuite covers auth/sign_path and the authSig query parameter
// (spec §9.2, SIGN-02..SIGN-12).
func SignedPathSuite() *Suite {
	const ok = `{"message":"API running."}`
	aliceSigns := func(s *Session) { s.Connect(1, AliceRT) }
	return &Suite{
		Name: "signed_path",
		Header: []string{"Signed paths: auth/sign_path over the websocket and the authSig query parameter on GET and HEAD /api/ (SIGN-02..SIGN-12).",
			"The signing secret is the core's own, so the scenarios check each signature's claims and then use it exactly as a client would, or change it."},
		Groups: []Group{{
			Comment: "Default configuration with the fixture's users and tokens; Alice signs on connection 1.",
			Config:  baseConfig(), Seed: "signed path main", Fixture: MainFixture,
			Cases: []Case{
				{Name: "SIGN-02 signed path with a query", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPath", "Normal", "HAString"},
					Expect: `auth/sign_path of /api/?test=test answers {"path":"/api/?test=test&authSig=<JWS>"}, the JWS's payload {"iss":<Alice's token>,"path":"/api/","params":[["test","test"]],"iat":now,"exp":now+30}; GET and HEAD of it get 200`,
					Run: func(s *Session) {
						aliceSigns(s)
						s.pathWorks(s.signed(1, AliceRT, "/api/?test=test", 0, "/api/", "test=test", `[["test","test"]]`))
					}},
				{Name: "WS-11 sign_path with expires 20", Spec: "§10.4", Result: "valid", Flags: []string{"SignedPath", "WsCommand"},
					Expect: "exp is iat + 20 and the path works",
					Run: func(s *Session) {
						aliceSigns(s)
						s.pathWorks(s.signed(1, AliceRT, "/api/", 20, "/api/", "", `[]`))
					}},
				{Name: "SIGN-06 the issuer is the connection's token", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPath"},
					Expect: "a path Bob signs names Bob's refresh token as iss and works",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.pathWorks(s.signed(2, BobRT, "/api/", 0, "/api/", "", `[]`))
					}},
				{Name: "SIGN-02 query pairs dropped", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope", "FailedLogin"},
					Expect: "the signature of /api/?test=test on /api/?authSig=... alone: 401 for GET and HEAD, each a failed login",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/?test=test", 0, "/api/", "test=test", `[["test","test"]]`))
						s.pathRefused("/api/?authSig=" + sig)
					}},
				{Name: "SIGN-03 pairs reordered", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "signed /api/?test=test&foo=bar requested as foo=bar&test=test: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/?test=test&foo=bar", 0, "/api/", "test=test&foo=bar", `[["test","test"],["foo","bar"]]`))
						s.pathRefused("/api/?foo=bar&test=test&authSig=" + sig)
					}},
				{Name: "SIGN-03 a key duplicated", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "signed test=test&foo=bar requested as test=test&foo=aaa&foo=bar: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/?test=test&foo=bar", 0, "/api/", "test=test&foo=bar", `[["test","test"],["foo","bar"]]`))
						s.pathRefused("/api/?test=test&foo=aaa&foo=bar&authSig=" + sig)
					}},
				{Name: "SIGN-03 a pair removed", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "signed test=test&foo=bar requested as test=test: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/?test=test&foo=bar", 0, "/api/", "test=test&foo=bar", `[["test","test"],["foo","bar"]]`))
						s.pathRefused("/api/?test=test&authSig=" + sig)
					}},
				{Name: "SIGN-05 a value changed", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "signed test=test&foo=bar requested as test=test&foo=baz: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/?test=test&foo=bar", 0, "/api/", "test=test&foo=bar", `[["test","test"],["foo","bar"]]`))
						s.pathRefused("/api/?test=test&foo=baz&authSig=" + sig)
					}},
				{Name: "SIGN-05 a pair added after the signature", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "signed /api/?test=test requested with &foo=bar after authSig: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/?test=test", 0, "/api/", "test=test", `[["test","test"]]`)
						s.pathRefused(signed + "&foo=bar")
					}},
				{Name: "SIGN-05 a query added to a path signed without one", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "signed /api/ requested as /api/?test=test&authSig=...: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`))
						s.pathRefused("/api/?test=test&authSig=" + sig)
					}},
				{Name: "SIGN-04 width added", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPathScope"},
					Expect: "SAFE_QUERY_PARAMS: &width=100 after the signature still gets 200",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/?test=test", 0, "/api/", "test=test", `[["test","test"]]`)
						s.pathWorks(signed + "&width=100")
					}},
				{Name: "SIGN-04 width and height anywhere", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPathScope"},
					Expect: "height before the pairs and width between them leave the signed pairs as they were: 200",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/?test=test&foo=bar", 0, "/api/", "test=test&foo=bar", `[["test","test"],["foo","bar"]]`))
						s.pathWorks("/api/?height=5&test=test&width=7&foo=bar&authSig=" + sig)
					}},
				{Name: "SIGN-11 width and height are not signed", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPathScope"},
					Expect: "signing /api/?width=100&test=1&height=2 leaves width and height out of params and out of the signed path; another width then works",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/?width=100&test=1&height=2", 0, "/api/", "test=1", `[["test","1"]]`)
						s.pathWorks(signed + "&width=50")
					}},
				{Name: "another path", Spec: "§9.2", Result: "invalid", Flags: []string{"SignedPathScope"},
					Expect: "a signature of /api/states used on /api/: claims.path must equal the request path, 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/states", 0, "/api/states", "", `[]`))
						s.pathRefused("/api/?authSig=" + sig)
					}},
				{Name: "a second authSig is ignored", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPathScope"},
					Expect: "request.query.get takes the first authSig and the signed params leave every authSig out: a garbage second authSig changes nothing, 200",
					Run: func(s *Session) {
						aliceSigns(s)
						s.pathWorks(s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`) + "&authSig=garbage")
					}},
				{Name: "valid one second before exp", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPath", "Timer"},
					Expect: "a path signed for 20 s still works 20 s less a microsecond later",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/", 20, "/api/", "", `[]`)
						s.Advance(20*Second - 1)
						s.pathWorks(signed)
					}},
				{Name: "expired at exp, without leeway", Spec: "§9.2", Result: "invalid", Flags: []string{"ExpiredSignedPath"},
					Expect: "exactly 20 s after signing, exp <= now: 401 (signed paths are verified with leeway 0, unlike access tokens)",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/", 20, "/api/", "", `[]`)
						s.Advance(20 * Second)
						s.pathRefused(signed)
					}},
				{Name: "expired by the default 30 s", Spec: "§9.2", Result: "invalid", Flags: []string{"ExpiredSignedPath"},
					Expect: "without expires a path lives 30 s: 200 at 29 s, 401 at 30 s",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`)
						s.Advance(29 * Second)
						s.pathWorks(signed)
						s.Advance(Second)
						s.pathRefused(signed)
					}},
				{Name: "signature changed", Spec: "§9.2", Result: "invalid", Flags: []string{"TamperedSignedPath"},
					Expect: "one character in the middle of the signature changed: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`))
						parts := strings.Split(sig, ".")
						s.pathRefused("/api/?authSig=" + parts[0] + "." + parts[1] + "." + flipMiddle(parts[2]))
					}},
				{Name: "claims changed", Spec: "§9.2", Result: "invalid", Flags: []string{"TamperedSignedPath"},
					Expect: "the payload re-encoded with a later exp under the old signature: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`))
						parts := strings.Split(sig, ".")
						now := nowSec(s)
						payload := b64.EncodeToString([]byte(`{"iss":"` + AliceRT.ID + `","path":"/api/","params":[],"iat":` + itoa(now) + `,"exp":` + itoa(now+86400) + `}`))
						s.pathRefused("/api/?authSig=" + parts[0] + "." + payload + "." + parts[2])
					}},
				{Name: "signed with another key", Spec: "§9.2", Result: "invalid", Flags: []string{"TamperedSignedPath"},
					Expect: "a well-formed HS256 JWS of the right claims under a key the core never made: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`)
						now := nowSec(s)
						forged := SignJWT(AliceRT.JWTKey(), StdHeader, `{"iss":"`+AliceRT.ID+`","path":"/api/","params":[],"iat":`+itoa(now)+`,"exp":`+itoa(now+30)+`}`)
						s.pathRefused("/api/?authSig=" + forged)
					}},
				{Name: "alg none", Spec: "§9.2", Result: "invalid", Flags: []string{"TamperedSignedPath", "AlgNone"},
					Expect: "an unsigned token with the right claims: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`)
						now := nowSec(s)
						forged := b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
							b64.EncodeToString([]byte(`{"iss":"`+AliceRT.ID+`","path":"/api/","params":[],"iat":`+itoa(now)+`,"exp":`+itoa(now+30)+`}`)) + "."
						s.pathRefused("/api/?authSig=" + forged)
					}},
				{Name: "nothing signed yet", Spec: "§9.2", Result: "invalid", Flags: []string{"TamperedSignedPath"},
					Expect: "before any path was signed there is no secret: a forged authSig gets 401",
					Run: func(s *Session) {
						now := nowSec(s)
						forged := SignJWT("", StdHeader, `{"iss":"`+AliceRT.ID+`","path":"/api/","params":[],"iat":`+itoa(now)+`,"exp":`+itoa(now+30)+`}`)
						s.pathRefused("/api/?authSig=" + forged)
					}},
				{Name: "refresh token deleted", Spec: "§9.2", Result: "invalid", Flags: []string{"RevokedToken", "SignedPath"},
					Expect: "iss must be an existing refresh token: after Alice's token is revoked (which closes her connection) her signed path gets 401",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`)
						r := s.PostForm("/auth/revoke", "token", AliceRT.Secret())
						s.closed(r.Effects, 1)
						s.pathRefused(signed)
					}},
				{Name: "SIGN-10 user deactivated", Spec: "§9.2", Result: "invalid", Flags: []string{"InactiveUser", "SignedPath"},
					Expect: "a path Bob signed while active gets 401 once Alice has made him inactive (newest Home Assistant re-checks the user on signed requests)",
					Run: func(s *Session) {
						aliceSigns(s)
						s.Connect(2, BobRT)
						signed := s.signed(2, BobRT, "/api/", 0, "/api/", "", `[]`)
						s.pathWorks(signed)
						s.OK(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","is_active":false`)
						s.pathRefused(signed)
					}},
				{Name: "SIGN-09 local-only user from the LAN", Spec: "§9.2", Result: "valid", Flags: []string{"LocalOnly", "SignedPath"},
					Expect: "Carol (local only) signs; from 192.168.1.123 GET and HEAD get 200",
					Run: func(s *Session) {
						s.Connect(3, CarolRT)
						signed := s.signed(3, CarolRT, "/api/", 0, "/api/", "", `[]`)
						s.Remote = "192.168.1.123:5000"
						s.pathWorks(signed)
					}},
				{Name: "SIGN-09 local-only user from outside", Spec: "§9.2", Result: "invalid", Flags: []string{"LocalOnly", "SignedPath"},
					Expect: "Carol's signed path from 198.51.100.1 and from 2001:db8:fa1::1: 401 for GET and HEAD",
					Run: func(s *Session) {
						s.Connect(3, CarolRT)
						signed := s.signed(3, CarolRT, "/api/", 0, "/api/", "", `[]`)
						s.Remote = PublicIP + ":5000"
						s.pathRefused(signed)
						s.Remote = "[2001:db8:fa1::1]:5000"
						s.pathRefused(signed)
					}},
				{Name: "a signed path is not bound to an address", Spec: "§9.2", Result: "valid", Flags: []string{"SignedPath"},
					Expect: "Alice (not local only) signs on the LAN; the path works from a public address",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`)
						s.Remote = PublicIP + ":5000"
						s.pathWorks(signed)
					}},
				{Name: "SIGN-12 a valid Bearer header wins", Spec: "§9.1", Result: "valid", Flags: []string{"SignedPath"},
					Expect: "a valid Authorization header authenticates on its own: with a broken authSig beside it the request gets 200",
					Run: func(s *Session) {
						aliceSigns(s)
						sig := sigOf(s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`))
						parts := strings.Split(sig, ".")
						r := s.getAPI("GET", "/api/?authSig="+parts[0]+"."+parts[1]+"."+flipMiddle(parts[2]), H("authorization", "Bearer "+s.AccessNow(BobRT)))
						s.JSON(r, 200, ok)
					}},
				{Name: "SIGN-12 a bad Bearer header does not hide a valid authSig", Spec: "§9.1", Result: "valid", Flags: []string{"SignedPath"},
					Expect: "the middleware tries the header, then (elif) the signature: an invalid Bearer header with a valid authSig gets 200",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/api/", 0, "/api/", "", `[]`)
						s.JSON(s.getAPI("GET", signed, H("authorization", "Bearer invalid")), 200, ok)
					}},
				{Name: "signed paths are for GET and HEAD only", Spec: "§9.1", Result: "invalid", Flags: []string{"SignedPath", "FailedLogin"},
					Expect: "a path signed for /auth/link_user does not authenticate a POST to it: 401",
					Run: func(s *Session) {
						aliceSigns(s)
						signed := s.signed(1, AliceRT, "/auth/link_user", 0, "/auth/link_user", "", `[]`)
						r := s.Do(Req{Method: "POST", Path: signed, Header: []core.Header{H("content-type", "application/json")}, Body: `{"client_id":"` + ClientID + `","code":"x"}`})
						s.Body(r, 401, "401: Unauthorized")
						s.FailedLogin(r.Effects, 1)
					}},
				{Name: "sign_path without a path", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format required key not provided @ data['path']. Got None",
					Run: func(s *Session) {
						aliceSigns(s)
						s.Fails(1, `"type":"auth/sign_path"`, "invalid_format", "required key not provided @ data['path']. Got None")
					}},
				{Name: "sign_path with expires not an int", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format expected int for dictionary value @ data['expires']. Got '20'",
					Run: func(s *Session) {
						aliceSigns(s)
						s.Fails(1, `"type":"auth/sign_path","path":"/api/","expires":"20"`, "invalid_format", "expected int for dictionary value @ data['expires']. Got '20'")
					}},
			},
		}},
	}
}
