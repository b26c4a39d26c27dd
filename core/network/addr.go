package network

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// ParseIP parses s as one IP address, accepting exactly what Python's
// ipaddress.ip_address accepts from a string: dotted-quad IPv4 without leading zeros,
// IPv6 in any RFC 4291 text form (with an embedded IPv4 tail), and an IPv6 scope id
// after '%'. No brackets, port, prefix or surrounding space. An IPv4-mapped IPv6
// address stays in its IPv6 form, as Home Assistant keeps it.
func ParseIP(s string) (netip.Addr, error) {
	// netip accepts a few things Python refuses: a '/' or a second '%' inside a zone.
	if strings.IndexByte(s, '/') >= 0 {
		return netip.Addr{}, parseError("IP address", s)
	}
	if i := strings.IndexByte(s, '%'); i >= 0 && strings.IndexByte(s[i+1:], '%') >= 0 {
		return netip.Addr{}, parseError("IP address", s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, parseError("IP address", s)
	}
	return a, nil
}

// ParseAddr parses the address of a connected peer as a host reports it: "ip",
// "ip:port", "[ipv6]" or "[ipv6]:port" (Go's http.Request.RemoteAddr form). An
// IPv4-mapped IPv6 peer is returned as plain IPv4: Home Assistant's own sockets never
// see such peers (see the package documentation), so neither should its rules.
func ParseAddr(remote string) (netip.Addr, error) {
	host := remote
	wantV6, wantV4 := false, false
	if strings.HasPrefix(remote, "[") {
		end := strings.IndexByte(remote, ']')
		if end < 0 {
			return netip.Addr{}, parseError("remote address", remote)
		}
		host = remote[1:end]
		if rest := remote[end+1:]; rest != "" && (rest[0] != ':' || !validPort(rest[1:])) {
			return netip.Addr{}, parseError("remote address", remote)
		}
		wantV6 = true
	} else if i := strings.IndexByte(remote, ':'); i >= 0 && strings.IndexByte(remote[i+1:], ':') < 0 {
		// Exactly one colon: IPv4 with a port (IPv6 text always has at least two).
		if !validPort(remote[i+1:]) {
			return netip.Addr{}, parseError("remote address", remote)
		}
		host = remote[:i]
		wantV4 = true
	}
	a, err := ParseIP(host)
	if err != nil || (wantV6 && !a.Is6()) || (wantV4 && !a.Is4()) {
		return netip.Addr{}, parseError("remote address", remote)
	}
	return a.Unmap(), nil
}

// validPort reports whether s is a decimal TCP port: 1 to 5 digits, at most 65535.
func validPort(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n <= 65535
}

func parseError(what, s string) error {
	return errors.New("invalid " + what + " " + strconv.Quote(s))
}
