package scenario

import (
	"strings"

	"github.com/hassauth/hassauth/core"
)

const (
	tnHandler = `["trusted_networks",null]`
	clHandler = `["command_line",null]`
	tnEntry   = `{"name":"Trusted Networks","id":null,"type":"trusted_networks"}`
	haEntry   = `{"name":"Home Assistant Local","id":null,"type":"homeassistant"}`
)

// startFlowOf starts a login flow of handler from the session's address
// and returns its id and reply.
func (s *Session) startFlowOf(handler string) (string, Resp) {
	s.r.Helper()
	r := s.PostJSON("/auth/login_flow", `{"client_id":`+Q(ClientID)+`,"handler":`+handler+`,"redirect_uri":`+Q(RedirectURI)+`}`)
	s.Status(r, 200)
	return s.Str(r.Body, "flow_id"), r
}

// userForm is the trusted_networks form offering users (id, name pairs).
func userForm(flowID string, users ...*Account) string {
	var opts []string
	for _, u := range users {
		opts = append(opts, `[`+Q(u.UserID)+`,`+Q(u.Name)+`]`)
	}
	return `{"type":"form","flow_id":` + Q(flowID) + `,"handler":` + tnHandler + `,"step_id":"init",` +
		`"data_schema":[{"type":"select","options":[` + strings.Join(opts, ",") + `],"name":"user","required":true}],` +
		`"errors":null,"description_placeholders":null,"last_step":null,"preview":null}`
}

func abortOf(flowID, handler, reason string) string {
	return `{"type":"abort","flow_id":` + Q(flowID) + `,"handler":` + handler + `,"reason":"` + reason + `","description_placeholders":null}`
}

// tnLogin logs in through trusted_networks as a from the session's
// address and returns the code.
func (s *Session) tnLogin(a *Account, offered ...*Account) string {
	s.r.Helper()
	id, r := s.startFlowOf(tnHandler)
	s.JSONEq(r.Body, userForm(id, offered...))
	return s.EntryCode(s.PostJSON("/auth/login_flow/"+id, `{"client_id":`+Q(ClientID)+`,"user":`+Q(a.UserID)+`}`), id, tnHandler)
}

// exchangeAs trades a code for tokens and returns the access token and
// the user it belongs to.
func (s *Session) exchangeAs(code, provider string) (access, refresh string, user map[string]any) {
	s.r.Helper()
	access, refresh = s.Exchange(code, provider)
	v := s.Object(s.CallOK("validate_access_token", `{"token":`+Q(access)+`}`))
	return access, refresh, s.userByID(v["user_id"].(string))
}

// clStep posts a username and password to a command_line flow; the answer
// must wait for the Run effect, which is returned.
func (s *Session) clStep(flowID, username, password string) core.Run {
	s.r.Helper()
	s.DoPending(Req{Method: "POST", Path: "/auth/login_flow/" + flowID, Header: []core.Header{H("content-type", "text/plain;charset=UTF-8")},
		Body: StepBody(ClientID, username, password)})
	s.Equal(len(s.HeldRuns), 1, "one command run")
	return s.HeldRuns[0]
}

// clLogin logs in through command_line with the command's exit code and
// output, and returns the reply.
func (s *Session) clLogin(username string, exit int, stdout string) (string, Resp) {
	s.r.Helper()
	id, r := s.startFlowOf(clHandler)
	s.JSON(r, 200, LoginForm(id, clHandler, `{}`))
	s.clStep(id, username, "s3cret")
	e := s.ReleaseRun(exit, stdout, "")
	return id, s.ReplyTo(s.nextHTTP, e)
}

