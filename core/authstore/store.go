package authstore

import (
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
)

// Errors with Home Assistant's messages (ValueError texts of the
// AuthManager and the AuthStore).
var (
	ErrUserNotActive         = errors.New("User is not active")
	ErrSystemUserClient      = errors.New("System generated users cannot have refresh tokens connected to a client.")
	ErrSystemUserTokenType   = errors.New("System generated users can only have system type refresh tokens")
	ErrClientRequired        = errors.New("Client is required to generate a refresh token.")
	ErrClientNameRequired    = errors.New("Client_name is required for long-lived access token")
	ErrInvalidGroup          = errors.New("Invalid group specified.")
	ErrDeactivateOwner       = errors.New("Unable to deactivate the owner")
	ErrCredentialLinked      = errors.New("Credential is already linked to a user")
	ErrUserNotFound          = errors.New("Unable to find the user.")
	ErrInvalidTokenType      = errors.New("Invalid token type")
	ErrSystemUserCredentials = errors.New("Cannot add credentials to a system generated user.")
)

// DuplicateClientNameError is Home Assistant's "<client_name> already exists".
type DuplicateClientNameError struct{ ClientName string }

func (e *DuplicateClientNameError) Error() string { return e.ClientName + " already exists" }

// Store holds the auth model in memory.
type Store struct {
	users     []*User
	usersByID map[string]*User
	groups    []*Group
	tokens    map[string]*RefreshToken
	bySecret  map[string]*RefreshToken
	creds     map[string]*Credential
	seq       uint64
	changes   changes
}

// New returns an empty store with the system groups, as Home Assistant has
// before anything was saved.
func New() *Store {
	return &Store{
		usersByID: map[string]*User{},
		groups:    SystemGroups(),
		tokens:    map[string]*RefreshToken{},
		bySecret:  map[string]*RefreshToken{},
		creds:     map[string]*Credential{},
	}
}

