package pages_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native/pages"
)

// fakeCore answers the pages' calls with fixed values and records the
// requests that pass through.
type fakeCore struct {
	redirect  string // check_redirect's answer
	onboarded bool
	fail      bool // every call fails, as on a closed host
	passed    []string
	calls     []string
}

func (f *fakeCore) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.passed = append(f.passed, r.Method+" "+r.URL.Path)
	w.WriteHeader(http.StatusTeapot)
}

func (f *fakeCore) Call(_ context.Context, op string, args []byte) ([]byte, error) {
	f.calls = append(f.calls, op+" "+string(args))
	if f.fail {
		return nil, errors.New("host is closed")
	}
	switch op {
	case core.OpCheckRedirect:
		return json.Marshal(f.redirect)
	case core.OpOnboarding:
		return json.Marshal([]map[string]any{{"step": "user", "done": f.onboarded}, {"step": "core_config", "done": f.onboarded}})
	}
	return nil, &core.CallError{Code: core.CallUnknownOp}
}

type reply struct {
	status int
	header http.Header
	body   string
}

func get(t testing.TB, h http.Handler, method, target string, header ...string) reply {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return reply{w.Code, w.Result().Header, string(b)}
}

var requestJSON = regexp.MustCompile(`(?s)<script type="application/json" id="authorize-request">(.*?)</script>`)

// pageRequest returns the request the page hands to its script.
func pageRequest(t testing.TB, body string) map[string]string {
	t.Helper()
	m := requestJSON.FindStringSubmatch(body)
	require.NotNil(t, m, "the page carries the request")
	var out map[string]string
	require.NoError(t, json.Unmarshal([]byte(m[1]), &out))
	return out
}

func authorize(params map[string]string) string {
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	return "/auth/authorize?" + q.Encode()
}

const (
	client   = "https://client.example/"
	callback = "https://client.example/cb"
)

func TestAuthorizePage(t *testing.T) {
	ok := map[string]string{"client_id": client, "redirect_uri": callback, "state": "s1"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range ok {
			m[a] = b
		}
		m[k] = v
		return m
	}
	cases := []struct {
		name      string
		params    map[string]string
		redirect  string
		onboarded bool
		fail      bool
		status    int
		// want is text the page must show; mode the page's mode for the
		// script ("" for an error page).
		want string
		mode string
	}{
		{"login", ok, core.RedirectAllowed, true, false, 200, "access to your Home Assistant", "login"},
		{"login_needs_fetch", with("redirect_uri", "https://elsewhere.example/cb"), core.RedirectNeedsFetch, true, false, 200, "Log in", "login"},
		{"onboarding", ok, core.RedirectAllowed, false, false, 200, "Create your account", "onboarding"},
		{"response_type_code", with("response_type", "code"), core.RedirectAllowed, true, false, 200, "Log in", "login"},
		{"response_type_token", with("response_type", "token"), core.RedirectAllowed, true, false, 400, "Unsupported response type", ""},
		{"invalid_client_id", with("client_id", "http://8.8.8.8/"), core.RedirectInvalidClientID, true, false, 400, "Invalid client id", ""},
		{"redirect_denied", ok, core.RedirectDenied, true, false, 400, "Invalid redirect URI", ""},
		{"no_redirect_uri", with("redirect_uri", ""), core.RedirectAllowed, true, false, 400, "Invalid redirect URI", ""},
		{"relative_redirect_uri", with("redirect_uri", "/cb"), core.RedirectAllowed, true, false, 400, "Invalid redirect URI", ""},
		{"javascript_redirect_uri", with("redirect_uri", "javascript:alert(1)"), core.RedirectNeedsFetch, true, false, 400, "Invalid redirect URI", ""},
		{"data_redirect_uri", with("redirect_uri", "DATA:text/html,hi"), core.RedirectNeedsFetch, true, false, 400, "Invalid redirect URI", ""},
		{"state_not_utf8", with("state", "a\xfeb"), core.RedirectAllowed, true, false, 400, "Invalid request", ""},
		{"core_unavailable", ok, "", true, true, 503, "not available", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeCore{redirect: tc.redirect, onboarded: tc.onboarded, fail: tc.fail}
			r := get(t, pages.New(fc), "GET", authorize(tc.params))
			assert.Equal(t, tc.status, r.status)
			assert.Contains(t, r.body, tc.want)
			assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
			assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
			assert.Contains(t, r.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
			assert.Contains(t, r.header.Get("Content-Security-Policy"), "script-src 'self';")
			assert.Equal(t, "DENY", r.header.Get("X-Frame-Options"))
			if tc.mode == "" {
				assert.NotContains(t, r.body, "<script", "an error page runs nothing")
				assert.NotContains(t, r.body, "<form")
				return
			}
			req := pageRequest(t, r.body)
			assert.Equal(t, tc.mode, req["mode"])
			assert.Equal(t, tc.params["client_id"], req["client_id"])
			assert.Equal(t, tc.params["redirect_uri"], req["redirect_uri"])
			assert.Equal(t, tc.params["state"], req["state"])
			assert.Equal(t, tc.redirect, req["redirect"])
			assert.Empty(t, fc.passed, "nothing reached the core's HTTP side")
		})
	}
}

