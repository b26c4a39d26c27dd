package scenario

import (
	"strings"

	"github.com/hassauth/hassauth/core"
)

const providersLocal = `{"providers":[{"name":"Home Assistant Local","id":null,"type":"homeassistant"}],"preselect_remember_me":true}`
const providersRemote = `{"providers":[{"name":"Home Assistant Local","id":null,"type":"homeassistant"}],"preselect_remember_me":false}`

const wellKnownRelative = `{"authorization_endpoint":"/auth/authorize","token_endpoint":"/auth/token","revocation_endpoint":"/auth/revoke",` +
	`"response_types_supported":["code"],"service_documentation":"https://developers.home-assistant.io/docs/auth_api",` +
	`"client_id_metadata_document_supported":true,"code_challenge_methods_supported":["S256"]}`

func wellKnownAt(prefix string) string {
	return `{"authorization_endpoint":"` + prefix + `/auth/authorize","token_endpoint":"` + prefix + `/auth/token","revocation_endpoint":"` + prefix + `/auth/revoke",` +
		`"response_types_supported":["code"],"service_documentation":"https://developers.home-assistant.io/docs/auth_api",` +
		`"client_id_metadata_document_supported":true,"code_challenge_methods_supported":["S256"],"issuer":"` + prefix + `"}`
}

func getFrom(s *Session, remote, path string, header ...core.Header) Resp {
	s.r.Helper()
	return s.Do(Req{Method: "GET", Path: path, Remote: &remote, Header: header})
}

func providersFrom(remote, body string) func(s *Session) {
	return func(s *Session) {
		s.JSON(getFrom(s, remote, "/auth/providers"), 200, body)
	}
}

