package password

import (
	"encoding/base64"
	"errors"
)

// ErrStoredNotBase64 is returned by DecodeStored for a value that is not
// canonical padded standard base64.
var ErrStoredNotBase64 = errors.New("password: stored hash is not base64")

// ErrMalformedHash is returned by DecodeStored when the decoded value is not
// a bcrypt hash that Check could ever accept.
var ErrMalformedHash = errors.New("password: stored value is not a bcrypt hash")

// EncodeStored wraps a bcrypt hash the way the "password" field of
// .storage/auth_provider.homeassistant holds it: standard padded base64 of
// the hash text.
func EncodeStored(hash string) string {
	return base64.StdEncoding.EncodeToString([]byte(hash))
}

// DecodeStored unwraps a stored "password" field into its bcrypt hash.
//
// It is strict where Python's b64decode is lenient (Python drops characters
// outside the alphabet and ignores data after the padding): Home Assistant
// always writes canonical base64, and strictness makes
// EncodeStored(DecodeStored(s)) == s for every accepted s.
func DecodeStored(stored string) (string, error) {
	for i := 0; i < len(stored); i++ {
		// Go's decoder skips CR and LF even in strict mode.
		if stored[i] == '\r' || stored[i] == '\n' {
			return "", ErrStoredNotBase64
		}
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(stored)
	if err != nil {
		return "", ErrStoredNotBase64
	}
	hash := string(raw)
	if !wellFormed(hash) {
		return "", ErrMalformedHash
	}
	return hash, nil
}
