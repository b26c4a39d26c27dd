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

// wsResult decodes a command's answer.
type wsResult struct {
	ID      int64           `json:"id"`
	Type    string          `json:"type"`
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// setupSession is a websocket connection running auth/setup_mfa commands.
type setupSession struct {
	h    *harness
	conn uint64
	id   int64
}

func (h *harness) setupSession(access string) *setupSession {
	return &setupSession{h: h, conn: h.wsConnectID(access), id: 9}
}

// send runs a command (its id added) and returns the raw answer.
func (s *setupSession) send(msg map[string]any) json.RawMessage {
	s.h.t.Helper()
	s.id++
	msg["id"] = s.id
	return s.h.wsCommand(s.conn, msg)
}

func (s *setupSession) result(msg map[string]any) wsResult {
	s.h.t.Helper()
	var r wsResult
	require.NoError(s.h.t, json.Unmarshal(s.send(msg), &r))
	return r
}

// flow runs a command that must succeed with a flow result and returns it.
func (s *setupSession) flow(msg map[string]any) map[string]any {
	s.h.t.Helper()
	r := s.result(msg)
	require.True(s.h.t, r.Success, "%+v", r.Error)
	var m map[string]any
	require.NoError(s.h.t, json.Unmarshal(r.Result, &m))
	return m
}

func (s *setupSession) start(module string) map[string]any {
	s.h.t.Helper()
	return s.flow(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": module})
}

func (s *setupSession) next(flowID string, input any) map[string]any {
	s.h.t.Helper()
	return s.flow(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": input})
}

func (s *setupSession) depose(module string) wsResult {
	s.h.t.Helper()
	return s.result(map[string]any{"type": "auth/depose_mfa", "mfa_module_id": module})
}

// setupExampleConfig is the configuration of Home Assistant's setup flow tests:
// the module "example_module" knows mock-user's PIN 123456.
func setupExampleConfig() core.Config {
	return withModules(core.MFAModuleConfig{Type: "insecure_example", ID: "example_module",
		Data: []core.ExamplePIN{{UserID: mockUser, PIN: "123456"}}})
}

// TestSetupMFAExample is MFA-01 to MFA-05: the insecure_example module's
// setup flow over the websocket, and depose.
func TestSetupMFAExample(t *testing.T) {
	h := newHarness(t, setupExampleConfig(), mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())

	t.Run("MFA-01_unknown_module", func(t *testing.T) {
		raw := s.send(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "invalid_module"})
		assert.JSONEq(t, `{"id":10,"type":"result","success":false,"error":{"code":"no_module","message":"MFA module invalid_module is not found"}}`, string(raw))
	})

	var flowID string
	t.Run("MFA-02_start", func(t *testing.T) {
		r := s.result(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "example_module"})
		require.True(t, r.Success)
		var m map[string]any
		require.NoError(t, json.Unmarshal(r.Result, &m))
		flowID, _ = m["flow_id"].(string)
		assert.Regexp(t, `^[0-9a-f]{32}$`, flowID)
		assert.Equal(t, `{"type":"form","flow_id":"`+flowID+`","handler":"example_module",`+
			`"data_schema":[{"type":"string","name":"pin","required":true}],"errors":{},"description_placeholders":null,`+
			`"last_step":null,"preview":null,"step_id":"init"}`, string(r.Result), "Home Assistant's key order")
	})

	t.Run("MFA-03_finish", func(t *testing.T) {
		raw := s.send(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"pin": "654321"}})
		assert.Equal(t, `{"id":12,"type":"result","success":true,"result":{"type":"create_entry","flow_id":"`+flowID+
			`","handler":"example_module","data":{"result":null},"description":null,"description_placeholders":null,"context":{}}}`, string(raw))
		// The new PIN replaced the old one.
		flow, m := h.startLogin("test-user", "test-pass")
		require.Equal(t, "mfa", m["step_id"])
		assert.Equal(t, map[string]any{"base": "invalid_code"}, h.flowStep(flow, map[string]any{"pin": "123456"}).json(t)["errors"])
		assert.Equal(t, "create_entry", h.flowStep(flow, map[string]any{"pin": "654321"}).json(t)["type"])
	})

	t.Run("finished_flow_is_gone", func(t *testing.T) {
		raw := s.send(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"pin": "1"}})
		assert.JSONEq(t, `{"id":13,"type":"result","success":false,"error":{"code":"not_found","message":"Invalid flow specified"}}`, string(raw))
	})

	t.Run("MFA-05_depose", func(t *testing.T) {
		raw := s.send(map[string]any{"type": "auth/depose_mfa", "mfa_module_id": "example_module"})
		assert.Equal(t, `{"id":14,"type":"result","success":true,"result":"done"}`, string(raw))
		assert.Equal(t, mockUser, h.userOfCode(h.login("test-user", "test-pass")), "no MFA step any more")
	})

	t.Run("depose_unknown_module", func(t *testing.T) {
		raw := s.send(map[string]any{"type": "auth/depose_mfa", "mfa_module_id": "invalid_module"})
		assert.JSONEq(t, `{"id":15,"type":"result","success":false,"error":{"code":"disable_failed",`+
			`"message":"Cannot disable MFA Module invalid_module: Unable find multi-factor auth module: invalid_module"}}`, string(raw))
	})

	t.Run("schema", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			msg  map[string]any
			want string
		}{
			{"neither_key", map[string]any{"type": "auth/setup_mfa"}, "invalid_format"},
			{"both_keys", map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "example_module", "flow_id": "x"}, "invalid_format"},
			{"depose_without_module", map[string]any{"type": "auth/depose_mfa"}, "invalid_format"},
		} {
			r := s.result(tc.msg)
			require.False(t, r.Success, tc.name)
			assert.Equal(t, tc.want, r.Error.Code, tc.name)
		}
	})
}

