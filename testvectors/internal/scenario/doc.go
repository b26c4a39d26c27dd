// Package scenario holds the scripted scenarios from which the conformance
// vectors are made, and the session that drives the native core through
// them.
//
// Each Case states the section of the behaviour specification it pins and
// what it expects, and its script asserts that expectation on its own as it
// goes (statuses, error codes and messages, refused tokens, effects). A
// transcript is recorded only when every assertion held, so a vector never
// just records whatever the code did.
//
// To add vectors, add a Case to a suite's table (suite_*.go), or a Suite to
// Suites, then regenerate (see testvectors/README.md). Append new cases at
// the end of a group's table where possible, so that existing tcIds stay
// put.
//
// The package must not reach into the core's internals: it talks to the
// core through wire JSON, and builds its fixtures and tokens on its own.
package scenario
