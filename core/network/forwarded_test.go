package network

import (
	"net/netip"
	"strings"
	"testing"
)

type forwardedCase struct {
	name    string
	use     bool
	proxies []string
	peer    string // "" for a peer with no IP address
	h       Headers
	// Either the resolved client...
	addr, scheme, host string
	// ...or the log line of the 400 reply.
	log string
}

func (c forwardedCase) run(t *testing.T) {
	t.Helper()
	f := Forwarded{UseXForwardedFor: c.use, TrustedProxies: mustNetworks(t, c.proxies...)}
	var peer netip.Addr
	if c.peer != "" {
		var err error
		if peer, err = ParseAddr(c.peer); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.Resolve(peer, c.h)
	if c.log != "" {
		if err == nil {
			t.Fatalf("Resolve = %+v, want a 400 with log %q", got, c.log)
		}
		if err.Status != 400 || err.Body != "400: Bad Request" || err.Log != c.log || err.Error() != c.log {
			t.Errorf("error = %+v, want 400 %q", err, c.log)
		}
		if got != (Client{}) {
			t.Errorf("client %+v returned with an error", got)
		}
		return
	}
	if err != nil {
		t.Fatalf("Resolve failed: %v", err)
	}
	want := Client{Scheme: c.scheme, Host: c.host}
	if c.addr != "" {
		want.Addr = mustIP(t, c.addr)
	}
	if got != want {
		t.Errorf("Resolve = {%v %q %q}, want {%v %q %q}", got.Addr, got.Scheme, got.Host, want.Addr, want.Scheme, want.Host)
	}
}

func xff(v ...string) Headers { return Headers{For: v} }

func TestResolvePassThrough(t *testing.T) {
	for _, c := range []forwardedCase{
		{name: "no headers", use: true, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:1234", addr: "127.0.0.1"},
		{name: "no headers, proxies off", peer: "198.51.100.1:1", addr: "198.51.100.1"},
		{name: "no headers, untrusted peer", use: true, proxies: []string{"10.0.0.1"}, peer: "[2001:db8::1]:1", addr: "2001:db8::1"},
		// Proto and Host are read only after a valid X-Forwarded-For.
		{name: "proto without for", use: true, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:1",
			h: Headers{Proto: []string{"https"}}, addr: "127.0.0.1"},
		{name: "host without for", use: true, proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:1",
			h: Headers{Host: []string{"example.com"}}, addr: "127.0.0.1"},
		{name: "empty proto and host without for", peer: "127.0.0.1:1",
			h: Headers{Proto: []string{""}, Host: []string{""}}, addr: "127.0.0.1"},
		// A peer without an IP address (Unix socket): HA lets the request through untouched.
		{name: "no peer address", use: true, proxies: []string{"127.0.0.1"}, h: xff("1.2.3.4")},
		{name: "no peer address, proxies off", h: xff("garbage")},
	} {
		t.Run(c.name, c.run)
	}
}

func TestResolveRefusesUntrustedSenders(t *testing.T) {
	for _, c := range []forwardedCase{
		{name: "use_x_forwarded_for off", proxies: []string{"127.0.0.1"}, peer: "127.0.0.1:1", h: xff("255.255.255.255"),
			log: "A request from a reverse proxy was received from 127.0.0.1, but your HTTP integration is not set-up for reverse proxies"},
		{name: "use_x_forwarded_for off, empty value", peer: "[::1]:1", h: xff(""),
			log: "A request from a reverse proxy was received from ::1, but your HTTP integration is not set-up for reverse proxies"},
		{name: "untrusted peer", use: true, proxies: []string{"1.1.1.1"}, peer: "127.0.0.1:1", h: xff("255.255.255.255"),
			log: "Received X-Forwarded-For header from an untrusted proxy 127.0.0.1"},
		{name: "no proxies configured", use: true, peer: "127.0.0.1:1", h: xff("255.255.255.255"),
			log: "Received X-Forwarded-For header from an untrusted proxy 127.0.0.1"},
		// The untrusted-peer check comes before any parsing of the header.
		{name: "untrusted peer, malformed header", use: true, proxies: []string{"10.0.0.0/8"}, peer: "[fe80::1%eth0]:1", h: xff("batman"),
			log: "Received X-Forwarded-For header from an untrusted proxy fe80::1%eth0"},
		{name: "untrusted IPv6 peer, IPv4 proxy list", use: true, proxies: []string{"0.0.0.0/0"}, peer: "[2001:db8::1]:1", h: xff("1.2.3.4"),
			log: "Received X-Forwarded-For header from an untrusted proxy 2001:db8::1"},
		// A mapped peer is unmapped first, so an IPv4 proxy entry matches it.
		{name: "mapped peer matches IPv4 proxy", use: true, proxies: []string{"172.30.32.0/23"}, peer: "[::ffff:172.30.33.6]:1",
			h: xff("203.0.113.7"), addr: "203.0.113.7"},
	} {
		t.Run(c.name, c.run)
	}
}

func TestResolveChain(t *testing.T) {
	loop := "127.0.0.1:4000"
	for _, c := range []forwardedCase{
		// The chain table of Home Assistant's tests (peer 127.0.0.1).
		{name: "skip trusted hops", use: true, proxies: []string{"127.0.0.0/24", "1.1.1.1", "10.10.10.0/24"}, peer: loop,
			h: xff("10.10.10.10, 1.1.1.1"), addr: "10.10.10.10"},
		{name: "first untrusted from the right", use: true, proxies: []string{"127.0.0.0/24", "1.1.1.1"}, peer: loop,
			h: xff("123.123.123.123, 2.2.2.2, 1.1.1.1"), addr: "2.2.2.2"},
		{name: "right-most untrusted", use: true, proxies: []string{"127.0.0.0/24"}, peer: loop,
			h: xff("123.123.123.123, 2.2.2.2, 1.1.1.1"), addr: "1.1.1.1"},
		{name: "single trusted item is taken", use: true, proxies: []string{"127.0.0.0/24"}, peer: loop,
			h: xff("127.0.0.1"), addr: "127.0.0.1"},
		{name: "single-address proxies", use: true, proxies: []string{"127.0.0.1", "1.1.1.1"}, peer: loop,
			h: xff("123.123.123.123, 1.1.1.1"), addr: "123.123.123.123"},
		{name: "single item", use: true, proxies: []string{"127.0.0.1"}, peer: loop,
			h: xff("255.255.255.255"), addr: "255.255.255.255"},
		// Spoofed left-most entries: a client may prepend anything; only the hop the
		// trusted proxy appended counts.
		{name: "spoofed left-most entry", use: true, proxies: []string{"127.0.0.1"}, peer: loop,
			h: xff("222.222.222.222, 255.255.255.255"), addr: "255.255.255.255"},
		{name: "spoofed local address", use: true, proxies: []string{"10.0.0.2"}, peer: "10.0.0.2:1",
			h: xff("192.168.0.1, 127.0.0.1, 203.0.113.9"), addr: "203.0.113.9"},
		// Every hop trusted: the left-most is the client, even though it is a proxy.
		{name: "all trusted", use: true, proxies: []string{"192.168.128.0/31"}, peer: "192.168.128.1:1",
			h: xff("192.168.128.0, 192.168.128.1"), addr: "192.168.128.0"},
		// Several header lines are one list, in order (HA 2025.11, core PR #154793).
		{name: "two lines joined", use: true, proxies: []string{"127.0.0.1"}, peer: loop,
			h: xff("222.222.222.222", "123.123.123.123"), addr: "123.123.123.123"},
		{name: "two lines, trusted hop in the last", use: true, proxies: []string{"127.0.0.1", "10.0.0.0/8"}, peer: loop,
			h: xff("203.0.113.1, 198.51.100.2", "10.1.1.1"), addr: "198.51.100.2"},
		{name: "two lines, all trusted", use: true, proxies: []string{"10.0.0.0/8"}, peer: "10.0.0.1:1",
			h: xff("10.0.0.5", "10.0.0.6, 10.0.0.7"), addr: "10.0.0.5"},
		// IPv6.
		{name: "IPv6 chain", use: true, proxies: []string{"::1", "fd00::/8"}, peer: "[::1]:1",
			h: xff("2001:db8::1, fd00::5"), addr: "2001:db8::1"},
		{name: "IPv6 peer, IPv4 client", use: true, proxies: []string{"fd00::1"}, peer: "[fd00::1]:1",
			h: xff("203.0.113.5"), addr: "203.0.113.5"},
		{name: "IPv6 with zone, zone kept, trust ignores it", use: true, proxies: []string{"127.0.0.1", "fe80::/10"}, peer: loop,
			h: xff("2001:db8::7, fe80::1%eth0"), addr: "2001:db8::7"},
		{name: "zoned client kept as written", use: true, proxies: []string{"127.0.0.1"}, peer: loop,
			h: xff("fe80::1%eth0"), addr: "fe80::1%eth0"},
		// A mapped address in the header is not unmapped: it is not an IPv4 proxy.
		{name: "mapped item is not an IPv4 proxy", use: true, proxies: []string{"127.0.0.1", "10.0.0.0/8"}, peer: loop,
			h: xff("203.0.113.1, ::ffff:10.0.0.5"), addr: "::ffff:10.0.0.5"},
		// Items are trimmed as Python's str.strip() trims.
		{name: "whitespace around items", use: true, proxies: []string{"127.0.0.1"}, peer: loop,
			h: xff(" \t203.0.113.1 ,\u00a0198.51.100.2\u3000"), addr: "198.51.100.2"},
		{name: "ASCII separators stripped", use: true, proxies: []string{"127.0.0.1"}, peer: loop,
			h: xff("\x1c203.0.113.1\x1f"), addr: "203.0.113.1"},
	} {
		t.Run(c.name, c.run)
	}
}

func TestResolveMalformedFor(t *testing.T) {
	proxies := []string{"127.0.0.1"}
	for _, v := range [][]string{
		{"This value is invalid"},
		{"1.1.1.1, , 1.2.3.4"},
		{"1.1.1.1, batman, 1.2.3.4"},
		{"192.168.0.0/24"},
		{"192.168.0.0/24, 1.1.1.1"},
		{","},
		{""},
		{"1.2.3.4,"},
		{"1.2.3.4:80"},
		{"[::1]"},
		{"01.2.3.4"},
		{"fe80::1%"},
		{"\xff1.2.3.4"},
		{"1.2.3.4\u200b"}, // zero-width space is not white space
		// An invalid item anywhere refuses the request, even left of the client.
		{"garbage, 203.0.113.1"},
		{"203.0.113.1", "garbage"},
	} {
		t.Run(v[0], func(t *testing.T) {
			forwardedCase{use: true, proxies: proxies, peer: "127.0.0.1:1", h: xff(v...),
				log: "Invalid IP address in X-Forwarded-For: " + v[0]}.run(t)
		})
	}
	// The log names the first line even when the bad item is in another.
	forwardedCase{use: true, proxies: proxies, peer: "127.0.0.1:1", h: xff("203.0.113.1", "oops"),
		log: "Invalid IP address in X-Forwarded-For: 203.0.113.1"}.run(t)
}

func TestResolveProto(t *testing.T) {
	p := []string{"127.0.0.0/24"}
	peer := "127.0.0.1:1"
	for _, c := range []forwardedCase{
		{name: "single", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"255.255.255.255"}, Proto: []string{"https"}}, addr: "255.255.255.255", scheme: "https"},
		{name: "single item for a longer chain", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"255.255.255.255, 127.0.0.1, 127.0.0.2"}, Proto: []string{"https"}}, addr: "255.255.255.255", scheme: "https"},
		{name: "item matching the client", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"203.0.113.1, 198.51.100.2, 127.0.0.2"}, Proto: []string{"wss, https, http"}}, addr: "198.51.100.2", scheme: "https"},
		{name: "right-most client takes right-most proto", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"203.0.113.1, 198.51.100.2"}, Proto: []string{"https, http"}}, addr: "198.51.100.2", scheme: "http"},
		{name: "all trusted takes the left-most", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"127.0.0.5, 127.0.0.6"}, Proto: []string{"https, http"}}, addr: "127.0.0.5", scheme: "https"},
		{name: "lines joined", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"203.0.113.1", "127.0.0.9"}, Proto: []string{"https", " http "}}, addr: "203.0.113.1", scheme: "https"},
		{name: "value kept as sent", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"203.0.113.1"}, Proto: []string{" HTTPS "}}, addr: "203.0.113.1", scheme: "HTTPS"},
		{name: "empty", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"1.1.1.1"}, Proto: []string{""}},
			log: "Empty item received in X-Forward-Proto header: "},
		{name: "empty item", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"1.1.1.1, 2.2.2.2"}, Proto: []string{"https, "}},
			log: "Empty item received in X-Forward-Proto header: https, "},
		{name: "empty item in second line", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"1.1.1.1, 2.2.2.2"}, Proto: []string{"https", " "}},
			log: "Empty item received in X-Forward-Proto header: https"},
		{name: "too many", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"1.1.1.1, 2.2.2.2"}, Proto: []string{"https, https, https"}},
			log: "Incorrect number of elements in X-Forward-Proto. Expected 1 or 2, got 3: https, https, https"},
		{name: "too few", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"1.1.1.1, 2.2.2.2, 3.3.3.3, 4.4.4.4"}, Proto: []string{"https, https, https"}},
			log: "Incorrect number of elements in X-Forward-Proto. Expected 1 or 4, got 3: https, https, https"},
		{name: "count over joined lines", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"1.1.1.1", "2.2.2.2", "3.3.3.3"}, Proto: []string{"https", "http"}},
			log: "Incorrect number of elements in X-Forward-Proto. Expected 1 or 3, got 2: https"},
		// An invalid X-Forwarded-For wins over a bad proto.
		{name: "for checked first", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"x"}, Proto: []string{""}},
			log: "Invalid IP address in X-Forwarded-For: x"},
	} {
		t.Run(c.name, c.run)
	}
}

