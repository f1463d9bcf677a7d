//go:build race

package mobilesafety

// raceEnabled: under the race detector (ten times slower) the whole-manifest
// tests take a sample; scripts/test.sh runs them whole without it.
const raceEnabled = true
