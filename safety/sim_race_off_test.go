//go:build !race

package safety_test

// raceSample: without -race every case of the virtual-phone suites runs.
const raceSample = 1
