package sim

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mobagent/mobagent/sim/shell"
)

// The shell commands Mobile-Bench's API calls run (agent_for_api's list of
// adb commands): `am start` with the intents the items use — an alarm
// (android.intent.action.SET_ALARM), a calendar event
// (android.intent.action.INSERT of vnd.android.cursor.item/event), a new
// contact, the Settings pages, a message to compose (SEND, VIEW sms:),
// a vendor app's activity by component — and `svc wifi|data|bluetooth`.
// The intent is read as AOSP's Intent.parseCommandArgs reads it (options,
// typed extras, then one URI, component or package), and is resolved as
// Android resolves it: an explicit component must exist; otherwise the
// action, type and data pick the app, limited to the package when one is
// given. What no app of the phone handles fails as on Android, with
// "unable to resolve Intent".

// intentSpec is an intent as `am start` builds it.
type intentSpec struct {
	action, data, mime, pkg string
	comp                    string // "pkg/cls", as given
	categories              []string
	extras                  map[string]extra
}

// extra is one typed extra: its am option's letter (s, i, l, z, f, u, …)
// and its value as given.
type extra struct {
	kind  string
	value string
}

func (in *intentSpec) str(key string) (string, bool) {
	e, ok := in.extras[key]
	if !ok || e.kind != "s" {
		return "", false // Android reads a string extra only from a string
	}
	return e.value, true
}

func (in *intentSpec) int64(key string, kinds string) (int64, bool) {
	e, ok := in.extras[key]
	if !ok || !strings.Contains(kinds, e.kind) {
		return 0, false // getIntExtra of a string extra gives the default
	}
	n, err := strconv.ParseInt(e.value, 10, 64)
	return n, err == nil
}

// describe is the intent as `am start` prints it: "act=… dat=… typ=…
// cmp=… (has extras)".
func (in *intentSpec) describe() string {
	var parts []string
	if in.action != "" {
		parts = append(parts, "act="+in.action)
	}
	for _, c := range in.categories {
		parts = append(parts, "cat=["+c+"]")
	}
	if in.data != "" {
		parts = append(parts, "dat="+intentSafeData(in.data))
	}
	if in.mime != "" {
		parts = append(parts, "typ="+in.mime)
	}
	if in.pkg != "" {
		parts = append(parts, "pkg="+in.pkg)
	}
	if in.comp != "" {
		parts = append(parts, "cmp="+in.comp)
	}
	s := strings.Join(parts, " ")
	if len(in.extras) > 0 {
		s += " (has extras)"
	}
	return s
}

// extraArgs is how many values each extra option takes (key included).
var extraArgs = map[string]string{
	"-e": "s", "--es": "s", "--ei": "i", "--el": "l", "--ez": "z", "--ef": "f", "--ed": "d", "--eu": "u",
	"--ecn": "c", "--eia": "ia", "--eial": "ia", "--ela": "la", "--elal": "la", "--efa": "fa", "--efal": "fa",
	"--esa": "sa", "--esal": "sa", "--eda": "da",
}

// startOptions are `am start`'s own options, and whether each takes a value.
var startOptions = map[string]bool{
	"-D": false, "-N": false, "-W": false, "-S": false, "--streaming": false, "--track-allocation": false, "--task-overlay": false,
	"--lock-task": false, "--allow-background-activity-starts": false, "--splashscreen-show-icon": false, "--dismiss-keyguard": false,
	"-P": true, "--start-profiler": true, "--sampling": true, "--attach-agent": true, "--attach-agent-bind": true, "-R": true,
	"--user": true, "--display": true, "--windowingMode": true, "--activityType": true, "--task": true, "-f": true, "-i": true,
}

