package core_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hassauth/hassauth/core"
)

var hex128 = regexp.MustCompile(`^[0-9a-f]{128}$`)

// postMultipart posts a form as multipart/form-data, as
// home-assistant-js-websocket's FormData does.
func (h *harness) postMultipart(path string, form url.Values) response {
	h.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range sortedKeys(form) {
		for _, v := range form[k] {
			require.NoError(h.t, w.WriteField(k, v))
		}
	}
	require.NoError(h.t, w.Close())
	return h.request("POST", path, buf.Bytes(), core.Header{Name: "content-type", Value: w.FormDataContentType()})
}

func sortedKeys(v url.Values) []string {
	var ks []string
	for k := range v {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// claimsOf decodes an access token's header and payload without checking
// anything.
func claimsOf(t testing.TB, token string) (header, payload string) {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	require.NoError(t, err)
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	return string(hb), string(pb)
}

// createCode issues a code for a stored credential the way onboarding does.
func (h *harness) createCode(client, credential string) string {
	h.t.Helper()
	v, err := h.call(core.OpCreateAuthCode, map[string]any{"client_id": client, "credential_id": credential})
	require.Nil(h.t, err)
	var code string
	require.NoError(h.t, json.Unmarshal(v, &code))
	return code
}

// TestTokenAuthorizationCode covers grant_type=authorization_code (§7.7).
func TestTokenAuthorizationCode(t *testing.T) {
	post := func(h *harness, multipartBody bool, form url.Values) response {
		if multipartBody {
			return h.postMultipart("/auth/token", form)
		}
		return h.postForm("/auth/token", form)
	}
	for _, mp := range []bool{false, true} {
		kind := "urlencoded"
		if mp {
			kind = "multipart"
		}
		t.Run(kind, func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				form   func(code string) url.Values
				status int
				body   string
			}{
				{"TOKEN-16_no_client_id", func(code string) url.Values {
					return formOf("grant_type", "authorization_code", "code", code)
				}, 400, `{"error":"invalid_request","error_description":"Invalid client id"}`},
				{"TOKEN-16_invalid_client_id", func(code string) url.Values {
					return formOf("client_id", "invalid", "grant_type", "authorization_code", "code", code)
				}, 400, `{"error":"invalid_request","error_description":"Invalid client id"}`},
				{"TOKEN-17_no_code", func(code string) url.Values {
					return formOf("client_id", clientID, "grant_type", "authorization_code")
				}, 400, `{"error":"invalid_request","error_description":"Invalid code"}`},
				{"TOKEN-17_unknown_code", func(code string) url.Values {
					return formOf("client_id", clientID, "grant_type", "authorization_code", "code", "0123456789abcdef0123456789abcdef")
				}, 400, `{"error":"invalid_request","error_description":"Invalid code"}`},
				{"code_of_another_client", func(code string) url.Values {
					return formOf("client_id", "https://example.com/other", "grant_type", "authorization_code", "code", code)
				}, 400, `{"error":"invalid_request","error_description":"Invalid code"}`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					h := newFixture(t)
					code := h.exampleLogin("test-user")
					r := post(h, mp, tc.form(code))
					assert.Equal(t, tc.status, r.Status)
					assert.Equal(t, tc.body, string(r.Body))
					assert.Equal(t, "application/json", r.header("Content-Type"))
					assert.Equal(t, 1, h.failedLogins(), "4xx answers count as failed logins")
				})
			}

			t.Run("TOKEN-01_success", func(t *testing.T) {
				h := newFixture(t)
				code := h.exampleLogin("test-user")
				r := post(h, mp, formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
				require.Equal(t, 200, r.Status, "%s", r.Body)
				assert.Equal(t, "no-store", r.header("Cache-Control"))
				assert.Equal(t, "no-cache", r.header("Pragma"))
				assert.Equal(t, 0, h.failedLogins())
				var body struct {
					AccessToken  string `json:"access_token"`
					TokenType    string `json:"token_type"`
					RefreshToken string `json:"refresh_token"`
					ExpiresIn    int64  `json:"expires_in"`
					Provider     string `json:"ha_auth_provider"`
				}
				dec := json.NewDecoder(bytes.NewReader(r.Body))
				dec.DisallowUnknownFields()
				require.NoError(t, dec.Decode(&body))
				assert.Equal(t, "Bearer", body.TokenType)
				assert.EqualValues(t, 1800, body.ExpiresIn)
				assert.Equal(t, "insecure_example", body.Provider)
				assert.Regexp(t, hex128, body.RefreshToken)
				assert.True(t, strings.HasPrefix(string(r.Body), `{"access_token":"`), "key order: %s", r.Body)

				// The access token belongs to the new refresh token, which
				// is bound to the client and the login's credential.
				v, err := h.call(core.OpValidateAccessToken, map[string]any{"token": body.AccessToken})
				require.Nil(t, err)
				var who struct {
					UserID, RefreshTokenID string `json:"-"`
				}
				var m map[string]any
				require.NoError(t, json.Unmarshal(v, &m))
				who.UserID, who.RefreshTokenID = m["user_id"].(string), m["refresh_token_id"].(string)
				assert.Equal(t, userActive, who.UserID)
				_, payload := claimsOf(t, body.AccessToken)
				assert.Contains(t, payload, `"iss":"`+who.RefreshTokenID+`"`)

				// The code was single use.
				r = post(h, mp, formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
				assert.Equal(t, 400, r.Status)
				assert.Equal(t, `{"error":"invalid_request","error_description":"Invalid code"}`, string(r.Body))
			})
		})
	}

	t.Run("TOKEN-20_inactive_user", func(t *testing.T) {
		h := newFixture(t)
		code := h.createCode(clientID, credInactive)
		r := h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		assert.Equal(t, 403, r.Status)
		assert.Equal(t, `{"error":"access_denied","error_description":"User is not active"}`, string(r.Body))
		assert.Equal(t, 1, h.failedLogins())
	})

	t.Run("TOKEN-07_local_only_user_from_outside", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("local-user")
		h.remote = "203.0.113.9:4000"
		r := h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		assert.Equal(t, 403, r.Status)
		assert.Equal(t, `{"error":"access_denied","error_description":"User cannot authenticate remotely"}`, string(r.Body))
	})

	t.Run("local_only_user_without_an_address", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("local-user")
		h.remote = ""
		r := h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		assert.Equal(t, 403, r.Status)
		assert.Equal(t, `{"error":"access_denied","error_description":"Invalid remote IP"}`, string(r.Body))
	})

	t.Run("AM-03_AM-30_new_credentials_create_a_user", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("new-user")
		before := h.users()
		r := h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		require.Equal(t, 200, r.Status, "%s", r.Body)
		after := h.users()
		require.Len(t, after, len(before)+1)
		u := after[len(after)-1]
		// A user made from new credentials is never the owner; it joins
		// system-admin; its name is the provider's (none configured here).
		assert.Equal(t, false, u["is_owner"])
		assert.Equal(t, true, u["is_active"])
		assert.Equal(t, []any{"system-admin"}, u["group_ids"])
		assert.Nil(t, u["name"])
		assert.Equal(t, []any{map[string]any{"type": "insecure_example"}}, u["credentials"])
		// The next login of the same credentials finds that user.
		code = h.exampleLogin("new-user")
		r = h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		require.Equal(t, 200, r.Status)
		assert.Len(t, h.users(), len(after))
	})

	t.Run("user_of_new_credentials_gets_the_configured_name", func(t *testing.T) {
		h := newHarness(t, exampleConfig())
		code := h.exampleLogin("test-user")
		r := h.postForm("/auth/token", formOf("client_id", clientID, "grant_type", "authorization_code", "code", code))
		require.Equal(t, 200, r.Status)
		users := h.users()
		require.Len(t, users, 1)
		assert.Equal(t, "Test Name", users[0]["name"])
		assert.Equal(t, false, users[0]["is_owner"])
	})
}

