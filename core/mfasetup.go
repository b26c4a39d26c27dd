package core

import (
	"encoding/hex"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// MFA setup flows: Home Assistant's MfaFlowManager, driven by
// auth/setup_mfa (ws_mfa.go). A flow belongs to the user who started it and
// runs the module's setup steps:
//
//	module            step   input                      next
//	insecure_example  init   none                       form init {pin}
//	                  init   {pin}                      create_entry {"result": null}
//	totp              init   none                       form init {code}, new secret, url, qr_code
//	                  init   {code}, right now          create_entry {"result": <secret>}
//	                  init   {code}, wrong              form init, invalid_code, same secret
//	notify            init   none                       form init {notify_service, target}
//	                                                    or abort no_available_service
//	                  init   {notify_service, target?}  new secret and counter, code sent, form setup {code}
//	                  setup  {code}, right              create_entry {}
//	                  setup  {code}, wrong              code sent again, form setup, invalid_code
//	                  either step, service gone         abort notify_service_not_exist
//
// Home Assistant keeps setup flows until they finish, without bound; here a
// flow expires setupFlowLifetime after its last step, a user has at most
// maxSetupFlowsPerUser and the core maxSetupFlows, the oldest going first.
const (
	setupFlowLifetime    = 30 * authstore.Minute
	maxSetupFlowsPerUser = 8
	maxSetupFlows        = 1024
)

// mfaSetupFlow is one setup flow in progress.
type mfaSetupFlow struct {
	// ID is 32 hex digits, like Home Assistant's flow ids
	// (uuid_util.random_uuid_hex).
	ID       string
	ModuleID string
	UserID   string
	// StepID and Form are the step and form last shown; input is checked
	// against Form.
	StepID string
	Form   *schema.Schema
	// Touched is when the flow last ran a step.
	Touched int64
	// Busy is set while a step awaits an effect (a code being sent).
	Busy bool

	// Module state between steps: the secret shown or sent (totp, notify),
	// the provisioning URI and QR code (totp), and the HOTP counter, chosen
	// service and target (notify; Target nil is None).
	Secret  string
	URL     string
	QRCode  string
	Counter uint64
	Service string
	Target  *string
	// CodeError is the error the notify setup step shows once its code
	// has been sent.
	CodeError string
}

// setupResult is what a setup step gave: a flow result, or an error answer
// that leaves the flow as it was.
type setupResult struct {
	stepResult
	errCode string
	errMsg  string
}

func setupError(code, msg string) setupResult { return setupResult{errCode: code, errMsg: msg} }

// filled reports whether a step's input is there and not empty: Home
// Assistant's steps test "if user_input:", so {} is no input.
func filled(input *orjson.Value) bool {
	return input != nil && !(input.Kind == orjson.Object && len(input.Obj) == 0)
}

// resultObject is a setup create_entry's data, {"result": v}.
func resultObject(v orjson.Value) orjson.Value {
	return orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{{Key: "result", Value: v}}}
}

// newSetupFlowID returns 32 random hex digits.
func (c *Core) newSetupFlowID() string {
	return hex.EncodeToString(c.rng.bytes(16))
}

// setupFlow returns the user's flow with id, or nil when there is none, it
// expired, or it is another user's.
func (c *Core) setupFlow(id, userID string) *mfaSetupFlow {
	f := c.mfaSetups[id]
	if f == nil {
		return nil
	}
	if c.now-f.Touched >= setupFlowLifetime {
		delete(c.mfaSetups, id)
		return nil
	}
	if f.UserID != userID {
		return nil
	}
	return f
}

// sweepSetupFlows drops expired flows and makes room for a new flow of
// userID.
func (c *Core) sweepSetupFlows(userID string) {
	if c.mfaSetups == nil {
		c.mfaSetups = map[string]*mfaSetupFlow{}
	}
	var oldest, oldestOfUser *mfaSetupFlow
	ofUser := 0
	for id, f := range c.mfaSetups {
		if c.now-f.Touched >= setupFlowLifetime {
			delete(c.mfaSetups, id)
			continue
		}
		if oldest == nil || setupOlder(f, oldest) {
			oldest = f
		}
		if f.UserID == userID {
			ofUser++
			if oldestOfUser == nil || setupOlder(f, oldestOfUser) {
				oldestOfUser = f
			}
		}
	}
	if ofUser >= maxSetupFlowsPerUser {
		delete(c.mfaSetups, oldestOfUser.ID)
	} else if len(c.mfaSetups) >= maxSetupFlows {
		delete(c.mfaSetups, oldest.ID)
	}
}

