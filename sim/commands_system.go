package sim

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/mobagent/mobagent/sim/shell"
)

// System commands benchmark tools rely on: `locksettings` (and `cmd
// lock_settings`), `dumpsys lock_settings`, the full `dumpsys activity
// activities`, and `content query|delete` for SMS. Their output follows
// AOSP's (LockSettingsShellCommand, LockSettingsService.dump, the content
// tool's "Row: N col=value, …" lines), since tools grep it.

// cmdLocksettings is AOSP's LockSettingsShellCommand: set-pin, set-password,
// set-pattern, clear, verify, get-disabled, set-disabled, with --old and
// --user. A command needs --old with the current credential when a lock is
// set. Failures exit 255 (the command's -1), with AOSP's messages on stdout.
func (p *Phone) cmdLocksettings(ctx context.Context, env *shell.Env, args []string) int {
	args = args[1:]
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" {
		lockHelp(env.Stdout)
		return 0
	}
	cmd := args[0]
	var old, arg string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case a == "--old" && i+1 < len(rest):
			old = rest[i+1]
			i++
		case a == "--user" && i+1 < len(rest):
			i++ // one user: 0
		case strings.HasPrefix(a, "--") && len(a) > 2:
			fmt.Fprintf(env.Stderr, "Unknown option: %s\n", a)
			fmt.Fprintf(env.Stderr, "Error while executing command: %s\n", cmd)
			return 255
		default:
			if arg == "" {
				arg = a
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch cmd {
	case "get-disabled":
		fmt.Fprintln(env.Stdout, "false")
		return 0
	case "set-disabled":
		fmt.Fprintf(env.Stdout, "Lock screen disabled set to %t\n", arg == "true")
		return 0
	case "set-pin", "set-password", "set-pattern", "clear", "verify":
	default:
		fmt.Fprintf(env.Stderr, "Unknown command: %s\n", cmd)
		return 255
	}
	lock := settingsOf(p).ScreenLock
	if lock.Type != "none" {
		if old != lock.Password {
			fmt.Fprintf(env.Stdout, "Old password '%s' didn't match\n", old)
			return 255
		}
	} else if old != "" {
		fmt.Fprintln(env.Stdout, "Old password provided but user has no password")
		return 255
	}
	switch cmd {
	case "verify":
		fmt.Fprintln(env.Stdout, "Lock credential verified successfully")
	case "clear":
		setScreenLock(p, "none", "")
		fmt.Fprintln(env.Stdout, "Lock credential cleared")
	default:
		typ := strings.TrimPrefix(cmd, "set-")
		if msg := credentialProblem(typ, arg); msg != "" {
			fmt.Fprintf(env.Stdout, "New credential doesn't satisfy admin policies: %s\n", msg)
			return 255
		}
		setScreenLock(p, typ, arg)
		label := map[string]string{"pin": "Pin", "password": "Password", "pattern": "Pattern"}[typ]
		fmt.Fprintf(env.Stdout, "%s set to '%s'\n", label, arg)
	}
	return 0
}

// credentialProblem is why a new credential is refused, or "".
func credentialProblem(typ, v string) string {
	switch {
	case typ == "pattern" && (len(v) < 4 || strings.Trim(v, "123456789") != ""):
		return "Pattern too short; required: 4 cells of 1-9"
	case len(v) < 4:
		return "Password too short; required: 4"
	case typ == "pin" && strings.Trim(v, "0123456789") != "":
		return "Contains an invalid character"
	}
	return ""
}

func lockHelp(w io.Writer) {
	fmt.Fprint(w, `lockSettings service commands:

NOTE: when lock screen is set, all commands require the --old <CREDENTIAL> argument.

  help
    Prints this help text.

  get-disabled [--old <CREDENTIAL>] [--user USER_ID]
    Checks whether lock screen is disabled.

  set-disabled [--old <CREDENTIAL>] [--user USER_ID] <true|false>
    When true, disables lock screen.

  set-pattern [--old <CREDENTIAL>] [--user USER_ID] <PATTERN>
    Sets the lock screen as pattern, using the given PATTERN to unlock.

  set-pin [--old <CREDENTIAL>] [--user USER_ID] <PIN>
    Sets the lock screen as PIN, using the given PIN to unlock.

  set-password [--old <CREDENTIAL>] [--user USER_ID] <PASSWORD>
    Sets the lock screen as password, using the given PASSOWRD to unlock.

  clear [--old <CREDENTIAL>] [--user USER_ID]
    Clears the lock credentials.

  verify [--old <CREDENTIAL>] [--user USER_ID]
    Verifies the lock credentials.

`)
}

