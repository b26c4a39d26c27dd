package jwt

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	gjwt "github.com/golang-jwt/jwt/v5"
)

// golangJWTAccessParser validates an access token the way Home Assistant
// does, with github.com/golang-jwt/jwt/v5.
func golangJWTAccessParser(now int64) *gjwt.Parser {
	return gjwt.NewParser(
		gjwt.WithValidMethods([]string{"HS256"}),
		gjwt.WithIssuer(testTokenID),
		gjwt.WithLeeway(AccessTokenLeeway*time.Second),
		gjwt.WithIssuedAt(),
		gjwt.WithExpirationRequired(),
		gjwt.WithStrictDecoding(),
		gjwt.WithTimeFunc(func() time.Time { return time.Unix(now, 0) }),
	)
}

// TestGolangJWTCrossCheck: tokens signed by golang-jwt verify here with the
// same outcome at every time around the leeway edges, and tokens signed here
// verify with golang-jwt.
func TestGolangJWTCrossCheck(t *testing.T) {
	secret := []byte(testJWTKey)
	key := NewKey(secret)
	iat, exp := testNow, testNow+1800

	theirs, err := gjwt.NewWithClaims(gjwt.SigningMethodHS256, gjwt.MapClaims{
		"iss": testTokenID, "iat": iat, "exp": exp,
	}).SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	ours := SignAccessToken(key, testTokenID, iat, exp)
	// Their header is ours (Go sorts map keys as PyJWT sorts headers); the
	// payload differs only in member order.
	if theirs[:strings.IndexByte(theirs, '.')] != headerSegment {
		t.Fatalf("golang-jwt header %s", theirs[:strings.IndexByte(theirs, '.')])
	}

	for _, now := range []int64{iat - 11, iat - 10, iat, exp - 1, exp + 9, exp + 10, exp + 11} {
		for name, tok := range map[string]string{"golang-jwt_signed": theirs, "signed_here": ours} {
			_, errOurs := Verify(tok, key, now, AccessTokenOptions(testTokenID))
			_, errTheirs := golangJWTAccessParser(now).Parse(tok, func(*gjwt.Token) (any, error) { return secret, nil })
			if (errOurs == nil) != (errTheirs == nil) {
				t.Errorf("%s at now%+d: ours %v, golang-jwt %v", name, now-iat, errOurs, errTheirs)
			}
		}
	}

	// Outcomes that must agree on tokens the two libraries both judge.
	other := mint("other", stdHeader, accessPayload(testTokenID, iat, exp))
	none := enc(`{"alg":"none","typ":"JWT"}`) + "." + enc(accessPayload(testTokenID, iat, exp)) + "."
	hs512 := hs512Token(secret, accessPayload(testTokenID, iat, exp))
	wrongIss := mint(testJWTKey, stdHeader, accessPayload("x", iat, exp))
	noExp := mint(testJWTKey, stdHeader, `{"iss":"`+testTokenID+`","iat":`+i64(iat)+`}`)
	for name, tok := range map[string]string{"other_key": other, "alg_none": none, "alg_HS512": hs512, "wrong_iss": wrongIss, "no_exp": noExp} {
		_, errOurs := Verify(tok, key, iat, AccessTokenOptions(testTokenID))
		_, errTheirs := golangJWTAccessParser(iat).Parse(tok, func(*gjwt.Token) (any, error) { return secret, nil })
		if errOurs == nil || errTheirs == nil {
			t.Errorf("%s: ours %v, golang-jwt %v; both must refuse", name, errOurs, errTheirs)
		}
	}
}

func hs512Token(secret []byte, payload string) string {
	in := enc(`{"alg":"HS512","typ":"JWT"}`) + "." + enc(payload)
	m := hmac.New(sha512.New, secret)
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
