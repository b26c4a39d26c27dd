//go:build race

package core_test

// raceEnabled shortens the heaviest property tests under the race
// detector, which makes them an order of magnitude slower.
const raceEnabled = true
