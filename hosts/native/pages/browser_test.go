package pages_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/storage"
	"github.com/hassauth/hassauth/hosts/native"
	"github.com/hassauth/hassauth/hosts/native/pages"
)

// browserDir holds the Playwright driver (run.mjs), its package.json and
// package-lock.json; screenshots go to its out/ folder.
const browserDir = "testdata/browser"

// browser is what the browser tests need on the machine.
type browser struct {
	node, chromium, dir string
}

// needBrowser finds node, Chromium and playwright-core. Without them the
// tests skip with what is missing, except in CI, where they must run.
func needBrowser(t *testing.T) browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	dir, err := filepath.Abs(browserDir)
	require.NoError(t, err)
	b := browser{dir: dir, chromium: os.Getenv("HASSAUTH_CHROMIUM")}
	if b.chromium == "" {
		b.chromium = "/usr/bin/chromium"
	}
	var missing []string
	if b.node, err = exec.LookPath("node"); err != nil {
		missing = append(missing, "node (apt-get install nodejs)")
	}
	if _, err := os.Stat(b.chromium); err != nil {
		missing = append(missing, "Chromium at "+b.chromium+" (apt-get install chromium)")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing = append(missing, "playwright-core (npm ci in hosts/native/pages/"+browserDir+")")
	}
	if len(missing) > 0 {
		msg := "browser tests need " + strings.Join(missing, ", ")
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return b
}

// run runs one scenario of run.mjs with vars in its environment.
func (b browser) run(t *testing.T, scenario string, vars map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.node, "run.mjs", scenario)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "CHROMIUM="+b.chromium, "OUT_DIR="+filepath.Join(b.dir, "out"))
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node run.mjs %s: %v\n%s", scenario, err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
}

// clock is the host's clock: real time plus an offset the test client can
// move forward, so that a page can outlive the MFA session.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// authServer is hassauth with its pages, on loopback.
type authServer struct {
	t     *testing.T
	dir   string
	clock *clock
	host  *native.Host
	srv   *httptest.Server
}

func newAuthServer(t *testing.T) *authServer {
	return &authServer{t: t, dir: t.TempDir(), clock: &clock{}}
}

// start opens the host on the directory with cfg (cheap bcrypt).
func (a *authServer) start(cfg core.Config) {
	a.t.Helper()
	cfg.BcryptCost = 4
	h, err := native.Open(native.Options{
		ConfigDir: a.dir,
		Config:    &cfg,
		Now:       a.clock.now,
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(a.t, err)
	a.host = h
	a.srv = httptest.NewServer(pages.New(h))
	a.t.Cleanup(a.stop)
}

func (a *authServer) stop() {
	if a.srv != nil {
		a.srv.Close()
		require.NoError(a.t, a.host.Close())
		a.srv, a.host = nil, nil
	}
}

// addUser creates a homeassistant-provider user and returns its id.
func (a *authServer) addUser(username, password string) string {
	a.t.Helper()
	args, _ := json.Marshal(map[string]string{"username": username, "password": password, "name": "Ada"})
	res, err := a.host.Call(context.Background(), core.OpCreateUser, args)
	require.NoError(a.t, err)
	var u struct {
		ID string `json:"id"`
	}
	require.NoError(a.t, json.Unmarshal(res, &u))
	return u.ID
}

// token is a refresh token as list_tokens shows it.
type token struct {
	Type       string `json:"type"`
	ClientName string `json:"client_name"`
}

// tokens lists the user's refresh tokens.
func (a *authServer) tokens(userID string) []token {
	a.t.Helper()
	args, _ := json.Marshal(map[string]string{"user_id": userID})
	res, err := a.host.Call(context.Background(), core.OpListTokens, args)
	require.NoError(a.t, err)
	var out []token
	require.NoError(a.t, json.Unmarshal(res, &out))
	return out
}

// exchange is what the test client saw on its redirect URI.
type exchange struct {
	State       string `json:"state"`
	StoreToken  string `json:"store_token"`
	TokenStatus int    `json:"token_status"`
	TokenBody   string `json:"token_body"`
	APIStatus   int    `json:"api_status"`
}

// testClient is an OAuth client on loopback: its redirect URI exchanges
// the code at the server (with the PKCE verifier when it has one) and
// tries the access token, and shows the result to the browser.
type testClient struct {
	t        *testing.T
	auth     *authServer
	srv      *httptest.Server
	mu       sync.Mutex
	verifier string
	seen     []exchange
}

func newTestClient(t *testing.T, auth *authServer) *testClient {
	c := &testClient{t: t, auth: auth}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		// The client's page, fetched by the server to discover redirect
		// URIs: it lists none.
		fmt.Fprint(w, "<!DOCTYPE html><title>Test client</title><p>A client of hassauth's tests.</p>")
	})
	mux.HandleFunc("GET /cb", c.callback)
	mux.HandleFunc("GET /advance", func(w http.ResponseWriter, r *http.Request) {
		s, _ := strconv.Atoi(r.URL.Query().Get("seconds"))
		auth.clock.advance(time.Duration(s) * time.Second)
		w.WriteHeader(http.StatusNoContent)
	})
	c.srv = httptest.NewUnstartedServer(mux)
	c.srv.Start()
	t.Cleanup(c.srv.Close)
	return c
}

