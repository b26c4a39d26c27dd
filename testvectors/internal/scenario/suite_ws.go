package scenario

import (
	"strings"

	"github.com/hassauth/hassauth/core"
)

var (
	authRequired = `{"type":"auth_required","ha_version":"` + core.DefaultHAVersion + `"}`
	authOK       = `{"type":"auth_ok","ha_version":"` + core.DefaultHAVersion + `"}`
	authBad      = `{"type":"auth_invalid","message":"Invalid access token or password"}`
)

func wsErr(id, code, message string) string {
	return `{"id":` + id + `,"type":"result","success":false,"error":{"code":"` + code + `","message":` + Q(message) + `}}`
}

// closed asserts that conn was closed once in effects.
func (s *Session) closed(effects []core.Effect, conn uint64) {
	s.r.Helper()
	s.Equal(len(Closes(effects, conn)), 1, "the connection is closed")
}

// authFails sends an auth message that must be answered with reply and a
// close; failed says whether it counts as a failed login.
func authFails(msg func(s *Session) string, reply string, failed int) func(s *Session) {
	return func(s *Session) {
		s.Equal(Sends(s.WSOpen(1), 1), []string{authRequired}, "auth_required")
		e := s.WSSend(1, msg(s))
		s.Equal(Sends(e, 1), []string{reply}, "auth reply")
		s.closed(e, 1)
		s.FailedLogin(e, failed)
	}
}

// authClosesSilently sends a frame during the auth phase that closes the
// connection without a reply.
func authClosesSilently(send func(s *Session) []core.Effect) func(s *Session) {
	return func(s *Session) {
		s.WSOpen(1)
		e := send(s)
		s.Equal(len(Sends(e, 1)), 0, "no reply")
		s.closed(e, 1)
	}
}

// command authenticates conn 1 as Alice and sends msg, expecting replies.
func command(msg string, replies ...string) func(s *Session) {
	return func(s *Session) {
		s.WSAuth(1, s.AccessNow(AliceRT))
		s.Equal(Sends(s.WSSend(1, msg), 1), replies, "replies to "+msg)
	}
}

func tokenMsg(t *Token) func(s *Session) string {
	return func(s *Session) string { return `{"type":"auth","access_token":"` + s.AccessNow(t) + `"}` }
}

