// Package sim is the virtual phone: a deterministic Android look-alike that
// mobagent's tests, demo and benchmarks run on, since no emulator runs on our
// machines.
//
// A Phone holds the device model (screen size, density, app stack, focused
// field, soft keyboard, status and navigation bars, settings), renders real
// pixels with real fonts, dumps its view tree in uiautomator's exact format,
// and dispatches input by hit-testing. Apps are views over the phone's state;
// adding one is one file that calls RegisterApp from init.
//
// The phone is reached the way a real one is: package sim/adbd speaks the ADB
// wire protocol, so the stock adb server, gadb and device/adb drive it, and the
// shell commands in this package (screencap, uiautomator, input, am, pm,
// cmd, dumpsys, wm, getprop, settings, locksettings, content, mobsim; grep and
// the other builtins of sim/shell) answer as Android's do, down to the text
// benchmark tools parse.
//
// A scenario (LoadScenario, `mobsim load`) is checked whole — keys, types,
// numeric ranges, references — before anything changes; Reset (`mobsim
// reset`) returns the phone to a new phone's state.
//
// Product code must not import sim; only cmd/ and tests do.
package sim
