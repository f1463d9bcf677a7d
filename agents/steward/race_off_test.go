//go:build !race

package steward_test

const raceEnabled = false