// parseIntent reads `am start`'s arguments (after "start").
func parseIntent(args []string) (*intentSpec, error) {
	in := &intentSpec{extras: map[string]extra{}}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		need := func(n int) error {
			if i+n >= len(args) {
				return fmt.Errorf("Error: No argument supplied for %s", a)
			}
			return nil
		}
		switch {
		case a == "-a" || a == "-d" || a == "-t" || a == "-n" || a == "-p" || a == "-c":
			if err := need(1); err != nil {
				return nil, err
			}
			v := args[i+1]
			i++
			switch a {
			case "-a":
				in.action = v
			case "-d":
				in.data = v
			case "-t":
				in.mime = v
			case "-n":
				if !strings.Contains(v, "/") {
					return nil, fmt.Errorf("Error: Bad component name: %s", v)
				}
				in.comp = v
			case "-p":
				in.pkg = v
			case "-c":
				in.categories = append(in.categories, v)
			}
		case a == "--esn":
			if err := need(1); err != nil {
				return nil, err
			}
			in.extras[args[i+1]] = extra{kind: "null"}
			i++
		case extraArgs[a] != "":
			if err := need(2); err != nil {
				return nil, err
			}
			k, v := args[i+1], args[i+2]
			i += 2
			kind := extraArgs[a]
			switch kind {
			case "i":
				if _, err := strconv.ParseInt(v, 0, 32); err != nil {
					//lint:ignore ST1005 am's own message, as Android prints it
					return nil, fmt.Errorf("Exception occurred while executing 'start':\njava.lang.NumberFormatException: For input string: \"%s\"", v)
				}
			case "l":
				if _, err := strconv.ParseInt(v, 0, 64); err != nil {
					//lint:ignore ST1005 am's own message, as Android prints it
					return nil, fmt.Errorf("Exception occurred while executing 'start':\njava.lang.NumberFormatException: For input string: \"%s\"", v)
				}
			case "f", "d":
				if _, err := strconv.ParseFloat(v, 64); err != nil {
					//lint:ignore ST1005 am's own message, as Android prints it
					return nil, fmt.Errorf("Exception occurred while executing 'start':\njava.lang.NumberFormatException: For input string: \"%s\"", v)
				}
			}
			in.extras[k] = extra{kind: kind, value: v}
		case strings.HasPrefix(a, "--grant-") || strings.HasPrefix(a, "--activity-") || strings.HasPrefix(a, "--receiver-") ||
			a == "--exclude-stopped-packages" || a == "--include-stopped-packages" || a == "--debug-log-resolution" || a == "--selector":
		case startOptions[a]:
			if err := need(1); err != nil {
				return nil, err
			}
			i++
		case len(a) > 1 && a[0] == '-':
			if _, ok := startOptions[a]; ok {
				continue
			}
			return nil, fmt.Errorf("Error: Unknown option: %s", a)
		default:
			rest = append(rest, a)
		}
	}
	switch len(rest) {
	case 0:
	case 1:
		// One URI, component or package, as parseCommandArgs reads it.
		switch arg := rest[0]; {
		case strings.Contains(arg, ":"):
			if in.data == "" {
				in.data = arg
			}
		case strings.Contains(arg, "/"):
			if in.comp == "" {
				in.comp = arg
			}
		default:
			if in.pkg == "" {
				in.pkg = arg
			}
		}
	default:
		return nil, fmt.Errorf("Error: Unknown option: %s", rest[1])
	}
	if in.action == "" && in.data == "" && in.mime == "" && in.comp == "" && in.pkg == "" && len(in.categories) == 0 && len(in.extras) == 0 {
		return nil, fmt.Errorf("Error: No intent supplied")
	}
	return in, nil
}

// splitComponent reads "pkg/.Cls" or "pkg/pkg.Cls" as the package and the
// class relative to it where it can be (".Cls").
func splitComponent(comp string) (pkg, cls string) {
	pkg, cls, _ = strings.Cut(comp, "/")
	if strings.HasPrefix(cls, pkg+".") {
		cls = cls[len(pkg):]
	}
	return pkg, cls
}