// TestSetupMFAEnableDisable is AM-27 through the websocket: a user without
// a setup gets one, setting up again replaces it, deposing removes it and
// deposing again is silent; a system user can do neither.
func TestSetupMFAEnableDisable(t *testing.T) {
	h := newHarness(t, withModules(core.MFAModuleConfig{Type: "insecure_example", Data: []core.ExamplePIN{}}), mfaFiles(t)...)
	assert.Equal(t, mockUser, h.userOfCode(h.login("test-user", "test-pass")), "no module enabled")
	s := h.setupSession(h.mockAccess())

	pinLogin := func(pin string) string {
		flow, m := h.startLogin("test-user", "test-pass")
		require.Equal(t, "mfa", m["step_id"])
		return h.flowStep(flow, map[string]any{"pin": pin}).json(t)["type"].(string)
	}
	f := s.start("insecure_example")
	assert.Equal(t, "create_entry", s.next(f["flow_id"].(string), map[string]any{"pin": "test-pin"})["type"])
	assert.Equal(t, "create_entry", pinLogin("test-pin"))

	f = s.start("insecure_example")
	s.next(f["flow_id"].(string), map[string]any{"pin": "new-pin"})
	assert.Equal(t, "form", pinLogin("test-pin"), "the old PIN was overwritten")
	assert.Equal(t, "create_entry", pinLogin("new-pin"))

	assert.True(t, s.depose("insecure_example").Success)
	assert.Equal(t, mockUser, h.userOfCode(h.login("test-user", "test-pass")))
	assert.True(t, s.depose("insecure_example").Success, "disabling again is silent")

	t.Run("system_user", func(t *testing.T) {
		sys := h.setupSession(h.systemAccess())
		for _, msg := range []map[string]any{
			{"type": "auth/setup_mfa", "mfa_module_id": "insecure_example"},
			{"type": "auth/depose_mfa", "mfa_module_id": "insecure_example"},
		} {
			r := sys.result(msg)
			require.False(t, r.Success)
			assert.Equal(t, "not_system_user", r.Error.Code)
			assert.Equal(t, "Not allowed as system user", r.Error.Message)
		}
	})
}

var svgStart = regexp.MustCompile(`^<svg height="\d+" width="\d+" class="pyqrcode"><path `)

