package core_test

import (
	"strings"
	"testing"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/jwt"
)

// The fixture is a .storage/auth as Home Assistant writes it, with one user
// of each kind the endpoints treat differently, each with a refresh token,
// and the insecure_example provider that knows their logins.
const (
	userActive   = "a0000000000000000000000000000001" // owner, login test-user
	userInactive = "a0000000000000000000000000000002" // is_active false, login inactive-user
	userLocal    = "a0000000000000000000000000000003" // local_only, login local-user
	userSystem   = "a0000000000000000000000000000004" // system-generated "Supervisor"

	tokActive   = "b0000000000000000000000000000001"
	tokInactive = "b0000000000000000000000000000002"
	tokLocal    = "b0000000000000000000000000000003"
	tokSystem   = "b0000000000000000000000000000004"

	credActive   = "c0000000000000000000000000000001"
	credInactive = "c0000000000000000000000000000002"
	credLocal    = "c0000000000000000000000000000003"
)

// secretOf and keyOf give a fixture token's refresh token string and
// jwt_key: 128 hex characters made from its id's last digit.
func secretOf(tokenID string) string { return strings.Repeat("5"+tokenID[31:], 64) }
func keyOf(tokenID string) string    { return strings.Repeat("e"+tokenID[31:], 64) }

// fixtureAccess mints an access token for a fixture refresh token, as the
// core would at now (Unix seconds).
func fixtureAccess(tokenID string, now int64) string {
	return jwt.SignAccessToken(jwt.NewKeyString(keyOf(tokenID)), tokenID, now, now+1800)
}

const fixtureAuthTemplate = `{
  "version": 1,
  "minor_version": 1,
  "key": "auth",
  "data": {
    "users": [
      {"id": "a0000000000000000000000000000001", "group_ids": ["system-admin"], "is_owner": true, "is_active": true,
       "name": "Test Name", "system_generated": false, "local_only": false},
      {"id": "a0000000000000000000000000000002", "group_ids": ["system-users"], "is_owner": false, "is_active": false,
       "name": "Inactive", "system_generated": false, "local_only": false},
      {"id": "a0000000000000000000000000000003", "group_ids": ["system-users"], "is_owner": false, "is_active": true,
       "name": "Local", "system_generated": false, "local_only": true},
      {"id": "a0000000000000000000000000000004", "group_ids": ["system-admin"], "is_owner": false, "is_active": true,
       "name": "Supervisor", "system_generated": true, "local_only": false}
    ],
    "groups": [
      {"id": "system-admin", "name": "Administrators"},
      {"id": "system-users", "name": "Users"},
      {"id": "system-read-only", "name": "Read Only"}
    ],
    "credentials": [
      {"id": "c0000000000000000000000000000001", "user_id": "a0000000000000000000000000000001",
       "auth_provider_type": "insecure_example", "auth_provider_id": null, "data": {"username": "test-user"}},
      {"id": "c0000000000000000000000000000002", "user_id": "a0000000000000000000000000000002",
       "auth_provider_type": "insecure_example", "auth_provider_id": null, "data": {"username": "inactive-user"}},
      {"id": "c0000000000000000000000000000003", "user_id": "a0000000000000000000000000000003",
       "auth_provider_type": "insecure_example", "auth_provider_id": null, "data": {"username": "local-user"}}
    ],
    "refresh_tokens": [
      TOKEN(b0000000000000000000000000000001, a0000000000000000000000000000001, "https://example.com/app", "normal", c0000000000000000000000000000001),
      TOKEN(b0000000000000000000000000000002, a0000000000000000000000000000002, "https://example.com/app", "normal", c0000000000000000000000000000002),
      TOKEN(b0000000000000000000000000000003, a0000000000000000000000000000003, "https://example.com/app", "normal", c0000000000000000000000000000003),
      TOKEN(b0000000000000000000000000000004, a0000000000000000000000000000004, null, "system", null)
    ]
  }
}`

// fixtureAuth expands the TOKEN(...) shorthand of fixtureAuthTemplate.
func fixtureAuth() []byte {
	var out strings.Builder
	rest := fixtureAuthTemplate
	for {
		i := strings.Index(rest, "TOKEN(")
		if i < 0 {
			out.WriteString(rest)
			return []byte(out.String())
		}
		out.WriteString(rest[:i])
		j := strings.IndexByte(rest[i:], ')')
		args := strings.Split(rest[i+len("TOKEN("):i+j], ", ")
		rest = rest[i+j+1:]
		id, user, client, typ, cred := args[0], args[1], args[2], args[3], args[4]
		expire := "1796032800.0"
		if typ != `"normal"` {
			expire = "null"
		}
		if cred != "null" {
			cred = `"` + cred + `"`
		}
		out.WriteString(`{"id": "` + id + `", "user_id": "` + user + `", "client_id": ` + client +
			`, "client_name": null, "client_icon": null, "token_type": ` + typ +
			`, "created_at": "2026-09-01T10:00:00+00:00", "access_token_expiration": 1800.0, "token": "` + secretOf(id) +
			`", "jwt_key": "` + keyOf(id) + `", "last_used_at": null, "last_used_ip": null, "expire_at": ` + expire +
			`, "credential_id": ` + cred + `, "version": "2026.9.1"}`)
	}
}

// exampleConfig is a configuration with the insecure_example provider that
// knows the fixture's logins, and one login ("new-user") with no user yet.
func exampleConfig() core.Config {
	name := "Test Name"
	cfg := testConfig()
	cfg.Providers = []core.ProviderConfig{{Type: "insecure_example", Users: []core.ExampleUser{
		{Username: "test-user", Password: "test-pass", Name: &name},
		{Username: "inactive-user", Password: "test-pass"},
		{Username: "local-user", Password: "test-pass"},
		{Username: "new-user", Password: "test-pass"},
	}}}
	return cfg
}

// newFixture starts a harness on the fixture with exampleConfig, plus
// changes to the configuration.
func newFixture(t testing.TB, change ...func(*core.Config)) *harness {
	t.Helper()
	cfg := exampleConfig()
	for _, f := range change {
		f(&cfg)
	}
	return newHarness(t, cfg, core.File{Path: core.PathAuth, Data: fixtureAuth()})
}

// exampleLogin runs an insecure_example login flow and returns the code.
func (h *harness) exampleLogin(username string) string {
	h.t.Helper()
	flow := h.startFlow([]any{"insecure_example", nil}, clientID, redirectURI)
	r := h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "username": username, "password": "test-pass"})
	if r.Status != 200 || r.json(h.t)["type"] != "create_entry" {
		h.t.Fatalf("login of %s: %d %s", username, r.Status, r.Body)
	}
	return r.json(h.t)["result"].(string)
}

// nowSeconds is the harness clock in whole seconds.
func (h *harness) nowSeconds() int64 { return h.now / 1_000_000 }
