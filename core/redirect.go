package core

import (
	"github.com/hassauth/hassauth/core/indieauth"
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

// fetchRedirectURIs asks the host to fetch the client_id page.
func (c *Core) fetchRedirectURIs(clientID string) uint64 {
	f := &Fetch{
		ID:              c.newID(),
		URL:             clientID,
		MaxBytes:        indieauth.MaxFetchBytes,
		TimeoutMillis:   indieauth.FetchTimeoutSeconds * 1000,
		FollowRedirects: true,
	}
	c.emit(Effect{Fetch: f})
	return f.ID
}

// redirectURIDiscovered checks the redirect URI against what the client's
// page advertises. A failed fetch advertises nothing.
func (c *Core) redirectURIDiscovered(clientID, redirectURI string, res *FetchResult) bool {
	if res == nil {
		return false
	}
	if res.Error != "" {
		c.logf(LogWarning, "Error while fetching client_id "+clientID+": "+res.Error)
		return false
	}
	found, err := indieauth.Discover(clientID, res.Status, res.Redirected, res.Body)
	if err != nil {
		// Home Assistant fails these with a 500; a refusal is clearer.
		c.logf(LogWarning, "Could not read the redirect URIs of client_id "+clientID+": "+err.Error())
		return false
	}
	return indieauth.RedirectURIAllowed(redirectURI, found)
}