// TestSetupTOTP is TOTP-08 and the end of TOTP-04: a user who set the
// authenticator app up over the websocket logs in with a code computed by
// an independent TOTP implementation; the secret is stored in Home
// Assistant's format.
func TestSetupTOTP(t *testing.T) {
	h := newHarness(t, testConfig(), mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())

	f := s.start("totp")
	flowID := f["flow_id"].(string)
	ph := f["description_placeholders"].(map[string]any)
	secret := ph["code"].(string)
	assert.Regexp(t, `^[A-Z2-7]{32}$`, secret)
	assert.Equal(t, "otpauth://totp/Home%20Assistant:Test%20Name?secret="+secret+"&issuer=Home%20Assistant", ph["url"])
	assert.Regexp(t, svgStart, ph["qr_code"])
	delete(f, "description_placeholders")
	want := map[string]any{
		"type": "form", "flow_id": flowID, "handler": "totp", "step_id": "init",
		"data_schema": []any{map[string]any{"type": "string", "name": "code", "required": true}},
		"errors":      map[string]any{}, "last_step": nil, "preview": nil,
	}
	assert.Equal(t, want, f)

	t.Run("setup_takes_the_current_step_only", func(t *testing.T) {
		m := s.next(flowID, map[string]any{"code": h.totpCode(secret, -30*time.Second)})
		assert.Equal(t, "form", m["type"])
		assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
		assert.Equal(t, secret, m["description_placeholders"].(map[string]any)["code"], "the same secret again")
		assert.NotContains(t, h.files, core.PathTOTP)
	})

	var entry map[string]any
	t.Run("finish", func(t *testing.T) {
		entry = s.next(flowID, map[string]any{"code": h.totpCode(secret, 0)})
		assert.Equal(t, map[string]any{"type": "create_entry", "flow_id": flowID, "handler": "totp",
			"data": map[string]any{"result": secret}, "description": nil, "description_placeholders": nil, "context": map[string]any{}}, entry)
		assert.Equal(t, `{
  "version": 1,
  "minor_version": 1,
  "key": "auth_module.totp",
  "data": {
    "users": {
      "mock-user": "`+secret+`"
    }
  }
}`, string(h.files[core.PathTOTP]))
		assert.True(t, writeOf(h.effects, core.PathTOTP).Private)
	})

	t.Run("login_with_an_independent_code", func(t *testing.T) {
		h.now += 90 * authstore.Second
		flow, m := h.startLogin("test-user", "test-pass")
		require.Equal(t, "mfa", m["step_id"])
		m = h.flowStep(flow, map[string]any{"code": h.totpCode(secret, 0)}).json(t)
		require.Equal(t, "create_entry", m["type"], "%v", m)
		assert.Equal(t, mockUser, h.userOfCode(m["result"].(string)))
	})

	t.Run("TOTP-04_setup_again_then_depose", func(t *testing.T) {
		f := s.start("totp")
		again := f["description_placeholders"].(map[string]any)["code"].(string)
		require.NotEqual(t, secret, again)
		s.next(f["flow_id"].(string), map[string]any{"code": h.totpCode(again, 0)})
		assert.Contains(t, string(h.files[core.PathTOTP]), `"mock-user": "`+again+`"`)
		assert.Equal(t, 1, strings.Count(string(h.files[core.PathTOTP]), "mock-user"))

		assert.True(t, s.depose("totp").Success)
		assert.Contains(t, string(h.files[core.PathTOTP]), `"users": {}`)
		assert.Equal(t, mockUser, h.userOfCode(h.login("test-user", "test-pass")))
	})
}

func writeOf(effects []core.Effect, path string) *core.Write {
	for _, e := range effects {
		if e.Write != nil && e.Write.Path == path {
			return e.Write
		}
	}
	return nil
}

