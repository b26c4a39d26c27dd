package native

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/hassauth/hassauth/core"
)

// What Home Assistant's auth component offers the rest of Home Assistant,
// as typed calls for Go programs: checking access tokens on their own
// endpoints, issuing authorization codes (onboarding), managing users.
// Each is one core.Op through Call.

// TokenInfo is what a valid access token stands for.
type TokenInfo struct {
	UserID         string  `json:"user_id"`
	RefreshTokenID string  `json:"refresh_token_id"`
	IsAdmin        bool    `json:"is_admin"`
	IsOwner        bool    `json:"is_owner"`
	Name           *string `json:"name"`
}

// ErrInvalidToken is returned for an access token that does not
// authenticate: unknown, expired, tampered, revoked, or its user inactive.
var ErrInvalidToken = errors.New("native: invalid access token")

// ValidateAccessToken checks an access token as Home Assistant's
// async_validate_access_token does.
func (h *Host) ValidateAccessToken(ctx context.Context, token string) (TokenInfo, error) {
	args, _ := json.Marshal(map[string]string{"token": token})
	out, err := h.Call(ctx, core.OpValidateAccessToken, args)
	var ce *core.CallError
	if errors.As(err, &ce) && ce.Code == core.CallInvalidToken {
		return TokenInfo{}, ErrInvalidToken
	}
	if err != nil {
		return TokenInfo{}, err
	}
	var info TokenInfo
	err = json.Unmarshal(out, &info)
	return info, err
}

// CreateAuthCode is create_auth_code(client_id, credential): an
// authorization code for the credential of a homeassistant-provider login,
// exchanged at /auth/token like a login flow's (onboarding logs its new
// owner in this way).
func (h *Host) CreateAuthCode(ctx context.Context, clientID, username string) (string, error) {
	args, _ := json.Marshal(map[string]string{"client_id": clientID, "username": username})
	out, err := h.Call(ctx, core.OpCreateAuthCode, args)
	if err != nil {
		return "", err
	}
	var code string
	err = json.Unmarshal(out, &code)
	return code, err
}

type tokenInfoKey struct{}

// TokenInfoFrom returns the token a RequireAuth handler let through.
func TokenInfoFrom(ctx context.Context) (TokenInfo, bool) {
	info, ok := ctx.Value(tokenInfoKey{}).(TokenInfo)
	return info, ok
}

// RequireAuth wraps an embedder's handler the way Home Assistant protects
// its views: a request without a valid "Authorization: Bearer" access
// token gets 401 "401: Unauthorized"; one with gets through with its
// TokenInfo in the context. (It does not count failed logins: the auth
// endpoints the Host serves do.)
func (h *Host) RequireAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || scheme != "Bearer" {
			http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
			return
		}
		info, err := h.ValidateAccessToken(r.Context(), token)
		if errors.Is(err, ErrInvalidToken) {
			http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
			return
		}
		if err != nil {
			http.Error(w, "503: Service Unavailable", http.StatusServiceUnavailable)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenInfoKey{}, info)))
	})
}
