package network

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestParseNetwork(t *testing.T) {
	valid := []struct{ in, want string }{
		{"192.168.0.1", "192.168.0.1/32"},
		{"192.168.128.0/24", "192.168.128.0/24"},
		{"192.168.128.0/31", "192.168.128.0/31"},
		{"100.64.0.1", "100.64.0.1/32"},
		{"::1", "::1/128"},
		{"fd00::/8", "fd00::/8"},
		{"fd00::1", "fd00::1/128"},
		{"FD01:DB8::1", "fd01:db8::1/128"},
		{"2001:DB8:ABCD::/48", "2001:db8:abcd::/48"},
		{"0.0.0.0/0", "0.0.0.0/0"},
		{"::/0", "::/0"},
		{"10.0.0.0/08", "10.0.0.0/8"},
		{"fd00::/0008", "fd00::/8"},
		{"10.0.0.0/255.0.0.0", "10.0.0.0/8"},
		{"10.0.0.0/0.255.255.255", "10.0.0.0/8"},
		{"0.0.0.0/0.0.0.0", "0.0.0.0/0"},
		{"1.2.3.4/255.255.255.255", "1.2.3.4/32"},
		{"192.168.0.0/255.255.254.0", "192.168.0.0/23"},
		{"::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104"},
		{"fe80::%eth0/64", "fe80::/64"},
	}
	for _, c := range valid {
		t.Run(c.in, func(t *testing.T) {
			p, err := ParseNetwork(c.in)
			if err != nil {
				t.Fatalf("ParseNetwork(%q) failed: %v", c.in, err)
			}
			if p.String() != c.want {
				t.Errorf("ParseNetwork(%q) = %s, want %s", c.in, p, c.want)
			}
		})
	}

	invalid := []struct{ in, reason string }{
		{"192.168.0.1/24", "192.168.0.1/24 has host bits set"},
		{"10.0.0.1/255.0.0.0", "10.0.0.1/8 has host bits set"},
		{"10.0.0.1/0.255.255.255", "10.0.0.1/8 has host bits set"},
		{"fd00::1/8", "fd00::1/8 has host bits set"},
		{"fe80::1%eth0/64", "fe80::1%eth0/64 has host bits set"},
		{"", reasonNotANetwork},
		{"example.com", reasonNotANetwork},
		{"10.0.0.0/", reasonNotANetwork},
		{"10.0.0.0/33", reasonNotANetwork},
		{"10.0.0.0/-8", reasonNotANetwork},
		{"10.0.0.0/+8", reasonNotANetwork},
		{"10.0.0.0/ 8", reasonNotANetwork},
		{"10.0.0.0/8 ", reasonNotANetwork},
		{" 10.0.0.0/8", reasonNotANetwork},
		{"10.0.0.0/0x8", reasonNotANetwork},
		{"10.0.0.0/8/8", reasonNotANetwork},
		{"10.0.0.0/255.0.255.0", reasonNotANetwork},
		{"10.0.0.0/255.0.0.01", reasonNotANetwork},
		{"01.0.0.0/8", reasonNotANetwork},
		{"fd00::/129", reasonNotANetwork},
		{"fd00::/ffff::", reasonNotANetwork},
		{"fd00::/255.0.0.0", reasonNotANetwork},
		{"10.0.0.0/99999999999999999999", reasonNotANetwork},
		{"/8", reasonNotANetwork},
	}
	for _, c := range invalid {
		t.Run("invalid/"+c.in, func(t *testing.T) {
			p, err := ParseNetwork(c.in)
			var ne *NetworkError
			if !errors.As(err, &ne) {
				t.Fatalf("ParseNetwork(%q) = %v, %v; want a *NetworkError", c.in, p, err)
			}
			if ne.Item != c.in || ne.Reason != c.reason {
				t.Errorf("ParseNetwork(%q) error = %+v, want reason %q", c.in, ne, c.reason)
			}
		})
	}
}

func TestParseNetworksNamesTheBadItem(t *testing.T) {
	n, err := ParseNetworks([]string{"192.168.128.0/31", "fd00::1", "192.168.0.1/24"})
	var ne *NetworkError
	if !errors.As(err, &ne) || n != nil {
		t.Fatalf("ParseNetworks = %v, %v; want nil and a *NetworkError", n, err)
	}
	if ne.Index != 2 || ne.Item != "192.168.0.1/24" {
		t.Errorf("error names item %d %q, want 2 %q", ne.Index, ne.Item, "192.168.0.1/24")
	}
	if want := `network 2 "192.168.0.1/24": 192.168.0.1/24 has host bits set`; err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}

