package password

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
)

// folder is safe for concurrent use: x/text documents Fold's Caser as
// stateless.
var folder = cases.Fold()

// Cherokee capital letters U+13A0..U+13F5 are their own case folding (the
// small letters came later and fold to them), but x/text's Fold lowercases
// them (golang.org/issue/46101). They are three bytes each in UTF-8.
const (
	firstCherokeeCapital = 0x13a0
	lastCherokeeCapital  = 0x13f5
	cherokeeCapitalLen   = 3
)

// NormalizeUsername returns s.strip().casefold() with Python's semantics,
// the form Home Assistant compares and stores usernames in.
//
// Case folding comes from x/text, whose tables follow the Unicode version
// of the Go release it is built with; Python's follow its own. They differ
// only for letters added to Unicode in between.
func NormalizeUsername(s string) string {
	s = strings.TrimFunc(s, isPythonSpace)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return fold(s)
		}
	}
	// For ASCII, full case folding is lowering A-Z, and ToLower returns s
	// itself when there is nothing to lower.
	return strings.ToLower(s)
}

// fold is full Unicode case folding. Folding is per character, so the
// Cherokee capitals x/text gets wrong can be copied between folded runs.
func fold(s string) string {
	i := indexCherokeeCapital(s)
	if i < 0 {
		return folder.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for ; i >= 0; i = indexCherokeeCapital(s) {
		b.WriteString(folder.String(s[:i]))
		b.WriteString(s[i : i+cherokeeCapitalLen])
		s = s[i+cherokeeCapitalLen:]
	}
	b.WriteString(folder.String(s))
	return b.String()
}

func indexCherokeeCapital(s string) int {
	for i, r := range s {
		if r >= firstCherokeeCapital && r <= lastCherokeeCapital {
			return i
		}
	}
	return -1
}

// IsNormalized reports whether s is already in the form NormalizeUsername
// gives, which Home Assistant requires of new usernames.
func IsNormalized(s string) bool {
	return NormalizeUsername(s) == s
}

// isPythonSpace is Python's str.isspace() for one character, the set
// str.strip() removes: Unicode White_Space plus the ASCII information
// separators U+001C..U+001F, which Python counts as whitespace.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// ValidateNewUsername checks a username about to be added or given to a
// user: it must already be normalized, and must not equal the normalized
// form of any existing username. It returns nil or an *Error with
// Home Assistant's translation key.
func ValidateNewUsername(newUsername string, existing iter.Seq[string]) error {
	if !IsNormalized(newUsername) {
		return UsernameNotNormalized(newUsername)
	}
	for name := range existing {
		if NormalizeUsername(name) == newUsername {
			return UsernameAlreadyExists(newUsername)
		}
	}
	return nil
}
