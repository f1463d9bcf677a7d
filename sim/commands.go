package sim

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mobagent/mobagent/sim/shell"
)

// The phone's shell commands. Each answers as its Android counterpart does,
// down to the texts tools parse (dumpsys lines, `wm size`, the uiautomator
// dump message), so that code written against a real phone works here.

func (p *Phone) registerCommands(sh *shell.Shell) {
	sh.Register("screencap", p.cmdScreencap)
	sh.Register("uiautomator", p.cmdUiautomator)
	sh.Register("input", p.cmdInput)
	sh.Register("am", p.cmdAm)
	sh.Register("monkey", p.cmdMonkey)
	sh.Register("pm", p.cmdPm)
	sh.Register("cmd", p.cmdCmd)
	sh.Register("dumpsys", p.cmdDumpsys)
	sh.Register("wm", p.cmdWm)
	sh.Register("getprop", p.cmdGetprop)
	sh.Register("settings", p.cmdSettings)
	sh.Register("ime", p.cmdIme)
	sh.Register("mobsim", p.cmdMobsim)
	sh.Register("locksettings", p.cmdLocksettings)
	sh.Register("content", p.cmdContent)
	p.registerMobileBenchCommands(sh)
}

func writeOut(env *shell.Env, name, path string, data []byte) int {
	if path == "" || path == "-" || path == "/dev/stdout" || path == "/dev/tty" {
		_, _ = env.Stdout.Write(data)
		return 0
	}
	if err := env.FS.WriteFile(env.Abs(path), data, 0o660, time.Time{}); err != nil {
		env.Errorf(name, "%s: %s", path, shell.ErrText(err))
		return 1
	}
	return 0
}

func (p *Phone) cmdScreencap(ctx context.Context, env *shell.Env, args []string) int {
	asPNG := false
	var file string
	for _, a := range args[1:] {
		switch {
		case a == "-p":
			asPNG = true
		case a == "-h":
			fmt.Fprintln(env.Stdout, "usage: screencap [-hp] [-d display-id] [FILENAME]\n   -h: this message\n   -p: save the file as a png.\nIf FILENAME ends with .png it will be saved as a png.\nIf FILENAME is not given, the results will be printed to stdout.")
			return 0
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(env.Stderr, "screencap: invalid option -- '%s'\n", strings.TrimLeft(a, "-"))
			return 1
		default:
			file = a
		}
	}
	if strings.HasSuffix(file, ".png") {
		asPNG = true
	}
	if asPNG {
		return writeOut(env, "screencap", file, p.ScreenshotPNG())
	}
	// Raw: width, height, format (1 = RGBA_8888) and colour space, then pixels.
	img := p.Frame()
	var hdr [16]byte
	binary.LittleEndian.PutUint32(hdr[0:], uint32(img.Rect.Dx()))
	binary.LittleEndian.PutUint32(hdr[4:], uint32(img.Rect.Dy()))
	binary.LittleEndian.PutUint32(hdr[8:], 1)
	binary.LittleEndian.PutUint32(hdr[12:], 1) // sRGB
	return writeOut(env, "screencap", file, append(hdr[:], img.Pix...))
}

func (p *Phone) cmdUiautomator(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 2 || args[1] != "dump" {
		fmt.Fprintln(env.Stderr, "Usage: uiautomator <subcommand> [options]\n\nAvailable subcommands:\n\nhelp: displays help message\n\ndump: creates an XML dump of current UI hierarchy")
		return 1
	}
	file := "/sdcard/window_dump.xml"
	for _, a := range args[2:] {
		if strings.HasPrefix(a, "--") {
			continue // --compressed, --windows: our dumps are already compact
		}
		file = a
	}
	xml := p.DumpXML()
	if file == "/dev/tty" || file == "/dev/stdout" {
		_, _ = env.Stdout.Write(xml)
		fmt.Fprintf(env.Stderr, "UI hierchary dumped to: %s\n", file)
		return 0
	}
	if err := env.FS.WriteFile(env.Abs(file), xml, 0o660, time.Time{}); err != nil {
		fmt.Fprintf(env.Stderr, "ERROR: could not write %s: %s\n", file, shell.ErrText(err))
		return 1
	}
	// Android's message carries this spelling; tools match on it.
	fmt.Fprintf(env.Stdout, "UI hierchary dumped to: %s\n", file)
	return 0
}

