package storage

import (
	"os"
	"strings"
	"testing"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readAuth(t *testing.T, name string) (AuthData, []Notice) {
	t.Helper()
	b, err := os.ReadFile("testdata/auth/" + name)
	require.NoError(t, err)
	a, notices, err := DecodeAuth(b)
	require.NoError(t, err)
	return a, notices
}

func codes(notices []Notice) []NoticeCode {
	var out []NoticeCode
	for _, n := range notices {
		out = append(out, n.Code)
	}
	return out
}

func groupIDs(a AuthData) []string {
	var ids []string
	for _, g := range a.Groups {
		ids = append(ids, g.ID)
	}
	return ids
}

func tokensOf(a AuthData, userID string) []RefreshToken {
	var out []RefreshToken
	for _, t := range a.RefreshTokens {
		if t.UserID == userID {
			out = append(out, t)
		}
	}
	return out
}

func findToken(t *testing.T, a AuthData, id string) RefreshToken {
	t.Helper()
	for _, tok := range a.RefreshTokens {
		if tok.ID == id {
			return tok
		}
	}
	t.Fatalf("no token %q", id)
	return RefreshToken{}
}

func TestDecodeAuthLegacy(t *testing.T) {
	t.Run("STORE-01", func(t *testing.T) {
		a, notices := readAuth(t, "store01_no_groups.json")
		assert.Equal(t, []string{GroupIDAdmin, GroupIDReadOnly, GroupIDUser}, groupIDs(a))
		for i, name := range []string{GroupNameAdmin, GroupNameReadOnly, GroupNameUser} {
			assert.True(t, a.Groups[i].SystemGenerated)
			assert.Equal(t, Some(name), a.Groups[i].Name)
		}
		require.Len(t, a.Users, 2)
		owner, system := a.Users[0], a.Users[1]
		assert.Equal(t, "user-id", owner.ID)
		assert.False(t, owner.SystemGenerated)
		assert.Equal(t, []string{GroupIDAdmin}, owner.GroupIDs)
		assert.False(t, owner.LocalOnly)
		ot := tokensOf(a, "user-id")
		require.Len(t, ot, 1, "the token without jwt_key is dropped")
		assert.Equal(t, "user-token-id", ot[0].ID)
		assert.Equal(t, Some("1.2.3"), ot[0].Version)
		assert.Equal(t, TokenTypeNormal, ot[0].TokenType)

		assert.Equal(t, "system-id", system.ID)
		assert.True(t, system.SystemGenerated)
		assert.Empty(t, system.GroupIDs)
		st := tokensOf(a, "system-id")
		require.Len(t, st, 1)
		assert.Equal(t, "system-token-id", st[0].ID)
		assert.False(t, st[0].Version.Valid)
		assert.Equal(t, TokenTypeSystem, st[0].TokenType, "null client_id means a system token")

		assert.ElementsMatch(t, []NoticeCode{NoticeSystemGroupAdded, NoticeSystemGroupAdded, NoticeSystemGroupAdded,
			NoticeUsersToAdmin, NoticeTokenWithoutJWTKey}, codes(notices))
	})

	t.Run("STORE-02", func(t *testing.T) {
		a, notices := readAuth(t, "store02_all_access_group.json")
		b, _ := readAuth(t, "store01_no_groups.json")
		assert.Equal(t, b, a, "the all-access group migrates to the same result")
		assert.Contains(t, codes(notices), NoticeGroupWithoutPolicy)
		assert.NotContains(t, codes(notices), NoticeUsersToAdmin, "members were remapped, not added")
	})

	t.Run("legacy_variants", func(t *testing.T) {
		a, notices := readAuth(t, "legacy_variants.json")
		assert.Equal(t, []string{GroupIDUser, "custom", GroupIDAdmin, GroupIDReadOnly}, groupIDs(a))
		assert.Equal(t, userPolicy, a.Groups[0].Policy, "stored policy of a system group is ignored")
		assert.Equal(t, Some(GroupNameUser), a.Groups[0].Name)
		assert.False(t, a.Groups[1].SystemGenerated)
		assert.Equal(t, `{"entities":{"domains":{"light":true}}}`, string(orjson.Marshal(a.Groups[1].Policy)))

		// local_only defaults to false; a repeated user id replaces the
		// earlier user in its place.
		var ids []string
		for _, u := range a.Users {
			ids = append(ids, u.ID)
		}
		assert.Equal(t, []string{"u-owner", "u-plain", "u-dup", "u-sys"}, ids)
		assert.False(t, a.Users[0].LocalOnly)
		assert.True(t, a.Users[1].LocalOnly)
		assert.Nil(t, a.Users[1].GroupIDs)
		assert.Equal(t, Some("second"), a.Users[2].Name)

		// Tokens are grouped by user, in user order.
		var order []string
		for _, tok := range a.RefreshTokens {
			order = append(order, tok.ID)
		}
		assert.Equal(t, []string{"t-owner-1", "t-owner-2", "t-llat", "t-plain-1", "t-plain-2", "t-dup", "t-sys"}, order)

		o1 := findToken(t, a, "t-owner-1")
		assert.Equal(t, TokenTypeSystem, o1.TokenType, "null token_type, null client_id")
		assert.False(t, o1.LastUsedAt.Valid, "empty last_used_at")
		assert.Equal(t, FormatTime(o1.CreatedAt), "2019-05-01T10:00:00+00:00", "offset folded into UTC")

		p1 := findToken(t, a, "t-plain-1")
		assert.Equal(t, TokenTypeNormal, p1.TokenType, "missing token_type with a client_id")
		assert.False(t, p1.LastUsedAt.Valid, "missing last_used_at")
		assert.False(t, p1.ExpireAt.Valid, "missing expire_at stays null (STORE-06)")
		assert.False(t, p1.CredentialID.Valid)
		assert.EqualValues(t, 1800_000_000, p1.AccessTokenExpiration)

		o2 := findToken(t, a, "t-owner-2")
		assert.Equal(t, Some(1764579600.0), o2.ExpireAt)
		assert.Equal(t, Some("c-owner"), o2.CredentialID)
		assert.Equal(t, "2020-01-03T04:05:06+00:00", FormatTime(o2.LastUsedAt.V), "naive time read as UTC")

		ll := findToken(t, a, "t-llat")
		assert.Equal(t, TokenTypeLongLived, ll.TokenType)
		assert.False(t, ll.LastUsedAt.Valid, "unparsable last_used_at is null, not an error")
		assert.False(t, ll.CredentialID.Valid, "unknown credential_id is not linked")
		assert.Equal(t, Some("Grafana é"), ll.ClientName)

		dup := findToken(t, a, "t-dup")
		assert.Equal(t, "tok-d2", dup.Token, "repeated token id: last one wins")
		assert.Equal(t, Some("c-dup"), dup.CredentialID)

		assert.EqualValues(t, 2, findToken(t, a, "t-plain-2").AccessTokenExpiration, "timedelta rounds 1.5 µs half to even")

		for _, gone := range []string{"t-no-jwt", "t-bad-created"} {
			for _, tok := range a.RefreshTokens {
				assert.NotEqual(t, gone, tok.ID)
			}
		}
		var bad *Notice
		for i := range notices {
			if notices[i].Code == NoticeTokenInvalidCreatedAt {
				bad = &notices[i]
			}
		}
		require.NotNil(t, bad)
		assert.Equal(t, LevelError, bad.Level)
		assert.Equal(t, "Ignoring refresh token t-bad-created with invalid created_at yesterday for user_id u-plain", bad.Message)
		assert.ElementsMatch(t, []NoticeCode{NoticeGroupWithoutPolicy, NoticeSystemGroupAdded, NoticeTokenWithoutJWTKey,
			NoticeTokenInvalidCreatedAt}, codes(notices))
	})
}

func TestDecodeAuthSTORE06ExpireAtUntouched(t *testing.T) {
	a, _ := readAuth(t, "multi_user.json")
	tok := findToken(t, a, "9f0a1b2c3d4e45566778899001122334")
	assert.Equal(t, Some(1724133771.079745), tok.ExpireAt)
	llat := findToken(t, a, "5b6c7d8e9f0a41122334455667788990")
	assert.False(t, llat.ExpireAt.Valid)
}

func TestEncodeAuthSTORE10SetExpiry(t *testing.T) {
	a, _ := readAuth(t, "multi_user.json")
	const id = "9f0a1b2c3d4e45566778899001122334"
	tokenJSON := func(a AuthData) orjson.Value {
		v, err := orjson.Parse(EncodeAuth(a))
		require.NoError(t, err)
		data, _ := v.Get("data")
		toks, _ := data.Get("refresh_tokens")
		for _, tv := range toks.Arr {
			if got, _ := tv.Get("id"); got.Str == id {
				return tv
			}
		}
		t.Fatal("token not written")
		return orjson.Value{}
	}
	for i := range a.RefreshTokens {
		if a.RefreshTokens[i].ID == id {
			a.RefreshTokens[i].ExpireAt = Null[float64]{}
		}
	}
	exp, _ := tokenJSON(a).Get("expire_at")
	assert.Equal(t, orjson.Null, exp.Kind)
	for i := range a.RefreshTokens {
		if a.RefreshTokens[i].ID == id {
			a.RefreshTokens[i].ExpireAt = Some(1724133771.079745)
		}
	}
	exp, _ = tokenJSON(a).Get("expire_at")
	assert.Equal(t, "1724133771.079745", exp.Str)
}

// TestEncodeAuthSTORE11FieldOrder checks the keys of each record, in order.
func TestEncodeAuthSTORE11FieldOrder(t *testing.T) {
	a, _ := readAuth(t, "multi_user.json")
	v, err := orjson.Parse(EncodeAuth(a))
	require.NoError(t, err)
	keys := func(v orjson.Value) string {
		var k []string
		for _, m := range v.Obj {
			k = append(k, m.Key)
		}
		return strings.Join(k, ",")
	}
	assert.Equal(t, "version,minor_version,key,data", keys(v))
	data, _ := v.Get("data")
	assert.Equal(t, "users,groups,credentials,refresh_tokens", keys(data))
	users, _ := data.Get("users")
	assert.Equal(t, "id,group_ids,is_owner,is_active,name,system_generated,local_only", keys(users.Arr[0]))
	creds, _ := data.Get("credentials")
	assert.Equal(t, "id,user_id,auth_provider_type,auth_provider_id,data", keys(creds.Arr[0]))
	toks, _ := data.Get("refresh_tokens")
	for _, tv := range toks.Arr {
		assert.Equal(t, "id,user_id,client_id,client_name,client_icon,token_type,created_at,access_token_expiration,"+
			"token,jwt_key,last_used_at,last_used_ip,expire_at,credential_id,version", keys(tv))
	}
	groups, _ := data.Get("groups")
	for _, g := range groups.Arr {
		id, _ := g.Get("id")
		if strings.HasPrefix(id.Str, "system-") {
			assert.Equal(t, "id,name", keys(g))
		} else {
			assert.Equal(t, "id,name,policy", keys(g))
		}
	}
}

func TestEncodeAuthSTORE04FreshStore(t *testing.T) {
	want, err := os.ReadFile("testdata/auth/default.json")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(EncodeAuth(DefaultAuth())))
	assert.Equal(t, []string{GroupIDAdmin, GroupIDUser, GroupIDReadOnly}, groupIDs(DefaultAuth()))
	assert.Equal(t, readOnlyPolicy, DefaultAuth().Groups[2].Policy)
}

