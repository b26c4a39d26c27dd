package storage

import (
	"strconv"

	"github.com/hassauth/hassauth/core/orjson"
)

// DecodeAuth reads .storage/auth and applies what Home Assistant's auth
// store does while loading:
//
//   - groups: system groups take the built-in name and policy; a non-system
//     group without a policy is dropped; with no groups at all every
//     non-system user joins system-admin; if the dropped group was the only
//     one its members move to system-admin; missing system groups are added
//     (admin, read-only, users);
//   - users: local_only defaults to false; a repeated id replaces the
//     earlier user in its place;
//   - credentials are attached to their users;
//   - refresh tokens: one without jwt_key is dropped; one whose created_at
//     does not parse is dropped with the error Home Assistant logs; a
//     missing token_type is system for a null client_id and normal
//     otherwise; last_used_at that is missing, empty or unparsable is null;
//     expire_at is kept as it is; credential_id is kept only when it names a
//     known credential.
//
// Data that is not an object gives DefaultAuth. What makes Home Assistant's
// load fail (a missing required field, an unknown user or group, an
// unknown token type, a date-time with a field out of range), a value of a
// type Home Assistant never writes, and anything that is not a version 1
// Store document of valid JSON is an *Error. Each Notice tells of a
// migration or a dropped record.
func DecodeAuth(b []byte) (AuthData, []Notice, error) {
	dec := authDecoder{docLen: len(b)}
	if len(b) >= smallDoc {
		dec.intern = make(map[string]string)
	}
	env, err := decodeEnvelope(KeyAuth, b, dec.readData)
	if err != nil {
		return AuthData{}, nil, err
	}
	notices := env.notices
	if env.defaults {
		return DefaultAuth(), notices, nil
	}
	if dec.dataNotObject {
		notices = append(notices, Notice{Code: NoticeDataNotObject, Level: LevelWarning,
			Message: "auth data is not an object; starting from the defaults"})
		return DefaultAuth(), notices, nil
	}
	a, err := dec.build()
	if err != nil {
		return AuthData{}, nil, err
	}
	return a, append(notices, dec.notices...), nil
}

// maxIntern bounds the table of repeated strings.
const maxIntern = 1 << 16

// smallDoc is the size below which a document's strings are slices of one
// copy of the whole document instead of copies each, found again in a
// table: a few kilobytes held a little longer are cheaper than a string and
// a hash per field, above all under WebAssembly.
const smallDoc = 64 << 10

// tokenSizeGuess is a little more than a refresh token takes in Home
// Assistant's layout, so that the token list is allocated once for a store
// written by Home Assistant, and rarely much too large for another.
const tokenSizeGuess = 1024

type authDecoder struct {
	d             *orjson.Decoder
	docLen        int
	dataNotObject bool

	groups    []rawGroup
	users     []rawUser
	creds     []rawCred
	tokens    []RefreshToken
	meta      []tokenMeta
	hasUsers  bool
	hasCreds  bool
	hasTokens bool

	// doc is a copy of what the decoder reads when the document is small;
	// its slices are the document's strings.
	doc string
	// intern shares one copy of strings that repeat across records (user
	// ids, client ids, versions, addresses) of a large document.
	intern map[string]string
	// arena collects the unique strings of a few tokens, pending, to be
	// made into one string.
	arena   []byte
	pending []pendingStrings
	notices []Notice
}

// str returns as a string the text b of the string that the decoder has
// just read, whose opening quote was at offset q.
func (dec *authDecoder) str(b []byte, q int) string {
	if dec.doc != "" {
		// Without escapes, the text is all there is between the quotes.
		if start := q + 1; dec.d.Offset()-1-start == len(b) {
			return dec.doc[start : start+len(b)]
		}
		return string(b)
	}
	if s, ok := dec.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(dec.intern) < maxIntern {
		dec.intern[s] = s
	}
	return s
}

func fieldErr(section string, i int, field, msg string) error {
	path := "data." + section + "[" + strconv.Itoa(i) + "]"
	if field != "" {
		path += "." + field
	}
	return &Error{Key: KeyAuth, Path: path, Msg: msg}
}

