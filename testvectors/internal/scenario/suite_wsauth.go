package scenario

import (
	"encoding/json"
	"strings"

	"github.com/hassauth/hassauth/core/storage"
)

// isoTime is a Unix-microsecond time as Home Assistant's JSON writes an
// aware UTC datetime (whole seconds here).
func isoTime(us int64) string {
	return storage.FormatTime(us)
}

// tokenItem is a fixture token as auth/refresh_tokens lists it: keys in
// alphabetical order, times as ISO datetimes, secrets never. lastUsed 0
// means never used; expireAt -1 means the fixture's own expiry.
func tokenItem(t *Token, current bool, lastUsed int64, lastIP string, expireAt int64) string {
	q := func(v string) string {
		if v == "" {
			return "null"
		}
		return Q(v)
	}
	provider := "null"
	if t.Type == storage.TokenTypeNormal && t.User.CredID != "" {
		provider = `"homeassistant"`
	}
	exp := "null"
	switch {
	case expireAt > 0:
		exp = Q(isoTime(expireAt))
	case expireAt < 0 && t.Type == storage.TokenTypeNormal:
		exp = Q(isoTime(T0 - Hour + 90*Day))
	}
	used := "null"
	if lastUsed != 0 {
		used = Q(isoTime(lastUsed))
	}
	cur := "false"
	if current {
		cur = "true"
	}
	return `{"auth_provider_type":` + provider + `,"client_icon":null,"client_id":` + q(t.ClientID) + `,"client_name":` + q(t.ClientName) +
		`,"created_at":` + Q(isoTime(T0-Hour)) + `,"expire_at":` + exp + `,"id":` + Q(t.ID) + `,"is_current":` + cur +
		`,"last_used_at":` + used + `,"last_used_ip":` + q(lastIP) + `,"type":` + Q(t.Type) + `}`
}

// tokenList lists the user's tokens with auth/refresh_tokens.
func (s *Session) tokenList(conn uint64) []map[string]any {
	s.r.Helper()
	var list []map[string]any
	raw := s.OK(conn, `"type":"auth/refresh_tokens"`)
	if err := json.Unmarshal(raw, &list); err != nil {
		s.r.Fatalf("refresh_tokens: %s", raw)
	}
	return list
}

// listed returns the item of token id in a listing.
func listed(list []map[string]any, id string) map[string]any {
	for _, t := range list {
		if t["id"] == id {
			return t
		}
	}
	return nil
}

// accessClaims checks an access token's header and exact payload.
func (s *Session) accessClaims(tok, iss string, iat, life int64) {
	s.r.Helper()
	s.Equal(s.JWTPart(tok, 0), StdHeader, "JWT header")
	s.Equal(s.JWTPart(tok, 1), `{"iss":"`+iss+`","iat":`+itoa(iat)+`,"exp":`+itoa(iat+life)+`}`, "JWT payload")
}

// deleteAll runs auth/delete_all_refresh_tokens on Alice's connection 1
// with extra fields and asserts the reply, then checks what is left at
// once, a microsecond before the two seconds are up, and at two seconds.
func deleteAll(extra string, gone, kept []*Token, currentGoes bool) func(s *Session) {
	return func(s *Session) {
		s.Connect(1, AliceRT)
		s.OK(1, `"type":"auth/refresh_tokens"`)
		res, e := s.OKEffects(1, `"type":"auth/delete_all_refresh_tokens"`+extra)
		s.Equal(string(res), `{}`, "result")
		s.Equal(len(Closes(e, 1)), 0, "the connection stays for now")
		for _, t := range gone {
			s.RefreshRefused(t)
		}
		for _, t := range kept {
			s.RefreshWorks(t)
		}
		s.Advance(2*Second - 1)
		s.Tick()
		s.StillOpen(1)
		s.RefreshWorks(AliceRT)
		s.Advance(1)
		e = s.Tick()
		if currentGoes {
			s.closed(e, 1)
			s.RefreshRefused(AliceRT)
		} else {
			s.Equal(len(Closes(e, 1)), 0, "the connection stays")
			s.StillOpen(1)
			s.RefreshWorks(AliceRT)
		}
	}
}

