package native_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/hosts/native"
)

// TestEmbedderAPI: a Go program protects its own endpoint with the host's
// tokens, and issues a code for a user as onboarding does.
func TestEmbedderAPI(t *testing.T) {
	h, err := native.Open(native.Options{ConfigDir: t.TempDir(), Config: &core.Config{BcryptCost: 4}, NoLock: true})
	require.NoError(t, err)
	defer h.Close()
	ctx := context.Background()
	out, err := h.Call(ctx, core.OpCreateUser, []byte(`{"username":"alice","password":"pw","name":"Alice"}`))
	require.NoError(t, err)
	var user struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(out, &user))

	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("/mine", h.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, ok := native.TokenInfoFrom(r.Context())
		require.True(t, ok)
		io.WriteString(w, info.UserID)
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A code for alice's login, as onboarding issues one.
	const client = "https://example.com/app"
	code, err := h.CreateAuthCode(ctx, client, "Alice")
	require.NoError(t, err)
	_, err = h.CreateAuthCode(ctx, client, "nobody")
	assert.Error(t, err)
	resp, err := http.PostForm(srv.URL+"/auth/token", url.Values{"client_id": {client}, "grant_type": {"authorization_code"}, "code": {code}})
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	var tok struct {
		Access string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))

	info, err := h.ValidateAccessToken(ctx, tok.Access)
	require.NoError(t, err)
	assert.Equal(t, user.ID, info.UserID)
	assert.True(t, info.IsOwner)
	_, err = h.ValidateAccessToken(ctx, tok.Access+"x")
	assert.ErrorIs(t, err, native.ErrInvalidToken)

	get := func(header string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+"/mine", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get("Bearer " + tok.Access)
	assert.Equal(t, 200, status)
	assert.Equal(t, user.ID, body)
	status, body = get("")
	assert.Equal(t, 401, status)
	assert.Equal(t, "401: Unauthorized\n", body)
	status, _ = get("Bearer nope")
	assert.Equal(t, 401, status)
}