const inputUsage = `Usage: input [<source>] <command> [<arg>...]

The commands and default sources are:
      text <string> (Default: touchscreen)
      keyevent [--longpress] <key code number or name> ... (Default: keyboard)
      tap <x> <y> (Default: touchscreen)
      swipe <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)
      draganddrop <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)
      press (Default: trackball)
`

func ints(args []string) ([]int, bool) {
	out := make([]int, len(args))
	for i, a := range args {
		f, err := strconv.ParseFloat(a, 64)
		if err != nil {
			return nil, false
		}
		out[i] = int(f)
	}
	return out, true
}

func (p *Phone) cmdInput(ctx context.Context, env *shell.Env, args []string) int {
	args = args[1:]
	if len(args) > 0 {
		switch args[0] {
		case "touchscreen", "touchpad", "keyboard", "mouse", "stylus", "dpad", "gamepad", "trackball", "joystick", "touchnavigation", "rotaryencoder":
			args = args[1:]
		}
	}
	bad := func(msg string) int {
		fmt.Fprintf(env.Stderr, "Error: %s\n%s", msg, inputUsage)
		return 1
	}
	if len(args) == 0 {
		return bad("Unknown command: (none)")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "tap":
		v, ok := ints(rest)
		if !ok || len(v) != 2 {
			return bad("Invalid arguments for command: tap")
		}
		// Android drops touches outside the display without a word.
		_ = p.Tap(v[0], v[1])
	case "swipe", "draganddrop":
		v, ok := ints(rest)
		if !ok || (len(v) != 4 && len(v) != 5) {
			return bad("Invalid arguments for command: " + cmd)
		}
		d := 300 * time.Millisecond
		if len(v) == 5 {
			d = time.Duration(v[4]) * time.Millisecond
		}
		if v[0] == v[2] && v[1] == v[3] && d >= 500*time.Millisecond {
			_ = p.LongPress(v[0], v[1]) // a swipe in place is how tools long-press
		} else {
			_ = p.Swipe(v[0], v[1], v[2], v[3], d)
		}
	case "text":
		if len(rest) == 0 {
			return bad("Invalid arguments for command: text")
		}
		// Like Android: arguments are joined by spaces and %s means a space.
		s := strings.ReplaceAll(strings.Join(rest, " "), "%s", " ")
		if err := p.Text(s); err != nil {
			fmt.Fprintf(env.Stderr, "Exception occurred while executing 'text':\njava.lang.IllegalArgumentException: %v\n", err)
			return 1
		}
	case "keyevent":
		if len(rest) > 0 && rest[0] == "--longpress" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return bad("Invalid arguments for command: keyevent")
		}
		for _, k := range rest {
			code, ok := KeyCode(k)
			if !ok {
				fmt.Fprintf(env.Stderr, "Exception occurred while executing 'keyevent':\njava.lang.IllegalArgumentException: Invalid key code %s\n", k)
				return 1
			}
			p.PressKey(code)
		}
	case "press":
		p.PressKey(23)
	default:
		return bad("Unknown command: " + cmd)
	}
	return 0
}

