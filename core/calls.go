package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/password"
)

// The operations an embedder (and the hassauth command) can call. Args and
// results are JSON; errors are CallErrors with a code from this list.
const (
	// OpCreateUser creates a user with a homeassistant-provider login:
	// {"name", "username", "password", "group", "local_only"}.
	OpCreateUser = "create_user"
	// OpListUsers lists users as config/auth/list does.
	OpListUsers = "list_users"
	// OpSetPassword sets a login's password: {"username", "password"}.
	OpSetPassword = "set_password"
	// OpRemoveUser removes the user with a login or id:
	// {"username"} or {"user_id"}.
	OpRemoveUser = "remove_user"
	// OpListTokens lists refresh tokens without their secrets.
	OpListTokens = "list_tokens"
	// OpRevokeToken removes a refresh token by id: {"id"}.
	OpRevokeToken = "revoke_token"
	// OpCreateAuthCode is create_auth_code(client_id, credential), as
	// Home Assistant's onboarding uses it: {"client_id", "credential_id"},
	// or {"client_id", "username"} for a homeassistant-provider login.
	OpCreateAuthCode = "create_auth_code"
	// OpValidateAccessToken checks an access token for the embedder's own
	// endpoints: {"token"} -> {"user_id", "refresh_token_id", "is_admin"}.
	OpValidateAccessToken = "validate_access_token"
	// OpFlush writes every document whose delayed write is pending (a
	// host calls it before it stops). Tokens waiting for their delayed
	// deletion (auth/delete_all_refresh_tokens) go first, as Home
	// Assistant deletes them when it stops.
	OpFlush = "flush"
)

// Call error codes.
const (
	CallInvalidArgs  = "invalid_args"
	CallUnknownOp    = "unknown_op"
	CallNotFound     = "not_found"
	CallInvalidToken = "invalid_token"
	CallFailed       = "failed"
)

type callHandler func(c *Core, call *Call, args orjson.Value)

var callHandlers = map[string]callHandler{
	OpCreateUser:          (*Core).callCreateUser,
	OpListUsers:           (*Core).callListUsers,
	OpSetPassword:         (*Core).callSetPassword,
	OpRemoveUser:          (*Core).callRemoveUser,
	OpListTokens:          (*Core).callListTokens,
	OpRevokeToken:         (*Core).callRevokeToken,
	OpCreateAuthCode:      (*Core).callCreateAuthCode,
	OpValidateAccessToken: (*Core).callValidateAccessToken,
	OpFlush: func(c *Core, call *Call, _ orjson.Value) {
		c.deletePendingTokens()
		c.flushSaves()
		c.callResult(call.ID, []byte("null"))
	},
}

func (c *Core) handleCall(call *Call) {
	h := callHandlers[call.Op]
	if h == nil {
		c.callError(call.ID, CallUnknownOp, "unknown operation "+call.Op)
		return
	}
	args := orjson.Value{Kind: orjson.Object}
	if len(call.Args) > 0 {
		v, err := orjson.Parse(call.Args)
		if err != nil || v.Kind != orjson.Object {
			c.callError(call.ID, CallInvalidArgs, "arguments must be a JSON object")
			return
		}
		args = v
	}
	h(c, call, args)
}

func (c *Core) callError(id uint64, code, msg string) {
	c.emit(Effect{Result: &Result{ID: id, Error: &CallError{Code: code, Message: msg}}})
}

func (c *Core) callResult(id uint64, value []byte) {
	c.emit(Effect{Result: &Result{ID: id, Value: value}})
}

func argString(args orjson.Value, key string) (string, bool) {
	v, ok := args.Get(key)
	if !ok || v.Kind != orjson.String {
		return "", false
	}
	return v.Str, true
}

// hashPassword asks for a bcrypt hash of pw and runs then with the stored
// form (base64 of the hash).
func (c *Core) hashPassword(pw string, then func(c *Core, stored string, ok bool)) {
	w := &Work{ID: c.newID(), Kind: WorkHashPassword, Password: pw, Salt: c.rng.bytes(16), Cost: c.bcryptCost()}
	c.emit(Effect{Work: w})
	c.await(w.ID, func(c *Core, res opResult) {
		if res.work == nil || res.work.Error != "" || res.work.Hash == "" {
			then(c, "", false)
			return
		}
		then(c, password.EncodeStored(res.work.Hash), true)
	})
}

func (c *Core) bcryptCost() int {
	if c.cfg.BcryptCost > 0 {
		return c.cfg.BcryptCost
	}
	return password.Cost
}

// checkNewUsername applies add_auth's rules: normalized, and not taken.
func (c *Core) checkNewUsername(username string) error {
	if !password.IsNormalized(username) {
		return password.UsernameNotNormalized(username)
	}
	if c.haFind(username) >= 0 {
		return password.UsernameAlreadyExists(username)
	}
	return nil
}

