package network

import (
	"net/netip"
	"testing"
)

// The trusted_networks provider's networks in Home Assistant's tests.
var baseTrusted = []string{"192.168.0.1", "192.168.128.0/24", "::1", "fd00::/8"}

func TestTrustedNetworksAccess(t *testing.T) {
	trusted := mustNetworks(t, baseTrusted...)
	proxies := mustNetworks(t, "192.168.128.0/31", "fd00::1")
	cases := []struct {
		name    string
		addr    string
		proxies Networks
		cloud   bool
		want    string
	}{
		// TN-04: proxies are not trusted.
		{"TN-04/192.168.128.2", "192.168.128.2", proxies, false, ""},
		{"TN-04/fd00::2", "fd00::2", proxies, false, ""},
		{"TN-04/192.168.128.0", "192.168.128.0", proxies, false, ReasonProxyServer},
		{"TN-04/192.168.128.1", "192.168.128.1", proxies, false, ReasonProxyServer},
		{"TN-04/fd00::1", "fd00::1", proxies, false, ReasonProxyServer},
		// TN-05: cloud requests are denied even from a trusted network.
		{"TN-05/before cloud", "192.168.128.2", nil, false, ""},
		{"TN-05/cloud", "192.168.128.2", nil, true, ReasonCloud},
		// TN-07 and TN-08: addresses in and out of the networks.
		{"TN-07/127.0.0.1", "127.0.0.1", nil, false, ReasonNotInTrustedNetworks},
		{"TN-07/192.168.0.1", "192.168.0.1", nil, false, ""},
		{"TN-08/192.168.128.1", "192.168.128.1", nil, false, ""},
		{"TN-08/::1", "::1", nil, false, ""},
		{"TN-08/fd00::1", "fd00::1", nil, false, ""},
		// Home Assistant's order: membership first, then proxies, then cloud.
		{"order/outside and proxy", "10.0.0.1", mustNetworks(t, "10.0.0.0/8"), true, ReasonNotInTrustedNetworks},
		{"order/proxy and cloud", "192.168.128.0", proxies, true, ReasonProxyServer},
		{"version-strict", "::ffff:192.168.0.1", nil, false, ReasonNotInTrustedNetworks},
		{"zone ignored", "fd00::2%eth0", nil, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := TrustedNetworksAccess(mustIP(t, c.addr), trusted, c.proxies, c.cloud); got != c.want {
				t.Errorf("TrustedNetworksAccess(%s) = %q, want %q", c.addr, got, c.want)
			}
		})
	}
	if got := TrustedNetworksAccess(mustIP(t, "192.168.0.1"), nil, nil, false); got != ReasonTrustedNetworksNotConfigured {
		t.Errorf("no networks: %q", got)
	}
	if got := TrustedNetworksAccess(netip.Addr{}, trusted, nil, false); got != ReasonNotInTrustedNetworks {
		t.Errorf("invalid address: %q", got)
	}
}

// TN-04 end to end: the address the forwarded rules give is the one checked.
func TestTrustedNetworksBehindProxy(t *testing.T) {
	trusted := mustNetworks(t, baseTrusted...)
	fwd := Forwarded{UseXForwardedFor: true, TrustedProxies: mustNetworks(t, "192.168.128.0/31", "fd00::1")}
	cases := []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"client behind proxy", "192.168.128.1:1", []string{"192.168.128.2"}, ""},
		{"IPv6 client behind proxy", "[fd00::1]:1", []string{"fd00::2"}, ""},
		{"all-trusted chain ends on a proxy", "192.168.128.1:1", []string{"192.168.128.0"}, ReasonProxyServer},
		{"proxy itself", "192.168.128.1:1", nil, ReasonProxyServer},
		{"spoofed trusted address", "192.168.128.1:1", []string{"192.168.0.1, 203.0.113.4"}, ReasonNotInTrustedNetworks},
	}
	for _, c := range cases {
		t.Run("TN-04/"+c.name, func(t *testing.T) {
			peer, err := ParseAddr(c.peer)
			if err != nil {
				t.Fatal(err)
			}
			client, ferr := fwd.Resolve(peer, Headers{For: c.xff})
			if ferr != nil {
				t.Fatal(ferr)
			}
			if got := TrustedNetworksAccess(client.Addr, trusted, fwd.TrustedProxies, false); got != c.want {
				t.Errorf("access for %v = %q, want %q", client.Addr, got, c.want)
			}
		})
	}
}

