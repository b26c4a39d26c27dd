package native_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
}

// TestLoadNotifyServices checks the notify section of hassauth.yaml.
func TestLoadNotifyServices(t *testing.T) {
	t.Run("services", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, dir, native.HassauthFile, `
notify:
  - name: phone
    command: /usr/local/bin/send-sms
    args: ["--quiet", "-t"]
  - name: ntfy
    webhook: !secret ntfy
`)
		writeFile(t, dir, native.SecretsFile, "ntfy: https://ntfy.example/abc?token=s3cret\n")
		got, err := native.LoadNotifyServices(dir)
		require.NoError(t, err)
		assert.Equal(t, []native.NotifyService{
			{Name: "phone", Command: "/usr/local/bin/send-sms", Args: []string{"--quiet", "-t"}},
			{Name: "ntfy", Webhook: "https://ntfy.example/abc?token=s3cret"},
		}, got)
	})
	t.Run("no_file", func(t *testing.T) {
		got, err := native.LoadNotifyServices(t.TempDir())
		require.NoError(t, err)
		assert.Nil(t, got)
	})
	for _, tc := range []struct {
		name, yaml, key, msg string
	}{
		{"name_not_a_slug", "notify:\n  - name: Phone\n    command: /bin/true\n", "notify[0].name", "not a service name"},
		{"name_missing", "notify:\n  - command: /bin/true\n", "notify[0].name", "required key not provided"},
		{"name_twice", "notify:\n  - name: a\n    command: /bin/true\n  - name: a\n    command: /bin/true\n", "notify[1].name", "named twice"},
		{"both", "notify:\n  - name: a\n    command: /bin/true\n    webhook: http://x/\n", "notify[0]", "either command or webhook"},
		{"neither", "notify:\n  - name: a\n", "notify[0]", "either command or webhook"},
		{"relative_command", "notify:\n  - name: a\n    command: send-sms\n", "notify[0].command", "not an absolute path"},
		{"bad_webhook", "notify:\n  - name: a\n    webhook: ftp://user:s3cret@host/\n", "notify[0].webhook", "expected an http or https URL"},
		{"args_with_webhook", "notify:\n  - name: a\n    webhook: http://x/\n    args: [b]\n", "notify[0].args", "args go with a command"},
		{"extra_key", "notify:\n  - name: a\n    command: /bin/true\n    timeout: 3\n", "notify[0].timeout", "extra keys not allowed"},
		{"not_a_list", "notify: phone\n", "notify", "expected a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, dir, native.HassauthFile, tc.yaml)
			_, err := native.LoadNotifyServices(dir)
			var ce *native.ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.key, ce.Key)
			assert.Contains(t, ce.Msg, tc.msg)
			assert.NotContains(t, err.Error(), "s3cret", "a webhook URL may hold a token")
		})
	}
}

// TestNotifyCommand checks the command service: the message, service and
// target in its environment, and a failure with its stderr.
func TestNotifyCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	script := filepath.Join(dir, "send")
	writeFile(t, dir, "send", "#!/bin/sh\nprintf '%s|%s|%s|%s\\n' \"$HASSAUTH_NOTIFY_SERVICE\" \"$HASSAUTH_NOTIFY_MESSAGE\" \"${HASSAUTH_NOTIFY_TARGET-none}\" \"$2\" >> \"$1\"\n")
	require.NoError(t, os.Chmod(script, 0o700))
	writeFile(t, dir, "fail", "#!/bin/sh\necho 'no credit left' >&2\nexit 3\n")
	require.NoError(t, os.Chmod(filepath.Join(dir, "fail"), 0o700))

	n := native.NewNotifiers([]native.NotifyService{
		{Name: "sms", Command: script, Args: []string{out, "arg"}},
		{Name: "broken", Command: filepath.Join(dir, "fail")},
	}, nil)
	assert.Equal(t, []string{"broken", "sms"}, n.Services())
	ctx := context.Background()
	require.NoError(t, n.Notify(ctx, core.Notify{Service: "sms", Target: "+15550100", Message: "123456 is your Home Assistant login code"}))
	require.NoError(t, n.Notify(ctx, core.Notify{Service: "sms", Message: "654321 is your Home Assistant login code"}))
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "sms|123456 is your Home Assistant login code|+15550100|arg\nsms|654321 is your Home Assistant login code|none|arg\n", string(b))

	err = n.Notify(ctx, core.Notify{Service: "broken", Message: "x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exit status 3")
	assert.Contains(t, err.Error(), "no credit left")

	assert.Error(t, n.Notify(ctx, core.Notify{Service: "pager", Message: "x"}))
}

// TestNotifyWebhook checks the webhook service: the JSON it posts, and
// failures that do not repeat the URL.
func TestNotifyWebhook(t *testing.T) {
	var mu sync.Mutex
	var bodies []map[string]any
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "POST", r.Method)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		var m map[string]any
		b, _ := io.ReadAll(r.Body)
		assert.NoError(t, json.Unmarshal(b, &m))
		mu.Lock()
		bodies = append(bodies, m)
		w.WriteHeader(status)
		mu.Unlock()
	}))
	defer srv.Close()
	hook := srv.URL + "/hook?token=s3cret"
	n := native.NewNotifiers([]native.NotifyService{{Name: "hook", Webhook: hook}, {Name: "dead", Webhook: "http://127.0.0.1:1/?token=s3cret"}}, srv.Client())
	ctx := context.Background()
	require.NoError(t, n.Notify(ctx, core.Notify{Service: "hook", Target: "me", Message: "m1"}))
	require.NoError(t, n.Notify(ctx, core.Notify{Service: "hook", Message: "m2"}))
	assert.Equal(t, []map[string]any{
		{"service": "hook", "message": "m1", "target": []any{"me"}},
		{"service": "hook", "message": "m2"},
	}, bodies)

	mu.Lock()
	status = http.StatusInternalServerError
	mu.Unlock()
	err := n.Notify(ctx, core.Notify{Service: "hook", Message: "m3"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "500")
	assert.NotContains(t, err.Error(), "s3cret")

	err = n.Notify(ctx, core.Notify{Service: "dead", Message: "m4"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
}

// TestNotifyModuleWithoutServicesWarns checks the log line a host writes
// when the notify module has nothing to send codes through.
func TestNotifyModuleWithoutServicesWarns(t *testing.T) {
	var logs bytes.Buffer
	h, err := native.Open(native.Options{
		ConfigDir: t.TempDir(),
		Config:    &core.Config{MFAModules: []core.MFAModuleConfig{{Type: "notify"}}},
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, h.Close())
	assert.Contains(t, logs.String(), "the notify MFA module is configured, but no notify service is")
	assert.True(t, strings.Contains(logs.String(), native.HassauthFile))
}