func TestResolveHost(t *testing.T) {
	p := []string{"127.0.0.1"}
	peer := "127.0.0.1:1"
	for _, c := range []forwardedCase{
		{name: "single", use: true, proxies: p, peer: peer,
			h: Headers{For: []string{"255.255.255.255"}, Host: []string{"example.com"}}, addr: "255.255.255.255", host: "example.com"},
		{name: "right-most item", use: true, proxies: p, peer: peer,
			h:    Headers{For: []string{"255.255.255.255"}, Host: []string{"example.com, proxy.example.com, backend.example.com"}},
			addr: "255.255.255.255", host: "backend.example.com"},
		{name: "last line", use: true, proxies: p, peer: peer,
			h:    Headers{For: []string{"255.255.255.255"}, Host: []string{"example.com", " example.spoof "}},
			addr: "255.255.255.255", host: "example.spoof"},
		{name: "only the used item must be non-empty", use: true, proxies: p, peer: peer,
			h:    Headers{For: []string{"255.255.255.255"}, Host: []string{", ,example.com:8123"}},
			addr: "255.255.255.255", host: "example.com:8123"},
		{name: "with proto", use: true, proxies: p, peer: peer,
			h:    Headers{For: []string{"255.255.255.255"}, Proto: []string{"https"}, Host: []string{"ha.example.org"}},
			addr: "255.255.255.255", scheme: "https", host: "ha.example.org"},
		{name: "empty", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"222.222.222.222"}, Host: []string{""}},
			log: "Empty value received in X-Forward-Host header"},
		{name: "empty last item", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"222.222.222.222"}, Host: []string{"example.com,"}},
			log: "Empty value received in X-Forward-Host header"},
		{name: "empty last line", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"222.222.222.222"}, Host: []string{"example.com", "  "}},
			log: "Empty value received in X-Forward-Host header"},
		{name: "proto checked first", use: true, proxies: p, peer: peer,
			h:   Headers{For: []string{"222.222.222.222"}, Proto: []string{""}, Host: []string{""}},
			log: "Empty item received in X-Forward-Proto header: "},
	} {
		t.Run(c.name, c.run)
	}
}

