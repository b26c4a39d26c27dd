package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// TestProviders covers GET /auth/providers (§7.1).
func TestProviders(t *testing.T) {
	t.Run("LF-04_onboarding_required", func(t *testing.T) {
		h := newHarness(t, testConfig())
		r := h.request("GET", "/auth/providers", nil)
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"message":"Onboarding not finished","code":"onboarding_required"}`, string(r.Body))
		assert.Equal(t, "application/json", r.header("Content-Type"))
	})

	t.Run("only_system_users_is_not_onboarded", func(t *testing.T) {
		doc := `{"version":1,"minor_version":1,"key":"auth","data":{"users":[{"id":"a0000000000000000000000000000004",
			"group_ids":["system-admin"],"is_owner":false,"is_active":true,"name":"Supervisor","system_generated":true,
			"local_only":false}],"groups":[],"credentials":[],"refresh_tokens":[]}}`
		h := newHarness(t, testConfig(), core.File{Path: core.PathAuth, Data: []byte(doc)})
		r := h.request("GET", "/auth/providers", nil)
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"message":"Onboarding not finished","code":"onboarding_required"}`, string(r.Body))
	})

	t.Run("onboarding_is_checked_before_the_address", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.remote = "not-an-address"
		r := h.request("GET", "/auth/providers", nil)
		assert.Equal(t, `{"message":"Onboarding not finished","code":"onboarding_required"}`, string(r.Body))
	})

	for _, remote := range []string{"", "not-an-address", "unix:/run/hass.sock"} {
		t.Run("invalid_remote_ip/"+remote, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "pw")
			h.remote = remote
			r := h.request("GET", "/auth/providers", nil)
			assert.Equal(t, 400, r.Status)
			assert.Equal(t, `{"message":"Invalid remote IP","code":"invalid_remote_ip"}`, string(r.Body))
		})
	}

	// LF-01/LF-02: preselect_remember_me is true for local addresses only.
	for _, tc := range []struct {
		remote string
		want   bool
	}{
		{"192.168.1.10:5000", true},
		{"[::ffff:192.168.0.10]:5000", true},
		{"1.2.3.4:5000", false},
		{"[2001:db8::1]:5000", false},
		{"127.0.0.1:5000", true},
		{"[::1]:5000", true},
		{"10.1.2.3:5000", true},
		{"172.16.0.1:5000", true},
		{"172.32.0.1:5000", false},
		{"169.254.3.4:5000", true},
		{"[fd00::1]:5000", true},
		{"[fe80::1]:5000", true},
		{"8.8.8.8:5000", false},
	} {
		t.Run("LF-02_preselect_remember_me/"+tc.remote, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "pw")
			h.remote = tc.remote
			r := h.request("GET", "/auth/providers", nil)
			require.Equal(t, 200, r.Status)
			want := `{"providers":[{"name":"Home Assistant Local","id":null,"type":"homeassistant"}],"preselect_remember_me":false}`
			if tc.want {
				want = `{"providers":[{"name":"Home Assistant Local","id":null,"type":"homeassistant"}],"preselect_remember_me":true}`
			}
			assert.JSONEq(t, want, string(r.Body))
		})
	}

	t.Run("AM-01_providers_in_configuration_order", func(t *testing.T) {
		name1, name2, id2 := "Test Name", "Test Name 2", "another"
		cfg := testConfig()
		cfg.Providers = []core.ProviderConfig{
			{Type: "insecure_example", Name: &name1, Users: []core.ExampleUser{}},
			{Type: "homeassistant"},
			{Type: "insecure_example", ID: &id2, Name: &name2, Users: []core.ExampleUser{}},
		}
		h := newHarness(t, cfg)
		h.addUser("alice", "pw")
		r := h.request("GET", "/auth/providers", nil)
		require.Equal(t, 200, r.Status)
		assert.Equal(t, `{"providers":[`+
			`{"name":"Test Name","id":null,"type":"insecure_example"},`+
			`{"name":"Home Assistant Local","id":null,"type":"homeassistant"},`+
			`{"name":"Test Name 2","id":"another","type":"insecure_example"}],`+
			`"preselect_remember_me":true}`, string(r.Body))
	})
}

