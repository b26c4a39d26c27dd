package scenario

import (
	"strings"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/storage"
)

// ExpiringRT is a token of Bob's that expires an hour after T0.
var ExpiringRT = &Token{ID: "70c00000000040008000000000b0b0e1", User: Bob, ClientID: ClientID, Type: storage.TokenTypeNormal,
	ExpireAt: T0/Second + 3600}

// load sends a Load of files and returns its effects.
func (s *Session) load(files []core.File) []core.Effect {
	s.r.Helper()
	return s.Step(core.Input{Load: &core.Load{Files: files}}).Effects
}

func fatalOf(effects []core.Effect) *core.Fatal {
	for _, e := range effects {
		if e.Fatal != nil {
			return e.Fatal
		}
	}
	return nil
}

// LifecycleSuite covers loading, input before the load, stored documents
// that do not parse, delayed writes and the purge of expired tokens.
func LifecycleSuite() *Suite {
	withExpiring := &Fixture{Accounts: Accounts, Tokens: append(append([]*Token{}, Tokens...), ExpiringRT)}
	return &Suite{
		Name:   "lifecycle",
		Header: []string{"The Load, input before it, unparsable stored documents, Home Assistant's delayed writes, and the purge of expired refresh tokens."},
		Groups: []Group{
			{
				Comment: "No Load yet: each test sends its own.",
				Config:  baseConfig(), Seed: "lifecycle unloaded",
				Cases: []Case{
					{Name: "HTTP before the load", Spec: "§3", Result: "invalid", Flags: []string{"Lifecycle"},
						Expect: `503 "503: Service Unavailable"`,
						Run: func(s *Session) {
							s.Body(s.Get("/auth/providers"), 503, "503: Service Unavailable")
						}},
					{Name: "call before the load", Spec: "§3", Result: "invalid", Flags: []string{"Lifecycle"},
						Expect: "the call fails with not_loaded",
						Run:    callFails("list_users", "", "not_loaded", "")},
					{Name: "websocket before the load", Spec: "§3", Result: "invalid", Flags: []string{"Lifecycle", "Websocket"},
						Expect: "the connection is closed without auth_required",
						Run: func(s *Session) {
							e := s.WSOpen(1)
							s.Equal(len(Sends(e, 1)), 0, "no auth_required")
							s.closed(e, 1)
						}},
					{Name: "load, then serve", Spec: "§3", Result: "valid", Flags: []string{"Lifecycle", "Normal"},
						Expect: "after the Load the stored users log in; the core asks for a tick at the initial save delay (300 s)",
						Run: func(s *Session) {
							s.Equal(fatalOf(s.load(MainFixture.Files())), (*core.Fatal)(nil), "no fatal")
							s.Equal(s.Deadline, s.Now+300*Second, "deadline")
							s.Exchange(s.Login(Alice), "homeassistant")
						}},
					{Name: "unparsable .storage/auth", Spec: "§3.1", Result: "invalid", Flags: []string{"Lifecycle"},
						Expect: "a Fatal naming .storage/auth; nothing is written",
						Run: func(s *Session) {
							e := s.load([]core.File{{Path: core.PathAuth, Data: []byte(`{"version": 1, "key": "auth", "data": {`)}})
							f := fatalOf(e)
							s.True(f != nil && f.Path == core.PathAuth, "fatal for .storage/auth")
							for _, ef := range e {
								s.True(ef.Write == nil && ef.Append == nil, "nothing written")
							}
						}},
					{Name: "unparsable provider store", Spec: "§3.2", Result: "invalid", Flags: []string{"Lifecycle"},
						Expect: "a Fatal naming .storage/auth_provider.homeassistant",
						Run: func(s *Session) {
							files := MainFixture.Files()
							files[1].Data = []byte("not json")
							f := fatalOf(s.load(files))
							s.True(f != nil && f.Path == core.PathProvider, "fatal for the provider store")
						}},
					{Name: "the core stays unloaded after a fatal load", Spec: "§3", Result: "invalid", Flags: []string{"Lifecycle"},
						Expect: "requests after a refused Load still get 503",
						Run: func(s *Session) {
							s.True(fatalOf(s.load([]core.File{{Path: core.PathAuth, Data: []byte(`[`)}})) != nil, "fatal")
							s.Body(s.Get("/auth/providers"), 503, "503: Service Unavailable")
						}},
					{Name: "a second load", Spec: "§3", Result: "invalid", Flags: []string{"Lifecycle"},
						Expect: "a Fatal: the storage is already loaded",
						Run: func(s *Session) {
							s.load(MainFixture.Files())
							s.True(fatalOf(s.load(MainFixture.Files())) != nil, "fatal")
						}},
				},
			},
			{
				Comment: "The fixture's users and tokens, and a token of Bob's that expires an hour after the start.",
				Config:  baseConfig(), Seed: "lifecycle main", Fixture: withExpiring,
				Cases: []Case{
					{Name: "initial save after five minutes", Spec: "§3.1", Result: "valid", Flags: []string{"Persistence", "Timer"},
						Expect: "nothing is written before 300 s; at 300 s .storage/auth is rewritten with every user and token",
						Run: func(s *Session) {
							s.Advance(300*Second - 1)
							s.Equal(len(Writes(s.Tick(), core.PathAuth)), 0, "not yet")
							s.Advance(1)
							w := Writes(s.Tick(), core.PathAuth)
							s.Equal(len(w), 1, "written")
							s.True(w[0].Private, "private file")
							for _, a := range Accounts {
								s.True(strings.Contains(string(w[0].Data), a.UserID), "user "+a.Name+" kept")
							}
						}},
					{Name: "a new token is saved a second later", Spec: "§3.1", Result: "valid", Flags: []string{"Persistence", "Timer"},
						Expect: "after a code exchange the save moves to one second later and the written store holds the new refresh token",
						Run: func(s *Session) {
							_, refresh := s.Exchange(s.Login(Alice), "homeassistant")
							s.Equal(s.Deadline, s.Now+Second, "deadline")
							s.Advance(Second)
							w := Writes(s.Tick(), core.PathAuth)
							s.Equal(len(w), 1, "written")
							s.True(strings.Contains(string(w[0].Data), refresh), "the new token is stored")
						}},
					{Name: "a revoked token is gone from the next save", Spec: "§3.1", Result: "valid", Flags: []string{"Persistence", "RevokedToken"},
						Expect: "the store written after a revoke no longer holds the token",
						Run: func(s *Session) {
							s.Body(s.PostForm("/auth/revoke", "token", AliceRT.Secret()), 200, "")
							s.Advance(Second)
							w := Writes(s.Tick(), core.PathAuth)
							s.Equal(len(w), 1, "written")
							s.True(!strings.Contains(string(w[0].Data), AliceRT.Secret()), "the token is gone")
							s.True(strings.Contains(string(w[0].Data), BobRT.Secret()), "others stay")
						}},
					{Name: "a stream of changes is written within ten seconds", Spec: "§3.1", Result: "acceptable", Flags: []string{"Persistence", "HassauthBound"},
						Expect: "refreshes every 0.9 s keep postponing Home Assistant's one-second delay; hassauth writes no later than ten seconds after the first pending change",
						Run: func(s *Session) {
							for i := 0; i < 11; i++ {
								s.Advance(900 * 1000)
								s.Refresh(AliceRT.Secret(), ClientID)
							}
							s.True(s.Deadline <= T0+900*1000+10*Second, "deadline bounded: ten seconds after the first pending change")
							s.Advance(s.Deadline - s.Now)
							s.Equal(len(Writes(s.Tick(), core.PathAuth)), 1, "written")
						}},
					{Name: "expired refresh token is purged at its expiry", Spec: "§4.6", Result: "invalid", Flags: []string{"ExpiredToken", "Timer"},
						Expect: "its access tokens work a second before expire_at; at expire_at the purge removes it, its websocket closes and the refresh token gets invalid_grant",
						Run: func(s *Session) {
							s.Advance(Hour - Minute)
							s.WSAuth(1, s.AccessNow(ExpiringRT))
							s.Advance(Minute - Second)
							s.Tick()
							s.APIOK(ExpiringRT.Access(nowSec(s) - 10))
							s.Advance(Second)
							e := s.Tick()
							s.closed(e, 1)
							s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", ExpiringRT.Secret(), "client_id", ClientID)
						}},
					{Name: "using a token slides its expiry", Spec: "§4.5", Result: "valid", Flags: []string{"Timer", "Normal"},
						Expect: "a refresh half an hour before expiry sets expire_at 90 days on; the purge at the old expiry keeps it",
						Run: func(s *Session) {
							s.Advance(30 * Minute)
							s.Refresh(ExpiringRT.Secret(), ClientID)
							s.Advance(30 * Minute)
							s.Tick()
							s.Refresh(ExpiringRT.Secret(), ClientID)
						}},
				},
			},
		},
	}
}
