package orjson

import (
	"strconv"
)

// Kind is the type of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "bool", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// Value is a parsed JSON value. Objects keep their members in the order the
// document gave them; numbers keep their literal text, so that an integer is
// never confused with a float and nothing is rounded on the way through.
type Value struct {
	Kind Kind
	// Str holds a string's text or a number's literal.
	Str  string
	Bool bool
	Arr  []Value
	Obj  []Member
}

// Member is one key and value of an object.
type Member struct {
	Key   string
	Value Value
}

// Get returns the member value for key in an object.
func (v Value) Get(key string) (Value, bool) {
	for i := range v.Obj {
		if v.Obj[i].Key == key {
			return v.Obj[i].Value, true
		}
	}
	return Value{}, false
}

// Has reports whether an object has a member named key.
func (v Value) Has(key string) bool {
	_, ok := v.Get(key)
	return ok
}

// IsInt reports whether v is a number written without fraction or exponent,
// which is what Python's json loaders turn into an int.
func (v Value) IsInt() bool {
	if v.Kind != Number {
		return false
	}
	for i := 0; i < len(v.Str); i++ {
		switch v.Str[i] {
		case '.', 'e', 'E':
			return false
		}
	}
	return true
}

// Int returns an integer number's value; ok is false for other values and
// for integers outside the int64 range.
func (v Value) Int() (int64, bool) {
	if !v.IsInt() {
		return 0, false
	}
	i, err := strconv.ParseInt(v.Str, 10, 64)
	return i, err == nil
}

// Float returns a number's value as a float64.
func (v Value) Float() (float64, bool) {
	if v.Kind != Number {
		return 0, false
	}
	f, err := strconv.ParseFloat(v.Str, 64)
	return f, err == nil
}

// StringValue makes a string value.
func StringValue(s string) Value { return Value{Kind: String, Str: s} }

// IntValue makes an integer number value.
func IntValue(i int64) Value { return Value{Kind: Number, Str: strconv.FormatInt(i, 10)} }

// BoolValue makes a boolean value.
func BoolValue(b bool) Value { return Value{Kind: Bool, Bool: b} }

// Marshal encodes v compactly.
func Marshal(v Value) []byte {
	e := NewEncoder(nil, false)
	e.Value(v)
	return e.Bytes()
}
