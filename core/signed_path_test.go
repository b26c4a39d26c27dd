package core_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/testvectors/vectorseeds"
)

// sign signs a path on a connection and returns the signed path.
func sign(t testing.TB, w *wsClient, path string, expires int) string {
	t.Helper()
	res := w.result(map[string]any{"type": "auth/sign_path", "path": path, "expires": expires}).(map[string]any)
	return res["path"].(string)
}

// authSig returns the signature of a signed path.
func authSig(t testing.TB, signed string) string {
	t.Helper()
	i := strings.Index(signed, "authSig=")
	require.GreaterOrEqual(t, i, 0, signed)
	return signed[i+len("authSig="):]
}

// TestSignedPaths follows spec §9.2 and SIGN-02..SIGN-12 on GET /api/.
func TestSignedPaths(t *testing.T) {
	h, w, access := wsUser(t, testConfig())
	get := func(path string, headers ...core.Header) int { return h.request("GET", path, nil, headers...).Status }

	signed := sign(t, w, "/api/?test=test", 30)
	sig := authSig(t, signed)
	assert.Equal(t, "/api/?test=test&authSig="+sig, signed)
	assert.Equal(t, 200, get(signed), "SIGN-02")
	assert.Equal(t, 200, h.request("HEAD", signed, nil).Status)
	assert.Equal(t, 401, get("/api/?authSig="+sig), "SIGN-02: the query is covered")

	claims := jwtPayload(t, sig)
	assert.Equal(t, h.refreshTokenID(access), claims["iss"], "SIGN-06: issued for the connection's token")
	assert.Equal(t, "/api/", claims["path"])
	assert.Equal(t, []any{[]any{"test", "test"}}, claims["params"])
	assert.EqualValues(t, 30, claims["exp"].(float64)-claims["iat"].(float64))

	sig2 := authSig(t, sign(t, w, "/api/?test=test&foo=bar", 30))
	for name, path := range map[string]string{
		"SIGN-03/reordered":  "/api/?foo=bar&test=test&authSig=" + sig2,
		"SIGN-03/duplicated": "/api/?test=test&foo=aaa&foo=bar&authSig=" + sig2,
		"SIGN-03/removed":    "/api/?test=test&authSig=" + sig2,
		"SIGN-05/changed":    "/api/?test=test&foo=baz&authSig=" + sig2,
		"SIGN-05/added":      "/api/?test=test&authSig=" + sig + "&foo=bar",
	} {
		assert.Equal(t, 401, get(path), name)
	}
	assert.Equal(t, 200, get("/api/?test=test&foo=bar&authSig="+sig2+"&width=100&height=5"), "SIGN-04: sizes may change")
	assert.Equal(t, 200, get("/api/?width=1&test=test&foo=bar&authSig="+sig2))

	// The middleware's "if header and valid ... elif signed path": a header
	// that does not authenticate leaves the signed path to be tried.
	assert.Equal(t, 200, get(signed, core.Header{Name: "authorization", Value: "Bearer invalid"}), "SIGN-12: an invalid header falls through")
	assert.Equal(t, 401, get("/api/?authSig=x", core.Header{Name: "authorization", Value: "Bearer invalid"}))

	// Characters that need escaping survive the round trip.
	odd := sign(t, w, "/api/?q=a b&r=%2F%26&s=é+x", 30)
	assert.Equal(t, 200, get(odd), odd)
	claims = jwtPayload(t, authSig(t, odd))
	assert.Equal(t, []any{[]any{"q", "a b"}, []any{"r", "/&"}, []any{"s", "é x"}}, claims["params"])

	// Expiry: exp is exclusive, with no leeway.
	short := sign(t, w, "/api/", 20)
	h.advance(20*second - 1)
	assert.Equal(t, 200, get(short))
	h.advance(1)
	assert.Equal(t, 401, get(short))
}