func (c *Core) callCreateUser(call *Call, args orjson.Value) {
	username, okU := argString(args, "username")
	pw, okP := argString(args, "password")
	if !okU || !okP {
		c.callError(call.ID, CallInvalidArgs, "username and password are required")
		return
	}
	if err := c.checkNewUsername(username); err != nil {
		c.callError(call.ID, CallInvalidArgs, err.Error())
		return
	}
	var name *string
	if n, ok := argString(args, "name"); ok {
		name = &n
	} else {
		name = &username
	}
	group, hasGroup := argString(args, "group")
	if hasGroup && c.store.Group(group) == nil {
		c.callError(call.ID, CallInvalidArgs, authstore.ErrInvalidGroup.Error())
		return
	}
	localOnly := false
	if v, ok := args.Get("local_only"); ok && v.Kind == orjson.Bool {
		localOnly = v.Bool
	}
	c.hashPassword(pw, func(c *Core, stored string, ok bool) {
		if !ok {
			c.callError(call.ID, CallFailed, "password hashing failed")
			return
		}
		// The username may have been taken while the hash was computed.
		if err := c.checkNewUsername(username); err != nil {
			c.callError(call.ID, CallInvalidArgs, err.Error())
			return
		}
		g := group
		if !hasGroup {
			g = authstore.GroupUsers
			if !c.store.HasNonSystemUser() {
				g = authstore.GroupAdmin
			}
		}
		u, err := c.store.CreateUser(c.rng, name, []string{g}, localOnly)
		if err != nil {
			c.callError(call.ID, CallFailed, err.Error())
			return
		}
		c.haUsers = append(c.haUsers, haUser{Username: username, Password: stored})
		c.saveProviderNow()
		cred := c.newCredential(providerKey{Type: "homeassistant"}, stringObject("username", username))
		_ = c.store.LinkCredential(u, cred)
		c.authChanged()
		e := orjson.NewEncoder(nil, false)
		c.writeUserInfo(e, u)
		c.callResult(call.ID, e.Bytes())
	})
}

func (c *Core) callListUsers(call *Call, _ orjson.Value) {
	e := orjson.NewEncoder(nil, false)
	e.BeginArray()
	for _, u := range c.store.Users() {
		c.writeUserInfo(e, u)
	}
	e.EndArray()
	c.callResult(call.ID, e.Bytes())
}

// writeUserInfo writes a user as config/auth/list shows it.
func (c *Core) writeUserInfo(e *orjson.Encoder, u *authstore.User) {
	e.BeginObject()
	e.Key("id")
	e.String(u.ID)
	e.Key("username")
	username := (*string)(nil)
	for _, cr := range u.Credentials {
		if cr.ProviderType == "homeassistant" {
			if s, ok := cr.DataString("username"); ok {
				username = &s
				break
			}
		}
	}
	e.StringOrNull(username)
	e.Key("name")
	e.StringOrNull(u.Name)
	e.Key("is_owner")
	e.Bool(u.IsOwner)
	e.Key("is_active")
	e.Bool(u.IsActive)
	e.Key("local_only")
	e.Bool(u.LocalOnly)
	e.Key("system_generated")
	e.Bool(u.SystemGenerated)
	e.Key("group_ids")
	e.BeginArray()
	for _, g := range u.GroupIDs {
		e.String(g)
	}
	e.EndArray()
	e.Key("credentials")
	e.BeginArray()
	for _, cr := range u.Credentials {
		e.BeginObject()
		e.Key("type")
		e.String(cr.ProviderType)
		e.EndObject()
	}
	e.EndArray()
	e.EndObject()
}

func (c *Core) callSetPassword(call *Call, args orjson.Value) {
	username, okU := argString(args, "username")
	pw, okP := argString(args, "password")
	if !okU || !okP {
		c.callError(call.ID, CallInvalidArgs, "username and password are required")
		return
	}
	if c.haFind(username) < 0 {
		c.callError(call.ID, CallNotFound, password.UserNotFound().Message())
		return
	}
	c.hashPassword(pw, func(c *Core, stored string, ok bool) {
		i := c.haFind(username)
		switch {
		case !ok:
			c.callError(call.ID, CallFailed, "password hashing failed")
		case i < 0:
			c.callError(call.ID, CallNotFound, password.UserNotFound().Message())
		default:
			c.haUsers[i].Password = stored
			c.saveProviderNow()
			c.callResult(call.ID, []byte("null"))
		}
	})
}

// userByLogin finds the user whose homeassistant credential has username.
func (c *Core) userByLogin(username string) *authstore.User {
	if cr := c.loginCredential(username); cr != nil {
		return c.store.User(cr.UserID)
	}
	return nil
}

// loginCredential finds the linked homeassistant credential of username.
func (c *Core) loginCredential(username string) *authstore.Credential {
	want := password.NormalizeUsername(username)
	for _, u := range c.store.Users() {
		for _, cr := range u.Credentials {
			if s, ok := cr.DataString("username"); ok && cr.ProviderType == "homeassistant" && password.NormalizeUsername(s) == want {
				return cr
			}
		}
	}
	return nil
}

