package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundTrip decodes with the codec for the file's store and encodes again.
func roundTrip(t *testing.T, name string, b []byte) ([]byte, []Notice) {
	t.Helper()
	var out []byte
	var notices []Notice
	var err error
	switch {
	case strings.HasPrefix(name, "provider"):
		var p ProviderData
		p, notices, err = DecodeProvider(b)
		out = EncodeProvider(p)
	case strings.HasPrefix(name, "totp"):
		var d TOTPData
		d, notices, err = DecodeTOTP(b)
		out = EncodeTOTP(d)
	case strings.HasPrefix(name, "notify"):
		var d NotifyData
		d, notices, err = DecodeNotify(b)
		out = EncodeNotify(d)
	case strings.HasPrefix(name, "http_auth"):
		var d HTTPAuthData
		d, notices, err = DecodeHTTPAuth(b)
		out = EncodeHTTPAuth(d)
	default:
		t.Fatalf("no codec for %s", name)
	}
	require.NoError(t, err)
	return out, notices
}

func TestOtherStoresGolden(t *testing.T) {
	for in, want := range goldenPairs(t, "testdata/other") {
		name := filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			require.NoError(t, err)
			exp, err := os.ReadFile(want)
			require.NoError(t, err)
			out, _ := roundTrip(t, name, src)
			assert.Equal(t, string(exp), string(out))
			again, notices := roundTrip(t, name, exp)
			assert.Empty(t, notices)
			assert.Equal(t, string(exp), string(again))
		})
	}
}

func TestDecodeProvider(t *testing.T) {
	b, err := os.ReadFile("testdata/other/provider.json")
	require.NoError(t, err)
	p, notices, err := DecodeProvider(b)
	require.NoError(t, err)
	assert.Empty(t, notices)
	require.Len(t, p.Users, 3)
	assert.Equal(t, "família", p.Users[1].Username)
	assert.True(t, strings.HasPrefix(p.Users[0].Password, "JDJiJDEyJ"), "base64 of $2b$12$ kept as stored")

	assert.Equal(t, string(mustRead(t, "testdata/other/provider_empty.json")), string(EncodeProvider(ProviderData{})),
		"the zero value is the store of a fresh install")

	for _, tc := range []struct{ doc, want string }{
		{`{"version": 1, "data": {}}`, "auth_provider.homeassistant: data.users: missing"},
		{`{"version": 1, "data": {"users": [{"username": "a"}]}}`, "auth_provider.homeassistant: data.users[0].password: missing"},
		{`{"version": 1, "data": {"users": [{"username": 1, "password": "x"}]}}`, "auth_provider.homeassistant: data.users[0].username: must be a string, not number"},
		{`{"version": 1, "data": {"users": ["a"]}}`, "auth_provider.homeassistant: data.users[0]: must be an object, not string"},
		{`{"version": 1, "data": {"users": {}}}`, "auth_provider.homeassistant: data.users: must be an array, not object"},
		{`{"version": 3, "data": {"users": []}}`, "auth_provider.homeassistant: version: unsupported storage version 3 (this build reads version 1)"},
	} {
		_, _, err := DecodeProvider([]byte(tc.doc))
		assert.EqualError(t, err, tc.want, tc.doc)
	}
	p, notices, err = DecodeProvider([]byte(`{"version": 1, "data": []}`))
	require.NoError(t, err)
	assert.Empty(t, p.Users)
	assert.Equal(t, []NoticeCode{NoticeDataNotObject}, codes(notices))
}

func TestDecodeTOTP(t *testing.T) {
	d, _, err := DecodeTOTP(mustRead(t, "testdata/other/totp.json"))
	require.NoError(t, err)
	require.Len(t, d.Users, 3)
	assert.Equal(t, TOTPUser{UserID: "1f2e3d4c5b6a49788796a5b4c3d2e1f0", Secret: "FPPTH34D4E3MI2HGFPPTH34D4E3MI2HG"}, d.Users[1],
		"dict order is kept, not sorted")

	d, _, err = DecodeTOTP(mustRead(t, "testdata/other/totp_repeated.json"))
	require.NoError(t, err)
	assert.Equal(t, []TOTPUser{{"b", "S3"}, {"a", "S2"}}, d.Users, "first place, last value")

	d, notices, err := DecodeTOTP([]byte(`{"version": 1, "data": {}}`))
	require.NoError(t, err)
	assert.Empty(t, d.Users, "no users key reads as no users")
	assert.Empty(t, notices)

	d, _, err = DecodeTOTP([]byte(`{"version": 1, "data": {"users": {"a": "1"}, "users": {"b": "2"}}}`))
	require.NoError(t, err)
	assert.Equal(t, []TOTPUser{{"b", "2"}}, d.Users, "a repeated users key replaces the first")

	_, _, err = DecodeTOTP([]byte(`{"version": 1, "data": {"users": {"a": null}}}`))
	assert.EqualError(t, err, `auth_module.totp: data.users."a": must be a string, not null`)
	_, _, err = DecodeTOTP([]byte(`{"version": 1, "data": {"users": []}}`))
	assert.EqualError(t, err, `auth_module.totp: data.users: must be an object, not array`)
}

