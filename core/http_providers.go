package core

import (
	"net/netip"
	"strings"

	"github.com/hassauth/hassauth/core/network"
	"github.com/hassauth/hassauth/core/orjson"
)

// accessChecker is a provider that can refuse a client address outright
// (trusted_networks); /auth/providers hides such a provider from addresses
// it refuses.
type accessChecker interface {
	validateAccess(c *Core, ip netip.Addr) error
}

// handleProviders is GET /auth/providers.
func (c *Core) handleProviders(r *request) {
	if !c.store.HasNonSystemUser() {
		c.replyMessage(r, 400, msgOnboardingNotFinished, codeOnboardingRequired)
		return
	}
	if !r.ip.IsValid() {
		c.replyMessage(r, 400, msgInvalidRemoteIP, codeInvalidRemoteIP)
		return
	}
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("providers")
	e.BeginArray()
	for _, p := range c.providers {
		if ac, ok := p.(accessChecker); ok && ac.validateAccess(c, r.ip) != nil {
			continue
		}
		e.BeginObject()
		e.Key("name")
		e.String(p.name())
		e.Key("id")
		e.StringOrNull(p.key().id())
		e.Key("type")
		e.String(p.key().Type)
		e.EndObject()
	}
	e.EndArray()
	e.Key("preselect_remember_me")
	e.Bool(network.IsLocal(r.ip))
	e.EndObject()
	c.replyJSON(r, 200, e.Bytes())
}

// handleWellKnown is GET /.well-known/oauth-authorization-server (RFC 8414).
// Endpoints are absolute, with an issuer, only when the request came to one
// of the server's configured URLs; otherwise they are relative.
func (c *Core) handleWellKnown(r *request) {
	prefix := c.currentURL(r)
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("authorization_endpoint")
	e.String(prefix + "/auth/authorize")
	e.Key("token_endpoint")
	e.String(prefix + "/auth/token")
	e.Key("revocation_endpoint")
	e.String(prefix + "/auth/revoke")
	e.Key("response_types_supported")
	e.BeginArray()
	e.String("code")
	e.EndArray()
	e.Key("service_documentation")
	e.String(serviceDocumentation)
	e.Key("client_id_metadata_document_supported")
	e.Bool(true)
	e.Key("code_challenge_methods_supported")
	e.BeginArray()
	e.String("S256")
	e.EndArray()
	if prefix != "" {
		e.Key("issuer")
		e.String(prefix)
	}
	e.EndObject()
	c.replyJSON(r, 200, e.Bytes())
}

// currentURL is get_url(require_current_request=True): the first
// configured base URL whose host is the host the request was sent to, or "".
// Home Assistant compares host names only, not schemes or ports, and answers
// with the configured URL, normalized (no trailing slash, no default port).
func (c *Core) currentURL(r *request) string {
	host, _ := r.header("host")
	if r.fwdHost != "" {
		host = r.fwdHost
	}
	want := hostName(host)
	if want == "" {
		return ""
	}
	for _, u := range c.cfg.URLs {
		_, rest, ok := strings.Cut(u, "://")
		if !ok {
			continue
		}
		authority, _, _ := strings.Cut(rest, "/")
		if _, hp, ok := strings.Cut(authority, "@"); ok {
			authority = hp
		}
		if hostName(authority) == want {
			return normalizeURL(u)
		}
	}
	return ""
}

// hostName is the host of a Host header or URL authority: without the
// port, IPv6 brackets removed, lower case (yarl's URL.host).
func hostName(authority string) string {
	h := authority
	if strings.HasPrefix(h, "[") {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return ""
		}
		h = h[1:end]
	} else if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return strings.ToLower(h)
}

// normalizeURL is normalize_url: no trailing slash, and no port when it is
// the scheme's default. Configured URLs have no path.
func normalizeURL(u string) string {
	u = strings.TrimRight(u, "/")
	switch scheme, _, _ := strings.Cut(u, "://"); strings.ToLower(scheme) {
	case "http":
		return strings.TrimSuffix(u, ":80")
	case "https":
		return strings.TrimSuffix(u, ":443")
	}
	return u
}
