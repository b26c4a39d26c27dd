package indieauth

import "strings"

// ipAddr is an address as Python's ipaddress.ip_address parses it. IPv4
// addresses use the last four bytes.
type ipAddr struct {
	b  [16]byte
	v4 bool
}

// parseIPAddress is ipaddress.ip_address(s) not raising: IPv4Address is tried
// first, then IPv6Address (which accepts a "%scope" suffix). The rules are
// Python's, which are stricter than inet_aton: exactly four decimal octets
// without leading zeros; at most one "::"; hextets of one to four hex digits;
// an IPv4 tail only in the last group.
func parseIPAddress(s string) (ipAddr, bool) {
	var a ipAddr
	if v4, ok := parseIPv4(s); ok {
		a.v4 = true
		copy(a.b[12:], v4[:])
		return a, true
	}
	if b, ok := parseIPv6(s); ok {
		a.b = b
		return a, true
	}
	return a, false
}

func parseIPv4(s string) (out [4]byte, ok bool) {
	n := 0
	for {
		dot := strings.IndexByte(s, '.')
		octet := s
		if dot >= 0 {
			octet = s[:dot]
		}
		if n == 4 || octet == "" || len(octet) > 3 || len(octet) > 1 && octet[0] == '0' {
			return out, false
		}
		v := 0
		for i := 0; i < len(octet); i++ {
			c := octet[i]
			if c < '0' || c > '9' {
				return out, false
			}
			v = v*10 + int(c-'0')
		}
		if v > 255 {
			return out, false
		}
		out[n] = byte(v)
		n++
		if dot < 0 {
			return out, n == 4
		}
		s = s[dot+1:]
	}
}

func parseIPv6(s string) (out [16]byte, ok bool) {
	if addr, scope, found := strings.Cut(s, "%"); found {
		if scope == "" || strings.IndexByte(scope, '%') >= 0 {
			return out, false
		}
		s = addr
	}
	if s == "" || len(s) > 45 {
		return out, false
	}
	// Python splits on ':' and refuses fewer than three groups, or more
	// than nine once an IPv4 tail has become two groups; an IPv4 tail only
	// adds a group, so more than nine groups can be refused at once.
	n := strings.Count(s, ":") + 1
	if n < 3 || n > 9 {
		return out, false
	}
	var buf [10]string
	groups := buf[:0]
	for rest := s; ; {
		g, tail, more := strings.Cut(rest, ":")
		groups = append(groups, g)
		if !more {
			break
		}
		rest = tail
	}
	if last := groups[len(groups)-1]; strings.IndexByte(last, '.') >= 0 {
		v4, ok := parseIPv4(last)
		if !ok {
			return out, false
		}
		groups = append(groups[:len(groups)-1], hex4(v4[0], v4[1]), hex4(v4[2], v4[3]))
		if len(groups) > 9 {
			return out, false
		}
	}
	// A "::" shows as one empty group between the first and the last.
	skip := -1
	for i := 1; i < len(groups)-1; i++ {
		if groups[i] == "" {
			if skip >= 0 {
				return out, false
			}
			skip = i
		}
	}
	var hi, lo int
	if skip >= 0 {
		hi, lo = skip, len(groups)-skip-1
		if groups[0] == "" {
			if hi--; hi != 0 {
				return out, false
			}
		}
		if groups[len(groups)-1] == "" {
			if lo--; lo != 0 {
				return out, false
			}
		}
		if 8-(hi+lo) < 1 {
			return out, false
		}
	} else {
		if len(groups) != 8 || groups[0] == "" || groups[len(groups)-1] == "" {
			return out, false
		}
		hi = 8
	}
	put := func(at int, g string) bool {
		if g == "" || len(g) > 4 {
			return false
		}
		v := 0
		for i := 0; i < len(g); i++ {
			c := g[i]
			switch {
			case '0' <= c && c <= '9':
				v = v<<4 | int(c-'0')
			case 'a' <= c|0x20 && c|0x20 <= 'f':
				v = v<<4 | int(c|0x20-'a'+10)
			default:
				return false
			}
		}
		out[2*at], out[2*at+1] = byte(v>>8), byte(v)
		return true
	}
	for i := 0; i < hi; i++ {
		if !put(i, groups[i]) {
			return out, false
		}
	}
	for i := 0; i < lo; i++ {
		if !put(8-lo+i, groups[len(groups)-lo+i]) {
			return out, false
		}
	}
	return out, true
}

func hex4(a, b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[a>>4], digits[a&15], digits[b>>4], digits[b&15]})
}

// isLocal is Home Assistant's util.network.is_local: loopback, private or
// link-local. For IPv6 that is ::1, fd00::/8 and fe80::/10, and an
// IPv4-mapped address (::ffff:a.b.c.d) counts as local when a.b.c.d does;
// Home Assistant lists the mapped loopback, private and link-local ranges
// and Python's IPv6 properties look through the mapping.
func (a ipAddr) isLocal() bool {
	if a.v4 || isV4Mapped(a.b) {
		return isLocalV4(a.b[12], a.b[13])
	}
	if a.b == [16]byte{15: 1} {
		return true
	}
	return a.b[0] == 0xfd || a.b[0] == 0xfe && a.b[1]&0xc0 == 0x80
}

func isV4Mapped(b [16]byte) bool {
	for _, x := range b[:10] {
		if x != 0 {
			return false
		}
	}
	return b[10] == 0xff && b[11] == 0xff
}

// isLocalV4 tests the first two octets against 127/8, 10/8, 172.16/12,
// 192.168/16 and 169.254/16.
func isLocalV4(a, b byte) bool {
	switch a {
	case 127, 10:
		return true
	case 172:
		return b&0xf0 == 16
	case 192:
		return b == 168
	case 169:
		return b == 254
	}
	return false
}
