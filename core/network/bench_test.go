package network

import (
	"net/netip"
	"testing"
)

// A typical request behind two proxies: a CDN hop and the local reverse proxy.
func BenchmarkResolve(b *testing.B) {
	fwd := Forwarded{UseXForwardedFor: true, TrustedProxies: mustNetworks(b, "172.30.32.0/23", "10.0.0.0/8", "fd00::/8")}
	peer := mustIP(b, "172.30.33.6")
	h := Headers{
		For:   []string{"203.0.113.195, 10.0.0.7"},
		Proto: []string{"https, http"},
		Host:  []string{"ha.example.org"},
	}
	b.ReportAllocs()
	for b.Loop() {
		c, err := fwd.Resolve(peer, h)
		if err != nil || c.Scheme != "https" {
			b.Fatal(c, err)
		}
	}
}

func BenchmarkResolveIPv6(b *testing.B) {
	fwd := Forwarded{UseXForwardedFor: true, TrustedProxies: mustNetworks(b, "fd00::/8")}
	peer := mustIP(b, "fd00::1")
	h := Headers{For: []string{"2001:db8:abcd:12::34, fd00::2"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fwd.Resolve(peer, h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkIsLocal(b *testing.B) {
	var addrs []netip.Addr
	for _, s := range []string{"192.168.1.10", "203.0.113.5", "::1", "2001:db8::1", "::ffff:10.0.0.1"} {
		addrs = append(addrs, mustIP(b, s))
	}
	b.ReportAllocs()
	for b.Loop() {
		local := 0
		for _, a := range addrs {
			if IsLocal(a) {
				local++
			}
		}
		if local != 3 {
			b.Fatal(local)
		}
	}
}
