package native_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// copyDir copies a test configuration directory so that tests can write.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
	require.NoError(t, err)
	return dst
}

type server struct {
	t    *testing.T
	host *native.Host
	srv  *httptest.Server
	dir  string
}

func start(t *testing.T, dir string, cfg *core.Config) *server {
	t.Helper()
	return startOpts(t, native.Options{ConfigDir: dir, Config: cfg})
}

// startOpts opens a host on the engine under test (see TestMain).
func startOpts(t *testing.T, opts native.Options) *server {
	t.Helper()
	if opts.Engine == nil {
		opts.Engine = engineForTest(t)
	}
	h, err := native.Open(opts)
	require.NoError(t, err)
	s := &server{t: t, host: h, srv: httptest.NewServer(h), dir: opts.ConfigDir}
	t.Cleanup(s.stop)
	return s
}

func (s *server) stop() {
	if s.srv != nil {
		s.srv.Close()
		require.NoError(s.t, s.host.Close())
		s.srv = nil
	}
}

func (s *server) do(req *http.Request) (int, http.Header, []byte) {
	s.t.Helper()
	resp, err := s.srv.Client().Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, resp.Header, b
}

// postText posts JSON with a text/plain content type, as the frontend's
// fetch does.
func (s *server) postText(path string, body any) (int, map[string]any) {
	s.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	status, _, out := s.do(req)
	var m map[string]any
	json.Unmarshal(out, &m)
	return status, m
}

func (s *server) postForm(path string, form url.Values) (int, http.Header, []byte) {
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

// postMultipart sends a form as home-assistant-js-websocket does (FormData).
func (s *server) postMultipart(path string, fields [][2]string) (int, http.Header, []byte) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		w.WriteField(f[0], f[1])
	}
	w.Close()
	req, _ := http.NewRequest("POST", s.srv.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return s.do(req)
}

func (s *server) login(username, password string) string {
	s.t.Helper()
	clientID := s.srv.URL + "/"
	status, m := s.postText("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": clientID + "?auth_callback=1"})
	require.Equal(s.t, 200, status)
	status, m = s.postText("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": username, "password": password})
	require.Equal(s.t, 200, status)
	require.Equal(s.t, "create_entry", m["type"], "%v", m)
	return m["result"].(string)
}

