package scenario

import (
	"encoding/json"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// setupResult is auth/setup_mfa's result: a data entry flow's form,
// abort or create_entry.
type setupResult struct {
	Type         string            `json:"type"`
	FlowID       string            `json:"flow_id"`
	Handler      string            `json:"handler"`
	StepID       string            `json:"step_id"`
	DataSchema   json.RawMessage   `json:"data_schema"`
	Errors       json.RawMessage   `json:"errors"`
	Placeholders map[string]string `json:"description_placeholders"`
	LastStep     json.RawMessage   `json:"last_step"`
	Preview      json.RawMessage   `json:"preview"`
	Reason       string            `json:"reason"`
	Data         json.RawMessage   `json:"data"`
}

func (s *Session) setupOf(raw json.RawMessage) setupResult {
	s.r.Helper()
	var r setupResult
	if err := json.Unmarshal(raw, &r); err != nil {
		s.r.Fatalf("setup result: %s", raw)
	}
	return r
}

// setupForm asserts a setup form of handler at step with the exact
// data_schema and errors, and returns it.
func (s *Session) setupForm(raw json.RawMessage, handler, step, schema, errors string) setupResult {
	s.r.Helper()
	r := s.setupOf(raw)
	s.Equal(r.Type, "form", "type")
	s.True(IsHex(r.FlowID, 32), "flow_id is 32 hex digits")
	s.Equal(r.Handler, handler, "handler is the module id")
	s.Equal(r.StepID, step, "step_id")
	s.JSONEq(r.DataSchema, schema)
	s.JSONEq(r.Errors, errors)
	s.Equal(string(r.LastStep), "null", "last_step")
	s.Equal(string(r.Preview), "null", "preview")
	return r
}

// setupEntry asserts a setup create_entry of flowID with data.
func (s *Session) setupEntry(raw json.RawMessage, flowID, handler, data string) {
	s.r.Helper()
	r := s.setupOf(raw)
	s.Equal(r.Type, "create_entry", "type")
	s.Equal(r.FlowID, flowID, "flow_id")
	s.Equal(r.Handler, handler, "handler")
	s.JSONEq(r.Data, data)
}

const (
	codeSchema = `[{"type":"string","name":"code","required":true}]`
	pinSchema  = `[{"type":"string","name":"pin","required":true}]`
)

// totpSetup starts Alice's TOTP setup on connection 1 and returns the flow
// id and secret, asserting the form of §6.2: the code field, and the
// secret, its provisioning URI and a QR code as placeholders.
func (s *Session) totpSetup(conn uint64, name string) (flowID, secret string) {
	s.r.Helper()
	r := s.setupForm(s.OK(conn, `"type":"auth/setup_mfa","mfa_module_id":"totp"`), "totp", "init", codeSchema, `{}`)
	secret = r.Placeholders["code"]
	s.Equal(len(r.Placeholders), 3, "placeholders code, url, qr_code")
	s.True(len(secret) == 32 && strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == "", "a 32-character base32 secret")
	s.Equal(r.Placeholders["url"], "otpauth://totp/Home%20Assistant:"+name+"?secret="+secret+"&issuer=Home%20Assistant", "provisioning URI")
	s.True(strings.HasPrefix(r.Placeholders["qr_code"], "<svg") && strings.HasSuffix(strings.TrimSpace(r.Placeholders["qr_code"]), "</svg>"), "an inline SVG without the XML prolog")
	return r.FlowID, secret
}

// codeNotIn returns a six-digit code that none of codes is.
func codeNotIn(codes ...string) string {
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		ok := true
		for _, x := range codes {
			ok = ok && c != x
		}
		if ok {
			return c
		}
	}
	panic("no free code")
}

// stored decodes a module's written document and returns data.users.
func (s *Session) storedUsers(effects []core.Effect, path string) map[string]json.RawMessage {
	s.r.Helper()
	w := Writes(effects, path)
	s.Equal(len(w), 1, path+" written")
	s.True(w[0].Private, path+" is private")
	var doc struct {
		Key  string `json:"key"`
		Data struct {
			Users map[string]json.RawMessage `json:"users"`
		} `json:"data"`
	}
	if err := json.Unmarshal(w[0].Data, &doc); err != nil {
		s.r.Fatalf("%s: %v", path, err)
	}
	s.Equal(doc.Key, strings.TrimPrefix(path, ".storage/"), "storage key")
	return doc.Data.Users
}