func TestAuthorizePageAsksTheCore(t *testing.T) {
	fc := &fakeCore{redirect: core.RedirectAllowed, onboarded: true}
	get(t, pages.New(fc), "GET", authorize(map[string]string{"client_id": client, "redirect_uri": callback}))
	require.Len(t, fc.calls, 2)
	assert.JSONEq(t, `{"client_id":"`+client+`","redirect_uri":"`+callback+`"}`, strings.TrimPrefix(fc.calls[0], core.OpCheckRedirect+" "))
	assert.True(t, strings.HasPrefix(fc.calls[1], core.OpOnboarding))
}

func TestAuthorizePagePKCE(t *testing.T) {
	fc := &fakeCore{redirect: core.RedirectAllowed, onboarded: true}
	r := get(t, pages.New(fc), "GET", authorize(map[string]string{
		"client_id": client, "redirect_uri": callback,
		"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
	}))
	require.Equal(t, 200, r.status)
	req := pageRequest(t, r.body)
	assert.Equal(t, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", req["code_challenge"])
	assert.Equal(t, "S256", req["code_challenge_method"])
}

// TestAuthorizePageEscapes puts markup in every parameter: it must come
// back to the script unchanged and never become markup.
func TestAuthorizePageEscapes(t *testing.T) {
	evil := `</script><script>alert(1)</script><b x="'&`
	fc := &fakeCore{redirect: core.RedirectNeedsFetch, onboarded: true}
	params := map[string]string{"client_id": "https://c.example/?" + evil, "redirect_uri": "https://r.example/cb?" + evil, "state": evil}
	r := get(t, pages.New(fc), "GET", authorize(params))
	require.Equal(t, 200, r.status)
	assert.Equal(t, 2, strings.Count(r.body, "</script>"), "only the page's own scripts")
	assert.NotContains(t, r.body, "<b x=")
	req := pageRequest(t, r.body)
	assert.Equal(t, params["state"], req["state"])
	assert.Equal(t, params["client_id"], req["client_id"])

	fc.redirect = core.RedirectInvalidClientID
	r = get(t, pages.New(fc), "GET", authorize(params))
	require.Equal(t, 400, r.status)
	assert.NotContains(t, r.body, "<script")
	assert.Contains(t, r.body, "&lt;/script&gt;", "the refused client id is shown as text")
}

func TestAuthorizePageClientNotice(t *testing.T) {
	cases := []struct {
		name, clientID, redirectURI, host, want string
	}{
		{"other_client", client, callback, "hass.local:8123", "<strong>https://client.example/</strong>"},
		{"ios_app", "https://home-assistant.io/iOS", "homeassistant://auth-callback", "hass.local:8123", "the Home Assistant app for iOS"},
		{"unicode_host_in_ascii", "https://ex\u00e4mple.com:8443/app", "https://ex\u00e4mple.com:8443/cb", "hass.local", "https://xn--exmple-cua.com:8443/app"},
		{"own_server", "http://hass.local:8123/", "http://hass.local:8123/?auth_callback=1", "hass.local:8123", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := &fakeCore{redirect: core.RedirectAllowed, onboarded: true}
			req := httptest.NewRequest("GET", authorize(map[string]string{"client_id": tc.clientID, "redirect_uri": tc.redirectURI}), nil)
			req.Host = tc.host
			w := httptest.NewRecorder()
			pages.New(fc).ServeHTTP(w, req)
			require.Equal(t, 200, w.Code)
			body := w.Body.String()
			if tc.want == "" {
				assert.NotContains(t, body, "client-notice")
				return
			}
			assert.Contains(t, body, `id="client-notice"`)
			assert.Contains(t, body, tc.want)
		})
	}
}