// WebsocketSuite covers /api/websocket: the auth phase, command framing,
// and connections closing when their token goes.
func WebsocketSuite() *Suite {
	return &Suite{
		Name: "websocket",
		Header: []string{"/api/websocket: auth_required, the auth message and its outcomes, the auth timeout, command framing (ids, batches, errors),",
			"and connections closed when their refresh token or user is removed, by every path. Signed paths are in signed_path.json, the auth/* commands in ws_auth.json."},
		Groups: []Group{{
			Comment: "Default configuration with the fixture's users and tokens.",
			Config:  baseConfig(), Seed: "websocket main", Fixture: MainFixture,
			Cases: []Case{
				{Name: "WSA-02 auth with a valid access token", Spec: "§10.1", Result: "valid", Flags: []string{"Normal", "Websocket", "HAString"},
					Expect: "auth_required with ha_version at once, then auth_ok with ha_version",
					Run: func(s *Session) {
						s.Equal(Sends(s.WSOpen(1), 1), []string{authRequired}, "auth_required")
						e := s.WSSend(1, `{"type":"auth","access_token":"`+s.AccessNow(AliceRT)+`"}`)
						s.Equal(Sends(e, 1), []string{authOK}, "auth_ok")
						s.Equal(len(Closes(e, 1)), 0, "stays open")
					}},
				{Name: "WSA-10 auth with an incorrect token", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "HAString", "FailedLogin"},
					Expect: "auth_invalid Invalid access token or password, close, one failed login",
					Run:    authFails(func(*Session) string { return `{"type":"auth","access_token":"incorrect"}` }, authBad, 1)},
				{Name: "WSA-03 auth with api_password", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "HAString", "FailedLogin"},
					Expect: "api_password passes the schema but never authenticates: auth_invalid, close, failed login",
					Run:    authFails(func(*Session) string { return `{"type":"auth","api_password":"wrong"}` }, authBad, 1)},
				{Name: "auth without a token", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "FailedLogin"},
					Expect: "auth_invalid Invalid access token or password",
					Run:    authFails(func(*Session) string { return `{"type":"auth"}` }, authBad, 1)},
				{Name: "WSA-06 auth with an inactive user's token", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "InactiveUser"},
					Expect: "auth_invalid and close",
					Run:    authFails(tokenMsg(DaveRT), authBad, 1)},
				{Name: "auth with an expired token", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "ExpiredToken"},
					Expect: "auth_invalid for a token that expired a minute ago",
					Run: authFails(func(s *Session) string {
						return `{"type":"auth","access_token":"` + AliceRT.Access(nowSec(s)-1860) + `"}`
					}, authBad, 1)},
				{Name: "auth with an alg none token", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "AlgNone"},
					Expect: "auth_invalid",
					Run: authFails(func(s *Session) string {
						tok := b64.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64.EncodeToString([]byte(claims(AliceRT, nowSec(s), nowSec(s)+1800, ""))) + "."
						return `{"type":"auth","access_token":"` + tok + `"}`
					}, authBad, 1)},
				{Name: "auth with an oversize token", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "OversizeToken"},
					Expect: "auth_invalid for a validly signed 8193-character token",
					Run: authFails(func(s *Session) string {
						return `{"type":"auth","access_token":"` + padded(AliceRT, nowSec(s), 8193) + `"}`
					}, authBad, 1)},
				{Name: "WSA-08 local-only user from a public address", Spec: "§9.3", Result: "valid", Flags: []string{"Websocket", "LocalOnly"},
					Expect: "the websocket auth message does not apply the local-only check: auth_ok",
					Run: func(s *Session) {
						s.Remote = PublicIP + ":40000"
						s.WSAuth(1, s.AccessNow(CarolRT))
					}},
				{Name: "WSA-05 first message is not an auth message", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "auth_invalid whose message starts with 'Auth message incorrectly formatted: ', close, not a failed login",
					Run: func(s *Session) {
						s.WSOpen(1)
						e := s.WSSend(1, `{"id":1,"type":"call_service","domain":"light","service":"turn_on"}`)
						sends := Sends(e, 1)
						s.Equal(len(sends), 1, "one reply")
						s.True(strings.HasPrefix(sends[0], `{"type":"auth_invalid","message":"Auth message incorrectly formatted: `), "incorrectly formatted")
						s.closed(e, 1)
						s.FailedLogin(e, 0)
					}},
				{Name: "auth message with an extra key", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "extra keys are rejected by the auth schema: Auth message incorrectly formatted",
					Run: func(s *Session) {
						s.WSOpen(1)
						e := s.WSSend(1, `{"type":"auth","access_token":"`+s.AccessNow(AliceRT)+`","x":1}`)
						sends := Sends(e, 1)
						s.Equal(len(sends), 1, "one reply")
						s.True(strings.HasPrefix(sends[0], `{"type":"auth_invalid","message":"Auth message incorrectly formatted: `), "incorrectly formatted")
						s.closed(e, 1)
					}},
				{Name: "WSA-12 invalid JSON during auth", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "closed without a reply",
					Run:    authClosesSilently(func(s *Session) []core.Effect { return s.WSSend(1, `{"type":"auth",`) })},
				{Name: "WSA-16 binary frame during auth", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "closed without a reply",
					Run: authClosesSilently(func(s *Session) []core.Effect {
						return s.WSBinary(1, []byte(`{"type":"auth","access_token":"`+s.AccessNow(AliceRT)+`"}`))
					})},
				{Name: "no auth message within ten seconds", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "Timer"},
					Expect: "the core asks for a tick ten seconds after the open; nothing happens a microsecond before; at ten seconds the connection closes without a message",
					Run: func(s *Session) {
						s.WSOpen(1)
						s.Equal(s.Deadline, s.Now+10*Second, "deadline")
						s.Advance(10*Second - 1)
						s.Equal(len(Closes(s.Tick(), 1)), 0, "still open")
						s.Advance(1)
						e := s.Tick()
						s.closed(e, 1)
						s.Equal(len(Sends(e, 1)), 0, "no message")
					}},
				{Name: "auth after the timeout", Spec: "§10.1", Result: "invalid", Flags: []string{"Websocket", "Timer"},
					Expect: "a closed connection's late auth message is ignored",
					Run: func(s *Session) {
						s.WSOpen(1)
						s.Advance(10 * Second)
						s.closed(s.Tick(), 1)
						e := s.WSSend(1, `{"type":"auth","access_token":"`+s.AccessNow(AliceRT)+`"}`)
						s.Equal(len(e), 0, "no effects")
					}},
				{Name: "WSA-14 client leaves during auth", Spec: "§10.1", Result: "valid", Flags: []string{"Websocket", "Timer"},
					Expect: "after ws_closed the auth timer is gone: the tick at ten seconds closes nothing",
					Run: func(s *Session) {
						s.WSOpen(1)
						s.WSClosed(1)
						s.Advance(10 * Second)
						s.Equal(len(Closes(s.Tick(), 1)), 0, "nothing to close")
					}},
				{Name: "two connections authenticate independently", Spec: "§10.1", Result: "valid", Flags: []string{"Websocket"},
					Expect: "a bad token on one connection does not affect the other",
					Run: func(s *Session) {
						s.WSOpen(1)
						s.WSOpen(2)
						e := s.WSSend(2, `{"type":"auth","access_token":"incorrect"}`)
						s.closed(e, 2)
						s.Equal(len(Closes(e, 1)), 0, "the first stays")
						s.Equal(Sends(s.WSSend(1, `{"type":"auth","access_token":"`+s.AccessNow(BobRT)+`"}`), 1), []string{authOK}, "auth_ok")
					}},
				{Name: "ping", Spec: "§10.2", Result: "valid", Flags: []string{"Normal", "Websocket"},
					Expect: `{"id":1,"type":"pong"}`,
					Run:    command(`{"id":1,"type":"ping"}`, `{"id":1,"type":"pong"}`)},
				{Name: "supported_features", Spec: "§10.2", Result: "valid", Flags: []string{"Normal", "Websocket"},
					Expect: "a success result with result null",
					Run:    command(`{"id":1,"type":"supported_features","features":{"coalesce_messages":1}}`, `{"id":1,"type":"result","success":true,"result":null}`)},
				{Name: "batch of commands", Spec: "§10.2", Result: "valid", Flags: []string{"Normal", "Websocket"},
					Expect: "a JSON array is handled item by item: two pongs in order",
					Run:    command(`[{"id":1,"type":"ping"},{"id":2,"type":"ping"}]`, `{"id":1,"type":"pong"}`, `{"id":2,"type":"pong"}`)},
				{Name: "id reused", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "HAString"},
					Expect: "id_reuse Identifier values have to increase.",
					Run: command(`[{"id":5,"type":"ping"},{"id":5,"type":"ping"}]`, `{"id":5,"type":"pong"}`,
						wsErr("5", "id_reuse", "Identifier values have to increase."))},
				{Name: "id going down", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "HAString"},
					Expect: "id 3 after id 5: id_reuse",
					Run: command(`[{"id":5,"type":"ping"},{"id":3,"type":"ping"}]`, `{"id":5,"type":"pong"}`,
						wsErr("3", "id_reuse", "Identifier values have to increase."))},
				{Name: "command without id", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput", "HAString"},
					Expect: "invalid_format Message incorrectly formatted. echoing the object's id, which is absent: null",
					Run:    command(`{"type":"ping"}`, wsErr("null", "invalid_format", "Message incorrectly formatted."))},
				{Name: "command with id 0", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "invalid_format with id 0",
					Run:    command(`{"id":0,"type":"ping"}`, wsErr("0", "invalid_format", "Message incorrectly formatted."))},
				{Name: "command with a negative id", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "invalid_format echoing the id -4",
					Run:    command(`{"id":-4,"type":"ping"}`, wsErr("-4", "invalid_format", "Message incorrectly formatted."))},
				{Name: "command with a boolean id", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "booleans are not ids: invalid_format echoing true",
					Run:    command(`{"id":true,"type":"ping"}`, wsErr("true", "invalid_format", "Message incorrectly formatted."))},
				{Name: "command with a string id", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "invalid_format echoing the string id",
					Run:    command(`{"id":"1","type":"ping"}`, wsErr(`"1"`, "invalid_format", "Message incorrectly formatted."))},
				{Name: "command without type", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "invalid_format with the message's id",
					Run:    command(`{"id":7}`, wsErr("7", "invalid_format", "Message incorrectly formatted."))},
				{Name: "command that is not an object", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "a number inside a batch: invalid_format with id 0, and the next item is still handled",
					Run:    command(`[1,{"id":2,"type":"ping"}]`, wsErr("0", "invalid_format", "Message incorrectly formatted."), `{"id":2,"type":"pong"}`)},
				{Name: "unknown command", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "HAString"},
					Expect: "unknown_command Unknown command.",
					Run:    command(`{"id":1,"type":"no/such_command"}`, wsErr("1", "unknown_command", "Unknown command."))},
				{Name: "an unknown command does not use up its id", Spec: "§10.2", Result: "valid", Flags: []string{"Websocket"},
					Expect: "last_id is not updated for failures before the handler: the same id then pings",
					Run: command(`[{"id":1,"type":"no/such_command"},{"id":1,"type":"ping"}]`,
						wsErr("1", "unknown_command", "Unknown command."), `{"id":1,"type":"pong"}`)},
				{Name: "ping with an extra key", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "a schema with only type rejects extra keys: invalid_format mentioning extra keys not allowed",
					Run: func(s *Session) {
						s.WSAuth(1, s.AccessNow(AliceRT))
						sends := Sends(s.WSSend(1, `{"id":1,"type":"ping","x":1}`), 1)
						s.Equal(len(sends), 1, "one reply")
						s.True(strings.HasPrefix(sends[0], `{"id":1,"type":"result","success":false,"error":{"code":"invalid_format","message":"extra keys not allowed`), "extra keys not allowed")
					}},
				{Name: "invalid JSON after auth", Spec: "§10.2", Result: "invalid", Flags: []string{"Websocket", "InvalidInput"},
					Expect: "the connection is closed without a reply",
					Run: func(s *Session) {
						s.WSAuth(1, s.AccessNow(AliceRT))
						e := s.WSSend(1, `{"id":1,`)
						s.Equal(len(Sends(e, 1)), 0, "no reply")
						s.closed(e, 1)
					}},
				{Name: "WSA-11 revoking the token closes its websockets", Spec: "§4.6", Result: "invalid", Flags: []string{"Websocket", "RevokedToken"},
					Expect: "POST /auth/revoke of Alice's refresh token closes her connection in the same step; Bob's stays",
					Run: func(s *Session) {
						s.WSAuth(1, s.AccessNow(AliceRT))
						s.WSAuth(2, s.AccessNow(BobRT))
						r := s.PostForm("/auth/revoke", "token", AliceRT.Secret())
						s.Body(r, 200, "")
						s.closed(r.Effects, 1)
						s.Equal(len(Closes(r.Effects, 2)), 0, "Bob's connection stays")
						s.Equal(Sends(s.WSSend(2, `{"id":1,"type":"ping"}`), 2), []string{`{"id":1,"type":"pong"}`}, "Bob still pings")
					}},
				{Name: "revoke_token call closes the websocket", Spec: "§4.6", Result: "invalid", Flags: []string{"Websocket", "RevokedToken"},
					Expect: "removing the refresh token by id closes the connection it authenticated",
					Run: func(s *Session) {
						s.WSAuth(1, s.AccessNow(BobRT))
						_, err, e := s.Call("revoke_token", `{"id":"`+BobRT.ID+`"}`)
						s.True(err == nil, "revoke_token succeeds")
						s.closed(e, 1)
					}},
				{Name: "removing the user closes the websocket", Spec: "§4.6", Result: "invalid", Flags: []string{"Websocket", "RevokedToken"},
					Expect: "remove_user drops the user's tokens and closes the connection",
					Run: func(s *Session) {
						s.WSAuth(1, s.AccessNow(BobRT))
						_, err, e := s.Call("remove_user", `{"user_id":"`+Bob.UserID+`"}`)
						s.True(err == nil, "remove_user succeeds")
						s.closed(e, 1)
					}},
				{Name: "messages after close are ignored", Spec: "§10.1", Result: "valid", Flags: []string{"Websocket"},
					Expect: "after ws_closed a frame on that connection has no effect",
					Run: func(s *Session) {
						s.WSAuth(1, s.AccessNow(AliceRT))
						s.WSClosed(1)
						s.Equal(len(s.WSSend(1, `{"id":1,"type":"ping"}`)), 0, "no effects")
					}},
			},
		}, revocationGroup()},
	}
}

