package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// finishFlow runs a homeassistant login for client and redirect up to the
// point where the core answers or asks for the client's page. It returns
// the request id.
func (h *harness) finishFlow(client, redirect string) uint64 {
	h.t.Helper()
	flow := h.startFlow([]any{"homeassistant", nil}, client, redirect)
	return h.send("POST", "/auth/login_flow/"+flow,
		[]byte(`{"client_id":"`+client+`","username":"alice","password":"secret"}`),
		core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
}

// TestRedirectURI covers verify_redirect_uri through the login flow (§7.5
// step 1, §8.2): the same host and the mobile apps need no fetch, anything
// else is decided by the client's page, which the host fetches.
func TestRedirectURI(t *testing.T) {
	for _, tc := range []struct {
		name, client, redirect string
	}{
		{"IA-34_same_scheme_and_host", "http://ex.com", "http://ex.com/callback"},
		{"same_host_case_insensitive", "https://EXAMPLE.com/app", "https://example.COM/other?x=1"},
		{"same_host_and_port", "http://127.0.0.1:8123/", "http://127.0.0.1:8123/?auth_callback=1"},
		{"IA-38_ios_app", "https://home-assistant.io/iOS", "homeassistant://auth-callback"},
		{"IA-38_android_app", "https://home-assistant.io/android", "homeassistant://auth-callback"},
		{"android_wear", "https://home-assistant.io/android", "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android"},
		{"IA-42_android_wear_cn", "https://home-assistant.io/android", "https://wear.googleapis-cn.com/3p_auth/io.homeassistant.companion.android"},
	} {
		t.Run("allowed_without_fetch/"+tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "secret")
			id := h.finishFlow(tc.client, tc.redirect)
			assert.Empty(t, h.fetches())
			r, ok := h.replyTo(id)
			require.True(t, ok)
			assert.Equal(t, 200, r.Status, "%s", r.Body)
			assert.Equal(t, "create_entry", r.json(t)["type"])
		})
	}

	for _, tc := range []struct {
		name, client, redirect string
	}{
		{"IA-36_scheme_differs", "http://ex.com", "https://ex.com/callback"},
		{"IA-37_subdomain_differs", "https://sub1.ex.com", "https://sub2.ex.com/callback"},
		{"port_differs", "http://ex.com:8123", "http://ex.com:8124/"},
		{"IA-39_ios_other_callback", "https://home-assistant.io/iOS", "homeassistant://something-else"},
		{"IA-39_android_other_callback", "https://home-assistant.io/android", "homeassistant://something-else"},
		{"IA-40_app_callback_for_another_client", "https://incorrect.com", "homeassistant://auth-callback"},
		{"IA-42_ios_wear_cn", "https://home-assistant.io/iOS", "https://wear.googleapis-cn.com/3p_auth/io.homeassistant.companion.android"},
		{"LF-09_other_domain", clientID, "https://some-other-domain.com"},
	} {
		t.Run("decided_by_the_page/"+tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "secret")
			id := h.finishFlow(tc.client, tc.redirect)
			_, answered := h.replyTo(id)
			require.False(t, answered)
			fs := h.fetches()
			require.Len(t, fs, 1)
			assert.Equal(t, tc.client, fs[0].URL)
			assert.Equal(t, 10240, fs[0].MaxBytes)
			assert.Equal(t, 5000, fs[0].TimeoutMillis)
			assert.True(t, fs[0].FollowRedirects)

			// A page that lists nothing refuses the redirect URI; the
			// refusal counts as a failed login.
			h.step(core.Input{FetchDone: &core.FetchResult{ID: fs[0].ID, Status: 200, Body: []byte(`<html><head></head></html>`)}})
			r, ok := h.replyTo(id)
			require.True(t, ok)
			assert.Equal(t, 403, r.Status)
			assert.Equal(t, `{"message":"Invalid redirect URI"}`, string(r.Body))
			assert.Equal(t, 1, h.failedLogins())
		})
	}

	t.Run("fetch_error_refuses", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret")
		id := h.finishFlow(clientID, "https://other.example/cb")
		fs := h.fetches()
		require.Len(t, fs, 1)
		h.step(core.Input{FetchDone: &core.FetchResult{ID: fs[0].ID, Error: "dial tcp: connection refused"}})
		r, ok := h.replyTo(id)
		require.True(t, ok)
		assert.Equal(t, 403, r.Status)
		assert.Equal(t, `{"message":"Invalid redirect URI"}`, string(r.Body))
	})

	t.Run("IA-44_page_lists_the_redirect_uri", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret")
		id := h.finishFlow("http://127.0.0.1:8000", "http://127.0.0.2:8000/beer")
		fs := h.fetches()
		require.Len(t, fs, 1)
		page := `<link rel="redirect_uri" href="hass://oauth2_redirect">` +
			`<link rel="other_value" href="http://127.0.0.2:8000/beer">` +
			`<link rel="redirect_uri" href="http://127.0.0.2:8000/beer">`
		h.step(core.Input{FetchDone: &core.FetchResult{ID: fs[0].ID, Status: 200, Body: []byte(page)}})
		r, ok := h.replyTo(id)
		require.True(t, ok)
		assert.Equal(t, 200, r.Status, "%s", r.Body)
		m := r.json(t)
		assert.Equal(t, "create_entry", m["type"])
		// The code works for the client that finished the flow.
		r = h.postForm("/auth/token", formOf("client_id", "http://127.0.0.1:8000", "grant_type", "authorization_code", "code", m["result"].(string)))
		assert.Equal(t, 200, r.Status, "%s", r.Body)
	})

	t.Run("relative_href_resolved_against_the_client", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret")
		id := h.finishFlow("https://app.example/", "https://app.example:444/cb")
		fs := h.fetches()
		require.Len(t, fs, 1)
		h.step(core.Input{FetchDone: &core.FetchResult{ID: fs[0].ID, Status: 200, Body: []byte(`<link rel="redirect_uri" href="/cb">`)}})
		r, _ := h.replyTo(id)
		// /cb resolves to https://app.example/cb, not the :444 URI.
		assert.Equal(t, 403, r.Status)
	})

	t.Run("the_flow_is_gone_after_a_refusal", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret")
		flow := h.startFlow([]any{"homeassistant", nil}, "http://ex.com", "https://ex.com/callback")
		id := h.send("POST", "/auth/login_flow/"+flow, []byte(`{"client_id":"http://ex.com","username":"alice","password":"secret"}`))
		fs := h.fetches()
		require.Len(t, fs, 1)
		h.step(core.Input{FetchDone: &core.FetchResult{ID: fs[0].ID, Status: 404}})
		r, _ := h.replyTo(id)
		assert.Equal(t, 403, r.Status)
		r = h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": "http://ex.com", "username": "alice", "password": "secret"})
		assert.Equal(t, 404, r.Status)
	})
}

