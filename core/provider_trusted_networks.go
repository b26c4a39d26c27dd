package core

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/network"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// The trusted_networks provider (spec §5.4): passwordless login, as a user
// picked from a list, for clients inside configured networks.

// Texts of the trusted_networks provider.
const (
	// msgUnknownRemoteIP refuses an access token asked for without a
	// request address.
	msgUnknownRemoteIP = "Unknown remote ip can't be used for trusted network provider."
	// msgInvalidUUID4 is cv.uuid4_hex's error for a trusted_users entry.
	msgInvalidUUID4 = "Invalid Version4 UUID"
)

// invalidAuthError is Home Assistant's InvalidAuthError: its text is the
// reason clients see (as error_description at /auth/token).
type invalidAuthError string

func (e invalidAuthError) Error() string { return string(e) }

// errInvalidUser is InvalidUserError: the chosen user does not exist, is a
// system user or is not active.
var errInvalidUser = errors.New("invalid user for the trusted_networks provider")

// trustedNetworksProvider is one configured trusted_networks provider.
type trustedNetworksProvider struct {
	providerBase
	networks network.Networks
	// rules are trusted_users in configuration order; the first whose
	// network holds the client decides who may be picked.
	rules  []trustedUsersRule
	bypass bool
}

// trustedUsersRule limits the users offered to clients in one network.
type trustedUsersRule struct {
	net    netip.Prefix
	users  []string
	groups []string
}

func newTrustedNetworksProvider(pc ProviderConfig, key string) (*trustedNetworksProvider, error) {
	if pc.TrustedNetworks == nil {
		return nil, &ConfigError{Key: key + ".trusted_networks", Message: "required key not provided"}
	}
	p := &trustedNetworksProvider{
		providerBase: providerBase{k: keyOf(pc.Type, pc.ID), title: titleTrustedNetworks},
		bypass:       pc.AllowBypassLogin,
	}
	if pc.Name != nil {
		p.title = *pc.Name
	}
	for i, s := range pc.TrustedNetworks {
		n, err := network.ParseNetwork(s)
		if err != nil {
			return nil, networkConfigError(key+".trusted_networks["+strconv.Itoa(i)+"]", err)
		}
		p.networks = append(p.networks, n)
	}
	for _, tu := range pc.TrustedUsers {
		nk := key + ".trusted_users." + tu.Network
		n, err := network.ParseNetwork(tu.Network)
		if err != nil {
			return nil, networkConfigError(nk, err)
		}
		rule := trustedUsersRule{net: n, users: []string{}, groups: []string{}}
		for j, u := range tu.Users {
			ik := nk + "[" + strconv.Itoa(j) + "]"
			switch {
			case u.Group != "" && u.UserID != "":
				return nil, &ConfigError{Key: ik, Message: "a user id or a group, not both"}
			case u.Group != "":
				rule.groups = append(rule.groups, u.Group)
			default:
				id, ok := uuid4Hex(u.UserID)
				if !ok {
					return nil, &ConfigError{Key: ik, Message: msgInvalidUUID4}
				}
				rule.users = append(rule.users, id)
			}
		}
		// The same network written twice (192.168.0.1 and 192.168.0.1/32)
		// is one dictionary key to Home Assistant: the later list wins, in
		// the earlier place.
		replaced := false
		for i := range p.rules {
			if p.rules[i].net == rule.net {
				p.rules[i], replaced = rule, true
			}
		}
		if !replaced {
			p.rules = append(p.rules, rule)
		}
	}
	return p, nil
}

// networkConfigError names the key of a network that does not parse, with
// Python's ipaddress wording for the problem.
func networkConfigError(key string, err error) *ConfigError {
	var ne *network.NetworkError
	if errors.As(err, &ne) {
		msg := ne.Reason
		if msg == "does not appear to be an IPv4 or IPv6 network" {
			msg = schema.PythonRepr(orjson.StringValue(ne.Item)) + " " + msg
		}
		return &ConfigError{Key: key, Message: msg}
	}
	return &ConfigError{Key: key, Message: err.Error()}
}

// uuid4Hex is cv.uuid4_hex: 32 hexadecimal digits of a version 4, RFC 4122
// variant UUID, in either case; the result is lower case.
func uuid4Hex(s string) (string, bool) {
	if len(s) != 32 {
		return "", false
	}
	b := []byte(s)
	for i, ch := range b {
		switch {
		case ch >= '0' && ch <= '9', ch >= 'a' && ch <= 'f':
		case ch >= 'A' && ch <= 'F':
			b[i] = ch + 'a' - 'A'
		default:
			return "", false
		}
	}
	if b[12] != '4' || (b[16] != '8' && b[16] != '9' && b[16] != 'a' && b[16] != 'b') {
		return "", false
	}
	return string(b), true
}

