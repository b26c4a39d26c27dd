package core

import (
	"errors"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/password"
	"github.com/hassauth/hassauth/core/schema"
)

// The config component's commands for the homeassistant provider's logins
// (spec §10.6). Password changes wait for their bcrypt work; the command
// answers when it comes back, or not at all if the connection closed
// meanwhile (the change still happens, as in Home Assistant).

// Errors of the provider commands.
const (
	wsErrSystemGenerated        = "system_generated"
	wsErrCredentialsNotFound    = "credentials_not_found"
	wsErrInvalidCurrentPassword = "invalid_current_password"
	wsErrUserNotFound           = "user_not_found"

	wsMsgSystemGenerated        = "Cannot add credentials to a system generated user."
	wsMsgCredentialsNotFound    = "Credentials not found"
	wsMsgInvalidCurrentPassword = "Invalid current password"
)

// errNoHomeAssistantProvider stands for Home Assistant's RuntimeError
// ("Provider not found"): the commands need the homeassistant provider to
// be configured. Clients see unknown_error; only the log shows this.
var errNoHomeAssistantProvider = errors.New("the homeassistant auth provider is not configured")

// errPasswordWork stands for a bcrypt computation the host could not do.
var errPasswordWork = errors.New("password hashing failed")

func init() {
	wsCommands[schema.CmdProviderHACreate] = wsHandler{schema: schema.ProviderHACreate, run: (*Core).wsProviderHACreate}
	wsCommands[schema.CmdProviderHADelete] = wsHandler{schema: schema.ProviderHADelete, run: (*Core).wsProviderHADelete}
	wsCommands[schema.CmdProviderHAChangePassword] = wsHandler{schema: schema.ProviderHAChangePassword, run: (*Core).wsProviderHAChangePassword}
	wsCommands[schema.CmdProviderHAAdminChangePassword] = wsHandler{schema: schema.ProviderHAAdminChangePassword, run: (*Core).wsProviderHAAdminChangePassword}
	wsCommands[schema.CmdProviderHAAdminChangeUsername] = wsHandler{schema: schema.ProviderHAAdminChangeUsername, run: (*Core).wsProviderHAAdminChangeUsername}
}

// haProvider returns the configured homeassistant provider.
func (c *Core) haProvider() *homeAssistantProvider {
	p, _ := c.providerByKey(providerKey{Type: "homeassistant"}).(*homeAssistantProvider)
	return p
}

// haCredential returns the user's first homeassistant credential and its
// username.
func haCredential(u *authstore.User) (*authstore.Credential, string) {
	for _, cr := range u.Credentials {
		if cr.ProviderType == "homeassistant" {
			name, _ := cr.DataString("username")
			return cr, name
		}
	}
	return nil, ""
}

// wsProviderHACreate adds a login (username and password) and links it to a
// user.
func (c *Core) wsProviderHACreate(conn *wsConn, id int64, msg orjson.Value) {
	if _, ok := c.wsRequireAdmin(conn, id); !ok {
		return
	}
	p := c.haProvider()
	if p == nil {
		c.wsException(conn, id, errNoHomeAssistantProvider)
		return
	}
	userID, username := str(msg, "user_id"), str(msg, "username")
	u := c.store.User(userID)
	if u == nil {
		c.wsError(conn, id, wsErrNotFound, wsMsgUserNotFound)
		return
	}
	if u.SystemGenerated {
		c.wsError(conn, id, wsErrSystemGenerated, wsMsgSystemGenerated)
		return
	}
	if err := c.checkNewUsername(username); err != nil {
		c.wsException(conn, id, err)
		return
	}
	c.hashPassword(str(msg, "password"), func(c *Core, stored string, ok bool) {
		if !ok {
			c.wsException(conn, id, errPasswordWork)
			return
		}
		// Another command may have taken the name while bcrypt ran.
		if err := c.checkNewUsername(username); err != nil {
			c.wsException(conn, id, err)
			return
		}
		c.haUsers = append(c.haUsers, haUser{Username: username, Password: stored})
		c.saveProviderNow()
		cred, _ := p.credentials(c, stringObject("username", username))
		// A user removed while bcrypt ran keeps nothing; the login stays,
		// as in Home Assistant, which links it to the vanished user.
		if u := c.store.User(userID); u != nil {
			if err := c.store.LinkCredential(u, cred); err != nil {
				c.wsException(conn, id, err)
				return
			}
			c.authChanged()
		}
		c.wsResultRaw(conn, id, wsResultNull)
	})
}

// wsProviderHADelete removes a login: with its credential when a user has
// it, else just the username and password.
func (c *Core) wsProviderHADelete(conn *wsConn, id int64, msg orjson.Value) {
	if _, ok := c.wsRequireAdmin(conn, id); !ok {
		return
	}
	p := c.haProvider()
	if p == nil {
		c.wsException(conn, id, errNoHomeAssistantProvider)
		return
	}
	username := str(msg, "username")
	cred, _ := p.credentials(c, stringObject("username", username))
	if !cred.IsNew {
		_ = p.removeCredentials(c, cred)
		c.store.RemoveCredential(cred)
		c.authChanged()
		c.wsResultRaw(conn, id, wsResultNull)
		return
	}
	if err := c.haRemoveUser(username); err != nil {
		c.wsException(conn, id, err)
		return
	}
	c.wsResultRaw(conn, id, wsResultNull)
}