// parseComponent splits "pkg/.Act" or "pkg/pkg.Act".
func parseComponent(s string) (pkg, act string, ok bool) {
	i := strings.IndexByte(s, '/')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func (p *Phone) cmdAm(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(env.Stderr, "Activity manager (activity) commands:\n  start [-W] [-n COMPONENT] [-a ACTION] [-c CATEGORY]\n  force-stop PACKAGE\n  broadcast [-a ACTION] [--es KEY VALUE]")
		return 1
	}
	switch args[1] {
	case "start", "start-activity":
		var comp, action, data string
		var pkgOnly string
		extras := map[string]string{}
		rest := args[2:]
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case "--es", "--ez", "--ei", "--el", "--ef", "--eu":
				if i+2 < len(rest) {
					extras[rest[i+1]] = rest[i+2]
				}
				i += 2
			case "-n":
				if i+1 < len(rest) {
					comp = rest[i+1]
					i++
				}
			case "-a":
				if i+1 < len(rest) {
					action = rest[i+1]
					i++
				}
			case "-d":
				if i+1 < len(rest) {
					data = rest[i+1]
					i++
				}
			case "-c", "-t", "--user", "-f":
				i++
			case "-W", "-S", "-R":
			default:
				if !strings.HasPrefix(rest[i], "-") {
					pkgOnly = rest[i]
				}
			}
		}
		if comp == "" && pkgOnly != "" && strings.Contains(pkgOnly, "/") {
			comp = pkgOnly
		}
		if number, ok := smsNumber(data); ok && (action == "android.intent.action.SENDTO" || action == "android.intent.action.VIEW" || action == "android.intent.action.SEND") &&
			(comp == "" || strings.HasPrefix(comp, messagesPkg+"/")) {
			// Messages opens the conversation with the body in the compose
			// field; sending is left to the user, as on Android.
			has := ""
			if len(extras) > 0 {
				has = " (has extras)"
			}
			fmt.Fprintf(env.Stdout, "Starting: Intent { act=%s dat=%s%s }\n", action, intentSafeData(data), has)
			if err := p.ComposeSMS(number, extras["sms_body"]); err != nil {
				fmt.Fprintf(env.Stderr, "Error: Activity not started, unable to resolve Intent { act=%s dat=%s flg=0x10000000%s }\n", action, intentSafeData(data), has)
				return 1
			}
			return 0
		}
		if data != "" && (action == "" || action == "android.intent.action.VIEW") && (comp == "" || strings.HasPrefix(comp, "com.android.chrome/")) {
			// A web address opens in the browser, as a VIEW intent does.
			fmt.Fprintf(env.Stdout, "Starting: Intent { act=android.intent.action.VIEW dat=%s }\n", data)
			if err := p.OpenURL(data); err != nil {
				fmt.Fprintf(env.Stderr, "Error: Activity not started, unable to resolve Intent { act=android.intent.action.VIEW dat=%s }\n", data)
				return 1
			}
			return 0
		}
		if comp == "" {
			fmt.Fprintf(env.Stdout, "Starting: Intent { act=%s }\n", action)
			fmt.Fprintln(env.Stderr, "Error: Activity not started, unable to resolve Intent { act="+action+" flg=0x10000000 }")
			return 1
		}
		pkg, act, ok := parseComponent(comp)
		if !ok {
			fmt.Fprintf(env.Stderr, "Error: Bad component name: %s\n", comp)
			return 1
		}
		fmt.Fprintf(env.Stdout, "Starting: Intent { cmp=%s }\n", comp)
		if err := p.StartActivity(pkg, act); err != nil {
			fmt.Fprintf(env.Stderr, "Error type 3\nError: Activity class {%s/%s} does not exist.\n", pkg, act)
			return 1
		}
		return 0
	case "force-stop", "kill":
		if len(args) < 3 {
			fmt.Fprintln(env.Stderr, "Error: no package specified")
			return 1
		}
		p.ForceStop(args[2])
		return 0
	case "broadcast":
		var action, msg string
		rest := args[2:]
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case "-a":
				if i+1 < len(rest) {
					action = rest[i+1]
					i++
				}
			case "--es":
				if i+2 < len(rest) && rest[i+1] == "msg" {
					msg = rest[i+2]
				}
				i += 2
			}
		}
		fmt.Fprintf(env.Stdout, "Broadcasting: Intent { act=%s flg=0x400000 (has extras) }\n", action)
		switch action {
		case "ADB_INPUT_TEXT":
			_ = p.IMEText(msg)
		case "ADB_INPUT_B64":
			if b, err := base64.StdEncoding.DecodeString(msg); err == nil {
				_ = p.IMEText(string(b))
			}
		case "ADB_CLEAR_TEXT":
			p.clearFocused()
		}
		fmt.Fprintln(env.Stdout, "Broadcast completed: result=0")
		return 0
	}
	fmt.Fprintf(env.Stderr, "Error: Unknown command: %s\n", args[1])
	return 1
}

func (p *Phone) clearFocused() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f := p.focusedField(); f != nil {
		setFieldValue(p, f.Field, "")
		p.changed()
	}
}

func (p *Phone) cmdMonkey(ctx context.Context, env *shell.Env, args []string) int {
	var pkg string
	for i := 1; i < len(args); i++ {
		if args[i] == "-p" && i+1 < len(args) {
			pkg = args[i+1]
			i++
		}
	}
	if pkg == "" || p.Launch(pkg) != nil {
		fmt.Fprintln(env.Stderr, "** No activities found to run, monkey aborted.")
		return 252
	}
	fmt.Fprintln(env.Stdout, "  bash arg: -p\n  bash arg: "+pkg+"\nEvents injected: 1\n## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, 12ms not connected)")
	return 0
}

