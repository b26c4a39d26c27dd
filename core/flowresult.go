package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
	"github.com/hassauth/hassauth/core/schema"
)

// resultKind is the type of a data-entry-flow result.
type resultKind uint8

const (
	resultForm resultKind = iota + 1
	resultAbort
	resultCreateEntry
)

// stepResult is what a flow step gave: a form, an abort, an entry, or a
// suspension while an effect is awaited.
type stepResult struct {
	// await is the id of the effect the step waits for, or 0.
	await uint64
	kind  resultKind

	stepID string
	// form is the form's data_schema; nil is written as [].
	form *schema.Schema
	// errors is the form's errors: nil is null, else an object, possibly
	// empty, of base -> key.
	errors *string
	// errorsEmpty marks an empty errors object ({} rather than null).
	errorsEmpty  bool
	placeholders []orjson.Member
	reason       string

	// data is a create_entry's provider result; credential replaces it
	// after MFA, when the credentials are already known.
	data       orjson.Value
	credential *authstore.Credential
}

func suspended(id uint64) stepResult { return stepResult{await: id} }

func formResult(stepID string, form *schema.Schema, baseError string) stepResult {
	r := stepResult{kind: resultForm, stepID: stepID, form: form, errorsEmpty: true}
	if baseError != "" {
		e := baseError
		r.errors = &e
		r.errorsEmpty = false
	}
	return r
}

func abortResult(reason string) stepResult {
	return stepResult{kind: resultAbort, reason: reason}
}

func entryResult(data orjson.Value) stepResult {
	return stepResult{kind: resultCreateEntry, data: data}
}

// writeHandler writes a login flow's handler, [type, id].
func writeHandler(e *orjson.Encoder, k providerKey) {
	e.BeginArray()
	e.String(k.Type)
	if k.HasID {
		e.String(k.ID)
	} else {
		e.Null()
	}
	e.EndArray()
}

func writeErrors(e *orjson.Encoder, r stepResult) {
	switch {
	case r.errors != nil:
		e.BeginObject()
		e.Key("base")
		e.String(*r.errors)
		e.EndObject()
	case r.errorsEmpty:
		e.BeginObject()
		e.EndObject()
	default:
		e.Null()
	}
}

func writePlaceholders(e *orjson.Encoder, ph []orjson.Member) {
	if ph == nil {
		e.Null()
		return
	}
	e.Value(orjson.Value{Kind: orjson.Object, Obj: ph})
}

// flowJSON renders a form or abort the way Home Assistant's flow views
// serialize them; handler is written by writeHandler.
func flowJSON(flowID string, handler func(*orjson.Encoder), r stepResult) []byte {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	switch r.kind {
	case resultForm:
		e.Key("type")
		e.String("form")
		e.Key("flow_id")
		e.String(flowID)
		e.Key("handler")
		handler(e)
		e.Key("data_schema")
		writeForm(e, r.form)
		e.Key("errors")
		writeErrors(e, r)
		e.Key("description_placeholders")
		writePlaceholders(e, r.placeholders)
		e.Key("last_step")
		e.Null()
		e.Key("preview")
		e.Null()
		// Home Assistant's flow handler adds step_id after the rest.
		e.Key("step_id")
		e.String(r.stepID)
	case resultAbort:
		e.Key("type")
		e.String("abort")
		e.Key("flow_id")
		e.String(flowID)
		e.Key("handler")
		handler(e)
		e.Key("reason")
		e.String(r.reason)
		e.Key("description_placeholders")
		writePlaceholders(e, r.placeholders)
	}
	e.EndObject()
	return e.Bytes()
}

// entryJSON renders a login flow's create_entry with its authorization
// code in "result".
func entryJSON(flowID string, handler func(*orjson.Encoder), code string) []byte {
	e := orjson.NewEncoder(nil, false)
	e.BeginObject()
	e.Key("type")
	e.String("create_entry")
	e.Key("flow_id")
	e.String(flowID)
	e.Key("handler")
	handler(e)
	e.Key("description")
	e.Null()
	e.Key("description_placeholders")
	e.Null()
	e.Key("result")
	e.String(code)
	e.EndObject()
	return e.Bytes()
}

// writeForm writes a form's data_schema as voluptuous_serialize does; no
// schema is an empty list.
func writeForm(e *orjson.Encoder, s *schema.Schema) {
	if s == nil {
		e.BeginArray()
		e.EndArray()
		return
	}
	// Every form the core shows is serializable; an error would be a bug
	// in a form declared here, and an empty list keeps the reply valid.
	mark := len(e.Bytes())
	if err := s.Serialize(e); err != nil && len(e.Bytes()) == mark {
		e.BeginArray()
		e.EndArray()
	}
}
