package schema

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/orjson"
)

// Check validates one value, as a voluptuous value schema does. The set of
// checks is closed: they are the values and constructors of this package,
// each one a voluptuous construct Home Assistant's auth schemas use.
type Check interface {
	// validate returns the value voluptuous would output, or the errors it
	// would raise (path is the value's place; callees may append to it but
	// must clone it into any error they keep).
	validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid)
	// describe returns the field properties voluptuous_serialize writes for
	// the check, or ok false where it raises "Unable to convert schema".
	describe() (props, bool)
}

// The plain type checks: Python's isinstance against a builtin type.
var (
	// Str is the type str.
	Str Check = typeCheck{kind: typeStr}
	// Int is the type int. As in Python, true and false pass (bool is a
	// subclass of int) and are output unchanged; read them with AsInt.
	Int Check = typeCheck{kind: typeInt}
	// Bool is the type bool.
	Bool Check = typeCheck{kind: typeBool}
	// Float is the type float: numbers written with a fraction or exponent.
	Float Check = typeCheck{kind: typeFloat}
	// Anything is the type object: every value passes.
	Anything Check = anything{}
	// None is the literal None: only null passes.
	None Check = noneCheck{}
	// String is Home Assistant's cv.string: any value but null, a list or a
	// dict passes, converted to its Python str() ("5", "1.0", "True").
	String Check = coerceString{}
)

type typeKind uint8

const (
	typeStr typeKind = iota
	typeInt
	typeBool
	typeFloat
)

// typeNames holds each type's error message and voluptuous_serialize name.
var typeNames = [...][2]string{
	typeStr:   {msgExpectedPrefix + "str", "string"},
	typeInt:   {msgExpectedPrefix + "int", "integer"},
	typeBool:  {msgExpectedPrefix + "bool", "boolean"},
	typeFloat: {msgExpectedPrefix + "float", "float"},
}

// AsInt returns the integer value Python sees in a value that passed Int:
// true and false count as 1 and 0. ok is false for other values and for
// integers outside the int64 range.
func AsInt(v orjson.Value) (int64, bool) {
	if v.Kind == orjson.Bool {
		if v.Bool {
			return 1, true
		}
		return 0, true
	}
	if i, ok := v.Int(); ok {
		return i, true
	}
	return 0, false
}

// quickChecker is a check that can tell whether a value passes without
// building an error, which lets AnyOf and List skip failing alternatives
// cheaply.
type quickChecker interface {
	quick(v orjson.Value) (orjson.Value, bool)
}

type typeCheck struct{ kind typeKind }

func (c typeCheck) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	if out, ok := c.quick(v); ok {
		return out, nil
	}
	return orjson.Value{}, fail(typeNames[c.kind][0], path)
}

func (c typeCheck) quick(v orjson.Value) (orjson.Value, bool) {
	var ok bool
	switch c.kind {
	case typeStr:
		ok = v.Kind == orjson.String
	case typeInt:
		ok = v.Kind == orjson.Bool || v.IsInt()
	case typeBool:
		ok = v.Kind == orjson.Bool
	case typeFloat:
		ok = v.Kind == orjson.Number && !v.IsInt()
	}
	return v, ok
}

func (c typeCheck) describe() (props, bool) {
	return props{{Key: "type", Value: orjson.StringValue(typeNames[c.kind][1])}}, true
}

type anything struct{}

func (anything) validate(_ []PathElem, v orjson.Value) (orjson.Value, []Invalid) { return v, nil }
func (anything) quick(v orjson.Value) (orjson.Value, bool)                       { return v, true }
func (anything) describe() (props, bool)                                         { return nil, false }

type noneCheck struct{}

func (noneCheck) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	if v.Kind == orjson.Null {
		return v, nil
	}
	return orjson.Value{}, fail(MsgNotValid, path)
}

func (noneCheck) quick(v orjson.Value) (orjson.Value, bool) { return v, v.Kind == orjson.Null }

func (noneCheck) describe() (props, bool) { return nil, false }

// Const is a literal string value schema: only that exact string passes.
func Const(s string) Check { return constCheck{s} }

type constCheck struct{ s string }

func (c constCheck) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	if v.Kind == orjson.String && v.Str == c.s {
		return v, nil
	}
	return orjson.Value{}, fail(MsgNotValid, path)
}

func (c constCheck) quick(v orjson.Value) (orjson.Value, bool) {
	return v, v.Kind == orjson.String && v.Str == c.s
}

