package scenario

import (
	"sort"
	"strings"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/storage"
)

// JournaledRT is a token of Bob's that exists only in the journal of the
// load cases.
var JournaledRT = &Token{ID: "70c00000000040008000000000b0b0a1", User: Bob, ClientID: ClientID, Type: storage.TokenTypeNormal, Created: T0 - 10*Minute}

// The journal entries of the load cases: the first adds JournaledRT (with
// Bob's record and credential), the second removes AliceRT.
var (
	addEntry    = JournalEntry(JournalPayload(nil, nil, []*Account{Bob}, []*Token{JournaledRT}))
	removeEntry = JournalEntry(JournalPayload(nil, []string{AliceRT.ID}, nil, nil))
)

// withJournal is MainFixture's documents and a journal.
func withJournal(journal string) []core.File {
	return append(MainFixture.Files(), core.File{Path: core.PathJournal, Data: []byte(journal)})
}

// foldedAt asserts that a Load folded its journal: .storage/auth rewritten
// at once and then the journal emptied. It returns the written store.
func (s *Session) foldedAt(effects []core.Effect) string {
	s.r.Helper()
	s.True(fatalOf(effects) == nil, "no fatal")
	auth, journal := -1, -1
	var data string
	for i, e := range effects {
		if e.Write == nil {
			continue
		}
		switch e.Write.Path {
		case core.PathAuth:
			auth, data = i, string(e.Write.Data)
		case core.PathJournal:
			journal = i
			s.Equal(len(e.Write.Data), 0, "the journal is emptied")
		}
	}
	s.True(auth >= 0 && journal > auth, ".storage/auth is written, then the journal emptied")
	return data
}

