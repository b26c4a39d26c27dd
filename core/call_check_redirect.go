package core

import (
	"github.com/hassauth/hassauth/core/indieauth"
	"github.com/hassauth/hassauth/core/orjson"
)

// OpCheckRedirect checks an authorization request's client_id and
// redirect_uri with the login flow's own rules, without any network access,
// so that a host's login page can refuse a bad request before it shows a
// form: {"client_id", "redirect_uri"} -> one of the Redirect... strings.
const OpCheckRedirect = "check_redirect"

// Answers of OpCheckRedirect.
const (
	// RedirectAllowed: the redirect_uri is on the client's host, or is a
	// mobile app's built-in one.
	RedirectAllowed = "allowed"
	// RedirectDenied: the redirect_uri can never be accepted for this client.
	RedirectDenied = "denied"
	// RedirectNeedsFetch: only the client's page can allow the redirect_uri;
	// the login flow fetches it when the login succeeds and refuses to issue
	// a code if it does not list the redirect_uri.
	RedirectNeedsFetch = "needs_fetch"
	// RedirectInvalidClientID: the client_id is not a valid client id.
	RedirectInvalidClientID = "invalid_client_id"
)

func init() {
	callHandlers[OpCheckRedirect] = (*Core).callCheckRedirect
}

func (c *Core) callCheckRedirect(call *Call, args orjson.Value) {
	clientID, ok1 := argString(args, "client_id")
	redirectURI, ok2 := argString(args, "redirect_uri")
	if !ok1 || !ok2 {
		c.callError(call.ID, CallInvalidArgs, "client_id and redirect_uri are required")
		return
	}
	answer := RedirectDenied
	switch {
	case !indieauth.VerifyClientID(clientID):
		answer = RedirectInvalidClientID
	default:
		switch c.checkRedirectURI(clientID, redirectURI) {
		case redirectAllowed:
			answer = RedirectAllowed
		case redirectFetch:
			answer = RedirectNeedsFetch
		}
	}
	c.callResult(call.ID, orjson.AppendString(nil, answer))
}
