package core

import (
	"encoding/hex"

	"github.com/hassauth/hassauth/core/form"
	"github.com/hassauth/hassauth/core/jwt"
	"github.com/hassauth/hassauth/core/orjson"
)

// GET /auth/external/callback (spec §7.10) is where an OAuth2 provider sends
// the browser back after an integration's authorization step. The embedder
// runs those flows: it asks for a signed state with OpCreateExternalState,
// puts it in the authorization URL, and receives the provider's answer as an
// External effect once the state checks out. The view is unrelated to user
// login and counts nothing towards bans.

// OpCreateExternalState signs the state of an external OAuth2 flow:
// {"flow_id": str, "redirect_uri": str} -> {"state": str}. The state is a JWT
// (HS256) of exactly those claims, as Home Assistant's config-entry OAuth2
// helper makes it, under a secret the core makes on first use and never
// stores, so states die with the core as Home Assistant's die with its
// process.
const OpCreateExternalState = "create_external_state"

// Texts of the callback view.
const (
	msgMissingState         = "Missing state parameter"
	msgInvalidState         = "Invalid state. Is My Home Assistant configured to go to the right instance?"
	msgMissingCodeOrError   = "Missing code or error parameter"
	externalCallbackClosing = "<script>window.close()</script>"
)

func init() {
	routes["/auth/external/callback"] = &route{methods: map[string]func(*Core, *request){
		"GET": (*Core).handleExternalCallback,
	}}
	callHandlers[OpCreateExternalState] = (*Core).callCreateExternalState
}

func (c *Core) callCreateExternalState(call *Call, args orjson.Value) {
	flowID, okF := argString(args, "flow_id")
	redirectURI, okR := argString(args, "redirect_uri")
	if !okF || !okR {
		c.callError(call.ID, CallInvalidArgs, "flow_id and redirect_uri are required strings")
		return
	}
	if c.externalKey == nil {
		// secrets.token_hex(): 32 random bytes as 64 hex digits, used as
		// the HMAC key's text.
		c.externalKey = jwt.NewKeyString(hex.EncodeToString(c.rng.bytes(32)))
	}
	state := jwt.SignPyJSON(c.externalKey, orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{
		{Key: "flow_id", Value: orjson.StringValue(flowID)},
		{Key: "redirect_uri", Value: orjson.StringValue(redirectURI)},
	}})
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("state")
	e.String(state)
	e.EndObject()
	c.callResult(call.ID, e.Bytes())
}

// handleExternalCallback is OAuth2AuthorizeCallbackView.get.
func (c *Core) handleExternalCallback(r *request) {
	if r.Method != "GET" {
		// Home Assistant's view takes GET only; a HEAD (a link preview)
		// must not resume a flow.
		c.reply(r, 405, []Header{{"Allow", "GET"}, {"Content-Type", "text/plain; charset=utf-8"}}, []byte(msgMethodNotAllowedPlain))
		return
	}
	query, _ := form.ParseURLEncoded([]byte(r.Query))
	rawState, ok := query.Get("state")
	if !ok {
		c.replyText(r, 200, msgMissingState)
		return
	}
	claims, ok := c.externalState(rawState)
	if !ok {
		c.replyText(r, 400, msgInvalidState)
		return
	}
	x := &External{State: orjson.Marshal(claims)}
	if v, ok := claims.Get("flow_id"); ok && v.Kind == orjson.String {
		x.FlowID = v.Str
	}
	if code, ok := query.Get("code"); ok {
		x.Code = &code
	} else if msg, ok := query.Get("error"); ok {
		x.Error = &msg
	} else {
		c.replyText(r, 200, msgMissingCodeOrError)
		return
	}
	// Home Assistant resumes the flow before it answers the browser.
	c.emit(Effect{External: x})
	c.reply(r, 200, []Header{{"Content-Type", "text/html"}}, []byte(externalCallbackClosing))
}

// externalState verifies a state this core signed and returns its claims.
// Before the first state is made there is no secret, and nothing verifies.
func (c *Core) externalState(state string) (orjson.Value, bool) {
	if c.externalKey == nil {
		return orjson.Value{}, false
	}
	claims, err := jwt.Verify(state, c.externalKey, c.nowSeconds(), jwt.StateOptions())
	if err != nil {
		return orjson.Value{}, false
	}
	return claims.Payload, true
}
