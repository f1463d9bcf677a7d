package sim

import (
	"regexp"
	"strings"
	"testing"
)

func newXiaomiPhone(t testing.TB) *Phone {
	t.Helper()
	p, err := NewPhone(Config{Vendor: VendorXiaomi})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVendorUnknown names the vendors a phone takes.
func TestVendorUnknown(t *testing.T) {
	_, err := NewPhone(Config{Vendor: "nokia"})
	if err == nil || !strings.Contains(err.Error(), `unknown vendor "nokia"`) || !strings.Contains(err.Error(), VendorXiaomi) {
		t.Fatalf("err = %v", err)
	}
}

// TestXiaomiNames: a Xiaomi phone lists, dumps and starts its system apps
// under MIUI's names, and the phone's own names are not installed.
func TestXiaomiNames(t *testing.T) {
	p := newXiaomiPhone(t)
	out, _, code := sh(t, p, "pm list packages")
	for _, want := range []string{"package:com.android.calendar\n", "package:com.android.mms\n", "package:com.miui.notes\n", "package:com.miui.weather2\n", "package:com.android.settings\n"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("pm list packages lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "com.google.android.calendar") {
		t.Errorf("pm list packages shows the phone's own calendar name:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i-1] > lines[i] {
			t.Errorf("pm list packages is not sorted: %q before %q", lines[i-1], lines[i])
		}
	}
	if _, _, code := sh(t, p, "am start -n com.android.calendar/.AllInOneActivity"); code != 0 {
		t.Fatalf("am start calendar exited %d", code)
	}
	dump := string(p.DumpXML())
	if !strings.Contains(dump, `package="com.android.calendar"`) || strings.Contains(dump, "com.google.android.calendar") {
		t.Errorf("the dump keeps the phone's own package name:\n%.600s", dump)
	}
	if !regexp.MustCompile(`resource-id="com\.android\.calendar:id/`).MatchString(dump) {
		t.Errorf("resource ids are not renamed:\n%.600s", dump)
	}
	if st := p.State(); st.Foreground != calendarPkg {
		t.Errorf("state foreground = %q, want the phone's own %q (checkers read the phone's names)", st.Foreground, calendarPkg)
	}
	out, _, _ = sh(t, p, "dumpsys window")
	if !strings.Contains(out, "u0 com.android.calendar/") {
		t.Errorf("dumpsys window:\n%s", out)
	}
	if _, errOut, code := sh(t, p, "am start -n com.google.android.calendar/com.android.calendar.AllInOneActivity"); code == 0 {
		t.Errorf("the phone's own name started on a Xiaomi phone (stderr %q)", errOut)
	}
	if _, _, code := sh(t, p, "monkey -p com.miui.notes -c android.intent.category.LAUNCHER 1"); code != 0 {
		t.Errorf("monkey -p com.miui.notes exited %d", code)
	}
	if st := p.State(); st.Foreground != joplinPkg {
		t.Errorf("monkey opened %q", st.Foreground)
	}
	out, _, _ = sh(t, p, "cmd package resolve-activity --brief com.android.mms")
	if !strings.Contains(out, "com.android.mms/.ui.MmsTabActivity") {
		t.Errorf("resolve-activity:\n%s", out)
	}
}

// TestMobileBenchIntents runs the API calls of Mobile-Bench's items on a
// Xiaomi phone, each on a fresh phone, and checks what each opened or
// changed. The commands are as the items write them, after the shell has
// read their quotes.
func TestMobileBenchIntents(t *testing.T) {
	for _, tc := range []struct {
		line  string
		code  int
		fg    string // the phone's own package in front after it
		act   string // a part of its activity
		check func(t *testing.T, p *Phone)
	}{
		{line: `am start -n com.android.calendar/com.android.calendar.AllInOneActivity`, fg: calendarPkg, act: "AllInOneActivity"},
		{line: `am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e "title" "新产品发布会" --es "beginTime" "2022-07-12T15:00:00" --es "endTime" "2022-07-12T16:00:00"`,
			fg: calendarPkg, act: "EditEventActivity", check: func(t *testing.T, p *Phone) {
				dump := string(p.DumpXML())
				if !strings.Contains(dump, `text="新产品发布会"`) {
					t.Errorf("the editor's title is not prefilled:\n%.2000s", dump)
				}
				if !strings.Contains(dump, `text="10:00"`) {
					t.Errorf("a string beginTime changed the start time (Android reads it as a long):\n%.2000s", dump)
				}
			}},
		{line: `am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e title Standup --el beginTime 1781258400000 --el endTime 1781262000000`,
			fg: calendarPkg, act: "EditEventActivity", check: func(t *testing.T, p *Phone) {
				dump := string(p.DumpXML())
				if !strings.Contains(dump, `text="2026-06-12"`) || !strings.Contains(dump, `text="10:00"`) || !strings.Contains(dump, `text="11:00"`) {
					t.Errorf("long begin and end times were not read:\n%.3000s", dump)
				}
			}},
		{line: `am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR 7 --ei android.intent.extra.alarm.MINUTES 0`,
			fg: clockPkg, check: func(t *testing.T, p *Phone) {
				d := clockOf(p)
				if a := d.Alarms[len(d.Alarms)-1]; a.Time != "07:00" || !a.Enabled || len(d.Created) != 1 {
					t.Errorf("alarm = %+v, created %v", a, d.Created)
				}
			}},
		{line: `am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR <x> --ei android.intent.extra.alarm.MINUTES <y>`, code: 1},
		{line: `am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR 6 --es android.intent.extra.alarm.MESSAGE 起床 --ez android.intent.extra.alarm.SKIP_UI true`,
			fg: "com.android.launcher3", check: func(t *testing.T, p *Phone) {
				if a := clockOf(p).Alarms[len(clockOf(p).Alarms)-1]; a.Time != "06:00" || a.Label != "起床" {
					t.Errorf("alarm = %+v", a)
				}
			}},
		{line: `am start -n com.android.deskclock/.DeskClockTabActivity`, fg: clockPkg},
		{line: `am start -a com.android.deskclock.shortcut.START_TIMER`, code: 1},
		{line: `am start -a android.intent.action.SEND -n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body "明天晚上要看最新的电影"`,
			fg: messagesPkg, act: "NewConversationActivity", check: func(t *testing.T, p *Phone) {
				if top := p.top(); top.Focus == "" {
					t.Errorf("the compose screen does not ask for a recipient")
				}
			}},
		{line: `am start -a android.intent.action.VIEW -n com.android.mms/.ui.ComposeMessageRouterActivity -d sms:// --es address 12306 --es sms_body 你好`,
			fg: messagesPkg, act: "ConversationActivity", check: func(t *testing.T, p *Phone) {
				if d := string(p.DumpXML()); !strings.Contains(d, `text="你好"`) {
					t.Errorf("the draft is not in the compose field:\n%.2000s", d)
				}
			}},
		{line: `am start -a android.intent.action.SEND -t text/plain -e android.intent.extra.TEXT hello com.android.mms`, fg: messagesPkg},
		{line: `am start -n com.android.mms/.ui.MmsTabActivity`, fg: messagesPkg, act: "ConversationListActivity"},
		{line: `am start -a android.intent.action.VIEW -n com.android.mms/.ui.ManageSimMessages`, code: 1},
		{line: `am start -a android.intent.action.INSERT -n com.android.contacts/.activities.ContactEditorActivity`, fg: contactsPkg, act: "ContactEditorActivity"},
		{line: `am start -n com.android.contacts/.activities.PeopleActivity`, fg: contactsPkg, act: "PeopleActivity"},
		{line: `am start -a android.intent.action.DIAL -n com.android.contacts/.activities.TwelveKeyDialer`, code: 1},
		{line: `am start -a com.miui.todo.shortcut.action.INSERT_OR_EDIT -n com.miui.notes/.ui.NotesListActivity`, fg: joplinPkg, check: func(t *testing.T, p *Phone) {
			if d := string(p.DumpXML()); !strings.Contains(d, "android.widget.EditText") {
				t.Errorf("no new note is open:\n%.1500s", d)
			}
		}},
		{line: `am start -a android.intent.action.VIEW -n com.miui.notes/.ui.NotesListActivity`, fg: joplinPkg},
		{line: `am start -n com.miui.gallery/.activity.HomePageActivity`, fg: photosPkg},
		{line: `am start -a android.intent.action.VIEW -d [file_uri] -t [mime_type] com.miui.gallery`, code: 1},
		{line: `am start -n com.android.fileexplorer/.FileExplorerTabActivity`, fg: filesPkg},
		{line: `am start -a android.intent.action.VIEW -d weather://weather2.miui.com/main com.miui.weather2/.ActivityWeatherMain`, fg: weatherPkg},
		{line: `am start -a miui.intent.action.weather -d weather://weather2.miui.com/dailyforcast/detail com.miui.weather2/.ActivityDailyForecastDetail`, fg: weatherPkg},
		{line: `am start -a com.miui.weather.widget_city_manager com.miui.weather2/.ActivitySearchCity`, fg: weatherPkg, act: "ActivitySearchCity", check: func(t *testing.T, p *Phone) {
			if d := string(p.DumpXML()); !strings.Contains(d, `resource-id="com.miui.weather2:id/search_input"`) || !strings.Contains(d, `text="北京"`) {
				t.Errorf("no city search:\n%.2000s", d)
			}
		}},
		{line: `am start -a com.miui.weather.widget_city_manager -n com.miui.weather2/.view.EditDeeplinkActivity`, code: 1},
		{line: `am start -a android.settings.SETTINGS`, fg: settingsPkg, act: "Settings"},
		{line: `am start -a android.settings.WIFI_SETTINGS`, fg: settingsPkg, act: "SubSettings"},
		{line: `am start -a android.intent.action.VIEW -n com.xiaomi.market/.ui.MarketTabActivity -d "mimarket://home"`, fg: storePkg},
		{line: `input keyevent KEYCODE_BACK`},
		{line: `input keyevent KEYCODE_SLEEP`},
		{line: `svc wifi disable`, check: func(t *testing.T, p *Phone) {
			if p.Setting("global", "wifi_on") != "0" {
				t.Errorf("wifi_on = %q", p.Setting("global", "wifi_on"))
			}
		}},
		{line: `svc data enable`, check: func(t *testing.T, p *Phone) {
			if p.Setting("global", "mobile_data") != "1" {
				t.Errorf("mobile_data = %q", p.Setting("global", "mobile_data"))
			}
		}},
		{line: `settings put system screen_brightness 200`, check: func(t *testing.T, p *Phone) {
			if p.Setting("system", "screen_brightness") != "200" {
				t.Errorf("brightness = %q", p.Setting("system", "screen_brightness"))
			}
		}},
		{line: `am start -n com.tencent.qqmusic/.third.DispacherActivityForThird`, code: 1},
		{line: `am start`, code: 1},
		{line: `am start -n`, code: 1},
		{line: `am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e title`, code: 1},
	} {
		t.Run(tc.line, func(t *testing.T) {
			p := newXiaomiPhone(t)
			out, errOut, code := sh(t, p, tc.line)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out, errOut)
			}
			if tc.code != 0 {
				if errOut == "" {
					t.Errorf("a failure without a message on stderr")
				}
				return
			}
			st := p.State()
			if tc.fg != "" && st.Foreground != tc.fg {
				t.Errorf("in front: %s %s, want %s", st.Foreground, st.Activity, tc.fg)
			}
			if tc.act != "" && !strings.Contains(st.Activity, tc.act) {
				t.Errorf("activity %s, want one with %q", st.Activity, tc.act)
			}
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

// TestStandardIntentsWithoutVendor: the standard intents work on the
// phone's own build too; the vendor's components do not.
func TestStandardIntentsWithoutVendor(t *testing.T) {
	p := newTestPhone(t)
	if _, e, code := sh(t, p, "am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR 5 --ei android.intent.extra.alarm.MINUTES 30"); code != 0 {
		t.Fatalf("SET_ALARM exited %d: %s", code, e)
	}
	if a := clockOf(p).Alarms[len(clockOf(p).Alarms)-1]; a.Time != "05:30" {
		t.Errorf("alarm %+v", a)
	}
	if _, _, code := sh(t, p, "am start -n com.android.calendar/.AllInOneActivity"); code == 0 {
		t.Errorf("a Xiaomi component started on the phone's own build")
	}
	if _, e, code := sh(t, p, "am start -n com.google.android.calendar/com.android.calendar.AllInOneActivity"); code != 0 {
		t.Errorf("the phone's own calendar did not start: %s", e)
	}
	if d := string(p.DumpXML()); !strings.Contains(d, `package="com.google.android.calendar"`) {
		t.Errorf("the dump was renamed without a vendor")
	}
}

// FuzzParseIntent: any argument list gives an intent or an error, never a
// panic, and a parsed intent describes itself.
func FuzzParseIntent(f *testing.F) {
	for _, s := range []string{
		"-a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR 7",
		"-n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body hi",
		"-a android.intent.action.VIEW -d weather://x com.miui.weather2/.ActivityWeatherMain",
		"--ei x", "-e", "-W -S -R 3 -n a/b", "--esa k a,b,c pkg", "a b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in, err := parseIntent(strings.Fields(s))
		if err == nil && in.describe() == "" && len(in.extras) == 0 && in.comp == "" {
			t.Errorf("parsed %q into an empty intent", s)
		}
	})
}

// TestChineseStrings: a phone whose system language is Chinese shows the
// apps' strings in Chinese (a Xiaomi build with MIUI's app names), and
// leaves content and typed text as they are.
func TestChineseStrings(t *testing.T) {
	p := newXiaomiPhone(t)
	en := string(p.DumpXML())
	if _, _, code := sh(t, p, "settings put system system_locales zh-CN"); code != 0 {
		t.Fatal("settings put failed")
	}
	home := string(p.DumpXML())
	for _, want := range []string{`text="日历"`, `text="短信"`, `text="笔记"`, `text="设置"`} {
		if !strings.Contains(home, want) {
			t.Errorf("the Chinese home screen lacks %s", want)
		}
	}
	if home == en {
		t.Fatal("the home screen did not change language")
	}
	sh(t, p, "am start -a android.settings.WIFI_SETTINGS")
	if d := string(p.DumpXML()); !strings.Contains(d, `text="WLAN"`) || !strings.Contains(d, `text="网络和互联网"`) {
		t.Errorf("the network page is not in Chinese:\n%.3000s", d)
	}
	sh(t, p, `am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e title "Settings"`)
	d := string(p.DumpXML())
	if !strings.Contains(d, `text="Settings"`) || !strings.Contains(d, `text="保存"`) {
		t.Errorf("the editor translated the typed title, or not its own strings:\n%.3000s", d)
	}
	sh(t, p, "settings put system system_locales en-US")
	if d := string(p.DumpXML()); !strings.Contains(d, `text="Save"`) {
		t.Errorf("back in English the editor shows:\n%.2000s", d)
	}
}
