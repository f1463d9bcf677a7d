package actions

import (
	"errors"
	"image"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestSmartResize(t *testing.T) {
	tests := []struct {
		r    SmartResize
		w, h int
		want image.Point
	}{
		// The Qwen2.5-VL cookbook's prompts state these resized sizes.
		{QwenResize, 1080, 2400, image.Pt(1092, 2408)},
		{QwenResize, 720, 1280, image.Pt(728, 1288)},
		{UITARSResize, 1920, 1080, image.Pt(1932, 1092)},
		// Python rounds halves to even: 1190/28 = 42.5 rounds to 42.
		{QwenResize, 1190, 1190, image.Pt(1176, 1176)},
		{QwenResize, 1218, 1218, image.Pt(1232, 1232)}, // 43.5 rounds to 44
		// Over max_pixels: scaled down and floored to the factor.
		{QwenResize, 4000, 4000, image.Pt(3584, 3584)},
		// Under min_pixels: scaled up and ceiled.
		{UITARSResize, 100, 100, image.Pt(280, 280)},
		{GUIOwlResize, 1440, 3120, image.Pt(1428, 3108)},
	}
	for _, tt := range tests {
		got, err := tt.r.Size(tt.w, tt.h)
		if err != nil || got != tt.want {
			t.Errorf("%+v.Size(%d, %d) = %v, %v; want %v", tt.r, tt.w, tt.h, got, err, tt.want)
		}
	}
	if _, err := QwenResize.Size(1, 300); err == nil {
		t.Error("aspect ratio 300 accepted")
	}
	if _, err := (SmartResize{}).Size(10, 10); err == nil {
		t.Error("factor 0 accepted")
	}
}

func dialect(t *testing.T, name string) Dialect {
	t.Helper()
	d, err := (&Dialects{}).Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDialectCoordinates(t *testing.T) {
	size := image.Pt(1080, 2400)
	tests := []struct {
		dialect string
		reply   string
		x, y    float64 // pixels of size
	}{
		{DialectJSON, `{"action":"tap","x":540,"y":1200}`, 540, 1200},
		{DialectJSON, `{"action":"tap","x":500,"y":500,"space":"1000"}`, 540, 1200}, // our JSON may declare its space
		{DialectUITARS, "Action: click(start_box='<|box_start|>(500,500)<|box_end|>')", 540, 1200},
		{DialectUITARS, "Action: click(start_box='(500,500)')", 540, 1200},                            // no box tokens, still 0-1000
		{DialectUITARS15, "Action: click(start_box='<|box_start|>(546,1204)<|box_end|>')", 540, 1200}, // box tokens, still pixels
		{DialectDoubao, "Action: click(point='<point>500 500</point>')", 540, 1200},
		{DialectQwen25VL, `<tool_call>{"name":"mobile_use","arguments":{"action":"click","coordinate":[546,1204]}}</tool_call>`, 540, 1200},
		{DialectQwen3VL, `<tool_call>{"name":"mobile_use","arguments":{"action":"click","coordinate":[999,999]}}</tool_call>`, 1080, 2400},
		{DialectGUIOwl15, `<tool_call>{"name":"mobile_use","arguments":{"action":"click","coordinate":[500,500]}}</tool_call>`, 540, 1200},
		{DialectCogAgent, "Grounded Operation: CLICK(box=[[400,400,600,600]], element_info='x')", 540, 1200},
		{DialectAutoGLM, `<answer>do(action="Tap", element=[500,500])</answer>`, 540, 1200},
		{DialectSeeClick, "(0.5,0.5)", 540, 1200},
		{DialectShowUI, "{'action': 'TAP', 'value': None, 'position': [0.5, 0.5]}", 540, 1200},
		{DialectOSAtlas, "<|box_start|>(400,400),(600,600)<|box_end|>", 540, 1200},
		{DialectOSAtlas, "thoughts:\nThe button is in the middle.\nactions:\nCLICK <point>[[500, 500]]</point>", 540, 1200},
		{DialectAguvis, "pyautogui.click(x=0.5, y=0.5)", 540, 1200},
		{DialectMidscene, `{"action":{"type":"Tap","param":{"locate":{"bbox":[400,400,600,600]}}}}`, 540, 1200},
		{DialectMobileAgent, "### Action ###\nTap (540, 1200)", 540, 1200},
		// A point in 0..1 is read as pixels when the dialect says pixels: no guessing.
		{DialectJSON, `{"action":"tap","x":0.5,"y":0.5}`, 0.5, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.dialect, func(t *testing.T) {
			d, err := ParseWith(tt.reply, ParseOptions{Dialect: dialect(t, tt.dialect), ImageSize: size})
			if err != nil {
				t.Fatalf("ParseWith(%q): %v", tt.reply, err)
			}
			px, err := ToPixels(d.Action, size)
			if err != nil {
				t.Fatal(err)
			}
			tap, ok := px.(Tap)
			if !ok || tap.Target.Point == nil {
				t.Fatalf("got %s; want a tap at a point", show(px))
			}
			if p := tap.Target.Point; math.Abs(p.X-tt.x) > 0.5 || math.Abs(p.Y-tt.y) > 0.5 {
				t.Errorf("tap at (%g, %g); want (%g, %g)", p.X, p.Y, tt.x, tt.y)
			}
		})
	}
}

func TestSmartResizeNeedsImageSize(t *testing.T) {
	_, err := ParseWith("Action: click(start_box='(100,200)')", ParseOptions{Dialect: dialect(t, DialectUITARS15)})
	if !errors.Is(err, ErrNoImageSize) || !strings.Contains(err.Error(), "--size") {
		t.Errorf("err = %v; want ErrNoImageSize naming --size", err)
	}
}

func TestDialectElements(t *testing.T) {
	tests := []struct {
		dialect, reply string
		want           Action
		errMention     string
	}{
		{DialectM3A, `Reason: The first item.` + "\n" + `Action: {"action_type": "click", "index": 0}`, Tap{Target: Target{Element: 1}}, ""},
		{DialectM3A, `Action: {"action_type": "input_text", "text": "hi", "index": 4}`, Type{Text: "hi", Element: 5}, ""},
		{DialectM3A, `Action: {"action_type": "scroll", "direction": "down", "index": 2}`, Swipe{Direction: Up, Element: 3}, ""},
		{DialectM3A, `Action: {"action_type": "keyboard_enter"}`, Key{Key: "enter"}, ""},
		{DialectM3A, `Action: {"action_type": "status", "goal_status": "infeasible"}`, Done{Status: StatusInfeasible}, ""},
		{DialectM3A, `Action: {"action_type": "click", "index": -1}`, nil, "numbered from 0"},
		{DialectJSON, `{"action": "tap", "element": 0}`, nil, "numbered from 1"},
		{DialectAppAgent, "Thought: The fourth label.\nAction: tap(4)\nSummary: done", Tap{Target: Target{Element: 4}}, ""},
		{DialectAppAgent, `Action: tap(12, "center")`, nil, "grid"},
	}
	for _, tt := range tests {
		d, err := ParseWith(tt.reply, ParseOptions{Dialect: dialect(t, tt.dialect)})
		if tt.errMention != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errMention) {
				t.Errorf("%s %q: err = %v; want it to mention %q", tt.dialect, tt.reply, err, tt.errMention)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(d.Action, tt.want) {
			t.Errorf("%s %q = %s, %v; want %s", tt.dialect, tt.reply, show(d.Action), err, show(tt.want))
		}
	}
	// Without a dialect an index 0 is an error that says how elements are
	// numbered, not "no element id or point".
	_, err := Parse(`{"action_type": "click", "index": 0}`)
	if err == nil || !strings.Contains(err.Error(), "element 0 does not exist") {
		t.Errorf("auto index 0: %v", err)
	}
}

func TestThoughtKept(t *testing.T) {
	tests := []struct {
		dialect, reply, thought string
	}{
		{DialectM3A, "Reason: The Wi-Fi row is index 3.\nAction: {\"action_type\": \"click\", \"index\": 3}", "Wi-Fi row is index 3"},
		{DialectUITARS15, "Thought: 我需要点击设置图标\nAction：click(start_box='(100,200)')", "我需要点击设置图标"},
		{DialectQwen3VL, "1) Thought: Open the search bar first.\n2) Action: Tap the search bar.\n3) <tool_call>{\"name\":\"mobile_use\",\"arguments\":{\"action\":\"click\",\"coordinate\":[10,10]}}</tool_call>", "Open the search bar first"},
		{DialectJSON, "1. The screen shows the inbox.\n2. The Compose button is element 7.\n{\"action\":\"tap\",\"element\":7}", "2. The Compose button is element 7."},
		{DialectAutoGLM, "当前在桌面。\ndo(action=\"Launch\", app=\"设置\")", "当前在桌面"},
		{DialectCogAgent, "Action: Tap the Settings icon.\nGrounded Operation: CLICK(box=[[1,1,3,3]])", "Tap the Settings icon"},
		{DialectMobileAgent, "### Thought ###\nOpen the map.\n### Action ###\nOpen app (Maps)\n### Operation ###\nOpening Maps.", "Open the map"},
		{DialectMidscene, "<thought>The icon is at the bottom.</thought>\n<log>Tap</log>\n<action-type>Tap</action-type>\n<action-param-json>{\"locate\":{\"bbox\":[1,1,3,3]}}</action-param-json>", "icon is at the bottom"},
		{DialectUITARS, "Thought: I need help with the captcha.\nAction: call_user()", "captcha"},
	}
	for _, tt := range tests {
		d, err := ParseWith(tt.reply, ParseOptions{Dialect: dialect(t, tt.dialect), ImageSize: image.Pt(1080, 2400)})
		if err != nil {
			t.Errorf("%s %q: %v", tt.dialect, tt.reply, err)
			continue
		}
		if !strings.Contains(d.Thought, tt.thought) {
			t.Errorf("%s: thought %q; want it to keep %q", tt.dialect, d.Thought, tt.thought)
		}
	}
	// call_user() asks the user what the thought says.
	d, _ := ParseWith("Thought: I need help with the captcha.\nAction: call_user()", ParseOptions{Dialect: dialect(t, DialectUITARS)})
	if q, ok := d.Action.(AskUser); !ok || !strings.Contains(q.Question, "captcha") {
		t.Errorf("call_user() = %s", show(d.Action))
	}
}

func TestAutoGLMActions(t *testing.T) {
	d := dialect(t, DialectAutoGLM)
	tests := []struct {
		reply string
		want  Action
	}{
		{`do(action="Swipe", start=[500,800], end=[500,200])`, Swipe{From: pt(500, 800, SpacePermille), To: pt(500, 200, SpacePermille)}},
		{`do(action="Type", text="北京南站")`, Type{Text: "北京南站"}},
		{`do(action="Long Press", element=[100,200])`, LongPress{Target: Target{Point: pt(100, 200, SpacePermille)}}},
		{`do(action="Back")`, Key{Key: "back"}},
		{`do(action="Wait", duration="2 seconds")`, Wait{Duration: 2e9}},
		{`do(action="Take_over", message="请完成验证码")`, AskUser{Question: "请完成验证码"}},
		{`finish(message="否，界面上没有出现"Twitter（X）的主页"。当前显示的是Google的界面。")`, Done{Status: StatusSuccess, Answer: `否，界面上没有出现"Twitter（X）的主页"。当前显示的是Google的界面。`}},
	}
	for _, tt := range tests {
		got, err := ParseWith("<answer>"+tt.reply+"</answer>", ParseOptions{Dialect: d})
		if err != nil || !reflect.DeepEqual(got.Action, tt.want) {
			t.Errorf("%s = %s, %v; want %s", tt.reply, show(got.Action), err, show(tt.want))
		}
	}
	if _, err := ParseWith(`do(action="Double Tap", element=[1,2])`, ParseOptions{Dialect: d}); err == nil || !strings.Contains(err.Error(), "tap twice") {
		t.Errorf("Double Tap: %v", err)
	}
}

func TestDialectTable(t *testing.T) {
	tab := &Dialects{}
	for _, name := range []string{"json", "m3a", "mobile-agent", "appagent", "ui-tars", "ui-tars-1.5", "doubao", "qwen2.5-vl", "qwen3-vl", "cogagent", "autoglm"} {
		d, err := tab.Lookup(name)
		if err != nil || d.Name != name || d.Doc == "" || d.Syntax == "" || d.Coords.Kind == "" {
			t.Errorf("Lookup(%s) = %+v, %v", name, d, err)
		}
	}
	if _, err := tab.Lookup("nope"); !errors.Is(err, ErrUnknownDialect) || !strings.Contains(err.Error(), "qwen2.5-vl") {
		t.Errorf("unknown dialect: %v", err)
	}
	models := map[string]string{
		"ui-tars-1.5-7b": DialectUITARS15, "ByteDance-Seed/UI-TARS-1.5-7B": DialectUITARS15, "vllm:ui-tars-1.5-7b": DialectUITARS15,
		"ui-tars-72b-dpo": DialectUITARS, "doubao-1.5-ui-tars-250428": DialectDoubao, "doubao-1-5-ui-tars-250428": DialectDoubao,
		"qwen2.5-vl-72b-instruct": DialectQwen25VL, "ollama:qwen2.5vl:7b": DialectQwen25VL, "Qwen/Qwen3-VL-8B-Instruct": DialectQwen3VL,
		"qwen3-vl-plus": DialectQwen3VL, "mPLUG/GUI-Owl-7B": DialectGUIOwl, "gui-owl-1.5-8b": DialectGUIOwl15,
		"cogagent-9b-20241220": DialectCogAgent, "zai-org/AutoGLM-Phone-9B": DialectAutoGLM, "openai:gpt-4o": DialectJSON,
		"claude-sonnet-4-5": DialectJSON, "OS-Atlas-Pro-7B": DialectOSAtlas, "showlab/ShowUI-2B": DialectShowUI,
	}
	for m, want := range models {
		if d, known := tab.ForModel(m); !known || d.Name != want {
			t.Errorf("ForModel(%q) = %s, %v; want %s", m, d.Name, known, want)
		}
	}
	if d, known := tab.ForModel("my-own-model"); known || d.Name != DialectJSON {
		t.Errorf("unknown model = %s, %v", d.Name, known)
	}
	// The table is a value: a profile can add a dialect and remap models.
	custom := Dialect{Name: "my-vlm", Syntax: "json", Coords: Coordinates{Kind: CoordsNormalized, Max: 100}, ElementBase: 1, Doc: "test"}
	if err := tab.Add(custom); err != nil {
		t.Fatal(err)
	}
	if err := tab.Map("my-own-*", "my-vlm"); err != nil {
		t.Fatal(err)
	}
	d, _ := tab.ForModel("my-own-model")
	got, err := ParseWith(`{"action":"tap","x":50,"y":50}`, ParseOptions{Dialect: d})
	if err != nil || got.Action.(Tap).Target.Point.X != 0.5 || got.Action.(Tap).Target.Point.Space != SpaceUnit {
		t.Errorf("custom dialect: %s, %v", show(got.Action), err)
	}
	if err := tab.Map("x*", "missing"); !errors.Is(err, ErrUnknownDialect) {
		t.Errorf("Map to a missing dialect: %v", err)
	}
	if err := tab.Add(Dialect{Name: "bad", Coords: Coordinates{Kind: CoordsSmartResize}}); err == nil {
		t.Error("smart_resize without a factor accepted")
	}
	if (&Dialects{}).Names()[0] == "" || len((&Dialects{}).All()) < 11 {
		t.Error("built-in table too small")
	}
	// Another table is not changed by this one's additions.
	if _, err := (&Dialects{}).Lookup("my-vlm"); err == nil {
		t.Error("tables share state")
	}
}

func TestToPixels(t *testing.T) {
	size := image.Pt(1000, 2000)
	got, err := ToPixels(Swipe{From: pt(0.1, 0.2, SpaceUnit), To: pt(500, 500, SpacePermille)}, size)
	if err != nil {
		t.Fatal(err)
	}
	s := got.(Swipe)
	if *s.From != (Point{X: 100, Y: 400, Space: SpacePixels}) || *s.To != (Point{X: 500, Y: 1000, Space: SpacePixels}) {
		t.Errorf("ToPixels = %s", show(got))
	}
	if _, err := ToPixels(Tap{Target: Target{Point: pt(0.5, 0.5, SpaceUnit)}}, image.Point{}); err == nil {
		t.Error("unit point without a size converted")
	}
	if a, err := ToPixels(Key{Key: "back"}, size); err != nil || a != (Key{Key: "back"}) {
		t.Errorf("key: %v %v", a, err)
	}
}

// TestJSONDialectKeepsOurFormat runs the realistic cases written in our own
// JSON through the json dialect: the same actions as the auto dialect,
// except that a bare point is not guessed to be 0-1.
func TestJSONDialectKeepsOurFormat(t *testing.T) {
	d := dialect(t, DialectJSON)
	n := 0
	for _, tc := range parseCases {
		if tc.format != FormatJSON {
			continue
		}
		n++
		got, err := ParseWith(tc.in, ParseOptions{Dialect: d})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		want := tc.want
		if tap, ok := want.(Tap); ok && tap.Target.Point != nil && tap.Target.Point.Space == SpaceUnit && !strings.Contains(tc.in, "space") {
			p := *tap.Target.Point
			p.Space = SpacePixels // the json dialect's points are pixels unless the reply says otherwise
			want = Tap{Target: Target{Point: &p}}
		}
		if !reflect.DeepEqual(got.Action, want) {
			t.Errorf("%s: %s; want %s", tc.name, show(got.Action), show(want))
		}
		if tc.thought != "" && !strings.Contains(got.Thought, tc.thought) {
			t.Errorf("%s: thought %q", tc.name, got.Thought)
		}
	}
	if n < 25 {
		t.Errorf("only %d JSON cases", n)
	}
}

func TestDialectsConcurrentReads(t *testing.T) {
	var tab Dialects // the zero value, shared
	done := make(chan bool)
	for range 8 {
		go func() {
			defer func() { done <- true }()
			for range 50 {
				if d, _ := tab.ForModel("ui-tars-1.5-7b"); d.Name != DialectUITARS15 {
					t.Error(d.Name)
				}
				if _, err := tab.Lookup("m3a"); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}