// LF-03: the provider is listed only for addresses that pass its access check, and
// preselect_remember_me follows IsLocal.
func TestProviderVisibility(t *testing.T) {
	trusted := mustNetworks(t, "192.168.0.1")
	cases := []struct {
		addr    string
		visible bool
		local   bool
	}{
		{"192.168.0.1", true, true},
		{"::ffff:192.168.0.10", false, true},
		{"::ffff:192.168.0.1", false, true},
		{"1.2.3.4", false, false},
		{"2001:db8::1", false, false},
	}
	for _, c := range cases {
		t.Run("LF-03/"+c.addr, func(t *testing.T) {
			a := mustIP(t, c.addr)
			if got := TrustedNetworksAccess(a, trusted, nil, false) == ""; got != c.visible {
				t.Errorf("visible = %v, want %v", got, c.visible)
			}
			if got := IsLocal(a); got != c.local {
				t.Errorf("IsLocal = %v, want %v", got, c.local)
			}
		})
	}
}

// HTTP-09 and the address sets of Home Assistant's http auth tests.
func TestLocalOnlyDenial(t *testing.T) {
	cases := []struct {
		name  string
		addr  string // "" for a remote that is not an IP address
		cloud bool
		want  string
	}{
		{"HTTP-09/local", "192.168.1.123", false, ""},
		{"HTTP-09/remote", "198.51.100.1", false, ReasonNotLocal},
		{"HTTP-09/cloud from local", "192.168.1.123", true, ReasonUserLocalOnly},
		{"HTTP-09/cloud from remote", "198.51.100.1", true, ReasonUserLocalOnly},
		{"HTTP-09/invalid remote", "", false, ReasonInvalidRemoteIP},
		{"HTTP-09/cloud before invalid remote", "", true, ReasonUserLocalOnly},
		{"loopback", "::1", false, ""},
		{"link-local", "fe80::1%eth0", false, ""},
		{"mapped private", "::ffff:10.0.0.1", false, ""},
		{"global IPv6", "2001:db8:fa1::1", false, ReasonNotLocal},
		{"CGNAT", "100.64.0.1", false, ReasonNotLocal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var a netip.Addr
			if c.addr != "" {
				a = mustIP(t, c.addr)
			}
			if got := LocalOnlyDenial(a, c.cloud); got != c.want {
				t.Errorf("LocalOnlyDenial(%v, %v) = %q, want %q", a, c.cloud, got, c.want)
			}
		})
	}
}

func TestHTTPAuthAddressSets(t *testing.T) {
	trusted := mustNetworks(t, "192.0.2.0/24", "2001:DB8:ABCD::/48", "100.64.0.1", "FD01:DB8::1")
	sets := []struct {
		name      string
		addrs     []string
		inTrusted bool
		local     bool
	}{
		{"external", []string{"198.51.100.1", "2001:DB8:FA1::1"}, false, false},
		{"localhost", []string{"127.0.0.1", "::1"}, false, true},
		{"private", []string{"192.168.10.10", "172.16.4.20", "10.100.50.5"}, false, true},
		{"trusted non-local", []string{"100.64.0.1", "192.0.2.100", "2001:DB8:ABCD::1"}, true, false},
		{"trusted local", []string{"FD01:DB8::1"}, true, true},
	}
	for _, s := range sets {
		for _, addr := range s.addrs {
			t.Run("HTTP-09/"+s.name+"/"+addr, func(t *testing.T) {
				a := mustIP(t, addr)
				if got := trusted.Contains(a); got != s.inTrusted {
					t.Errorf("in trusted networks = %v, want %v", got, s.inTrusted)
				}
				if got := IsLocal(a); got != s.local {
					t.Errorf("IsLocal = %v, want %v", got, s.local)
				}
			})
		}
	}
}

func TestBanExempt(t *testing.T) {
	fwd := Forwarded{UseXForwardedFor: true, TrustedProxies: mustNetworks(t, "172.30.32.0/23", "fd00::1")}
	cases := []struct {
		addr string
		want bool
	}{
		{"172.30.32.1", true},
		{"172.30.33.255", true},
		{"fd00::1", true},
		{"172.30.34.0", false},
		{"fd00::2", false},
		{"203.0.113.5", false},
		{"::ffff:172.30.32.1", false},
	}
	for _, c := range cases {
		t.Run(c.addr, func(t *testing.T) {
			if got := fwd.BanExempt(mustIP(t, c.addr)); got != c.want {
				t.Errorf("BanExempt(%s) = %v, want %v", c.addr, got, c.want)
			}
		})
	}
	if (Forwarded{}).BanExempt(mustIP(t, "127.0.0.1")) {
		t.Error("nothing is exempt without proxies")
	}
}
