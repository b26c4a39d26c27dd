package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/network"
	"github.com/hassauth/hassauth/core/storage"
)

// Paths of the stored documents, relative to the configuration directory.
const (
	PathAuth     = ".storage/auth"
	PathProvider = ".storage/auth_provider.homeassistant"
	PathTOTP     = ".storage/auth_module.totp"
	PathNotify   = ".storage/auth_module.notify"
	// PathJournal holds the changes made since .storage/auth was last
	// written, so that none that a reply reported is lost in a crash.
	PathJournal = ".storage/hassauth.journal"
)

// Home Assistant's save timing for .storage/auth.
const (
	// saveDelay is DEFAULT_SAVE_DELAY: a change is written a second after
	// the last change before it.
	saveDelay = 1 * authstore.Second
	// initialLoadSaveDelay is INITIAL_LOAD_SAVE_DELAY: the store is
	// rewritten five minutes after it was loaded.
	initialLoadSaveDelay = 300 * authstore.Second
	// maxSaveDelay bounds how long a stream of changes can keep postponing
	// a write; Home Assistant has no bound.
	maxSaveDelay = 10 * authstore.Second
)

// saveState tracks delayed writes: for each document with unwritten
// changes, when the first of them happened.
type saveState struct {
	since map[string]int64
}

// scheduleSave is Store.async_delay_save: the write happens delay after the
// latest request, so a burst of changes is written once. Only changes
// (delays up to saveDelay) start the maxSaveDelay bound; the rewrite after a
// load is not a change.
func (c *Core) scheduleSave(path string, delay int64) {
	at := c.now + delay
	if delay <= saveDelay {
		if c.saves.since == nil {
			c.saves.since = map[string]int64{}
		}
		first, pending := c.saves.since[path]
		if !pending {
			first = c.now
			c.saves.since[path] = first
		}
		if at > first+maxSaveDelay {
			at = first + maxSaveDelay
		}
	}
	c.timers.set(timerSave, path, at)
}

// authChanged records a change of users, credentials or tokens.
func (c *Core) authChanged() { c.scheduleSave(PathAuth, saveDelay) }

// authUsed records a token's use (last use, sliding expiry).
func (c *Core) authUsed() { c.scheduleSave(PathAuth, saveDelay) }

// saveNow writes a delayed document.
func (c *Core) saveNow(path string) {
	delete(c.saves.since, path)
	c.timers.cancel(timerSave, path)
	switch path {
	case PathAuth:
		c.writeAuth()
	}
}

// writeAuth writes .storage/auth, then empties the journal whose changes
// it now holds. A crash between the two leaves entries that replay
// harmlessly.
func (c *Core) writeAuth() {
	c.emit(Effect{Write: &Write{Path: PathAuth, Data: storage.EncodeAuth(c.authData()), Private: true}})
	if c.journalUsed {
		c.emit(Effect{Write: &Write{Path: PathJournal, Data: nil, Private: true}})
		c.journalUsed = false
	}
}

// commitChanges makes this step's changes to users, credentials and tokens
// durable before anything the step sends: one journal entry, appended
// ahead of the first reply, message or result.
func (c *Core) commitChanges() {
	ch := c.store.TakeChanges()
	if ch.Empty() {
		return
	}
	je := storage.JournalEntry{RemovedUsers: ch.RemovedUsers, RemovedTokens: ch.RemovedTokens}
	for _, g := range c.store.Groups() {
		je.Auth.Groups = append(je.Auth.Groups, groupRecord(g))
	}
	owners := map[string]bool{}
	addUser := func(u *authstore.User) {
		if u == nil || owners[u.ID] {
			return
		}
		owners[u.ID] = true
		je.Auth.Users = append(je.Auth.Users, userRecord(u))
		for _, cr := range u.Credentials {
			je.Auth.Credentials = append(je.Auth.Credentials, credentialRecord(u, cr))
		}
	}
	for _, u := range ch.Users {
		addUser(u)
	}
	for _, t := range ch.Tokens {
		addUser(c.store.User(t.UserID))
		je.Auth.RefreshTokens = append(je.Auth.RefreshTokens, tokenRecord(t))
	}
	ef := Effect{Append: &Append{Path: PathJournal, Data: storage.AppendJournalEntry(nil, je), Private: true}}
	c.journalUsed = true
	at := len(c.out)
	for i, e := range c.out {
		if e.Reply != nil || e.Send != nil || e.Close != nil || e.Result != nil {
			at = i
			break
		}
	}
	c.out = append(c.out, Effect{})
	copy(c.out[at+1:], c.out[at:])
	c.out[at] = ef
}

// flushSaves writes every delayed document now (shutdown).
func (c *Core) flushSaves() {
	for _, p := range []string{PathAuth} {
		if _, ok := c.timers.get(timerSave, p); ok {
			c.saveNow(p)
		}
	}
}