func (c *Core) callRemoveUser(call *Call, args orjson.Value) {
	var u *authstore.User
	if id, ok := argString(args, "user_id"); ok {
		u = c.store.User(id)
	} else if username, ok := argString(args, "username"); ok {
		u = c.userByLogin(username)
		if u == nil && c.haFind(username) >= 0 {
			// A login without a user: remove just the login.
			_ = c.haRemoveUser(username)
			c.callResult(call.ID, []byte("null"))
			return
		}
	} else {
		c.callError(call.ID, CallInvalidArgs, "username or user_id is required")
		return
	}
	if u == nil {
		c.callError(call.ID, CallNotFound, "User not found")
		return
	}
	c.removeUser(u)
	c.callResult(call.ID, []byte("null"))
}

// removeUser is async_remove_user: each credential's provider hook, then
// the user with its tokens; its websockets close.
func (c *Core) removeUser(u *authstore.User) {
	for _, cr := range append([]*authstore.Credential{}, u.Credentials...) {
		if p := c.providerByKey(keyOf(cr.ProviderType, cr.ProviderID)); p != nil {
			_ = p.removeCredentials(c, cr)
		}
	}
	c.mfaForget(u.ID)
	gone := c.store.RemoveUser(u)
	c.authChanged()
	c.tokensGone(gone)
	c.closeUserConns(u.ID)
}

// closeUserConns closes the connections of a user that no longer exists.
func (c *Core) closeUserConns(userID string) {
	for _, conn := range c.sortedConns() {
		if conn.Authed && conn.UserID == userID {
			c.wsCloseConn(conn, 1000, "")
		}
	}
}

// mfaForget removes a deleted user's MFA setups.
func (c *Core) mfaForget(userID string) {
	for _, m := range c.mfa {
		if m.isSetUp(c, userID) {
			_ = m.depose(c, userID)
		}
	}
}

func (c *Core) callListTokens(call *Call, args orjson.Value) {
	userID, filter := argString(args, "user_id")
	e := orjson.NewEncoder(nil, false)
	e.BeginArray()
	for _, t := range c.store.AllTokens() {
		if filter && t.UserID != userID {
			continue
		}
		writeTokenInfo(e, t, c.store.User(t.UserID))
	}
	e.EndArray()
	c.callResult(call.ID, e.Bytes())
}

// writeTokenInfo writes a refresh token's metadata, never its secrets.
func writeTokenInfo(e *orjson.Encoder, t *authstore.RefreshToken, u *authstore.User) {
	e.BeginObject()
	e.Key("id")
	e.String(t.ID)
	e.Key("user_id")
	e.String(t.UserID)
	e.Key("user_name")
	if u != nil {
		e.StringOrNull(u.Name)
	} else {
		e.Null()
	}
	e.Key("type")
	e.String(t.Type)
	e.Key("client_id")
	e.StringOrNull(t.ClientID)
	e.Key("client_name")
	e.StringOrNull(t.ClientName)
	e.Key("created_at")
	e.String(formatTime(t.CreatedAt))
	e.Key("last_used_at")
	if t.LastUsedAt != nil {
		e.String(formatTime(*t.LastUsedAt))
	} else {
		e.Null()
	}
	e.Key("last_used_ip")
	e.StringOrNull(t.LastUsedIP)
	e.Key("expire_at")
	if t.ExpireAt != nil {
		e.Float(*t.ExpireAt)
	} else {
		e.Null()
	}
	e.EndObject()
}

func (c *Core) callRevokeToken(call *Call, args orjson.Value) {
	id, ok := argString(args, "id")
	if !ok {
		c.callError(call.ID, CallInvalidArgs, "id is required")
		return
	}
	t := c.store.Token(id)
	if t == nil {
		c.callError(call.ID, CallNotFound, "no refresh token with id "+id)
		return
	}
	c.removeRefreshToken(t)
	c.callResult(call.ID, []byte("null"))
}

func (c *Core) callCreateAuthCode(call *Call, args orjson.Value) {
	clientID, ok1 := argString(args, "client_id")
	credID, ok2 := argString(args, "credential_id")
	username, byName := argString(args, "username")
	if !ok1 || (!ok2 && !byName) {
		c.callError(call.ID, CallInvalidArgs, "client_id and credential_id are required")
		return
	}
	var cred *authstore.Credential
	if ok2 {
		if cred = c.store.Credential(credID); cred == nil {
			c.callError(call.ID, CallNotFound, "no credential with id "+credID)
			return
		}
	} else if cred = c.loginCredential(username); cred == nil {
		c.callError(call.ID, CallNotFound, "no login named "+username)
		return
	}
	code := c.storeResult(clientID, cred, "")
	c.callResult(call.ID, orjson.AppendString(nil, code))
}

func (c *Core) callValidateAccessToken(call *Call, args orjson.Value) {
	tok, _ := argString(args, "token")
	rt := c.validateAccessToken(tok)
	if rt == nil {
		c.callError(call.ID, CallInvalidToken, "Invalid access token")
		return
	}
	u := c.store.User(rt.UserID)
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("user_id")
	e.String(u.ID)
	e.Key("refresh_token_id")
	e.String(rt.ID)
	e.Key("is_admin")
	e.Bool(u.IsAdmin())
	e.Key("is_owner")
	e.Bool(u.IsOwner)
	e.Key("name")
	e.StringOrNull(u.Name)
	e.EndObject()
	c.callResult(call.ID, e.Bytes())
}
