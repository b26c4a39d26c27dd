package core_test

import (
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// jsonArray is "[0,0,...]" with n elements.
func jsonArray(n int) []byte {
	return []byte("[" + strings.Repeat("0,", n-1) + "0]")
}

// allocatedBy returns the bytes allocated while fn ran.
func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestJSONBodyValueLimit sends a JSON array of a million elements to every
// endpoint that reads a JSON body: each answers Home Assistant's 400
// "Invalid JSON." without building the array, and a body at the limit is
// parsed (and refused by the endpoint's schema instead).
func TestJSONBodyValueLimit(t *testing.T) {
	h := newHarness(t, testConfig())
	// The onboarding endpoint is tried first, while no user exists.
	paths := []string{"/api/onboarding/users", "/auth/login_flow", "/auth/login_flow/0123456789abcdef0123456789abcdef", "/auth/link_user"}
	text := core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"}
	big := jsonArray(1_000_000)
	for _, path := range paths {
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			var headers []core.Header
			headers = append(headers, text)
			if path == "/auth/link_user" {
				h.addUser("alice", "alice-pass")
				access, _ := h.tokens(h.login("alice", "alice-pass"))
				headers = append(headers, bearer(access))
			}
			r := h.request("POST", path, big, headers...)
			assert.Equal(t, 400, r.Status)
			assert.JSONEq(t, `{"message":"Invalid JSON."}`, string(r.Body))

			r = h.request("POST", path, jsonArray(core.MaxJSONValues-1), headers...)
			assert.Equal(t, 400, r.Status)
			assert.True(t, strings.HasPrefix(string(r.Body), `{"message":"Message format incorrect: `), "%s", r.Body)

			// Memory: the step allocates a small multiple of the limit's
			// values (72 bytes each), not of the body's million.
			id := uint64(1 << 40)
			n := allocatedBy(func() {
				out := h.c.Step(core.Input{Now: h.now, HTTP: &core.HTTPRequest{ID: id, Method: "POST", Path: path, Header: headers, Body: big, Remote: h.remote}})
				require.NotEmpty(t, out.Effects)
			})
			assert.Less(t, n, uint64(4<<20), "bytes allocated for a %d-byte body", len(big))
		})
	}
}

// TestWSMessageValueLimit sends a websocket message of a million JSON
// values, in the auth phase and after it: the connection is closed with
// 1009 (message too big), and a batch at the limit is still read.
func TestWSMessageValueLimit(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "alice-pass")
	access, _ := h.tokens(h.login("alice", "alice-pass"))

	closedWith := func(w *wsClient) int {
		for _, e := range h.effects {
			if e.Close != nil && e.Close.Conn == w.id {
				return e.Close.Code
			}
		}
		return 0
	}
	big := jsonArray(1_000_000)

	w := h.wsOpen()
	w.send(big, false)
	assert.Equal(t, 1009, closedWith(w), "auth phase")

	w = h.wsConnect(access)
	// Stepped directly, without the harness's wire checks, to measure what
	// the core allocates.
	n := allocatedBy(func() {
		h.effects = h.c.Step(core.Input{Now: h.now, WSMessage: &core.WSMessage{Conn: w.id, Data: big}}).Effects
	})
	assert.Equal(t, 1009, closedWith(w), "command phase")
	assert.Empty(t, w.frames())
	assert.Less(t, n, uint64(4<<20), "bytes allocated for a %d-byte message", len(big))
	var logged bool
	for _, e := range h.effects {
		logged = logged || e.Log != nil && strings.Contains(e.Log.Message, "more than 10000 JSON values")
	}
	assert.True(t, logged, "the close is logged")

	// A batch of pings within the limit: each has three values (the
	// object, its id and type), so 3333 of them and the array are 10000.
	w = h.wsConnect(access)
	var b strings.Builder
	b.WriteByte('[')
	for i := 1; i <= 3333; i++ {
		if i > 1 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":` + strconv.Itoa(i) + `,"type":"ping"}`)
	}
	b.WriteByte(']')
	w.send([]byte(b.String()), false)
	assert.Zero(t, closedWith(w))
	assert.Len(t, w.frames(), 3333)
	// One value more closes it.
	w.send([]byte(`[`+strings.TrimSuffix(strings.TrimPrefix(b.String(), "["), "]")+`,0]`), false)
	assert.Equal(t, 1009, closedWith(w))
}

// TestWSAuthPhaseLimit checks that a client address (an IPv6 client's /64)
// has at most 32 connections waiting for their auth message: the 33rd is
// closed with 1013 before auth_required, other addresses are not
// affected, and a connection that authenticates or times out makes room.
func TestWSAuthPhaseLimit(t *testing.T) {
	const limit = 32
	h := newHarness(t, testConfig())
	h.addUser("alice", "alice-pass")
	access, _ := h.tokens(h.login("alice", "alice-pass"))
	closedWith := func(w *wsClient) int {
		for _, e := range h.effects {
			if e.Close != nil && e.Close.Conn == w.id {
				return e.Close.Code
			}
		}
		return 0
	}
	open := func(remote string) *wsClient {
		h.remote = remote
		return h.wsOpen()
	}

	var waiting []*wsClient
	for i := 0; i < limit; i++ {
		w := open("192.168.1.10:5000")
		require.Len(t, w.frames(), 1, "auth_required")
		waiting = append(waiting, w)
	}
	w := open("192.168.1.10:5001")
	assert.Equal(t, 1013, closedWith(w))
	assert.Empty(t, w.frames())
	w = open("192.168.1.11:5000")
	assert.Len(t, w.frames(), 1, "another address")
	assert.Zero(t, closedWith(w))

	// One of them authenticates: room for one more.
	waiting[0].sendJSON(map[string]any{"type": "auth", "access_token": access})
	require.Contains(t, string(waiting[0].frames()[0]), "auth_ok")
	w = open("192.168.1.10:5002")
	assert.Len(t, w.frames(), 1)
	w = open("192.168.1.10:5003")
	assert.Equal(t, 1013, closedWith(w))

	// They all time out: room again.
	h.advance(10 * 1_000_000)
	w = open("192.168.1.10:5004")
	assert.Len(t, w.frames(), 1)

	// The addresses of one IPv6 /64 count together.
	for i := 1; i <= limit; i++ {
		w = open("[2001:db8::" + strconv.Itoa(i) + "]:5000")
		require.Len(t, w.frames(), 1)
	}
	w = open("[2001:db8::ffff]:5000")
	assert.Equal(t, 1013, closedWith(w))
	w = open("[2001:db8:0:1::1]:5000")
	assert.Len(t, w.frames(), 1, "another /64")
}
