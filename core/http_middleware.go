package core

import (
	"net/netip"
	"strings"

	"github.com/hassauth/hassauth/core/network"
)

// clientAddr applies the forwarded middleware: the client address is the
// peer's, or with use_x_forwarded_for the one a trusted proxy reports. A
// forwarded header Home Assistant would not accept is answered with its 400
// and the request goes no further.
func (c *Core) clientAddr(r *request) bool {
	peer, err := network.ParseAddr(r.Remote)
	if err != nil {
		// An unknown peer (a Unix socket) has no address; endpoints that
		// need one answer for themselves.
		peer = netip.Addr{}
	}
	cl, ferr := c.forwarded.Resolve(peer, network.Headers{
		For:   r.headers("x-forwarded-for"),
		Proto: r.headers("x-forwarded-proto"),
		Host:  r.headers("x-forwarded-host"),
	})
	if ferr != nil {
		c.logf(LogError, ferr.Log)
		c.replyText(r, ferr.Status, ferr.Body)
		return false
	}
	r.ip = cl.Addr
	r.fwdScheme, r.fwdHost = cl.Scheme, cl.Host
	return true
}

// allowedCORSHeaders are the request headers a CORS preflight may ask for.
var allowedCORSHeaders = []string{"origin", "accept", "x-requested-with", "content-type", "authorization"}

func (c *Core) corsOriginAllowed(origin string, rt *route) bool {
	if rt.corsAll {
		return true
	}
	origins := c.cfg.HTTP.CORSAllowedOrigins
	if origins == nil {
		origins = []string{"https://cast.home-assistant.io"}
	}
	for _, o := range origins {
		if o == origin {
			return true
		}
	}
	return false
}

// corsHeaders are the headers that let an allowed origin read the reply.
func (c *Core) corsHeaders(r *request, rt *route) []Header {
	origin, ok := r.header("origin")
	if !ok || !c.corsOriginAllowed(origin, rt) {
		return nil
	}
	return []Header{{"Access-Control-Allow-Origin", origin}}
}

// corsPreflight answers an OPTIONS preflight; it returns false for an
// OPTIONS request that is not one.
func (c *Core) corsPreflight(r *request, rt *route) bool {
	origin, hasOrigin := r.header("origin")
	method, hasMethod := r.header("access-control-request-method")
	if !hasOrigin || !hasMethod {
		return false
	}
	if !c.corsOriginAllowed(origin, rt) {
		c.replyText(r, 403, "CORS preflight request failed: origin '"+origin+"' is not allowed")
		return true
	}
	var asked []string
	if h, ok := r.header("access-control-request-headers"); ok {
		for _, name := range strings.Split(h, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "" {
				continue
			}
			allowed := false
			for _, a := range allowedCORSHeaders {
				if a == name {
					allowed = true
				}
			}
			if !allowed {
				c.replyText(r, 403, "CORS preflight request failed: headers are not allowed: "+strings.ToUpper(name))
				return true
			}
			asked = append(asked, strings.ToUpper(name))
		}
	}
	h := []Header{{"Access-Control-Allow-Origin", origin}, {"Access-Control-Allow-Methods", method}}
	if len(asked) > 0 {
		h = append(h, Header{"Access-Control-Allow-Headers", strings.Join(asked, ",")})
	}
	c.reply(r, 200, h, nil)
	return true
}

func init() {
	routes["/api/websocket"] = &route{methods: map[string]func(*Core, *request){"GET": (*Core).handleWebsocketUpgrade}}
}

// handleWebsocketUpgrade is the HTTP half of /api/websocket. Home
// Assistant's middlewares run on the upgrade request like on any other, so a
// forwarded header it refuses gets its 400 and a banned address its 403
// before any websocket exists. Once they let the request through, 101 tells
// the host to complete the upgrade and report the connection with WSOpen.
func (c *Core) handleWebsocketUpgrade(r *request) {
	if r.Method != "GET" {
		// HEAD reaches every GET route; it can never be upgraded.
		c.reply(r, 405, []Header{{"Allow", "GET"}, {"Content-Type", "text/plain; charset=utf-8"}}, []byte(msgMethodNotAllowedPlain))
		return
	}
	c.reply(r, 101, nil, nil)
}
