package scenario

import (
	"net/url"
	"strings"

	"github.com/hassauth/hassauth/core"
)

func onboardingSteps(user, others bool) string {
	b := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	return `[{"step":"user","done":` + b(user) + `},{"step":"core_config","done":` + b(others) + `},{"step":"analytics","done":` + b(others) + `},{"step":"integration","done":` + b(others) + `}]`
}

func ownerBody(clientID string) string {
	return `{"name":"Alice","username":"alice","password":"alice-pass-1","client_id":` + Q(clientID) + `,"language":"en"}`
}

// onboard posts the user step and returns the auth code, asserting the
// answer {"auth_code": <32 hex digits>}.
func (s *Session) onboard() (string, Resp) {
	s.r.Helper()
	r := s.PostJSON("/api/onboarding/users", ownerBody(ClientID))
	s.Status(r, 200)
	code := s.Str(r.Body, "auth_code")
	s.True(IsHex(code, 32), "the code is 32 hex digits")
	s.JSONEq(r.Body, `{"auth_code":`+Q(code)+`}`)
	return code, r
}

// OnboardingSuite covers Home Assistant's onboarding user step, which
// creates the owner and hands back an authorization code (§2.7, §7.6).
func OnboardingSuite() *Suite {
	return &Suite{
		Name:   "onboarding",
		Header: []string{"GET /api/onboarding and POST /api/onboarding/users: the owner is created once, with a homeassistant login, and receives an authorization code for the client (create_auth_code)."},
		Groups: []Group{
			{
				Comment: "An empty configuration directory.",
				Config:  baseConfig(), Seed: "onboarding empty", Fixture: EmptyFixture,
				Cases: []Case{
					{Name: "onboarding status before the user step", Spec: "§2.7", Result: "valid", Flags: []string{"Onboarding", "Normal"},
						Expect: `200 [{"step":"user","done":false},{"step":"core_config","done":false},{"step":"analytics","done":false},{"step":"integration","done":false}]; the embedder's onboarding call answers the same`,
						Run: func(s *Session) {
							s.JSON(s.Get("/api/onboarding"), 200, onboardingSteps(false, false))
							s.JSONEq(s.CallOK("onboarding", ""), onboardingSteps(false, false))
						}},
					{Name: "the user step creates the owner", Spec: "§2.7", Result: "valid", Flags: []string{"Onboarding", "Normal", "Journal", "Persistence"},
						Expect: "a hash_password work, the provider store written, the new user journaled before the reply, then 200 {\"auth_code\"}; the code exchanges at /auth/token for an owner and administrator named Alice, and /auth/providers now answers",
						Run: func(s *Session) {
							s.Body(s.Get("/auth/providers"), 400, `{"message":"Onboarding not finished","code":"onboarding_required"}`)
							code, r := s.onboard()
							w := Works(r.Effects)
							s.True(len(w) == 1 && w[0].Kind == core.WorkHashPassword && w[0].Password == "alice-pass-1", "one hash")
							s.Equal(len(Writes(r.Effects, core.PathProvider)), 1, "provider store written")
							j := s.JournaledBefore(r.Effects)
							s.Equal(len(j.Data.Users), 1, "the owner journaled")
							access, _ := s.Exchange(code, "homeassistant")
							v := s.Object(s.CallOK("validate_access_token", `{"token":`+Q(access)+`}`))
							s.True(v["is_owner"] == true && v["is_admin"] == true && v["name"] == "Alice", "owner and administrator")
							s.JSON(s.Get("/auth/providers"), 200, providersLocal)
						}},
					{Name: "the owner logs in afterwards", Spec: "§5.3", Result: "valid", Flags: []string{"Onboarding", "Normal"},
						Expect: "the username and password of the user step log in through the login flow",
						Run: func(s *Session) {
							s.onboard()
							s.Exchange(s.loginAs("alice", "alice-pass-1"), "homeassistant")
						}},
					{Name: "the user step only once", Spec: "§2.7", Result: "invalid", Flags: []string{"Onboarding", "HAString"},
						Expect: `a second POST gets 403 {"message":"User step already done"} and no work`,
						Run: func(s *Session) {
							s.onboard()
							r := s.PostJSON("/api/onboarding/users", strings.Replace(ownerBody(ClientID), `"alice"`, `"mallory"`, 1))
							s.JSON(r, 403, `{"message":"User step already done"}`)
							s.Equal(len(Works(r.Effects)), 0, "no work")
						}},
					{Name: "the code is bound to its client_id", Spec: "§7.6", Result: "invalid", Flags: []string{"Onboarding", "ClientIdMismatch"},
						Expect: "the onboarding code exchanged with another client_id: 400 Invalid code",
						Run: func(s *Session) {
							code, _ := s.onboard()
							s.tokenError(400, errBadCode, "grant_type", "authorization_code", "client_id", "http://other.example/", "code", code)
						}},
					{Name: "onboarding status after the user step", Spec: "§2.7", Result: "acceptable", Flags: []string{"Onboarding", "HassauthChoice"},
						Expect: "the user step is done; the steps hassauth has no part of (core_config, analytics, integration) are reported with it, where Home Assistant would still list them as not done",
						Run: func(s *Session) {
							s.onboard()
							s.JSON(s.Get("/api/onboarding"), 200, onboardingSteps(true, true))
						}},
					{Name: "user step without language", Spec: "§7", Result: "invalid", Flags: []string{"Onboarding", "InvalidInput", "HAString"},
						Expect: `400 {"message":"Message format incorrect: required key not provided @ data['language']"}; nothing created`,
						Run: func(s *Session) {
							s.JSON(s.PostJSON("/api/onboarding/users", `{"name":"A","username":"a","password":"p","client_id":"`+ClientID+`"}`), 400,
								`{"message":"Message format incorrect: required key not provided @ data['language']"}`)
							s.JSON(s.Get("/api/onboarding"), 200, onboardingSteps(false, false))
						}},
					{Name: "user step body that is not JSON", Spec: "§7", Result: "invalid", Flags: []string{"Onboarding", "InvalidInput", "HAString"},
						Expect: `400 {"message":"Invalid JSON."}`,
						Run: func(s *Session) {
							s.JSON(s.PostJSON("/api/onboarding/users", `{"name":`), 400, `{"message":"Invalid JSON."}`)
						}},
					{Name: "user step with a username that is not normalized", Spec: "§5.3", Result: "acceptable", Flags: []string{"Onboarding", "Normalization", "HassauthChoice"},
						Expect: "Home Assistant creates the user, then add_auth fails (500, a user without a login); hassauth refuses first with 400 and creates nothing",
						Run: func(s *Session) {
							s.Status(s.PostJSON("/api/onboarding/users", strings.Replace(ownerBody(ClientID), `"alice"`, `"Alice"`, 1)), 400)
							s.JSON(s.Get("/api/onboarding"), 200, onboardingSteps(false, false))
						}},
				},
			},
			{
				Comment: "Users exist already.",
				Config:  baseConfig(), Seed: "onboarding done", Fixture: MainFixture,
				Cases: []Case{
					{Name: "the user step after onboarding", Spec: "§2.7", Result: "invalid", Flags: []string{"Onboarding", "HAString"},
						Expect: `403 {"message":"User step already done"}`,
						Run: func(s *Session) {
							s.JSON(s.PostJSON("/api/onboarding/users", strings.Replace(ownerBody(ClientID), `"alice"`, `"mallory"`, 1)), 403, `{"message":"User step already done"}`)
						}},
				},
			},
		},
	}
}

