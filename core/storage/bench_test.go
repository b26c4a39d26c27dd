package storage

import (
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/stretchr/testify/require"
)

// bigAuth builds a store with the given number of refresh tokens spread over
// 100 users, every field filled the way Home Assistant fills it.
func bigAuth(tokens int) AuthData {
	r := rand.New(rand.NewPCG(7, 11))
	hexN := func(n int) string {
		b := make([]byte, n/2)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return hex.EncodeToString(b)
	}
	a := DefaultAuth()
	const users = 100
	for i := 0; i < users; i++ {
		id := hexN(32)
		a.Users = append(a.Users, User{ID: id, GroupIDs: []string{GroupIDUser}, IsActive: true,
			Name: Some("User " + strconv.Itoa(i)), LocalOnly: i%7 == 0})
		a.Credentials = append(a.Credentials, Credential{ID: hexN(32), UserID: id, AuthProviderType: "homeassistant",
			Data: orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "username", Value: orjson.StringValue("user" + strconv.Itoa(i))}}}})
	}
	created := int64(1764579600123456)
	for i := 0; i < tokens; i++ {
		u := i % users
		t := RefreshToken{
			ID: hexN(32), UserID: a.Users[u].ID, ClientID: Some("http://homeassistant.local:8123/"),
			TokenType: TokenTypeNormal, CreatedAt: created + int64(i)*1_000_003,
			AccessTokenExpiration: 1800 * usPerSecond, Token: hexN(128), JWTKey: hexN(128),
			LastUsedAt: Some(created + int64(i)*2_000_001), LastUsedIP: Some("192.168.1." + strconv.Itoa(i%250)),
			ExpireAt:     Some(float64(created+int64(i)*2_000_001)/1e6 + 7776000),
			CredentialID: Some(a.Credentials[u].ID), Version: Some("2026.9.1"),
		}
		if i%10 == 0 {
			t.ClientID, t.TokenType = Null[string]{}, TokenTypeLongLived
			t.ClientName, t.ClientIcon = Some("Tablet "+strconv.Itoa(i)), Some("mdi:tablet")
			t.AccessTokenExpiration = 3650 * 86400 * usPerSecond
			t.ExpireAt, t.LastUsedAt, t.LastUsedIP = Null[float64]{}, Null[int64]{}, Null[string]{}
		}
		a.RefreshTokens = append(a.RefreshTokens, t)
	}
	// Home Assistant keeps tokens grouped by user.
	grouped := make([]RefreshToken, 0, tokens)
	for u := 0; u < users; u++ {
		for i := u; i < tokens; i += users {
			grouped = append(grouped, a.RefreshTokens[i])
		}
	}
	a.RefreshTokens = grouped
	return a
}

func TestBigAuthRoundTrip(t *testing.T) {
	a := bigAuth(2000)
	b := EncodeAuth(a)
	got, notices, err := DecodeAuth(b)
	require.NoError(t, err)
	require.Empty(t, notices)
	require.Equal(t, a, got)
	require.Equal(t, string(b), string(EncodeAuth(got)))
}

func BenchmarkEncodeAuth100k(b *testing.B) {
	a := bigAuth(100_000)
	b.SetBytes(int64(len(EncodeAuth(a))))
	b.ReportAllocs()
	for b.Loop() {
		EncodeAuth(a)
	}
}

func BenchmarkDecodeAuth100k(b *testing.B) {
	doc := EncodeAuth(bigAuth(100_000))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := DecodeAuth(doc); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAuthSizeHintCoversHomeAssistantLayout(t *testing.T) {
	for _, a := range []AuthData{bigAuth(1000), DefaultAuth()} {
		n := len(EncodeAuth(a))
		hint := authSizeHint(a)
		require.GreaterOrEqual(t, hint, n, "one allocation")
		require.Less(t, hint, n+n/8+512, "not much more")
	}
}