func (c constCheck) describe() (props, bool) {
	return props{
		{Key: "type", Value: orjson.StringValue("constant")},
		{Key: "value", Value: orjson.StringValue(c.s)},
	}, true
}

type coerceString struct{}

func (coerceString) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	switch v.Kind {
	case orjson.String:
		return v, nil
	case orjson.Null:
		return orjson.Value{}, fail(MsgStringIsNone, path)
	case orjson.Array, orjson.Object:
		return orjson.Value{}, fail(MsgShouldBeString, path)
	case orjson.Bool:
		if v.Bool {
			return orjson.StringValue("True"), nil
		}
		return orjson.StringValue("False"), nil
	default:
		// str() of an int or float is its repr.
		return orjson.StringValue(string(appendNumberRepr(nil, v))), nil
	}
}

func (coerceString) describe() (props, bool) { return nil, false }

// AnyOf is vol.Any: the first check that passes gives the value. When all
// fail, the error is the one whose path reaches deepest, the earliest check
// winning ties.
func AnyOf(checks ...Check) Check { return anyOf(checks) }

// Maybe is vol.Maybe, AnyOf(None, c): null or a value passing c.
func Maybe(c Check) Check { return anyOf{None, c} }

type anyOf []Check

func (a anyOf) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	// First look for the passing alternative without building the errors of
	// those before it; they are needed only when every alternative fails.
	for _, c := range a {
		if q, ok := c.(quickChecker); ok {
			if out, ok := q.quick(v); ok {
				return out, nil
			}
			continue
		}
		if out, errs := c.validate(path, v); errs == nil {
			return out, nil
		}
	}
	var best []Invalid
	for _, c := range a {
		out, errs := c.validate(path, v)
		if errs == nil {
			return out, nil
		}
		if best == nil || len(errs[0].Path) > len(best[0].Path) {
			best = errs
		}
	}
	if best == nil {
		return orjson.Value{}, fail(MsgNoValidValue, path)
	}
	return orjson.Value{}, best
}

func (a anyOf) describe() (props, bool) {
	// voluptuous_serialize knows only Maybe's shape: Any(None, X).
	if len(a) != 2 {
		return nil, false
	}
	if _, none := a[0].(noneCheck); !none {
		return nil, false
	}
	p, ok := a[1].describe()
	if !ok {
		return nil, false
	}
	return p.set("allow_none", orjson.BoolValue(true)), true
}

// AllOf is vol.All: each check in turn gets the previous one's output; the
// first failure is the error.
func AllOf(checks ...Check) Check { return allOf(checks) }

type allOf []Check

func (a allOf) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	for _, c := range a {
		var errs []Invalid
		if v, errs = c.validate(path, v); errs != nil {
			return orjson.Value{}, errs
		}
	}
	return v, nil
}

func (a allOf) describe() (props, bool) {
	var out props
	for _, c := range a {
		p, ok := c.describe()
		if !ok {
			return nil, false
		}
		for _, m := range p {
			out = out.set(m.Key, m.Value)
		}
	}
	return out, true
}

// List is a voluptuous list schema such as [str]: the value must be a list
// and each item must pass one of the checks, tried in order. Every failing
// item is reported, except that an error from inside an item (a nested list
// or dict) ends the list at once, as in voluptuous. List panics without
// checks.
func List(checks ...Check) Check {
	if len(checks) == 0 {
		panic("schema: List needs at least one check")
	}
	return listOf(checks)
}

type listOf []Check

func (l listOf) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	if v.Kind != orjson.Array {
		return orjson.Value{}, fail(MsgExpectedList, path)
	}
	// The output list is made only once an item's value changes.
	var out []orjson.Value
	var errs []Invalid
	for i, item := range v.Arr {
		ip := append(path, PathElem{Kind: PathIndex, Index: i})
		var last []Invalid
		passed := false
		for _, c := range l {
			cv, e := c.validate(ip, item)
			if e == nil {
				if out == nil && !sameValue(cv, item) {
					out = make([]orjson.Value, i, len(v.Arr))
					copy(out, v.Arr[:i])
				}
				if out != nil {
					out = append(out, cv)
				}
				passed = true
				break
			}
			if len(e[0].Path) > len(ip) {
				return orjson.Value{}, e
			}
			last = e
		}
		if !passed {
			errs = append(errs, last...)
		}
	}
	if errs != nil {
		return orjson.Value{}, errs
	}
	if out == nil {
		return v, nil
	}
	return orjson.Value{Kind: orjson.Array, Arr: out}, nil
}