// dumpLockSettings prints LockSettingsService's dump for user 0.
func (p *Phone) dumpLockSettings(w io.Writer) {
	p.mu.Lock()
	typ := credentialType(p)
	quality := p.settings["secure"]["lockscreen.password_type"]
	p.mu.Unlock()
	sid := "0"
	metrics := "unknown"
	if typ != "NONE" {
		sid, metrics = "5d3c07a2b9e1f4c8", "known"
	}
	fmt.Fprintf(w, "Current lock settings service state:\n\nUser State:\n  User 0\n    SID: %s\n    Quality: %s\n    CredentialType: %s\n    IsLockScreenDisabled: false\n    SeparateChallenge: false\n    Metrics: %s\n\nKeys in namespace:\n\nStorage:\n\nStrongAuth:\n  userId=0, strongAuthRequired=0\n", sid, quality, typ, metrics)
}

// dumpActivities prints `dumpsys activity activities`: the tasks from the
// top, their activities, and the resumed and focused activity (mFocusedApp,
// which tools grep for a package to tell if it is in front).
func (p *Phone) dumpActivities(w io.Writer) {
	p.mu.Lock()
	type task struct {
		pkg  string
		acts []*Activity
	}
	var tasks []*task
	for i := len(p.stack) - 1; i >= 0; i-- {
		a := p.stack[i]
		if len(tasks) == 0 || tasks[len(tasks)-1].pkg != a.App.Package {
			tasks = append(tasks, &task{pkg: a.App.Package})
		}
		t := tasks[len(tasks)-1]
		t.acts = append(t.acts, a)
	}
	tasks = append(tasks, &task{pkg: p.home.App.Package, acts: []*Activity{p.home}})
	p.mu.Unlock()
	hashes := map[*Activity]int{}
	record := func(a *Activity, id int) string {
		if _, ok := hashes[a]; !ok {
			hashes[a] = len(hashes)
		}
		return fmt.Sprintf("ActivityRecord{%07x u0 %s/%s t%d}", 0x8f2a61b+0x1f3*hashes[a], a.App.Package, a.ShortName(), id)
	}
	fmt.Fprintln(w, "ACTIVITY MANAGER ACTIVITIES (dumpsys activity activities)")
	fmt.Fprintln(w, "Display #0 (activities from top to bottom):")
	var topRecord string
	for i, t := range tasks {
		id := 10 + len(tasks) - i
		typ := "standard"
		if i == len(tasks)-1 {
			id, typ = 1, "home"
		}
		fmt.Fprintf(w, "  * Task{%07x #%d type=%s A=10%03d:%s U=0 visible=%t visibleRequested=%t mode=fullscreen translucent=false sz=%d}\n",
			0x4c1e0b0+id, id, typ, 100+id, t.pkg, i == 0, i == 0, len(t.acts))
		if i == 0 {
			topRecord = record(t.acts[0], id)
			fmt.Fprintf(w, "    topResumedActivity=%s\n", topRecord)
		}
		for j, a := range t.acts {
			fmt.Fprintf(w, "    * Hist  #%d: %s\n", len(t.acts)-1-j, record(a, id))
			fmt.Fprintf(w, "      packageName=%s processName=%s\n", a.App.Package, a.App.Package)
			fmt.Fprintf(w, "      mActivityComponent=%s/%s\n", a.App.Package, a.ShortName())
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "  Resumed activities in task display areas (from top to bottom):")
	fmt.Fprintf(w, "    Resumed: %s\n\n", topRecord)
	fmt.Fprintf(w, "  mResumedActivity: %s\n", topRecord)
	fmt.Fprintf(w, "  ResumedActivity:%s\n", topRecord)
	fmt.Fprintf(w, "  mFocusedApp=%s\n", topRecord)
}

// smsColumns are the sms table's columns, in the provider's order.
var smsColumns = []string{"_id", "thread_id", "address", "person", "date", "date_sent", "protocol", "read", "status", "type",
	"reply_path_present", "subject", "body", "service_center", "locked", "sub_id", "error_code", "creator", "seen"}

// smsRows is the SMS provider's table: every message without an attachment
// (those are MMS), as rows of column values ("NULL" for null).
func (p *Phone) smsRows() []map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	threads := map[string]int{}
	var rows []map[string]string
	for _, m := range messagesOf(p).Messages {
		if m.Attachment != "" {
			continue
		}
		k := threadKey(m.Phone)
		if threads[k] == 0 {
			threads[k] = len(threads) + 1
		}
		ms := strconv.FormatInt(m.at.UnixMilli(), 10)
		row := map[string]string{"_id": strconv.Itoa(m.ID), "thread_id": strconv.Itoa(threads[k]), "address": m.Phone, "person": "NULL",
			"date": ms, "date_sent": "0", "protocol": "NULL", "read": "1", "status": "-1", "type": "2", "reply_path_present": "NULL",
			"subject": "NULL", "body": m.Body, "service_center": "NULL", "locked": "0", "sub_id": "1", "error_code": "0",
			"creator": messagesPkg, "seen": "1"}
		if m.Type == "RECEIVE" {
			row["type"], row["date_sent"], row["protocol"], row["reply_path_present"] = "1", ms, "0", "0"
			row["creator"] = "com.android.phone"
			if !m.Read {
				row["read"], row["seen"] = "0", "0"
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// cmdContent is the content tool for the SMS provider: `content query --uri
// content://sms[/inbox|/sent] [--projection a:b] [--where "col=val AND …"]
// [--sort "col [ASC|DESC]"]` and `content delete --uri content://sms`.
func (p *Phone) cmdContent(ctx context.Context, env *shell.Env, args []string) int {
	usage := func() int {
		fmt.Fprintln(env.Stderr, "usage: adb shell content query --uri <URI> [--user <USER_ID>] [--projection <PROJECTION>] [--where <WHERE>] [--sort <SORT_ORDER>]\n       adb shell content delete --uri <URI> [--user <USER_ID>] [--where <WHERE>]")
		return 1
	}
	if len(args) < 2 {
		return usage()
	}
	verb := args[1]
	var uri, projection, where, sortBy string
	for i := 2; i < len(args); i++ {
		if i+1 >= len(args) {
			fmt.Fprintf(env.Stderr, "[ERROR] Argument expected after \"%s\"\n", args[i])
			return usage()
		}
		switch args[i] {
		case "--uri":
			uri = args[i+1]
		case "--projection":
			projection = args[i+1]
		case "--where":
			where = args[i+1]
		case "--sort":
			sortBy = args[i+1]
		case "--user":
		default:
			fmt.Fprintf(env.Stderr, "[ERROR] Unsupported argument: %s\n", args[i])
			return usage()
		}
		i++
	}
	if uri == "" {
		fmt.Fprintln(env.Stderr, "[ERROR] Content provider URI not specified. Did you specify --uri argument?")
		return usage()
	}
	authority, box, ok := strings.Cut(strings.TrimPrefix(uri, "content://"), "/")
	if !strings.HasPrefix(uri, "content://") || authority != "sms" || !ok && box != "" || (box != "" && box != "inbox" && box != "sent") {
		fmt.Fprintf(env.Stderr, "Error while accessing provider:%s\njava.lang.IllegalArgumentException: Unknown URI %s\n", authority, uri)
		return 1
	}
	conds, err := parseWhere(where)
	if err != nil {
		fmt.Fprintf(env.Stderr, "Error while accessing provider:sms\nandroid.database.sqlite.SQLiteException: %v (code 1 SQLITE_ERROR): , while compiling: %s\n", err, where)
		return 1
	}
	if box == "inbox" {
		conds = append(conds, [2]string{"type", "1"})
	} else if box == "sent" {
		conds = append(conds, [2]string{"type", "2"})
	}
	var rows []map[string]string
	for _, r := range p.smsRows() {
		match := true
		for _, c := range conds {
			if r[c[0]] != c[1] {
				match = false
			}
		}
		if match {
			rows = append(rows, r)
		}
	}
	switch verb {
	case "delete":
		p.deleteSMS(rows)
		return 0
	case "query":
	default:
		fmt.Fprintf(env.Stderr, "[ERROR] Unsupported operation: %s\n", verb)
		return usage()
	}
	cols := smsColumns
	if projection != "" {
		cols = strings.Split(projection, ":")
		for _, c := range cols {
			if !slices.Contains(smsColumns, c) {
				fmt.Fprintf(env.Stderr, "Error while accessing provider:sms\nandroid.database.sqlite.SQLiteException: no such column: %s (code 1 SQLITE_ERROR)\n", c)
				return 1
			}
		}
	}
	col, desc := "date", true
	if f := strings.Fields(sortBy); len(f) > 0 {
		col, desc = f[0], len(f) > 1 && strings.EqualFold(f[1], "DESC")
		if !slices.Contains(smsColumns, col) {
			fmt.Fprintf(env.Stderr, "Error while accessing provider:sms\nandroid.database.sqlite.SQLiteException: no such column: %s (code 1 SQLITE_ERROR)\n", col)
			return 1
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i][col], rows[j][col]
		less := a < b
		if x, err1 := strconv.ParseInt(a, 10, 64); err1 == nil {
			if y, err2 := strconv.ParseInt(b, 10, 64); err2 == nil {
				less = x < y
			}
		}
		if a == b {
			return false
		}
		if desc {
			return !less
		}
		return less
	})
	if len(rows) == 0 {
		fmt.Fprintln(env.Stdout, "No result found.")
		return 0
	}
	for i, r := range rows {
		parts := make([]string, len(cols))
		for j, c := range cols {
			parts[j] = c + "=" + r[c]
		}
		fmt.Fprintf(env.Stdout, "Row: %d %s\n", i, strings.Join(parts, ", "))
	}
	return 0
}

// parseWhere reads "col=value AND col='value'".
func parseWhere(s string) ([][2]string, error) {
	var out [][2]string
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	for _, part := range splitAnd(s) {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || !slices.Contains(smsColumns, k) {
			return nil, fmt.Errorf("near %q: syntax error", part)
		}
		if len(v) >= 2 && (v[0] == '\'' && v[len(v)-1] == '\'' || v[0] == '"' && v[len(v)-1] == '"') {
			v = v[1 : len(v)-1]
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func splitAnd(s string) []string {
	var out []string
	for _, f := range strings.Split(s, " AND ") {
		out = append(out, strings.Split(f, " and ")...)
	}
	return out
}

// deleteSMS removes the messages of rows from Messages.
func (p *Phone) deleteSMS(rows []map[string]string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	gone := map[string]bool{}
	for _, r := range rows {
		gone[r["_id"]] = true
	}
	d := messagesOf(p)
	var keep []*Message
	for _, m := range d.Messages {
		if !gone[strconv.Itoa(m.ID)] {
			keep = append(keep, m)
		}
	}
	d.Messages = keep
	p.changed()
}

// intentSafeData is how Android prints an intent's data: phone numbers and
// addresses masked, as Uri.toSafeString does.
func intentSafeData(data string) string {
	scheme, ssp, ok := strings.Cut(data, ":")
	if !ok {
		return data
	}
	switch strings.ToLower(scheme) {
	case "tel", "sip", "sms", "smsto", "mailto", "nfc":
		var b strings.Builder
		b.WriteString(scheme + ":")
		for _, c := range ssp {
			if c == '-' || c == '@' || c == '.' {
				b.WriteRune(c)
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	return data
}

// smsNumber reads the number of an sms:/smsto: URI (sms:+1-484-457-8257,
// smsto:22000?body=…).
func smsNumber(data string) (string, bool) {
	scheme, ssp, ok := strings.Cut(data, ":")
	if !ok {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "sms", "smsto", "mms", "mmsto":
	default:
		return "", false
	}
	ssp, _, _ = strings.Cut(ssp, "?")
	ssp = strings.TrimPrefix(ssp, "//")
	return ssp, true
}
