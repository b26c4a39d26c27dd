package network

import (
	"net/netip"
	"testing"
)

type class int

const (
	none class = iota
	loopback
	private
	linkLocal
)

// Each range is probed on both edges and just outside them, in IPv4, IPv6 and
// IPv4-mapped form.
var classCases = []struct {
	addr string
	want class
}{
	// Loopback.
	{"126.255.255.255", none},
	{"127.0.0.0", loopback},
	{"127.0.0.1", loopback},
	{"127.0.0.2", loopback},
	{"127.255.255.255", loopback},
	{"128.0.0.0", none},
	{"::", none},
	{"::1", loopback},
	{"0:0:0:0:0:0:0:1", loopback},
	{"::2", none},
	{"::ffff:126.255.255.255", none},
	{"::ffff:127.0.0.0", loopback},
	{"0:0:0:0:0:ffff:7f00:1", loopback},
	{"::ffff:127.255.255.255", loopback},
	{"::ffff:128.0.0.0", none},
	{"::127.0.0.1", none}, // IPv4-compatible, not mapped

	// Private.
	{"9.255.255.255", none},
	{"10.0.0.0", private},
	{"10.5.43.3", private},
	{"10.255.255.255", private},
	{"11.0.0.0", none},
	{"172.15.255.255", none},
	{"172.16.0.0", private},
	{"172.16.12.0", private},
	{"172.31.255.255", private},
	{"172.32.0.0", none},
	{"192.167.255.255", none},
	{"192.168.0.0", private},
	{"192.168.0.1", private},
	{"192.168.255.255", private},
	{"192.169.0.0", none},
	{"fcff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", none}, // fc00::/8 is not HA-private
	{"fd00::", private},
	{"fd12:3456:789a:1::1", private},
	{"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", private},
	{"fe00::", none},
	{"::ffff:9.255.255.255", none},
	{"::ffff:10.0.0.0", private},
	{"::ffff:10.255.255.255", private},
	{"::ffff:11.0.0.0", none},
	{"::ffff:172.15.255.255", none},
	{"::ffff:172.16.0.0", private},
	{"::ffff:172.31.255.255", private},
	{"::ffff:172.32.0.0", none},
	{"::ffff:192.167.255.255", none},
	{"::ffff:192.168.0.0", private},
	{"::ffff:192.168.0.10", private}, // LF-03
	{"::ffff:192.168.255.255", private},
	{"::ffff:192.169.0.0", none},

	// Link-local.
	{"169.253.255.255", none},
	{"169.254.0.0", linkLocal},
	{"169.254.12.3", linkLocal},
	{"169.254.255.255", linkLocal},
	{"169.255.0.0", none},
	{"fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", none},
	{"fe80::", linkLocal},
	{"fe80::1%eth0", linkLocal},
	{"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", linkLocal},
	{"fec0::", none},
	{"::ffff:169.253.255.255", none},
	{"::ffff:169.254.0.0", linkLocal},
	{"::ffff:169.254.255.255", linkLocal},
	{"::ffff:169.255.0.0", none},

	// Neither, though other lists call some of these private or special.
	{"0.0.0.0", none},
	{"8.8.8.8", none},
	{"100.64.0.1", none},
	{"104.26.5.238", none},
	{"192.0.2.100", none},
	{"198.51.100.1", none},
	{"208.5.4.2", none},
	{"255.255.255.255", none},
	{"2001:db8::1", none},
	{"2600:1404:400:1a4::356e", none},
	{"fc00::1", none},
	{"64:ff9b::a00:1", none},
	{"ff02::1", none},
}

func TestAddressClasses(t *testing.T) {
	for _, c := range classCases {
		t.Run(c.addr, func(t *testing.T) {
			a := mustIP(t, c.addr)
			got := map[string][2]bool{
				"IsLoopback":  {IsLoopback(a), c.want == loopback},
				"IsPrivate":   {IsPrivate(a), c.want == private},
				"IsLinkLocal": {IsLinkLocal(a), c.want == linkLocal},
				"IsLocal":     {IsLocal(a), c.want != none},
			}
			for _, name := range []string{"IsLoopback", "IsPrivate", "IsLinkLocal", "IsLocal"} {
				if g := got[name]; g[0] != g[1] {
					t.Errorf("%s(%s) = %v, want %v", name, c.addr, g[0], g[1])
				}
			}
		})
	}
}

func TestAddressClassesInvalidAddr(t *testing.T) {
	var a netip.Addr
	if IsLoopback(a) || IsPrivate(a) || IsLinkLocal(a) || IsLocal(a) {
		t.Error("the invalid Addr must be in no class")
	}
}
