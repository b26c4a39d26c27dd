package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
)

// Key is an HMAC-SHA256 secret with the hash states after its padded inner
// and outer blocks already computed, so that each signature costs only the
// message's own blocks. A Key never changes after NewKey, so one Key can be
// shared freely; building one costs about as much as verifying a token.
type Key struct {
	inner, outer []byte // marshaled sha256 states
}

// NewKey prepares secret as an HS256 key. Home Assistant's secrets are text
// (a refresh token's jwt_key, the signed-path secret) used as their UTF-8
// bytes; NewKeyString takes them as they are stored.
func NewKey(secret []byte) *Key {
	// HMAC keys longer than a block are hashed first (RFC 2104), exactly as
	// Python's hmac does; the 128-character jwt_key takes this path.
	if len(secret) > sha256.BlockSize {
		s := sha256.Sum256(secret)
		secret = s[:]
	}
	var ipad, opad [sha256.BlockSize]byte
	copy(ipad[:], secret)
	copy(opad[:], secret)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	return &Key{inner: stateAfter(ipad[:]), outer: stateAfter(opad[:])}
}

// NewKeyString prepares secret, used as its UTF-8 bytes, as an HS256 key.
func NewKeyString(secret string) *Key { return NewKey([]byte(secret)) }

func stateAfter(block []byte) []byte {
	h := sha256.New()
	h.Write(block)
	st, err := h.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		panic("jwt: sha256 state cannot be saved: " + err.Error())
	}
	return st
}

// emptyKey is the key of an unknown issuer: Home Assistant verifies such a
// token with the empty secret so that the work done does not depend on
// whether the issuer exists.
var emptyKey = NewKey(nil)

// sum appends HMAC-SHA256(key, msg) to dst.
func (k *Key) sum(dst, msg []byte) []byte {
	h := sha256.New()
	u := h.(encoding.BinaryUnmarshaler)
	if u.UnmarshalBinary(k.inner) != nil {
		panic("jwt: sha256 state cannot be restored")
	}
	h.Write(msg)
	var inner [sha256.Size]byte
	in := h.Sum(inner[:0])
	if u.UnmarshalBinary(k.outer) != nil {
		panic("jwt: sha256 state cannot be restored")
	}
	h.Write(in)
	return h.Sum(dst)
}

// check reports, in constant time for a signature of the right length,
// whether sig is the HMAC of msg.
func (k *Key) check(msg, sig []byte) bool {
	var buf [sha256.Size]byte
	return hmac.Equal(k.sum(buf[:0], msg), sig)
}