// HTTPSuite covers /auth/providers, the OAuth metadata, routing, CORS and
// the forwarded-header rules.
func HTTPSuite() *Suite {
	urls := baseConfig()
	urls.URLs = []string{"http://homeassistant.local:8123", "https://ha.example.com"}
	proxied := baseConfig()
	proxied.URLs = []string{"https://ha.example.com"}
	proxied.HTTP.UseXForwardedFor = true
	proxied.HTTP.TrustedProxies = []string{"10.0.0.0/8"}

	return &Suite{
		Name:   "http",
		Header: []string{"GET /auth/providers, GET /.well-known/oauth-authorization-server, routing, CORS and X-Forwarded-* handling."},
		Groups: []Group{
			{
				Comment: "Users exist (onboarding done); default configuration.",
				Config:  baseConfig(), Seed: "http main", Fixture: MainFixture,
				Cases: []Case{
					{Name: "LF-02 providers from a private address", Spec: "§7.1", Result: "valid", Flags: []string{"Normal", "HAString"},
						Expect: "200 with the homeassistant provider and preselect_remember_me true for a private address",
						Run:    providersFrom(LocalIP+":50000", providersLocal)},
					{Name: "LF-02 providers from loopback", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "preselect_remember_me is true for 127.0.0.1",
						Run:    providersFrom("127.0.0.1:40000", providersLocal)},
					{Name: "LF-02 providers from IPv6 loopback", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "preselect_remember_me is true for ::1",
						Run:    providersFrom("[::1]:40000", providersLocal)},
					{Name: "LF-02 providers from a public address", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "preselect_remember_me is false for a public IPv4 address",
						Run:    providersFrom(PublicIP+":40000", providersRemote)},
					{Name: "LF-02 providers from a public IPv6 address", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "preselect_remember_me is false for 2001:db8::1",
						Run:    providersFrom("[2001:db8::1]:40000", providersRemote)},
					{Name: "providers without a remote address", Spec: "§7.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 {"message":"Invalid remote IP","code":"invalid_remote_ip"} when the peer has no IP address`,
						Run: func(s *Session) {
							s.JSON(getFrom(s, "", "/auth/providers"), 400, `{"message":"Invalid remote IP","code":"invalid_remote_ip"}`)
						}},
					{Name: "providers answers HEAD like GET", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "HEAD is served by the GET handler with status 200",
						Run: func(s *Session) {
							s.Status(s.Do(Req{Method: "HEAD", Path: "/auth/providers"}), 200)
						}},
					{Name: "well-known metadata with relative endpoints", Spec: "§7.2", Result: "valid", Flags: []string{"Normal", "HAString"},
						Expect: "200 with relative endpoints and no issuer when no URL is configured; PKCE S256 advertised",
						Run: func(s *Session) {
							r := s.Get("/.well-known/oauth-authorization-server", H("host", "homeassistant.local:8123"))
							s.JSON(r, 200, wellKnownRelative)
							s.HeaderIs(r, "Content-Type", "application/json")
						}},
					{Name: "well-known refuses POST", Spec: "§7.2", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "405 Method Not Allowed with an Allow header naming GET",
						Run: func(s *Session) {
							r := s.PostJSON("/.well-known/oauth-authorization-server", `{}`)
							s.Status(r, 405)
							s.True(strings.Contains(r.HeaderValue("Allow"), "GET"), "Allow names GET")
						}},
					{Name: "unknown path", Spec: "§7", Result: "invalid", Flags: []string{"HAString"},
						Expect: `404 "404: Not Found"`,
						Run: func(s *Session) {
							s.Body(s.Get("/auth/nothing-here"), 404, "404: Not Found")
						}},
					{Name: "LF-05 GET /auth/login_flow", Spec: "§7.3", Result: "invalid", Flags: []string{"HAString"},
						Expect: "405 with an empty body",
						Run: func(s *Session) {
							s.Body(s.Get("/auth/login_flow"), 405, "")
						}},
					{Name: "GET /auth/token is not allowed", Spec: "§7.7", Result: "invalid", Flags: []string{"InvalidInput"},
						Expect: "405 with an Allow header naming POST",
						Run: func(s *Session) {
							r := s.Get("/auth/token")
							s.Status(r, 405)
							s.True(strings.Contains(r.HeaderValue("Allow"), "POST"), "Allow names POST")
						}},
					{Name: "TOKEN-08 CORS preflight on /auth/token", Spec: "§7.7", Result: "valid", Flags: []string{"Cors"},
						Expect: "any origin may call the token endpoint: 200 echoing Access-Control-Allow-Origin and -Methods",
						Run: func(s *Session) {
							r := s.Do(Req{Method: "OPTIONS", Path: "/auth/token", Header: []core.Header{
								H("origin", "http://example.com"), H("access-control-request-method", "POST")}})
							s.Status(r, 200)
							s.HeaderIs(r, "Access-Control-Allow-Origin", "http://example.com")
							s.HeaderIs(r, "Access-Control-Allow-Methods", "POST")
						}},
					{Name: "TOKEN-08 token reply carries the CORS origin", Spec: "§7.7", Result: "valid", Flags: []string{"Cors"},
						Expect: "a POST with an Origin gets Access-Control-Allow-Origin echoed, even on an error",
						Run: func(s *Session) {
							r := s.Do(Req{Method: "POST", Path: "/auth/token", Header: []core.Header{
								H("origin", "http://example.com"), H("content-type", "application/x-www-form-urlencoded")}, Body: "grant_type=nope"})
							s.JSON(r, 400, `{"error":"unsupported_grant_type"}`)
							s.HeaderIs(r, "Access-Control-Allow-Origin", "http://example.com")
						}},
					{Name: "CORS preflight from a foreign origin on providers", Spec: "§7", Result: "invalid", Flags: []string{"Cors"},
						Expect: "views without cors_allowed answer only the configured origins: 403 for http://evil.example",
						Run: func(s *Session) {
							r := s.Do(Req{Method: "OPTIONS", Path: "/auth/providers", Header: []core.Header{
								H("origin", "http://evil.example"), H("access-control-request-method", "GET")}})
							s.Status(r, 403)
							s.HeaderIs(r, "Access-Control-Allow-Origin", "")
						}},
					{Name: "CORS preflight from the default cast origin", Spec: "§7", Result: "valid", Flags: []string{"Cors"},
						Expect: "https://cast.home-assistant.io is allowed by default: 200 with the origin echoed",
						Run: func(s *Session) {
							r := s.Do(Req{Method: "OPTIONS", Path: "/auth/providers", Header: []core.Header{
								H("origin", "https://cast.home-assistant.io"), H("access-control-request-method", "GET")}})
							s.Status(r, 200)
							s.HeaderIs(r, "Access-Control-Allow-Origin", "https://cast.home-assistant.io")
						}},
					{Name: "CORS preflight asking for allowed headers", Spec: "§7", Result: "valid", Flags: []string{"Cors"},
						Expect: "content-type and authorization may be requested; both are granted",
						Run: func(s *Session) {
							r := s.Do(Req{Method: "OPTIONS", Path: "/auth/token", Header: []core.Header{
								H("origin", "http://example.com"), H("access-control-request-method", "POST"),
								H("access-control-request-headers", "content-type, authorization")}})
							s.Status(r, 200)
							got := strings.ToLower(r.HeaderValue("Access-Control-Allow-Headers"))
							s.True(strings.Contains(got, "content-type") && strings.Contains(got, "authorization"), "both headers granted")
						}},
					{Name: "CORS preflight asking for a header that is not allowed", Spec: "§7", Result: "invalid", Flags: []string{"Cors"},
						Expect: "403 for a request header outside Home Assistant's list",
						Run: func(s *Session) {
							r := s.Do(Req{Method: "OPTIONS", Path: "/auth/token", Header: []core.Header{
								H("origin", "http://example.com"), H("access-control-request-method", "POST"),
								H("access-control-request-headers", "x-secret")}})
							s.Status(r, 403)
						}},
					{Name: "TOKEN-03 /api/ without a token", Spec: "§9.1", Result: "invalid", Flags: []string{"HAString", "FailedLogin"},
						Expect: `401 "401: Unauthorized", counted as a failed login`,
						Run: func(s *Session) {
							r := s.Get("/api/")
							s.Body(r, 401, "401: Unauthorized")
							s.FailedLogin(r.Effects, 1)
						}},
					{Name: "X-Forwarded-For without use_x_forwarded_for", Spec: "§9.1", Result: "invalid", Flags: []string{"Spoofing", "HAString"},
						Expect: `400 "400: Bad Request": a forwarded header is refused when reverse proxies are not configured`,
						Run: func(s *Session) {
							s.Body(s.Get("/auth/providers", H("x-forwarded-for", "203.0.113.9")), 400, "400: Bad Request")
						}},
				},
			},
			{
				Comment: "No users yet: onboarding is not finished.",
				Config:  baseConfig(), Seed: "http onboarding", Fixture: EmptyFixture,
				Cases: []Case{
					{Name: "LF-04 providers before onboarding", Spec: "§7.1", Result: "invalid", Flags: []string{"HAString"},
						Expect: `400 exactly {"message":"Onboarding not finished","code":"onboarding_required"}`,
						Run: func(s *Session) {
							s.Body(s.Get("/auth/providers"), 400, `{"message":"Onboarding not finished","code":"onboarding_required"}`)
						}},
				},
			},
			{
				Comment: "Internal and external URLs configured.",
				Config:  urls, Seed: "http urls", Fixture: MainFixture,
				Cases: []Case{
					{Name: "well-known at the internal URL", Spec: "§7.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "endpoints are absolute and issuer is set when the request came to a configured URL",
						Run: func(s *Session) {
							s.JSON(s.Get("/.well-known/oauth-authorization-server", H("host", "homeassistant.local:8123")), 200,
								wellKnownAt("http://homeassistant.local:8123"))
						}},
					{Name: "well-known at the external https URL", Spec: "§7.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "an https request to ha.example.com gets https://ha.example.com endpoints",
						Run: func(s *Session) {
							s.JSON(s.Do(Req{Method: "GET", Scheme: "https", Path: "/.well-known/oauth-authorization-server", Header: []core.Header{H("host", "ha.example.com")}}), 200,
								wellKnownAt("https://ha.example.com"))
						}},
					{Name: "well-known at an unknown host", Spec: "§7.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "a Host that matches no configured URL gives relative endpoints without issuer",
						Run: func(s *Session) {
							s.JSON(s.Get("/.well-known/oauth-authorization-server", H("host", "attacker.example")), 200, wellKnownRelative)
						}},
					{Name: "well-known at the external URL over http", Spec: "§7.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "get_url(require_current_request=True) compares only the request's host name: a plain-http request to ha.example.com still gets the configured https://ha.example.com endpoints",
						Run: func(s *Session) {
							s.JSON(s.Get("/.well-known/oauth-authorization-server", H("host", "ha.example.com")), 200, wellKnownAt("https://ha.example.com"))
						}},
				},
			},
			{
				Comment: "Behind a reverse proxy: use_x_forwarded_for with trusted_proxies 10.0.0.0/8.",
				Config:  proxied, Seed: "http proxy", Fixture: MainFixture,
				Cases: []Case{
					{Name: "forwarded public client", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "the client address comes from X-Forwarded-For: a public client gets preselect_remember_me false",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "10.0.0.2:4000", "/auth/providers", H("x-forwarded-for", "203.0.113.9")), 200, providersRemote)
						}},
					{Name: "forwarded local client", Spec: "§7.1", Result: "valid", Flags: []string{"Normal"},
						Expect: "a private forwarded address gets preselect_remember_me true",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "10.0.0.2:4000", "/auth/providers", H("x-forwarded-for", "192.168.1.5")), 200, providersLocal)
						}},
					{Name: "X-Forwarded-For from an untrusted proxy", Spec: "§9.1", Result: "invalid", Flags: []string{"Spoofing", "HAString"},
						Expect: `400 "400: Bad Request" when the peer is not a trusted proxy`,
						Run: func(s *Session) {
							s.Body(getFrom(s, LocalIP+":4000", "/auth/providers", H("x-forwarded-for", "127.0.0.1")), 400, "400: Bad Request")
						}},
					{Name: "X-Forwarded-For with a value that is not an address", Spec: "§9.1", Result: "invalid", Flags: []string{"Spoofing", "InvalidInput"},
						Expect: `400 "400: Bad Request" for an item that is not an IP address`,
						Run: func(s *Session) {
							s.Body(getFrom(s, "10.0.0.2:4000", "/auth/providers", H("x-forwarded-for", "not-an-ip")), 400, "400: Bad Request")
						}},
					{Name: "well-known through the proxy", Spec: "§7.2", Result: "valid", Flags: []string{"Normal"},
						Expect: "X-Forwarded-Proto and X-Forwarded-Host from a trusted proxy select the external URL",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "10.0.0.2:4000", "/.well-known/oauth-authorization-server",
								H("host", "10.0.0.5:8123"), H("x-forwarded-for", "203.0.113.9"), H("x-forwarded-proto", "https"), H("x-forwarded-host", "ha.example.com")),
								200, wellKnownAt("https://ha.example.com"))
						}},
					{Name: "forwarded headers ignored without X-Forwarded-For", Spec: "§7.2", Result: "valid", Flags: []string{"Spoofing"},
						Expect: "X-Forwarded-Host alone changes nothing: relative endpoints",
						Run: func(s *Session) {
							s.JSON(getFrom(s, "10.0.0.2:4000", "/.well-known/oauth-authorization-server",
								H("host", "10.0.0.5:8123"), H("x-forwarded-proto", "https"), H("x-forwarded-host", "ha.example.com")),
								200, wellKnownRelative)
						}},
				},
			},
		},
	}
}
