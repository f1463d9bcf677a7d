// Package simtest serves the virtual phone to tests through a private adb
// server, so every package is tested through the real adb server and the
// real ADB wire protocol: the one test-phone helper of mobagent. It is for
// tests only (programs serve a phone with sim/simserve).
package simtest
