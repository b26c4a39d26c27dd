package core_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

func onboardingBody() map[string]any {
	return map[string]any{"client_id": clientID, "name": "Paulus", "username": "paulus", "password": "test-pass", "language": "en"}
}

func TestOnboardingStatus(t *testing.T) {
	h := newHarness(t, testConfig())
	r := h.request("GET", "/api/onboarding", nil)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "application/json", r.header("Content-Type"))
	assert.Equal(t, `[{"step":"user","done":false},{"step":"core_config","done":false},{"step":"analytics","done":false},{"step":"integration","done":false}]`, string(r.Body))
	v, cerr := h.call(core.OpOnboarding, nil)
	require.Nil(t, cerr)
	assert.Equal(t, string(r.Body), string(v), "the call answers what the endpoint answers")

	h.addUser("alice", "pw")
	r = h.request("GET", "/api/onboarding", nil)
	assert.Equal(t, `[{"step":"user","done":true},{"step":"core_config","done":true},{"step":"analytics","done":true},{"step":"integration","done":true}]`, string(r.Body))

	r = h.request("POST", "/api/onboarding", nil)
	assert.Equal(t, 405, r.Status)
}

// TestOnboardingUsers creates the owner through the onboarding API and
// uses the code it returns, as Home Assistant's frontend does.
func TestOnboardingUsers(t *testing.T) {
	h := newHarness(t, testConfig())
	r := h.request("GET", "/auth/providers", nil)
	require.Equal(t, 400, r.Status, "LF-04: providers are hidden before onboarding")

	r = h.postJSON("/api/onboarding/users", onboardingBody())
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.json(t)
	require.Len(t, m, 1)
	code, _ := m["auth_code"].(string)
	require.Len(t, code, 32)

	// The owner is an administrator with a homeassistant login.
	v, _ := h.call(core.OpListUsers, nil)
	var users []struct {
		Name     string   `json:"name"`
		Username string   `json:"username"`
		IsOwner  bool     `json:"is_owner"`
		Groups   []string `json:"group_ids"`
	}
	require.NoError(t, json.Unmarshal(v, &users))
	require.Len(t, users, 1)
	assert.Equal(t, "Paulus", users[0].Name)
	assert.Equal(t, "paulus", users[0].Username)
	assert.True(t, users[0].IsOwner)
	assert.Equal(t, []string{"system-admin"}, users[0].Groups)
	assert.Contains(t, string(h.files[core.PathProvider]), `"username": "paulus"`, "the login is written at once")

	// The code is for the client_id that was given, once.
	r = h.postForm("/auth/token", url.Values{"client_id": {"https://other.example/"}, "grant_type": {"authorization_code"}, "code": {code}})
	assert.Equal(t, 400, r.Status)
	access, _ := h.tokens(code)
	r = h.request("GET", "/api/", nil, core.Header{Name: "authorization", Value: "Bearer " + access})
	assert.Equal(t, 200, r.Status)

	// Onboarding is over: the step refuses, providers are listed, the
	// password works.
	r = h.postJSON("/api/onboarding/users", onboardingBody())
	assert.Equal(t, 403, r.Status)
	assert.JSONEq(t, `{"message":"User step already done"}`, string(r.Body))
	r = h.request("GET", "/auth/providers", nil)
	assert.Equal(t, 200, r.Status)
	h.tokens(h.login("paulus", "test-pass"))
}

