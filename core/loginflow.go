package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// loginFlow is one login flow in progress (Home Assistant's LoginFlow and
// its context).
type loginFlow struct {
	ID        string
	Handler   providerKey
	CreatedAt int64
	// IP is the client address that started the flow; every step must come
	// from it.
	IP             string
	CredentialOnly bool
	RedirectURI    string
	// Challenge is the PKCE S256 code challenge, if the client sent one.
	Challenge string

	// StepID and Form are the step and form last shown.
	StepID string
	Form   *schema.Schema
	// Busy is set while a step awaits an effect (a password check).
	Busy bool
	// UnknownUser marks a password check run against the dummy hash.
	UnknownUser bool

	// MFA state, once the provider accepted the credentials.
	UserID          string
	Credential      *authstore.Credential
	AvailableMFA    []string
	MFAModule       string
	InvalidMFATimes int

	// Scratch is provider or module state between a step and its resume.
	Scratch orjson.Value
}

func (f *loginFlow) handlerJSON(e *orjson.Encoder) { writeHandler(e, f.Handler) }

// newFlowID returns a flow id as Home Assistant's flow manager makes them:
// a random uuid4 in hex.
func (c *Core) newFlowID() string { return authstore.NewID(c.rng) }

// runStep runs the flow's current step with input (nil: first display).
func (c *Core) runStep(f *loginFlow, input *orjson.Value) stepResult {
	switch f.StepID {
	case stepSelectMFAModule:
		return c.stepSelectMFAModule(f, input)
	case stepMFA:
		return c.stepMFA(f, input)
	}
	p := c.providerByKey(f.Handler)
	if p == nil {
		return abortResult(abortUnknownError)
	}
	return p.init(c, f, input)
}

// finishStep turns a step's result into what the flow does next
// (AuthManagerFlowManager.async_finish_flow and the data-entry-flow
// bookkeeping): a form keeps the flow, an abort ends it, an entry becomes
// credentials, and credentials of a user with MFA lead to the MFA steps.
func (c *Core) finishStep(f *loginFlow, res stepResult) stepResult {
	for res.await == 0 && res.kind == resultCreateEntry && res.credential == nil {
		p := c.providerByKey(f.Handler)
		if p == nil {
			return abortResult(abortUnknownError)
		}
		cred, err := p.credentials(c, res.data)
		if err != nil {
			c.logf(LogError, "Error getting credentials: "+err.Error())
			return abortResult(abortUnknownError)
		}
		res.credential = cred
		if p.supportsMFA() && !cred.IsNew {
			if u := c.store.User(cred.UserID); u != nil {
				if mods := c.enabledMFA(u); len(mods) > 0 {
					f.Credential = cred
					f.UserID = u.ID
					f.AvailableMFA = mods
					f.StepID = stepSelectMFAModule
					res = c.stepSelectMFAModule(f, nil)
				}
			}
		}
	}
	if res.await == 0 && res.kind == resultForm {
		f.StepID = res.stepID
		f.Form = res.form
	}
	return res
}

// respondStep answers the HTTP request r with a step's result and ends or
// keeps the flow (LoginFlowBaseView._async_flow_result_to_response).
func (c *Core) respondStep(r *request, clientID string, f *loginFlow, res stepResult) {
	res = c.finishStep(f, res)
	if res.await != 0 {
		f.Busy = true
		flowID := f.ID
		c.await(res.await, func(c *Core, res opResult) { c.resumeFlowStep(r, clientID, flowID, res) })
		return
	}
	switch res.kind {
	case resultForm:
		if res.errors != nil && (*res.errors == errorInvalidAuth || *res.errors == errorInvalidCode) {
			c.failedLogin(r)
		}
		c.replyJSON(r, 200, flowJSON(f.ID, f.handlerJSON, res))
	case resultAbort:
		delete(c.flows, f.ID)
		c.replyJSON(r, 200, flowJSON(f.ID, f.handlerJSON, res))
	case resultCreateEntry:
		delete(c.flows, f.ID)
		c.completeLogin(r, clientID, f, res.credential)
	}
}

// completeLogin checks the redirect URI, the user's access and issues the
// authorization code.
func (c *Core) completeLogin(r *request, clientID string, f *loginFlow, cred *authstore.Credential) {
	switch c.checkRedirectURI(clientID, f.RedirectURI) {
	case redirectDenied:
		c.flowError(r, 403, msgInvalidRedirectURI)
		return
	case redirectFetch:
		c.fetchRedirectURIs(clientID, f.RedirectURI, func(c *Core, allowed bool) {
			if !allowed {
				c.flowError(r, 403, msgInvalidRedirectURI)
				return
			}
			c.issueCode(r, clientID, f, cred)
		})
		return
	}
	c.issueCode(r, clientID, f, cred)
}

func (c *Core) issueCode(r *request, clientID string, f *loginFlow, cred *authstore.Credential) {
	if u := c.store.User(cred.UserID); u != nil && !cred.IsNew {
		if reason := c.userNotAllowed(u, r); reason != "" {
			c.flowError(r, 403, msgLoginBlocked+reason)
			return
		}
	}
	c.successLogin(r)
	code := c.storeResult(clientID, cred, f.Challenge)
	c.replyJSON(r, 200, entryJSON(f.ID, f.handlerJSON, code))
}

// resumeFlowStep continues a step that awaited an effect.
func (c *Core) resumeFlowStep(r *request, clientID, flowID string, res opResult) {
	f := c.flows[flowID]
	if f == nil {
		c.flowError(r, 404, msgInvalidFlow)
		return
	}
	f.Busy = false
	var sr stepResult
	switch f.StepID {
	case stepMFA:
		sr = c.resumeMFA(f, res)
	default:
		p := c.providerByKey(f.Handler)
		if p == nil {
			sr = abortResult(abortUnknownError)
		} else {
			sr = p.resume(c, f, res)
		}
	}
	c.respondStep(r, clientID, f, sr)
}
