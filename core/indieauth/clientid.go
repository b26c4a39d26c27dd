package indieauth

import (
	"errors"
	"strings"
)

// URL is a URL split and canonicalised as Home Assistant's IndieAuth code
// does: Python's urlparse, then the netloc lower-cased and an empty path
// replaced by "/". Fields hold the text as written otherwise (no
// percent-decoding).
type URL struct {
	Scheme   string // lower-cased by the parser; "" when the URL has none
	Netloc   string // the authority, lower-cased (Python's str.lower)
	Path     string // "/" when the URL has no path
	Params   string // the ";params" of the last path segment, without the ';'
	RawQuery string // after the first '?', without it
	Fragment string // after the first '#', without it; "" also for a bare '#'
	// Hostname is Python's hostname property: the host without brackets,
	// lower-cased, "" when there is none.
	Hostname string
	// Port is the port text after the host ("" when none). ParseURL does not
	// check it; ParseClientID guarantees ASCII digits with a value 0-65535.
	Port string
	// HasUserinfo reports an '@' in the netloc (a username, even empty).
	HasUserinfo bool
}

// Errors of ParseURL and ParseClientID. Each rule has its own error so that
// callers and tests can tell why a client_id was refused; Home Assistant
// itself answers every one of them with "Invalid client id".
var (
	// ErrURL matches every error for a URL that Python's urlparse refuses
	// (unbalanced or invalid brackets, netloc characters that NFKC turns
	// into delimiters).
	ErrURL = errors.New("indieauth: URL does not parse")
	// ErrScheme: the client_id scheme is not http or https.
	ErrScheme = errors.New("indieauth: client_id scheme must be http or https")
	// ErrDotSegment: a path segment is "." or "..".
	ErrDotSegment = errors.New("indieauth: client_id path has a '.' or '..' segment")
	// ErrFragment: the client_id has a non-empty fragment.
	ErrFragment = errors.New("indieauth: client_id has a fragment")
	// ErrUserinfo: the client_id has a username or password.
	ErrUserinfo = errors.New("indieauth: client_id has a username or password")
	// ErrPort: the port is not a number from 0 to 65535.
	ErrPort = errors.New("indieauth: client_id port is not a number from 0 to 65535")
	// ErrAddress: the host is an IP address outside the loopback, private
	// and link-local ranges.
	ErrAddress = errors.New("indieauth: client_id host is an IP address that is not local")
	// ErrUnhandled matches the cases where Home Assistant raises an
	// exception it does not catch, so the request ends in HTTP 500 instead
	// of a refusal: a client_id with an empty host (IndexError) and a link
	// tag href that urljoin cannot parse (ValueError).
	ErrUnhandled = errors.New("indieauth: Home Assistant raises an uncaught exception here")
	// ErrNoHost: the client_id passes every other rule but its netloc is
	// empty ("http:///x", "https://"). It matches ErrUnhandled.
	ErrNoHost error = unhandledError("indieauth: client_id has an empty host")
)

type unhandledError string

func (e unhandledError) Error() string        { return string(e) }
func (e unhandledError) Is(target error) bool { return target == ErrUnhandled }

// ParseURL splits and canonicalises raw like Home Assistant's _parse_url. It
// fails only where Python's urlparse raises ValueError.
func ParseURL(raw string) (URL, error) {
	p, err := canonical(raw)
	if err != nil {
		return URL{}, err
	}
	return p.url(), nil
}

// canonical is _parse_url on the internal representation.
func canonical(raw string) (parts, error) {
	p, err := urlparse(raw, "")
	if err != nil {
		return p, err
	}
	p.netloc = pyLower(p.netloc)
	if p.path == "" {
		p.path = "/"
	}
	return p, nil
}

func (p parts) url() URL {
	_, port, _ := hostinfo(p.netloc)
	return URL{
		Scheme:      p.scheme,
		Netloc:      p.netloc,
		Path:        p.path,
		Params:      p.params,
		RawQuery:    p.query,
		Fragment:    p.fragment,
		Hostname:    hostname(p.netloc),
		Port:        port,
		HasUserinfo: strings.IndexByte(p.netloc, '@') >= 0,
	}
}

// ParseClientID canonicalises raw and checks it is a client_id Home
// Assistant accepts (spec §8.1): scheme http or https, no "." or ".." path
// segment, no fragment, no userinfo, a valid port if any, and a host that is
// a name or a local IP address. Home Assistant tests the IP rule on the whole
// netloc, so a literal with a port ("8.8.8.8:80", "[2001:db8::1]:80") counts
// as a name and passes; this is reproduced, not fixed.
func ParseClientID(raw string) (URL, error) {
	p, err := checkClientID(raw)
	if err != nil {
		return URL{}, err
	}
	return p.url(), nil
}

// VerifyClientID reports whether raw is a valid client_id
// (verify_client_id). For ErrNoHost, where Home Assistant answers 500, it
// reports false; use ParseClientID to tell that case apart.
func VerifyClientID(raw string) bool {
	_, err := checkClientID(raw)
	return err == nil
}

func checkClientID(raw string) (parts, error) {
	p, err := canonical(raw)
	if err != nil {
		return p, err
	}
	if p.scheme != "http" && p.scheme != "https" {
		return p, ErrScheme
	}
	for rest := p.path; ; {
		seg, tail, more := strings.Cut(rest, "/")
		if seg == "." || seg == ".." {
			return p, ErrDotSegment
		}
		if !more {
			break
		}
		rest = tail
	}
	if p.fragment != "" {
		return p, ErrFragment
	}
	if strings.IndexByte(p.netloc, '@') >= 0 {
		return p, ErrUserinfo
	}
	if _, port, ok := hostinfo(p.netloc); ok && !validPort(port) {
		return p, ErrPort
	}
	host := p.netloc
	if host == "" {
		return p, ErrNoHost
	}
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	if a, ok := parseIPAddress(host); ok && !a.isLocal() {
		return p, ErrAddress
	}
	return p, nil
}
