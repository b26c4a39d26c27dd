package core

import (
	"github.com/hassauth/hassauth/core/schema"
)

// POST /auth/link_user (spec §7.9): the signed-in user takes the
// credentials of a login flow (typically one started with "type":
// "link_user" on another provider), identified by the flow's code.

func init() {
	routes["/auth/link_user"] = &route{methods: map[string]func(*Core, *request){"POST": (*Core).handleLinkUser}}
}

// handleLinkUser links the code's credentials to the caller. The view
// requires auth (401 first), then a JSON body of the LinkUser schema. Both
// keys are plain in that schema; a body without one makes Home Assistant's
// handler fail with a KeyError, answered here with the same 500.
func (c *Core) handleLinkUser(r *request) {
	if r.user == nil {
		c.unauthorized(r)
		return
	}
	body, ok := c.parseJSONBody(r)
	if !ok {
		return
	}
	in, verr := schema.LinkUser.Validate(body)
	if verr != nil {
		c.replyMessage(r, 400, msgFormatIncorrect+verr.Message(), "")
		return
	}
	if !in.Has("client_id") || !in.Has("code") {
		c.replyText(r, 500, msgInternalErrorPlain)
		return
	}
	ac := c.retrieveResult(str(in, "client_id"), str(in, "code"))
	if ac == nil {
		c.replyMessage(r, 400, msgInvalidCode, "")
		return
	}
	// The credential's owner is whoever holds it now: it may have been
	// linked, or its user removed, since the code was issued.
	cred := ac.Credential
	if linked := c.store.Credential(cred.ID); linked != nil && linked.UserID != "" {
		if linked.UserID != r.user.ID {
			c.replyMessage(r, 400, msgCredentialLinked, "")
			return
		}
	} else {
		if err := c.store.LinkCredential(r.user, cred); err != nil {
			c.replyMessage(r, 400, msgCredentialLinked, "")
			return
		}
		c.authChanged()
	}
	c.replyMessage(r, 200, msgUserLinked, "")
}
