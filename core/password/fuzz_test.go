package password

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// fuzzMaxCost keeps each fuzz input cheap; a mutated cost digit could
// otherwise ask for 2^31 rounds.
const fuzzMaxCost = 5

func FuzzCheck(f *testing.F) {
	good := Hash("test-pass", testSalt(1), 4)
	f.Add("test-pass", good)
	f.Add("test-pass", "$2a$"+good[4:])
	f.Add("test-pass", "$2y$"+good[4:])
	f.Add("test-pass", "$2$04$"+good[7:])
	f.Add("test-pass", good[:59])
	f.Add("test-pass", good+"$")
	f.Add("", "")
	f.Add("", "$")
	f.Add("x", "$2b$")
	f.Add("x", "$2b$99$"+good[7:])
	f.Add("x", "$2b$-1$"+good[7:])
	f.Add(strings.Repeat("é", 40), good)
	f.Add("pw", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	f.Fuzz(func(t *testing.T, password, hash string) {
		ok := wellFormed(hash)
		if ok {
			if cost, _ := parseCost(hash); cost > fuzzMaxCost {
				t.Skip()
			}
		}
		got := Check(password, hash)
		if !ok {
			if got {
				t.Fatalf("malformed hash %q accepted", hash)
			}
			return
		}
		// On well-formed hashes Check must agree with x/crypto.
		want := bcrypt.CompareHashAndPassword([]byte(hash), truncate(password)) == nil
		if got != want {
			t.Fatalf("Check(%q, %q) = %v, x/crypto says %v", password, hash, got, want)
		}
	})
}

func FuzzDecodeStored(f *testing.F) {
	f.Add(dummyStored)
	f.Add(EncodeStored(Hash("", testSalt(2), 4)))
	f.Add("")
	f.Add("====")
	f.Add("bm90IGEgaGFzaA==")
	f.Add(dummyStored + "\n")
	f.Add(DummyHash)
	f.Fuzz(func(t *testing.T, stored string) {
		hash, err := DecodeStored(stored)
		if err != nil {
			if hash != "" {
				t.Fatalf("error %v with hash %q", err, hash)
			}
			return
		}
		if !wellFormed(hash) {
			t.Fatalf("DecodeStored(%q) = malformed %q", stored, hash)
		}
		if again := EncodeStored(hash); again != stored {
			t.Fatalf("EncodeStored(DecodeStored(%q)) = %q", stored, again)
		}
	})
}

func FuzzNormalizeUsername(f *testing.F) {
	for _, s := range []string{
		"", " ", "test-user", " TEST-User\t", "Straße", "İ", "ΌΣΟΣ", "ꭰᏸᎠ", "\x1c\u0085\u3000x\u2029",
		"\u200b", "\ufeffA", "\xff\xfe", "a\xc3", "\xe1\x8e", "ǅ", "\U00010400", "ﬃ\u0345",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeUsername(s)
		if again := NormalizeUsername(n); again != n {
			t.Fatalf("not idempotent: %+q -> %+q -> %+q", s, n, again)
		}
		if !IsNormalized(n) {
			t.Fatalf("IsNormalized(NormalizeUsername(%+q)) = false", s)
		}
		if IsNormalized(s) != (n == s) {
			t.Fatalf("IsNormalized(%+q) disagrees with NormalizeUsername", s)
		}
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("valid %+q gave invalid %+q", s, n)
		}
		if strings.TrimFunc(n, isPythonSpace) != n {
			t.Fatalf("%+q keeps edge whitespace", n)
		}
	})
}
