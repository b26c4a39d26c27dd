package scenario

import (
	"github.com/hassauth/hassauth/core"
)

const secondHandler = `["insecure_example","2nd auth"]`

// secondCode runs a login flow of the "2nd auth" insecure_example provider
// (with "type": "link_user" when link is set) for 2nd-user and returns its
// code.
func (s *Session) secondCode(link bool) string {
	s.r.Helper()
	body := `{"client_id":` + Q(ClientID) + `,"handler":` + secondHandler + `,"redirect_uri":` + Q(RedirectURI)
	if link {
		body += `,"type":"link_user"`
	}
	r := s.PostJSON("/auth/login_flow", body+`}`)
	id := s.Str(r.Body, "flow_id")
	// insecure_example shows its form with errors None at first (§5.6).
	s.JSON(r, 200, LoginForm(id, secondHandler, `null`))
	return s.EntryCode(s.PostJSON("/auth/login_flow/"+id, StepBody(ClientID, "2nd-user", "2nd-pass")), id, secondHandler)
}

// linkUser posts to /auth/link_user with access as the Bearer token.
func (s *Session) linkUser(access, body string) Resp {
	s.r.Helper()
	return s.PostJSON("/auth/link_user", body, H("authorization", "Bearer "+access))
}

func linkBody(clientID, code string) string {
	return `{"client_id":` + Q(clientID) + `,"code":` + Q(code) + `}`
}

// credentialTypes lists a user's credential types from list_users.
func (s *Session) credentialTypes(userID string) []string {
	s.r.Helper()
	var out []string
	u := s.userByID(userID)
	if u == nil {
		s.r.Fatalf("no user %s", userID)
	}
	for _, c := range u["credentials"].([]any) {
		out = append(out, c.(map[string]any)["type"].(string))
	}
	return out
}