// revocationGroup checks that every way a refresh token goes closes the
// websockets it authenticated, at once, and that changes which keep the
// token keep its websockets (§4.6, WSA-11).
func revocationGroup() Group {
	return Group{
		Comment: "The fixture's users and tokens with Alice's second and third tokens, Grace and Heidi: every path that removes a refresh token.",
		Config:  baseConfig(), Seed: "websocket revocation", Fixture: WideFixture,
		Cases: []Case{
			{Name: "action=revoke closes the websocket", Spec: "§7.7", Result: "invalid", Flags: []string{"Websocket", "RevokedToken"},
				Expect: "the deprecated revoke through /auth/token closes the token's connection in the same step",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					r := s.PostForm("/auth/token", "action", "revoke", "token", AliceRT.Secret())
					s.Body(r, 200, "")
					s.closed(r.Effects, 1)
				}},
			{Name: "delete_refresh_token closes the deleted token's websockets", Spec: "§10.4", Result: "invalid", Flags: []string{"Websocket", "RevokedToken", "WsCommand"},
				Expect: "on AliceRT2's connection Alice deletes AliceRT: the connections of AliceRT (two of them) close, the asking one gets {}",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(3, AliceRT)
					s.Connect(2, AliceRT2)
					id, reply, e := s.Ask(2, `"type":"auth/delete_refresh_token","refresh_token_id":"`+AliceRT.ID+`"`)
					s.Equal(string(s.Success(reply, id)), `{}`, "result")
					s.closed(e, 1)
					s.closed(e, 3)
				}},
			{Name: "delete_all_refresh_tokens closes the other tokens' websockets at once", Spec: "§10.4", Result: "invalid", Flags: []string{"Websocket", "RevokedToken", "WsCommand"},
				Expect: "the connections of AliceRT2 and of the LLAT close in the step of the command; the asking connection stays until its own token goes",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(2, AliceRT2)
					s.Connect(4, LLATRT)
					_, e := s.OKEffects(1, `"type":"auth/delete_all_refresh_tokens","delete_current_token":false`)
					s.closed(e, 2)
					s.closed(e, 4)
					s.Equal(len(Closes(e, 1)), 0, "the asking connection stays")
				}},
			{Name: "deactivating a user closes every websocket of theirs", Spec: "§4.2", Result: "invalid", Flags: []string{"Websocket", "RevokedToken", "InactiveUser"},
				Expect: "two connections of Bob's token both close when Alice makes him inactive; Heidi's stays",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(2, BobRT)
					s.Connect(3, BobRT)
					s.Connect(8, HeidiRT)
					_, e := s.OKEffects(1, `"type":"config/auth/update","user_id":"`+Bob.UserID+`","is_active":false`)
					s.closed(e, 2)
					s.closed(e, 3)
					s.Equal(len(Closes(e, 8)), 0, "others stay")
				}},
			{Name: "deleting a user over the websocket closes theirs", Spec: "§10.5", Result: "invalid", Flags: []string{"Websocket", "RevokedToken"},
				Expect: "config/auth/delete of Bob closes his connection",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(2, BobRT)
					_, e := s.OKEffects(1, `"type":"config/auth/delete","user_id":"`+Bob.UserID+`"`)
					s.closed(e, 2)
				}},
			{Name: "revoking one token keeps the user's other websockets", Spec: "§4.6", Result: "valid", Flags: []string{"Websocket", "RevokedToken"},
				Expect: "only the connection of the revoked AliceRT closes; the one of AliceRT2 still pings",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(2, AliceRT2)
					r := s.PostForm("/auth/revoke", "token", AliceRT.Secret())
					s.closed(r.Effects, 1)
					s.Equal(len(Closes(r.Effects, 2)), 0, "the other stays")
					s.StillOpen(2)
				}},
			{Name: "removing a login keeps the user's websockets", Spec: "§10.6", Result: "valid", Flags: []string{"Websocket"},
				Expect: "config/auth_provider/homeassistant/delete of bob removes the credential, not the tokens: Bob's connection stays",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(2, BobRT)
					_, e := s.OKEffects(1, `"type":"config/auth_provider/homeassistant/delete","username":"bob"`)
					s.Equal(len(Closes(e, 2)), 0, "stays")
					s.StillOpen(2)
				}},
			{Name: "a password change keeps the websockets", Spec: "§10.6", Result: "valid", Flags: []string{"Websocket"},
				Expect: "Bob changes his own password: no token is revoked and his connection answers afterwards",
				Run: func(s *Session) {
					s.Connect(2, BobRT)
					_, e := s.OKEffects(2, `"type":"config/auth_provider/homeassistant/change_password","current_password":"`+Bob.Password+`","new_password":"bob-new-pass"`)
					s.Equal(len(Closes(e, 2)), 0, "stays")
					s.StillOpen(2)
				}},
			{Name: "the purge closes an expired token's websocket", Spec: "§4.6", Result: "invalid", Flags: []string{"Websocket", "ExpiredToken", "Timer"},
				Expect: "the LLAT never expires; the normal tokens expire 90 days after creation: at that tick AliceRT's connection closes and the LLAT's stays",
				Run: func(s *Session) {
					s.Connect(1, AliceRT)
					s.Connect(4, LLATRT)
					s.Advance(90*Day - Hour)
					e := s.Tick()
					s.closed(e, 1)
					s.Equal(len(Closes(e, 4)), 0, "the LLAT's stays")
				}},
		},
	}
}
