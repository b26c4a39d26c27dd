package native_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// client is what the concurrency tests' goroutines use to talk to the
// server: plain errors instead of assertions, which may only stop the
// test's own goroutine.
type client struct {
	base   string
	client *http.Client
}

func (c *client) send(method, path, contentType, body string, header ...string) (int, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *client) form(path string, v url.Values) (int, map[string]any, error) {
	status, b, err := c.send("POST", path, "application/x-www-form-urlencoded", v.Encode())
	var m map[string]any
	json.Unmarshal(b, &m)
	return status, m, err
}

func (c *client) jsonPost(path string, body any) (map[string]any, error) {
	b, _ := json.Marshal(body)
	status, out, err := c.send("POST", path, "text/plain;charset=UTF-8", string(b))
	if err != nil {
		return nil, err
	}
	if status != 200 {
		return nil, fmt.Errorf("POST %s: %d %s", path, status, out)
	}
	var m map[string]any
	return m, json.Unmarshal(out, &m)
}

// login runs a homeassistant login flow and returns the code.
func (c *client) login(username, password string) (string, error) {
	clientID := c.base + "/"
	m, err := c.jsonPost("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": clientID})
	if err != nil {
		return "", err
	}
	m, err = c.jsonPost("/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": clientID, "username": username, "password": password})
	if err != nil {
		return "", err
	}
	code, ok := m["result"].(string)
	if m["type"] != "create_entry" || !ok {
		return "", fmt.Errorf("login of %s: %v", username, m)
	}
	return code, nil
}

func (c *client) exchange(code string) (int, map[string]any, error) {
	return c.form("/auth/token", url.Values{"client_id": {c.base + "/"}, "grant_type": {"authorization_code"}, "code": {code}})
}

func (c *client) tokens(username, password string) (access, refresh string, err error) {
	code, err := c.login(username, password)
	if err != nil {
		return "", "", err
	}
	status, m, err := c.exchange(code)
	if err != nil {
		return "", "", err
	}
	if status != 200 {
		return "", "", fmt.Errorf("exchange: %d %v", status, m)
	}
	return m["access_token"].(string), m["refresh_token"].(string), nil
}

func (c *client) refresh(refresh string) (int, string, error) {
	status, m, err := c.form("/auth/token", url.Values{"client_id": {c.base + "/"}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	access, _ := m["access_token"].(string)
	return status, access, err
}

func (c *client) api(access string) (int, error) {
	status, _, err := c.send("GET", "/api/", "", "", "Authorization", "Bearer "+access)
	return status, err
}

// conn is an authenticated websocket connection.
type conn struct {
	c  *websocket.Conn
	id int
}

func (c *client) dial(access string) (*conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.base, "http")+"/api/websocket", nil)
	if err != nil {
		return nil, err
	}
	w := &conn{c: ws}
	if err := w.write(map[string]any{"type": "auth", "access_token": access}); err != nil {
		return nil, err
	}
	for _, want := range []string{"auth_required", "auth_ok"} {
		m, err := w.read()
		if err != nil {
			return nil, err
		}
		if m["type"] != want {
			return nil, fmt.Errorf("auth phase: %v, want %s", m, want)
		}
	}
	return w, nil
}

func (w *conn) write(msg map[string]any) error {
	b, _ := json.Marshal(msg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return w.c.Write(ctx, websocket.MessageText, b)
}

func (w *conn) read() (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// command sends a command and reads its answer.
func (w *conn) command(msg map[string]any) (map[string]any, error) {
	w.id++
	msg["id"] = w.id
	if err := w.write(msg); err != nil {
		return nil, err
	}
	m, err := w.read()
	if err != nil {
		return nil, err
	}
	if m["id"] != float64(w.id) || m["success"] != true {
		return m, fmt.Errorf("command %v: %v", msg, m)
	}
	return m, nil
}

// closedNormally reads until the connection ends and reports whether the
// server closed it normally (Home Assistant's 1000). Answers to commands
// sent before the close may come first.
func (w *conn) closedNormally() error {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, b, err := w.c.Read(ctx)
		cancel()
		if err == nil {
			var m map[string]any
			json.Unmarshal(b, &m)
			if m["success"] != true {
				return fmt.Errorf("a frame before the close: %s", b)
			}
			continue
		}
		if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			return fmt.Errorf("not closed normally: %w", err)
		}
		return nil
	}
}