// TestIndexPage: / leads to the profile, which logs in whoever is not.
func TestIndexPage(t *testing.T) {
	h := pages.New(&fakeCore{})
	for _, target := range []string{"http://hass.local:8123/", "/?auth_callback=1&code=abc&storeToken=true"} {
		r := get(t, h, "GET", target)
		assert.Equal(t, http.StatusFound, r.status, target)
		assert.Equal(t, "/profile", r.header.Get("Location"), "the query, with any code in it, stays behind")
		assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
	}
	assert.Equal(t, http.StatusFound, get(t, h, "HEAD", "/").status)

	r := get(t, h, "POST", "/")
	assert.Equal(t, 405, r.status)
	assert.Equal(t, "GET, HEAD", r.header.Get("Allow"))
}

func TestProfilePage(t *testing.T) {
	fc := &fakeCore{}
	h := pages.New(fc)
	for _, target := range []string{"/profile", "/profile?auth_callback=1&code=abc&state=s&storeToken=true"} {
		t.Run(target, func(t *testing.T) {
			r := get(t, h, "GET", target)
			require.Equal(t, 200, r.status)
			assert.Equal(t, "text/html; charset=utf-8", r.header.Get("Content-Type"))
			assert.Equal(t, "no-store", r.header.Get("Cache-Control"))
			assert.Equal(t, "no-referrer", r.header.Get("Referrer-Policy"), "the code in the address goes nowhere")
			csp := r.header.Get("Content-Security-Policy")
			assert.Contains(t, csp, "script-src 'self';")
			assert.Contains(t, csp, "connect-src 'self';", "the websocket and the token endpoint, on this origin only")
			assert.Contains(t, csp, "img-src 'self' data:;", "the QR code is a data: image")
			assert.Contains(t, r.body, `<script type="module" src="/auth/static/profile.js"></script>`)
			assert.Contains(t, r.body, `<link rel="icon" href="/auth/static/icon.svg" type="image/svg+xml">`, "the browser asks for no /favicon.ico")
			assert.Contains(t, r.body, "<noscript>")
			assert.NotContains(t, r.body, "abc", "the page renders nothing from the query")
			assert.Equal(t, 1, strings.Count(r.body, "<script"), "no inline script")
			// Every field the page has from the start has a label.
			for _, id := range regexp.MustCompile(`<(?:input|textarea|select)[^>]* id="([^"]+)"`).FindAllStringSubmatch(r.body, -1) {
				assert.Contains(t, r.body, `<label for="`+id[1]+`"`, id[1])
			}
		})
	}
	assert.Empty(t, fc.calls, "the page asks the core nothing: the script uses the API with its own token")
	assert.Empty(t, fc.passed)
	assert.Equal(t, 405, get(t, h, "POST", "/profile").status)
	assert.Equal(t, http.StatusTeapot, get(t, h, "GET", "/profile/x").status, "only the page itself")
}

func TestStaticAssets(t *testing.T) {
	h := pages.New(&fakeCore{})
	for path, ct := range map[string]string{
		"pages.css":    "text/css; charset=utf-8",
		"authorize.js": "text/javascript; charset=utf-8",
		"form.js":      "text/javascript; charset=utf-8",
		"api.js":       "text/javascript; charset=utf-8",
		"profile.js":   "text/javascript; charset=utf-8",
		"session.js":   "text/javascript; charset=utf-8",
		"socket.js":    "text/javascript; charset=utf-8",
		"icon.svg":     "image/svg+xml",
	} {
		t.Run(path, func(t *testing.T) {
			r := get(t, h, "GET", pages.StaticPrefix+path)
			require.Equal(t, 200, r.status)
			assert.Equal(t, ct, r.header.Get("Content-Type"))
			assert.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
			etag := r.header.Get("ETag")
			require.NotEmpty(t, etag)
			assert.NotEmpty(t, r.body)
			r = get(t, h, "GET", pages.StaticPrefix+path, "If-None-Match", etag)
			assert.Equal(t, 304, r.status)
		})
	}
	assert.Equal(t, 404, get(t, h, "GET", pages.StaticPrefix+"nope.js").status)
	assert.Equal(t, 404, get(t, h, "GET", pages.StaticPrefix+"../pages.go").status)
	assert.Equal(t, 404, get(t, h, "GET", pages.StaticPrefix).status)
	assert.Equal(t, 405, get(t, h, "POST", pages.StaticPrefix+"pages.css").status)
}