// saveProviderNow writes the homeassistant provider's users at once, as
// Home Assistant does after every change to them.
func (c *Core) saveProviderNow() {
	var d storage.ProviderData
	for _, u := range c.haUsers {
		d.Users = append(d.Users, storage.ProviderUser{Username: u.Username, Password: u.Password})
	}
	c.emit(Effect{Write: &Write{Path: PathProvider, Data: storage.EncodeProvider(d), Private: true}})
}

// load reads the stored documents. A document that does not parse stops
// the core with a Fatal naming it; nothing is written over it.
func (c *Core) load(l *Load) {
	if c.loaded {
		c.emit(Effect{Fatal: &Fatal{Message: "Auth storage is already loaded"}})
		return
	}
	files := map[string][]byte{}
	for _, f := range l.Files {
		files[f.Path] = f.Data
	}
	data := storage.DefaultAuth()
	if b, ok := files[PathAuth]; ok {
		d, notices, err := storage.DecodeAuth(b)
		if err != nil {
			c.emit(Effect{Fatal: &Fatal{Path: PathAuth, Message: err.Error()}})
			return
		}
		c.logNotices(PathAuth, notices)
		data = d
	}
	folded := false
	if b, ok := files[PathJournal]; ok && len(b) > 0 {
		entries, torn, err := storage.DecodeJournal(b)
		if err != nil {
			c.emit(Effect{Fatal: &Fatal{Path: PathJournal, Message: err.Error()}})
			return
		}
		if torn {
			c.logf(LogWarning, PathJournal+": ignoring an incomplete last entry (a crash during a write; its reply was never sent)")
		}
		for _, je := range entries {
			data.Apply(je)
		}
		folded = true
	}
	if b, ok := files[PathProvider]; ok {
		d, notices, err := storage.DecodeProvider(b)
		if err != nil {
			c.emit(Effect{Fatal: &Fatal{Path: PathProvider, Message: err.Error()}})
			return
		}
		c.logNotices(PathProvider, notices)
		for _, u := range d.Users {
			c.haUsers = append(c.haUsers, haUser{Username: u.Username, Password: u.Password})
		}
	}
	for _, m := range c.mfa {
		if ld, ok := m.(mfaLoader); ok {
			if f := ld.load(c, files); f != nil {
				c.emit(Effect{Fatal: f})
				return
			}
		}
	}
	c.store = storeFromData(data)
	for _, b := range l.Bans {
		if ip, err := network.ParseIP(b.IP); err == nil {
			c.bans.banned[ip] = true
		}
	}
	c.loaded = true
	c.store.TakeChanges()
	if folded {
		// Put the journal's changes where Home Assistant reads them.
		c.journalUsed = true
		c.writeAuth()
	}
	c.scheduleSave(PathAuth, initialLoadSaveDelay)
	c.schedulePurge()
}

// mfaLoader is a module with a stored document of its own.
type mfaLoader interface {
	load(c *Core, files map[string][]byte) *Fatal
}

func (c *Core) logNotices(path string, notices []storage.Notice) {
	for _, n := range notices {
		level := LogInfo
		if n.Level >= storage.LevelWarning {
			level = LogWarning
		}
		c.logf(level, path+": "+n.Message)
	}
}

// schedulePurge arranges the removal of expired refresh tokens at the
// earliest expiry, at most 90 days ahead.
func (c *Core) schedulePurge() {
	at := c.now + authstore.RefreshTokenExpiration
	if next, ok := c.store.NextExpiry(); ok && next < at {
		at = next
	}
	c.timers.set(timerPurge, "", at)
}

// purgeExpired removes every token whose expiry has passed and schedules
// the next run.
func (c *Core) purgeExpired() {
	expired := c.store.Expired(c.now)
	var ids []string
	for _, t := range expired {
		if c.store.RemoveToken(t) {
			ids = append(ids, t.ID)
		}
	}
	if len(ids) > 0 {
		c.authChanged()
		c.tokensGone(ids)
	}
	c.schedulePurge()
}

// authData converts the model to .storage/auth's records.
func (c *Core) authData() storage.AuthData {
	var d storage.AuthData
	for _, u := range c.store.Users() {
		d.Users = append(d.Users, userRecord(u))
	}
	for _, g := range c.store.Groups() {
		d.Groups = append(d.Groups, groupRecord(g))
	}
	for _, u := range c.store.Users() {
		for _, cr := range u.Credentials {
			d.Credentials = append(d.Credentials, credentialRecord(u, cr))
		}
	}
	for _, t := range c.store.AllTokens() {
		d.RefreshTokens = append(d.RefreshTokens, tokenRecord(t))
	}
	return d
}

func userRecord(u *authstore.User) storage.User {
	return storage.User{
		ID:              u.ID,
		GroupIDs:        u.GroupIDs,
		IsOwner:         u.IsOwner,
		IsActive:        u.IsActive,
		Name:            nullOf(u.Name),
		SystemGenerated: u.SystemGenerated,
		LocalOnly:       u.LocalOnly,
	}
}

func groupRecord(g *authstore.Group) storage.Group {
	return storage.Group{ID: g.ID, Name: storage.Some(g.Name), Policy: g.Policy, SystemGenerated: g.SystemGenerated}
}