// TestSetupMFAFlowErrors checks what Home Assistant leaves unanswered: an
// unknown, expired or another user's flow_id is not_found; user_input the
// step's form refuses is invalid_format with the humanized error. A step
// shown again without input starts over.
func TestSetupMFAFlowErrors(t *testing.T) {
	h := newHarness(t, testConfig(), mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())
	f := s.start("totp")
	flowID := f["flow_id"].(string)
	secret := f["description_placeholders"].(map[string]any)["code"].(string)

	notFound := `"success":false,"error":{"code":"not_found","message":"Invalid flow specified"}`
	raw := s.send(map[string]any{"type": "auth/setup_mfa", "flow_id": "0123456789abcdef0123456789abcdef", "user_input": map[string]any{"code": "1"}})
	assert.Contains(t, string(raw), notFound)

	for _, tc := range []struct {
		name  string
		input any
		want  string
	}{
		{"missing_code", map[string]any{}, "required key not provided @ data['code']. Got None"},
		{"code_not_a_string", map[string]any{"code": 123456}, "expected str for dictionary value @ data['code']. Got 123456"},
		{"extra_key", map[string]any{"code": "1", "x": 1}, "extra keys not allowed @ data['x']. Got 1"},
		{"not_an_object", "123456", "expected a dictionary. Got '123456'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.result(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": tc.input})
			require.False(t, r.Success)
			assert.Equal(t, "invalid_format", r.Error.Code)
			assert.Equal(t, tc.want, r.Error.Message)
		})
	}

	t.Run("another_users_flow", func(t *testing.T) {
		h.addUser("other", "other pass")
		access, _ := h.tokens(h.login("other", "other pass"))
		o := h.setupSession(access)
		raw := o.send(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"code": h.totpCode(secret, 0)}})
		assert.Contains(t, string(raw), notFound)
	})

	t.Run("no_input_starts_over", func(t *testing.T) {
		m := s.flow(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID})
		assert.NotEqual(t, secret, m["description_placeholders"].(map[string]any)["code"])
	})

	t.Run("expired_flow", func(t *testing.T) {
		h.now += 30 * authstore.Minute
		raw := s.send(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"code": "1"}})
		assert.Contains(t, string(raw), notFound)
	})
}

// TestSetupMFAFlowLimit checks that a user's oldest flow goes when the
// user starts a ninth.
func TestSetupMFAFlowLimit(t *testing.T) {
	h := newHarness(t, setupExampleConfig(), mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())
	var ids []string
	for i := 0; i < 9; i++ {
		ids = append(ids, s.start("example_module")["flow_id"].(string))
		h.now++
	}
	r := s.result(map[string]any{"type": "auth/setup_mfa", "flow_id": ids[0], "user_input": map[string]any{"pin": "1"}})
	assert.Equal(t, "not_found", r.Error.Code)
	for _, id := range ids[1:] {
		assert.Equal(t, "form", s.next(id, nil)["type"])
	}
}

// TestSetupNotify checks the notify module's setup: the service choice
// (host services, minus exclude, sorted), the code sent to the chosen
// service, a wrong code sending it again, and the stored setting with which
// the user then logs in.
func TestSetupNotify(t *testing.T) {
	cfg := withModules(core.MFAModuleConfig{Type: "notify", Exclude: []string{"sms_other"}})
	cfg.NotifyServices = []string{"sms_other", "telegram", "mail"}
	h := newHarness(t, cfg, mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())

	f := s.start("notify")
	flowID := f["flow_id"].(string)
	b, _ := json.Marshal(f)
	assert.JSONEq(t, `{"type":"form","flow_id":"`+flowID+`","handler":"notify","data_schema":[`+
		`{"type":"select","options":[["mail","mail"],["telegram","telegram"]],"name":"notify_service","required":false},`+
		`{"type":"string","name":"target","required":false}],`+
		`"errors":{},"description_placeholders":null,"last_step":null,"preview":null,"step_id":"init"}`, string(b))
	assert.Empty(t, h.notified)

	t.Run("excluded_service_refused", func(t *testing.T) {
		r := s.result(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"notify_service": "sms_other"}})
		require.False(t, r.Success)
		assert.Equal(t, "invalid_format", r.Error.Code)
	})
	t.Run("target_without_service", func(t *testing.T) {
		r := s.result(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"target": "x"}})
		require.False(t, r.Success)
		assert.Equal(t, "required key not provided @ data['notify_service']. Got None", r.Error.Message)
	})

	m := s.next(flowID, map[string]any{"notify_service": "telegram", "target": "@me"})
	assert.Equal(t, "setup", m["step_id"])
	assert.Equal(t, map[string]any{"notify_service": "telegram"}, m["description_placeholders"])
	assert.Equal(t, []any{map[string]any{"type": "string", "name": "code", "required": true}}, m["data_schema"])
	require.Len(t, h.notified, 1)
	assert.Equal(t, "telegram", h.notified[0].Service)
	assert.Equal(t, "@me", h.notified[0].Target)
	code := codeInMessage.FindStringSubmatch(h.notified[0].Message)[1]

	m = s.next(flowID, map[string]any{"code": "000000x"})
	assert.Equal(t, map[string]any{"base": "invalid_code"}, m["errors"])
	require.Len(t, h.notified, 2)
	assert.Equal(t, h.notified[0].Message, h.notified[1].Message, "the same code is sent again")
	assert.NotContains(t, h.files, core.PathNotify)

	m = s.next(flowID, map[string]any{"code": code})
	assert.Equal(t, map[string]any{"type": "create_entry", "flow_id": flowID, "handler": "notify", "data": map[string]any{},
		"description": nil, "description_placeholders": nil, "context": map[string]any{}}, m)
	assert.Equal(t, `{
  "version": 1,
  "minor_version": 1,
  "key": "auth_module.notify",
  "data": {
    "users": {
      "mock-user": {
        "notify_service": "telegram",
        "target": "@me"
      }
    }
  }
}`, string(h.files[core.PathNotify]))

	flow, lm := h.startLogin("test-user", "test-pass")
	require.Equal(t, "mfa", lm["step_id"])
	login := codeInMessage.FindStringSubmatch(h.notified[len(h.notified)-1].Message)[1]
	assert.Equal(t, "create_entry", h.flowStep(flow, map[string]any{"code": login}).json(t)["type"])

	assert.True(t, s.depose("notify").Success)
	assert.Contains(t, string(h.files[core.PathNotify]), `"users": {}`)
}

