package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// mfaSessionExpiration is how long after a flow's creation an MFA code is
// still accepted (MFA_SESSION_EXPIRATION).
const mfaSessionExpiration = 5 * authstore.Minute

// mfaModule is a multi-factor auth module: its part in the login flow and
// its setup flow (mfasetup.go).
type mfaModule interface {
	id() string
	name() string
	// maxRetry is MAX_RETRY_TIME: wrong codes before the flow aborts.
	maxRetry() int
	// inputForm is the login step's form.
	inputForm() *schema.Schema
	isSetUp(c *Core, userID string) bool
	// initLogin prepares the login step on first display (notify sends a
	// code). It returns the id of an awaited effect, or 0; an error aborts
	// the flow with unknown_error.
	initLogin(c *Core, f *loginFlow) (uint64, error)
	// initLoginDone reports whether the awaited preparation succeeded.
	initLoginDone(c *Core, f *loginFlow, res opResult) bool
	// validate checks a login code.
	validate(c *Core, f *loginFlow, userID string, input orjson.Value) bool
	// depose removes the user's setup.
	depose(c *Core, userID string) error
	// setupStep runs the setup flow's current step, f.StepID, with the
	// validated input (nil when the step is shown without input).
	setupStep(c *Core, f *mfaSetupFlow, input *orjson.Value) setupResult
	// setupResume continues a setup step that awaited an effect.
	setupResume(c *Core, f *mfaSetupFlow, res opResult) setupResult
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
func (m *mfaBase) initLogin(*Core, *loginFlow) (uint64, error)    { return 0, nil }
func (m *mfaBase) initLoginDone(*Core, *loginFlow, opResult) bool { return true }
func (m *mfaBase) setupResume(*Core, *mfaSetupFlow, opResult) setupResult {
	return setupResult{stepResult: abortResult(abortUnknownError)}
}

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
		// Modules come from the configuration, so the chosen one cannot
		// vanish; Home Assistant would go back to the selection, which with
		// one module selects it again without end.
		return abortResult(abortUnknownError)
	}
	if input == nil {
		id, err := m.initLogin(c, f)
		if err != nil {
			c.logf(LogError, "Error initializing MFA step: "+err.Error())
			return abortResult(abortUnknownError)
		}
		if id != 0 {
			return suspended(id)
		}
		return c.mfaForm(m, "")
	}
	// The session counts from the flow's creation, not from the password.
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
	// data is the configured list, which setup changes in place as Home
	// Assistant does; a user may appear more than once, and any of their
	// PINs is accepted.
	data []ExamplePIN
}

func newExampleModule(id string, name *string, data []ExamplePIN) *mfaExample {
	title := "Insecure Personal Identify Number"
	if name != nil {
		title = *name
	}
	return &mfaExample{mfaBase: mfaBase{moduleID: id, title: title, retries: 3}, data: append([]ExamplePIN(nil), data...)}
}

func (m *mfaExample) inputForm() *schema.Schema { return schema.MFAPin }

func (m *mfaExample) isSetUp(_ *Core, userID string) bool {
	for _, d := range m.data {
		if d.UserID == userID {
			return true
		}
	}
	return false
}

func (m *mfaExample) validate(_ *Core, _ *loginFlow, userID string, input orjson.Value) bool {
	v, _ := input.Get("pin")
	if v.Kind != orjson.String {
		return false
	}
	ok := false
	for _, d := range m.data {
		if d.UserID == userID && constantTimeEqual(v.Str, d.PIN) {
			ok = true
		}
	}
	return ok
}

func (m *mfaExample) depose(_ *Core, userID string) error {
	for i, d := range m.data {
		if d.UserID == userID {
			m.data = append(m.data[:i], m.data[i+1:]...)
			break
		}
	}
	return nil
}

// setUser sets the user's PIN: the first entry for the user is changed, or
// a new one added (async_setup_user).
func (m *mfaExample) setUser(userID, pin string) {
	for i := range m.data {
		if m.data[i].UserID == userID {
			m.data[i].PIN = pin
			return
		}
	}
	m.data = append(m.data, ExamplePIN{UserID: userID, PIN: pin})
}

// setupStep is the base setup flow's one step, init: the PIN form, and
// with a PIN the setup, whose result is null.
func (m *mfaExample) setupStep(_ *Core, f *mfaSetupFlow, input *orjson.Value) setupResult {
	if !filled(input) {
		return setupResult{stepResult: formResult(stepInit, schema.MFAPin, "")}
	}
	pin, _ := input.Get("pin")
	m.setUser(f.UserID, pin.Str)
	return setupResult{stepResult: entryResult(resultObject(orjson.Value{Kind: orjson.Null}))}
}
