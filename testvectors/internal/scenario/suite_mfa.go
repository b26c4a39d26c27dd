package scenario

import (
	"strings"

	"github.com/hassauth/hassauth/core"
)

const pinModuleName = "Insecure Personal Identify Number"

// mfaForm is the mfa step's form for a module.
func mfaForm(flowID, field, moduleName, moduleID, errors string) string {
	return `{"type":"form","flow_id":` + Q(flowID) + `,"handler":["homeassistant",null],"step_id":"mfa",` +
		`"data_schema":[{"type":"string","name":"` + field + `","required":true}],"errors":` + errors + `,` +
		`"description_placeholders":{"mfa_module_name":` + Q(moduleName) + `,"mfa_module_id":` + Q(moduleID) + `},"last_step":null,"preview":null}`
}

func totpForm(flowID, errors string) string {
	return mfaForm(flowID, "code", "Authenticator app", "totp", errors)
}

func abort(flowID, reason string) string {
	return `{"type":"abort","flow_id":` + Q(flowID) + `,"handler":["homeassistant",null],"reason":"` + reason + `","description_placeholders":null}`
}

// erinAtMFA logs Erin in up to the TOTP step and returns the flow id.
func (s *Session) erinAtMFA() string {
	s.r.Helper()
	id := s.StartFlow()
	s.JSON(s.LoginStep(id, "erin", Erin.Password), 200, totpForm(id, `{}`))
	return id
}

// codeStep posts an MFA field to a flow.
func (s *Session) codeStep(flowID, field, value string) Resp {
	s.r.Helper()
	return s.PostJSON("/auth/login_flow/"+flowID, `{"client_id":"`+ClientID+`",`+Q(field)+`:`+Q(value)+`}`)
}

// wrongCode is a six-digit code that is none of the accepted ones around
// the session's time.
func (s *Session) wrongCode() string {
	s.r.Helper()
	near := map[string]bool{}
	for d := int64(-2); d <= 2; d++ {
		near[TOTPCode(Erin.TOTP, s.Now+d*30*Second)] = true
	}
	for _, c := range []string{"000000", "111111", "222222"} {
		if !near[c] {
			return c
		}
	}
	s.r.Fatalf("no wrong code")
	return ""
}

