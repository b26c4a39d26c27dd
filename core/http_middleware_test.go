package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

func proxyConfig() core.Config {
	cfg := testConfig()
	cfg.HTTP.UseXForwardedFor = true
	cfg.HTTP.TrustedProxies = []string{"10.0.0.0/30", "fd00::1"}
	return cfg
}

// Home Assistant's forwarded rules, end to end: a header it refuses gets
// its bare 400 on any endpoint, before routing and before bans.
func TestForwardedHeadersRefused(t *testing.T) {
	cases := []struct {
		name    string
		cfg     func() core.Config
		peer    string
		headers []core.Header
	}{
		{"use_x_forwarded_for off", testConfig, "10.0.0.1", []core.Header{xff("203.0.113.5")}},
		{"untrusted peer", proxyConfig, "198.51.100.1", []core.Header{xff("203.0.113.5")}},
		{"not an address", proxyConfig, "10.0.0.1", []core.Header{xff("203.0.113.5, localhost")}},
		{"empty item", proxyConfig, "10.0.0.1", []core.Header{xff("203.0.113.5,,10.0.0.2")}},
		{"port in the item", proxyConfig, "10.0.0.1", []core.Header{xff("203.0.113.5:1234")}},
		{"empty proto", proxyConfig, "10.0.0.1", []core.Header{xff("203.0.113.5"), {Name: "x-forwarded-proto", Value: " "}}},
		{"proto count", proxyConfig, "10.0.0.1", []core.Header{xff("203.0.113.5, 10.0.0.2"), {Name: "x-forwarded-proto", Value: "https, http, http"}}},
		{"empty host", proxyConfig, "10.0.0.1", []core.Header{xff("203.0.113.5"), {Name: "x-forwarded-host", Value: ""}}},
	}
	for _, c := range cases {
		for _, path := range []string{"/auth/providers", "/auth/token", "/api/websocket", "/nowhere"} {
			t.Run(c.name+path, func(t *testing.T) {
				h := newHarness(t, c.cfg())
				h.addUser("alice", "secret pass")
				h.remote = peer(c.peer)
				r := h.request("GET", path, nil, c.headers...)
				assert.Equal(t, 400, r.Status)
				assert.Equal(t, "400: Bad Request", string(r.Body))
				assert.Equal(t, "text/plain; charset=utf-8", r.header("Content-Type"))
			})
		}
	}
}

// A login through a reverse proxy belongs to the real client only when the
// proxy is trusted; otherwise to the proxy.
func TestLoginAttributionBehindProxy(t *testing.T) {
	lastUsedIP := func(t *testing.T, h *harness) any {
		t.Helper()
		for _, rt := range h.storedAuth()["refresh_tokens"].([]any) {
			m := rt.(map[string]any)
			if m["token_type"] == "normal" {
				return m["last_used_ip"]
			}
		}
		t.Fatal("no normal refresh token")
		return nil
	}

	t.Run("trusted proxy", func(t *testing.T) {
		h := newHarness(t, proxyConfig())
		h.addUser("alice", "secret pass")
		h.remote = peer("10.0.0.1")
		via := xff("203.0.113.5")
		start := h.request("POST", "/auth/login_flow", []byte(`{"client_id":"`+clientID+`","handler":["homeassistant",null],"redirect_uri":"`+redirectURI+`"}`), via)
		require.Equal(t, 200, start.Status)
		step := "/auth/login_flow/" + start.json(t)["flow_id"].(string)
		body := []byte(`{"client_id":"` + clientID + `","username":"alice","password":"secret pass"}`)

		// The same proxy without the header is another client.
		r := h.request("POST", step, body)
		assert.Equal(t, 400, r.Status)
		assert.JSONEq(t, `{"message":"IP address changed"}`, string(r.Body))
		r = h.request("POST", step, body, xff("203.0.113.6"))
		assert.JSONEq(t, `{"message":"IP address changed"}`, string(r.Body))

		r = h.request("POST", step, body, via)
		require.Equal(t, "create_entry", r.json(t)["type"], "%s", r.Body)
		r = h.request("POST", "/auth/token", []byte("client_id="+clientID+"&grant_type=authorization_code&code="+r.json(t)["result"].(string)),
			core.Header{Name: "content-type", Value: "application/x-www-form-urlencoded"}, via)
		require.Equal(t, 200, r.Status, "%s", r.Body)
		assert.Equal(t, "203.0.113.5", lastUsedIP(t, h))
	})

	t.Run("untrusted proxy without the header", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret pass")
		h.remote = peer("198.51.100.1")
		h.tokens(h.login("alice", "secret pass"))
		assert.Equal(t, "198.51.100.1", lastUsedIP(t, h))
	})
}

