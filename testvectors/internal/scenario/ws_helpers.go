package scenario

import (
	"encoding/json"

	"github.com/hassauth/hassauth/core"
)

// Helpers for websocket commands: ids that increase per connection, and
// assertions of Home Assistant's result and error messages.

// wsReply is a command's result message.
type wsReply struct {
	ID      int64           `json:"id"`
	Type    string          `json:"type"`
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// nextID is the next command id on conn: 1, 2, ...
func (s *Session) nextID(conn uint64) int64 {
	if s.wsIDs == nil {
		s.wsIDs = map[uint64]int64{}
	}
	s.wsIDs[conn]++
	return s.wsIDs[conn]
}

// Ask sends a command on conn with the next id; fields are the message's
// members after the id, such as `"type":"auth/current_user"`. It returns
// the id, the one frame sent back and every effect.
func (s *Session) Ask(conn uint64, fields string) (int64, string, []core.Effect) {
	s.r.Helper()
	id := s.nextID(conn)
	reply, effects := s.CmdEffects(conn, `{"id":`+itoa(id)+`,`+fields+`}`)
	return id, reply, effects
}

// AskNoReply sends a command that must get no frame back, and returns its
// id and effects.
func (s *Session) AskNoReply(conn uint64, fields string) (int64, []core.Effect) {
	s.r.Helper()
	id := s.nextID(conn)
	e := s.WSSend(conn, `{"id":`+itoa(id)+`,`+fields+`}`)
	s.Equal(len(Sends(e, conn)), 0, "frames back")
	return id, e
}

// parseReply decodes a result message and checks its id.
func (s *Session) parseReply(reply string, id int64) wsReply {
	s.r.Helper()
	var r wsReply
	if err := json.Unmarshal([]byte(reply), &r); err != nil {
		s.r.Fatalf("not a result message: %s", reply)
	}
	s.Equal(r.ID, id, "result id")
	s.Equal(r.Type, "result", "message type")
	return r
}

// Success checks a success result message of command id exactly:
// {"id":id,"type":"result","success":true,"result":<result>}, with the
// result's members compared as JSON (Home Assistant's key order is not a
// contract) and returns the raw result.
func (s *Session) Success(reply string, id int64) json.RawMessage {
	s.r.Helper()
	r := s.parseReply(reply, id)
	if !r.Success {
		s.r.Fatalf("command %d failed: %s", id, reply)
	}
	prefix := `{"id":` + itoa(id) + `,"type":"result","success":true,"result":`
	s.True(len(reply) > len(prefix) && reply[:len(prefix)] == prefix, "result message framing: "+reply)
	return r.Result
}

// OK sends a command that must succeed and returns its result.
func (s *Session) OK(conn uint64, fields string) json.RawMessage {
	s.r.Helper()
	id, reply, _ := s.Ask(conn, fields)
	return s.Success(reply, id)
}

// OKEffects sends a command that must succeed and returns its result and
// the effects.
func (s *Session) OKEffects(conn uint64, fields string) (json.RawMessage, []core.Effect) {
	s.r.Helper()
	id, reply, e := s.Ask(conn, fields)
	return s.Success(reply, id), e
}

// Fails sends a command that must fail with exactly Home Assistant's error
// message {"code":code,"message":message}, and returns the effects.
func (s *Session) Fails(conn uint64, fields, code, message string) []core.Effect {
	s.r.Helper()
	id, reply, e := s.Ask(conn, fields)
	s.Equal(reply, wsErr(itoa(id), code, message), "error message")
	return e
}

// FailsWith sends a command that must fail with exactly the error object
// errJSON (for errors with translation fields), compared as JSON.
func (s *Session) FailsWith(conn uint64, fields, errJSON string) {
	s.r.Helper()
	id, reply, _ := s.Ask(conn, fields)
	s.JSONEq([]byte(reply), `{"id":`+itoa(id)+`,"type":"result","success":false,"error":`+errJSON+`}`)
}

// FailsCode sends a command that must fail with code, whatever the message
// (for humanized validation texts), and returns the message.
func (s *Session) FailsCode(conn uint64, fields, code string) string {
	s.r.Helper()
	id, reply, _ := s.Ask(conn, fields)
	r := s.parseReply(reply, id)
	if r.Success || r.Error == nil {
		s.r.Fatalf("command %d succeeded: %s", id, reply)
	}
	s.Equal(r.Error.Code, code, "error code")
	return r.Error.Message
}

// Connect authenticates websocket conn with a fresh access token of t.
func (s *Session) Connect(conn uint64, t *Token) {
	s.r.Helper()
	s.WSAuth(conn, s.AccessNow(t))
}

// StillOpen asserts that conn answers a ping.
func (s *Session) StillOpen(conn uint64) {
	s.r.Helper()
	id := s.nextID(conn)
	s.Equal(Sends(s.WSSend(conn, `{"id":`+itoa(id)+`,"type":"ping"}`), conn), []string{`{"id":` + itoa(id) + `,"type":"pong"}`}, "pong")
}

// RefreshRefused asserts that a refresh token no longer refreshes:
// 400 invalid_grant.
func (s *Session) RefreshRefused(t *Token) {
	s.r.Helper()
	fields := []string{"grant_type", "refresh_token", "refresh_token", t.Secret()}
	if t.ClientID != "" {
		fields = append(fields, "client_id", t.ClientID)
	}
	s.JSON(s.PostForm("/auth/token", fields...), 400, errInvalidGrant)
}

// RefreshWorks asserts that a refresh token still refreshes.
func (s *Session) RefreshWorks(t *Token) string {
	s.r.Helper()
	if t.AccessSeconds == 0 {
		return s.Refresh(t.Secret(), t.ClientID)
	}
	r := s.PostForm("/auth/token", "grant_type", "refresh_token", "refresh_token", t.Secret())
	s.Status(r, 200)
	access := s.Str(r.Body, "access_token")
	s.JSONEq(r.Body, `{"access_token":`+Q(access)+`,"token_type":"Bearer","expires_in":`+itoa(t.AccessSeconds)+`}`)
	return access
}

// users decodes a list of users (config/auth/list, list_users).
func (s *Session) users(raw []byte) []map[string]any {
	s.r.Helper()
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		s.r.Fatalf("not a list of users: %s", raw)
	}
	return list
}

// userByID finds a user in list_users.
func (s *Session) userByID(id string) map[string]any {
	s.r.Helper()
	for _, u := range s.users(s.CallOK("list_users", "")) {
		if u["id"] == id {
			return u
		}
	}
	return nil
}
