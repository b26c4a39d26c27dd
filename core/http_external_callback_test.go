package core_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

func createState(t *testing.T, h *harness, flowID, redirect string) string {
	t.Helper()
	v, cerr := h.call(core.OpCreateExternalState, map[string]any{"flow_id": flowID, "redirect_uri": redirect})
	require.Nil(t, cerr)
	var out struct {
		State string `json:"state"`
	}
	require.NoError(t, json.Unmarshal(v, &out))
	return out.State
}

func externals(h *harness) []core.External {
	var out []core.External
	for _, e := range h.effects {
		if e.External != nil {
			out = append(out, *e.External)
		}
	}
	return out
}

func TestCreateExternalState(t *testing.T) {
	h := newHarness(t, testConfig())
	state := createState(t, h, "01J9Z0FLOW", "https://my.home-assistant.io/redirect/oauth")
	parts := strings.Split(state, ".")
	require.Len(t, parts, 3)
	header, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	assert.Equal(t, `{"alg":"HS256","typ":"JWT"}`, string(header))
	// PyJWT's bytes for HA's claims: no spaces, insertion order, no exp.
	assert.Equal(t, `{"flow_id":"01J9Z0FLOW","redirect_uri":"https://my.home-assistant.io/redirect/oauth"}`, string(payload))

	_, cerr := h.call(core.OpCreateExternalState, map[string]any{"flow_id": "x"})
	require.NotNil(t, cerr)
	assert.Equal(t, core.CallInvalidArgs, cerr.Code)
}

// §7.10: Home Assistant's three text answers and the hand-over.
func TestExternalCallback(t *testing.T) {
	h := newHarness(t, testConfig())
	h.addUser("alice", "secret pass")

	// Before any state was made, no state verifies.
	r := h.request("GET", "/auth/external/callback?state=abc&code=1", nil)
	assert.Equal(t, 400, r.Status)

	state := createState(t, h, "flow-1", "https://example.com/auth/external/callback")
	other := newHarness(t, testConfig())
	other.c.Step(core.Input{Now: t0, Entropy: []byte("another instance")})
	foreign := createState(t, other, "flow-1", "https://example.com/auth/external/callback")
	require.NotEqual(t, state, foreign)

	q := func(kv ...string) string {
		var b strings.Builder
		for i := 0; i+1 < len(kv); i += 2 {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(kv[i] + "=" + kv[i+1])
		}
		return "/auth/external/callback?" + b.String()
	}
	textCases := []struct {
		name, path string
		status     int
		body       string
	}{
		{"missing state", q("code", "abc"), 200, "Missing state parameter"},
		{"no query", "/auth/external/callback", 200, "Missing state parameter"},
		{"invalid state", q("state", "abc", "code", "x"), 400, "Invalid state. Is My Home Assistant configured to go to the right instance?"},
		{"tampered state", q("state", state[:len(state)-2]+"AA", "code", "x"), 400, "Invalid state. Is My Home Assistant configured to go to the right instance?"},
		{"another instance's state", q("state", foreign, "code", "x"), 400, "Invalid state. Is My Home Assistant configured to go to the right instance?"},
		{"missing code or error", q("state", state), 200, "Missing code or error parameter"},
	}
	for _, c := range textCases {
		t.Run(c.name, func(t *testing.T) {
			r := h.request("GET", c.path, nil)
			assert.Equal(t, c.status, r.Status)
			assert.Equal(t, c.body, string(r.Body))
			assert.Equal(t, "text/plain; charset=utf-8", r.header("Content-Type"))
			assert.Empty(t, externals(h))
			assert.Equal(t, 0, h.logged(wrongLoginLog), "the view counts nothing towards bans")
		})
	}

	t.Run("HEAD resumes nothing", func(t *testing.T) {
		r := h.request("HEAD", q("state", state, "code", "c"), nil)
		assert.Equal(t, 405, r.Status)
		assert.Empty(t, externals(h))
	})

	handed := []struct {
		name, path  string
		code, error *string
	}{
		{"code", q("state", state, "code", "auth%2Fcode+1"), ptr("auth/code 1"), nil},
		{"empty code still counts", q("state", state, "code", ""), ptr(""), nil},
		{"code wins over error", q("error", "access_denied", "state", state, "code", "c"), ptr("c"), nil},
		{"error", q("state", state, "error", "access_denied"), nil, ptr("access_denied")},
	}
	for _, c := range handed {
		t.Run(c.name, func(t *testing.T) {
			r := h.request("GET", c.path, nil)
			assert.Equal(t, 200, r.Status)
			assert.Equal(t, "<script>window.close()</script>", string(r.Body))
			assert.Equal(t, "text/html", r.header("Content-Type"))
			x := externals(h)
			require.Len(t, x, 1)
			assert.Equal(t, "flow-1", x[0].FlowID)
			assert.Equal(t, c.code, x[0].Code)
			assert.Equal(t, c.error, x[0].Error)
			assert.JSONEq(t, `{"flow_id":"flow-1","redirect_uri":"https://example.com/auth/external/callback"}`, string(x[0].State))
			// The flow is resumed before the browser is answered.
			var order []string
			for _, e := range h.effects {
				switch {
				case e.External != nil:
					order = append(order, "external")
				case e.Reply != nil:
					order = append(order, "reply")
				}
			}
			assert.Equal(t, []string{"external", "reply"}, order)
		})
	}
}

func TestExternalEffectWire(t *testing.T) {
	code := "abc"
	out := core.Output{Effects: []core.Effect{
		{External: &core.External{FlowID: "f", Code: &code, State: []byte(`{"flow_id":"f","redirect_uri":"https://x/cb"}`)}},
		{External: &core.External{FlowID: "g", Error: ptr("access_denied"), State: []byte(`{"flow_id":"g"}`)}},
	}}
	b := core.AppendOutput(nil, out)
	assert.Equal(t, `{"effects":[{"external":{"flow_id":"f","code":"abc","state":{"flow_id":"f","redirect_uri":"https://x/cb"}}},{"external":{"flow_id":"g","error":"access_denied","state":{"flow_id":"g"}}}]}`, string(b))
	back, err := core.ParseOutput(b)
	require.NoError(t, err)
	assert.Equal(t, out, back)
}
