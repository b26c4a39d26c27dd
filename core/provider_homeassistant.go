package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/password"
	"github.com/hassauth/hassauth/core/schema"
)

// haUser is one entry of .storage/auth_provider.homeassistant: a username
// and base64 of its bcrypt hash, as stored.
type haUser struct {
	Username string
	Password string
}

// homeAssistantProvider is the homeassistant provider: local usernames and
// bcrypt passwords.
type homeAssistantProvider struct {
	providerBase
}

func newHomeAssistantProvider(name *string) *homeAssistantProvider {
	title := titleHomeAssistant
	if name != nil {
		title = *name
	}
	return &homeAssistantProvider{providerBase{k: providerKey{Type: "homeassistant"}, title: title, mfa: true}}
}

func (p *homeAssistantProvider) init(c *Core, f *loginFlow, input *orjson.Value) stepResult {
	if input == nil {
		return formResult(stepInit, schema.HomeAssistantLogin, "")
	}
	user, _ := input.Get("username")
	pass, _ := input.Get("password")
	f.Scratch = stringObject("username", user.Str)
	id, known := c.checkPassword(user.Str, pass.Str)
	f.UnknownUser = !known
	return suspended(id)
}

func (p *homeAssistantProvider) resume(c *Core, f *loginFlow, res opResult) stepResult {
	if f.UnknownUser || res.work == nil || !res.work.Match {
		return formResult(stepInit, schema.HomeAssistantLogin, errorInvalidAuth)
	}
	// The entry's data is the input without the password: the username as
	// typed.
	return entryResult(f.Scratch)
}

// checkPassword asks for the bcrypt check of username's password, or of a
// dummy hash when no stored user matches, so that unknown users cost the
// same time. Every stored user is compared. known is false when the check
// is the dummy one, whose result does not count.
func (c *Core) checkPassword(username, pw string) (id uint64, known bool) {
	want := password.NormalizeUsername(username)
	var found *haUser
	for i := range c.haUsers {
		if password.NormalizeUsername(c.haUsers[i].Username) == want {
			found = &c.haUsers[i]
		}
	}
	w := &Work{ID: c.newID(), Kind: WorkCheckPassword, Password: "foo", Hash: password.DummyHash}
	if found != nil {
		if h, err := password.DecodeStored(found.Password); err == nil {
			w.Password, w.Hash, known = pw, h, true
		}
	}
	c.emit(Effect{Work: w})
	return w.ID, known
}

func (p *homeAssistantProvider) credentials(c *Core, data orjson.Value) (*authstore.Credential, error) {
	v, _ := data.Get("username")
	username := password.NormalizeUsername(v.Str)
	for _, u := range c.store.Users() {
		for _, cr := range u.Credentials {
			if keyOf(cr.ProviderType, cr.ProviderID) != p.k {
				continue
			}
			if s, ok := cr.DataString("username"); ok && password.NormalizeUsername(s) == username {
				return cr, nil
			}
		}
	}
	return c.newCredential(p.k, stringObject("username", username)), nil
}

func (p *homeAssistantProvider) meta(_ *Core, cred *authstore.Credential) userMeta {
	name, _ := cred.DataString("username")
	return userMeta{Name: &name, IsActive: true}
}

func (p *homeAssistantProvider) removeCredentials(c *Core, cred *authstore.Credential) error {
	name, ok := cred.DataString("username")
	if !ok {
		return nil
	}
	// A credential whose provider user is already gone is not an error here.
	_ = c.haRemoveUser(name)
	return nil
}

// haFind returns the index of the stored user with a matching username.
func (c *Core) haFind(username string) int {
	want := password.NormalizeUsername(username)
	for i, u := range c.haUsers {
		if password.NormalizeUsername(u.Username) == want {
			return i
		}
	}
	return -1
}

// haRemoveUser deletes a username and its password (async_remove_auth).
func (c *Core) haRemoveUser(username string) error {
	i := c.haFind(username)
	if i < 0 {
		return password.UserNotFound()
	}
	c.haUsers = append(c.haUsers[:i], c.haUsers[i+1:]...)
	c.saveProviderNow()
	return nil
}

// exampleProvider is the insecure_example provider: users and passwords
// from the configuration, for tests and demos.
type exampleProvider struct {
	providerBase
	users []ExampleUser
}

func (p *exampleProvider) init(c *Core, f *loginFlow, input *orjson.Value) stepResult {
	if input == nil {
		r := formResult(stepInit, schema.HomeAssistantLogin, "")
		r.errorsEmpty = false // errors is None on first display
		return r
	}
	user, _ := input.Get("username")
	pass, _ := input.Get("password")
	if p.find(user.Str, pass.Str) == nil {
		return formResult(stepInit, schema.HomeAssistantLogin, errorInvalidAuth)
	}
	return entryResult(stringObject("username", user.Str))
}

// find compares every configured user in constant time.
func (p *exampleProvider) find(username, pw string) *ExampleUser {
	var found *ExampleUser
	for i := range p.users {
		u := &p.users[i]
		if constantTimeEqual(u.Username, username) {
			found = u
		}
	}
	if found == nil {
		constantTimeEqual(pw, "dummy")
		return nil
	}
	if !constantTimeEqual(found.Password, pw) {
		return nil
	}
	return found
}

func (p *exampleProvider) credentials(c *Core, data orjson.Value) (*authstore.Credential, error) {
	v, _ := data.Get("username")
	for _, u := range c.store.Users() {
		for _, cr := range u.Credentials {
			if keyOf(cr.ProviderType, cr.ProviderID) != p.k {
				continue
			}
			if s, ok := cr.DataString("username"); ok && s == v.Str {
				return cr, nil
			}
		}
	}
	return c.newCredential(p.k, stringObject("username", v.Str)), nil
}

func (p *exampleProvider) meta(_ *Core, cred *authstore.Credential) userMeta {
	name, _ := cred.DataString("username")
	for _, u := range p.users {
		if u.Username == name {
			return userMeta{Name: u.Name, IsActive: true}
		}
	}
	return userMeta{IsActive: true}
}
