package password

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/cases"
)

// The folding table is checked against golang.org/x/text/cases, which it
// is generated from (go generate ./core/password).

// xtextNormalize is NormalizeUsername written on x/text's Fold, with the
// Cherokee capitals left as they are.
func xtextNormalize(s string) string {
	s = strings.TrimFunc(s, isPythonSpace)
	folder := cases.Fold()
	var b strings.Builder
	for s != "" {
		i := strings.IndexFunc(s, isCherokeeCapital)
		if i < 0 {
			b.WriteString(folder.String(s))
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		b.WriteString(folder.String(s[:i]))
		b.WriteString(s[i : i+size])
		s = s[i+size:]
	}
	return b.String()
}

func isCherokeeCapital(r rune) bool { return r >= 0x13a0 && r <= 0x13f5 }

// TestFoldTableMatchesXText compares the table with x/text for every code
// point: the same folding, except for the Cherokee capitals, which stay.
func TestFoldTableMatchesXText(t *testing.T) {
	folder := cases.Fold()
	bad := 0
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		want := folder.String(string(r))
		if isCherokeeCapital(r) {
			want = string(r)
		}
		got, ok := foldRune(r)
		if !ok {
			got = string(r)
		}
		if got != want || ok != (want != string(r)) {
			t.Errorf("U+%04X: table gives %+q (%v), x/text %+q", r, got, ok, want)
			if bad++; bad > 20 {
				t.Fatal("too many differences")
			}
		}
	}
	if len(foldRunes) != len(foldEnds) || int(foldEnds[len(foldEnds)-1]) != len(foldText) {
		t.Fatalf("table shapes: %d runes, %d ends, %d bytes", len(foldRunes), len(foldEnds), len(foldText))
	}
}

func TestNormalizeUsernameMatchesXText(t *testing.T) {
	for _, s := range normalizeSeeds {
		if got, want := NormalizeUsername(s), xtextNormalize(s); got != want {
			t.Errorf("NormalizeUsername(%+q) = %+q, x/text gives %+q", s, got, want)
		}
	}
}

var normalizeSeeds = []string{
	"", "Alice", " Straße ", "ÄᎠßᏵꭰ", "İstanbul", "\xff\xfeName", "A\xe2\x82", "\xed\xa0\x80X", "\xef\xbf\xbdA",
	"ΌΣΟΣ\u0345", "\U00010400\U0001e900", "ﬁﬂﬀ", "\u1e9e\u00df", "a\x00B", "\u212a\u212b\u2126", "\xc0\xafA",
}

func FuzzNormalizeUsernameMatchesXText(f *testing.F) {
	for _, s := range normalizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := NormalizeUsername(s), xtextNormalize(s); got != want {
			t.Fatalf("NormalizeUsername(%+q) = %+q, x/text gives %+q", s, got, want)
		}
	})
}
