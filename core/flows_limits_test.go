package core_test

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core/authstore"
)

// Limits of flows_limits.go, repeated here so that a change to them is a
// change to this test too.
const (
	flowLifetime  = 60 * authstore.Minute
	maxFlowsPerIP = 32
	maxFlows      = 4096
)

// flowAlive steps a login flow of the insecure_example provider with a
// wrong password: a live flow answers its form again, a gone one 404.
func flowAlive(t *testing.T, h *harness, flowID string) bool {
	t.Helper()
	r := h.postJSON("/auth/login_flow/"+flowID, map[string]any{"client_id": clientID, "username": "test-user", "password": "wrong"})
	switch r.Status {
	case 200:
		require.Equal(t, "form", r.json(t)["type"])
		return true
	case 404:
		require.JSONEq(t, `{"message":"Invalid flow specified"}`, string(r.Body))
		return false
	}
	t.Fatalf("step of %s: %d %s", flowID, r.Status, r.Body)
	return false
}

// exampleHandler is the insecure_example provider's handler.
var exampleHandler = []any{"insecure_example", nil}

// TestLoginFlowLimitPerAddress checks that a client address has at most 32
// flows: its 33rd flow ends its oldest, and other addresses keep theirs.
func TestLoginFlowLimitPerAddress(t *testing.T) {
	h := newFixture(t)
	h.remote = "192.168.1.20:5000"
	other := h.startFlow(exampleHandler, clientID, redirectURI)
	h.remote = "192.168.1.10:5000"
	var ids []string
	for i := 0; i <= maxFlowsPerIP; i++ {
		h.now++
		ids = append(ids, h.startFlow(exampleHandler, clientID, redirectURI))
	}
	assert.False(t, flowAlive(t, h, ids[0]), "the address's oldest flow")
	for _, id := range ids[1:] {
		assert.True(t, flowAlive(t, h, id))
	}
	h.remote = "192.168.1.20:5000"
	assert.True(t, flowAlive(t, h, other), "another address's flow")
}

// TestLoginFlowLimitPerIPv6Net checks that the addresses of one IPv6 /64
// share the 32 flows of an address: a client that holds a /64 cannot open
// more flows by changing its address.
func TestLoginFlowLimitPerIPv6Net(t *testing.T) {
	h := newFixture(t)
	h.remote = "[2001:db8:0:1::1]:5000"
	other := h.startFlow(exampleHandler, clientID, redirectURI)
	addr := netip.MustParseAddr("2001:db8::")
	var ids, remotes []string
	for i := 0; i <= maxFlowsPerIP; i++ {
		addr = addr.Next()
		h.remote = netip.AddrPortFrom(addr, 5000).String()
		remotes = append(remotes, h.remote)
		h.now++
		ids = append(ids, h.startFlow(exampleHandler, clientID, redirectURI))
	}
	h.remote = remotes[0]
	assert.False(t, flowAlive(t, h, ids[0]), "the /64's oldest flow")
	for i, id := range ids[1:] {
		h.remote = remotes[i+1]
		assert.True(t, flowAlive(t, h, id))
	}
	h.remote = "[2001:db8:0:1::1]:5000"
	assert.True(t, flowAlive(t, h, other), "another /64's flow")
}

// TestLoginFlowLimitTotal checks that the core keeps at most 4096 flows:
// one more, from a new address, ends the oldest of all.
func TestLoginFlowLimitTotal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 4097 flows")
	}
	h := newFixture(t)
	addr := netip.MustParseAddr("10.0.0.0")
	var ids []string
	for i := 0; i < maxFlows; i++ {
		if i%maxFlowsPerIP == 0 {
			addr = addr.Next()
			h.remote = addr.String()
		}
		h.now++
		ids = append(ids, h.startFlow(exampleHandler, clientID, redirectURI))
	}
	h.remote = "192.168.1.10:5000"
	h.now++
	last := h.startFlow(exampleHandler, clientID, redirectURI)
	assert.True(t, flowAlive(t, h, last))
	h.remote = "10.0.0.1"
	assert.False(t, flowAlive(t, h, ids[0]), "the oldest flow of all")
	assert.True(t, flowAlive(t, h, ids[1]))
}

// TestLoginFlowLifetime checks that a flow lives an hour from its start,
// however often it is stepped.
func TestLoginFlowLifetime(t *testing.T) {
	h := newFixture(t)
	id := h.startFlow(exampleHandler, clientID, redirectURI)
	h.now += flowLifetime - 1
	assert.True(t, flowAlive(t, h, id), "just before the hour")
	h.now++
	assert.False(t, flowAlive(t, h, id), "at the hour")

	// An expired flow also goes when a new one is made, stepped or not.
	id = h.startFlow(exampleHandler, clientID, redirectURI)
	h.now += flowLifetime
	h.remote = "192.168.1.30:5000"
	h.startFlow(exampleHandler, clientID, redirectURI)
	h.remote = "192.168.1.10:5000"
	r := h.request("DELETE", "/auth/login_flow/"+id, nil)
	assert.Equal(t, 404, r.Status, "swept by the new flow")
}