func TestDecodeAuthAM06RoundTrip(t *testing.T) {
	a, notices := readAuth(t, "am06_round_trip.json")
	assert.Empty(t, notices)
	require.Len(t, a.Users, 1)
	assert.Equal(t, []string{GroupIDAdmin}, a.Users[0].GroupIDs)
	assert.True(t, a.Users[0].IsActive)
	require.Len(t, a.RefreshTokens, 2)
	used, unused := a.RefreshTokens[0], a.RefreshTokens[1]
	assert.Equal(t, Some("https://example.com/app"), used.ClientID)
	assert.True(t, used.LastUsedAt.Valid)
	assert.Equal(t, Some("192.168.0.1"), used.LastUsedIP)
	assert.Equal(t, Some(a.Credentials[0].ID), used.CredentialID)
	assert.Equal(t, Some("dummy-client"), unused.ClientID)
	assert.False(t, unused.LastUsedAt.Valid)
	assert.False(t, unused.LastUsedIP.Valid)
}

func TestDecodeAuthEnvelope(t *testing.T) {
	t.Run("minor version from a newer release", func(t *testing.T) {
		a, notices := readAuth(t, "minor_version_2.json")
		assert.Equal(t, []NoticeCode{NoticeMinorVersion}, codes(notices))
		assert.Equal(t, "Migrating auth storage from 1.2 to 1.1", notices[0].Message)
		assert.Len(t, a.Groups, 3)
	})
	t.Run("empty document", func(t *testing.T) {
		a, notices, err := DecodeAuth([]byte(" {} "))
		require.NoError(t, err)
		assert.Equal(t, DefaultAuth(), a)
		assert.Equal(t, []NoticeCode{NoticeEmptyDocument}, codes(notices))
	})
	for _, data := range []string{`null`, `[]`, `"x"`, `3`} {
		t.Run("data "+data, func(t *testing.T) {
			a, notices, err := DecodeAuth([]byte(`{"version": 1, "key": "auth", "data": ` + data + `}`))
			require.NoError(t, err)
			assert.Equal(t, DefaultAuth(), a)
			assert.Equal(t, []NoticeCode{NoticeDataNotObject}, codes(notices))
		})
	}
	t.Run("version after data is still checked first", func(t *testing.T) {
		_, _, err := DecodeAuth([]byte(`{"data": {"users": 7}, "version": 2}`))
		assert.EqualError(t, err, "auth: version: unsupported storage version 2 (this build reads version 1)")
	})
	t.Run("repeated data key, the last counts", func(t *testing.T) {
		a, _, err := DecodeAuth([]byte(`{"version": 1, "data": {"users": 7}, "data": {"users": [], "credentials": [], "refresh_tokens": []}}`))
		require.NoError(t, err)
		assert.Empty(t, a.Users)
		assert.Equal(t, []string{GroupIDAdmin, GroupIDReadOnly, GroupIDUser}, groupIDs(a))
		_, _, err = DecodeAuth([]byte(`{"version": 1, "data": {"users": [], "credentials": [], "refresh_tokens": []}, "data": {"users": 7}}`))
		assert.EqualError(t, err, "auth: data.users: must be an array, not number")
		_, _, err = DecodeAuth([]byte(`{"version": 1, "data": {"users": 7}, "data": {"users": [}}`))
		assert.ErrorContains(t, err, "not valid JSON")
	})
	t.Run("other key and float version", func(t *testing.T) {
		_, notices, err := DecodeAuth([]byte(`{"data": {"users": [], "groups": [{"id": "system-admin"}, {"id": "system-users"}, {"id": "system-read-only"}], "credentials": [], "refresh_tokens": []}, "key": "backup", "version": 1.0}`))
		require.NoError(t, err)
		assert.Equal(t, []NoticeCode{NoticeKeyMismatch}, codes(notices))
		assert.Equal(t, `stored key "backup" is not "auth"`, notices[0].Message)
	})
}

