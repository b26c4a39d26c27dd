package core_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// logged returns the log lines among the last effects.
func (h *harness) logLines() []string {
	var out []string
	for _, e := range h.effects {
		if e.Log != nil {
			out = append(out, e.Log.Message)
		}
	}
	return out
}

// TestFailedLoginLogRedacted checks that the failed-login line names the
// requested URL without the secrets a client put in its query string
// (HTTP-03's api_password, a token), where Home Assistant logs them.
func TestFailedLoginLogRedacted(t *testing.T) {
	h := newHarness(t, testConfig())
	r := h.request("GET", "/api/?api_password=hunter2&x=1", nil)
	require.Equal(t, 401, r.Status)
	assert.Equal(t, []string{"Login attempt or request with invalid authentication from 192.168.1.10 (192.168.1.10). " +
		"Requested URL: '/api/?api_password=**REDACTED**&x=1'. ()"}, h.logLines())

	r = h.request("POST", "/auth/token?grant_type=refresh_token&refresh_token=0123abcd", nil)
	require.Equal(t, 400, r.Status)
	require.Len(t, h.logLines(), 1)
	assert.Contains(t, h.logLines()[0], "'/auth/token?grant_type=refresh_token&refresh_token=**REDACTED**'")
}

// TestWSAuthFormatLogRedacted checks that a malformed auth message is
// answered with what the client sent (as Home Assistant answers it) while
// the log line leaves its token out.
func TestWSAuthFormatLogRedacted(t *testing.T) {
	h := newHarness(t, testConfig())
	w := h.wsOpen()
	w.send([]byte(`{"type":"auth","access_token":["eyJsecret"]}`), false)
	frames := w.frames()
	require.Len(t, frames, 1)
	assert.Contains(t, string(frames[0]), "eyJsecret")
	lines := strings.Join(h.logLines(), "\n")
	assert.Contains(t, lines, "Auth message incorrectly formatted: expected str for dictionary value @ data['access_token']. Got '**REDACTED**'")
	assert.NotContains(t, lines, "eyJsecret")
}