// cmdAmStart is `am`, answering the intents above before the phone's own
// `am` (cmdAm) answers the rest. Started activities print AOSP's
// "Starting: Intent { … }".
func (p *Phone) cmdAmStart(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 2 || (args[1] != "start" && args[1] != "start-activity") {
		return p.cmdAmOwn(ctx, env, args)
	}
	in, err := parseIntent(args[2:])
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return 1
	}
	handled, err := p.startIntent(in)
	if !handled {
		return p.cmdAmOwn(ctx, env, args)
	}
	fmt.Fprintf(env.Stdout, "Starting: Intent { %s }\n", in.describe())
	if err != nil {
		fmt.Fprintln(env.Stderr, err)
		return 1
	}
	return 0
}

// cmdAmOwn is the phone's own `am`, with a vendor's package names read as
// the phone's.
func (p *Phone) cmdAmOwn(ctx context.Context, env *shell.Env, args []string) int {
	if p.vendor() == nil {
		return p.cmdAm(ctx, env, args)
	}
	out := append([]string(nil), args...)
	for i, a := range out {
		if i == 0 {
			continue
		}
		if pkg, cls, ok := strings.Cut(a, "/"); ok && !strings.Contains(pkg, ":") {
			if own := p.ownPackage(pkg); own != pkg && own != "" {
				out[i] = own + "/" + p.ownClass(pkg, cls)
			}
		} else if own := p.ownPackage(a); own != a && own != "" {
			out[i] = own
		}
	}
	return p.cmdAm(ctx, env, out)
}

// ownClass is the phone's activity for a vendor's launcher activity, so
// that the phone's `am` starts it.
func (p *Phone) ownClass(vendorPkg, cls string) string {
	t := p.vendor()
	a := t.byVendor[vendorPkg]
	rel := cls
	if strings.HasPrefix(rel, vendorPkg+".") {
		rel = rel[len(vendorPkg):]
	}
	if rel == a.main {
		if app := lookupApp(a.app); app != nil {
			return app.MainActivity
		}
	}
	return cls
}

// startIntent starts what in names, when this file knows it; handled is
// false to leave it to the phone's own `am`. An error is am's message.
func (p *Phone) startIntent(in *intentSpec) (handled bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	unresolved := func() error {
		return fmt.Errorf("Error: Activity not started, unable to resolve Intent { %s flg=0x10000000 }", in.describe())
	}
	if in.comp != "" {
		pkg, cls := splitComponent(in.comp)
		t := p.vendor()
		if t != nil && t.byApp[pkg] != nil {
			// The phone's own name for an app the vendor renamed: no such
			// package on this phone.
			//lint:ignore ST1005 am's own message, as Android prints it
			return true, fmt.Errorf("Error type 3\nError: Activity class {%s/%s} does not exist.", pkg, qualify(pkg, cls))
		}
		if t == nil || t.byVendor[pkg] == nil {
			return false, nil
		}
		va := t.byVendor[pkg]
		start := va.activities[cls]
		if start == nil || p.disabled[va.app] {
			//lint:ignore ST1005 am's own message, as Android prints it
			return true, fmt.Errorf("Error type 3\nError: Activity class {%s/%s} does not exist.", pkg, qualify(pkg, cls))
		}
		if err := start(p, in); err != nil {
			return true, err
		}
		return true, nil
	}
	// Implicit intents: the action (and type or data) picks the app.
	if in.pkg != "" {
		if own := p.ownPackage(in.pkg); own == "" || p.disabled[own] || lookupApp(own) == nil {
			return true, unresolved()
		}
	}
	inPkg := func(own string) bool {
		return in.pkg == "" || p.ownPackage(in.pkg) == own
	}
	installed := func(own string) bool { return !p.disabled[own] && lookupApp(own) != nil }
	switch in.action {
	case "android.intent.action.SET_ALARM":
		if !inPkg(clockPkg) || !installed(clockPkg) {
			return true, unresolved()
		}
		return true, startSetAlarm(p, in)
	case "android.intent.action.INSERT", "android.intent.action.EDIT", "android.intent.action.INSERT_OR_EDIT":
		switch {
		case isEventType(in) && inPkg(calendarPkg) && installed(calendarPkg):
			return true, startCalendarInsert(p, in)
		case isContactType(in) && inPkg(contactsPkg) && installed(contactsPkg):
			return true, startContactInsert(p, in)
		}
		return true, unresolved()
	case "android.intent.action.SEND":
		if in.mime == "text/plain" && in.pkg != "" && p.ownPackage(in.pkg) == messagesPkg {
			return true, startCompose(p, in)
		}
		return false, nil
	}
	if page, ok := settingsPages[in.action]; ok {
		return true, p.openSettingsPage(in, page.title, page.rows, inPkg(settingsPkg))
	}
	if in.pkg != "" {
		// Limited to a package: only the phone's own `am` routes (an sms:
		// address to messaging, a web address to the browser) may take it.
		if own := p.ownPackage(in.pkg); own != messagesPkg && own != chromePkg {
			return true, unresolved()
		}
	}
	return false, nil
}

