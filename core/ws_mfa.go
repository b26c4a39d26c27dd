package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// Errors of auth/setup_mfa and auth/depose_mfa, and of the ws_require_user
// checks they run (allow_system_user=False, only_active_user).
const (
	mfaErrNoModule      = "no_module"
	mfaErrDisableFailed = "disable_failed"
	mfaErrNotSystemUser = "not_system_user"
	mfaErrOnlyActive    = "only_active_user"

	mfaMsgNotSystemUser = "Not allowed as system user"
	mfaMsgOnlyActive    = "Only allowed as active user"
)

func init() {
	wsCommands[schema.CmdAuthSetupMFA] = wsHandler{schema: schema.AuthSetupMFA, run: (*Core).wsSetupMFA}
	wsCommands[schema.CmdAuthDeposeMFA] = wsHandler{schema: schema.AuthDeposeMFA, run: (*Core).wsDeposeMFA}
}

// mfaCommandUser is ws_require_user(allow_system_user=False): the
// connection's user, or nil after answering with the check that failed.
func (c *Core) mfaCommandUser(conn *wsConn, id int64) *authstore.User {
	u := c.wsUser(conn)
	switch {
	case u == nil:
		c.wsError(conn, id, wsErrUnauthorized, wsMsgUnauthorized)
		return nil
	case u.SystemGenerated:
		c.wsError(conn, id, mfaErrNotSystemUser, mfaMsgNotSystemUser)
		return nil
	case !u.IsActive:
		c.wsError(conn, id, mfaErrOnlyActive, mfaMsgOnlyActive)
		return nil
	}
	return u
}

// wsSetupMFA is auth/setup_mfa: with mfa_module_id it starts the module's
// setup flow, with flow_id it continues one with user_input.
//
// Home Assistant runs this command as a background task without the usual
// error handling, so an unknown flow_id or a user_input its step's form
// rejects gets no answer at all, and the client waits forever. Here the
// first is answered not_found "Invalid flow specified" (the data entry flow
// views' message) and the second invalid_format with the humanized
// validation error, which is what the command would answer with the usual
// handling.
func (c *Core) wsSetupMFA(conn *wsConn, id int64, msg orjson.Value) {
	if c.mfaCommandUser(conn, id) == nil {
		return
	}
	if flowID, ok := msg.Get("flow_id"); ok {
		// msg.get("user_input"): absent and null are both None.
		var input *orjson.Value
		if v, ok := msg.Get("user_input"); ok && v.Kind != orjson.Null {
			input = &v
		}
		c.continueSetup(conn, id, flowID.Str, input)
		return
	}
	moduleID, _ := msg.Get("mfa_module_id")
	m := c.mfaModule(moduleID.Str)
	if m == nil {
		c.wsError(conn, id, mfaErrNoModule, "MFA module "+moduleID.Str+" is not found")
		return
	}
	c.startSetup(conn, id, m)
}

// wsDeposeMFA is auth/depose_mfa: the user's setup of a module is removed;
// the answer is the string "done", whether or not there was one.
func (c *Core) wsDeposeMFA(conn *wsConn, id int64, msg orjson.Value) {
	u := c.mfaCommandUser(conn, id)
	if u == nil {
		return
	}
	moduleID, _ := msg.Get("mfa_module_id")
	m := c.mfaModule(moduleID.Str)
	if m == nil {
		c.wsError(conn, id, mfaErrDisableFailed,
			"Cannot disable MFA Module "+moduleID.Str+": Unable find multi-factor auth module: "+moduleID.Str)
		return
	}
	if err := m.depose(c, u.ID); err != nil {
		c.wsError(conn, id, mfaErrDisableFailed, "Cannot disable MFA Module "+moduleID.Str+": "+err.Error())
		return
	}
	c.wsResultRaw(conn, id, []byte(`"done"`))
}
