package perception

import (
	"errors"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fixturesDir is /work/shared/fixtures/uiautomator relative to this file:
// CI keeps shared/ beside the repository.
func fixturesDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "fixtures", "uiautomator")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real uiautomator dumps not found at %s (CI keeps shared/ beside the repository): %v", dir, err)
	}
	return dir
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "hierarchy", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func findText(h *Hierarchy, label string) (Element, bool) {
	for _, e := range h.Elements {
		if e.Label() == label {
			return e, true
		}
	}
	return Element{}, false
}

// findLeading is findText, or a control whose label starts with the text:
// a text folded into the control that holds it ("Hiii" in the bubble
// "Hiii You said Hiii 12:30 pm .").
func findLeading(h *Hierarchy, label string) (Element, bool) {
	if e, ok := findText(h, label); ok {
		return e, true
	}
	for _, e := range h.Elements {
		if strings.HasPrefix(e.Label(), label+" ") {
			return e, true
		}
	}
	return Element{}, false
}

func TestParseHierarchyEdgeCases(t *testing.T) {
	h, err := ParseHierarchy(readTestdata(t, "edge_cases.xml"), HierarchyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h.Windows != 2 || h.Screen != image.Rect(0, 0, 1080, 2400) {
		t.Errorf("windows %d screen %v, want 2 and 1080x2400", h.Windows, h.Screen)
	}
	tests := []struct {
		label  string
		want   bool
		bounds image.Rectangle // checked when not empty
		check  func(Element) string
	}{
		{label: "Say \"hi\" & wave\ntwice", want: true, bounds: image.Rect(40, 100, 600, 160)},
		{label: "Search", want: true, check: func(e Element) string {
			if !e.Editable || !e.Focused || e.Hint != "Search" || e.Text != "" || e.ResourceID != "com.example.app:id/search" {
				return "want an empty, focused, editable field with hint Search"
			}
			return ""
		}},
		{label: PasswordMask, want: true, check: func(e Element) string {
			if !e.Password || !e.Editable {
				return "want Password and Editable"
			}
			return ""
		}},
		{label: "hunter2", want: false},
		{label: "Wi-Fi Connected", want: true, bounds: image.Rect(0, 440, 1080, 600), check: func(e Element) string {
			if !e.Clickable || !e.Checkable || !e.Checked {
				return "the row should absorb its switch: want clickable, checkable, checked"
			}
			return ""
		}},
		{label: "Wi-Fi", want: false},     // folded into the row
		{label: "Connected", want: false}, // folded into the row
		{label: "Ghost", want: false},     // zero width
		{label: "Hidden", want: false},    // visible-to-user=false
		{label: "Far away", want: false},  // off-screen
		{label: "Card A", want: true, bounds: image.Rect(20, 840, 500, 1080)},
		{label: "Card B", want: true, bounds: image.Rect(900, 840, 1080, 1080)}, // clipped by the carousel
		{label: "Card C", want: false},                                          // scrolled out of the carousel
		{label: "Below the fold", want: true, bounds: image.Rect(20, 1350, 600, 1400)},
		{label: "Scrolled out", want: false},
		{label: "Send", want: true, check: func(e Element) string {
			if e.ContentDesc != "Send" || e.Text != "" {
				return "want content-desc Send and no text"
			}
			return ""
		}},
		{label: "12:30", want: true, check: func(e Element) string {
			if e.Package != "com.android.systemui" {
				return "want the status bar window's package"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		e, ok := findText(h, tt.label)
		if ok != tt.want {
			t.Errorf("%q present = %v, want %v", tt.label, ok, tt.want)
			continue
		}
		if !ok {
			continue
		}
		if !tt.bounds.Empty() && e.Bounds != tt.bounds {
			t.Errorf("%q bounds %v, want %v", tt.label, e.Bounds, tt.bounds)
		}
		if tt.check != nil {
			if msg := tt.check(e); msg != "" {
				t.Errorf("%q: %s (got %+v)", tt.label, msg, e)
			}
		}
		if e.Source != SourceHierarchy || e.Confidence != 1 {
			t.Errorf("%q: source %q confidence %v, want hierarchy and 1", tt.label, e.Source, e.Confidence)
		}
	}
	for _, s := range h.Texts {
		if strings.Contains(s.Text, "hunter2") {
			t.Errorf("password text leaked into Texts: %q", s.Text)
		}
	}
	checkElements(t, "edge_cases.xml", h)
}

func TestParseHierarchyRotatedDialog(t *testing.T) {
	// The caller passes the display's natural (portrait) size; the dump is
	// landscape, so the parser swaps it.
	h, err := ParseHierarchy(readTestdata(t, "dialog_offset.xml"), HierarchyOptions{Screen: image.Pt(1080, 1920)})
	if err != nil {
		t.Fatal(err)
	}
	if h.Rotation != 1 || h.Screen != image.Rect(0, 0, 1920, 1080) {
		t.Fatalf("rotation %d screen %v, want 1 and 1920x1080", h.Rotation, h.Screen)
	}
	e, ok := findText(h, "Spill")
	if !ok || e.Bounds != image.Rect(1700, 760, 1800, 800) {
		t.Errorf("child outside its window: got %v %v, want clipped to (1700,760)-(1800,800)", ok, e.Bounds)
	}
	var labels []string
	for _, e := range h.Elements {
		labels = append(labels, e.Label())
	}
	if got, want := strings.Join(labels, "|"), "Delete photo?|Cancel|Delete|Spill"; got != want {
		t.Errorf("reading order %q, want %q", got, want)
	}
	// Without a size the window roots decide it.
	h2, err := ParseHierarchy(readTestdata(t, "dialog_offset.xml"), HierarchyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h2.Screen != image.Rect(0, 0, 1800, 800) {
		t.Errorf("inferred screen %v, want (0,0)-(1800,800)", h2.Screen)
	}
}

func TestParseHierarchyMalformed(t *testing.T) {
	tests := []struct {
		name, xml string
		line      int
		want      string
	}{
		{"empty", "", 1, "no XML element"},
		{"not xml", "ERROR: could not get idle state.", 1, "no XML element"},
		{"truncated", "<?xml version='1.0' ?>\n<hierarchy rotation=\"0\">\n<node text=\"a\" bounds=\"[0,0][10,10]\">\n<node text=\"b\"", 4, "unexpected EOF"},
		{"mismatched", "<hierarchy>\n<node bounds=\"[0,0][1,1]\">\n</hierarchy>", 3, "element <node> closed by </hierarchy>"},
		{"no hierarchy", "<html><body>503</body></html>", 1, "starts with <html>; expected a uiautomator dump"},
		{"empty hierarchy", "<hierarchy rotation=\"0\"></hierarchy>", 1, "holds no views"},
		{"iOS page source", "<XCUIElementTypeApplication type=\"XCUIElementTypeApplication\" x=\"0\" y=\"0\" width=\"390\" height=\"844\"><XCUIElementTypeWindow x=\"0\" y=\"0\" width=\"390\" height=\"844\"/></XCUIElementTypeApplication>", 1, "iOS (XCUITest) page source"},
		{"bad entity", "<hierarchy><node text=\"a &bogus; b\" bounds=\"[0,0][1,1]\"/></hierarchy>", 1, "invalid character entity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHierarchy([]byte(tt.xml), HierarchyOptions{})
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrMalformedHierarchy) {
				t.Fatalf("err = %v, want a *ParseError wrapping ErrMalformedHierarchy", err)
			}
			if pe.Line != tt.line || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "dump the screen again") {
				t.Errorf("err = %v (line %d); want line %d mentioning %q and the fix", err, pe.Line, tt.line, tt.want)
			}
		})
	}
}

func TestParseHierarchyTolerates(t *testing.T) {
	tests := []struct {
		name, xml string
		want      []string
	}{
		{"control characters", "<hierarchy><node text=\"a\x01b\" bounds=\"[0,0][10,10]\"/></hierarchy>", []string{"a b"}},
		{"bad bounds keeps children", "<hierarchy><node bounds=\"[x]\"><node text=\"kid\" bounds=\"[0,0][10,10]\"/></node></hierarchy>", []string{"kid"}},
		{"window wrapper", "<hierarchy><window><node text=\"w\" bounds=\"[0,0][10,10]\"/></window></hierarchy>", []string{"w"}},
		{"negative root", "<hierarchy><node text=\"neg\" bounds=\"[-50,-50][100,100]\"/></hierarchy>", []string{"neg"}},
		{"leading noise", "UI hierchary dumped to: /dev/tty<hierarchy><node text=\"x\" bounds=\"[0,0][9,9]\"/></hierarchy>", []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := ParseHierarchy([]byte(tt.xml), HierarchyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range h.Elements {
				got = append(got, e.Label())
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("labels %q, want %q", got, tt.want)
			}
			checkElements(t, tt.name, h)
		})
	}
}

// checkElements asserts the invariants every parse result keeps.
func checkElements(t *testing.T, name string, h *Hierarchy) {
	t.Helper()
	for i, e := range h.Elements {
		if e.ID != i+1 {
			t.Errorf("%s: element %d has id %d, want %d", name, i, e.ID, i+1)
		}
		if e.Bounds.Empty() || !e.Bounds.In(h.Screen) {
			t.Errorf("%s: element %d %q bounds %v empty or outside the screen %v", name, e.ID, e.Label(), e.Bounds, h.Screen)
		}
		if e.Source != SourceHierarchy || e.Confidence != 1 {
			t.Errorf("%s: element %d source %q confidence %v", name, e.ID, e.Source, e.Confidence)
		}
	}
}

func TestParseHierarchyRealDumps(t *testing.T) {
	dir := fixturesDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) < 12 {
		t.Fatalf("want the 12 real dumps in %s, found %d (%v)", dir, len(files), err)
	}
	// Facts checked by hand in the dumps.
	expect := map[string]struct {
		rotation int
		screen   image.Rectangle
		present  []string
		absent   []string
	}{
		"04_com.instagram.android.xml": {screen: image.Rect(0, 0, 1080, 2340), present: []string{"Contact", "Email someone@example.com", "1:25 AM", "Dismiss"},
			absent: []string{"Request phone number"}}, // a child below its window
		"08_com.google.android.gm.xml":                     {present: []string{"Compose", "Search in mail"}},
		"09_io.efon.xml":                                   {screen: image.Rect(0, 0, 540, 960), present: []string{"Contacts", "Dialer", "Start a call"}},
		"13_com.android.phone.xml":                         {present: []string{"5G preferencial", "Apenas 2G"}},
		"17_com.example.mobile_flutter_ar.xml":             {present: []string{"دخول", "تسجيل"}},
		"18_com.google.android.apps.messaging.xml":         {present: []string{"Send message", "Hiii"}},
		"20_com.android.settings_dialog_vi.xml":            {present: []string{"HỦY", "OK"}},
		"23_com.teslacoilsw.launcher_tablet_landscape.xml": {rotation: 1, screen: image.Rect(0, 0, 2000, 1128), present: []string{"Gmail", "Facebook"}},
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			h, err := ParseHierarchy(b, HierarchyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(h.Elements) == 0 || len(h.Texts) == 0 {
				t.Fatalf("no elements (%d) or texts (%d)", len(h.Elements), len(h.Texts))
			}
			checkElements(t, name, h)
			clickable := 0
			for _, e := range h.Elements {
				if e.Clickable {
					clickable++
				}
			}
			if clickable == 0 {
				t.Errorf("no clickable element")
			}
			want, ok := expect[name]
			if !ok {
				return
			}
			if h.Rotation != want.rotation {
				t.Errorf("rotation %d, want %d", h.Rotation, want.rotation)
			}
			if !want.screen.Empty() && h.Screen != want.screen {
				t.Errorf("screen %v, want %v", h.Screen, want.screen)
			}
			for _, l := range want.present {
				if _, ok := findLeading(h, l); !ok {
					t.Errorf("no element labelled %q", l)
				}
			}
			for _, l := range want.absent {
				if _, ok := findText(h, l); ok {
					t.Errorf("element labelled %q should be dropped", l)
				}
			}
		})
	}
}

