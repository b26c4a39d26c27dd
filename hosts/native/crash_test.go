package native_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core/storage"
)

// buildCommand builds the hassauth command once per test binary.
var buildCommand = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "hassauth-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "hassauth")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/hassauth").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// crashConfig logs in through the command_line provider with a command
// that always agrees, so that logins cost no bcrypt and a burst is fast.
const crashConfig = `homeassistant:
  auth_providers:
    - type: command_line
      command: /bin/true
`

// process is a running `hassauth serve`.
type process struct {
	cmd  *exec.Cmd
	base string
}

func serveProcess(t *testing.T, bin, dir string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--config", dir, "--listen", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Wait() // the output is complete once the command has exited
		t.Fatalf("server did not start: %v\n%s", err, stderr.String())
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	require.True(t, ok, "unexpected first line %q", line)
	go io.Copy(io.Discard, stdout)
	return &process{cmd: cmd, base: addr}
}

func (p *process) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
}

const (
	crashClient   = "https://example.com/app"
	crashRedirect = "https://example.com/app/callback"
)

var crashHTTP = &http.Client{Timeout: 5 * time.Second}

func postJSONTo(ctx context.Context, url string, body any) (map[string]any, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(b))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	resp, err := crashHTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("status %d: %v", resp.StatusCode, m)
	}
	return m, nil
}

func postFormTo(ctx context.Context, url string, form url.Values) (int, []byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := crashHTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// newToken logs in and exchanges the code; it returns the refresh token
// only when the exchange was answered with 200.
func newToken(ctx context.Context, base string) (string, bool) {
	m, err := postJSONTo(ctx, base+"/auth/login_flow", map[string]any{"client_id": crashClient, "handler": []any{"command_line", nil}, "redirect_uri": crashRedirect})
	if err != nil {
		return "", false
	}
	m, err = postJSONTo(ctx, base+"/auth/login_flow/"+m["flow_id"].(string), map[string]any{"client_id": crashClient, "username": "crash", "password": "test"})
	if err != nil || m["type"] != "create_entry" {
		return "", false
	}
	status, body, err := postFormTo(ctx, base+"/auth/token", url.Values{"client_id": {crashClient}, "grant_type": {"authorization_code"}, "code": {m["result"].(string)}})
	if err != nil || status != 200 {
		return "", false
	}
	var tok struct {
		Refresh string `json:"refresh_token"`
	}
	if json.Unmarshal(body, &tok) != nil || tok.Refresh == "" {
		return "", false
	}
	return tok.Refresh, true
}

// TestCrashSafety kills the server at random moments during a burst of
// token creations and revocations, fifty times over. After every restart
// the stored files parse, every token whose creation was answered with 200
// still works, and no token whose revocation was answered works again.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts the server fifty times")
	}
	bin, err := buildCommand()
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "configuration.yaml"), []byte(crashConfig), 0o600))

	rng := rand.New(rand.NewPCG(1, 2))
	var (
		mu      sync.Mutex
		live    []string
		revoked []string
	)
	const rounds = 50
	for round := 0; round < rounds; round++ {
		p := serveProcess(t, bin, dir)

		// Everything confirmed so far must have survived the last crash.
		for _, tok := range live {
			status, body, err := postFormTo(context.Background(), p.base+"/auth/token", url.Values{"client_id": {crashClient}, "grant_type": {"refresh_token"}, "refresh_token": {tok}})
			require.NoError(t, err)
			require.Equal(t, 200, status, "round %d: a token whose creation was answered is gone: %s", round, body)
		}
		for _, tok := range revoked {
			status, body, err := postFormTo(context.Background(), p.base+"/auth/token", url.Values{"client_id": {crashClient}, "grant_type": {"refresh_token"}, "refresh_token": {tok}})
			require.NoError(t, err)
			require.Equal(t, 400, status, "round %d: a revoked token works again: %s", round, body)
		}

		// A burst: four clients creating tokens and revoking some, until
		// the kill, which comes after a random number of answered
		// operations while others are in flight.
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		killAt := int64(5 + rng.IntN(120))
		var answered atomic.Int64
		reached := make(chan struct{})
		var once sync.Once
		tick := func() {
			if answered.Add(1) >= killAt {
				once.Do(func() { close(reached) })
			}
		}
		for w := 0; w < 4; w++ {
			seed := rng.Uint64()
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(seed, 7))
				for ctx.Err() == nil {
					if r.IntN(3) == 0 {
						mu.Lock()
						if len(live) == 0 {
							mu.Unlock()
							continue
						}
						i := r.IntN(len(live))
						tok := live[i]
						live = append(live[:i], live[i+1:]...)
						mu.Unlock()
						status, _, err := postFormTo(ctx, p.base+"/auth/revoke", url.Values{"token": {tok}})
						mu.Lock()
						if err == nil && status == 200 {
							revoked = append(revoked, tok)
							tick()
						}
						// An unanswered revocation may or may not have
						// happened: the token is checked no more.
						mu.Unlock()
						continue
					}
					if tok, ok := newToken(ctx, p.base); ok {
						mu.Lock()
						live = append(live, tok)
						mu.Unlock()
						tick()
					}
				}
			}()
		}
		<-reached
		p.kill()
		cancel()
		wg.Wait()

		// The files Home Assistant reads always parse.
		if b, err := os.ReadFile(filepath.Join(dir, ".storage", "auth")); err == nil {
			_, _, err := storage.DecodeAuth(b)
			require.NoError(t, err, "round %d", round)
		}
	}
	p := serveProcess(t, bin, dir)
	defer p.kill()
	t.Logf("%d rounds: %d live tokens, %d revoked", rounds, len(live), len(revoked))
	require.NotEmpty(t, live)
	require.NotEmpty(t, revoked)
}