// openSettingsPage opens Settings at a page for an android.settings.*
// action (the main page when rows is nil); allowed is false when the intent
// is limited to another package.
func (p *Phone) openSettingsPage(in *intentSpec, title string, rows func(p *Phone) []listRow, allowed bool) error {
	if !allowed {
		return fmt.Errorf("Error: Activity not started, unable to resolve Intent { %s flg=0x10000000 }", in.describe())
	}
	if err := p.launch(settingsPkg); err != nil {
		return err
	}
	p.stack = p.stack[:len(p.stack)-1] // the page, not where Settings was left
	p.Push(settingsMain(p))
	if rows != nil {
		p.Push(settingsSub(title, rows))
	}
	return nil
}

func qualify(pkg, cls string) string {
	if strings.HasPrefix(cls, ".") {
		return pkg + cls
	}
	return cls
}

// settingsPages are the android.settings.* actions Settings answers.
var settingsPages = map[string]struct {
	title string
	rows  func(p *Phone) []listRow
}{
	"android.settings.SETTINGS":                     {},
	"android.settings.WIFI_SETTINGS":                {"Network & internet", networkRows},
	"android.settings.WIRELESS_SETTINGS":            {"Network & internet", networkRows},
	"android.settings.AIRPLANE_MODE_SETTINGS":       {"Network & internet", networkRows},
	"android.settings.DATA_ROAMING_SETTINGS":        {"Network & internet", networkRows},
	"android.settings.BLUETOOTH_SETTINGS":           {"Connected devices", connectedRows},
	"android.settings.DISPLAY_SETTINGS":             {"Display", displayRows},
	"android.settings.SECURITY_SETTINGS":            {"Security & privacy", securityRows},
	"android.settings.APPLICATION_SETTINGS":         {"Apps", appsRows},
	"android.settings.MANAGE_APPLICATIONS_SETTINGS": {"Apps", appsRows},
	"android.settings.DEVICE_INFO_SETTINGS":         {"About phone", aboutRows},
}

func isEventType(in *intentSpec) bool {
	return in.mime == "vnd.android.cursor.item/event" || in.mime == "vnd.android.cursor.dir/event" ||
		strings.HasPrefix(in.data, "content://com.android.calendar/events")
}

func isContactType(in *intentSpec) bool {
	return in.mime == "vnd.android.cursor.dir/contact" || in.mime == "vnd.android.cursor.dir/raw_contact" ||
		in.mime == "vnd.android.cursor.dir/person" || strings.HasPrefix(in.data, "content://com.android.contacts/") ||
		strings.HasPrefix(in.data, "content://contacts/")
}