func (p *Phone) cmdPm(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(env.Stderr, "usage: pm list packages [-s] [-3] [FILTER]\n       pm path PACKAGE\n       pm uninstall PACKAGE")
		return 1
	}
	switch args[1] {
	case "list":
		if len(args) < 3 || args[2] != "packages" {
			fmt.Fprintln(env.Stderr, "Error: unknown list type")
			return 1
		}
		var system, third bool
		var filter string
		for _, a := range args[3:] {
			switch a {
			case "-s":
				system = true
			case "-3":
				third = true
			default:
				if !strings.HasPrefix(a, "-") {
					filter = a
				}
			}
		}
		var pkgs []string
		for _, a := range append(p.Installed(), launcherApp, recentsApp) {
			if (system && !a.System) || (third && a.System) || !strings.Contains(a.Package, filter) {
				continue
			}
			pkgs = append(pkgs, a.Package)
		}
		sort.Strings(pkgs)
		for _, s := range pkgs {
			fmt.Fprintf(env.Stdout, "package:%s\n", s)
		}
		return 0
	case "path":
		if len(args) < 3 || !p.isInstalled(args[2]) {
			return 1
		}
		fmt.Fprintf(env.Stdout, "package:/data/app/%s-1/base.apk\n", args[2])
		return 0
	case "uninstall":
		var pkg string
		for i := 2; i < len(args); i++ {
			switch {
			case args[i] == "--user" || args[i] == "--versionCode":
				i++
			case strings.HasPrefix(args[i], "-"):
			default:
				pkg = args[i]
			}
		}
		if pkg == "" {
			fmt.Fprintln(env.Stderr, "Error: package name not specified")
			return 1
		}
		if err := p.Uninstall(pkg); err != nil {
			fmt.Fprintln(env.Stdout, "Failure [DELETE_FAILED_INTERNAL_ERROR]")
			return 1
		}
		fmt.Fprintln(env.Stdout, "Success")
		return 0
	}
	fmt.Fprintf(env.Stderr, "Unknown command: %s\n", args[1])
	return 1
}

func (p *Phone) isInstalled(pkg string) bool {
	for _, a := range p.Installed() {
		if a.Package == pkg {
			return true
		}
	}
	return pkg == launcherApp.Package || pkg == recentsApp.Package
}

// cmdCmd answers `cmd package resolve-activity --brief PKG`, which tools use to
// find a package's launcher activity, and `cmd package list packages`.
func (p *Phone) cmdCmd(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) >= 3 && args[1] == "package" {
		switch args[2] {
		case "resolve-activity":
			pkg := args[len(args)-1]
			app := lookupApp(pkg)
			if app == nil || !p.isInstalled(pkg) {
				fmt.Fprintln(env.Stdout, "No activity found")
				return 0
			}
			fmt.Fprintln(env.Stdout, "priority=0 preferredOrder=0 match=0x108000 specificIndex=-1 isDefault=false")
			fmt.Fprintf(env.Stdout, "%s/%s\n", pkg, app.MainActivity)
			return 0
		case "list", "uninstall":
			return p.cmdPm(ctx, env, append([]string{"pm"}, args[2:]...))
		}
	}
	if len(args) >= 2 && args[1] == "lock_settings" {
		return p.cmdLocksettings(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "cmd: Can't find service: %s\n", strings.Join(args[1:], " "))
	return 20
}