// WSAuthSuite covers the auth component's websocket commands (spec §10.4):
// current_user, long_lived_access_token, refresh_tokens,
// delete_refresh_token, delete_all_refresh_tokens and
// refresh_token_set_expiry.
func WSAuthSuite() *Suite {
	return &Suite{
		Name: "ws_auth",
		Header: []string{"The auth/* websocket commands (§10.4): current_user, long_lived_access_token, refresh_tokens, delete_refresh_token,",
			"delete_all_refresh_tokens with the two-second deletion of the current token, and refresh_token_set_expiry. Signed paths are in signed_path.json, MFA setup in mfa_setup.json."},
		Groups: []Group{{
			Comment: "Default configuration (one totp module). Alice has three normal tokens (AliceRT current on connection 1, AliceRT2, AliceRT3 of client_id+\"_1\") and the long-lived GPS Logger; Grace is a second administrator, Heidi read-only.",
			Config:  baseConfig(), Seed: "ws auth main", Fixture: WideFixture,
			Cases: []Case{
				{Name: "WS-01 current_user of the owner", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "Normal", "HAString"},
					Expect: `{"id","name":"Alice","is_owner":true,"is_admin":true,"credentials":[{"auth_provider_type":"homeassistant","auth_provider_id":null}] (no data),"mfa_modules":[{"id":"totp","name":"Authenticator app","enabled":false}]}`,
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.JSONEq(s.OK(1, `"type":"auth/current_user"`), `{"id":"`+Alice.UserID+`","name":"Alice","is_owner":true,"is_admin":true,`+
							`"credentials":[{"auth_provider_type":"homeassistant","auth_provider_id":null}],"mfa_modules":[{"id":"totp","name":"Authenticator app","enabled":false}]}`)
					}},
				{Name: "current_user of a plain user", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "Bob is neither owner nor admin",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.JSONEq(s.OK(2, `"type":"auth/current_user"`), `{"id":"`+Bob.UserID+`","name":"Bob","is_owner":false,"is_admin":false,`+
							`"credentials":[{"auth_provider_type":"homeassistant","auth_provider_id":null}],"mfa_modules":[{"id":"totp","name":"Authenticator app","enabled":false}]}`)
					}},
				{Name: "current_user with MFA set up", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "Mfa"},
					Expect: "Erin has a TOTP secret: the totp module is listed with enabled true",
					Run: func(s *Session) {
						s.Connect(5, ErinRT)
						s.JSONEq(s.OK(5, `"type":"auth/current_user"`), `{"id":"`+Erin.UserID+`","name":"Erin","is_owner":false,"is_admin":false,`+
							`"credentials":[{"auth_provider_type":"homeassistant","auth_provider_id":null}],"mfa_modules":[{"id":"totp","name":"Authenticator app","enabled":true}]}`)
					}},
				{Name: "current_user of an administrator who is not the owner", Spec: "§2.2", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "is_admin is owner or active member of system-admin: Grace is admin, not owner",
					Run: func(s *Session) {
						s.Connect(7, GraceRT)
						s.JSONEq(s.OK(7, `"type":"auth/current_user"`), `{"id":"`+Grace.UserID+`","name":"Grace","is_owner":false,"is_admin":true,`+
							`"credentials":[{"auth_provider_type":"homeassistant","auth_provider_id":null}],"mfa_modules":[{"id":"totp","name":"Authenticator app","enabled":false}]}`)
					}},
				{Name: "WS-02 long_lived_access_token", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "Normal"},
					Expect: "the result is an access token string {iss: the new token, iat: now, exp: now + 365 days} that works on /api/; the new token is listed as long_lived_access_token GPS Logger without client_id or expiry, used now from no address",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						var access string
						raw := s.OK(2, `"type":"auth/long_lived_access_token","client_name":"GPS Logger","lifespan":365`)
						if err := json.Unmarshal(raw, &access); err != nil {
							s.r.Fatalf("result is not a string: %s", raw)
						}
						list := s.tokenList(2)
						s.Equal(len(list), 2, "Bob's tokens")
						newID := list[1]["id"].(string)
						s.True(IsHex(newID, 32), "a uuid4 hex id")
						s.accessClaims(access, newID, nowSec(s), 365*86400)
						s.JSONEq(mustJSON(list[1]), `{"auth_provider_type":null,"client_icon":null,"client_id":null,"client_name":"GPS Logger","created_at":`+Q(isoTime(s.Now))+
							`,"expire_at":null,"id":`+Q(newID)+`,"is_current":false,"last_used_at":`+Q(isoTime(s.Now))+`,"last_used_ip":null,"type":"long_lived_access_token"}`)
						s.APIOK(access)
					}},
				{Name: "long_lived_access_token with an icon", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "client_icon is kept and listed",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.OK(2, `"type":"auth/long_lived_access_token","client_name":"Wall tablet","client_icon":"mdi:tablet","lifespan":30`)
						list := s.tokenList(2)
						s.Equal(list[1]["client_icon"], "mdi:tablet", "client_icon")
						s.Equal(list[1]["client_name"], "Wall tablet", "client_name")
					}},
				{Name: "AM-23 long_lived_access_token with a name in use", Spec: "§4.4", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
					Expect: "Alice already has GPS Logger: the ValueError is unknown_error Unknown error, and no token is added",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/long_lived_access_token","client_name":"GPS Logger","lifespan":1`, "unknown_error", "Unknown error")
						s.Equal(len(s.tokenList(1)), 4, "Alice's tokens")
					}},
				{Name: "long_lived_access_token for a system user", Spec: "§4.4", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
					Expect: "system users may only have system tokens: unknown_error Unknown error",
					Run: func(s *Session) {
						s.Connect(6, SystemRT)
						s.Fails(6, `"type":"auth/long_lived_access_token","client_name":"Mine","lifespan":1`, "unknown_error", "Unknown error")
					}},
				{Name: "long_lived_access_token without lifespan", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format required key not provided @ data['lifespan']. Got None",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.Fails(2, `"type":"auth/long_lived_access_token","client_name":"X"`, "invalid_format", "required key not provided @ data['lifespan']. Got None")
					}},
				{Name: "long_lived_access_token with lifespan a string", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format expected int for dictionary value @ data['lifespan']. Got '365'",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.Fails(2, `"type":"auth/long_lived_access_token","client_name":"X","lifespan":"365"`, "invalid_format", "expected int for dictionary value @ data['lifespan']. Got '365'")
					}},
				{Name: "refresh_tokens", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "Normal", "HAString"},
					Expect: "Alice's four tokens in stored order with auth_provider_type, client fields, ISO created_at and expire_at, is_current for the connection's, never used, and the type; the LLAT has no provider, client_id or expiry",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.JSONEq(s.OK(1, `"type":"auth/refresh_tokens"`), `[`+tokenItem(AliceRT, true, 0, "", -1)+`,`+tokenItem(LLATRT, false, 0, "", -1)+`,`+
							tokenItem(AliceRT2, false, 0, "", -1)+`,`+tokenItem(AliceRT3, false, 0, "", -1)+`]`)
					}},
				{Name: "refresh_tokens show no secrets", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "NoSecretLeak"},
					Expect: "neither a token string nor a JWT key of any of Alice's tokens appears in the answer",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						raw := string(s.OK(1, `"type":"auth/refresh_tokens"`))
						for _, t := range []*Token{AliceRT, AliceRT2, AliceRT3, LLATRT} {
							s.True(!strings.Contains(raw, t.Secret()) && !strings.Contains(raw, t.JWTKey()), "no secret of "+t.ID)
						}
					}},
				{Name: "refresh_tokens after a refresh", Spec: "§4.5", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "a refresh of AliceRT2 from 192.168.1.10 an hour on sets last_used_at and last_used_ip and slides expire_at to 90 days after the use",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Advance(Hour)
						s.RefreshWorks(AliceRT2)
						s.JSONEq(mustJSON(listed(s.tokenList(1), AliceRT2.ID)), tokenItem(AliceRT2, false, s.Now, LocalIP, s.Now+90*Day))
					}},
				{Name: "refresh_tokens are the user's own", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "WS-14: Bob's listing holds only BobRT",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.JSONEq(s.OK(2, `"type":"auth/refresh_tokens"`), `[`+tokenItem(BobRT, true, 0, "", -1)+`]`)
					}},
				{Name: "WS-04 delete_refresh_token", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken"},
					Expect: "{} ; AliceRT2 is gone: its refresh gets invalid_grant and its access token 401; the connection stays",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						access := s.AccessNow(AliceRT2)
						s.Equal(string(s.OK(1, `"type":"auth/delete_refresh_token","refresh_token_id":"`+AliceRT2.ID+`"`)), `{}`, "result")
						s.RefreshRefused(AliceRT2)
						s.APIRefused(access)
						s.StillOpen(1)
					}},
				{Name: "WS-05 delete_refresh_token of another user's token", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
					Expect: "Alice names Bob's token: invalid_token_id Received invalid token; Bob's token still refreshes",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/delete_refresh_token","refresh_token_id":"`+BobRT.ID+`"`, "invalid_token_id", "Received invalid token")
						s.RefreshWorks(BobRT)
					}},
				{Name: "delete_refresh_token of an unknown id", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
					Expect: "invalid_token_id Received invalid token",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/delete_refresh_token","refresh_token_id":"ffffffffffff4fff8fffffffffffffff"`, "invalid_token_id", "Received invalid token")
					}},
				{Name: "delete_refresh_token of the connection's own token", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken", "Websocket"},
					Expect: "the revoke callback cancels the connection at once: it closes and the {} result never arrives; the token is gone",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						_, e := s.AskNoReply(1, `"type":"auth/delete_refresh_token","refresh_token_id":"`+AliceRT.ID+`"`)
						s.closed(e, 1)
						s.RefreshRefused(AliceRT)
					}},
				{Name: "delete_refresh_token without an id", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format required key not provided @ data['refresh_token_id']. Got None",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/delete_refresh_token"`, "invalid_format", "required key not provided @ data['refresh_token_id']. Got None")
					}},
				{Name: "WS-06 delete_all_refresh_tokens", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken", "Timer"},
					Expect: "{} at once and every other token gone at once; the current token still works two seconds less a microsecond later, and at two seconds it goes and the connection closes",
					Run:    deleteAll("", []*Token{AliceRT2, AliceRT3, LLATRT}, []*Token{BobRT}, true)},
				{Name: "WS-07 delete_all_refresh_tokens of long-lived tokens", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken", "Timer"},
					Expect: "token_type long_lived_access_token: the LLAT goes, the three normal tokens stay, and the current (normal) one is not deleted after two seconds",
					Run:    deleteAll(`,"token_type":"long_lived_access_token"`, []*Token{LLATRT}, []*Token{AliceRT2, AliceRT3}, false)},
				{Name: "WS-08 delete_all_refresh_tokens of normal tokens", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken", "Timer"},
					Expect: "token_type normal: AliceRT2 and AliceRT3 go at once, the LLAT stays, and the current token goes after two seconds",
					Run: func(s *Session) {
						deleteAll(`,"token_type":"normal"`, []*Token{AliceRT2, AliceRT3}, nil, true)(s)
						s.APIOK(s.AccessNow(LLATRT))
					}},
				{Name: "WS-09 delete_all_refresh_tokens keeping the current token", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken", "Timer"},
					Expect: "token_type normal, delete_current_token false: the other normal tokens go, the LLAT and the current token stay",
					Run: func(s *Session) {
						deleteAll(`,"token_type":"normal","delete_current_token":false`, []*Token{AliceRT2, AliceRT3}, nil, false)(s)
						s.APIOK(s.AccessNow(LLATRT))
					}},
				{Name: "delete_all_refresh_tokens of a type Alice has none of", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "token_type system: {} and nothing is deleted, now or after two seconds",
					Run:    deleteAll(`,"token_type":"system"`, nil, []*Token{AliceRT2, AliceRT3, LLATRT}, false)},
				{Name: "delete_all_refresh_tokens at shutdown", Spec: "§10.4", Result: "valid", Flags: []string{"WsCommand", "RevokedToken", "Timer"},
					Expect: "when the server stops (the flush call) during the two seconds, the current token is deleted at once and its connection closes",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.OK(1, `"type":"auth/delete_all_refresh_tokens"`)
						s.Advance(Second / 2)
						_, err, e := s.Call("flush", "")
						s.True(err == nil, "flush succeeds")
						s.closed(e, 1)
						s.RefreshRefused(AliceRT)
					}},
				{Name: "delete_all_refresh_tokens with delete_current_token a string", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format expected bool for dictionary value @ data['delete_current_token']. Got 'yes'; nothing is deleted",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/delete_all_refresh_tokens","delete_current_token":"yes"`, "invalid_format", "expected bool for dictionary value @ data['delete_current_token']. Got 'yes'")
						s.RefreshWorks(AliceRT2)
					}},
				{Name: "WS-13 refresh_token_set_expiry with an unknown id", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
					Expect: "invalid_token_id Received invalid token",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"invalid","enable_expiry":true`, "invalid_token_id", "Received invalid token")
					}},
				{Name: "refresh_token_set_expiry of another user's token", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
					Expect: "Bob may not change Alice's token: invalid_token_id",
					Run: func(s *Session) {
						s.Connect(2, BobRT)
						s.Fails(2, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":false`, "invalid_token_id", "Received invalid token")
					}},
				{Name: "STORE-10 refresh_token_set_expiry disables expiry", Spec: "§4.6", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "{} ; AliceRT2 is then listed with expire_at null",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Equal(string(s.OK(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":false`)), `{}`, "result")
						s.Equal(listed(s.tokenList(1), AliceRT2.ID)["expire_at"], nil, "expire_at")
					}},
				{Name: "a token without expiry survives its old expiry", Spec: "§4.6", Result: "valid", Flags: []string{"WsCommand", "Timer"},
					Expect: "after expiry is disabled, the purge at the old expire_at (90 days after creation) removes AliceRT3 but keeps AliceRT2",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.OK(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":false`)
						s.Advance(90*Day - Hour)
						s.Tick()
						s.RefreshWorks(AliceRT2)
						s.RefreshRefused(AliceRT3)
					}},
				{Name: "refresh_token_set_expiry enables expiry from now", Spec: "§4.6", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "the LLAT had no expiry and was never used: enabling sets expire_at to now + 90 days",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.OK(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+LLATRT.ID+`","enable_expiry":true`)
						s.Equal(listed(s.tokenList(1), LLATRT.ID)["expire_at"], isoTime(s.Now+90*Day), "expire_at")
					}},
				{Name: "refresh_token_set_expiry enables expiry from the last use", Spec: "§4.6", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "AliceRT2 refreshed at T0, expiry disabled, then enabled an hour later: expire_at is last_used_at + 90 days, not now + 90 days",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						used := s.Now
						s.RefreshWorks(AliceRT2)
						s.OK(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":false`)
						s.Advance(Hour)
						s.OK(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":true`)
						s.Equal(listed(s.tokenList(1), AliceRT2.ID)["expire_at"], isoTime(used+90*Day), "expire_at")
					}},
				{Name: "refresh_token_set_expiry keeps an expiry already set", Spec: "§4.6", Result: "valid", Flags: []string{"WsCommand"},
					Expect: "enabling only sets expire_at when it is None: AliceRT2 keeps its own",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Advance(Hour)
						s.OK(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`","enable_expiry":true`)
						s.Equal(listed(s.tokenList(1), AliceRT2.ID)["expire_at"], isoTime(T0-Hour+90*Day), "expire_at")
					}},
				{Name: "refresh_token_set_expiry without enable_expiry", Spec: "§10.4", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
					Expect: "invalid_format required key not provided @ data['enable_expiry']. Got None",
					Run: func(s *Session) {
						s.Connect(1, AliceRT)
						s.Fails(1, `"type":"auth/refresh_token_set_expiry","refresh_token_id":"`+AliceRT2.ID+`"`, "invalid_format", "required key not provided @ data['enable_expiry']. Got None")
					}},
			},
		}},
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