func (dec *authDecoder) readData(d *orjson.Decoder) error {
	dec.d = d
	if dec.intern == nil {
		dec.doc = string(d.Input())
	}
	dec.dataNotObject = false
	dec.groups, dec.users, dec.creds = dec.groups[:0], dec.users[:0], dec.creds[:0]
	dec.tokens, dec.meta = dec.tokens[:0], dec.meta[:0]
	dec.hasUsers, dec.hasCreds, dec.hasTokens = false, false, false
	return readDataObject(d, &dec.dataNotObject, func(key []byte) error {
		switch string(key) {
		case "users":
			dec.users, dec.hasUsers = dec.users[:0], true
			return dec.readArray("users", dec.readUser)
		case "groups":
			dec.groups = dec.groups[:0]
			return dec.readArray("groups", dec.readGroup)
		case "credentials":
			dec.creds, dec.hasCreds = dec.creds[:0], true
			return dec.readArray("credentials", dec.readCred)
		case "refresh_tokens":
			dec.tokens, dec.meta, dec.hasTokens = dec.tokens[:0], dec.meta[:0], true
			dec.arena, dec.pending = dec.arena[:0], dec.pending[:0]
			if n := (dec.docLen - d.Offset()) / tokenSizeGuess; n > cap(dec.tokens) {
				dec.tokens = make([]RefreshToken, 0, n)
				dec.meta = make([]tokenMeta, 0, n)
			}
			err := dec.readArray("refresh_tokens", dec.readToken)
			dec.flushArena()
			return err
		default:
			// Older releases stored more (access_tokens before 0.76);
			// Home Assistant ignores it and so does not write it back.
			return d.Skip()
		}
	})
}

func (dec *authDecoder) readArray(section string, item func(i int) error) error {
	k, err := dec.d.Peek()
	if err != nil {
		return err
	}
	if k != orjson.Array {
		return &Error{Key: KeyAuth, Path: "data." + section, Msg: kindError("an array", k)}
	}
	return dec.d.Array(item)
}

// readNullString reads a string or null. For another type it skips the
// value and reports ok false.
func (dec *authDecoder) readNullString() (s Null[string], ok bool, err error) {
	k, err := dec.d.Peek()
	if err != nil {
		return s, false, err
	}
	switch k {
	case orjson.String:
		q := dec.d.Offset()
		b, err := dec.d.StringBytes()
		return Some(dec.str(b, q)), true, err
	case orjson.Null:
		return s, true, dec.d.Null()
	}
	return s, false, dec.d.Skip()
}

func (dec *authDecoder) readString(section string, i int, field string) (string, error) {
	k, err := dec.d.Peek()
	if err != nil {
		return "", err
	}
	if k != orjson.String {
		return "", fieldErr(section, i, field, kindError("a string", k))
	}
	q := dec.d.Offset()
	b, err := dec.d.StringBytes()
	return dec.str(b, q), err
}

func (dec *authDecoder) readBool(section string, i int, field string) (bool, error) {
	k, err := dec.d.Peek()
	if err != nil {
		return false, err
	}
	if k != orjson.Bool {
		return false, fieldErr(section, i, field, kindError("true or false", k))
	}
	return dec.d.Bool()
}

func (dec *authDecoder) readObject(section string, i int, member func(key []byte) error) error {
	k, err := dec.d.Peek()
	if err != nil {
		return err
	}
	if k != orjson.Object {
		return fieldErr(section, i, "", kindError("an object", k))
	}
	return dec.d.Object(member)
}

func missing(section string, i int, field string) error {
	return fieldErr(section, i, field, "missing (Home Assistant cannot load a record without it)")
}

// Groups.

type rawGroup struct {
	index      int
	id         string
	name       Null[string]
	hasID      bool
	hasName    bool
	nameBad    bool
	policy     orjson.Value
	hasPolicy  bool
	policyNull bool
}

