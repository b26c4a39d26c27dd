package abi_test

import (
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/hassauth/hassauth/hosts/wasm/abi"
)

// The seed is decoded without encoding/hex, which must keep agreeing:
// a seed is accepted exactly when hex.DecodeString gives 32 bytes, and
// then gives those bytes.
func checkSeedLikeHex(t *testing.T, s string) {
	t.Helper()
	_, got, err := abi.ParseInit([]byte(`{"seed":` + strconv.Quote(s) + `}`))
	want, herr := hex.DecodeString(s)
	ok := herr == nil && len(want) == 32
	if (err == nil) != ok {
		t.Fatalf("seed %q: ParseInit error %v, encoding/hex %v (%d bytes)", s, err, herr, len(want))
	}
	if ok && string(got[:]) != string(want) {
		t.Fatalf("seed %q: ParseInit %x, encoding/hex %x", s, got, want)
	}
}

var seedCases = []string{
	strings.Repeat("0", 64), strings.Repeat("f", 64), strings.Repeat("F", 64), "0123456789abcdefABCDEF" + strings.Repeat("9", 42),
	strings.Repeat("0", 63), strings.Repeat("0", 65), strings.Repeat("0", 62), strings.Repeat("0", 66), "",
	strings.Repeat("0", 63) + "g", "g" + strings.Repeat("0", 63), strings.Repeat("0", 62) + "é", strings.Repeat("0", 60) + " 000",
	strings.Repeat("0", 62) + "\x00\x00", strings.Repeat("/:@G`g", 10) + "0000",
}

func TestSeedDecodingMatchesEncodingHex(t *testing.T) {
	for _, s := range seedCases {
		checkSeedLikeHex(t, s)
	}
	for c := 0; c < 256; c++ {
		checkSeedLikeHex(t, strings.Repeat("a", 63)+string(rune(c)))
		checkSeedLikeHex(t, string(rune(c))+strings.Repeat("a", 63))
	}
}

func FuzzSeedDecodingMatchesEncodingHex(f *testing.F) {
	for _, s := range seedCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSeedLikeHex(t, s)
	})
}
