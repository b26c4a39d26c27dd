package authstore

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// t0 is 2026-09-01T10:00:00Z in Unix microseconds.
const t0 = int64(1788256800) * Second

func rng() *rand.ChaCha8 {
	var seed [32]byte
	copy(seed[:], "authstore tests")
	return rand.NewChaCha8(seed)
}

func ptr[T any](v T) *T { return &v }

type fixture struct {
	s                               *Store
	r                               *rand.ChaCha8
	owner, normal, inactive, system *User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{s: New(), r: rng()}
	var err error
	f.owner, err = f.s.CreateUser(f.r, ptr("Owner"), nil, false)
	require.NoError(t, err)
	f.normal, err = f.s.CreateUser(f.r, ptr("Normal"), []string{GroupUsers}, false)
	require.NoError(t, err)
	f.inactive, err = f.s.AddUser(f.r, UserSpec{Name: ptr("Inactive"), IsActive: false})
	require.NoError(t, err)
	f.system, err = f.s.CreateSystemUser(f.r, ptr("Hass.io"), nil, false)
	require.NoError(t, err)
	return f
}

// TestCreateRefreshTokenChecks covers §4.4: each check with Home
// Assistant's message, in Home Assistant's order.
func TestCreateRefreshTokenChecks(t *testing.T) {
	f := newFixture(t)
	client := ptr("https://example.com/app")
	_, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{Type: TokenLongLived, ClientName: ptr("GPS Logger")})
	require.NoError(t, err)

	for _, tc := range []struct {
		name string
		user func() *User
		spec TokenSpec
		want string
	}{
		// 1 before everything: an inactive system user with a client.
		{"1_inactive_first", func() *User { return f.inactive }, TokenSpec{ClientID: client, Type: TokenSystem}, "User is not active"},
		{"2_system_user_with_client", func() *User { return f.system }, TokenSpec{ClientID: client}, "System generated users cannot have refresh tokens connected to a client."},
		{"2_before_type_checks", func() *User { return f.system }, TokenSpec{ClientID: client, Type: "bogus"}, "System generated users cannot have refresh tokens connected to a client."},
		{"AM-08_5_system_user_normal_token", func() *User { return f.system }, TokenSpec{Type: TokenNormal}, "System generated users can only have system type refresh tokens"},
		{"5_system_user_llat", func() *User { return f.system }, TokenSpec{Type: TokenLongLived, ClientName: ptr("x")}, "System generated users can only have system type refresh tokens"},
		{"5_system_user_unknown_type", func() *User { return f.system }, TokenSpec{Type: "bogus"}, "System generated users can only have system type refresh tokens"},
		{"AM-12_5_normal_user_system_token", func() *User { return f.normal }, TokenSpec{ClientID: client, Type: TokenSystem}, "System generated users can only have system type refresh tokens"},
		{"AM-09_6_normal_token_needs_a_client", func() *User { return f.normal }, TokenSpec{}, "Client is required to generate a refresh token."},
		{"AM-13_7_llat_needs_a_client_name", func() *User { return f.normal }, TokenSpec{Type: TokenLongLived}, "Client_name is required for long-lived access token"},
		{"AM-23_8_llat_name_unique_per_user", func() *User { return f.normal }, TokenSpec{Type: TokenLongLived, ClientName: ptr("GPS Logger")}, "GPS Logger already exists"},
		{"9_unknown_type_last", func() *User { return f.normal }, TokenSpec{Type: "bogus"}, ErrInvalidTokenType.Error()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.s.TokenCount()
			_, err := f.s.CreateRefreshToken(f.r, t0, tc.user(), tc.spec)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			assert.Equal(t, before, f.s.TokenCount(), "nothing stored")
		})
	}

	t.Run("duplicate_name_error_type", func(t *testing.T) {
		_, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{Type: TokenLongLived, ClientName: ptr("GPS Logger")})
		var dup *DuplicateClientNameError
		require.True(t, errors.As(err, &dup))
		assert.Equal(t, "GPS Logger", dup.ClientName)
	})

	t.Run("llat_name_is_per_user", func(t *testing.T) {
		_, err := f.s.CreateRefreshToken(f.r, t0, f.owner, TokenSpec{Type: TokenLongLived, ClientName: ptr("GPS Logger")})
		assert.NoError(t, err)
	})

	t.Run("normal_token_name_does_not_count", func(t *testing.T) {
		_, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{ClientID: client, ClientName: ptr("Phone")})
		require.NoError(t, err)
		_, err = f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{Type: TokenLongLived, ClientName: ptr("Phone")})
		assert.NoError(t, err)
	})
}