func TestItemsWalkFromTheRight(t *testing.T) {
	cases := []struct {
		lines []string
		want  []string
	}{
		{nil, nil},
		{[]string{""}, []string{""}},
		{[]string{","}, []string{"", ""}},
		{[]string{"a"}, []string{"a"}},
		{[]string{"a,b", "c", "", "d,,e"}, []string{"e", "", "d", "", "c", "b", "a"}},
	}
	for _, c := range cases {
		var got []string
		for it := newItems(c.lines); it.next(); {
			got = append(got, it.item)
		}
		if len(got) != len(c.want) {
			t.Errorf("items(%q) = %q, want %q", c.lines, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("items(%q) = %q, want %q", c.lines, got, c.want)
				break
			}
		}
	}
}

func TestPyStrip(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"  ":                        "",
		" a b ":                     "a b",
		"\t\n\v\f\r a":              "a",
		"\x1c\x1d\x1e\x1fa\x1f":     "a",
		"\u0085\u00a0a\u2028":       "a",
		"\u200ba":                   "\u200ba",
		"\xffa\xff":                 "\xffa\xff",
		"\u3000\u205f1.2.3.4\u2009": "1.2.3.4",
	} {
		if got := pyStrip(in); got != want {
			t.Errorf("pyStrip(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzClientAddr(f *testing.F) {
	type seed struct {
		peer, for1, for2, proto, host, proxies string
		use, twoFor                            bool
	}
	for _, s := range []seed{
		{"127.0.0.1:1", "222.222.222.222, 255.255.255.255", "", "https", "example.com", "127.0.0.1", true, false},
		{"192.168.128.1:1", "192.168.128.0", "192.168.128.1", "", "", "192.168.128.0/31\nfd00::1", true, true},
		{"[fd00::1]:1", "2001:db8::1, fd00::5", "", "https, http", "a, b", "fd00::/8", true, false},
		{"127.0.0.1:1", "1.1.1.1, batman", "", "", "", "127.0.0.1", true, false},
		{"127.0.0.1:1", "", "", "", "", "127.0.0.1", true, false},
		{"127.0.0.1:1", "1.2.3.4", "", "", "", "127.0.0.1", false, false},
		{"198.51.100.1:1", "1.2.3.4", "", "", "", "127.0.0.1", true, false},
		{"[::ffff:10.0.0.1]:1", "fe80::1%eth0, ::ffff:10.0.0.5", "", "", "", "10.0.0.0/8\nfe80::/10", true, false},
		{"/socket", "1.2.3.4", "", "", "", "", true, false},
	} {
		f.Add(s.peer, s.for1, s.for2, s.proto, s.host, s.proxies, s.use, s.twoFor)
	}
	f.Fuzz(func(t *testing.T, peerText, for1, for2, proto, host, proxiesText string, use, twoFor bool) {
		proxies, err := ParseNetworks(strings.Split(proxiesText, "\n"))
		if err != nil {
			proxies = nil
		}
		peer, _ := ParseAddr(peerText) // invalid for a non-IP peer, as a host passes it
		fwd := Forwarded{UseXForwardedFor: use, TrustedProxies: proxies}
		h := Headers{For: []string{for1}}
		if twoFor {
			h.For = append(h.For, for2)
		}
		if proto != "" {
			h.Proto = []string{proto}
		}
		if host != "" {
			h.Host = []string{host}
		}

		c, ferr := fwd.Resolve(peer, h)
		if ferr != nil {
			if ferr.Status != 400 || ferr.Body != BadRequestBody || ferr.Log == "" || c != (Client{}) {
				t.Fatalf("bad rejection %+v with client %+v", ferr, c)
			}
			return
		}
		if !peer.IsValid() {
			if c != (Client{}) {
				t.Fatalf("no peer address, yet client %+v", c)
			}
			return
		}
		// A header was present: it may be honoured only from a trusted proxy with
		// use_x_forwarded_for on.
		if !use || !proxies.Contains(peer) {
			t.Fatalf("header honoured from peer %v (use %v, proxies %v)", peer, use, proxies)
		}
		// The client is an item of the chain, never anything else.
		found := false
		for it := newItems(h.For); it.next(); {
			if a, err := ParseIP(pyStrip(it.item)); err == nil && a == c.Addr {
				found = true
			}
		}
		if !found {
			t.Fatalf("client %v is not in the chain %q", c.Addr, h.For)
		}
		// ...and the first untrusted one from the right, or every item is trusted.
		for it := newItems(h.For); it.next(); {
			a, _ := ParseIP(pyStrip(it.item))
			if a == c.Addr {
				break
			}
			if !proxies.Contains(a) {
				t.Fatalf("client %v chosen past untrusted item %v", c.Addr, a)
			}
		}
		if (c.Scheme != "") != (proto != "") || (c.Host != "") != (host != "") {
			t.Fatalf("scheme %q or host %q without its header (%q, %q)", c.Scheme, c.Host, proto, host)
		}
		if c.Scheme != "" && !strings.Contains(proto, c.Scheme) || c.Host != "" && !strings.Contains(host, c.Host) {
			t.Fatalf("scheme %q or host %q not from the headers", c.Scheme, c.Host)
		}
	})
}

// Resolving without a forwarding header never changes the peer, whatever else is set.
func TestResolveWithoutForIsIdentity(t *testing.T) {
	for _, peer := range []netip.Addr{{}, mustIP(t, "127.0.0.1"), mustIP(t, "fe80::1%eth0")} {
		for _, use := range []bool{false, true} {
			fwd := Forwarded{UseXForwardedFor: use, TrustedProxies: mustNetworks(t, "0.0.0.0/0", "::/0")}
			c, err := fwd.Resolve(peer, Headers{Proto: []string{""}, Host: []string{""}})
			if err != nil || c != (Client{Addr: peer}) {
				t.Errorf("Resolve(%v) = %+v, %v", peer, c, err)
			}
		}
	}
}
