package core_test

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

const (
	second = int64(1_000_000)
	day    = 86400 * second
)

// wsUser is a harness with one user logged in and connected.
func wsUser(t testing.TB, cfg core.Config) (*harness, *wsClient, string) {
	h := newHarness(t, cfg)
	h.addUser("alice", "alice-pass")
	access, _ := h.tokens(h.login("alice", "alice-pass"))
	return h, h.wsConnect(access), access
}

// failedLoginLogged reports whether the last step logged a failed login
// from the harness's address on the websocket path.
func failedLoginLogged(h *harness) bool {
	for _, e := range h.effects {
		if e.Log != nil && strings.HasPrefix(e.Log.Message, "Login attempt or request with invalid authentication from 192.168.1.10 (192.168.1.10). Requested URL: '/api/websocket'.") {
			return true
		}
	}
	return false
}

// TestWSAuthPhase follows spec §10.1: auth_required at once, one auth
// message, auth_ok or auth_invalid and close (WSA-*).
func TestWSAuthPhase(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "alice-pass")
	access, _ := h.tokens(h.login("alice", "alice-pass"))
	const invalid = `{"type":"auth_invalid","message":"Invalid access token or password"}`
	cases := []struct {
		name   string
		frame  string
		binary bool
		want   string // the one frame expected, "" for none
		prefix bool   // want is a prefix
		closed bool
		failed bool // counted as a failed login
	}{
		{name: "WSA-02/valid_token", frame: `{"type":"auth","access_token":"` + access + `"}`,
			want: `{"type":"auth_ok","ha_version":"2026.9.1"}`},
		{name: "WSA-03/api_password", frame: `{"type":"auth","api_password":"wrong"}`, want: invalid, closed: true, failed: true},
		{name: "WSA-10/incorrect_token", frame: `{"type":"auth","access_token":"incorrect"}`, want: invalid, closed: true, failed: true},
		{name: "no_token", frame: `{"type":"auth"}`, want: invalid, closed: true, failed: true},
		{name: "WSA-05/not_an_auth_message", frame: `{"type":"call_service","domain":"light"}`,
			want:   `{"type":"auth_invalid","message":"Auth message incorrectly formatted: extra keys not allowed @ data['domain']. Got 'light'\nnot a valid value for dictionary value @ data['type']. Got 'call_service'"}`,
			closed: true},
		{name: "both_token_and_password", frame: `{"type":"auth","access_token":"a","api_password":"b"}`,
			want:   `{"type":"auth_invalid","message":"Auth message incorrectly formatted: two or more values in the same group of exclusion 'auth'`,
			prefix: true, closed: true},
		{name: "not_an_object", frame: `[]`, want: `{"type":"auth_invalid","message":"Auth message incorrectly formatted: `,
			prefix: true, closed: true},
		{name: "WSA-12/invalid_json", frame: `{"type":`, closed: true},
		{name: "binary_frame", frame: `{"type":"auth"}`, binary: true, closed: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := h.wsOpen()
			require.Equal(t, [][]byte{[]byte(`{"type":"auth_required","ha_version":"2026.9.1"}`)}, w.frames())
			w.send([]byte(tc.frame), tc.binary)
			frames := w.frames()
			if tc.want == "" {
				assert.Empty(t, frames)
			} else {
				require.Len(t, frames, 1)
				if tc.prefix {
					assert.True(t, strings.HasPrefix(string(frames[0]), tc.want), "%s", frames[0])
				} else {
					assert.Equal(t, tc.want, string(frames[0]))
				}
			}
			assert.Equal(t, tc.closed, w.closed())
			assert.Equal(t, tc.failed, failedLoginLogged(h))
		})
	}
}

// TestWSAuthTimeout checks the ten seconds for the auth message (§10.1).
func TestWSAuthTimeout(t *testing.T) {
	h, authed, _ := wsUser(t, testConfig())
	w := h.wsOpen()
	h.advance(10*second - 1)
	assert.False(t, w.closed())
	h.advance(1)
	assert.True(t, w.closed())
	assert.Empty(t, w.frames(), "the connection closes without a message")
	assert.False(t, authed.closed(), "an authenticated connection has no deadline")
	h.advance(60 * second)
	assert.Empty(t, h.effects)
}

// TestWSLocalOnlyUser checks that the auth message does not apply the
// local-only rule (WSA-08 and §9.3): tokens are checked where issued.
func TestWSLocalOnlyUser(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "alice-pass")
	mustCall(t, h, core.OpCreateUser, map[string]any{"username": "carol", "password": "carol-pass", "local_only": true})
	access, _ := h.tokens(h.login("carol", "carol-pass"))
	h.remote = "192.168.1.100:40000"
	h.wsConnect(access)
	h.remote = "198.51.100.1:40000"
	h.wsConnect(access)
}