// A spoofed header never makes a remote client local.
func TestLocalOnlyUserBehindProxy(t *testing.T) {
	t.Run("HTTP-09", func(t *testing.T) {
		h := newHarness(t, proxyConfig())
		h.addUser("owner", "owner pass")
		_, cerr := h.call(core.OpCreateUser, map[string]any{"username": "local", "password": "x", "local_only": true})
		require.Nil(t, cerr)

		login := func(headers ...core.Header) response {
			t.Helper()
			start := h.request("POST", "/auth/login_flow", []byte(`{"client_id":"`+clientID+`","handler":["homeassistant",null],"redirect_uri":"`+redirectURI+`"}`), headers...)
			if start.Status != 200 {
				return start
			}
			return h.request("POST", "/auth/login_flow/"+start.json(t)["flow_id"].(string),
				[]byte(`{"client_id":"`+clientID+`","username":"local","password":"x"}`), headers...)
		}
		h.remote = peer("10.0.0.1")
		r := login(xff("192.168.1.20"))
		assert.Equal(t, "create_entry", r.json(t)["type"], "HTTP-09/local client behind the proxy: %s", r.Body)

		r = login(xff("198.51.100.1"))
		assert.Equal(t, 403, r.Status)
		assert.JSONEq(t, `{"message":"Login blocked: User cannot authenticate remotely"}`, string(r.Body))

		r = login(xff("192.168.1.20, 198.51.100.1"))
		assert.Equal(t, 403, r.Status, "a local address written left of the real client is ignored")

		h.remote = peer("198.51.100.2")
		r = login(xff("192.168.1.20"))
		assert.Equal(t, 400, r.Status, "an untrusted peer cannot claim a local client")
		assert.Equal(t, "400: Bad Request", string(r.Body))
	})
}

// The websocket upgrade request passes the same middlewares; 101 lets the
// host complete it.
func TestWebsocketUpgradeRequest(t *testing.T) {
	h := newHarness(t, proxyConfig())
	h.remote = peer("10.0.0.1")
	r := h.request("GET", "/api/websocket", nil)
	assert.Equal(t, 101, r.Status)
	assert.Empty(t, r.Body)
	r = h.request("GET", "/api/websocket", nil, xff("203.0.113.5"))
	assert.Equal(t, 101, r.Status)
	r = h.request("GET", "/api/websocket", nil, xff("bogus"))
	assert.Equal(t, 400, r.Status)
	r = h.request("POST", "/api/websocket", nil)
	assert.Equal(t, 405, r.Status)
	r = h.request("HEAD", "/api/websocket", nil)
	assert.Equal(t, 405, r.Status)
}

// X-Forwarded-Proto and -Host from a trusted proxy decide the issuer.
func TestWellKnownBehindProxy(t *testing.T) {
	cfg := proxyConfig()
	cfg.URLs = []string{"https://ha.example.com"}
	h := newHarness(t, cfg)
	h.remote = peer("10.0.0.1")
	r := h.request("GET", "/.well-known/oauth-authorization-server", nil,
		core.Header{Name: "host", Value: "10.0.0.5:8123"}, xff("203.0.113.5"),
		core.Header{Name: "x-forwarded-proto", Value: "https"}, core.Header{Name: "x-forwarded-host", Value: "ha.example.com"})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "https://ha.example.com", r.json(t)["issuer"])

	// Without the forwarded host the request came to an unknown URL.
	r = h.request("GET", "/.well-known/oauth-authorization-server", nil, core.Header{Name: "host", Value: "10.0.0.5:8123"})
	assert.NotContains(t, r.json(t), "issuer")
}
