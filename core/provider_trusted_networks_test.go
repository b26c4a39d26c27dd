package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// baseNetworks are the networks of Home Assistant's trusted_networks tests.
var baseNetworks = []string{"192.168.0.1", "192.168.128.0/24", "::1", "fd00::/8"}

func tnConfig(mod func(*core.ProviderConfig)) core.Config {
	pc := core.ProviderConfig{Type: "trusted_networks", TrustedNetworks: baseNetworks}
	if mod != nil {
		mod(&pc)
	}
	cfg := testConfig()
	cfg.Providers = []core.ProviderConfig{pc}
	return cfg
}

func TestTrustedNetworksConfig(t *testing.T) {
	cases := []struct {
		name    string
		mod     func(*core.ProviderConfig)
		key     string
		message string
	}{
		{"TN-01/valid user id and group", func(pc *core.ProviderConfig) {
			pc.TrustedNetworks = []string{"192.168.0.1"}
			pc.TrustedUsers = []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{
				{UserID: "a1ab982744b64757bf80515589258924"}, {Group: "system-group"},
			}}}
		}, "", ""},
		{"TN-01/upper-case user id", func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{{Network: "fd00::/8", Users: []core.TrustedUser{{UserID: "A1AB982744B64757BF80515589258924"}}}}
		}, "", ""},
		{"TN-01/user id abcde", func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: "abcde"}}}}
		}, "homeassistant.auth_providers[0].trusted_users.192.168.0.1[0]", "Invalid Version4 UUID"},
		{"user id not version 4", func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{
				{UserID: userID}, {UserID: "a1ab982744b65757bf80515589258924"},
			}}}
		}, "homeassistant.auth_providers[0].trusted_users.192.168.0.1[1]", "Invalid Version4 UUID"},
		{"user id of the wrong variant", func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: "a1ab982744b64757cf80515589258924"}}}}
		}, "homeassistant.auth_providers[0].trusted_users.192.168.0.1[0]", "Invalid Version4 UUID"},
		{"missing networks", func(pc *core.ProviderConfig) { pc.TrustedNetworks = nil },
			"homeassistant.auth_providers[0].trusted_networks", "required key not provided"},
		{"bad network", func(pc *core.ProviderConfig) { pc.TrustedNetworks = []string{"10.0.0.0/8", "batman"} },
			"homeassistant.auth_providers[0].trusted_networks[1]", "'batman' does not appear to be an IPv4 or IPv6 network"},
		{"host bits", func(pc *core.ProviderConfig) { pc.TrustedNetworks = []string{"10.0.0.1/8"} },
			"homeassistant.auth_providers[0].trusted_networks[0]", "10.0.0.1/8 has host bits set"},
		{"bad trusted_users network", func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{{Network: "10.0.0.0/33"}}
		}, "homeassistant.auth_providers[0].trusted_users.10.0.0.0/33", "'10.0.0.0/33' does not appear to be an IPv4 or IPv6 network"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := core.New(tnConfig(c.mod), [32]byte{})
			if c.key == "" {
				require.NoError(t, err)
				return
			}
			var ce *core.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, c.key, ce.Key)
			assert.Equal(t, c.message, ce.Message)
		})
	}
}

// LF-03: the provider is listed only for addresses it accepts.
func TestTrustedNetworksProviderList(t *testing.T) {
	cfg := testConfig()
	cfg.Providers = []core.ProviderConfig{{Type: "trusted_networks", TrustedNetworks: []string{"192.168.0.1"},
		TrustedUsers: []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{
			{UserID: "a1ab982744b64757bf80515589258924"}, {Group: "system-group"},
		}}}}}
	h := newHarness(t, cfg, authFile(t, fixtureUsers))
	cases := []struct {
		remote    string
		providers string
		remember  bool
	}{
		{"192.168.0.1", `[{"name":"Trusted Networks","id":null,"type":"trusted_networks"}]`, true},
		{"::ffff:192.168.0.10", `[]`, true},
		{"1.2.3.4", `[]`, false},
		{"2001:db8::1", `[]`, false},
	}
	for _, c := range cases {
		t.Run("LF-03/"+c.remote, func(t *testing.T) {
			h.remote = peer(c.remote)
			r := h.request("GET", "/auth/providers", nil)
			require.Equal(t, 200, r.Status)
			assert.JSONEq(t, `{"providers":`+c.providers+`,"preselect_remember_me":`+map[bool]string{true: "true", false: "false"}[c.remember]+`}`, string(r.Body))
		})
	}
}

