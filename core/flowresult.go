package core

import (
	"github.com/hassauth/hassauth/core/authstore"
	"github.com/hassauth/hassauth/core/orjson"
)

// resultKind is the type of a data-entry-flow result.
type resultKind uint8

const (
	resultForm resultKind = iota + 1
	resultAbort
	resultCreateEntry
)

// fieldKind is the voluptuous type of a form field.
type fieldKind uint8

const (
	fieldString fieldKind = iota + 1
	fieldSelect
)

// formField is one field of a form's data_schema.
type formField struct {
	Name     string
	Kind     fieldKind
	Required bool
	// Options are a select's (value, label) pairs in order.
	Options [][2]string
}

// stepResult is what a flow step gave: a form, an abort, an entry, or a
// suspension while an effect is awaited.
type stepResult struct {
	// await is the id of the effect the step waits for, or 0.
	await uint64
	kind  resultKind

	stepID string
	fields []formField
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

func formResult(stepID string, fields []formField, baseError string) stepResult {
	r := stepResult{kind: resultForm, stepID: stepID, fields: fields, errorsEmpty: true}
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

// writeFields writes a data_schema as voluptuous_serialize does.
func writeFields(e *orjson.Encoder, fields []formField) {
	e.BeginArray()
	for _, f := range fields {
		e.BeginObject()
		switch f.Kind {
		case fieldString:
			e.Key("type")
			e.String("string")
		case fieldSelect:
			e.Key("type")
			e.String("select")
			e.Key("options")
			e.BeginArray()
			for _, o := range f.Options {
				e.BeginArray()
				e.String(o[0])
				e.String(o[1])
				e.EndArray()
			}
			e.EndArray()
		}
		e.Key("name")
		e.String(f.Name)
		if f.Required {
			e.Key("required")
			e.Bool(true)
		}
		e.EndObject()
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
		e.Key("step_id")
		e.String(r.stepID)
		e.Key("data_schema")
		writeFields(e, r.fields)
		e.Key("errors")
		writeErrors(e, r)
		e.Key("description_placeholders")
		writePlaceholders(e, r.placeholders)
		e.Key("last_step")
		e.Null()
		e.Key("preview")
		e.Null()
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

// validateInput checks step input against the form the step showed, as
// voluptuous would: required fields present, strings where strings are
// expected, select values among the options, no other keys.
func validateInput(fields []formField, input orjson.Value) bool {
	if input.Kind != orjson.Object {
		return false
	}
	for _, m := range input.Obj {
		var f *formField
		for i := range fields {
			if fields[i].Name == m.Key {
				f = &fields[i]
				break
			}
		}
		if f == nil {
			return false
		}
		switch f.Kind {
		case fieldString:
			if m.Value.Kind != orjson.String {
				return false
			}
		case fieldSelect:
			if m.Value.Kind != orjson.String {
				return false
			}
			ok := false
			for _, o := range f.Options {
				if o[0] == m.Value.Str {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
	}
	for _, f := range fields {
		if f.Required && !input.Has(f.Name) {
			return false
		}
	}
	return true
}
