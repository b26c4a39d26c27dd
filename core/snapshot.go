package core

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/netip"
	"slices"
	"strings"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/jwt"
	"github.com/hassauth/hassauth/core/network"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
	"github.com/hassauth/hassauth/core/storage"
)

// A snapshot is the core's whole state as one line of compact JSON, so that
// a host can rebuild a core that failed (a panic, a WebAssembly trap) and
// carry on as if nothing happened. It holds everything a later Step can
// observe except the continuations of awaited effects, which are code: a
// flow that was waiting for a password check is restored idle, and the
// check's result, when it comes, is ignored. A host that snapshots only
// when no effect is outstanding loses nothing (hosts/native does).
//
// The model travels as .storage/auth, through core/storage's codec, so
// that a snapshot never encodes users and tokens a second way. Everything
// else is listed member by member below; snapshot_test.go fails when Core
// (or a struct the snapshot writes) gains a field that this file does not
// handle. Collections are written in a fixed order (maps sorted by key), so
// the same state always gives the same bytes.

// snapshotVersion is the "hassauth_snapshot" member; Restore refuses any
// other.
const snapshotVersion = 1

func snapErr(msg string) error { return errors.New("core: unusable snapshot: " + msg) }

// configDigest identifies the configuration a snapshot was taken with.
// Restore needs the same one: providers and modules are rebuilt from it.
func configDigest(cfg Config) string {
	sum := sha256.Sum256(AppendConfig(nil, cfg))
	return hex.EncodeToString(sum[:])
}

// stateful is a provider or MFA module with state beyond its
// configuration.
type stateful interface {
	appendState(e *orjson.Encoder)
	restoreState(v orjson.Value) error
}

// Snapshot returns the core's state, from which Restore rebuilds it. The
// error is always nil today; it is there for states that cannot be written.
func (c *Core) Snapshot() ([]byte, error) {
	return c.AppendSnapshot(nil)
}

