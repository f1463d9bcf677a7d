package evolve

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
)

func openStore(t *testing.T) *memory.Store {
	t.Helper()
	s, err := memory.Open(filepath.Join(t.TempDir(), "memory.db"), memory.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func settingsScreens(darkOn bool) (main, display, after *perception.Screen) {
	el := func(id int, text, rid, class string, clickable bool, y int) perception.Element {
		return perception.Element{ID: id, Text: text, ResourceID: rid, Class: class, Clickable: clickable, Package: "com.android.settings",
			Bounds: image.Rect(0, y, 1080, y+180), Enabled: true}
	}
	main = &perception.Screen{Width: 1080, Height: 2400, Package: "com.android.settings", Activity: "com.android.settings.Settings", Elements: []perception.Element{
		el(1, "Settings", "com.android.settings:id/homepage_title", "android.widget.TextView", false, 74),
		el(2, "Network & internet Mobile, Wi-Fi, hotspot", "com.android.settings:id/dashboard_tile_0", "android.widget.LinearLayout", true, 473),
		el(3, "Display Dark theme, font size, brightness", "com.android.settings:id/dashboard_tile_7", "android.widget.LinearLayout", true, 1796),
	}}
	mk := func(on bool) *perception.Screen {
		d := el(3, "Dark theme Use a dark background to save battery", "", "android.widget.LinearLayout", true, 620)
		d.Checkable, d.Checked = true, on
		return &perception.Screen{Width: 1080, Height: 2400, Package: "com.android.settings", Activity: "com.android.settings.SubSettings", Elements: []perception.Element{
			{ID: 1, ContentDesc: "Navigate up", Class: "android.widget.ImageButton", Clickable: true, Package: "com.android.settings", Bounds: image.Rect(0, 74, 168, 242)},
			el(2, "Display", "", "android.widget.TextView", false, 74),
			d,
			el(4, "Screen timeout", "android:id/title", "android.widget.TextView", false, 835),
		}}
	}
	return main, mk(darkOn), mk(!darkOn)
}

func darkRun() memory.RunSummary {
	main, display, after := settingsScreens(false)
	return memory.RunSummary{RunID: "run-7", Task: "Turn on the dark theme", Apps: []string{"com.android.settings"}, Outcome: memory.OutcomeSuccess,
		Steps: []memory.TrajectoryStep{
			{Action: actions.Tap{Target: actions.Target{Element: 3}}, Screen: main, Summary: "Settings main page", Reflection: "A: Display opened"},
			{Action: actions.Tap{Target: actions.Target{Point: &actions.Point{X: 500, Y: 700, Space: actions.SpacePixels}}}, Screen: display, After: after, Reflection: "A: dark theme on"},
			{Action: actions.Done{Status: actions.StatusSuccess}, Screen: after},
		}}
}

func TestEvolveWithAScriptedModel(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.Reply("Here is what I learned:\n```json\n"+`{
  "tips": [
    "Dark theme is a switch on the Display page of Settings.",
    {"app": "com.android.settings", "text": "Open Display from the Settings main page; it is visible without scrolling.",},
    {"app": "*", "text": ""}
  ],
  "shortcut": {"name": "Turn on dark theme", "description": "turn the dark theme on", "app": "com.android.settings",
    "steps": [
      {"action": "tap", "target": {"text": "Display", "resource_id": "com.android.settings:id/dashboard_tile_7"}, "expect": {"present": [{"text": "Dark theme"}]}},
      {"action": "click", "target": "Dark theme"}
    ]}
}`+"\n```").When(llmtest.Contains("Turn on the dark theme"), llmtest.JSONMode())
	s := openStore(t)
	if _, err := s.PutTip(memory.Tip{App: "com.android.settings", Text: "Dark theme is a switch on the Display page of Settings"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := Evolve(ctx, s, srv.Client(), darkRun(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Calls != 1 || len(res.Tips.Added) != 1 || len(res.Tips.Merged) != 1 {
		t.Errorf("tips: %+v (rejected %v)", res.Tips, res.Rejected)
	}
	if res.ShortcutSource != "model" || res.Shortcut == nil || res.Shortcut.Name != "turn_dark_theme" || res.Shortcut.Steps[1].Action != actions.KindTap {
		t.Fatalf("shortcut = %+v from %q (rejected %v)", res.Shortcut, res.ShortcutSource, res.Rejected)
	}
	if _, err := s.Shortcut("turn_dark_theme"); err != nil {
		t.Errorf("the shortcut was not stored: %v", err)
	}
	prompt := srv.Request(0).Text()
	for _, want := range []string{"Turn on the dark theme", "Dark theme is a switch", `text="Display Dark theme, font size, brightness"`, "reflection: A: Display opened"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("the prompt lacks %q:\n%s", want, prompt)
		}
	}
}

func TestEvolveRejectsAShortcutOffTheRecordedScreens(t *testing.T) {
	srv := llmtest.NewServer(t)
	srv.ReplyJSON(map[string]any{"tips": []string{}, "shortcut": map[string]any{"name": "x", "steps": []any{
		map[string]any{"action": "tap", "target": map[string]any{"text": "Colour palette"}},
	}}})
	s := openStore(t)
	res, err := Evolve(context.Background(), s, srv.Client(), darkRun(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) == 0 || !strings.Contains(res.Rejected[0], "Colour palette") {
		t.Errorf("rejected = %v", res.Rejected)
	}
	// The trajectory fallback takes its place, under the model's name.
	if res.ShortcutSource != "trajectory" || res.Shortcut == nil || res.Shortcut.Name != "x" {
		t.Errorf("shortcut %+v from %q", res.Shortcut, res.ShortcutSource)
	}
}

func TestParseTolerance(t *testing.T) {
	for _, in := range []string{
		`{"tips": ["a"], "shortcut": null}`,
		"Sure!\n```json\n{\"tips\": [\"a\",], }\n```",
		`<think>{not json}</think> {"tips": [{"tip": "a"}]}`,
	} {
		r, err := Parse(in)
		if err != nil || len(r.Tips) != 1 || r.Tips[0].Text != "a" {
			t.Errorf("Parse(%q) = %+v, %v", in, r, err)
		}
	}
	if _, err := Parse("no json here"); err == nil {
		t.Error("prose parsed")
	}
}