func setupOlder(a, b *mfaSetupFlow) bool {
	if a.Touched != b.Touched {
		return a.Touched < b.Touched
	}
	return a.ID < b.ID
}

// startSetup starts module m's setup flow for the connection's user and
// answers command id with its first step.
func (c *Core) startSetup(conn *wsConn, id int64, m mfaModule) {
	c.sweepSetupFlows(conn.UserID)
	f := &mfaSetupFlow{
		ID:       c.newSetupFlowID(),
		ModuleID: m.id(),
		UserID:   conn.UserID,
		StepID:   stepInit,
		Touched:  c.now,
	}
	c.mfaSetups[f.ID] = f
	c.answerSetup(conn, id, f, m.setupStep(c, f, nil))
}

// continueSetup runs the flow's current step with the command's
// user_input (nil when the command had none) and answers command id.
func (c *Core) continueSetup(conn *wsConn, id int64, flowID string, input *orjson.Value) {
	f := c.setupFlow(flowID, conn.UserID)
	if f == nil {
		c.wsError(conn, id, wsErrNotFound, msgInvalidFlow)
		return
	}
	if f.Busy {
		c.wsError(conn, id, wsErrHomeAssistant, msgFlowInProgress)
		return
	}
	m := c.mfaModule(f.ModuleID)
	if m == nil {
		delete(c.mfaSetups, f.ID)
		c.wsError(conn, id, wsErrNotFound, msgInvalidFlow)
		return
	}
	if input != nil && f.Form != nil {
		valid, verr := f.Form.Validate(*input)
		if verr != nil {
			c.wsError(conn, id, wsErrInvalidFormat, verr.Humanized(*input))
			return
		}
		input = &valid
	}
	f.Touched = c.now
	c.answerSetup(conn, id, f, m.setupStep(c, f, input))
}

// answerSetup turns a step's result into the flow's next state and the
// command's answer, waiting first for an effect the step asked for.
func (c *Core) answerSetup(conn *wsConn, id int64, f *mfaSetupFlow, res setupResult) {
	if res.await != 0 {
		f.Busy = true
		c.await(res.await, func(c *Core, op opResult) {
			f.Busy = false
			if c.mfaSetups[f.ID] != f {
				c.answerSetupGone(conn, id)
				return
			}
			m := c.mfaModule(f.ModuleID)
			if m == nil {
				c.answerSetupGone(conn, id)
				return
			}
			f.Touched = c.now
			c.answerSetup(conn, id, f, m.setupResume(c, f, op))
		})
		return
	}
	live := c.conns[conn.ID] == conn
	if res.errCode != "" {
		if live {
			c.wsError(conn, id, res.errCode, res.errMsg)
		}
		return
	}
	switch res.kind {
	case resultForm:
		f.StepID = res.stepID
		f.Form = res.form
	default:
		delete(c.mfaSetups, f.ID)
	}
	if live {
		c.wsResultRaw(conn, id, setupFlowJSON(f, res.stepResult))
	}
}

// answerSetupGone answers a command whose flow was dropped while it
// waited.
func (c *Core) answerSetupGone(conn *wsConn, id int64) {
	if c.conns[conn.ID] == conn {
		c.wsError(conn, id, wsErrNotFound, msgInvalidFlow)
	}
}

// setupFlowJSON renders a setup flow's result as auth/setup_mfa returns
// it: the data entry flow's result dict in Home Assistant's key order (a
// form's step_id comes last, because async_show_form adds it after the
// other keys), the handler being the module id.
func setupFlowJSON(f *mfaSetupFlow, r stepResult) []byte {
	handler := func(e *orjson.Encoder) { e.String(f.ModuleID) }
	if r.kind != resultCreateEntry {
		return flowJSON(f.ID, handler, r)
	}
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("type")
	e.String("create_entry")
	e.Key("flow_id")
	e.String(f.ID)
	e.Key("handler")
	handler(e)
	e.Key("data")
	e.Value(r.data)
	e.Key("description")
	e.Null()
	e.Key("description_placeholders")
	e.Null()
	e.Key("context")
	e.BeginObject()
	e.EndObject()
	e.EndObject()
	return e.Bytes()
}