// AppendSnapshot appends the core's snapshot to b.
func (c *Core) AppendSnapshot(b []byte) ([]byte, error) {
	e := orjson.NewEncoder(b, false)
	e.BeginObject()
	e.Key("hassauth_snapshot")
	e.Int(snapshotVersion)
	e.Key("config")
	e.String(configDigest(c.cfg))
	e.Key("now")
	e.Int(c.now)
	e.Key("loaded")
	e.Bool(c.loaded)
	e.Key("next_id")
	e.Int(int64(c.nextID))
	e.Key("rng")
	e.String(base64.StdEncoding.EncodeToString(c.rng.marshal()))
	e.Key("journal_used")
	e.Bool(c.journalUsed)
	e.Key("sign_key")
	encKey(e, c.signKey)
	e.Key("external_key")
	encKey(e, c.externalKey)

	e.Key("timers")
	e.BeginObject()
	e.Key("seq")
	e.Int(int64(c.timers.seq))
	e.Key("list")
	e.BeginArray()
	for _, t := range c.timers.list {
		e.BeginArray()
		e.Int(t.At)
		e.Int(int64(t.Kind))
		e.String(t.Key)
		e.Int(int64(t.Seq))
		e.EndArray()
	}
	e.EndArray()
	e.EndObject()

	e.Key("saves")
	e.BeginArray()
	for _, p := range sortedKeys(c.saves.since) {
		e.BeginArray()
		e.String(p)
		e.Int(c.saves.since[p])
		e.EndArray()
	}
	e.EndArray()

	e.Key("bans")
	e.BeginObject()
	e.Key("failed")
	e.BeginArray()
	for _, ip := range sortedAddrs(c.bans.failed) {
		e.BeginArray()
		e.String(ip.String())
		e.Int(int64(c.bans.failed[ip]))
		e.EndArray()
	}
	e.EndArray()
	e.Key("banned")
	e.BeginArray()
	for _, ip := range sortedAddrs(c.bans.banned) {
		// A false entry is never written, but keep it exact.
		e.BeginArray()
		e.String(ip.String())
		e.Bool(c.bans.banned[ip])
		e.EndArray()
	}
	e.EndArray()
	e.EndObject()

	e.Key("ha_users")
	e.BeginArray()
	for _, u := range c.haUsers {
		e.BeginArray()
		e.String(u.Username)
		e.String(u.Password)
		e.EndArray()
	}
	e.EndArray()

	e.Key("providers")
	e.BeginArray()
	for _, p := range c.providers {
		if s, ok := p.(stateful); ok {
			s.appendState(e)
		} else {
			e.Null()
		}
	}
	e.EndArray()
	e.Key("mfa")
	e.BeginArray()
	for _, m := range c.mfa {
		if s, ok := m.(stateful); ok {
			s.appendState(e)
		} else {
			e.Null()
		}
	}
	e.EndArray()

	e.Key("flows")
	e.BeginArray()
	ids := make([]string, 0, len(c.flows))
	for id := range c.flows {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		encFlow(e, c.flows[id])
	}
	e.EndArray()

	e.Key("mfa_setups")
	e.BeginArray()
	for _, id := range sortedKeys(c.mfaSetups) {
		encSetupFlow(e, c.mfaSetups[id])
	}
	e.EndArray()

	e.Key("codes")
	e.BeginArray()
	// Sorting pointers shares one instantiation of the sort with every
	// other pointer sort; a slice of structs would get its own copy of it
	// in the WebAssembly module.
	keys := make([]*codeKey, 0, len(c.codes))
	for k := range c.codes {
		keys = append(keys, &k)
	}
	slices.SortFunc(keys, func(a, b *codeKey) int {
		if n := strings.Compare(a.ClientID, b.ClientID); n != 0 {
			return n
		}
		return strings.Compare(a.Code, b.Code)
	})
	for _, k := range keys {
		ac := c.codes[*k]
		e.BeginObject()
		e.Key("client_id")
		e.String(k.ClientID)
		e.Key("code")
		e.String(k.Code)
		e.Key("created")
		e.Int(ac.Created)
		e.Key("credential")
		encCredential(e, ac.Credential)
		e.Key("challenge")
		e.String(ac.Challenge)
		e.EndObject()
	}
	e.EndArray()

	e.Key("conns")
	e.BeginArray()
	for _, conn := range c.sortedConns() {
		e.BeginObject()
		e.Key("id")
		e.Int(int64(conn.ID))
		e.Key("ip")
		if conn.IP.IsValid() {
			e.String(conn.IP.String())
		} else {
			e.String("")
		}
		e.Key("authed")
		e.Bool(conn.Authed)
		e.Key("user_id")
		e.String(conn.UserID)
		e.Key("token_id")
		e.String(conn.TokenID)
		e.Key("last_id")
		e.Int(conn.LastID)
		e.Key("user_agent")
		e.String(conn.userAgent)
		e.EndObject()
	}
	e.EndArray()

	if c.loaded {
		// Last, being by far the largest member.
		e.Key("auth")
		e.Raw(compactJSON(nil, storage.EncodeAuth(c.authData())))
	}
	e.EndObject()
	return e.Bytes(), nil
}

func encFlow(e *orjson.Encoder, f *loginFlow) {
	e.BeginObject()
	e.Key("id")
	e.String(f.ID)
	e.Key("handler")
	writeHandler(e, f.Handler)
	e.Key("created_at")
	e.Int(f.CreatedAt)
	e.Key("ip")
	e.String(f.IP)
	e.Key("credential_only")
	e.Bool(f.CredentialOnly)
	e.Key("redirect_uri")
	e.String(f.RedirectURI)
	e.Key("challenge")
	e.String(f.Challenge)
	e.Key("step_id")
	e.String(f.StepID)
	// The form is code; Restore rebuilds it from the step.
	e.Key("has_form")
	e.Bool(f.Form != nil)
	e.Key("unknown_user")
	e.Bool(f.UnknownUser)
	e.Key("user_id")
	e.String(f.UserID)
	e.Key("credential")
	encCredential(e, f.Credential)
	e.Key("available_mfa")
	e.BeginArray()
	for _, id := range f.AvailableMFA {
		e.String(id)
	}
	e.EndArray()
	e.Key("mfa_module")
	e.String(f.MFAModule)
	e.Key("invalid_mfa_times")
	e.Int(int64(f.InvalidMFATimes))
	e.Key("scratch")
	e.Value(f.Scratch)
	e.EndObject()
}

