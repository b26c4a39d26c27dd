package vectorseeds

import (
	"strings"
	"testing"
)

// TestLoad checks that the vectors give every kind of seed the fuzz
// targets take, so that a change to the vector format cannot leave them
// silently without a corpus.
func TestLoad(t *testing.T) {
	s := MustLoad(t)
	counts := map[string]int{
		"inputs":      len(s.Inputs),
		"outputs":     len(s.Outputs),
		"http":        len(s.HTTP),
		"frames":      len(s.Frames),
		"sent":        len(s.Sent),
		"calls":       len(s.Calls),
		"tokens":      len(s.Tokens),
		"form bodies": len(s.Bodies("application/x-www-form-urlencoded")),
		"json bodies": len(s.Bodies("text/plain")),
		"queries":     len(s.Queries()),
		"clients":     len(s.Clients()),
		"fetched":     len(s.Fetched),
		"bans":        len(s.Bans),
		"auth":        len(s.Files[".storage/auth"]),
		"provider":    len(s.Files[".storage/auth_provider.homeassistant"]),
		"journal":     len(s.Files[".storage/hassauth.journal"]),
	}
	for what, n := range counts {
		if n == 0 {
			t.Errorf("no %s in the vectors", what)
		}
	}
	t.Log(counts)
	for _, tok := range s.Tokens {
		if strings.Count(tok, ".") != 2 {
			t.Errorf("not a JWS: %q", tok)
		}
	}
	if got := Spread([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 3); len(got) != 3 || got[0] != 0 || got[1] != 3 || got[2] != 6 {
		t.Errorf("Spread = %v", got)
	}
}
