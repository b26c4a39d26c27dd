package scenario

import (
	"github.com/hassauth/hassauth/core"
)

const attacker = PublicIP + ":40000"

// badRefresh posts a refresh with an unknown token from addr.
func (s *Session) badRefresh(addr string) Resp {
	s.r.Helper()
	return s.PostFormFrom(addr, "/auth/token", "grant_type", "refresh_token", "refresh_token", "guess", "client_id", ClientID)
}

// banned asserts that addr gets 403 "403: Forbidden" on any endpoint.
func (s *Session) banned(addr string) {
	s.r.Helper()
	s.Body(getFrom(s, addr, "/auth/providers"), 403, "403: Forbidden")
	s.Body(s.PostFormFrom(addr, "/auth/token", "grant_type", "refresh_token", "refresh_token", AliceRT.Secret(), "client_id", ClientID), 403, "403: Forbidden")
}

// banOf asserts one Ban of ip at the session's time.
func (s *Session) banOf(effects []core.Effect, ip string) {
	s.r.Helper()
	s.Equal(Bans(effects), []core.Ban{{IP: ip, BannedAt: "2026-09-01T10:00:00+00:00"}}, "ban")
}

// BansSuite covers failed-login counting and IP bans.
func BansSuite() *Suite {
	two := 2
	one := 1
	off := false
	threshold := baseConfig()
	threshold.HTTP.LoginAttemptsThreshold = &two
	disabled := baseConfig()
	disabled.HTTP.LoginAttemptsThreshold = &one
	disabled.HTTP.IPBanEnabled = &off
	proxied := baseConfig()
	proxied.HTTP.LoginAttemptsThreshold = &one
	proxied.HTTP.UseXForwardedFor = true
	proxied.HTTP.TrustedProxies = []string{"10.0.0.0/8"}
	return &Suite{
		Name:   "bans",
		Header: []string{"process_wrong_login and the ban middleware: what counts as a failed login, the threshold, banned addresses, exemptions."},
		Groups: []Group{
			{
				Comment: "login_attempts_threshold 2.",
				Config:  threshold, Seed: "bans threshold", Fixture: MainFixture,
				Cases: []Case{
					{Name: "two bad refreshes ban the address", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban", "FailedLogin"},
						Expect: "the first is a 400, the second a 400 with a Ban of the address stamped now; afterwards every request from it gets 403 \"403: Forbidden\"",
						Run: func(s *Session) {
							s.Equal(len(Bans(s.badRefresh(attacker).Effects)), 0, "no ban yet")
							r := s.badRefresh(attacker)
							s.JSON(r, 400, errInvalidGrant)
							s.banOf(r.Effects, PublicIP)
							s.banned(attacker)
						}},
					{Name: "a ban is per address", Spec: "§9.4", Result: "valid", Flags: []string{"Ban"},
						Expect: "after the attacker is banned, the LAN still refreshes",
						Run: func(s *Session) {
							s.badRefresh(attacker)
							s.badRefresh(attacker)
							s.Refresh(AliceRT.Secret(), ClientID)
						}},
					{Name: "a successful login resets the count", Spec: "§9.4", Result: "valid", Flags: []string{"Ban", "FailedLogin"},
						Expect: "bad refresh, a completed login flow from the same address, bad refresh: no ban",
						Run: func(s *Session) {
							s.Remote = attacker
							s.badRefresh(attacker)
							s.Login(Alice)
							s.Equal(len(Bans(s.badRefresh(attacker).Effects)), 0, "no ban")
							s.JSON(s.Get("/auth/providers"), 200, providersRemote)
						}},
					{Name: "wrong passwords in a login flow ban", Spec: "§7.5", Result: "invalid", Flags: []string{"Ban", "FailedLogin"},
						Expect: "each invalid_auth form counts although its status is 200: the second bans",
						Run: func(s *Session) {
							s.Remote = attacker
							id := s.StartFlow()
							s.Equal(len(Bans(s.LoginStep(id, "alice", "guess-1").Effects)), 0, "no ban yet")
							r := s.LoginStep(id, "alice", "guess-2")
							s.JSON(r, 200, LoginForm(id, haHandler, `{"base":"invalid_auth"}`))
							s.banOf(r.Effects, PublicIP)
							s.banned(attacker)
						}},
					{Name: "401s on /api/ ban", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban", "FailedLogin"},
						Expect: "two requests with a bad bearer token: the second bans",
						Run: func(s *Session) {
							getFrom(s, attacker, "/api/", H("authorization", "Bearer incorrect"))
							s.banOf(getFrom(s, attacker, "/api/", H("authorization", "Bearer incorrect")).Effects, PublicIP)
						}},
					{Name: "websocket auth failures ban", Spec: "§10.1", Result: "invalid", Flags: []string{"Ban", "Websocket"},
						Expect: "two auth_invalid answers ban the address; its next websocket is closed before auth_required",
						Run: func(s *Session) {
							s.Remote = attacker
							s.WSOpen(1)
							s.WSSend(1, `{"type":"auth","access_token":"incorrect"}`)
							s.WSOpen(2)
							s.banOf(s.WSSend(2, `{"type":"auth","access_token":"incorrect"}`), PublicIP)
							e := s.WSOpen(3)
							s.Equal(len(Sends(e, 3)), 0, "no auth_required")
							s.closed(e, 3)
						}},
					{Name: "malformed login-flow bodies do not count", Spec: "§7", Result: "valid", Flags: []string{"FailedLogin"},
						Expect: "schema failures are not failed logins: three of them, no ban",
						Run: func(s *Session) {
							for i := 0; i < 3; i++ {
								r := s.PostJSONFrom(attacker, "/auth/login_flow", `{"client_id":1}`)
								s.Status(r, 400)
								s.FailedLogin(r.Effects, 0)
							}
							s.JSON(getFrom(s, attacker, "/auth/providers"), 200, providersRemote)
						}},
					{Name: "revokes do not count", Spec: "§7.8", Result: "valid", Flags: []string{"FailedLogin"},
						Expect: "revoking unknown tokens is never a failed login",
						Run: func(s *Session) {
							for i := 0; i < 3; i++ {
								s.FailedLogin(s.PostFormFrom(attacker, "/auth/revoke", "token", "guess").Effects, 0)
							}
							s.JSON(getFrom(s, attacker, "/auth/providers"), 200, providersRemote)
						}},
				},
			},
			{
				Comment: "An address banned in ip_bans.yaml.",
				Config:  threshold, Seed: "bans loaded", Fixture: MainFixture,
				Bans: []core.Ban{{IP: PublicIP, BannedAt: "2026-08-01T00:00:00+00:00"}},
				Cases: []Case{
					{Name: "an address banned before the start", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban"},
						Expect: "403 on every request from it, 200 from elsewhere",
						Run: func(s *Session) {
							s.banned(attacker)
							s.JSON(s.Get("/auth/providers"), 200, providersLocal)
						}},
					{Name: "a banned address's websocket", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban", "Websocket"},
						Expect: "closed before auth_required",
						Run: func(s *Session) {
							s.Remote = attacker
							e := s.WSOpen(1)
							s.Equal(len(Sends(e, 1)), 0, "no auth_required")
							s.closed(e, 1)
						}},
				},
			},
			{
				Comment: "ip_ban_enabled false with login_attempts_threshold 1, and an address in ip_bans.yaml.",
				Config:  disabled, Seed: "bans disabled", Fixture: MainFixture,
				Bans: []core.Ban{{IP: "203.0.113.7"}},
				Cases: []Case{
					{Name: "bans disabled", Spec: "§9.4", Result: "valid", Flags: []string{"Ban"},
						Expect: "failed logins ban nobody, and stored bans are not enforced",
						Run: func(s *Session) {
							r := s.badRefresh(attacker)
							s.FailedLogin(r.Effects, 1)
							s.Equal(len(Bans(r.Effects)), 0, "no ban")
							s.JSON(getFrom(s, attacker, "/auth/providers"), 200, providersRemote)
							s.JSON(getFrom(s, "203.0.113.7:1", "/auth/providers"), 200, providersRemote)
						}},
				},
			},
			{
				Comment: "Behind trusted proxies 10.0.0.0/8 with login_attempts_threshold 1.",
				Config:  proxied, Seed: "bans proxied", Fixture: MainFixture,
				Cases: []Case{
					{Name: "a trusted proxy is never banned", Spec: "§9.4", Result: "valid", Flags: []string{"Ban", "Spoofing"},
						Expect: "a failed login from the proxy itself counts but does not ban it",
						Run: func(s *Session) {
							r := s.badRefresh("10.0.0.2:4000")
							s.FailedLogin(r.Effects, 1)
							s.Equal(len(Bans(r.Effects)), 0, "no ban")
							s.JSON(getFrom(s, "10.0.0.2:4000", "/auth/providers"), 200, providersLocal)
						}},
					{Name: "the forwarded client is banned", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban"},
						Expect: "the client named by X-Forwarded-For is banned, and the proxy still serves others",
						Run: func(s *Session) {
							xff := H("x-forwarded-for", "203.0.113.9")
							r := s.Do(Req{Method: "POST", Path: "/auth/token", Remote: strPtr("10.0.0.2:4000"), Body: Form("grant_type", "refresh_token", "refresh_token", "guess", "client_id", ClientID),
								Header: []core.Header{H("content-type", "application/x-www-form-urlencoded"), xff}})
							s.banOf(r.Effects, "203.0.113.9")
							s.Body(getFrom(s, "10.0.0.2:4000", "/auth/providers", xff), 403, "403: Forbidden")
							s.JSON(getFrom(s, "10.0.0.2:4000", "/auth/providers", H("x-forwarded-for", "192.168.1.5")), 200, providersLocal)
						}},
				},
			},
			upgradeGroup(threshold),
		},
	}
}