func TestDecodeNotify(t *testing.T) {
	d, _, err := DecodeNotify(mustRead(t, "testdata/other/notify.json"))
	require.NoError(t, err)
	assert.Equal(t, []NotifyUser{
		{UserID: "8d3b1c54a0e94d5c9e1f2a3b4c5d6e7f", NotifyService: Some("mobile_app_zoë_pixel")},
		{UserID: "1f2e3d4c5b6a49788796a5b4c3d2e1f0", NotifyService: Some("telegram"), Target: Some("@ivan")},
	}, d.Users)

	d, _, err = DecodeNotify([]byte(`{"version": 1, "data": {"users": {"u": {"notify_service": "a"}, "v": {}, "u": {"target": "t"}}}}`))
	require.NoError(t, err)
	assert.Equal(t, []NotifyUser{{UserID: "u", Target: Some("t")}, {UserID: "v"}}, d.Users)

	for _, tc := range []struct{ doc, want string }{
		{`{"version": 1, "data": {"users": {"u": {"service": "a"}}}}`, `auth_module.notify: data.users."u": unknown setting "service"`},
		{`{"version": 1, "data": {"users": {"u": "a"}}}`, `auth_module.notify: data.users."u": must be an object, not string`},
		{`{"version": 1, "data": {"users": {"u": {"target": 5}}}}`, `auth_module.notify: data.users."u".target: must be a string or null, not number`},
	} {
		_, _, err := DecodeNotify([]byte(tc.doc))
		assert.EqualError(t, err, tc.want, tc.doc)
	}
}

func TestDecodeHTTPAuth(t *testing.T) {
	h, _, err := DecodeHTTPAuth(mustRead(t, "testdata/other/http_auth.json"))
	require.NoError(t, err)
	assert.Equal(t, Some("77aa88bb99cc4dd0ee11ff2233445566"), h.ContentUser)

	h, _, err = DecodeHTTPAuth([]byte(`{"version": 1, "data": {"content_user": 12}}`))
	require.NoError(t, err)
	assert.False(t, h.ContentUser.Valid, "not a user id: Home Assistant makes a new content user")
	assert.Equal(t, string(mustRead(t, "testdata/other/http_auth_empty.json")), string(EncodeHTTPAuth(h)))
}

func TestEmptyDocumentIsDefaults(t *testing.T) {
	p, n1, err := DecodeProvider([]byte(`{}`))
	require.NoError(t, err)
	assert.Empty(t, p.Users)
	tt, n2, err := DecodeTOTP([]byte(`{}`))
	require.NoError(t, err)
	assert.Empty(t, tt.Users)
	nn, n3, err := DecodeNotify([]byte(`{}`))
	require.NoError(t, err)
	assert.Empty(t, nn.Users)
	h, n4, err := DecodeHTTPAuth([]byte(`{}`))
	require.NoError(t, err)
	assert.False(t, h.ContentUser.Valid)
	for _, n := range [][]Notice{n1, n2, n3, n4} {
		assert.Equal(t, []NoticeCode{NoticeEmptyDocument}, codes(n))
	}
	for _, dec := range []func([]byte) error{
		func(b []byte) error { _, _, err := DecodeProvider(b); return err },
		func(b []byte) error { _, _, err := DecodeTOTP(b); return err },
		func(b []byte) error { _, _, err := DecodeNotify(b); return err },
		func(b []byte) error { _, _, err := DecodeHTTPAuth(b); return err },
	} {
		assert.ErrorContains(t, dec(nil), "empty file")
		assert.ErrorContains(t, dec([]byte("corrupt")), "not valid JSON: unexpected character at line 1 column 1 (char 0)")
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}
