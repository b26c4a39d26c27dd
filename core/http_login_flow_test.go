package core_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

var (
	flowIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	codePattern   = regexp.MustCompile(`^[0-9a-f]{32}$`)
)

// postRaw posts a body as the frontend does (text/plain).
func (h *harness) postRaw(path, body string) response {
	h.t.Helper()
	return h.request("POST", path, []byte(body), core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
}

// TestLoginFlowCreate covers POST /auth/login_flow (§7.3).
func TestLoginFlowCreate(t *testing.T) {
	const valid = `"client_id":"https://example.com/app","handler":["homeassistant",null],"redirect_uri":"https://example.com/app/callback"`
	// The schema texts are voluptuous's own (core/schema/testdata).
	for _, tc := range []struct {
		name string
		body string
		want []string // one of these bodies
	}{
		{"invalid_json", `{`, []string{`{"message":"Invalid JSON."}`}},
		{"empty_body", ``, []string{`{"message":"Invalid JSON."}`}},
		{"not_an_object", `[]`, []string{`{"message":"Message format incorrect: expected a dictionary"}`}},
		{"null", `null`, []string{`{"message":"Message format incorrect: expected a dictionary"}`}},
		{"nothing", `{}`, []string{
			`{"message":"Message format incorrect: required key not provided @ data['client_id']"}`,
			`{"message":"Message format incorrect: required key not provided @ data['handler']"}`,
			`{"message":"Message format incorrect: required key not provided @ data['redirect_uri']"}`,
		}},
		{"no_handler", `{"client_id":"c","redirect_uri":"r"}`, []string{`{"message":"Message format incorrect: required key not provided @ data['handler']"}`}},
		{"no_redirect_uri", `{"client_id":"https://example.com/app","handler":["homeassistant",null]}`,
			[]string{`{"message":"Message format incorrect: required key not provided @ data['redirect_uri']"}`}},
		{"extra_key", `{` + valid + `,"x":1}`, []string{`{"message":"Message format incorrect: extra keys not allowed @ data['x']"}`}},
		{"client_id_not_a_string", `{"client_id":5,"handler":["homeassistant",null],"redirect_uri":"r"}`,
			[]string{`{"message":"Message format incorrect: expected str for dictionary value @ data['client_id']"}`}},
		{"handler_not_a_list", `{"client_id":"c","handler":"homeassistant","redirect_uri":"r"}`,
			[]string{`{"message":"Message format incorrect: expected a list for dictionary value @ data['handler']"}`}},
		{"handler_too_short", `{"client_id":"c","handler":["homeassistant"],"redirect_uri":"r"}`,
			[]string{`{"message":"Message format incorrect: length of value must be at least 2 for dictionary value @ data['handler']"}`}},
		{"handler_too_long", `{"client_id":"c","handler":["a",null,"b"],"redirect_uri":"r"}`,
			[]string{`{"message":"Message format incorrect: length of value must be at most 2 for dictionary value @ data['handler']"}`}},
		{"handler_type_not_a_string", `{"client_id":"c","handler":[1,null],"redirect_uri":"r"}`,
			[]string{`{"message":"Message format incorrect: expected str @ data['handler'][0]"}`}},
		{"handler_id_not_a_string", `{"client_id":"c","handler":["a",true],"redirect_uri":"r"}`,
			[]string{`{"message":"Message format incorrect: expected str @ data['handler'][1]"}`}},
		{"type_null", `{"client_id":"c","handler":["a",null],"redirect_uri":"r","type":null}`,
			[]string{`{"message":"Message format incorrect: expected str for dictionary value @ data['type']"}`}},
		{"IA-28_invalid_client_id", `{"client_id":"invalid","handler":["homeassistant",null],"redirect_uri":"r"}`,
			[]string{`{"message":"Invalid client id"}`}},
		{"IA-24_public_ip_client_id", `{"client_id":"http://11.0.0.0/","handler":["homeassistant",null],"redirect_uri":"r"}`,
			[]string{`{"message":"Invalid client id"}`}},
		{"client_id_before_handler", `{"client_id":"ftp://example.com","handler":["nope",null],"redirect_uri":"r"}`,
			[]string{`{"message":"Invalid client id"}`}},
		{"LF-16_unknown_handler", `{"client_id":"https://example.com/app","handler":["nope",null],"redirect_uri":"r"}`,
			[]string{`{"message":"Invalid handler specified"}`}},
		{"unknown_handler_id", `{"client_id":"https://example.com/app","handler":["homeassistant","x"],"redirect_uri":"r"}`,
			[]string{`{"message":"Invalid handler specified"}`}},
		{"null_handler_type", `{"client_id":"https://example.com/app","handler":[null,null],"redirect_uri":"r"}`,
			[]string{`{"message":"Invalid handler specified"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			r := h.postRaw("/auth/login_flow", tc.body)
			status := 400
			if strings.Contains(tc.want[0], "Invalid handler") {
				status = 404
			}
			assert.Equal(t, status, r.Status)
			assert.Contains(t, tc.want, string(r.Body))
			assert.Equal(t, "application/json", r.header("Content-Type"))
		})
	}

	t.Run("form", func(t *testing.T) {
		h := newHarness(t, testConfig())
		r := h.postRaw("/auth/login_flow", `{`+valid+`}`)
		require.Equal(t, 200, r.Status)
		var m map[string]any
		require.NoError(t, json.Unmarshal(r.Body, &m))
		flowID, _ := m["flow_id"].(string)
		assert.Regexp(t, flowIDPattern, flowID)
		assert.JSONEq(t, `{"type":"form","flow_id":"`+flowID+`","handler":["homeassistant",null],"step_id":"init",
			"data_schema":[{"type":"string","name":"username","required":true},{"type":"string","name":"password","required":true}],
			"errors":{},"description_placeholders":null,"last_step":null,"preview":null}`, string(r.Body))
	})

	t.Run("insecure_example_first_errors_are_null", func(t *testing.T) {
		h := newFixture(t)
		r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"insecure_example", nil}, "redirect_uri": redirectURI})
		require.Equal(t, 200, r.Status)
		m := r.json(t)
		assert.Nil(t, m["errors"])
		assert.Contains(t, m, "errors")
		assert.Equal(t, []any{"insecure_example", nil}, m["handler"])
	})

	t.Run("flow_ids_differ", func(t *testing.T) {
		h := newHarness(t, testConfig())
		a := h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
		b := h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
		assert.NotEqual(t, a, b)
	})

	t.Run("LF-09_redirect_uri_not_checked_at_start", func(t *testing.T) {
		h := newHarness(t, testConfig())
		r := h.postJSON("/auth/login_flow", map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": "https://some-other-domain.com"})
		assert.Equal(t, 200, r.Status)
		assert.Empty(t, h.fetches())
	})

	t.Run("LF-05_get_is_405_without_body", func(t *testing.T) {
		h := newHarness(t, testConfig())
		r := h.request("GET", "/auth/login_flow", nil)
		assert.Equal(t, 405, r.Status)
		assert.Empty(t, r.Body)
	})
}

// TestLoginFlowFailedLogins checks which answers of the login flow views
// count as failed logins: every answer of 400 or more that passed the body
// schema (log_invalid_auth inside RequestDataValidator), and a form with
// invalid_auth; not schema failures, and not DELETE or GET.
func TestLoginFlowFailedLogins(t *testing.T) {
	type req struct {
		method, path, body string
	}
	for _, tc := range []struct {
		name   string
		req    func(h *harness, flow string) req
		status int
		counts bool
	}{
		{"invalid_json", func(h *harness, _ string) req { return req{"POST", "/auth/login_flow", `{`} }, 400, false},
		{"schema", func(h *harness, _ string) req { return req{"POST", "/auth/login_flow", `{}`} }, 400, false},
		{"invalid_client_id", func(h *harness, _ string) req {
			return req{"POST", "/auth/login_flow", `{"client_id":"x","handler":["homeassistant",null],"redirect_uri":"r"}`}
		}, 400, true},
		{"unknown_handler", func(h *harness, _ string) req {
			return req{"POST", "/auth/login_flow", `{"client_id":"https://example.com/app","handler":["x",null],"redirect_uri":"r"}`}
		}, 404, true},
		{"step_schema", func(h *harness, flow string) req { return req{"POST", "/auth/login_flow/" + flow, `{"username":"a"}`} }, 400, false},
		{"step_invalid_client_id", func(h *harness, flow string) req {
			return req{"POST", "/auth/login_flow/" + flow, `{"client_id":"x"}`}
		}, 400, true},
		{"step_unknown_flow", func(h *harness, flow string) req {
			return req{"POST", "/auth/login_flow/nope", `{"client_id":"https://example.com/app"}`}
		}, 404, true},
		{"step_user_input_malformed", func(h *harness, flow string) req {
			return req{"POST", "/auth/login_flow/" + flow, `{"client_id":"https://example.com/app","username":"a"}`}
		}, 400, true},
		{"step_ip_changed", func(h *harness, flow string) req {
			h.remote = "192.168.1.11:5000"
			return req{"POST", "/auth/login_flow/" + flow, `{"client_id":"https://example.com/app","username":"a","password":"b"}`}
		}, 400, true},
		{"LF-06_wrong_password", func(h *harness, flow string) req {
			return req{"POST", "/auth/login_flow/" + flow, `{"client_id":"https://example.com/app","username":"alice","password":"nope"}`}
		}, 200, true},
		{"get_flow", func(h *harness, flow string) req { return req{"GET", "/auth/login_flow/" + flow, ``} }, 404, false},
		{"delete_unknown_flow", func(h *harness, flow string) req { return req{"DELETE", "/auth/login_flow/nope", ``} }, 404, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "secret")
			flow := h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
			q := tc.req(h, flow)
			r := h.request(q.method, q.path, []byte(q.body), core.Header{Name: "content-type", Value: "text/plain;charset=UTF-8"})
			assert.Equal(t, tc.status, r.Status, "%s", r.Body)
			want := 0
			if tc.counts {
				want = 1
			}
			assert.Equal(t, want, h.failedLogins())
		})
	}

	t.Run("threshold_bans_the_address", func(t *testing.T) {
		threshold := 2
		cfg := testConfig()
		cfg.HTTP.LoginAttemptsThreshold = &threshold
		h := newHarness(t, cfg)
		h.addUser("alice", "secret")
		for i := 0; i < 2; i++ {
			r := h.postRaw("/auth/login_flow", `{"client_id":"x","handler":["homeassistant",null],"redirect_uri":"r"}`)
			assert.Equal(t, 400, r.Status)
		}
		require.Len(t, h.bans, 1)
		assert.Equal(t, "192.168.1.10", h.bans[0].IP)
		r := h.postRaw("/auth/login_flow", `{`+`"client_id":"https://example.com/app","handler":["homeassistant",null],"redirect_uri":"r"}`)
		assert.Equal(t, 403, r.Status)
		assert.Equal(t, "403: Forbidden", string(r.Body))
	})

	t.Run("success_resets_the_count", func(t *testing.T) {
		threshold := 3
		cfg := testConfig()
		cfg.HTTP.LoginAttemptsThreshold = &threshold
		h := newHarness(t, cfg)
		h.addUser("alice", "secret")
		wrong := func() {
			flow := h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
			r := h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "username": "alice", "password": "nope"})
			require.Equal(t, 200, r.Status)
		}
		wrong()
		wrong()
		h.login("alice", "secret")
		wrong()
		wrong()
		assert.Empty(t, h.bans)
		wrong()
		assert.Len(t, h.bans, 1)
	})
}

// TestLoginFlowStep covers /auth/login_flow/{flow_id} (§7.4).
func TestLoginFlowStep(t *testing.T) {
	setup := func(t *testing.T) (*harness, string) {
		h := newHarness(t, testConfig())
		h.addUser("alice", "secret")
		return h, h.startFlow([]any{"homeassistant", nil}, clientID, redirectURI)
	}
	step := func(h *harness, flow, body string) response {
		h.t.Helper()
		return h.postRaw("/auth/login_flow/"+flow, body)
	}
	const cid = `"client_id":"https://example.com/app"`

	for _, tc := range []struct {
		name   string
		path   string // "" for the flow
		body   string
		status int
		want   string
	}{
		{"invalid_json", "", `{"client_id"`, 400, `{"message":"Invalid JSON."}`},
		{"not_an_object", "", `"x"`, 400, `{"message":"Message format incorrect: expected a dictionary"}`},
		{"no_client_id", "", `{"username":"u","password":"p"}`, 400,
			`{"message":"Message format incorrect: required key not provided @ data['client_id']"}`},
		{"client_id_not_a_string", "", `{"username":"u","client_id":["c"]}`, 400,
			`{"message":"Message format incorrect: expected str for dictionary value @ data['client_id']"}`},
		{"invalid_client_id", "", `{"client_id":"http://user@example.com/","username":"alice","password":"secret"}`, 400,
			`{"message":"Invalid client id"}`},
		{"invalid_client_id_before_flow_lookup", "/auth/login_flow/nope", `{"client_id":"nope"}`, 400,
			`{"message":"Invalid client id"}`},
		{"LF-17_unknown_flow", "/auth/login_flow/01J00000000000000000000000", `{` + cid + `,"username":"alice","password":"secret"}`, 404,
			`{"message":"Invalid flow specified"}`},
		{"user_input_missing_field", "", `{` + cid + `,"username":"alice"}`, 400, `{"message":"User input malformed"}`},
		{"user_input_extra_field", "", `{` + cid + `,"username":"alice","password":"secret","x":1}`, 400, `{"message":"User input malformed"}`},
		{"user_input_wrong_type", "", `{` + cid + `,"username":1,"password":"secret"}`, 400, `{"message":"User input malformed"}`},
		{"user_input_empty", "", `{` + cid + `}`, 400, `{"message":"User input malformed"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, flow := setup(t)
			path := tc.path
			if path == "" {
				path = "/auth/login_flow/" + flow
			}
			r := h.postRaw(path, tc.body)
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.want, string(r.Body))
		})
	}

	t.Run("LF-12_ip_address_changed", func(t *testing.T) {
		h, flow := setup(t)
		h.remote = "10.2.3.1:4000"
		r := step(h, flow, `{`+cid+`,"username":"alice","password":"secret"}`)
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"message":"IP address changed"}`, string(r.Body))
		// The flow is still there for its own address.
		h.remote = "192.168.1.10:6000"
		r = step(h, flow, `{`+cid+`,"username":"alice","password":"secret"}`)
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, "create_entry", r.json(t)["type"])
	})

	t.Run("ip_address_checked_before_user_input", func(t *testing.T) {
		h, flow := setup(t)
		h.remote = "10.2.3.1:4000"
		r := step(h, flow, `{`+cid+`}`)
		assert.Equal(t, `{"message":"IP address changed"}`, string(r.Body))
	})

	t.Run("get_is_never_allowed", func(t *testing.T) {
		h, flow := setup(t)
		r := h.request("GET", "/auth/login_flow/"+flow, nil)
		assert.Equal(t, 404, r.Status)
		assert.Equal(t, `{"message":"Invalid flow specified"}`, string(r.Body))
	})

	t.Run("delete", func(t *testing.T) {
		h, flow := setup(t)
		r := h.request("DELETE", "/auth/login_flow/"+flow, nil)
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, `{"message":"Flow aborted"}`, string(r.Body))
		r = h.request("DELETE", "/auth/login_flow/"+flow, nil)
		assert.Equal(t, 404, r.Status)
		assert.Equal(t, `{"message":"Invalid flow specified"}`, string(r.Body))
		r = step(h, flow, `{`+cid+`,"username":"alice","password":"secret"}`)
		assert.Equal(t, 404, r.Status)
	})

	t.Run("LF-06_LF-08_wrong_password_keeps_the_flow", func(t *testing.T) {
		h, flow := setup(t)
		for i := 0; i < 3; i++ {
			r := step(h, flow, `{`+cid+`,"username":"alice","password":"wrong"}`)
			require.Equal(t, 200, r.Status)
			assert.JSONEq(t, `{"type":"form","flow_id":"`+flow+`","handler":["homeassistant",null],"step_id":"init",
				"data_schema":[{"type":"string","name":"username","required":true},{"type":"string","name":"password","required":true}],
				"errors":{"base":"invalid_auth"},"description_placeholders":null,"last_step":null,"preview":null}`, string(r.Body))
		}
		r := step(h, flow, `{`+cid+`,"username":"wrong-user","password":"secret"}`)
		assert.Equal(t, map[string]any{"base": "invalid_auth"}, r.json(t)["errors"])
		r = step(h, flow, `{`+cid+`,"username":"alice","password":"secret"}`)
		assert.Equal(t, "create_entry", r.json(t)["type"])
	})

	t.Run("LF-10_create_entry", func(t *testing.T) {
		h, flow := setup(t)
		r := step(h, flow, `{`+cid+`,"username":"Alice ","password":"secret"}`)
		require.Equal(t, 200, r.Status)
		m := r.json(t)
		code, _ := m["result"].(string)
		assert.Regexp(t, codePattern, code)
		assert.JSONEq(t, `{"type":"create_entry","flow_id":"`+flow+`","handler":["homeassistant",null],
			"description":null,"description_placeholders":null,"result":"`+code+`"}`, string(r.Body))
		// The flow is over.
		r = step(h, flow, `{`+cid+`,"username":"alice","password":"secret"}`)
		assert.Equal(t, 404, r.Status)
	})

	t.Run("client_id_is_not_compared_with_the_flows", func(t *testing.T) {
		h, flow := setup(t)
		other := "https://example.com/other"
		r := step(h, flow, `{"client_id":"`+other+`","username":"alice","password":"secret"}`)
		require.Equal(t, 200, r.Status, "%s", r.Body)
		code := r.json(t)["result"].(string)
		// The code belongs to the client of the finishing request.
		r = h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		assert.Equal(t, 400, r.Status)
		r = h.postForm("/auth/token", formOf("client_id", other, "grant_type", "authorization_code", "code", code))
		assert.Equal(t, 200, r.Status, "%s", r.Body)
	})

	t.Run("LF-21_step_while_a_password_check_runs", func(t *testing.T) {
		h, flow := setup(t)
		h.holdWork = true
		first := h.send("POST", "/auth/login_flow/"+flow, []byte(`{`+cid+`,"username":"alice","password":"secret"}`))
		_, answered := h.replyTo(first)
		assert.False(t, answered)
		require.Len(t, h.held, 1)
		r := step(h, flow, `{`+cid+`,"username":"alice","password":"secret"}`)
		assert.Equal(t, 409, r.Status)
		assert.Equal(t, `{"message":"Flow request already in progress"}`, string(r.Body))
		h.holdWork = false
		w := core.DoWork(h.held[0])
		h.step(core.Input{WorkDone: &w})
		r, answered = h.replyTo(first)
		require.True(t, answered)
		assert.Equal(t, "create_entry", r.json(t)["type"])
	})

	t.Run("flow_deleted_while_a_password_check_runs", func(t *testing.T) {
		h, flow := setup(t)
		h.holdWork = true
		first := h.send("POST", "/auth/login_flow/"+flow, []byte(`{`+cid+`,"username":"alice","password":"secret"}`))
		r := h.request("DELETE", "/auth/login_flow/"+flow, nil)
		assert.Equal(t, 200, r.Status)
		w := core.DoWork(h.held[0])
		h.step(core.Input{WorkDone: &w})
		r, answered := h.replyTo(first)
		require.True(t, answered)
		assert.Equal(t, 404, r.Status)
		assert.Equal(t, `{"message":"Invalid flow specified"}`, string(r.Body))
	})
}
