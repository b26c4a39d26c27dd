package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"
)

// The three benchmarks below measure the same job on the same token, for the
// budget "access-token validation <= 3x the bare HMAC-SHA256 + base64url
// work" and to compare with the well-kept library.

var benchToken = SignAccessToken(NewKeyString(testJWTKey), testTokenID, testNow, testNow+1800)

// BenchmarkVerifyAccessToken is §4.5 as the core runs it: parse, read the
// issuer for the lookup, verify with the refresh token's prepared Key.
func BenchmarkVerifyAccessToken(b *testing.B) {
	key := NewKeyString(testJWTKey)
	b.ReportAllocs()
	for b.Loop() {
		t, err := Parse(benchToken)
		if err != nil {
			b.Fatal(err)
		}
		iss, _ := t.Issuer()
		if _, err := t.VerifyAccessToken(key, iss, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyAccessTokenNewKey is the same with the Key built from the
// jwt_key string on every call, for a caller that keeps no Key.
func BenchmarkVerifyAccessTokenNewKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		t, err := Parse(benchToken)
		if err != nil {
			b.Fatal(err)
		}
		iss, _ := t.Issuer()
		if _, err := t.VerifyAccessToken(NewKeyString(testJWTKey), iss, testNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHMACBase64 is the floor: decode the three segments, HMAC the
// signing input, compare; no JSON, no claims.
func BenchmarkBareHMACBase64(b *testing.B) {
	key := []byte(testJWTKey)
	b.ReportAllocs()
	for b.Loop() {
		d1 := strings.IndexByte(benchToken, '.')
		d2 := strings.LastIndexByte(benchToken, '.')
		h, err1 := base64.RawURLEncoding.DecodeString(benchToken[:d1])
		p, err2 := base64.RawURLEncoding.DecodeString(benchToken[d1+1 : d2])
		s, err3 := base64.RawURLEncoding.DecodeString(benchToken[d2+1:])
		if err1 != nil || err2 != nil || err3 != nil || len(h) == 0 || len(p) == 0 {
			b.Fatal("decode")
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte(benchToken[:d2]))
		if !hmac.Equal(m.Sum(nil), s) {
			b.Fatal("mac")
		}
	}
}

// BenchmarkGolangJWTParse is the same validation with golang-jwt/jwt/v5.
func BenchmarkGolangJWTParse(b *testing.B) {
	key := []byte(testJWTKey)
	now := time.Unix(testNow, 0)
	p := gjwt.NewParser(
		gjwt.WithValidMethods([]string{"HS256"}),
		gjwt.WithIssuer(testTokenID),
		gjwt.WithLeeway(AccessTokenLeeway*time.Second),
		gjwt.WithIssuedAt(),
		gjwt.WithExpirationRequired(),
		gjwt.WithTimeFunc(func() time.Time { return now }),
	)
	keyFunc := func(*gjwt.Token) (any, error) { return key, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(benchToken, keyFunc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignAccessToken(b *testing.B) {
	key := NewKeyString(testJWTKey)
	b.ReportAllocs()
	for b.Loop() {
		SignAccessToken(key, testTokenID, testNow, testNow+1800)
	}
}

func BenchmarkNewKey(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		NewKeyString(testJWTKey)
	}
}