func (c *testClient) id() string          { return c.srv.URL + "/" }
func (c *testClient) redirectURI() string { return c.srv.URL + "/cb" }

// usePKCE makes a verifier and returns its S256 challenge.
func (c *testClient) usePKCE() string {
	b := make([]byte, 32)
	rand.Read(b)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.verifier = base64.RawURLEncoding.EncodeToString(b)
	return core.S256Challenge(c.verifier)
}

func (c *testClient) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ex := exchange{State: q.Get("state"), StoreToken: q.Get("storeToken")}
	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {c.id()}, "code": {q.Get("code")}}
	c.mu.Lock()
	if c.verifier != "" {
		form.Set("code_verifier", c.verifier)
	}
	c.mu.Unlock()
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.PostForm(c.auth.srv.URL+"/auth/token", form)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		ex.TokenStatus, ex.TokenBody = resp.StatusCode, string(body)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		json.Unmarshal(body, &tok)
		req, _ := http.NewRequest("GET", c.auth.srv.URL+"/api/", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			ex.APIStatus = resp.StatusCode
		}
	}
	c.mu.Lock()
	c.seen = append(c.seen, ex)
	c.mu.Unlock()
	b, _ := json.Marshal(ex)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!DOCTYPE html><title>Test client</title><h1>Test client</h1><p>Logged in with a code from hassauth.</p><pre id=\"result\">%s</pre>", html.EscapeString(string(b)))
}

// exchanges returns what the client saw.
func (c *testClient) exchanges() []exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]exchange(nil), c.seen...)
}

// authorizeURL is the authorize page for the test client.
func (c *testClient) authorizeURL(state string, extra url.Values) string {
	q := url.Values{"response_type": {"code"}, "client_id": {c.id()}, "redirect_uri": {c.redirectURI()}, "state": {state}}
	for k, v := range extra {
		q[k] = v
	}
	return c.auth.srv.URL + "/auth/authorize?" + q.Encode()
}

// assertOneLogin checks that the client got exactly one good code.
func (c *testClient) assertOneLogin(state string) {
	c.t.Helper()
	ex := c.exchanges()
	require.Len(c.t, ex, 1)
	assert.Equal(c.t, state, ex[0].State)
	assert.Equal(c.t, 200, ex[0].TokenStatus, ex[0].TokenBody)
	assert.Equal(c.t, 200, ex[0].APIStatus)
}

const (
	testUsername = "ada"
	testPassword = "correct horse battery"
)