// TestWSCommandFraming follows spec §10.2 on one connection, in order: ids
// must grow, but only handled commands (and schema failures) use them up.
func TestWSCommandFraming(t *testing.T) {
	_, w, _ := wsUser(t, testConfig())
	invalid := func(id string) string {
		return `{"id":` + id + `,"type":"result","success":false,"error":{"code":"invalid_format","message":"Message incorrectly formatted."}}`
	}
	steps := []struct {
		name, frame string
		want        []string
	}{
		{"ping", `{"id":1,"type":"ping"}`, []string{`{"id":1,"type":"pong"}`}},
		{"ping_extra_key", `{"id":2,"type":"ping","x":1}`, []string{
			`{"id":2,"type":"result","success":false,"error":{"code":"invalid_format","message":"extra keys not allowed. Got {'id': 2, 'type': 'ping', 'x': 1}"}}`}},
		{"supported_features", `{"id":3,"type":"supported_features","features":{"coalesce_messages":1}}`, []string{
			`{"id":3,"type":"result","success":true,"result":null}`}},
		{"not_an_object", `5`, []string{invalid("0")}},
		{"id_missing", `{"type":"ping"}`, []string{invalid("null")}},
		{"id_zero", `{"id":0,"type":"ping"}`, []string{invalid("0")}},
		{"id_string", `{"id":"7","type":"ping"}`, []string{invalid(`"7"`)}},
		{"id_bool", `{"id":true,"type":"ping"}`, []string{invalid("true")}},
		{"id_negative", `{"id":-1,"type":"ping"}`, []string{invalid("-1")}},
		{"id_float", `{"id":1.5,"type":"ping"}`, []string{invalid("1.5")}},
		{"type_missing", `{"id":4}`, []string{invalid("4")}},
		{"type_empty", `{"id":4,"type":""}`, []string{invalid("4")}},
		{"type_not_string", `{"id":4,"type":5}`, []string{invalid("4")}},
		{"id_reuse", `{"id":3,"type":"ping"}`, []string{
			`{"id":3,"type":"result","success":false,"error":{"code":"id_reuse","message":"Identifier values have to increase."}}`}},
		{"unknown_command", `{"id":10,"type":"nope"}`, []string{
			`{"id":10,"type":"result","success":false,"error":{"code":"unknown_command","message":"Unknown command."}}`}},
		{"unknown_command_keeps_last_id", `{"id":10,"type":"ping"}`, []string{`{"id":10,"type":"pong"}`}},
		{"schema_failure", `{"id":11,"type":"auth/sign_path"}`, []string{
			`{"id":11,"type":"result","success":false,"error":{"code":"invalid_format","message":"required key not provided @ data['path']. Got None"}}`}},
		{"schema_failure_uses_id", `{"id":11,"type":"ping"}`, []string{
			`{"id":11,"type":"result","success":false,"error":{"code":"id_reuse","message":"Identifier values have to increase."}}`}},
		{"batch", `[{"id":20,"type":"ping"},{"id":21,"type":"ping"}]`, []string{`{"id":20,"type":"pong"}`, `{"id":21,"type":"pong"}`}},
		{"batch_with_junk", `[1,{"id":22,"type":"ping"}]`, []string{invalid("0"), `{"id":22,"type":"pong"}`}},
		{"binary_without_handler", "\x01abc", nil},
	}
	for _, s := range steps {
		w.send([]byte(s.frame), s.name == "binary_without_handler")
		var got []string
		for _, f := range w.frames() {
			got = append(got, string(f))
		}
		assert.Equal(t, s.want, got, s.name)
		assert.False(t, w.closed(), s.name)
	}
	w.send(nil, true)
	assert.True(t, w.closed(), "an empty binary frame closes")
}

// TestWSInvalidJSONCloses checks that invalid JSON in the command phase
// ends the connection without a reply.
func TestWSInvalidJSONCloses(t *testing.T) {
	_, w, _ := wsUser(t, testConfig())
	w.send([]byte(`{"id":1,`), false)
	assert.True(t, w.closed())
	assert.Empty(t, w.frames())
}

