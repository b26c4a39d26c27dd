package otp

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"io"
	"strings"
)

// Parameters of Home Assistant's TOTP module (pyotp's defaults and the
// module's own constants).
const (
	// DummySecret is verified against when a user has no TOTP secret, so
	// that an unknown user costs the same time as a known one.
	DummySecret = "FPPTH34D4E3MI2HG"
	// Issuer is the issuer name in provisioning URIs.
	Issuer = "Home Assistant"
	// Period is the TOTP time step in seconds.
	Period = 30
	// Digits is the length of every code.
	Digits = 6
	// LoginWindow is how many time steps either side of the current one a
	// login accepts.
	LoginWindow = 1
	// SetupWindow is the window of the setup step's confirmation: the
	// current time step only.
	SetupWindow = 0
	// SecretLength is the length of a secret from NewSecret, as from
	// pyotp.random_base32(): 32 base32 characters, 160 bits.
	SecretLength = 32
)

var (
	// ErrInvalidSecret is returned for a secret that is not base32.
	ErrInvalidSecret = errors.New("otp: secret is not base32")
	// ErrNegativeTime is returned for a time before the Unix epoch.
	ErrNegativeTime = errors.New("otp: time before the Unix epoch")
)

// NewSecret draws a TOTP or HOTP secret from r: 32 characters of the RFC 4648
// base32 alphabet, each uniform, like pyotp.random_base32(). It reads exactly
// 20 bytes.
func NewSecret(r io.Reader) (string, error) {
	var raw [SecretLength * 5 / 8]byte
	if _, err := io.ReadFull(r, raw[:]); err != nil {
		return "", err
	}
	return base32.StdEncoding.EncodeToString(raw[:]), nil
}

// NewCounter draws the HOTP counter of a notify-module login or setup step
// from r (8 bytes). Home Assistant draws a 32-digit decimal number; the
// counter is never stored, shown or sent, so any uniformly drawn counter
// serves, and 64 bits is what RFC 4226 (and pquerna/otp) counts in.
func NewCounter(r io.Reader) (uint64, error) {
	var raw [8]byte
	if _, err := io.ReadFull(r, raw[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(raw[:]), nil
}

// TOTPCode returns the six-digit code of secret for the time step holding
// unixSec.
func TOTPCode(secret string, unixSec int64) (string, error) {
	if unixSec < 0 {
		return "", ErrNegativeTime
	}
	return HOTPCode(secret, uint64(unixSec/Period))
}

// VerifyTOTP reports whether code is the code of secret for the time step
// holding unixSec or for one of the window steps either side of it, compared
// as pyotp does: after Unicode NFKC normalisation (so full-width digits
// count), with no trimming, in constant time for a code of the right length.
//
// It is false for a secret that is not base32, a negative window (pyotp's
// range is then empty) and a time before the epoch; steps before the epoch
// never match. The work grows with the window, which Home Assistant keeps at
// LoginWindow or SetupWindow.
func VerifyTOTP(secret, code string, unixSec int64, window int) bool {
	if unixSec < 0 || window < 0 {
		return false
	}
	step := uint64(unixSec / Period)
	typed, ok := normalizeCode(code)
	match := 0
	for i := -window; i <= window; i++ {
		if i < 0 && uint64(-i) > step {
			continue
		}
		want, err := HOTPCode(secret, step+uint64(int64(i)))
		if err != nil {
			return false
		}
		// Every step is checked, so the time taken says nothing about which
		// step matched.
		match |= subtle.ConstantTimeCompare([]byte(want), []byte(typed))
	}
	return ok && match == 1
}

// VerifyLogin checks a login code the way Home Assistant's TOTP module does:
// with LoginWindow when the user has a secret (known is true), and otherwise
// by running the same verification against DummySecret and reporting false.
func VerifyLogin(secret string, known bool, code string, unixSec int64) bool {
	if !known {
		VerifyTOTP(DummySecret, code, unixSec, LoginWindow)
		return false
	}
	return VerifyTOTP(secret, code, unixSec, LoginWindow)
}

// HOTPCode returns the six-digit RFC 4226 code of secret at counter:
// HMAC-SHA1 of the counter, dynamically truncated. The secret is decoded
// as pyotp and github.com/pquerna/otp decode it (missing padding added,
// either case); the tests compare the codes with pquerna/otp's and with
// the RFC's, since that library is no longer linked: with its key and
// QR-image code it brought fmt and image into the WebAssembly module.
func HOTPCode(secret string, counter uint64) (string, error) {
	if !isBase32(secret) {
		return "", ErrInvalidSecret
	}
	if n := len(secret) % 8; n != 0 {
		secret += "========"[n:]
	}
	key, err := base32.StdEncoding.DecodeString(strings.ToUpper(secret))
	if err != nil {
		return "", ErrInvalidSecret
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	offset := sum[len(sum)-1] & 0xf
	value := binary.BigEndian.Uint32(sum[offset:]) & 0x7fffffff
	var code [Digits]byte
	for i := Digits - 1; i >= 0; i-- {
		code[i] = byte('0' + value%10)
		value /= 10
	}
	return string(code[:]), nil
}

// VerifyHOTP reports whether code is the code of secret at counter, compared
// as VerifyTOTP compares.
func VerifyHOTP(secret, code string, counter uint64) bool {
	want, err := HOTPCode(secret, counter)
	if err != nil {
		return false
	}
	typed, ok := normalizeCode(code)
	return subtle.ConstantTimeCompare([]byte(want), []byte(typed)) == 1 && ok
}

// isBase32 reports whether s has only characters pyotp's decoder accepts:
// base32 letters and digits in either case, and padding. pquerna/otp would
// also trim spaces and skip line breaks, which pyotp rejects. Whether the
// padding and length are right is left to the decoder.
func isBase32(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '2' <= c && c <= '7' || c == '=') {
			return false
		}
	}
	return true
}
