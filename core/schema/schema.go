package schema

import (
	"github.com/hassauth/hassauth/core/orjson"
)

// Marker is how a mapping key is declared in voluptuous.
type Marker uint8

// The key markers.
const (
	// Plain is a bare key ({"code": str}): optional, as Home Assistant's
	// schemas are not built with required=True.
	Plain Marker = iota
	// Required is vol.Required.
	Required
	// Optional is vol.Optional.
	Optional
	// Exclusive is vol.Exclusive: optional, and at most one key of its
	// Group may be present.
	Exclusive
)

// Field is one key of a mapping schema.
type Field struct {
	Name   string
	Marker Marker
	Check  Check
	// Default, when set on a marked (not Plain) key, is inserted for a
	// missing key and validated like input.
	Default *orjson.Value
	// Group is the exclusion group of an Exclusive key.
	Group string
	// Description is the marker's description, shown by Serialize when set.
	Description string
}

// Req is vol.Required(name): check.
func Req(name string, c Check) Field { return Field{Name: name, Marker: Required, Check: c} }

// Opt is vol.Optional(name): check.
func Opt(name string, c Check) Field { return Field{Name: name, Marker: Optional, Check: c} }

// OptDefault is vol.Optional(name, default=def): check.
func OptDefault(name string, c Check, def orjson.Value) Field {
	return Field{Name: name, Marker: Optional, Check: c, Default: &def}
}

// Excl is vol.Exclusive(name, group): check.
func Excl(name, group string, c Check) Field {
	return Field{Name: name, Marker: Exclusive, Check: c, Group: group}
}

// Key is a plain key: name: check.
func Key(name string, c Check) Field { return Field{Name: name, Check: c} }

// Schema is a voluptuous mapping schema, vol.Schema({...}). Field names
// must be distinct. A Schema must not be changed once in use.
type Schema struct {
	Fields []Field
	// Extra is extra=vol.ALLOW_EXTRA: unknown keys pass through unchecked
	// instead of failing with "extra keys not allowed".
	Extra bool
	// AtLeastOne, when set, wraps the schema as
	// vol.All(schema, cv.has_at_least_one_key(AtLeastOne...)).
	AtLeastOne []string
}

// Validate checks v against the schema. On success it returns the value
// voluptuous outputs: the input's keys in input order (unknown keys only when
// Extra), converted where a check converts (String), then the defaults of
// missing keys in field order. Otherwise it returns the errors in the order
// voluptuous raises them.
func (s *Schema) Validate(v orjson.Value) (orjson.Value, *Error) {
	var buf [8]PathElem
	out, errs := s.validate(buf[:0], v)
	if errs != nil {
		return orjson.Value{}, &Error{Errors: errs}
	}
	return out, nil
}

func (s *Schema) field(name string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i
		}
	}
	return -1
}

func (s *Schema) validate(path []PathElem, data orjson.Value) (orjson.Value, []Invalid) {
	if data.Kind != orjson.Object {
		return orjson.Value{}, fail(MsgExpectedDict, path)
	}
	if errs := s.exclusions(path, data); errs != nil {
		return orjson.Value{}, errs
	}

	// seen marks the fields whose key was given (or defaulted), so that only
	// the rest are reported missing.
	var seenSmall uint64
	var seenLarge []bool
	if len(s.Fields) > 64 {
		seenLarge = make([]bool, len(s.Fields))
	}
	markSeen := func(i int) {
		if seenLarge != nil {
			seenLarge[i] = true
		} else {
			seenSmall |= 1 << uint(i)
		}
	}
	isSeen := func(i int) bool {
		if seenLarge != nil {
			return seenLarge[i]
		}
		return seenSmall&(1<<uint(i)) != 0
	}

	out := orjson.Value{Kind: orjson.Object, Obj: make([]orjson.Member, 0, len(data.Obj)+s.defaults())}
	var errs []Invalid
	check := func(key string, value orjson.Value) {
		keyPath := append(path, PathElem{Kind: PathKey, Key: key})
		i := s.field(key)
		if i < 0 {
			if s.Extra {
				out.Obj = append(out.Obj, orjson.Member{Key: key, Value: value})
			} else {
				errs = append(errs, fail(MsgExtraKeys, keyPath)...)
			}
			return
		}
		// A key that is present is never also reported missing, even when
		// its value fails.
		markSeen(i)
		cv, e := s.Fields[i].Check.validate(keyPath, value)
		if e != nil {
			for j := range e {
				if len(e[j].Path) <= len(keyPath) {
					e[j].ErrorType = errorTypeDict
				}
			}
			errs = append(errs, e...)
			return
		}
		out.Obj = append(out.Obj, orjson.Member{Key: key, Value: cv})
	}
	for _, m := range data.Obj {
		check(m.Key, m.Value)
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Default != nil && f.Marker != Plain && !data.Has(f.Name) {
			check(f.Name, *f.Default)
		}
	}
	for i := range s.Fields {
		if s.Fields[i].Marker == Required && !isSeen(i) {
			errs = append(errs, fail(MsgRequired, append(path, PathElem{Kind: PathKey, Key: s.Fields[i].Name}))...)
		}
	}
	if errs != nil {
		return orjson.Value{}, errs
	}
	if len(s.AtLeastOne) > 0 && !hasAny(out, s.AtLeastOne) {
		return orjson.Value{}, fail(atLeastOneMessage(s.AtLeastOne), path)
	}
	return out, nil
}

// exclusions reports, for each exclusion group in the order its first key is
// declared, a second present key of the group. voluptuous checks them before
// anything else, and reports nothing else when one fails.
func (s *Schema) exclusions(path []PathElem, data orjson.Value) []Invalid {
	var errs []Invalid
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Marker != Exclusive || s.groupSeenBefore(i) {
			continue
		}
		present := false
		for j := i; j < len(s.Fields); j++ {
			g := &s.Fields[j]
			if g.Marker != Exclusive || g.Group != f.Group || !data.Has(g.Name) {
				continue
			}
			if present {
				msg := msgExclusionPrefix + f.Group + "'"
				errs = append(errs, fail(msg, append(path, PathElem{Kind: PathGroup, Key: f.Group}))...)
				break
			}
			present = true
		}
	}
	return errs
}

func (s *Schema) groupSeenBefore(i int) bool {
	for j := 0; j < i; j++ {
		if s.Fields[j].Marker == Exclusive && s.Fields[j].Group == s.Fields[i].Group {
			return true
		}
	}
	return false
}

func (s *Schema) defaults() int {
	n := 0
	for i := range s.Fields {
		if s.Fields[i].Default != nil {
			n++
		}
	}
	return n
}

func hasAny(obj orjson.Value, keys []string) bool {
	for _, k := range keys {
		if obj.Has(k) {
			return true
		}
	}
	return false
}
