package core

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/hassauth/hassauth/core/form"
	"github.com/hassauth/hassauth/core/orjson"
)

// PKCE S256 (RFC 7636) as Home Assistant's development branch has it: a
// client may register a code challenge when it starts a login flow, and
// must then prove the verifier when it exchanges the code. A verifier for a
// code issued without a challenge is refused, so that a stolen code cannot
// be redeemed by pretending to use PKCE.

// pkceChallenge reads code_challenge and code_challenge_method of a new
// flow. A challenge must be S256's 43 base64url characters and come with
// the method S256; plain is refused.
func (c *Core) pkceChallenge(r *request, in orjson.Value) (string, bool) {
	ch, hasCh := in.Get("code_challenge")
	m, hasM := in.Get("code_challenge_method")
	if !hasCh && !hasM {
		return "", true
	}
	switch {
	case !hasCh:
		c.replyMessage(r, 400, msgFormatIncorrect+"required key not provided @ data['code_challenge']", "")
		return "", false
	case !hasM:
		c.replyMessage(r, 400, msgFormatIncorrect+"required key not provided @ data['code_challenge_method']", "")
		return "", false
	case m.Str != "S256":
		c.replyMessage(r, 400, msgFormatIncorrect+"value must be one of ['S256'] for dictionary value @ data['code_challenge_method']", "")
		return "", false
	case !isChallenge(ch.Str):
		c.replyMessage(r, 400, msgFormatIncorrect+"not a valid value for dictionary value @ data['code_challenge']", "")
		return "", false
	}
	return ch.Str, true
}

func isChallenge(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isB64URL(s[i]) {
			return false
		}
	}
	return true
}

func isB64URL(b byte) bool {
	return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}

// isVerifier checks RFC 7636's code_verifier syntax: 43 to 128 characters
// of [A-Za-z0-9-._~].
func isVerifier(s string) bool {
	if len(s) < 43 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isB64URL(s[i]) && s[i] != '.' && s[i] != '~' {
			return false
		}
	}
	return true
}

// S256Challenge is BASE64URL(SHA256(verifier)) without padding.
func S256Challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkPKCE checks the code_verifier of an authorization-code grant against
// the code's challenge. It answers and returns the status on failure, or 0.
func (c *Core) checkPKCE(r *request, data form.Values, ac *authCode) int {
	verifier, has := data.Get("code_verifier")
	switch {
	case ac.Challenge == "" && !has:
		return 0
	case ac.Challenge == "":
		c.replyOAuthError(r, 400, oauthInvalidRequest, "code_verifier sent for a code issued without code_challenge")
		return 400
	case !has:
		c.replyOAuthError(r, 400, oauthInvalidRequest, "Missing code_verifier")
		return 400
	case !isVerifier(verifier) || subtle.ConstantTimeCompare([]byte(S256Challenge(verifier)), []byte(ac.Challenge)) != 1:
		c.replyOAuthError(r, 400, oauthInvalidGrant, "Invalid code_verifier")
		return 400
	}
	return 0
}