func credentialRecord(u *authstore.User, cr *authstore.Credential) storage.Credential {
	return storage.Credential{
		ID:               cr.ID,
		UserID:           u.ID,
		AuthProviderType: cr.ProviderType,
		AuthProviderID:   nullOf(cr.ProviderID),
		Data:             cr.Data,
	}
}

func tokenRecord(t *authstore.RefreshToken) storage.RefreshToken {
	r := storage.RefreshToken{
		ID:                    t.ID,
		UserID:                t.UserID,
		ClientID:              nullOf(t.ClientID),
		ClientName:            nullOf(t.ClientName),
		ClientIcon:            nullOf(t.ClientIcon),
		TokenType:             t.Type,
		CreatedAt:             t.CreatedAt,
		AccessTokenExpiration: t.AccessTokenExpiration,
		Token:                 t.Token,
		JWTKey:                t.JWTKey,
		LastUsedIP:            nullOf(t.LastUsedIP),
		CredentialID:          nullOf(t.CredentialID),
		Version:               nullOf(t.Version),
	}
	if t.LastUsedAt != nil {
		r.LastUsedAt = storage.Some(*t.LastUsedAt)
	}
	if t.ExpireAt != nil {
		r.ExpireAt = storage.Some(*t.ExpireAt)
	}
	return r
}

// storeFromData builds the model from loaded records.
func storeFromData(d storage.AuthData) *authstore.Store {
	s := authstore.New()
	var groups []*authstore.Group
	for _, g := range d.Groups {
		groups = append(groups, &authstore.Group{ID: g.ID, Name: g.Name.V, Policy: g.Policy, SystemGenerated: g.SystemGenerated})
	}
	s.SetGroups(groups)
	// Each record and the optional values it points to share one
	// allocation: loading is most of what a short-lived core does, and
	// allocations cost far more under WebAssembly than natively.
	users := make([]loadedUser, len(d.Users))
	for i, u := range d.Users {
		lu := &users[i]
		lu.u = authstore.User{
			ID:              u.ID,
			Name:            lu.name.set(u.Name),
			IsOwner:         u.IsOwner,
			IsActive:        u.IsActive,
			SystemGenerated: u.SystemGenerated,
			LocalOnly:       u.LocalOnly,
			GroupIDs:        u.GroupIDs,
		}
		s.LoadUser(&lu.u)
	}
	creds := make([]loadedCredential, len(d.Credentials))
	for i, cr := range d.Credentials {
		lc := &creds[i]
		lc.c = authstore.Credential{
			ID:           cr.ID,
			UserID:       cr.UserID,
			ProviderType: cr.AuthProviderType,
			ProviderID:   lc.providerID.set(cr.AuthProviderID),
			Data:         cr.Data,
		}
		s.LoadCredential(&lc.c)
	}
	for _, r := range d.RefreshTokens {
		lt := &loadedToken{}
		t := &lt.t
		*t = authstore.RefreshToken{
			ID:                    r.ID,
			UserID:                r.UserID,
			ClientID:              lt.clientID.set(r.ClientID),
			ClientName:            lt.clientName.set(r.ClientName),
			ClientIcon:            lt.clientIcon.set(r.ClientIcon),
			Type:                  r.TokenType,
			CreatedAt:             r.CreatedAt,
			AccessTokenExpiration: r.AccessTokenExpiration,
			Token:                 r.Token,
			JWTKey:                r.JWTKey,
			LastUsedIP:            lt.lastUsedIP.set(r.LastUsedIP),
			Version:               lt.version.set(r.Version),
		}
		if r.LastUsedAt.Valid {
			lt.lastUsedAt = r.LastUsedAt.V
			t.LastUsedAt = &lt.lastUsedAt
		}
		if r.ExpireAt.Valid {
			lt.expireAt = r.ExpireAt.V
			t.ExpireAt = &lt.expireAt
		}
		if r.CredentialID.Valid && s.Credential(r.CredentialID.V) != nil {
			t.CredentialID = lt.credentialID.set(r.CredentialID)
		}
		if s.User(t.UserID) != nil {
			s.LoadToken(t)
		}
	}
	return s
}

// optString is the storage of an optional string a loaded record points
// to.
type optString string

// set stores n and returns a pointer to it, or nil when n is null.
func (o *optString) set(n storage.Null[string]) *string {
	if !n.Valid {
		return nil
	}
	*o = optString(n.V)
	return (*string)(o)
}

type loadedUser struct {
	u    authstore.User
	name optString
}

type loadedCredential struct {
	c          authstore.Credential
	providerID optString
}

type loadedToken struct {
	t                                                                   authstore.RefreshToken
	clientID, clientName, clientIcon, lastUsedIP, version, credentialID optString
	lastUsedAt                                                          int64
	expireAt                                                            float64
}

func nullOf(p *string) storage.Null[string] {
	if p == nil {
		return storage.Null[string]{}
	}
	return storage.Some(*p)
}

func ptrOf(n storage.Null[string]) *string {
	if !n.Valid {
		return nil
	}
	v := n.V
	return &v
}

func formatTime(us int64) string { return storage.FormatTime(us) }
