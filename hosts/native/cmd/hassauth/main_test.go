package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core/password"
	"github.com/hassauth/hassauth/core/storage"
)

// binary is the hassauth command built once for the tests that need a
// real process (signals, a server holding the directory).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hassauth-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "hassauth")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building hassauth:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hassauth runs the command in this process.
func hassauth(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestHelp checks that every command answers --help with its usage and
// exit code 0, and that mistakes exit with 2.
func TestHelp(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "hassauth serve"},
		{[]string{"-h"}, "hassauth serve"},
		{[]string{"help"}, "hassauth token revoke ID"},
		{[]string{"serve", "--help"}, "Usage: hassauth serve"},
		{[]string{"user", "--help"}, "hassauth user passwd"},
		{[]string{"user", "-h"}, "hassauth user remove"},
		{[]string{"user", "add", "--help"}, "Usage: hassauth user add"},
		{[]string{"user", "list", "--help"}, "Usage: hassauth user list"},
		{[]string{"user", "passwd", "--help"}, "Usage: hassauth user passwd"},
		{[]string{"user", "remove", "--help"}, "Usage: hassauth user remove"},
		{[]string{"token", "--help"}, "hassauth token list"},
		{[]string{"token", "list", "--help"}, "Usage: hassauth token list"},
		{[]string{"token", "revoke", "--help"}, "Usage: hassauth token revoke"},
	} {
		t.Run(strings.Join(tc.args, "_"), func(t *testing.T) {
			stdout, stderr, code := hassauth(tc.args...)
			assert.Equal(t, 0, code)
			assert.Contains(t, stdout+stderr, tc.want)
			assert.Contains(t, stdout+stderr, "--config")
		})
	}

	for _, args := range [][]string{
		{}, {"nope"}, {"user"}, {"user", "nope"}, {"token"}, {"token", "nope"},
		{"serve", "--nope"}, {"user", "add"}, {"user", "add", "--username", "a"}, {"user", "passwd", "--password", "p"},
		{"user", "remove"}, {"token", "revoke"}, {"token", "revoke", "a", "b"}, {"serve", "--engine", "nope"},
	} {
		t.Run("usage_error/"+strings.Join(args, "_"), func(t *testing.T) {
			stdout, stderr, code := hassauth(args...)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.NotEmpty(t, stderr)
		})
	}
}

// userRow finds a user's line in "user list" output.
func userRow(t *testing.T, list, username string) []string {
	t.Helper()
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == username {
			return f
		}
	}
	return nil
}

// TestUserCommands covers user add, list, passwd and remove on the stored
// files.
func TestUserCommands(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := hassauth("user", "add", "--config", dir, "--username", "alice", "--password", "first pass")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `^created user [0-9a-f]{32} \(owner\)\n$`, stdout)
	aliceID := strings.Fields(stdout)[2]

	// Flags may follow positional arguments and come in any order.
	stdout, stderr, code = hassauth("user", "add", "--username", "bob", "--name", "Bob Builder", "--group", "system-read-only",
		"--local-only", "--password", "bob pass", "--config", dir)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `^created user [0-9a-f]{32}\n$`, stdout)

	for _, tc := range []struct {
		name, username, want string
	}{
		{"not_normalized", "Carol ", `Username "Carol " is not normalized`},
		{"taken", "alice", `Username "alice" already exists`},
	} {
		t.Run("add_refused/"+tc.name, func(t *testing.T) {
			stdout, stderr, code := hassauth("user", "add", "--config", dir, "--username", tc.username, "--password", "x")
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.want)
		})
	}
	_, stderr, code = hassauth("user", "add", "--config", dir, "--username", "dave", "--password", "x", "--group", "no-such-group")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "Invalid group specified.")

	stdout, stderr, code = hassauth("user", "list", "--config", dir)
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.Len(t, lines, 3, stdout)
	assert.Equal(t, []string{"ID", "USERNAME", "NAME", "GROUPS", "FLAGS"}, strings.Fields(lines[0]))
	assert.Equal(t, []string{aliceID, "alice", "alice", "system-admin", "owner"}, userRow(t, stdout, "alice"))
	assert.Equal(t, []string{"bob", "Bob", "Builder", "system-read-only"}, userRow(t, stdout, "bob")[1:])

	// The stored documents are Home Assistant's.
	auth, err := os.ReadFile(filepath.Join(dir, ".storage", "auth"))
	require.NoError(t, err)
	a, _, err := storage.DecodeAuth(auth)
	require.NoError(t, err)
	require.Len(t, a.Users, 2)
	assert.True(t, a.Users[1].LocalOnly)
	checkPassword := func(username, pw string) bool {
		b, err := os.ReadFile(filepath.Join(dir, ".storage", "auth_provider.homeassistant"))
		require.NoError(t, err)
		p, _, err := storage.DecodeProvider(b)
		require.NoError(t, err)
		for _, u := range p.Users {
			if u.Username == username {
				h, err := password.DecodeStored(u.Password)
				require.NoError(t, err)
				assert.True(t, strings.HasPrefix(h, "$2b$12$"), h)
				return password.Check(pw, h)
			}
		}
		t.Fatalf("no stored user %s", username)
		return false
	}
	assert.True(t, checkPassword("alice", "first pass"))

	stdout, stderr, code = hassauth("user", "passwd", "--config", dir, "--username", " ALICE", "--password", "second pass")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "password changed for  ALICE\n", stdout)
	assert.True(t, checkPassword("alice", "second pass"))
	assert.False(t, checkPassword("alice", "first pass"))

	_, stderr, code = hassauth("user", "passwd", "--config", dir, "--username", "nobody", "--password", "x")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "User not found")

	stdout, stderr, code = hassauth("user", "remove", "--config", dir, "--username", "bob")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "removed bob\n", stdout)
	stdout, _, _ = hassauth("user", "list", "--config", dir)
	assert.Nil(t, userRow(t, stdout, "bob"))
	assert.NotNil(t, userRow(t, stdout, "alice"))

	_, stderr, code = hassauth("user", "remove", "--config", dir, "--username", "bob")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "User not found")
}

