package core_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// TestLoginRefreshRevoke follows a user from the login flow to a revoked
// refresh token (TOKEN-01, TOKEN-02, TOKEN-03, TOKEN-14).
func TestLoginRefreshRevoke(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")
	access, refresh := h.tokens(h.login("Alice ", "secret pass"))

	r := h.request("GET", "/api/", nil, core.Header{Name: "authorization", Value: "Bearer " + access})
	assert.Equal(t, 200, r.Status)
	assert.JSONEq(t, `{"message":"API running."}`, string(r.Body))

	r = h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	require.Equal(t, 200, r.Status)
	m := r.json(t)
	assert.NotContains(t, m, "refresh_token")
	assert.Equal(t, "Bearer", m["token_type"])
	assert.EqualValues(t, 1800, m["expires_in"])
	assert.Equal(t, "no-store", r.header("Cache-Control"))
	assert.Equal(t, "no-cache", r.header("Pragma"))

	r = h.postForm("/auth/revoke", url.Values{"token": {refresh}})
	assert.Equal(t, 200, r.Status)
	assert.Empty(t, r.Body)

	r = h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	assert.Equal(t, 400, r.Status)
	assert.JSONEq(t, `{"error":"invalid_grant"}`, string(r.Body))
	r = h.request("GET", "/api/", nil, core.Header{Name: "authorization", Value: "Bearer " + access})
	assert.Equal(t, 401, r.Status)
}