// users lists the users through the embedder call.
func (h *harness) users() []map[string]any {
	h.t.Helper()
	v, err := h.call(core.OpListUsers, nil)
	require.Nil(h.t, err)
	var out []map[string]any
	require.NoError(h.t, json.Unmarshal(v, &out))
	return out
}

// TestCodeStore covers the authorization-code store (§7.6, TOKEN-04).
func TestCodeStore(t *testing.T) {
	exchange := func(h *harness, client, code string) response {
		return h.postForm("/auth/token", formOf("client_id", client, "grant_type", "authorization_code", "code", code))
	}
	const minute = 60 * 1_000_000

	t.Run("TOKEN-04_valid_until_just_before_ten_minutes", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("test-user")
		h.now += 10*minute - 1
		assert.Equal(t, 200, exchange(h, clientID, code).Status)
	})

	t.Run("TOKEN-04_expired_at_ten_minutes", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("test-user")
		h.now += 10 * minute
		r := exchange(h, clientID, code)
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"error":"invalid_request","error_description":"Invalid code"}`, string(r.Body))
	})

	t.Run("single_use_even_when_expired", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("test-user")
		h.now += 10 * minute
		assert.Equal(t, 400, exchange(h, clientID, code).Status)
		// Had the expired attempt left the code in place, a clock set back
		// would make it valid again.
		h.now -= 9 * minute
		assert.Equal(t, 400, exchange(h, clientID, code).Status)
	})

	t.Run("bound_to_its_client_id", func(t *testing.T) {
		h := newFixture(t)
		code := h.exampleLogin("test-user")
		assert.Equal(t, 400, exchange(h, "https://example.com/other", code).Status)
		// A lookup under another client does not use the code up.
		assert.Equal(t, 200, exchange(h, clientID, code).Status)
	})

	t.Run("codes_are_distinct", func(t *testing.T) {
		h := newFixture(t)
		a, b := h.exampleLogin("test-user"), h.exampleLogin("test-user")
		assert.NotEqual(t, a, b)
		assert.Regexp(t, codePattern, a)
		assert.Equal(t, 200, exchange(h, clientID, b).Status)
		assert.Equal(t, 200, exchange(h, clientID, a).Status)
	})
}

// TestTokenRefresh covers grant_type=refresh_token (§7.7).
func TestTokenRefresh(t *testing.T) {
	refresh := func(h *harness, pairs ...string) response {
		return h.postForm("/auth/token", formOf(append([]string{"grant_type", "refresh_token"}, pairs...)...))
	}
	for _, tc := range []struct {
		name   string
		pairs  []string
		status int
		body   string
	}{
		{"invalid_client_id", []string{"client_id", "invalid", "refresh_token", secretOf(tokActive)}, 400,
			`{"error":"invalid_request","error_description":"Invalid client id"}`},
		{"client_id_checked_before_the_token", []string{"client_id", "invalid"}, 400,
			`{"error":"invalid_request","error_description":"Invalid client id"}`},
		{"no_refresh_token", []string{"client_id", clientID}, 400, `{"error":"invalid_request"}`},
		{"unknown_refresh_token", []string{"client_id", clientID, "refresh_token", strings.Repeat("0", 128)}, 400, `{"error":"invalid_grant"}`},
		{"empty_refresh_token", []string{"client_id", clientID, "refresh_token", ""}, 400, `{"error":"invalid_grant"}`},
		{"TOKEN-10_no_client_id", []string{"refresh_token", secretOf(tokActive)}, 400, `{"error":"invalid_request"}`},
		{"TOKEN-10_other_client_id", []string{"client_id", "http://example-different.com", "refresh_token", secretOf(tokActive)}, 400, `{"error":"invalid_request"}`},
		{"TOKEN-09_system_token_with_client_id", []string{"client_id", "https://this-is-not-allowed-for-system-users.com/", "refresh_token", secretOf(tokSystem)}, 400, `{"error":"invalid_request"}`},
		{"TOKEN-20_inactive_user", []string{"client_id", clientID, "refresh_token", secretOf(tokInactive)}, 403,
			`{"error":"access_denied","error_description":"User is not active"}`},
		{"TOKEN-11_local_only_user_from_outside", []string{"client_id", clientID, "refresh_token", secretOf(tokLocal)}, 403,
			`{"error":"access_denied","error_description":"User cannot authenticate remotely"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFixture(t)
			h.remote = "203.0.113.9:4000"
			r := refresh(h, tc.pairs...)
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.body, string(r.Body))
			assert.Equal(t, 1, h.failedLogins())
		})
	}

	success := func(t *testing.T, h *harness, tokenID string, pairs ...string) {
		t.Helper()
		r := refresh(h, pairs...)
		require.Equal(t, 200, r.Status, "%s", r.Body)
		assert.Equal(t, "no-store", r.header("Cache-Control"))
		assert.Equal(t, "no-cache", r.header("Pragma"))
		var body map[string]any
		require.NoError(t, json.Unmarshal(r.Body, &body))
		access, _ := body["access_token"].(string)
		assert.Equal(t, `{"access_token":"`+access+`","token_type":"Bearer","expires_in":1800}`, string(r.Body))
		_, payload := claimsOf(t, access)
		now := h.nowSeconds()
		assert.Equal(t, `{"iss":"`+tokenID+`","iat":`+itoa(now)+`,"exp":`+itoa(now+1800)+`}`, payload)
		api := h.request("GET", "/api/", nil, bearer(access))
		assert.Equal(t, 200, api.Status)
	}

	t.Run("TOKEN-02_TOKEN-10_same_client_id", func(t *testing.T) {
		h := newFixture(t)
		success(t, h, tokActive, "client_id", clientID, "refresh_token", secretOf(tokActive))
	})
	t.Run("TOKEN-09_system_token_without_client_id", func(t *testing.T) {
		h := newFixture(t)
		success(t, h, tokSystem, "refresh_token", secretOf(tokSystem))
	})
	t.Run("TOKEN-11_local_only_user_from_the_local_network", func(t *testing.T) {
		h := newFixture(t)
		success(t, h, tokLocal, "client_id", clientID, "refresh_token", secretOf(tokLocal))
	})
	t.Run("multipart", func(t *testing.T) {
		h := newFixture(t)
		r := h.postMultipart("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", secretOf(tokActive)))
		assert.Equal(t, 200, r.Status, "%s", r.Body)
	})
	t.Run("refresh_tokens_do_not_rotate", func(t *testing.T) {
		h := newFixture(t)
		for i := 0; i < 3; i++ {
			r := refresh(h, "client_id", clientID, "refresh_token", secretOf(tokActive))
			require.Equal(t, 200, r.Status)
			assert.NotContains(t, r.json(t), "refresh_token")
		}
	})
}

