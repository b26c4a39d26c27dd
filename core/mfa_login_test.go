package core_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
	"github.com/hassauth/hassauth/core/authstore"
)

// pinModule is an insecure_example module giving mock-user a PIN.
func pinModule(id, pin string) core.MFAModuleConfig {
	return core.MFAModuleConfig{Type: "insecure_example", ID: id, Data: []core.ExamplePIN{{UserID: mockUser, PIN: pin}}}
}

func withModules(mods ...core.MFAModuleConfig) core.Config {
	cfg := testConfig()
	cfg.MFAModules = mods
	return cfg
}

// TestMFALoginSingleModule is AM-24: with one module the password leads
// straight to the mfa step; a wrong PIN is a form error, the right one
// finishes the flow with the user's credential.
func TestMFALoginSingleModule(t *testing.T) {
	h := newHarness(t, withModules(pinModule("", "test-pin")), mfaFiles(t)...)
	flowID, m := h.startLogin("test-user", "test-pass")
	want := `{"type":"form","flow_id":"` + flowID + `","handler":["homeassistant",null],"step_id":"mfa",` +
		`"data_schema":[{"type":"string","name":"pin","required":true}],"errors":{},` +
		`"description_placeholders":{"mfa_module_name":"Insecure Personal Identify Number","mfa_module_id":"insecure_example"},` +
		`"last_step":null,"preview":null}`
	b, _ := json.Marshal(m)
	assert.JSONEq(t, want, string(b))

	r := h.flowStep(flowID, map[string]any{"pin": "invalid-pin"})
	require.Equal(t, 200, r.Status)
	m = r.json(t)
	assert.Equal(t, "form", m["type"])
	assert.Equal(t, "mfa", m["step_id"])
	assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])

	r = h.flowStep(flowID, map[string]any{"pin": "test-pin"})
	require.Equal(t, 200, r.Status, "%s", r.Body)
	m = r.json(t)
	require.Equal(t, "create_entry", m["type"], "%s", r.Body)
	assert.Equal(t, mockUser, h.userOfCode(m["result"].(string)))

	// The flow is gone once finished.
	r = h.flowStep(flowID, map[string]any{"pin": "test-pin"})
	assert.Equal(t, 404, r.Status)
}

// TestMFALoginModuleSelection is AM-25: with two modules the user picks
// one, whose own PIN is then asked for.
func TestMFALoginModuleSelection(t *testing.T) {
	second := pinModule("module2", "test-pin2")
	name := "Second module"
	second.Name = &name
	h := newHarness(t, withModules(pinModule("", "test-pin"), second), mfaFiles(t)...)

	flowID, m := h.startLogin("test-user", "test-pass")
	want := `{"type":"form","flow_id":"` + flowID + `","handler":["homeassistant",null],"step_id":"select_mfa_module",` +
		`"data_schema":[{"type":"select","options":[["insecure_example","Insecure Personal Identify Number"],["module2","Second module"]],"name":"multi_factor_auth_module","required":false}],` +
		`"errors":{},"description_placeholders":null,"last_step":null,"preview":null}`
	b, _ := json.Marshal(m)
	assert.JSONEq(t, want, string(b))

	t.Run("no_choice_is_invalid_auth_module", func(t *testing.T) {
		r := h.flowStep(flowID, map[string]any{})
		require.Equal(t, 200, r.Status, "%s", r.Body)
		m := r.json(t)
		assert.Equal(t, "select_mfa_module", m["step_id"])
		assert.Equal(t, map[string]any{"base": "invalid_auth_module"}, m["errors"])
	})
	t.Run("unknown_module_is_malformed_input", func(t *testing.T) {
		r := h.flowStep(flowID, map[string]any{"multi_factor_auth_module": "module3"})
		assert.Equal(t, 400, r.Status, "%s", r.Body)
	})

	r := h.flowStep(flowID, map[string]any{"multi_factor_auth_module": "module2"})
	require.Equal(t, 200, r.Status)
	m = r.json(t)
	assert.Equal(t, "mfa", m["step_id"])
	assert.Equal(t, map[string]any{"mfa_module_name": "Second module", "mfa_module_id": "module2"}, m["description_placeholders"])

	r = h.flowStep(flowID, map[string]any{"pin": "test-pin"})
	assert.Equal(t, map[string]any{"base": "invalid_code"}, r.json(t)["errors"], "the other module's PIN")
	r = h.flowStep(flowID, map[string]any{"pin": "test-pin2"})
	m = r.json(t)
	require.Equal(t, "create_entry", m["type"], "%s", r.Body)
	assert.Equal(t, mockUser, h.userOfCode(m["result"].(string)))
}

