package password

import (
	"errors"
	"testing"
)

// dummyStored is base64.b64encode(DummyHash.encode()).decode() from Python.
const dummyStored = "JDJiJDEyJENpdUZHc3pIeDllTkh4UHVRY3dCV2V6NEN3RFRPY0xUWDVDYk9wVjZnZWYybll1WGtZN0JP"

func TestEncodeStored(t *testing.T) {
	if got := EncodeStored(DummyHash); got != dummyStored {
		t.Errorf("EncodeStored = %q, Python gives %q", got, dummyStored)
	}
}

func TestDecodeStored(t *testing.T) {
	got, err := DecodeStored(dummyStored)
	if err != nil || got != DummyHash {
		t.Fatalf("DecodeStored = %q, %v", got, err)
	}
	h := Hash("test-pass", testSalt(1), 4)
	if got, err := DecodeStored(EncodeStored(h)); err != nil || got != h {
		t.Errorf("round trip: %q, %v", got, err)
	}

	tests := []struct {
		name, stored string
		want         error
	}{
		{"empty", "", ErrMalformedHash},
		{"hash_not_wrapped", DummyHash, ErrStoredNotBase64},
		{"url_alphabet", "JDJiJDEyJENpdUZHc3pIeDllTkh4UHVRY3dCV2V6NEN3RFRPY0xUWDVDYk9wVjZnZWYybll1WGtZN0J_", ErrStoredNotBase64},
		{"newline_inside", dummyStored[:40] + "\n" + dummyStored[40:], ErrStoredNotBase64},
		{"trailing_newline", dummyStored + "\n", ErrStoredNotBase64},
		{"carriage_return", "\r" + dummyStored, ErrStoredNotBase64},
		{"space", dummyStored + " ", ErrStoredNotBase64},
		{"truncated", dummyStored[:79], ErrStoredNotBase64},
		{"data_after_padding", "bm90IGEgaGFzaA==QQ==", ErrStoredNotBase64},
		{"spare_bits_set", "bm90IGEgaGFzaB==", ErrStoredNotBase64},
		{"missing_padding", "bm90IGEgaGFzaA", ErrStoredNotBase64},
		{"not_a_hash", "bm90IGEgaGFzaA==", ErrMalformedHash},
		{"hash_with_spare_salt_bits", EncodeStored(DummyHash[:28] + "f" + DummyHash[29:]), ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeStored(tt.stored)
			if !errors.Is(err, tt.want) || got != "" {
				t.Errorf("DecodeStored(%q) = %q, %v; want error %v", tt.stored, got, err, tt.want)
			}
		})
	}
}
