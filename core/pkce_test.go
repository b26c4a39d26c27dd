package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

// RFC 7636 Appendix B.
const (
	rfcVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	rfcChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

func TestS256ChallengeRFC7636AppendixB(t *testing.T) {
	assert.Equal(t, rfcChallenge, core.S256Challenge(rfcVerifier))
}

// pkceLogin logs alice in, sending the extra keys with the flow's start, and
// returns the code (or the failed start's reply).
func pkceLogin(t *testing.T, h *harness, extra map[string]any) (string, response) {
	t.Helper()
	body := map[string]any{"client_id": clientID, "handler": []any{"homeassistant", nil}, "redirect_uri": redirectURI}
	for k, v := range extra {
		body[k] = v
	}
	r := h.postJSON("/auth/login_flow", body)
	if r.Status != 200 {
		return "", r
	}
	r = h.postJSON("/auth/login_flow/"+r.json(t)["flow_id"].(string), map[string]any{"client_id": clientID, "username": "alice", "password": "secret pass"})
	require.Equal(t, "create_entry", r.json(t)["type"], "%s", r.Body)
	return r.json(t)["result"].(string), r
}

// PKCE S256 (spec §12) from the login flow to the token endpoint.
func TestPKCE(t *testing.T) {
	s256 := map[string]any{"code_challenge": rfcChallenge, "code_challenge_method": "S256"}
	cases := []struct {
		name     string
		start    map[string]any
		verifier *string
		status   int
		body     string
	}{
		{"RFC 7636 Appendix B pair", s256, ptr(rfcVerifier), 200, ""},
		{"missing verifier", s256, nil, 400, `{"error":"invalid_request","error_description":"Missing code_verifier"}`},
		{"wrong verifier", s256, ptr(rfcVerifier[:42] + "Y"), 400, `{"error":"invalid_grant","error_description":"Invalid code_verifier"}`},
		{"verifier too short", s256, ptr(rfcVerifier[:42]), 400, `{"error":"invalid_grant","error_description":"Invalid code_verifier"}`},
		{"downgrade: verifier without challenge", nil, ptr(rfcVerifier), 400,
			`{"error":"invalid_request","error_description":"code_verifier sent for a code issued without code_challenge"}`},
		{"no PKCE at all", nil, nil, 200, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "secret pass")
			code, r := pkceLogin(t, h, c.start)
			require.NotEmpty(t, code, "%s", r.Body)
			var extra []string
			if c.verifier != nil {
				extra = []string{"code_verifier", *c.verifier}
			}
			r = h.exchange(clientID, code, extra...)
			assert.Equal(t, c.status, r.Status, "%s", r.Body)
			if c.body != "" {
				assert.JSONEq(t, c.body, string(r.Body))
				assert.Equal(t, 1, h.logged(wrongLoginLog), "counted as a failed login")
				// The code was used up by the failed attempt.
				r = h.exchange(clientID, code, "code_verifier", rfcVerifier)
				assert.JSONEq(t, `{"error":"invalid_request","error_description":"Invalid code"}`, string(r.Body))
			}
		})
	}
}

func TestPKCEChallengeValidation(t *testing.T) {
	cases := []struct {
		name  string
		start map[string]any
		msg   string
	}{
		{"plain refused", map[string]any{"code_challenge": rfcChallenge, "code_challenge_method": "plain"},
			"Message format incorrect: value must be one of ['S256'] for dictionary value @ data['code_challenge_method']"},
		{"method required", map[string]any{"code_challenge": rfcChallenge},
			"Message format incorrect: required key not provided @ data['code_challenge_method']"},
		{"challenge required", map[string]any{"code_challenge_method": "S256"},
			"Message format incorrect: required key not provided @ data['code_challenge']"},
		{"challenge too short", map[string]any{"code_challenge": rfcChallenge[:42], "code_challenge_method": "S256"},
			"Message format incorrect: not a valid value for dictionary value @ data['code_challenge']"},
		{"challenge too long", map[string]any{"code_challenge": rfcChallenge + "A", "code_challenge_method": "S256"},
			"Message format incorrect: not a valid value for dictionary value @ data['code_challenge']"},
		{"challenge not base64url", map[string]any{"code_challenge": rfcChallenge[:42] + "=", "code_challenge_method": "S256"},
			"Message format incorrect: not a valid value for dictionary value @ data['code_challenge']"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, testConfig())
			h.addUser("alice", "secret pass")
			_, r := pkceLogin(t, h, c.start)
			assert.Equal(t, 400, r.Status)
			assert.JSONEq(t, `{"message":`+quote(c.msg)+`}`, string(r.Body))
		})
	}
}

func TestPKCEMetadata(t *testing.T) {
	h := newHarness(t, testConfig())
	r := h.request("GET", "/.well-known/oauth-authorization-server", nil)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, []any{"S256"}, r.json(t)["code_challenge_methods_supported"])
}

func ptr(s string) *string { return &s }

func quote(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		if r == '"' || r == '\\' {
			b = append(b, '\\')
		}
		b = append(b, string(r)...)
	}
	return string(append(b, '"'))
}