// MFASuite covers the select_mfa_module and mfa steps of the login flow.
func MFASuite() *Suite {
	pin := baseConfig()
	pin.MFAModules = []core.MFAModuleConfig{
		{Type: "totp", Name: strPtr("Authenticator app")},
		{Type: "insecure_example", ID: "pin", Data: []core.ExamplePIN{{UserID: Alice.UserID, PIN: "123456"}, {UserID: Erin.UserID, PIN: "424242"}}},
	}
	none := baseConfig()
	none.MFAModules = []core.MFAModuleConfig{}
	return &Suite{
		Name: "mfa",
		Header: []string{"Multi-factor steps of the login flow: TOTP (RFC 6238 codes computed independently), the insecure_example PIN module, module selection, retries and session expiry,",
			"and the notify module, whose code goes out as a Notify effect that the step waits for."},
		Groups: []Group{
			{
				Comment: "Default MFA configuration (totp); Erin has an authenticator secret.",
				Config:  baseConfig(), Seed: "mfa totp", Fixture: MainFixture,
				Cases: []Case{
					{Name: "password leads to the TOTP step", Spec: "§5.2", Result: "valid", Flags: []string{"Mfa", "HAString"},
						Expect: "with one module set up it is selected at once: form step mfa asking for code, placeholders Authenticator app / totp",
						Run:    func(s *Session) { s.erinAtMFA() }},
					{Name: "TOTP current code", Spec: "§6.2", Result: "valid", Flags: []string{"Mfa", "Normal"},
						Expect: "create_entry; the code exchanges for tokens",
						Run: func(s *Session) {
							id := s.erinAtMFA()
							code := s.EntryCode(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now)), id, haHandler)
							s.Exchange(code, "homeassistant")
						}},
					{Name: "TOTP-07 code of the previous step", Spec: "§6.2", Result: "valid", Flags: []string{"Mfa"},
						Expect: "valid_window 1 accepts the code of 30 s ago",
						Run: func(s *Session) {
							id := s.erinAtMFA()
							s.EntryCode(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now-30*Second)), id, haHandler)
						}},
					{Name: "TOTP-07 code of the next step", Spec: "§6.2", Result: "valid", Flags: []string{"Mfa"},
						Expect: "valid_window 1 accepts the code of 30 s ahead",
						Run: func(s *Session) {
							id := s.erinAtMFA()
							s.EntryCode(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now+30*Second)), id, haHandler)
						}},
					{Name: "TOTP-07 code two steps old", Spec: "§6.2", Result: "invalid", Flags: []string{"Mfa", "FailedLogin"},
						Expect: `the code of 60 s ago is outside the window: form with errors {"base":"invalid_code"}, a failed login`,
						Run: func(s *Session) {
							id := s.erinAtMFA()
							old := TOTPCode(Erin.TOTP, s.Now-60*Second)
							s.True(old != TOTPCode(Erin.TOTP, s.Now) && old != TOTPCode(Erin.TOTP, s.Now-30*Second) && old != TOTPCode(Erin.TOTP, s.Now+30*Second), "a distinct code")
							r := s.codeStep(id, "code", old)
							s.JSON(r, 200, totpForm(id, `{"base":"invalid_code"}`))
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "TOTP-09 five wrong codes", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "MfaBruteForce", "HAString"},
						Expect: "four invalid_code forms, then the fifth aborts with too_many_retry and the flow is gone",
						Run: func(s *Session) {
							id := s.erinAtMFA()
							bad := s.wrongCode()
							for i := 0; i < 4; i++ {
								s.JSON(s.codeStep(id, "code", bad), 200, totpForm(id, `{"base":"invalid_code"}`))
							}
							s.JSON(s.codeStep(id, "code", bad), 200, abort(id, "too_many_retry"))
							s.JSON(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now)), 404, `{"message":"Invalid flow specified"}`)
						}},
					{Name: "MFA session expired", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "MfaBruteForce", "HAString"},
						Expect: "a right code more than five minutes after the flow started: abort login_expired",
						Run: func(s *Session) {
							id := s.erinAtMFA()
							s.Advance(5*Minute + Second)
							s.JSON(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now)), 200, abort(id, "login_expired"))
						}},
					{Name: "MFA at exactly five minutes", Spec: "§5.2", Result: "valid", Flags: []string{"Mfa"},
						Expect: "not yet expired: create_entry",
						Run: func(s *Session) {
							id := s.erinAtMFA()
							s.Advance(5 * Minute)
							s.EntryCode(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now)), id, haHandler)
						}},
					{Name: "MFA step without a code", Spec: "§7.4", Result: "invalid", Flags: []string{"Mfa", "InvalidInput"},
						Expect: `400 {"message":"User input malformed"}`,
						Run: func(s *Session) {
							id := s.erinAtMFA()
							s.JSON(s.PostJSON("/auth/login_flow/"+id, `{"client_id":"`+ClientID+`"}`), 400, `{"message":"User input malformed"}`)
						}},
					{Name: "wrong password never reaches MFA", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "FailedLogin"},
						Expect: "invalid_auth on the init step",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "erin", "wrong"), 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
						}},
					{Name: "user without MFA", Spec: "§5.2", Result: "valid", Flags: []string{"Mfa", "Normal"},
						Expect: "Alice has no module set up: create_entry right after the password",
						Run:    func(s *Session) { s.Login(Alice) }},
				},
			},
			{
				Comment: "Modules totp and insecure_example (id pin); Alice has a PIN, Erin a PIN and a TOTP secret.",
				Config:  pin, Seed: "mfa pin", Fixture: MainFixture,
				Cases: []Case{
					{Name: "only module is the PIN", Spec: "§6.4", Result: "valid", Flags: []string{"Mfa"},
						Expect: "Alice goes straight to the pin form of module pin",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 200, mfaForm(id, "pin", pinModuleName, "pin", `{}`))
							s.EntryCode(s.codeStep(id, "pin", "123456"), id, haHandler)
						}},
					{Name: "three wrong PINs", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "MfaBruteForce"},
						Expect: "MAX_RETRY_TIME 3: two invalid_code forms, then too_many_retry",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.LoginStep(id, "alice", Alice.Password)
							for i := 0; i < 2; i++ {
								s.JSON(s.codeStep(id, "pin", "000000"), 200, mfaForm(id, "pin", pinModuleName, "pin", `{"base":"invalid_code"}`))
							}
							s.JSON(s.codeStep(id, "pin", "000000"), 200, abort(id, "too_many_retry"))
						}},
					{Name: "another user's PIN", Spec: "§6.4", Result: "invalid", Flags: []string{"Mfa"},
						Expect: "Erin's PIN does not pass Alice's step",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.LoginStep(id, "alice", Alice.Password)
							s.JSON(s.codeStep(id, "pin", "424242"), 200, mfaForm(id, "pin", pinModuleName, "pin", `{"base":"invalid_code"}`))
						}},
					{Name: "two modules: select form", Spec: "§5.2", Result: "valid", Flags: []string{"Mfa", "HAString"},
						Expect: "Erin gets select_mfa_module listing totp and pin in configuration order with their names; the plain key is serialized with \"required\": false, as the newest voluptuous_serialize writes it",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "erin", Erin.Password), 200, selectForm(id, `{}`))
						}},
					{Name: "select an unknown module", Spec: "§7.4", Result: "invalid", Flags: []string{"Mfa", "InvalidInput"},
						Expect: `the choice fails the form's In() before the step runs: 400 {"message":"User input malformed"}; the flow stays usable`,
						Run: func(s *Session) {
							id := s.StartFlow()
							s.LoginStep(id, "erin", Erin.Password)
							s.JSON(s.codeStep(id, "multi_factor_auth_module", "notify"), 400, `{"message":"User input malformed"}`)
							s.EntryCode(func() Resp {
								s.codeStep(id, "multi_factor_auth_module", "pin")
								return s.codeStep(id, "pin", "424242")
							}(), id, haHandler)
						}},
					{Name: "select totp", Spec: "§5.2", Result: "valid", Flags: []string{"Mfa"},
						Expect: "the totp form, then create_entry with the current code",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.LoginStep(id, "erin", Erin.Password)
							s.JSON(s.codeStep(id, "multi_factor_auth_module", "totp"), 200, totpForm(id, `{}`))
							s.EntryCode(s.codeStep(id, "code", TOTPCode(Erin.TOTP, s.Now)), id, haHandler)
						}},
					{Name: "select pin", Spec: "§5.2", Result: "valid", Flags: []string{"Mfa"},
						Expect: "the pin form, then create_entry with Erin's PIN",
						Run: func(s *Session) {
							id := s.StartFlow()
							s.LoginStep(id, "erin", Erin.Password)
							s.JSON(s.codeStep(id, "multi_factor_auth_module", "pin"), 200, mfaForm(id, "pin", pinModuleName, "pin", `{}`))
							s.EntryCode(s.codeStep(id, "pin", "424242"), id, haHandler)
						}},
				},
			},
			{
				Comment: "auth_mfa_modules: [] (no modules).",
				Config:  none, Seed: "mfa none", Fixture: MainFixture,
				Cases: []Case{
					{Name: "no MFA modules configured", Spec: "§6", Result: "valid", Flags: []string{"Mfa", "Normal"},
						Expect: "Erin's stored secret is ignored without a totp module: create_entry after the password",
						Run:    func(s *Session) { s.Login(Erin) }},
				},
			},
			notifyLoginGroup(),
			notifyMessageGroup(),
		},
	}
}