// TestMFALoginSessionExpiry is AM-26: a code is taken up to five minutes
// after the flow was created, counted from the flow and not from the
// password step, and refused after.
func TestMFALoginSessionExpiry(t *testing.T) {
	h := newHarness(t, withModules(pinModule("", "test-pin")), mfaFiles(t)...)

	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI})
	flowID := r.json(t)["flow_id"].(string)
	h.now += 4 * authstore.Minute
	r = h.flowStep(flowID, map[string]any{"username": "test-user", "password": "test-pass"})
	require.Equal(t, "mfa", r.json(t)["step_id"])

	h.now += authstore.Minute // exactly five minutes: still in time
	r = h.flowStep(flowID, map[string]any{"pin": "wrong"})
	assert.Equal(t, map[string]any{"base": "invalid_code"}, r.json(t)["errors"])

	h.now++
	r = h.flowStep(flowID, map[string]any{"pin": "test-pin"})
	require.Equal(t, 200, r.Status)
	m := r.json(t)
	assert.Equal(t, "abort", m["type"])
	assert.Equal(t, "login_expired", m["reason"])
	r = h.flowStep(flowID, map[string]any{"pin": "test-pin"})
	assert.Equal(t, 404, r.Status, "an aborted flow is gone")
}

// TestMFALoginRetryLimit checks MAX_RETRY_TIME: the wrong code that
// reaches it aborts with too_many_retry (3 for insecure_example and
// notify, 5 for totp: TOTP-09).
func TestMFALoginRetryLimit(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	cases := []struct {
		name  string
		cfg   core.Config
		files []core.File
		field string
		max   int
	}{
		{"insecure_example_3", withModules(pinModule("", "test-pin")), nil, "pin", 3},
		{"TOTP-09_totp_5", withModules(core.MFAModuleConfig{Type: "totp"}), []core.File{totpFile(mockUser, secret)}, "code", 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.cfg, mfaFiles(t, tc.files...)...)
			flowID, m := h.startLogin("test-user", "test-pass")
			require.Equal(t, "mfa", m["step_id"])
			for i := 1; i < tc.max; i++ {
				m = h.flowStep(flowID, map[string]any{tc.field: "000000x"}).json(t)
				require.Equal(t, "form", m["type"], "wrong code %d", i)
				assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
			}
			m = h.flowStep(flowID, map[string]any{tc.field: "000000x"}).json(t)
			assert.Equal(t, "abort", m["type"])
			assert.Equal(t, "too_many_retry", m["reason"])
		})
	}
}

// TestMFALoginWrongCodeCountsAsFailedLogin checks that an invalid_code
// form counts towards the IP ban like a wrong password.
func TestMFALoginWrongCodeCountsAsFailedLogin(t *testing.T) {
	cfg := withModules(pinModule("", "test-pin"))
	threshold := 2
	cfg.HTTP.LoginAttemptsThreshold = &threshold
	h := newHarness(t, cfg, mfaFiles(t)...)
	flowID, _ := h.startLogin("test-user", "test-pass")
	h.flowStep(flowID, map[string]any{"pin": "a"})
	assert.Empty(t, h.bans)
	h.flowStep(flowID, map[string]any{"pin": "b"})
	require.Len(t, h.bans, 1)
	assert.Equal(t, "192.168.1.10", h.bans[0].IP)
}

