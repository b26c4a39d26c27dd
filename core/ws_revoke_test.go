package core_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// userTokens counts a user's refresh tokens by type.
func userTokens(t *testing.T, h *harness, userID string) map[string]int {
	t.Helper()
	var list []struct {
		Type string `json:"type"`
	}
	require.NoError(t, json.Unmarshal(mustCall(t, h, core.OpListTokens, map[string]any{"user_id": userID}), &list))
	out := map[string]int{}
	for _, x := range list {
		out[x.Type]++
	}
	return out
}

// TestWSDeleteAllRefreshTokens follows WS-06..WS-09: three normal tokens
// (one the connection's) and a long-lived one; the connection's own token
// goes two seconds after the reply, and only when asked and of the type.
func TestWSDeleteAllRefreshTokens(t *testing.T) {
	cases := []struct {
		name          string
		extra         map[string]any
		normal, llat  int // left right after the reply
		currentLeaves bool
	}{
		{"WS-06/all", nil, 1, 0, true},
		{"WS-07/long_lived_only", map[string]any{"token_type": "long_lived_access_token"}, 3, 0, false},
		{"WS-08/normal_only", map[string]any{"token_type": "normal"}, 1, 1, true},
		{"WS-09/normal_keep_current", map[string]any{"token_type": "normal", "delete_current_token": false}, 1, 1, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			userID := h.addUser("alice", "alice-pass")
			access, _ := h.tokens(h.login("alice", "alice-pass"))
			w := h.wsConnect(access)
			h.tokens(h.login("alice", "alice-pass"))
			h.tokens(h.login("alice", "alice-pass"))
			w.result(map[string]any{"type": "auth/long_lived_access_token", "client_name": "client_ll", "lifespan": 1})
			require.Equal(t, map[string]int{"normal": 3, "long_lived_access_token": 1}, userTokens(t, h, userID))
			w.result(map[string]any{"type": "auth/refresh_tokens"})

			msg := map[string]any{"type": "auth/delete_all_refresh_tokens"}
			for k, v := range tc.extra {
				msg[k] = v
			}
			assert.Equal(t, map[string]any{}, w.result(msg))
			left := userTokens(t, h, userID)
			assert.Equal(t, tc.normal, left["normal"])
			assert.Equal(t, tc.llat, left["long_lived_access_token"])

			h.advance(2*second - 1)
			assert.False(t, w.closed())
			assert.Equal(t, tc.normal, userTokens(t, h, userID)["normal"])
			h.advance(1)
			want := tc.normal
			if tc.currentLeaves {
				want--
			}
			assert.Equal(t, tc.currentLeaves, w.closed(), "the connection closes with its token")
			assert.Equal(t, want, userTokens(t, h, userID)["normal"])
		})
	}
}

// TestWSDeleteCurrentTokenAtShutdown checks that a flush (the host
// stopping) deletes a token waiting for its delayed deletion at once.
func TestWSDeleteCurrentTokenAtShutdown(t *testing.T) {
	h, w, access := wsUser(t, testConfig())
	rtID := h.refreshTokenID(access)
	w.result(map[string]any{"type": "auth/delete_all_refresh_tokens"})
	h.call(core.OpFlush, nil)
	assert.True(t, w.closed())
	var list []map[string]any
	require.NoError(t, json.Unmarshal(mustCall(t, h, core.OpListTokens, nil), &list))
	for _, m := range list {
		assert.NotEqual(t, rtID, m["id"])
	}
}

// TestRevocationClosesSockets checks that every way of removing a refresh
// token closes the websockets it authenticated in the same step, and no
// other (WSA-11, §4.6).
func TestRevocationClosesSockets(t *testing.T) {
	type env struct {
		h            *harness
		bob          *wsClient // bob's connection, whose token goes
		admin        *wsClient // the owner's connection, which stays
		bobID, rtID  string
		bobRefresh   string
		adminRefresh string
		bobAccess    string
	}
	setup := func(t *testing.T) *env {
		h := newHarness(t, testConfig())
		h.addUser("alice", "alice-pass")
		adminAccess, adminRefresh := h.tokens(h.login("alice", "alice-pass"))
		e := &env{h: h, admin: h.wsConnect(adminAccess), adminRefresh: adminRefresh}
		e.bobID = h.addUser("bob", "bob-pass")
		e.bobAccess, e.bobRefresh = h.tokens(h.login("bob", "bob-pass"))
		e.rtID = h.refreshTokenID(e.bobAccess)
		e.bob = h.wsConnect(e.bobAccess)
		return e
	}
	cases := []struct {
		name   string
		revoke func(t *testing.T, e *env)
	}{
		{"auth_revoke", func(t *testing.T, e *env) {
			require.Equal(t, 200, e.h.postForm("/auth/revoke", url.Values{"token": {e.bobRefresh}}).Status)
		}},
		{"token_action_revoke", func(t *testing.T, e *env) {
			require.Equal(t, 200, e.h.postForm("/auth/token", url.Values{"action": {"revoke"}, "token": {e.bobRefresh}}).Status)
		}},
		{"delete_refresh_token_from_another_connection", func(t *testing.T, e *env) {
			other := e.h.wsConnect(e.bobAccess)
			other.sendJSON(map[string]any{"id": 1, "type": "auth/delete_refresh_token", "refresh_token_id": e.rtID})
			assert.True(t, other.closed())
			assert.Empty(t, other.frames(), "the reply to a connection that closed is dropped")
		}},
		{"delete_all_refresh_tokens_from_another_token", func(t *testing.T, e *env) {
			access, _ := e.h.tokens(e.h.login("bob", "bob-pass"))
			other := e.h.wsConnect(access)
			other.result(map[string]any{"type": "auth/delete_all_refresh_tokens", "delete_current_token": false})
			assert.False(t, other.closed())
		}},
		{"delete_all_refresh_tokens_own_after_delay", func(t *testing.T, e *env) {
			e.bob.result(map[string]any{"type": "auth/delete_all_refresh_tokens"})
			assert.False(t, e.bob.closed())
			e.h.advance(2 * second)
		}},
		{"deactivate_user", func(t *testing.T, e *env) {
			e.admin.result(map[string]any{"type": "config/auth/update", "user_id": e.bobID, "is_active": false})
		}},
		{"delete_user", func(t *testing.T, e *env) {
			e.admin.result(map[string]any{"type": "config/auth/delete", "user_id": e.bobID})
		}},
		{"purge_expired", func(t *testing.T, e *env) {
			// The owner's token is used a day later, which moves its
			// expiry past bob's.
			e.h.advance(day)
			require.Equal(t, 200, e.h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {e.adminRefresh}}).Status)
			e.h.advance(89*day - 1)
			assert.False(t, e.bob.closed())
			e.h.advance(1)
		}},
		{"call_revoke_token", func(t *testing.T, e *env) {
			mustCall(t, e.h, core.OpRevokeToken, map[string]any{"id": e.rtID})
		}},
		{"call_remove_user", func(t *testing.T, e *env) {
			mustCall(t, e.h, core.OpRemoveUser, map[string]any{"username": "bob"})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			tc.revoke(t, e)
			assert.True(t, e.bob.closed(), "closed in the step that removed the token")
			assert.False(t, e.admin.closed())
			_, cerr := e.h.call(core.OpValidateAccessToken, map[string]any{"token": e.bobAccess})
			assert.NotNil(t, cerr, "the token is gone")
		})
	}
}