// wsProviderHAChangePassword changes the connection user's own password,
// once the current one checks out.
func (c *Core) wsProviderHAChangePassword(conn *wsConn, id int64, msg orjson.Value) {
	u := c.wsUser(conn)
	if u == nil {
		c.wsCloseConn(conn, 1000, "")
		return
	}
	if c.haProvider() == nil {
		c.wsException(conn, id, errNoHomeAssistantProvider)
		return
	}
	cred, username := haCredential(u)
	if cred == nil {
		c.wsError(conn, id, wsErrCredentialsNotFound, wsMsgCredentialsNotFound)
		return
	}
	newPassword := str(msg, "new_password")
	workID, known := c.checkPassword(username, str(msg, "current_password"))
	c.await(workID, func(c *Core, res opResult) {
		if !known || res.work == nil || !res.work.Match {
			c.wsError(conn, id, wsErrInvalidCurrentPassword, wsMsgInvalidCurrentPassword)
			return
		}
		c.changePassword(conn, id, username, newPassword)
	})
}

// changePassword sets a login's password (change_password) and answers the
// command.
func (c *Core) changePassword(conn *wsConn, id int64, username, pw string) {
	if c.haFind(username) < 0 {
		c.wsException(conn, id, password.UserNotFound())
		return
	}
	c.hashPassword(pw, func(c *Core, stored string, ok bool) {
		if !ok {
			c.wsException(conn, id, errPasswordWork)
			return
		}
		i := c.haFind(username)
		if i < 0 {
			c.wsException(conn, id, password.UserNotFound())
			return
		}
		c.haUsers[i].Password = stored
		c.saveProviderNow()
		c.wsResultRaw(conn, id, wsResultNull)
	})
}

// wsOwnerTarget applies the checks of the owner-only commands: an admin who
// is also the owner, a user with user_id, and that user's homeassistant
// credential.
func (c *Core) wsOwnerTarget(conn *wsConn, id int64, msg orjson.Value) (*authstore.Credential, string, bool) {
	self, ok := c.wsRequireAdmin(conn, id)
	if !ok {
		return nil, "", false
	}
	if !self.IsOwner {
		c.wsException(conn, id, errWSUnauthorized)
		return nil, "", false
	}
	u := c.store.User(str(msg, "user_id"))
	if u == nil {
		c.wsError(conn, id, wsErrUserNotFound, wsMsgUserNotFound)
		return nil, "", false
	}
	if c.haProvider() == nil {
		c.wsException(conn, id, errNoHomeAssistantProvider)
		return nil, "", false
	}
	cred, username := haCredential(u)
	if cred == nil {
		c.wsError(conn, id, wsErrCredentialsNotFound, wsMsgCredentialsNotFound)
		return nil, "", false
	}
	return cred, username, true
}

// wsProviderHAAdminChangePassword sets any user's password (owner only).
func (c *Core) wsProviderHAAdminChangePassword(conn *wsConn, id int64, msg orjson.Value) {
	_, username, ok := c.wsOwnerTarget(conn, id, msg)
	if !ok {
		return
	}
	c.changePassword(conn, id, username, str(msg, "password"))
}

// wsProviderHAAdminChangeUsername renames any user's login (owner only):
// the provider's username and the credential's data both change.
func (c *Core) wsProviderHAAdminChangeUsername(conn *wsConn, id int64, msg orjson.Value) {
	cred, username, ok := c.wsOwnerTarget(conn, id, msg)
	if !ok {
		return
	}
	newName := str(msg, "username")
	if err := c.checkNewUsername(newName); err != nil {
		c.wsException(conn, id, err)
		return
	}
	i := c.haFind(username)
	if i < 0 {
		c.wsException(conn, id, password.UserNotFound())
		return
	}
	c.haUsers[i].Username = newName
	cred.Data = withMember(cred.Data, "username", orjson.StringValue(newName))
	// The credential changed outside the store's methods: record it, so
	// that the journal holds it before the reply.
	if u := c.store.User(cred.UserID); u != nil {
		c.store.Touch(u)
	}
	c.authChanged()
	c.saveProviderNow()
	c.wsResultRaw(conn, id, wsResultNull)
}

// withMember returns a copy of object v with key set to value (replaced in
// place, or added at the end).
func withMember(v orjson.Value, key string, value orjson.Value) orjson.Value {
	out := orjson.Value{Kind: orjson.Object, Obj: make([]orjson.Member, 0, len(v.Obj)+1)}
	found := false
	for _, m := range v.Obj {
		if m.Key == key {
			m.Value, found = value, true
		}
		out.Obj = append(out.Obj, m)
	}
	if !found {
		out.Obj = append(out.Obj, orjson.Member{Key: key, Value: value})
	}
	return out
}