func notifyForm(flowID, errors string) string {
	return mfaForm(flowID, "code", notifyTitle, "notify", errors)
}

const notifyTitle = "Notify One-Time Password"

// notifyStep posts a password that leads to the notify step: the answer
// must wait for the Notify effect, which is returned.
func (s *Session) notifyStep(flowID string, a *Account) core.Notify {
	s.r.Helper()
	s.DoPending(Req{Method: "POST", Path: "/auth/login_flow/" + flowID, Header: []core.Header{H("content-type", "text/plain;charset=UTF-8")},
		Body: StepBody(ClientID, a.Username, a.Password)})
	s.Equal(len(s.HeldNotifies), 1, "one code sent")
	return s.HeldNotifies[0]
}

// notifyLoginGroup covers logins with the notify module (§6.3).
func notifyLoginGroup() Group {
	cfg := baseConfig()
	cfg.MFAModules = []core.MFAModuleConfig{{Type: "notify"}}
	cfg.NotifyServices = []string{"mobile_app_phone"}
	files := append(MainFixture.Files(), NotifyFile(
		NotifyUser{User: Alice, Service: "mobile_app_phone"},
		NotifyUser{User: Bob, Service: "mobile_app_gone"},
		NotifyUser{User: Erin, Service: "mobile_app_phone", Target: "+15550001"},
	))
	return Group{
		Comment: "The notify module alone, with the host's service mobile_app_phone; Alice and Erin (target +15550001) use it, Bob names a service the host does not have.",
		Config:  cfg, Seed: "mfa notify", Files: files,
		Cases: []Case{
			{Name: "notify code sent and awaited", Spec: "§6.3", Result: "valid", Flags: []string{"Mfa", "Notify", "Normal"},
				Expect: `after the password a Notify to mobile_app_phone carries "<six digits> is your Home Assistant login code"; the step answers only once the Notify result is in, with the mfa form of Notify One-Time Password; the code gives create_entry and tokens`,
				Run: func(s *Session) {
					id := s.StartFlow()
					n := s.notifyStep(id, Alice)
					s.Equal(n.Service, "mobile_app_phone", "service")
					s.Equal(n.Target, "", "no target")
					code := s.notifyCode(n)
					s.JSON(s.ReplyTo(s.nextHTTP, s.ReleaseNotify("")), 200, notifyForm(id, `{}`))
					s.Exchange(s.EntryCode(s.codeStep(id, "code", code), id, haHandler), "homeassistant")
				}},
			{Name: "notify code to a target", Spec: "§6.3", Result: "valid", Flags: []string{"Mfa", "Notify"},
				Expect: "Erin's stored target goes along with the code",
				Run: func(s *Session) {
					id := s.StartFlow()
					n := s.notifyStep(id, Erin)
					s.Equal(n.Target, "+15550001", "target")
					s.ReleaseNotify("")
					s.EntryCode(s.codeStep(id, "code", s.notifyCode(n)), id, haHandler)
				}},
			{Name: "wrong notify code", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "Notify", "FailedLogin", "HAString"},
				Expect: `the mfa form again with errors {"base":"invalid_code"}, a failed login; the sent code still works`,
				Run: func(s *Session) {
					id := s.StartFlow()
					n := s.notifyStep(id, Alice)
					s.ReleaseNotify("")
					code := s.notifyCode(n)
					r := s.codeStep(id, "code", codeNotIn(code))
					s.JSON(r, 200, notifyForm(id, `{"base":"invalid_code"}`))
					s.FailedLogin(r.Effects, 1)
					s.EntryCode(s.codeStep(id, "code", code), id, haHandler)
				}},
			{Name: "three wrong notify codes", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "Notify", "MfaBruteForce"},
				Expect: "MAX_RETRY_TIME 3: two invalid_code forms, then abort too_many_retry",
				Run: func(s *Session) {
					id := s.StartFlow()
					n := s.notifyStep(id, Alice)
					s.ReleaseNotify("")
					bad := codeNotIn(s.notifyCode(n))
					for i := 0; i < 2; i++ {
						s.JSON(s.codeStep(id, "code", bad), 200, notifyForm(id, `{"base":"invalid_code"}`))
					}
					s.JSON(s.codeStep(id, "code", bad), 200, abort(id, "too_many_retry"))
				}},
			{Name: "notify service that does not exist", Spec: "§5.2", Result: "invalid", Flags: []string{"Mfa", "Notify", "HAString"},
				Expect: "Bob's service is not the host's: the call raises ServiceNotFound (a HomeAssistantError), so the flow aborts unknown_error and nothing is sent",
				Run: func(s *Session) {
					id := s.StartFlow()
					r := s.LoginStep(id, "bob", Bob.Password)
					s.JSON(r, 200, abort(id, "unknown_error"))
					s.Equal(len(s.HeldNotifies), 0, "nothing sent")
				}},
			{Name: "notify delivery failed", Spec: "§5.2", Result: "acceptable", Flags: []string{"Mfa", "Notify", "HassauthChoice"},
				Expect: "the host reports that the code could not be delivered: abort unknown_error, as for a HomeAssistantError of the notify service",
				Run: func(s *Session) {
					id := s.StartFlow()
					s.notifyStep(id, Alice)
					s.JSON(s.ReplyTo(s.nextHTTP, s.ReleaseNotify("push service unreachable")), 200, abort(id, "unknown_error"))
				}},
		},
	}
}

