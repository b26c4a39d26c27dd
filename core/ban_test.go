package core_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

func banConfig(threshold int) core.Config {
	cfg := testConfig()
	cfg.HTTP.LoginAttemptsThreshold = &threshold
	return cfg
}

// newHarnessWithBans is newHarness with ip_bans.yaml entries in the Load.
func newHarnessWithBans(t *testing.T, cfg core.Config, bans []core.Ban, files ...core.File) *harness {
	t.Helper()
	var seed [32]byte
	c, err := core.New(cfg, seed)
	require.NoError(t, err)
	h := &harness{t: t, c: c, now: t0, files: map[string][]byte{}, remote: "192.168.1.10:50000"}
	h.step(core.Input{Load: &core.Load{Files: files, Bans: bans}})
	return h
}

// wrongPassword runs a login with a wrong password from h.remote.
func wrongPassword(t *testing.T, h *harness) {
	t.Helper()
	r := h.openFlow("homeassistant", clientID, redirectURI)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	r = h.postJSON("/auth/login_flow/"+r.json(t)["flow_id"].(string), map[string]any{"client_id": clientID, "username": "alice", "password": "wrong"})
	require.Equal(t, 200, r.Status)
	require.Equal(t, map[string]any{"base": "invalid_auth"}, r.json(t)["errors"])
}

// newBans returns the Ban effects of the last step.
func newBans(h *harness) []core.Ban {
	var out []core.Ban
	for _, e := range h.effects {
		if e.Ban != nil {
			out = append(out, *e.Ban)
		}
	}
	return out
}

// wsAuth opens a websocket from h.remote and sends an auth message; it
// returns the frames and closes of that step.
func wsAuth(h *harness, conn uint64, token string) (sent []string, closed bool) {
	h.step(core.Input{WSOpen: &core.WSOpen{Conn: conn, Remote: h.remote}})
	for _, e := range h.effects {
		if e.Close != nil && e.Close.Conn == conn {
			return nil, true
		}
	}
	msg, _ := json.Marshal(map[string]any{"type": "auth", "access_token": token})
	h.step(core.Input{WSMessage: &core.WSMessage{Conn: conn, Data: msg}})
	for _, e := range h.effects {
		if e.Send != nil && e.Send.Conn == conn {
			sent = append(sent, string(e.Send.Data))
		}
		if e.Close != nil && e.Close.Conn == conn {
			closed = true
		}
	}
	return sent, closed
}