// startConcurrent starts a host with users u0..u(n-1), passwords
// "<name>-pass".
func startConcurrent(t *testing.T, users int) (*server, *client) {
	s := start(t, t.TempDir(), &core.Config{BcryptCost: 4})
	for i := 0; i < users; i++ {
		name := fmt.Sprintf("u%d", i)
		s.call(core.OpCreateUser, map[string]string{"username": name, "password": name + "-pass"})
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return s, &client{base: s.srv.URL, client: &http.Client{Transport: tr, Timeout: time.Minute}}
}

// TestConcurrentCodeExchange sends the same authorization code to
// /auth/token from many clients at once: exactly one gets tokens, every
// other one Home Assistant's invalid_request "Invalid code".
func TestConcurrentCodeExchange(t *testing.T) {
	_, c := startConcurrent(t, 1)
	const clients = 16
	for round := 0; round < 4; round++ {
		code, err := c.login("u0", "u0-pass")
		require.NoError(t, err)
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		start := make(chan struct{})
		for i := 0; i < clients; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				status, m, err := c.exchange(code)
				if err != nil {
					t.Error(err)
					return
				}
				if status != 200 && (m["error"] != "invalid_request" || m["error_description"] != "Invalid code") {
					t.Errorf("a losing exchange got %d %v", status, m)
				}
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		assert.Equal(t, map[int]int{200: 1, 400: clients - 1}, statuses, "round %d", round)
	}
}

// revocation is one way of deleting a refresh token.
type revocation struct {
	name   string
	revoke func(c *client, control *conn, s *server, refresh, access string) error
}

var revocations = []revocation{
	{"auth_revoke", func(c *client, _ *conn, _ *server, refresh, _ string) error {
		status, _, err := c.form("/auth/revoke", url.Values{"token": {refresh}})
		if err == nil && status != 200 {
			err = fmt.Errorf("revoke: %d", status)
		}
		return err
	}},
	{"token_action_revoke", func(c *client, _ *conn, _ *server, refresh, _ string) error {
		status, _, err := c.form("/auth/token", url.Values{"action": {"revoke"}, "token": {refresh}})
		if err == nil && status != 200 {
			err = fmt.Errorf("action=revoke: %d", status)
		}
		return err
	}},
	{"ws_delete_refresh_token", func(_ *client, control *conn, s *server, _, access string) error {
		v, err := s.host.Call(context.Background(), core.OpValidateAccessToken, []byte(`{"token":"`+access+`"}`))
		if err != nil {
			return err
		}
		var out struct {
			ID string `json:"refresh_token_id"`
		}
		if err := json.Unmarshal(v, &out); err != nil {
			return err
		}
		_, err = control.command(map[string]any{"type": "auth/delete_refresh_token", "refresh_token_id": out.ID})
		return err
	}},
}

// TestConcurrentClients runs logins, refresh grants, websocket commands and
// revocations from many clients at once through real sockets (run it with
// -race). For every refresh token revoked, whichever way: once the
// revocation is answered, no refresh grant begun afterwards succeeds, every
// access token it issued gets 401 on the very next request, and its
// websocket is closed.
func TestConcurrentClients(t *testing.T) {
	const (
		workers    = 6
		rounds     = 3
		refreshers = 3
		refreshes  = 4
	)
	s, c := startConcurrent(t, workers)
	var wg sync.WaitGroup
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := runWorker(s, c, wk, rounds, refreshers, refreshes); err != nil {
				t.Errorf("worker %d: %v", wk, err)
			}
		}()
	}
	wg.Wait()

	// What is left: each worker's control token, nothing of the revoked.
	var tokens []map[string]any
	require.NoError(t, json.Unmarshal(s.call(core.OpListTokens, nil), &tokens))
	assert.Len(t, tokens, workers)
}

