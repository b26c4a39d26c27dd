package network

import (
	"net/netip"
	"strconv"
	"strings"
)

// Networks is a list of IP networks from Home Assistant's configuration, such as
// http's trusted_proxies or the trusted_networks provider's trusted_networks.
type Networks []netip.Prefix

// Contains reports whether a lies in any of the networks. Membership is
// version-strict (an IPv4-mapped address is in no IPv4 network) and ignores a's zone,
// as Python's ipaddress does. The invalid Addr is in no network.
func (n Networks) Contains(a netip.Addr) bool {
	if a.Zone() != "" {
		a = a.WithZone("")
	}
	for _, p := range n {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// NetworkError says which configured network could not be parsed and why.
type NetworkError struct {
	Index  int    // position of the item in the list given to ParseNetworks
	Item   string // the item as written
	Reason string // what is wrong with it, in Python's ipaddress wording
}

// Error names the item and the reason.
func (e *NetworkError) Error() string {
	return "network " + strconv.Itoa(e.Index) + " " + strconv.Quote(e.Item) + ": " + e.Reason
}

// ParseNetworks parses each item with ParseNetwork, keeping their order. The first bad
// item stops parsing with a *NetworkError naming it.
func ParseNetworks(items []string) (Networks, error) {
	n := make(Networks, 0, len(items))
	for i, s := range items {
		p, reason := parseNetwork(s)
		if reason != "" {
			return nil, &NetworkError{Index: i, Item: s, Reason: reason}
		}
		n = append(n, p)
	}
	return n, nil
}

// ParseNetwork parses one network the way Python's ipaddress.ip_network does in its
// default strict mode, which is how Home Assistant validates these options: an address
// alone is a single-address network (/32 or /128); a prefix length is 0-32 or 0-128
// written in decimal; IPv4 also takes a dotted netmask (/255.255.0.0) or hostmask
// (/0.0.255.255); host bits must be zero. An IPv6 scope id is accepted and dropped.
// The error is a *NetworkError with Index 0.
func ParseNetwork(s string) (netip.Prefix, error) {
	p, reason := parseNetwork(s)
	if reason != "" {
		return netip.Prefix{}, &NetworkError{Item: s, Reason: reason}
	}
	return p, nil
}

func parseNetwork(s string) (netip.Prefix, string) {
	addrText, maskText, hasMask := strings.Cut(s, "/")
	if hasMask && strings.IndexByte(maskText, '/') >= 0 {
		return netip.Prefix{}, reasonNotANetwork
	}
	a, err := ParseIP(addrText)
	if err != nil {
		return netip.Prefix{}, reasonNotANetwork
	}
	bits := a.BitLen()
	if hasMask {
		var ok bool
		if bits, ok = prefixLength(maskText, a.BitLen()); !ok && a.Is4() {
			bits, ok = prefixFromMask(maskText)
		}
		if !ok {
			return netip.Prefix{}, reasonNotANetwork
		}
	}
	p := netip.PrefixFrom(a.WithZone(""), bits)
	if p.Masked() != p {
		// Python prints the network as address (with its scope id) and prefix length.
		return netip.Prefix{}, a.String() + "/" + strconv.Itoa(bits) + " has host bits set"
	}
	return p, ""
}

// reasonNotANetwork is Python's wording, less the quoted item that NetworkError adds.
const reasonNotANetwork = "does not appear to be an IPv4 or IPv6 network"

// prefixLength reads a decimal prefix length: ASCII digits only (leading zeros
// allowed, no sign or space), at most max.
func prefixLength(s string, max int) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > max {
			return 0, false
		}
	}
	return n, true
}

// prefixFromMask reads an IPv4 netmask (ones then zeros) or, failing that, a hostmask
// (zeros then ones). All zeros and all ones are netmasks (/0 and /32).
func prefixFromMask(s string) (int, bool) {
	m, err := ParseIP(s)
	if err != nil || !m.Is4() {
		return 0, false
	}
	b := m.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if n, ok := onesThenZeros(v); ok {
		return n, true
	}
	return onesThenZeros(^v)
}

// onesThenZeros returns the number of leading ones of v if v is a run of ones
// followed only by zeros.
func onesThenZeros(v uint32) (int, bool) {
	ones := 0
	for ones < 32 && v&(1<<(31-ones)) != 0 {
		ones++
	}
	if ones < 32 && v<<ones != 0 {
		return 0, false
	}
	return ones, true
}
