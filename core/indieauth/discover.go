package indieauth

import "strings"

// Limits of the client_id fetch that the host carries out for NeedFetch.
const (
	// MaxFetchBytes is the most of the (decoded) body Home Assistant reads.
	// A host stops reading once it has this many bytes.
	MaxFetchBytes = 10240
	// FetchTimeoutSeconds is the total time allowed for the GET, redirects
	// included.
	FetchTimeoutSeconds = 5
)

// ErrBadHref is Discover's error for a link tag href that urljoin cannot
// parse; it matches ErrUnhandled (Home Assistant answers 500).
var ErrBadHref error = unhandledError("indieauth: a redirect_uri link tag href does not parse")

// Discover returns the redirect URIs that the client_id page advertises,
// from a GET that completed (any status) with body holding at most
// MaxFetchBytes: the href of every <link rel="redirect_uri"> tag, resolved
// against clientID like Python's urljoin, in document order; when there is
// none, the redirect_uris of an OAuth Client ID Metadata Document (spec §8.3).
// A fetch that did not complete must not be passed here: it yields no URIs.
//
// clientID is the client_id exactly as the client sent it, after
// CheckRedirectURI answered NeedFetch. The error is ErrBadHref, where Home
// Assistant raises instead of answering.
func Discover(clientID string, status int, redirected bool, body []byte) ([]string, error) {
	if len(body) > MaxFetchBytes {
		body = body[:MaxFetchBytes]
	}
	hrefs := linkRedirectHrefs(body)
	if len(hrefs) == 0 {
		return metadataRedirectURIs(clientID, status, redirected, body), nil
	}
	for i, h := range hrefs {
		u, err := urljoin(clientID, h)
		if err != nil {
			return nil, ErrBadHref
		}
		hrefs[i] = u
	}
	return hrefs, nil
}

// metadataRedirectURIs reads body as an OAuth Client ID Metadata Document
// and returns its redirect_uris, or nil when any of Home Assistant's
// conditions fails: a body shorter than MaxFetchBytes (a longer one may be
// cut off), status 200, no redirect, an https client_id with a path and no
// '#', a strict UTF-8 JSON object whose client_id equals the fetched URL and
// whose redirect_uris is a list of strings that each have a scheme, a valid
// port if any, and no '#'. Entries are returned as written.
func metadataRedirectURIs(clientID string, status int, redirected bool, body []byte) []string {
	if len(body) >= MaxFetchBytes || status != 200 || redirected || !metadataClientID(clientID) {
		return nil
	}
	doc, ok := parseMetadata(body)
	if !ok || !doc.clientID.isString || doc.clientID.s != clientID || !doc.hasRedirectURIs {
		return nil
	}
	out := make([]string, 0, len(doc.redirectURIs))
	for _, v := range doc.redirectURIs {
		if !v.isString || !metadataRedirectURI(v.s) {
			return nil
		}
		out = append(out, v.s)
	}
	return out
}

func metadataClientID(u string) bool {
	p, err := urlparse(u, "")
	if err != nil {
		return false
	}
	if _, port, ok := hostinfo(p.netloc); ok && !validPort(port) {
		return false
	}
	return p.scheme == "https" && p.path != "" && strings.IndexByte(u, '#') < 0
}

func metadataRedirectURI(u string) bool {
	p, err := urlparse(u, "")
	if err != nil {
		return false
	}
	if _, port, ok := hostinfo(p.netloc); ok && !validPort(port) {
		return false
	}
	return p.scheme != "" && strings.IndexByte(u, '#') < 0
}
