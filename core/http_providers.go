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

// currentURL is get_url(require_current_request=True): the configured base
// URL the request was sent to, or "".
func (c *Core) currentURL(r *request) string {
	host, _ := r.header("host")
	if r.fwdHost == "" && host == "" {
		return ""
	}
	scheme := r.Scheme
	if scheme == "" {
		scheme = "http"
	}
	if r.fwdScheme != "" {
		scheme = r.fwdScheme
	}
	if r.fwdHost != "" {
		host = r.fwdHost
	}
	want := strings.ToLower(scheme + "://" + host)
	for _, u := range c.cfg.URLs {
		base := strings.TrimRight(u, "/")
		if strings.ToLower(base) == want || strings.ToLower(defaultPort(base)) == want {
			return base
		}
	}
	return ""
}

// defaultPort adds the scheme's default port to a base URL without one, so
// that http://h matches a request to h:80.
func defaultPort(base string) string {
	scheme, rest, ok := strings.Cut(base, "://")
	if !ok || strings.Contains(rest, ":") && !strings.HasSuffix(rest, "]") {
		return base
	}
	switch scheme {
	case "http":
		return base + ":80"
	case "https":
		return base + ":443"
	}
	return base
}