// externalState asks for a signed state and returns it, asserting its
// claims: exactly {"flow_id","redirect_uri"} under an HS256 header.
func (s *Session) externalState(flowID, redirect string) string {
	s.r.Helper()
	v := s.CallOK("create_external_state", `{"flow_id":`+Q(flowID)+`,"redirect_uri":`+Q(redirect)+`}`)
	state := s.Str(v, "state")
	s.JSONEq(v, `{"state":`+Q(state)+`}`)
	s.Equal(s.JWTPart(state, 0), StdHeader, "state header")
	s.Equal(s.JWTPart(state, 1), `{"flow_id":`+Q(flowID)+`,"redirect_uri":`+Q(redirect)+`}`, "state claims")
	return state
}

// callback requests /auth/external/callback with a query.
func (s *Session) callback(method, query string) Resp {
	s.r.Helper()
	return s.Do(Req{Method: method, Path: "/auth/external/callback?" + query})
}

// externalOf asserts one External effect before the reply and returns it.
func (s *Session) externalOf(r Resp) core.External {
	s.r.Helper()
	at, reply := -1, -1
	var x core.External
	n := 0
	for i, e := range r.Effects {
		if e.External != nil {
			at, x = i, *e.External
			n++
		}
		if e.Reply != nil {
			reply = i
		}
	}
	s.Equal(n, 1, "External effects")
	s.True(at < reply, "the flow is resumed before the browser is answered")
	return x
}

