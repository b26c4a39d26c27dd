// Package e2e_test runs Home Assistant's own websocket client library
// (home-assistant-js-websocket, pinned in client/package.json) against a
// real `hassauth serve` on a loopback port.
package e2e_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHomeAssistantJSWebsocket builds the hassauth command, creates a user
// offline, serves on a free loopback port and runs client/e2e.mjs: the
// frontend's login flow, the library's code exchange, createConnection,
// auth/current_user, auth/sign_path, a long-lived token and a connection
// with it, a refresh, revoke() and the open socket closing.
func TestHomeAssistantJSWebsocket(t *testing.T) {
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		t.Skip("node and npm are not installed: skipping the end-to-end test with home-assistant-js-websocket (make test installs its packages when they are)")
	}
	client, err := filepath.Abs("client")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(client, "node_modules", "home-assistant-js-websocket")); err != nil {
		run(t, client, npm, "ci", "--no-audit", "--no-fund")
	}

	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH: cannot build hassauth")
	}
	bin := filepath.Join(t.TempDir(), "hassauth")
	run(t, ".", goTool, "build", "-o", bin, "github.com/hassauth/hassauth/hosts/native/cmd/hassauth")

	config := t.TempDir()
	run(t, ".", bin, "user", "add", "--config", config, "--username", "alice", "--password", "alice e2e pass")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	serve := exec.CommandContext(ctx, bin, "serve", "--config", config, "--listen", "127.0.0.1:0")
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	serve.Stderr = &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = serve.Process.Signal(syscall.SIGTERM)
		if err := serve.Wait(); err != nil {
			t.Errorf("hassauth serve: %v\n%s", err, logs.String())
		}
	}
	defer stop()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("hassauth serve did not start: %v\n%s", err, logs.String())
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("unexpected first line %q", line)
	}

	cmd := exec.CommandContext(ctx, node, "e2e.mjs", url, "alice", "alice e2e pass")
	cmd.Dir = client
	out, err := cmd.CombinedOutput()
	t.Logf("client:\n%s", out)
	if err != nil {
		t.Fatalf("the client failed: %v\nserver log:\n%s", err, logs.String())
	}
	if !strings.Contains(string(out), "e2e: all checks passed") {
		t.Fatal("the client did not finish its checks")
	}
	stop()
}

func run(t *testing.T, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}
