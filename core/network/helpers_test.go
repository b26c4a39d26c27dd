package network

import (
	"net/netip"
	"testing"
)

func mustIP(t testing.TB, s string) netip.Addr {
	t.Helper()
	a, err := ParseIP(s)
	if err != nil {
		t.Fatalf("ParseIP(%q): %v", s, err)
	}
	return a
}

func mustNetworks(t testing.TB, items ...string) Networks {
	t.Helper()
	n, err := ParseNetworks(items)
	if err != nil {
		t.Fatalf("ParseNetworks(%q): %v", items, err)
	}
	return n
}