func (dec *authDecoder) readGroup(i int) error {
	g := rawGroup{index: i}
	err := dec.readObject("groups", i, func(key []byte) error {
		var err error
		switch string(key) {
		case "id":
			g.id, err = dec.readString("groups", i, "id")
			g.hasID = true
		case "name":
			var ok bool
			g.name, ok, err = dec.readNullString()
			g.hasName, g.nameBad = true, !ok
		case "policy":
			if g.policy, err = dec.d.Value(); err == nil && !canonical(&g.policy) {
				err = fieldErr("groups", i, "policy", "has a number too large for a float")
			}
			g.hasPolicy, g.policyNull = true, g.policy.Kind == orjson.Null
		default:
			err = dec.d.Skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	if !g.hasID {
		return missing("groups", i, "id")
	}
	dec.groups = append(dec.groups, g)
	return nil
}

// Users.

type rawUser struct {
	index int
	user  User
}

const (
	userID = 1 << iota
	userName
	userIsOwner
	userIsActive
	userSystemGenerated
)

func (dec *authDecoder) readUser(i int) error {
	var u User
	var seen int
	err := dec.readObject("users", i, func(key []byte) error {
		var err error
		switch string(key) {
		case "id":
			u.ID, err = dec.readString("users", i, "id")
			seen |= userID
		case "name":
			var ok bool
			if u.Name, ok, err = dec.readNullString(); err == nil && !ok {
				err = fieldErr("users", i, "name", "must be a string or null")
			}
			seen |= userName
		case "is_owner":
			u.IsOwner, err = dec.readBool("users", i, "is_owner")
			seen |= userIsOwner
		case "is_active":
			u.IsActive, err = dec.readBool("users", i, "is_active")
			seen |= userIsActive
		case "system_generated":
			u.SystemGenerated, err = dec.readBool("users", i, "system_generated")
			seen |= userSystemGenerated
		case "local_only":
			u.LocalOnly, err = dec.readBool("users", i, "local_only")
		case "group_ids":
			u.GroupIDs = u.GroupIDs[:0]
			k, err := dec.d.Peek()
			if err != nil {
				return err
			}
			if k != orjson.Array {
				return fieldErr("users", i, "group_ids", kindError("an array", k))
			}
			return dec.d.Array(func(j int) error {
				id, err := dec.readString("users", i, "group_ids["+strconv.Itoa(j)+"]")
				u.GroupIDs = append(u.GroupIDs, id)
				return err
			})
		default:
			err = dec.d.Skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	for _, f := range []struct {
		bit  int
		name string
	}{{userID, "id"}, {userName, "name"}, {userIsOwner, "is_owner"}, {userIsActive, "is_active"}, {userSystemGenerated, "system_generated"}} {
		if seen&f.bit == 0 {
			return missing("users", i, f.name)
		}
	}
	dec.users = append(dec.users, rawUser{index: i, user: u})
	return nil
}

// Credentials.

type rawCred struct {
	index int
	cred  Credential
}

func (dec *authDecoder) readCred(i int) error {
	var c Credential
	var hasID, hasUser, hasType, hasProvider, hasData bool
	err := dec.readObject("credentials", i, func(key []byte) error {
		var err error
		switch string(key) {
		case "id":
			c.ID, err = dec.readString("credentials", i, "id")
			hasID = true
		case "user_id":
			c.UserID, err = dec.readString("credentials", i, "user_id")
			hasUser = true
		case "auth_provider_type":
			c.AuthProviderType, err = dec.readString("credentials", i, "auth_provider_type")
			hasType = true
		case "auth_provider_id":
			var ok bool
			if c.AuthProviderID, ok, err = dec.readNullString(); err == nil && !ok {
				err = fieldErr("credentials", i, "auth_provider_id", "must be a string or null")
			}
			hasProvider = true
		case "data":
			if c.Data, err = dec.d.Value(); err == nil && !canonical(&c.Data) {
				err = fieldErr("credentials", i, "data", "has a number too large for a float")
			}
			hasData = true
		default:
			err = dec.d.Skip()
		}
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case !hasID:
		return missing("credentials", i, "id")
	case !hasType:
		return missing("credentials", i, "auth_provider_type")
	case !hasProvider:
		return missing("credentials", i, "auth_provider_id")
	case !hasData:
		return missing("credentials", i, "data")
	case !hasUser:
		return missing("credentials", i, "user_id")
	}
	dec.creds = append(dec.creds, rawCred{index: i, cred: c})
	return nil
}

// Refresh tokens. Home Assistant drops a token without jwt_key before
// looking at anything else, and one with an unparsable created_at before
// reading the rest, so a token's problems are collected while reading and
// judged in that order afterwards.

const (
	tID = 1 << iota
	tUserID
	tClientID
	tClientName
	tClientIcon
	tTokenType
	tCreatedAt
	tATE
	tToken
	tJWTKey
	tLastUsedAt
	tLastUsedIP
	tExpireAt
	tCredentialID
	tVersion
)

// tokenFields names the fields for messages, in the order Home Assistant
// reads them when it builds the token.
var tokenFields = []struct {
	bit  int
	name string
}{
	{tID, "id"}, {tUserID, "user_id"}, {tClientID, "client_id"}, {tClientName, "client_name"},
	{tClientIcon, "client_icon"}, {tTokenType, "token_type"}, {tATE, "access_token_expiration"},
	{tToken, "token"}, {tJWTKey, "jwt_key"}, {tLastUsedAt, "last_used_at"}, {tLastUsedIP, "last_used_ip"},
	{tExpireAt, "expire_at"}, {tCredentialID, "credential_id"}, {tVersion, "version"},
}

// span is a piece of the token's arena.
type span struct{ off, end int32 }

// tokenMeta is what a token's checks need besides the record itself.
type tokenMeta struct {
	index int
	// seen has a bit per field present, bad per field of a type that is
	// refused.
	seen, bad int
	// tokenTypeNull: token_type is null (to be inferred, as when missing).
	tokenTypeNull bool
	// createdErr is ParseTime's error for created_at; createdText is kept
	// only when it is needed for the message.
	createdErr  error
	createdText string
	lastUsedErr error
	ateRange    bool
	// idText and userText describe id and user_id for messages when they
	// are not strings.
	idText, userText string
}

func (dec *authDecoder) readToken(i int) error {
	dec.tokens = append(dec.tokens, RefreshToken{})
	t := &dec.tokens[len(dec.tokens)-1]
	rt := tokenMeta{index: i}
	var id, token, jwtKey, clientName span
	var hasClientName bool
	// put copies the next string into the arena.
	put := func() (span, bool, error) {
		b, err := dec.d.StringBytes()
		if err != nil {
			return span{}, false, err
		}
		s := span{off: int32(len(dec.arena))}
		dec.arena = append(dec.arena, b...)
		s.end = int32(len(dec.arena))
		return s, true, nil
	}
	isString := func() (bool, error) {
		k, err := dec.d.Peek()
		return err == nil && k == orjson.String, err
	}
	d := dec.d
	err := dec.readObject("refresh_tokens", i, func(key []byte) error {
		var bit int
		var ok bool
		var err error
		switch string(key) {
		case "id":
			bit = tID
			if ok, err = isString(); err == nil && ok {
				id, _, err = put()
			} else if err == nil {
				var v orjson.Value
				v, err = d.Value()
				rt.idText = pyStr(v)
			}
		case "user_id":
			bit = tUserID
			if ok, err = isString(); err == nil && ok {
				q := d.Offset()
				var b []byte
				b, err = d.StringBytes()
				t.UserID = dec.str(b, q)
			} else if err == nil {
				var v orjson.Value
				v, err = d.Value()
				rt.userText = pyStr(v)
			}
		case "client_id":
			bit = tClientID
			t.ClientID, ok, err = dec.readNullString()
		case "client_name":
			bit = tClientName
			t.ClientName = Null[string]{}
			hasClientName = false
			k, perr := d.Peek()
			if err = perr; err != nil {
				return err
			}
			switch k {
			case orjson.String:
				clientName, ok, err = put()
				hasClientName = true
			case orjson.Null:
				ok, err = true, d.Null()
			default:
				err = d.Skip()
			}
		case "client_icon":
			bit = tClientIcon
			t.ClientIcon, ok, err = dec.readNullString()
		case "token_type":
			bit = tTokenType
			var s Null[string]
			s, ok, err = dec.readNullString()
			t.TokenType, rt.tokenTypeNull = s.V, !s.Valid
		case "created_at":
			bit = tCreatedAt
			if ok, err = isString(); err == nil && ok {
				var b []byte
				if b, err = d.StringBytes(); err == nil {
					t.CreatedAt, rt.createdErr = ParseTime(string(b))
					if rt.createdErr != nil {
						rt.createdText = string(b)
					}
				}
			} else if err == nil {
				err = d.Skip()
			}
		case "access_token_expiration":
			bit = tATE
			rt.ateRange = false
			k, perr := d.Peek()
			if err = perr; err != nil {
				return err
			}
			if k == orjson.Number {
				var lit []byte
				if lit, err = d.NumberBytes(); err == nil {
					ok = true
					var inRange bool
					t.AccessTokenExpiration, inRange = secondsToMicros(lit, isIntLiteral(lit))
					rt.ateRange = !inRange
				}
			} else {
				err = d.Skip()
			}
		case "token":
			bit = tToken
			if ok, err = isString(); err == nil && ok {
				token, _, err = put()
			} else if err == nil {
				err = d.Skip()
			}
		case "jwt_key":
			bit = tJWTKey
			if ok, err = isString(); err == nil && ok {
				jwtKey, _, err = put()
			} else if err == nil {
				err = d.Skip()
			}
		case "last_used_at":
			bit = tLastUsedAt
			t.LastUsedAt, rt.lastUsedErr = Null[int64]{}, nil
			ok, err = dec.readLastUsed(t, &rt)
		case "last_used_ip":
			bit = tLastUsedIP
			t.LastUsedIP, ok, err = dec.readNullString()
		case "expire_at":
			bit = tExpireAt
			t.ExpireAt = Null[float64]{}
			k, perr := d.Peek()
			if err = perr; err != nil {
				return err
			}
			switch k {
			case orjson.Number:
				var lit []byte
				if lit, err = d.NumberBytes(); err == nil {
					var f float64
					f, ok = parseFloat(lit)
					t.ExpireAt = Some(f)
				}
			case orjson.Null:
				ok, err = true, d.Null()
			default:
				err = d.Skip()
			}
		case "credential_id":
			bit = tCredentialID
			t.CredentialID = Null[string]{}
			k, perr := d.Peek()
			if err = perr; err != nil {
				return err
			}
			switch k {
			case orjson.String:
				q := d.Offset()
				var b []byte
				b, err = d.StringBytes()
				t.CredentialID, ok = Some(dec.str(b, q)), true
			case orjson.Array, orjson.Object:
				// Unhashable: the credential lookup raises.
				err = d.Skip()
			default:
				// Other scalars never match a credential id.
				ok, err = true, d.Skip()
			}
		case "version":
			bit = tVersion
			t.Version, ok, err = dec.readNullString()
		default:
			return d.Skip()
		}
		rt.seen |= bit
		if ok {
			rt.bad &^= bit
		} else {
			rt.bad |= bit
		}
		return err
	})
	if err != nil {
		return err
	}
	p := pendingStrings{tok: len(dec.tokens) - 1}
	if rt.seen&tID != 0 && rt.bad&tID == 0 {
		p.id, p.set = id, p.set|1
	}
	if rt.bad&tToken == 0 {
		p.token, p.set = token, p.set|2
	}
	if rt.bad&tJWTKey == 0 {
		p.jwtKey, p.set = jwtKey, p.set|4
	}
	if hasClientName && rt.bad&tClientName == 0 {
		p.clientName, p.set = clientName, p.set|8
	}
	dec.pending = append(dec.pending, p)
	if len(dec.arena) >= arenaChunk {
		dec.flushArena()
	}
	dec.meta = append(dec.meta, rt)
	return nil
}

// arenaChunk is how many bytes of token strings share one allocation: a
// dozen tokens' ids, secrets and keys. Fewer allocations make loading
// faster; a small chunk keeps what a long-lived token holds on to small.
const arenaChunk = 4096

// pendingStrings locates one token's unique strings in the arena until the
// arena is made into a string.
type pendingStrings struct {
	tok                           int
	id, token, jwtKey, clientName span
	set                           uint8
}

// flushArena makes the collected strings into one string and gives each
// pending token its pieces.
func (dec *authDecoder) flushArena() {
	s := string(dec.arena)
	for _, p := range dec.pending {
		t := &dec.tokens[p.tok]
		if p.set&1 != 0 {
			t.ID = s[p.id.off:p.id.end]
		}
		if p.set&2 != 0 {
			t.Token = s[p.token.off:p.token.end]
		}
		if p.set&4 != 0 {
			t.JWTKey = s[p.jwtKey.off:p.jwtKey.end]
		}
		if p.set&8 != 0 {
			t.ClientName = Some(s[p.clientName.off:p.clientName.end])
		}
	}
	dec.arena, dec.pending = dec.arena[:0], dec.pending[:0]
}

// readLastUsed reads last_used_at: Home Assistant parses it only when it
// is truthy, so null, "", false, 0 and empty containers mean never used,
// and a string it cannot parse means never used too.
func (dec *authDecoder) readLastUsed(t *RefreshToken, rt *tokenMeta) (bool, error) {
	d := dec.d
	k, err := d.Peek()
	if err != nil {
		return false, err
	}
	switch k {
	case orjson.String:
		b, err := d.StringBytes()
		if err != nil || len(b) == 0 {
			return true, err
		}
		us, perr := ParseTime(string(b))
		switch perr {
		case nil:
			t.LastUsedAt = Some(us)
		case ErrTimeRange:
			rt.lastUsedErr = perr
		}
		return true, nil
	case orjson.Null:
		return true, d.Null()
	case orjson.Bool:
		v, err := d.Bool()
		return !v, err
	case orjson.Number:
		lit, err := d.NumberBytes()
		f, _ := parseFloat(lit)
		return f == 0, err
	default:
		v, err := d.Value()
		return len(v.Arr) == 0 && len(v.Obj) == 0, err
	}
}

func isIntLiteral(lit []byte) bool {
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			return false
		}
	}
	return true
}

// pyStr renders a scalar as Python's str() would, for log messages.
func pyStr(v orjson.Value) string {
	switch v.Kind {
	case orjson.Null:
		return "None"
	case orjson.Bool:
		if v.Bool {
			return "True"
		}
		return "False"
	case orjson.String, orjson.Number:
		return v.Str
	}
	return string(orjson.Marshal(v))
}

// build applies the load migrations in Home Assistant's order: groups,
// users, credentials, refresh tokens.
func (dec *authDecoder) build() (AuthData, error) {
	var a AuthData
	if !dec.hasUsers {
		return a, &Error{Key: KeyAuth, Path: "data.users", Msg: "missing (Home Assistant cannot load the store without it)"}
	}
	if !dec.hasCreds {
		return a, &Error{Key: KeyAuth, Path: "data.credentials", Msg: "missing (Home Assistant cannot load the store without it)"}
	}
	if !dec.hasTokens {
		return a, &Error{Key: KeyAuth, Path: "data.refresh_tokens", Msg: "missing (Home Assistant cannot load the store without it)"}
	}

	// Groups, with dict semantics: a repeated id replaces the earlier
	// group in its place.
	groupIndex := make(map[string]int, len(dec.groups)+3)
	putGroup := func(g Group) {
		if j, ok := groupIndex[g.ID]; ok {
			a.Groups[j] = g
			return
		}
		groupIndex[g.ID] = len(a.Groups)
		a.Groups = append(a.Groups, g)
	}
	var hasAdmin, hasUser, hasReadOnly bool
	var noPolicy string
	var hasNoPolicy bool
	for _, rg := range dec.groups {
		if g, ok := systemGroup(rg.id); ok {
			switch rg.id {
			case GroupIDAdmin:
				hasAdmin = true
			case GroupIDUser:
				hasUser = true
			default:
				hasReadOnly = true
			}
			putGroup(g)
			continue
		}
		if !rg.hasName {
			return a, missing("groups", rg.index, "name")
		}
		if !rg.hasPolicy || rg.policyNull {
			noPolicy, hasNoPolicy = rg.id, true
			dec.notices = append(dec.notices, Notice{Code: NoticeGroupWithoutPolicy, Level: LevelInfo,
				Message: "dropped group " + strconv.Quote(rg.id) + " without a policy"})
			continue
		}
		if rg.nameBad {
			return a, fieldErr("groups", rg.index, "name", "must be a string or null")
		}
		putGroup(Group{ID: rg.id, Name: rg.name, Policy: rg.policy})
	}
	usersToAdmin := len(a.Groups) == 0 && !hasNoPolicy
	if len(a.Groups) > 0 {
		// Members of a dropped group are moved only when it was the one
		// group there was.
		hasNoPolicy = false
	}
	for _, add := range []struct {
		has bool
		id  string
	}{{hasAdmin, GroupIDAdmin}, {hasReadOnly, GroupIDReadOnly}, {hasUser, GroupIDUser}} {
		if !add.has {
			g, _ := systemGroup(add.id)
			putGroup(g)
			dec.notices = append(dec.notices, Notice{Code: NoticeSystemGroupAdded, Level: LevelInfo,
				Message: "added missing system group " + strconv.Quote(add.id)})
		}
	}

	// Users.
	userIndex := make(map[string]int, len(dec.users))
	a.Users = make([]User, 0, len(dec.users))
	moved := 0
	for _, ru := range dec.users {
		u := ru.user
		gids := make([]string, 0, len(u.GroupIDs)+1)
		for j, gid := range u.GroupIDs {
			if hasNoPolicy && gid == noPolicy {
				gid = GroupIDAdmin
			}
			gi, ok := groupIndex[gid]
			if !ok {
				return a, fieldErr("users", ru.index, "group_ids["+strconv.Itoa(j)+"]", "unknown group "+strconv.Quote(gid))
			}
			gids = append(gids, a.Groups[gi].ID)
		}
		if !u.SystemGenerated && usersToAdmin {
			gids = append(gids, GroupIDAdmin)
			moved++
		}
		if len(gids) == 0 {
			gids = nil
		}
		u.GroupIDs = gids
		if j, ok := userIndex[u.ID]; ok {
			a.Users[j] = u
			continue
		}
		userIndex[u.ID] = len(a.Users)
		a.Users = append(a.Users, u)
	}
	if moved > 0 {
		dec.notices = append(dec.notices, Notice{Code: NoticeUsersToAdmin, Level: LevelInfo,
			Message: "stored data has no groups; " + strconv.Itoa(moved) + " users put in " + GroupIDAdmin})
	}
	if len(a.Users) == 0 {
		a.Users = nil
	}

	// Credentials, grouped by user in user order.
	credIDs := make(map[string]struct{}, len(dec.creds))
	credOwner := make([]int, len(dec.creds))
	for j := range dec.creds {
		c := &dec.creds[j].cred
		ui, ok := userIndex[c.UserID]
		if !ok {
			return a, fieldErr("credentials", dec.creds[j].index, "user_id", "unknown user "+strconv.Quote(c.UserID))
		}
		c.UserID = a.Users[ui].ID
		credOwner[j] = ui
		credIDs[c.ID] = struct{}{}
	}
	if len(dec.creds) > 0 {
		a.Credentials = make([]Credential, len(dec.creds))
		order := groupByOwner(credOwner, len(a.Users))
		for j := range dec.creds {
			pos := j
			if order != nil {
				pos = order[j]
			}
			a.Credentials[pos] = dec.creds[j].cred
		}
	}

	// Refresh tokens.
	type tokenKey struct {
		user int
		id   string
	}
	toks := dec.tokens
	owner := make([]int, 0, len(toks))
	tokenIndex := make(map[tokenKey]int, len(toks))
	w := 0
	for j := range toks {
		ui, skip, err := dec.checkToken(&dec.meta[j], &toks[j], userIndex, credIDs)
		if err != nil {
			return a, err
		}
		if skip {
			continue
		}
		toks[j].UserID = a.Users[ui].ID
		key := tokenKey{ui, toks[j].ID}
		if k, ok := tokenIndex[key]; ok {
			toks[k] = toks[j]
			continue
		}
		tokenIndex[key] = w
		toks[w] = toks[j]
		owner = append(owner, ui)
		w++
	}
	clear(toks[w:])
	toks = toks[:w]
	if len(toks) > 0 {
		order := groupByOwner(owner, len(a.Users))
		if order == nil {
			a.RefreshTokens = toks
		} else {
			a.RefreshTokens = make([]RefreshToken, len(toks))
			for j, pos := range order {
				a.RefreshTokens[pos] = toks[j]
			}
		}
	}
	return a, nil
}

// groupByOwner returns, for records whose owners (user positions) are
// given in document order, each record's position once they are grouped by
// owner in owner order, keeping document order within an owner; nil when
// they are in that order already.
func groupByOwner(owner []int, owners int) []int {
	sorted := true
	for j := 1; j < len(owner); j++ {
		if owner[j] < owner[j-1] {
			sorted = false
			break
		}
	}
	if sorted {
		return nil
	}
	next := make([]int, owners+1)
	for _, o := range owner {
		next[o+1]++
	}
	for o := 1; o <= owners; o++ {
		next[o] += next[o-1]
	}
	order := make([]int, len(owner))
	for j, o := range owner {
		order[j] = next[o]
		next[o]++
	}
	return order
}

// checkToken judges one token as Home Assistant's loader does, in its
// order: dropped without jwt_key, then created_at (dropped when it does not
// parse), token_type, last_used_at, the fields of the token, the user, and
// the credential link.
func (dec *authDecoder) checkToken(rt *tokenMeta, t *RefreshToken, users map[string]int, creds map[string]struct{}) (ui int, skip bool, err error) {
	const section = "refresh_tokens"
	i := rt.index
	if rt.seen&tJWTKey == 0 {
		dec.notices = append(dec.notices, Notice{Code: NoticeTokenWithoutJWTKey, Level: LevelInfo,
			Message: "dropped refresh token " + describeID(rt, t) + " from before 0.76 (no jwt_key)"})
		return 0, true, nil
	}
	switch {
	case rt.seen&tCreatedAt == 0:
		return 0, false, missing(section, i, "created_at")
	case rt.bad&tCreatedAt != 0:
		return 0, false, fieldErr(section, i, "created_at", "must be a string")
	case rt.createdErr == ErrTimeFormat:
		dec.notices = append(dec.notices, Notice{Code: NoticeTokenInvalidCreatedAt, Level: LevelError,
			Message: "Ignoring refresh token " + describeID(rt, t) + " with invalid created_at " + rt.createdText +
				" for user_id " + describeUser(rt, t)})
		return 0, true, nil
	case rt.createdErr != nil:
		return 0, false, fieldErr(section, i, "created_at", strconv.Quote(rt.createdText)+": "+rt.createdErr.Error())
	}
	if rt.seen&tTokenType == 0 || rt.tokenTypeNull {
		if rt.seen&tClientID == 0 {
			return 0, false, missing(section, i, "client_id")
		}
		if t.ClientID.Valid || rt.bad&tClientID != 0 {
			t.TokenType = TokenTypeNormal
		} else {
			t.TokenType = TokenTypeSystem
		}
	}
	if rt.bad&tLastUsedAt != 0 {
		return 0, false, fieldErr(section, i, "last_used_at", "must be a string or null")
	}
	if rt.lastUsedErr != nil {
		return 0, false, fieldErr(section, i, "last_used_at", rt.lastUsedErr.Error())
	}
	for _, f := range []int{tID, tUserID, tClientID, tATE, tToken} {
		if rt.seen&f == 0 {
			return 0, false, missing(section, i, fieldName(f))
		}
	}
	for _, f := range tokenFields {
		if rt.bad&f.bit == 0 {
			continue
		}
		msg := "has a type Home Assistant never writes here"
		switch f.bit {
		case tID, tToken, tJWTKey:
			msg = "must be a string"
		case tUserID:
			return 0, false, fieldErr(section, i, "user_id", "unknown user "+rt.userText)
		case tClientID, tClientName, tClientIcon, tLastUsedIP, tVersion:
			msg = "must be a string or null"
		case tTokenType:
			msg = "must be one of normal, system, long_lived_access_token"
		case tATE:
			msg = "must be a number of seconds"
		case tExpireAt:
			msg = "must be a number or null"
		case tCredentialID:
			msg = "must be a string or null"
		}
		return 0, false, fieldErr(section, i, f.name, msg)
	}
	if rt.ateRange {
		return 0, false, fieldErr(section, i, "access_token_expiration", "out of range")
	}
	switch t.TokenType {
	case TokenTypeNormal, TokenTypeSystem, TokenTypeLongLived:
		t.TokenType = tokenTypeConst(t.TokenType)
	default:
		return 0, false, fieldErr(section, i, "token_type", "unknown token type "+strconv.Quote(t.TokenType))
	}
	ui, ok := users[t.UserID]
	if !ok {
		return 0, false, fieldErr(section, i, "user_id", "unknown user "+strconv.Quote(t.UserID))
	}
	if t.CredentialID.Valid {
		if _, ok := creds[t.CredentialID.V]; !ok {
			t.CredentialID = Null[string]{}
		}
	}
	return ui, false, nil
}

func tokenTypeConst(s string) string {
	switch s {
	case TokenTypeNormal:
		return TokenTypeNormal
	case TokenTypeSystem:
		return TokenTypeSystem
	}
	return TokenTypeLongLived
}

func fieldName(bit int) string {
	for _, f := range tokenFields {
		if f.bit == bit {
			return f.name
		}
	}
	return "?"
}

func describeID(rt *tokenMeta, t *RefreshToken) string {
	if rt.seen&tID == 0 {
		return "None"
	}
	if rt.bad&tID != 0 {
		return rt.idText
	}
	return t.ID
}

func describeUser(rt *tokenMeta, t *RefreshToken) string {
	if rt.seen&tUserID == 0 {
		return "None"
	}
	if rt.bad&tUserID != 0 {
		return rt.userText
	}
	return t.UserID
}