// NewID returns a uuid4 in hex, the form of every Home Assistant auth id:
// 16 bytes from r with the version (4) and variant (RFC 4122) bits set, as
// uuid.uuid4().hex and github.com/google/uuid's NewRandomFromReader make
// them. The tests check every id against that library; it is not linked
// here because it alone brings fmt, encoding/json, net and
// database/sql/driver into the WebAssembly module.
func NewID(r io.Reader) string {
	var u [16]byte
	if _, err := io.ReadFull(r, u[:]); err != nil {
		panic("authstore: random source failed: " + err.Error())
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var b [32]byte
	hex.Encode(b[:], u[:])
	return string(b[:])
}

// TokenHex returns secrets.token_hex(n): n random bytes in hex.
func TokenHex(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("authstore: random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// Users returns the users in creation order.
func (s *Store) Users() []*User { return slices.Clone(s.users) }

// User returns the user with id.
func (s *Store) User(id string) *User { return s.usersByID[id] }

// Groups returns the groups in order.
func (s *Store) Groups() []*Group { return slices.Clone(s.groups) }

// Group returns the group with id.
func (s *Store) Group(id string) *Group {
	for _, g := range s.groups {
		if g.ID == id {
			return g
		}
	}
	return nil
}

// Credential returns a linked credential by id.
func (s *Store) Credential(id string) *Credential { return s.creds[id] }

// HasNonSystemUser reports whether a user other than a system user exists;
// until one does, onboarding is not finished and the next user created
// becomes the owner.
func (s *Store) HasNonSystemUser() bool {
	for _, u := range s.users {
		if !u.SystemGenerated {
			return true
		}
	}
	return false
}

// UserSpec describes a user to create.
type UserSpec struct {
	Name            *string
	IsOwner         bool
	IsActive        bool
	SystemGenerated bool
	LocalOnly       bool
	GroupIDs        []string
	Credentials     *Credential
}

// AddUser creates a user (AuthStore.async_create_user). It does not apply
// the owner rule: CreateUser does.
func (s *Store) AddUser(r io.Reader, spec UserSpec) (*User, error) {
	for _, g := range spec.GroupIDs {
		if s.Group(g) == nil {
			return nil, ErrInvalidGroup
		}
	}
	id := NewID(r)
	for s.usersByID[id] != nil {
		id = NewID(r)
	}
	u := &User{
		ID:              id,
		Name:            spec.Name,
		IsOwner:         spec.IsOwner,
		IsActive:        spec.IsActive,
		SystemGenerated: spec.SystemGenerated,
		LocalOnly:       spec.LocalOnly,
		GroupIDs:        append([]string{}, spec.GroupIDs...),
		tokens:          map[string]*RefreshToken{},
	}
	s.users = append(s.users, u)
	s.usersByID[id] = u
	s.touchUser(id)
	if spec.Credentials != nil {
		if err := s.LinkCredential(u, spec.Credentials); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// CreateUser is AuthManager.async_create_user: an active user that becomes
// the owner when no non-system user exists yet.
func (s *Store) CreateUser(r io.Reader, name *string, groupIDs []string, localOnly bool) (*User, error) {
	return s.AddUser(r, UserSpec{
		Name:      name,
		IsOwner:   !s.HasNonSystemUser(),
		IsActive:  true,
		LocalOnly: localOnly,
		GroupIDs:  groupIDs,
	})
}

// CreateSystemUser is AuthManager.async_create_system_user.
func (s *Store) CreateSystemUser(r io.Reader, name *string, groupIDs []string, localOnly bool) (*User, error) {
	return s.AddUser(r, UserSpec{
		Name:            name,
		IsActive:        true,
		SystemGenerated: true,
		LocalOnly:       localOnly,
		GroupIDs:        groupIDs,
	})
}

// LinkCredential links a credential to a user (AuthManager.async_link_user).
// Linking one already linked to the same user does nothing.
func (s *Store) LinkCredential(u *User, c *Credential) error {
	if existing, ok := s.creds[c.ID]; ok && existing.UserID != "" {
		if existing.UserID == u.ID {
			return nil
		}
		return ErrCredentialLinked
	}
	c.UserID = u.ID
	c.IsNew = false
	u.Credentials = append(u.Credentials, c)
	s.creds[c.ID] = c
	s.touchUser(u.ID)
	return nil
}

// RemoveCredential unlinks and forgets a credential. Tokens issued through it
// keep existing without it, as in Home Assistant.
func (s *Store) RemoveCredential(c *Credential) {
	delete(s.creds, c.ID)
	if u := s.usersByID[c.UserID]; u != nil {
		u.Credentials = slices.DeleteFunc(u.Credentials, func(x *Credential) bool { return x.ID == c.ID })
		s.touchUser(u.ID)
	}
	for _, t := range s.tokens {
		if t.CredentialID != nil && *t.CredentialID == c.ID {
			t.CredentialID = nil
			s.touchToken(t.ID)
		}
	}
}

// RemoveUser deletes a user with its credentials and tokens, and returns the
// ids of the tokens that went with it, so that their connections close.
func (s *Store) RemoveUser(u *User) []string {
	var removed []string
	for _, t := range u.Tokens() {
		s.dropToken(t)
		removed = append(removed, t.ID)
	}
	for _, c := range u.Credentials {
		delete(s.creds, c.ID)
	}
	delete(s.usersByID, u.ID)
	s.users = slices.DeleteFunc(s.users, func(x *User) bool { return x.ID == u.ID })
	s.noteRemovedUser(u.ID)
	return removed
}

// UserUpdate lists the fields to change; nil leaves a field alone.
type UserUpdate struct {
	Name      *string
	IsActive  *bool
	GroupIDs  []string
	SetGroups bool
	LocalOnly *bool
}

// UpdateUser is AuthManager.async_update_user. Deactivating a user removes
// all its refresh tokens, returned so that their connections close.
func (s *Store) UpdateUser(u *User, up UserUpdate) ([]string, error) {
	if up.SetGroups {
		for _, g := range up.GroupIDs {
			if s.Group(g) == nil {
				return nil, ErrInvalidGroup
			}
		}
	}
	if up.IsActive != nil && !*up.IsActive && u.IsOwner {
		return nil, ErrDeactivateOwner
	}
	s.touchUser(u.ID)
	if up.Name != nil {
		name := *up.Name
		u.Name = &name
	}
	if up.SetGroups {
		u.GroupIDs = append([]string{}, up.GroupIDs...)
	}
	if up.LocalOnly != nil {
		u.LocalOnly = *up.LocalOnly
	}
	var removed []string
	if up.IsActive != nil {
		if *up.IsActive {
			u.IsActive = true
		} else {
			u.IsActive = false
			for _, t := range u.Tokens() {
				s.dropToken(t)
				removed = append(removed, t.ID)
			}
		}
	}
	return removed, nil
}

// TokenSpec describes a refresh token to create.
type TokenSpec struct {
	ClientID   *string
	ClientName *string
	ClientIcon *string
	// Type is empty for the default: system for system users, else normal.
	Type string
	// AccessTokenExpiration is microseconds; 0 means 30 minutes.
	AccessTokenExpiration int64
	Credential            *Credential
	// Version is the Home Assistant version recorded in the token.
	Version string
}

// CreateRefreshToken is AuthManager.async_create_refresh_token, with Home
// Assistant's checks in Home Assistant's order.
func (s *Store) CreateRefreshToken(r io.Reader, now int64, u *User, spec TokenSpec) (*RefreshToken, error) {
	if !u.IsActive {
		return nil, ErrUserNotActive
	}
	if u.SystemGenerated && spec.ClientID != nil {
		return nil, ErrSystemUserClient
	}
	typ := spec.Type
	if typ == "" {
		typ = TokenNormal
		if u.SystemGenerated {
			typ = TokenSystem
		}
	}
	var expireAt *float64
	if typ == TokenNormal {
		e := Timestamp(now) + refreshTokenExpirationSeconds
		expireAt = &e
	}
	if u.SystemGenerated != (typ == TokenSystem) {
		return nil, ErrSystemUserTokenType
	}
	if typ == TokenNormal && spec.ClientID == nil {
		return nil, ErrClientRequired
	}
	if typ == TokenLongLived {
		if spec.ClientName == nil {
			return nil, ErrClientNameRequired
		}
		for _, t := range u.tokens {
			if t.Type == TokenLongLived && t.ClientName != nil && *t.ClientName == *spec.ClientName {
				return nil, &DuplicateClientNameError{ClientName: *spec.ClientName}
			}
		}
	}
	// Home Assistant's RefreshToken refuses an unknown type only when it
	// is built, after every check above.
	if typ != TokenNormal && typ != TokenSystem && typ != TokenLongLived {
		return nil, ErrInvalidTokenType
	}
	exp := spec.AccessTokenExpiration
	if exp == 0 {
		exp = AccessTokenExpiration
	}
	t := &RefreshToken{
		ID:                    NewID(r),
		UserID:                u.ID,
		ClientID:              cloneString(spec.ClientID),
		ClientName:            truthy(spec.ClientName),
		ClientIcon:            truthy(spec.ClientIcon),
		Type:                  typ,
		CreatedAt:             now,
		AccessTokenExpiration: exp,
		Token:                 TokenHex(r, 64),
		JWTKey:                TokenHex(r, 64),
		ExpireAt:              expireAt,
	}
	if spec.Credential != nil {
		id := spec.Credential.ID
		t.CredentialID = &id
	}
	if spec.Version != "" {
		v := spec.Version
		t.Version = &v
	}
	s.AddToken(t)
	return t, nil
}

// AddToken puts a new token into the store.
func (s *Store) AddToken(t *RefreshToken) {
	s.LoadToken(t)
	s.touchToken(t.ID)
}

// LoadToken puts a stored token into the store as it is.
func (s *Store) LoadToken(t *RefreshToken) {
	s.seq++
	t.seq = s.seq
	if u := s.usersByID[t.UserID]; u != nil {
		u.tokens[t.ID] = t
	}
	s.tokens[t.ID] = t
	s.bySecret[t.Token] = t
}

// Token returns a refresh token by id.
func (s *Store) Token(id string) *RefreshToken { return s.tokens[id] }

// TokenCount returns the number of refresh tokens.
func (s *Store) TokenCount() int { return len(s.tokens) }

// TokenBySecret finds the refresh token whose secret string is token. The
// final comparison is constant-time, so a near miss in the index reveals
// nothing about the stored secret.
func (s *Store) TokenBySecret(token string) *RefreshToken {
	t := s.bySecret[token]
	if t == nil || subtle.ConstantTimeCompare([]byte(t.Token), []byte(token)) != 1 {
		return nil
	}
	return t
}

// RemoveToken deletes a refresh token; its access tokens die with its key.
func (s *Store) RemoveToken(t *RefreshToken) bool {
	if s.tokens[t.ID] != t {
		return false
	}
	s.dropToken(t)
	return true
}

func (s *Store) dropToken(t *RefreshToken) {
	s.noteRemovedToken(t.ID)
	delete(s.tokens, t.ID)
	if s.bySecret[t.Token] == t {
		delete(s.bySecret, t.Token)
	}
	if u := s.usersByID[t.UserID]; u != nil {
		delete(u.tokens, t.ID)
	}
}

// LogUsage records a token's use (AuthStore.async_log_refresh_token_usage):
// last use and address, and for tokens that expire, a new expiry 90 days
// from now.
func (s *Store) LogUsage(t *RefreshToken, now int64, ip *string) {
	at := now
	t.LastUsedAt = &at
	t.LastUsedIP = cloneString(ip)
	if t.ExpireAt != nil {
		e := Timestamp(now) + refreshTokenExpirationSeconds
		t.ExpireAt = &e
	}
}

// SetExpiry turns a token's expiry on (90 days after its last use, or now)
// or off.
func (s *Store) SetExpiry(t *RefreshToken, now int64, enable bool) {
	s.touchToken(t.ID)
	if !enable {
		t.ExpireAt = nil
		return
	}
	if t.ExpireAt != nil {
		return
	}
	base := now
	if t.LastUsedAt != nil {
		base = *t.LastUsedAt
	}
	e := Timestamp(base) + refreshTokenExpirationSeconds
	t.ExpireAt = &e
}

// Expired returns the tokens whose expire_at is at or before now, in store
// order.
func (s *Store) Expired(now int64) []*RefreshToken {
	ts := Timestamp(now)
	var out []*RefreshToken
	for _, t := range s.tokens {
		if t.ExpireAt != nil && *t.ExpireAt <= ts {
			out = append(out, t)
		}
	}
	sortTokens(out)
	return out
}

// NextExpiry returns the earliest expire_at among the tokens, as Unix
// microseconds, or false when no token expires.
func (s *Store) NextExpiry() (int64, bool) {
	var best float64
	found := false
	for _, t := range s.tokens {
		if t.ExpireAt != nil && (!found || *t.ExpireAt < best) {
			best = *t.ExpireAt
			found = true
		}
	}
	if !found {
		return 0, false
	}
	return FromTimestamp(best), true
}

// AllTokens returns every token grouped by user in user order, each user's
// in creation order: the order Home Assistant saves them in.
func (s *Store) AllTokens() []*RefreshToken {
	out := make([]*RefreshToken, 0, len(s.tokens))
	for _, u := range s.users {
		out = append(out, u.Tokens()...)
	}
	return out
}

// SetGroups replaces the groups (loading).
func (s *Store) SetGroups(gs []*Group) { s.groups = gs }

// Timestamp converts Unix microseconds to the float Python's
// datetime.timestamp() gives: total microseconds divided by 10**6, which is
// a correctly rounded division in both languages.
func Timestamp(us int64) float64 { return float64(us) / 1e6 }

// FromTimestamp converts a Home Assistant float timestamp to microseconds.
func FromTimestamp(ts float64) int64 {
	us := ts * 1e6
	if us < 0 {
		return int64(us - 0.5)
	}
	return int64(us + 0.5)
}

func sortTokens(ts []*RefreshToken) {
	slices.SortFunc(ts, func(a, b *RefreshToken) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
}

func cloneString(s *string) *string {
	if s == nil {
		return nil
	}
	v := *s
	return &v
}

// truthy keeps a string only if it is non-empty, as Home Assistant keeps
// client_name and client_icon only when truthy.
func truthy(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return cloneString(s)
}

// LoadUser adds a stored user as it is.
func (s *Store) LoadUser(u *User) {
	if u.tokens == nil {
		u.tokens = map[string]*RefreshToken{}
	}
	s.users = append(s.users, u)
	s.usersByID[u.ID] = u
}

// LoadCredential attaches a stored credential to its user; one whose user
// is unknown is dropped.
func (s *Store) LoadCredential(c *Credential) {
	u := s.usersByID[c.UserID]
	if u == nil {
		return
	}
	c.IsNew = false
	u.Credentials = append(u.Credentials, c)
	s.creds[c.ID] = c
}