// TestCreateRefreshTokenResult covers what a created token holds.
func TestCreateRefreshTokenResult(t *testing.T) {
	client := ptr("https://example.com/app")

	t.Run("AM-09_normal", func(t *testing.T) {
		f := newFixture(t)
		cred := &Credential{ID: "cred", ProviderType: "homeassistant"}
		rt, err := f.s.CreateRefreshToken(f.r, t0+123, f.normal, TokenSpec{ClientID: client, Credential: cred, Version: "2026.9.1"})
		require.NoError(t, err)
		assert.Equal(t, TokenNormal, rt.Type)
		assert.Equal(t, "https://example.com/app", *rt.ClientID)
		assert.Equal(t, 30*Minute, rt.AccessTokenExpiration)
		assert.EqualValues(t, 1800, rt.AccessTokenSeconds())
		require.NotNil(t, rt.ExpireAt)
		assert.Equal(t, 1788256800.000123+7776000.0, *rt.ExpireAt)
		assert.Equal(t, t0+123, rt.CreatedAt)
		assert.Nil(t, rt.LastUsedAt)
		assert.Nil(t, rt.LastUsedIP)
		assert.Equal(t, "cred", *rt.CredentialID)
		assert.Equal(t, "2026.9.1", *rt.Version)
		assert.Regexp(t, `^[0-9a-f]{32}$`, rt.ID)
		assert.Regexp(t, `^[0-9a-f]{128}$`, rt.Token)
		assert.Regexp(t, `^[0-9a-f]{128}$`, rt.JWTKey)
		assert.NotEqual(t, rt.Token, rt.JWTKey)
		assert.Same(t, rt, f.s.Token(rt.ID))
		assert.Same(t, rt, f.s.TokenBySecret(rt.Token))
		assert.Equal(t, []*RefreshToken{rt}, f.normal.Tokens())
		// The client id is copied, not shared.
		*client = "changed"
		assert.Equal(t, "https://example.com/app", *rt.ClientID)
		*client = "https://example.com/app"
	})

	t.Run("AM-11_custom_access_token_lifetime", func(t *testing.T) {
		f := newFixture(t)
		rt, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{ClientID: client, AccessTokenExpiration: 100 * Day})
		require.NoError(t, err)
		assert.Equal(t, 100*Day, rt.AccessTokenExpiration)
		assert.EqualValues(t, 8640000, rt.AccessTokenSeconds())
		assert.Equal(t, TokenNormal, rt.Type)
		assert.NotNil(t, rt.ExpireAt)
	})

	t.Run("AM-08_system", func(t *testing.T) {
		f := newFixture(t)
		rt, err := f.s.CreateRefreshToken(f.r, t0, f.system, TokenSpec{})
		require.NoError(t, err)
		assert.Equal(t, TokenSystem, rt.Type)
		assert.Nil(t, rt.ClientID)
		assert.Nil(t, rt.ExpireAt)
	})

	t.Run("AM-13_llat", func(t *testing.T) {
		f := newFixture(t)
		rt, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{Type: TokenLongLived, ClientName: ptr("GPS LOGGER"),
			ClientIcon: ptr("mdi:home"), AccessTokenExpiration: 3000 * Day})
		require.NoError(t, err)
		assert.Nil(t, rt.ClientID)
		assert.Equal(t, "GPS LOGGER", *rt.ClientName)
		assert.Equal(t, "mdi:home", *rt.ClientIcon)
		assert.Nil(t, rt.ExpireAt)
		assert.EqualValues(t, 3000*86400, rt.AccessTokenSeconds())
	})

	t.Run("empty_name_and_icon_are_not_kept", func(t *testing.T) {
		f := newFixture(t)
		rt, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{ClientID: client, ClientName: ptr(""), ClientIcon: ptr("")})
		require.NoError(t, err)
		assert.Nil(t, rt.ClientName)
		assert.Nil(t, rt.ClientIcon)
	})

	t.Run("AM-23_recreate_after_removal", func(t *testing.T) {
		f := newFixture(t)
		spec := TokenSpec{Type: TokenLongLived, ClientName: ptr("GPS Logger")}
		a, err := f.s.CreateRefreshToken(f.r, t0, f.normal, spec)
		require.NoError(t, err)
		assert.True(t, f.s.RemoveToken(a))
		assert.False(t, f.s.RemoveToken(a), "already gone")
		assert.Nil(t, f.s.Token(a.ID))
		assert.Nil(t, f.s.TokenBySecret(a.Token))
		assert.Zero(t, f.normal.TokenCount())
		b, err := f.s.CreateRefreshToken(f.r, t0, f.normal, spec)
		require.NoError(t, err)
		assert.NotEqual(t, a.ID, b.ID)
		assert.NotEqual(t, a.JWTKey, b.JWTKey)
		assert.NotEqual(t, a.Token, b.Token)
	})
}

