package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// mfaFixture is the fixture with insecure_example MFA modules: the active
// user has a PIN in each.
func mfaFixture(t *testing.T, modules int) *harness {
	name2 := "Module 2"
	return newFixture(t, func(c *core.Config) {
		c.MFAModules = []core.MFAModuleConfig{{Type: "insecure_example", Data: []core.ExamplePIN{{UserID: userActive, PIN: "test-pin"}}}}
		if modules == 2 {
			c.MFAModules = append(c.MFAModules, core.MFAModuleConfig{Type: "insecure_example", ID: "module2", Name: &name2,
				Data: []core.ExamplePIN{{UserID: userActive, PIN: "test-pin2"}}})
		}
	})
}

// passwordStep starts an insecure_example flow and sends the password.
func (h *harness) passwordStep(username string) (string, response) {
	h.t.Helper()
	flow := h.startFlow([]any{"insecure_example", nil}, clientID, redirectURI)
	return flow, h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "username": username, "password": "test-pass"})
}

func (h *harness) pin(flow, pin string) response {
	h.t.Helper()
	return h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "pin": pin})
}

const pinForm = `"step_id":"mfa","data_schema":[{"type":"string","name":"pin","required":true}]`

// TestLoginMFA covers the MFA steps of the login flow (§5.2) and the form
// and abort shapes they answer with (§7.5).
func TestLoginMFA(t *testing.T) {
	t.Run("AM-24_single_module", func(t *testing.T) {
		h := mfaFixture(t, 1)
		flow, r := h.passwordStep("test-user")
		require.Equal(t, 200, r.Status)
		assert.JSONEq(t, `{"type":"form","flow_id":"`+flow+`","handler":["insecure_example",null],`+pinForm+`,
			"errors":{},"description_placeholders":{"mfa_module_name":"Insecure Personal Identify Number","mfa_module_id":"insecure_example"},
			"last_step":null,"preview":null}`, string(r.Body))

		r = h.pin(flow, "invalid-pin")
		assert.Equal(t, 200, r.Status)
		assert.JSONEq(t, `{"type":"form","flow_id":"`+flow+`","handler":["insecure_example",null],`+pinForm+`,
			"errors":{"base":"invalid_code"},"description_placeholders":{"mfa_module_name":"Insecure Personal Identify Number","mfa_module_id":"insecure_example"},
			"last_step":null,"preview":null}`, string(r.Body))
		assert.Equal(t, 1, h.failedLogins(), "invalid_code counts as a failed login")

		r = h.pin(flow, "test-pin")
		require.Equal(t, 200, r.Status)
		m := r.json(t)
		assert.Equal(t, "create_entry", m["type"])
		r = h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", m["result"].(string)))
		assert.Equal(t, 200, r.Status)
	})

	t.Run("user_without_mfa_skips_it", func(t *testing.T) {
		h := mfaFixture(t, 1)
		_, r := h.passwordStep("local-user")
		assert.Equal(t, "create_entry", r.json(t)["type"])
	})

	t.Run("AM-25_module_selection", func(t *testing.T) {
		h := mfaFixture(t, 2)
		flow, r := h.passwordStep("test-user")
		require.Equal(t, 200, r.Status)
		// voluptuous_serialize writes "required": false for a plain key
		// (core/schema/testdata/serialize.json).
		assert.JSONEq(t, `{"type":"form","flow_id":"`+flow+`","handler":["insecure_example",null],"step_id":"select_mfa_module",
			"data_schema":[{"type":"select","options":[["insecure_example","Insecure Personal Identify Number"],["module2","Module 2"]],"name":"multi_factor_auth_module","required":false}],
			"errors":{},"description_placeholders":null,"last_step":null,"preview":null}`, string(r.Body))

		r = h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "multi_factor_auth_module": "nope"})
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"message":"User input malformed"}`, string(r.Body))

		r = h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "multi_factor_auth_module": "module2"})
		require.Equal(t, 200, r.Status)
		assert.Equal(t, map[string]any{"mfa_module_name": "Module 2", "mfa_module_id": "module2"}, r.json(t)["description_placeholders"])
		assert.Equal(t, "invalid_code", h.pin(flow, "test-pin").json(t)["errors"].(map[string]any)["base"], "module 1's PIN")
		assert.Equal(t, "create_entry", h.pin(flow, "test-pin2").json(t)["type"])
	})

	t.Run("AM-26_login_expired", func(t *testing.T) {
		h := mfaFixture(t, 1)
		flow, _ := h.passwordStep("test-user")
		h.now += 5*60*1_000_000 + 1
		r := h.pin(flow, "test-pin")
		require.Equal(t, 200, r.Status)
		assert.JSONEq(t, `{"type":"abort","flow_id":"`+flow+`","handler":["insecure_example",null],"reason":"login_expired","description_placeholders":null}`, string(r.Body))
		assert.Equal(t, 0, h.failedLogins())
		assert.Equal(t, 404, h.pin(flow, "test-pin").Status, "an abort ends the flow")
	})

	t.Run("five_minutes_counted_from_the_flows_start", func(t *testing.T) {
		h := mfaFixture(t, 1)
		flow := h.startFlow([]any{"insecure_example", nil}, clientID, redirectURI)
		h.now += 4 * 60 * 1_000_000
		r := h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "username": "test-user", "password": "test-pass"})
		require.Equal(t, "mfa", r.json(t)["step_id"])
		h.now += 60 * 1_000_000
		assert.Equal(t, "create_entry", h.pin(flow, "test-pin").json(t)["type"], "exactly five minutes is still in time")
	})

	t.Run("too_many_retry", func(t *testing.T) {
		h := mfaFixture(t, 1)
		flow, _ := h.passwordStep("test-user")
		for i := 0; i < 2; i++ {
			assert.Equal(t, "form", h.pin(flow, "wrong").json(t)["type"])
		}
		r := h.pin(flow, "wrong")
		assert.JSONEq(t, `{"type":"abort","flow_id":"`+flow+`","handler":["insecure_example",null],"reason":"too_many_retry","description_placeholders":null}`, string(r.Body))
		assert.Equal(t, 404, h.pin(flow, "test-pin").Status)
	})

	t.Run("mfa_input_malformed", func(t *testing.T) {
		h := mfaFixture(t, 1)
		flow, _ := h.passwordStep("test-user")
		r := h.postJSON("/auth/login_flow/"+flow, map[string]any{"client_id": clientID, "code": "123456"})
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"message":"User input malformed"}`, string(r.Body))
	})
}
