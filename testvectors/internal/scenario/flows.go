package scenario

import (
	"bytes"
	"encoding/json"
)

// Helpers for the login flow and the token endpoint, shared by the suites.
// Each asserts the parts of Home Assistant's answer that the next step
// relies on.

// Q quotes a string as JSON.
func Q(v string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// haHandler is the homeassistant provider's handler.
const haHandler = `["homeassistant",null]`

// FlowBody is a login-flow creation body for the homeassistant provider.
func FlowBody(clientID, redirectURI string) string {
	return `{"client_id":` + Q(clientID) + `,"handler":["homeassistant",null],"redirect_uri":` + Q(redirectURI) + `}`
}

// LoginForm is the init form of a username and password provider.
func LoginForm(flowID, handler, errors string) string {
	return `{"type":"form","flow_id":` + Q(flowID) + `,"handler":` + handler + `,"step_id":"init",` +
		`"data_schema":[{"type":"string","name":"username","required":true},{"type":"string","name":"password","required":true}],` +
		`"errors":` + errors + `,"description_placeholders":null,"last_step":null,"preview":null}`
}

// Entry is a finished login flow's create_entry with its code.
func Entry(flowID, handler, code string) string {
	return `{"type":"create_entry","flow_id":` + Q(flowID) + `,"handler":` + handler +
		`,"description":null,"description_placeholders":null,"result":` + Q(code) + `}`
}

// StartFlow starts a homeassistant login flow for ClientID and returns its
// id, asserting the empty init form.
func (s *Session) StartFlow() string {
	s.r.Helper()
	return s.StartFlowWith(FlowBody(ClientID, RedirectURI))
}

// StartFlowWith starts a homeassistant login flow with body.
func (s *Session) StartFlowWith(body string) string {
	s.r.Helper()
	r := s.PostJSON("/auth/login_flow", body)
	id := s.Str(r.Body, "flow_id")
	s.JSON(r, 200, LoginForm(id, haHandler, `{}`))
	return id
}

// StepBody is a login-flow step body with a username and password.
func StepBody(clientID, username, password string) string {
	return `{"client_id":` + Q(clientID) + `,"username":` + Q(username) + `,"password":` + Q(password) + `}`
}

// LoginStep posts a username and password to a flow.
func (s *Session) LoginStep(flowID, username, password string) Resp {
	s.r.Helper()
	return s.PostJSON("/auth/login_flow/"+flowID, StepBody(ClientID, username, password))
}

// EntryCode asserts a create_entry for flowID and returns its code: 32
// hex digits, uuid4().hex.
func (s *Session) EntryCode(r Resp, flowID, handler string) string {
	s.r.Helper()
	s.Status(r, 200)
	code := s.Str(r.Body, "result")
	s.True(IsHex(code, 32), "the code is 32 hex digits")
	s.JSONEq(r.Body, Entry(flowID, handler, code))
	return code
}

// Login runs a whole homeassistant login for a and returns the code.
func (s *Session) Login(a *Account) string {
	s.r.Helper()
	id := s.StartFlow()
	return s.EntryCode(s.LoginStep(id, a.Username, a.Password), id, haHandler)
}

// Exchange trades a code for tokens, asserting Home Assistant's 200 body
// and headers, and returns the access and refresh tokens.
func (s *Session) Exchange(code, provider string) (access, refresh string) {
	s.r.Helper()
	r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", code)
	s.Status(r, 200)
	access, refresh = s.Str(r.Body, "access_token"), s.Str(r.Body, "refresh_token")
	s.True(IsHex(refresh, 128), "the refresh token is 128 hex digits")
	s.JSONEq(r.Body, `{"access_token":`+Q(access)+`,"token_type":"Bearer","refresh_token":`+Q(refresh)+`,"expires_in":1800,"ha_auth_provider":`+Q(provider)+`}`)
	s.HeaderIs(r, "Cache-Control", "no-store")
	s.HeaderIs(r, "Pragma", "no-cache")
	return access, refresh
}

// Refresh runs a refresh grant that must succeed and returns the new
// access token.
func (s *Session) Refresh(refresh, clientID string) string {
	s.r.Helper()
	fields := []string{"grant_type", "refresh_token", "refresh_token", refresh}
	if clientID != "" {
		fields = append(fields, "client_id", clientID)
	}
	r := s.PostForm("/auth/token", fields...)
	s.Status(r, 200)
	access := s.Str(r.Body, "access_token")
	s.JSONEq(r.Body, `{"access_token":`+Q(access)+`,"token_type":"Bearer","expires_in":1800}`)
	s.HeaderIs(r, "Cache-Control", "no-store")
	return access
}

// APIOK asserts that access authenticates GET /api/.
func (s *Session) APIOK(access string) {
	s.r.Helper()
	s.JSON(s.Get("/api/", H("authorization", "Bearer "+access)), 200, `{"message":"API running."}`)
}

// APIRefused asserts that access does not authenticate GET /api/.
func (s *Session) APIRefused(access string) {
	s.r.Helper()
	s.Body(s.Get("/api/", H("authorization", "Bearer "+access)), 401, "401: Unauthorized")
}
