package network

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParseIP(t *testing.T) {
	valid := []struct {
		in, want string
		mapped   bool
	}{
		{"192.168.0.1", "192.168.0.1", false},
		{"0.0.0.0", "0.0.0.0", false},
		{"255.255.255.255", "255.255.255.255", false},
		{"::1", "::1", false},
		{"0:0:0:0:0:0:0:1", "::1", false},
		{"FD01:DB8::1", "fd01:db8::1", false},
		{"2001:DB8:ABCD::1", "2001:db8:abcd::1", false},
		{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", false},
		{"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", false},
		{"0001:0002::", "1:2::", false},
		// LF-03's address keeps its IPv6 form: HA compares it version-strictly.
		{"::ffff:192.168.0.10", "::ffff:192.168.0.10", true},
		{"0:0:0:0:0:ffff:7f00:1", "::ffff:127.0.0.1", true},
		{"::127.0.0.1", "::7f00:1", false},
		{"fe80::1%eth0", "fe80::1%eth0", false},
		{"::ffff:1.2.3.4%x", "::ffff:1.2.3.4%x", true},
		{"fe80::1%eth 0", "fe80::1%eth 0", false},
	}
	for _, c := range valid {
		t.Run(c.in, func(t *testing.T) {
			a, err := ParseIP(c.in)
			if err != nil {
				t.Fatalf("ParseIP(%q) failed: %v", c.in, err)
			}
			if a.String() != c.want || a.Is4In6() != c.mapped {
				t.Errorf("ParseIP(%q) = %s (mapped %v), want %s (mapped %v)", c.in, a, a.Is4In6(), c.want, c.mapped)
			}
		})
	}

	// What Python's ip_address refuses, including what netip alone would take.
	invalid := []string{
		"", " ", "1.2.3.4 ", " 1.2.3.4", "\t::1",
		"01.2.3.4", "1.2.3.04", "192.168.0.999", "1.2.3", "1.2.3.4.5", "1..2.3",
		"192.168.0.0/24", "::1/128", "example.com", "This value is invalid", "batman",
		"1.2.3.4:80", "[::1]", "[::1]:80",
		"1.2.3.4%eth0", "fe80::1%", "%eth0", "fe80::1%a%b", "fe80::1%a/b",
		"1::2::3", "12345::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7", ":1:2:3:4:5:6:7",
		"1:2:3:4:5:6:7:", "::ffff:01.2.3.4", "::ffff:1.2.3", "1.2.3.4::",
		"１.2.3.4", "::g",
	}
	for _, in := range invalid {
		t.Run("invalid/"+in, func(t *testing.T) {
			if a, err := ParseIP(in); err == nil {
				t.Errorf("ParseIP(%q) = %s, want an error", in, a)
			}
		})
	}
}

func TestParseAddr(t *testing.T) {
	valid := []struct{ in, want string }{
		{"127.0.0.1:8123", "127.0.0.1"},
		{"192.168.1.2", "192.168.1.2"},
		{"10.0.0.1:0", "10.0.0.1"},
		{"10.0.0.1:65535", "10.0.0.1"},
		{"[::1]:8123", "::1"},
		{"[::1]", "::1"},
		{"::1", "::1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"[fe80::1%eth0]:80", "fe80::1%eth0"},
		// A dual-stack socket reports IPv4 clients as mapped; HA's sockets never do.
		{"[::ffff:192.168.0.10]:5000", "192.168.0.10"},
		{"::ffff:10.0.0.1", "10.0.0.1"},
		{"[::ffff:127.0.0.1%lo]:1", "127.0.0.1"},
	}
	for _, c := range valid {
		t.Run(c.in, func(t *testing.T) {
			a, err := ParseAddr(c.in)
			if err != nil {
				t.Fatalf("ParseAddr(%q) failed: %v", c.in, err)
			}
			if a.String() != c.want {
				t.Errorf("ParseAddr(%q) = %s, want %s", c.in, a, c.want)
			}
		})
	}

	invalid := []string{
		"", "@", "/run/hassauth.sock", "localhost:8123", "localhost",
		"1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:123456", "1.2.3.4:-1", "1.2.3.4:http", "1.2.3.4: 80",
		"[1.2.3.4]:80", "[::1", "[::1]:", "[::1]80", "[::1]:80x", "::1]:80", "[[::1]]:80",
		"[::1]:65536", "01.2.3.4:80", "[fe80::1%]:80",
		// The bracketed host ends at the first ']', so a zone cannot contain one.
		"[::%]]:80", "[fe80::1%x]:80]",
	}
	for _, in := range invalid {
		t.Run("invalid/"+in, func(t *testing.T) {
			if a, err := ParseAddr(in); err == nil {
				t.Errorf("ParseAddr(%q) = %s, want an error", in, a)
			}
		})
	}
}

func TestParseAddrErrorQuotesInput(t *testing.T) {
	_, err := ParseAddr("bad\nvalue")
	if err == nil || err.Error() != `invalid remote address "bad\nvalue"` {
		t.Fatalf("error = %v", err)
	}
}

func TestParseAddrNeverMapped(t *testing.T) {
	for _, in := range []string{"::ffff:0.0.0.0", "[::ffff:255.255.255.255]:1"} {
		a, err := ParseAddr(in)
		if err != nil || a.Is4In6() || !a.Is4() {
			t.Errorf("ParseAddr(%q) = %v, %v; want plain IPv4", in, a, err)
		}
	}
	if a, _ := ParseAddr("::1"); a != netip.IPv6Loopback() {
		t.Errorf("ParseAddr(::1) = %v", a)
	}
}

func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{
		"127.0.0.1:8123", "[::1]:8123", "[fe80::1%eth0]:80", "[::ffff:192.168.0.10]:5000",
		"::ffff:192.168.0.10", "192.168.0.1", "FD01:DB8::1", "1.2.3.4:65536", "[1.2.3.4]:80",
		"01.2.3.4", "fe80::1%a%b", "fe80::1%a/b", "/run/hassauth.sock", "", "[", "]:", "::",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if a, err := ParseAddr(s); err == nil {
			if !a.IsValid() || a.Is4In6() {
				t.Fatalf("ParseAddr(%q) = %v: invalid or mapped", s, a)
			}
		}
		a, err := ParseIP(s)
		if err != nil {
			return
		}
		// A parsed address prints as text that parses back to itself.
		back, err := ParseIP(a.String())
		if err != nil || back != a {
			t.Fatalf("ParseIP(%q) = %v, which reparses as %v, %v", s, a, back, err)
		}
		// ParseIP input is a valid peer address too, with or without a port.
		if p, err := ParseAddr(s); err != nil || p != a.Unmap() {
			t.Fatalf("ParseAddr(%q) = %v, %v; want %v", s, p, err, a.Unmap())
		}
		withPort := s + ":80"
		if a.Is6() {
			if strings.IndexByte(a.Zone(), ']') >= 0 {
				return // a bracketed host ends at its first ']', as in net.SplitHostPort
			}
			withPort = "[" + s + "]:80"
		}
		if p, err := ParseAddr(withPort); err != nil || p != a.Unmap() {
			t.Fatalf("ParseAddr(%q) = %v, %v; want %v", withPort, p, err, a.Unmap())
		}
	})
}