// TestWellKnown covers GET /.well-known/oauth-authorization-server (§7.2):
// relative endpoints unless the request came to a configured URL.
func TestWellKnown(t *testing.T) {
	const relative = `{"authorization_endpoint":"/auth/authorize","token_endpoint":"/auth/token",` +
		`"revocation_endpoint":"/auth/revoke","response_types_supported":["code"],` +
		`"service_documentation":"https://developers.home-assistant.io/docs/auth_api",` +
		`"client_id_metadata_document_supported":true,"code_challenge_methods_supported":["S256"]}`
	absolute := func(prefix string) string {
		return `{"authorization_endpoint":"` + prefix + `/auth/authorize","token_endpoint":"` + prefix + `/auth/token",` +
			`"revocation_endpoint":"` + prefix + `/auth/revoke","response_types_supported":["code"],` +
			`"service_documentation":"https://developers.home-assistant.io/docs/auth_api",` +
			`"client_id_metadata_document_supported":true,"code_challenge_methods_supported":["S256"],` +
			`"issuer":"` + prefix + `"}`
	}
	urls := []string{"http://homeassistant.local:8123", "https://ha.example.org/"}
	for _, tc := range []struct {
		name   string
		urls   []string
		host   string
		scheme string
		want   string
	}{
		{"no_urls_configured", nil, "homeassistant.local:8123", "http", relative},
		{"no_host_header", urls, "", "http", relative},
		{"other_host", urls, "192.168.1.5:8123", "http", relative},
		{"internal_url", urls, "homeassistant.local:8123", "http", absolute("http://homeassistant.local:8123")},
		{"external_url_trailing_slash_dropped", urls, "ha.example.org", "https", absolute("https://ha.example.org")},
		// get_url(require_current_request=True) compares the request's
		// host name only, and answers with the configured URL.
		{"port_is_not_compared", urls, "homeassistant.local:9999", "http", absolute("http://homeassistant.local:8123")},
		{"scheme_is_not_compared", urls, "ha.example.org:443", "http", absolute("https://ha.example.org")},
		{"default_port_dropped", []string{"https://ha.example.org:443"}, "ha.example.org", "https", absolute("https://ha.example.org")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.URLs = tc.urls
			h := newHarness(t, cfg)
			h.nextID++
			id := h.nextID
			var hdr []core.Header
			if tc.host != "" {
				hdr = []core.Header{{Name: "host", Value: tc.host}}
			}
			h.step(core.Input{HTTP: &core.HTTPRequest{ID: id, Method: "GET", Scheme: tc.scheme,
				Path: "/.well-known/oauth-authorization-server", Header: hdr, Remote: h.remote}})
			r, ok := h.replyTo(id)
			require.True(t, ok)
			assert.Equal(t, 200, r.Status)
			assert.Equal(t, tc.want, string(r.Body))
		})
	}

	t.Run("forwarded_host_from_a_trusted_proxy", func(t *testing.T) {
		cfg := testConfig()
		cfg.URLs = urls
		cfg.HTTP.UseXForwardedFor = true
		cfg.HTTP.TrustedProxies = []string{"192.168.1.10"}
		h := newHarness(t, cfg)
		r := h.request("GET", "/.well-known/oauth-authorization-server", nil,
			core.Header{Name: "host", Value: "127.0.0.1:8123"},
			core.Header{Name: "x-forwarded-for", Value: "203.0.113.7"},
			core.Header{Name: "x-forwarded-host", Value: "ha.example.org"},
			core.Header{Name: "x-forwarded-proto", Value: "https"})
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, absolute("https://ha.example.org"), string(r.Body))
	})
}
