package password

import "strings"

// TranslationDomain is the translation domain of every Error.
const TranslationDomain = "auth"

// Translation keys of the errors the homeassistant provider raises.
const (
	KeyUsernameNotNormalized = "username_not_normalized"
	KeyUsernameAlreadyExists = "username_already_exists"
	KeyUserNotFound          = "user_not_found"
)

// English messages of the keys above, with Home Assistant's {placeholder}
// syntax.
const (
	MessageUsernameNotNormalized = `Username "{new_username}" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`
	MessageUsernameAlreadyExists = `Username "{username}" already exists`
	MessageUserNotFound          = "User not found"
)

// Placeholder is one named value substituted into an error's message.
type Placeholder struct {
	Name  string // placeholder name without braces, e.g. "username"
	Value string // text put in its place
}

// Error is a user-management error of the homeassistant provider, carrying
// what Home Assistant's websocket API puts in an error of code
// "home_assistant_error": translation_key, translation_placeholders (JSON
// null when Placeholders is nil), translation_domain (TranslationDomain)
// and a message.
type Error struct {
	Key          string        // translation key, one of the Key constants
	Placeholders []Placeholder // in a fixed order; nil when Home Assistant passes none
}

// UsernameNotNormalized is the error for a new username that differs from
// its NormalizeUsername form.
func UsernameNotNormalized(newUsername string) *Error {
	return &Error{
		Key:          KeyUsernameNotNormalized,
		Placeholders: []Placeholder{{Name: "new_username", Value: newUsername}},
	}
}

// UsernameAlreadyExists is the error for a new username whose normalized
// form is already taken.
func UsernameAlreadyExists(username string) *Error {
	return &Error{
		Key:          KeyUsernameAlreadyExists,
		Placeholders: []Placeholder{{Name: "username", Value: username}},
	}
}

// UserNotFound is the error for removing, re-passwording or renaming a
// username the provider does not hold.
func UserNotFound() *Error {
	return &Error{Key: KeyUserNotFound}
}

// Message returns the English message with its placeholders filled in, as
// Home Assistant renders it once its translations are loaded. An unknown key
// gives the key itself, as Home Assistant does for a missing translation.
// Values are inserted verbatim in one pass, never expanded again.
func (e *Error) Message() string {
	var tmpl string
	switch e.Key {
	case KeyUsernameNotNormalized:
		tmpl = MessageUsernameNotNormalized
	case KeyUsernameAlreadyExists:
		tmpl = MessageUsernameAlreadyExists
	case KeyUserNotFound:
		tmpl = MessageUserNotFound
	default:
		return e.Key
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			break
		}
		b.WriteString(tmpl[:open])
		b.WriteString(e.placeholder(tmpl[open+1 : open+end]))
		tmpl = tmpl[open+end+1:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// placeholder returns the value of the named placeholder, or the name in
// braces when it is missing.
func (e *Error) placeholder(name string) string {
	for _, p := range e.Placeholders {
		if p.Name == name {
			return p.Value
		}
	}
	return "{" + name + "}"
}

// Error returns Message.
func (e *Error) Error() string { return e.Message() }
