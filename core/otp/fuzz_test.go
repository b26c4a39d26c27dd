package otp

import (
	"testing"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"golang.org/x/text/unicode/norm"
)

// validateOpts are Home Assistant's code parameters in pquerna/otp's terms.
var validateOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// pquernaHOTP is HOTPCode as it was written on pquerna/otp.
func pquernaHOTP(secret string, counter uint64) (string, error) {
	if !isBase32(secret) {
		return "", ErrInvalidSecret
	}
	code, err := hotp.GenerateCodeCustom(secret, counter, validateOpts)
	if err != nil {
		return "", ErrInvalidSecret
	}
	return code, nil
}

var hotpSeeds = []string{
	DummySecret, "JBSWY3DPEHPK3PXP", "jbswy3dpehpk3pxp", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "", "A", "AB", "ABC=", "ABCD",
	"MZXW6===", "MZXW6", "MZXW6YQ=", "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI======", "AA======", "A=======", "ABC=====",
	"========", "MZ=XW6YTB", "7777777777777777", "mzxw6ytboi", "MZXW6YTBOI=====", "MZXW6YTBOI=======",
}

// FuzzHOTPCodeMatchesPquerna compares HOTPCode with pquerna/otp's
// GenerateCodeCustom: the same code, or both refusing the secret.
func FuzzHOTPCodeMatchesPquerna(f *testing.F) {
	for i, s := range hotpSeeds {
		f.Add(s, uint64(i))
	}
	f.Add(DummySecret, uint64(1<<63))
	f.Add(DummySecret, ^uint64(0))
	f.Fuzz(func(t *testing.T, secret string, counter uint64) {
		got, gotErr := HOTPCode(secret, counter)
		want, wantErr := pquernaHOTP(secret, counter)
		if got != want || gotErr != wantErr {
			t.Fatalf("HOTPCode(%q, %d) = %q, %v; pquerna/otp %q, %v", secret, counter, got, gotErr, want, wantErr)
		}
	})
}

func TestHOTPCodeMatchesPquerna(t *testing.T) {
	for _, s := range hotpSeeds {
		for _, c := range []uint64{0, 1, 2, 59, 1 << 32, 1<<63 + 5, ^uint64(0)} {
			got, gotErr := HOTPCode(s, c)
			want, wantErr := pquernaHOTP(s, c)
			if got != want || gotErr != wantErr {
				t.Errorf("HOTPCode(%q, %d) = %q, %v; pquerna/otp %q, %v", s, c, got, gotErr, want, wantErr)
			}
		}
	}
}

// referenceVerify is pyotp's TOTP.verify written plainly on top of
// golang.org/x/text's NFKC and pquerna/otp, for the fuzz target to compare.
func referenceVerify(secret, code string, unixSec int64, window int) bool {
	if !isBase32(secret) || unixSec < 0 || window < 0 {
		return false
	}
	typed := norm.NFKC.String(code)
	step := unixSec / Period
	for s := step - int64(window); s <= step+int64(window); s++ {
		if s < 0 {
			continue
		}
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), validateOpts)
		if err != nil {
			return false
		}
		if typed == want {
			return true
		}
	}
	return false
}

func FuzzVerifyTOTP(f *testing.F) {
	code, _ := TOTPCode(DummySecret, 1700000000)
	f.Add(DummySecret, code, int64(1700000000), int8(1))
	f.Add(DummySecret, code, int64(1700000030), int8(0))
	f.Add("JBSWY3DPEHPK3PXP", "１２３４５６", int64(59), int8(1))
	f.Add("jbswy3dpehpk3pxp", " 123456", int64(0), int8(1))
	f.Add("secret-code", "123456", int64(-1), int8(-1))
	f.Add("", "", int64(9223372036854775807), int8(127))
	f.Add("MZXW6===", "⑫3456\u0301", int64(30), int8(2))
	f.Add("A", "\xff", int64(-9223372036854775808), int8(-128))
	f.Fuzz(func(t *testing.T, secret, code string, unixSec int64, window int8) {
		w := int(window) % 4 // keep each run cheap; the window's sign is kept
		got := VerifyTOTP(secret, code, unixSec, w)
		if want := referenceVerify(secret, code, unixSec, w); got != want {
			t.Fatalf("VerifyTOTP(%q, %q, %d, %d) = %v, reference %v", secret, code, unixSec, w, got, want)
		}
		if VerifyLogin(secret, false, code, unixSec) {
			t.Fatal("VerifyLogin accepted an unknown user")
		}
		checkNormalize(t, code)
	})
}
