package core_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// callErr runs a call that must fail and returns its error.
func (h *harness) callErr(op string, args any) *core.CallError {
	h.t.Helper()
	_, err := h.call(op, args)
	require.NotNil(h.t, err, "%s succeeded", op)
	return err
}

// wrongPassword reports whether a homeassistant login is refused with
// invalid_auth.
func (h *harness) wrongPassword(username, pw string) bool {
	h.t.Helper()
	flow := h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
	r := h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "username": username, "password": pw})
	require.Equal(h.t, 200, r.Status)
	errs, _ := r.json(h.t)["errors"].(map[string]any)
	return errs["base"] == "invalid_auth"
}

// TestCalls covers the embedder's operations (core/calls.go), which the
// hassauth command's user and token commands use.
func TestCalls(t *testing.T) {
	t.Run("unknown_op_and_bad_args", func(t *testing.T) {
		h := newHarness(t, testConfig())
		assert.Equal(t, core.CallUnknownOp, h.callErr("nope", nil).Code)
		h.nextID++
		h.step(core.Input{Call: &core.Call{ID: h.nextID, Op: core.OpListUsers, Args: []byte(`[1]`)}})
		i := effectIndex(h.effects, func(e core.Effect) bool { return e.Result != nil })
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, core.CallInvalidArgs, h.effects[i].Result.Error.Code)
	})

	t.Run("create_user", func(t *testing.T) {
		h := newHarness(t, testConfig())
		v, err := h.call(core.OpCreateUser, map[string]any{"username": "alice", "password": "pw"})
		require.Nil(t, err)
		var first map[string]any
		require.NoError(t, json.Unmarshal(v, &first))
		assert.Equal(t, map[string]any{"id": first["id"], "username": "alice", "name": "alice", "is_owner": true, "is_active": true,
			"local_only": false, "system_generated": false, "group_ids": []any{"system-admin"},
			"credentials": []any{map[string]any{"type": "homeassistant"}}}, first)

		v, err = h.call(core.OpCreateUser, map[string]any{"username": "bob", "password": "pw", "name": "Bob", "local_only": true})
		require.Nil(t, err)
		var second map[string]any
		require.NoError(t, json.Unmarshal(v, &second))
		assert.Equal(t, false, second["is_owner"])
		assert.Equal(t, true, second["local_only"])
		assert.Equal(t, "Bob", second["name"])
		assert.Equal(t, []any{"system-users"}, second["group_ids"])

		v, err = h.call(core.OpCreateUser, map[string]any{"username": "carol", "password": "pw", "group": "system-read-only"})
		require.Nil(t, err)
		assert.Contains(t, string(v), `"group_ids":["system-read-only"]`)

		for _, tc := range []struct {
			args map[string]any
			code string
			msg  string
		}{
			{map[string]any{"username": "dave"}, core.CallInvalidArgs, "username and password are required"},
			{map[string]any{"password": "pw"}, core.CallInvalidArgs, "username and password are required"},
			{map[string]any{"username": "Dave", "password": "pw"}, core.CallInvalidArgs,
				`Username "Dave" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`},
			{map[string]any{"username": "alice", "password": "pw"}, core.CallInvalidArgs, `Username "alice" already exists`},
			{map[string]any{"username": "dave", "password": "pw", "group": "nope"}, core.CallInvalidArgs, "Invalid group specified."},
		} {
			err := h.callErr(core.OpCreateUser, tc.args)
			assert.Equal(t, tc.code, err.Code)
			assert.Equal(t, tc.msg, err.Message)
			assert.Empty(t, h.writes(), "nothing written for a refused user")
		}
		assert.Len(t, h.users(), 3)
	})

	t.Run("set_password", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "old pass")
		_, err := h.call(core.OpSetPassword, map[string]any{"username": " Alice", "password": "new pass"})
		require.Nil(t, err)
		assert.Equal(t, []string{core.PathProvider}, h.writes(), "written at once")
		assert.True(t, h.wrongPassword("alice", "old pass"))
		assert.False(t, h.wrongPassword("alice", "new pass"))

		e := h.callErr(core.OpSetPassword, map[string]any{"username": "bob", "password": "x"})
		assert.Equal(t, core.CallNotFound, e.Code)
		assert.Equal(t, "User not found", e.Message)
		assert.Equal(t, core.CallInvalidArgs, h.callErr(core.OpSetPassword, map[string]any{"username": "alice"}).Code)
	})

	t.Run("remove_user_by_username", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "pw")
		bob := h.addUser("bob", "pw")
		access, refresh := h.tokens(h.login("bob", "pw"))
		_, err := h.call(core.OpRemoveUser, map[string]any{"username": "bob"})
		require.Nil(t, err)
		assert.Contains(t, h.writes(), core.PathProvider)
		for _, u := range h.users() {
			assert.NotEqual(t, bob, u["id"])
		}
		assert.Equal(t, 401, h.apiStatus(bearer(access)))
		r := h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", refresh))
		assert.Equal(t, `{"error":"invalid_grant"}`, string(r.Body))
		assert.True(t, h.wrongPassword("bob", "pw"), "the login went with the user")
		assert.False(t, h.wrongPassword("alice", "pw"))
		h.flush()
		assert.NotContains(t, string(h.files[core.PathAuth]), bob)

		e := h.callErr(core.OpRemoveUser, map[string]any{"username": "bob"})
		assert.Equal(t, core.CallNotFound, e.Code)
		assert.Equal(t, "User not found", e.Message)
	})

	t.Run("remove_user_by_id", func(t *testing.T) {
		h := newFixture(t)
		_, err := h.call(core.OpRemoveUser, map[string]any{"user_id": userLocal})
		require.Nil(t, err)
		assert.NotContains(t, h.tokenList(), tokLocal)
		assert.Equal(t, core.CallNotFound, h.callErr(core.OpRemoveUser, map[string]any{"user_id": userLocal}).Code)
		assert.Equal(t, core.CallInvalidArgs, h.callErr(core.OpRemoveUser, map[string]any{}).Code)
	})

	t.Run("remove_a_login_without_a_user", func(t *testing.T) {
		doc := `{"version":1,"minor_version":1,"key":"auth_provider.homeassistant","data":{"users":[{"username":"orphan","password":"` +
			`JDJiJDA0JGJ2Ynh4eHh4eHh4eHh4eHh4eHh4eGVnR1pKYmd1N1VVMHJMSGNGbGNWbGJqOVNHdU5GLg=="}]}}`
		h := newHarness(t, testConfig(), core.File{Path: core.PathProvider, Data: []byte(doc)})
		_, err := h.call(core.OpRemoveUser, map[string]any{"username": "orphan"})
		require.Nil(t, err)
		assert.Equal(t, []string{core.PathProvider}, h.writes())
		assert.NotContains(t, string(h.files[core.PathProvider]), "orphan")
	})

	t.Run("remove_user_drops_the_totp_secret", func(t *testing.T) {
		totp := `{"version":1,"minor_version":1,"key":"auth_module.totp","data":{"users":{"` + userLocal + `":"JBSWY3DPEHPK3PXP","` +
			userActive + `":"KRSXG5CTMVRXEZLU"}}}`
		h := newHarness(t, exampleConfig(), core.File{Path: core.PathAuth, Data: fixtureAuth()}, core.File{Path: core.PathTOTP, Data: []byte(totp)})
		_, err := h.call(core.OpRemoveUser, map[string]any{"user_id": userLocal})
		require.Nil(t, err)
		require.Contains(t, h.writes(), core.PathTOTP)
		assert.NotContains(t, string(h.files[core.PathTOTP]), userLocal)
		assert.Contains(t, string(h.files[core.PathTOTP]), userActive)
	})

	t.Run("list_tokens", func(t *testing.T) {
		h := newFixture(t)
		v, err := h.call(core.OpListTokens, map[string]any{"user_id": userSystem})
		require.Nil(t, err)
		assert.JSONEq(t, `[{"id":"`+tokSystem+`","user_id":"`+userSystem+`","user_name":"Supervisor","type":"system","client_id":null,
			"client_name":null,"created_at":"2026-09-01T10:00:00+00:00","last_used_at":null,"last_used_ip":null,"expire_at":null}]`, string(v))
		assert.Len(t, h.tokenList(), 4)
		assert.NotContains(t, string(v), secretOf(tokSystem))
		assert.NotContains(t, string(v), keyOf(tokSystem))
	})

	t.Run("revoke_token", func(t *testing.T) {
		h := newFixture(t)
		assert.Equal(t, core.CallInvalidArgs, h.callErr(core.OpRevokeToken, map[string]any{}).Code)
		e := h.callErr(core.OpRevokeToken, map[string]any{"id": "nope"})
		assert.Equal(t, core.CallNotFound, e.Code)
		assert.Equal(t, "no refresh token with id nope", e.Message)
		_, err := h.call(core.OpRevokeToken, map[string]any{"id": tokLocal})
		require.Nil(t, err)
		assert.NotContains(t, h.tokenList(), tokLocal)
	})

	t.Run("create_auth_code", func(t *testing.T) {
		h := newFixture(t)
		assert.Equal(t, core.CallInvalidArgs, h.callErr(core.OpCreateAuthCode, map[string]any{"client_id": clientID}).Code)
		assert.Equal(t, core.CallNotFound, h.callErr(core.OpCreateAuthCode, map[string]any{"client_id": clientID, "credential_id": "nope"}).Code)
		code := h.createCode(clientID, credActive)
		assert.Regexp(t, codePattern, code)
		r := h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		require.Equal(t, 200, r.Status, "%s", r.Body)
		assert.Equal(t, "insecure_example", r.json(t)["ha_auth_provider"])
	})
}

// TestCreateAuthCodeByUsername: an embedder can name the login instead of
// its credential; the code is exchanged like a login flow's.
func TestCreateAuthCodeByUsername(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "pw")
	v, err := h.call(core.OpCreateAuthCode, map[string]any{"client_id": clientID, "username": " Alice "})
	require.Nil(t, err)
	var code string
	require.NoError(t, json.Unmarshal(v, &code))
	access, _ := h.tokens(code)
	assert.NotEmpty(t, access)

	_, err = h.call(core.OpCreateAuthCode, map[string]any{"client_id": clientID, "username": "bob"})
	require.NotNil(t, err)
	assert.Equal(t, core.CallNotFound, err.Code)
}
