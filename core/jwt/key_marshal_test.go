package jwt

import (
	"bytes"
	"testing"
)

func TestKeyMarshalRoundTrip(t *testing.T) {
	k := NewKeyString("a signing secret that is long enough to be hashed first, beyond one sha256 block")
	b, err := k.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var k2 Key
	if err := k2.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	msg := []byte("header.payload")
	if !bytes.Equal(k.sum(nil, msg), k2.sum(nil, msg)) {
		t.Fatal("restored key signs differently")
	}
	for _, bad := range [][]byte{nil, {1}, {2, 2, 0, 0, 0}, append([]byte{byte(len(b) - 2), 0}, b[2:]...)} {
		if err := new(Key).UnmarshalBinary(bad); err == nil {
			t.Errorf("accepted %x", bad)
		}
	}
}