func (listOf) describe() (props, bool) { return nil, false }

// Length is vol.Length(min, max) on a string (in code points), list or dict;
// a negative bound is absent. Other values fail with "invalid value or type".
func Length(min, max int) Check { return length{min, max} }

type length struct{ min, max int }

func (l length) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	var n int
	switch v.Kind {
	case orjson.String:
		n = utf8.RuneCountInString(v.Str)
	case orjson.Array:
		n = len(v.Arr)
	case orjson.Object:
		n = len(v.Obj)
	default:
		return orjson.Value{}, fail(MsgLengthType, path)
	}
	if l.min >= 0 && n < l.min {
		return orjson.Value{}, fail(msgLengthMinPrefix+strconv.Itoa(l.min), path)
	}
	if l.max >= 0 && n > l.max {
		return orjson.Value{}, fail(msgLengthMaxPrefix+strconv.Itoa(l.max), path)
	}
	return v, nil
}

func (l length) describe() (props, bool) {
	var p props
	if l.min >= 0 {
		p = p.set("lengthMin", orjson.IntValue(int64(l.min)))
	}
	if l.max >= 0 {
		p = p.set("lengthMax", orjson.IntValue(int64(l.max)))
	}
	return p, true
}

// Option is one choice of a select: the value sent and the label shown.
type Option struct {
	Value string
	Label string
}

// In is vol.In over a list of strings: the value must be one of them. A
// form shows each as its own label.
func In(values ...string) Check {
	opts := make([]Option, len(values))
	for i, v := range values {
		opts[i] = Option{Value: v, Label: v}
	}
	return newIn(opts)
}

// InOptions is vol.In over a dict {value: label}, in the dict's order:
// the value must be one of the option values.
func InOptions(options ...Option) Check { return newIn(slices.Clone(options)) }

type inCheck struct {
	options []Option
	msg     string
}

func newIn(options []Option) Check {
	values := make([]string, len(options))
	for i, o := range options {
		values[i] = o.Value
	}
	// The message lists the choices sorted, as Python's sorted() orders str
	// (by code point, which is UTF-8 byte order).
	slices.Sort(values)
	b := []byte(msgInPrefix)
	b = append(b, '[')
	for i, v := range values {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendStrRepr(b, v)
	}
	b = append(b, ']')
	return &inCheck{options: options, msg: string(b)}
}

func (c *inCheck) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	if _, ok := c.quick(v); ok {
		return v, nil
	}
	return orjson.Value{}, fail(c.msg, path)
}

func (c *inCheck) quick(v orjson.Value) (orjson.Value, bool) {
	if v.Kind == orjson.String {
		for _, o := range c.options {
			if o.Value == v.Str {
				return v, true
			}
		}
	}
	return v, false
}

func (c *inCheck) describe() (props, bool) {
	opts := orjson.Value{Kind: orjson.Array, Arr: make([]orjson.Value, len(c.options))}
	for i, o := range c.options {
		opts.Arr[i] = orjson.Value{Kind: orjson.Array, Arr: []orjson.Value{
			orjson.StringValue(o.Value), orjson.StringValue(o.Label),
		}}
	}
	return props{
		{Key: "type", Value: orjson.StringValue("select")},
		{Key: "options", Value: opts},
	}, true
}

// Dict is a nested mapping schema as a value.
func Dict(s *Schema) Check { return dictCheck{s} }

type dictCheck struct{ s *Schema }

func (d dictCheck) validate(path []PathElem, v orjson.Value) (orjson.Value, []Invalid) {
	return d.s.validate(path, v)
}

func (dictCheck) describe() (props, bool) { return nil, false }

// fail returns the single error msg at a copy of path.
func fail(msg string, path []PathElem) []Invalid {
	return []Invalid{{Msg: msg, Path: slices.Clone(path)}}
}

// props is an ordered set of serialized field properties; set keeps a key's
// first place, as assigning to a Python dict does.
type props []orjson.Member

func (p props) set(key string, v orjson.Value) props {
	for i := range p {
		if p[i].Key == key {
			p[i].Value = v
			return p
		}
	}
	return append(p, orjson.Member{Key: key, Value: v})
}

// atLeastOneMessage is cv.has_at_least_one_key's error text.
func atLeastOneMessage(keys []string) string {
	return msgAtLeastOnePrefix + strings.Join(keys, ", ") + "."
}