// flowUsers starts a trusted_networks flow from ip and returns the offered
// user ids, or the abort reason.
func flowUsers(t *testing.T, h *harness, ip string) (users []string, abort string, flowID string) {
	t.Helper()
	h.remote = peer(ip)
	r := h.openFlow("trusted_networks", clientID, redirectURI)
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m := r.json(t)
	if m["type"] == "abort" {
		return nil, m["reason"].(string), ""
	}
	require.Equal(t, "form", m["type"], "%s", r.Body)
	assert.Equal(t, "init", m["step_id"])
	assert.Nil(t, m["errors"])
	schema := m["data_schema"].([]any)
	require.Len(t, schema, 1)
	field := schema[0].(map[string]any)
	assert.Equal(t, "user", field["name"])
	assert.Equal(t, "select", field["type"])
	assert.Equal(t, true, field["required"])
	users = []string{}
	for _, o := range field["options"].([]any) {
		users = append(users, o.([]any)[0].(string))
	}
	return users, "", m["flow_id"].(string)
}

// TN-07 and TN-08 through the HTTP login flow.
func TestTrustedNetworksLoginFlow(t *testing.T) {
	t.Run("TN-07", func(t *testing.T) {
		h := newHarness(t, tnConfig(nil), authFile(t, fixtureUsers))
		_, abort, _ := flowUsers(t, h, "127.0.0.1")
		assert.Equal(t, "not_allowed", abort)

		users, _, flowID := flowUsers(t, h, "192.168.0.1")
		assert.Equal(t, []string{ownerID, userID}, users, "active non-system users in store order")
		r := h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "user": "invalid-user"})
		assert.Equal(t, 400, r.Status)
		assert.JSONEq(t, `{"message":"User input malformed"}`, string(r.Body))
		r = h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "user": inactiveID})
		assert.Equal(t, 400, r.Status, "an inactive user is not offered")

		r = h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "user": userID})
		require.Equal(t, 200, r.Status, "%s", r.Body)
		m := r.json(t)
		require.Equal(t, "create_entry", m["type"])
		assert.Equal(t, []any{"trusted_networks", nil}, m["handler"])

		r = h.exchange(clientID, m["result"].(string))
		require.Equal(t, 200, r.Status, "%s", r.Body)
		assert.Equal(t, "trusted_networks", r.json(t)["ha_auth_provider"])
	})

	t.Run("TN-08", func(t *testing.T) {
		h := newHarness(t, tnConfig(func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{
				{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: ownerID}}},
				{Network: "192.168.128.0/24", Users: []core.TrustedUser{{UserID: systemID}, {UserID: userID}}},
				{Network: "fd00::/8"},
			}
		}), authFile(t, fixtureUsers))
		cases := []struct {
			ip    string
			users []string
			abort string
		}{
			{"127.0.0.1", nil, "not_allowed"},
			{"192.168.0.1", []string{ownerID}, ""},
			{"192.168.128.1", []string{userID}, ""}, // the system user is never offered
			{"::1", []string{ownerID, userID}, ""},  // no trusted_users entry: everyone
			{"fd00::1", []string{}, ""},             // an empty list: nobody
		}
		for _, c := range cases {
			t.Run(c.ip, func(t *testing.T) {
				users, abort, _ := flowUsers(t, h, c.ip)
				assert.Equal(t, c.abort, abort)
				assert.Equal(t, c.users, users)
			})
		}
	})

	t.Run("group entries offer the group's members", func(t *testing.T) {
		h := newHarness(t, tnConfig(func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{
				{Network: "192.168.0.1", Users: []core.TrustedUser{{Group: "system-users"}}},
				{Network: "192.168.128.0/24", Users: []core.TrustedUser{{UserID: ownerID}, {Group: "system-users"}}},
			}
		}), authFile(t, fixtureUsers))
		users, _, _ := flowUsers(t, h, "192.168.0.1")
		assert.Equal(t, []string{userID}, users)
		users, _, _ = flowUsers(t, h, "192.168.128.1")
		assert.Equal(t, []string{ownerID, userID}, users)
	})

	t.Run("first matching network decides", func(t *testing.T) {
		h := newHarness(t, tnConfig(func(pc *core.ProviderConfig) {
			pc.TrustedUsers = []core.TrustedUsers{
				{Network: "192.168.128.0/25", Users: []core.TrustedUser{{UserID: ownerID}}},
				{Network: "192.168.128.0/24", Users: []core.TrustedUser{{UserID: userID}}},
			}
		}), authFile(t, fixtureUsers))
		users, _, _ := flowUsers(t, h, "192.168.128.1")
		assert.Equal(t, []string{ownerID}, users)
		users, _, _ = flowUsers(t, h, "192.168.128.200")
		assert.Equal(t, []string{userID}, users)
	})
}