// TestSetupNotifyNoService checks the abort when the host has no service
// to offer.
func TestSetupNotifyNoService(t *testing.T) {
	h := newHarness(t, withModules(core.MFAModuleConfig{Type: "notify", Include: []string{"pager"}}), mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())
	r := s.result(map[string]any{"type": "auth/setup_mfa", "mfa_module_id": "notify"})
	require.True(t, r.Success)
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.Result, &m))
	assert.Equal(t, `{"type":"abort","flow_id":"`+m["flow_id"].(string)+`","handler":"notify","reason":"no_available_service","description_placeholders":null}`, string(r.Result))
}

// TestSetupNotifyDelivery checks a code that cannot be sent (an error
// answer, the flow kept for another try), a command while a code is on its
// way, and a connection that closes meanwhile.
func TestSetupNotifyDelivery(t *testing.T) {
	cfg := withModules(core.MFAModuleConfig{Type: "notify"})
	cfg.NotifyServices = []string{"mail"}
	h := newHarness(t, cfg, mfaFiles(t)...)
	s := h.setupSession(h.mockAccess())
	flowID := s.start("notify")["flow_id"].(string)

	h.notifyErr = "https://hooks.example/secret-token: connection refused"
	r := s.result(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"notify_service": "mail"}})
	require.False(t, r.Success)
	assert.Equal(t, "home_assistant_error", r.Error.Code)
	assert.Equal(t, "Cannot send the code through notify.mail", r.Error.Message, "the host's detail stays in the log")
	assert.True(t, hasLog(h.effects, "connection refused"))

	h.notifyErr = ""
	m := s.next(flowID, map[string]any{"notify_service": "mail"})
	assert.Equal(t, "setup", m["step_id"], "the flow survived the failure")

	h.holdNotify = true
	s.id++
	b, _ := json.Marshal(map[string]any{"id": s.id, "type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"code": "000000x"}})
	h.step(core.Input{WSMessage: &core.WSMessage{Conn: s.conn, Data: b}})
	assert.Empty(t, h.wsFrames(s.conn), "no answer before the code is sent")
	held := h.notified[len(h.notified)-1]

	r = s.result(map[string]any{"type": "auth/setup_mfa", "flow_id": flowID, "user_input": map[string]any{"code": "1"}})
	require.False(t, r.Success)
	assert.Equal(t, "Flow request already in progress", r.Error.Message)

	h.step(core.Input{WSClosed: &core.WSClosed{Conn: s.conn}})
	h.step(core.Input{NotifyDone: &core.NotifyResult{ID: held.ID}})
	for _, e := range h.effects {
		assert.Nil(t, e.Send, "nothing is sent to a closed connection")
	}
}
