package core

import (
	"errors"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/password"
)

// Error codes and messages of ws_require_user, which answers a command
// whose user does not fit before the handler runs.
const (
	wsErrOnlyOwner      = "only_owner"
	wsErrNotSystemUser  = "not_system_user"
	wsErrOnlyActiveUser = "only_active_user"

	wsMsgOnlyOwner      = "Only allowed as owner"
	wsMsgNotSystemUser  = "Not allowed as system user"
	wsMsgOnlyActiveUser = "Only allowed as active user"
)

// errWSUnauthorized is Home Assistant's Unauthorized raised by a handler
// (require_admin, the owner-only commands).
var errWSUnauthorized = errors.New(wsMsgUnauthorized)

// wsTranslation is what a HomeAssistantError with a translation key adds to
// an error result, after code and message.
type wsTranslation struct {
	Key string
	// Placeholders are written in order; nil is written as null.
	Placeholders []password.Placeholder
	Domain       string
}

func (t *wsTranslation) write(e *orjson.Encoder) {
	e.Key("translation_key")
	e.String(t.Key)
	e.Key("translation_placeholders")
	if t.Placeholders == nil {
		e.Null()
	} else {
		e.BeginObject()
		for _, p := range t.Placeholders {
			e.Key(p.Name)
			e.String(p.Value)
		}
		e.EndObject()
	}
	e.Key("translation_domain")
	e.String(t.Domain)
}

// wsException answers a command whose handler failed, as Home Assistant's
// async_handle_exception maps exceptions: Unauthorized to unauthorized, a
// HomeAssistantError to home_assistant_error with its translation, anything
// else to unknown_error.
func (c *Core) wsException(conn *wsConn, id int64, err error) {
	var haErr *password.Error
	switch {
	case errors.Is(err, errWSUnauthorized):
		c.wsError(conn, id, wsErrUnauthorized, wsMsgUnauthorized)
	case errors.As(err, &haErr):
		tr := &wsTranslation{Key: haErr.Key, Placeholders: haErr.Placeholders, Domain: password.TranslationDomain}
		c.wsErrorValue(conn, orjson.NewEncoder(nil, false), orjson.IntValue(id), wsErrHomeAssistant, haErr.Message(), tr)
	default:
		c.logf(LogError, "Error handling message: "+err.Error()+" ("+wsErrUnknownError+")")
		c.wsError(conn, id, wsErrUnknownError, wsMsgUnknownError)
	}
}

// wsUserCheck holds ws_require_user's arguments; the zero value is the
// default (active users only, system users allowed).
type wsUserCheck struct {
	onlyOwner    bool
	noSystemUser bool
}

// wsRequireUser applies ws_require_user to the connection's user and
// answers the command when it does not pass.
func (c *Core) wsRequireUser(conn *wsConn, id int64, chk wsUserCheck) (*authstore.User, bool) {
	u := c.wsUser(conn)
	switch {
	case u == nil:
		c.wsCloseConn(conn, 1000, "")
		return nil, false
	case chk.onlyOwner && !u.IsOwner:
		c.wsError(conn, id, wsErrOnlyOwner, wsMsgOnlyOwner)
		return nil, false
	case chk.noSystemUser && u.SystemGenerated:
		c.wsError(conn, id, wsErrNotSystemUser, wsMsgNotSystemUser)
		return nil, false
	case !u.IsActive:
		c.wsError(conn, id, wsErrOnlyActiveUser, wsMsgOnlyActiveUser)
		return nil, false
	}
	return u, true
}

// wsRequireAdmin is require_admin: a user who is not an admin gets
// unauthorized.
func (c *Core) wsRequireAdmin(conn *wsConn, id int64) (*authstore.User, bool) {
	u := c.wsUser(conn)
	if u == nil {
		c.wsCloseConn(conn, 1000, "")
		return nil, false
	}
	if !u.IsAdmin() {
		c.wsException(conn, id, errWSUnauthorized)
		return nil, false
	}
	return u, true
}

// Results that several commands share.
var (
	wsResultNull        = []byte("null")
	wsResultEmptyObject = []byte("{}")
)