// TestOwnerRule covers AM-30: the first non-system user created is the
// owner, nobody else.
func TestOwnerRule(t *testing.T) {
	s, r := New(), rng()
	sys, err := s.CreateSystemUser(r, ptr("Supervisor"), []string{GroupAdmin}, false)
	require.NoError(t, err)
	assert.False(t, sys.IsOwner)
	assert.True(t, sys.IsActive)
	assert.True(t, sys.SystemGenerated)
	assert.False(t, s.HasNonSystemUser())

	first, err := s.CreateUser(r, ptr("First"), nil, false)
	require.NoError(t, err)
	assert.True(t, first.IsOwner)
	assert.True(t, first.IsAdmin(), "the owner is an admin without groups")
	assert.Empty(t, first.GroupIDs)
	assert.False(t, first.LocalOnly)
	assert.True(t, first.IsActive)

	second, err := s.CreateUser(r, ptr("Second"), nil, false)
	require.NoError(t, err)
	assert.False(t, second.IsOwner)
	assert.False(t, second.IsAdmin())

	third, err := s.CreateUser(r, ptr("Third"), []string{GroupAdmin}, true)
	require.NoError(t, err)
	assert.False(t, third.IsOwner)
	assert.True(t, third.IsAdmin())
	assert.True(t, third.LocalOnly)
	assert.Equal(t, []string{GroupAdmin}, third.GroupIDs)

	// A user made from new credentials is never the owner.
	s2 := New()
	cred := &Credential{ID: "c1", ProviderType: "homeassistant", IsNew: true}
	u, err := s2.AddUser(r, UserSpec{Name: ptr("x"), IsActive: true, GroupIDs: []string{GroupAdmin}, Credentials: cred})
	require.NoError(t, err)
	assert.False(t, u.IsOwner)
	assert.True(t, u.IsAdmin())
	assert.False(t, cred.IsNew)
	assert.Equal(t, u.ID, cred.UserID)

	_, err = s.CreateUser(r, ptr("Bad"), []string{"no-such-group"}, false)
	assert.EqualError(t, err, "Invalid group specified.")

	t.Run("inactive_member_of_admin_is_not_admin", func(t *testing.T) {
		u := &User{GroupIDs: []string{GroupAdmin}}
		assert.False(t, u.IsAdmin())
		u.IsActive = true
		assert.True(t, u.IsAdmin())
	})
}