// TestTokenOther covers what /auth/token does besides the two grants, and
// /auth/revoke (§7.7, §7.8).
func TestTokenOther(t *testing.T) {
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
	}{
		{"TOKEN-15_no_grant_type", "application/x-www-form-urlencoded", "client_id=x"},
		{"TOKEN-15_unknown_grant_type", "application/x-www-form-urlencoded", "grant_type=password&username=a&password=b"},
		{"TOKEN-15_empty_body", "application/x-www-form-urlencoded", ""},
		{"json_body", "application/json", `{"grant_type":"refresh_token","refresh_token":"` + secretOf(tokActive) + `","client_id":"` + clientID + `"}`},
		{"text_body", "text/plain", "grant_type=refresh_token"},
		{"no_content_type", "", "grant_type=refresh_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFixture(t)
			var hdr []core.Header
			if tc.contentType != "" {
				hdr = append(hdr, core.Header{Name: "content-type", Value: tc.contentType})
			}
			r := h.request("POST", "/auth/token", []byte(tc.body), hdr...)
			assert.Equal(t, 400, r.Status)
			assert.Equal(t, `{"error":"unsupported_grant_type"}`, string(r.Body))
			assert.Equal(t, 1, h.failedLogins())
		})
	}

	t.Run("get_is_405", func(t *testing.T) {
		h := newFixture(t)
		r := h.request("GET", "/auth/token", nil)
		assert.Equal(t, 405, r.Status)
	})

	revoked := func(t *testing.T, h *harness, access string) {
		t.Helper()
		assert.Equal(t, 401, h.request("GET", "/api/", nil, bearer(access)).Status)
		r := h.postForm("/auth/token", formOf("grant_type", "refresh_token", "client_id", clientID, "refresh_token", secretOf(tokActive)))
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, `{"error":"invalid_grant"}`, string(r.Body))
	}

	t.Run("TOKEN-13_action_revoke", func(t *testing.T) {
		h := newFixture(t)
		access := fixtureAccess(tokActive, h.nowSeconds())
		require.Equal(t, 200, h.request("GET", "/api/", nil, bearer(access)).Status)
		r := h.postForm("/auth/token", formOf("action", "revoke", "token", secretOf(tokActive)))
		assert.Equal(t, 200, r.Status)
		assert.Empty(t, r.Body)
		revoked(t, h, access)
	})

	t.Run("action_revoke_wins_over_grant_type", func(t *testing.T) {
		h := newFixture(t)
		r := h.postForm("/auth/token", formOf("action", "revoke", "grant_type", "refresh_token", "client_id", clientID, "refresh_token", secretOf(tokActive), "token", secretOf(tokActive)))
		assert.Equal(t, 200, r.Status)
		assert.Empty(t, r.Body)
		revoked(t, h, fixtureAccess(tokActive, h.nowSeconds()))
	})

	t.Run("TOKEN-14_revoke_endpoint", func(t *testing.T) {
		h := newFixture(t)
		access := fixtureAccess(tokActive, h.nowSeconds())
		r := h.postMultipart("/auth/revoke", formOf("token", secretOf(tokActive)))
		assert.Equal(t, 200, r.Status)
		assert.Empty(t, r.Body)
		revoked(t, h, access)
	})

	for _, tc := range []struct{ name, body string }{
		{"no_token", ""},
		{"unknown_token", "token=" + strings.Repeat("0", 128)},
		{"access_token_is_not_a_refresh_token", "token=" + fixtureAccess(tokActive, t0/1_000_000)},
		{"token_id_is_not_the_token", "token=" + tokActive},
	} {
		t.Run("TOKEN-19_revoke_always_200/"+tc.name, func(t *testing.T) {
			threshold := 1
			h := newFixture(t, func(c *core.Config) { c.HTTP.LoginAttemptsThreshold = &threshold })
			for _, path := range []string{"/auth/revoke", "/auth/token"} {
				body := tc.body
				if path == "/auth/token" {
					body = "action=revoke&" + body
				}
				r := h.request("POST", path, []byte(body), core.Header{Name: "content-type", Value: "application/x-www-form-urlencoded"})
				assert.Equal(t, 200, r.Status)
				assert.Empty(t, r.Body)
				assert.Equal(t, 0, h.failedLogins())
			}
			assert.Empty(t, h.bans)
			// Nothing was revoked.
			assert.Equal(t, 200, h.request("GET", "/api/", nil, bearer(fixtureAccess(tokActive, h.nowSeconds()))).Status)
		})
	}

	t.Run("TOKEN-08_cors_preflight", func(t *testing.T) {
		h := newFixture(t)
		for _, path := range []string{"/auth/token", "/auth/revoke"} {
			r := h.request("OPTIONS", path, nil,
				core.Header{Name: "origin", Value: "http://example.com"},
				core.Header{Name: "access-control-request-method", Value: "POST"})
			assert.Equal(t, 200, r.Status)
			assert.Equal(t, "http://example.com", r.header("Access-Control-Allow-Origin"))
			assert.Equal(t, "POST", r.header("Access-Control-Allow-Methods"))
		}
	})

	t.Run("TOKEN-08_cors_on_the_answer", func(t *testing.T) {
		h := newFixture(t)
		r := h.request("POST", "/auth/token", []byte("grant_type=refresh_token&client_id="+url.QueryEscape(clientID)+"&refresh_token="+secretOf(tokActive)),
			core.Header{Name: "content-type", Value: "application/x-www-form-urlencoded"},
			core.Header{Name: "origin", Value: "http://example.com"})
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, "http://example.com", r.header("Access-Control-Allow-Origin"))
		r = h.request("POST", "/auth/token", []byte("grant_type=x"),
			core.Header{Name: "content-type", Value: "application/x-www-form-urlencoded"},
			core.Header{Name: "origin", Value: "http://example.com"})
		assert.Equal(t, 400, r.Status)
		assert.Equal(t, "http://example.com", r.header("Access-Control-Allow-Origin"))
	})

	t.Run("no_cors_without_origin", func(t *testing.T) {
		h := newFixture(t)
		r := h.postForm("/auth/token", formOf("grant_type", "x"))
		assert.Empty(t, r.header("Access-Control-Allow-Origin"))
	})

	t.Run("cors_only_for_configured_origins_elsewhere", func(t *testing.T) {
		h := newFixture(t)
		r := h.request("OPTIONS", "/auth/login_flow", nil,
			core.Header{Name: "origin", Value: "http://example.com"},
			core.Header{Name: "access-control-request-method", Value: "POST"})
		assert.Equal(t, 403, r.Status)
		r = h.request("OPTIONS", "/auth/login_flow", nil,
			core.Header{Name: "origin", Value: "https://cast.home-assistant.io"},
			core.Header{Name: "access-control-request-method", Value: "POST"})
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, "https://cast.home-assistant.io", r.header("Access-Control-Allow-Origin"))
	})
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
