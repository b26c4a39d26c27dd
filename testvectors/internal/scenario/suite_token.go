package scenario

import (
	"encoding/json"
)

const (
	errInvalidRequest = `{"error":"invalid_request"}`
	errInvalidGrant   = `{"error":"invalid_grant"}`
	errUnsupported    = `{"error":"unsupported_grant_type"}`
	errBadClient      = `{"error":"invalid_request","error_description":"Invalid client id"}`
	errBadCode        = `{"error":"invalid_request","error_description":"Invalid code"}`
)

func accessDenied(reason string) string {
	return `{"error":"access_denied","error_description":` + Q(reason) + `}`
}

// tokenError posts a form to /auth/token that must be refused with status
// and exact body, counted as a failed login.
func (s *Session) tokenError(status int, body string, fields ...string) {
	s.r.Helper()
	r := s.PostForm("/auth/token", fields...)
	s.JSON(r, status, body)
	s.FailedLogin(r.Effects, 1)
}

// oauthError checks only the error member of an OAuth error reply, for the
// PKCE answers whose descriptions the specification leaves open.
func (s *Session) oauthError(r Resp, status int, code string) {
	s.r.Helper()
	s.Status(r, status)
	s.Equal(s.Str(r.Body, "error"), code, "OAuth error")
}

// pkceCode runs a login flow that registers the RFC 7636 challenge and
// returns its code.
func (s *Session) pkceCode() string {
	s.r.Helper()
	id := s.StartFlowWith(withChallenge(`,"code_challenge":"` + PKCEChallenge + `","code_challenge_method":"S256"`))
	return s.EntryCode(s.LoginStep(id, "alice", Alice.Password), id, haHandler)
}

// tokenInfo finds a token in list_tokens.
func (s *Session) tokenInfo(id string) map[string]any {
	s.r.Helper()
	var list []map[string]any
	if err := json.Unmarshal(s.CallOK("list_tokens", ""), &list); err != nil {
		s.r.Fatalf("list_tokens: %v", err)
	}
	for _, t := range list {
		if t["id"] == id {
			return t
		}
	}
	return nil
}