// TestUpdateAndRemoveUser covers async_update_user and async_remove_user.
func TestUpdateAndRemoveUser(t *testing.T) {
	f := newFixture(t)
	client := ptr("https://example.com/app")
	_, err := f.s.UpdateUser(f.owner, UserUpdate{IsActive: ptr(false)})
	assert.EqualError(t, err, "Unable to deactivate the owner")
	assert.True(t, f.owner.IsActive)

	a, _ := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{ClientID: client})
	b, _ := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{ClientID: client})
	gone, err := f.s.UpdateUser(f.normal, UserUpdate{IsActive: ptr(false)})
	require.NoError(t, err)
	assert.Equal(t, []string{a.ID, b.ID}, gone, "deactivating removes every token")
	assert.Nil(t, f.s.Token(a.ID))

	_, err = f.s.UpdateUser(f.normal, UserUpdate{SetGroups: true, GroupIDs: []string{"nope"}})
	assert.EqualError(t, err, "Invalid group specified.")

	// AM-31: renaming keeps the tokens.
	c, _ := f.s.CreateRefreshToken(f.r, t0, f.owner, TokenSpec{ClientID: client})
	_, err = f.s.UpdateUser(f.owner, UserUpdate{Name: ptr("Renamed")})
	require.NoError(t, err)
	assert.Same(t, c, f.s.Token(c.ID))
	assert.Equal(t, "Renamed", *f.owner.Name)

	cred := &Credential{ID: "cred-owner", ProviderType: "homeassistant"}
	require.NoError(t, f.s.LinkCredential(f.owner, cred))
	require.NoError(t, f.s.LinkCredential(f.owner, cred), "AM-05 linking again is a no-op")
	assert.Len(t, f.owner.Credentials, 1)
	assert.EqualError(t, f.s.LinkCredential(f.normal, cred), "Credential is already linked to a user")

	removed := f.s.RemoveUser(f.owner)
	assert.Equal(t, []string{c.ID}, removed)
	assert.Nil(t, f.s.User(f.owner.ID))
	assert.Nil(t, f.s.Credential("cred-owner"))
	assert.Nil(t, f.s.Token(c.ID))
}

// TestTokenUsageAndExpiry covers usage logging (STORE-12, AM-19), set
// expiry (STORE-10) and the purge's queries (AM-18).
func TestTokenUsageAndExpiry(t *testing.T) {
	f := newFixture(t)
	client := ptr("https://example.com/app")
	rt, err := f.s.CreateRefreshToken(f.r, t0, f.normal, TokenSpec{ClientID: client})
	require.NoError(t, err)

	t.Run("AM-19_use_slides_expiry", func(t *testing.T) {
		f.s.LogUsage(rt, t0+30*Day, ptr("192.168.0.1"))
		assert.Equal(t, t0+30*Day, *rt.LastUsedAt)
		assert.Equal(t, "192.168.0.1", *rt.LastUsedIP)
		assert.Equal(t, 1788256800.0+120*86400, *rt.ExpireAt)
		f.s.LogUsage(rt, t0+31*Day, nil)
		assert.Nil(t, rt.LastUsedIP)
	})

	t.Run("use_of_a_token_without_expiry", func(t *testing.T) {
		sys, _ := f.s.CreateRefreshToken(f.r, t0, f.system, TokenSpec{})
		f.s.LogUsage(sys, t0+Day, ptr("10.0.0.1"))
		assert.Nil(t, sys.ExpireAt)
		assert.Equal(t, t0+Day, *sys.LastUsedAt)
	})

	t.Run("STORE-10_set_expiry", func(t *testing.T) {
		tok := &RefreshToken{ID: "x"}
		e := 1724133771.079745
		tok.ExpireAt = &e
		f.s.SetExpiry(tok, t0, false)
		assert.Nil(t, tok.ExpireAt)
		f.s.SetExpiry(tok, t0, true)
		require.NotNil(t, tok.ExpireAt)
		assert.Equal(t, 1788256800.0+7776000, *tok.ExpireAt, "from now when never used")
		f.s.SetExpiry(tok, t0+Day, true)
		assert.Equal(t, 1788256800.0+7776000, *tok.ExpireAt, "enabling again changes nothing")
		f.s.SetExpiry(tok, t0, false)
		used := t0 - 10*Day
		tok.LastUsedAt = &used
		f.s.SetExpiry(tok, t0, true)
		assert.Equal(t, 1788256800.0-10*86400+7776000, *tok.ExpireAt, "from the last use")
	})

	t.Run("AM-18_expired_and_next_expiry", func(t *testing.T) {
		s, r := New(), rng()
		u, _ := s.CreateUser(r, ptr("u"), nil, false)
		a, _ := s.CreateRefreshToken(r, t0, u, TokenSpec{ClientID: client})
		b, _ := s.CreateRefreshToken(r, t0+30*Day, u, TokenSpec{ClientID: client})
		_, _ = s.CreateRefreshToken(r, t0, u, TokenSpec{Type: TokenLongLived, ClientName: ptr("n")})
		next, ok := s.NextExpiry()
		require.True(t, ok)
		assert.Equal(t, t0+90*Day, next)
		assert.Empty(t, s.Expired(t0+90*Day-Second))
		assert.Equal(t, []*RefreshToken{a}, s.Expired(t0+90*Day), "expire_at <= now")
		assert.Equal(t, []*RefreshToken{a, b}, s.Expired(t0+120*Day+5*Second))
		s.RemoveToken(a)
		next, _ = s.NextExpiry()
		assert.Equal(t, t0+120*Day, next)
		s.RemoveToken(b)
		_, ok = s.NextExpiry()
		assert.False(t, ok, "the LLAT never expires")
	})
}