// startSetAlarm is the clock's AlarmClock.ACTION_SET_ALARM: with an hour
// (android.intent.extra.alarm.HOUR, an int extra) it saves the alarm (label
// from MESSAGE) and shows the alarms unless SKIP_UI is set; without one it
// opens the clock to set it.
func startSetAlarm(p *Phone, in *intentSpec) error {
	hour, ok := in.int64("android.intent.extra.alarm.HOUR", "i")
	if ok {
		if hour < 0 || hour > 23 {
			hour = 0
		}
		minutes, _ := in.int64("android.intent.extra.alarm.MINUTES", "i")
		if minutes < 0 || minutes > 59 {
			minutes = 0
		}
		label, _ := in.str("android.intent.extra.alarm.MESSAGE")
		d := clockOf(p)
		a := d.add(Alarm{Time: fmt.Sprintf("%02d:%02d", hour, minutes), Label: label, Enabled: true})
		d.Created = append(d.Created, a.ID)
		p.changed()
		if skip := in.extras["android.intent.extra.alarm.SKIP_UI"]; skip.kind == "z" && skip.value == "true" {
			return nil
		}
	}
	if err := p.launch(clockPkg); err != nil {
		return err
	}
	if ok {
		p.Toast("Alarm set for " + untilAlarm(p.now(), clockOf(p).Alarms[len(clockOf(p).Alarms)-1].Time) + " from now")
	}
	return nil
}

// startCalendarInsert is the calendar's editor for an INSERT of an event:
// title, eventLocation and description are string extras; beginTime and
// endTime are milliseconds since the epoch as long extras (Android reads
// them with getLongExtra, so a string such as "2022-07-12T15:00:00" is
// ignored, as on a phone).
func startCalendarInsert(p *Phone, in *intentSpec) error {
	var draft eventDraft
	draft.Title, _ = in.str("title")
	draft.Location, _ = in.str("eventLocation")
	if ms, ok := in.int64("beginTime", "l"); ok {
		b := time.UnixMilli(ms).In(p.cfg.Now.Location())
		e := b.Add(time.Hour)
		if end, ok := in.int64("endTime", "l"); ok && end >= ms {
			e = time.UnixMilli(end).In(p.cfg.Now.Location())
		}
		if b.Format("2006-01-02") == e.Format("2006-01-02") {
			draft.Date, draft.Start, draft.End = b.Format("2006-01-02"), b.Format("15:04"), e.Format("15:04")
		}
	}
	if err := p.launch(calendarPkg); err != nil {
		return err
	}
	p.Push(calendarEditorWith(p, draft))
	return nil
}

// startContactInsert opens the contact editor for a new contact.
func startContactInsert(p *Phone, in *intentSpec) error {
	if err := p.launch(contactsPkg); err != nil {
		return err
	}
	p.Push(contactEditor(0))
	return nil
}

// startCompose is the messaging app's compose screen: the body from
// sms_body (or android.intent.extra.TEXT), the recipient from address or
// an sms: URI; without one it asks for the recipient.
func startCompose(p *Phone, in *intentSpec) error {
	body, ok := in.str("sms_body")
	if !ok {
		body, _ = in.str("android.intent.extra.TEXT")
	}
	to, _ := in.str("address")
	if n, ok := smsNumber(in.data); ok && n != "" {
		to = n
	}
	if err := p.launch(messagesPkg); err != nil {
		return err
	}
	if strings.TrimSpace(to) == "" {
		p.Push(messagesNew(body))
		return nil
	}
	name := ""
	if c := contactsOf(p).byPhone(to); c != nil {
		name = c.Name
	}
	p.Push(messagesThreadWith(p, to, name, body, nil))
	return nil
}

// startNotes is the notes list; an INSERT or INSERT_OR_EDIT action (MIUI's
// com.miui.todo.shortcut.action.INSERT_OR_EDIT shortcut among them) opens a
// new note.
func startNotes(p *Phone, in *intentSpec) error {
	if err := p.launch(joplinPkg); err != nil {
		return err
	}
	if strings.HasSuffix(in.action, ".INSERT_OR_EDIT") || strings.HasSuffix(in.action, ".INSERT") {
		p.Push(joplinNote(0, true))
	}
	return nil
}

