package core_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/wscases"
)

// systemUserID is the system user of storedSystemUser.
const systemUserID = "c0ffee00c0ffee00c0ffee00c0ffee00"

// storedSystemUser is a .storage/auth holding only Home Assistant's content
// user, a system user with no credentials.
const storedSystemUser = `{"version":1,"minor_version":1,"key":"auth","data":{` +
	`"users":[{"id":"` + systemUserID + `","group_ids":["system-read-only"],"is_owner":false,"is_active":true,` +
	`"name":"Home Assistant Content","system_generated":true,"local_only":false}],` +
	`"groups":[{"id":"system-admin","name":"Administrators"},{"id":"system-users","name":"Users"},` +
	`{"id":"system-read-only","name":"Read Only"}],"credentials":[],"refresh_tokens":[]}}`

// fixtureConfig has the homeassistant provider, an insecure_example
// provider with one user and the default totp module.
func fixtureConfig() core.Config {
	cfg := testConfig()
	name := "Ex"
	cfg.Providers = []core.ProviderConfig{
		{Type: "homeassistant"},
		{Type: "insecure_example", Users: []core.ExampleUser{{Username: "ex", Password: "ex-pass", Name: &name}}},
	}
	return cfg
}

// wsFixture is wscases' fixture on the harness.
type wsFixture struct {
	h     *harness
	conns map[string]*wsClient
	vars  map[string]string
}

func newWSFixture(t *testing.T) *wsFixture {
	h := newHarness(t, fixtureConfig(), core.File{Path: core.PathAuth, Data: []byte(storedSystemUser)})
	f := &wsFixture{h: h, conns: map[string]*wsClient{}, vars: map[string]string{
		"system": systemUserID, "client_id": clientID,
	}}
	for _, u := range []struct{ name, group string }{
		{"owner", ""}, {"admin", "system-admin"}, {"user", "system-users"}, {"readonly", "system-read-only"},
	} {
		args := map[string]any{"username": u.name, "password": u.name + "-pass"}
		if u.group != "" {
			args["group"] = u.group
		}
		v, err := h.call(core.OpCreateUser, args)
		require.Nil(t, err)
		f.vars[u.name] = jsonField(t, v, "id")
		access, _ := h.tokens(h.login(u.name, u.name+"-pass"))
		f.vars[u.name+".rt"] = h.refreshTokenID(access)
		f.conns[u.name] = h.wsConnect(access)
	}
	access, _ := h.tokens(h.login("user", "user-pass"))
	f.vars["user.rt2"] = h.refreshTokenID(access)

	access, _ = h.tokens(h.loginWith([]any{"insecure_example", nil}, map[string]any{"username": "ex", "password": "ex-pass"}))
	f.conns["example"] = h.wsConnect(access)
	f.vars["example"] = jsonField(t, mustCall(t, h, core.OpValidateAccessToken, map[string]any{"token": access}), "user_id")
	return f
}

func (f *wsFixture) Command(actor string, msg []byte) ([]byte, bool) {
	w := f.conns[actor]
	w.send(msg, false)
	id := msg[:strings.IndexByte(string(msg), ',')+1]
	for _, fr := range w.frames() {
		if strings.HasPrefix(string(fr), string(id)) {
			return fr, false
		}
	}
	return nil, w.closed()
}

// TestWSCommands runs every command of spec §10.4-§10.6 with its success
// and error branches (the shared table of core/internal/wscases).
func TestWSCommands(t *testing.T) {
	f := newWSFixture(t)
	wscases.Run(f, f.vars, func(name, problem string) { t.Errorf("%s: %s", name, problem) })

	// What the commands changed shows outside the websocket too.
	h := f.h
	assert.True(t, loginOK(h, "user", "user-pass-3"), "HAPWS-16: the owner's new password")
	assert.False(t, loginOK(h, "user", "user-pass-2"), "HAPWS-10's password was replaced")
	assert.False(t, loginOK(h, "user", "user-pass"))
	assert.False(t, loginOK(h, "newest", "newer-pass"), "HAPWS-07: the login is gone")
	assert.False(t, loginOK(h, "newer", "newer-pass"), "HAPWS-17: renamed, then removed")
	var users []map[string]any
	require.NoError(t, json.Unmarshal(mustCall(t, h, core.OpListUsers, nil), &users))
	assert.Len(t, users, 6, "the created user was deleted")
	var tokens []map[string]any
	require.NoError(t, json.Unmarshal(mustCall(t, h, core.OpListTokens, map[string]any{"user_id": f.vars["readonly"]}), &tokens))
	assert.Empty(t, tokens, "readonly deleted its own token")
}

// TestWSAdminChangeUsername checks HAPWS-17 beyond the reply: the
// credential's data follows, the new name logs in and the old does not.
func TestWSAdminChangeUsername(t *testing.T) {
	h, w, _ := wsUser(t, testConfig())
	bobID := h.addUser("bob", "bob-pass")
	assert.Nil(t, w.result(map[string]any{"type": "config/auth_provider/homeassistant/admin_change_username", "user_id": bobID, "username": "blabla"}))
	assert.True(t, loginOK(h, "blabla", "bob-pass"))
	assert.False(t, loginOK(h, "bob", "bob-pass"))
	var users []map[string]any
	require.NoError(t, json.Unmarshal(mustCall(t, h, core.OpListUsers, nil), &users))
	assert.Equal(t, "blabla", users[1]["username"])
	assert.Contains(t, string(h.files[core.PathProvider]), `"username": "blabla"`)
}

// loginOK reports whether a homeassistant login succeeds.
func loginOK(h *harness, username, password string) bool {
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI})
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	r = h.postJSON("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": username, "password": password})
	_ = json.Unmarshal(r.Body, &m)
	return m["type"] == "create_entry"
}

// jsonField returns a string member of a JSON object.
func jsonField(t testing.TB, v []byte, key string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(v, &m))
	s, _ := m[key].(string)
	return s
}

func mustCall(t testing.TB, h *harness, op string, args any) []byte {
	t.Helper()
	v, err := h.call(op, args)
	require.Nil(t, err)
	return v
}