func TestOtherRequestsGoToTheCore(t *testing.T) {
	fc := &fakeCore{}
	h := pages.New(fc)
	for _, target := range []string{"/auth/token", "/auth/providers", "/auth/login_flow", "/api/onboarding", "/auth/authorize/x", "/index.html"} {
		assert.Equal(t, http.StatusTeapot, get(t, h, "POST", target).status, target)
	}
	assert.Equal(t, []string{"POST /auth/token", "POST /auth/providers", "POST /auth/login_flow", "POST /api/onboarding", "POST /auth/authorize/x", "POST /index.html"}, fc.passed)
	assert.Equal(t, 405, get(t, h, "POST", "/auth/authorize").status)
}

// FuzzAuthorizePage feeds arbitrary query strings to the page: it must
// answer, and a form page must hand its script exactly the parameters it
// was given.
func FuzzAuthorizePage(f *testing.F) {
	f.Add("client_id=https%3A%2F%2Fc.example%2F&redirect_uri=https%3A%2F%2Fc.example%2Fcb&state=x", core.RedirectAllowed)
	f.Add("client_id=x&redirect_uri=javascript:alert(1)", core.RedirectNeedsFetch)
	f.Add("client_id=%3C%2Fscript%3E&redirect_uri=https://a/%3C&state=%E2%80%AE", core.RedirectNeedsFetch)
	f.Add("redirect_uri=https://a/&response_type=token", core.RedirectAllowed)
	f.Add("client_id=https://xn--a.example/&redirect_uri=https://\xff/&code_challenge=a&code_challenge_method=plain", core.RedirectDenied)
	f.Add("client_id=https://[::1/&redirect_uri=https://a/", core.RedirectInvalidClientID)
	f.Fuzz(func(t *testing.T, query, decision string) {
		fc := &fakeCore{redirect: decision, onboarded: len(query)%2 == 0}
		r := httptest.NewRequest("GET", "/auth/authorize", nil)
		r.URL.RawQuery = query
		w := httptest.NewRecorder()
		pages.New(fc).ServeHTTP(w, r)
		switch w.Code {
		case 200:
			q, _ := url.ParseQuery(query)
			req := pageRequest(t, w.Body.String())
			for _, k := range []string{"client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method"} {
				if q.Get(k) != req[k] {
					t.Fatalf("%s: page has %q, query %q", k, req[k], q.Get(k))
				}
			}
			if !strings.Contains(q.Get("redirect_uri"), ":") {
				t.Fatalf("a form for redirect_uri %q", q.Get("redirect_uri"))
			}
		case 400:
			if strings.Contains(w.Body.String(), "<script") {
				t.Fatal("an error page with a script")
			}
		default:
			t.Fatalf("status %d", w.Code)
		}
	})
}

// TestWithNativeHost runs the pages in front of a real host: the page
// follows the core's onboarding state and its client_id rules.
func TestWithNativeHost(t *testing.T) {
	auth := newAuthServer(t)
	auth.start(core.Config{})
	h := pages.New(auth.host)
	page := authorize(map[string]string{"client_id": client, "redirect_uri": callback, "state": "s"})

	r := get(t, h, "GET", page)
	require.Equal(t, 200, r.status)
	assert.Equal(t, "onboarding", pageRequest(t, r.body)["mode"])

	body := `{"client_id":"` + client + `","name":"Ada","username":"ada","password":"pw","language":"en"}`
	req := httptest.NewRequest("POST", "/api/onboarding/users", strings.NewReader(body))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	require.Equal(t, 200, w.Code, w.Body.String())

	r = get(t, h, "GET", page)
	require.Equal(t, 200, r.status)
	assert.Equal(t, "login", pageRequest(t, r.body)["mode"])
	assert.Equal(t, core.RedirectAllowed, pageRequest(t, r.body)["redirect"])

	r = get(t, h, "GET", authorize(map[string]string{"client_id": client, "redirect_uri": "https://elsewhere.example/cb"}))
	require.Equal(t, 200, r.status)
	assert.Equal(t, core.RedirectNeedsFetch, pageRequest(t, r.body)["redirect"])

	r = get(t, h, "GET", authorize(map[string]string{"client_id": "http://8.8.8.8/", "redirect_uri": "http://8.8.8.8/cb"}))
	assert.Equal(t, 400, r.status)
	assert.Contains(t, r.body, "Invalid client id")
	r = get(t, h, "GET", authorize(map[string]string{"client_id": client, "redirect_uri": "http://[::1/cb"}))
	assert.Equal(t, 400, r.status)
	assert.Contains(t, r.body, "Invalid redirect URI")
}
