// Package network holds the address rules Home Assistant's auth depends on, as pure
// functions over net/netip:
//
//   - ParseAddr and ParseIP read addresses the way Home Assistant (Python's ipaddress)
//     accepts them;
//   - IsLoopback, IsPrivate, IsLinkLocal and IsLocal apply Home Assistant's own network
//     lists (not Go's or the IANA registry's, which differ: fc00::/8 and 100.64.0.0/10
//     are not local to Home Assistant);
//   - Networks is a parsed trusted_networks or trusted_proxies list;
//   - Forwarded.Resolve derives the client address, scheme and host behind reverse
//     proxies exactly as Home Assistant's forwarded middleware does, with its 400 errors;
//   - TrustedNetworksAccess, LocalOnlyDenial and Forwarded.BanExempt are the address
//     checks of the trusted_networks provider, of local-only users and of IP bans.
//
// It must not do I/O, read configuration or import package net: it is part of the core
// and runs unchanged under WebAssembly.
//
// Two choices follow Home Assistant closely and are easy to get wrong:
//
// Comparisons are version-strict. An IPv4-mapped IPv6 address such as
// ::ffff:192.168.0.1 is never inside an IPv4 network such as 192.168.0.1/32, as with
// Python's ipaddress (and netip.Prefix.Contains). IsLocal lists the mapped private,
// loopback and link-local ranges explicitly, as Home Assistant does, so such an address
// is still local. Zones (fe80::1%eth0) are kept in the address but ignored when testing
// membership, as Python ignores scope ids.
//
// Peer addresses are unmapped, header addresses are not. Home Assistant listens on
// separate IPv4 and IPv6 sockets (asyncio sets IPV6_V6ONLY), so an IPv4 client always
// reaches it as a plain IPv4 peer. A Go host on a dual-stack socket may see the same
// client as ::ffff:a.b.c.d; ParseAddr turns that back into a.b.c.d so that a trusted
// proxy configured as an IPv4 network still matches. Addresses inside X-Forwarded-For
// are taken as written, as Home Assistant takes them.
//
// Multiple X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Host header lines are
// joined in order, as Home Assistant does since 2025.11 (core PR #154793); the older
// "Too many headers" 400 errors no longer exist.
package network
