//go:build race

package harness

// raceEnabled: the race detector instruments every function, which makes
// frames bigger than a normal build's.
const raceEnabled = true
