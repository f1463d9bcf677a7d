package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newTestPhone(t testing.TB) *Phone {
	t.Helper()
	p, err := NewPhone(Config{Font: FontGo})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// dumpNode mirrors the uiautomator XML for assertions.
type dumpNode struct {
	Text      string     `xml:"text,attr"`
	ID        string     `xml:"resource-id,attr"`
	Class     string     `xml:"class,attr"`
	Pkg       string     `xml:"package,attr"`
	Desc      string     `xml:"content-desc,attr"`
	Checked   bool       `xml:"checked,attr"`
	Clickable bool       `xml:"clickable,attr"`
	Focused   bool       `xml:"focused,attr"`
	Bounds    string     `xml:"bounds,attr"`
	Nodes     []dumpNode `xml:"node"`
}

type hierarchy struct {
	Rotation string     `xml:"rotation,attr"`
	Nodes    []dumpNode `xml:"node"`
}

func parseDump(t testing.TB, b []byte) []dumpNode {
	t.Helper()
	var h hierarchy
	if err := xml.Unmarshal(b, &h); err != nil {
		t.Fatalf("dump is not XML: %v\n%s", err, b)
	}
	var flat []dumpNode
	var walk func(ns []dumpNode)
	walk = func(ns []dumpNode) {
		for _, n := range ns {
			flat = append(flat, n)
			walk(n.Nodes)
		}
	}
	walk(h.Nodes)
	return flat
}

var boundsRE = regexp.MustCompile(`^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$`)

func rectOf(t testing.TB, s string) image.Rectangle {
	t.Helper()
	m := boundsRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("bad bounds %q", s)
	}
	v := make([]int, 4)
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	return image.Rect(v[0], v[1], v[2], v[3])
}

func find(t testing.TB, nodes []dumpNode, pred func(dumpNode) bool) (dumpNode, bool) {
	for _, n := range nodes {
		if pred(n) {
			return n, true
		}
	}
	return dumpNode{}, false
}

func byText(s string) func(dumpNode) bool { return func(n dumpNode) bool { return n.Text == s } }

func tapText(t testing.TB, p *Phone, text string) {
	t.Helper()
	n, ok := find(t, parseDump(t, p.DumpXML()), byText(text))
	if !ok {
		t.Fatalf("no %q on screen; dump:\n%s", text, p.DumpXML())
	}
	r := rectOf(t, n.Bounds)
	c := image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
	if err := p.Tap(c.X, c.Y); err != nil {
		t.Fatal(err)
	}
}

func TestDumpFormatMatchesUiautomator(t *testing.T) {
	p := newTestPhone(t)
	d := p.DumpXML()
	if !bytes.HasPrefix(d, []byte("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\"><node index=\"0\" text=\"\" resource-id=\"\" class=\"android.widget.FrameLayout\" package=\"com.android.launcher3\"")) {
		t.Fatalf("dump header differs from uiautomator's:\n%.300s", d)
	}
	attrs := []string{"index", "text", "resource-id", "class", "package", "content-desc", "checkable", "checked", "clickable", "enabled", "focusable", "focused", "scrollable", "long-clickable", "password", "selected", "bounds", "drawing-order", "hint"}
	first := regexp.MustCompile(`<node ([^>]*?) ?/?>`).FindSubmatch(d)
	var got []string
	for _, m := range regexp.MustCompile(`([a-z-]+)="`).FindAllSubmatch(first[1], -1) {
		got = append(got, string(m[1]))
	}
	if strings.Join(got, ",") != strings.Join(attrs, ",") {
		t.Errorf("attribute order\n got %v\nwant %v", got, attrs)
	}
	if !bytes.HasSuffix(d, []byte("</hierarchy>")) {
		t.Error("dump does not end with </hierarchy>")
	}
}

