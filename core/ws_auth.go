package core

import (
	"errors"
	"math"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// The auth component's websocket commands (spec §10.4), except the MFA
// setup commands.

// deleteCurrentTokenDelay is DELETE_CURRENT_TOKEN_DELAY: how long after
// auth/delete_all_refresh_tokens answers the connection's own token goes.
const deleteCurrentTokenDelay = 2 * authstore.Second

// Errors of the auth commands.
const (
	wsErrInvalidTokenID = "invalid_token_id"
	wsMsgInvalidTokenID = "Received invalid token"
)

// timedelta's limits: Python raises OverflowError beyond them, which the
// websocket API answers with unknown_error.
const (
	timedeltaMaxDays    = 999999999
	timedeltaMaxSeconds = timedeltaMaxDays*86400 + 86399
	timedeltaMinSeconds = -timedeltaMaxDays * 86400
)

// errTimedeltaOverflow stands for the OverflowError of a lifespan or expiry
// that timedelta cannot hold (or that does not fit in microseconds here).
var errTimedeltaOverflow = errors.New("date value out of range")

func init() {
	wsCommands[schema.CmdAuthCurrentUser] = wsHandler{run: (*Core).wsCurrentUser}
	wsCommands[schema.CmdAuthLongLivedAccessToken] = wsHandler{schema: schema.AuthLongLivedAccessToken, run: (*Core).wsLongLivedAccessToken}
	wsCommands[schema.CmdAuthRefreshTokens] = wsHandler{run: (*Core).wsRefreshTokens}
	wsCommands[schema.CmdAuthDeleteRefreshToken] = wsHandler{schema: schema.AuthDeleteRefreshToken, run: (*Core).wsDeleteRefreshToken}
	wsCommands[schema.CmdAuthDeleteAllRefreshTokens] = wsHandler{schema: schema.AuthDeleteAllRefreshTokens, run: (*Core).wsDeleteAllRefreshTokens}
	wsCommands[schema.CmdAuthSignPath] = wsHandler{schema: schema.AuthSignPath, run: (*Core).wsSignPath}
	wsCommands[schema.CmdAuthRefreshTokenSetExpiry] = wsHandler{schema: schema.AuthRefreshTokenSetExpiry, run: (*Core).wsRefreshTokenSetExpiry}
}

// wsCurrentUser is auth/current_user: the user, its credentials and every
// configured MFA module with whether the user set it up.
func (c *Core) wsCurrentUser(conn *wsConn, id int64, _ orjson.Value) {
	u, ok := c.wsRequireUser(conn, id, wsUserCheck{})
	if !ok {
		return
	}
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("id")
	e.String(u.ID)
	e.Key("name")
	e.StringOrNull(u.Name)
	e.Key("is_owner")
	e.Bool(u.IsOwner)
	e.Key("is_admin")
	e.Bool(u.IsAdmin())
	e.Key("credentials")
	e.BeginArray()
	for _, cr := range u.Credentials {
		e.BeginObject()
		e.Key("auth_provider_type")
		e.String(cr.ProviderType)
		e.Key("auth_provider_id")
		e.StringOrNull(cr.ProviderID)
		e.EndObject()
	}
	e.EndArray()
	e.Key("mfa_modules")
	e.BeginArray()
	for _, m := range c.mfa {
		e.BeginObject()
		e.Key("id")
		e.String(m.id())
		e.Key("name")
		e.String(m.name())
		e.Key("enabled")
		e.Bool(m.isSetUp(c, u.ID))
		e.EndObject()
	}
	e.EndArray()
	e.EndObject()
	c.wsResultRaw(conn, id, e.Bytes())
}

// wsLongLivedAccessToken is auth/long_lived_access_token: a refresh token
// of type long_lived_access_token whose access tokens live lifespan days;
// the result is one such access token. The refresh token's secret is never
// shown.
func (c *Core) wsLongLivedAccessToken(conn *wsConn, id int64, msg orjson.Value) {
	u, ok := c.wsRequireUser(conn, id, wsUserCheck{})
	if !ok {
		return
	}
	lv, _ := msg.Get("lifespan")
	days, ok := schema.AsInt(lv)
	// Microseconds in an int64 hold about 106 million days, fewer than
	// timedelta's 999999999; a lifespan between the two is refused here
	// where Home Assistant would accept it.
	if !ok || days > math.MaxInt64/authstore.Day || days < math.MinInt64/authstore.Day ||
		days > timedeltaMaxDays || days < -timedeltaMaxDays {
		c.wsException(conn, id, errTimedeltaOverflow)
		return
	}
	name := str(msg, "client_name")
	spec := authstore.TokenSpec{ClientName: &name, Type: authstore.TokenLongLived, Version: c.cfg.HAVersion}
	if icon, ok := msg.Get("client_icon"); ok {
		spec.ClientIcon = &icon.Str
	}
	rt, err := c.store.CreateRefreshToken(c.rng, c.now, u, spec)
	if err != nil {
		c.wsException(conn, id, err)
		return
	}
	// Set after creation: a lifespan of 0 days is a real zero here, not
	// the default half hour.
	rt.AccessTokenExpiration = days * authstore.Day
	c.tokenCreated(rt)
	access, err := c.createAccessToken(rt, nil)
	if err != nil {
		c.wsError(conn, id, wsErrUnauthorized, err.Error())
		return
	}
	c.wsResultRaw(conn, id, orjson.AppendString(nil, access))
}

// wsRefreshTokens is auth/refresh_tokens: the user's tokens without their
// secrets, is_current marking the connection's own.
func (c *Core) wsRefreshTokens(conn *wsConn, id int64, _ orjson.Value) {
	u, ok := c.wsRequireUser(conn, id, wsUserCheck{})
	if !ok {
		return
	}
	e := orjson.NewEncoder(nil, false)
	e.BeginArray()
	for _, t := range u.Tokens() {
		e.BeginObject()
		e.Key("auth_provider_type")
		if cr := c.tokenCredential(t); cr != nil {
			e.String(cr.ProviderType)
		} else {
			e.Null()
		}
		e.Key("client_icon")
		e.StringOrNull(t.ClientIcon)
		e.Key("client_id")
		e.StringOrNull(t.ClientID)
		e.Key("client_name")
		e.StringOrNull(t.ClientName)
		e.Key("created_at")
		e.String(formatTime(t.CreatedAt))
		e.Key("expire_at")
		if t.ExpireAt != nil && *t.ExpireAt != 0 {
			e.String(formatTime(pyFromTimestamp(*t.ExpireAt)))
		} else {
			e.Null()
		}
		e.Key("id")
		e.String(t.ID)
		e.Key("is_current")
		e.Bool(t.ID == conn.TokenID)
		e.Key("last_used_at")
		if t.LastUsedAt != nil {
			e.String(formatTime(*t.LastUsedAt))
		} else {
			e.Null()
		}
		e.Key("last_used_ip")
		e.StringOrNull(t.LastUsedIP)
		e.Key("type")
		e.String(t.Type)
		e.EndObject()
	}
	e.EndArray()
	c.wsResultRaw(conn, id, e.Bytes())
}

// tokenCredential returns the credential a token was issued through, if it
// still exists.
func (c *Core) tokenCredential(t *authstore.RefreshToken) *authstore.Credential {
	if t.CredentialID == nil {
		return nil
	}
	return c.store.Credential(*t.CredentialID)
}

// pyFromTimestamp converts a float timestamp to microseconds as Python's
// datetime.fromtimestamp does: the fraction's microseconds rounded half to
// even.
func pyFromTimestamp(ts float64) int64 {
	if math.IsNaN(ts) || math.IsInf(ts, 0) || math.Abs(ts) > 1e15 {
		return authstore.FromTimestamp(ts)
	}
	sec, frac := math.Modf(ts)
	us := math.RoundToEven(frac * 1e6)
	return int64(sec)*authstore.Second + int64(us)
}

// ownToken returns the user's refresh token with id, or nil: the commands
// only ever see the connection user's own tokens.
func (c *Core) ownToken(u *authstore.User, id string) *authstore.RefreshToken {
	t := c.store.Token(id)
	if t == nil || t.UserID != u.ID {
		return nil
	}
	return t
}

// wsDeleteRefreshToken is auth/delete_refresh_token. Deleting the
// connection's own token closes the connection at once, before the reply,
// which is then never sent (as in Home Assistant).
func (c *Core) wsDeleteRefreshToken(conn *wsConn, id int64, msg orjson.Value) {
	u, ok := c.wsRequireUser(conn, id, wsUserCheck{})
	if !ok {
		return
	}
	t := c.ownToken(u, str(msg, "refresh_token_id"))
	if t == nil {
		c.wsError(conn, id, wsErrInvalidTokenID, wsMsgInvalidTokenID)
		return
	}
	c.removeRefreshToken(t)
	c.wsResultRaw(conn, id, wsResultEmptyObject)
}

// wsDeleteAllRefreshTokens is auth/delete_all_refresh_tokens: every token
// of the user (of token_type, if given) but the connection's own goes now;
// the own one goes deleteCurrentTokenDelay after the reply when
// delete_current_token is set and its type matches. Removing a token here
// cannot fail, so token_removing_error never happens.
func (c *Core) wsDeleteAllRefreshTokens(conn *wsConn, id int64, msg orjson.Value) {
	u, ok := c.wsRequireUser(conn, id, wsUserCheck{})
	if !ok {
		return
	}
	tv, limit := msg.Get("token_type")
	var current *authstore.RefreshToken
	for _, t := range u.Tokens() {
		if t.ID == conn.TokenID {
			current = t
			continue
		}
		if limit && tv.Str != t.Type {
			continue
		}
		c.removeRefreshToken(t)
	}
	c.wsResultRaw(conn, id, wsResultEmptyObject)
	dv, _ := msg.Get("delete_current_token")
	if dv.Bool && current != nil && (!limit || current.Type == tv.Str) {
		c.timers.set(timerDeleteToken, current.ID, c.now+deleteCurrentTokenDelay)
	}
}

// deletePendingTokens deletes at once the tokens waiting for their delayed
// deletion, as Home Assistant does when it stops during the delay.
func (c *Core) deletePendingTokens() {
	var ids []string
	for _, t := range c.timers.list {
		if t.Kind == timerDeleteToken {
			ids = append(ids, t.Key)
		}
	}
	for _, tokenID := range ids {
		c.timers.cancel(timerDeleteToken, tokenID)
		if rt := c.store.Token(tokenID); rt != nil {
			c.removeRefreshToken(rt)
		}
	}
}

// wsSignPath is auth/sign_path: the path signed for the connection's
// refresh token, valid for expires seconds.
func (c *Core) wsSignPath(conn *wsConn, id int64, msg orjson.Value) {
	if _, ok := c.wsRequireUser(conn, id, wsUserCheck{}); !ok {
		return
	}
	ev, _ := msg.Get("expires")
	secs, ok := schema.AsInt(ev)
	if !ok || secs > timedeltaMaxSeconds || secs < timedeltaMinSeconds {
		c.wsException(conn, id, errTimedeltaOverflow)
		return
	}
	signed := c.signPath(str(msg, "path"), secs, conn.TokenID)
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("path")
	e.String(signed)
	e.EndObject()
	c.wsResultRaw(conn, id, e.Bytes())
}

// wsRefreshTokenSetExpiry is auth/refresh_token_set_expiry.
func (c *Core) wsRefreshTokenSetExpiry(conn *wsConn, id int64, msg orjson.Value) {
	u, ok := c.wsRequireUser(conn, id, wsUserCheck{})
	if !ok {
		return
	}
	t := c.ownToken(u, str(msg, "refresh_token_id"))
	if t == nil {
		c.wsError(conn, id, wsErrInvalidTokenID, wsMsgInvalidTokenID)
		return
	}
	ev, _ := msg.Get("enable_expiry")
	c.store.SetExpiry(t, c.now, ev.Bool)
	c.authChanged()
	c.wsResultRaw(conn, id, wsResultEmptyObject)
}
