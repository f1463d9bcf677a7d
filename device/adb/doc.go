// Package adb drives real phones, emulators and the virtual phone through the
// adb server, implementing device.Device.
//
// File transfer (push and pull, the sync protocol) goes through gadb. The
// host services (device lists, connect, disconnect) and shell commands need
// what gadb lacks (deadlines, exit codes, byte-exact output), so this
// package speaks the adb host protocol for them itself:
//
//   - exec: for binary output (screenshots), byte-exact with no pty mangling;
//   - shell,v2: for commands whose exit status matters. The shell protocol v2
//     frames stdout, stderr and the exit code separately. A device without the
//     shell_v2 feature (Android 6 and older) runs the command over shell v1
//     with `; echo "<marker>$?"` appended, and the marker line is cut from the
//     output and parsed as the exit code.
//
// Every call takes a ctx and honours its deadline; a ctx with none gets
// Config.CallTimeout. gadb has no deadlines, so its calls run in a goroutine
// that the ctx abandons (its socket then closes on gadb's own read timeout).
//
// Every argument is quoted by Quote before it reaches the device's shell, so
// model-supplied text is data, never a command. A call that fails because the
// connection broke reconnects a TCP device once ("adb connect") and retries.
//
// The server address follows the adb client's rules: Config.Server, else
// ADB_SERVER_SOCKET (tcp:HOST:PORT), else ANDROID_ADB_SERVER_ADDRESS and
// ANDROID_ADB_SERVER_PORT, else localhost:5037. Like the adb client, the package
// starts a server only when the host is literally "localhost"; 127.0.0.1 counts
// as remote.
package adb