func TestHomeScreenIconOpensSettings(t *testing.T) {
	p := newTestPhone(t)
	nodes := parseDump(t, p.DumpXML())
	icon, ok := find(t, nodes, func(n dumpNode) bool { return n.Text == "Settings" && n.Clickable })
	if !ok {
		t.Fatal("no clickable Settings icon on the home screen")
	}
	// What the dump says is where the icon is drawn: the icon's colour
	// appears inside its bounds.
	r := rectOf(t, icon.Bounds)
	img := p.Frame()
	want := lookupApp(settingsPkg).IconBg
	found := false
	for y := r.Min.Y; y < r.Max.Y && !found; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == want {
				found = true
				break
			}
		}
	}
	if !found {
		t.Fatalf("the Settings icon colour is not drawn inside its dump bounds %v", r)
	}
	tapText(t, p, "Settings")
	if pkg, act := p.Foreground(); pkg != settingsPkg || act != settingsPkg+".Settings" {
		t.Fatalf("foreground = %s %s, want Settings", pkg, act)
	}
	if _, ok := find(t, parseDump(t, p.DumpXML()), byText("Network & internet")); !ok {
		t.Fatal("Settings did not show its list")
	}
}

func TestSettingsListScrollsPastTheScreen(t *testing.T) {
	p := newTestPhone(t)
	if err := p.Launch(settingsPkg); err != nil {
		t.Fatal(err)
	}
	nodes := parseDump(t, p.DumpXML())
	if _, ok := find(t, nodes, byText("Tips & support")); ok {
		t.Fatal("the last row is visible before scrolling: the list is not longer than the screen")
	}
	list, ok := find(t, nodes, func(n dumpNode) bool { return n.ID == settingsPkg+":id/recycler_view" })
	if !ok {
		t.Fatal("no recycler_view")
	}
	before := p.DumpXML()
	for i := 0; i < 4; i++ {
		if err := p.Swipe(540, 2000, 540, 800, 400*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	nodes = parseDump(t, p.DumpXML())
	last, ok := find(t, nodes, byText("Tips & support"))
	if !ok {
		t.Fatal("swiping did not bring the last row into view")
	}
	lr, vr := rectOf(t, last.Bounds), rectOf(t, list.Bounds)
	if !lr.In(vr) {
		t.Errorf("row bounds %v are not clipped to the list %v", lr, vr)
	}
	if bytes.Equal(before, p.DumpXML()) {
		t.Error("dump unchanged after scrolling")
	}
	// Scrolling back up past the start stops at the top.
	for i := 0; i < 10; i++ {
		_ = p.Swipe(540, 800, 540, 2000, 100*time.Millisecond)
	}
	if _, ok := find(t, parseDump(t, p.DumpXML()), byText("Network & internet")); !ok {
		t.Error("scrolling back did not return to the top")
	}
}

func TestSettingsToggles(t *testing.T) {
	cases := []struct {
		page, row, ns, key, before, after string
	}{
		{"Network & internet", "Wi-Fi", "global", "wifi_on", "1", "0"},
		{"Network & internet", "Airplane mode", "global", "airplane_mode_on", "0", "1"},
		{"Connected devices", "Bluetooth", "global", "bluetooth_on", "0", "1"},
		{"Display", "Dark theme", "secure", "ui_night_mode", "1", "2"},
	}
	for _, tc := range cases {
		t.Run(tc.row, func(t *testing.T) {
			p := newTestPhone(t)
			_ = p.Launch(settingsPkg)
			tapText(t, p, tc.page)
			if got := p.Setting(tc.ns, tc.key); got != tc.before {
				t.Fatalf("%s before = %q, want %q", tc.key, got, tc.before)
			}
			tapText(t, p, tc.row)
			if got := p.Setting(tc.ns, tc.key); got != tc.after {
				t.Fatalf("%s after tap = %q, want %q", tc.key, got, tc.after)
			}
			sw, ok := find(t, parseDump(t, p.DumpXML()), func(n dumpNode) bool {
				return n.Class == "android.widget.Switch" && n.Checked == (tc.after == "1" || tc.after == "2")
			})
			if !ok {
				t.Fatalf("no switch shows the new state; dump:\n%s", p.DumpXML())
			}
			_ = sw
			p.PressKey(4)
			if _, act := p.Foreground(); act != settingsPkg+".Settings" {
				t.Errorf("back went to %s, want the main Settings page", act)
			}
		})
	}
}

func TestDarkModeChangesPixels(t *testing.T) {
	p := newTestPhone(t)
	light := p.Frame().RGBAAt(5, 400)
	p.mu.Lock()
	p.SetSetting("secure", "ui_night_mode", "2")
	p.mu.Unlock()
	dark := p.Frame().RGBAAt(5, 400)
	if int(dark.R)+int(dark.G)+int(dark.B) >= int(light.R)+int(light.G)+int(light.B) {
		t.Fatalf("dark background %v is not darker than light %v", dark, light)
	}
}

func TestSearchFieldTypingAndKeyboard(t *testing.T) {
	p := newTestPhone(t)
	_ = p.Launch(settingsPkg)
	tapText(t, p, "Search Settings")
	if !p.State().KeyboardShown {
		t.Fatal("keyboard not shown for a focused search field")
	}
	if err := p.Text("dark"); err != nil {
		t.Fatal(err)
	}
	nodes := parseDump(t, p.DumpXML())
	field, ok := find(t, nodes, func(n dumpNode) bool { return n.ID == settingsPkg+":id/search_src_text" })
	if !ok || field.Text != "dark" || !field.Focused {
		t.Fatalf("search field = %+v, want focused with text dark", field)
	}
	if _, ok := find(t, nodes, byText("Dark theme")); !ok {
		t.Fatal("typing did not filter results")
	}
	if err := p.Text("é"); err == nil {
		t.Error("input text typed a non-ASCII character; Android's cannot")
	}
	if err := p.IMEText("é"); err != nil {
		t.Errorf("ADBKeyboard could not type: %v", err)
	}
	p.PressKey(4)
	if p.State().KeyboardShown {
		t.Error("back did not hide the keyboard")
	}
}

func TestTapOutsideScreenIsAnError(t *testing.T) {
	p := newTestPhone(t)
	for _, pt := range []image.Point{{-1, 5}, {1080, 5}, {5, 2400}, {100000, 100000}} {
		if err := p.Tap(pt.X, pt.Y); err == nil {
			t.Errorf("tap at %v succeeded", pt)
		}
	}
	if pkg, _ := p.Foreground(); pkg != launcherApp.Package {
		t.Errorf("foreground changed to %s", pkg)
	}
}

func TestDeterministicFrames(t *testing.T) {
	run := func() ([]byte, []byte) {
		p := newTestPhone(t)
		tapText(t, p, "Settings")
		_ = p.Swipe(540, 1800, 540, 900, 300*time.Millisecond)
		tapText(t, p, "Display")
		return p.ScreenshotPNG(), p.DumpXML()
	}
	a1, d1 := run()
	a2, d2 := run()
	if !bytes.Equal(a1, a2) || !bytes.Equal(d1, d2) {
		t.Fatal("the same inputs gave different frames")
	}
	img, err := png.Decode(bytes.NewReader(a1))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 1080 || b.Dy() != 2400 {
		t.Fatalf("screenshot is %v", b)
	}
}

func TestShellCommands(t *testing.T) {
	p := newTestPhone(t)
	run := func(line string) (string, string, int) {
		var out, errb bytes.Buffer
		code := p.Shell(context.Background(), line, nil, &out, &errb)
		return out.String(), errb.String(), code
	}
	cases := []struct {
		line  string
		code  int
		outRE string
		errRE string
	}{
		{"false", 1, "^$", "^$"},
		{"nosuchcmd", 127, "^$", `^/system/bin/sh: nosuchcmd: not found\n$`},
		{"wm size", 0, `^Physical size: 1080x2400\n$`, ""},
		{"wm density", 0, `^Physical density: 420\n$`, ""},
		{"getprop ro.product.model", 0, `^mobagent Virtual Phone\n$`, ""},
		{"settings get global wifi_on", 0, `^1\n$`, ""},
		{"settings get global no_such_key", 0, `^null\n$`, ""},
		{"dumpsys window", 0, `mCurrentFocus=Window\{\w+ u0 com.android.launcher3/com.android.launcher3.uioverrides.QuickstepLauncher\}`, ""},
		{"dumpsys input_method", 0, `mInputShown=false`, ""},
		{"pm list packages", 0, `(?m)^package:com.android.settings$`, ""},
		{"input tap 99999 5", 0, "^$", "^$"},
		{"input frobnicate", 1, "", `Error: Unknown command: frobnicate`},
		{"uiautomator dump /sdcard/d.xml", 0, `^UI hierchary dumped to: /sdcard/d.xml\n$`, ""},
		{"cat /sdcard/d.xml", 0, `^<\?xml`, ""},
		{"screencap -p /sdcard/s.png && ls /sdcard/s.png", 0, `/sdcard/s.png`, ""},
		{"am start -n com.android.settings/.Settings", 0, `Starting: Intent \{ cmp=com.android.settings/.Settings \}`, ""},
		{"dumpsys window", 0, `mFocusedApp=ActivityRecord\{\w+ u0 com.android.settings/.Settings t\d+\}`, ""},
		{"am start -n com.android.settings/.Nope", 1, "", `does not exist`},
		{"monkey -p com.nope -c android.intent.category.LAUNCHER 1", 252, "", `No activities found`},
		{"cmd package resolve-activity --brief com.android.settings", 0, `com.android.settings/.Settings`, ""},
		{"mobsim state", 0, `"foreground": "com.android.settings"`, ""},
		{"mobsim load /sdcard/missing.json", 1, "", `No such file`},
	}
	for _, tc := range cases {
		out, errOut, code := run(tc.line)
		if code != tc.code {
			t.Errorf("%q exit %d, want %d (stdout %q stderr %q)", tc.line, code, tc.code, out, errOut)
		}
		if tc.outRE != "" && !regexp.MustCompile(tc.outRE).MatchString(out) {
			t.Errorf("%q stdout %q does not match %s", tc.line, out, tc.outRE)
		}
		if tc.errRE != "" && !regexp.MustCompile(tc.errRE).MatchString(errOut) {
			t.Errorf("%q stderr %q does not match %s", tc.line, errOut, tc.errRE)
		}
	}
}

func TestScenarioErrorsNameTheKey(t *testing.T) {
	p := newTestPhone(t)
	for in, want := range map[string]string{
		`{"dark_mod": true}`:                  `dark_mod is an unknown key`,
		`{"Dark_Mode": true}`:                 `did you mean "dark_mode"`,
		`{"dark_mode": "yes"}`:                `dark_mode has the wrong type`,
		`{"installed": ["com.nope"]}`:         `installed[0] "com.nope" is not an app`,
		`{"settings": {"weird": {"a": "b"}}}`: `settings.weird is an unknown namespace`,
		`{"dark_mode": true,`:                 `not valid JSON`,
	} {
		err := p.LoadScenario([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadScenario(%s) = %v, want an error containing %q", in, err, want)
		}
	}
	if err := p.LoadScenario([]byte(`{"dark_mode": true, "foreground": "com.android.settings"}`)); err != nil {
		t.Fatal(err)
	}
	st := p.State()
	if !st.DarkMode || st.Foreground != settingsPkg {
		t.Fatalf("state after scenario: %+v", st)
	}
	b, _ := json.Marshal(st)
	if !bytes.Contains(b, []byte(`"input_log"`)) {
		t.Error("state JSON lacks the input log")
	}
}

func BenchmarkRenderSettings(b *testing.B) {
	p := newTestPhone(b)
	_ = p.Launch(settingsPkg)
	b.ReportAllocs()
	for b.Loop() {
		p.mu.Lock()
		p.changed()
		p.frameLocked()
		p.mu.Unlock()
	}
}

func BenchmarkScreenshotPNGSettings(b *testing.B) {
	p := newTestPhone(b)
	_ = p.Launch(settingsPkg)
	for b.Loop() {
		p.mu.Lock()
		p.changed()
		p.mu.Unlock()
		_ = p.ScreenshotPNG()
	}
}

func BenchmarkDumpSettings(b *testing.B) {
	p := newTestPhone(b)
	_ = p.Launch(settingsPkg)
	for b.Loop() {
		p.mu.Lock()
		p.changed()
		p.mu.Unlock()
		_ = p.DumpXML()
	}
}

var _ = fmt.Sprint

func TestPNGEncoderRoundTrips(t *testing.T) {
	for _, size := range []image.Point{{1080, 2400}, {241, 333}, {3, 1}} {
		img := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		for i := range img.Pix {
			img.Pix[i] = byte(i*7 + i/13)
			if i%4 == 3 {
				img.Pix[i] = 255
			}
		}
		got, err := png.Decode(bytes.NewReader(encodePNG(img)))
		if err != nil {
			t.Fatalf("%v: %v", size, err)
		}
		for y := 0; y < size.Y; y++ {
			for x := 0; x < size.X; x++ {
				r, g, b, _ := got.At(x, y).RGBA()
				w := img.RGBAAt(x, y)
				if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B {
					t.Fatalf("%v: pixel (%d,%d) = %d,%d,%d want %v", size, x, y, r>>8, g>>8, b>>8, w)
				}
			}
		}
	}
}
