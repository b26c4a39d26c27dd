package indieauth

// Decision is what verify_redirect_uri can tell before fetching anything.
type Decision uint8

// The decisions of CheckRedirectURI.
const (
	// Denied: the redirect_uri is refused without a fetch.
	Denied Decision = iota
	// Allowed: the redirect_uri is accepted without a fetch.
	Allowed
	// NeedFetch: the host must GET the client_id URL (at most
	// MaxFetchBytes, FetchTimeoutSeconds, redirects followed) and the
	// answer comes from Discover and RedirectURIAllowed. A fetch that fails
	// (timeout, TLS, connection, too many redirects) means Denied.
	NeedFetch
)

// String names the decision for logs and test failures.
func (d Decision) String() string {
	switch d {
	case Allowed:
		return "allowed"
	case NeedFetch:
		return "need-fetch"
	}
	return "denied"
}

// Home Assistant's mobile apps and the redirect URIs they may use without a
// fetch, compared as exact strings.
const (
	clientIOS     = "https://home-assistant.io/iOS"
	clientAndroid = "https://home-assistant.io/android"

	redirectAppCallback = "homeassistant://auth-callback"
	redirectWear        = "https://wear.googleapis.com/3p_auth/io.homeassistant.companion.android"
	redirectWearChina   = "https://wear.googleapis-cn.com/3p_auth/io.homeassistant.companion.android"
)

// CheckRedirectURI is verify_redirect_uri up to the fetch (spec §8.2): a
// client_id that ParseClientID refuses is Denied (callers reject those
// earlier with VerifyClientID, which is where Home Assistant's 500 for an
// empty host shows up), as is a redirect_uri that does not parse; the same
// scheme and canonical netloc is Allowed, and so is a mobile app's built-in
// redirect URI; anything else needs the fetch.
func CheckRedirectURI(clientID, redirectURI string) Decision {
	c, err := checkClientID(clientID)
	if err != nil {
		return Denied
	}
	r, err := canonical(redirectURI)
	if err != nil {
		return Denied
	}
	if c.scheme == r.scheme && c.netloc == r.netloc {
		return Allowed
	}
	switch clientID {
	case clientIOS:
		if redirectURI == redirectAppCallback {
			return Allowed
		}
	case clientAndroid:
		switch redirectURI {
		case redirectAppCallback, redirectWear, redirectWearChina:
			return Allowed
		}
	}
	return NeedFetch
}

// RedirectURIAllowed reports whether redirectURI is one of the URIs Discover
// found, by exact string equality (no canonicalisation).
func RedirectURIAllowed(redirectURI string, discovered []string) bool {
	for _, u := range discovered {
		if u == redirectURI {
			return true
		}
	}
	return false
}
