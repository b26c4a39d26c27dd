package password

import (
	"crypto/subtle"
	"encoding/base64"

	//lint:ignore SA1019 bcrypt is defined on Blowfish's key schedule; the deprecation is about Blowfish as a cipher.
	"golang.org/x/crypto/blowfish"
)

// Cost is the bcrypt cost Home Assistant uses for new hashes.
const Cost = 12

// DummyHash is the hash Home Assistant checks a password against when no
// user matches, so that unknown and known usernames take the same time.
const DummyHash = "$2b$12$CiuFGszHx9eNHxPuQcwBWez4CwDTOcLTX5CbOpV6gef2nYuXkY7BO"

// MaxPasswordBytes is how many leading UTF-8 bytes of a password bcrypt
// sees; Home Assistant truncates to it before hashing and checking.
const MaxPasswordBytes = 72

// MinCost and MaxCost bound the cost a hash may carry.
const (
	MinCost = 4
	MaxCost = 31
)

const (
	hashLen     = 60 // "$2b$12$" + 22 salt + 31 digest characters
	saltChars   = 22
	digestBytes = 23 // bcrypt publishes 23 of the 24 ciphertext bytes
	alphabet    = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

var bcryptEncoding = base64.NewEncoding(alphabet).WithPadding(base64.NoPadding)

// magic is the block bcrypt encrypts 64 times with the expanded key.
var magic = [24]byte{
	'O', 'r', 'p', 'h', 'e', 'a', 'n', 'B', 'e', 'h', 'o', 'l',
	'd', 'e', 'r', 'S', 'c', 'r', 'y', 'D', 'o', 'u', 'b', 't',
}

// Hash returns the "$2b$" bcrypt hash of the first MaxPasswordBytes bytes of
// password with the given salt and cost, as Home Assistant's bcrypt.hashpw
// gives it. It panics if cost is outside MinCost..MaxCost, which is a
// programming error.
//
// x/crypto/bcrypt cannot be used here because it draws its own salt from
// crypto/rand; only the salted key schedule is done in this package.
func Hash(password string, salt [16]byte, cost int) string {
	if cost < MinCost || cost > MaxCost {
		panic("password: bcrypt cost out of range")
	}
	digest := eksBlowfish(truncate(password), salt[:], cost)
	out := make([]byte, 0, hashLen)
	out = append(out, '$', '2', 'b', '$', byte('0'+cost/10), byte('0'+cost%10), '$')
	out = bcryptEncoding.AppendEncode(out, salt[:])
	out = bcryptEncoding.AppendEncode(out, digest[:digestBytes])
	return string(out)
}

// eksBlowfish is bcrypt's expensive key schedule followed by the encryption
// of the magic block. Like every C-derived bcrypt, the key includes a
// trailing NUL, and Blowfish cycles through at most its first 72 bytes.
func eksBlowfish(password []byte, salt []byte, cost int) [24]byte {
	key := make([]byte, len(password)+1)
	copy(key, password)
	c, err := blowfish.NewSaltedCipher(key, salt)
	if err != nil {
		// Only an empty key is refused, and key always holds the NUL.
		panic("password: " + err.Error())
	}
	for i := uint64(0); i < 1<<uint(cost); i++ {
		blowfish.ExpandKey(key, c)
		blowfish.ExpandKey(salt, c)
	}
	block := magic
	for i := 0; i < len(block); i += 8 {
		for range 64 {
			c.Encrypt(block[i:i+8], block[i:i+8])
		}
	}
	return block
}

// Check reports whether password, truncated to MaxPasswordBytes bytes,
// matches hash. The comparison is constant-time. A malformed hash gives
// false, where Home Assistant's bcrypt raises.
//
// It hashes with the hash's salt and cost and compares the digest's text,
// which is what x/crypto/bcrypt's CompareHashAndPassword does for every
// hash wellFormed accepts (the tests and FuzzCheck compare the two). That
// package is not linked because its error formatting brings fmt, and with
// it reflection, into the WebAssembly module.
func Check(password, hash string) bool {
	if !wellFormed(hash) {
		return false
	}
	var salt [16]byte
	if _, err := bcryptEncoding.Decode(salt[:], []byte(hash[7:7+saltChars])); err != nil {
		return false
	}
	cost, _ := parseCost(hash)
	digest := eksBlowfish(truncate(password), salt[:], cost)
	var text [hashLen - 7 - saltChars]byte
	bcryptEncoding.Encode(text[:], digest[:digestBytes])
	return subtle.ConstantTimeCompare(text[:], []byte(hash[7+saltChars:])) == 1
}

// truncate returns the bytes of password that bcrypt uses. Home Assistant
// cuts password.encode() at 72 bytes, even inside a multi-byte character.
func truncate(password string) []byte {
	if len(password) > MaxPasswordBytes {
		password = password[:MaxPasswordBytes]
	}
	return []byte(password)
}

// wellFormed reports whether hash is exactly what pyca/bcrypt's checkpw
// could ever match: "$2a$", "$2b$", "$2x$" or "$2y$" (pyca/bcrypt 4 and
// later hash all four alike), a two-digit cost in MinCost..MaxCost, and 53
// characters of bcrypt's base64 whose salt part decodes without spare bits.
// x/crypto/bcrypt on its own is more lenient (any minor version letter, a
// salt with spare bits set).
func wellFormed(hash string) bool {
	if len(hash) != hashLen || hash[0] != '$' || hash[1] != '2' || hash[3] != '$' || hash[6] != '$' {
		return false
	}
	switch hash[2] {
	case 'a', 'b', 'x', 'y':
	default:
		return false
	}
	cost, ok := parseCost(hash)
	if !ok || cost < MinCost || cost > MaxCost {
		return false
	}
	for i := 7; i < hashLen; i++ {
		if alphabetIndex(hash[i]) < 0 {
			return false
		}
	}
	// 22 characters carry 132 bits for a 128-bit salt: the last character's
	// low four bits must be zero.
	return alphabetIndex(hash[7+saltChars-1])&0x0f == 0
}

// parseCost reads the two cost digits of a hash already known to be at
// least 7 bytes long.
func parseCost(hash string) (int, bool) {
	d1, d2 := hash[4], hash[5]
	if d1 < '0' || d1 > '9' || d2 < '0' || d2 > '9' {
		return 0, false
	}
	return int(d1-'0')*10 + int(d2-'0'), true
}

func alphabetIndex(c byte) int {
	switch {
	case c == '.':
		return 0
	case c == '/':
		return 1
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 2
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 28
	case '0' <= c && c <= '9':
		return int(c-'0') + 54
	}
	return -1
}