// TestLoginBlocked covers §7.5 step 3: a linked user who may not
// authenticate gets no code.
func TestLoginBlocked(t *testing.T) {
	for _, tc := range []struct {
		name, username, remote string
		status                 int
		body                   string
	}{
		{"inactive_user", "inactive-user", "192.168.1.10:5000", 403, `{"message":"Login blocked: User is not active"}`},
		{"LF-11_local_only_user_from_outside", "local-user", "203.0.113.9:5000", 403, `{"message":"Login blocked: User cannot authenticate remotely"}`},
		{"local_only_user_from_the_local_network", "local-user", "192.168.1.10:5000", 200, ""},
		{"local_only_user_from_loopback", "local-user", "127.0.0.1:5000", 200, ""},
		{"active_user_from_outside", "test-user", "203.0.113.9:5000", 200, ""},
		// New credentials have no user yet: nothing to block.
		{"new_credentials", "new-user", "203.0.113.9:5000", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFixture(t)
			h.remote = tc.remote
			flow := h.startFlow([]any{"insecure_example", nil}, clientID, redirectURI)
			r := h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "username": tc.username, "password": "test-pass"})
			assert.Equal(t, tc.status, r.Status)
			if tc.status != 200 {
				assert.Equal(t, tc.body, string(r.Body))
				assert.Equal(t, 1, h.failedLogins())
				return
			}
			assert.Equal(t, "create_entry", r.json(t)["type"])
			assert.Equal(t, 0, h.failedLogins())
		})
	}
}