// TN-10: with one user to offer, the flow ends at once.
func TestTrustedNetworksBypassLogin(t *testing.T) {
	t.Run("TN-10", func(t *testing.T) {
		only := []fixtureUser{fixtureUsers[0], fixtureUsers[1]} // the owner and a system user
		h := newHarness(t, tnConfig(func(pc *core.ProviderConfig) { pc.AllowBypassLogin = true }), authFile(t, only))

		_, abort, _ := flowUsers(t, h, "127.0.0.1")
		assert.Equal(t, "not_allowed", abort, "TN-10/untrusted")

		h.remote = peer("192.168.0.1")
		r := h.openFlow("trusted_networks", clientID, redirectURI)
		require.Equal(t, 200, r.Status)
		m := r.json(t)
		require.Equal(t, "create_entry", m["type"], "TN-10/one user: %s", r.Body)
		r = h.exchange(clientID, m["result"].(string))
		require.Equal(t, 200, r.Status, "%s", r.Body)

		_, cerr := h.call(core.OpCreateUser, map[string]any{"username": "second", "password": "pass word"})
		require.Nil(t, cerr)
		users, _, _ := flowUsers(t, h, "192.168.0.1")
		assert.Len(t, users, 2, "TN-10/two users show the form")
		assert.Equal(t, ownerID, users[0])
	})
}

// TN-02: credentials are {"user_id"}, made once per user and linked at once.
func TestTrustedNetworksCredentials(t *testing.T) {
	t.Run("TN-02", func(t *testing.T) {
		h := newHarness(t, tnConfig(nil), authFile(t, fixtureUsers))
		login := func(user string) {
			t.Helper()
			_, _, flowID := flowUsers(t, h, "192.168.0.1")
			r := h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "user": user})
			require.Equal(t, "create_entry", r.json(t)["type"], "%s", r.Body)
			r = h.exchange(clientID, r.json(t)["result"].(string))
			require.Equal(t, 200, r.Status, "%s", r.Body)
		}
		login(ownerID)
		login(ownerID)
		login(userID)

		data := h.storedAuth()
		creds := data["credentials"].([]any)
		require.Len(t, creds, 2, "one credential per user, reused")
		byUser := map[string]string{}
		for _, c := range creds {
			cm := c.(map[string]any)
			assert.Equal(t, "trusted_networks", cm["auth_provider_type"])
			assert.Nil(t, cm["auth_provider_id"])
			assert.Equal(t, map[string]any{"user_id": cm["user_id"]}, cm["data"])
			byUser[cm["user_id"].(string)] = cm["id"].(string)
		}
		assert.Contains(t, byUser, ownerID)
		assert.Contains(t, byUser, userID)
		assert.NotEqual(t, byUser[ownerID], byUser[userID])
		assert.Len(t, data["users"].([]any), len(fixtureUsers), "no user is created")
	})
}

// A user who became inactive between the form and the answer is refused.
func TestTrustedNetworksUserGoneDuringFlow(t *testing.T) {
	h := newHarness(t, tnConfig(nil), authFile(t, fixtureUsers))
	_, _, flowID := flowUsers(t, h, "192.168.0.1")
	v, cerr := h.call(core.OpListUsers, nil)
	require.Nil(t, cerr)
	require.Contains(t, string(v), userID)
	_, cerr = h.call(core.OpRemoveUser, map[string]any{"user_id": userID})
	require.Nil(t, cerr)
	r := h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "user": userID})
	require.Equal(t, 200, r.Status)
	assert.Equal(t, "abort", r.json(t)["type"])
}

