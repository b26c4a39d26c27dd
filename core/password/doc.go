// Package password holds the password and username primitives of Home
// Assistant's "homeassistant" auth provider: bcrypt hashing and checking with
// Home Assistant's cost and 72-byte truncation, the base64 wrapping of hashes
// in .storage/auth_provider.homeassistant, username normalization with
// Python's strip() and casefold() semantics, and the errors the provider
// raises when users are added, renamed or removed.
//
// Everything here is a pure function of its arguments. The salt is a
// parameter because the core draws it from its own seeded generator, and a
// host runs Hash and Check on a worker as the core's password work. The
// package must not read randomness, clocks or files, and it does not own the
// user list or its storage document.
package password
