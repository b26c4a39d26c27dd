package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/password"
	"github.com/hassauth/hassauth/core/storage"
)

// passwordStep starts a homeassistant login flow and sends a username and
// password, holding the password work; it returns the work asked for and
// the answer once that work is done.
func passwordStep(t *testing.T, h *harness, username, pw string) ([]core.Work, response) {
	t.Helper()
	flowID := h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
	h.holdWork = true
	defer func() { h.holdWork = false }()
	h.held = nil
	id := h.send("POST", "/auth/login_flow/"+flowID, []byte(`{"client_id":"`+clientID+`","username":"`+username+`","password":"`+pw+`"}`),
		core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
	_, answered := h.replyTo(id)
	require.False(t, answered, "the answer waits for the password check")
	work := h.held
	require.Len(t, work, 1)
	r := core.DoWork(work[0])
	h.step(core.Input{WorkDone: &r})
	rep, ok := h.replyTo(id)
	require.True(t, ok)
	return work, rep
}

// TestUnknownUserCostsABcryptCheck checks that a login with an unknown
// username (or one whose stored hash is damaged) costs the same bcrypt
// check as a known one, against Home Assistant's dummy hash at the cost
// of real ones, and gets the same answer as a wrong password: the time
// and the reply tell nothing about which usernames exist.
func TestUnknownUserCostsABcryptCheck(t *testing.T) {
	var salt [16]byte
	real := password.Hash("alice-pass", salt, password.Cost)
	provider := storage.EncodeProvider(storage.ProviderData{Users: []storage.ProviderUser{
		{Username: "alice", Password: password.EncodeStored(real)},
		{Username: "damaged", Password: "bm90IGEgaGFzaA=="},
	}})
	h := newHarness(t, testConfig(), core.File{Path: core.PathProvider, Data: provider})

	known, knownReply := passwordStep(t, h, "alice", "wrong-pass")
	assert.Equal(t, core.WorkCheckPassword, known[0].Kind)
	assert.Equal(t, real, known[0].Hash)
	assert.Equal(t, "wrong-pass", known[0].Password)

	for _, name := range []string{"nobody", "damaged"} {
		t.Run(name, func(t *testing.T) {
			work, reply := passwordStep(t, h, name, "wrong-pass")
			assert.Equal(t, core.WorkCheckPassword, work[0].Kind)
			assert.Equal(t, password.DummyHash, work[0].Hash)
			assert.Equal(t, real[:7], work[0].Hash[:7], "the same algorithm and cost as a stored hash")
			assert.Equal(t, knownReply.Status, reply.Status)
			assert.JSONEq(t, withoutFlowID(t, knownReply), withoutFlowID(t, reply))
		})
	}
	// Even the dummy hash's own password does not log an unknown user in.
	_, reply := passwordStep(t, h, "nobody", "foo")
	assert.Equal(t, map[string]any{"base": "invalid_auth"}, reply.json(t)["errors"])
}

func withoutFlowID(t *testing.T, r response) string {
	m := r.json(t)
	delete(m, "flow_id")
	return string(mustJSON(t, m))
}