func TestParseNetworksKeepsOrder(t *testing.T) {
	n := mustNetworks(t, "192.168.0.1", "192.168.128.0/24", "::1", "fd00::/8")
	want := []string{"192.168.0.1/32", "192.168.128.0/24", "::1/128", "fd00::/8"}
	if len(n) != len(want) {
		t.Fatalf("got %d networks, want %d", len(n), len(want))
	}
	for i := range want {
		if n[i].String() != want[i] {
			t.Errorf("network %d = %s, want %s", i, n[i], want[i])
		}
	}
	if empty, err := ParseNetworks(nil); err != nil || len(empty) != 0 {
		t.Errorf("ParseNetworks(nil) = %v, %v", empty, err)
	}
}

func TestNetworksContains(t *testing.T) {
	n := mustNetworks(t, "192.168.0.1", "192.168.128.0/24", "::1", "fd00::/8", "fe80::/10")
	cases := []struct {
		addr string
		want bool
	}{
		{"192.168.0.1", true},
		{"192.168.0.2", false},
		{"192.168.128.0", true},
		{"192.168.128.255", true},
		{"192.168.129.0", false},
		{"192.168.127.255", false},
		{"::1", true},
		{"fd00::1", true},
		{"fe80::1%eth0", true}, // scope ids do not count, as in Python
		{"127.0.0.1", false},
		// Version-strict: mapped forms are not in IPv4 networks (LF-03).
		{"::ffff:192.168.0.1", false},
		{"::ffff:192.168.128.5", false},
	}
	for _, c := range cases {
		t.Run(c.addr, func(t *testing.T) {
			if got := n.Contains(mustIP(t, c.addr)); got != c.want {
				t.Errorf("Contains(%s) = %v, want %v", c.addr, got, c.want)
			}
		})
	}
	if n.Contains(netip.Addr{}) {
		t.Error("Contains(invalid Addr) = true")
	}
	if Networks(nil).Contains(mustIP(t, "127.0.0.1")) {
		t.Error("empty Networks contains an address")
	}
	mapped := mustNetworks(t, "::ffff:192.168.0.0/112")
	if mapped.Contains(mustIP(t, "192.168.0.1")) || !mapped.Contains(mustIP(t, "::ffff:192.168.0.1")) {
		t.Error("a mapped network must hold mapped addresses only")
	}
}

func FuzzParseNetworks(f *testing.F) {
	for _, s := range []string{
		"192.168.0.1\nfd00::/8", "192.168.128.0/31\nfd00::1", "192.168.0.1/24", "10.0.0.0/255.0.0.0",
		"10.0.0.0/0.255.255.255", "10.0.0.0/08", "fe80::%eth0/64", "fd00::/129", "10.0.0.0/8/8",
		"::ffff:10.0.0.0/104", "", "\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		items := strings.Split(s, "\n")
		n, err := ParseNetworks(items)
		if err != nil {
			var ne *NetworkError
			if !errors.As(err, &ne) || ne.Index < 0 || ne.Index >= len(items) || ne.Item != items[ne.Index] || ne.Reason == "" {
				t.Fatalf("ParseNetworks(%q): error %v does not name a bad item", items, err)
			}
			if _, err := ParseNetwork(items[ne.Index]); err == nil {
				t.Fatalf("item %q failed in the list but parses alone", items[ne.Index])
			}
			for _, ok := range items[:ne.Index] {
				if _, err := ParseNetwork(ok); err != nil {
					t.Fatalf("item %q before the reported one is bad too", ok)
				}
			}
			return
		}
		if len(n) != len(items) {
			t.Fatalf("%d items gave %d networks", len(items), len(n))
		}
		for i, p := range n {
			if !p.IsValid() || p.Masked() != p || p.Addr().Zone() != "" {
				t.Fatalf("item %q gave %v: not a clean network", items[i], p)
			}
			if !n.Contains(p.Addr()) {
				t.Fatalf("networks do not contain their own address %v", p.Addr())
			}
			// The network prints as text that parses back to itself.
			if back, err := ParseNetwork(p.String()); err != nil || back != p {
				t.Fatalf("%v reparses as %v, %v", p, back, err)
			}
		}
	})
}