// login logs alice in over HTTP and returns the access and refresh tokens.
func login(t *testing.T, base, username, pw string) (access, refresh string) {
	t.Helper()
	client := base + "/"
	post := func(path, ctype, body string) map[string]any {
		resp, err := http.Post(base+path, ctype, strings.NewReader(body))
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		require.Equal(t, 200, resp.StatusCode, "%s %s", path, b)
		var m map[string]any
		require.NoError(t, json.Unmarshal(b, &m))
		return m
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	m := post("/auth/login_flow", "text/plain", js(map[string]any{"client_id": client, "handler": []any{"homeassistant", nil}, "redirect_uri": client}))
	m = post("/auth/login_flow/"+m["flow_id"].(string), "text/plain", js(map[string]any{"client_id": client, "username": username, "password": pw}))
	require.Equal(t, "create_entry", m["type"])
	form := url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {m["result"].(string)}}
	m = post("/auth/token", "application/x-www-form-urlencoded", form.Encode())
	return m["access_token"].(string), m["refresh_token"].(string)
}

// issuer is an access token's iss: its refresh token's id.
func issuer(t *testing.T, access string) string {
	t.Helper()
	parts := strings.Split(access, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c struct {
		Iss string `json:"iss"`
	}
	require.NoError(t, json.Unmarshal(b, &c))
	return c.Iss
}

// server is a running "hassauth serve".
type server struct {
	cmd    *exec.Cmd
	base   string
	stdout *bytes.Buffer
	stderr *bytes.Buffer
	done   chan error
}

// startServer starts the built command and waits for its ready line.
func startServer(t *testing.T, dir string) *server {
	t.Helper()
	cmd := exec.Command(binary, "serve", "--config", dir, "--listen", "127.0.0.1:0")
	pr, pw := io.Pipe()
	s := &server{cmd: cmd, stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stdout = io.MultiWriter(pw, s.stdout)
	cmd.Stderr = s.stderr
	require.NoError(t, cmd.Start())
	go func() {
		err := cmd.Wait()
		pw.Close()
		s.done <- err
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(pr).ReadString('\n')
		line <- l
		io.Copy(io.Discard, pr)
	}()
	select {
	case l := <-line:
		m := regexp.MustCompile(`^listening on (http://127\.0\.0\.1:[0-9]+)\n$`).FindStringSubmatch(l)
		require.NotNil(t, m, "ready line %q; stderr %s", l, s.stderr)
		s.base = m[1]
	case <-time.After(60 * time.Second):
		t.Fatalf("no ready line; stderr %s", s.stderr)
	}
	return s
}

// stop sends sig and returns the exit code.
func (s *server) stop(t *testing.T, sig syscall.Signal) int {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(sig))
	select {
	case <-s.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("no exit after %v; stderr %s", sig, s.stderr)
	}
	return s.cmd.ProcessState.ExitCode()
}

// TestServe runs the built command: it says when it is ready, serves a
// login, refuses the management commands while it holds the directory,
// and on SIGINT or SIGTERM writes what is pending and exits 0.
func TestServe(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			_, stderr, code := hassauth("user", "add", "--config", dir, "--username", "alice", "--password", "secret pass")
			require.Equal(t, 0, code, stderr)
			before, err := os.ReadFile(filepath.Join(dir, ".storage", "auth"))
			require.NoError(t, err)

			s := startServer(t, dir)
			resp, err := http.Get(s.base + "/auth/providers")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, 200, resp.StatusCode)

			stdout, stderr, code := hassauth("user", "list", "--config", dir)
			assert.Equal(t, 1, code)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, "in use by another hassauth process")
			_, stderr, code = hassauth("token", "revoke", "--config", dir, "0123")
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, "in use by another hassauth process")

			// The new refresh token is written a second after it was
			// made; the signal comes first, so the shutdown writes it.
			access, _ := login(t, s.base, "alice", "secret pass")
			assert.Equal(t, 0, s.stop(t, sig), "stderr %s", s.stderr)
			assert.Equal(t, "listening on "+s.base+"\n", s.stdout.String(), "exactly one line on stdout")

			after, err := os.ReadFile(filepath.Join(dir, ".storage", "auth"))
			require.NoError(t, err)
			assert.NotContains(t, string(before), issuer(t, access))
			assert.Contains(t, string(after), `"id": "`+issuer(t, access)+`"`)
			a, _, err := storage.DecodeAuth(after)
			require.NoError(t, err)
			assert.Len(t, a.RefreshTokens, 1)

			// The directory is free again.
			_, stderr, code = hassauth("user", "list", "--config", dir)
			assert.Equal(t, 0, code, stderr)
		})
	}

	t.Run("signal_right_after_the_ready_line", func(t *testing.T) {
		s := startServer(t, t.TempDir())
		assert.Equal(t, 0, s.stop(t, syscall.SIGTERM), "stderr %s", s.stderr)
	})

	t.Run("address_in_use", func(t *testing.T) {
		s := startServer(t, t.TempDir())
		cmd := exec.Command(binary, "serve", "--config", t.TempDir(), "--listen", strings.TrimPrefix(s.base, "http://"))
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		err := cmd.Run()
		require.Error(t, err)
		assert.Equal(t, 1, cmd.ProcessState.ExitCode())
		assert.Contains(t, errOut.String(), "address already in use")
		assert.Equal(t, 0, s.stop(t, syscall.SIGTERM))
	})

	t.Run("unparsable_store", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, ".storage", "auth_provider.homeassistant")
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
		require.NoError(t, os.WriteFile(path, []byte(`{"version": 1,`), 0o600))
		cmd := exec.Command(binary, "serve", "--config", dir, "--listen", "127.0.0.1:0")
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		require.Error(t, cmd.Run())
		assert.Equal(t, 1, cmd.ProcessState.ExitCode())
		assert.Empty(t, out.String())
		assert.Contains(t, errOut.String(), path)
		b, _ := os.ReadFile(path)
		assert.Equal(t, `{"version": 1,`, string(b))
	})
}

