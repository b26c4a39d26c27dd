package core

import (
	"slices"
	"strconv"
	"strings"

	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/otp"
	"github.com/hassauth/hassauth/core/schema"
	"github.com/hassauth/hassauth/core/storage"
)

// The notify module's strings.
const (
	notifyTitle          = "Notify One-Time Password"
	notifyDefaultMessage = "{} is your Home Assistant login code"

	stepSetup = "setup"

	abortNoAvailableService    = "no_available_service"
	abortNotifyServiceNotExist = "notify_service_not_exist"
)

// mfaNotify is the notify module: a one-time HOTP code sent through a
// notification service at each login, the users' services kept in
// .storage/auth_module.notify.
//
// Home Assistant has notify integrations; hassauth has the host's
// notification services, named in Config.NotifyServices, and sends a code
// as a Notify effect whose result the step awaits.
type mfaNotify struct {
	mfaBase
	// include, when not empty, limits the services offered at setup;
	// exclude removes some.
	include []string
	exclude []string
	// message is the configured message split around its "{}": the code
	// goes between each two parts.
	message []string
	users   map[string]*notifySetting
	// order is the stored order of users, which Home Assistant's dict
	// keeps when it writes.
	order []string
}

// notifySetting is a user's service and target; nil is None.
type notifySetting struct {
	service *string
	target  *string
}

func newNotifyModule(id string, mc MFAModuleConfig, key string) (*mfaNotify, error) {
	title := notifyTitle
	if mc.Name != nil {
		title = *mc.Name
	}
	text := notifyDefaultMessage
	if mc.Message != nil {
		text = *mc.Message
	}
	parts, err := parseCodeTemplate(text)
	if err != nil {
		return nil, &ConfigError{Key: key + ".message", Message: err.Error()}
	}
	return &mfaNotify{
		mfaBase: mfaBase{moduleID: id, title: title, retries: 3},
		include: mc.Include,
		exclude: mc.Exclude,
		message: parts,
		users:   map[string]*notifySetting{},
	}, nil
}

// mfaError is an error of the notify module: a message template it
// refuses, or a login step it cannot prepare.
type mfaError string

func (e mfaError) Error() string { return string(e) }

// parseCodeTemplate splits a message template at its replacement fields.
// Home Assistant formats the message with str.format(code), so "{}" and
// "{0}" stand for the code and "{{" and "}}" for braces; any other field
// would fail at login, so it is refused here, with the configuration.
func parseCodeTemplate(s string) ([]string, error) {
	var parts []string
	var cur []byte
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			switch {
			case strings.HasPrefix(s[i:], "{{"):
				cur = append(cur, '{')
				i++
			case strings.HasPrefix(s[i:], "{}"):
				parts = append(parts, string(cur))
				cur = cur[:0]
				i++
			case strings.HasPrefix(s[i:], "{0}"):
				parts = append(parts, string(cur))
				cur = cur[:0]
				i += 2
			default:
				return nil, mfaError("only {} (or {0}) may stand for the code; write {{ and }} for braces")
			}
		case '}':
			if !strings.HasPrefix(s[i:], "}}") {
				return nil, mfaError("single '}' encountered in format string; write }} for a brace")
			}
			cur = append(cur, '}')
			i++
		default:
			cur = append(cur, s[i])
		}
	}
	return append(parts, string(cur)), nil
}

// format puts code into the message.
func (m *mfaNotify) format(code string) string {
	return strings.Join(m.message, code)
}

func (m *mfaNotify) inputForm() *schema.Schema { return schema.MFACode }

func (m *mfaNotify) isSetUp(_ *Core, userID string) bool {
	_, ok := m.users[userID]
	return ok
}

