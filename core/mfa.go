package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// mfaSessionExpiration is how long after a flow's creation an MFA code is
// still accepted (MFA_SESSION_EXPIRATION).
const mfaSessionExpiration = 5 * authstore.Minute

// mfaModule is a multi-factor auth module.
type mfaModule interface {
	id() string
	name() string
	// maxRetry is MAX_RETRY_TIME: wrong codes before the flow aborts.
	maxRetry() int
	// inputForm is the login step's form.
	inputForm() *schema.Schema
	isSetUp(c *Core, userID string) bool
	// initLogin prepares the login step on first display (notify sends a
	// code). It returns the id of an awaited effect, or 0.
	initLogin(c *Core, f *loginFlow) uint64
	// initLoginDone reports whether the awaited preparation succeeded.
	initLoginDone(c *Core, f *loginFlow, res opResult) bool
	// validate checks a login code.
	validate(c *Core, f *loginFlow, userID string, input orjson.Value) bool
	// depose removes the user's setup.
	depose(c *Core, userID string) error
}

// mfaBase holds what every module has.
type mfaBase struct {
	moduleID string
	title    string
	retries  int
}

func (m *mfaBase) id() string                                     { return m.moduleID }
func (m *mfaBase) name() string                                   { return m.title }
func (m *mfaBase) maxRetry() int                                  { return m.retries }
func (m *mfaBase) initLogin(*Core, *loginFlow) uint64             { return 0 }
func (m *mfaBase) initLoginDone(*Core, *loginFlow, opResult) bool { return true }

func (c *Core) mfaModule(id string) mfaModule {
	for _, m := range c.mfa {
		if m.id() == id {
			return m
		}
	}
	return nil
}

// enabledMFA lists, in configuration order, the modules the user set up
// (async_get_enabled_mfa).
func (c *Core) enabledMFA(u *authstore.User) []string {
	var out []string
	for _, m := range c.mfa {
		if m.isSetUp(c, u.ID) {
			out = append(out, m.id())
		}
	}
	return out
}

// stepSelectMFAModule is the select_mfa_module step.
func (c *Core) stepSelectMFAModule(f *loginFlow, input *orjson.Value) stepResult {
	baseErr := ""
	if input != nil {
		choice, _ := input.Get("multi_factor_auth_module")
		for _, id := range f.AvailableMFA {
			if choice.Kind == orjson.String && choice.Str == id {
				f.MFAModule = id
				f.StepID = stepMFA
				return c.stepMFA(f, nil)
			}
		}
		baseErr = errorInvalidAuthModule
	}
	if len(f.AvailableMFA) == 1 {
		f.MFAModule = f.AvailableMFA[0]
		f.StepID = stepMFA
		return c.stepMFA(f, nil)
	}
	opts := make([]schema.Option, 0, len(f.AvailableMFA))
	for _, id := range f.AvailableMFA {
		name := id
		if m := c.mfaModule(id); m != nil {
			name = m.name()
		}
		opts = append(opts, schema.Option{Value: id, Label: name})
	}
	return formResult(stepSelectMFAModule, schema.SelectMFAModule(opts), baseErr)
}

// stepMFA is the mfa step.
func (c *Core) stepMFA(f *loginFlow, input *orjson.Value) stepResult {
	m := c.mfaModule(f.MFAModule)
	if m == nil {
		empty := orjson.Value{Kind: orjson.Object}
		f.StepID = stepSelectMFAModule
		return c.stepSelectMFAModule(f, &empty)
	}
	if input == nil {
		if id := m.initLogin(c, f); id != 0 {
			return suspended(id)
		}
		return c.mfaForm(m, "")
	}
	if c.now > f.CreatedAt+mfaSessionExpiration {
		return abortResult(abortLoginExpired)
	}
	if !m.validate(c, f, f.UserID, *input) {
		f.InvalidMFATimes++
		if max := m.maxRetry(); max > 0 && f.InvalidMFATimes >= max {
			return abortResult(abortTooManyRetry)
		}
		return c.mfaForm(m, errorInvalidCode)
	}
	r := entryResult(orjson.Value{})
	r.credential = f.Credential
	return r
}

// resumeMFA continues the mfa step after its preparation was awaited.
func (c *Core) resumeMFA(f *loginFlow, res opResult) stepResult {
	m := c.mfaModule(f.MFAModule)
	if m == nil || !m.initLoginDone(c, f, res) {
		return abortResult(abortUnknownError)
	}
	return c.mfaForm(m, "")
}

func (c *Core) mfaForm(m mfaModule, baseErr string) stepResult {
	r := formResult(stepMFA, m.inputForm(), baseErr)
	r.placeholders = []orjson.Member{
		{Key: "mfa_module_name", Value: orjson.StringValue(m.name())},
		{Key: "mfa_module_id", Value: orjson.StringValue(m.id())},
	}
	return r
}

// mfaExample is the insecure_example module: PINs from the configuration,
// kept in memory, for tests and demos.
type mfaExample struct {
	mfaBase
	pins map[string]string
	// order keeps the configuration order of users, for determinism.
	order []string
}

func (m *mfaExample) inputForm() *schema.Schema { return schema.MFAPin }

func (m *mfaExample) isSetUp(_ *Core, userID string) bool {
	_, ok := m.pins[userID]
	return ok
}

func (m *mfaExample) validate(_ *Core, _ *loginFlow, userID string, input orjson.Value) bool {
	pin, ok := m.pins[userID]
	if !ok {
		return false
	}
	v, _ := input.Get("pin")
	return v.Kind == orjson.String && constantTimeEqual(v.Str, pin)
}

func (m *mfaExample) depose(_ *Core, userID string) error {
	delete(m.pins, userID)
	return nil
}
