package jwt

import (
	"crypto/sha256"
	"encoding"
	"errors"
)

// MarshalBinary returns the key's prepared state, from which
// UnmarshalBinary rebuilds an equal key without the secret. The core's
// snapshots carry keys whose secrets it does not keep.
func (k *Key) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, 2+len(k.inner)+len(k.outer))
	out = append(out, byte(len(k.inner)), byte(len(k.outer)))
	out = append(out, k.inner...)
	return append(out, k.outer...), nil
}

// UnmarshalBinary restores a key from MarshalBinary's bytes.
func (k *Key) UnmarshalBinary(b []byte) error {
	if len(b) < 2 || len(b) != 2+int(b[0])+int(b[1]) {
		return errors.New("jwt: malformed key state")
	}
	inner, outer := b[2:2+int(b[0])], b[2+int(b[0]):]
	// Check that both are sha256 states before trusting them.
	for _, st := range [][]byte{inner, outer} {
		if err := sha256.New().(encoding.BinaryUnmarshaler).UnmarshalBinary(st); err != nil {
			return errors.New("jwt: malformed key state: " + err.Error())
		}
	}
	k.inner = append([]byte(nil), inner...)
	k.outer = append([]byte(nil), outer...)
	return nil
}