// jwtPayload decodes a JWT's claims.
func jwtPayload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// TestWSLongLivedAccessToken checks the token behind WS-02's result and the
// lifespan in days.
func TestWSLongLivedAccessToken(t *testing.T) {
	h, w, _ := wsUser(t, testConfig())
	token := w.result(map[string]any{"type": "auth/long_lived_access_token", "client_name": "GPS Logger", "lifespan": 365}).(string)
	claims := jwtPayload(t, token)
	assert.EqualValues(t, 365*86400, claims["exp"].(float64)-claims["iat"].(float64))
	rtID := h.refreshTokenID(token)

	tokens := w.result(map[string]any{"type": "auth/refresh_tokens"}).([]any)
	var llat map[string]any
	for _, x := range tokens {
		if m := x.(map[string]any); m["id"] == rtID {
			llat = m
		}
	}
	require.NotNil(t, llat)
	assert.Equal(t, "long_lived_access_token", llat["type"])
	assert.Nil(t, llat["client_id"])
	assert.Equal(t, "GPS Logger", llat["client_name"])
	assert.Nil(t, llat["client_icon"])
	assert.Nil(t, llat["expire_at"], "long-lived tokens do not expire")
	assert.Nil(t, llat["auth_provider_type"])
	assert.Equal(t, "2026-09-01T10:00:00+00:00", llat["last_used_at"])
	assert.Nil(t, llat["last_used_ip"], "issued without a request")

	token = w.result(map[string]any{"type": "auth/long_lived_access_token", "client_name": "Now", "lifespan": 0, "client_icon": "mdi:home"}).(string)
	claims = jwtPayload(t, token)
	assert.Equal(t, claims["iat"], claims["exp"], "a lifespan of 0 days is zero, not the default")
	_, cerr := h.call(core.OpValidateAccessToken, map[string]any{"token": token})
	assert.Nil(t, cerr, "valid for the ten seconds of leeway")
	h.advance(10 * second)
	_, cerr = h.call(core.OpValidateAccessToken, map[string]any{"token": token})
	assert.NotNil(t, cerr, "and no longer")
}

// TestWSRefreshTokensDates checks the ISO times auth/refresh_tokens shows
// and auth/refresh_token_set_expiry.
func TestWSRefreshTokensDates(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "alice-pass")
	access, refresh := h.tokens(h.login("alice", "alice-pass"))
	w := h.wsConnect(access)
	rtID := h.refreshTokenID(access)
	h.advance(30 * day)
	r := h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	require.Equal(t, 200, r.Status)

	list := w.result(map[string]any{"type": "auth/refresh_tokens"}).([]any)
	require.Len(t, list, 1)
	m := list[0].(map[string]any)
	assert.Equal(t, rtID, m["id"])
	assert.Equal(t, true, m["is_current"])
	assert.Equal(t, "2026-09-01T10:00:00+00:00", m["created_at"])
	assert.Equal(t, "2026-10-01T10:00:00+00:00", m["last_used_at"])
	assert.Equal(t, "2026-12-30T10:00:00+00:00", m["expire_at"], "90 days after the last use")
	assert.Equal(t, "192.168.1.10", m["last_used_ip"])
	assert.Equal(t, "homeassistant", m["auth_provider_type"])
	for _, secret := range []string{"token", "jwt_key"} {
		assert.NotContains(t, m, secret)
	}

	w.result(map[string]any{"type": "auth/refresh_token_set_expiry", "refresh_token_id": rtID, "enable_expiry": false})
	m = w.result(map[string]any{"type": "auth/refresh_tokens"}).([]any)[0].(map[string]any)
	assert.Nil(t, m["expire_at"])
	h.advance(day)
	w.result(map[string]any{"type": "auth/refresh_token_set_expiry", "refresh_token_id": rtID, "enable_expiry": true})
	m = w.result(map[string]any{"type": "auth/refresh_tokens"}).([]any)[0].(map[string]any)
	assert.Equal(t, "2026-12-30T10:00:00+00:00", m["expire_at"], "counted from the last use")
}

// TestWSCurrentUserMFA checks mfa_modules' enabled flag: true for the
// modules the user set up.
func TestWSCurrentUserMFA(t *testing.T) {
	// Ids come from the seeded generator, so a first run tells the id the
	// second run will give the user.
	probe := newHarness(t, testConfig())
	userID := probe.addUser("alice", "alice-pass")

	cfg := testConfig()
	name := "PIN"
	cfg.MFAModules = []core.MFAModuleConfig{
		{Type: "totp", ID: "totp"},
		{Type: "insecure_example", ID: "pin", Name: &name, Data: []core.ExamplePIN{{UserID: userID, PIN: "1234"}}},
	}
	h := newHarness(t, cfg)
	require.Equal(t, userID, h.addUser("alice", "alice-pass"))
	code := h.loginWith([]any{"homeassistant", nil}, map[string]any{"username": "alice", "password": "alice-pass"}, map[string]any{"pin": "1234"})
	access, _ := h.tokens(code)
	w := h.wsConnect(access)
	m := w.result(map[string]any{"type": "auth/current_user"}).(map[string]any)
	assert.Equal(t, []any{
		map[string]any{"id": "totp", "name": "Time-based One Time Password", "enabled": false},
		map[string]any{"id": "pin", "name": "PIN", "enabled": true},
	}, m["mfa_modules"])
}