// notifyMessageGroup covers the notify module's message setting.
func notifyMessageGroup() Group {
	cfg := baseConfig()
	cfg.MFAModules = []core.MFAModuleConfig{{Type: "notify", Message: strPtr("Code: {} (do not share)")}}
	cfg.NotifyServices = []string{"mobile_app_phone"}
	return Group{
		Comment: `The notify module with message "Code: {} (do not share)".`,
		Config:  cfg, Seed: "mfa notify message", Files: append(MainFixture.Files(), NotifyFile(NotifyUser{User: Alice, Service: "mobile_app_phone"})),
		Cases: []Case{
			{Name: "notify message template", Spec: "§6.3", Result: "valid", Flags: []string{"Mfa", "Notify"},
				Expect: "the code takes the place of {} in the configured message, and works",
				Run: func(s *Session) {
					id := s.StartFlow()
					n := s.notifyStep(id, Alice)
					code, ok := strings.CutPrefix(n.Message, "Code: ")
					code, ok2 := strings.CutSuffix(code, " (do not share)")
					s.True(ok && ok2 && len(code) == 6, "the message: "+n.Message)
					s.ReleaseNotify("")
					s.EntryCode(s.codeStep(id, "code", code), id, haHandler)
				}},
		},
	}
}

func selectForm(flowID, errors string) string {
	return `{"type":"form","flow_id":` + Q(flowID) + `,"handler":["homeassistant",null],"step_id":"select_mfa_module",` +
		`"data_schema":[{"type":"select","options":[["totp","Authenticator app"],["pin","` + pinModuleName + `"]],"name":"multi_factor_auth_module","required":false}],` +
		`"errors":` + errors + `,"description_placeholders":null,"last_step":null,"preview":null}`
}
