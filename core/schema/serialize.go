package schema

import (
	"errors"

	"github.com/hassauth/hassauth/core/orjson"
)

// ErrUnserializable is returned by Serialize for a schema
// voluptuous_serialize cannot convert (it raises ValueError "Unable to
// convert schema"): one using Anything, None alone, String, List, Dict, an
// AnyOf other than Maybe, or AtLeastOne.
var ErrUnserializable = errors.New("schema: unable to convert schema")

// Serialize writes the schema as voluptuous_serialize.convert does for a
// form's data_schema: a list with one object per field, in field order,
// {"type": ..., <check properties>, "name": ..., "description"?, "required":
// bool, "optional"/"exclusive": true for those markers, "default"?}. Nothing
// is written when the schema cannot be converted.
func (s *Schema) Serialize(e *orjson.Encoder) error {
	if len(s.AtLeastOne) > 0 {
		return ErrUnserializable
	}
	fields := make([]props, len(s.Fields))
	for i := range s.Fields {
		p, ok := s.Fields[i].describe()
		if !ok {
			return ErrUnserializable
		}
		fields[i] = p
	}
	e.BeginArray()
	for _, p := range fields {
		e.BeginObject()
		for _, m := range p {
			e.Key(m.Key)
			e.Value(m.Value)
		}
		e.EndObject()
	}
	e.EndArray()
	return nil
}

func (f *Field) describe() (props, bool) {
	p, ok := f.Check.describe()
	if !ok {
		return nil, false
	}
	p = p.set("name", orjson.StringValue(f.Name))
	if f.Description != "" {
		p = p.set("description", orjson.StringValue(f.Description))
	}
	if f.Marker == Plain {
		return p.set("required", orjson.BoolValue(false)), true
	}
	p = p.set("required", orjson.BoolValue(f.Marker == Required))
	// voluptuous_serialize also sets the marker's lower-cased class name.
	switch f.Marker {
	case Optional:
		p = p.set("optional", orjson.BoolValue(true))
	case Exclusive:
		p = p.set("exclusive", orjson.BoolValue(true))
	}
	if f.Default != nil {
		p = p.set("default", *f.Default)
	}
	return p, true
}
