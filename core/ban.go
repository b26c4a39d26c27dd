package core

import (
	"net/netip"

	"github.com/hassauth/hassauth/core/storage"
)

// bans is Home Assistant's ban middleware state (http.ban, spec §9.4):
// failed logins per client address and the banned addresses.
//
// What counts as a failed login: a login form answered with invalid_auth
// or invalid_code, any 401, any 4xx from /auth/token, an invalid redirect
// URI at the end of a login, and a websocket auth_invalid. A successful
// login (a login flow's code, a websocket auth_ok) forgets the address's
// count; nothing lifts a ban but editing ip_bans.yaml.
type bans struct {
	failed map[netip.Addr]int
	banned map[netip.Addr]bool
}

func (c *Core) banEnabled() bool {
	return c.cfg.HTTP.IPBanEnabled == nil || *c.cfg.HTTP.IPBanEnabled
}

func (c *Core) loginThreshold() int {
	if c.cfg.HTTP.LoginAttemptsThreshold == nil {
		return -1
	}
	return *c.cfg.HTTP.LoginAttemptsThreshold
}

// isBanned answers the ban middleware: banned addresses get 403 on every
// request. A configured trusted proxy is never treated as banned, even if
// ip_bans.yaml lists it (from before it was a proxy): every client behind
// it would be locked out.
func (c *Core) isBanned(r *request) bool {
	return c.addrBanned(r.ip)
}

func (c *Core) addrBanned(ip netip.Addr) bool {
	return c.banEnabled() && ip.IsValid() && c.bans.banned[ip] && !c.forwarded.BanExempt(ip)
}

// failedLogin is process_wrong_login: a log line, and with automatic bans
// on, one more strike for the client address; at the threshold the address
// is banned and the ban is appended to ip_bans.yaml. Configured trusted
// proxies are never banned (where Home Assistant exempts only the
// Supervisor's address).
func (c *Core) failedLogin(r *request) {
	addr := "unknown"
	if r.ip.IsValid() {
		addr = r.ip.String()
	}
	ua, _ := r.header("user-agent")
	url := r.Path
	if r.Query != "" {
		url += "?" + redactQuery(r.Query)
	}
	// Home Assistant names the host by reverse DNS, which a pure core cannot
	// do: the address stands in for it.
	c.logf(LogWarning, "Login attempt or request with invalid authentication from "+addr+" ("+addr+"). Requested URL: '"+url+"'. ("+ua+")")
	threshold := c.loginThreshold()
	if !c.banEnabled() || threshold < 1 || !r.ip.IsValid() {
		return
	}
	c.bans.failed[r.ip]++
	if c.forwarded.BanExempt(r.ip) || c.bans.failed[r.ip] < threshold {
		return
	}
	c.logf(LogWarning, "Banned IP "+addr+" for too many login attempts")
	if !c.bans.banned[r.ip] {
		c.bans.banned[r.ip] = true
		c.emitBeforeReply(r, Effect{Ban: &Ban{IP: addr, BannedAt: storage.FormatTime(c.now)}})
	}
}

// emitBeforeReply emits e ahead of the reply to r when that reply is
// already out: Home Assistant records a ban before it answers the request
// that caused it, so a client never sees the answer of a request whose
// ban a crash could lose.
func (c *Core) emitBeforeReply(r *request, e Effect) {
	if r.HTTPRequest != nil && r.ID != 0 {
		for i := len(c.out) - 1; i >= 0; i-- {
			if rep := c.out[i].Reply; rep != nil && rep.ID == r.ID {
				c.out = append(c.out, Effect{})
				copy(c.out[i+1:], c.out[i:])
				c.out[i] = e
				return
			}
		}
	}
	c.emit(e)
}

// successLogin is process_success_login: the address's strikes are
// forgotten; a ban stays.
func (c *Core) successLogin(r *request) {
	if r.ip.IsValid() && c.banEnabled() && c.loginThreshold() >= 1 {
		delete(c.bans.failed, r.ip)
	}
}