// TestBrowser runs the pages in headless Chromium through Playwright, one
// scenario per subtest, each against its own server and client.
func TestBrowser(t *testing.T) {
	b := needBrowser(t)
	// Screenshots of this run only.
	require.NoError(t, os.RemoveAll(filepath.Join(b.dir, "out")))

	t.Run("onboarding", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		client := newTestClient(t, auth)
		b.run(t, "onboarding", map[string]string{
			"START_URL":  client.authorizeURL("onboarding-state", nil),
			"CLIENT_URL": client.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword,
		})
		client.assertOneLogin("onboarding-state")
		res, err := auth.host.Call(context.Background(), core.OpListUsers, nil)
		require.NoError(t, err)
		var users []struct {
			Name     string   `json:"name"`
			Username string   `json:"username"`
			IsOwner  bool     `json:"is_owner"`
			Groups   []string `json:"group_ids"`
		}
		require.NoError(t, json.Unmarshal(res, &users))
		require.Len(t, users, 1, "the refused username left no user behind")
		assert.Equal(t, "Ada Lovelace", users[0].Name)
		assert.Equal(t, testUsername, users[0].Username)
		assert.True(t, users[0].IsOwner)
		assert.Equal(t, []string{"system-admin"}, users[0].Groups)
	})

	t.Run("login_pkce_wrong_password", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		auth.addUser(testUsername, testPassword)
		client := newTestClient(t, auth)
		challenge := client.usePKCE()
		b.run(t, "login", map[string]string{
			"START_URL":  client.authorizeURL("login-state", url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}),
			"CLIENT_URL": client.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword,
		})
		// The exchange carried the verifier: it succeeds only if the page
		// forwarded the challenge to the login flow.
		client.assertOneLogin("login-state")
	})

	t.Run("profile_first_run", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		b.run(t, "profile_first_run", map[string]string{
			"AUTH_URL": auth.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword,
		})
		res, err := auth.host.Call(context.Background(), core.OpListUsers, nil)
		require.NoError(t, err)
		var users []struct {
			Username string `json:"username"`
			IsOwner  bool   `json:"is_owner"`
		}
		require.NoError(t, json.Unmarshal(res, &users))
		require.Len(t, users, 1)
		assert.Equal(t, testUsername, users[0].Username)
		assert.True(t, users[0].IsOwner)
	})

	t.Run("profile_tokens", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		userID := auth.addUser(testUsername, testPassword)
		b.run(t, "profile_tokens", map[string]string{
			"AUTH_URL": auth.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword,
		})
		assert.Empty(t, auth.tokens(userID), "the long-lived token revoked, the session logged out")
	})

	t.Run("profile_sessions", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		userID := auth.addUser(testUsername, testPassword)
		b.run(t, "profile_sessions", map[string]string{
			"AUTH_URL": auth.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword,
		})
		var kinds []string
		for _, tok := range auth.tokens(userID) {
			kinds = append(kinds, tok.Type+" "+tok.ClientName)
		}
		assert.ElementsMatch(t, []string{"normal ", "long_lived_access_token Kept token"}, kinds,
			"this tab's session and the long-lived token are left")
	})

	t.Run("profile_mfa_password", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		auth.addUser(testUsername, testPassword)
		const newPassword = "a new and longer secret"
		b.run(t, "profile_mfa_password", map[string]string{
			"AUTH_URL": auth.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword, "NEW_PASSWORD": newPassword,
		})
		totp, err := os.ReadFile(filepath.Join(auth.dir, ".storage", "auth_module.totp"))
		require.NoError(t, err, "the setup wrote the module's file")
		d, _, err := storage.DecodeTOTP(totp)
		require.NoError(t, err)
		assert.Empty(t, d.Users, "turned off again")
	})

	t.Run("mfa_select_and_totp", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		userID := auth.addUser(testUsername, testPassword)
		auth.stop()
		const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
		totp := storage.EncodeTOTP(storage.TOTPData{Users: []storage.TOTPUser{{UserID: userID, Secret: secret}}})
		require.NoError(t, os.WriteFile(filepath.Join(auth.dir, ".storage", "auth_module.totp"), totp, 0o600))
		appName, pinName := "Authenticator app", "Backup PIN"
		auth.start(core.Config{MFAModules: []core.MFAModuleConfig{
			{Type: "totp", ID: "totp", Name: &appName},
			{Type: "insecure_example", ID: "insecure_example", Name: &pinName, Data: []core.ExamplePIN{{UserID: userID, PIN: "246810"}}},
		}})
		client := newTestClient(t, auth)
		b.run(t, "mfa_totp", map[string]string{
			"START_URL":  client.authorizeURL("mfa-state", nil),
			"CLIENT_URL": client.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword, "TOTP_SECRET": secret,
		})
		client.assertOneLogin("mfa-state")
	})

	t.Run("mfa_login_expired", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		userID := auth.addUser(testUsername, testPassword)
		auth.stop()
		auth.start(core.Config{MFAModules: []core.MFAModuleConfig{
			{Type: "insecure_example", ID: "insecure_example", Data: []core.ExamplePIN{{UserID: userID, PIN: "246810"}}},
		}})
		client := newTestClient(t, auth)
		b.run(t, "mfa_expired", map[string]string{
			"START_URL":  client.authorizeURL("expired-state", nil),
			"CLIENT_URL": client.srv.URL, "USERNAME": testUsername, "PASSWORD": testPassword, "PIN": "246810",
		})
		client.assertOneLogin("expired-state")
	})

	t.Run("provider_choice", func(t *testing.T) {
		auth := newAuthServer(t)
		name := "Example accounts"
		auth.start(core.Config{Providers: []core.ProviderConfig{
			{Type: "homeassistant"},
			{Type: "insecure_example", Name: &name, Users: []core.ExampleUser{{Username: "guest", Password: "guest pass"}}},
		}})
		auth.addUser(testUsername, testPassword)
		client := newTestClient(t, auth)
		b.run(t, "providers", map[string]string{
			"START_URL":  client.authorizeURL("providers-state", nil),
			"CLIENT_URL": client.srv.URL,
		})
		client.assertOneLogin("providers-state")
	})

	t.Run("refused_requests", func(t *testing.T) {
		auth := newAuthServer(t)
		auth.start(core.Config{})
		auth.addUser(testUsername, testPassword)
		client := newTestClient(t, auth)
		var otherHits int
		var mu sync.Mutex
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			otherHits++
			mu.Unlock()
		}))
		t.Cleanup(other.Close)
		b.run(t, "refused", map[string]string{
			"AUTH_URL": auth.srv.URL, "CLIENT_URL": client.srv.URL, "OTHER_REDIRECT_URL": other.URL + "/cb",
			"USERNAME": testUsername, "PASSWORD": testPassword,
		})
		assert.Empty(t, client.exchanges())
		mu.Lock()
		assert.Zero(t, otherHits, "the refused redirect URI was never visited")
		mu.Unlock()
	})
}