// JournalSuite covers hassauth's journal (core/storage/journal.go): changes
// a reply reports are appended before the reply, the delayed write of
// .storage/auth empties it, and a Load folds it back.
func JournalSuite() *Suite {
	return &Suite{
		Name: "journal",
		Header: []string{"The journal (.storage/hassauth.journal): Home Assistant writes .storage/auth a second after a change (§3.1), so every change a reply reports",
			"is appended to the journal first; the delayed write empties it; a Load folds it in, ignoring a torn last entry and stopping on a damaged one.",
			"Entries are framed \"hassauth-journal 1 <length> <CRC-32 hex>\\n<payload>\\n\"; the scenarios check the framing on their own."},
		Groups: []Group{
			{
				Comment: "The fixture's users and tokens.",
				Config:  baseConfig(), Seed: "journal main", Fixture: WideFixture,
				Cases: []Case{
					{Name: "a new refresh token is journaled before the reply", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Persistence"},
						Expect: "the code exchange appends one private entry, before the 200, holding the new token (with its secret) and Alice's record",
						Run: func(s *Session) {
							code := s.Login(Alice)
							r := s.PostForm("/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", code)
							s.Status(r, 200)
							j := s.JournaledBefore(r.Effects)
							s.Equal(len(j.Data.RefreshTokens), 1, "one token")
							s.Equal(j.Data.RefreshTokens[0].Token, s.Str(r.Body, "refresh_token"), "the new token")
							s.Equal(len(j.Data.Users), 1, "its user")
							s.Equal(j.Data.Users[0].ID, Alice.UserID, "Alice")
						}},
					{Name: "a refresh is not journaled", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Persistence"},
						Expect: "a refresh only marks the token used; nothing is appended",
						Run: func(s *Session) {
							r := s.PostForm("/auth/token", "grant_type", "refresh_token", "refresh_token", AliceRT.Secret(), "client_id", ClientID)
							s.Status(r, 200)
							s.NotJournaled(r.Effects)
						}},
					{Name: "a revocation is journaled before the reply", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "RevokedToken"},
						Expect: "POST /auth/revoke appends an entry removing the token, before the 200",
						Run: func(s *Session) {
							r := s.PostForm("/auth/revoke", "token", AliceRT.Secret())
							s.Body(r, 200, "")
							s.Equal(s.JournaledBefore(r.Effects).RemovedTokens, []string{AliceRT.ID}, "removed token")
						}},
					{Name: "an unknown token's revocation is not journaled", Spec: "§3.1", Result: "valid", Flags: []string{"Journal"},
						Expect: "nothing changed, nothing appended",
						Run: func(s *Session) {
							r := s.PostForm("/auth/revoke", "token", "guess")
							s.Body(r, 200, "")
							s.NotJournaled(r.Effects)
						}},
					{Name: "a new user is journaled before the result", Spec: "§3.1", Result: "valid", Flags: []string{"Journal"},
						Expect: "the create_user call appends the user and credential before its Result",
						Run: func(s *Session) {
							_, err, e := s.Call("create_user", `{"username":"newbie","password":"newbie-pass"}`)
							s.True(err == nil, "create_user succeeds")
							j := s.JournaledBefore(e)
							s.True(len(j.Data.Users) == 1 && len(j.Data.Credentials) == 1, "the user and its credential")
						}},
					{Name: "a long-lived token is journaled before the websocket answer", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "WsCommand"},
						Expect: "auth/long_lived_access_token appends the new token before its result frame",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							_, e := s.OKEffects(2, `"type":"auth/long_lived_access_token","client_name":"Logger","lifespan":10`)
							s.Equal(len(s.JournaledBefore(e).Data.RefreshTokens), 1, "the new token")
						}},
					{Name: "deleting tokens over the websocket is journaled", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "WsCommand", "RevokedToken"},
						Expect: "auth/delete_all_refresh_tokens appends the removal of Alice's other tokens before {}, and the delayed deletion of the current one is journaled when it happens",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							_, e := s.OKEffects(1, `"type":"auth/delete_all_refresh_tokens"`)
							removed := s.JournaledBefore(e).RemovedTokens
							sort.Strings(removed)
							want := []string{LLATRT.ID, AliceRT2.ID, AliceRT3.ID}
							sort.Strings(want)
							s.Equal(removed, want, "removed now")
							s.Advance(2 * Second)
							e = s.Tick()
							s.Equal(s.JournaledBefore(e).RemovedTokens, []string{AliceRT.ID}, "removed after two seconds")
						}},
					{Name: "a change of expiry is journaled", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "WsCommand"},
						Expect: "auth/refresh_token_set_expiry appends the token, now without expire_at, before {}",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							_, e := s.OKEffects(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":false`)
							j := s.JournaledBefore(e)
							s.True(len(j.Data.RefreshTokens) == 1 && j.Data.RefreshTokens[0].ID == AliceRT2.ID, "the token")
						}},
					{Name: "a renamed login is journaled", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "WsCommand"},
						Expect: "admin_change_username writes the provider store at once and changes the credential's data; the credential must be journaled before null, or a crash before the delayed write leaves a login whose credential no longer matches it",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							_, e := s.OKEffects(1, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"`+Bob.UserID+`","username":"robert"`)
							j := s.JournaledBefore(e)
							s.True(len(j.Data.Credentials) == 1 && j.Data.Credentials[0].ID == Bob.CredID, "Bob's credential")
						}},
					{Name: "the delayed write empties the journal", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Persistence", "Timer"},
						Expect: "a second after a revocation .storage/auth is written without the token, then the journal is emptied (written with no bytes)",
						Run: func(s *Session) {
							s.PostForm("/auth/revoke", "token", AliceRT.Secret())
							s.Advance(Second)
							data := s.foldedAt(s.Tick())
							s.True(!strings.Contains(data, AliceRT.Secret()), "the token is gone from the store")
						}},
					{Name: "no journal, no emptying", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Persistence", "Timer"},
						Expect: "the rewrite five minutes after the load, with nothing journaled, writes .storage/auth only",
						Run: func(s *Session) {
							s.Advance(300 * Second)
							e := s.Tick()
							s.Equal(len(Writes(e, core.PathAuth)), 1, ".storage/auth written")
							s.Equal(len(Writes(e, core.PathJournal)), 0, "the journal untouched")
						}},
				},
			},
			{
				Comment: "No Load yet: each test loads the fixture's documents with a journal of its own.",
				Config:  baseConfig(), Seed: "journal load",
				Cases: []Case{
					{Name: "a journal is folded at load", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "two entries (a token of Bob's added, Alice's token removed): the Load rewrites .storage/auth with them and empties the journal; the journaled token refreshes and the removed one gets invalid_grant",
						Run: func(s *Session) {
							data := s.foldedAt(s.load(withJournal(addEntry + removeEntry)))
							s.True(strings.Contains(data, JournaledRT.Secret()) && !strings.Contains(data, AliceRT.Secret()), "the store holds the journal's changes")
							s.RefreshWorks(JournaledRT)
							s.RefreshRefused(AliceRT)
						}},
					{Name: "an entry replayed twice", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "entries hold whole records: the same entry twice adds the token once",
						Run: func(s *Session) {
							data := s.foldedAt(s.load(withJournal(addEntry + addEntry)))
							s.Equal(strings.Count(data, JournaledRT.Secret()), 1, "one copy of the token")
							s.RefreshWorks(JournaledRT)
						}},
					{Name: "a torn last entry is ignored", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "the second entry cut in the middle of its payload (a crash during the append, whose reply was never sent): a warning, the first entry applied, the second not",
						Run: func(s *Session) {
							e := s.load(withJournal(addEntry + removeEntry[:len(removeEntry)/2]))
							s.foldedAt(e)
							warned := false
							for _, ef := range e {
								warned = warned || ef.Log != nil && ef.Log.Level == core.LogWarning && strings.Contains(ef.Log.Message, core.PathJournal)
							}
							s.True(warned, "a warning names the journal")
							s.RefreshWorks(JournaledRT)
							s.RefreshWorks(AliceRT)
						}},
					{Name: "a torn header is ignored", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "a last entry that stops inside its header line: the entries before it apply",
						Run: func(s *Session) {
							s.foldedAt(s.load(withJournal(addEntry + "hassauth-journal 1 9")))
							s.RefreshWorks(JournaledRT)
						}},
					{Name: "a damaged entry stops the core", Spec: "§3.1", Result: "invalid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "a complete first entry whose CRC does not match, followed by another: a Fatal naming the journal, nothing written, and the core stays unloaded",
						Run: func(s *Session) {
							header, rest, _ := strings.Cut(addEntry, "\n")
							fields := strings.Fields(header)
							crc := "deadbeef"
							if fields[3] == crc {
								crc = "feedface"
							}
							damaged := strings.Join(fields[:3], " ") + " " + crc + "\n" + rest
							e := s.load(withJournal(damaged + removeEntry))
							f := fatalOf(e)
							s.True(f != nil && f.Path == core.PathJournal, "fatal for the journal")
							for _, ef := range e {
								s.True(ef.Write == nil && ef.Append == nil, "nothing written")
							}
							s.Body(s.Get("/auth/providers"), 503, "503: Service Unavailable")
						}},
					{Name: "a journal that is not one", Spec: "§3.1", Result: "invalid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "a first line without the journal's magic: a Fatal naming the journal",
						Run: func(s *Session) {
							f := fatalOf(s.load(withJournal("not a journal\n")))
							s.True(f != nil && f.Path == core.PathJournal, "fatal for the journal")
						}},
					{Name: "an empty journal", Spec: "§3.1", Result: "valid", Flags: []string{"Journal", "Lifecycle"},
						Expect: "nothing to fold: the Load writes nothing and the fixture's tokens work",
						Run: func(s *Session) {
							e := s.load(withJournal(""))
							s.True(fatalOf(e) == nil, "no fatal")
							s.Equal(len(Writes(e, core.PathAuth))+len(Writes(e, core.PathJournal)), 0, "nothing written")
							s.RefreshWorks(AliceRT)
						}},
				},
			},
		},
	}
}
