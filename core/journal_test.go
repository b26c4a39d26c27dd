package core_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// restart builds a new core from the files written so far, as after a
// crash: whatever was not written is lost.
func (h *harness) restart() *harness {
	h.t.Helper()
	var files []core.File
	for _, p := range []string{core.PathAuth, core.PathProvider, core.PathTOTP, core.PathNotify, core.PathJournal} {
		if b, ok := h.files[p]; ok {
			files = append(files, core.File{Path: p, Data: b})
		}
	}
	n := newHarness(h.t, testConfig(), files...)
	n.now = h.now
	return n
}

// indexOf returns the position of the first effect matching.
func indexOf(effects []core.Effect, match func(core.Effect) bool) int {
	for i, e := range effects {
		if match(e) {
			return i
		}
	}
	return -1
}

func isJournalAppend(e core.Effect) bool {
	return e.Append != nil && e.Append.Path == core.PathJournal
}

func isReply(e core.Effect) bool { return e.Reply != nil }

// TestJournalMakesReportedChangesDurable: a token whose creation was
// answered survives a crash before the delayed write of .storage/auth, and
// so does its revocation.
func TestJournalMakesReportedChangesDurable(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")
	code := h.login("alice", "secret pass")
	r := h.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"authorization_code"}, "code": {code}})
	require.Equal(t, 200, r.Status)
	j, rep := indexOf(h.effects, isJournalAppend), indexOf(h.effects, isReply)
	require.GreaterOrEqual(t, j, 0, "no journal entry for the new token")
	assert.Less(t, j, rep, "the journal entry must come before the reply")
	refresh := r.json(t)["refresh_token"].(string)

	// .storage/auth has not been written since the token was made.
	h2 := h.restart()
	r = h2.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	assert.Equal(t, -1, indexOf(h2.effects, isJournalAppend), "a refresh reports no change that needs the journal")

	// The restart folded the journal into .storage/auth and emptied it.
	assert.Empty(t, h2.files[core.PathJournal])

	r = h2.postForm("/auth/revoke", url.Values{"token": {refresh}})
	require.Equal(t, 200, r.Status)
	assert.Less(t, indexOf(h2.effects, isJournalAppend), indexOf(h2.effects, isReply))
	h3 := h2.restart()
	r = h3.postForm("/auth/token", url.Values{"client_id": {clientID}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}})
	assert.Equal(t, 400, r.Status)
}

// TestDelayedWriteEmptiesJournal: once .storage/auth is written, the
// journal is emptied after it.
func TestDelayedWriteEmptiesJournal(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")
	require.NotEmpty(t, h.files[core.PathJournal])
	effects := h.advance(1_000_000)
	auth := indexOf(effects, func(e core.Effect) bool { return e.Write != nil && e.Write.Path == core.PathAuth })
	journal := indexOf(effects, func(e core.Effect) bool { return e.Write != nil && e.Write.Path == core.PathJournal })
	require.GreaterOrEqual(t, auth, 0)
	require.Greater(t, journal, auth)
	assert.Empty(t, h.files[core.PathJournal])
	assert.Contains(t, string(h.files[core.PathAuth]), `"alice"`)
}

// TestTornJournalEntryIsIgnored: a crash in the middle of an append leaves
// an incomplete entry whose reply was never sent; loading skips it.
func TestTornJournalEntryIsIgnored(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")
	before := append([]byte(nil), h.files[core.PathJournal]...)
	h.tokens(h.login("alice", "secret pass"))
	full := h.files[core.PathJournal]
	require.Greater(t, len(full), len(before))
	h.files[core.PathJournal] = full[:len(before)+(len(full)-len(before))/2]
	h2 := h.restart()
	v, err := h2.call(core.OpListTokens, nil)
	require.Nil(t, err)
	assert.Equal(t, "[]", string(v))
	v, err = h2.call(core.OpListUsers, nil)
	require.Nil(t, err)
	assert.Contains(t, string(v), `"alice"`)
}

// TestDamagedJournalStopsTheCore: damage that a crash cannot explain stops
// the load, naming the journal.
func TestDamagedJournalStopsTheCore(t *testing.T) {
	var seed [32]byte
	c, err := core.New(testConfig(), seed)
	require.NoError(t, err)
	out := c.Step(core.Input{Now: t0, Load: &core.Load{Files: []core.File{{Path: core.PathJournal, Data: []byte("garbage\nmore\n")}}}})
	require.NotEmpty(t, out.Effects)
	f := out.Effects[len(out.Effects)-1].Fatal
	require.NotNil(t, f)
	assert.Equal(t, core.PathJournal, f.Path)
}