func TestOnboardingUsersRefusals(t *testing.T) {
	without := func(key string) map[string]any {
		b := onboardingBody()
		delete(b, key)
		return b
	}
	with := func(key string, v any) map[string]any {
		b := onboardingBody()
		b[key] = v
		return b
	}
	cases := []struct {
		name   string
		body   []byte
		status int
		want   string
	}{
		{"invalid_json", []byte("{"), 400, `{"message":"Invalid JSON."}`},
		{"missing_language", mustJSON(t, without("language")), 400, `{"message":"Message format incorrect: required key not provided @ data['language']"}`},
		{"password_not_a_string", mustJSON(t, with("password", 5)), 400, `{"message":"Message format incorrect: expected str for dictionary value @ data['password']"}`},
		{"extra_key", mustJSON(t, with("group", "system-admin")), 400, `{"message":"Message format incorrect: extra keys not allowed @ data['group']"}`},
		{"username_not_normalized", mustJSON(t, with("username", "Paulus")), 400, `{"message":"Username \"Paulus\" is not normalized. Please make sure the username is lowercase and does not contain any whitespace."}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			r := h.request("POST", "/api/onboarding/users", tc.body, core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
			assert.Equal(t, tc.status, r.Status)
			assert.JSONEq(t, tc.want, string(r.Body))
			// Nothing was created: onboarding is still open.
			r = h.request("GET", "/auth/providers", nil)
			assert.Equal(t, 400, r.Status)
		})
	}

	t.Run("validation_before_done", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "pw")
		r := h.postJSON("/api/onboarding/users", without("name"))
		assert.Equal(t, 400, r.Status, "the body is checked before the step's state")
	})

	t.Run("no_homeassistant_provider", func(t *testing.T) {
		cfg := testConfig()
		cfg.Providers = []core.ProviderConfig{{Type: "insecure_example", Users: []core.ExampleUser{{Username: "a", Password: "b"}}}}
		h := newHarness(t, cfg)
		r := h.postJSON("/api/onboarding/users", onboardingBody())
		assert.Equal(t, 500, r.Status)
	})
}

// TestOnboardingUsersRace sends the user step twice while the first
// password hash is still running: only one owner is created.
func TestOnboardingUsersRace(t *testing.T) {
	h := newHarness(t, testConfig())
	h.holdWork = true
	first := h.nextID + 1
	h.postJSONNoReply("/api/onboarding/users", onboardingBody())
	b := onboardingBody()
	b["username"] = "other"
	second := h.nextID + 1
	h.postJSONNoReply("/api/onboarding/users", b)
	require.Len(t, h.held, 2)
	h.holdWork = false

	held := h.held
	h.held = nil
	replies := map[uint64]*core.Reply{}
	for _, w := range held {
		r := core.DoWork(w)
		for _, e := range h.step(core.Input{WorkDone: &r}) {
			if e.Reply != nil {
				replies[e.Reply.ID] = e.Reply
			}
		}
	}
	require.Equal(t, 200, replies[first].Status, "%s", replies[first].Body)
	require.Equal(t, 403, replies[second].Status, "%s", replies[second].Body)
	v, _ := h.call(core.OpListUsers, nil)
	var users []map[string]any
	require.NoError(t, json.Unmarshal(v, &users))
	assert.Len(t, users, 1)
}

func TestCheckRedirectCall(t *testing.T) {
	h := newHarness(t, testConfig())
	cases := []struct {
		name, clientID, redirectURI, want string
	}{
		{"IA-same_host", "https://example.com/app", "https://example.com/app/callback", core.RedirectAllowed},
		{"same_host_other_path", "http://192.168.1.5:8123/", "http://192.168.1.5:8123/?auth_callback=1", core.RedirectAllowed},
		{"ios_app", "https://home-assistant.io/iOS", "homeassistant://auth-callback", core.RedirectAllowed},
		{"android_wear", "https://home-assistant.io/android", "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android", core.RedirectAllowed},
		{"other_host", "https://example.com/app", "https://evil.example/cb", core.RedirectNeedsFetch},
		{"other_scheme", "https://example.com/app", "http://example.com/app/callback", core.RedirectNeedsFetch},
		{"custom_scheme", "https://example.com/app", "myapp://cb", core.RedirectNeedsFetch},
		{"unparsable_redirect", "https://example.com/app", "http://[::1/", core.RedirectDenied},
		{"public_ip_client", "http://8.8.8.8/", "http://8.8.8.8/cb", core.RedirectInvalidClientID},
		{"not_a_url", "example.com", "https://example.com/", core.RedirectInvalidClientID},
		{"empty_client", "", "https://example.com/", core.RedirectInvalidClientID},
		{"fragment", "https://example.com/#x", "https://example.com/", core.RedirectInvalidClientID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, cerr := h.call(core.OpCheckRedirect, map[string]any{"client_id": tc.clientID, "redirect_uri": tc.redirectURI})
			require.Nil(t, cerr)
			var got string
			require.NoError(t, json.Unmarshal(v, &got))
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("missing_args", func(t *testing.T) {
		_, cerr := h.call(core.OpCheckRedirect, map[string]any{"client_id": clientID})
		require.NotNil(t, cerr)
		assert.Equal(t, core.CallInvalidArgs, cerr.Code)
	})
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// postJSONNoReply sends a JSON body whose reply waits on held work.
func (h *harness) postJSONNoReply(path string, body any) {
	h.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(h.t, err)
	h.nextID++
	h.step(core.Input{HTTP: &core.HTTPRequest{ID: h.nextID, Method: "POST", Scheme: "http", Path: path,
		Header: []core.Header{{Name: "content-type", Value: "text/plain;charset=UTF-8"}}, Body: b, Remote: h.remote}})
	for _, e := range h.effects {
		require.Nil(h.t, e.Reply, "no reply while the hash runs")
	}
}

// FuzzOnboardingUsers sends arbitrary bodies to the user step: the answer
// is always one of the step's, and only a 200 creates the owner.
func FuzzOnboardingUsers(f *testing.F) {
	f.Add([]byte(`{"client_id":"https://example.com/","name":"A","username":"a","password":"p","language":"en"}`))
	f.Add([]byte(`{"client_id":"x","name":"A","username":"A ","password":"p","language":"en"}`))
	f.Add([]byte(`{"client_id":1,"name":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"client_id":"x","name":"\u00e9","username":"\u00e9","password":"","language":"","extra":1}`))
	for _, r := range vectorseeds.MustLoad(f).HTTP {
		if r.Path == "/api/onboarding/users" {
			f.Add(r.Body)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		h := newHarness(t, testConfig())
		r := h.request("POST", "/api/onboarding/users", body, core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
		providers := h.request("GET", "/auth/providers", nil)
		switch r.Status {
		case 200:
			m := r.json(t)
			if code, _ := m["auth_code"].(string); len(code) != 32 {
				t.Fatalf("no auth code in %s", r.Body)
			}
			if providers.Status != 200 {
				t.Fatal("a 200 without an owner")
			}
		case 400:
			if providers.Status != 400 {
				t.Fatalf("a refusal created a user: %s", r.Body)
			}
		default:
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	})
}
