package scenario

import (
	"encoding/json"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// callFails runs a call that must fail with code (and message, when not
// empty).
func callFails(op, args, code, message string) func(s *Session) {
	return func(s *Session) {
		_, err, _ := s.Call(op, args)
		s.True(err != nil, op+" fails")
		s.Equal(err.Code, code, "error code")
		if message != "" {
			s.Equal(err.Message, message, "error message")
		}
	}
}

// userInfo decodes a user as the calls return it.
func (s *Session) userInfo(v []byte) map[string]any {
	s.r.Helper()
	m := s.Object(v)
	s.True(IsHex(m["id"].(string), 32), "the user id is 32 hex digits")
	return m
}

// CallsSuite covers the embedder calls the command-line tools use.
func CallsSuite() *Suite {
	return &Suite{
		Name:   "calls",
		Header: []string{"Embedder calls: create_user, list_users, set_password, remove_user, list_tokens, revoke_token, create_auth_code, validate_access_token, flush."},
		Groups: []Group{
			{
				Comment: "An empty configuration directory (onboarding).",
				Config:  baseConfig(), Seed: "calls empty", Fixture: EmptyFixture,
				Cases: []Case{
					{Name: "first user becomes the owner", Spec: "§10.5", Result: "valid", Flags: []string{"Normal", "Persistence"},
						Expect: "a hash_password work of cost 4 with a 16-byte salt; the provider file is written at once and the new user journaled, both before the result; the user is owner and administrator; .storage/auth is written a second later",
						Run: func(s *Session) {
							v, err, e := s.Call("create_user", `{"username":"alice","password":"alice-pass-1"}`)
							s.True(err == nil, "create_user succeeds")
							ws := Works(e)
							s.Equal(len(ws), 1, "one hash")
							s.Equal(ws[0].Kind, core.WorkHashPassword, "work kind")
							s.Equal(ws[0].Cost, 4, "bcrypt cost")
							s.Equal(len(ws[0].Salt), 16, "salt length")
							s.Equal(len(Writes(e, core.PathProvider)), 1, "provider file written")
							provider, journal, result := -1, -1, -1
							for i, ef := range e {
								switch {
								case ef.Write != nil && ef.Write.Path == core.PathProvider:
									provider = i
									s.True(ef.Write.Private, "the provider file is private")
								case ef.Append != nil && ef.Append.Path == core.PathJournal:
									journal = i
									s.True(ef.Append.Private, "the journal is private")
								case ef.Result != nil:
									result = i
								}
							}
							s.True(provider >= 0 && provider < result, "the provider file is written before the result")
							s.True(journal >= 0 && journal < result, "the new user is journaled before the result")
							u := s.userInfo(v)
							s.JSONEq(v, `{"id":`+Q(u["id"].(string))+`,"username":"alice","name":"alice","is_owner":true,"is_active":true,"local_only":false,"system_generated":false,"group_ids":["system-admin"],"credentials":[{"type":"homeassistant"}]}`)
							s.Equal(s.Deadline, s.Now+Second, "the delayed save is due in a second")
							s.Advance(Second)
							s.Equal(len(Writes(s.Tick(), core.PathAuth)), 1, ".storage/auth written")
						}},
					{Name: "second user is a plain user", Spec: "§10.5", Result: "valid", Flags: []string{"Normal"},
						Expect: "group system-users, not owner, name as given",
						Run: func(s *Session) {
							s.CallOK("create_user", `{"username":"alice","password":"alice-pass-1"}`)
							v := s.CallOK("create_user", `{"username":"bob","password":"bob-pass-2","name":"Bob B."}`)
							u := s.userInfo(v)
							s.JSONEq(v, `{"id":`+Q(u["id"].(string))+`,"username":"bob","name":"Bob B.","is_owner":false,"is_active":true,"local_only":false,"system_generated":false,"group_ids":["system-users"],"credentials":[{"type":"homeassistant"}]}`)
						}},
					{Name: "created user logs in", Spec: "§5.3", Result: "valid", Flags: []string{"Normal"},
						Expect: "after create_user the providers endpoint answers and the user logs in and gets tokens",
						Run: func(s *Session) {
							s.Body(s.Get("/auth/providers"), 400, `{"message":"Onboarding not finished","code":"onboarding_required"}`)
							s.CallOK("create_user", `{"username":"alice","password":"alice-pass-1"}`)
							s.JSON(s.Get("/auth/providers"), 200, providersLocal)
							access, _ := s.Exchange(s.Login(Alice), "homeassistant")
							s.APIOK(access)
						}},
					{Name: "local-only user", Spec: "§10.5", Result: "valid", Flags: []string{"Normal", "LocalOnly"},
						Expect: "local_only true is kept",
						Run: func(s *Session) {
							s.CallOK("create_user", `{"username":"alice","password":"alice-pass-1"}`)
							s.Equal(s.Object(s.CallOK("create_user", `{"username":"carol","password":"c","local_only":true}`))["local_only"], true, "local_only")
						}},
					{Name: "username that is not normalized", Spec: "§5.3", Result: "invalid", Flags: []string{"InvalidInput", "HAString", "Normalization"},
						Expect: `invalid_args: Username "Bob" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`,
						Run: callFails("create_user", `{"username":"Bob","password":"x"}`, "invalid_args",
							`Username "Bob" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`)},
					{Name: "username with surrounding space", Spec: "§5.3", Result: "invalid", Flags: []string{"InvalidInput", "Normalization"},
						Expect: "invalid_args for ' bob'",
						Run:    callFails("create_user", `{"username":" bob","password":"x"}`, "invalid_args", `Username " bob" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`)},
					{Name: "create_user without a password", Spec: "§10.5", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "invalid_args",
						Run:    callFails("create_user", `{"username":"alice"}`, "invalid_args", "")},
					{Name: "create_user with an unknown group", Spec: "§10.5", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "invalid_args",
						Run:    callFails("create_user", `{"username":"alice","password":"x","group":"no-such-group"}`, "invalid_args", "")},
					{Name: "arguments that are not an object", Spec: "§10.5", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "invalid_args",
						Run:    callFails("create_user", `["alice"]`, "invalid_args", "")},
					{Name: "unknown operation", Spec: "§10.5", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "unknown_op",
						Run:    callFails("make_coffee", "", "unknown_op", "")},
				},
			},
			{
				Comment: "The fixture's users and tokens.",
				Config:  baseConfig(), Seed: "calls main", Fixture: MainFixture,
				Cases: []Case{
					{Name: "username taken", Spec: "§5.3", Result: "invalid", Flags: []string{"InvalidInput", "HAString"},
						Expect: `invalid_args: Username "alice" already exists`,
						Run:    callFails("create_user", `{"username":"alice","password":"x"}`, "invalid_args", `Username "alice" already exists`)},
					{Name: "list_users", Spec: "§10.5", Result: "valid", Flags: []string{"Normal"},
						Expect: "every user in stored order with config/auth/list's fields; the Supervisor has no username and is system-generated",
						Run: func(s *Session) {
							var list []map[string]any
							if err := json.Unmarshal(s.CallOK("list_users", ""), &list); err != nil {
								s.r.Fatalf("%v", err)
							}
							s.Equal(len(list), len(Accounts), "user count")
							for i, a := range Accounts {
								s.Equal(list[i]["id"], a.UserID, "id")
								s.Equal(list[i]["name"], a.Name, "name")
								s.Equal(list[i]["is_active"], a.Active, "is_active")
								s.Equal(list[i]["local_only"], a.LocalOnly, "local_only")
								s.Equal(list[i]["system_generated"], a.System, "system_generated")
								if a.Username == "" {
									s.Equal(list[i]["username"], nil, "username")
								} else {
									s.Equal(list[i]["username"], a.Username, "username")
								}
							}
						}},
					{Name: "set_password", Spec: "§5.3", Result: "valid", Flags: []string{"Normal", "Persistence"},
						Expect: "the provider file is rewritten; the new password logs in and the old one no longer does",
						Run: func(s *Session) {
							_, err, e := s.Call("set_password", `{"username":"bob","password":"new-bob-pass"}`)
							s.True(err == nil, "set_password succeeds")
							s.Equal(len(Writes(e, core.PathProvider)), 1, "provider file written")
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "bob", Bob.Password), 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
							s.EntryCode(s.LoginStep(id, "bob", "new-bob-pass"), id, haHandler)
						}},
					{Name: "set_password for an unknown user", Spec: "§5.3", Result: "invalid", Flags: []string{"HAString"},
						Expect: "not_found User not found",
						Run:    callFails("set_password", `{"username":"mallory","password":"x"}`, "not_found", "User not found")},
					{Name: "remove_user by username", Spec: "§10.5", Result: "valid", Flags: []string{"Normal", "RevokedToken"},
						Expect: "the login and the user go: the provider file is rewritten without bob, list_users no longer has him, and his refresh token is invalid_grant",
						Run: func(s *Session) {
							_, err, e := s.Call("remove_user", `{"username":"bob"}`)
							s.True(err == nil, "remove_user succeeds")
							s.True(!strings.Contains(string(Writes(e, core.PathProvider)[0].Data), `"bob"`), "bob is gone from the provider file")
							s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", BobRT.Secret(), "client_id", ClientID)
							s.True(!strings.Contains(string(s.CallOK("list_users", "")), Bob.UserID), "bob is not listed")
						}},
					{Name: "remove_user for an unknown user", Spec: "§10.5", Result: "invalid", Flags: []string{"HAString"},
						Expect: "not_found User not found",
						Run:    callFails("remove_user", `{"user_id":"ffffffffffff4fff8fffffffffffffff"}`, "not_found", "User not found")},
					{Name: "remove_user without arguments", Spec: "§10.5", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "invalid_args",
						Run:    callFails("remove_user", `{}`, "invalid_args", "")},
					{Name: "list_tokens shows no secrets", Spec: "§10.4", Result: "valid", Flags: []string{"NoSecretLeak"},
						Expect: "every token is listed with its metadata and neither its token string nor its JWT key appears",
						Run: func(s *Session) {
							raw := s.CallOK("list_tokens", "")
							var list []map[string]any
							if err := json.Unmarshal(raw, &list); err != nil {
								s.r.Fatalf("%v", err)
							}
							s.Equal(len(list), len(Tokens), "token count")
							for _, t := range Tokens {
								s.True(!strings.Contains(string(raw), t.Secret()) && !strings.Contains(string(raw), t.JWTKey()), "no secret of "+t.ID)
							}
							for _, t := range list {
								_, hasToken := t["token"]
								_, hasKey := t["jwt_key"]
								s.True(!hasToken && !hasKey, "no secret members")
							}
						}},
					{Name: "list_tokens of one user", Spec: "§10.4", Result: "valid", Flags: []string{"Normal"},
						Expect: "filtered by user_id: Alice's normal and long-lived tokens",
						Run: func(s *Session) {
							var list []map[string]any
							if err := json.Unmarshal(s.CallOK("list_tokens", `{"user_id":"`+Alice.UserID+`"}`), &list); err != nil {
								s.r.Fatalf("%v", err)
							}
							s.Equal(len(list), 2, "two tokens")
							s.Equal([]any{list[0]["type"], list[1]["type"]}, []any{"normal", "long_lived_access_token"}, "types")
							s.Equal(list[1]["client_name"], "GPS Logger", "LLAT client_name")
							s.Equal(list[1]["client_id"], nil, "LLAT has no client_id")
							s.Equal(list[1]["expire_at"], nil, "LLAT does not expire")
						}},
					{Name: "revoke_token", Spec: "§4.6", Result: "invalid", Flags: []string{"RevokedToken"},
						Expect: "null; then the refresh token gets invalid_grant and its access token 401",
						Run: func(s *Session) {
							access := s.AccessNow(AliceRT)
							s.True(IsNull(s.CallOK("revoke_token", `{"id":"`+AliceRT.ID+`"}`)), "result is null")
							s.APIRefused(access)
							s.tokenError(400, errInvalidGrant, "grant_type", "refresh_token", "refresh_token", AliceRT.Secret(), "client_id", ClientID)
						}},
					{Name: "revoke_token for an unknown id", Spec: "§4.6", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "not_found",
						Run:    callFails("revoke_token", `{"id":"nope"}`, "not_found", "")},
					{Name: "revoke_token without id", Spec: "§4.6", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "invalid_args",
						Run:    callFails("revoke_token", `{}`, "invalid_args", "")},
					{Name: "create_auth_code for an unknown credential", Spec: "§7.6", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "not_found",
						Run:    callFails("create_auth_code", `{"client_id":"`+ClientID+`","credential_id":"nope"}`, "not_found", "")},
					{Name: "create_auth_code without a client", Spec: "§7.6", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "invalid_args",
						Run:    callFails("create_auth_code", `{"credential_id":"`+Alice.CredID+`"}`, "invalid_args", "")},
					{Name: "validate_access_token with a bad token", Spec: "§4.5", Result: "invalid", Flags: []string{"TamperedToken"},
						Expect: "invalid_token Invalid access token",
						Run:    callFails("validate_access_token", `{"token":"incorrect"}`, "invalid_token", "Invalid access token")},
					{Name: "flush writes the pending store", Spec: "§3.1", Result: "valid", Flags: []string{"Persistence"},
						Expect: "the load leaves a rewrite pending; flush writes .storage/auth at once with every user and token, and answers null",
						Run: func(s *Session) {
							v, err, e := s.Call("flush", "")
							s.True(err == nil, "flush succeeds")
							s.True(IsNull(v), "result is null")
							w := Writes(e, core.PathAuth)
							s.Equal(len(w), 1, ".storage/auth written")
							for _, t := range Tokens {
								s.True(strings.Contains(string(w[0].Data), t.Secret()), "token "+t.ID+" kept")
							}
						}},
				},
			},
		},
	}
}

// IsNull reports whether a call's value is JSON null; the wire form leaves
// a null value out, so it decodes as empty.
func IsNull(v []byte) bool { return len(v) == 0 || string(v) == "null" }