// TestTokenCommands covers token list and revoke on the stored files.
func TestTokenCommands(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := hassauth("user", "add", "--config", dir, "--username", "alice", "--password", "secret pass", "--name", "Alice")
	require.Equal(t, 0, code, stderr)
	s := startServer(t, dir)
	access, refresh := login(t, s.base, "alice", "secret pass")
	require.Equal(t, 0, s.stop(t, syscall.SIGTERM))
	id := issuer(t, access)

	stdout, stderr, code := hassauth("token", "list", "--config", dir)
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimRight(stdout, "\n"), "\n")
	require.Len(t, lines, 2, stdout)
	assert.Equal(t, []string{"ID", "USER", "TYPE", "CLIENT", "LAST", "USED"}, strings.Fields(lines[0]))
	f := strings.Fields(lines[1])
	require.Len(t, f, 5, lines[1])
	assert.Equal(t, []string{id, "Alice", "normal", s.base + "/"}, f[:4])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$`, f[4])
	assert.NotContains(t, stdout, refresh, "no secrets")

	_, stderr, code = hassauth("token", "revoke", "--config", dir, "0123")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no refresh token with id 0123")

	stdout, stderr, code = hassauth("token", "revoke", id, "--config", dir)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "revoked "+id+"\n", stdout)

	stdout, _, code = hassauth("token", "list", "--config", dir)
	require.Equal(t, 0, code)
	assert.Equal(t, 1, strings.Count(stdout, "\n"), stdout)
	b, err := os.ReadFile(filepath.Join(dir, ".storage", "auth"))
	require.NoError(t, err)
	assert.NotContains(t, string(b), id)
}