// access is async_validate_access: the reason the address may not use the
// provider, or "". Requests never come through Home Assistant Cloud here.
func (p *trustedNetworksProvider) access(c *Core, ip netip.Addr) string {
	return network.TrustedNetworksAccess(ip, p.networks, c.forwarded.TrustedProxies, false)
}

// validateAccess lets /auth/providers hide the provider from addresses it
// refuses.
func (p *trustedNetworksProvider) validateAccess(c *Core, ip netip.Addr) error {
	if reason := p.access(c, ip); reason != "" {
		return invalidAuthError(reason)
	}
	return nil
}

// availableUsers are the active, non-system users, narrowed by the first
// trusted_users network that holds ip.
//
// A {group: id} entry offers the members of that group. Home Assistant
// means the same but compares group ids with the characters of the
// configured string, so its group entries match nobody; the spec's rule,
// which is what such a configuration asks for, is followed here.
func (p *trustedNetworksProvider) availableUsers(c *Core, ip netip.Addr) []*authstore.User {
	var users []*authstore.User
	for _, u := range c.store.Users() {
		if !u.SystemGenerated && u.IsActive {
			users = append(users, u)
		}
	}
	probe := ip.WithZone("")
	for _, rule := range p.rules {
		if !rule.net.Contains(probe) {
			continue
		}
		kept := users[:0]
		for _, u := range users {
			if rule.allows(u) {
				kept = append(kept, u)
			}
		}
		return kept
	}
	return users
}

func (r *trustedUsersRule) allows(u *authstore.User) bool {
	for _, id := range r.users {
		if id == u.ID {
			return true
		}
	}
	for _, g := range u.GroupIDs {
		for _, want := range r.groups {
			if g == want {
				return true
			}
		}
	}
	return false
}

func (p *trustedNetworksProvider) init(c *Core, f *loginFlow, input *orjson.Value) stepResult {
	ip, err := network.ParseIP(f.IP)
	if err != nil || p.access(c, ip) != "" {
		return abortResult(abortNotAllowed)
	}
	if input != nil {
		// The form's schema admitted only an offered user.
		user, _ := input.Get("user")
		return entryResult(stringObject("user", user.Str))
	}
	users := p.availableUsers(c, ip)
	if p.bypass && len(users) == 1 {
		return entryResult(stringObject("user", users[0].ID))
	}
	options := make([]schema.Option, len(users))
	for i, u := range users {
		// A user without a name is offered with an empty label where Home
		// Assistant writes null.
		options[i] = schema.Option{Value: u.ID}
		if u.Name != nil {
			options[i].Label = *u.Name
		}
	}
	r := formResult(stepInit, schema.TrustedNetworksUser(options), "")
	r.errorsEmpty = false // the form is shown without errors: null
	return r
}

// credentials are {"user_id": id}, linked to the user at once: the provider
// logs in existing users only.
func (p *trustedNetworksProvider) credentials(c *Core, data orjson.Value) (*authstore.Credential, error) {
	v, _ := data.Get("user")
	u := c.store.User(v.Str)
	if u == nil || u.SystemGenerated || !u.IsActive {
		return nil, errInvalidUser
	}
	if cred := c.findCredential(p.k, "user_id", u.ID); cred != nil {
		return cred, nil
	}
	cred := c.newCredential(p.k, stringObject("user_id", u.ID))
	if err := c.store.LinkCredential(u, cred); err != nil {
		return nil, err
	}
	c.authChanged()
	return cred, nil
}

// meta is never asked for: the provider's credentials are never new.
func (p *trustedNetworksProvider) meta(*Core, *authstore.Credential) userMeta {
	return userMeta{IsActive: true}
}

// validateRefreshToken re-checks the client address each time an access
// token is made from one of the provider's refresh tokens.
func (p *trustedNetworksProvider) validateRefreshToken(c *Core, _ *authstore.RefreshToken, remote *string) error {
	if remote == nil {
		return invalidAuthError(msgUnknownRemoteIP)
	}
	ip, err := network.ParseIP(*remote)
	if err != nil {
		return err
	}
	return p.validateAccess(c, ip)
}