// LinkUserSuite covers POST /auth/link_user (spec §7.9, LINK-01..05).
func LinkUserSuite() *Suite {
	cfg := baseConfig()
	cfg.Providers = []core.ProviderConfig{
		{Type: "homeassistant"},
		{Type: "insecure_example", ID: strPtr("2nd auth"), Users: []core.ExampleUser{{Username: "2nd-user", Password: "2nd-pass", Name: strPtr("2nd Name")}}},
	}
	linked := `{"message":"User linked"}`
	return &Suite{
		Name:   "link_user",
		Header: []string{"POST /auth/link_user (§7.9): the signed-in user takes the credentials of another provider's login flow, identified by its code."},
		Groups: []Group{{
			Comment: "Providers homeassistant and insecure_example id \"2nd auth\" (2nd-user / 2nd-pass, name 2nd Name), as in Home Assistant's link_user tests; the fixture's users.",
			Config:  cfg, Seed: "link user main", Fixture: MainFixture,
			Cases: []Case{
				{Name: "LINK-01 link a second login", Spec: "§7.9", Result: "valid", Flags: []string{"AccountLinking", "Normal", "HAString", "Journal"},
					Expect: `200 {"message":"User linked"}, journaled before the reply; Alice then has a homeassistant and an insecure_example credential, and logging in as 2nd-user gives Alice's tokens`,
					Run: func(s *Session) {
						code := s.secondCode(true)
						r := s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, code))
						s.JSON(r, 200, linked)
						s.FailedLogin(r.Effects, 0)
						j := s.JournaledBefore(r.Effects)
						s.Equal(len(j.Data.Users), 1, "Alice's record journaled")
						s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant", "insecure_example"}, "credentials")
						access, _ := s.Exchange(s.secondCode(false), "insecure_example")
						s.Equal(s.Object(s.CallOK("validate_access_token", `{"token":`+Q(access)+`}`))["user_id"], Alice.UserID, "2nd-user is Alice")
					}},
				{Name: "LINK-02 another client_id", Spec: "§7.9", Result: "invalid", Flags: []string{"AccountLinking", "ClientIdMismatch", "HAString"},
					Expect: `the code is stored under (client_id, code): client_id "invalid" finds nothing, 400 {"message":"Invalid code"}, not a failed login, nothing linked; the code is not used up and then links with the right client_id`,
					Run: func(s *Session) {
						code := s.secondCode(true)
						r := s.linkUser(s.AccessNow(AliceRT), linkBody("invalid", code))
						s.JSON(r, 400, `{"message":"Invalid code"}`)
						s.FailedLogin(r.Effects, 0)
						s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant"}, "credentials")
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, code)), 200, linked)
					}},
				{Name: "LINK-03 wrong code", Spec: "§7.9", Result: "invalid", Flags: []string{"AccountLinking", "HAString"},
					Expect: `400 {"message":"Invalid code"}; nothing linked`,
					Run: func(s *Session) {
						s.secondCode(true)
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, "invalid")), 400, `{"message":"Invalid code"}`)
						s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant"}, "credentials")
					}},
				{Name: "LINK-04 bad bearer token", Spec: "§7.9", Result: "invalid", Flags: []string{"AccountLinking", "HAString", "FailedLogin"},
					Expect: `the view requires auth: 401 "401: Unauthorized", a failed login; the code stays unused and links afterwards`,
					Run: func(s *Session) {
						code := s.secondCode(true)
						r := s.linkUser("invalid", linkBody(ClientID, code))
						s.Body(r, 401, "401: Unauthorized")
						s.FailedLogin(r.Effects, 1)
						s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant"}, "credentials")
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, code)), 200, linked)
					}},
				{Name: "LINK-05 already linked to the same user", Spec: "§7.9", Result: "valid", Flags: []string{"AccountLinking", "HAString"},
					Expect: "a second code for 2nd-user after Alice linked it: 200 User linked, a no-op (nothing journaled, still two credentials)",
					Run: func(s *Session) {
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, s.secondCode(true))), 200, linked)
						r := s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, s.secondCode(true)))
						s.JSON(r, 200, linked)
						s.NotJournaled(r.Effects)
						s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant", "insecure_example"}, "credentials")
					}},
				{Name: "credential linked to another user", Spec: "§7.9", Result: "invalid", Flags: []string{"AccountLinking", "HAString"},
					Expect: `Alice linked 2nd-user; Bob posts a new code of it: 400 {"message":"Credential already linked"} and Bob keeps one credential`,
					Run: func(s *Session) {
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, s.secondCode(true))), 200, linked)
						s.JSON(s.linkUser(s.AccessNow(BobRT), linkBody(ClientID, s.secondCode(true))), 400, `{"message":"Credential already linked"}`)
						s.Equal(s.credentialTypes(Bob.UserID), []string{"homeassistant"}, "Bob's credentials")
					}},
				{Name: "another user's own login", Spec: "§7.9", Result: "invalid", Flags: []string{"AccountLinking", "HAString"},
					Expect: "a code of Bob's homeassistant login posted by Alice: Credential already linked",
					Run: func(s *Session) {
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, s.Login(Bob))), 400, `{"message":"Credential already linked"}`)
						s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant"}, "credentials")
					}},
				{Name: "code replay", Spec: "§7.6", Result: "invalid", Flags: []string{"AccountLinking", "CodeReplay"},
					Expect: "a code is popped when used: the second POST of it is Invalid code",
					Run: func(s *Session) {
						code := s.secondCode(true)
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, code)), 200, linked)
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, code)), 400, `{"message":"Invalid code"}`)
					}},
				{Name: "expired code", Spec: "§7.6", Result: "invalid", Flags: []string{"AccountLinking", "ExpiredCode"},
					Expect: "ten minutes after the flow finished the code is Invalid code",
					Run: func(s *Session) {
						code := s.secondCode(true)
						s.Advance(10 * Minute)
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, code)), 400, `{"message":"Invalid code"}`)
					}},
				{Name: "a link_user code at the token endpoint", Spec: "§7.6", Result: "valid", Flags: []string{"AccountLinking"},
					Expect: "upstream codes carry no purpose (TOKEN-22 is fork-only): a link_user flow's code exchanges at /auth/token, making a new user 2nd Name from the new credential",
					Run: func(s *Session) {
						access, _ := s.Exchange(s.secondCode(true), "insecure_example")
						v := s.Object(s.CallOK("validate_access_token", `{"token":`+Q(access)+`}`))
						s.Equal(v["name"], "2nd Name", "a new user")
						s.True(v["user_id"] != Alice.UserID, "not Alice")
					}},
				{Name: "an authorize code at link_user", Spec: "§7.6", Result: "valid", Flags: []string{"AccountLinking"},
					Expect: "a code from a plain login flow of 2nd-user links as well",
					Run: func(s *Session) {
						s.JSON(s.linkUser(s.AccessNow(AliceRT), linkBody(ClientID, s.secondCode(false))), 200, linked)
					}},
				{Name: "LINK-07 code that is not a string", Spec: "§7.9", Result: "invalid", Flags: []string{"AccountLinking", "InvalidInput", "HAString"},
					Expect: `400 {"message":"Message format incorrect: expected str for dictionary value @ data['code']"}`,
					Run: func(s *Session) {
						s.JSON(s.linkUser(s.AccessNow(AliceRT), `{"client_id":"`+ClientID+`","code":5}`), 400, `{"message":"Message format incorrect: expected str for dictionary value @ data['code']"}`)
					}},
				{Name: "body that is not JSON", Spec: "§7", Result: "invalid", Flags: []string{"AccountLinking", "InvalidInput", "HAString"},
					Expect: `400 {"message":"Invalid JSON."}`,
					Run: func(s *Session) {
						s.JSON(s.linkUser(s.AccessNow(AliceRT), `{"client_id":`), 400, `{"message":"Invalid JSON."}`)
					}},
				{Name: "body without a code", Spec: "§7.9", Result: "acceptable", Flags: []string{"AccountLinking", "InvalidInput", "HassauthChoice"},
					Expect: "both keys are plain in the schema, so the handler's data[\"code\"] fails: Home Assistant answers 500, and so does hassauth",
					Run: func(s *Session) {
						s.Status(s.linkUser(s.AccessNow(AliceRT), `{"client_id":"`+ClientID+`"}`), 500)
					}},
			},
		}},
	}
}