// §9.4: every source of a failed login counts, each from its own address
// with a threshold of one.
func TestFailedLoginSources(t *testing.T) {
	pin := "123456"
	files := []core.File{authFileWithCredentials(t, fixtureUsers, []map[string]any{{
		"id": "f6f04d7c99094cac84d5a6aa34703479", "user_id": ownerID, "auth_provider_type": "insecure_example",
		"auth_provider_id": nil, "data": map[string]any{"username": "test-user"},
	}})}
	cfg := banConfig(1)
	cfg.Providers = []core.ProviderConfig{{Type: "homeassistant"}, {Type: "insecure_example", Users: []core.ExampleUser{{Username: "test-user", Password: "test-pass"}}}}
	cfg.MFAModules = []core.MFAModuleConfig{{Type: "insecure_example", Data: []core.ExamplePIN{{UserID: ownerID, PIN: pin}}}}

	sources := []struct {
		name string
		do   func(t *testing.T, h *harness)
	}{
		{"invalid_auth form", wrongPassword},
		{"invalid_code form", func(t *testing.T, h *harness) {
			r := h.openFlow("insecure_example", clientID, redirectURI)
			r = h.postJSON("/auth/login_flow/"+r.json(t)["flow_id"].(string), map[string]any{"client_id": clientID, "username": "test-user", "password": "test-pass"})
			require.Equal(t, "mfa", r.json(t)["step_id"], "%s", r.Body)
			r = h.postJSON("/auth/login_flow/"+r.json(t)["flow_id"].(string), map[string]any{"client_id": clientID, "pin": "000000"})
			require.Equal(t, map[string]any{"base": "invalid_code"}, r.json(t)["errors"], "%s", r.Body)
		}},
		{"401", func(t *testing.T, h *harness) {
			require.Equal(t, 401, h.request("GET", "/api/", nil, core.Header{Name: "authorization", Value: "Bearer nope"}).Status)
		}},
		{"/auth/token 400", func(t *testing.T, h *harness) {
			require.Equal(t, 400, h.postForm("/auth/token", url.Values{"grant_type": {"password"}}).Status)
		}},
		{"/auth/token invalid code", func(t *testing.T, h *harness) {
			require.Equal(t, 400, h.exchange(clientID, "0123456789abcdef0123456789abcdef").Status)
		}},
		{"invalid redirect URI", func(t *testing.T, h *harness) {
			id := loginUntilRedirectCheck(t, h, clientID, "http://[::1")
			require.Equal(t, 403, h.mustAnswer(id).Status)
		}},
		// Both login-flow views carry log_invalid_auth: any answer of 400 or
		// more after the body passed its schema counts.
		{"login flow invalid client id", func(t *testing.T, h *harness) {
			require.Equal(t, 400, h.openFlow("homeassistant", "nope", redirectURI).Status)
		}},
		{"unknown flow", func(t *testing.T, h *harness) {
			require.Equal(t, 404, h.postJSON("/auth/login_flow/nope", map[string]any{"client_id": clientID}).Status)
		}},
		{"websocket auth_invalid", func(t *testing.T, h *harness) {
			sent, closed := wsAuth(h, 7, "not a token")
			require.Contains(t, sent, `{"type":"auth_invalid","message":"Invalid access token or password"}`)
			require.True(t, closed)
		}},
	}
	for i, s := range sources {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, cfg, files...)
			h.addUser("alice", "secret pass")
			ip := "203.0.113." + string(rune('1'+i))
			h.remote = peer(ip)
			s.do(t, h)
			bans := newBans(h)
			require.Len(t, bans, 1, "one failure bans at threshold 1")
			// The ban is recorded before the answer that caused it.
			for _, e := range h.effects {
				if e.Ban != nil {
					break
				}
				require.Nil(t, e.Reply, "a reply came before the ban")
			}
			assert.Equal(t, core.Ban{IP: ip, BannedAt: "2026-09-01T10:00:00+00:00"}, bans[0])
			assert.Equal(t, 1, h.logged("Banned IP "+ip+" for too many login attempts"))
		})
	}

	notCounted := []struct {
		name string
		do   func(t *testing.T, h *harness)
	}{
		{"login flow schema error", func(t *testing.T, h *harness) {
			require.Equal(t, 400, h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID}).Status)
		}},
		{"revoke of an unknown token", func(t *testing.T, h *harness) {
			require.Equal(t, 200, h.postForm("/auth/revoke", url.Values{"token": {"nope"}}).Status)
		}},
	}
	for _, s := range notCounted {
		t.Run("not counted/"+s.name, func(t *testing.T) {
			h := newHarness(t, cfg, files...)
			h.remote = peer("203.0.113.99")
			s.do(t, h)
			assert.Empty(t, newBans(h))
			assert.Equal(t, 0, h.logged(wrongLoginLog))
		})
	}
}

// authFileWithCredentials is authFile with credentials.
func authFileWithCredentials(t testing.TB, users []fixtureUser, creds []map[string]any) core.File {
	t.Helper()
	f := authFile(t, users)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(f.Data, &doc))
	doc["data"].(map[string]any)["credentials"] = creds
	b, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	return core.File{Path: f.Path, Data: b}
}

func TestBanThreshold(t *testing.T) {
	h := newHarness(t, banConfig(3))
	h.addUser("alice", "secret pass")
	h.remote = peer("203.0.113.5")
	wrongPassword(t, h)
	wrongPassword(t, h)
	assert.Empty(t, newBans(h))
	wrongPassword(t, h)
	require.Len(t, newBans(h), 1)

	// Every request from the address is now refused before routing.
	for _, path := range []string{"/auth/providers", "/auth/login_flow", "/nowhere", "/api/websocket", "/auth/external/callback"} {
		r := h.request("GET", path, nil)
		assert.Equal(t, 403, r.Status, path)
		assert.Equal(t, "403: Forbidden", string(r.Body), path)
	}
	r := h.request("OPTIONS", "/auth/token", nil, core.Header{Name: "origin", Value: "https://x"}, core.Header{Name: "access-control-request-method", Value: "POST"})
	assert.Equal(t, 403, r.Status)
	_, closed := wsAuth(h, 9, "x")
	assert.True(t, closed, "a websocket from a banned address is closed at once")

	// Another address is unaffected.
	h.remote = peer("203.0.113.6")
	assert.Equal(t, 200, h.request("GET", "/auth/providers", nil).Status)
}

