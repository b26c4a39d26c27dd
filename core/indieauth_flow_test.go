package core_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// loginUntilRedirectCheck starts a homeassistant login with client and
// redirect, submits the right password, and returns the id of the request
// that completes the flow (its reply may wait for a fetch).
func loginUntilRedirectCheck(t *testing.T, h *harness, client, redirect string) uint64 {
	t.Helper()
	r := h.openFlow("homeassistant", client, redirect)
	require.Equal(t, 200, r.Status, "redirect_uri is not checked when the flow starts: %s", r.Body)
	flowID := r.json(t)["flow_id"].(string)
	return h.beginJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": client, "username": "alice", "password": "secret pass"})
}

func newIndieAuthHarness(t *testing.T) *harness {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")
	return h
}

// IndieAuth (spec §8) as the end of a login flow: the redirect URI is
// checked only when the flow has its result, by fetching the client's page
// when the URI is on another host.
func TestLoginRedirectURIDiscovery(t *testing.T) {
	const page = `<!doctype html><html><head>
<link rel="redirect_uri" href="hass://oauth2_redirect">
<link rel="other_value" href="hass://other">
<link rel="redirect_uri" href="/beer">
</head></html>`
	const client = "http://127.0.0.1:8000"
	cases := []struct {
		name     string
		client   string
		redirect string
		result   *core.FetchResult // nil: no fetch expected
		allowed  bool
	}{
		{"IA-34/same host needs no fetch", "http://ex.com", "http://ex.com/callback", nil, true},
		{"IA-38/iOS app callback", "https://home-assistant.io/iOS", "homeassistant://auth-callback", nil, true},
		{"IA-42/android wear China", "https://home-assistant.io/android", "https://wear.googleapis-cn.com/3p_auth/io.homeassistant.companion.android", nil, true},
		{"IA-44/link tag", client, "hass://oauth2_redirect", &core.FetchResult{Status: 200, Body: []byte(page)}, true},
		{"IA-44/other rel ignored", client, "hass://other", &core.FetchResult{Status: 200, Body: []byte(page)}, false},
		{"link tags count after a redirect", client, "hass://oauth2_redirect", &core.FetchResult{Status: 200, Redirected: true, Body: []byte(page)}, true},
		{"link tags count on any status", client, "hass://oauth2_redirect", &core.FetchResult{Status: 404, Body: []byte(page)}, true},
		{"IA-45/links before 10 KiB are read", client, "hass://wine",
			&core.FetchResult{Status: 200, Body: []byte(`<link rel="redirect_uri" href="hass://wine">` + strings.Repeat("0", 10240) + `<link rel="redirect_uri" href="hass://beer">`)}, true},
		{"IA-45/links after 10 KiB are not read", client, "hass://beer",
			&core.FetchResult{Status: 200, Body: []byte(`<link rel="redirect_uri" href="hass://wine">` + strings.Repeat("0", 10240) + `<link rel="redirect_uri" href="hass://beer">`)}, false},
		{"IA-46/a failed fetch advertises nothing", client, "hass://oauth2_redirect", &core.FetchResult{Error: "dial tcp: connection refused"}, false},
		{"a fetch cut short keeps the links read", client, "hass://oauth2_redirect",
			&core.FetchResult{Status: 200, Error: "unexpected EOF", Body: []byte(`<link rel="redirect_uri" href="hass://oauth2_redirect">`)}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newIndieAuthHarness(t)
			id := loginUntilRedirectCheck(t, h, c.client, c.redirect)
			fetches := h.fetches()
			if c.result == nil {
				require.Empty(t, fetches)
			} else {
				require.Len(t, fetches, 1)
				f := fetches[0]
				assert.Equal(t, c.client, f.URL)
				assert.Equal(t, 10240, f.MaxBytes)
				assert.Equal(t, 5000, f.TimeoutMillis)
				assert.True(t, f.FollowRedirects)
				_, answered := h.answer(id)
				require.False(t, answered, "the last step waits for the fetch")
				res := *c.result
				res.ID = f.ID
				h.step(core.Input{FetchDone: &res})
			}
			r := h.mustAnswer(id)
			if c.allowed {
				require.Equal(t, 200, r.Status, "%s", r.Body)
				assert.Equal(t, "create_entry", r.json(t)["type"])
				code := r.json(t)["result"].(string)
				assert.Equal(t, 200, h.exchange(c.client, code).Status)
			} else {
				assert.Equal(t, 403, r.Status)
				assert.JSONEq(t, `{"message":"Invalid redirect URI"}`, string(r.Body))
			}
		})
	}
}

// LF-09: a redirect URI on another domain passes the start of the flow and
// fails at the end, as one failed login.
func TestLoginInvalidRedirectURI(t *testing.T) {
	t.Run("LF-09", func(t *testing.T) {
		h := newIndieAuthHarness(t)
		id := loginUntilRedirectCheck(t, h, clientID, "https://some-other-domain.com")
		f := h.fetches()
		require.Len(t, f, 1)
		assert.Equal(t, clientID, f[0].URL)
		h.step(core.Input{FetchDone: &core.FetchResult{ID: f[0].ID, Status: 200, Body: []byte("<html><body>no links</body></html>")}})
		r := h.mustAnswer(id)
		assert.Equal(t, 403, r.Status)
		assert.JSONEq(t, `{"message":"Invalid redirect URI"}`, string(r.Body))
		assert.Equal(t, 1, h.logged(wrongLoginLog), "LF-09/one wrong login")
	})
}

