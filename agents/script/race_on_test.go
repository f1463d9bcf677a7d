//go:build race

package script_test

// raceEnabled reports a -race build: the virtual-phone suites run a sample
// of their tasks, so the race run fits the default test timeout (the full
// comparison runs without -race).
const raceEnabled = true
