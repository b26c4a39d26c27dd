package core_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/jwt"
)

// apiStatus is GET /api/ with an Authorization header.
func (h *harness) apiStatus(headers ...core.Header) int {
	h.t.Helper()
	return h.request("GET", "/api/", nil, headers...).Status
}

// TestBearer covers the auth middleware's Authorization header (§9.1,
// §9.3) on GET /api/.
func TestBearer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(access string) []core.Header
		remote string
		status int
	}{
		{"TOKEN-03_no_header", func(string) []core.Header { return nil }, "", 401},
		{"TOKEN-03_bearer", func(a string) []core.Header { return []core.Header{bearer(a)} }, "", 200},
		{"HTTP-06_bare_token", func(a string) []core.Header { return []core.Header{{Name: "authorization", Value: a}} }, "", 401},
		{"HTTP-06_scheme_upper_case", func(a string) []core.Header { return []core.Header{{Name: "authorization", Value: "BEARER " + a}} }, "", 401},
		{"HTTP-06_scheme_lower_case", func(a string) []core.Header { return []core.Header{{Name: "authorization", Value: "bearer " + a}} }, "", 401},
		{"two_spaces", func(a string) []core.Header { return []core.Header{{Name: "authorization", Value: "Bearer  " + a}} }, "", 401},
		{"HTTP-04_basic", func(a string) []core.Header {
			return []core.Header{{Name: "authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte("test-user:test-pass"))}}
		}, "", 401},
		{"HTTP-04_not_basic", func(string) []core.Header { return []core.Header{{Name: "authorization", Value: "NotBasic abcdefg"}} }, "", 401},
		{"HTTP-03_api_password_header", func(string) []core.Header { return []core.Header{{Name: "x-ha-access", Value: "test-pass"}} }, "", 401},
		{"garbage_token", func(string) []core.Header { return []core.Header{bearer("incorrect")} }, "", 401},
		{"active_user_from_outside", func(a string) []core.Header { return []core.Header{bearer(a)} }, "203.0.113.9:1000", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFixture(t)
			if tc.remote != "" {
				h.remote = tc.remote
			}
			access := fixtureAccess(tokActive, h.nowSeconds())
			assert.Equal(t, tc.status, h.apiStatus(tc.header(access)...))
			want := 0
			if tc.status == 401 {
				want = 1
			}
			assert.Equal(t, want, h.failedLogins(), "a 401 counts as a failed login")
		})
	}

	t.Run("HTTP-06_answer", func(t *testing.T) {
		h := newFixture(t)
		r := h.request("GET", "/api/", nil)
		assert.Equal(t, "401: Unauthorized", string(r.Body))
		r = h.request("GET", "/api/", nil, bearer(fixtureAccess(tokActive, h.nowSeconds())))
		assert.Equal(t, `{"message":"API running."}`, string(r.Body))
	})

	for _, tc := range []struct {
		name, token, remote string
		status              int
	}{
		{"HTTP-06_inactive_user", tokInactive, "192.168.1.10:1", 401},
		{"HTTP-09_local_only_user_from_the_local_network", tokLocal, "192.168.1.123:1", 200},
		{"HTTP-09_local_only_user_from_loopback", tokLocal, "[::1]:1", 200},
		{"HTTP-09_local_only_user_from_outside", tokLocal, "198.51.100.1:1", 401},
		{"HTTP-09_local_only_user_from_outside_v6", tokLocal, "[2001:db8:fa1::1]:1", 401},
		{"HTTP-09_local_only_user_without_an_address", tokLocal, "", 401},
		{"system_user", tokSystem, "198.51.100.1:1", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFixture(t)
			h.remote = tc.remote
			assert.Equal(t, tc.status, h.apiStatus(bearer(fixtureAccess(tc.token, h.nowSeconds()))))
		})
	}

	t.Run("forwarded_address_decides_local_only", func(t *testing.T) {
		h := newFixture(t, func(c *core.Config) {
			c.HTTP.UseXForwardedFor = true
			c.HTTP.TrustedProxies = []string{"192.168.1.10"}
		})
		access := fixtureAccess(tokLocal, h.nowSeconds())
		assert.Equal(t, 401, h.apiStatus(bearer(access), core.Header{Name: "x-forwarded-for", Value: "198.51.100.1"}))
		assert.Equal(t, 200, h.apiStatus(bearer(access), core.Header{Name: "x-forwarded-for", Value: "192.168.1.77"}))
	})
}