func encSetupFlow(e *orjson.Encoder, f *mfaSetupFlow) {
	e.BeginObject()
	e.Key("id")
	e.String(f.ID)
	e.Key("module_id")
	e.String(f.ModuleID)
	e.Key("user_id")
	e.String(f.UserID)
	e.Key("step_id")
	e.String(f.StepID)
	e.Key("has_form")
	e.Bool(f.Form != nil)
	e.Key("touched")
	e.Int(f.Touched)
	e.Key("secret")
	e.String(f.Secret)
	e.Key("url")
	e.String(f.URL)
	e.Key("qr_code")
	e.String(f.QRCode)
	e.Key("counter")
	e.Int(int64(f.Counter))
	e.Key("service")
	e.String(f.Service)
	e.Key("target")
	e.StringOrNull(f.Target)
	e.Key("code_error")
	e.String(f.CodeError)
	e.EndObject()
}

// encKey writes a signing key's prepared state, or null.
func encKey(e *orjson.Encoder, k *jwt.Key) {
	if k == nil {
		e.Null()
		return
	}
	b, _ := k.MarshalBinary()
	e.String(base64.StdEncoding.EncodeToString(b))
}

func decKey(v orjson.Value) (*jwt.Key, error) {
	if v.Kind == orjson.Null {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(v.Str)
	if err != nil {
		return nil, snapErr("bad key state")
	}
	k := new(jwt.Key)
	if err := k.UnmarshalBinary(b); err != nil {
		return nil, snapErr(err.Error())
	}
	return k, nil
}

func encCredential(e *orjson.Encoder, cr *authstore.Credential) {
	if cr == nil {
		e.Null()
		return
	}
	e.BeginObject()
	e.Key("id")
	e.String(cr.ID)
	e.Key("user_id")
	e.String(cr.UserID)
	e.Key("type")
	e.String(cr.ProviderType)
	e.Key("provider_id")
	e.StringOrNull(cr.ProviderID)
	e.Key("data")
	e.Value(cr.Data)
	e.Key("is_new")
	e.Bool(cr.IsNew)
	e.EndObject()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sortedAddrs[V any](m map[netip.Addr]V) []netip.Addr {
	// Pointers, for the reason given at the codes in AppendSnapshot.
	ptrs := make([]*netip.Addr, 0, len(m))
	for k := range m {
		ptrs = append(ptrs, &k)
	}
	slices.SortFunc(ptrs, func(a, b *netip.Addr) int { return a.Compare(*b) })
	out := make([]netip.Addr, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out
}

// compactJSON appends src without the whitespace between tokens.
func compactJSON(dst, src []byte) []byte {
	dst = slices.Grow(dst, len(src))
	inString, escaped := false, false
	for _, ch := range src {
		if inString {
			dst = append(dst, ch)
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
			continue
		}
		switch ch {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inString = true
		}
		dst = append(dst, ch)
	}
	return dst
}

// Restore rebuilds a core from a snapshot taken with the same
// configuration. The result continues exactly as the snapshotted core
// would, except that results of effects that were outstanding when the
// snapshot was taken are ignored.
func Restore(cfg Config, snapshot []byte) (*Core, error) {
	c, err := New(cfg, [32]byte{})
	if err != nil {
		return nil, err
	}
	if err := c.restore(snapshot); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Core) restore(snapshot []byte) error {
	d := orjson.NewDecoder(snapshot)
	var (
		top     = orjson.Value{Kind: orjson.Object}
		authRaw []byte
	)
	err := d.Object(func(key []byte) error {
		if string(key) == "auth" {
			start := d.Offset()
			if err := d.Skip(); err != nil {
				return err
			}
			authRaw = bytes.TrimSpace(snapshot[start:d.Offset()])
			return nil
		}
		v, err := d.Value()
		if err != nil {
			return err
		}
		top.Obj = append(top.Obj, orjson.Member{Key: string(key), Value: v})
		return nil
	})
	if err == nil {
		err = d.Finish()
	}
	if err != nil {
		return snapErr(err.Error())
	}
	f := obj(top)
	if v := f.int("hassauth_snapshot"); v != snapshotVersion {
		return snapErr("not a version 1 hassauth snapshot")
	}
	if f.str("config") != configDigest(c.cfg) {
		return snapErr("taken with another configuration")
	}
	c.now = f.int("now")
	c.loaded = f.bool("loaded")
	c.nextID = f.uint("next_id")
	rng, err := base64.StdEncoding.DecodeString(f.str("rng"))
	if err != nil || unmarshalRNG(c.rng, rng) != nil {
		return snapErr("bad rng state")
	}
	c.journalUsed = f.bool("journal_used")
	sk, _ := f.get("sign_key")
	if c.signKey, err = decKey(sk); err != nil {
		return err
	}
	xk, _ := f.get("external_key")
	if c.externalKey, err = decKey(xk); err != nil {
		return err
	}

	if m, ok := f.get("timers"); ok {
		g := obj(m)
		c.timers = timers{seq: g.uint("seq")}
		g.list("list", func(it orjson.Value) {
			if it.Kind != orjson.Array || len(it.Arr) != 4 {
				g.fail("a timer is [at, kind, key, seq]")
				return
			}
			at, _ := it.Arr[0].Int()
			kind, _ := it.Arr[1].Int()
			seq, _ := it.Arr[3].Int()
			c.timers.list = append(c.timers.list, timer{At: at, Kind: timerKind(kind), Key: it.Arr[2].Str, Seq: uint64(seq)})
		})
		f.take(g)
	}

	c.saves = saveState{}
	f.list("saves", func(it orjson.Value) {
		if it.Kind != orjson.Array || len(it.Arr) != 2 {
			f.fail("a save is [path, since]")
			return
		}
		since, _ := it.Arr[1].Int()
		if c.saves.since == nil {
			c.saves.since = map[string]int64{}
		}
		c.saves.since[it.Arr[0].Str] = since
	})

	if m, ok := f.get("bans"); ok {
		g := obj(m)
		g.list("failed", func(it orjson.Value) {
			ip, err := network.ParseIP(pairKey(it))
			n, _ := pairValue(it).Int()
			if err != nil {
				g.fail("bad banned address")
				return
			}
			c.bans.failed[ip] = int(n)
		})
		g.list("banned", func(it orjson.Value) {
			ip, err := network.ParseIP(pairKey(it))
			if err != nil {
				g.fail("bad banned address")
				return
			}
			c.bans.banned[ip] = pairValue(it).Bool
		})
		f.take(g)
	}

	c.haUsers = nil
	f.list("ha_users", func(it orjson.Value) {
		c.haUsers = append(c.haUsers, haUser{Username: pairKey(it), Password: pairValue(it).Str})
	})

	if f.err != nil {
		return f.err
	}
	if err := restoreStates(f, "providers", len(c.providers), func(i int) any { return c.providers[i] }); err != nil {
		return err
	}
	if err := restoreStates(f, "mfa", len(c.mfa), func(i int) any { return c.mfa[i] }); err != nil {
		return err
	}

	if c.loaded {
		if authRaw == nil {
			return snapErr("no auth member")
		}
		data, _, err := storage.DecodeAuth(authRaw)
		if err != nil {
			return snapErr("auth: " + err.Error())
		}
		c.store = storeFromData(data)
	}

	var ferr error
	f.list("flows", func(it orjson.Value) {
		fl, err := c.flowFrom(it)
		if err != nil {
			if ferr == nil {
				ferr = err
			}
			return
		}
		c.flows[fl.ID] = fl
	})
	f.list("mfa_setups", func(it orjson.Value) {
		sf, err := c.setupFlowFrom(it)
		if err != nil {
			if ferr == nil {
				ferr = err
			}
			return
		}
		if c.mfaSetups == nil {
			c.mfaSetups = map[string]*mfaSetupFlow{}
		}
		c.mfaSetups[sf.ID] = sf
	})
	f.list("codes", func(it orjson.Value) {
		g := obj(it)
		ac := &authCode{Created: g.int("created"), Challenge: g.str("challenge")}
		cm, _ := g.get("credential")
		ac.Credential = c.credentialFrom(g, cm)
		c.codes[codeKey{ClientID: g.str("client_id"), Code: g.str("code")}] = ac
		f.take(g)
	})
	f.list("conns", func(it orjson.Value) {
		g := obj(it)
		conn := &wsConn{ID: g.uint("id"), Authed: g.bool("authed"), UserID: g.str("user_id"), TokenID: g.str("token_id"), LastID: g.int("last_id"), userAgent: g.str("user_agent")}
		if s := g.str("ip"); s != "" {
			ip, err := network.ParseIP(s)
			if err != nil {
				g.fail("bad connection address")
			}
			conn.IP = ip
		}
		c.conns[conn.ID] = conn
		f.take(g)
	})
	if ferr != nil {
		return ferr
	}
	return f.err
}

// unmarshalRNG restores the generator's state. ChaCha8.UnmarshalBinary
// panics on some malformed states instead of failing (Go 1.26), and a
// snapshot is outside input.
func unmarshalRNG(d *drbg, b []byte) (err error) {
	defer func() {
		if recover() != nil {
			err = snapErr("bad rng state")
		}
	}()
	return d.unmarshal(b)
}

func pairKey(v orjson.Value) string {
	if v.Kind != orjson.Array || len(v.Arr) != 2 {
		return ""
	}
	return v.Arr[0].Str
}

func pairValue(v orjson.Value) orjson.Value {
	if v.Kind != orjson.Array || len(v.Arr) != 2 {
		return orjson.Value{}
	}
	return v.Arr[1]
}

// restoreStates hands each stateful provider or module its state.
func restoreStates(f *fields, key string, n int, at func(i int) any) error {
	m, _ := f.get(key)
	if m.Kind != orjson.Array || len(m.Arr) != n {
		return snapErr(key + " do not match the configuration")
	}
	for i, v := range m.Arr {
		s, ok := at(i).(stateful)
		switch {
		case ok && v.Kind != orjson.Null:
			if err := s.restoreState(v); err != nil {
				return snapErr(key + ": " + err.Error())
			}
		case ok != (v.Kind != orjson.Null):
			return snapErr(key + " do not match the configuration")
		}
	}
	return nil
}

func (c *Core) flowFrom(v orjson.Value) (*loginFlow, error) {
	g := obj(v)
	fl := &loginFlow{
		ID:              g.str("id"),
		CreatedAt:       g.int("created_at"),
		IP:              g.str("ip"),
		CredentialOnly:  g.bool("credential_only"),
		RedirectURI:     g.str("redirect_uri"),
		Challenge:       g.str("challenge"),
		StepID:          g.str("step_id"),
		UnknownUser:     g.bool("unknown_user"),
		UserID:          g.str("user_id"),
		AvailableMFA:    g.strings("available_mfa"),
		MFAModule:       g.str("mfa_module"),
		InvalidMFATimes: int(g.int("invalid_mfa_times")),
	}
	if fl.AvailableMFA != nil && len(fl.AvailableMFA) == 0 {
		fl.AvailableMFA = nil
	}
	h, _ := g.get("handler")
	if h.Kind != orjson.Array || len(h.Arr) != 2 {
		return nil, snapErr("a flow handler is [type, id]")
	}
	fl.Handler = providerKey{Type: h.Arr[0].Str}
	if h.Arr[1].Kind == orjson.String {
		fl.Handler.ID, fl.Handler.HasID = h.Arr[1].Str, true
	}
	cm, _ := g.get("credential")
	fl.Credential = c.credentialFrom(g, cm)
	fl.Scratch, _ = g.get("scratch")
	if g.err != nil {
		return nil, g.err
	}
	if g.bool("has_form") {
		form, err := c.rebuildForm(fl)
		if err != nil {
			return nil, err
		}
		fl.Form = form
	}
	return fl, nil
}

func (c *Core) setupFlowFrom(v orjson.Value) (*mfaSetupFlow, error) {
	g := obj(v)
	f := &mfaSetupFlow{
		ID:        g.str("id"),
		ModuleID:  g.str("module_id"),
		UserID:    g.str("user_id"),
		StepID:    g.str("step_id"),
		Touched:   g.int("touched"),
		Secret:    g.str("secret"),
		URL:       g.str("url"),
		QRCode:    g.str("qr_code"),
		Counter:   g.uint("counter"),
		Service:   g.str("service"),
		Target:    g.ptrStr("target"),
		CodeError: g.str("code_error"),
	}
	if g.err != nil {
		return nil, g.err
	}
	if g.bool("has_form") {
		form, err := c.rebuildSetupForm(f)
		if err != nil {
			return nil, err
		}
		f.Form = form
	}
	return f, nil
}

// rebuildSetupForm makes the form an MFA setup flow's step showed.
func (c *Core) rebuildSetupForm(f *mfaSetupFlow) (*schema.Schema, error) {
	switch m := c.mfaModule(f.ModuleID).(type) {
	case *mfaExample:
		if f.StepID == stepInit {
			return schema.MFAPin, nil
		}
	case *mfaTOTP:
		if f.StepID == stepInit {
			return schema.MFACode, nil
		}
	case *mfaNotify:
		switch f.StepID {
		case stepInit:
			return notifyChoiceForm(m.availableServices(c)), nil
		case stepSetup:
			return schema.MFACode, nil
		}
	}
	return nil, snapErr("cannot rebuild the form of setup flow " + f.ID + " at step " + f.StepID)
}

// credentialFrom reads a credential. A stored one (not new) that the store
// still has is the store's own object, as it was before the snapshot, so
// that a change through either reference is seen by both.
func (c *Core) credentialFrom(g *fields, v orjson.Value) *authstore.Credential {
	if v.Kind == orjson.Null {
		return nil
	}
	h := obj(v)
	cr := &authstore.Credential{
		ID:           h.str("id"),
		UserID:       h.str("user_id"),
		ProviderType: h.str("type"),
		ProviderID:   h.ptrStr("provider_id"),
		IsNew:        h.bool("is_new"),
	}
	cr.Data, _ = h.get("data")
	g.take(h)
	if !cr.IsNew {
		if stored := c.store.Credential(cr.ID); stored != nil {
			return stored
		}
	}
	return cr
}

// rebuildForm makes the form a flow's step showed; forms are code and are
// not written into snapshots.
func (c *Core) rebuildForm(f *loginFlow) (*schema.Schema, error) {
	switch f.StepID {
	case stepSelectMFAModule:
		opts := make([]schema.Option, 0, len(f.AvailableMFA))
		for _, id := range f.AvailableMFA {
			name := id
			if m := c.mfaModule(id); m != nil {
				name = m.name()
			}
			opts = append(opts, schema.Option{Value: id, Label: name})
		}
		return schema.SelectMFAModule(opts), nil
	case stepMFA:
		if m := c.mfaModule(f.MFAModule); m != nil {
			return m.inputForm(), nil
		}
		return nil, snapErr("flow " + f.ID + " is at the mfa step of unknown module " + f.MFAModule)
	}
	p := c.providerByKey(f.Handler)
	if fr, ok := p.(formRebuilder); ok {
		if form := fr.rebuildForm(c, f); form != nil {
			return form, nil
		}
	}
	switch p := p.(type) {
	case *homeAssistantProvider, *exampleProvider, *commandLineProvider:
		if f.StepID == stepInit {
			return schema.HomeAssistantLogin, nil
		}
	case *trustedNetworksProvider:
		// The init step's first display, which only reads: the users
		// offered to the flow's address.
		if f.StepID == stepInit {
			if r := p.init(c, f, nil); r.kind == resultForm && r.form != nil {
				return r.form, nil
			}
		}
	}
	return nil, snapErr("cannot rebuild the form of flow " + f.ID + " at step " + f.StepID)
}

// formRebuilder is a provider whose forms depend on the flow (a user list
// for the client's network, say): it rebuilds the form last shown at
// f.StepID without side effects, or returns nil when it has none.
type formRebuilder interface {
	rebuildForm(c *Core, f *loginFlow) *schema.Schema
}

// The state of the modules that have some.

func (m *mfaTOTP) appendState(e *orjson.Encoder) {
	e.BeginArray()
	for _, id := range m.order {
		e.BeginArray()
		e.String(id)
		e.String(m.secrets[id])
		e.EndArray()
	}
	e.EndArray()
}

func (m *mfaTOTP) restoreState(v orjson.Value) error {
	if v.Kind != orjson.Array {
		return errors.New("totp state must be a list")
	}
	m.secrets = map[string]string{}
	m.order = nil
	for _, it := range v.Arr {
		id := pairKey(it)
		m.order = append(m.order, id)
		m.secrets[id] = pairValue(it).Str
	}
	return nil
}

func (m *mfaExample) appendState(e *orjson.Encoder) {
	e.BeginArray()
	for _, d := range m.data {
		e.BeginArray()
		e.String(d.UserID)
		e.String(d.PIN)
		e.EndArray()
	}
	e.EndArray()
}

func (m *mfaExample) restoreState(v orjson.Value) error {
	if v.Kind != orjson.Array {
		return errors.New("insecure_example state must be a list")
	}
	m.data = nil
	for _, it := range v.Arr {
		m.data = append(m.data, ExamplePIN{UserID: pairKey(it), PIN: pairValue(it).Str})
	}
	return nil
}

func (m *mfaNotify) appendState(e *orjson.Encoder) {
	e.BeginArray()
	for _, id := range m.order {
		s := m.users[id]
		e.BeginArray()
		e.String(id)
		e.StringOrNull(s.service)
		e.StringOrNull(s.target)
		e.EndArray()
	}
	e.EndArray()
}

func (m *mfaNotify) restoreState(v orjson.Value) error {
	if v.Kind != orjson.Array {
		return errors.New("notify state must be a list")
	}
	m.users = map[string]*notifySetting{}
	m.order = nil
	for _, it := range v.Arr {
		if it.Kind != orjson.Array || len(it.Arr) != 3 {
			return errors.New("a notify user is [user_id, service, target]")
		}
		m.order = append(m.order, it.Arr[0].Str)
		m.users[it.Arr[0].Str] = &notifySetting{service: strOrNull(it.Arr[1]), target: strOrNull(it.Arr[2])}
	}
	return nil
}

func (p *commandLineProvider) appendState(e *orjson.Encoder) {
	e.BeginArray()
	for _, name := range sortedKeys(p.userMeta) {
		m := p.userMeta[name]
		e.BeginArray()
		e.String(name)
		e.StringOrNull(m.name)
		e.StringOrNull(m.group)
		e.StringOrNull(m.localOnly)
		e.EndArray()
	}
	e.EndArray()
}

func (p *commandLineProvider) restoreState(v orjson.Value) error {
	if v.Kind != orjson.Array {
		return errors.New("command_line state must be a list")
	}
	p.userMeta = map[string]commandMeta{}
	for _, it := range v.Arr {
		if it.Kind != orjson.Array || len(it.Arr) != 4 {
			return errors.New("a command_line user is [username, name, group, local_only]")
		}
		p.userMeta[it.Arr[0].Str] = commandMeta{name: strOrNull(it.Arr[1]), group: strOrNull(it.Arr[2]), localOnly: strOrNull(it.Arr[3])}
	}
	return nil
}

func strOrNull(v orjson.Value) *string {
	if v.Kind != orjson.String {
		return nil
	}
	s := v.Str
	return &s
}
