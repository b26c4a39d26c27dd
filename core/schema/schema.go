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
// missing keys in field order. The output shares unchanged parts with v.
// Otherwise it returns the errors in the order voluptuous raises them.
func (s *Schema) Validate(v orjson.Value) (orjson.Value, *Error) {
	var buf [4]PathElem
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

	m := mapping{s: s, data: data}
	if len(s.Fields) > 64 {
		m.seenLarge = make([]bool, len(s.Fields))
	}
	for i := range data.Obj {
		m.member(path, i, data.Obj[i].Key, data.Obj[i].Value)
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Default != nil && f.Marker != Plain && !data.Has(f.Name) {
			m.member(path, -1, f.Name, *f.Default)
		}
	}
	for i := range s.Fields {
		if s.Fields[i].Marker == Required && !m.isSeen(i) {
			m.errs = append(m.errs, fail(MsgRequired, append(path, PathElem{Kind: PathKey, Key: s.Fields[i].Name}))...)
		}
	}
	if m.errs != nil {
		return orjson.Value{}, m.errs
	}
	out := data
	if m.copied {
		out = orjson.Value{Kind: orjson.Object, Obj: m.out}
	}
	if len(s.AtLeastOne) > 0 && !hasAny(out, s.AtLeastOne) {
		return orjson.Value{}, fail(atLeastOneMessage(s.AtLeastOne), path)
	}
	return out, nil
}

// mapping is the state of one mapping validation. The output is built only
// once it differs from the input (a converted value, an inserted default):
// until then kept counts the input members passed through unchanged.
type mapping struct {
	s         *Schema
	data      orjson.Value
	out       []orjson.Member
	copied    bool
	kept      int
	seenSmall uint64
	seenLarge []bool // when the schema has more than 64 fields
	errs      []Invalid
}

// seen marks the fields whose key was given (or defaulted), so that only the
// rest are reported missing. A key that is present is never also reported
// missing, even when its value fails.
func (m *mapping) markSeen(i int) {
	if m.seenLarge != nil {
		m.seenLarge[i] = true
	} else {
		m.seenSmall |= 1 << uint(i)
	}
}

func (m *mapping) isSeen(i int) bool {
	if m.seenLarge != nil {
		return m.seenLarge[i]
	}
	return m.seenSmall&(1<<uint(i)) != 0
}

// member validates one key and value; index is the member's place in the
// input, or -1 for an inserted default.
func (m *mapping) member(path []PathElem, index int, key string, value orjson.Value) {
	keyPath := append(path, PathElem{Kind: PathKey, Key: key})
	i := m.s.field(key)
	if i < 0 {
		if m.s.Extra {
			m.emit(index, key, value, true)
		} else {
			m.errs = append(m.errs, fail(MsgExtraKeys, keyPath)...)
		}
		return
	}
	m.markSeen(i)
	cv, e := m.s.Fields[i].Check.validate(keyPath, value)
	if e != nil {
		for j := range e {
			if len(e[j].Path) <= len(keyPath) {
				e[j].ErrorType = errorTypeDict
			}
		}
		m.errs = append(m.errs, e...)
		return
	}
	m.emit(index, key, cv, sameValue(cv, value))
}

func (m *mapping) emit(index int, key string, v orjson.Value, same bool) {
	if m.errs != nil {
		// The output is thrown away.
		return
	}
	if !m.copied {
		if same && index == m.kept {
			m.kept++
			return
		}
		m.out = make([]orjson.Member, m.kept, len(m.data.Obj)+m.s.defaults())
		copy(m.out, m.data.Obj[:m.kept])
		m.copied = true
	}
	m.out = append(m.out, orjson.Member{Key: key, Value: v})
}

// sameValue reports whether a check returned its input unchanged (sharing
// the same containers).
func sameValue(a, b orjson.Value) bool {
	return a.Kind == b.Kind && a.Bool == b.Bool && a.Str == b.Str &&
		len(a.Arr) == len(b.Arr) && (len(a.Arr) == 0 || &a.Arr[0] == &b.Arr[0]) &&
		len(a.Obj) == len(b.Obj) && (len(a.Obj) == 0 || &a.Obj[0] == &b.Obj[0]) &&
		(a.Arr == nil) == (b.Arr == nil) && (a.Obj == nil) == (b.Obj == nil)
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
