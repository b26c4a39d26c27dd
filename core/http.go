package core

import (
	"net/netip"
	"strings"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
)

// request is an HTTP request being handled, with what the middlewares
// found out about it.
type request struct {
	*HTTPRequest
	// ip is the client address after the forwarded-header rules; invalid
	// when the peer address is unknown or unparsable.
	ip netip.Addr
	// user and token are set when a Bearer token or a signed path
	// authenticated the request.
	user  *authstore.User
	token *authstore.RefreshToken
	// extra are headers every reply to this request carries (CORS).
	extra []Header
	// fwdScheme and fwdHost replace the request's scheme and host when a
	// trusted proxy forwarded them.
	fwdScheme, fwdHost string
}

func (r *request) header(name string) (string, bool) {
	for _, h := range r.Header {
		if h.Name == name {
			return h.Value, true
		}
	}
	return "", false
}

func (r *request) headers(name string) []string {
	var out []string
	for _, h := range r.Header {
		if h.Name == name {
			out = append(out, h.Value)
		}
	}
	return out
}

// remoteString is request.remote as Home Assistant records it.
func (r *request) remoteString() *string {
	if !r.ip.IsValid() {
		return nil
	}
	s := r.ip.String()
	return &s
}

// route is one endpoint: its handlers by method, and whether it answers
// CORS for every origin (Home Assistant's cors_allowed) or only for the
// configured ones.
type route struct {
	methods map[string]func(c *Core, r *request)
	corsAll bool
}

// routes maps exact paths to endpoints; prefixRoutes holds the endpoints
// with a trailing path parameter.
var routes map[string]*route

var prefixRoutes = map[string]*route{}

func init() {
	routes = map[string]*route{
		"/auth/providers": {methods: map[string]func(*Core, *request){"GET": (*Core).handleProviders}},
		"/auth/login_flow": {methods: map[string]func(*Core, *request){
			"POST": (*Core).handleLoginFlowCreate,
			"GET":  (*Core).handleLoginFlowIndexGet,
		}},
		"/auth/token":  {methods: map[string]func(*Core, *request){"POST": (*Core).handleToken}, corsAll: true},
		"/auth/revoke": {methods: map[string]func(*Core, *request){"POST": (*Core).handleRevoke}, corsAll: true},
		"/.well-known/oauth-authorization-server": {methods: map[string]func(*Core, *request){
			"GET": (*Core).handleWellKnown,
		}},
		"/api/": {methods: map[string]func(*Core, *request){"GET": (*Core).handleAPIStatus}},
	}
	prefixRoutes["/auth/login_flow/"] = &route{methods: map[string]func(*Core, *request){
		"GET":    (*Core).handleLoginFlowGet,
		"POST":   (*Core).handleLoginFlowStep,
		"DELETE": (*Core).handleLoginFlowDelete,
	}}
}

func findRoute(path string) *route {
	if rt, ok := routes[path]; ok {
		return rt
	}
	for prefix, rt := range prefixRoutes {
		if strings.HasPrefix(path, prefix) && len(path) > len(prefix) && !strings.Contains(path[len(prefix):], "/") {
			return rt
		}
	}
	return nil
}

// handleHTTP runs Home Assistant's middlewares (bans, forwarded headers,
// authentication) and then the endpoint.
func (c *Core) handleHTTP(h *HTTPRequest) {
	r := &request{HTTPRequest: h}
	if !c.clientAddr(r) {
		return
	}
	if c.isBanned(r) {
		c.replyText(r, 403, msgForbiddenPlain)
		return
	}
	rt := findRoute(r.Path)
	if rt == nil {
		c.replyText(r, 404, msgNotFoundPlain)
		return
	}
	if r.Method == "OPTIONS" {
		if c.corsPreflight(r, rt) {
			return
		}
	}
	fn := rt.methods[r.Method]
	if fn == nil && r.Method == "HEAD" {
		fn = rt.methods["GET"]
	}
	if fn == nil {
		c.reply(r, 405, []Header{{"Allow", allowHeader(rt)}, {"Content-Type", "text/plain; charset=utf-8"}}, []byte(msgMethodNotAllowedPlain))
		return
	}
	r.extra = c.corsHeaders(r, rt)
	c.authenticate(r)
	fn(c, r)
}

func allowHeader(rt *route) string {
	var ms []string
	for _, m := range []string{"DELETE", "GET", "HEAD", "OPTIONS", "POST"} {
		if rt.methods[m] != nil || (m == "HEAD" && rt.methods["GET"] != nil) {
			ms = append(ms, m)
		}
	}
	return strings.Join(ms, ",")
}

// reply emits the response to r.
func (c *Core) reply(r *request, status int, header []Header, body []byte) {
	if len(r.extra) > 0 {
		header = append(header, r.extra...)
	}
	c.emit(Effect{Reply: &Reply{ID: r.ID, Status: status, Header: header, Body: body}})
}

func (c *Core) replyText(r *request, status int, text string) {
	c.reply(r, status, []Header{{"Content-Type", "text/plain; charset=utf-8"}}, []byte(text))
}

func (c *Core) replyJSON(r *request, status int, body []byte, extra ...Header) {
	h := append([]Header{{"Content-Type", "application/json"}}, extra...)
	c.reply(r, status, h, body)
}

// replyMessage answers Home Assistant's json_message: {"message": msg}
// with an optional "code".
func (c *Core) replyMessage(r *request, status int, msg, code string) {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("message")
	e.String(msg)
	if code != "" {
		e.Key("code")
		e.String(code)
	}
	e.EndObject()
	c.replyJSON(r, status, e.Bytes())
}

// noCache are the headers Home Assistant adds to token responses.
var noCache = []Header{{"Cache-Control", "no-store"}, {"Pragma", "no-cache"}}

// replyOAuthError answers {"error": code[, "error_description": desc]}.
func (c *Core) replyOAuthError(r *request, status int, code, desc string) {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("error")
	e.String(code)
	if desc != "" {
		e.Key("error_description")
		e.String(desc)
	}
	e.EndObject()
	c.replyJSON(r, status, e.Bytes())
}

// handleAPIStatus is GET /api/, the smallest protected endpoint.
func (c *Core) handleAPIStatus(r *request) {
	if r.user == nil {
		c.unauthorized(r)
		return
	}
	c.replyMessage(r, 200, msgAPIRunning, "")
}

// unauthorized answers a protected view reached without authentication,
// which Home Assistant counts as a failed login.
func (c *Core) unauthorized(r *request) {
	c.replyText(r, 401, msgUnauthorizedPlain)
	c.failedLogin(r)
}