// notifyCode reads the code out of a Notify effect's default message.
func (s *Session) notifyCode(n core.Notify) string {
	s.r.Helper()
	code, ok := strings.CutSuffix(n.Message, " is your Home Assistant login code")
	s.True(ok && len(code) == 6 && strings.Trim(code, "0123456789") == "", "a six-digit code in the default message: "+n.Message)
	return code
}

// MFASetupSuite covers auth/setup_mfa and auth/depose_mfa (spec §10.4,
// §6, MFA-01..05, TOTP-04, TOTP-08).
func MFASetupSuite() *Suite {
	cfg := baseConfig()
	cfg.MFAModules = []core.MFAModuleConfig{
		{Type: "totp", Name: strPtr("Authenticator app")},
		{Type: "insecure_example", ID: "example_module", Data: []core.ExamplePIN{{UserID: Bob.UserID, PIN: "112233"}}},
		{Type: "notify"},
	}
	cfg.NotifyServices = []string{"mobile_app_tablet", "mobile_app_phone"}
	none := baseConfig()
	none.MFAModules = []core.MFAModuleConfig{{Type: "notify", Exclude: []string{"mobile_app_phone", "mobile_app_tablet"}}}
	none.NotifyServices = []string{"mobile_app_tablet", "mobile_app_phone"}
	include := baseConfig()
	include.MFAModules = []core.MFAModuleConfig{{Type: "notify", Include: []string{"mobile_app_tablet"}}}
	include.NotifyServices = []string{"mobile_app_tablet", "mobile_app_phone"}

	chooseForm := func(options string) string {
		return `[{"type":"select","options":` + options + `,"name":"notify_service","required":false},{"type":"string","name":"target","required":false}]`
	}
	// notifyStart starts Alice's notify setup and chooses a service.
	notifyStart := func(s *Session, choice string) (string, core.Notify, int64) {
		r := s.setupOf(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"notify"`))
		id, e := s.AskNoReply(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":`+choice)
		s.Equal(len(s.HeldNotifies), 1, "one code sent")
		n := s.HeldNotifies[0]
		s.Equal(len(e) > 0 && e[len(e)-1].Notify != nil, true, "the Notify effect is the step's last")
		return r.FlowID, n, id
	}
	return &Suite{
		Name: "mfa_setup",
		Header: []string{"auth/setup_mfa and auth/depose_mfa (§10.4, §6): the totp module (codes computed from the secret the form shows), the insecure_example PIN module and the notify module (codes read from the Notify effect).",
			"Where Home Assistant sends no answer at all (an unknown flow, input its form rejects) the answer is hassauth's, and the result acceptable."},
		Groups: []Group{
			{
				Comment: "Modules totp, insecure_example (id example_module; Bob's PIN 112233) and notify, with the host's services mobile_app_tablet and mobile_app_phone. Alice (no MFA) is on connection 1, Bob on 2, Erin (TOTP) on 5, the Supervisor on 6.",
				Config:  cfg, Seed: "mfa setup main", Fixture: WideFixture,
				Cases: []Case{
					{Name: "current_user lists every module", Spec: "§10.4", Result: "valid", Flags: []string{"MfaSetup", "WsCommand"},
						Expect: "mfa_modules in configuration order with their titles: totp, example_module (enabled for Bob), notify",
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							var u struct {
								MFA json.RawMessage `json:"mfa_modules"`
							}
							_ = json.Unmarshal(s.OK(2, `"type":"auth/current_user"`), &u)
							s.JSONEq(u.MFA, `[{"id":"totp","name":"Authenticator app","enabled":false},{"id":"example_module","name":"Insecure Personal Identify Number","enabled":true},{"id":"notify","name":"Notify One-Time Password","enabled":false}]`)
						}},
					{Name: "MFA-01 setup of an unknown module", Spec: "§10.4", Result: "invalid", Flags: []string{"MfaSetup", "HAString"},
						Expect: "no_module MFA module invalid_module is not found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"auth/setup_mfa","mfa_module_id":"invalid_module"`, "no_module", "MFA module invalid_module is not found")
						}},
					{Name: "MFA-02 setup of the PIN module", Spec: "§6.1", Result: "valid", Flags: []string{"MfaSetup"},
						Expect: "a form of handler example_module, step init, asking for a required string pin, errors {}",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.setupForm(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"example_module"`), "example_module", "init", pinSchema, `{}`)
						}},
					{Name: "MFA-03 PIN module set up", Spec: "§6.1", Result: "valid", Flags: []string{"MfaSetup", "Mfa"},
						Expect: `create_entry with data {"result": null}; Alice's next login asks for the PIN and accepts 654321`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							r := s.setupOf(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"example_module"`))
							s.setupEntry(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":{"pin":"654321"}`), r.FlowID, "example_module", `{"result":null}`)
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 200, mfaForm(id, "pin", pinModuleName, "example_module", `{}`))
							s.EntryCode(s.codeStep(id, "pin", "654321"), id, haHandler)
						}},
					{Name: "continuing without user_input shows the form again", Spec: "§6.1", Result: "valid", Flags: []string{"MfaSetup"},
						Expect: "a step without input is the form's first display: the same flow, step init, errors {}",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							r := s.setupOf(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"example_module"`))
							again := s.setupForm(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`"`), "example_module", "init", pinSchema, `{}`)
							s.Equal(again.FlowID, r.FlowID, "same flow")
						}},
					{Name: "MFA-05 depose the PIN module", Spec: "§10.4", Result: "valid", Flags: []string{"MfaSetup", "Mfa"},
						Expect: `"done"; Bob's next login needs no PIN`,
						Run: func(s *Session) {
							s.Connect(2, BobRT)
							s.Equal(string(s.OK(2, `"type":"auth/depose_mfa","mfa_module_id":"example_module"`)), `"done"`, "result")
							s.Login(Bob)
						}},
					{Name: "AM-27 depose a module that is not set up", Spec: "§10.4", Result: "valid", Flags: []string{"MfaSetup"},
						Expect: `disabling again is silent: "done"`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Equal(string(s.OK(1, `"type":"auth/depose_mfa","mfa_module_id":"totp"`)), `"done"`, "result")
						}},
					{Name: "depose an unknown module", Spec: "§10.4", Result: "invalid", Flags: []string{"MfaSetup", "HAString"},
						Expect: "disable_failed Cannot disable MFA Module nope: Unable find multi-factor auth module: nope",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"auth/depose_mfa","mfa_module_id":"nope"`, "disable_failed", "Cannot disable MFA Module nope: Unable find multi-factor auth module: nope")
						}},
					{Name: "setup by a system user", Spec: "§10.3", Result: "invalid", Flags: []string{"MfaSetup", "Permission", "HAString"},
						Expect: "ws_require_user(allow_system_user=False): not_system_user Not allowed as system user",
						Run: func(s *Session) {
							s.Connect(6, SystemRT)
							s.Fails(6, `"type":"auth/setup_mfa","mfa_module_id":"totp"`, "not_system_user", "Not allowed as system user")
						}},
					{Name: "depose by a system user", Spec: "§10.3", Result: "invalid", Flags: []string{"MfaSetup", "Permission", "HAString"},
						Expect: "not_system_user Not allowed as system user",
						Run: func(s *Session) {
							s.Connect(6, SystemRT)
							s.Fails(6, `"type":"auth/depose_mfa","mfa_module_id":"totp"`, "not_system_user", "Not allowed as system user")
						}},
					{Name: "setup with both mfa_module_id and flow_id", Spec: "§10.4", Result: "invalid", Flags: []string{"MfaSetup", "InvalidInput", "HAString"},
						Expect: "vol.Exclusive: invalid_format two or more values in the same group of exclusion 'module_or_flow_id' @ data[<module_or_flow_id>]. Got None",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"auth/setup_mfa","mfa_module_id":"totp","flow_id":"x"`, "invalid_format",
								"two or more values in the same group of exclusion 'module_or_flow_id' @ data[<module_or_flow_id>]. Got None")
						}},
					{Name: "setup with neither mfa_module_id nor flow_id", Spec: "§10.4", Result: "acceptable", Flags: []string{"MfaSetup", "InvalidInput", "HassauthChoice"},
						Expect: "Home Assistant's task fails on msg[\"mfa_module_id\"] and sends nothing; hassauth answers invalid_format",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.FailsCode(1, `"type":"auth/setup_mfa"`, "invalid_format")
						}},
					{Name: "setup with an unknown flow_id", Spec: "§10.4", Result: "acceptable", Flags: []string{"MfaSetup", "HassauthChoice"},
						Expect: "Home Assistant sends nothing (open question 11); hassauth answers not_found Invalid flow specified",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Fails(1, `"type":"auth/setup_mfa","flow_id":"ffffffffffffffffffffffffffffffff","user_input":{"pin":"1"}`, "not_found", "Invalid flow specified")
						}},
					{Name: "setup input the form rejects", Spec: "§10.4", Result: "acceptable", Flags: []string{"MfaSetup", "InvalidInput", "HassauthChoice"},
						Expect: "a pin that is a number fails the form: Home Assistant sends nothing, hassauth answers invalid_format and the flow stays usable",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							r := s.setupOf(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"example_module"`))
							s.FailsCode(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":{"pin":5}`, "invalid_format")
							s.setupEntry(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":{"pin":"5"}`), r.FlowID, "example_module", `{"result":null}`)
						}},
					{Name: "another user's setup flow", Spec: "§10.4", Result: "acceptable", Flags: []string{"MfaSetup", "HassauthChoice"},
						Expect: "Home Assistant would let anyone holding the flow id continue it; hassauth binds a setup flow to its user: Bob gets not_found, and Alice can still finish",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.Connect(2, BobRT)
							r := s.setupOf(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"example_module"`))
							s.Fails(2, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":{"pin":"9"}`, "not_found", "Invalid flow specified")
							s.setupEntry(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":{"pin":"9"}`), r.FlowID, "example_module", `{"result":null}`)
						}},
					{Name: "a setup flow expires after thirty idle minutes", Spec: "§10.4", Result: "acceptable", Flags: []string{"MfaSetup", "HassauthBound"},
						Expect: "Home Assistant keeps setup flows without bound; hassauth drops one thirty minutes after its last step: not_found",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							r := s.setupOf(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"example_module"`))
							s.Advance(30 * Minute)
							s.Fails(1, `"type":"auth/setup_mfa","flow_id":"`+r.FlowID+`","user_input":{"pin":"9"}`, "not_found", "Invalid flow specified")
						}},
					{Name: "TOTP-08 TOTP setup form", Spec: "§6.2", Result: "valid", Flags: []string{"MfaSetup", "HAString"},
						Expect: "a form of handler totp asking for code, with placeholders code (a 32-character base32 secret), url (otpauth://totp/Home%20Assistant:Alice?secret=<secret>&issuer=Home%20Assistant) and qr_code (an inline SVG)",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.totpSetup(1, "Alice")
						}},
					{Name: "TOTP-08 TOTP set up with the current code", Spec: "§6.2", Result: "valid", Flags: []string{"MfaSetup", "Mfa", "Persistence"},
						Expect: `the code of the shown secret gives create_entry {"result": <secret>}; .storage/auth_module.totp is written at once (private) with Alice's secret; current_user shows totp enabled; her next login asks for a code`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							flow, secret := s.totpSetup(1, "Alice")
							res, e := s.OKEffects(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+TOTPCode(secret, s.Now)+`"}`)
							s.setupEntry(res, flow, "totp", `{"result":`+Q(secret)+`}`)
							users := s.storedUsers(e, core.PathTOTP)
							s.Equal(string(users[Alice.UserID]), Q(secret), "Alice's secret stored")
							s.Equal(string(users[Erin.UserID]), Q(Erin.TOTP), "Erin's kept")
							s.True(strings.Contains(string(s.OK(1, `"type":"auth/current_user"`)), `{"id":"totp","name":"Authenticator app","enabled":true}`), "enabled")
							id := s.StartFlow()
							s.JSON(s.LoginStep(id, "alice", Alice.Password), 200, totpForm(id, `{}`))
							s.EntryCode(s.codeStep(id, "code", TOTPCode(secret, s.Now)), id, haHandler)
						}},
					{Name: "TOTP setup with a wrong code", Spec: "§6.2", Result: "invalid", Flags: []string{"MfaSetup", "HAString"},
						Expect: `the form again with errors {"base":"invalid_code"} and the same secret; nothing is stored`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							flow, secret := s.totpSetup(1, "Alice")
							bad := codeNotIn(TOTPCode(secret, s.Now), TOTPCode(secret, s.Now-30*Second), TOTPCode(secret, s.Now+30*Second))
							res, e := s.OKEffects(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+bad+`"}`)
							r := s.setupForm(res, "totp", "init", codeSchema, `{"base":"invalid_code"}`)
							s.Equal(r.FlowID, flow, "same flow")
							s.Equal(r.Placeholders["code"], secret, "same secret")
							s.Equal(len(Writes(e, core.PathTOTP)), 0, "nothing stored")
						}},
					{Name: "TOTP-07 setup accepts only the current step", Spec: "§6.2", Result: "invalid", Flags: []string{"MfaSetup"},
						Expect: "the setup check uses valid_window 0: the code of the previous 30-second step is invalid_code, then the current one works",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							flow, secret := s.totpSetup(1, "Alice")
							prev := TOTPCode(secret, s.Now-30*Second)
							s.True(prev != TOTPCode(secret, s.Now), "a different code")
							s.setupForm(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+prev+`"}`), "totp", "init", codeSchema, `{"base":"invalid_code"}`)
							s.setupEntry(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+TOTPCode(secret, s.Now)+`"}`), flow, "totp", `{"result":`+Q(secret)+`}`)
						}},
					{Name: "TOTP-04 each setup draws a new secret", Spec: "§6.2", Result: "valid", Flags: []string{"MfaSetup"},
						Expect: "two setup flows show different secrets and flow ids",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							f1, s1 := s.totpSetup(1, "Alice")
							f2, s2 := s.totpSetup(1, "Alice")
							s.True(f1 != f2 && s1 != s2, "different flows and secrets")
						}},
					{Name: "depose TOTP", Spec: "§6.2", Result: "valid", Flags: []string{"MfaSetup", "Mfa", "Persistence"},
						Expect: `"done"; .storage/auth_module.totp is written at once without Erin; her next login needs no code`,
						Run: func(s *Session) {
							s.Connect(5, ErinRT)
							res, e := s.OKEffects(5, `"type":"auth/depose_mfa","mfa_module_id":"totp"`)
							s.Equal(string(res), `"done"`, "result")
							s.Equal(len(s.storedUsers(e, core.PathTOTP)), 0, "no users left")
							s.Login(Erin)
						}},
					{Name: "notify setup offers the host's services", Spec: "§6.3", Result: "acceptable", Flags: []string{"MfaSetup", "Notify", "HassauthChoice"},
						Expect: "form init choosing notify_service among the services, sorted, and an optional target; Home Assistant's newest form cannot be serialized (no answer), so this is the form earlier versions sent",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.setupForm(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"notify"`), "notify", "init",
								chooseForm(`[["mobile_app_phone","mobile_app_phone"],["mobile_app_tablet","mobile_app_tablet"]]`), `{}`)
						}},
					{Name: "notify setup sends a code and waits for it", Spec: "§6.3", Result: "valid", Flags: []string{"MfaSetup", "Notify"},
						Expect: "choosing mobile_app_phone emits a Notify to it, without target, with the default message; the answer waits for the Notify result and is the setup form asking for code with placeholder notify_service",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							_, n, id := notifyStart(s, `{"notify_service":"mobile_app_phone"}`)
							s.Equal(n.Service, "mobile_app_phone", "service")
							s.Equal(n.Target, "", "no target")
							s.notifyCode(n)
							sends := Sends(s.ReleaseNotify(""), 1)
							s.Equal(len(sends), 1, "the answer comes once the code is sent")
							r := s.setupForm(s.Success(sends[0], id), "notify", "setup", codeSchema, `{}`)
							s.Equal(r.Placeholders, map[string]string{"notify_service": "mobile_app_phone"}, "placeholders")
						}},
					{Name: "notify set up with the sent code", Spec: "§6.3", Result: "valid", Flags: []string{"MfaSetup", "Notify", "Persistence"},
						Expect: `the code from the message gives create_entry with data {}; .storage/auth_module.notify is written at once with Alice's service and target`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							flow, n, _ := notifyStart(s, `{"notify_service":"mobile_app_tablet","target":"alice-phone"}`)
							s.Equal(n.Target, "alice-phone", "target")
							s.ReleaseNotify("")
							res, e := s.OKEffects(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+s.notifyCode(n)+`"}`)
							s.setupEntry(res, flow, "notify", `{}`)
							s.JSONEq(s.storedUsers(e, core.PathNotify)[Alice.UserID], `{"notify_service":"mobile_app_tablet","target":"alice-phone"}`)
						}},
					{Name: "notify setup with a wrong code", Spec: "§6.3", Result: "invalid", Flags: []string{"MfaSetup", "Notify", "HAString"},
						Expect: `the same code is sent again and the setup form comes back with errors {"base":"invalid_code"}; the right code then works`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							flow, n, _ := notifyStart(s, `{"notify_service":"mobile_app_phone"}`)
							s.ReleaseNotify("")
							code := s.notifyCode(n)
							id, _ := s.AskNoReply(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+codeNotIn(code)+`"}`)
							s.Equal(len(s.HeldNotifies), 1, "sent again")
							s.Equal(s.HeldNotifies[0].Message, n.Message, "the same code")
							sends := Sends(s.ReleaseNotify(""), 1)
							s.Equal(len(sends), 1, "answered")
							s.setupForm(s.Success(sends[0], id), "notify", "setup", codeSchema, `{"base":"invalid_code"}`)
							s.setupEntry(s.OK(1, `"type":"auth/setup_mfa","flow_id":"`+flow+`","user_input":{"code":"`+code+`"}`), flow, "notify", `{}`)
						}},
					{Name: "notify setup when the code cannot be sent", Spec: "§6.3", Result: "acceptable", Flags: []string{"MfaSetup", "Notify", "HassauthChoice"},
						Expect: "Home Assistant's task fails and answers nothing; hassauth answers home_assistant_error once the Notify result reports the failure",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							_, _, id := notifyStart(s, `{"notify_service":"mobile_app_phone"}`)
							sends := Sends(s.ReleaseNotify("service unavailable"), 1)
							s.Equal(len(sends), 1, "answered")
							r := s.parseReply(sends[0], id)
							s.True(!r.Success && r.Error != nil && r.Error.Code == "home_assistant_error", "home_assistant_error")
						}},
				},
			},
			{
				Comment: "A notify module that excludes both of the host's services.",
				Config:  none, Seed: "mfa setup none", Fixture: WideFixture,
				Cases: []Case{
					{Name: "notify setup without services", Spec: "§6.3", Result: "invalid", Flags: []string{"MfaSetup", "Notify", "HAString"},
						Expect: `abort no_available_service: {"type":"abort","flow_id","handler":"notify","reason":"no_available_service","description_placeholders":null}`,
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							raw := s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"notify"`)
							r := s.setupOf(raw)
							s.JSONEq(raw, `{"type":"abort","flow_id":`+Q(r.FlowID)+`,"handler":"notify","reason":"no_available_service","description_placeholders":null}`)
						}},
				},
			},
			{
				Comment: "A notify module that includes only mobile_app_tablet.",
				Config:  include, Seed: "mfa setup include", Fixture: WideFixture,
				Cases: []Case{
					{Name: "notify setup offers only the included service", Spec: "§6.3", Result: "acceptable", Flags: []string{"MfaSetup", "Notify", "HassauthChoice"},
						Expect: "include limits the choice to mobile_app_tablet",
						Run: func(s *Session) {
							s.Connect(1, AliceRT)
							s.setupForm(s.OK(1, `"type":"auth/setup_mfa","mfa_module_id":"notify"`), "notify", "init",
								chooseForm(`[["mobile_app_tablet","mobile_app_tablet"]]`), `{}`)
						}},
				},
			},
		},
	}
}
