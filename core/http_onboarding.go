package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// Home Assistant's onboarding API, reduced to what an auth server has: the
// user step, which creates the owner and hands the caller an authorization
// code. Onboarding is done once a non-system user exists, the same test
// /auth/providers makes; Home Assistant's other steps (core_config,
// analytics, integration) configure parts of Home Assistant this server does
// not have, so they are reported with the user step's state.

// OpOnboarding answers what GET /api/onboarding answers (the steps and
// whether each is done), for a host's pages that decide what to show
// before any request reaches the core.
const OpOnboarding = "onboarding"

// Home Assistant's onboarding steps, in its order.
var onboardingSteps = []string{"user", "core_config", "analytics", "integration"}

const msgUserStepDone = "User step already done"

// onboardingUsersSchema is the body of POST /api/onboarding/users.
var onboardingUsersSchema = &schema.Schema{Fields: []schema.Field{
	schema.Req("name", schema.Str),
	schema.Req("username", schema.Str),
	schema.Req("password", schema.Str),
	schema.Req("client_id", schema.Str),
	schema.Req("language", schema.Str),
}}

func init() {
	routes["/api/onboarding"] = &route{methods: map[string]func(*Core, *request){
		"GET": (*Core).handleOnboardingStatus,
	}}
	routes["/api/onboarding/users"] = &route{methods: map[string]func(*Core, *request){
		"POST": (*Core).handleOnboardingUsers,
	}}
	callHandlers[OpOnboarding] = func(c *Core, call *Call, _ orjson.Value) {
		c.callResult(call.ID, c.onboardingJSON())
	}
}

// onboarded reports whether the user step is done.
func (c *Core) onboarded() bool { return c.store.HasNonSystemUser() }

func (c *Core) onboardingJSON() []byte {
	done := c.onboarded()
	e := orjson.NewEncoder(nil, false)
	e.BeginArray()
	for _, s := range onboardingSteps {
		e.BeginObject()
		e.Key("step")
		e.String(s)
		e.Key("done")
		e.Bool(done)
		e.EndObject()
	}
	e.EndArray()
	return e.Bytes()
}

// handleOnboardingStatus is GET /api/onboarding (no auth).
func (c *Core) handleOnboardingStatus(r *request) {
	c.replyJSON(r, 200, c.onboardingJSON())
}

// handleOnboardingUsers is POST /api/onboarding/users (no auth): it creates
// the owner, an administrator with a homeassistant-provider login, and
// answers {"auth_code": ...} for the given client_id. The body is checked
// before whether the step is done, as Home Assistant's validator runs first.
func (c *Core) handleOnboardingUsers(r *request) {
	body, ok := c.parseJSONBody(r)
	if !ok {
		return
	}
	in, verr := onboardingUsersSchema.Validate(body)
	if verr != nil {
		c.replyMessage(r, 400, msgFormatIncorrect+verr.Message(), "")
		return
	}
	if c.onboarded() {
		c.replyMessage(r, 403, msgUserStepDone, "")
		return
	}
	if c.providerByKey(providerKey{Type: "homeassistant"}) == nil {
		// Home Assistant fails the same way: the owner's login needs the
		// homeassistant provider.
		c.logf(LogError, "Onboarding needs the homeassistant auth provider, which is not configured")
		c.replyText(r, 500, msgInternalErrorPlain)
		return
	}
	name, username, pw, clientID := str(in, "name"), str(in, "username"), str(in, "password"), str(in, "client_id")
	// Home Assistant creates the user before add_auth refuses the username
	// (a 500 that leaves a user without a login); checking first leaves
	// nothing behind and tells the person why.
	if err := c.checkNewUsername(username); err != nil {
		c.replyMessage(r, 400, err.Error(), "")
		return
	}
	c.hashPassword(pw, func(c *Core, stored string, ok bool) {
		switch {
		case !ok:
			c.replyText(r, 500, msgInternalErrorPlain)
			return
		case c.onboarded():
			// Another request finished the step while this hash ran.
			c.replyMessage(r, 403, msgUserStepDone, "")
			return
		}
		if err := c.checkNewUsername(username); err != nil {
			c.replyMessage(r, 400, err.Error(), "")
			return
		}
		u, err := c.store.CreateUser(c.rng, &name, []string{authstore.GroupAdmin}, false)
		if err != nil {
			c.replyText(r, 500, msgInternalErrorPlain)
			return
		}
		c.haUsers = append(c.haUsers, haUser{Username: username, Password: stored})
		c.saveProviderNow()
		cred := c.newCredential(providerKey{Type: "homeassistant"}, stringObject("username", username))
		_ = c.store.LinkCredential(u, cred)
		c.authChanged()
		code := c.storeResult(clientID, cred, "")
		e := orjson.NewEncoder(nil, false)
		e.BeginObject()
		e.Key("auth_code")
		e.String(code)
		e.EndObject()
		c.replyJSON(r, 200, e.Bytes())
	})
}
