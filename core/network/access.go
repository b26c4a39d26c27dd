package network

import "net/netip"

// TrustedNetworksAccess is the trusted_networks provider's access check: it returns
// the reason to refuse a login from a, or "" to allow it. The checks run in Home
// Assistant's order: the provider has networks, a is in one of them, a is not one of
// http's trusted proxies (a proxy would lend its trust to every client behind it), and
// the request did not come through Home Assistant Cloud.
func TrustedNetworksAccess(a netip.Addr, trusted, proxies Networks, cloud bool) string {
	switch {
	case len(trusted) == 0:
		return ReasonTrustedNetworksNotConfigured
	case !trusted.Contains(a):
		return ReasonNotInTrustedNetworks
	case proxies.Contains(a):
		return ReasonProxyServer
	case cloud:
		return ReasonCloud
	}
	return ""
}

// LocalOnlyDenial returns the reason a local-only user may not log in or use a token
// from remote (the request's address after Resolve; invalid if it is not an IP), or ""
// if they may. A cloud connection is refused even from a local address. The checks
// that come first in Home Assistant (the user is active, a request exists) belong to
// the caller.
func LocalOnlyDenial(remote netip.Addr, cloud bool) string {
	switch {
	case cloud:
		return ReasonUserLocalOnly
	case !remote.IsValid():
		return ReasonInvalidRemoteIP
	case IsLocal(remote):
		return ""
	}
	return ReasonNotLocal
}

// BanExempt reports whether failed logins from a must never lead to an IP ban because
// a is a configured trusted proxy: a banned proxy would lock out every client behind
// it. Home Assistant itself exempts only the Supervisor's address; this rule is
// hassauth's. a is the address after Resolve, which is a proxy's only when the request
// came straight from it or every hop in its chain was trusted.
func (f Forwarded) BanExempt(a netip.Addr) bool {
	return f.TrustedProxies.Contains(a)
}
