package core

import (
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/jwt"
	"github.com/hassauth/hassauth/core/network"
)

// errUnknownProvider is RuntimeError("Credential with unknown provider
// encountered").
var errUnknownProvider = errors.New("Credential with unknown provider encountered")

// invalidProviderError is Home Assistant's InvalidProvider: a token whose
// credentials come from a provider that is no longer configured.
type invalidProviderError struct{ k providerKey }

func (e *invalidProviderError) Error() string {
	id := "None"
	if e.k.HasID {
		id = e.k.ID
	}
	return "Auth provider " + e.k.Type + ", " + id + " not available"
}

// nowSeconds is int(time.time()).
func (c *Core) nowSeconds() int64 {
	if c.now < 0 {
		return (c.now - authstore.Second + 1) / authstore.Second
	}
	return c.now / authstore.Second
}

// getOrCreateUser returns the user of credentials, creating one from the
// provider's user meta for new credentials (async_get_or_create_user).
func (c *Core) getOrCreateUser(cred *authstore.Credential) (*authstore.User, error) {
	if !cred.IsNew {
		u := c.store.User(cred.UserID)
		if u == nil {
			return nil, authstore.ErrUserNotFound
		}
		return u, nil
	}
	p := c.providerByKey(keyOf(cred.ProviderType, cred.ProviderID))
	if p == nil {
		return nil, errUnknownProvider
	}
	meta := p.meta(c, cred)
	group := meta.Group
	if group == "" {
		group = authstore.GroupAdmin
	}
	u, err := c.store.AddUser(c.rng, authstore.UserSpec{
		Name:        meta.Name,
		IsActive:    meta.IsActive,
		GroupIDs:    []string{group},
		LocalOnly:   meta.LocalOnly,
		Credentials: cred,
	})
	if err != nil {
		return nil, err
	}
	c.authChanged()
	return u, nil
}

// userNotAllowed is async_user_not_allowed_do_auth: the reason a user may
// not authenticate this request, or "".
func (c *Core) userNotAllowed(u *authstore.User, r *request) string {
	if !u.IsActive {
		return reasonUserNotActive
	}
	if !u.LocalOnly {
		return ""
	}
	if r == nil {
		return reasonNoRequest
	}
	if !r.ip.IsValid() {
		return reasonInvalidRemoteIP
	}
	if network.IsLocal(r.ip) {
		return ""
	}
	return reasonCannotAuthRemotely
}

// createAccessToken is async_create_access_token: the provider may veto,
// the use is logged (sliding the expiry), and a JWT is signed with the
// token's key.
func (c *Core) createAccessToken(rt *authstore.RefreshToken, remote *string) (string, error) {
	if rt.CredentialID != nil {
		if cred := c.store.Credential(*rt.CredentialID); cred != nil {
			k := keyOf(cred.ProviderType, cred.ProviderID)
			p := c.providerByKey(k)
			if p == nil {
				return "", &invalidProviderError{k}
			}
			if err := p.validateRefreshToken(c, rt, remote); err != nil {
				return "", err
			}
		}
	}
	c.store.LogUsage(rt, c.now, remote)
	c.authUsed()
	now := c.nowSeconds()
	return jwt.SignAccessToken(rt.Key(), rt.ID, now, now+rt.AccessTokenSeconds()), nil
}

// validateAccessToken is async_validate_access_token: the refresh token an
// access token belongs to, or nil. An unknown issuer still costs a full
// verification, so that timing does not tell which token ids exist.
func (c *Core) validateAccessToken(token string) *authstore.RefreshToken {
	t := &c.jwtScratch
	if err := t.Parse(token); err != nil {
		return nil
	}
	iss, _ := t.Issuer()
	rt := c.store.Token(iss)
	var key *jwt.Key
	if rt != nil {
		key = rt.Key()
	}
	if _, err := t.VerifyAccessToken(key, iss, c.nowSeconds()); err != nil || rt == nil {
		return nil
	}
	u := c.store.User(rt.UserID)
	if u == nil || !u.IsActive {
		return nil
	}
	return rt
}

// removeRefreshToken deletes a token; every websocket it authenticated
// closes in the same step.
func (c *Core) removeRefreshToken(rt *authstore.RefreshToken) {
	if !c.store.RemoveToken(rt) {
		return
	}
	c.authChanged()
	c.tokensGone([]string{rt.ID})
}

// tokenCreated records a new refresh token.
func (c *Core) tokenCreated(*authstore.RefreshToken) { c.authChanged() }

// authenticate runs Home Assistant's auth middleware: a Bearer header, or
// else, when there is none or it does not authenticate, a signed path on
// GET and HEAD requests.
func (c *Core) authenticate(r *request) {
	if h, ok := r.header("authorization"); ok && c.authenticateBearer(r, h) {
		return
	}
	if (r.Method == "GET" || r.Method == "HEAD") && strings.Contains(r.Query, signQueryParam) {
		c.authenticateSignedPath(r)
	}
}

// authenticateBearer checks an Authorization header (async_validate_auth_header).
func (c *Core) authenticateBearer(r *request, h string) bool {
	scheme, value, found := strings.Cut(h, " ")
	if !found || scheme != "Bearer" {
		return false
	}
	rt := c.validateAccessToken(value)
	if rt == nil {
		return false
	}
	u := c.store.User(rt.UserID)
	if c.userNotAllowed(u, r) != "" {
		return false
	}
	r.user, r.token = u, rt
	return true
}

func constantTimeEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