// TokenSuite covers POST /auth/token (its three branches and every error)
// and POST /auth/revoke, with PKCE.
func TokenSuite() *Suite {
	return &Suite{
		Name:   "token",
		Header: []string{"POST /auth/token: authorization_code, refresh_token and action=revoke; POST /auth/revoke; PKCE at the exchange."},
		Groups: []Group{{
			Comment: "Default configuration with the fixture's users and refresh tokens.",
			Config:  baseConfig(), Seed: "token main", Fixture: MainFixture,
			Cases: []Case{
				{Name: "TOKEN-01 exchange a code", Spec: "§7.7", Result: "valid", Flags: []string{"Normal", "HAString"},
					Expect: "200 with access_token, token_type Bearer, a 128-hex refresh_token, expires_in 1800, ha_auth_provider homeassistant, no-store headers; the access token works on /api/",
					Run: func(s *Session) {
						access, _ := s.Exchange(s.Login(Alice), "homeassistant")
						s.APIOK(access)
					}},
				{Name: "TOKEN-02 refresh the exchanged token", Spec: "§7.7", Result: "valid", Flags: []string{"Normal"},
					Expect: "the new refresh token refreshes: 200 without a refresh_token member; the new access token works",
					Run: func(s *Session) {
						_, refresh := s.Exchange(s.Login(Bob), "homeassistant")
						s.APIOK(s.Refresh(refresh, ClientID))
					}},
				{Name: "code replay", Spec: "§7.6", Result: "invalid", Flags: []string{"CodeReplay", "HAString", "FailedLogin"},
					Expect: "the second exchange of the same code: 400 invalid_request Invalid code",
					Run: func(s *Session) {
						code := s.Login(Alice)
						s.Exchange(code, "homeassistant")
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID, "code", code)
					}},
				{Name: "code exchanged by another client", Spec: "§7.6", Result: "invalid", Flags: []string{"ClientIdMismatch", "HAString"},
					Expect: "codes are keyed by (client_id, code): another client gets Invalid code, and the code stays good for its own client",
					Run: func(s *Session) {
						code := s.Login(Alice)
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", "https://other.example.net/app", "code", code)
						s.Exchange(code, "homeassistant")
					}},
				{Name: "TOKEN-04 code exchanged after ten minutes", Spec: "§7.6", Result: "invalid", Flags: []string{"ExpiredCode", "HAString"},
					Expect: "a code 10:00 old is refused with Invalid code",
					Run: func(s *Session) {
						code := s.Login(Alice)
						s.Advance(10 * Minute)
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID, "code", code)
					}},
				{Name: "TOKEN-04 code exchanged at 9:59", Spec: "§7.6", Result: "valid", Flags: []string{"Normal"},
					Expect: "a code 9:59 old is still exchanged",
					Run: func(s *Session) {
						code := s.Login(Alice)
						s.Advance(10*Minute - Second)
						s.Exchange(code, "homeassistant")
					}},
				{Name: "expired code is consumed", Spec: "§7.6", Result: "invalid", Flags: []string{"ExpiredCode"},
					Expect: "retrieving pops the code even when expired: turning the clock back does not revive it",
					Run: func(s *Session) {
						code := s.Login(Alice)
						s.Advance(10 * Minute)
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID, "code", code)
						s.Advance(-5 * Minute)
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID, "code", code)
					}},
				{Name: "TOKEN-16 exchange without client_id", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString", "FailedLogin"},
					Expect: "400 invalid_request Invalid client id",
					Run: func(s *Session) {
						s.tokenError(400, errBadClient, "grant_type", "authorization_code", "code", s.Login(Alice))
					}},
				{Name: "TOKEN-16 exchange with an invalid client_id", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: "400 invalid_request Invalid client id for a non-URL client",
					Run: func(s *Session) {
						s.tokenError(400, errBadClient, "grant_type", "authorization_code", "client_id", "not a url", "code", s.Login(Alice))
					}},
				{Name: "TOKEN-17 exchange without code", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: "400 invalid_request Invalid code",
					Run: func(s *Session) {
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID)
					}},
				{Name: "TOKEN-17 exchange of an unknown code", Spec: "§7.7", Result: "invalid", Flags: []string{"HAString"},
					Expect: "400 invalid_request Invalid code",
					Run: func(s *Session) {
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID, "code", "0123456789abcdef0123456789abcdef")
					}},
				{Name: "TOKEN-20 exchange for an inactive user", Spec: "§7.7", Result: "invalid", Flags: []string{"InactiveUser", "HAString"},
					Expect: "a code for Dave's credential (made by create_auth_code) is refused: 403 access_denied User is not active",
					Run: func(s *Session) {
						var code string
						if err := json.Unmarshal(s.CallOK("create_auth_code", `{"client_id":"`+ClientID+`","credential_id":"`+Dave.CredID+`"}`), &code); err != nil {
							s.r.Fatalf("create_auth_code: %v", err)
						}
						s.tokenError(403, accessDenied("User is not active"), "grant_type", "authorization_code", "client_id", ClientID, "code", code)
					}},
				{Name: "TOKEN-07 exchange by a local-only user from a public address", Spec: "§7.7", Result: "invalid", Flags: []string{"LocalOnly", "HAString"},
					Expect: "code obtained on the LAN, exchanged from outside: 403 access_denied User cannot authenticate remotely",
					Run: func(s *Session) {
						code := s.Login(Carol)
						r := s.PostFormFrom(PublicIP+":1", "/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", code)
						s.JSON(r, 403, accessDenied("User cannot authenticate remotely"))
					}},
				{Name: "TOKEN-15 no grant_type", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: `400 {"error":"unsupported_grant_type"}`,
					Run: func(s *Session) {
						s.tokenError(400, errUnsupported, "client_id", ClientID)
					}},
				{Name: "TOKEN-15 password grant", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: `400 {"error":"unsupported_grant_type"} for grant_type password`,
					Run: func(s *Session) {
						s.tokenError(400, errUnsupported, "grant_type", "password", "username", "alice", "password", Alice.Password)
					}},
				{Name: "TOKEN-15 JSON body", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: "a JSON body has no form fields: unsupported_grant_type",
					Run: func(s *Session) {
						r := s.PostJSON("/auth/token", `{"grant_type":"refresh_token","refresh_token":"`+AliceRT.Secret()+`"}`)
						s.JSON(r, 400, errUnsupported)
					}},
				{Name: "TOKEN-02 refresh a stored token", Spec: "§7.7", Result: "valid", Flags: []string{"Normal"},
					Expect: "200 access token for Alice's refresh token; it authenticates /api/",
					Run: func(s *Session) {
						s.APIOK(s.Refresh(AliceRT.Secret(), ClientID))
					}},
				{Name: "refresh tokens do not rotate", Spec: "§7.7", Result: "valid", Flags: []string{"Normal"},
					Expect: "the same refresh token refreshes twice",
					Run: func(s *Session) {
						s.Refresh(AliceRT.Secret(), ClientID)
						s.Advance(Minute)
						s.Refresh(AliceRT.Secret(), ClientID)
					}},
				{Name: "refresh records the use", Spec: "§4.5", Result: "valid", Flags: []string{"Normal", "Persistence"},
					Expect: "last_used_at becomes now, last_used_ip the client address, and expire_at slides to now + 90 days",
					Run: func(s *Session) {
						s.Advance(Hour)
						s.Refresh(AliceRT.Secret(), ClientID)
						t := s.tokenInfo(AliceRT.ID)
						s.Equal(t["last_used_at"], "2026-09-01T11:00:00+00:00", "last_used_at")
						s.Equal(t["last_used_ip"], LocalIP, "last_used_ip")
						s.Equal(t["expire_at"], float64((T0+Hour+90*Day)/Second), "expire_at")
					}},
				{Name: "TOKEN-10 refresh without the token's client_id", Spec: "§7.7", Result: "invalid", Flags: []string{"ClientIdMismatch", "HAString"},
					Expect: `400 {"error":"invalid_request"}`,
					Run: func(s *Session) {
						s.tokenError(400, errInvalidRequest, "grant_type", "refresh_token", "refresh_token", AliceRT.Secret())
					}},
				{Name: "TOKEN-10 refresh with another client_id", Spec: "§7.7", Result: "invalid", Flags: []string{"ClientIdMismatch", "HAString"},
					Expect: `400 {"error":"invalid_request"} for http://example-different.com`,
					Run: func(s *Session) {
						s.tokenError(400, errInvalidRequest, "grant_type", "refresh_token", "refresh_token", AliceRT.Secret(), "client_id", "http://example-different.com")
					}},
				{Name: "refresh with an invalid client_id", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: "400 invalid_request Invalid client id",
					Run: func(s *Session) {
						s.tokenError(400, errBadClient, "grant_type", "refresh_token", "refresh_token", AliceRT.Secret(), "client_id", "https://user@example.com/")
					}},
				{Name: "refresh without refresh_token", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
					Expect: `400 {"error":"invalid_request"}`,
					Run: func(s *Session) {
						s.tokenError(400, errInvalidRequest, "grant_type", "refresh_token", "client_id", ClientID)
					}},
				{Name: "refresh with an unknown token", Spec: "§7.7", Result: "invalid", Flags: []string{"HAString"},
					Expect: `400 {"error":"invalid_grant"}`,
					Run: func(s *Session) {
						s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", derive("token", "nobody", 64), "client_id", ClientID)
					}},
				{Name: "refresh with an access token in place of the refresh token", Spec: "§7.7", Result: "invalid", Flags: []string{"HAString"},
					Expect: "an access token is not a refresh token: invalid_grant",
					Run: func(s *Session) {
						s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", s.AccessNow(AliceRT), "client_id", ClientID)
					}},
				{Name: "TOKEN-09 system token refreshes without client_id", Spec: "§7.7", Result: "valid", Flags: []string{"Normal"},
					Expect: "a token with client_id null refreshes when no client_id is sent",
					Run: func(s *Session) {
						s.APIOK(s.Refresh(SystemRT.Secret(), ""))
					}},
				{Name: "TOKEN-09 system token with a client_id", Spec: "§7.7", Result: "invalid", Flags: []string{"ClientIdMismatch", "HAString"},
					Expect: `400 {"error":"invalid_request"}: null matches only an absent client_id`,
					Run: func(s *Session) {
						s.tokenError(400, errInvalidRequest, "grant_type", "refresh_token", "refresh_token", SystemRT.Secret(), "client_id", "https://this-is-not-allowed-for-system-users.com/")
					}},
				{Name: "long-lived token's refresh token without client_id", Spec: "§7.7", Result: "valid", Flags: []string{"Normal"},
					Expect: "the LLAT refresh token has no client_id; its access tokens live its own lifetime, so expires_in is ten years",
					Run: func(s *Session) {
						r := s.PostForm("/auth/token", "grant_type", "refresh_token", "refresh_token", LLATRT.Secret())
						s.Status(r, 200)
						s.JSONEq(r.Body, `{"access_token":`+Q(s.Str(r.Body, "access_token"))+`,"token_type":"Bearer","expires_in":315360000}`)
					}},
				{Name: "TOKEN-20 refresh for an inactive user", Spec: "§7.7", Result: "invalid", Flags: []string{"InactiveUser", "HAString"},
					Expect: "403 access_denied User is not active",
					Run: func(s *Session) {
						s.tokenError(403, accessDenied("User is not active"), "grant_type", "refresh_token", "refresh_token", DaveRT.Secret(), "client_id", ClientID)
					}},
				{Name: "TOKEN-11 local-only refresh from a public address", Spec: "§7.7", Result: "invalid", Flags: []string{"LocalOnly", "HAString"},
					Expect: "403 access_denied User cannot authenticate remotely",
					Run: func(s *Session) {
						r := s.PostFormFrom(PublicIP+":1", "/auth/token", "grant_type", "refresh_token", "refresh_token", CarolRT.Secret(), "client_id", ClientID)
						s.JSON(r, 403, accessDenied("User cannot authenticate remotely"))
						s.FailedLogin(r.Effects, 1)
					}},
				{Name: "local-only refresh from the LAN", Spec: "§9.3", Result: "valid", Flags: []string{"LocalOnly"},
					Expect: "200 from a private address",
					Run: func(s *Session) {
						s.Refresh(CarolRT.Secret(), ClientID)
					}},
				{Name: "TOKEN-14 revoke at /auth/revoke", Spec: "§7.8", Result: "invalid", Flags: []string{"RevokedToken"},
					Expect: "200 with an empty body; afterwards the refresh token gets invalid_grant and its access tokens 401",
					Run: func(s *Session) {
						access := s.AccessNow(AliceRT)
						s.APIOK(access)
						r := s.PostForm("/auth/revoke", "token", AliceRT.Secret())
						s.Body(r, 200, "")
						s.FailedLogin(r.Effects, 0)
						s.APIRefused(access)
						s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", AliceRT.Secret(), "client_id", ClientID)
					}},
				{Name: "TOKEN-13 revoke with action=revoke", Spec: "§7.7", Result: "invalid", Flags: []string{"RevokedToken"},
					Expect: "the legacy form on /auth/token: 200 empty; the token is gone",
					Run: func(s *Session) {
						access := s.Refresh(BobRT.Secret(), ClientID)
						s.Body(s.PostForm("/auth/token", "action", "revoke", "token", BobRT.Secret()), 200, "")
						s.APIRefused(access)
						s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", BobRT.Secret(), "client_id", ClientID)
					}},
				{Name: "TOKEN-19 revoke an unknown token", Spec: "§7.8", Result: "valid", Flags: []string{"Normal"},
					Expect: "200 with an empty body, and nothing else is revoked",
					Run: func(s *Session) {
						s.Body(s.PostForm("/auth/revoke", "token", "unknown"), 200, "")
						s.Refresh(AliceRT.Secret(), ClientID)
					}},
				{Name: "TOKEN-19 revoke without a token", Spec: "§7.8", Result: "valid", Flags: []string{"Normal"},
					Expect: "200 with an empty body",
					Run: func(s *Session) {
						s.Body(s.PostForm("/auth/revoke"), 200, "")
					}},
				{Name: "revoke with an access token", Spec: "§7.8", Result: "valid", Flags: []string{"Normal"},
					Expect: "only refresh tokens are revoked: 200, and the refresh token still works",
					Run: func(s *Session) {
						s.Body(s.PostForm("/auth/revoke", "token", s.AccessNow(AliceRT)), 200, "")
						s.Refresh(AliceRT.Secret(), ClientID)
					}},
				{Name: "a revoked exchanged token", Spec: "§7.8", Result: "invalid", Flags: []string{"RevokedToken"},
					Expect: "tokens from a code exchange are revoked the same way",
					Run: func(s *Session) {
						access, refresh := s.Exchange(s.Login(Bob), "homeassistant")
						s.Body(s.PostForm("/auth/revoke", "token", refresh), 200, "")
						s.APIRefused(access)
					}},
				{Name: "PKCE exchange with the RFC 7636 verifier", Spec: "§12", Result: "valid", Flags: []string{"Normal", "PkceVerifier"},
					Expect: "the challenge of RFC 7636 appendix B with its verifier: 200 tokens",
					Run: func(s *Session) {
						r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", s.pkceCode(), "code_verifier", PKCEVerifier)
						s.Status(r, 200)
						s.APIOK(s.Str(r.Body, "access_token"))
					}},
				{Name: "PKCE exchange without the verifier", Spec: "§12", Result: "invalid", Flags: []string{"PkceVerifier", "FailedLogin"},
					Expect: "400 invalid_request",
					Run: func(s *Session) {
						r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", s.pkceCode())
						s.oauthError(r, 400, "invalid_request")
						s.FailedLogin(r.Effects, 1)
					}},
				{Name: "PKCE exchange with a wrong verifier", Spec: "§12", Result: "invalid", Flags: []string{"PkceVerifier"},
					Expect: "400 invalid_grant",
					Run: func(s *Session) {
						r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", s.pkceCode(), "code_verifier", "x"+PKCEVerifier[1:])
						s.oauthError(r, 400, "invalid_grant")
					}},
				{Name: "PKCE exchange with a verifier that is too short", Spec: "§12", Result: "invalid", Flags: []string{"PkceVerifier"},
					Expect: "400 invalid_grant for a 42-character verifier",
					Run: func(s *Session) {
						r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", s.pkceCode(), "code_verifier", PKCEVerifier[:42])
						s.oauthError(r, 400, "invalid_grant")
					}},
				{Name: "PKCE verifier for a code without a challenge", Spec: "§12", Result: "invalid", Flags: []string{"PkceDowngrade"},
					Expect: "a verifier sent for a flow started without a challenge is refused: 400 invalid_request",
					Run: func(s *Session) {
						r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", s.Login(Alice), "code_verifier", PKCEVerifier)
						s.oauthError(r, 400, "invalid_request")
					}},
				{Name: "PKCE failure burns the code", Spec: "§7.6", Result: "invalid", Flags: []string{"CodeReplay", "PkceVerifier"},
					Expect: "the code is popped before the verifier is checked: retrying with the right verifier gets Invalid code",
					Run: func(s *Session) {
						code := s.pkceCode()
						s.oauthError(s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", code, "code_verifier", "x"+PKCEVerifier[1:]), 400, "invalid_grant")
						s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", ClientID, "code", code, "code_verifier", PKCEVerifier)
					}},
				{Name: "create_auth_code for onboarding", Spec: "§7.6", Result: "valid", Flags: []string{"Normal"},
					Expect: "a code made by the embedder for Alice's credential is exchanged like a login's",
					Run: func(s *Session) {
						var code string
						if err := json.Unmarshal(s.CallOK("create_auth_code", `{"client_id":"`+ClientID+`","credential_id":"`+Alice.CredID+`"}`), &code); err != nil {
							s.r.Fatalf("create_auth_code: %v", err)
						}
						s.Exchange(code, "homeassistant")
					}},
			},
		}},
	}
}
