package core

import (
	"net/netip"
	"strconv"

	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/network"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// Websocket constants of Home Assistant's websocket_api.
const (
	// wsAuthTimeout is how long a connection may take to send its auth
	// message.
	wsAuthTimeout = 10 * authstore.Second

	// MaxPendingMessages is MAX_PENDING_MSG: a host closes a connection
	// whose outgoing queue grows beyond it.
	MaxPendingMessages = 4096
	// PendingMessagePeak and PendingMessagePeakMicros are PENDING_MSG_PEAK
	// and PENDING_MSG_PEAK_TIME: a queue above the peak for that long also
	// closes the connection.
	PendingMessagePeak       = 1024
	PendingMessagePeakMicros = 10 * authstore.Second
)

// Websocket error codes and messages.
const (
	wsErrInvalidFormat  = "invalid_format"
	wsErrIDReuse        = "id_reuse"
	wsErrUnknownCommand = "unknown_command"
	wsErrUnauthorized   = "unauthorized"
	wsErrUnknownError   = "unknown_error"
	wsErrHomeAssistant  = "home_assistant_error"
	wsErrNotFound       = "not_found"

	wsMsgIncorrectlyFormatted = "Message incorrectly formatted."
	wsMsgIDReuse              = "Identifier values have to increase."
	wsMsgUnknownCommand       = "Unknown command."
	wsMsgUnauthorized         = "Unauthorized"
	wsMsgUnknownError         = "Unknown error"
	wsMsgInvalidAuth          = "Invalid access token or password"
)

// wsConn is one websocket connection.
type wsConn struct {
	ID uint64
	// IP is the client address (after the forwarded rules).
	IP netip.Addr
	// Authed is set once auth_ok was sent; UserID and TokenID say who.
	Authed  bool
	UserID  string
	TokenID string
	// LastID is the highest command id handled.
	LastID int64
	// userAgent is the upgrade request's User-Agent, for the failed-login
	// log line.
	userAgent string
}

// wsHandler is a websocket command: its schema (nil for a command with no
// schema beyond its type) and what it does with a valid message.
type wsHandler struct {
	schema *schema.Schema
	run    func(c *Core, conn *wsConn, id int64, msg orjson.Value)
}

// wsCommands maps command types to handlers; files named ws_*.go add theirs
// in init.
var wsCommands = map[string]wsHandler{
	// ping is declared with no schema beyond its type, like
	// auth/current_user.
	"ping": {run: func(c *Core, conn *wsConn, id int64, _ orjson.Value) {
		b := append([]byte(`{"id":`), strconv.FormatInt(id, 10)...)
		c.wsSend(conn, append(b, `,"type":"pong"}`...))
	}},
	"supported_features": {
		schema: schema.Command("supported_features", schema.Req("features", schema.Anything)),
		run: func(c *Core, conn *wsConn, id int64, _ orjson.Value) {
			c.wsResultRaw(conn, id, []byte("null"))
		},
	},
}

// wsSend sends a frame on an open connection. A connection the core already
// closed gets nothing: Home Assistant drops what a handler sends after its
// connection was cancelled (deleting the connection's own token, or a reply
// to password work that finished after the client left).
func (c *Core) wsSend(conn *wsConn, data []byte) {
	if c.conns[conn.ID] != conn {
		return
	}
	c.emit(Effect{Send: &WSSend{Conn: conn.ID, Data: data}})
}

func (c *Core) wsCloseConn(conn *wsConn, code int, reason string) {
	c.emit(Effect{Close: &WSClose{Conn: conn.ID, Code: code, Reason: reason}})
	c.dropConn(conn)
}

func (c *Core) dropConn(conn *wsConn) {
	delete(c.conns, conn.ID)
	c.timers.cancel(timerWSAuth, connKey(conn.ID))
}

func connKey(id uint64) string { return strconv.FormatUint(id, 10) }

// wsOpen starts the auth phase: auth_required at once, and ten seconds for
// the client's auth message.
func (c *Core) wsOpen(o *WSOpen) {
	r := &request{HTTPRequest: &HTTPRequest{Remote: o.Remote, Header: o.Header}}
	conn := &wsConn{ID: o.Conn}
	conn.userAgent, _ = r.header("user-agent")
	if peer, err := network.ParseAddr(o.Remote); err == nil {
		cl, ferr := c.forwarded.Resolve(peer, network.Headers{
			For: r.headers("x-forwarded-for"), Proto: r.headers("x-forwarded-proto"), Host: r.headers("x-forwarded-host"),
		})
		if ferr != nil {
			c.logf(LogError, ferr.Log)
			c.emit(Effect{Close: &WSClose{Conn: o.Conn, Code: 1008, Reason: ferr.Body}})
			return
		}
		conn.IP = cl.Addr
	}
	if conn.IP.IsValid() && c.addrBanned(conn.IP) {
		c.emit(Effect{Close: &WSClose{Conn: o.Conn, Code: 1008, Reason: msgForbiddenPlain}})
		return
	}
	if c.authPhaseFull(conn.IP) {
		c.logf(LogWarning, "Too many websocket connections waiting for their auth message from "+conn.IP.String())
		c.emit(Effect{Close: &WSClose{Conn: o.Conn, Code: wsCloseTryAgain, Reason: "too many connections"}})
		return
	}
	c.conns[conn.ID] = conn
	c.wsSend(conn, c.versionMessage("auth_required"))
	c.timers.set(timerWSAuth, connKey(conn.ID), c.now+wsAuthTimeout)
}

func (c *Core) versionMessage(typ string) []byte {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("type")
	e.String(typ)
	e.Key("ha_version")
	e.String(c.cfg.HAVersion)
	e.EndObject()
	return e.Bytes()
}

// wsAuthTimeout closes a connection that sent no auth message in time.
func (c *Core) wsAuthTimeout(key string) {
	id, _ := strconv.ParseUint(key, 10, 64)
	if conn := c.conns[id]; conn != nil && !conn.Authed {
		c.logf(LogWarning, "Did not receive auth message within 10 seconds")
		c.wsCloseConn(conn, 1000, "")
	}
}

func (c *Core) wsClosed(m *WSClosed) {
	if conn := c.conns[m.Conn]; conn != nil {
		c.dropConn(conn)
	}
}

// wsRequest is the request-like view of a connection, for the checks
// shared with HTTP (bans, local-only users).
func (conn *wsConn) request() *request {
	h := &HTTPRequest{Method: "GET", Path: wsPath}
	if conn.userAgent != "" {
		h.Header = []Header{{Name: "user-agent", Value: conn.userAgent}}
	}
	return &request{HTTPRequest: h, ip: conn.IP}
}

// wsPath is where the websocket API is served.
const wsPath = "/api/websocket"

func (c *Core) wsMessage(m *WSMessage) {
	conn := c.conns[m.Conn]
	if conn == nil {
		return
	}
	// Home Assistant ends a connection by closing it normally (1000),
	// whatever the reason.
	if m.Binary {
		if !conn.Authed || len(m.Data) == 0 {
			c.logf(LogWarning, "Disconnected: received an invalid binary message")
			c.wsCloseConn(conn, 1000, "")
			return
		}
		// Binary frames go to handlers a command registered; the auth
		// commands register none.
		c.logf(LogError, "Received binary message for non-existing handler "+strconv.Itoa(int(m.Data[0])))
		return
	}
	msg, err := parseNetworkJSON(m.Data)
	if err == orjson.ErrTooManyValues {
		c.logf(LogWarning, "Disconnected: the message has more than "+strconv.Itoa(MaxJSONValues)+" JSON values")
		c.wsCloseConn(conn, wsCloseTooBig, "")
		return
	}
	if err != nil {
		c.logf(LogWarning, "Disconnected: Received invalid JSON.")
		c.wsCloseConn(conn, 1000, "")
		return
	}
	if !conn.Authed {
		c.wsAuth(conn, msg)
		return
	}
	if msg.Kind == orjson.Array {
		for _, item := range msg.Arr {
			// A command that closed the connection (deleting its own
			// token) ends the batch: Home Assistant would still run the
			// rest but drop every reply.
			if c.conns[conn.ID] != conn {
				return
			}
			c.wsCommand(conn, item)
		}
		return
	}
	c.wsCommand(conn, msg)
}

// wsAuth handles the auth message.
func (c *Core) wsAuth(conn *wsConn, msg orjson.Value) {
	c.timers.cancel(timerWSAuth, connKey(conn.ID))
	if _, verr := schema.WSAuth.Validate(msg); verr != nil {
		c.logf(LogWarning, schema.WSAuthErrorPrefix+verr.Humanized(redactMessage(msg)))
		c.wsSend(conn, authInvalid(schema.WSAuthErrorPrefix+verr.Humanized(msg)))
		c.wsCloseConn(conn, 1000, "")
		return
	}
	if tok, ok := msg.Get("access_token"); ok && tok.Str != "" {
		if rt := c.validateAccessToken(tok.Str); rt != nil {
			conn.Authed = true
			conn.UserID = rt.UserID
			conn.TokenID = rt.ID
			c.wsSend(conn, c.versionMessage("auth_ok"))
			c.successLogin(conn.request())
			return
		}
	}
	c.wsSend(conn, authInvalid(wsMsgInvalidAuth))
	c.failedLogin(conn.request())
	c.wsCloseConn(conn, 1000, "")
}

func authInvalid(message string) []byte {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("type")
	e.String("auth_invalid")
	e.Key("message")
	e.String(message)
	e.EndObject()
	return e.Bytes()
}

// wsCommand handles one command message of the command phase.
func (c *Core) wsCommand(conn *wsConn, msg orjson.Value) {
	id, typ, ok := schema.CommandHeader(msg)
	if !ok {
		e := orjson.NewEncoder(nil, false)
		c.wsErrorValue(conn, e, schema.MalformedCommandID(msg), wsErrInvalidFormat, wsMsgIncorrectlyFormatted, nil)
		return
	}
	if id <= conn.LastID {
		c.wsError(conn, id, wsErrIDReuse, wsMsgIDReuse)
		return
	}
	h, ok := wsCommands[typ]
	if !ok {
		c.wsError(conn, id, wsErrUnknownCommand, wsMsgUnknownCommand)
		return
	}
	conn.LastID = id
	if c.wsUser(conn) == nil {
		// Removing a user closes its connections; this is only a guard.
		c.wsCloseConn(conn, 1000, "")
		return
	}
	if h.schema == nil {
		if verr := schema.CheckBareCommand(msg); verr != nil {
			c.wsError(conn, id, wsErrInvalidFormat, verr.Humanized(msg))
			return
		}
		h.run(c, conn, id, msg)
		return
	}
	valid, verr := h.schema.Validate(msg)
	if verr != nil {
		c.wsError(conn, id, wsErrInvalidFormat, verr.Humanized(msg))
		return
	}
	h.run(c, conn, id, valid)
}

// wsUser returns the connection's user (nil once it was removed, which
// also closed its connections).
func (c *Core) wsUser(conn *wsConn) *authstore.User {
	return c.store.User(conn.UserID)
}

// wsResultRaw sends a success result whose value is already JSON.
func (c *Core) wsResultRaw(conn *wsConn, id int64, result []byte) {
	b := make([]byte, 0, 48+len(result))
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, id, 10)
	b = append(b, `,"type":"result","success":true,"result":`...)
	b = append(b, result...)
	b = append(b, '}')
	c.wsSend(conn, b)
}

