package core

import (
	"net/netip"

	"github.com/hassauth/hassauth/core/authstore"
)

// Limits on login flows, which Home Assistant keeps without bound: a flow
// lives an hour at most, a client address has at most maxFlowsPerIP open,
// and the whole core at most maxFlows; beyond them the oldest go first. An
// IPv6 client counts by its /64, since one client commonly holds a whole
// /64 and could otherwise open flows from as many addresses as it likes.
const (
	flowLifetime  = 60 * authstore.Minute
	maxFlowsPerIP = 32
	maxFlows      = 4096
)

func (c *Core) flowExpired(f *loginFlow) bool {
	if c.now-f.CreatedAt < flowLifetime {
		return false
	}
	delete(c.flows, f.ID)
	return true
}

// sweepFlows makes room for a new flow from ip.
func (c *Core) sweepFlows(ip string) {
	var oldest, oldestForIP *loginFlow
	perIP := 0
	net := flowNet(ip)
	for _, f := range c.flows {
		if c.now-f.CreatedAt >= flowLifetime {
			delete(c.flows, f.ID)
			continue
		}
		if oldest == nil || older(f, oldest) {
			oldest = f
		}
		if f.IP == ip || net.IsValid() && inNet(net, f.IP) {
			perIP++
			if oldestForIP == nil || older(f, oldestForIP) {
				oldestForIP = f
			}
		}
	}
	if perIP >= maxFlowsPerIP {
		delete(c.flows, oldestForIP.ID)
	} else if len(c.flows) >= maxFlows {
		delete(c.flows, oldest.ID)
	}
}

func older(a, b *loginFlow) bool {
	if a.CreatedAt != b.CreatedAt {
		return a.CreatedAt < b.CreatedAt
	}
	return a.ID < b.ID
}

// flowNet is the /64 of an IPv6 client address, which its flows count
// against together; invalid for IPv4, whose flows count by address.
func flowNet(ip string) netip.Prefix {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return netip.Prefix{}
	}
	p, _ := a.Prefix(64)
	return p
}

func inNet(p netip.Prefix, ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && p.Contains(a)
}
