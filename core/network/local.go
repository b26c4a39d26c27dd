package network

import "net/netip"

// Home Assistant's ranges (homeassistant/util/network.py), RFC 6890 based. Each IPv4
// range is listed again in its IPv4-mapped IPv6 form because membership is
// version-strict. These are deliberately not netip's IsPrivate/IsLoopback/IsLinkLocal:
// Home Assistant counts only fd00::/8 (not fc00::/7) as private and ignores
// 100.64.0.0/10.
var (
	loopbackNetworks = mustPrefixes(
		"127.0.0.0/8",
		"::1/128",
		"::ffff:127.0.0.0/104",
	)
	privateNetworks = mustPrefixes(
		"10.0.0.0/8",
		"172.16.0.0/12",
		"192.168.0.0/16",
		"fd00::/8",
		"::ffff:10.0.0.0/104",
		"::ffff:172.16.0.0/108",
		"::ffff:192.168.0.0/112",
	)
	linkLocalNetworks = mustPrefixes(
		"169.254.0.0/16",
		"fe80::/10",
		"::ffff:169.254.0.0/112",
	)
)

// IsLoopback reports whether a is a loopback address to Home Assistant: 127.0.0.0/8,
// ::1 or ::ffff:127.0.0.0/104.
func IsLoopback(a netip.Addr) bool { return loopbackNetworks.Contains(a) }

// IsPrivate reports whether a is in Home Assistant's private ranges: 10.0.0.0/8,
// 172.16.0.0/12, 192.168.0.0/16, fd00::/8 and the IPv4-mapped forms of the IPv4 ones.
func IsPrivate(a netip.Addr) bool { return privateNetworks.Contains(a) }

// IsLinkLocal reports whether a is link-local to Home Assistant: 169.254.0.0/16,
// fe80::/10 or ::ffff:169.254.0.0/112.
func IsLinkLocal(a netip.Addr) bool { return linkLocalNetworks.Contains(a) }

// IsLocal is Home Assistant's is_local: loopback, private or link-local. It decides
// preselect_remember_me on /auth/providers and whether a local-only user may log in.
// The invalid Addr is not local.
func IsLocal(a netip.Addr) bool { return IsLoopback(a) || IsPrivate(a) || IsLinkLocal(a) }

func mustPrefixes(items ...string) Networks {
	n, err := ParseNetworks(items)
	if err != nil {
		panic(err)
	}
	return n
}
