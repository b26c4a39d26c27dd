package core_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/internal/wscases"
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
