package core

import (
	"crypto/sha256"
	"math/rand/v2"
)

// drbg is the core's only source of randomness: ChaCha8, which Go documents
// as cryptographically strong, seeded by the host. Its state travels in
// snapshots so that a restored core draws the same numbers as the original.
type drbg struct {
	c *rand.ChaCha8
}

func newDRBG(seed [32]byte) *drbg { return &drbg{c: rand.NewChaCha8(seed)} }

// Read fills p with random bytes; it never fails.
func (d *drbg) Read(p []byte) (int, error) { return d.c.Read(p) }

// mix folds fresh entropy from the host into the generator.
func (d *drbg) mix(entropy []byte) {
	state, _ := d.c.MarshalBinary()
	h := sha256.New()
	h.Write(state)
	h.Write(entropy)
	var seed [32]byte
	copy(seed[:], h.Sum(nil))
	d.c = rand.NewChaCha8(seed)
}

func (d *drbg) bytes(n int) []byte {
	b := make([]byte, n)
	d.Read(b)
	return b
}

func (d *drbg) marshal() []byte {
	b, _ := d.c.MarshalBinary()
	return b
}

func (d *drbg) unmarshal(b []byte) error { return d.c.UnmarshalBinary(b) }
