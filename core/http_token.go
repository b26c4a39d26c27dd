package core

import (
	"strconv"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/form"
	"github.com/hassauth/hassauth/core/indieauth"
	"github.com/hassauth/hassauth/core/orjson"
)

// readForm parses the body as aiohttp's request.post() would.
func readForm(r *request) form.Values {
	ct, _ := r.header("content-type")
	v, err := form.Parse(ct, r.Body)
	if err != nil {
		return nil
	}
	return v
}

// handleToken is POST /auth/token. Every 4xx it sends counts as a failed
// login (log_invalid_auth).
func (c *Core) handleToken(r *request) {
	data := readForm(r)
	if action, _ := data.Get("action"); action == "revoke" {
		c.revoke(r, data)
		return
	}
	status := 0
	switch grant, _ := data.Get("grant_type"); grant {
	case "authorization_code":
		status = c.grantAuthorizationCode(r, data)
	case "refresh_token":
		status = c.grantRefreshToken(r, data)
	default:
		c.replyOAuthError(r, 400, oauthUnsupportedGrantType, "")
		status = 400
	}
	if status >= 400 {
		c.failedLogin(r)
	}
}

// grantAuthorizationCode exchanges a login flow's code for tokens.
func (c *Core) grantAuthorizationCode(r *request, data form.Values) int {
	clientID, ok := data.Get("client_id")
	if !ok || !indieauth.VerifyClientID(clientID) {
		c.replyOAuthError(r, 400, oauthInvalidRequest, oauthDescInvalidClientID)
		return 400
	}
	code, ok := data.Get("code")
	if !ok {
		c.replyOAuthError(r, 400, oauthInvalidRequest, oauthDescInvalidCode)
		return 400
	}
	ac := c.retrieveResult(clientID, code)
	if ac == nil {
		c.replyOAuthError(r, 400, oauthInvalidRequest, oauthDescInvalidCode)
		return 400
	}
	if status := c.checkPKCE(r, data, ac); status != 0 {
		return status
	}
	user, err := c.getOrCreateUser(ac.Credential)
	if err != nil {
		c.replyOAuthError(r, 403, oauthAccessDenied, err.Error())
		return 403
	}
	if reason := c.userNotAllowed(user, r); reason != "" {
		c.replyOAuthError(r, 403, oauthAccessDenied, reason)
		return 403
	}
	cid := clientID
	rt, err := c.store.CreateRefreshToken(c.rng, c.now, user, authstore.TokenSpec{
		ClientID:   &cid,
		Credential: ac.Credential,
		Version:    c.cfg.HAVersion,
	})
	if err != nil {
		c.replyOAuthError(r, 403, oauthAccessDenied, err.Error())
		return 403
	}
	c.tokenCreated(rt)
	access, err := c.createAccessToken(rt, r.remoteString())
	if err != nil {
		c.replyOAuthError(r, 403, oauthAccessDenied, err.Error())
		return 403
	}
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("access_token")
	e.String(access)
	e.Key("token_type")
	e.String("Bearer")
	e.Key("refresh_token")
	e.String(rt.Token)
	e.Key("expires_in")
	e.Int(rt.AccessTokenSeconds())
	e.Key("ha_auth_provider")
	e.String(ac.Credential.ProviderType)
	e.EndObject()
	c.replyJSON(r, 200, e.Bytes(), noCache...)
	return 200
}

// grantRefreshToken issues a new access token for a refresh token. Refresh
// tokens do not rotate.
func (c *Core) grantRefreshToken(r *request, data form.Values) int {
	clientID, hasClient := data.Get("client_id")
	if hasClient && !indieauth.VerifyClientID(clientID) {
		c.replyOAuthError(r, 400, oauthInvalidRequest, oauthDescInvalidClientID)
		return 400
	}
	token, ok := data.Get("refresh_token")
	if !ok {
		c.replyOAuthError(r, 400, oauthInvalidRequest, "")
		return 400
	}
	rt := c.store.TokenBySecret(token)
	if rt == nil {
		c.replyOAuthError(r, 400, oauthInvalidGrant, "")
		return 400
	}
	if (rt.ClientID == nil) != !hasClient || (rt.ClientID != nil && *rt.ClientID != clientID) {
		c.replyOAuthError(r, 400, oauthInvalidRequest, "")
		return 400
	}
	user := c.store.User(rt.UserID)
	if reason := c.userNotAllowed(user, r); reason != "" {
		c.replyOAuthError(r, 403, oauthAccessDenied, reason)
		return 403
	}
	access, err := c.createAccessToken(rt, r.remoteString())
	if err != nil {
		c.replyOAuthError(r, 403, oauthAccessDenied, err.Error())
		return 403
	}
	b := make([]byte, 0, 64+len(access))
	b = append(b, `{"access_token":`...)
	b = orjson.AppendString(b, access)
	b = append(b, `,"token_type":"Bearer","expires_in":`...)
	b = strconv.AppendInt(b, rt.AccessTokenSeconds(), 10)
	b = append(b, '}')
	c.replyJSON(r, 200, b, noCache...)
	return 200
}

// handleRevoke is POST /auth/revoke (RFC 7009): always 200 with no body.
func (c *Core) handleRevoke(r *request) {
	c.revoke(r, readForm(r))
}

func (c *Core) revoke(r *request, data form.Values) {
	if token, ok := data.Get("token"); ok {
		if rt := c.store.TokenBySecret(token); rt != nil {
			c.removeRefreshToken(rt)
		}
	}
	c.reply(r, 200, nil, nil)
}
