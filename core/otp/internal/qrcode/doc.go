// Package qrcode builds the module matrix of a QR code the way PyQRCode 1.2.1
// does for Home Assistant's TOTP setup: byte mode, error correction level H,
// the smallest version that holds the data, and PyQRCode's choice among the
// eight data masks (its penalty scores differ from ISO/IEC 18004 in the
// dark-module rule, and ties go to the lowest mask number).
//
// Matching PyQRCode module for module is what lets the SVG built on top of it
// equal Home Assistant's byte for byte. github.com/boombuler/barcode/qr (which
// pquerna/otp brings in) builds the same modules but scores masks its own way,
// so it picks another mask for some URIs, and it runs its encoder through
// goroutines and channels, which the core does not start. The tests still
// compare every module with boombuler's code, with boombuler's mask forced.
//
// The package is pure and single-threaded: no I/O, no goroutines, no global
// state besides read-only tables.
package qrcode
