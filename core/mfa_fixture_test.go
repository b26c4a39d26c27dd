package core_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/jwt"
)

// The users of the MFA tests, as Home Assistant's tests name them: the
// owner "mock-user" ("Test Name") logs in as test-user/test-pass with the
// credential "mock-id"; "system-user" is a system user with a system token.
const (
	mockUser     = "mock-user"
	mockCred     = "mock-id"
	systemUser   = "system-user"
	systemToken  = "system-token-id"
	systemJWTKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

// mfaFiles returns .storage/auth and .storage/auth_provider.homeassistant
// with those users, plus any other stored documents given.
func mfaFiles(t testing.TB, more ...core.File) []core.File {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte("test-pass"), 4)
	require.NoError(t, err)
	provider := fmt.Sprintf(`{"version":1,"minor_version":1,"key":"auth_provider.homeassistant","data":{"users":[{"username":"test-user","password":%q}]}}`,
		base64.StdEncoding.EncodeToString(hash))
	auth := `{"version":1,"minor_version":1,"key":"auth","data":{
"users":[
 {"id":"mock-user","group_ids":["system-admin"],"is_owner":true,"is_active":true,"name":"Test Name","system_generated":false,"local_only":false},
 {"id":"system-user","group_ids":["system-read-only"],"is_owner":false,"is_active":true,"name":"Home Assistant Content","system_generated":true,"local_only":false}],
"groups":[{"id":"system-admin","name":"Administrators"},{"id":"system-users","name":"Users"},{"id":"system-read-only","name":"Read Only"}],
"credentials":[{"id":"mock-id","user_id":"mock-user","auth_provider_type":"homeassistant","auth_provider_id":null,"data":{"username":"test-user"}}],
"refresh_tokens":[{"id":"system-token-id","user_id":"system-user","client_id":null,"client_name":null,"client_icon":null,
 "token_type":"system","created_at":"2026-08-01T08:00:00+00:00","access_token_expiration":1800.0,
 "token":"` + systemJWTKey + systemJWTKey + `","jwt_key":"` + systemJWTKey + systemJWTKey + `",
 "last_used_at":null,"last_used_ip":null,"expire_at":null,"credential_id":null,"version":"2026.8.0"}]}}`
	files := []core.File{{Path: core.PathAuth, Data: []byte(auth)}, {Path: core.PathProvider, Data: []byte(provider)}}
	return append(files, more...)
}

// systemAccess signs an access token for the system user's token.
func (h *harness) systemAccess() string {
	now := h.now / 1_000_000
	return jwt.SignAccessToken(jwt.NewKeyString(systemJWTKey+systemJWTKey), systemToken, now, now+1800)
}

// totpFile is .storage/auth_module.totp with one user's secret.
func totpFile(userID, secret string) core.File {
	return core.File{Path: core.PathTOTP, Data: []byte(`{"version":1,"minor_version":1,"key":"auth_module.totp","data":{"users":{"` + userID + `":"` + secret + `"}}}`)}
}

// notifyFile is .storage/auth_module.notify with one user's setting.
func notifyFile(userID, service, target string) core.File {
	return core.File{Path: core.PathNotify, Data: []byte(`{"version":1,"minor_version":1,"key":"auth_module.notify","data":{"users":{"` +
		userID + `":{"notify_service":"` + service + `","target":"` + target + `"}}}}`)}
}

// totpCode computes a code with github.com/pquerna/otp, independently of
// core/otp, for the harness's clock shifted by offset.
func (h *harness) totpCode(secret string, offset time.Duration) string {
	h.t.Helper()
	code, err := totp.GenerateCodeCustom(secret, time.UnixMicro(h.now).Add(offset), totp.ValidateOpts{
		Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1,
	})
	require.NoError(h.t, err)
	return code
}

// startLogin opens a homeassistant login flow, sends the password and
// returns the flow id and the answer.
func (h *harness) startLogin(username, password string) (string, map[string]any) {
	h.t.Helper()
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	flowID := r.json(h.t)["flow_id"].(string)
	r = h.flowStep(flowID, map[string]any{"username": username, "password": password})
	require.Equal(h.t, 200, r.Status, "%s", r.Body)
	return flowID, r.json(h.t)
}

// flowStep posts a login flow step.
func (h *harness) flowStep(flowID string, input map[string]any) response {
	h.t.Helper()
	body := map[string]any{"client_id": clientID}
	for k, v := range input {
		body[k] = v
	}
	return h.postJSON("/auth/login_flow/"+flowID, body)
}

// userOfCode exchanges an authorization code and returns the user id its
// access token belongs to.
func (h *harness) userOfCode(code string) string {
	h.t.Helper()
	access, _ := h.tokens(code)
	v, err := h.call(core.OpValidateAccessToken, map[string]any{"token": access})
	require.Nil(h.t, err)
	var info struct {
		UserID string `json:"user_id"`
	}
	require.NoError(h.t, json.Unmarshal(v, &info))
	return info.UserID
}

// mockAccess returns an access token of mock-user, from an authorization
// code made by the embedder call (no login flow, so no MFA).
func (h *harness) mockAccess() string {
	h.t.Helper()
	v, err := h.call(core.OpCreateAuthCode, map[string]any{"client_id": clientID, "credential_id": mockCred})
	require.Nil(h.t, err)
	var code string
	require.NoError(h.t, json.Unmarshal(v, &code))
	access, _ := h.tokens(code)
	return access
}

func readTestdata(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