// TestExistingHomeAssistantDirectory loads a configuration directory as
// Home Assistant wrote it, with a bcrypt hash made by Python's bcrypt, and
// takes its user from login to a revoked token over real HTTP.
func TestExistingHomeAssistantDirectory(t *testing.T) {
	dir := copyDir(t, "testdata/ha-config")
	s := start(t, dir, &core.Config{})
	clientID := s.srv.URL + "/"

	code := s.login("Test-User", "test-pass")
	status, hdr, body := s.postMultipart("/auth/token", [][2]string{{"client_id", clientID}, {"grant_type", "authorization_code"}, {"code", code}})
	require.Equal(t, 200, status, "%s", body)
	assert.Equal(t, "no-store", hdr.Get("Cache-Control"))
	var tok struct {
		Access   string `json:"access_token"`
		Refresh  string `json:"refresh_token"`
		Expires  int    `json:"expires_in"`
		Provider string `json:"ha_auth_provider"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))
	assert.Equal(t, 1800, tok.Expires)
	assert.Equal(t, "homeassistant", tok.Provider)

	api := func(access string) int {
		req, _ := http.NewRequest("GET", s.srv.URL+"/api/", nil)
		req.Header.Set("Authorization", "Bearer "+access)
		status, _, _ := s.do(req)
		return status
	}
	assert.Equal(t, 200, api(tok.Access))

	status, _, body = s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {tok.Refresh}})
	require.Equal(t, 200, status, "%s", body)

	status, _, body = s.postForm("/auth/revoke", url.Values{"token": {tok.Refresh}})
	assert.Equal(t, 200, status)
	assert.Empty(t, body)
	status, _, body = s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {tok.Refresh}})
	assert.Equal(t, 400, status)
	assert.JSONEq(t, `{"error":"invalid_grant"}`, string(body))
	assert.Equal(t, 401, api(tok.Access))

	// The wrong password is a form error, not an HTTP error.
	status, m := s.postText("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": clientID})
	require.Equal(t, 200, status)
	_, m = s.postText("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": "test-user", "password": "nope"})
	assert.Equal(t, map[string]any{"base": "invalid_auth"}, m["errors"])
}

// TestStateSurvivesRestart checks that a token issued before a restart
// works after it, and that the files are written privately.
func TestStateSurvivesRestart(t *testing.T) {
	dir := copyDir(t, "testdata/ha-config")
	s := start(t, dir, &core.Config{})
	clientID := s.srv.URL + "/"
	code := s.login("test-user", "test-pass")
	status, _, body := s.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(t, 200, status)
	var tok struct {
		Refresh string `json:"refresh_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))
	s.stop()

	info, err := os.Stat(filepath.Join(dir, ".storage", "auth"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	s2 := start(t, dir, &core.Config{})
	status, _, body = s2.postForm("/auth/token", url.Values{"client_id": {s2.srv.URL + "/"}, "grant_type": {"refresh_token"}, "refresh_token": {tok.Refresh}})
	// The client id is the server's URL, which changed with the new
	// listener: the token is found but bound to the old one.
	assert.Equal(t, 400, status, "%s", body)
	assert.JSONEq(t, `{"error":"invalid_request"}`, string(body))
	status, _, body = s2.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {tok.Refresh}})
	assert.Equal(t, 200, status, "%s", body)
}

// TestUnparsableStoreRefusesToStart checks that a damaged file stops the
// server with its name and is left as it was.
func TestUnparsableStoreRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".storage", "auth")
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	damaged := []byte(`{"version": 1, "key": "auth", "data": {"users": [`)
	require.NoError(t, os.WriteFile(path, damaged, 0o600))
	_, err := native.Open(native.Options{ConfigDir: dir, Config: &core.Config{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
	after, _ := os.ReadFile(path)
	assert.Equal(t, damaged, after)
}

// TestLockRefusesSecondHost checks that the command-line tools cannot write
// a directory a server holds.
func TestLockRefusesSecondHost(t *testing.T) {
	dir := t.TempDir()
	start(t, dir, &core.Config{})
	_, err := native.Open(native.Options{ConfigDir: dir, Config: &core.Config{}})
	assert.ErrorIs(t, err, native.ErrLocked)
}

// TestUnparsableStoresRefuseToStart extends TestUnparsableStoreRefusesToStart
// to the provider's and the totp module's stores: the error names the file
// and the file is left as it was.
func TestUnparsableStoresRefuseToStart(t *testing.T) {
	for _, name := range []string{"auth_provider.homeassistant", "auth_module.totp"} {
		t.Run(name, func(t *testing.T) {
			dir := copyDir(t, "testdata/ha-config")
			path := filepath.Join(dir, ".storage", name)
			damaged := []byte(`{"version": 1, "minor_version": 1, "key": "` + name + `", "data": {"users": [}`)
			require.NoError(t, os.WriteFile(path, damaged, 0o600))
			others := map[string][]byte{}
			entries, err := os.ReadDir(filepath.Join(dir, ".storage"))
			require.NoError(t, err)
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(dir, ".storage", e.Name()))
				others[e.Name()] = b
			}
			_, err = native.Open(native.Options{ConfigDir: dir, Config: &core.Config{}})
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
			for n, b := range others {
				after, _ := os.ReadFile(filepath.Join(dir, ".storage", n))
				assert.Equal(t, string(b), string(after), n)
			}
			// The lock was released: a fixed file opens.
			require.NoError(t, os.Remove(path))
			h, err := native.Open(native.Options{ConfigDir: dir, Config: &core.Config{}})
			require.NoError(t, err)
			require.NoError(t, h.Close())
		})
	}
}

// TestBearerHeaderName checks HTTP-06 over real HTTP: the header name is
// case-insensitive, the scheme is not.
func TestBearerHeaderName(t *testing.T) {
	dir := copyDir(t, "testdata/ha-config")
	s := start(t, dir, &core.Config{})
	code := s.login("test-user", "test-pass")
	status, _, body := s.postForm("/auth/token", url.Values{"client_id": {s.srv.URL + "/"}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(t, 200, status, "%s", body)
	var tok struct {
		Access string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal(body, &tok))
	for _, tc := range []struct {
		name, value string
		status      int
	}{
		{"Authorization", "Bearer " + tok.Access, 200},
		{"AUTHORIZATION", "Bearer " + tok.Access, 200},
		{"authorization", "Bearer " + tok.Access, 200},
		{"Authorization", "BEARER " + tok.Access, 401},
		{"Authorization", tok.Access, 401},
	} {
		t.Run(tc.name+"_"+strings.Fields(tc.value)[0][:6], func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.srv.URL+"/api/", nil)
			req.Header[tc.name] = []string{tc.value} // sent as spelled
			status, _, _ := s.do(req)
			assert.Equal(t, tc.status, status)
		})
	}
}
