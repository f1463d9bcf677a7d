//go:build !race

package mobilesafety

const raceEnabled = false
