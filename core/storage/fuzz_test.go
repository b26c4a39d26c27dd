package storage

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addFileSeeds adds every testdata document whose name starts with prefix,
// plus a few hostile shapes of the envelope.
func addFileSeeds(f *testing.F, dir, prefix, key string) {
	files, err := filepath.Glob(filepath.Join(dir, prefix+"*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		``, `{}`, `[]`, `null`, `{"version": 1}`,
		`{"version": 1, "minor_version": 1, "key": "` + key + `", "data": null}`,
		`{"version": 1, "minor_version": 1, "key": "` + key + `", "data": []}`,
		`{"version": 2, "minor_version": 1, "key": "` + key + `", "data": {}}`,
		`{"version": 1, "minor_version": 7, "key": "` + key + `", "data": {}}`,
		`{"version": 1.0, "minor_version": true, "key": "` + key + `", "data": {"users": {}}}`,
		`{"version": 1, "key": "` + key + `", "data": {"users": [{"id": "\ud800"}]}}`,
		`{"version": 1, "key": "` + key + `", "data": {"users": [` + strings.Repeat(`[`, 200) + `]}}`,
		"\xef\xbb\xbf{\"version\": 1, \"key\": \"" + key + "\", \"data\": {}}",
	} {
		f.Add([]byte(s))
	}
}

// checkRoundTrip checks that a document that loads writes bytes that load
// again to the same bytes: what hassauth writes, it can read.
func checkRoundTrip[T any](t *testing.T, in []byte, decode func([]byte) (T, []Notice, error), encode func(T) []byte) {
	d, _, err := decode(in)
	if err != nil {
		return
	}
	out := encode(d)
	d2, notices, err := decode(out)
	if err != nil {
		t.Fatalf("written document does not load: %v\nin:  %q\nout: %s", err, in, out)
	}
	if len(notices) != 0 {
		t.Fatalf("written document needs migrations: %v\nout: %s", notices, out)
	}
	if again := encode(d2); !bytes.Equal(out, again) {
		t.Fatalf("second write differs\nfirst:  %s\nsecond: %s", out, again)
	}
}

// FuzzDecodeAuth: .storage/auth never panics the decoder, and what loads
// writes a document that loads back to the same bytes.
func FuzzDecodeAuth(f *testing.F) {
	addFileSeeds(f, "testdata/auth", "", KeyAuth)
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRoundTrip(t, in, DecodeAuth, EncodeAuth)
	})
}

// FuzzDecodeProvider is FuzzDecodeAuth for .storage/auth_provider.homeassistant.
func FuzzDecodeProvider(f *testing.F) {
	addFileSeeds(f, "testdata/other", "provider", KeyProvider)
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRoundTrip(t, in, DecodeProvider, EncodeProvider)
	})
}

// FuzzDecodeTOTP is FuzzDecodeAuth for .storage/auth_module.totp.
func FuzzDecodeTOTP(f *testing.F) {
	addFileSeeds(f, "testdata/other", "totp", KeyTOTP)
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRoundTrip(t, in, DecodeTOTP, EncodeTOTP)
	})
}

// FuzzDecodeNotify is FuzzDecodeAuth for .storage/auth_module.notify.
func FuzzDecodeNotify(f *testing.F) {
	addFileSeeds(f, "testdata/other", "notify", KeyNotify)
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRoundTrip(t, in, DecodeNotify, EncodeNotify)
	})
}

// FuzzDecodeHTTPAuth is FuzzDecodeAuth for .storage/http.auth.
func FuzzDecodeHTTPAuth(f *testing.F) {
	addFileSeeds(f, "testdata/other", "http_auth", KeyHTTPAuth)
	f.Fuzz(func(t *testing.T, in []byte) {
		checkRoundTrip(t, in, DecodeHTTPAuth, EncodeHTTPAuth)
	})
}
