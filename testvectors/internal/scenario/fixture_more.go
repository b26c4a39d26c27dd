package scenario

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"strconv"
	"strings"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/storage"
)

// More users and tokens, for the suites of the websocket commands, user
// administration and the journal. They are kept out of MainFixture so that
// the older suites' documents stay as they were.
var (
	// Grace is an administrator who is not the owner.
	Grace = &Account{UserID: "9ace0000000040008000000000000007", CredID: "c000000000004000800000009ace0007", Name: "Grace",
		Username: "grace", Password: "grace-pass-7", Group: storage.GroupIDAdmin, Active: true}
	// Heidi is in the read-only group.
	Heidi = &Account{UserID: "4e1d1000000040008000000000000008", CredID: "c0000000000040008000000004e1d108", Name: "Heidi",
		Username: "heidi", Password: "heidi-pass-8", Group: storage.GroupIDReadOnly, Active: true}
)

// More refresh tokens.
var (
	GraceRT = &Token{ID: "70c0000000004000800000009ace0007", User: Grace, ClientID: ClientID, Type: storage.TokenTypeNormal}
	HeidiRT = &Token{ID: "70c0000000004000800000004e1d1008", User: Heidi, ClientID: ClientID, Type: storage.TokenTypeNormal}
	ErinRT  = &Token{ID: "70c0000000004000800000000e210005", User: Erin, ClientID: ClientID, Type: storage.TokenTypeNormal}
	// AliceRT2 and AliceRT3 are Alice's other normal tokens (WS-06..09:
	// with AliceRT and LLATRT she has three normal tokens and one
	// long-lived one).
	AliceRT2 = &Token{ID: "70c0000000004000800000000a11ce02", User: Alice, ClientID: ClientID, Type: storage.TokenTypeNormal}
	AliceRT3 = &Token{ID: "70c0000000004000800000000a11ce03", User: Alice, ClientID: ClientID + "_1", Type: storage.TokenTypeNormal}
)

// WideFixture holds every account and token of MainFixture and the ones
// above.
var WideFixture = &Fixture{
	Accounts: append(append([]*Account{}, Accounts...), Grace, Heidi),
	Tokens:   append(append([]*Token{}, Tokens...), AliceRT2, AliceRT3, ErinRT, GraceRT, HeidiRT),
}

// NotifyFile is .storage/auth_module.notify with each user's service and
// target ("" for none).
func NotifyFile(users ...NotifyUser) core.File {
	var d storage.NotifyData
	for _, u := range users {
		nu := storage.NotifyUser{UserID: u.User.UserID, NotifyService: storage.Some(u.Service)}
		if u.Target != "" {
			nu.Target = storage.Some(u.Target)
		}
		d.Users = append(d.Users, nu)
	}
	return core.File{Path: core.PathNotify, Data: storage.EncodeNotify(d)}
}

// NotifyUser is a user's notify MFA setting.
type NotifyUser struct {
	User    *Account
	Service string
	Target  string
}

// JournalEntry frames one journal entry the way the journal is specified
// (storage/journal.go): a header line with the payload's length and
// CRC-32, then the payload and a newline. The framing is written here on
// its own, not by the core's encoder.
func JournalEntry(payload string) string {
	return "hassauth-journal 1 " + strconv.Itoa(len(payload)) + " " +
		strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(payload))), 16) + "\n" + payload + "\n"
}

// JournalPayload is an entry's payload: the ids removed and the records
// put in place (users with their credentials, tokens).
func JournalPayload(removedUsers, removedTokens []string, users []*Account, tokens []*Token) string {
	doc := storage.EncodeAuth(storage.DefaultAuth())
	f := &Fixture{Accounts: users, Tokens: tokens}
	for _, file := range f.Files() {
		if file.Path == core.PathAuth {
			doc = file.Data
		}
	}
	var auth struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(doc, &auth); err != nil {
		panic(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, auth.Data); err != nil {
		panic(err)
	}
	return `{"removed_users":` + jsonList(removedUsers) + `,"removed_tokens":` + jsonList(removedTokens) + `,"data":` + b.String() + `}`
}

func jsonList(ids []string) string {
	if ids == nil {
		ids = []string{}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// Journal is one journal entry read back from an Append effect: its
// framing checked (length and CRC-32) and its payload decoded.
type Journal struct {
	RemovedUsers  []string `json:"removed_users"`
	RemovedTokens []string `json:"removed_tokens"`
	Data          struct {
		Users         []struct{ ID string } `json:"users"`
		Credentials   []struct{ ID string } `json:"credentials"`
		RefreshTokens []struct {
			ID    string `json:"id"`
			Token string `json:"token"`
		} `json:"refresh_tokens"`
	} `json:"data"`
}

// ReadJournal checks an appended entry's framing and decodes it.
func (s *Session) ReadJournal(a core.Append) Journal {
	s.r.Helper()
	header, rest, ok := strings.Cut(string(a.Data), "\n")
	f := strings.Fields(strings.TrimPrefix(header, "hassauth-journal 1 "))
	if !ok || !strings.HasPrefix(header, "hassauth-journal 1 ") || len(f) != 2 {
		s.r.Fatalf("journal header %q", header)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || len(rest) != n+1 || rest[n] != '\n' {
		s.r.Fatalf("journal entry length: header says %s, payload has %d bytes", f[0], len(rest)-1)
	}
	payload := rest[:n]
	if strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(payload))), 16) != f[1] {
		s.r.Fatalf("journal CRC-32 %s does not match the payload", f[1])
	}
	var j Journal
	if err := json.Unmarshal([]byte(payload), &j); err != nil {
		s.r.Fatalf("journal payload: %v", err)
	}
	return j
}

// Appends returns the Append effects of path.
func Appends(effects []core.Effect, path string) []core.Append {
	var out []core.Append
	for _, e := range effects {
		if e.Append != nil && e.Append.Path == path {
			out = append(out, *e.Append)
		}
	}
	return out
}

// JournaledBefore asserts exactly one journal entry in effects, private,
// before the first effect that answers anyone (a reply, a websocket frame
// or close, a call's result), and returns it decoded.
func (s *Session) JournaledBefore(effects []core.Effect) Journal {
	s.r.Helper()
	at, first := -1, -1
	var entry core.Append
	n := 0
	for i, e := range effects {
		if e.Append != nil && e.Append.Path == core.PathJournal {
			at, entry = i, *e.Append
			n++
		}
		if first < 0 && (e.Reply != nil || e.Send != nil || e.Close != nil || e.Result != nil) {
			first = i
		}
	}
	s.Equal(n, 1, "journal entries")
	s.True(first < 0 || at < first, "the journal entry comes before the first answer")
	s.True(entry.Private, "the journal is private")
	return s.ReadJournal(entry)
}

// NotJournaled asserts that effects append nothing to the journal.
func (s *Session) NotJournaled(effects []core.Effect) {
	s.r.Helper()
	s.Equal(len(Appends(effects, core.PathJournal)), 0, "journal entries")
}

// JWTPart decodes a base64url segment of a JWS.
func (s *Session) JWTPart(tok string, i int) string {
	s.r.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		s.r.Fatalf("not a JWS: %q", tok)
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[i])
	if err != nil {
		s.r.Fatalf("segment %d of %q: %v", i, tok, err)
	}
	return string(b)
}
