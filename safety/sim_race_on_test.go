//go:build race

package safety_test

// raceSample: under -race the virtual-phone suites run every fourth case
// (the race detector is there for the concurrency of six phones, one adb
// server and the gates, not for the cases, which the normal run judges
// all of) and skip their size and rate checks.
const raceSample = 4
