package pages

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/hassauth/hassauth/core"
)

var authorizeTemplate = parsePage("authorize.html")

// Error texts of the authorize page. The first two are Home Assistant's
// messages for the same refusals.
const (
	errInvalidClientID     = "Invalid client id"
	errInvalidRedirectURI  = "Invalid redirect URI"
	errUnsupportedResponse = "Unsupported response type"
	errNotUTF8             = "Invalid request"
	errUnavailable         = "The server is not available right now. Try again in a moment."
)

// unsafeSchemes are redirect URI schemes that would run code in this
// page's origin or read local data instead of reaching the client. Home
// Assistant's frontend refuses the same ones; a client page fetched during
// the login could otherwise advertise one of them.
var unsafeSchemes = map[string]bool{
	"javascript": true, "data": true, "vbscript": true, "file": true, "about": true, "blob": true, "filesystem": true,
}

// appNames names Home Assistant's own apps, whose client ids are fixed.
var appNames = map[string]string{
	"https://home-assistant.io/iOS":     "the Home Assistant app for iOS",
	"https://home-assistant.io/android": "the Home Assistant app for Android",
}

// authorizeRequest is what the page forwards to the login flow and to the
// redirect; the script reads it from the page instead of the URL, so it
// only ever sees values the server checked.
type authorizeRequest struct {
	// Mode is "login", or "onboarding" while no user exists.
	Mode                string `json:"mode"`
	ClientID            string `json:"client_id"`
	RedirectURI         string `json:"redirect_uri"`
	State               string `json:"state,omitempty"`
	CodeChallenge       string `json:"code_challenge,omitempty"`
	CodeChallengeMethod string `json:"code_challenge_method,omitempty"`
	// Redirect is the core's answer for the redirect_uri:
	// core.RedirectAllowed or core.RedirectNeedsFetch.
	Redirect string `json:"redirect"`
}

type authorizePage struct {
	Title string
	// Error, when set, is all the page shows: no form, no script.
	Error  string
	Detail string
	// Client names who asks for access; empty when the redirect goes back
	// to this server itself.
	Client string
	// App is set when Client is one of Home Assistant's own apps.
	App     bool
	Request authorizeRequest
}

func (p *authorizePage) fail(msg, detail string) {
	p.Title, p.Error, p.Detail = "Can't log in", msg, detail
}

// serveAuthorize is GET /auth/authorize?client_id=&redirect_uri=&state=
// [&response_type=code][&code_challenge=&code_challenge_method=S256].
func (h *Handler) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := authorizeRequest{
		Mode:                "login",
		ClientID:            q.Get("client_id"),
		RedirectURI:         q.Get("redirect_uri"),
		State:               q.Get("state"),
		CodeChallenge:       q.Get("code_challenge"),
		CodeChallengeMethod: q.Get("code_challenge_method"),
	}
	page := &authorizePage{Title: "Log in", Request: req}
	status := h.checkAuthorize(r, page)
	if page.Error == "" {
		if page.Request.Mode == "onboarding" {
			page.Title = "Create your account"
		}
		page.Client, page.App = clientName(req.ClientID, req.RedirectURI, r.Host)
	}
	render(w, authorizeTemplate, status, page)
}

// checkAuthorize validates the request with the core's rules and fills in
// the page's mode, or its error; it returns the HTTP status.
func (h *Handler) checkAuthorize(r *http.Request, page *authorizePage) int {
	req := &page.Request
	// The script gets the parameters as JSON text, which cannot carry
	// invalid UTF-8: it would see (and send back) other values than the
	// client gave, a state that no longer matches, say.
	for _, v := range []string{req.ClientID, req.RedirectURI, req.State, req.CodeChallenge, req.CodeChallengeMethod} {
		if !utf8.ValidString(v) {
			page.fail(errNotUTF8, "")
			return http.StatusBadRequest
		}
	}
	if rt := r.URL.Query().Get("response_type"); rt != "" && rt != "code" {
		page.fail(errUnsupportedResponse, rt)
		return http.StatusBadRequest
	}
	if req.RedirectURI == "" || !safeRedirect(req.RedirectURI) {
		page.fail(errInvalidRedirectURI, req.RedirectURI)
		return http.StatusBadRequest
	}
	args, _ := json.Marshal(map[string]string{"client_id": req.ClientID, "redirect_uri": req.RedirectURI})
	res, err := h.core.Call(r.Context(), core.OpCheckRedirect, args)
	var decision string
	if err == nil {
		err = json.Unmarshal(res, &decision)
	}
	if err != nil {
		page.fail(errUnavailable, "")
		return http.StatusServiceUnavailable
	}
	switch decision {
	case core.RedirectInvalidClientID:
		page.fail(errInvalidClientID, req.ClientID)
		return http.StatusBadRequest
	case core.RedirectAllowed, core.RedirectNeedsFetch:
		req.Redirect = decision
	default:
		page.fail(errInvalidRedirectURI, req.RedirectURI)
		return http.StatusBadRequest
	}
	onboarded, err := h.onboarded(r)
	if err != nil {
		page.fail(errUnavailable, "")
		return http.StatusServiceUnavailable
	}
	if !onboarded {
		req.Mode = "onboarding"
	}
	return http.StatusOK
}

// onboarded asks the core whether the owner exists (the user step is
// done).
func (h *Handler) onboarded(r *http.Request) (bool, error) {
	res, err := h.core.Call(r.Context(), core.OpOnboarding, nil)
	if err != nil {
		return false, err
	}
	var steps []struct {
		Step string `json:"step"`
		Done bool   `json:"done"`
	}
	if err := json.Unmarshal(res, &steps); err != nil {
		return false, err
	}
	for _, s := range steps {
		if s.Step == "user" {
			return s.Done, nil
		}
	}
	return false, nil
}

// safeRedirect refuses redirect URIs that are not absolute or whose scheme
// is one a browser would not send to the client.
func safeRedirect(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return false
	}
	return !unsafeSchemes[strings.ToLower(u.Scheme)]
}

// clientName is how the page names the client asking for access: one of
// Home Assistant's apps by name, any other client by its client_id with the
// host in ASCII (so that a look-alike Unicode name shows as what it is).
// It is empty when the redirect comes back to this server, where the
// person is logging in to the server itself.
func clientName(clientID, redirectURI, host string) (name string, app bool) {
	if n, ok := appNames[clientID]; ok {
		return n, true
	}
	if u, err := url.Parse(redirectURI); err == nil && strings.EqualFold(u.Host, host) {
		return "", false
	}
	u, err := url.Parse(clientID)
	if err != nil {
		return clientID, false
	}
	if ascii, err := idna.Lookup.ToASCII(u.Hostname()); err == nil && ascii != u.Hostname() {
		if p := u.Port(); p != "" {
			ascii += ":" + p
		}
		u.Host = ascii
	}
	return u.String(), false
}
