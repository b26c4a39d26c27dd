package password

import (
	"iter"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate go run gencasefold.go

// NormalizeUsername returns s.strip().casefold() with Python's semantics,
// the form Home Assistant compares and stores usernames in.
//
// Case folding is full Unicode case folding from a table generated from
// golang.org/x/text/cases (casefold_table.go), whose Unicode version
// follows the x/text release; Python's follows its own. They differ only
// for letters added to Unicode in between. The table is used rather than
// x/text itself because x/text's case and normalization tables and its
// language package made up a sixth of the WebAssembly module.
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

// fold is full Unicode case folding, character by character; bytes that
// are not UTF-8 are kept, as x/text keeps them.
func fold(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i < len(s); {
		// A byte that is not UTF-8 decodes as U+FFFD, which folds to
		// itself, so it is copied.
		r, size := utf8.DecodeRuneInString(s[i:])
		if f, ok := foldRune(r); ok {
			if done == 0 {
				b.Grow(len(s) + 8)
			}
			b.WriteString(s[done:i])
			b.WriteString(f)
			done = i + size
		}
		i += size
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// foldRune returns the folding of r when it is not r itself.
func foldRune(r rune) (string, bool) {
	i, found := slices.BinarySearch(foldRunes[:], r)
	if !found {
		return "", false
	}
	start := uint16(0)
	if i > 0 {
		start = foldEnds[i-1]
	}
	return foldText[start:foldEnds[i]], true
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