// TN-06 and §7.7: every access token re-checks the client address.
func TestTrustedNetworksTokenRevalidation(t *testing.T) {
	cfg := tnConfig(nil)
	cfg.HTTP = core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"192.168.128.0/31"}}
	h := newHarness(t, cfg, authFile(t, fixtureUsers))

	code := func() string {
		t.Helper()
		_, _, flowID := flowUsers(t, h, "192.168.0.1")
		r := h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "user": ownerID})
		require.Equal(t, "create_entry", r.json(t)["type"], "%s", r.Body)
		return r.json(t)["result"].(string)
	}

	// The code is exchanged from elsewhere: the refresh token is made, the
	// access token refused.
	c := code()
	h.remote = peer("127.0.0.1")
	r := h.exchange(clientID, c)
	assert.Equal(t, 403, r.Status)
	assert.JSONEq(t, `{"error":"access_denied","error_description":"Not in trusted_networks"}`, string(r.Body))

	h.remote = peer("192.168.0.1")
	r = h.exchange(clientID, code())
	require.Equal(t, 200, r.Status, "%s", r.Body)
	refresh := r.json(t)["refresh_token"].(string)

	cases := []struct {
		name, remote string
		headers      []core.Header
		status       int
		body         string
	}{
		{"TN-06/same network", "192.168.0.1", nil, 200, ""},
		{"TN-06/loopback", "127.0.0.1", nil, 403, `{"error":"access_denied","error_description":"Not in trusted_networks"}`},
		{"TN-04/from the proxy itself", "192.168.128.1", nil, 403, `{"error":"access_denied","error_description":"Can't allow access from a proxy server"}`},
		{"TN-04/client behind the proxy", "192.168.128.1", []core.Header{xff("192.168.128.2")}, 200, ""},
		{"TN-06/no remote address", "", nil, 403, `{"error":"access_denied","error_description":"Unknown remote ip can't be used for trusted network provider."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.remote = c.remote
			if c.remote != "" {
				h.remote = peer(c.remote)
			}
			form := "client_id=" + clientID + "&grant_type=refresh_token&refresh_token=" + refresh
			headers := append([]core.Header{{Name: "content-type", Value: "application/x-www-form-urlencoded"}}, c.headers...)
			r := h.request("POST", "/auth/token", []byte(form), headers...)
			assert.Equal(t, c.status, r.Status, "%s", r.Body)
			if c.body != "" {
				assert.JSONEq(t, c.body, string(r.Body))
			}
		})
	}
}

// HTTP-05: the provider never authenticates a plain HTTP request.
func TestTrustedNetworksNeverAuthenticatesRequests(t *testing.T) {
	h := newHarness(t, tnConfig(nil), authFile(t, fixtureUsers))
	for _, ip := range []string{"192.168.0.1", "192.168.128.10", "::1", "fd00::1", "127.0.0.1", "198.51.100.1"} {
		t.Run("HTTP-05/"+ip, func(t *testing.T) {
			h.remote = peer(ip)
			r := h.request("GET", "/api/", nil)
			assert.Equal(t, 401, r.Status)
			assert.Equal(t, "401: Unauthorized", string(r.Body))
		})
	}
}

// The flow reads the address the forwarded rules give (TN-04 end to end).
func TestTrustedNetworksBehindProxy(t *testing.T) {
	cfg := tnConfig(nil)
	cfg.HTTP = core.HTTPConfig{UseXForwardedFor: true, TrustedProxies: []string{"192.168.128.0/31", "fd00::1"}}
	h := newHarness(t, cfg, authFile(t, fixtureUsers))
	cases := []struct {
		name, peer string
		xff        string
		outcome    string // "form", "not_allowed" or "400"
	}{
		{"TN-04/client 192.168.128.2", "192.168.128.1", "192.168.128.2", "form"},
		{"TN-04/client fd00::2", "fd00::1", "fd00::2", "form"},
		{"TN-04/proxy 192.168.128.0 in the chain only", "192.168.128.1", "192.168.128.0", "not_allowed"},
		{"TN-04/the proxy itself", "192.168.128.1", "", "not_allowed"},
		{"TN-04/fd00::1 itself", "fd00::1", "", "not_allowed"},
		{"spoofed trusted address left of an outside one", "192.168.128.1", "192.168.0.1, 203.0.113.4", "not_allowed"},
		{"untrusted peer claiming a trusted client", "203.0.113.9", "192.168.0.1", "400"},
		{"trusted peer claiming itself a client", "192.168.0.1", "192.168.0.1", "400"},
		{"malformed header", "192.168.128.1", "192.168.0.1, not-an-ip", "400"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.remote = peer(c.peer)
			var headers []core.Header
			if c.xff != "" {
				headers = append(headers, xff(c.xff))
			}
			body := []byte(`{"client_id":"` + clientID + `","handler":["trusted_networks",null],"redirect_uri":"` + redirectURI + `"}`)
			headers = append(headers, core.Header{Name: "content-type", Value: "application/json"})
			r := h.request("POST", "/auth/login_flow", body, headers...)
			switch c.outcome {
			case "400":
				assert.Equal(t, 400, r.Status)
				assert.Equal(t, "400: Bad Request", string(r.Body))
			default:
				require.Equal(t, 200, r.Status, "%s", r.Body)
				m := r.json(t)
				if c.outcome == "form" {
					assert.Equal(t, "form", m["type"])
				} else {
					assert.Equal(t, "abort", m["type"])
					assert.Equal(t, c.outcome, m["reason"])
				}
			}
		})
	}
}
