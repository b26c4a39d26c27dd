// Package authstore is the in-memory model of Home Assistant's auth store:
// users, groups, credentials and refresh tokens, with the rules Home
// Assistant's AuthManager applies when they are created, changed and
// removed (owner, admin, token types, the checks before a refresh token is
// made, sliding expiry).
//
// It owns no persistence: the core converts it to and from the records of
// core/storage. Randomness and time are parameters. It never formats a reply:
// errors carry Home Assistant's exact messages and the callers decide how to
// answer.
package authstore
