package password

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestErrors(t *testing.T) {
	tests := []struct {
		name         string
		err          *Error
		key          string
		placeholders []Placeholder
		message      string
	}{
		{
			// The websocket error's translation fields in HAPWS-05.
			name: "HAPWS-05/username_already_exists", err: UsernameAlreadyExists("test-user"),
			key:          "username_already_exists",
			placeholders: []Placeholder{{Name: "username", Value: "test-user"}},
			message:      `Username "test-user" already exists`,
		},
		{
			// HAPWS-09: translation_placeholders is null.
			name: "HAPWS-09/user_not_found", err: UserNotFound(),
			key: "user_not_found", placeholders: nil, message: "User not found",
		},
		{
			name: "HAP-17/username_not_normalized", err: UsernameNotNormalized("TEST-user "),
			key:          "username_not_normalized",
			placeholders: []Placeholder{{Name: "new_username", Value: "TEST-user "}},
			message:      `Username "TEST-user " is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`,
		},
		{
			name: "placeholder_value_not_expanded_again", err: UsernameAlreadyExists("{username}"),
			key:          "username_already_exists",
			placeholders: []Placeholder{{Name: "username", Value: "{username}"}},
			message:      `Username "{username}" already exists`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err.Key != tt.key {
				t.Errorf("Key = %q, want %q", tt.err.Key, tt.key)
			}
			if !reflect.DeepEqual(tt.err.Placeholders, tt.placeholders) {
				t.Errorf("Placeholders = %#v, want %#v", tt.err.Placeholders, tt.placeholders)
			}
			if tt.err.Message() != tt.message || tt.err.Error() != tt.message {
				t.Errorf("Message = %q, want %q", tt.err.Message(), tt.message)
			}
			var e *Error
			if !errors.As(fmt.Errorf("wrapped: %w", tt.err), &e) || e != tt.err {
				t.Error("errors.As does not find the *Error")
			}
		})
	}
	if TranslationDomain != "auth" {
		t.Errorf("TranslationDomain = %q", TranslationDomain)
	}
}

func TestErrorMessageEdgeCases(t *testing.T) {
	if got := (&Error{Key: "unknown_key"}).Message(); got != "unknown_key" {
		t.Errorf("unknown key: %q", got)
	}
	if got := (&Error{Key: KeyUsernameAlreadyExists}).Message(); got != `Username "{username}" already exists` {
		t.Errorf("missing placeholder: %q", got)
	}
}
