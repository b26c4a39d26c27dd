package storage

import (
	"bytes"
	"errors"
	"hash/crc32"
	"slices"
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// The journal keeps the changes made to .storage/auth since it was last
// written, so that a change a reply reported survives a crash even though
// .storage/auth itself is written with Home Assistant's delay. Each entry is
// appended and synced before the reply; writing .storage/auth empties the
// journal; loading replays it. Replaying an entry twice is harmless: entries
// hold whole records to put in place and ids to remove.
//
// An entry is framed as a header line and a payload:
//
//	hassauth-journal 1 <payload length> <CRC-32 of the payload, hex>\n
//	<payload>\n
//
// The payload is compact JSON: {"removed_users": [...], "removed_tokens":
// [...], "data": <the data object of .storage/auth holding the changed
// records>}. The data object holds every user whose record or credentials
// changed and every changed token with its owner's user record and
// credentials, so it decodes on its own with the same rules as the store.

// JournalEntry is one entry: records to put in place, then ids to remove.
type JournalEntry struct {
	Auth          AuthData
	RemovedUsers  []string
	RemovedTokens []string
}

const journalMagic = "hassauth-journal 1 "

// AppendJournalEntry appends an entry's framed bytes to buf.
func AppendJournalEntry(buf []byte, je JournalEntry) []byte {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("removed_users")
	writeIDs(e, je.RemovedUsers)
	e.Key("removed_tokens")
	writeIDs(e, je.RemovedTokens)
	e.Key("data")
	appendAuthData(e, je.Auth)
	e.EndObject()
	payload := e.Bytes()
	buf = append(buf, journalMagic...)
	buf = strconv.AppendInt(buf, int64(len(payload)), 10)
	buf = append(buf, ' ')
	buf = strconv.AppendUint(buf, uint64(crc32.ChecksumIEEE(payload)), 16)
	buf = append(buf, '\n')
	buf = append(buf, payload...)
	return append(buf, '\n')
}

func writeIDs(e *orjson.Encoder, ids []string) {
	e.BeginArray()
	for _, id := range ids {
		e.String(id)
	}
	e.EndArray()
}

// ErrJournalDamaged is returned for a journal whose complete entries do not
// check out: something other than a crash changed it.
var ErrJournalDamaged = errors.New("journal: damaged entry")

// DecodeJournal reads a journal. An incomplete last entry, which a crash
// during an append leaves behind, is not an error: its reply was never
// sent. torn reports it.
func DecodeJournal(b []byte) (entries []JournalEntry, torn bool, err error) {
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return entries, true, nil
		}
		header := b[:nl]
		if !bytes.HasPrefix(header, []byte(journalMagic)) {
			return nil, false, ErrJournalDamaged
		}
		fields := bytes.Fields(header[len(journalMagic):])
		if len(fields) != 2 {
			return nil, false, ErrJournalDamaged
		}
		n, err1 := strconv.Atoi(string(fields[0]))
		sum, err2 := strconv.ParseUint(string(fields[1]), 16, 32)
		if err1 != nil || err2 != nil || n < 0 {
			return nil, false, ErrJournalDamaged
		}
		rest := b[nl+1:]
		if len(rest) < n+1 {
			return entries, true, nil
		}
		payload := rest[:n]
		if rest[n] != '\n' || uint64(crc32.ChecksumIEEE(payload)) != sum {
			if len(rest) == n+1 {
				return entries, true, nil
			}
			return nil, false, ErrJournalDamaged
		}
		je, err := decodeJournalPayload(payload)
		if err != nil {
			return nil, false, err
		}
		entries = append(entries, je)
		b = rest[n+1:]
	}
	return entries, false, nil
}

func decodeJournalPayload(payload []byte) (JournalEntry, error) {
	var je JournalEntry
	v, err := orjson.Parse(payload)
	if err != nil || v.Kind != orjson.Object {
		return je, ErrJournalDamaged
	}
	ids := func(key string) ([]string, error) {
		m, ok := v.Get(key)
		if !ok || m.Kind != orjson.Array {
			return nil, ErrJournalDamaged
		}
		var out []string
		for _, it := range m.Arr {
			if it.Kind != orjson.String {
				return nil, ErrJournalDamaged
			}
			out = append(out, it.Str)
		}
		return out, nil
	}
	if je.RemovedUsers, err = ids("removed_users"); err != nil {
		return je, err
	}
	if je.RemovedTokens, err = ids("removed_tokens"); err != nil {
		return je, err
	}
	data, ok := v.Get("data")
	if !ok || data.Kind != orjson.Object {
		return je, ErrJournalDamaged
	}
	doc := []byte(`{"version":1,"minor_version":1,"key":"auth","data":`)
	doc = append(doc, orjson.Marshal(data)...)
	doc = append(doc, '}')
	a, _, err := DecodeAuth(doc)
	if err != nil {
		return je, errors.Join(ErrJournalDamaged, err)
	}
	je.Auth = a
	return je, nil
}

// Apply puts a journal entry's records in place and removes its ids.
// Records keep their place when they exist and are added at the end when
// they do not; a user's credentials are replaced by the entry's.
func (a *AuthData) Apply(je JournalEntry) {
	for _, u := range je.Auth.Users {
		if i := slices.IndexFunc(a.Users, func(x User) bool { return x.ID == u.ID }); i >= 0 {
			a.Users[i] = u
		} else {
			a.Users = append(a.Users, u)
		}
		a.Credentials = slices.DeleteFunc(a.Credentials, func(c Credential) bool { return c.UserID == u.ID })
	}
	a.Credentials = append(a.Credentials, je.Auth.Credentials...)
	if len(je.Auth.RefreshTokens) > 0 {
		index := make(map[string]int, len(a.RefreshTokens))
		for i, t := range a.RefreshTokens {
			index[t.ID] = i
		}
		for _, t := range je.Auth.RefreshTokens {
			if i, ok := index[t.ID]; ok {
				a.RefreshTokens[i] = t
			} else {
				index[t.ID] = len(a.RefreshTokens)
				a.RefreshTokens = append(a.RefreshTokens, t)
			}
		}
	}
	if len(je.RemovedUsers) > 0 {
		gone := map[string]bool{}
		for _, id := range je.RemovedUsers {
			gone[id] = true
		}
		a.Users = slices.DeleteFunc(a.Users, func(u User) bool { return gone[u.ID] })
		a.Credentials = slices.DeleteFunc(a.Credentials, func(c Credential) bool { return gone[c.UserID] })
		a.RefreshTokens = slices.DeleteFunc(a.RefreshTokens, func(t RefreshToken) bool { return gone[t.UserID] })
	}
	if len(je.RemovedTokens) > 0 {
		gone := map[string]bool{}
		for _, id := range je.RemovedTokens {
			gone[id] = true
		}
		a.RefreshTokens = slices.DeleteFunc(a.RefreshTokens, func(t RefreshToken) bool { return gone[t.ID] })
	}
}