// TestTOTPLogin checks the totp module at login against codes made by an
// independent implementation (TOTP-01, TOTP-02, TOTP-07): the current step
// and one either side are accepted, two steps off is not.
func TestTOTPLogin(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	cases := []struct {
		name   string
		offset time.Duration
		ok     bool
	}{
		{"TOTP-01_current_step", 0, true},
		{"TOTP-07_previous_step", -30 * time.Second, true},
		{"TOTP-07_next_step", 30 * time.Second, true},
		{"TOTP-07_two_steps_back", -60 * time.Second, false},
		{"TOTP-07_two_steps_ahead", 60 * time.Second, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig(), mfaFiles(t, totpFile(mockUser, secret))...)
			flowID, m := h.startLogin("test-user", "test-pass")
			require.Equal(t, "mfa", m["step_id"], "the default configuration has the totp module")
			assert.Equal(t, map[string]any{"mfa_module_name": "Authenticator app", "mfa_module_id": "totp"}, m["description_placeholders"])
			m = h.flowStep(flowID, map[string]any{"code": h.totpCode(secret, tc.offset)}).json(t)
			if tc.ok {
				assert.Equal(t, "create_entry", m["type"], "%v", m)
			} else {
				assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
			}
		})
	}
	t.Run("TOTP-02_wrong_code", func(t *testing.T) {
		h := newHarness(t, testConfig(), mfaFiles(t, totpFile(mockUser, secret))...)
		flowID, _ := h.startLogin("test-user", "test-pass")
		code := h.totpCode(secret, 0)
		wrong := string(rune('0'+(code[0]-'0'+1)%10)) + code[1:]
		m := h.flowStep(flowID, map[string]any{"code": wrong}).json(t)
		assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
	})
	t.Run("full_width_digits", func(t *testing.T) {
		// pyotp compares after NFKC normalisation.
		h := newHarness(t, testConfig(), mfaFiles(t, totpFile(mockUser, secret))...)
		flowID, _ := h.startLogin("test-user", "test-pass")
		var wide strings.Builder
		for _, r := range h.totpCode(secret, 0) {
			wide.WriteRune(r - '0' + '０')
		}
		m := h.flowStep(flowID, map[string]any{"code": wide.String()}).json(t)
		assert.Equal(t, "create_entry", m["type"], "%v", m)
	})
}

// TestTOTPFromHomeAssistantStorage loads a configuration directory whose
// .storage files Home Assistant wrote, auth_module.totp included, and logs
// its user in with a code computed from the stored secret.
func TestTOTPFromHomeAssistantStorage(t *testing.T) {
	var files []core.File
	for _, name := range []string{"auth", "auth_provider.homeassistant", "auth_module.totp"} {
		files = append(files, core.File{Path: ".storage/" + name, Data: readTestdata(t, "../hosts/native/testdata/ha-config-totp/.storage/"+name)})
	}
	h := newHarness(t, testConfig(), files...)
	flowID, m := h.startLogin("test-user", "test-pass")
	require.Equal(t, "mfa", m["step_id"], "%v", m)
	m = h.flowStep(flowID, map[string]any{"code": h.totpCode(haTOTPSecret, 0)}).json(t)
	require.Equal(t, "create_entry", m["type"], "%v", m)
	assert.Equal(t, "0b5f3ad7c2b14dcaa0c4f1b0f1d5e7a1", h.userOfCode(m["result"].(string)))
}

// haTOTPSecret is the secret in hosts/native/testdata/ha-config-totp.
const haTOTPSecret = "OBCZ5WG4C2HWZMBXKQ7RZ6V4UUOQGH3E"

var codeInMessage = regexp.MustCompile(`^(\d{6}) is your Home Assistant login code$`)

// notifyConfig has the notify module and the host services phone and
// email.
func notifyConfig(message *string) core.Config {
	cfg := withModules(core.MFAModuleConfig{Type: "notify", Message: message})
	cfg.NotifyServices = []string{"phone", "email"}
	return cfg
}

// TestNotifyLogin checks the notify module at login: the code goes out as
// a Notify effect to the user's service and target before the mfa form is
// shown, and is the one the step accepts.
func TestNotifyLogin(t *testing.T) {
	h := newHarness(t, notifyConfig(nil), mfaFiles(t, notifyFile(mockUser, "phone", "+15550100"))...)
	flowID, m := h.startLogin("test-user", "test-pass")
	assert.Equal(t, "mfa", m["step_id"])
	assert.Equal(t, map[string]any{"mfa_module_name": "Notify One-Time Password", "mfa_module_id": "notify"}, m["description_placeholders"])
	require.Len(t, h.notified, 1)
	n := h.notified[0]
	assert.Equal(t, "phone", n.Service)
	assert.Equal(t, "+15550100", n.Target)
	match := codeInMessage.FindStringSubmatch(n.Message)
	require.NotNil(t, match, "message %q", n.Message)

	m = h.flowStep(flowID, map[string]any{"code": "123456x"}).json(t)
	assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
	assert.Len(t, h.notified, 1, "a wrong code sends no new one")
	m = h.flowStep(flowID, map[string]any{"code": match[1]}).json(t)
	require.Equal(t, "create_entry", m["type"], "%v", m)
	assert.Equal(t, mockUser, h.userOfCode(m["result"].(string)))
}