// noExternal asserts that nothing was resumed.
func (s *Session) noExternal(r Resp) {
	s.r.Helper()
	for _, e := range r.Effects {
		s.True(e.External == nil, "no External effect")
	}
}

const redirectMy = "https://my.home-assistant.io/redirect/oauth"

// ExternalSuite covers GET /auth/external/callback and the
// create_external_state call (§7.10).
func ExternalSuite() *Suite {
	closing := "<script>window.close()</script>"
	return &Suite{
		Name: "external",
		Header: []string{"GET /auth/external/callback (§7.10), the OAuth2 redirect target of integration flows: its three text answers, and the External effect",
			"that hands the embedder the provider's answer once the state (made by the create_external_state call) checks out."},
		Groups: []Group{{
			Comment: "Default configuration with the fixture's users.",
			Config:  baseConfig(), Seed: "external main", Fixture: MainFixture,
			Cases: []Case{
				{Name: "create_external_state", Spec: "§7.10", Result: "valid", Flags: []string{"ExternalState", "Normal"},
					Expect: `{"state": <JWS>} whose header is HS256 and whose claims are exactly {"flow_id","redirect_uri"}`,
					Run: func(s *Session) {
						s.externalState("flow-1", redirectMy)
					}},
				{Name: "callback with a code", Spec: "§7.10", Result: "valid", Flags: []string{"ExternalState", "Normal", "HAString"},
					Expect: "an External effect for flow-1 with the code and the state's claims, before the 200 text/html <script>window.close()</script>; not a failed login",
					Run: func(s *Session) {
						state := s.externalState("flow-1", redirectMy)
						r := s.callback("GET", "state="+state+"&code="+url.QueryEscape("abc/def+1"))
						s.Body(r, 200, closing)
						s.HeaderIs(r, "Content-Type", "text/html")
						x := s.externalOf(r)
						s.Equal(x.FlowID, "flow-1", "flow id")
						s.True(x.Code != nil && *x.Code == "abc/def+1" && x.Error == nil, "the code, decoded")
						s.JSONEq(x.State, `{"flow_id":"flow-1","redirect_uri":"`+redirectMy+`"}`)
						s.FailedLogin(r.Effects, 0)
					}},
				{Name: "callback with an error", Spec: "§7.10", Result: "valid", Flags: []string{"ExternalState", "HAString"},
					Expect: "error=access_denied: an External effect with the error and no code, then the closing page",
					Run: func(s *Session) {
						state := s.externalState("flow-2", redirectMy)
						r := s.callback("GET", "state="+state+"&error=access_denied")
						s.Body(r, 200, closing)
						x := s.externalOf(r)
						s.True(x.Error != nil && *x.Error == "access_denied" && x.Code == nil, "the error")
					}},
				{Name: "callback with a code and an error", Spec: "§7.10", Result: "valid", Flags: []string{"ExternalState"},
					Expect: "code is looked at first: the External effect carries the code only",
					Run: func(s *Session) {
						state := s.externalState("flow-3", redirectMy)
						x := s.externalOf(s.callback("GET", "error=access_denied&state="+state+"&code=c0de"))
						s.True(x.Code != nil && *x.Code == "c0de" && x.Error == nil, "the code")
					}},
				{Name: "callback without state", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState", "HAString"},
					Expect: `200 text "Missing state parameter", nothing resumed`,
					Run: func(s *Session) {
						r := s.callback("GET", "code=c0de")
						s.Body(r, 200, "Missing state parameter")
						s.HeaderIs(r, "Content-Type", "text/plain; charset=utf-8")
						s.noExternal(r)
					}},
				{Name: "callback with a state that does not decode", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState", "HAString"},
					Expect: `400 text "Invalid state. Is My Home Assistant configured to go to the right instance?", nothing resumed, not a failed login`,
					Run: func(s *Session) {
						s.externalState("flow-1", redirectMy)
						r := s.callback("GET", "state=garbage&code=c0de")
						s.Body(r, 400, "Invalid state. Is My Home Assistant configured to go to the right instance?")
						s.noExternal(r)
						s.FailedLogin(r.Effects, 0)
					}},
				{Name: "callback with a state signed by someone else", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState", "TamperedToken"},
					Expect: "a well-formed HS256 state under another key: 400 Invalid state, nothing resumed",
					Run: func(s *Session) {
						s.externalState("flow-1", redirectMy)
						forged := SignJWT("not the secret", StdHeader, `{"flow_id":"flow-1","redirect_uri":"`+redirectMy+`"}`)
						r := s.callback("GET", "state="+forged+"&code=c0de")
						s.Body(r, 400, "Invalid state. Is My Home Assistant configured to go to the right instance?")
						s.noExternal(r)
					}},
				{Name: "callback with an unsigned state", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState", "AlgNone"},
					Expect: "alg none: 400 Invalid state",
					Run: func(s *Session) {
						s.externalState("flow-1", redirectMy)
						forged := b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64.EncodeToString([]byte(`{"flow_id":"flow-1","redirect_uri":"`+redirectMy+`"}`)) + "."
						s.Body(s.callback("GET", "state="+forged+"&code=c0de"), 400, "Invalid state. Is My Home Assistant configured to go to the right instance?")
					}},
				{Name: "callback with neither code nor error", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState", "HAString"},
					Expect: `a valid state alone: 200 text "Missing code or error parameter", nothing resumed`,
					Run: func(s *Session) {
						state := s.externalState("flow-1", redirectMy)
						r := s.callback("GET", "state="+state)
						s.Body(r, 200, "Missing code or error parameter")
						s.noExternal(r)
					}},
				{Name: "a state does not expire", Spec: "§7.10", Result: "valid", Flags: []string{"ExternalState"},
					Expect: "the state carries no exp: a day later it still resumes its flow",
					Run: func(s *Session) {
						state := s.externalState("flow-1", redirectMy)
						s.Advance(Day)
						s.externalOf(s.callback("GET", "state="+state+"&code=c0de"))
					}},
				{Name: "HEAD on the callback", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState"},
					Expect: "the view takes GET only: a HEAD (a link preview) gets 405 and resumes nothing",
					Run: func(s *Session) {
						state := s.externalState("flow-1", redirectMy)
						r := s.callback("HEAD", "state="+state+"&code=c0de")
						s.Status(r, 405)
						s.noExternal(r)
					}},
				{Name: "callback before any state was made", Spec: "§7.10", Result: "acceptable", Flags: []string{"ExternalState", "HassauthChoice"},
					Expect: "no secret exists yet, so nothing can verify: 400 Invalid state (Home Assistant would decode with no key)",
					Run: func(s *Session) {
						forged := SignJWT("", StdHeader, `{"flow_id":"flow-1","redirect_uri":"`+redirectMy+`"}`)
						r := s.callback("GET", "state="+forged+"&code=c0de")
						s.Body(r, 400, "Invalid state. Is My Home Assistant configured to go to the right instance?")
						s.noExternal(r)
					}},
				{Name: "create_external_state without redirect_uri", Spec: "§7.10", Result: "invalid", Flags: []string{"ExternalState", "InvalidInput"},
					Expect: "invalid_args",
					Run:    callFails("create_external_state", `{"flow_id":"f"}`, "invalid_args", "")},
			},
		}},
	}
}
