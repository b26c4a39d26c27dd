package core

import (
	"net/netip"

	"github.com/hassauth/hassauth/core/orjson"
)

// MaxJSONValues is the most values a JSON document from the network may
// hold: an HTTP body (login flows, link_user, onboarding) or a websocket
// message. Every array element, object member value and the top value
// count one. Home Assistant parses without such a limit; here a parsed
// value takes some 72 bytes, so a 16 MiB body of "[0,0,...]" would
// otherwise cost over half a GiB. The largest message a client of the auth
// API sends has a few dozen values. Beyond the limit an HTTP body is
// answered as JSON that does not parse (400 "Invalid JSON.") and a
// websocket message closes its connection with 1009 (message too big).
const MaxJSONValues = 10_000

// wsCloseTooBig is the websocket close code of a message that is too big
// (RFC 6455).
const wsCloseTooBig = 1009

// parseNetworkJSON parses a JSON document that came from the network.
func parseNetworkJSON(b []byte) (orjson.Value, error) {
	return orjson.ParseLimited(b, MaxJSONValues)
}

// maxAuthPhaseConns is how many websocket connections one client address
// (an IPv6 client's /64) may have in the auth phase at once. Home
// Assistant has no such limit: a connection waits up to ten seconds for its
// auth message, so one client could hold any number of them open, each
// costing the host a socket and its buffers, without ever having a token.
// A client opens one connection at a time and authenticates it at once;
// beyond the limit a new connection is closed with 1013 (try again later)
// before auth_required.
const maxAuthPhaseConns = 32

// wsCloseTryAgain is the close code of a connection refused for now.
const wsCloseTryAgain = 1013

// authPhaseFull reports whether the client at ip has maxAuthPhaseConns
// connections in the auth phase.
func (c *Core) authPhaseFull(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	n := 0
	for _, conn := range c.conns {
		if !conn.Authed && sameClient(conn.IP, ip) {
			n++
		}
	}
	return n >= maxAuthPhaseConns
}

// sameClient reports whether two addresses belong to one client for the
// limits: the same address, or for IPv6 the same /64.
func sameClient(a, b netip.Addr) bool {
	if a == b {
		return a.IsValid()
	}
	if !a.Is6() || !b.Is6() || a.Is4In6() || b.Is4In6() {
		return false
	}
	x, y := a.As16(), b.As16()
	return [8]byte(x[:8]) == [8]byte(y[:8])
}
