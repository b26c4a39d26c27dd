package native_test

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// TestStoredFileModes makes the host write every file it writes (the
// auth store, the provider's passwords, both MFA modules' secrets, the
// journal, the lock, a ban) and checks their modes: everything under
// .storage is readable by its owner only, as Home Assistant's private
// stores are; ip_bans.yaml, which holds addresses and no secret, is
// written as Home Assistant writes it, writable by its owner only. A
// journal left readable by others (copied in, say) is made private on the
// next append.
func TestStoredFileModes(t *testing.T) {
	dir := t.TempDir()
	storage := filepath.Join(dir, ".storage")
	require.NoError(t, os.MkdirAll(storage, 0o700))
	journal := filepath.Join(storage, "hassauth.journal")
	require.NoError(t, os.WriteFile(journal, nil, 0o644))
	require.NoError(t, os.Chmod(journal, 0o644))

	clk := newClock()
	one := 1
	message := "Code {}"
	notifier := &codeNotifier{}
	cfg := &core.Config{BcryptCost: 4, NotifyServices: []string{"phone"},
		MFAModules: []core.MFAModuleConfig{{Type: "totp"}, {Type: "notify", Message: &message}},
		HTTP:       core.HTTPConfig{LoginAttemptsThreshold: &one}}
	h, err := native.Open(native.Options{ConfigDir: dir, Config: cfg, Now: clk.now, Notify: notifier})
	require.NoError(t, err)
	s := &server{t: t, host: h, srv: httptest.NewServer(h), dir: dir}
	t.Cleanup(s.stop)
	s.addUser()
	// The new user went into the journal; the store itself is written a
	// second later by the (stopped) clock, so this is the append's doing.
	info, err := os.Stat(journal)
	require.NoError(t, err)
	require.NotZero(t, info.Size())
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the journal after an append")
	access := s.accessToken(s.login("test-user", "test-pass"))

	ws := s.websocket(access)
	form := ws.command(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "totp"})
	secret := form["description_placeholders"].(map[string]any)["code"].(string)
	ws.command(map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": clk.totp(t, secret)}})
	form = ws.command(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "notify"})
	form = ws.command(map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"notify_service": "phone"}})
	ws.command(map[string]any{"type": "auth/setup_mfa", "flow_id": form["flow_id"], "user_input": map[string]any{"code": notifier.last(t)}})

	// One failed login bans the address (threshold 1).
	status, _, _ := s.postForm("/auth/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"wrong"}})
	require.Equal(t, 400, status)
	s.stop()

	for _, name := range []string{"auth", "auth_provider.homeassistant", "auth_module.totp", "auth_module.notify", "hassauth.journal", ".hassauth.lock"} {
		info, err := os.Stat(filepath.Join(storage, name))
		if assert.NoError(t, err, name) {
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
		}
	}
	info, err = os.Stat(storage)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm(), ".storage")
	info, err = os.Stat(filepath.Join(dir, native.BansFile))
	require.NoError(t, err)
	assert.Zero(t, info.Mode().Perm()&0o133, "ip_bans.yaml is %v", info.Mode().Perm())
	assert.NotZero(t, info.Mode().Perm()&0o600)
}
