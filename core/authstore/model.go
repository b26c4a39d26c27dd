package authstore

import (
	"github.com/hassauth/hassauth/core/jwt"
	"github.com/hassauth/hassauth/core/orjson"
)

// The system groups, recreated from code on every load.
const (
	GroupAdmin    = "system-admin"
	GroupUsers    = "system-users"
	GroupReadOnly = "system-read-only"
)

// The refresh token types.
const (
	TokenNormal    = "normal"
	TokenSystem    = "system"
	TokenLongLived = "long_lived_access_token"
)

// Durations, in microseconds.
const (
	Second = int64(1_000_000)
	Minute = 60 * Second
	Day    = 86400 * Second
	// AccessTokenExpiration is the default lifetime of an access token.
	AccessTokenExpiration = 30 * Minute
	// RefreshTokenExpiration is how long a normal token lives unused.
	RefreshTokenExpiration = 90 * Day
)

// refreshTokenExpirationSeconds is REFRESH_TOKEN_EXPIRATION.total_seconds(),
// the float Home Assistant adds to timestamps.
const refreshTokenExpirationSeconds = 7776000.0

// Group is a permission group.
type Group struct {
	ID   string
	Name string
	// Policy is the group's policy; only non-system groups store theirs.
	Policy          orjson.Value
	SystemGenerated bool
}

// SystemGroups returns the three system groups as the code defines them,
// in the order Home Assistant creates them.
func SystemGroups() []*Group {
	return []*Group{
		{ID: GroupAdmin, Name: "Administrators", SystemGenerated: true, Policy: policyAll()},
		{ID: GroupUsers, Name: "Users", SystemGenerated: true, Policy: policyAll()},
		{ID: GroupReadOnly, Name: "Read Only", SystemGenerated: true, Policy: policyReadOnly()},
	}
}

func policyAll() orjson.Value {
	return orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "entities", Value: orjson.BoolValue(true)}}}
}

func policyReadOnly() orjson.Value {
	read := orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "read", Value: orjson.BoolValue(true)}}}
	all := orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "all", Value: read}}}
	return orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "entities", Value: all}}}
}

// User is a Home Assistant user.
type User struct {
	ID              string
	Name            *string
	IsOwner         bool
	IsActive        bool
	SystemGenerated bool
	LocalOnly       bool
	GroupIDs        []string
	Credentials     []*Credential
	tokens          map[string]*RefreshToken
}

// IsAdmin reports whether the user is the owner or an active member of
// system-admin.
func (u *User) IsAdmin() bool {
	if u.IsOwner {
		return true
	}
	if !u.IsActive {
		return false
	}
	for _, g := range u.GroupIDs {
		if g == GroupAdmin {
			return true
		}
	}
	return false
}

// Tokens returns the user's refresh tokens in creation (or load) order.
func (u *User) Tokens() []*RefreshToken {
	out := make([]*RefreshToken, 0, len(u.tokens))
	for _, t := range u.tokens {
		out = append(out, t)
	}
	sortTokens(out)
	return out
}

// TokenCount returns how many refresh tokens the user has.
func (u *User) TokenCount() int { return len(u.tokens) }

// Credential is a login identity from a provider, linked to at most one user.
type Credential struct {
	ID string
	// UserID is empty while the credential is new (not linked).
	UserID       string
	ProviderType string
	ProviderID   *string
	// Data is the provider's data, e.g. {"username": "alice"}.
	Data  orjson.Value
	IsNew bool
}

// DataString returns a string member of the credential's data.
func (c *Credential) DataString(key string) (string, bool) {
	v, ok := c.Data.Get(key)
	if !ok || v.Kind != orjson.String {
		return "", false
	}
	return v.Str, true
}

// RefreshToken is a refresh token with every field Home Assistant stores.
type RefreshToken struct {
	ID         string
	UserID     string
	ClientID   *string
	ClientName *string
	ClientIcon *string
	Type       string
	// CreatedAt is Unix microseconds.
	CreatedAt int64
	// AccessTokenExpiration is the lifetime of access tokens, microseconds.
	AccessTokenExpiration int64
	// Token is the secret refresh token string (128 hex characters).
	Token string
	// JWTKey signs this token's access tokens (128 hex characters).
	JWTKey     string
	LastUsedAt *int64
	LastUsedIP *string
	// ExpireAt is a Unix timestamp as Home Assistant's float, or nil.
	ExpireAt     *float64
	CredentialID *string
	Version      *string
	seq          uint64
	// key is JWTKey prepared for signing, built on first use.
	key *jwt.Key
}

// Key returns the token's prepared HMAC key.
func (t *RefreshToken) Key() *jwt.Key {
	if t.key == nil {
		t.key = jwt.NewKeyString(t.JWTKey)
	}
	return t.key
}

// AccessTokenSeconds is int(access_token_expiration.total_seconds()).
func (t *RefreshToken) AccessTokenSeconds() int64 {
	return t.AccessTokenExpiration / Second
}
