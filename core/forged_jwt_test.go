package core_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withHeader rebuilds a JWS with another header over the same payload:
// with no signature, or keeping the original one.
func withHeader(t *testing.T, token, header string, keepSignature bool) string {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	out := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + parts[1] + "."
	if keepSignature {
		out += parts[2]
	}
	return out
}

// forgedHeaders are the headers of tokens that must never verify: no
// algorithm, another HMAC, an asymmetric one (algorithm confusion).
var forgedHeaders = []string{
	`{"alg":"none","typ":"JWT"}`,
	`{"alg":"None","typ":"JWT"}`,
	`{"alg":"NONE"}`,
	`{"alg":"HS512","typ":"JWT"}`,
	`{"alg":"RS256","typ":"JWT"}`,
	`{"alg":"ES256","typ":"JWT"}`,
	`{"typ":"JWT"}`,
}

// TestForgedSignedPaths presents an authSig whose header was replaced,
// with no signature or its own: GET /api/ stays 401.
func TestForgedSignedPaths(t *testing.T) {
	h, w, _ := wsUser(t, testConfig())
	signed := sign(t, w, "/api/?a=1", 30)
	require.Equal(t, 200, h.request("GET", signed, nil).Status)
	sig := authSig(t, signed)
	for _, header := range forgedHeaders {
		for _, keep := range []bool{false, true} {
			forged := withHeader(t, sig, header, keep)
			assert.Equal(t, 401, h.request("GET", "/api/?a=1&authSig="+forged, nil).Status, "%s, signature kept: %v", header, keep)
		}
	}
}

// TestForgedExternalState presents the state of an external OAuth2 flow
// with its header replaced: 400, nothing handed to the embedder.
func TestForgedExternalState(t *testing.T) {
	h := newHarness(t, testConfig())
	state := createState(t, h, "flow-1", "https://example.com/auth/external/callback")
	require.Equal(t, 200, h.request("GET", "/auth/external/callback?state="+state+"&code=c", nil).Status)
	for _, header := range forgedHeaders {
		for _, keep := range []bool{false, true} {
			forged := withHeader(t, state, header, keep)
			r := h.request("GET", "/auth/external/callback?state="+forged+"&code=c", nil)
			assert.Equal(t, 400, r.Status, "%s, signature kept: %v", header, keep)
			assert.Empty(t, externals(h))
		}
	}
}
