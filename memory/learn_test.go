package memory

import (
	"fmt"
	"image"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

func TestBM25Ranking(t *testing.T) {
	docs := []Doc{
		{ID: "wifi", App: "com.android.settings", Text: "Wi-Fi is under Network & internet; tap the switch to turn it on"},
		{ID: "dark", App: "com.android.settings", Text: "Dark theme is a switch on the Display page of Settings"},
		{ID: "send", App: "com.google.android.apps.messaging", Text: "Tap the send arrow after typing the message text"},
		{ID: "scroll", App: GlobalApp, Text: "Scroll down when the item you need is not on the screen"},
		{ID: "msg-dark", App: "com.google.android.apps.messaging", Text: "Messages follows the system dark theme"},
		{ID: "long", App: GlobalApp, Text: "Display display display settings and many other words that dilute the weight of every single term in this rather long tip about nothing much"},
	}
	ix := NewIndex(docs)
	tests := []struct {
		name, query, app string
		want             []string // the top of the ranking, in order
		absent           []string
	}{
		{"the matching app tip wins", "turn on dark theme", "com.android.settings", []string{"dark"}, []string{"msg-dark"}},
		{"other apps are filtered out", "dark theme", "com.google.android.apps.messaging", []string{"msg-dark"}, []string{"dark"}},
		{"no app sees every app", "dark theme switch", "", []string{"dark", "msg-dark"}, nil},
		{"stemming finds plurals", "send messages", "com.google.android.apps.messaging", []string{"send"}, nil},
		{"global tips come with any app", "scroll to the item", "com.android.settings", []string{"scroll"}, nil},
		{"short docs beat long ones", "display settings", "com.android.settings", []string{"dark", "long"}, nil},
		{"no shared term, no hit", "bank transfer", "com.android.settings", nil, []string{"wifi", "dark", "scroll", "long"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := ix.Search(tc.query, tc.app)
			var got []string
			for _, r := range res {
				got = append(got, r.Doc.ID)
			}
			for i, w := range tc.want {
				if i >= len(got) || got[i] != w {
					t.Fatalf("Search(%q, %q) = %v; want %v first", tc.query, tc.app, got, tc.want)
				}
			}
			for _, a := range tc.absent {
				for _, g := range got {
					if g == a {
						t.Errorf("Search(%q, %q) = %v holds %s", tc.query, tc.app, got, a)
					}
				}
			}
			for i := 1; i < len(res); i++ {
				if res[i].Score > res[i-1].Score {
					t.Errorf("not sorted: %v", res)
				}
			}
		})
	}
	// The app boost is what puts the app's own tip first.
	ix2 := NewIndex([]Doc{{ID: "g", App: "", Text: "dark theme switch"}, {ID: "a", App: "x", Text: "dark theme switch"}})
	if r := ix2.Search("dark theme", "x"); r[0].Doc.ID != "a" || r[0].Score <= r[1].Score {
		t.Errorf("app boost: %v", r)
	}
}

func TestRetrieveKeepsWithinTheTokenCap(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	for i := range 20 {
		if _, err := s.PutTip(Tip{App: "com.android.settings", Text: fmt.Sprintf("Dark theme tip %d: %s", i, strings.Repeat("detail ", i*3))}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutShortcut(sampleShortcut()); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Retrieve("turn on the dark theme", "com.android.settings", RetrieveOptions{MaxTokens: 120, MaxItems: 50})
	if err != nil {
		t.Fatal(err)
	}
	total, kinds := 0, map[string]int{}
	for _, h := range hits {
		total += h.Tokens
		kinds[h.Kind]++
		if h.Tokens != perception.EstimateTokens(h.Text) {
			t.Errorf("tokens of %q = %d", h.Text, h.Tokens)
		}
	}
	if total > 120 || len(hits) == 0 {
		t.Errorf("%d hits of %d tokens; want some within 120", len(hits), total)
	}
	if kinds["shortcut"] != 1 {
		t.Errorf("the dark_theme shortcut was not retrieved: %v", kinds)
	}
	if hits, _ := s.Retrieve("turn on the dark theme", "com.other", RetrieveOptions{}); len(hits) != 0 {
		t.Errorf("another app's items were retrieved: %v", hits)
	}
}

func TestAddTipsMergesAndCaps(t *testing.T) {
	s := openTemp(t, Options{NoSync: true, MaxTipsPerApp: 3})
	ch, err := s.AddTips([]NewTip{
		{App: "a", Text: "Dark theme is on the Display page."},
		{App: "a", Text: "dark theme is on the display page"}, // the same, normalised
		{App: "a", Text: "The Dark theme switch is on the Display page"},
		{App: "", Text: "Scroll when the item is not visible"},
	}, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Added) != 2 || len(ch.Merged) != 2 {
		t.Fatalf("added %d, merged %d; want 2 and 2: %+v", len(ch.Added), len(ch.Merged), ch)
	}
	tips, _ := s.Tips("a")
	var dark Tip
	for _, tp := range tips {
		if strings.HasPrefix(tp.Text, "Dark theme") {
			dark = tp
		}
	}
	if dark.Helped != 2 || dark.Source != "run-1" {
		t.Errorf("merged tip = %+v; want Helped 2", dark)
	}
	// Correct a tip by id.
	ch, _ = s.AddTips([]NewTip{{App: "a", Text: "Dark theme: Settings > Display", Replaces: dark.ID}}, "run-2")
	if len(ch.Updated) != 1 || ch.Updated[0].ID != dark.ID || ch.Updated[0].Helped != 2 {
		t.Errorf("update = %+v", ch)
	}
	// Fill past the cap: the least helpful old tip goes, the new ones stay.
	ch, _ = s.AddTips([]NewTip{{App: "a", Text: "Wi-Fi is under Network"}, {App: "a", Text: "Bluetooth is under Connected devices"}, {App: "a", Text: "Battery saver is under Battery"}}, "run-3")
	tips, _ = s.Tips("a")
	n := 0
	for _, tp := range tips {
		if tp.App == "a" {
			n++
		}
	}
	if n != 3 || len(ch.Evicted) != 1 || ch.Evicted[0].ID == dark.ID {
		t.Errorf("after the cap: %d tips, evicted %+v; want 3 kept and the helpful dark tip kept", n, ch.Evicted)
	}
}

// settingsScreens are a main page and the Display page, as perception
// reads the virtual phone.
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

func darkRun() RunSummary {
	main, display, after := settingsScreens(false)
	return RunSummary{RunID: "run-7", Task: "Turn on the dark theme", Apps: []string{"com.android.settings"}, Outcome: OutcomeSuccess,
		Steps: []TrajectoryStep{
			{Action: actions.Tap{Target: actions.Target{Element: 3}}, Screen: main, Summary: "Settings main page", Reflection: "A: Display opened"},
			{Action: actions.Tap{Target: actions.Target{Point: &actions.Point{X: 500, Y: 700, Space: actions.SpacePixels}}}, Screen: display, After: after, Reflection: "A: dark theme on"},
			{Action: actions.Done{Status: actions.StatusSuccess}, Screen: after},
		}}
}

func TestShortcutFromTrajectory(t *testing.T) {
	sc, err := ShortcutFromTrajectory(darkRun(), "")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "turn_dark_theme" || len(sc.Steps) != 2 || sc.Source != "run-7" {
		t.Fatalf("shortcut = %+v", sc)
	}
	s1, s2 := sc.Steps[0], sc.Steps[1]
	if s1.Target == nil || s1.Target.Text != "Display Dark theme, font size, brightness" {
		t.Errorf("step 1 target = %v", s1.Target)
	}
	// The point became the element under it.
	if s2.Target == nil || !strings.HasPrefix(s2.Target.Text, "Dark theme") {
		t.Errorf("step 2 target = %v", s2.Target)
	}
	if s1.Expect == nil || s1.Expect.Activity != ".SubSettings" || len(s1.Expect.Present) == 0 {
		t.Errorf("step 1 expects %+v", s1.Expect)
	}
	var sawChecked bool
	for _, p := range s2.Expect.Present {
		if p.Checked != nil && *p.Checked {
			sawChecked = true
		}
	}
	if !sawChecked {
		t.Errorf("step 2 should expect the switch on: %+v", s2.Expect)
	}
	if sc.Precondition.App != "com.android.settings" {
		t.Errorf("precondition = %+v", sc.Precondition)
	}

	// Typed text becomes a parameter.
	main, _, _ := settingsScreens(false)
	field := perception.Element{ID: 9, Hint: "Search settings", Editable: true, Focused: true, ResourceID: "android:id/search_src_text", Package: "com.android.settings", Bounds: image.Rect(0, 100, 1080, 200)}
	main.Elements = append(main.Elements, field)
	run := RunSummary{Task: "search settings", Outcome: OutcomeSuccess, Steps: []TrajectoryStep{{Action: actions.Type{Text: "dark", Element: 9, Submit: true}, Screen: main}}}
	sc, err = ShortcutFromTrajectory(run, "search")
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Params) != 1 || sc.Params[0].Name != "search_settings" || sc.Params[0].Example != "dark" || sc.Steps[0].Text != "{{search_settings}}" {
		t.Errorf("params = %+v, step = %+v", sc.Params, sc.Steps[0])
	}
	if _, err := ShortcutFromTrajectory(RunSummary{Outcome: "failure", Steps: darkRun().Steps}, ""); err == nil {
		t.Error("a failed run became a shortcut")
	}
}
