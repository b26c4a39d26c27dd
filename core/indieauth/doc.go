// Package indieauth decides, as Home Assistant does, which client_id values
// are valid and which redirect_uri a client may use (spec §8: IndieAuth
// client identifiers, verify_redirect_uri, redirect URI discovery).
//
// It owns the pure parts only. A login that completes calls CheckRedirectURI;
// when that answers NeedFetch the host GETs the client_id URL (at most
// MaxFetchBytes of body, FetchTimeoutSeconds in total, redirects followed),
// and the answer is
//
//	uris, err := indieauth.Discover(clientID, status, redirected, body)
//	ok := err == nil && indieauth.RedirectURIAllowed(redirectURI, uris)
//
// A fetch that fails counts as no URIs. The package must not fetch, log or
// read a clock, and must not import net or net/http.
//
// Home Assistant's behaviour comes from Python's standard library:
// urllib.parse (urlparse, urljoin and the netloc properties), ipaddress, str
// lower-casing, json.loads and html.parser. The package reproduces those
// semantics (CPython 3.14 with the newest HTMLParser) rather than using Go's
// net/url, whose splitting and joining differ in many corners. RATIONALE.md
// beside this file lists the choices and the few known divergences.
package indieauth