func (p *Phone) cmdDumpsys(ctx context.Context, env *shell.Env, args []string) int {
	service := ""
	if len(args) > 1 {
		service = args[1]
	}
	p.mu.Lock()
	a := p.top()
	pkg, short, full := a.App.Package, a.ShortName(), a.ClassName()
	kb := p.keyboard
	w, h, d := p.cfg.Width, p.cfg.Height, p.cfg.Density
	task := 10 + len(p.stack)
	p.mu.Unlock()
	switch service {
	case "lock_settings":
		p.dumpLockSettings(env.Stdout)
	case "activity":
		if len(args) > 2 && (args[2] == "activities" || args[2] == "a") {
			p.dumpActivities(env.Stdout)
			return 0
		}
		fmt.Fprintf(env.Stdout, "ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)\n")
		fmt.Fprintf(env.Stdout, "  mResumedActivity: ActivityRecord{8f2a61b u0 %s/%s t%d}\n", pkg, short, task)
		fmt.Fprintf(env.Stdout, "  topResumedActivity=ActivityRecord{8f2a61b u0 %s/%s t%d}\n", pkg, short, task)
	case "window":
		fmt.Fprintf(env.Stdout, "WINDOW MANAGER WINDOWS (dumpsys window windows)\n")
		fmt.Fprintf(env.Stdout, "  mCurrentFocus=Window{5d1c0e3 u0 %s/%s}\n", pkg, full)
		fmt.Fprintf(env.Stdout, "  mFocusedApp=ActivityRecord{8f2a61b u0 %s/%s t%d}\n", pkg, short, task)
		fmt.Fprintf(env.Stdout, "  mInputMethodTarget=Window{5d1c0e3 u0 %s/%s}\n", pkg, full)
		fmt.Fprintf(env.Stdout, "\nWINDOW MANAGER DISPLAY CONTENTS (dumpsys window displays)\n  Display: mDisplayId=0\n    init=%dx%d %ddpi cur=%dx%d app=%dx%d rng=%dx%d-%dx%d\n", w, h, d, w, h, w, h, w, w, h, h)
	case "input_method":
		ime := p.Setting("secure", "default_input_method")
		fmt.Fprintf(env.Stdout, "Current Input Method Manager state:\n  mCurMethodId=%s\n  mCurFocusedWindowClient=%s\n  mInputShown=%t\n  mShowRequested=%t\n", ime, pkg, kb, kb)
	case "display":
		fmt.Fprintf(env.Stdout, "DISPLAY MANAGER (dumpsys display)\n  mDefaultViewport=DisplayViewport{valid=true, displayId=0, orientation=0, deviceWidth=%d, deviceHeight=%d}\n", w, h)
	default:
		fmt.Fprintf(env.Stderr, "Can't find service: %s\n", service)
		return 0 // dumpsys prints this and still exits 0
	}
	return 0
}

func (p *Phone) cmdWm(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(env.Stderr, "usage: wm size | wm density")
		return 1
	}
	switch args[1] {
	case "size":
		fmt.Fprintf(env.Stdout, "Physical size: %dx%d\n", p.cfg.Width, p.cfg.Height)
	case "density":
		fmt.Fprintf(env.Stdout, "Physical density: %d\n", p.cfg.Density)
	default:
		fmt.Fprintf(env.Stderr, "Error: unknown command '%s'\n", args[1])
		return 1
	}
	return 0
}

// Props are the phone's system properties, as getprop lists them and as the
// ADB banner carries them.
func (p *Phone) Props() map[string]string {
	return map[string]string{
		"ro.product.model":                p.cfg.Model,
		"ro.product.name":                 p.cfg.Name,
		"ro.product.device":               p.cfg.Device,
		"ro.product.manufacturer":         "mobagent",
		"ro.product.brand":                "mobagent",
		"ro.build.version.release":        "14",
		"ro.build.version.sdk":            "34",
		"ro.build.id":                     "MOBSIM.240612.001",
		"ro.build.type":                   "userdebug",
		"ro.serialno":                     p.cfg.Serial,
		"ro.sf.lcd_density":               strconv.Itoa(p.cfg.Density),
		"ro.product.cpu.abi":              "x86_64",
		"persist.sys.locale":              "en-US",
		"sys.boot_completed":              "1",
		"ro.kernel.qemu":                  "0",
		"ro.mobagent.virtual":             "1",
		"ro.build.version.security_patch": "2024-06-05",
	}
}

func (p *Phone) cmdGetprop(ctx context.Context, env *shell.Env, args []string) int {
	props := p.Props()
	if len(args) > 1 {
		v, ok := props[args[1]]
		if !ok && len(args) > 2 {
			v = args[2]
		}
		fmt.Fprintln(env.Stdout, v)
		return 0
	}
	for _, k := range sortedKeys(props) {
		fmt.Fprintf(env.Stdout, "[%s]: [%s]\n", k, props[k])
	}
	return 0
}

