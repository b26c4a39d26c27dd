package native_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// signJWT makes a JWS of header and payload with an HMAC of key, or with
// no signature when mac is nil.
func signJWT(header, payload string, mac func() hash.Hash, key []byte) string {
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	if mac == nil {
		return input + "."
	}
	m := hmac.New(mac, key)
	m.Write([]byte(input))
	return input + "." + enc.EncodeToString(m.Sum(nil))
}

// TestForgedAccessTokens presents access tokens forged with the right
// claims and even the right key, but not as HS256, on the two paths that
// take an access token: the HTTP Bearer header and the websocket auth
// message. Only the HS256 token is accepted.
func TestForgedAccessTokens(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir, &core.Config{BcryptCost: 4})
	s.call(core.OpCreateUser, map[string]string{"username": "alice", "password": "alice-pass"})
	access, _ := s.tokens(s.login("alice", "alice-pass"))
	s.call(core.OpFlush, nil)

	// The token's claims, and its refresh token's key from the store.
	parts := strings.Split(access, ".")
	require.Len(t, parts, 3)
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	var c struct {
		Iss string `json:"iss"`
	}
	require.NoError(t, json.Unmarshal(claims, &c))
	stored, err := os.ReadFile(filepath.Join(dir, ".storage", "auth"))
	require.NoError(t, err)
	var auth struct {
		Data struct {
			Tokens []struct {
				ID     string `json:"id"`
				JWTKey string `json:"jwt_key"`
			} `json:"refresh_tokens"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(stored, &auth))
	var key []byte
	for _, tok := range auth.Data.Tokens {
		if tok.ID == c.Iss {
			key = []byte(tok.JWTKey)
		}
	}
	require.NotNil(t, key)
	payload := string(claims)

	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"HS256_control", signJWT(`{"alg":"HS256","typ":"JWT"}`, payload, sha256.New, key), true},
		{"alg_none", signJWT(`{"alg":"none","typ":"JWT"}`, payload, nil, nil), false},
		{"alg_None", signJWT(`{"alg":"None","typ":"JWT"}`, payload, nil, nil), false},
		{"alg_none_with_signature", signJWT(`{"alg":"none","typ":"JWT"}`, payload, sha256.New, key), false},
		{"HS512_right_key", signJWT(`{"alg":"HS512","typ":"JWT"}`, payload, sha512.New, key), false},
		{"HS384_right_key", signJWT(`{"alg":"HS384","typ":"JWT"}`, payload, sha512.New384, key), false},
		// Algorithm confusion: an RS256 header over an HMAC made with the
		// key, as a verifier that takes the header's word would accept.
		{"RS256_header_HMAC_signature", signJWT(`{"alg":"RS256","typ":"JWT"}`, payload, sha256.New, key), false},
		{"RS256_header_no_signature", signJWT(`{"alg":"RS256","typ":"JWT"}`, payload, nil, nil), false},
		{"HS256_wrong_key", signJWT(`{"alg":"HS256","typ":"JWT"}`, payload, sha256.New, []byte("not the key")), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.srv.URL+"/api/", nil)
			req.Header.Set("Authorization", "Bearer "+tc.token)
			status, _, _ := s.do(req)
			want := 401
			if tc.ok {
				want = 200
			}
			assert.Equal(t, want, status, "Bearer")

			w := s.wsDial()
			w.write(`{"type":"auth","access_token":"` + tc.token + `"}`)
			b, err := w.read()
			require.NoError(t, err)
			require.Contains(t, string(b), "auth_required")
			b, err = w.read()
			require.NoError(t, err)
			if tc.ok {
				assert.Equal(t, `{"type":"auth_ok","ha_version":"2026.9.1"}`, string(b), "websocket")
				return
			}
			assert.Equal(t, `{"type":"auth_invalid","message":"Invalid access token or password"}`, string(b), "websocket")
			_, err = w.read()
			assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err))
		})
	}
}