// runWorker is one client's session: a control connection, then rounds of
// a fresh login whose token is refreshed from several goroutines, used on a
// websocket and revoked in the middle of it all.
func runWorker(s *server, c *client, wk, rounds, refreshers, refreshes int) error {
	name := fmt.Sprintf("u%d", wk)
	controlAccess, _, err := c.tokens(name, name+"-pass")
	if err != nil {
		return err
	}
	control, err := c.dial(controlAccess)
	if err != nil {
		return err
	}
	defer control.c.CloseNow()
	for round := 0; round < rounds; round++ {
		rev := revocations[(wk+round)%len(revocations)]
		access, refresh, err := c.tokens(name, name+"-pass")
		if err != nil {
			return err
		}
		ws, err := c.dial(access)
		if err != nil {
			return err
		}
		type grant struct {
			began  time.Time
			status int
			access string
		}
		var (
			mu        sync.Mutex
			grants    []grant
			errs      []error
			revokedAt time.Time
			wg        sync.WaitGroup
		)
		fail := func(err error) {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
		start := make(chan struct{})
		// The revocation waits for a first grant, so that it falls among
		// the refreshes rather than before them all.
		granted := make(chan struct{})
		var grantedOnce sync.Once
		for r := 0; r < refreshers; r++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer grantedOnce.Do(func() { close(granted) })
				<-start
				for i := 0; i < refreshes; i++ {
					began := time.Now()
					status, a, err := c.refresh(refresh)
					if err != nil {
						fail(err)
						return
					}
					mu.Lock()
					grants = append(grants, grant{began, status, a})
					mu.Unlock()
					grantedOnce.Do(func() { close(granted) })
				}
			}()
		}
		// Commands on the token's own connection until it closes.
		wsDone := make(chan error, 1)
		go func() {
			<-start
			for i := 0; i < refreshes; i++ {
				msg := map[string]any{"type": "auth/current_user"}
				if i%2 == 1 {
					msg = map[string]any{"type": "auth/refresh_tokens"}
				}
				if _, err := ws.command(msg); err != nil {
					// Closed by the revocation, checked below.
					wsDone <- err
					return
				}
			}
			wsDone <- nil
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-granted
			if err := rev.revoke(c, control, s, refresh, access); err != nil {
				fail(fmt.Errorf("%s: %w", rev.name, err))
				return
			}
			mu.Lock()
			revokedAt = time.Now()
			mu.Unlock()
		}()
		close(start)
		wg.Wait()
		wsErr := <-wsDone
		if len(errs) > 0 {
			return errors.Join(errs...)
		}

		// Once the revocation was answered: no grant begun after it
		// succeeded, every access token of the refresh token is refused
		// at once, a new grant fails, and the websocket is closed.
		issued := []string{access}
		for _, g := range grants {
			switch {
			case g.status == 200:
				if g.began.After(revokedAt) {
					return fmt.Errorf("%s: a refresh begun after the revocation was answered succeeded", rev.name)
				}
				issued = append(issued, g.access)
			case g.status != 400:
				return fmt.Errorf("%s: a refresh got %d", rev.name, g.status)
			}
		}
		for _, a := range issued {
			status, err := c.api(a)
			if err != nil {
				return err
			}
			if status != 401 {
				return fmt.Errorf("%s: an access token of the revoked token got %d", rev.name, status)
			}
		}
		if status, _, err := c.refresh(refresh); err != nil || status != 400 {
			return fmt.Errorf("%s: refresh after the revocation: %d %v", rev.name, status, err)
		}
		if wsErr == nil {
			// Every command was answered before the revocation.
			wsErr = ws.closedNormally()
		} else if websocket.CloseStatus(wsErr) == websocket.StatusNormalClosure {
			wsErr = nil
		}
		if wsErr != nil {
			return fmt.Errorf("%s: the token's websocket: %w", rev.name, wsErr)
		}
		// The control connection, another token of the same user, lives on.
		if _, err := control.command(map[string]any{"type": "auth/current_user"}); err != nil {
			return fmt.Errorf("%s: the control connection: %w", rev.name, err)
		}
	}
	return nil
}
