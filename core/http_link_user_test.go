package core_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// linkConfig has the homeassistant provider and a second one to link,
// insecure_example with id "2nd auth" (LINK-*).
func linkConfig() core.Config {
	cfg := testConfig()
	id, name := "2nd auth", "2nd Name"
	cfg.Providers = []core.ProviderConfig{
		{Type: "homeassistant"},
		{Type: "insecure_example", ID: &id, Users: []core.ExampleUser{{Username: "2nd-user", Password: "2nd-pass", Name: &name}}},
	}
	return cfg
}

// credentialTypes lists a user's credentials as config/auth/list shows them.
func credentialTypes(t *testing.T, h *harness, userID string) []string {
	t.Helper()
	var users []struct {
		ID          string `json:"id"`
		Credentials []struct {
			Type string `json:"type"`
		} `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal(mustCall(t, h, core.OpListUsers, nil), &users))
	var out []string
	for _, u := range users {
		if u.ID == userID {
			for _, c := range u.Credentials {
				out = append(out, c.Type)
			}
		}
	}
	return out
}

// linkCode runs a link_user login flow on the second provider.
func linkCode(t *testing.T, h *harness) string {
	t.Helper()
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"insecure_example", "2nd auth"},
		"redirect_uri": redirectURI, "type": "link_user"})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	r = h.postJSON("/auth/login_flow/"+r.json(t)["flow_id"].(string), map[string]any{"client_id": clientID, "username": "2nd-user", "password": "2nd-pass"})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	return r.json(t)["result"].(string)
}

// TestLinkUser follows spec §7.9 and LINK-01..LINK-05.
func TestLinkUser(t *testing.T) {
	h := newHarness(t, linkConfig())
	helloID := h.addUser("hello", "hello-pass")
	access, _ := h.tokens(h.login("hello", "hello-pass"))
	bearer := core.Header{Name: "authorization", Value: "Bearer " + access}
	link := func(body any, headers ...core.Header) response {
		b, _ := json.Marshal(body)
		return h.request("POST", "/auth/link_user", b, append(headers, core.Header{Name: "content-type", Value: "application/json"})...)
	}
	before := credentialTypes(t, h, helloID)

	r := link(map[string]any{"client_id": clientID, "code": linkCode(t, h)}, core.Header{Name: "authorization", Value: "Bearer invalid"})
	assert.Equal(t, 401, r.Status, "LINK-04")
	assert.Equal(t, before, credentialTypes(t, h, helloID))

	r = link(map[string]any{"client_id": "invalid", "code": linkCode(t, h)}, bearer)
	assert.Equal(t, 400, r.Status, "LINK-02")
	assert.JSONEq(t, `{"message":"Invalid code"}`, string(r.Body))
	r = link(map[string]any{"client_id": clientID, "code": "invalid"}, bearer)
	assert.Equal(t, 400, r.Status, "LINK-03")
	assert.JSONEq(t, `{"message":"Invalid code"}`, string(r.Body))
	assert.Equal(t, before, credentialTypes(t, h, helloID))

	code := linkCode(t, h)
	r = link(map[string]any{"client_id": clientID, "code": code}, bearer)
	assert.Equal(t, 200, r.Status, "LINK-01")
	assert.JSONEq(t, `{"message":"User linked"}`, string(r.Body))
	after := credentialTypes(t, h, helloID)
	assert.Equal(t, append(before, "insecure_example"), after)
	r = link(map[string]any{"client_id": clientID, "code": code}, bearer)
	assert.Equal(t, 400, r.Status, "a code is used once")

	r = link(map[string]any{"client_id": clientID, "code": linkCode(t, h)}, bearer)
	assert.Equal(t, 200, r.Status, "LINK-05: already linked to this user")
	assert.Equal(t, after, credentialTypes(t, h, helloID))

	// The linked credential now logs hello in through the second provider.
	other, _ := h.tokens(h.loginWith([]any{"insecure_example", "2nd auth"}, map[string]any{"username": "2nd-user", "password": "2nd-pass"}))
	assert.Equal(t, helloID, jsonField(t, mustCall(t, h, core.OpValidateAccessToken, map[string]any{"token": other}), "user_id"))

	// Another user cannot take it.
	h.addUser("other", "other-pass")
	otherAccess, _ := h.tokens(h.login("other", "other-pass"))
	r = link(map[string]any{"client_id": clientID, "code": linkCode(t, h)}, core.Header{Name: "authorization", Value: "Bearer " + otherAccess})
	assert.Equal(t, 400, r.Status)
	assert.JSONEq(t, `{"message":"Credential already linked"}`, string(r.Body))
}

// TestLinkUserBody checks the body rules of the view: JSON, the schema's
// types, and both keys (whose absence Home Assistant answers with a 500).
func TestLinkUserBody(t *testing.T) {
	h := newHarness(t, linkConfig())
	h.addUser("hello", "hello-pass")
	access, _ := h.tokens(h.login("hello", "hello-pass"))
	bearer := core.Header{Name: "authorization", Value: "Bearer " + access}
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{`, 400, `{"message":"Invalid JSON."}`},
		{`{"client_id":5,"code":"x"}`, 400, `{"message":"Message format incorrect: expected str for dictionary value @ data['client_id']"}`},
		{`{"client_id":"x","code":"y","z":1}`, 400, `{"message":"Message format incorrect: extra keys not allowed @ data['z']"}`},
		{`{"code":"x"}`, 500, ""},
	} {
		r := h.request("POST", "/auth/link_user", []byte(tc.body), bearer)
		assert.Equal(t, tc.status, r.Status, tc.body)
		if tc.want != "" {
			assert.JSONEq(t, tc.want, string(r.Body), tc.body)
		}
	}
	assert.Equal(t, 401, h.request("POST", "/auth/link_user", []byte(`{`)).Status, "auth comes first")
}