func TestParseHierarchyEntityNewline(t *testing.T) {
	dir := fixturesDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "08_com.google.android.gm.xml"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHierarchy(b, HierarchyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h.Elements {
		if strings.Contains(e.ContentDesc, "\nAccount and settings.") {
			return
		}
	}
	t.Error("&#10; in a content-desc was not decoded to a newline")
}

func FuzzParseHierarchy(f *testing.F) {
	for _, name := range []string{"edge_cases.xml", "dialog_offset.xml", "appium_uia2_compose.xml", "appium_espresso_compose.xml", "appium_uia2_miui_settings.xml"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`<XCUIElementTypeApplication x="0" y="0" width="10" height="10"/>`))
	f.Add([]byte(`<hierarchy><android.widget.EditText password="true" text="Password" bounds="[0,0][100,50]"/></hierarchy>`))
	f.Add([]byte(`<hierarchy><node class="androidx.drawerlayout.widget.DrawerLayout" bounds="[0,0][100,100]"><node text="a" bounds="[0,0][100,100]"/><node text="b" bounds="[0,0][60,100]"/></node></hierarchy>`))
	f.Add([]byte(`<hierarchy><node bounds="[0,0][1,1]"><node bounds="[2147483647,0][-2147483648,5]"/></node></hierarchy>`))
	f.Add([]byte(`<hierarchy rotation="9"><node clickable="true" bounds="[0,0][100,100]"><node text="a" bounds="[0,0][50,50]"/></node></hierarchy>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ParseHierarchy(data, HierarchyOptions{})
		if err != nil {
			return
		}
		for i, e := range h.Elements {
			if e.ID != i+1 || e.Bounds.Empty() {
				t.Fatalf("element %d: id %d bounds %v", i, e.ID, e.Bounds)
			}
		}
	})
}