// process_success_login forgets the failures, never a ban.
func TestBanCounterReset(t *testing.T) {
	h := newHarness(t, banConfig(3))
	h.addUser("alice", "secret pass")
	h.remote = peer("203.0.113.5")
	wrongPassword(t, h)
	wrongPassword(t, h)
	access, _ := h.tokens(h.login("alice", "secret pass"))
	wrongPassword(t, h)
	wrongPassword(t, h)
	assert.Empty(t, newBans(h), "the login reset the count")

	sent, _ := wsAuth(h, 3, access)
	require.Len(t, sent, 1)
	assert.Contains(t, sent[0], `"type":"auth_ok"`)
	wrongPassword(t, h)
	wrongPassword(t, h)
	assert.Empty(t, newBans(h), "the websocket auth_ok reset the count")
	wrongPassword(t, h)
	require.Len(t, newBans(h), 1)

	// A success after the ban does not lift it.
	assert.Equal(t, 403, h.request("GET", "/auth/providers", nil).Status)
}

func TestBansDisabled(t *testing.T) {
	off := false
	cases := []struct {
		name string
		cfg  func() core.Config
	}{
		{"ip_ban_enabled false", func() core.Config { c := banConfig(1); c.HTTP.IPBanEnabled = &off; return c }},
		{"threshold -1", func() core.Config { return banConfig(-1) }},
		{"threshold 0", func() core.Config { return banConfig(0) }},
		{"no threshold", func() core.Config { return testConfig() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.cfg())
			h.addUser("alice", "secret pass")
			h.remote = peer("203.0.113.5")
			for i := 0; i < 5; i++ {
				wrongPassword(t, h)
				assert.Empty(t, newBans(h))
				assert.Equal(t, 1, h.logged(wrongLoginLog), "still logged")
			}
		})
	}
	t.Run("ip_ban_enabled false ignores ip_bans.yaml", func(t *testing.T) {
		cfg := testConfig()
		cfg.HTTP.IPBanEnabled = &off
		h := newHarnessWithBans(t, cfg, []core.Ban{{IP: "203.0.113.5"}})
		h.remote = peer("203.0.113.5")
		assert.Equal(t, 400, h.request("GET", "/auth/providers", nil).Status, "onboarding, not a ban")
	})
}

// Bans read from ip_bans.yaml apply from the start, version-strictly.
func TestLoadedBans(t *testing.T) {
	h := newHarnessWithBans(t, testConfig(), []core.Ban{{IP: "203.0.113.5", BannedAt: "2026-01-01T00:00:00+00:00"}, {IP: "2001:db8::7"}, {IP: "::ffff:198.51.100.1"}})
	cases := []struct {
		remote string
		status int
	}{
		{"203.0.113.5", 403},
		{"2001:db8::7", 403},
		{"203.0.113.6", 400},
		{"198.51.100.1", 400}, // the mapped form is another address
	}
	for _, c := range cases {
		t.Run(c.remote, func(t *testing.T) {
			h.remote = peer(c.remote)
			assert.Equal(t, c.status, h.request("GET", "/auth/providers", nil).Status)
		})
	}
}

// Behind a trusted proxy the client is counted and banned, never the proxy.
func TestBansBehindProxy(t *testing.T) {
	cfg := banConfig(2)
	cfg.HTTP.UseXForwardedFor = true
	cfg.HTTP.TrustedProxies = []string{"10.0.0.1"}
	h := newHarnessWithBans(t, cfg, []core.Ban{{IP: "10.0.0.1"}})
	h.addUser("alice", "secret pass")
	h.remote = peer("10.0.0.1")

	// The proxy's own requests: it is listed in ip_bans.yaml, and fails,
	// yet is never refused or banned.
	for i := 0; i < 4; i++ {
		r := h.request("GET", "/api/", nil)
		assert.Equal(t, 401, r.Status)
		assert.Empty(t, newBans(h))
	}

	fail := func(client string) response {
		return h.request("GET", "/api/", nil, xff(client))
	}
	fail("203.0.113.5")
	assert.Empty(t, newBans(h))
	fail("203.0.113.5")
	require.Equal(t, []core.Ban{{IP: "203.0.113.5", BannedAt: "2026-09-01T10:00:00+00:00"}}, newBans(h))
	assert.Equal(t, 403, fail("203.0.113.5").Status)
	assert.Equal(t, 401, fail("203.0.113.6").Status, "another client behind the same proxy")
	assert.Equal(t, 401, h.request("GET", "/api/", nil).Status, "the proxy itself")

	// A chain the proxy does not vouch for is refused before the ban check.
	r := h.request("GET", "/api/", nil, xff("203.0.113.5, bogus"))
	assert.Equal(t, 400, r.Status)
	// An untrusted peer cannot unban a client by claiming to forward it.
	h.remote = peer("203.0.113.5")
	assert.Equal(t, 403, h.request("GET", "/api/", nil).Status)
	h.remote = peer("198.51.100.9")
	assert.Equal(t, 400, h.request("GET", "/api/", nil, xff("203.0.113.6")).Status)
}