// availableServices lists the services offered at setup: the host's,
// without the excluded ones, limited to the included ones when any are
// configured, sorted (aync_get_available_notify_services).
func (m *mfaNotify) availableServices(c *Core) []string {
	var out []string
	for _, s := range c.cfg.NotifyServices {
		if slices.Contains(m.exclude, s) || len(m.include) > 0 && !slices.Contains(m.include, s) {
			continue
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// notifyService returns the host's service called name. Home Assistant's
// service registry lower-cases the name it is asked for.
func (c *Core) notifyService(name string) (string, bool) {
	for _, s := range c.cfg.NotifyServices {
		if strings.EqualFold(s, name) {
			return s, true
		}
	}
	return "", false
}

// sendCode emits the Notify effect of a code; its result is awaited under
// the returned id. The target goes along only when it is not empty, as in
// Home Assistant's service data.
func (c *Core) sendCode(service string, target *string, message string) uint64 {
	id := c.newID()
	n := &Notify{ID: id, Service: service, Message: message}
	if target != nil {
		n.Target = *target
	}
	c.emit(Effect{Notify: n})
	return id
}

// newHOTP draws a secret and counter for one code.
func (c *Core) newHOTP() (string, uint64, error) {
	secret, err := otp.NewSecret(c.rng)
	if err != nil {
		return "", 0, err
	}
	counter, err := otp.NewCounter(c.rng)
	return secret, counter, err
}

// initLogin sends a fresh code to the user's service. Home Assistant keeps
// one secret per user, so a second login overwrites the first one's code;
// here each flow keeps its own, in its Scratch.
func (m *mfaNotify) initLogin(c *Core, f *loginFlow) (uint64, error) {
	s := m.users[f.UserID]
	if s == nil {
		return 0, mfaError("Cannot find user_id")
	}
	if s.service == nil {
		return 0, mfaError("user " + f.UserID + " has no notify service")
	}
	service, ok := c.notifyService(*s.service)
	if !ok {
		return 0, mfaError("Action notify." + *s.service + " not found")
	}
	secret, counter, err := c.newHOTP()
	if err != nil {
		return 0, err
	}
	code, err := otp.HOTPCode(secret, counter)
	if err != nil {
		return 0, err
	}
	f.Scratch = orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{
		{Key: "secret", Value: orjson.StringValue(secret)},
		{Key: "counter", Value: orjson.StringValue(strconv.FormatUint(counter, 10))},
	}}
	return c.sendCode(service, s.target, m.format(code)), nil
}

func (m *mfaNotify) initLoginDone(c *Core, _ *loginFlow, res opResult) bool {
	if res.notify == nil {
		return false
	}
	if res.notify.Error != "" {
		c.logf(LogError, "Error initializing MFA step: "+res.notify.Error)
		return false
	}
	return true
}

// validate checks a code against the flow's secret and counter.
func (m *mfaNotify) validate(_ *Core, f *loginFlow, userID string, input orjson.Value) bool {
	if m.users[userID] == nil {
		return false
	}
	secret, _ := f.Scratch.Get("secret")
	n, _ := f.Scratch.Get("counter")
	counter, err := strconv.ParseUint(n.Str, 10, 64)
	if secret.Str == "" || err != nil {
		return false
	}
	code, _ := input.Get("code")
	return otp.VerifyHOTP(secret.Str, code.Str, counter)
}

func (m *mfaNotify) depose(c *Core, userID string) error {
	if _, ok := m.users[userID]; !ok {
		return nil
	}
	delete(m.users, userID)
	m.order = slices.DeleteFunc(m.order, func(id string) bool { return id == userID })
	c.saveNotify(m)
	return nil
}

// setUser stores a user's service and target (async_setup_user).
func (m *mfaNotify) setUser(c *Core, userID string, service string, target *string) {
	if _, ok := m.users[userID]; !ok {
		m.order = append(m.order, userID)
	}
	m.users[userID] = &notifySetting{service: &service, target: target}
	c.saveNotify(m)
}

func (m *mfaNotify) load(c *Core, files map[string][]byte) *Fatal {
	b, ok := files[PathNotify]
	if !ok {
		return nil
	}
	d, notices, err := storage.DecodeNotify(b)
	if err != nil {
		return &Fatal{Path: PathNotify, Message: err.Error()}
	}
	c.logNotices(PathNotify, notices)
	for _, u := range d.Users {
		if _, ok := m.users[u.UserID]; !ok {
			m.order = append(m.order, u.UserID)
		}
		m.users[u.UserID] = &notifySetting{service: ptrOf(u.NotifyService), target: ptrOf(u.Target)}
	}
	return nil
}

// saveNotify writes the module's settings at once, as Home Assistant does.
func (c *Core) saveNotify(m *mfaNotify) {
	var d storage.NotifyData
	for _, id := range m.order {
		s := m.users[id]
		d.Users = append(d.Users, storage.NotifyUser{UserID: id, NotifyService: nullOf(s.service), Target: nullOf(s.target)})
	}
	c.emit(Effect{Write: &Write{Path: PathNotify, Data: storage.EncodeNotify(d), Private: true}})
}

// notifySetupSteps are the notify setup flow's steps.
var notifySetupSteps = map[string]func(m *mfaNotify, c *Core, f *mfaSetupFlow, input *orjson.Value) setupResult{
	stepInit:  (*mfaNotify).setupChoose,
	stepSetup: (*mfaNotify).setupCode,
}

func (m *mfaNotify) setupStep(c *Core, f *mfaSetupFlow, input *orjson.Value) setupResult {
	step := notifySetupSteps[f.StepID]
	if step == nil {
		return setupResult{stepResult: abortResult(abortUnknownError)}
	}
	return step(m, c, f, input)
}

// notifyChoice is what the init step needs of its input: its form's keys
// are plain (optional), but the step reads notify_service.
var notifyChoice = &schema.Schema{Fields: []schema.Field{
	schema.Req("notify_service", schema.Str),
	schema.Opt("target", schema.Str),
}}

// notifyChoiceForm is the init step's form: {"notify_service":
// In(services), "target": vol.Optional(str)}. voluptuous_serialize 2.7
// cannot serialize the target's value (a marker used as a validator) and
// Home Assistant then sends no answer; the form here is the one earlier
// versions sent, a plain string field.
func notifyChoiceForm(services []string) *schema.Schema {
	return &schema.Schema{Fields: []schema.Field{
		schema.Key("notify_service", schema.In(services...)),
		schema.Key("target", schema.Str),
	}}
}

// setupChoose is the init step: the choice of service and target, then
// the setup step with a new secret and counter.
func (m *mfaNotify) setupChoose(c *Core, f *mfaSetupFlow, input *orjson.Value) setupResult {
	if filled(input) {
		if _, verr := notifyChoice.Validate(*input); verr != nil {
			return setupError(wsErrInvalidFormat, verr.Humanized(*input))
		}
		service, _ := input.Get("notify_service")
		f.Service = service.Str
		f.Target = nil
		if t, ok := input.Get("target"); ok {
			s := t.Str
			f.Target = &s
		}
		secret, counter, err := c.newHOTP()
		if err != nil {
			return setupError(wsErrUnknownError, wsMsgUnknownError)
		}
		f.Secret, f.Counter = secret, counter
		return m.setupCode(c, f, nil)
	}
	services := m.availableServices(c)
	if len(services) == 0 {
		return setupResult{stepResult: abortResult(abortNoAvailableService)}
	}
	return setupResult{stepResult: formResult(stepInit, notifyChoiceForm(services), "")}
}

// setupCode is the setup step: a right code stores the user's choice; a
// wrong one, or none, sends the code (the same one again) and asks for it.
func (m *mfaNotify) setupCode(c *Core, f *mfaSetupFlow, input *orjson.Value) setupResult {
	f.CodeError = ""
	if filled(input) {
		code, _ := input.Get("code")
		if otp.VerifyHOTP(f.Secret, code.Str, f.Counter) {
			m.setUser(c, f.UserID, f.Service, f.Target)
			return setupResult{stepResult: entryResult(orjson.Value{Kind: orjson.Object})}
		}
		f.CodeError = errorInvalidCode
	}
	code, err := otp.HOTPCode(f.Secret, f.Counter)
	if err != nil {
		return setupError(wsErrUnknownError, wsMsgUnknownError)
	}
	service, ok := c.notifyService(f.Service)
	if !ok {
		return setupResult{stepResult: abortResult(abortNotifyServiceNotExist)}
	}
	return setupResult{stepResult: suspended(c.sendCode(service, f.Target, m.format(code)))}
}

// setupResume shows the setup step's form once its code was sent. A code
// that could not be sent is answered with an error, and the flow stays
// where it was, as in Home Assistant (where the command gets no answer).
// The error's detail goes to the log only: it is the host's, and may name
// a webhook.
func (m *mfaNotify) setupResume(c *Core, f *mfaSetupFlow, res opResult) setupResult {
	if res.notify == nil || res.notify.Error != "" {
		detail := "no result"
		if res.notify != nil {
			detail = res.notify.Error
		}
		c.logf(LogError, "Cannot send the MFA setup code through notify."+f.Service+": "+detail)
		return setupError(wsErrHomeAssistant, "Cannot send the code through notify."+f.Service)
	}
	r := formResult(stepSetup, schema.MFACode, f.CodeError)
	r.placeholders = []orjson.Member{{Key: "notify_service", Value: orjson.StringValue(f.Service)}}
	return setupResult{stepResult: r}
}