// TestStoreOrder checks that tokens come out grouped by user in user order,
// each user's in creation order, whatever the map order.
func TestStoreOrder(t *testing.T) {
	s, r := New(), rng()
	u1, _ := s.CreateUser(r, ptr("1"), nil, false)
	u2, _ := s.CreateUser(r, ptr("2"), nil, false)
	client := ptr("c")
	var want1, want2 []*RefreshToken
	for i := 0; i < 20; i++ {
		a, _ := s.CreateRefreshToken(r, t0, u2, TokenSpec{ClientID: client})
		b, _ := s.CreateRefreshToken(r, t0, u1, TokenSpec{ClientID: client})
		want2 = append(want2, a)
		want1 = append(want1, b)
	}
	assert.Equal(t, append(want1, want2...), s.AllTokens())
	assert.Equal(t, want2, u2.Tokens())
}

// TestIDs checks the id and secret formats.
func TestIDs(t *testing.T) {
	r := rng()
	id := NewID(r)
	assert.Regexp(t, `^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$`, id, "uuid4 hex")
	assert.NotEqual(t, id, NewID(r))
	assert.Regexp(t, `^[0-9a-f]{128}$`, TokenHex(r, 64))
	assert.Equal(t, 1796032800.5, Timestamp(t0+7776000*Second+500_000))
	assert.Equal(t, t0+500_000, FromTimestamp(1788256800.5))
	assert.Equal(t, int64(-1_500_000), FromTimestamp(-1.5))
}

// TestNewIDMatchesGoogleUUID cross-checks NewID with github.com/google/uuid:
// every id parses as a version 4, RFC 4122 variant uuid, and is the one
// NewRandomFromReader makes from the same bytes.
func TestNewIDMatchesGoogleUUID(t *testing.T) {
	r := rng()
	fixed := [][]byte{make([]byte, 16), bytes.Repeat([]byte{0xff}, 16), bytes.Repeat([]byte{0x5a}, 16)}
	for i := 0; i < 10000; i++ {
		raw := make([]byte, 16)
		if i < len(fixed) {
			raw = fixed[i]
		} else {
			for j := range raw {
				raw[j] = byte(r.Uint64())
			}
		}
		id := NewID(bytes.NewReader(raw))
		u, err := uuid.Parse(id)
		require.NoError(t, err, id)
		require.Equal(t, uuid.Version(4), u.Version(), id)
		require.Equal(t, uuid.RFC4122, u.Variant(), id)
		want, err := uuid.NewRandomFromReader(bytes.NewReader(raw))
		require.NoError(t, err)
		require.Equal(t, hex.EncodeToString(want[:]), id, "bytes %x", raw)
	}
}

// TestNewIDReadsSixteenBytes: the id consumes exactly 16 bytes of the
// random stream (the conformance vectors depend on it) and panics when the
// source runs dry.
func TestNewIDReadsSixteenBytes(t *testing.T) {
	src := bytes.NewReader(make([]byte, 40))
	NewID(src)
	NewID(src)
	assert.Equal(t, 8, src.Len())
	assert.Panics(t, func() { NewID(src) })
}
