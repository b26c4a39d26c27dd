package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
)

// providerKey identifies a provider as Home Assistant does: (type, id).
type providerKey struct {
	Type string
	// ID is empty with HasID false for the default id (None).
	ID    string
	HasID bool
}

func (k providerKey) id() *string {
	if !k.HasID {
		return nil
	}
	s := k.ID
	return &s
}

func keyOf(typ string, id *string) providerKey {
	if id == nil {
		return providerKey{Type: typ}
	}
	return providerKey{Type: typ, ID: *id, HasID: true}
}

// userMeta is what a provider says about the user of new credentials.
type userMeta struct {
	Name     *string
	IsActive bool
	// Group is the group for the new user; empty means system-admin.
	Group     string
	LocalOnly bool
}

// provider is an auth provider: its login flow's first step and its
// credentials. The rest of the flow (MFA, finishing) is common.
type provider interface {
	key() providerKey
	// name is the provider's configured name or its title.
	name() string
	supportsMFA() bool
	// init runs the flow's "init" step; input is nil on first display. It
	// returns the step result, or suspended when it emitted an effect
	// registered with c.await for this flow.
	init(c *Core, f *loginFlow, input *orjson.Value) stepResult
	// resume continues an init step that awaited an effect.
	resume(c *Core, f *loginFlow, res opResult) stepResult
	// credentials finds or makes the credentials for a finished flow's data.
	credentials(c *Core, data orjson.Value) (*authstore.Credential, error)
	meta(c *Core, cred *authstore.Credential) userMeta
	// validateRefreshToken may veto issuing an access token (trusted_networks).
	validateRefreshToken(c *Core, rt *authstore.RefreshToken, remote *string) error
	// removeCredentials runs before a user's credentials are removed.
	removeCredentials(c *Core, cred *authstore.Credential) error
}

// providerBase holds what every provider has.
type providerBase struct {
	k     providerKey
	title string
	mfa   bool
}

func (p *providerBase) key() providerKey  { return p.k }
func (p *providerBase) name() string      { return p.title }
func (p *providerBase) supportsMFA() bool { return p.mfa }
func (p *providerBase) resume(c *Core, f *loginFlow, res opResult) stepResult {
	return abortResult(abortUnknownError)
}
func (p *providerBase) validateRefreshToken(*Core, *authstore.RefreshToken, *string) error {
	return nil
}
func (p *providerBase) removeCredentials(*Core, *authstore.Credential) error { return nil }

// findCredential returns the stored credential of provider p whose data
// member key equals value.
func (c *Core) findCredential(k providerKey, key, value string) *authstore.Credential {
	for _, u := range c.store.Users() {
		for _, cr := range u.Credentials {
			if keyOf(cr.ProviderType, cr.ProviderID) != k {
				continue
			}
			if v, ok := cr.DataString(key); ok && v == value {
				return cr
			}
		}
	}
	return nil
}

// newCredential makes unsaved credentials for provider k
// (async_create_credentials).
func (c *Core) newCredential(k providerKey, data orjson.Value) *authstore.Credential {
	return &authstore.Credential{
		ID:           authstore.NewID(c.rng),
		ProviderType: k.Type,
		ProviderID:   k.id(),
		Data:         data,
		IsNew:        true,
	}
}

func (c *Core) providerByKey(k providerKey) provider {
	for _, p := range c.providers {
		if p.key() == k {
			return p
		}
	}
	return nil
}

func stringObject(key, value string) orjson.Value {
	return orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: key, Value: orjson.StringValue(value)}}}
}
