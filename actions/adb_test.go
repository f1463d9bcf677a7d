package actions

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseADBCommand(t *testing.T) {
	tests := []struct {
		line string
		argv []string
		err  string // a part of the error; "" for none
	}{
		{"adb shell am start -n com.android.calendar/.AllInOneActivity\n", []string{"am", "start", "-n", "com.android.calendar/.AllInOneActivity"}, ""},
		{`adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e "title" "新产品发布会" --es "beginTime" "<startTimestamp>"`,
			[]string{"am", "start", "-a", "android.intent.action.INSERT", "-t", "vnd.android.cursor.item/event", "-e", "title", "新产品发布会", "--es", "beginTime", "<startTimestamp>"}, ""},
		{`adb shell am start -a android.intent.action.SEND --es sms_body '搜索 结果'`, []string{"am", "start", "-a", "android.intent.action.SEND", "--es", "sms_body", "搜索 结果"}, ""},
		{`adb shell input text "say \"hi\" \\ now"`, []string{"input", "text", `say "hi" \ now`}, ""},
		{`adb shell input text a\ b`, []string{"input", "text", "a b"}, ""},
		{`adb  shell   settings put system screen_brightness 200 `, []string{"settings", "put", "system", "screen_brightness", "200"}, ""},
		{`adb shell am start -a android.intent.action.GET_CONTENT -t */*`, []string{"am", "start", "-a", "android.intent.action.GET_CONTENT", "-t", "*/*"}, ""},
		{`adb shell echo '$(touch /sdcard/x); ` + "`id`" + `'`, []string{"echo", "$(touch /sdcard/x); `id`"}, ""},
		{`adb shell am start "" x`, []string{"am", "start", "", "x"}, ""},
		// shell syntax is refused, not run
		{`adb shell am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR <x>`, nil, `'<'`},
		{`adb shell am start -d ctrip://flight/search?depCity=上海&arrCity=北京`, nil, `'&'`},
		{`adb shell ls; rm -rf /sdcard`, nil, `';'`},
		{`adb shell cat /sdcard/a | grep b`, nil, `'|'`},
		{`adb shell echo $HOME`, nil, `'$'`},
		{`adb shell echo "$(id)"`, nil, `'$'`},
		{"adb shell echo \"`id`\"", nil, "'`'"},
		{`adb shell echo 'open`, nil, "unclosed '"},
		{`adb shell echo "open`, nil, `unclosed "`},
		// not an API call on the phone
		{`adb push /path/to/your/image.jpg /sdcard/DCIM/Camera/`, nil, "only adb shell commands run"},
		{`adb -s emulator-5554 shell input keyevent KEYCODE_HOME`, nil, "leave -s out"},
		{`adb shell`, nil, "interactive shell"},
		{`am start -n com.android.settings/.Settings`, nil, "does not start with adb"},
		{``, nil, "empty"},
		{`adb`, nil, "no command"},
		{"adb shell " + strings.Repeat("x", 5000), nil, "at most"},
	}
	for _, tt := range tests {
		argv, err := ParseADBCommand(tt.line)
		if tt.err == "" {
			if err != nil || !reflect.DeepEqual(argv, tt.argv) {
				t.Errorf("%q: %q, %v; want %q", tt.line, argv, err, tt.argv)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %q, %v; want an error with %q", tt.line, argv, err, tt.err)
		}
	}
	if _, err := ParseADBCommand("adb install x.apk"); !errors.Is(err, ErrNotShellCommand) {
		t.Errorf("adb install: %v; want ErrNotShellCommand", err)
	}
}

// quoteWord single-quotes w as a POSIX shell reads it back.
func quoteWord(w string) string { return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'" }

// FuzzParseADBCommand: any line parses or fails with an error, never a
// panic; a parsed command written back with every word single-quoted
// parses to the same argv; and no argv word holds a shell operator that was
// not quoted in the line.
func FuzzParseADBCommand(f *testing.F) {
	for _, s := range []string{
		"adb shell am start -n com.android.calendar/.AllInOneActivity\n",
		`adb shell am start -a android.intent.action.SEND --es sms_body "明天的会议" -n com.android.mms/.ui.ComposeMessageRouterActivity`,
		`adb shell input text 'a b' c\ d "e\"f"`,
		`adb shell ls; rm -rf /`, `adb shell echo $(id)`, `adb push a b`, `adb shell "unclosed`, `adb -s x shell id`, "adb shell '\n'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		argv, err := ParseADBCommand(line)
		if err != nil {
			if argv != nil {
				t.Errorf("%q: an error (%v) with argv %q", line, err, argv)
			}
			return
		}
		if len(argv) == 0 {
			t.Fatalf("%q: no error and no argv", line)
		}
		quoted := make([]string, len(argv))
		for i, w := range argv {
			quoted[i] = quoteWord(w)
		}
		again, err := ParseADBCommand("adb shell " + strings.Join(quoted, " "))
		if err != nil || !reflect.DeepEqual(again, argv) {
			t.Errorf("%q: argv %q written back quoted reads as %q, %v", line, argv, again, err)
		}
	})
}

func TestParseADBReplies(t *testing.T) {
	const cmd = `adb shell am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR 7 --ei android.intent.extra.alarm.MINUTES 0`
	for _, tt := range []struct{ name, reply, want string }{
		{"json", `{"thought": "用闹钟的API最快。", "action": {"action": "adb", "command": "` + cmd + `"}}`, cmd},
		{"json fenced", "```json\n{\"action\": \"adb\", \"command\": \"adb shell am start -n com.miui.notes/.ui.NotesListActivity\"}\n```", "adb shell am start -n com.miui.notes/.ui.NotesListActivity"},
		{"api alias", `{"action": "api_call", "cmd": "adb shell svc wifi enable"}`, "adb shell svc wifi enable"},
		{"call", `adb(command="adb shell input keyevent KEYCODE_BACK")`, "adb shell input keyevent KEYCODE_BACK"},
		{"adb_shell without the prefix", `{"action": "adb_shell", "command": "input keyevent KEYCODE_HOME"}`, "adb shell input keyevent KEYCODE_HOME"},
	} {
		d, err := Parse(tt.reply)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if a, ok := d.Action.(ADB); !ok || a.Command != tt.want {
			t.Errorf("%s: %#v; want ADB{%q}", tt.name, d.Action, tt.want)
		}
	}
	if _, err := Parse(`{"action": "adb"}`); !errors.Is(err, ErrBadArgument) {
		t.Errorf("adb without a command: %v; want ErrBadArgument", err)
	}
	b, err := MarshalJSON(ADB{Command: cmd})
	if err != nil {
		t.Fatal(err)
	}
	back, err := FromJSON(b)
	if err != nil || back != (ADB{Command: cmd}) {
		t.Errorf("round trip of %s: %#v, %v", b, back, err)
	}
	if err := Validate(ADB{Command: "adb shell ls | cat"}, nil); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "operator") {
		t.Errorf("Validate of a piped command: %v", err)
	}
}
