package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// The config component's user commands (spec §10.5), all for admins only.

// Errors of the user commands.
const (
	wsErrNoDeleteSelf               = "no_delete_self"
	wsErrCannotModifySystemGen      = "cannot_modify_system_generated"
	wsErrCannotDeactivateOwner      = "cannot_deactivate_owner"
	wsMsgNoDeleteSelf               = "Unable to delete your own account"
	wsMsgUserNotFound               = "User not found"
	wsMsgCannotModifySystemGen      = "Unable to update system generated users."
	wsMsgCannotDeactivateOwnerShort = "Unable to deactivate owner."
)

func init() {
	wsCommands[schema.CmdConfigAuthList] = wsHandler{schema: schema.ConfigAuthList, run: (*Core).wsConfigAuthList}
	wsCommands[schema.CmdConfigAuthCreate] = wsHandler{schema: schema.ConfigAuthCreate, run: (*Core).wsConfigAuthCreate}
	wsCommands[schema.CmdConfigAuthUpdate] = wsHandler{schema: schema.ConfigAuthUpdate, run: (*Core).wsConfigAuthUpdate}
	wsCommands[schema.CmdConfigAuthDelete] = wsHandler{schema: schema.ConfigAuthDelete, run: (*Core).wsConfigAuthDelete}
}

// wsConfigAuthList is config/auth/list: every user, system users included.
func (c *Core) wsConfigAuthList(conn *wsConn, id int64, _ orjson.Value) {
	if _, ok := c.wsRequireAdmin(conn, id); !ok {
		return
	}
	e := orjson.NewEncoder(nil, false)
	e.BeginArray()
	for _, u := range c.store.Users() {
		c.writeUserInfo(e, u)
	}
	e.EndArray()
	c.wsResultRaw(conn, id, e.Bytes())
}

// wsUserResult answers {"user": <user info>}.
func (c *Core) wsUserResult(conn *wsConn, id int64, u *authstore.User) {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("user")
	c.writeUserInfo(e, u)
	e.EndObject()
	c.wsResultRaw(conn, id, e.Bytes())
}

// stringList returns a validated list of strings.
func stringList(v orjson.Value) []string {
	out := make([]string, 0, len(v.Arr))
	for _, s := range v.Arr {
		out = append(out, s.Str)
	}
	return out
}

// wsConfigAuthCreate is config/auth/create: an active user in the groups
// given (none by default), the owner if it is the first non-system user.
// It has no login until config/auth_provider/homeassistant/create adds one.
func (c *Core) wsConfigAuthCreate(conn *wsConn, id int64, msg orjson.Value) {
	if _, ok := c.wsRequireAdmin(conn, id); !ok {
		return
	}
	name := str(msg, "name")
	var groups []string
	if v, ok := msg.Get("group_ids"); ok {
		groups = stringList(v)
	}
	lv, _ := msg.Get("local_only")
	u, err := c.store.CreateUser(c.rng, &name, groups, lv.Bool)
	if err != nil {
		c.wsException(conn, id, err)
		return
	}
	c.authChanged()
	c.wsUserResult(conn, id, u)
}

// wsConfigAuthUpdate is config/auth/update. Deactivating a user removes its
// refresh tokens, which closes their connections.
func (c *Core) wsConfigAuthUpdate(conn *wsConn, id int64, msg orjson.Value) {
	if _, ok := c.wsRequireAdmin(conn, id); !ok {
		return
	}
	u := c.store.User(str(msg, "user_id"))
	if u == nil {
		c.wsError(conn, id, wsErrNotFound, wsMsgUserNotFound)
		return
	}
	if u.SystemGenerated {
		c.wsError(conn, id, wsErrCannotModifySystemGen, wsMsgCannotModifySystemGen)
		return
	}
	var up authstore.UserUpdate
	if v, ok := msg.Get("is_active"); ok {
		if u.IsOwner && !v.Bool {
			c.wsError(conn, id, wsErrCannotDeactivateOwner, wsMsgCannotDeactivateOwnerShort)
			return
		}
		active := v.Bool
		up.IsActive = &active
	}
	if v, ok := msg.Get("name"); ok {
		up.Name = &v.Str
	}
	if v, ok := msg.Get("group_ids"); ok {
		up.GroupIDs, up.SetGroups = stringList(v), true
	}
	if v, ok := msg.Get("local_only"); ok {
		local := v.Bool
		up.LocalOnly = &local
	}
	removed, err := c.store.UpdateUser(u, up)
	if err != nil {
		c.wsException(conn, id, err)
		return
	}
	c.authChanged()
	c.tokensGone(removed)
	c.wsUserResult(conn, id, u)
}

// wsConfigAuthDelete is config/auth/delete: the user with its credentials
// (and their homeassistant logins) and tokens; its connections close.
func (c *Core) wsConfigAuthDelete(conn *wsConn, id int64, msg orjson.Value) {
	self, ok := c.wsRequireAdmin(conn, id)
	if !ok {
		return
	}
	userID := str(msg, "user_id")
	if userID == self.ID {
		c.wsError(conn, id, wsErrNoDeleteSelf, wsMsgNoDeleteSelf)
		return
	}
	u := c.store.User(userID)
	if u == nil {
		c.wsError(conn, id, wsErrNotFound, wsMsgUserNotFound)
		return
	}
	c.removeUser(u)
	c.wsResultRaw(conn, id, wsResultNull)
}
