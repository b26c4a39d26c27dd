package scenario

import (
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
		Name:   "mfa",
		Header: []string{"Multi-factor steps of the login flow: TOTP (RFC 6238 codes computed independently), the insecure_example PIN module, module selection, retries and session expiry."},
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
		},
	}
}

func selectForm(flowID, errors string) string {
	return `{"type":"form","flow_id":` + Q(flowID) + `,"handler":["homeassistant",null],"step_id":"select_mfa_module",` +
		`"data_schema":[{"type":"select","options":[["totp","Authenticator app"],["pin","` + pinModuleName + `"]],"name":"multi_factor_auth_module","required":false}],` +
		`"errors":` + errors + `,"description_placeholders":null,"last_step":null,"preview":null}`
}