func TestDecodeAuthErrors(t *testing.T) {
	const users = `"users": [{"id": "u", "name": "U", "is_owner": false, "is_active": true, "system_generated": false}]`
	env := func(data string) string {
		return `{"version": 1, "minor_version": 1, "key": "auth", "data": {` + data + `}}`
	}
	token := func(fields string) string {
		return env(users + `, "credentials": [], "refresh_tokens": [{` + fields + `}]`)
	}
	const tok = `"id": "t", "user_id": "u", "client_id": "c", "created_at": "2020-01-01T00:00:00+00:00", "access_token_expiration": 1800.0, "token": "x", "jwt_key": "k"`
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty file", ``, "auth: empty file, not a Home Assistant store document"},
		{"not JSON", `{"version": 1,`, "auth: not valid JSON: expected object key at line 1 column 15 (char 14)"},
		{"corrupt like HA's test", `{"valid":"json"}..with..corrupt`, "auth: not valid JSON: trailing data at line 1 column 17 (char 16)"},
		{"bad JSON inside data", env(`"users": [}`), "auth: not valid JSON: unexpected character at line 1 column 70 (char 69)"},
		{"top level array", `[]`, "auth: not a Home Assistant store document: top level is array, not an object"},
		{"no version", `{"key": "auth", "data": {}}`, `auth: not a Home Assistant store document: no "version"`},
		{"newer major version", `{"version": 2, "data": {}}`, "auth: version: unsupported storage version 2 (this build reads version 1)"},
		{"older major version", `{"version": 0, "data": {}}`, "auth: version: unsupported storage version 0 (this build reads version 1)"},
		{"no data", `{"version": 1, "key": "auth"}`, `auth: not a Home Assistant store document: no "data"`},
		{"no users", env(`"credentials": [], "refresh_tokens": []`), "auth: data.users: missing (Home Assistant cannot load the store without it)"},
		{"no credentials", env(users + `, "refresh_tokens": []`), "auth: data.credentials: missing (Home Assistant cannot load the store without it)"},
		{"no refresh tokens", env(users + `, "credentials": []`), "auth: data.refresh_tokens: missing (Home Assistant cannot load the store without it)"},
		{"users not a list", env(`"users": {}, "credentials": [], "refresh_tokens": []`), "auth: data.users: must be an array, not object"},
		{"groups null", env(`"groups": null, ` + users + `, "credentials": [], "refresh_tokens": []`), "auth: data.groups: must be an array, not null"},
		{"user without system_generated", env(`"users": [{"id": "u", "name": "U", "is_owner": false, "is_active": true}], "credentials": [], "refresh_tokens": []`),
			"auth: data.users[0].system_generated: missing (Home Assistant cannot load a record without it)"},
		{"user name a number", env(`"users": [{"id": "u", "name": 5, "is_owner": false, "is_active": true, "system_generated": false}], "credentials": [], "refresh_tokens": []`),
			"auth: data.users[0].name: must be a string or null"},
		{"is_owner a string", env(`"users": [{"id": "u", "name": "U", "is_owner": "no", "is_active": true, "system_generated": false}], "credentials": [], "refresh_tokens": []`),
			"auth: data.users[0].is_owner: must be true or false, not string"},
		{"unknown group", env(`"groups": [{"id": "system-admin"}], "users": [{"id": "u", "group_ids": ["nope"], "name": "U", "is_owner": false, "is_active": true, "system_generated": false}], "credentials": [], "refresh_tokens": []`),
			`auth: data.users[0].group_ids[0]: unknown group "nope"`},
		{"member of a dropped group among others", env(`"groups": [{"id": "old", "name": "Old"}, {"id": "system-admin"}], "users": [{"id": "u", "group_ids": ["old"], "name": "U", "is_owner": false, "is_active": true, "system_generated": false}], "credentials": [], "refresh_tokens": []`),
			`auth: data.users[0].group_ids[0]: unknown group "old"`},
		{"group without name", env(`"groups": [{"id": "g", "policy": {}}], ` + users + `, "credentials": [], "refresh_tokens": []`),
			"auth: data.groups[0].name: missing (Home Assistant cannot load a record without it)"},
		{"credential of unknown user", env(users + `, "credentials": [{"id": "c", "user_id": "x", "auth_provider_type": "homeassistant", "auth_provider_id": null, "data": {}}], "refresh_tokens": []`),
			`auth: data.credentials[0].user_id: unknown user "x"`},
		{"credential without auth_provider_id", env(users + `, "credentials": [{"id": "c", "user_id": "u", "auth_provider_type": "homeassistant", "data": {}}], "refresh_tokens": []`),
			"auth: data.credentials[0].auth_provider_id: missing (Home Assistant cannot load a record without it)"},
		{"token of unknown user", token(strings.Replace(tok, `"user_id": "u"`, `"user_id": "x"`, 1)), `auth: data.refresh_tokens[0].user_id: unknown user "x"`},
		{"token without created_at", token(strings.Replace(tok, `"created_at": "2020-01-01T00:00:00+00:00", `, ``, 1)),
			"auth: data.refresh_tokens[0].created_at: missing (Home Assistant cannot load a record without it)"},
		{"created_at null", token(strings.Replace(tok, `"2020-01-01T00:00:00+00:00"`, `null`, 1)), "auth: data.refresh_tokens[0].created_at: must be a string"},
		{"created_at out of range", token(strings.Replace(tok, `2020-01-01T00:00:00+00:00`, `2020-13-01T00:00:00`, 1)),
			`auth: data.refresh_tokens[0].created_at: "2020-13-01T00:00:00": date-time field out of range`},
		{"last_used_at out of range", token(tok + `, "last_used_at": "2020-02-30 10:00"`), "auth: data.refresh_tokens[0].last_used_at: date-time field out of range"},
		{"last_used_at true", token(tok + `, "last_used_at": true`), "auth: data.refresh_tokens[0].last_used_at: must be a string or null"},
		{"unknown token type", token(tok + `, "token_type": "refresh"`), `auth: data.refresh_tokens[0].token_type: unknown token type "refresh"`},
		{"token type inferred without client_id", token(strings.Replace(tok, `"client_id": "c", `, ``, 1)),
			"auth: data.refresh_tokens[0].client_id: missing (Home Assistant cannot load a record without it)"},
		{"token without token", token(strings.Replace(tok, `"token": "x", `, ``, 1)),
			"auth: data.refresh_tokens[0].token: missing (Home Assistant cannot load a record without it)"},
		{"expiration a string", token(strings.Replace(tok, `1800.0`, `"1800"`, 1)), "auth: data.refresh_tokens[0].access_token_expiration: must be a number of seconds"},
		{"expiration too long", token(strings.Replace(tok, `1800.0`, `1e300`, 1)), "auth: data.refresh_tokens[0].access_token_expiration: out of range"},
		{"expire_at a string", token(tok + `, "expire_at": "soon"`), "auth: data.refresh_tokens[0].expire_at: must be a number or null"},
		{"credential_id a list", token(tok + `, "credential_id": []`), "auth: data.refresh_tokens[0].credential_id: must be a string or null"},
		{"client_name a number", token(tok + `, "client_name": 1`), "auth: data.refresh_tokens[0].client_name: must be a string or null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := DecodeAuth([]byte(tc.doc))
			require.Error(t, err)
			var se *Error
			require.ErrorAs(t, err, &se)
			assert.Equal(t, KeyAuth, se.Key)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// TestDecodeAuthSkipsBeforeJudging: a token Home Assistant drops (no
// jwt_key, or a created_at it cannot parse) is dropped whatever else is wrong
// with it, because Home Assistant never looks further.
func TestDecodeAuthSkipsBeforeJudging(t *testing.T) {
	doc := `{"version": 1, "data": {"users": [], "credentials": [], "refresh_tokens": [
		{"id": 1, "user_id": "ghost", "token_type": "bogus", "created_at": null},
		{"id": "t2", "user_id": "ghost", "created_at": "garbage", "jwt_key": "k", "token_type": 7, "access_token_expiration": "x"}
	]}}`
	a, notices, err := DecodeAuth([]byte(doc))
	require.NoError(t, err)
	assert.Empty(t, a.RefreshTokens)
	assert.Equal(t, []NoticeCode{NoticeSystemGroupAdded, NoticeSystemGroupAdded, NoticeSystemGroupAdded,
		NoticeTokenWithoutJWTKey, NoticeTokenInvalidCreatedAt}, codes(notices))
	assert.Equal(t, "dropped refresh token 1 from before 0.76 (no jwt_key)", notices[3].Message)
	assert.Equal(t, "Ignoring refresh token t2 with invalid created_at garbage for user_id ghost", notices[4].Message)
}

// TestDecodeAuthDataKeysInAnyOrder: the sections may come in any order and
// be repeated (the last wins), as Python's dict would have it.
func TestDecodeAuthDataKeysInAnyOrder(t *testing.T) {
	doc := `{"data": {
		"refresh_tokens": [{"id": "t", "user_id": "u", "client_id": null, "created_at": "2020-01-01T00:00:00+00:00", "access_token_expiration": 1800.0, "token": "x", "jwt_key": "k", "credential_id": "c"}],
		"credentials": [{"id": "c", "user_id": "u", "auth_provider_type": "homeassistant", "auth_provider_id": null, "data": {"username": "u"}}],
		"users": [{"id": "gone", "name": null, "is_owner": false, "is_active": false, "system_generated": false}],
		"users": [{"id": "u", "name": "U", "is_owner": true, "is_active": true, "system_generated": false, "group_ids": ["system-admin"]}],
		"groups": [{"id": "system-admin"}, {"id": "system-users"}, {"id": "system-read-only"}]
	}, "version": 1}`
	a, notices, err := DecodeAuth([]byte(doc))
	require.NoError(t, err)
	assert.Empty(t, notices)
	require.Len(t, a.Users, 1)
	assert.Equal(t, "u", a.Users[0].ID)
	require.Len(t, a.RefreshTokens, 1)
	assert.Equal(t, Some("c"), a.RefreshTokens[0].CredentialID)
	assert.Equal(t, TokenTypeSystem, a.RefreshTokens[0].TokenType)
}

// TestDecodeAuthEscapedStrings reads strings with escapes, which a small
// document's strings cannot be slices of, next to ones without.
func TestDecodeAuthEscapedStrings(t *testing.T) {
	doc := `{"version": 1, "key": "auth", "data": {
		"users": [{"id": "u\u0031", "name": "Al \"Al\" \u00e9", "is_owner": true, "is_active": true, "system_generated": false, "group_ids": ["system-admin"]},
		          {"id": "u2", "name": "Bo", "is_owner": false, "is_active": true, "system_generated": false, "group_ids": ["system-\u0075sers"]}],
		"groups": [{"id": "system-admin"}, {"id": "system-users"}, {"id": "system-read-only"}],
		"credentials": [{"id": "c\/1", "user_id": "u1", "auth_provider_type": "homeassistant", "auth_provider_id": null, "data": {"username": "al"}}],
		"refresh_tokens": []
	}}`
	a, _, err := DecodeAuth([]byte(doc))
	require.NoError(t, err)
	require.Len(t, a.Users, 2)
	assert.Equal(t, "u1", a.Users[0].ID)
	assert.Equal(t, Some(`Al "Al" é`), a.Users[0].Name)
	assert.Equal(t, "u2", a.Users[1].ID)
	assert.Equal(t, Some("Bo"), a.Users[1].Name)
	assert.Equal(t, []string{GroupIDUser}, a.Users[1].GroupIDs)
	require.Len(t, a.Credentials, 1)
	assert.Equal(t, "c/1", a.Credentials[0].ID)
	assert.Equal(t, "u1", a.Credentials[0].UserID)
}

func TestDecodeAuthRecordsDoNotAliasInput(t *testing.T) {
	b, err := os.ReadFile("testdata/auth/multi_user.json")
	require.NoError(t, err)
	a, _, err := DecodeAuth(b)
	require.NoError(t, err)
	want := EncodeAuth(a)
	for i := range b {
		b[i] = 'x'
	}
	assert.Equal(t, string(want), string(EncodeAuth(a)))
}

func TestDecodeAuthSystemGroupPoliciesAreIndependent(t *testing.T) {
	a := DefaultAuth()
	a.Groups[0].Policy.Obj[0].Value = orjson.BoolValue(false)
	assert.Equal(t, adminPolicy, DefaultAuth().Groups[0].Policy)
	assert.Equal(t, `{"entities":true}`, string(orjson.Marshal(adminPolicy)))
}

// TestDecodeAuthNumbersAsOrjsonWritesThem: numbers inside credential data
// and policies come back as orjson writes the values it loaded.
func TestDecodeAuthNumbersAsOrjsonWritesThem(t *testing.T) {
	doc := `{"version": 1, "data": {"users": [{"id": "u", "name": "U", "is_owner": false, "is_active": true, "system_generated": false}],
		"groups": [{"id": "g", "name": "G", "policy": {"entities": {"n": 2.50}}}],
		"credentials": [{"id": "c", "user_id": "u", "auth_provider_type": "x", "auth_provider_id": null,
			"data": {"a": 1.50, "b": -0, "c": 1E2, "d": 18446744073709551615, "e": 18446744073709551616, "f": -0.0, "g": 1e-7, "h": [7, 0.1]}}],
		"refresh_tokens": []}}`
	a, _, err := DecodeAuth([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, `{"a":1.5,"b":0,"c":100.0,"d":18446744073709551615,"e":1.8446744073709552e+19,"f":-0.0,"g":1e-7,"h":[7,0.1]}`,
		string(orjson.Marshal(a.Credentials[0].Data)))
	assert.Equal(t, `{"entities":{"n":2.5}}`, string(orjson.Marshal(a.Groups[0].Policy)))

	_, _, err = DecodeAuth([]byte(strings.Replace(doc, "1.50", "1e400", 1)))
	assert.EqualError(t, err, "auth: data.credentials[0].data: has a number too large for a float")
}
