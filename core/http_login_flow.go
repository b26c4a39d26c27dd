package core

import (
	"github.com/hassauth/hassauth/core/indieauth"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// handleLoginFlowIndexGet is GET /auth/login_flow: 405 with no body.
func (c *Core) handleLoginFlowIndexGet(r *request) {
	c.reply(r, 405, nil, nil)
}

// flowError answers a login flow POST that passed its body schema with an
// error. Home Assistant's log_invalid_auth sits inside the schema check, so
// every such answer counts as a failed login; schema failures do not.
func (c *Core) flowError(r *request, status int, msg string) {
	c.replyMessage(r, status, msg, "")
	c.failedLogin(r)
}

// parseJSONBody reads a JSON request body; on failure it answers Home
// Assistant's "Invalid JSON." and returns false. A body of more than
// MaxJSONValues values fails the same way.
func (c *Core) parseJSONBody(r *request) (orjson.Value, bool) {
	v, err := parseNetworkJSON(r.Body)
	if err != nil {
		c.replyMessage(r, 400, msgInvalidJSON, "")
		return orjson.Value{}, false
	}
	return v, true
}

// handleLoginFlowCreate is POST /auth/login_flow.
func (c *Core) handleLoginFlowCreate(r *request) {
	body, ok := c.parseJSONBody(r)
	if !ok {
		return
	}
	in, verr := loginFlowCreateSchema.Validate(body)
	if verr != nil {
		c.replyMessage(r, 400, msgFormatIncorrect+verr.Message(), "")
		return
	}
	clientID := str(in, "client_id")
	if !indieauth.VerifyClientID(clientID) {
		c.flowError(r, 400, msgInvalidClientID)
		return
	}
	handler, _ := in.Get("handler")
	k := providerKey{Type: handler.Arr[0].Str}
	if handler.Arr[1].Kind == orjson.String {
		k.ID, k.HasID = handler.Arr[1].Str, true
	}
	// An unknown (type, id), or a null type, is no provider: Home
	// Assistant's flow manager fails with a KeyError (a 500); the coded
	// answer for an unknown handler is the clearer one.
	if handler.Arr[0].Kind != orjson.String || c.providerByKey(k) == nil {
		c.flowError(r, 404, msgInvalidHandler)
		return
	}
	if !r.ip.IsValid() {
		c.replyText(r, 500, msgInternalErrorPlain)
		return
	}
	challenge, ok := c.pkceChallenge(r, in)
	if !ok {
		return
	}
	c.sweepFlows(r.ip.String())
	f := &loginFlow{
		ID:             c.newFlowID(),
		Handler:        k,
		CreatedAt:      c.now,
		IP:             r.ip.String(),
		CredentialOnly: str(in, "type") == "link_user",
		RedirectURI:    str(in, "redirect_uri"),
		Challenge:      challenge,
		StepID:         stepInit,
	}
	c.flows[f.ID] = f
	c.respondStep(r, clientID, f, c.runStep(f, nil))
}

// flowID returns the {flow_id} of /auth/login_flow/{flow_id}.
func flowIDOf(r *request) string { return r.Path[len("/auth/login_flow/"):] }

// handleLoginFlowGet is GET /auth/login_flow/{flow_id}: reading a flow is
// not allowed.
func (c *Core) handleLoginFlowGet(r *request) {
	c.replyMessage(r, 404, msgInvalidFlow, "")
}

// handleLoginFlowDelete is DELETE /auth/login_flow/{flow_id}.
func (c *Core) handleLoginFlowDelete(r *request) {
	id := flowIDOf(r)
	if c.flows[id] == nil {
		c.replyMessage(r, 404, msgInvalidFlow, "")
		return
	}
	delete(c.flows, id)
	c.replyMessage(r, 200, msgFlowAborted, "")
}

// handleLoginFlowStep is POST /auth/login_flow/{flow_id}.
func (c *Core) handleLoginFlowStep(r *request) {
	body, ok := c.parseJSONBody(r)
	if !ok {
		return
	}
	in, verr := schema.LoginFlowStep.Validate(body)
	if verr != nil {
		c.replyMessage(r, 400, msgFormatIncorrect+verr.Message(), "")
		return
	}
	clientID := str(in, "client_id")
	if !indieauth.VerifyClientID(clientID) {
		c.flowError(r, 400, msgInvalidClientID)
		return
	}
	f := c.flows[flowIDOf(r)]
	if f == nil || c.flowExpired(f) {
		c.flowError(r, 404, msgInvalidFlow)
		return
	}
	if !r.ip.IsValid() || f.IP != r.ip.String() {
		c.flowError(r, 400, msgIPAddressChanged)
		return
	}
	if f.Busy {
		c.flowError(r, 409, msgFlowInProgress)
		return
	}
	// The step's input is the body without client_id.
	input := orjson.Value{Kind: orjson.Object, Obj: []orjson.Member{}}
	for _, m := range body.Obj {
		if m.Key != "client_id" {
			input.Obj = append(input.Obj, m)
		}
	}
	if f.Form != nil {
		valid, verr := f.Form.Validate(input)
		if verr != nil {
			c.flowError(r, 400, msgUserInputMalformed)
			return
		}
		input = valid
	}
	c.respondStep(r, clientID, f, c.runStep(f, &input))
}