// TestNotifyLoginWaitsForDelivery checks that the mfa form is only sent
// once the host reported the code delivered, and that a failed delivery
// aborts the flow with unknown_error.
func TestNotifyLoginWaitsForDelivery(t *testing.T) {
	h := newHarness(t, notifyConfig(nil), mfaFiles(t, notifyFile(mockUser, "phone", ""))...)
	h.holdNotify = true
	r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI})
	flowID := r.json(t)["flow_id"].(string)
	h.nextID++
	reqID := h.nextID
	body, _ := json.Marshal(map[string]any{"client_id": clientID, "username": "test-user", "password": "test-pass"})
	h.step(core.Input{HTTP: &core.HTTPRequest{ID: reqID, Method: "POST", Scheme: "http", Path: "/auth/login_flow/" + flowID, Body: body, Remote: h.remote,
		Header: []core.Header{{Name: "content-type", Value: "text/plain"}}}})
	for _, e := range h.effects {
		assert.Nil(t, e.Reply, "no answer before the code is sent")
	}
	require.Len(t, h.notified, 1)
	assert.Empty(t, h.notified[0].Target, "no target when the user gave none")

	t.Run("busy_flow_refuses_a_step", func(t *testing.T) {
		r := h.flowStep(flowID, map[string]any{"code": "000000"})
		assert.Equal(t, 409, r.Status)
	})

	h.step(core.Input{NotifyDone: &core.NotifyResult{ID: h.notified[0].ID, Error: "the phone is off"}})
	var reply *core.Reply
	for _, e := range h.effects {
		if e.Reply != nil && e.Reply.ID == reqID {
			reply = e.Reply
		}
	}
	require.NotNil(t, reply)
	assert.JSONEq(t, `{"type":"abort","flow_id":"`+flowID+`","handler":["homeassistant",null],"reason":"unknown_error","description_placeholders":null}`, string(reply.Body))
	assert.True(t, hasLog(h.effects, "the phone is off"))
}

// TestNotifyLoginUnknownService checks that a stored service the host does
// not have aborts the login without sending anything.
func TestNotifyLoginUnknownService(t *testing.T) {
	h := newHarness(t, notifyConfig(nil), mfaFiles(t, notifyFile(mockUser, "pager", ""))...)
	_, m := h.startLogin("test-user", "test-pass")
	assert.Equal(t, "abort", m["type"])
	assert.Equal(t, "unknown_error", m["reason"])
	assert.Empty(t, h.notified)
}

// TestNotifyLoginCodesPerFlow checks that two logins of one user each get
// their own code.
func TestNotifyLoginCodesPerFlow(t *testing.T) {
	h := newHarness(t, notifyConfig(nil), mfaFiles(t, notifyFile(mockUser, "email", "me@example.com"))...)
	first, _ := h.startLogin("test-user", "test-pass")
	second, _ := h.startLogin("test-user", "test-pass")
	require.Len(t, h.notified, 2)
	c1 := codeInMessage.FindStringSubmatch(h.notified[0].Message)[1]
	c2 := codeInMessage.FindStringSubmatch(h.notified[1].Message)[1]
	require.NotEqual(t, c1, c2)
	m := h.flowStep(second, map[string]any{"code": c1}).json(t)
	assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
	m = h.flowStep(first, map[string]any{"code": c1}).json(t)
	assert.Equal(t, "create_entry", m["type"])
	m = h.flowStep(second, map[string]any{"code": c2}).json(t)
	assert.Equal(t, "create_entry", m["type"])
}

// TestNotifyMessageTemplate checks the message option: str.format with the
// code, and the templates refused at configuration.
func TestNotifyMessageTemplate(t *testing.T) {
	msg := "Code {{{0}}}: {}"
	h := newHarness(t, notifyConfig(&msg), mfaFiles(t, notifyFile(mockUser, "phone", ""))...)
	h.startLogin("test-user", "test-pass")
	require.Len(t, h.notified, 1)
	assert.Regexp(t, `^Code \{(\d{6})\}: (\d{6})$`, h.notified[0].Message)
	parts := regexp.MustCompile(`\d{6}`).FindAllString(h.notified[0].Message, -1)
	assert.Equal(t, parts[0], parts[1])

	for _, bad := range []string{"{code}", "{1}", "{:>6}", "code }", "code {"} {
		cfg := notifyConfig(&bad)
		_, err := core.New(cfg, [32]byte{})
		var ce *core.ConfigError
		require.ErrorAs(t, err, &ce, "message %q", bad)
		assert.Equal(t, "homeassistant.auth_mfa_modules[0].message", ce.Key)
	}
}

func hasLog(effects []core.Effect, part string) bool {
	for _, e := range effects {
		if e.Log != nil && strings.Contains(e.Log.Message, part) {
			return true
		}
	}
	return false
}
