package core_test

import (
	"encoding/json"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core"
)

// FuzzSetupMFAUserInput sends arbitrary user_input to each step of each
// module's setup flow. Every command gets exactly one answer (or, for a
// frame that is not JSON, the connection closes), and the answer is a flow
// result or one of the errors the command documents.
func FuzzSetupMFAUserInput(f *testing.F) {
	for _, seed := range []struct {
		step  uint8
		input string
	}{
		{0, `{"pin":"123456"}`}, {0, `{"pin":123456}`}, {0, `{}`}, {0, `null`},
		{1, `{"code":"123456"}`}, {1, `{"code":"１２３４５６"}`}, {1, `{"code":"123456","x":1}`}, {1, `"123456"`},
		{2, `{"notify_service":"mail","target":"@me"}`}, {2, `{"notify_service":"mail","target":null}`}, {2, `{"target":"x"}`},
		{2, `{"notify_service":"pager"}`}, {2, `[1,2]`},
		{3, `{"code":"000000"}`}, {3, `{"code":""}`}, {3, `{"code":["1"]}`},
		{1, "{\"code\":\"１２３４\xefʕ６\"}"}, // not UTF-8: the connection closes
		{1, `1e999`}, {1, `{"code":"\u0000"}`}, {0, `{"pin":"a","pin":"b"}`}, {2, `{`},
	} {
		f.Add(seed.step, seed.input)
	}
	cfg := withModules(
		core.MFAModuleConfig{Type: "insecure_example", Data: []core.ExamplePIN{}},
		core.MFAModuleConfig{Type: "totp"},
		core.MFAModuleConfig{Type: "notify"},
	)
	cfg.NotifyServices = []string{"mail"}
	h := newHarness(f, cfg, mfaFiles(f)...)
	access := h.mockAccess()
	var s *setupSession
	f.Fuzz(func(t *testing.T, step uint8, input string) {
		h.t = t
		// A failing input is run again while it is minimized: start that
		// from a fresh connection.
		defer func() {
			if t.Failed() {
				s = nil
			}
		}()
		if s == nil {
			s = h.setupSession(access)
		}
		modules := []string{"insecure_example", "totp", "notify", "notify"}
		step %= uint8(len(modules))
		flowID := s.start(modules[step])["flow_id"].(string)
		if step == 3 {
			s.next(flowID, map[string]any{"notify_service": "mail"})
		}
		s.id++
		msg := `{"id":` + strconv.FormatInt(s.id, 10) + `,"type":"auth/setup_mfa","flow_id":"` + flowID + `","user_input":` + input + `}`
		h.step(core.Input{WSMessage: &core.WSMessage{Conn: s.conn, Data: []byte(msg)}})
		var answers []wsResult
		closed := false
		for _, e := range h.effects {
			switch {
			case e.Close != nil && e.Close.Conn == s.conn:
				closed = true
			case e.Send != nil && e.Send.Conn == s.conn:
				var r wsResult
				if err := json.Unmarshal(e.Send.Data, &r); err != nil {
					t.Fatalf("answer is not JSON: %q", e.Send.Data)
				}
				answers = append(answers, r)
			}
		}
		if closed {
			if json.Valid([]byte(msg)) && utf8.ValidString(msg) {
				t.Fatalf("valid JSON closed the connection: %q", msg)
			}
			s = nil
			return
		}
		if len(answers) != 1 || answers[0].ID != s.id {
			t.Fatalf("want one answer to %d, got %+v", s.id, answers)
		}
		r := answers[0]
		if r.Success {
			var res struct {
				Type string `json:"type"`
			}
			if err := json.Unmarshal(r.Result, &res); err != nil || (res.Type != "form" && res.Type != "create_entry" && res.Type != "abort") {
				t.Fatalf("unexpected result %s", r.Result)
			}
			return
		}
		switch r.Error.Code {
		case "invalid_format", "not_found", "home_assistant_error", "unknown_error":
		default:
			t.Fatalf("unexpected error %+v", r.Error)
		}
	})
}