// The client ID metadata document, read when the page has no link tags,
// counts only from a complete, direct 200 answer for an https client_id.
func TestLoginRedirectURIMetadataDocument(t *testing.T) {
	const client = "https://app.example/oauth/client.json"
	doc := `{"client_id":"` + client + `","client_name":"App","redirect_uris":["https://app.example/cb","app:/callback"]}`
	cases := []struct {
		name     string
		client   string
		redirect string
		res      core.FetchResult
		allowed  bool
	}{
		{"listed", client, "https://other.example/cb2", core.FetchResult{Status: 200, Body: []byte(`{"client_id":"` + client + `","redirect_uris":["https://other.example/cb2"]}`)}, true},
		{"private-use scheme", client, "app:/callback", core.FetchResult{Status: 200, Body: []byte(doc)}, true},
		{"not listed", client, "app:/other", core.FetchResult{Status: 200, Body: []byte(doc)}, false},
		{"not redirected", client, "app:/callback", core.FetchResult{Status: 200, Redirected: true, Body: []byte(doc)}, false},
		{"status 200 only", client, "app:/callback", core.FetchResult{Status: 203, Body: []byte(doc)}, false},
		{"complete only", client, "app:/callback", core.FetchResult{Status: 200, Error: "timeout", Body: []byte(doc)}, false},
		{"client_id must match", client, "app:/callback", core.FetchResult{Status: 200,
			Body: []byte(`{"client_id":"https://app.example/oauth/other.json","redirect_uris":["app:/callback"]}`)}, false},
		{"https only", "http://app.example/client.json", "app:/callback", core.FetchResult{Status: 200,
			Body: []byte(`{"client_id":"http://app.example/client.json","redirect_uris":["app:/callback"]}`)}, false},
		{"every entry valid", client, "app:/callback", core.FetchResult{Status: 200,
			Body: []byte(`{"client_id":"` + client + `","redirect_uris":["app:/callback","relative/path"]}`)}, false},
		{"link tags come first", client, "app:/callback", core.FetchResult{Status: 200,
			Body: []byte(`<link rel="redirect_uri" href="app:/elsewhere">` + doc)}, false},
		{"a body of 10240 bytes may be cut off", client, "app:/callback", core.FetchResult{Status: 200,
			Body: []byte(doc[:len(doc)-1] + strings.Repeat(" ", 10240-len(doc)) + "}")}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newIndieAuthHarness(t)
			id := loginUntilRedirectCheck(t, h, c.client, c.redirect)
			f := h.fetches()
			require.Len(t, f, 1)
			res := c.res
			res.ID = f[0].ID
			h.step(core.Input{FetchDone: &res})
			r := h.mustAnswer(id)
			if c.allowed {
				assert.Equal(t, 200, r.Status, "%s", r.Body)
			} else {
				assert.Equal(t, 403, r.Status, "%s", r.Body)
			}
		})
	}
}

// The last step waits for the fetch no longer than its time limit, and a
// result that comes later is ignored.
func TestLoginRedirectURIFetchTimeout(t *testing.T) {
	h := newIndieAuthHarness(t)
	id := loginUntilRedirectCheck(t, h, "http://127.0.0.1:8000", "hass://oauth2_redirect")
	f := h.fetches()
	require.Len(t, f, 1)

	h.advance(5_000_000 - 1)
	_, answered := h.answer(id)
	require.False(t, answered)
	h.advance(1)
	r := h.mustAnswer(id)
	assert.Equal(t, 403, r.Status)
	assert.JSONEq(t, `{"message":"Invalid redirect URI"}`, string(r.Body))
	assert.Equal(t, 1, h.logged("Timeout while looking up redirect_uri http://127.0.0.1:8000"))
	assert.Equal(t, 1, h.logged(wrongLoginLog))

	h.step(core.Input{FetchDone: &core.FetchResult{ID: f[0].ID, Status: 200, Body: []byte(`<link rel="redirect_uri" href="hass://oauth2_redirect">`)}})
	assert.Empty(t, h.effects, "a late result is ignored")
}

// A miss on a page that lists other redirect URIs is logged for debugging.
func TestLoginRedirectURIMissLogged(t *testing.T) {
	h := newIndieAuthHarness(t)
	loginUntilRedirectCheck(t, h, "http://127.0.0.1:8000", "hass://typo")
	f := h.fetches()
	require.Len(t, f, 1)
	h.step(core.Input{FetchDone: &core.FetchResult{ID: f[0].ID, Status: 200, Body: []byte(`<link rel="redirect_uri" href="hass://a"><link rel="redirect_uri" href="/b">`)}})
	assert.Equal(t, 1, h.logged("redirect_uri hass://typo is not among the advertised redirect uris ['hass://a', 'http://127.0.0.1:8000/b'] for client_id http://127.0.0.1:8000"))
}
