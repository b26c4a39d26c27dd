package schema

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hassauth/hassauth/core/orjson"
)

// Messages voluptuous and Home Assistant's validators use; they are protocol
// text, shown to clients verbatim.
const (
	// MsgExpectedDict: a mapping schema got something else.
	MsgExpectedDict = "expected a dictionary"
	// MsgExpectedList: a list schema got something else.
	MsgExpectedList = "expected a list"
	// MsgExtraKeys: a key the schema does not declare.
	MsgExtraKeys = "extra keys not allowed"
	// MsgRequired: a Required key is missing.
	MsgRequired = "required key not provided"
	// MsgNotValid: a literal (Const, None) did not match.
	MsgNotValid = "not a valid value"
	// MsgNoValidValue: an AnyOf without alternatives.
	MsgNoValidValue = "no valid value found"
	// MsgLengthType: Length applied to a value without a length.
	MsgLengthType = "invalid value or type"
	// MsgStringIsNone: cv.string got null.
	MsgStringIsNone = "string value is None"
	// MsgShouldBeString: cv.string got a list or dict.
	MsgShouldBeString = "value should be a string"
)

const (
	msgExpectedPrefix   = "expected "
	msgExclusionPrefix  = "two or more values in the same group of exclusion '"
	msgLengthMinPrefix  = "length of value must be at least "
	msgLengthMaxPrefix  = "length of value must be at most "
	msgInPrefix         = "value must be one of "
	msgAtLeastOnePrefix = "must contain at least one of "
	msgRangeMinPrefix   = "value must be at least "

	// errorTypeDict is what a mapping adds to an error about one of its
	// values ("expected str for dictionary value @ data['x']").
	errorTypeDict = "dictionary value"
)

// Prefixes Home Assistant puts before a validation error.
const (
	// HTTPErrorPrefix precedes Error.Message in a 400 reply to a JSON body.
	HTTPErrorPrefix = "Message format incorrect: "
	// WSAuthErrorPrefix precedes Error.Humanized in the auth_invalid message
	// of the websocket auth phase.
	WSAuthErrorPrefix = "Auth message incorrectly formatted: "
)

// maxHumanizedValue is voluptuous' MAX_VALIDATION_ERROR_ITEM_LENGTH: the
// longest repr, in code points, humanize_error shows of an offending value.
const maxHumanizedValue = 500

// PathKind says what a PathElem indexes.
type PathKind uint8

// The kinds of path elements.
const (
	// PathKey is a mapping key, shown as data['key'].
	PathKey PathKind = iota
	// PathIndex is a list position, shown as data[0].
	PathIndex
	// PathGroup is an exclusion group, shown as data[<group>].
	PathGroup
)

// PathElem is one step from the validated document to an offending value.
type PathElem struct {
	Kind  PathKind
	Key   string // PathKey, PathGroup
	Index int    // PathIndex
}

func (p PathElem) appendRepr(b []byte) []byte {
	switch p.Kind {
	case PathIndex:
		return strconv.AppendInt(b, int64(p.Index), 10)
	case PathGroup:
		b = append(b, '<')
		b = append(b, p.Key...)
		return append(b, '>')
	default:
		return appendStrRepr(b, p.Key)
	}
}

// Invalid is one validation error, voluptuous' Invalid.
type Invalid struct {
	Msg       string
	Path      []PathElem
	ErrorType string
}

// String returns the error as str(Invalid) does: the message, " for " and
// the error type if any, then " @ data[...]" if the path is not empty.
func (iv Invalid) String() string {
	return string(iv.appendString(nil))
}

func (iv Invalid) appendString(b []byte) []byte {
	b = append(b, iv.Msg...)
	if iv.ErrorType != "" {
		b = append(b, " for "...)
		b = append(b, iv.ErrorType...)
	}
	if len(iv.Path) > 0 {
		b = append(b, " @ data["...)
		for i, p := range iv.Path {
			if i > 0 {
				b = append(b, "]["...)
			}
			b = p.appendRepr(b)
		}
		b = append(b, ']')
	}
	return b
}

// Error is a failed validation: voluptuous' MultipleInvalid, the errors in
// the order voluptuous found them. It is never empty.
type Error struct {
	Errors []Invalid
}

// NewError makes an Error of one message at path, for checks Home Assistant
// raises by hand (vol.Invalid("extra keys not allowed") has no path).
func NewError(msg string, path ...PathElem) *Error {
	return &Error{Errors: []Invalid{{Msg: msg, Path: slices.Clone(path)}}}
}

// Error returns Message, so that *Error is an error.
func (e *Error) Error() string { return e.Message() }

// Message returns str(MultipleInvalid): the first error only. This is what
// follows HTTPErrorPrefix in an HTTP reply.
func (e *Error) Message() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].String()
}

// Humanized returns voluptuous.humanize.humanize_error(input, err): one line
// per error, "<error>. Got <repr of the input value at the error's path>",
// the lines sorted and joined by newlines. input must be the document as the
// client sent it (not Validate's output); a path that leads nowhere shows
// None, as in Python.
func (e *Error) Humanized(input orjson.Value) string {
	lines := make([]string, len(e.Errors))
	for i, iv := range e.Errors {
		b := iv.appendString(make([]byte, 0, 64))
		b = append(b, ". Got "...)
		b = appendHumanizedValue(b, lookup(input, iv.Path))
		lines[i] = string(b)
	}
	// Python sorts str by code point, which is UTF-8 byte order.
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// appendHumanizedValue appends repr(v), cut to maxHumanizedValue code points
// as humanize_error does ("..." replacing the tail).
func appendHumanizedValue(b []byte, v *orjson.Value) []byte {
	start := len(b)
	// A repr longer than the limit is cut anyway, so stop producing it once
	// enough bytes exist to hold more than the limit's code points.
	w := reprWriter{buf: b, limit: start + (maxHumanizedValue+1)*utf8.UTFMax}
	if v == nil {
		w.buf = append(w.buf, "None"...)
	} else {
		w.value(*v)
	}
	b = w.buf
	n, cut := 0, -1
	for i := range string(b[start:]) {
		if n == maxHumanizedValue-3 {
			cut = start + i
		}
		n++
		if n > maxHumanizedValue {
			return append(b[:cut], "..."...)
		}
	}
	return b
}

// lookup follows path through data the way humanize's _nested_getitem does:
// nil where Python would raise KeyError, IndexError or TypeError.
func lookup(data orjson.Value, path []PathElem) *orjson.Value {
	cur := &data
	for _, p := range path {
		switch p.Kind {
		case PathIndex:
			switch cur.Kind {
			case orjson.Array:
				if p.Index < 0 || p.Index >= len(cur.Arr) {
					return nil
				}
				cur = &cur.Arr[p.Index]
			case orjson.String:
				// Python indexes a str by code point.
				n := 0
				found := false
				for _, r := range cur.Str {
					if n == p.Index {
						cur = &orjson.Value{Kind: orjson.String, Str: string(r)}
						found = true
						break
					}
					n++
				}
				if !found {
					return nil
				}
			default:
				return nil
			}
		default:
			if cur.Kind != orjson.Object {
				return nil
			}
			found := false
			for i := range cur.Obj {
				if cur.Obj[i].Key == p.Key {
					cur = &cur.Obj[i].Value
					found = true
					break
				}
			}
			if !found {
				return nil
			}
		}
	}
	return cur
}
