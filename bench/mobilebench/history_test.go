package mobilebench

import (
	"errors"
	"strings"
	"testing"
)

func TestEntryFormats(t *testing.T) {
	elem := `<button id="com.android.settings:id/switch" package="com.android.settings" class="android.widget.Button" clickable="true"> 蓝牙 </button>`
	for _, c := range []struct{ got, want string }{
		{Click(elem), "click(" + elem + ")"},
		{Press(elem), "press(" + elem + ")"},
		{Zoom(elem), "Zoom(" + elem + ")"},
		{Pinch(elem), "pinch(" + elem + ")"},
		{Input(`<input class="android.widget.EditText"> 搜索 </input>`, "天气"), `input(<input class="android.widget.EditText"> 搜索 </input>, 天气)`},
		{Scroll(540, 1800, 540, 600), "scroll([540,1800][540,600])"},
		{APICall("adb shell am start -n com.tencent.mm/.ui.LauncherUI"), "adb shell am start -n com.tencent.mm/.ui.LauncherUI. [Call result]:API execution successful"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	// an API entry is read as an API call by the filters, a UI entry is not
	if h := Successful([]string{APICall("adb shell echo Fail")}, Reference); len(h) != 1 {
		t.Errorf("API call with Fail in it dropped: %q", h)
	}
}

func TestNudgeScroll(t *testing.T) {
	for _, c := range []struct{ in, want [4]int }{
		{[4]int{540, 1800, 540, 600}, [4]int{540, 1750, 540, 600}},
		{[4]int{0, 1200, 1080, 1200}, [4]int{50, 1150, 1080, 1150}}, // two share the largest
		{[4]int{540, 0, 540, 2400}, [4]int{540, 50, 540, 2350}},
		{[4]int{50, 50, 50, 50}, [4]int{50, 50, 50, 50}}, // all largest: 0 each, then +50
		{[4]int{0, 0, 0, 0}, [4]int{-50, -50, -50, -50}}, // the largest is 0: -50, no longer 0
	} {
		a, b, c2, d := NudgeScroll(c.in[0], c.in[1], c.in[2], c.in[3])
		if got := [4]int{a, b, c2, d}; got != c.want {
			t.Errorf("NudgeScroll%v = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestElementRef(t *testing.T) {
	for in, want := range map[string]string{
		`<p package="com.a" clickable="true"> 设置 </p>`:     `<p package="com.a" clickable="true"> 设置 </p>`,
		`<p description="下一步 >" clickable="true"> 继续 </p>`: `<p description="下一步 >" clickable="true">`, // the reference's cut
		`<p> 设置 </p> trailing`:                             `<p> 设置 </p>`,
		`<p>`:                                              ``,
		`no brackets`:                                      ``,
		`a > b >`:                                          `>`, // Python's res[-1:end]
		`ends with <`:                                      ``,
		`中文>`:                                              ``,
	} {
		if got := ElementRef(in); got != want {
			t.Errorf("ElementRef(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRenderHTML renders a small tree of our own, as Appium's page source
// gives it, the way the reference shows it.
func TestRenderHTML(t *testing.T) {
	root := &Node{Type: "hierarchy", Children: []*Node{
		{Type: "android.widget.FrameLayout", Package: "com.android.settings", Class: "android.widget.FrameLayout", Children: []*Node{
			{Type: "android.widget.LinearLayout", Clickable: "true", Class: "android.widget.LinearLayout", Children: []*Node{
				{Type: "android.widget.TextView", ResourceID: "android:id/title", Package: "com.android.settings", Class: "android.widget.TextView", Text: "蓝\n牙", Clickable: "false"},
				{Type: "android.widget.ImageView", Package: "com.android.settings", ContentDesc: "图标"},
				{Type: "android.view.View", Package: "com.android.settings"}, // invisible leaf: not written
			}},
			{Type: "androidx.recyclerview.widget.RecyclerView", ResourceID: "com.android.settings:id/list", Class: "androidx.recyclerview.widget.RecyclerView",
				ContentDesc: "列表", Scrollable: "true", Clickable: "false", Bounds: "[0,200][1080,2400]", Package: "com.android.settings", Children: []*Node{
					{Type: "android.widget.EditText", Package: "com.android.settings", Class: "android.widget.EditText", Clickable: "true"},
					{Type: "android.widget.Button", Scrollable: "true", Bounds: "[0,0][10,10]", Text: "OK"},
				}},
		}},
	}}
	want := `<p id="android:id/title" package="com.android.settings" class="android.widget.TextView" clickable="true"> 蓝牙 </p>
<img package="com.android.settings" description="图标" clickable="true">  </img>
<div id="com.android.settings:id/list" class="androidx.recyclerview.widget.RecyclerView" descript  ion="列表" clickable="false" scrollable="true" bounds="[0,200][1080,2400]">  </div>
<input package="com.android.settings" class="android.widget.EditText" clickable="true">  </input>
<button scrollable="true" bounds="[0,0][10,10]"> OK </button>
`
	got := RenderHTML(root)
	if got != want {
		t.Errorf("RenderHTML:\n%s\nwant:\n%s", got, want)
	}
	lines := ElementLines(got)
	if len(lines) != 6 || lines[1] != strings.TrimSpace(strings.Split(want, "\n")[0]) || !strings.HasPrefix(lines[4], "<input") {
		t.Errorf("ElementLines: %q", lines)
	}
	if RenderHTML(nil) != "" {
		t.Error("RenderHTML(nil) not empty")
	}
	// a click on the title matches the text and package check points
	h := []string{Click(ElementRef(lines[1]))}
	if r := ScoreCheckPoint(CheckPoint{Text: Value{Present: true, Str: "蓝牙"}, Package: Value{Present: true, Str: "com.android.settings"}}, h, Fixed); r.Level2 != (Fraction{2, 2}) {
		t.Errorf("click on a rendered element: %v", r.Level2)
	}
}

func TestReadHistories(t *testing.T) {
	in := "\xef\xbb\xbf{\"set\": \"SAST\", \"id\": 1, \"history\": [\"click(<p> 设置 </p>)\"], \"finished\": true, \"steps\": 3}\r\n\n" +
		`{"set": "mamt", "id": 7, "history": [], "finished": false}` + "\n" +
		`{"set": "SAMT", "id": 7, "history": ["a"], "finished": false}` // no final newline
	eps, err := ReadHistories(strings.NewReader(in), "h.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 3 || eps[0].Set != SAST || eps[0].History[0] != "click(<p> 设置 </p>)" || !eps[0].Finished ||
		eps[1].Set != MAMT || eps[1].History == nil || eps[2].Set != SAMT || eps[2].src != "h.jsonl:4" {
		t.Errorf("episodes %+v", eps)
	}
}

func TestReadHistoriesErrors(t *testing.T) {
	ok := `{"set": "SAST", "id": 1, "history": [], "finished": true}`
	for _, c := range []struct {
		in   string
		is   error
		line int
		msg  string
	}{
		{ok + "\n" + `{"set": "SAST", "id": 1, "history": ["x"], "finished": false}`, ErrDuplicateHistory, 2, "line 1"},
		{ok + "\n\n" + `{"set": "SAST", "id": 2, "history": [], "finished": tru}`, ErrBadHistory, 3, "not JSON"},
		{`[1, 2]`, ErrBadHistory, 1, "not a JSON object"},
		{`{"set": "XAST", "id": 1, "history": [], "finished": true}`, ErrUnknownSet, 1, "SAST, SAMT or MAMT"},
		{`{"set": 1, "id": 1, "history": [], "finished": true}`, ErrBadHistory, 1, `"set" is a number`},
		{`{"set": "SAST", "id": "1", "history": [], "finished": true}`, ErrBadHistory, 1, `"id"`},
		{`{"set": "SAST", "id": 1.0, "history": [], "finished": true}`, ErrBadHistory, 1, `"id"`},
		{`{"set": "SAST", "id": 1, "history": "click(x)", "finished": true}`, ErrBadHistory, 1, "list of strings"},
		{`{"set": "SAST", "id": 1, "history": null, "finished": true}`, ErrBadHistory, 1, "list of strings"},
		{`{"set": "SAST", "id": 1, "history": ["a", 3], "finished": true}`, ErrBadHistory, 1, "entry 1"},
		{`{"set": "SAST", "id": 1, "history": [], "finished": "yes"}`, ErrBadHistory, 1, "true or false"},
		{`{"set": "SAST", "id": 1, "history": [], "finished": null}`, ErrBadHistory, 1, "true or false"},
		{`{"set": "SAST", "id": 1, "history": []}`, ErrBadHistory, 1, `no "finished"`},
		{`{"id": 1, "history": [], "finished": true}`, ErrBadHistory, 1, `no "set"`},
	} {
		_, err := ReadHistories(strings.NewReader(c.in), "runs/h.jsonl")
		var ie *InputError
		if !errors.Is(err, c.is) || !errors.As(err, &ie) || ie.Line != c.line || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), "runs/h.jsonl:") {
			t.Errorf("%q: %v; want %v on line %d mentioning %q", c.in, err, c.is, c.line, c.msg)
		}
	}
}

func FuzzReadHistories(f *testing.F) {
	for _, s := range []string{
		`{"set": "SAST", "id": 1, "history": ["click(<p> 设置 </p>)"], "finished": true}`,
		"{\"set\": \"MAMT\", \"id\": -2, \"history\": [], \"finished\": false}\n\n{\"set\": \"SAMT\", \"id\": 2, \"history\": [\"\\u0000\"], \"finished\": true}",
		`{"set": "SAST", "id": 1, "history": [], "finished": true}` + "\n" + `{"set": "sast", "id": 1, "history": [], "finished": true}`,
		"\xef\xbb\xbf{}", "\n\n", `{"set":"SAST","id":1e1,"history":[],"finished":true}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		eps, err := ReadHistories(strings.NewReader(in), "h.jsonl")
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Line < 1 {
				t.Fatalf("error %v is not an *InputError with a line", err)
			}
			return
		}
		seen := map[itemKey]bool{}
		for _, ep := range eps {
			if !ep.Set.valid() || ep.History == nil || seen[itemKey{ep.Set, ep.ID}] {
				t.Fatalf("accepted %+v", ep)
			}
			seen[itemKey{ep.Set, ep.ID}] = true
		}
	})
}