func (p *Phone) cmdSettings(ctx context.Context, env *shell.Env, args []string) int {
	usage := func() int {
		fmt.Fprintln(env.Stderr, "usage:  settings [--user <USER_ID> | current] get namespace key\n        settings [--user <USER_ID> | current] put namespace key value\n        settings [--user <USER_ID> | current] list namespace\n\n'namespace' is one of {system, secure, global}, case-insensitive")
		return 1
	}
	rest := args[1:]
	if len(rest) >= 2 && rest[0] == "--user" {
		rest = rest[2:]
	}
	if len(rest) < 2 {
		return usage()
	}
	verb, ns := rest[0], strings.ToLower(rest[1])
	if ns != "system" && ns != "secure" && ns != "global" {
		return usage()
	}
	switch verb {
	case "get":
		if len(rest) != 3 {
			return usage()
		}
		p.mu.Lock()
		v, ok := p.settings[ns][rest[2]]
		p.mu.Unlock()
		if !ok {
			v = "null"
		}
		fmt.Fprintln(env.Stdout, v)
	case "put":
		if len(rest) < 4 {
			return usage()
		}
		p.mu.Lock()
		p.SetSetting(ns, rest[2], rest[3])
		p.mu.Unlock()
	case "delete":
		if len(rest) != 3 {
			return usage()
		}
		p.mu.Lock()
		delete(p.settings[ns], rest[2])
		p.changed()
		p.mu.Unlock()
	case "list":
		s := p.Settings()[ns]
		for _, k := range sortedKeys(s) {
			fmt.Fprintf(env.Stdout, "%s=%s\n", k, s[k])
		}
	default:
		return usage()
	}
	return 0
}

func (p *Phone) cmdIme(ctx context.Context, env *shell.Env, args []string) int {
	imes := []string{"com.android.inputmethod.latin/.LatinIME"}
	if !p.cfg.NoADBKeyboard {
		imes = append(imes, adbKeyboardIME)
	}
	if len(args) < 2 {
		fmt.Fprintln(env.Stderr, "usage: ime list [-s] | ime set ID | ime enable ID")
		return 1
	}
	switch args[1] {
	case "list":
		for _, id := range imes {
			fmt.Fprintln(env.Stdout, id)
		}
		return 0
	case "set", "enable":
		if len(args) < 3 {
			return 1
		}
		for _, id := range imes {
			if id == args[2] {
				if args[1] == "set" {
					p.mu.Lock()
					p.SetSetting("secure", "default_input_method", id)
					p.mu.Unlock()
					fmt.Fprintf(env.Stdout, "Input method %s selected for user #0\n", id)
				} else {
					fmt.Fprintf(env.Stdout, "Input method %s: already enabled for user #0\n", id)
				}
				return 0
			}
		}
		fmt.Fprintf(env.Stderr, "Unknown input method %s cannot be selected for user #0\n", args[2])
		return 1
	}
	return 1
}

func (p *Phone) cmdMobsim(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(env.Stderr, "usage: mobsim state | mobsim load PATH | mobsim reset")
		return 2
	}
	switch args[1] {
	case "state":
		b, err := json.MarshalIndent(p.State(), "", "  ")
		if err != nil {
			fmt.Fprintf(env.Stderr, "mobsim: %v\n", err)
			return 1
		}
		_, _ = env.Stdout.Write(append(b, '\n'))
		return 0
	case "reset":
		if len(args) != 2 {
			fmt.Fprintln(env.Stderr, "usage: mobsim reset (takes no arguments)")
			return 2
		}
		p.Reset()
		fmt.Fprintln(env.Stdout, "reset")
		return 0
	case "load":
		if len(args) != 3 {
			fmt.Fprintln(env.Stderr, "usage: mobsim load PATH (push the scenario file first: adb push scenario.json /sdcard/)")
			return 2
		}
		data, err := env.FS.ReadFile(env.Abs(args[2]))
		if err != nil {
			fmt.Fprintf(env.Stderr, "mobsim: %s: %s\n", args[2], shell.ErrText(err))
			return 1
		}
		if err := p.LoadScenario(data); err != nil {
			fmt.Fprintf(env.Stderr, "mobsim: %s: %v\n", args[2], err)
			return 1
		}
		fmt.Fprintf(env.Stdout, "loaded %s\n", args[2])
		return 0
	}
	fmt.Fprintf(env.Stderr, "mobsim: unknown command %q: use state, load or reset\n", args[1])
	return 2
}
