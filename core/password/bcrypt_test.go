package password

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// testSalt returns a fixed salt distinct per seed.
func testSalt(seed byte) [16]byte {
	var s [16]byte
	for i := range s {
		s[i] = seed*16 + byte(i)*7 + 1
	}
	return s
}

// saltOf decodes the salt of a well-formed hash.
func saltOf(t testing.TB, hash string) [16]byte {
	t.Helper()
	raw, err := bcryptEncoding.DecodeString(hash[7 : 7+saltChars])
	if err != nil || len(raw) != 16 {
		t.Fatalf("salt of %q: %v", hash, err)
	}
	return [16]byte(raw)
}

func TestCheck(t *testing.T) {
	stored := Hash("test-pass", testSalt(1), 4)
	t.Run("HAP-08/passwords_are_exact", func(t *testing.T) {
		if !Check("test-pass", stored) {
			t.Fatal("the right password is refused")
		}
		for _, pw := range []string{"invalid-pass", "test-pass ", "Test-pass", " test-pass", "test-pas", ""} {
			if Check(pw, stored) {
				t.Errorf("Check(%q) = true", pw)
			}
		}
	})
	t.Run("HAP-10/72_byte_limit", func(t *testing.T) {
		part := strings.Repeat("Aa0-", 18) // 72 characters
		long := part + part
		if len(long) != 144 {
			t.Fatalf("len = %d", len(long))
		}
		h := Hash(long, testSalt(2), 4)
		if !Check(long, h) {
			t.Error("full 144-character password refused")
		}
		if !Check(long[:72], h) {
			t.Error("first 72 characters refused")
		}
		if Check(long[:71], h) {
			t.Error("first 71 characters accepted")
		}
		if h != Hash(long[:72], testSalt(2), 4) {
			t.Error("hashing 144 characters differs from hashing the first 72")
		}
	})
	t.Run("72_bytes_not_characters", func(t *testing.T) {
		// 24 three-byte characters fill the 72 bytes; a 25th is ignored,
		// a 23rd-character difference is not.
		pw := strings.Repeat("鍵", 24)
		h := Hash(pw+"鍵", testSalt(3), 4)
		if !Check(pw, h) || !Check(pw+"anything", h) {
			t.Error("bytes after the 72nd should not matter")
		}
		if Check(strings.Repeat("鍵", 23)+"錠", h) {
			t.Error("the 24th character should matter")
		}
	})
	t.Run("cut_inside_a_character", func(t *testing.T) {
		// "é" is C3 A9: the cut keeps only C3, as password.encode()[:72] does.
		pw := strings.Repeat("a", 71) + "é"
		h := Hash(pw, testSalt(4), 4)
		if !Check(strings.Repeat("a", 71)+"\xc3", h) || !Check(strings.Repeat("a", 71)+"ë", h) {
			t.Error("only the first byte of the split character should count")
		}
		if Check(strings.Repeat("a", 71), h) {
			t.Error("71 bytes accepted for a 72-byte key")
		}
	})
}

func TestHashFormat(t *testing.T) {
	h := Hash("test-pass", testSalt(1), 4)
	if len(h) != 60 || !strings.HasPrefix(h, "$2b$04$") || !wellFormed(h) {
		t.Fatalf("Hash = %q", h)
	}
	if saltOf(t, h) != testSalt(1) {
		t.Error("salt in the hash differs from the salt given")
	}
	if h != Hash("test-pass", testSalt(1), 4) {
		t.Error("same inputs gave different hashes")
	}
	if h == Hash("test-pass", testSalt(2), 4) {
		t.Error("different salts gave the same hash")
	}
	if got := Hash("test-pass", testSalt(1), 10); !strings.HasPrefix(got, "$2b$10$") {
		t.Errorf("cost 10: %q", got)
	}
}

func TestHashPanicsOnBadCost(t *testing.T) {
	for _, cost := range []int{-1, 0, 3, 32, 100} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("cost %d: no panic", cost)
				}
			}()
			Hash("x", testSalt(0), cost)
		}()
	}
}

var crossPasswords = []string{
	"test-pass", "", "pässwörd", "密码🔑", "with\x00nul", strings.Repeat("x", 72), strings.Repeat("y", 73),
}

