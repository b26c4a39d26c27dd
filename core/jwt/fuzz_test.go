package jwt

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"github.com/hassauth/hassauth/core/orjson"
	"strings"
	"testing"

	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// fuzzSeeds are meaningful starting points: genuine tokens of each kind and
// the hostile shapes of the rules table.
func fuzzSeeds() []string {
	now := testNow
	valid := mint(testJWTKey, stdHeader, accessPayload(testTokenID, now, now+1800))
	head := valid[:strings.LastIndexByte(valid, '.')]
	return []string{
		valid,
		head + ".",
		head + "." + strings.Repeat("a", 43),
		mint("", stdHeader, accessPayload("", now, now+1800)),
		mint(testJWTKey, `{"alg":"none"}`, accessPayload(testTokenID, now, now+1800)),
		mint(testJWTKey, `{"alg":"HS256","crit":["b64"],"b64":true,"kid":"k"}`, accessPayload(testTokenID, now, now+1800)),
		mint(testJWTKey, stdHeader, `[1,2]`),
		mint(testJWTKey, stdHeader, `{"iss":"`+testTokenID+`","iat":1e400,"exp":-0.5,"aud":0,"sub":"s","jti":null}`),
		mint(testJWTKey, stdHeader, `{"iss":"`+testTokenID+`","path":"/é","params":[["a","b"]],"iat":1,"exp":2}`),
		SignPath(NewKeyString(testJWTKey), testTokenID, "/api/x", []Param{{"a", "☕"}}, now, now+30),
		valid + ".x",
		strings.Replace(valid, ".", "=.", 1),
		"",
		"..",
		strings.Repeat("x", 10000),
	}
}

// vectorTokens are the tokens of the conformance vectors: access tokens,
// signed paths' signatures and external states, most signed with keys the
// fuzz targets do not have.
func vectorTokens(f *testing.F) []string {
	return vectorseeds.Spread(vectorseeds.MustLoad(f).Tokens, 40)
}

// FuzzVerify: Verify never panics, refuses oversized input before decoding
// it, and never accepts a token whose signature is not the HMAC of its
// signing input or whose segments are not canonical base64url.
func FuzzVerify(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, testNow)
	}
	for _, s := range vectorTokens(f) {
		f.Add(s, int64(1788256800))
	}
	key := NewKeyString(testJWTKey)
	f.Fuzz(func(t *testing.T, token string, now int64) {
		_, err := Verify(token, key, now, AccessTokenOptions(testTokenID))
		_, errState := Verify(token, key, now, StateOptions())
		_, errNil := Verify(token, nil, now, StateOptions())
		if errNil == nil {
			t.Fatal("nil key verified a token")
		}
		if len(token) > MaxTokenSize {
			if err != ErrTooLarge || errState != ErrTooLarge {
				t.Fatalf("oversized token: %v, %v", err, errState)
			}
			return
		}
		if err != nil && errState != nil {
			return
		}
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("accepted %d segments", len(parts))
		}
		for _, p := range parts {
			d, derr := base64.RawURLEncoding.Strict().DecodeString(p)
			if derr != nil || base64.RawURLEncoding.EncodeToString(d) != p {
				t.Fatalf("accepted non-canonical segment %q", p)
			}
		}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		if !hmac.Equal(sig, refMAC(testJWTKey, parts[0]+"."+parts[1])) {
			t.Fatal("accepted a token whose signature does not match")
		}
	})
}

// FuzzUnverifiedIssuer: never panics, and whenever it reports an issuer the
// token has the right shape and its payload, read by encoding/json, is an
// object whose iss is that string.
func FuzzUnverifiedIssuer(f *testing.F) {
	for _, s := range append(fuzzSeeds(), vectorTokens(f)...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		iss, ok := UnverifiedIssuer(token)
		if !ok {
			if iss != "" {
				t.Fatalf("issuer %q without ok", iss)
			}
			return
		}
		if len(token) > MaxTokenSize {
			t.Fatal("oversized token parsed")
		}
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("parsed %d segments", len(parts))
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[1])
		if err != nil {
			t.Fatalf("payload segment: %v", err)
		}
		var claims map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&claims); err != nil {
			t.Fatalf("payload %q: %v", raw, err)
		}
		if claims["iss"] != iss {
			t.Fatalf("iss %q, encoding/json reads %v", iss, claims["iss"])
		}
	})
}

// FuzzFastPayload checks that the fast path reads exactly what the general
// JSON parser reads, for every payload it accepts.
func FuzzFastPayload(f *testing.F) {
	for _, s := range []string{
		`{"iss":"0123456789abcdef0123456789abcdef","iat":1788256800,"exp":1788258600}`,
		`{"iss":"x","path":"/a","params":[],"iat":1,"exp":2}`,
		`{}`, `{"iat":-0}`, `{"iat":01}`, `{"iss":"a\"b"}`, `{"iss":"a","iss":"b"}`, `{ "iat":1}`, `{"exp":1e3}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		var tok Token
		if !tok.fastPayload(p) {
			return
		}
		v, err := orjson.Parse([]byte(p))
		if err != nil {
			t.Fatalf("fast path accepted %q, which is not JSON: %v", p, err)
		}
		if got, want := string(orjson.Marshal(tok.payload)), string(orjson.Marshal(v)); got != want {
			t.Fatalf("fast path read %q as %s, the parser as %s", p, got, want)
		}
	})
}
