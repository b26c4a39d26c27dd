package network

import (
	"net/netip"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Forwarded is the reverse-proxy part of Home Assistant's http configuration.
type Forwarded struct {
	UseXForwardedFor bool     // use_x_forwarded_for
	TrustedProxies   Networks // trusted_proxies
}

// Headers are the forwarding headers of one request: every field line with that name,
// in the order received, each value as the HTTP layer gives it (optional whitespace
// around it already trimmed or not; items are trimmed here either way).
type Headers struct {
	For   []string // X-Forwarded-For
	Proto []string // X-Forwarded-Proto
	Host  []string // X-Forwarded-Host
}

// Client is what Home Assistant's request looks like after the forwarded middleware.
type Client struct {
	// Addr is the remote address: the peer, or the address taken from
	// X-Forwarded-For. It is the invalid Addr when the peer had no IP address (a Unix
	// socket) and nothing was forwarded.
	Addr netip.Addr
	// Scheme replaces the request's scheme when not empty (from X-Forwarded-Proto).
	Scheme string
	// Host replaces the request's host when not empty (from X-Forwarded-Host).
	Host string
}

// Error is a request the forwarded rules reject. Home Assistant answers it with a bare
// HTTPBadRequest (Status, Body) and writes Log to its error log.
type Error struct {
	Status int    // BadRequestStatus
	Body   string // BadRequestBody, sent as BadRequestContentType
	Log    string // Home Assistant's log line; may contain header text verbatim
}

// Error returns the log line.
func (e *Error) Error() string { return e.Log }

func badRequest(log string) *Error {
	return &Error{Status: BadRequestStatus, Body: BadRequestBody, Log: log}
}

// Resolve applies Home Assistant's forwarded middleware to a request whose connected
// peer is peer (from ParseAddr; the invalid Addr if the peer has no IP address).
//
// Without an X-Forwarded-For header, or without a peer address, nothing changes:
// X-Forwarded-Proto and X-Forwarded-Host are then ignored. With one, the request is
// refused unless use_x_forwarded_for is on and the peer is a trusted proxy. The
// X-Forwarded-For items (all lines joined, split at commas, trimmed) must all be IP
// addresses; walking them from the right, trusted proxies are skipped and the first
// other address is the client, or the left-most item when all are trusted.
// X-Forwarded-Proto must then have one item or as many as X-Forwarded-For, none empty;
// the scheme is the single item or the one matching the chosen client. The host is the
// right-most X-Forwarded-Host item, which must not be empty.
//
// Home Assistant skips all of this for requests arriving through Home Assistant Cloud;
// a caller with such requests must not call Resolve for them.
func (f Forwarded) Resolve(peer netip.Addr, h Headers) (Client, *Error) {
	if len(h.For) == 0 || !peer.IsValid() {
		return Client{Addr: peer}, nil
	}
	if !f.UseXForwardedFor {
		return Client{}, badRequest(LogNotSetUpPrefix + peer.String() + LogNotSetUpSuffix)
	}
	if !f.TrustedProxies.Contains(peer) {
		return Client{}, badRequest(LogUntrustedProxy + peer.String())
	}

	// One pass from the right: every item must parse (an invalid one anywhere is an
	// error), the first untrusted one is the client.
	var (
		client   netip.Addr
		index    = -1 // items skipped before the client; -1 when all are trusted
		leftmost netip.Addr
		count    int
	)
	for it := newItems(h.For); it.next(); {
		a, err := ParseIP(pyStrip(it.item))
		if err != nil {
			return Client{}, badRequest(LogInvalidFor + h.For[0])
		}
		if index < 0 && !f.TrustedProxies.Contains(a) {
			client, index = a, count
		}
		leftmost = a
		count++
	}
	c := Client{Addr: client}
	if index < 0 {
		c.Addr = leftmost
	}

	if len(h.Proto) > 0 {
		protos := 0
		for it := newItems(h.Proto); it.next(); protos++ {
			if pyStrip(it.item) == "" {
				return Client{}, badRequest(LogEmptyProto + h.Proto[0])
			}
		}
		if protos != 1 && protos != count {
			return Client{}, badRequest(LogProtoCountPrefix + strconv.Itoa(count) +
				LogProtoCountMiddle + strconv.Itoa(protos) + ": " + h.Proto[0])
		}
		// A single item applies whatever the chain; otherwise take the item at the
		// client's position, the left-most when every hop was trusted.
		want := index
		if protos == 1 || index < 0 {
			want = protos - 1
		}
		for it, i := newItems(h.Proto), 0; it.next(); i++ {
			if i == want {
				c.Scheme = pyStrip(it.item)
				break
			}
		}
	}

	if len(h.Host) > 0 {
		it := newItems(h.Host)
		it.next()
		if c.Host = pyStrip(it.item); c.Host == "" {
			return Client{}, badRequest(LogEmptyHost)
		}
	}
	return c, nil
}

// items walks the comma-separated items of header lines from the right: the last
// item of the last line first. It allocates nothing.
type items struct {
	lines []string
	line  int    // index of the line being walked
	rest  string // unread part of lines[line]; items are taken off its end
	done  bool   // rest has no more items
	item  string // the current item, untrimmed
}

func newItems(lines []string) items {
	return items{lines: lines, line: len(lines), done: true}
}

// next moves to the next item to the left and reports whether there is one.
func (it *items) next() bool {
	if it.done {
		if it.line == 0 {
			return false
		}
		it.line--
		it.rest, it.done = it.lines[it.line], false
	}
	i := len(it.rest) - 1
	for i >= 0 && it.rest[i] != ',' {
		i--
	}
	if i < 0 {
		it.item, it.rest, it.done = it.rest, "", true
	} else {
		it.item, it.rest = it.rest[i+1:], it.rest[:i]
	}
	return true
}

// pyStrip trims what Python's str.strip() trims: Unicode white space plus the ASCII
// separators U+001C to U+001F. Bytes that are not valid UTF-8 are kept, as they are
// not white space to Python either.
func pyStrip(s string) string {
	for len(s) > 0 {
		r, n := rune(s[0]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s)
		}
		if !pySpace(r) {
			break
		}
		s = s[n:]
	}
	for len(s) > 0 {
		r, n := rune(s[len(s)-1]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeLastRuneInString(s)
		}
		if !pySpace(r) {
			break
		}
		s = s[:len(s)-n]
	}
	return s
}

func pySpace(r rune) bool {
	return (r >= 0x1c && r <= 0x1f) || unicode.IsSpace(r)
}
