package scenario

import (
	"strings"

	"github.com/hassauth/hassauth/core"
)

// RFC 7636 appendix B: a verifier and its S256 challenge.
const (
	PKCEVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	PKCEChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

// badFlowCreate posts a creation body that must be refused with status
// and exact message.
func badFlowCreate(body string, status int, message string) func(s *Session) {
	return func(s *Session) {
		r := s.PostJSON("/auth/login_flow", body)
		s.JSON(r, status, `{"message":`+Q(message)+`}`)
		// The view carries log_invalid_auth inside its body validator: an
		// error answer counts as a failed login once the body parsed and
		// passed the schema, and neither failure does.
		want := 1
		if message == "Invalid JSON." || strings.HasPrefix(message, "Message format incorrect: ") {
			want = 0
		}
		s.FailedLogin(r.Effects, want)
	}
}

// badFlowCreatePrefix is badFlowCreate for voluptuous texts whose detail
// the specification leaves open.
func badFlowCreatePrefix(body, prefix string) func(s *Session) {
	return func(s *Session) {
		r := s.PostJSON("/auth/login_flow", body)
		s.Status(r, 400)
		msg := s.Str(r.Body, "message")
		s.True(strings.HasPrefix(msg, prefix), "message starts with "+prefix)
	}
}

func withChallenge(extra string) string {
	return `{"client_id":"` + ClientID + `","handler":["homeassistant",null],"redirect_uri":"` + RedirectURI + `"` + extra + `}`
}

// answerPage answers a client_id fetch with an HTML page.
func answerPage(s *Session, body string) {
	s.OnFetch = func(f core.Fetch) core.FetchResult {
		s.Equal(f.MaxBytes, 10240, "fetch byte cap (MAX_FETCH_BYTES)")
		s.Equal(f.TimeoutMillis, 5000, "fetch timeout")
		s.True(f.FollowRedirects, "redirects are followed")
		return core.FetchResult{Status: 200, Body: []byte(body)}
	}
}

// LoginFlowSuite covers POST /auth/login_flow, the flow's steps, DELETE and
// GET, the redirect-URI check at the end of the flow and PKCE at the start.
func LoginFlowSuite() *Suite {
	example := baseConfig()
	name := "Test Name"
	second := "2nd auth"
	example.Providers = []core.ProviderConfig{
		{Type: "homeassistant"},
		{Type: "insecure_example", Users: []core.ExampleUser{{Username: "test-user", Password: "test-pass", Name: &name}}},
		{Type: "insecure_example", ID: &second, Users: []core.ExampleUser{{Username: "2nd-user", Password: "2nd-pass"}}},
	}
	return &Suite{
		Name:   "login_flow",
		Header: []string{"POST /auth/login_flow, POST|GET|DELETE /auth/login_flow/{flow_id}, the redirect-URI check and PKCE registration."},
		Groups: []Group{
			{
				Comment: "Default configuration with the fixture's users.",
				Config:  baseConfig(), Seed: "login flow main", Fixture: MainFixture,
				Cases: []Case{
					{Name: "LF-18 start a homeassistant flow", Spec: "§7.3", Result: "valid", Flags: []string{"Normal", "HAString"},
						Expect: "200 form, step init, username and password required, errors {}",
						Run:    func(s *Session) { s.StartFlow() }},
					{Name: "start with an unparsable body", Spec: "§7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: `400 {"message":"Invalid JSON."}`,
						Run:    badFlowCreate(`{"client_id":`, 400, "Invalid JSON.")},
					{Name: "start without client_id", Spec: "§7.3", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: "400 Message format incorrect: required key not provided @ data['client_id'], not a failed login",
						Run: badFlowCreate(`{"handler":["homeassistant",null],"redirect_uri":"`+RedirectURI+`"}`, 400,
							"Message format incorrect: required key not provided @ data['client_id']")},
					{Name: "start with an extra key", Spec: "§7.3", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: "400 Message format incorrect: extra keys not allowed @ data['x']",
						Run:    badFlowCreate(withChallenge(`,"x":1`), 400, "Message format incorrect: extra keys not allowed @ data['x']")},
					{Name: "start with a one-item handler", Spec: "§7.3", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "400 Message format incorrect: … for a handler that is not a two-item list",
						Run:    badFlowCreatePrefix(`{"client_id":"`+ClientID+`","handler":["homeassistant"],"redirect_uri":"`+RedirectURI+`"}`, "Message format incorrect: ")},
					{Name: "start without redirect_uri", Spec: "§7.3", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: "400 Message format incorrect: required key not provided @ data['redirect_uri']",
						Run: badFlowCreate(`{"client_id":"`+ClientID+`","handler":["homeassistant",null]}`, 400,
							"Message format incorrect: required key not provided @ data['redirect_uri']")},
					{Name: "LF-16 start with a public IP literal client_id", Spec: "§8.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid client id"}: an IP literal client must be local`,
						Run:    badFlowCreate(FlowBody("https://8.8.8.8/app", "https://8.8.8.8/app/cb"), 400, "Invalid client id")},
					{Name: "start with a client_id that has a fragment", Spec: "§8.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid client id"}`,
						Run:    badFlowCreate(FlowBody("https://example.com/app#frag", RedirectURI), 400, "Invalid client id")},
					{Name: "start with a non-http client_id", Spec: "§8.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid client id"} for an ftp URL`,
						Run:    badFlowCreate(FlowBody("ftp://example.com/app", RedirectURI), 400, "Invalid client id")},
					{Name: "start with a client_id holding credentials", Spec: "§8.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid client id"} for user:pass@host`,
						Run:    badFlowCreate(FlowBody("https://user:pass@example.com/app", RedirectURI), 400, "Invalid client id")},
					{Name: "start with a dot-segment client_id", Spec: "§8.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid client id"} for a path with ..`,
						Run:    badFlowCreate(FlowBody("https://example.com/../app", RedirectURI), 400, "Invalid client id")},
					{Name: "LF-16 start with an unknown provider", Spec: "§7.3", Result: "invalid", Flags: []string{"HAString"},
						Expect: `404 {"message":"Invalid handler specified"}`,
						Run: badFlowCreate(`{"client_id":"`+ClientID+`","handler":["nope",null],"redirect_uri":"`+RedirectURI+`"}`, 404,
							"Invalid handler specified")},
					{Name: "start with the homeassistant provider under an id", Spec: "§4.3", Result: "invalid", Flags: []string{"HAString"},
						Expect: `404 {"message":"Invalid handler specified"}: providers are looked up by the exact (type, id)`,
						Run: badFlowCreate(`{"client_id":"`+ClientID+`","handler":["homeassistant","x"],"redirect_uri":"`+RedirectURI+`"}`, 404,
							"Invalid handler specified")},
					{Name: "start a link_user flow", Spec: "§7.3", Result: "valid", Flags: []string{"Normal"},
						Expect: "type link_user is accepted and shows the same init form",
						Run: func(s *Session) {
							s.StartFlowWith(withChallenge(`,"type":"link_user"`))
						}},
					{Name: "PKCE start with an S256 challenge", Spec: "§12", Result: "valid", Flags: []string{"Normal"},
						Expect: "code_challenge with code_challenge_method S256 is accepted",
						Run: func(s *Session) {
							s.StartFlowWith(withChallenge(`,"code_challenge":"` + PKCEChallenge + `","code_challenge_method":"S256"`))
						}},
					{Name: "PKCE challenge without a method", Spec: "§12", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "400 Message format incorrect: required key not provided @ data['code_challenge_method']",
						Run: badFlowCreate(withChallenge(`,"code_challenge":"`+PKCEChallenge+`"`), 400,
							"Message format incorrect: required key not provided @ data['code_challenge_method']")},
					{Name: "PKCE method without a challenge", Spec: "§12", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "400 Message format incorrect: required key not provided @ data['code_challenge']",
						Run: badFlowCreate(withChallenge(`,"code_challenge_method":"S256"`), 400,
							"Message format incorrect: required key not provided @ data['code_challenge']")},
					{Name: "PKCE plain method refused", Spec: "§12", Result: "invalid", Flags: []string{"InvalidInput", "PkceDowngrade"},
						Expect: "400 Message format incorrect: … for code_challenge_method plain",
						Run:    badFlowCreatePrefix(withChallenge(`,"code_challenge":"`+PKCEChallenge+`","code_challenge_method":"plain"`), "Message format incorrect: ")},
					{Name: "PKCE challenge of the wrong length", Spec: "§12", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "400 Message format incorrect: … for a 42-character challenge",
						Run:    badFlowCreatePrefix(withChallenge(`,"code_challenge":"`+PKCEChallenge[:42]+`","code_challenge_method":"S256"`), "Message format incorrect: ")},
					{Name: "PKCE challenge with a character outside base64url", Spec: "§12", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "400 Message format incorrect: … for a challenge containing '+'",
						Run:    badFlowCreatePrefix(withChallenge(`,"code_challenge":"+`+PKCEChallenge[1:]+`","code_challenge_method":"S256"`), "Message format incorrect: ")},
					{Name: "LF-10 log in with the right password", Spec: "§7.5", Result: "valid", Flags: []string{"Normal", "HAString"},
						Expect: "a bcrypt check is requested and, once it matches, 200 create_entry with a 32-hex code",
						Run: func(s *Session) {
							id := s.StartFlow()
							r := s.LoginStep(id, "alice", Alice.Password)
							ws := Works(r.Effects)
							s.Equal(len(ws), 1, "one password check")
							s.Equal(ws[0].Kind, core.WorkCheckPassword, "work kind")
							s.Equal(ws[0].Password, Alice.Password, "the password checked")
							s.EntryCode(r, id, haHandler)
						}},
					{Name: "log in with a username to normalize", Spec: "§5.3", Result: "valid", Flags: []string{"Normal", "Normalization"},
						Expect: "' Alice ' is stripped and casefolded to alice and logs in",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.EntryCode(s.LoginStep(id, " Alice ", Alice.Password), id, haHandler)
						}},
					{Name: "LF-06 wrong password", Spec: "§5.3", Result: "invalid", Flags: []string{"HAString", "FailedLogin"},
						Expect: `200 form with errors {"base":"invalid_auth"}, counted as one failed login`,
						Run: func(s *Session) {
							id := s.StartFlow()
							r := s.LoginStep(id, "alice", "wrong")
							s.JSON(r, 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "LF-06 unknown user", Spec: "§5.3", Result: "invalid", Flags: []string{"TimingParity", "FailedLogin"},
						Expect: "a bcrypt check still runs (against the dummy hash) and the answer is invalid_auth",
						Run: func(s *Session) {
							id := s.StartFlow()
							r := s.LoginStep(id, "mallory", "whatever")
							s.Equal(len(Works(r.Effects)), 1, "one password check, as for a known user")
							s.JSON(r, 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "LF-08 the flow stays usable after a wrong password", Spec: "§5.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "wrong password twice, then the right one on the same flow gives create_entry",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "bob", "nope"), 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
							s.JSON(s.LoginStep(id, "bob", "nope again"), 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
							s.EntryCode(s.LoginStep(id, "bob", Bob.Password), id, haHandler)
						}},
					{Name: "inactive user logs in", Spec: "§7.5", Result: "invalid", Flags: []string{"InactiveUser", "HAString"},
						Expect: `403 {"message":"Login blocked: User is not active"}`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "dave", Dave.Password), 403, `{"message":"Login blocked: User is not active"}`)
						}},
					{Name: "LF-11 local-only user from a public address", Spec: "§7.5", Result: "invalid", Flags: []string{"LocalOnly", "HAString"},
						Expect: `403 {"message":"Login blocked: User cannot authenticate remotely"}`,
						Run: func(s *Session) {
							s.Remote = PublicIP + ":40000"
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "carol", Carol.Password), 403, `{"message":"Login blocked: User cannot authenticate remotely"}`)
						}},
					{Name: "local-only user from a private address", Spec: "§9.3", Result: "valid", Flags: []string{"LocalOnly"},
						Expect: "create_entry: a local address is allowed",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.EntryCode(s.LoginStep(id, "carol", Carol.Password), id, haHandler)
						}},
					{Name: "LF-09 redirect_uri not published by the client", Spec: "§8.2", Result: "invalid", Flags: []string{"RedirectUriMismatch", "HAString", "FailedLogin"},
						Expect: `the flow starts (redirect_uri is not checked yet); at the end the client page is fetched, lists nothing, and the answer is 403 {"message":"Invalid redirect URI"}, a failed login`,
						Run: func(s *Session) {
							id := s.StartFlowWith(FlowBody(ClientID, "https://some-other-domain.com"))
							answerPage(s, "<html><head></head></html>")
							r := s.LoginStep(id, "alice", Alice.Password)
							s.JSON(r, 403, `{"message":"Invalid redirect URI"}`)
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "redirect_uri published with a link tag", Spec: "§8.3", Result: "valid", Flags: []string{"Normal"},
						Expect: `a <link rel="redirect_uri"> on the client page allows the other host: create_entry`,
						Run: func(s *Session) {
							id := s.StartFlowWith(FlowBody(ClientID, "https://some-other-domain.com/cb"))
							answerPage(s, `<html><head><link rel="redirect_uri" href="https://some-other-domain.com/cb"></head></html>`)
							s.EntryCode(s.LoginStep(id, "alice", Alice.Password), id, haHandler)
						}},
					{Name: "redirect_uri published for another path only", Spec: "§8.3", Result: "invalid", Flags: []string{"RedirectUriMismatch"},
						Expect: "discovered URIs must equal the redirect_uri exactly: 403",
						Run: func(s *Session) {
							id := s.StartFlowWith(FlowBody(ClientID, "https://some-other-domain.com/cb"))
							answerPage(s, `<link rel="redirect_uri" href="https://some-other-domain.com/other">`)
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 403, `{"message":"Invalid redirect URI"}`)
						}},
					{Name: "client page cannot be fetched", Spec: "§8.3", Result: "invalid", Flags: []string{"RedirectUriMismatch"},
						Expect: "a failed fetch publishes nothing: 403 Invalid redirect URI",
						Run: func(s *Session) {
							id := s.StartFlowWith(FlowBody(ClientID, "https://some-other-domain.com/cb"))
							s.OnFetch = func(core.Fetch) core.FetchResult { return core.FetchResult{Error: "connection refused"} }
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 403, `{"message":"Invalid redirect URI"}`)
						}},
					{Name: "iOS app redirect", Spec: "§8.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "the built-in iOS pair needs no fetch: create_entry",
						Run: func(s *Session) {
							body := FlowBody("https://home-assistant.io/iOS", "homeassistant://auth-callback")
							id := s.StartFlowWith(body)
							r := s.PostJSON("/auth/login_flow/"+id, StepBody("https://home-assistant.io/iOS", "alice", Alice.Password))
							s.EntryCode(r, id, haHandler)
						}},
					{Name: "Android Wear redirect", Spec: "§8.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "the built-in Android wear redirect needs no fetch: create_entry",
						Run: func(s *Session) {
							id := s.StartFlowWith(FlowBody("https://home-assistant.io/android", "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android"))
							r := s.PostJSON("/auth/login_flow/"+id, StepBody("https://home-assistant.io/android", "alice", Alice.Password))
							s.EntryCode(r, id, haHandler)
						}},
					{Name: "Android wear redirect claimed by the iOS client", Spec: "§8.2", Result: "invalid", Flags: []string{"RedirectUriMismatch"},
						Expect: "the allowlist is per client: the iOS client with the Android wear URI needs a fetch, which publishes nothing: 403",
						Run: func(s *Session) {
							id := s.StartFlowWith(FlowBody("https://home-assistant.io/iOS", "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android"))
							answerPage(s, "")
							r := s.PostJSON("/auth/login_flow/"+id, StepBody("https://home-assistant.io/iOS", "alice", Alice.Password))
							s.JSON(r, 403, `{"message":"Invalid redirect URI"}`)
						}},
					{Name: "client_id switched at the last step", Spec: "§7.4", Result: "invalid", Flags: []string{"ClientIdMismatch", "RedirectUriMismatch"},
						Expect: "the step's client_id is not compared with the flow's, but the redirect_uri is checked against it: the other client does not publish it, 403",
						Run: func(s *Session) {
							id := s.StartFlow()
							answerPage(s, "")
							r := s.PostJSON("/auth/login_flow/"+id, StepBody("https://other.example.net/app", "alice", Alice.Password))
							s.JSON(r, 403, `{"message":"Invalid redirect URI"}`)
						}},
					{Name: "LF-17 step with an invalid client_id", Spec: "§7.4", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid client id"}`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.PostJSON("/auth/login_flow/"+id, StepBody("https://8.8.8.8/", "alice", Alice.Password)), 400, `{"message":"Invalid client id"}`)
						}},
					{Name: "step without client_id", Spec: "§7.4", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: "400 Message format incorrect: required key not provided @ data['client_id']",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.PostJSON("/auth/login_flow/"+id, `{"username":"alice","password":"x"}`), 400,
								`{"message":"Message format incorrect: required key not provided @ data['client_id']"}`)
						}},
					{Name: "step with an unparsable body", Spec: "§7", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: `400 {"message":"Invalid JSON."}`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.PostJSON("/auth/login_flow/"+id, `not json`), 400, `{"message":"Invalid JSON."}`)
						}},
					{Name: "LF-17 step on an unknown flow", Spec: "§7.4", Result: "invalid", Flags: []string{"HAString"},
						Expect: `404 {"message":"Invalid flow specified"}`,
						Run: func(s *Session) {
							s.JSON(s.LoginStep("01K0000000000000000000000Z", "alice", Alice.Password), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "LF-12 step from another address", Spec: "§7.4", Result: "invalid", Flags: []string{"FlowHijack", "HAString"},
						Expect: `400 {"message":"IP address changed"}`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.PostJSONFrom("10.2.3.1:5000", "/auth/login_flow/"+id, StepBody(ClientID, "alice", Alice.Password)), 400,
								`{"message":"IP address changed"}`)
						}},
					{Name: "LF-17 step input that fails the form", Spec: "§7.4", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: `400 {"message":"User input malformed"} when the password is missing`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.PostJSON("/auth/login_flow/"+id, `{"client_id":"`+ClientID+`","username":"alice"}`), 400, `{"message":"User input malformed"}`)
						}},
					{Name: "step input with a number for the password", Spec: "§7.4", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: `400 {"message":"User input malformed"}`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.PostJSON("/auth/login_flow/"+id, `{"client_id":"`+ClientID+`","username":"alice","password":1234}`), 400, `{"message":"User input malformed"}`)
						}},
					{Name: "LF-17 GET a flow", Spec: "§7.4", Result: "invalid", Flags: []string{"HAString"},
						Expect: `404 {"message":"Invalid flow specified"} even for a live flow: reading a flow is not allowed`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.Get("/auth/login_flow/"+id), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "LF-17 DELETE a flow", Spec: "§7.4", Result: "valid", Flags: []string{"Normal", "HAString"},
						Expect: `200 {"message":"Flow aborted"}; the flow is gone afterwards (404 on a step)`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.Do(Req{Method: "DELETE", Path: "/auth/login_flow/" + id}), 200, `{"message":"Flow aborted"}`)
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "LF-17 DELETE an unknown flow", Spec: "§7.4", Result: "invalid", Flags: []string{"HAString"},
						Expect: `404 {"message":"Invalid flow specified"}`,
						Run: func(s *Session) {
							s.JSON(s.Do(Req{Method: "DELETE", Path: "/auth/login_flow/nope"}), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "a finished flow cannot be stepped again", Spec: "§7.5", Result: "invalid", Flags: []string{"CodeReplay"},
						Expect: "after create_entry the flow is gone: a second step gets 404 and no second code",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.EntryCode(s.LoginStep(id, "alice", Alice.Password), id, haHandler)
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "LF-21 a second step while the password is checked", Spec: "§7.4", Result: "acceptable", Flags: []string{"HassauthBound"},
						Expect: `409 {"message":"Flow request already in progress"} for the second request; the first then completes with create_entry`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.HoldWork = true
							first, _ := s.DoPending(Req{Method: "POST", Path: "/auth/login_flow/" + id, Header: []core.Header{H("content-type", "text/plain;charset=UTF-8")},
								Body: StepBody(ClientID, "alice", Alice.Password)})
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 409, `{"message":"Flow request already in progress"}`)
							s.HoldWork = false
							s.EntryCode(s.ReplyTo(first, s.ReleaseWork()), id, haHandler)
						}},
					{Name: "a flow left for an hour", Spec: "§7.4", Result: "acceptable", Flags: []string{"HassauthBound"},
						Expect: "flows expire after an hour in hassauth (Home Assistant keeps them): 404 Invalid flow specified",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.Advance(Hour)
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "a flow continued after 59 minutes", Spec: "§7.4", Result: "valid", Flags: []string{"Normal"},
						Expect: "still usable: create_entry",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.Advance(59 * Minute)
							s.EntryCode(s.LoginStep(id, "alice", Alice.Password), id, haHandler)
						}},
				},
			},
			{
				Comment: "Three providers: homeassistant, insecure_example, insecure_example with id \"2nd auth\" (Home Assistant's test setup).",
				Config:  example, Seed: "login flow example", Fixture: MainFixture,
				Cases: []Case{
					{Name: "AM-01 providers in configuration order", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "three providers, in order, with their names, ids and types",
						Run: func(s *Session) {
							s.JSON(s.Get("/auth/providers"), 200, `{"providers":[{"name":"Home Assistant Local","id":null,"type":"homeassistant"},`+
								`{"name":"Unnamed auth provider","id":null,"type":"insecure_example"},{"name":"Unnamed auth provider","id":"2nd auth","type":"insecure_example"}],"preselect_remember_me":true}`)
						}},
					{Name: "insecure_example first display", Spec: "§5.6", Result: "valid", Flags: []string{"Normal"},
						Expect: "errors is null on the first display of the insecure_example form",
						Run: func(s *Session) {
							r := s.PostJSON("/auth/login_flow", `{"client_id":"`+ClientID+`","handler":["insecure_example",null],"redirect_uri":"`+RedirectURI+`"}`)
							s.JSON(r, 200, LoginForm(s.Str(r.Body, "flow_id"), `["insecure_example",null]`, `null`))
						}},
					{Name: "TOKEN-01 insecure_example login and code exchange", Spec: "§7.7", Result: "valid", Flags: []string{"Normal"},
						Expect: "create_entry, then tokens with ha_auth_provider insecure_example for a new user",
						Run: func(s *Session) {
							r := s.PostJSON("/auth/login_flow", `{"client_id":"`+ClientID+`","handler":["insecure_example",null],"redirect_uri":"`+RedirectURI+`"}`)
							id := s.Str(r.Body, "flow_id")
							code := s.EntryCode(s.LoginStep(id, "test-user", "test-pass"), id, `["insecure_example",null]`)
							access, _ := s.Exchange(code, "insecure_example")
							s.APIOK(access)
						}},
					{Name: "insecure_example wrong password", Spec: "§5.6", Result: "invalid", Flags: []string{"FailedLogin"},
						Expect: `form with errors {"base":"invalid_auth"}`,
						Run: func(s *Session) {
							r := s.PostJSON("/auth/login_flow", `{"client_id":"`+ClientID+`","handler":["insecure_example","2nd auth"],"redirect_uri":"`+RedirectURI+`"}`)
							id := s.Str(r.Body, "flow_id")
							r = s.LoginStep(id, "2nd-user", "test-pass")
							s.JSON(r, 200, LoginForm(id, `["insecure_example","2nd auth"]`, `{"base":"invalid_auth"}`))
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "insecure_example with id logs in", Spec: "§4.3", Result: "valid", Flags: []string{"Normal"},
						Expect: "the provider (insecure_example, 2nd auth) logs its own user in",
						Run: func(s *Session) {
							r := s.PostJSON("/auth/login_flow", `{"client_id":"`+ClientID+`","handler":["insecure_example","2nd auth"],"redirect_uri":"`+RedirectURI+`"}`)
							id := s.Str(r.Body, "flow_id")
							s.EntryCode(s.LoginStep(id, "2nd-user", "2nd-pass"), id, `["insecure_example","2nd auth"]`)
						}},
					{Name: "user of one example provider at the other", Spec: "§4.3", Result: "invalid", Flags: []string{"FailedLogin"},
						Expect: "providers keep their own users: test-user cannot log in at 2nd auth",
						Run: func(s *Session) {
							r := s.PostJSON("/auth/login_flow", `{"client_id":"`+ClientID+`","handler":["insecure_example","2nd auth"],"redirect_uri":"`+RedirectURI+`"}`)
							id := s.Str(r.Body, "flow_id")
							s.JSON(s.LoginStep(id, "test-user", "test-pass"), 200, LoginForm(id, `["insecure_example","2nd auth"]`, `{"base":"invalid_auth"}`))
						}},
				},
			},
		},
	}
}
