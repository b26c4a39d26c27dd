package indieauth

import (
	"strings"
	"unicode/utf8"
)

// This file reproduces the parts of Python's urllib.parse that Home
// Assistant's IndieAuth code relies on (urlparse, urlunparse, urljoin and the
// netloc properties), as CPython 3.14 behaves. Python works on code points and
// Go on bytes; every delimiter involved is ASCII, so byte offsets give the same
// splits for valid UTF-8.

// parts is urllib.parse.ParseResult: the six components urlparse returns.
type parts struct {
	scheme, netloc, path, params, query, fragment string
}

// Scheme classes from urllib.parse (only membership is ever tested).
var (
	usesRelative = []string{"", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https",
		"shttp", "mms", "prospero", "rtsp", "rtsps", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss"}
	usesNetloc = []string{"", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file",
		"mms", "https", "shttp", "snews", "prospero", "rtsp", "rtsps", "rtspu", "rsync", "svn",
		"svn+ssh", "sftp", "nfs", "git", "git+ssh", "ws", "wss", "itms-services"}
	usesParams = []string{"", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp",
		"rtsps", "rtspu", "sip", "sips", "mms", "sftp", "tel"}
)

func in(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// urlError is a ValueError raised by urlsplit; errors.Is matches ErrURL.
type urlError string

func (e urlError) Error() string        { return "indieauth: " + string(e) }
func (e urlError) Is(target error) bool { return target == ErrURL }

const (
	errInvalidIPv6   urlError = "invalid IPv6 URL"
	errIPvFuture     urlError = "IPvFuture address is invalid"
	errBracketedIPv4 urlError = "an IPv4 address cannot be in brackets"
	errBracketedHost urlError = "bracketed host is not an IP address"
	errNFKCNetloc    urlError = "netloc contains characters that NFKC-normalise to URL delimiters"
)

// isC0OrSpace is WHATWG's "C0 control or space", which urlsplit strips from
// the start of a URL.
func isC0OrSpace(c byte) bool { return c <= ' ' }

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isSchemeChar(c byte) bool {
	return isASCIILetter(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

// removeUnsafe drops every tab, CR and LF, as urlsplit does before parsing.
func removeUnsafe(s string) string {
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '\t' && c != '\r' && c != '\n' {
			b = append(b, c)
		}
	}
	return string(b)
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// urlsplit is urllib.parse.urlsplit(url, scheme) with allow_fragments.
func urlsplit(url, scheme string) (p parts, err error) {
	for len(url) > 0 && isC0OrSpace(url[0]) {
		url = url[1:]
	}
	scheme = strings.TrimFunc(scheme, func(r rune) bool { return r <= ' ' })
	url = removeUnsafe(url)
	scheme = removeUnsafe(scheme)

	if i := strings.IndexByte(url, ':'); i > 0 && isASCIILetter(url[0]) {
		j := 0
		for j < i && isSchemeChar(url[j]) {
			j++
		}
		if j == i {
			scheme, url = asciiLower(url[:i]), url[i+1:]
		}
	}
	p.scheme = scheme
	if strings.HasPrefix(url, "//") {
		end := len(url)
		if i := strings.IndexAny(url[2:], "/?#"); i >= 0 {
			end = 2 + i
		}
		p.netloc, url = url[2:end], url[end:]
		open, close := strings.IndexByte(p.netloc, '[') >= 0, strings.IndexByte(p.netloc, ']') >= 0
		if open != close {
			return parts{}, errInvalidIPv6
		}
		if open {
			if err := checkBracketedNetloc(p.netloc); err != nil {
				return parts{}, err
			}
		}
	}
	if i := strings.IndexByte(url, '#'); i >= 0 {
		url, p.fragment = url[:i], url[i+1:]
	}
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, p.query = url[:i], url[i+1:]
	}
	if err := checkNetloc(p.netloc); err != nil {
		return parts{}, err
	}
	p.path = url
	return p, nil
}

// urlparse is urllib.parse.urlparse(url, scheme): urlsplit plus the ";params"
// of the last path segment for the schemes that use them.
func urlparse(url, scheme string) (parts, error) {
	p, err := urlsplit(url, scheme)
	if err != nil {
		return p, err
	}
	if in(usesParams, p.scheme) && strings.IndexByte(p.path, ';') >= 0 {
		i := 0
		if s := strings.LastIndexByte(p.path, '/'); s >= 0 {
			i = strings.IndexByte(p.path[s:], ';')
			if i < 0 {
				return p, nil
			}
			i += s
		} else {
			i = strings.IndexByte(p.path, ';')
		}
		p.path, p.params = p.path[:i], p.path[i+1:]
	}
	return p, nil
}

// checkBracketedNetloc requires the host part of a netloc holding brackets to
// be "[IPv6]" or "[IPvFuture]", optionally followed by ":port".
func checkBracketedNetloc(netloc string) error {
	hostport := netloc[strings.LastIndexByte(netloc, '@')+1:]
	var host string
	if before, after, ok := strings.Cut(hostport, "["); ok {
		if before != "" {
			return errInvalidIPv6
		}
		h, port, _ := strings.Cut(after, "]")
		if port != "" && port[0] != ':' {
			return errInvalidIPv6
		}
		host = h
	} else {
		host, _, _ = strings.Cut(hostport, ":")
	}
	return checkBracketedHost(host)
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// checkBracketedHost accepts "v<hex>.<anything>" (IPvFuture, with the version
// letter in either case as the newest CPython does) or an IPv6 address.
func checkBracketedHost(h string) error {
	if h != "" && (h[0] == 'v' || h[0] == 'V') {
		j := 1
		for j < len(h) && isHexDigit(h[j]) {
			j++
		}
		if j == 1 || j+1 >= len(h) || h[j] != '.' {
			return errIPvFuture
		}
		return nil
	}
	a, ok := parseIPAddress(h)
	if !ok {
		return errBracketedHost
	}
	if a.v4 {
		return errBracketedIPv4
	}
	return nil
}

// nfkcDelimiters lists the code points whose NFKC form contains one of
// "/?#@:" (Unicode 15.1; the list has not changed since Unicode 3). urlsplit
// rejects a non-ASCII netloc holding any of them, because IDNA would turn them
// into delimiters. nfkc_test.go checks the list against a normaliser.
var nfkcDelimiters = [...]rune{
	0x2047, 0x2048, 0x2049, 0x2100, 0x2101, 0x2105, 0x2106, 0x2a74, 0xfe13,
	0xfe16, 0xfe55, 0xfe56, 0xfe5f, 0xfe6b, 0xff03, 0xff0f, 0xff1a, 0xff1f, 0xff20,
}

func checkNetloc(netloc string) error {
	for i := 0; i < len(netloc); i++ {
		if netloc[i] >= utf8.RuneSelf {
			for _, r := range netloc[i:] {
				for _, d := range nfkcDelimiters {
					if r == d {
						return errNFKCNetloc
					}
				}
			}
			return nil
		}
	}
	return nil
}

// urlunsplit is urllib.parse.urlunsplit.
func urlunsplit(scheme, netloc, url, query, fragment string) string {
	switch {
	case netloc != "":
		if url != "" && url[0] != '/' {
			url = "/" + url
		}
		url = "//" + netloc + url
	case strings.HasPrefix(url, "//"):
		url = "//" + url
	case scheme != "" && in(usesNetloc, scheme) && (url == "" || url[0] == '/'):
		url = "//" + url
	}
	if scheme != "" {
		url = scheme + ":" + url
	}
	if query != "" {
		url += "?" + query
	}
	if fragment != "" {
		url += "#" + fragment
	}
	return url
}

// urlunparse is urllib.parse.urlunparse.
func urlunparse(p parts) string {
	url := p.path
	if p.params != "" {
		url += ";" + p.params
	}
	return urlunsplit(p.scheme, p.netloc, url, p.query, p.fragment)
}

// urljoin is urllib.parse.urljoin(base, url) as of CPython 3.14. It fails
// where Python raises ValueError, which is when either URL does not parse.
func urljoin(base, url string) (string, error) {
	if base == "" {
		return url, nil
	}
	if url == "" {
		return base, nil
	}
	b, err := urlparse(base, "")
	if err != nil {
		return "", err
	}
	u, err := urlparse(url, b.scheme)
	if err != nil {
		return "", err
	}
	if u.scheme != b.scheme || !in(usesRelative, u.scheme) {
		return url, nil
	}
	if in(usesNetloc, u.scheme) {
		if u.netloc != "" {
			return urlunparse(u), nil
		}
		u.netloc = b.netloc
	}
	if u.path == "" && u.params == "" {
		u.path, u.params = b.path, b.params
		if u.query == "" {
			u.query = b.query
		}
		return urlunparse(u), nil
	}

	baseParts := strings.Split(b.path, "/")
	if baseParts[len(baseParts)-1] != "" {
		// The last base segment names a file, not a directory.
		baseParts = baseParts[:len(baseParts)-1]
	}
	var segments []string
	if strings.HasPrefix(u.path, "/") {
		segments = strings.Split(u.path, "/")
	} else {
		all := append(baseParts, strings.Split(u.path, "/")...)
		// Empty inner segments are dropped so that joining does not
		// produce doubled slashes.
		segments = all
		if len(all) > 2 {
			segments = make([]string, 0, len(all))
			segments = append(segments, all[0])
			for _, s := range all[1 : len(all)-1] {
				if s != "" {
					segments = append(segments, s)
				}
			}
			segments = append(segments, all[len(all)-1])
		}
	}
	resolved := make([]string, 0, len(segments)+1)
	for _, s := range segments {
		switch s {
		case "..":
			if len(resolved) > 0 {
				resolved = resolved[:len(resolved)-1]
			}
		case ".":
		default:
			resolved = append(resolved, s)
		}
	}
	if last := segments[len(segments)-1]; last == "." || last == ".." {
		resolved = append(resolved, "")
	}
	u.path = strings.Join(resolved, "/")
	if u.path == "" {
		u.path = "/"
	}
	return urlunparse(u), nil
}

// hostinfo is the (hostname, port) pair of a netloc as the ParseResult
// properties split it: after the last '@', brackets around the host removed.
// hasPort is false where Python's port text is None (absent or empty).
func hostinfo(netloc string) (host, port string, hasPort bool) {
	hi := netloc[strings.LastIndexByte(netloc, '@')+1:]
	if _, bracketed, ok := strings.Cut(hi, "["); ok {
		var rest string
		host, rest, _ = strings.Cut(bracketed, "]")
		_, port, _ = strings.Cut(rest, ":")
	} else {
		host, port, _ = strings.Cut(hi, ":")
	}
	return host, port, port != ""
}

// validPort is ParseResult.port not raising: ASCII digits only, value 0-65535
// (leading zeros allowed, as int() allows them).
func validPort(port string) bool {
	if port == "" {
		return false
	}
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return false
		}
	}
	port = strings.TrimLeft(port, "0")
	if len(port) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(port); i++ {
		n = n*10 + int(port[i]-'0')
	}
	return n <= 65535
}

// hostname is ParseResult.hostname: the host lower-cased, any "%zone" kept
// as written, "" where Python gives None.
func hostname(netloc string) string {
	h, _, _ := hostinfo(netloc)
	name, zone, ok := strings.Cut(h, "%")
	if !ok {
		return pyLower(h)
	}
	return pyLower(name) + "%" + zone
}