// wsError sends an error result.
func (c *Core) wsError(conn *wsConn, id int64, code, message string) {
	c.wsErrorValue(conn, orjson.NewEncoder(nil, false), orjson.IntValue(id), code, message, nil)
}

// wsErrorValue writes an error result; tr adds the translation fields of a
// HomeAssistantError that has a translation key.
func (c *Core) wsErrorValue(conn *wsConn, e *orjson.Encoder, id orjson.Value, code, message string, tr *wsTranslation) {
	e.BeginObject()
	e.Key("id")
	e.Value(id)
	e.Key("type")
	e.String("result")
	e.Key("success")
	e.Bool(false)
	e.Key("error")
	e.BeginObject()
	e.Key("code")
	e.String(code)
	e.Key("message")
	e.String(message)
	if tr != nil {
		tr.write(e)
	}
	e.EndObject()
	e.EndObject()
	c.wsSend(conn, e.Bytes())
}

// tokensGone closes every connection authenticated by one of the removed
// refresh tokens, in the step that removed them.
func (c *Core) tokensGone(ids []string) {
	if len(ids) == 0 || len(c.conns) == 0 {
		return
	}
	gone := make(map[string]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
	}
	for _, conn := range c.sortedConns() {
		if conn.Authed && gone[conn.TokenID] {
			c.wsCloseConn(conn, 1000, "")
		}
	}
}

// sortedConns lists connections by id, so that effects never depend on map
// order.
func (c *Core) sortedConns() []*wsConn {
	out := make([]*wsConn, 0, len(c.conns))
	for _, conn := range c.conns {
		out = append(out, conn)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].ID < out[j-1].ID; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