// startBrowser opens the browser, at the data's address when it has one.
func startBrowser(p *Phone, in *intentSpec) error {
	if in.data != "" && (strings.HasPrefix(in.data, "http://") || strings.HasPrefix(in.data, "https://")) {
		p.mu.Unlock()
		err := p.OpenURL(in.data)
		p.mu.Lock()
		return err
	}
	return p.launch(chromePkg)
}

// cmdSvc is `svc wifi|data|bluetooth enable|disable`, which switches the
// radio as the quick settings tile does.
func (p *Phone) cmdSvc(ctx context.Context, env *shell.Env, args []string) int {
	if len(args) < 3 {
		fmt.Fprintln(env.Stderr, "Available commands:\n    help     Show information about the subcommands\n    power    Control the power manager\n    data     Control mobile data connectivity\n    wifi     Control the Wi-Fi manager\n    bluetooth Control Bluetooth service")
		return 1
	}
	keys := map[string]string{"wifi": "wifi_on", "data": "mobile_data", "bluetooth": "bluetooth_on"}
	key, ok := keys[args[1]]
	if !ok {
		fmt.Fprintf(env.Stderr, "svc: Unknown command: %s\n", args[1])
		return 1
	}
	var v string
	switch args[2] {
	case "enable":
		v = "1"
	case "disable":
		v = "0"
	default:
		fmt.Fprintf(env.Stderr, "svc %s: unknown option %s: use enable or disable\n", args[1], args[2])
		return 1
	}
	p.mu.Lock()
	p.SetSetting("global", key, v)
	p.mu.Unlock()
	return 0
}

// vendorCommands wraps the commands whose output or arguments name
// packages, so that a vendor build answers to its names.
func (p *Phone) registerMobileBenchCommands(sh *shell.Shell) {
	sh.Register("am", p.cmdAmStart)
	sh.Register("svc", p.cmdSvc)
	if p.vendor() == nil {
		return
	}
	rename := func(cmd shell.Command) shell.Command {
		return func(ctx context.Context, env *shell.Env, args []string) int {
			out := append([]string(nil), args...)
			for i := 1; i < len(out); i++ {
				if own := p.ownPackage(out[i]); own != out[i] {
					if own == "" {
						own = out[i] + ".not-installed"
					}
					out[i] = own
				}
			}
			var stdout bytes.Buffer
			orig := env.Stdout
			env.Stdout = &stdout
			code := cmd(ctx, env, out)
			env.Stdout = orig
			_, _ = orig.Write([]byte(p.vendorText(p.vendorPackageLines(stdout.String()))))
			return code
		}
	}
	sh.Register("monkey", rename(p.cmdMonkey))
	sh.Register("pm", rename(p.cmdPm))
	sh.Register("cmd", rename(p.cmdCmd))
	sh.Register("dumpsys", rename(p.cmdDumpsys))
}

// vendorPackageLines renames "package:NAME" lines and NAME/CLASS lines of
// pm and cmd package output.
func (p *Phone) vendorPackageLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		body := strings.TrimRight(l, "\n")
		nl := l[len(body):]
		switch {
		case strings.HasPrefix(body, "package:"):
			pkg := strings.TrimPrefix(body, "package:")
			if path, ok := strings.CutPrefix(pkg, "/data/app/"); ok {
				own, _, _ := strings.Cut(path, "-1/")
				lines[i] = "package:/data/app/" + p.shownPackage(own) + "-1/base.apk" + nl
				continue
			}
			lines[i] = "package:" + p.shownPackage(pkg) + nl
		case strings.Count(body, "/") == 1 && !strings.Contains(body, " "):
			pkg, cls, _ := strings.Cut(body, "/")
			if t := p.vendor(); t != nil && t.byApp[pkg] != nil {
				lines[i] = t.byApp[pkg].pkg + "/" + t.byApp[pkg].main + nl
				_ = cls
			}
		}
	}
	// pm lists packages sorted, by the names it shows.
	if len(lines) > 1 && strings.HasPrefix(lines[0], "package:") && !strings.Contains(lines[0], "/data/app/") {
		sort.Strings(lines)
	}
	return strings.Join(lines, "")
}
