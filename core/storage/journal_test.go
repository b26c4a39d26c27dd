package storage

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

func journalFixture() (AuthData, JournalEntry) {
	base := DefaultAuth()
	base.Users = []User{{ID: "u1", GroupIDs: []string{GroupIDAdmin}, IsOwner: true, IsActive: true, Name: Some("Ann")}}
	base.Credentials = []Credential{{ID: "c1", UserID: "u1", AuthProviderType: "homeassistant", Data: objectValue("username", orjson.StringValue("ann"))}}
	base.RefreshTokens = []RefreshToken{
		{ID: "t1", UserID: "u1", ClientID: Some("http://x/"), TokenType: TokenTypeNormal, CreatedAt: 1, AccessTokenExpiration: 1800_000_000, Token: "a", JWTKey: "b"},
		{ID: "t2", UserID: "u1", ClientID: Some("http://x/"), TokenType: TokenTypeNormal, CreatedAt: 2, AccessTokenExpiration: 1800_000_000, Token: "c", JWTKey: "d"},
	}
	je := JournalEntry{RemovedTokens: []string{"t1"}}
	je.Auth = DefaultAuth()
	je.Auth.Users = []User{{ID: "u1", GroupIDs: []string{GroupIDAdmin}, IsOwner: true, IsActive: true, Name: Some("Ann B")}}
	je.Auth.Credentials = base.Credentials
	je.Auth.RefreshTokens = []RefreshToken{{ID: "t3", UserID: "u1", ClientID: Some("http://y/"), TokenType: TokenTypeNormal, CreatedAt: 3, AccessTokenExpiration: 1800_000_000, Token: "e", JWTKey: "f", CredentialID: Some("c1")}}
	return base, je
}

func TestJournalRoundTripAndApply(t *testing.T) {
	base, je := journalFixture()
	b := AppendJournalEntry(nil, je)
	b = AppendJournalEntry(b, JournalEntry{Auth: DefaultAuth(), RemovedUsers: []string{"nobody"}})
	entries, torn, err := DecodeJournal(b)
	require.NoError(t, err)
	assert.False(t, torn)
	require.Len(t, entries, 2)
	assert.Equal(t, je.RemovedTokens, entries[0].RemovedTokens)
	require.Len(t, entries[0].Auth.RefreshTokens, 1)
	assert.Equal(t, "c1", entries[0].Auth.RefreshTokens[0].CredentialID.V)

	a := base
	for _, e := range entries {
		a.Apply(e)
	}
	// Replaying again changes nothing.
	again := a
	again.Users = append([]User(nil), a.Users...)
	again.RefreshTokens = append([]RefreshToken(nil), a.RefreshTokens...)
	for _, e := range entries {
		again.Apply(e)
	}
	assert.Equal(t, EncodeAuth(a), EncodeAuth(again))

	require.Len(t, a.Users, 1)
	assert.Equal(t, "Ann B", a.Users[0].Name.V)
	var ids []string
	for _, tk := range a.RefreshTokens {
		ids = append(ids, tk.ID)
	}
	assert.Equal(t, []string{"t2", "t3"}, ids)
	assert.Len(t, a.Credentials, 1)
}

func TestJournalTornTail(t *testing.T) {
	_, je := journalFixture()
	one := AppendJournalEntry(nil, je)
	two := AppendJournalEntry(one, je)
	for cut := len(one) + 1; cut < len(two); cut++ {
		entries, torn, err := DecodeJournal(two[:cut])
		require.NoError(t, err, "cut at %d", cut)
		assert.True(t, torn, "cut at %d", cut)
		assert.Len(t, entries, 1)
	}
}

func TestJournalDamage(t *testing.T) {
	_, je := journalFixture()
	one := AppendJournalEntry(nil, je)
	two := AppendJournalEntry(one, je)
	// A flipped byte in a complete entry that is not the last is damage.
	bad := bytes.Clone(two)
	bad[len(journalMagic)+10] ^= 0x01
	_, _, err := DecodeJournal(bad)
	assert.ErrorIs(t, err, ErrJournalDamaged)
	_, _, err = DecodeJournal([]byte("not a journal\n"))
	assert.ErrorIs(t, err, ErrJournalDamaged)
}

func FuzzDecodeJournal(f *testing.F) {
	_, je := journalFixture()
	f.Add(AppendJournalEntry(nil, je))
	f.Add([]byte(journalMagic + "3 0\n{}\n"))
	f.Add([]byte(""))
	// The journals of the conformance vectors, and their appended entries
	// one after the other.
	addVectorSeeds(f, ".storage/hassauth.journal")
	var all []byte
	for _, b := range vectorseeds.MustLoad(f).Files[".storage/hassauth.journal"] {
		all = append(all, b...)
	}
	f.Add(all)
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, _, err := DecodeJournal(b)
		if err != nil {
			return
		}
		// Whatever decodes re-encodes and decodes to the same records.
		var again []byte
		for _, e := range entries {
			again = AppendJournalEntry(again, e)
		}
		back, torn, err := DecodeJournal(again)
		if err != nil || torn || len(back) != len(entries) {
			t.Fatalf("re-encoded journal does not decode: %v %v", err, torn)
		}
		for i := range back {
			if !bytes.Equal(EncodeAuth(back[i].Auth), EncodeAuth(entries[i].Auth)) {
				t.Fatalf("entry %d changed", i)
			}
		}
	})
}
