// Package otp holds the one-time-password primitives of Home Assistant's
// multi-factor modules: the RFC 6238 codes of the "totp" module (secrets,
// verification with its windows, the provisioning URI and the QR code of its
// setup step) and the RFC 4226 codes of the "notify" module.
//
// Codes are RFC 4226 HMAC-SHA1 codes computed here and tested against
// github.com/pquerna/otp and the RFC's vectors; this package adds what Home
// Assistant (through pyotp and PyQRCode) does around them: how a typed code is
// compared, how the otpauth URI is escaped, and the exact SVG of the QR code.
//
// It owns no state and knows nothing of users, flows or storage. It is pure:
// the time is a Unix-seconds argument and randomness an io.Reader argument,
// so equal inputs give equal outputs on every platform.
package otp