// ProvidersSuite covers the trusted_networks and command_line providers
// (spec §5.4, §5.5, §7.1).
func ProvidersSuite() *Suite {
	tn := baseConfig()
	tn.Providers = []core.ProviderConfig{
		{Type: "trusted_networks", TrustedNetworks: []string{"192.168.0.1", "192.168.128.0/24", "::1", "fd00::/8"},
			TrustedUsers: []core.TrustedUsers{
				{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: Alice.UserID}}},
				{Network: "192.168.128.0/24", Users: []core.TrustedUser{{UserID: Supervisor.UserID}, {UserID: Bob.UserID}}},
				{Network: "fd00::/8", Users: []core.TrustedUser{}},
			}},
		{Type: "homeassistant"},
	}
	bypass := baseConfig()
	bypass.Providers = []core.ProviderConfig{
		{Type: "trusted_networks", TrustedNetworks: []string{"192.168.0.1", "::1"}, AllowBypassLogin: true,
			TrustedUsers: []core.TrustedUsers{{Network: "192.168.0.1", Users: []core.TrustedUser{{UserID: Alice.UserID}}}}},
	}
	proxied := baseConfig()
	proxied.Providers = []core.ProviderConfig{{Type: "trusted_networks", TrustedNetworks: []string{"192.168.128.0/24", "fd00::/8"}}, {Type: "homeassistant"}}
	proxied.HTTP.UseXForwardedFor = true
	proxied.HTTP.TrustedProxies = []string{"192.168.128.0/31", "fd00::1"}
	byGroup := baseConfig()
	byGroup.Providers = []core.ProviderConfig{{Type: "trusted_networks", TrustedNetworks: []string{"192.168.0.0/24"},
		TrustedUsers: []core.TrustedUsers{{Network: "192.168.0.0/24", Users: []core.TrustedUser{{Group: "system-users"}, {UserID: Alice.UserID}}}}}}
	cl := baseConfig()
	cl.Providers = []core.ProviderConfig{{Type: "command_line", Command: "/usr//bin/./auth-check", Args: []string{"--strict"}, Meta: true}}
	clPlain := baseConfig()
	clPlain.Providers = []core.ProviderConfig{{Type: "command_line", Command: "/usr/bin/auth-check"}}

	trusted := "192.168.0.1:5000"
	return &Suite{
		Name: "providers",
		Header: []string{"The trusted_networks provider (§5.4: visibility per address, the user form, bypass login, proxies, refreshes re-checked)",
			"and the command_line provider (§5.5: the Run effect, exit codes, meta lines)."},
		Groups: []Group{
			{
				Comment: "trusted_networks for 192.168.0.1, 192.168.128.0/24, ::1 and fd00::/8 with trusted_users 192.168.0.1: [Alice], 192.168.128.0/24: [Supervisor, Bob], fd00::/8: []; then homeassistant.",
				Config:  tn, Seed: "providers trusted", Fixture: MainFixture,
				Cases: []Case{
					{Name: "LF-03 providers from a trusted address", Spec: "§7.1", Result: "valid", Flags: []string{"TrustedNetworks", "Normal"},
						Expect: "Trusted Networks then Home Assistant Local, in configuration order",
						Run:    providersFrom(trusted, `{"providers":[`+tnEntry+`,`+haEntry+`],"preselect_remember_me":true}`)},
					{Name: "LF-03 providers from an untrusted LAN address", Spec: "§7.1", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "the access check fails for 192.168.1.10, so the provider is left out",
						Run:    providersFrom(LocalIP+":5000", `{"providers":[`+haEntry+`],"preselect_remember_me":true}`)},
					{Name: "LF-03 providers from a public address", Spec: "§7.1", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "left out for 198.51.100.1 too",
						Run:    providersFrom(PublicIP+":5000", `{"providers":[`+haEntry+`],"preselect_remember_me":false}`)},
					{Name: "TN-07 login flow from an untrusted address", Spec: "§5.4", Result: "invalid", Flags: []string{"TrustedNetworks", "HAString"},
						Expect: "abort not_allowed",
						Run: func(s *Session) {
							id, r := s.startFlowOf(tnHandler)
							s.JSON(r, 200, abortOf(id, tnHandler, "not_allowed"))
						}},
					{Name: "TN-08 users offered to 192.168.0.1", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks", "HAString"},
						Expect: `a form {"user": In({Alice})} with errors null; choosing Alice gives a code that exchanges for tokens with ha_auth_provider trusted_networks`,
						Run: func(s *Session) {
							s.Remote = trusted
							_, _, u := s.exchangeAs(s.tnLogin(Alice, Alice), "trusted_networks")
							s.Equal(u["id"], Alice.UserID, "Alice")
						}},
					{Name: "TN-08 users offered to 192.168.128.0/24", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "only Bob: the system user listed there is never offered",
						Run: func(s *Session) {
							s.Remote = "192.168.128.1:5000"
							s.tnLogin(Bob, Bob)
						}},
					{Name: "TN-08 users offered where no list applies", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "from ::1 every active non-system user in stored order: Alice, Bob, Carol, Erin (Dave is inactive)",
						Run: func(s *Session) {
							s.Remote = "[::1]:5000"
							s.tnLogin(Carol, Alice, Bob, Carol, Erin)
						}},
					{Name: "TN-08 an empty list offers nobody", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "from fd00::1 the form has no options",
						Run: func(s *Session) {
							s.Remote = "[fd00::1]:5000"
							id, r := s.startFlowOf(tnHandler)
							s.JSON(r, 200, userForm(id))
						}},
					{Name: "TN-07 a user not offered", Spec: "§5.4", Result: "invalid", Flags: []string{"TrustedNetworks", "InvalidInput", "HAString"},
						Expect: `Bob chosen from 192.168.0.1 fails the form's In(): 400 {"message":"User input malformed"}`,
						Run: func(s *Session) {
							s.Remote = trusted
							id, _ := s.startFlowOf(tnHandler)
							s.JSON(s.PostJSON("/auth/login_flow/"+id, `{"client_id":`+Q(ClientID)+`,"user":`+Q(Bob.UserID)+`}`), 400, `{"message":"User input malformed"}`)
						}},
					{Name: "TN-02 the credential is linked at once", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks", "Journal"},
						Expect: "finishing the flow links a {user_id} credential to Alice, journaled before the create_entry; a second login reuses it",
						Run: func(s *Session) {
							s.Remote = trusted
							id, _ := s.startFlowOf(tnHandler)
							r := s.PostJSON("/auth/login_flow/"+id, `{"client_id":`+Q(ClientID)+`,"user":`+Q(Alice.UserID)+`}`)
							s.EntryCode(r, id, tnHandler)
							j := s.JournaledBefore(r.Effects)
							s.Equal(len(j.Data.Credentials), 2, "Alice's two credentials journaled")
							s.Equal(s.credentialTypes(Alice.UserID), []string{"homeassistant", "trusted_networks"}, "credentials")
							id2, _ := s.startFlowOf(tnHandler)
							r2 := s.PostJSON("/auth/login_flow/"+id2, `{"client_id":`+Q(ClientID)+`,"user":`+Q(Alice.UserID)+`}`)
							s.EntryCode(r2, id2, tnHandler)
							s.NotJournaled(r2.Effects)
						}},
					{Name: "TN-06 refresh from another address", Spec: "§5.4", Result: "invalid", Flags: []string{"TrustedNetworks", "HAString", "FailedLogin"},
						Expect: `the address is checked at every refresh: from 198.51.100.1 and from 192.168.1.10, 403 {"error":"access_denied","error_description":"Not in trusted_networks"}; from 192.168.0.1 it refreshes`,
						Run: func(s *Session) {
							s.Remote = trusted
							_, refresh, _ := s.exchangeAs(s.tnLogin(Alice, Alice), "trusted_networks")
							for _, from := range []string{PublicIP + ":5000", LocalIP + ":5000"} {
								r := s.PostFormFrom(from, "/auth/token", "grant_type", "refresh_token", "refresh_token", refresh, "client_id", ClientID)
								s.JSON(r, 403, accessDenied("Not in trusted_networks"))
								s.FailedLogin(r.Effects, 1)
							}
							s.Refresh(refresh, ClientID)
						}},
					{Name: "TOKEN-21 code exchanged from an untrusted address", Spec: "§7.7", Result: "invalid", Flags: []string{"TrustedNetworks", "HAString"},
						Expect: "the access-token step re-checks the address: 403 access_denied Not in trusted_networks",
						Run: func(s *Session) {
							s.Remote = trusted
							code := s.tnLogin(Alice, Alice)
							s.JSON(s.PostFormFrom(PublicIP+":5000", "/auth/token", "grant_type", "authorization_code", "client_id", ClientID, "code", code), 403, accessDenied("Not in trusted_networks"))
						}},
					{Name: "HTTP-05 trusted networks never authenticate a request", Spec: "§9.1", Result: "invalid", Flags: []string{"TrustedNetworks", "FailedLogin"},
						Expect: `GET /api/ from 192.168.0.1 without a token: 401 "401: Unauthorized"`,
						Run: func(s *Session) {
							r := getFrom(s, trusted, "/api/")
							s.Body(r, 401, "401: Unauthorized")
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "the homeassistant provider beside it", Spec: "§5.3", Result: "valid", Flags: []string{"TrustedNetworks", "Normal"},
						Expect: "from a trusted address the password login still works",
						Run: func(s *Session) {
							s.Remote = trusted
							s.Exchange(s.Login(Bob), "homeassistant")
						}},
				},
			},
			{
				Comment: "trusted_networks with allow_bypass_login for 192.168.0.1 (trusted_users: [Alice]) and ::1.",
				Config:  bypass, Seed: "providers bypass", Fixture: MainFixture,
				Cases: []Case{
					{Name: "TN-10 bypass with one user", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks", "Normal"},
						Expect: "creating the flow from 192.168.0.1 finishes it at once: create_entry with a code for Alice",
						Run: func(s *Session) {
							s.Remote = trusted
							id, r := s.startFlowOf(tnHandler)
							_, _, u := s.exchangeAs(s.EntryCode(r, id, tnHandler), "trusted_networks")
							s.Equal(u["id"], Alice.UserID, "Alice")
						}},
					{Name: "TN-10 no bypass with several users", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "from ::1 four users are available: the form is shown",
						Run: func(s *Session) {
							s.Remote = "[::1]:5000"
							s.tnLogin(Erin, Alice, Bob, Carol, Erin)
						}},
					{Name: "TN-10 bypass from an untrusted address", Spec: "§5.4", Result: "invalid", Flags: []string{"TrustedNetworks", "HAString"},
						Expect: "abort not_allowed",
						Run: func(s *Session) {
							id, r := s.startFlowOf(tnHandler)
							s.JSON(r, 200, abortOf(id, tnHandler, "not_allowed"))
						}},
				},
			},
			{
				Comment: "trusted_networks 192.168.128.0/24 and fd00::/8 behind trusted proxies 192.168.128.0/31 and fd00::1 (use_x_forwarded_for).",
				Config:  proxied, Seed: "providers proxied", Fixture: MainFixture,
				Cases: []Case{
					{Name: "TN-04 a client behind a trusted proxy", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks", "Spoofing"},
						Expect: "X-Forwarded-For 192.168.128.2 from the proxy 192.168.128.0: the client is trusted and the provider listed",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "192.168.128.0:5000", "/auth/providers", H("x-forwarded-for", "192.168.128.2")), 200, `{"providers":[`+tnEntry+`,`+haEntry+`],"preselect_remember_me":true}`)
						}},
					{Name: "TN-04 the proxy itself", Spec: "§5.4", Result: "invalid", Flags: []string{"TrustedNetworks", "Spoofing", "HAString"},
						Expect: "Can't allow access from a proxy server: a request from 192.168.128.1 without a forwarded header does not see the provider, and its flow aborts not_allowed",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "192.168.128.1:5000", "/auth/providers"), 200, `{"providers":[`+haEntry+`],"preselect_remember_me":true}`)
							s.Remote = "192.168.128.1:5000"
							id, r := s.startFlowOf(tnHandler)
							s.JSON(r, 200, abortOf(id, tnHandler, "not_allowed"))
						}},
					{Name: "TN-04 an IPv6 proxy", Spec: "§5.4", Result: "invalid", Flags: []string{"TrustedNetworks", "Spoofing"},
						Expect: "fd00::1 is a trusted proxy: not served; fd00::2 is",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "[fd00::1]:5000", "/auth/providers"), 200, `{"providers":[`+haEntry+`],"preselect_remember_me":true}`)
							s.JSON(getFrom(s, "[fd00::2]:5000", "/auth/providers"), 200, `{"providers":[`+tnEntry+`,`+haEntry+`],"preselect_remember_me":true}`)
						}},
				},
			},
			{
				Comment: "trusted_networks 192.168.0.0/24 whose trusted_users are the group system-users and Alice.",
				Config:  byGroup, Seed: "providers group", Fixture: MainFixture,
				Cases: []Case{
					{Name: "TN-01 a group in trusted_users", Spec: "§5.4", Result: "valid", Flags: []string{"TrustedNetworks"},
						Expect: "the list is limited to the listed user ids and the group's members: Alice, then the active members of system-users Bob, Carol and Erin, in stored order (Dave is inactive)",
						Run: func(s *Session) {
							s.Remote = "192.168.0.5:5000"
							s.tnLogin(Bob, Alice, Bob, Carol, Erin)
						}},
				},
			},
			{
				Comment: "command_line with command /usr//bin/./auth-check, args [--strict], meta true.",
				Config:  cl, Seed: "providers command", Fixture: MainFixture,
				Cases: []Case{
					{Name: "the command's Run effect", Spec: "§5.5", Result: "valid", Flags: []string{"CommandLine", "Normal"},
						Expect: "the step's answer waits for a Run of the normalized command /usr/bin/auth-check with args [--strict] and an environment of exactly username (stripped) and password; exit 0 gives create_entry and tokens with ha_auth_provider command_line",
						Run: func(s *Session) {
							id, r := s.startFlowOf(clHandler)
							s.JSON(r, 200, LoginForm(id, clHandler, `{}`))
							run := s.clStep(id, " frank ", "s3cret")
							s.Equal(run.Command, "/usr/bin/auth-check", "command")
							s.Equal(run.Args, []string{"--strict"}, "args")
							s.Equal(run.Env, []core.Header{{Name: "username", Value: "frank"}, {Name: "password", Value: "s3cret"}}, "environment")
							s.Exchange(s.EntryCode(s.ReplyTo(s.nextHTTP, s.ReleaseRun(0, "", "")), id, clHandler), "command_line")
						}},
					{Name: "a failing exit code", Spec: "§5.5", Result: "invalid", Flags: []string{"CommandLine", "FailedLogin"},
						Expect: `exit code 1: the form again with errors {"base":"invalid_auth"}, a failed login`,
						Run: func(s *Session) {
							id, r := s.clLogin("frank", 1, "")
							s.JSON(r, 200, LoginForm(id, clHandler, `{"base":"invalid_auth"}`))
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "a command that cannot run", Spec: "§5.5", Result: "invalid", Flags: []string{"CommandLine", "FailedLogin"},
						Expect: "an OS error is invalid auth",
						Run: func(s *Session) {
							id, r := s.startFlowOf(clHandler)
							s.Status(r, 200)
							s.clStep(id, "frank", "s3cret")
							reply := s.ReplyTo(s.nextHTTP, s.ReleaseRun(0, "", "exec: no such file or directory"))
							s.JSON(reply, 200, LoginForm(id, clHandler, `{"base":"invalid_auth"}`))
						}},
					{Name: "meta lines", Spec: "§5.5", Result: "valid", Flags: []string{"CommandLine"},
						Expect: "name, group and local_only are read from key=value lines; comments and other keys are ignored: the new user is Frank Example in system-users, local only",
						Run: func(s *Session) {
							id, r := s.clLogin("frank", 0, "name=Frank Example\n# name=Comment\ngroup=system-users\nlocal_only=true\nother=x\n")
							_, _, u := s.exchangeAs(s.EntryCode(r, id, clHandler), "command_line")
							s.True(u["name"] == "Frank Example" && u["local_only"] == true, "name and local_only")
							s.Equal(u["group_ids"], []any{"system-users"}, "group")
							s.Equal(u["credentials"], []any{map[string]any{"type": "command_line"}}, "credential")
						}},
					{Name: "local_only is true only for true", Spec: "§5.5", Result: "valid", Flags: []string{"CommandLine"},
						Expect: "local_only=True is not the exact value true: the user is not local only",
						Run: func(s *Session) {
							id, r := s.clLogin("frank", 0, "local_only=True\n")
							_, _, u := s.exchangeAs(s.EntryCode(r, id, clHandler), "command_line")
							s.Equal(u["local_only"], false, "local_only")
						}},
					{Name: "meta values are stripped", Spec: "§5.5", Result: "valid", Flags: []string{"CommandLine"},
						Expect: "'  name =  Spaced Out  ' with a CRLF ending gives the name Spaced Out",
						Run: func(s *Session) {
							id, r := s.clLogin("frank", 0, "  name =  Spaced Out  \r\n")
							_, _, u := s.exchangeAs(s.EntryCode(r, id, clHandler), "command_line")
							s.Equal(u["name"], "Spaced Out", "name")
						}},
					{Name: "no meta output", Spec: "§4.2", Result: "valid", Flags: []string{"CommandLine"},
						Expect: "without a name or group the new user has no name and joins system-admin (info.group or system-admin)",
						Run: func(s *Session) {
							id, r := s.clLogin("frank", 0, "")
							_, _, u := s.exchangeAs(s.EntryCode(r, id, clHandler), "command_line")
							s.Equal(u["name"], nil, "name")
							s.Equal(u["group_ids"], []any{"system-admin"}, "group")
						}},
					{Name: "the same username is the same user", Spec: "§5.5", Result: "valid", Flags: []string{"CommandLine"},
						Expect: "a second login as frank finds the credential of the first: the same user",
						Run: func(s *Session) {
							id, r := s.clLogin("frank", 0, "")
							_, _, u1 := s.exchangeAs(s.EntryCode(r, id, clHandler), "command_line")
							id, r = s.clLogin("frank", 0, "name=Other")
							_, _, u2 := s.exchangeAs(s.EntryCode(r, id, clHandler), "command_line")
							s.Equal(u2["id"], u1["id"], "same user")
						}},
					{Name: "a command that never finishes", Spec: "§5.5", Result: "acceptable", Flags: []string{"CommandLine", "HassauthBound", "Timer"},
						Expect: "Home Assistant waits without limit; hassauth gives the command 30 s: nothing at 30 s less a microsecond, then the form with invalid_auth; a late result is ignored",
						Run: func(s *Session) {
							id, r := s.startFlowOf(clHandler)
							s.Status(r, 200)
							run := s.clStep(id, "frank", "s3cret")
							s.Equal(run.TimeoutMillis, 30000, "the host is told the limit")
							s.Advance(30*Second - 1)
							s.Equal(len(s.Tick()), 0, "nothing yet")
							s.Advance(1)
							s.JSON(s.ReplyTo(s.nextHTTP, s.Tick()), 200, LoginForm(id, clHandler, `{"base":"invalid_auth"}`))
							s.Equal(len(s.ReleaseRun(0, "", "")), 0, "the late result does nothing")
						}},
				},
			},
			{
				Comment: "command_line with command /usr/bin/auth-check, meta off.",
				Config:  clPlain, Seed: "providers command plain", Fixture: MainFixture,
				Cases: []Case{
					{Name: "meta off", Spec: "§5.5", Result: "valid", Flags: []string{"CommandLine"},
						Expect: "the output is not read: a name line is ignored, the user has no name and is in system-admin; the Run has no args",
						Run: func(s *Session) {
							id, r := s.startFlowOf(clHandler)
							s.Status(r, 200)
							run := s.clStep(id, "frank", "s3cret")
							s.Equal(len(run.Args), 0, "no args")
							reply := s.ReplyTo(s.nextHTTP, s.ReleaseRun(0, "name=Ignored\ngroup=system-users\n", ""))
							_, _, u := s.exchangeAs(s.EntryCode(reply, id, clHandler), "command_line")
							s.True(u["name"] == nil, "no name")
							s.Equal(u["group_ids"], []any{"system-admin"}, "group")
						}},
				},
			},
		},
	}
}
