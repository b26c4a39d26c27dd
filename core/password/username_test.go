package password

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"
)

func TestNormalizeUsername(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"HAP-05/surrounding_spaces", " test-user ", "test-user"},
		{"HAP-09/upper_and_trailing_space", "TEST-USER ", "test-user"},
		{"HAP-09/mixed_case", "test-UsEr", "test-user"},
		{"HAP-11/as_typed", "test-USER", "test-user"},
		{"HAP-13/trailing_space", "hello ", "hello"},
		{"already_normalized", "test-user", "test-user"},
		{"empty", "", ""},
		{"only_whitespace", " \t\n ", ""},
		{"inner_space_kept", "Test User", "test user"},
		{"ascii_separators_stripped", "\x1c\x1d\x1e\x1fname\x1f", "name"},
		{"next_line_and_nbsp_stripped", "\u0085name\u00a0", "name"},
		{"ideographic_space_stripped", "\u3000name\u2029", "name"},
		{"zero_width_space_kept", "\u200bname", "\u200bname"},
		{"bom_kept", "\ufeffName", "\ufeffname"},
		{"mongolian_vowel_separator_kept", "\u180ename", "\u180ename"},
		{"sharp_s_folds_to_ss", "Straße", "strasse"},
		{"capital_sharp_s", "ẞ", "ss"},
		{"dotted_capital_i", "İ", "i\u0307"},
		{"dotless_i_unchanged", "ı", "ı"},
		{"long_s", "ſ", "s"},
		{"ligature_fi", "ﬁle", "file"},
		{"final_sigma_not_special", "ΌΣΟΣ", "όσοσ"},
		{"kelvin_angstrom_ohm", "\u212a\u212b\u2126", "kåω"},
		{"cherokee_small_folds_to_capital", "ꭰᏸ", "ᎠᏰ"},
		{"cherokee_capital_unchanged", "ᎠᏰ", "ᎠᏰ"},
		{"cherokee_capitals_between_foldable_text", "ÄᎠßᏵꭰ", "äᎠssᏵᎠ"},
		{"deseret", "\U00010400", "\U00010428"},
		{"fullwidth", "ＡＢＣ", "ａｂｃ"},
		{"combining_kept_unnormalized", "E\u0301", "e\u0301"},
		{"ypogegrammeni", "\u0345", "ι"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeUsername(tt.in); got != tt.want {
				t.Errorf("NormalizeUsername(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := IsNormalized(tt.in); got != (tt.in == tt.want) {
				t.Errorf("IsNormalized(%q) = %v", tt.in, got)
			}
		})
	}
}

// TestNormalizeUsernamePython compares usernames with Python's
// s.strip().casefold().
func TestNormalizeUsernamePython(t *testing.T) {
	var d casefoldData
	loadJSON(t, "casefold_python.json", &d)
	if len(d.Usernames) < 600 {
		t.Fatalf("only %d usernames in testdata", len(d.Usernames))
	}
	for _, u := range d.Usernames {
		if got := NormalizeUsername(u.In); got != u.Out {
			t.Errorf("NormalizeUsername(%+q) = %+q, Python %s gives %+q", u.In, got, d.Python, u.Out)
		}
	}
}

// TestCaseFoldPython compares every code point, alone, with Python's
// strip().casefold().
func TestCaseFoldPython(t *testing.T) {
	folds, meta := pythonFolds(t)
	if len(folds) < 1400 {
		t.Fatalf("only %d folds in testdata", len(folds))
	}
	var ws whitespaceData
	loadJSON(t, "whitespace_python.json", &ws)
	bad := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		want, ok := folds[r]
		switch {
		case ok:
		case slices.Contains(ws.CodePoints, r):
			want = ""
		default:
			want = string(r)
		}
		got := NormalizeUsername(string(r))
		if got != want {
			t.Errorf("U+%04X: got %+q, Python %s (Unicode %s) gives %+q", r, got, meta.Python, meta.Unicode, want)
			if bad++; bad > 20 {
				t.Fatal("too many differences")
			}
		}
	}
}

// TestPythonWhitespace checks isPythonSpace against str.isspace() for every
// code point.
func TestPythonWhitespace(t *testing.T) {
	var ws whitespaceData
	loadJSON(t, "whitespace_python.json", &ws)
	if len(ws.CodePoints) != 29 {
		t.Fatalf("testdata has %d whitespace code points, Python has had 29 since Unicode 6.3", len(ws.CodePoints))
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if got, want := isPythonSpace(r), slices.Contains(ws.CodePoints, r); got != want {
			t.Errorf("isPythonSpace(U+%04X) = %v, Python says %v", r, got, want)
		}
	}
}

func TestValidateNewUsername(t *testing.T) {
	stored := []string{"test-user", "Legacy-Name "}
	tests := []struct {
		name, username string
		wantKey        string // "" for no error
		wantMessage    string
	}{
		{"new_normalized_name", "new-user", "", ""},
		{"HAP-07/duplicate", "test-user", KeyUsernameAlreadyExists, `Username "test-user" already exists`},
		{"duplicate_of_legacy_name_after_normalizing", "legacy-name", KeyUsernameAlreadyExists, `Username "legacy-name" already exists`},
		{"HAP-17/not_normalized", "TEST-user ", KeyUsernameNotNormalized,
			`Username "TEST-user " is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`},
		{"not_normalized_checked_before_duplicate", "Test-User", KeyUsernameNotNormalized,
			`Username "Test-User" is not normalized. Please make sure the username is lowercase and does not contain any whitespace.`},
		{"empty_is_normalized_and_new", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateNewUsername(tt.username, slices.Values(stored))
			if tt.wantKey == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want *Error", err)
			}
			if e.Key != tt.wantKey || e.Message() != tt.wantMessage {
				t.Errorf("got key %q message %q, want %q %q", e.Key, e.Message(), tt.wantKey, tt.wantMessage)
			}
		})
	}
}
