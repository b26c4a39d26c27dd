package core

import (
	"github.com/hassauth/hassauth/core/indieauth"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

type redirectDecision uint8

const (
	redirectAllowed redirectDecision = iota
	redirectDenied
	redirectFetch
)

// checkRedirectURI is verify_redirect_uri before any network access: the
// same host as the client, or a built-in app redirect, or else the client's
// page must be fetched.
func (c *Core) checkRedirectURI(clientID, redirectURI string) redirectDecision {
	switch indieauth.CheckRedirectURI(clientID, redirectURI) {
	case indieauth.Allowed:
		return redirectAllowed
	case indieauth.NeedFetch:
		return redirectFetch
	}
	return redirectDenied
}

// fetchTimeout is the whole fetch's time limit, redirects included.
const fetchTimeout = indieauth.FetchTimeoutSeconds * 1000 * 1000

// fetchRedirectURIs asks the host to fetch the client_id page and calls
// then with the verdict once the result arrives, or once the fetch's time
// is up without one, whichever comes first.
func (c *Core) fetchRedirectURIs(clientID, redirectURI string, then func(c *Core, allowed bool)) {
	f := &Fetch{
		ID:              c.newID(),
		URL:             clientID,
		MaxBytes:        indieauth.MaxFetchBytes,
		TimeoutMillis:   fetchTimeout / 1000,
		FollowRedirects: true,
	}
	c.emit(Effect{Fetch: f})
	c.await(f.ID, func(c *Core, res opResult) {
		then(c, c.redirectURIDiscovered(clientID, redirectURI, res.fetch))
	})
	c.awaitUntil(f.ID, c.now+fetchTimeout)
}

// redirectURIDiscovered checks the redirect URI against what the client's
// page advertises; res is nil when the fetch ran out of time.
//
// A fetch that failed part way still offers the link tags read before the
// failure, as Home Assistant's parser keeps what it found; a metadata
// document is only trusted from a complete 200 response, so such a body
// goes to Discover with no status.
func (c *Core) redirectURIDiscovered(clientID, redirectURI string, res *FetchResult) bool {
	if res == nil {
		c.logf(LogError, "Timeout while looking up redirect_uri "+clientID)
		return false
	}
	status := res.Status
	if res.Error != "" {
		c.logf(LogError, "Error while looking up redirect_uri "+clientID+": "+res.Error)
		status = 0
	}
	found, err := indieauth.Discover(clientID, status, res.Redirected, res.Body)
	if err != nil {
		// Home Assistant fails these with a 500; a refusal is clearer.
		c.logf(LogWarning, "Could not read the redirect URIs of client_id "+clientID+": "+err.Error())
		return false
	}
	if indieauth.RedirectURIAllowed(redirectURI, found) {
		return true
	}
	if len(found) > 0 {
		// The page was fine; the redirect URI is just not one of its own.
		// Without this line a typo in a client is undiagnosable here.
		list := orjson.Value{Kind: orjson.Array, Arr: make([]orjson.Value, len(found))}
		for i, u := range found {
			list.Arr[i] = orjson.StringValue(u)
		}
		c.logf(LogDebug, "redirect_uri "+redirectURI+" is not among the advertised redirect uris "+
			schema.PythonRepr(list)+" for client_id "+clientID)
	}
	return false
}
