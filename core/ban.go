package core

import (
	"net/netip"

	"github.com/hassauth/hassauth/core/storage"
)

// bans is Home Assistant's ban middleware state: failed logins per client
// address and the banned addresses.
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
// request.
func (c *Core) isBanned(r *request) bool {
	return c.banEnabled() && r.ip.IsValid() && c.bans.banned[r.ip]
}

// failedLogin is process_wrong_login: a log line, and with automatic bans
// on, one more strike for the client address; at the threshold the address
// is banned. Configured trusted proxies are never banned.
func (c *Core) failedLogin(r *request) {
	addr := "unknown"
	if r.ip.IsValid() {
		addr = r.ip.String()
	}
	ua, _ := r.header("user-agent")
	url := r.Path
	if r.Query != "" {
		url += "?" + r.Query
	}
	c.logf(LogWarning, "Login attempt or request with invalid authentication from "+addr+" ("+addr+"). Requested URL: '"+url+"'. ("+ua+")")
	threshold := c.loginThreshold()
	if !c.banEnabled() || threshold < 1 || !r.ip.IsValid() || c.forwarded.BanExempt(r.ip) {
		return
	}
	c.bans.failed[r.ip]++
	if c.bans.failed[r.ip] >= threshold && !c.bans.banned[r.ip] {
		c.bans.banned[r.ip] = true
		c.emit(Effect{Ban: &Ban{IP: r.ip.String(), BannedAt: storage.FormatTime(c.now)}})
		c.logf(LogWarning, "Banned IP "+r.ip.String()+" for too many login attempts")
	}
}

// successLogin is process_success_login: the address's strikes are
// forgotten; a ban stays.
func (c *Core) successLogin(r *request) {
	if r.ip.IsValid() {
		delete(c.bans.failed, r.ip)
	}
}
