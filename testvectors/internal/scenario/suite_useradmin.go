package scenario

import (
	"encoding/json"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// userInfo is a fixture account as config/auth/list shows it (§10.5).
func userInfo(a *Account) string {
	username, creds := "null", `[]`
	if a.Username != "" {
		username, creds = Q(a.Username), `[{"type":"homeassistant"}]`
	}
	groups := `[]`
	if a.Group != "" {
		groups = `[` + Q(a.Group) + `]`
	}
	b := func(v bool) string {
		if v {
			return "true"
		}
		return "false"
	}
	return `{"id":` + Q(a.UserID) + `,"username":` + username + `,"name":` + Q(a.Name) + `,"is_owner":` + b(a.Owner) + `,"is_active":` + b(a.Active) +
		`,"local_only":` + b(a.LocalOnly) + `,"system_generated":` + b(a.System) + `,"group_ids":` + groups + `,"credentials":` + creds + `}`
}

// newUserInfo is a user made by config/auth/create.
func newUserInfo(id, name, groups string, owner, localOnly bool) string {
	o, l := "false", "false"
	if owner {
		o = "true"
	}
	if localOnly {
		l = "true"
	}
	return `{"id":` + Q(id) + `,"username":null,"name":` + Q(name) + `,"is_owner":` + o + `,"is_active":true,"local_only":` + l +
		`,"system_generated":false,"group_ids":` + groups + `,"credentials":[]}`
}

// created runs config/auth/create on conn and returns the new user's id,
// asserting the answer {"user": <info>}.
func (s *Session) created(conn uint64, fields, name, groups string, owner, localOnly bool) string {
	s.r.Helper()
	raw := s.OK(conn, `"type":"config/auth/create",`+fields)
	var res struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	_ = json.Unmarshal(raw, &res)
	s.True(IsHex(res.User.ID, 32), "a uuid4 hex user id")
	s.JSONEq(raw, `{"user":`+newUserInfo(res.User.ID, name, groups, owner, localOnly)+`}`)
	return res.User.ID
}

// loginFails asserts that a username and password no longer log in.
func (s *Session) loginFails(username, password string) {
	s.r.Helper()
	id := s.StartFlow()
	s.JSON(s.LoginStep(id, username, password), 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
}

// loginAs logs in with a username and password and returns the code.
func (s *Session) loginAs(username, password string) string {
	s.r.Helper()
	id := s.StartFlow()
	return s.EntryCode(s.LoginStep(id, username, password), id, haHandler)
}

// providerUsers returns the usernames of a written provider store.
func (s *Session) providerUsers(effects []core.Effect) []string {
	s.r.Helper()
	w := Writes(effects, core.PathProvider)
	s.Equal(len(w), 1, "the provider store is written")
	s.True(w[0].Private, "the provider store is private")
	var doc struct {
		Data struct {
			Users []struct {
				Username string `json:"username"`
			} `json:"users"`
		} `json:"data"`
	}
	if err := json.Unmarshal(w[0].Data, &doc); err != nil {
		s.r.Fatalf("provider store: %v", err)
	}
	var out []string
	for _, u := range doc.Data.Users {
		out = append(out, u.Username)
	}
	return out
}

// translated is a home_assistant_error with its translation fields.
func translated(message, key, placeholders string) string {
	return `{"code":"home_assistant_error","message":` + Q(message) + `,"translation_key":` + Q(key) +
		`,"translation_placeholders":` + placeholders + `,"translation_domain":"auth"}`
}

func notNormalized(name string) string {
	return translated(`Username "`+name+`" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`,
		"username_not_normalized", `{"new_username":`+Q(name)+`}`)
}

func alreadyExists(name string) string {
	return translated(`Username "`+name+`" already exists`, "username_already_exists", `{"username":`+Q(name)+`}`)
}

const unauthorizedErr = "Unauthorized"

// UserAdminSuite covers the config component's user commands (spec §10.5)
// and the homeassistant provider's login commands (§10.6).
func UserAdminSuite() *Suite {
	firstOnly := &Fixture{Accounts: []*Account{Supervisor}, Tokens: []*Token{SystemRT}}
	return &Suite{
		Name: "user_admin",
		Header: []string{"config/auth/* (list, create, update, delete) and config/auth_provider/homeassistant/* (create, delete, change_password,",
			"admin_change_password, admin_change_username) over the websocket: who may run them, every error, and their effects (password work, stores, closed sockets)."},
		Groups: []Group{
			{
				Comment: "The fixture's users plus Grace (administrator, not owner) and Heidi (read-only). Connections: 1 Alice (owner), 2 Bob, 6 the Supervisor, 7 Grace, 8 Heidi.",
				Config:  baseConfig(), Seed: "user admin main", Fixture: WideFixture,
				Cases: []Case{
					{Name: "config/auth/list", Spec: "§10.5", Result: "valid", Flags: []string{"WsCommand", "Normal", "HAString"},
						Expect: "every user in stored order, system users included, as {id, username, name, is_owner, is_active, local_only, system_generated, group_ids, credentials:[{type}]}",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							var items []string
							for _, a := range WideFixture.Accounts {
								items = append(items, userInfo(a))
							}
							s.JSONEq(s.OK(1, `"type":"config/auth/list"`), `[`+strings.Join(items, ",")+`]`)
						}},
					{Name: "config/auth/list by an administrator who is not the owner", Spec: "§10.5", Result: "valid", Flags: []string{"WsCommand", "Permission"},
						Expect: "require_admin: Grace may list",
						Run: func(s *Session) {
							s.Connect(7, GraceRT)
							s.Equal(len(s.users(s.OK(7, `"type":"config/auth/list"`))), len(WideFixture.Accounts), "users")
						}},
					{Name: "config/auth/list by a plain user", Spec: "§10.3", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							s.Fails(2, `"type":"config/auth/list"`, "unauthorized", unauthorizedErr)
						}},
					{Name: "config/auth/list by a read-only user", Spec: "§10.3", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized",
						Run: func(s *Session) {
							s.Connect(8, HeidiRT)
							s.Fails(8, `"type":"config/auth/list"`, "unauthorized", unauthorizedErr)
						}},
					{Name: "config/auth/create", Spec: "§10.5", Result: "valid", Flags: []string{"WsCommand", "Normal", "Journal"},
						Expect: `{"user": {id, username null, name New, not owner, active, not local only, group_ids [system-users], credentials []}}, journaled before the answer; .storage/auth is written a second later`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							id := s.nextID(1)
							e := s.WSSend(1, `{"id":`+itoa(id)+`,"type":"config/auth/create","name":"New","group_ids":["system-users"]}`)
							j := s.JournaledBefore(e)
							sends := Sends(e, 1)
							s.Equal(len(sends), 1, "one answer")
							var res struct {
								User struct {
									ID string `json:"id"`
								} `json:"user"`
							}
							_ = json.Unmarshal(s.Success(sends[0], id), &res)
							s.JSONEq(s.Success(sends[0], id), `{"user":`+newUserInfo(res.User.ID, "New", `["system-users"]`, false, false)+`}`)
							s.Equal(len(j.Data.Users), 1, "the new user journaled")
							s.Equal(j.Data.Users[0].ID, res.User.ID, "journaled user")
							s.Advance(Second)
							s.Equal(len(Writes(s.Tick(), core.PathAuth)), 1, ".storage/auth written")
						}},
					{Name: "config/auth/create local only without groups", Spec: "§10.5", Result: "valid", Flags: []string{"WsCommand", "LocalOnly"},
						Expect: "group_ids [] and local_only true",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.created(1, `"name":"Kiosk","local_only":true`, "Kiosk", `[]`, false, true)
						}},
					{Name: "config/auth/create in an unknown group", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "the ValueError is unknown_error Unknown error and no user is made",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/create","name":"Other","group_ids":["nope"]`, "unknown_error", "Unknown error")
							s.Equal(len(s.users(s.OK(1, `"type":"config/auth/list"`))), len(WideFixture.Accounts), "users")
						}},
					{Name: "config/auth/create by a plain user", Spec: "§10.3", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							s.Fails(2, `"type":"config/auth/create","name":"X"`, "unauthorized", unauthorizedErr)
						}},
					{Name: "config/auth/create without a name", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "InvalidInput", "HAString"},
						Expect: "invalid_format required key not provided @ data['name']. Got None",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/create"`, "invalid_format", "required key not provided @ data['name']. Got None")
						}},
					{Name: "config/auth/update renames", Spec: "§10.5", Result: "valid", Flags: []string{"WsCommand", "Normal"},
						Expect: `{"user": Bob's info with the new name}; his token is untouched (AM-31)`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							renamed := *Bob
							renamed.Name = "Robert"
							s.JSONEq(s.OK(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","name":"Robert"`), `{"user":`+userInfo(&renamed)+`}`)
							s.RefreshWorks(BobRT)
						}},
					{Name: "config/auth/update of an unknown user", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "not_found User not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/update","user_id":"nope","name":"x"`, "not_found", "User not found")
						}},
					{Name: "config/auth/update of a system user", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "cannot_modify_system_generated Unable to update system generated users.",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/update","user_id":"`+Supervisor.UserID+`","name":"x"`, "cannot_modify_system_generated", "Unable to update system generated users.")
						}},
					{Name: "AM-15 config/auth/update deactivating the owner", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "Grace tries to deactivate Alice: cannot_deactivate_owner Unable to deactivate owner.; Alice's token still works",
						Run: func(s *Session) {
							s.Connect(7, GraceRT)
							s.Fails(7, `"type":"config/auth/update","user_id":"`+Alice.UserID+`","is_active":false`, "cannot_deactivate_owner", "Unable to deactivate owner.")
							s.RefreshWorks(AliceRT)
						}},
					{Name: "config/auth/update deactivates a user", Spec: "§4.2", Result: "invalid", Flags: []string{"WsCommand", "InactiveUser", "RevokedToken"},
						Expect: "Bob's tokens are removed, which closes his connection; the answer shows is_active false; his refresh token gets invalid_grant",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Connect(2, BobRT)
							off := *Bob
							off.Active = false
							res, e := s.OKEffects(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","is_active":false`)
							s.JSONEq(res, `{"user":`+userInfo(&off)+`}`)
							s.closed(e, 2)
							s.RefreshRefused(BobRT)
						}},
					{Name: "config/auth/update activates a user", Spec: "§4.2", Result: "valid", Flags: []string{"WsCommand", "InactiveUser"},
						Expect: "Dave was inactive with a token: once active his access tokens work",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.APIRefused(s.AccessNow(DaveRT))
							on := *Dave
							on.Active = true
							s.JSONEq(s.OK(1, `"type":"config/auth/update","user_id":"`+Dave.UserID+`","is_active":true`), `{"user":`+userInfo(&on)+`}`)
							s.APIOK(s.AccessNow(DaveRT))
						}},
					{Name: "config/auth/update makes a user an administrator", Spec: "§2.2", Result: "valid", Flags: []string{"WsCommand", "Permission"},
						Expect: "group_ids [system-admin] for Bob: is_admin is recomputed and his next config/auth/list succeeds",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Connect(2, BobRT)
							s.Fails(2, `"type":"config/auth/list"`, "unauthorized", unauthorizedErr)
							s.OK(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","group_ids":["system-admin"]`)
							s.OK(2, `"type":"config/auth/list"`)
						}},
					{Name: "config/auth/update makes a user local only", Spec: "§9.3", Result: "invalid", Flags: []string{"WsCommand", "LocalOnly"},
						Expect: "local_only true for Bob: his bearer token gets 401 from a public address, and a refresh from there 403 User cannot authenticate remotely",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.OK(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","local_only":true`)
							s.Remote = PublicIP + ":4000"
							s.APIRefused(s.AccessNow(BobRT))
							s.JSON(s.PostForm("/auth/token", "grant_type", "refresh_token", "refresh_token", BobRT.Secret(), "client_id", ClientID), 403, accessDenied("User cannot authenticate remotely"))
						}},
					{Name: "config/auth/update with an unknown group", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "Invalid group specified is a ValueError: unknown_error Unknown error",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","group_ids":["nope"]`, "unknown_error", "Unknown error")
						}},
					{Name: "config/auth/update by a read-only user", Spec: "§10.3", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized; Bob keeps his name",
						Run: func(s *Session) {
							s.Connect(8, HeidiRT)
							s.Fails(8, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","name":"x"`, "unauthorized", unauthorizedErr)
							s.Equal(s.userByID(Bob.UserID)["name"], "Bob", "name")
						}},
					{Name: "config/auth/delete", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "RevokedToken", "Journal"},
						Expect: "null; the user's login is removed from the provider store (written at once), his connection closes, the removal is journaled before the answer, and his refresh token gets invalid_grant",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Connect(2, BobRT)
							res, e := s.OKEffects(1, `"type":"config/auth/delete","user_id":"`+Bob.UserID+`"`)
							s.Equal(string(res), "null", "result")
							s.closed(e, 2)
							j := s.JournaledBefore(e)
							s.Equal(j.RemovedUsers, []string{Bob.UserID}, "journaled removal")
							s.True(!strings.Contains(strings.Join(s.providerUsers(e), ","), "bob"), "bob's login is gone")
							s.RefreshRefused(BobRT)
							s.loginFails("bob", Bob.Password)
						}},
					{Name: "config/auth/delete of oneself", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "no_delete_self Unable to delete your own account",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/delete","user_id":"`+Alice.UserID+`"`, "no_delete_self", "Unable to delete your own account")
						}},
					{Name: "config/auth/delete of an unknown user", Spec: "§10.5", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "not_found User not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth/delete","user_id":"nope"`, "not_found", "User not found")
						}},
					{Name: "config/auth/delete by a plain user", Spec: "§10.3", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized; Carol still refreshes",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							s.Fails(2, `"type":"config/auth/delete","user_id":"`+Carol.UserID+`"`, "unauthorized", unauthorizedErr)
							s.RefreshWorks(CarolRT)
						}},
					{Name: "config/auth/delete of the owner by an administrator", Spec: "§10.5", Result: "valid", Flags: []string{"WsCommand", "Permission"},
						Expect: "the command only refuses deleting oneself: Grace deletes Alice, null, and Alice's connection closes",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Connect(7, GraceRT)
							res, e := s.OKEffects(7, `"type":"config/auth/delete","user_id":"`+Alice.UserID+`"`)
							s.Equal(string(res), "null", "result")
							s.closed(e, 1)
						}},
					{Name: "HAPWS-04 login added to a new user", Spec: "§10.6", Result: "valid", Flags: []string{"WsCommand", "Normal", "Persistence"},
						Expect: "after config/auth/create, .../create hashes the password (work of cost 4), writes the provider store at once, links the credential and answers null; the user then shows the login and logs in with it",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							id := s.created(1, `"name":"Newbie","group_ids":["system-users"]`, "Newbie", `["system-users"]`, false, false)
							res, e := s.OKEffects(1, `"type":"config/auth_provider/homeassistant/create","user_id":"`+id+`","username":"newbie","password":"newbie-pass"`)
							s.Equal(string(res), "null", "result")
							w := Works(e)
							s.True(len(w) == 1 && w[0].Kind == core.WorkHashPassword && w[0].Password == "newbie-pass" && w[0].Cost == 4, "one hash of the password")
							s.True(strings.Contains(strings.Join(s.providerUsers(e), ","), "newbie"), "newbie stored")
							u := s.userByID(id)
							s.Equal(u["username"], "newbie", "username")
							access, _ := s.Exchange(s.loginAs("newbie", "newbie-pass"), "homeassistant")
							s.Equal(s.Object(s.CallOK("validate_access_token", `{"token":`+Q(access)+`}`))["user_id"], id, "the login is the new user's")
						}},
					{Name: "HAPWS-01 login for a system user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "system_generated Cannot add credentials to a system generated user.",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth_provider/homeassistant/create","user_id":"`+Supervisor.UserID+`","username":"sup","password":"pw"`, "system_generated", "Cannot add credentials to a system generated user.")
						}},
					{Name: "HAPWS-02 login for an unknown user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "not_found User not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth_provider/homeassistant/create","user_id":"test-id","username":"x","password":"pw"`, "not_found", "User not found")
						}},
					{Name: "HAPWS-03 login created by a read-only user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized",
						Run: func(s *Session) {
							s.Connect(8, HeidiRT)
							s.Fails(8, `"type":"config/auth_provider/homeassistant/create","user_id":"`+Carol.UserID+`","username":"x","password":"pw"`, "unauthorized", unauthorizedErr)
						}},
					{Name: "HAPWS-05 login with a username in use", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString", "Normalization"},
						Expect: `home_assistant_error Username "bob" already exists, translation_key username_already_exists, placeholders {"username":"bob"}, domain auth`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							id := s.created(1, `"name":"Other"`, "Other", `[]`, false, false)
							s.FailsWith(1, `"type":"config/auth_provider/homeassistant/create","user_id":"`+id+`","username":"bob","password":"pw"`, alreadyExists("bob"))
						}},
					{Name: "login with a username that is not normalized", Spec: "§5.3", Result: "invalid", Flags: []string{"WsCommand", "HAString", "Normalization"},
						Expect: `home_assistant_error Username "Other Name" is not normalized..., translation_key username_not_normalized, placeholders {"new_username":"Other Name"}`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							id := s.created(1, `"name":"Other"`, "Other", `[]`, false, false)
							s.FailsWith(1, `"type":"config/auth_provider/homeassistant/create","user_id":"`+id+`","username":"Other Name","password":"pw"`, notNormalized("Other Name"))
						}},
					{Name: "HAPWS-07 login deleted", Spec: "§10.6", Result: "valid", Flags: []string{"WsCommand", "Persistence"},
						Expect: "null; the provider store is written without bob, Bob keeps his user but no credential, cannot log in, and his refresh token (not revoked) still works",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							res, e := s.OKEffects(1, `"type":"config/auth_provider/homeassistant/delete","username":"bob"`)
							s.Equal(string(res), "null", "result")
							s.True(!strings.Contains(strings.Join(s.providerUsers(e), ","), "bob"), "bob gone")
							u := s.userByID(Bob.UserID)
							s.Equal(u["username"], nil, "no username")
							s.Equal(u["credentials"], []any{}, "no credentials")
							s.loginFails("bob", Bob.Password)
							s.RefreshWorks(BobRT)
						}},
					{Name: "HAPWS-08 login deleted by a read-only user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized; bob still logs in",
						Run: func(s *Session) {
							s.Connect(8, HeidiRT)
							s.Fails(8, `"type":"config/auth_provider/homeassistant/delete","username":"bob"`, "unauthorized", unauthorizedErr)
							s.loginAs("bob", Bob.Password)
						}},
					{Name: "HAPWS-09 unknown login deleted", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: `home_assistant_error User not found, translation_key user_not_found, placeholders null, domain auth`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.FailsWith(1, `"type":"config/auth_provider/homeassistant/delete","username":"test-user2"`, translated("User not found", "user_not_found", "null"))
						}},
					{Name: "HAPWS-10 change_password", Spec: "§10.6", Result: "valid", Flags: []string{"WsCommand", "Normal", "Persistence"},
						Expect: "a check_password work of the current password against Bob's stored hash, then a hash_password work of the new one, the provider store written, then null; the new password logs in and the old one does not",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							id, reply, e := s.Ask(2, `"type":"config/auth_provider/homeassistant/change_password","current_password":"`+Bob.Password+`","new_password":"bob-new-pass"`)
							s.Equal(string(s.Success(reply, id)), "null", "result")
							w := Works(e)
							s.True(len(w) == 2 && w[0].Kind == core.WorkCheckPassword && w[0].Password == Bob.Password &&
								w[1].Kind == core.WorkHashPassword && w[1].Password == "bob-new-pass" && w[1].Cost == 4, "check, then hash")
							write, send := -1, -1
							for i, ef := range e {
								if ef.Write != nil && ef.Write.Path == core.PathProvider {
									write = i
								}
								if ef.Send != nil {
									send = i
								}
							}
							s.True(write >= 0 && write < send, "the store is written before the answer")
							s.loginFails("bob", Bob.Password)
							s.loginAs("bob", "bob-new-pass")
						}},
					{Name: "HAPWS-11 change_password with a wrong current password", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "invalid_current_password Invalid current password; nothing is written and the old password still logs in",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							e := s.Fails(2, `"type":"config/auth_provider/homeassistant/change_password","current_password":"wrong","new_password":"x"`, "invalid_current_password", "Invalid current password")
							s.Equal(len(Writes(e, core.PathProvider)), 0, "nothing written")
							s.loginAs("bob", Bob.Password)
						}},
					{Name: "change_password without a homeassistant login", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "the Supervisor has no credentials: credentials_not_found Credentials not found",
						Run: func(s *Session) {
							s.Connect(6, SystemRT)
							s.Fails(6, `"type":"config/auth_provider/homeassistant/change_password","current_password":"x","new_password":"y"`, "credentials_not_found", "Credentials not found")
						}},
					{Name: "change_password answered after the client left", Spec: "§10.6", Result: "valid", Flags: []string{"WsCommand", "Persistence"},
						Expect: "the connection closes while the password work runs: the change still happens (the store is written) and nothing is sent",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							s.HoldWork = true
							s.AskNoReply(2, `"type":"config/auth_provider/homeassistant/change_password","current_password":"`+Bob.Password+`","new_password":"bob-new-pass"`)
							s.WSClosed(2)
							s.HoldWork = false
							e := s.ReleaseWork()
							s.Equal(len(Sends(e, 2)), 0, "nothing sent")
							s.Equal(len(Writes(e, core.PathProvider)), 1, "the store is written")
							s.loginAs("bob", "bob-new-pass")
						}},
					{Name: "HAPWS-13 admin_change_password by an administrator who is not the owner", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized; Bob's password is unchanged",
						Run: func(s *Session) {
							s.Connect(7, GraceRT)
							s.Fails(7, `"type":"config/auth_provider/homeassistant/admin_change_password","user_id":"`+Bob.UserID+`","password":"x"`, "unauthorized", unauthorizedErr)
							s.loginAs("bob", Bob.Password)
						}},
					{Name: "admin_change_password by a plain user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "require_admin first: unauthorized Unauthorized",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							s.Fails(2, `"type":"config/auth_provider/homeassistant/admin_change_password","user_id":"`+Alice.UserID+`","password":"x"`, "unauthorized", unauthorizedErr)
						}},
					{Name: "HAPWS-14 admin_change_password for an unknown user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "user_not_found User not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth_provider/homeassistant/admin_change_password","user_id":"nope","password":"x"`, "user_not_found", "User not found")
						}},
					{Name: "HAPWS-15 admin_change_password for a user without a login", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "credentials_not_found Credentials not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth_provider/homeassistant/admin_change_password","user_id":"`+Supervisor.UserID+`","password":"x"`, "credentials_not_found", "Credentials not found")
						}},
					{Name: "HAPWS-16 admin_change_password", Spec: "§10.6", Result: "valid", Flags: []string{"WsCommand", "Normal", "Persistence"},
						Expect: "the owner sets Bob's password: a hash_password work, the store written, null; Bob logs in with it; his tokens and connection stay",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Connect(2, BobRT)
							res, e := s.OKEffects(1, `"type":"config/auth_provider/homeassistant/admin_change_password","user_id":"`+Bob.UserID+`","password":"set-by-alice"`)
							s.Equal(string(res), "null", "result")
							w := Works(e)
							s.True(len(w) == 1 && w[0].Kind == core.WorkHashPassword && w[0].Password == "set-by-alice", "one hash")
							s.Equal(len(Writes(e, core.PathProvider)), 1, "store written")
							s.Equal(len(Closes(e, 2)), 0, "Bob's connection stays")
							s.loginAs("bob", "set-by-alice")
							s.RefreshWorks(BobRT)
						}},
					{Name: "HAPWS-17 admin_change_username", Spec: "§10.6", Result: "valid", Flags: []string{"WsCommand", "Normal", "Persistence"},
						Expect: "null; the provider store is written with robert and the credential's data changes; robert logs in as Bob and bob no longer does",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							res, e := s.OKEffects(1, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"`+Bob.UserID+`","username":"robert"`)
							s.Equal(string(res), "null", "result")
							users := strings.Join(s.providerUsers(e), ",")
							s.True(strings.Contains(users, "robert") && !strings.Contains(users, "bob"), "renamed in the store")
							s.Equal(s.userByID(Bob.UserID)["username"], "robert", "username")
							access, _ := s.Exchange(s.loginAs("robert", Bob.Password), "homeassistant")
							s.Equal(s.Object(s.CallOK("validate_access_token", `{"token":`+Q(access)+`}`))["user_id"], Bob.UserID, "still Bob")
							s.loginFails("bob", Bob.Password)
						}},
					{Name: "HAPWS-19 admin_change_username by an administrator who is not the owner", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "Permission", "HAString"},
						Expect: "unauthorized Unauthorized",
						Run: func(s *Session) {
							s.Connect(7, GraceRT)
							s.Fails(7, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"`+Bob.UserID+`","username":"x"`, "unauthorized", unauthorizedErr)
						}},
					{Name: "HAPWS-20 admin_change_username for an unknown user", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "user_not_found User not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"nope","username":"x"`, "user_not_found", "User not found")
						}},
					{Name: "HAPWS-21 admin_change_username for a user without a login", Spec: "§10.6", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: "credentials_not_found Credentials not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"`+Supervisor.UserID+`","username":"x"`, "credentials_not_found", "Credentials not found")
						}},
					{Name: "HAP-17 admin_change_username to a name that is not normalized", Spec: "§5.3", Result: "invalid", Flags: []string{"WsCommand", "HAString", "Normalization"},
						Expect: `home_assistant_error with translation username_not_normalized {"new_username":"Robert "}`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.FailsWith(1, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"`+Bob.UserID+`","username":"Robert "`, notNormalized("Robert "))
						}},
					{Name: "admin_change_username to a name in use", Spec: "§5.3", Result: "invalid", Flags: []string{"WsCommand", "HAString"},
						Expect: `home_assistant_error with translation username_already_exists {"username":"alice"}`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.FailsWith(1, `"type":"config/auth_provider/homeassistant/admin_change_username","user_id":"`+Bob.UserID+`","username":"alice"`, alreadyExists("alice"))
						}},
				},
			},
			{
				Comment: "Only the Supervisor (a system administrator) exists, with its system token on connection 6.",
				Config:  baseConfig(), Seed: "user admin first", Fixture: firstOnly,
				Cases: []Case{
					{Name: "AM-30 the first user created becomes the owner", Spec: "§2.7", Result: "valid", Flags: []string{"WsCommand", "Normal"},
						Expect: "config/auth/create of the first non-system user gives is_owner true; the next one is not the owner",
						Run: func(s *Session) {
							s.Connect(6, SystemRT)
							s.created(6, `"name":"First"`, "First", `[]`, true, false)
							s.created(6, `"name":"Second"`, "Second", `[]`, false, false)
						}},
				},
			},
		},
	}
}