// TestSignedPathUsers checks that newest Home Assistant re-checks the
// token's user on signed requests (SIGN-09, SIGN-10) and that the token
// must exist.
func TestSignedPathUsers(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "alice-pass")
	adminAccess, _ := h.tokens(h.login("alice", "alice-pass"))
	admin := h.wsConnect(adminAccess)
	carolID := jsonField(t, mustCall(t, h, core.OpCreateUser, map[string]any{"username": "carol", "password": "carol-pass", "local_only": true}), "id")
	access, _ := h.tokens(h.login("carol", "carol-pass"))
	w := h.wsConnect(access)
	signed := sign(t, w, "/api/", 30)

	h.remote = "192.168.1.123:5000"
	assert.Equal(t, 200, h.request("GET", signed, nil).Status, "SIGN-09: local")
	assert.Equal(t, 200, h.request("HEAD", signed, nil).Status)
	for _, ip := range []string{"198.51.100.1:5000", "[2001:db8:fa1::1]:5000"} {
		h.remote = ip
		assert.Equal(t, 401, h.request("GET", signed, nil).Status, "SIGN-09: %s", ip)
		assert.Equal(t, 401, h.request("HEAD", signed, nil).Status, "SIGN-09: %s", ip)
	}

	h.remote = "192.168.1.10:5000"
	admin.result(map[string]any{"type": "config/auth/update", "user_id": carolID, "is_active": false})
	assert.Equal(t, 401, h.request("GET", signed, nil).Status, "SIGN-10: inactive user")

	own := sign(t, admin, "/api/", 30)
	assert.Equal(t, 200, h.request("GET", own, nil).Status)
	mustCall(t, h, core.OpRevokeToken, map[string]any{"id": h.refreshTokenID(adminAccess)})
	assert.Equal(t, 401, h.request("GET", own, nil).Status, "the issuing token must exist")
}

// TestSignedPathBeforeAnySigning checks that nothing authenticates by
// authSig until the core made its signing secret.
func TestSignedPathBeforeAnySigning(t *testing.T) {
	h, _, _ := wsUser(t, testConfig())
	forged := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ4IiwicGF0aCI6Ii9hcGkvIiwicGFyYW1zIjpbXSwiaWF0IjoxLCJleHAiOjk5OTk5OTk5OTl9.c2ln"
	assert.Equal(t, 401, h.request("GET", "/api/?authSig="+forged, nil).Status)
}

// FuzzSignedPathQuery requests GET /api/ with arbitrary queries beside a
// valid authSig for "/api/?a=1&b=2". Nothing may panic, and a query whose
// pairs (less height and width) are not exactly a=1 then b=2 never
// authenticates.
func FuzzSignedPathQuery(f *testing.F) {
	h, w, _ := wsUser(f, testConfig())
	sig := authSig(f, sign(f, w, "/api/?a=1&b=2", 3600))
	for _, seed := range []string{"a=1&b=2", "b=2&a=1", "a=1&b=2&width=5", "a=%31&b=2", "a=1&&b=2&", "a=1&b=2&authSig=x",
		"a=1+&b=2", "a", "%", "%zz=1", "a=1;b=2", "height=1&a=1&b=2", "a=1&b=%32%"} {
		f.Add(seed)
	}
	// The queries of the conformance vectors, and their signatures as
	// extra fields.
	vs := vectorseeds.MustLoad(f)
	for _, q := range vs.Queries() {
		f.Add(q)
	}
	for _, tok := range vectorseeds.Spread(vs.Tokens, 10) {
		f.Add("a=1&b=2&authSig=" + tok)
	}
	f.Fuzz(func(t *testing.T, q string) {
		h.t = t
		status := h.request("GET", "/api/?"+q+"&authSig="+sig, nil).Status
		if status != 200 {
			return
		}
		vals, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		delete(vals, "width")
		delete(vals, "height")
		delete(vals, "authSig")
		if len(vals) != 2 || len(vals["a"]) != 1 || vals["a"][0] != "1" || len(vals["b"]) != 1 || vals["b"][0] != "2" {
			t.Fatalf("query %q authenticated", q)
		}
	})
}