// TestHashVerifiedByXCrypto checks this package's hashing with
// x/crypto/bcrypt's independent comparison.
func TestHashVerifiedByXCrypto(t *testing.T) {
	for cost := 4; cost <= 5; cost++ {
		for i, pw := range crossPasswords {
			h := Hash(pw, testSalt(byte(i)), cost)
			if err := bcrypt.CompareHashAndPassword([]byte(h), truncate(pw)); err != nil {
				t.Errorf("cost %d, %q: x/crypto refuses %q: %v", cost, pw, h, err)
			}
			if err := bcrypt.CompareHashAndPassword([]byte(h), []byte(pw+"!")); err == nil && len(pw) < 72 {
				t.Errorf("cost %d, %q: x/crypto accepts a wrong password", cost, pw)
			}
			if c, _ := bcrypt.Cost([]byte(h)); c != cost {
				t.Errorf("x/crypto reads cost %d, want %d", c, cost)
			}
		}
	}
	t.Run("cost_12", func(t *testing.T) {
		if testing.Short() {
			t.Skip("cost 12 in -short mode")
		}
		h := Hash("test-pass", testSalt(9), Cost)
		if !strings.HasPrefix(h, "$2b$12$") {
			t.Fatalf("Hash = %q", h)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(h), []byte("test-pass")); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCheckAcceptsXCryptoHashes checks hashes made by x/crypto/bcrypt,
// which writes the "$2a$" prefix.
func TestCheckAcceptsXCryptoHashes(t *testing.T) {
	for cost := 4; cost <= 5; cost++ {
		for _, pw := range crossPasswords {
			h, err := bcrypt.GenerateFromPassword(truncate(pw), cost)
			if err != nil {
				t.Fatal(err)
			}
			if !Check(pw, string(h)) {
				t.Errorf("cost %d: Check(%q, %q) = false", cost, pw, h)
			}
			if Check("!"+pw, string(h)) {
				t.Errorf("cost %d: wrong password accepted for %q", cost, h)
			}
		}
	}
}

// TestCheckMatchesXCryptoOnEveryDigestChange: Check compares the digest's
// text, as x/crypto/bcrypt's CompareHashAndPassword does; every one-character
// change of the digest, the spare bits of its last character included, and
// every accepted minor version give the same answer from both.
func TestCheckMatchesXCryptoOnEveryDigestChange(t *testing.T) {
	const pw = "test-pass"
	good := Hash(pw, testSalt(3), 4)
	for _, minor := range "abxy" {
		h := "$2" + string(minor) + good[3:]
		if !Check(pw, h) || bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) != nil {
			t.Fatalf("%q not accepted", h)
		}
	}
	for i := 7 + saltChars; i < hashLen; i++ {
		for j := 0; j < len(alphabet); j++ {
			h := good[:i] + alphabet[j:j+1] + good[i+1:]
			want := bcrypt.CompareHashAndPassword([]byte(h), []byte(pw)) == nil
			if got := Check(pw, h); got != want || got != (h == good) {
				t.Fatalf("Check(%q) = %v, x/crypto %v", h, got, want)
			}
		}
	}
}

// TestPythonHashes checks hashes made by pyca/bcrypt as Home Assistant
// makes them (testdata/bcrypt_python.json), and that Hash reproduces each
// one from its salt.
func TestPythonHashes(t *testing.T) {
	var d bcryptVectors
	loadJSON(t, "bcrypt_python.json", &d)
	if len(d.Vectors) < 10 {
		t.Fatalf("only %d vectors", len(d.Vectors))
	}
	for _, v := range d.Vectors {
		t.Run(v.Name, func(t *testing.T) {
			if !wellFormed(v.Hash) {
				t.Fatalf("not well formed: %q", v.Hash)
			}
			cost, _ := parseCost(v.Hash)
			if cost > 5 && testing.Short() {
				t.Skipf("cost %d in -short mode", cost)
			}
			if !Check(v.Password, v.Hash) {
				t.Errorf("Check refuses %q made by Python bcrypt %s", v.Hash, d.Bcrypt)
			}
			// A wrong password costs as much as a right one; the cheap
			// vectors are enough for it.
			if cost <= 5 && Check("!"+v.Password, v.Hash) {
				t.Error("wrong password accepted")
			}
			if got := Hash(v.Password, saltOf(t, v.Hash), cost); got[4:] != v.Hash[4:] || got[:4] != "$2b$" {
				t.Errorf("Hash = %q, Python gave %q", got, v.Hash)
			}
		})
	}
}

func TestDummyHash(t *testing.T) {
	if !wellFormed(DummyHash) {
		t.Fatal("DummyHash is not well formed")
	}
	if c, err := bcrypt.Cost([]byte(DummyHash)); err != nil || c != Cost {
		t.Fatalf("DummyHash cost %d, %v", c, err)
	}
}

func TestCheckMalformed(t *testing.T) {
	good := Hash("pw", testSalt(5), 4)
	if !Check("pw", good) {
		t.Fatal("good hash refused")
	}
	with := func(i int, c byte) string { return good[:i] + string(c) + good[i+1:] }
	// Setting a spare bit in the salt's last character: x/crypto accepts
	// it, Python's bcrypt refuses it, so must Check.
	lastSalt := 7 + saltChars - 1
	spare := with(lastSalt, alphabet[alphabetIndex(good[lastSalt])+1])
	if bcrypt.CompareHashAndPassword([]byte(spare), []byte("pw")) != nil {
		t.Fatal("x/crypto no longer accepts spare salt bits; this case proves nothing")
	}
	// x/crypto also accepts "$2$" and other minor letters.
	noMinor := "$2$04$" + good[7:]
	if bcrypt.CompareHashAndPassword([]byte(noMinor), []byte("pw")) != nil {
		t.Fatal("x/crypto no longer accepts $2$; this case proves nothing")
	}
	tests := map[string]string{
		"empty":              "",
		"short":              good[:59],
		"long":               good + ".",
		"no_dollar":          "x" + good[1:],
		"major_3":            with(1, '3'),
		"minor_c":            with(2, 'c'),
		"minor_upper_B":      with(2, 'B'),
		"no_minor":           noMinor,
		"cost_03":            "$2b$03$" + good[7:],
		"cost_32":            "$2b$32$" + good[7:],
		"cost_letter":        "$2b$0a$" + good[7:],
		"cost_one_digit":     "$2b$4$" + good[7:] + ".",
		"separator_missing":  with(6, 'x'),
		"bad_char_in_salt":   with(10, '+'),
		"bad_char_in_digest": with(50, '='),
		"dollar_in_digest":   with(40, '$'),
		"nul_in_digest":      with(40, 0),
		"spare_salt_bits":    spare,
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			if Check("pw", h) {
				t.Errorf("Check accepts %q", h)
			}
		})
	}
	for _, prefix := range []string{"$2a$", "$2x$", "$2y$"} {
		if !Check("pw", prefix+good[4:]) {
			t.Errorf("prefix %s refused", prefix)
		}
	}
}