// upgrade requests the websocket upgrade of /api/websocket from addr.
func (s *Session) upgrade(method, addr string, header ...core.Header) Resp {
	s.r.Helper()
	return s.Do(Req{Method: method, Path: "/api/websocket", Remote: &addr, Header: header})
}

// upgradeGroup covers the HTTP request that upgrades to a websocket: Home
// Assistant's middlewares (bans, forwarded headers) run on it like on any
// other request.
func upgradeGroup(threshold core.Config) Group {
	return Group{
		Comment: "login_attempts_threshold 2: the websocket upgrade request.",
		Config:  threshold, Seed: "bans upgrade", Fixture: MainFixture,
		Cases: []Case{
			{Name: "the upgrade is allowed", Spec: "§10.1", Result: "valid", Flags: []string{"Websocket", "Normal"},
				Expect: "GET /api/websocket needs no auth: 101 with no body, for the host to complete the upgrade",
				Run: func(s *Session) {
					r := s.upgrade("GET", attacker)
					s.Status(r, 101)
					s.Equal(len(r.Body), 0, "no body")
				}},
			{Name: "a banned address cannot upgrade", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban", "Websocket", "HAString"},
				Expect: "after two failed refreshes ban the attacker, its upgrade request gets 403 \"403: Forbidden\" before any websocket exists; the LAN still upgrades",
				Run: func(s *Session) {
					s.badRefresh(attacker)
					s.banOf(s.badRefresh(attacker).Effects, PublicIP)
					s.Body(s.upgrade("GET", attacker), 403, "403: Forbidden")
					s.Status(s.upgrade("GET", LocalIP+":5000"), 101)
				}},
			{Name: "websocket auth failures ban the upgrade", Spec: "§9.4", Result: "invalid", Flags: []string{"Ban", "Websocket"},
				Expect: "two auth_invalid answers ban the address: its next upgrade request gets 403",
				Run: func(s *Session) {
					s.Remote = attacker
					for conn := uint64(1); conn <= 2; conn++ {
						s.WSOpen(conn)
						s.WSSend(conn, `{"type":"auth","access_token":"incorrect"}`)
					}
					s.Body(s.upgrade("GET", attacker), 403, "403: Forbidden")
				}},
			{Name: "an upgrade with an untrusted X-Forwarded-For", Spec: "§9.1", Result: "invalid", Flags: []string{"Spoofing", "Websocket", "HAString"},
				Expect: "no proxies are configured: 400 \"400: Bad Request\" and no websocket",
				Run: func(s *Session) {
					s.Body(s.upgrade("GET", LocalIP+":5000", H("x-forwarded-for", "203.0.113.9")), 400, "400: Bad Request")
				}},
			{Name: "HEAD on the websocket endpoint", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket"},
				Expect: "a HEAD cannot be upgraded: 405 allowing GET",
				Run: func(s *Session) {
					r := s.upgrade("HEAD", LocalIP+":5000")
					s.Status(r, 405)
					s.HeaderIs(r, "Allow", "GET")
				}},
			{Name: "a banned address's websocket open", Spec: "§9.4", Result: "acceptable", Flags: []string{"Ban", "Websocket", "HassauthChoice"},
				Expect: "Home Assistant refuses the upgrade itself; a connection from a banned address that reaches ws_open anyway (a host that upgraded without asking) is closed with 1008 and no auth_required",
				Run: func(s *Session) {
					s.badRefresh(attacker)
					s.badRefresh(attacker)
					s.Remote = attacker
					e := s.WSOpen(1)
					s.Equal(len(Sends(e, 1)), 0, "no auth_required")
					c := Closes(e, 1)
					s.True(len(c) == 1 && c[0].Code == 1008, "closed with 1008")
				}},
		},
	}
}

func strPtr(v string) *string { return &v }
