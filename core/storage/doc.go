// Package storage reads and writes Home Assistant's stored auth documents,
// byte for byte as Home Assistant writes them:
//
//   - .storage/auth (DecodeAuth, EncodeAuth): users, groups, credentials and
//     refresh tokens;
//   - .storage/auth_provider.homeassistant (DecodeProvider, EncodeProvider):
//     the local users' bcrypt hashes;
//   - .storage/auth_module.totp and .storage/auth_module.notify (DecodeTOTP,
//     DecodeNotify and their encoders): the MFA modules' per-user settings;
//   - .storage/http.auth (DecodeHTTPAuth, EncodeHTTPAuth): the content user.
//
// Each document is wrapped in Home Assistant's Store envelope
// {"version": 1, "minor_version": 1, "key": ..., "data": ...} and written
// with orjson's two-space layout and no trailing newline. Decoders accept
// what Home Assistant's loaders accept, apply the same soft migrations, and
// report with Notices what Home Assistant would log or silently change. What
// would make Home Assistant's load fail, and anything that is not a Store
// document, is an *Error: the host must refuse to start, name the file, and
// leave it untouched. Times are Unix microseconds (FormatTime and ParseTime
// follow Python's isoformat and Home Assistant's parse_datetime).
//
// The records are plain data in each document's field order, with null kept
// apart from empty (Null); the in-memory model, its indexes and its rules
// live elsewhere and build on them. Files that are private (mode 0600) in
// Home Assistant: all but http.auth.
//
// The package is pure: bytes in, records out and back. It does no I/O,
// reads no clock and keeps no state between calls.
package storage