// TestAccessTokens covers access tokens as Home Assistant makes and checks
// them (§4.5, §11).
func TestAccessTokens(t *testing.T) {
	t.Run("AM-21_format", func(t *testing.T) {
		h := newFixture(t)
		h.now += 123_456 // iat and exp are whole seconds
		r := h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", secretOf(tokActive)))
		require.Equal(t, 200, r.Status)
		access := r.json(t)["access_token"].(string)
		header, payload := claimsOf(t, access)
		now := h.nowSeconds()
		assert.Equal(t, `{"alg":"HS256","typ":"JWT"}`, header)
		assert.Equal(t, `{"iss":"`+tokActive+`","iat":`+itoa(now)+`,"exp":`+itoa(now+1800)+`}`, payload)
		// HS256 with the refresh token's jwt_key, which did not change.
		parts := strings.Split(access, ".")
		mac := hmac.New(sha256.New, []byte(keyOf(tokActive)))
		mac.Write([]byte(parts[0] + "." + parts[1]))
		assert.Equal(t, base64.RawURLEncoding.EncodeToString(mac.Sum(nil)), parts[2])
		assert.Equal(t, fixtureAccess(tokActive, now), access)
	})

	t.Run("AM-07_ten_seconds_leeway", func(t *testing.T) {
		h := newFixture(t)
		access := fixtureAccess(tokActive, h.nowSeconds())
		h.now += (1800 + 9) * 1_000_000
		assert.Equal(t, 200, h.apiStatus(bearer(access)))
		h.now += 999_999
		assert.Equal(t, 200, h.apiStatus(bearer(access)))
		h.now++
		assert.Equal(t, 401, h.apiStatus(bearer(access)), "expired 10 s ago")
	})

	t.Run("AM-07_expired_11_s_ago", func(t *testing.T) {
		h := newFixture(t)
		now := h.nowSeconds()
		assert.Equal(t, 401, h.apiStatus(bearer(fixtureAccess(tokActive, now-1800-11))))
		assert.Equal(t, 200, h.apiStatus(bearer(fixtureAccess(tokActive, now))))
	})

	t.Run("AM-41_tokens_from_the_future", func(t *testing.T) {
		h := newFixture(t)
		now := h.nowSeconds()
		key := jwt.NewKeyString(keyOf(tokActive))
		assert.Equal(t, 200, h.apiStatus(bearer(jwt.SignAccessToken(key, tokActive, now+10, now+1810))))
		assert.Equal(t, 401, h.apiStatus(bearer(jwt.SignAccessToken(key, tokActive, now+11, now+1811))))
		future := jwt.SignAccessToken(key, tokActive, now+365*86400, now+375*86400)
		assert.Equal(t, 401, h.apiStatus(bearer(future)))
		h.now += 365 * 86400 * 1_000_000
		assert.Equal(t, 200, h.apiStatus(bearer(future)))
	})

	sign := func(key string, header, payload string) string {
		head := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
		mac := hmac.New(sha256.New, []byte(key))
		mac.Write([]byte(head))
		return head + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
	const std = `{"alg":"HS256","typ":"JWT"}`

	for _, tc := range []struct {
		name  string
		token func(now int64) string
	}{
		{"AM-33_signature_replaced", func(now int64) string {
			tok := fixtureAccess(tokActive, now)
			i := strings.LastIndexByte(tok, '.')
			return tok[:i+1] + strings.Repeat("a", len(tok)-i-1)
		}},
		{"AM-35_empty_signature", func(now int64) string {
			tok := fixtureAccess(tokActive, now)
			return tok[:strings.LastIndexByte(tok, '.')+1]
		}},
		{"AM-37_10000_characters", func(int64) string { return strings.Repeat("x", 10000) }},
		{"AM-38_payload_not_json", func(int64) string { return sign(keyOf(tokActive), std, "not json") }},
		{"AM-39_payload_an_array", func(int64) string { return sign(keyOf(tokActive), std, `["`+tokActive+`"]`) }},
		{"AM-36_unknown_issuer", func(now int64) string {
			return jwt.SignAccessToken(jwt.NewKeyString(keyOf(tokActive)), strings.Repeat("f", 32), now, now+1800)
		}},
		{"AM-36_empty_issuer_and_key", func(now int64) string {
			return jwt.SignAccessToken(jwt.NewKeyString(""), "", now, now+1800)
		}},
		{"no_issuer", func(now int64) string {
			return sign(keyOf(tokActive), std, `{"iat":`+itoa(now)+`,"exp":`+itoa(now+1800)+`}`)
		}},
		{"other_tokens_key", func(now int64) string {
			return jwt.SignAccessToken(jwt.NewKeyString(keyOf(tokSystem)), tokActive, now, now+1800)
		}},
		{"no_exp", func(now int64) string {
			return sign(keyOf(tokActive), std, `{"iss":"`+tokActive+`","iat":`+itoa(now)+`}`)
		}},
		{"no_iat", func(now int64) string {
			return sign(keyOf(tokActive), std, `{"iss":"`+tokActive+`","exp":`+itoa(now+1800)+`}`)
		}},
		{"alg_none", func(now int64) string {
			return sign(keyOf(tokActive), `{"alg":"none","typ":"JWT"}`, `{"iss":"`+tokActive+`","iat":`+itoa(now)+`,"exp":`+itoa(now+1800)+`}`)
		}},
		{"HS512_header", func(now int64) string {
			return sign(keyOf(tokActive), `{"alg":"HS512","typ":"JWT"}`, `{"iss":"`+tokActive+`","iat":`+itoa(now)+`,"exp":`+itoa(now+1800)+`}`)
		}},
		{"refresh_token_string", func(int64) string { return secretOf(tokActive) }},
	} {
		t.Run("invalid/"+tc.name, func(t *testing.T) {
			h := newFixture(t)
			assert.Equal(t, 401, h.apiStatus(bearer(tc.token(h.nowSeconds()))))
			_, err := h.call(core.OpValidateAccessToken, map[string]any{"token": tc.token(h.nowSeconds())})
			require.NotNil(t, err)
			assert.Equal(t, core.CallInvalidToken, err.Code)
		})
	}

	t.Run("AM-37_size_cap_is_8192", func(t *testing.T) {
		h := newFixture(t)
		now := h.nowSeconds()
		// Correctly signed tokens padded with an extra claim: the longest
		// one within the cap and the shortest one beyond it.
		var at, over string
		for pad := 5000; over == ""; pad++ {
			tok := sign(keyOf(tokActive), std, `{"iss":"`+tokActive+`","iat":`+itoa(now)+`,"exp":`+itoa(now+1800)+`,"pad":"`+strings.Repeat("p", pad)+`"}`)
			if len(tok) <= 8192 {
				at = tok
			} else {
				over = tok
			}
		}
		require.LessOrEqual(t, len(at), 8192)
		require.Greater(t, len(at), 8188)
		require.Greater(t, len(over), 8192)
		assert.Equal(t, 200, h.apiStatus(bearer(at)), "len %d", len(at))
		assert.Equal(t, 401, h.apiStatus(bearer(over)), "len %d", len(over))
	})

	t.Run("AM-17_revoked_refresh_token_kills_its_access_tokens", func(t *testing.T) {
		h := newFixture(t)
		access := fixtureAccess(tokActive, h.nowSeconds())
		require.Equal(t, 200, h.apiStatus(bearer(access)))
		_, err := h.call(core.OpRevokeToken, map[string]any{"id": tokActive})
		require.Nil(t, err)
		assert.Equal(t, 401, h.apiStatus(bearer(access)))
		// Other tokens are untouched.
		assert.Equal(t, 200, h.apiStatus(bearer(fixtureAccess(tokSystem, h.nowSeconds()))))
	})

	t.Run("validate_access_token_call", func(t *testing.T) {
		h := newFixture(t)
		v, err := h.call(core.OpValidateAccessToken, map[string]any{"token": fixtureAccess(tokActive, h.nowSeconds())})
		require.Nil(t, err)
		assert.JSONEq(t, `{"user_id":"`+userActive+`","refresh_token_id":"`+tokActive+`","is_admin":true,"is_owner":true,"name":"Test Name"}`, string(v))
		_, err = h.call(core.OpValidateAccessToken, map[string]any{"token": fixtureAccess(tokInactive, h.nowSeconds())})
		require.NotNil(t, err)
	})
}

// tokenInfo is one entry of the list_tokens call.
type tokenInfo struct {
	ID         string   `json:"id"`
	ExpireAt   *float64 `json:"expire_at"`
	LastUsedAt *string  `json:"last_used_at"`
	LastUsedIP *string  `json:"last_used_ip"`
	ClientID   *string  `json:"client_id"`
	Type       string   `json:"type"`
}

func (h *harness) tokenList() map[string]tokenInfo {
	h.t.Helper()
	v, err := h.call(core.OpListTokens, nil)
	require.Nil(h.t, err)
	var list []tokenInfo
	require.NoError(h.t, json.Unmarshal(v, &list))
	out := map[string]tokenInfo{}
	for _, t := range list {
		out[t.ID] = t
	}
	return out
}

// TestRefreshTokenExpiry covers the sliding 90-day expiry and the purge
// (§4.5, §4.6).
func TestRefreshTokenExpiry(t *testing.T) {
	const day = int64(86400) * 1_000_000
	t0s := float64(t0 / 1_000_000)

	t.Run("AM-19_use_slides_the_expiry", func(t *testing.T) {
		h := newFixture(t)
		require.Equal(t, t0s+90*86400, *h.tokenList()[tokActive].ExpireAt)
		h.now += 30 * day
		r := h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", secretOf(tokActive)))
		require.Equal(t, 200, r.Status)
		tok := h.tokenList()[tokActive]
		assert.Equal(t, t0s+120*86400, *tok.ExpireAt)
		assert.Equal(t, "2026-10-01T10:00:00+00:00", *tok.LastUsedAt)
		assert.Equal(t, "192.168.1.10", *tok.LastUsedIP)
		// A token that does not expire keeps not expiring.
		r = h.postForm("/auth/token", formOf("grant_type", "refresh_token", "refresh_token", secretOf(tokSystem)))
		require.Equal(t, 200, r.Status)
		assert.Nil(t, h.tokenList()[tokSystem].ExpireAt)
		assert.NotNil(t, h.tokenList()[tokSystem].LastUsedAt)
	})

	t.Run("STORE-12_last_used_ip_without_an_address", func(t *testing.T) {
		h := newFixture(t)
		h.remote = ""
		r := h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", secretOf(tokActive)))
		require.Equal(t, 200, r.Status)
		assert.Nil(t, h.tokenList()[tokActive].LastUsedIP)
	})

	t.Run("AM-18_purge", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret")
		_, rt1 := h.tokens(h.login("alice", "secret"))
		h.advance(30 * day)
		_, rt2 := h.tokens(h.login("alice", "secret"))
		ids := func() []string {
			var out []string
			for id := range h.tokenList() {
				out = append(out, id)
			}
			return out
		}
		require.Len(t, ids(), 2)
		// Once the delayed write is done, the core asks to be woken at the
		// first expiry.
		h.advance(2 * 1_000_000)
		assert.Equal(t, t0+90*day, h.deadline)

		h.now = t0 + 90*day - 3600*1_000_000
		h.step(core.Input{Tick: &core.Tick{}})
		assert.Len(t, ids(), 2)

		h.now = t0 + 90*day + 5*1_000_000
		h.step(core.Input{Tick: &core.Tick{}})
		assert.Len(t, ids(), 1)
		r := h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", rt1))
		assert.Equal(t, `{"error":"invalid_grant"}`, string(r.Body))
		h.advance(2 * 1_000_000)
		assert.Equal(t, t0+120*day, h.deadline)

		h.now = t0 + 120*day + 5*1_000_000
		h.step(core.Input{Tick: &core.Tick{}})
		assert.Empty(t, ids())
		r = h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", rt2))
		assert.Equal(t, `{"error":"invalid_grant"}`, string(r.Body))
	})

	t.Run("purge_at_load_of_expired_tokens", func(t *testing.T) {
		doc := strings.Replace(string(fixtureAuth()), `"expire_at": 1796032800.0`, `"expire_at": 1788256799.5`, 1)
		h := newHarness(t, exampleConfig(), core.File{Path: core.PathAuth, Data: []byte(doc)})
		list := h.tokenList()
		assert.NotContains(t, list, tokActive)
		assert.Contains(t, list, tokInactive)
	})

	t.Run("purge_runs_at_most_90_days_apart", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.advance(301 * 1_000_000) // past the write 300 s after the load
		assert.Equal(t, t0+90*day, h.deadline, "no token expires: the purge is 90 days out")
	})
}
