package prompts

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const screen = "<<<UNTRUSTED_SCREEN_CONTENT source=\"screen\">>>\n<button id=5 text=\"Wi-Fi\" unchecked>\n<<<END_UNTRUSTED_SCREEN_CONTENT>>>"

var cases = []struct {
	golden, name string
	data         any
}{
	{"system", System, SystemData{Role: "decision"}},
	{"planner_start", Planner, PlannerData{Task: "Turn on Wi-Fi", Screen: screen}},
	{"planner_replan", Planner, PlannerData{Task: "Turn on Wi-Fi", Screen: screen, Subgoals: []string{"Open Settings", "Open Network & internet", "Turn Wi-Fi on"},
		Current: 1, Progress: "Settings is open", Notes: []string{"code: 482913"}, History: []Step{{N: 1, Action: "open app Settings", Outcome: "A"}},
		Failure: "step 2 opened the wrong page", Instructions: []string{"use the 5 GHz network"}}},
	{"decision", Decision, DecisionData{Task: "Turn on Wi-Fi", Screen: screen, HasImage: true, Subgoals: []string{"Open Settings", "Turn Wi-Fi on"},
		Current: 1, Subgoal: "Turn Wi-Fi on", Notes: []string{"n"}, Tips: []string{"Wi-Fi is under Network & internet"},
		History: []Step{{N: 1, Action: "open app Settings", Outcome: "A"}}, LastError: "element 99 does not exist", Secrets: []string{"PIN"}}},
	{"decision_minimal", Decision, DecisionData{Task: "Open Chrome", Screen: screen}},
	{"decision_apis", Decision, DecisionData{Task: "明天早上7点叫我起床", Screen: screen, APIs: []API{
		{Command: "adb shell am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR <x> --ei android.intent.extra.alarm.MINUTES <y>", Description: "set an alarm at x:y"},
		{Command: "adb shell input keyevent KEYCODE_BACK"}}}},
	{"decision_memory", Decision, DecisionData{Task: "Turn on dark theme", Screen: screen, Tips: []string{"Dark theme is a switch on the Display page of Settings"},
		Shortcuts: []string{`shortcut "turn_dark_theme": Turn on dark theme [com.android.settings]`}}},
	{"planner_memory", Planner, PlannerData{Task: "Turn on dark theme", Screen: screen, Tips: []string{"Dark theme is a switch on the Display page of Settings"},
		Shortcuts: []string{`shortcut "turn_dark_theme": Turn on dark theme [com.android.settings]`}}},
	{"reflector", Reflector, ReflectorData{Task: "Turn on Wi-Fi", Subgoal: "Turn Wi-Fi on", Action: "tap element 5 \"Wi-Fi\"", Expect: "Wi-Fi shows on",
		Before: screen, After: screen, Change: "4% of the screen changed", Candidates: true, HasImages: true}},
	{"notetaker", Notetaker, NotetakerData{Task: "Find the price", Screen: screen, Notes: []string{"a"}, Candidates: []string{"$12.99"}}},
	{"verifier", Verifier, VerifierData{Task: "Turn on dark theme", Answer: "dark theme is on", Evidence: []string{"the switch \"Dark theme\" (element 5) is off"},
		History: []Step{{N: 3, Action: "tap element 5", Outcome: "success: the switch flipped"}}, Screen: screen, HasImage: true}},
	{"system_script", System, SystemData{Role: "script writer", Reply: "Answer with one sentence and the script in one ```script block."}},
	{"script", Script, ScriptData{Task: "Turn on Bluetooth", Screen: screen, Apps: screen, Tips: []string{"Bluetooth is under Connected devices"},
		Reference: "open \"APP\"\ntap SELECTOR", Vars: screen, Rejected: "line 3 (click \"OK\"): unknown command \"click\" (did you mean tap?)"}},
	{"steward", Steward, StewardData{Task: "Text Alex the address of my dentist appointment", Apps: []string{"Calendar", "Messages"}, Screen: screen,
		Done: []string{"Calendar: found address"}, NotesBlock: screen, Failure: "the Messages staff could not find Alex"}},
	{"steward_check", StewardCheck, StewardCheckData{Task: "Text Alex the address of my dentist appointment", Subtask: "Open the Dentist appointment and report its location",
		App: "Calendar", Name: "address", Outcome: "success", Report: screen, Screen: screen}},
	{"evolve", Evolve, EvolveData{Task: "Turn on dark theme", Outcome: "success", Succeeded: true, Apps: []string{"com.android.settings"},
		Steps: []EvolveStep{{N: 1, Action: `{"action":"tap","element":3}`, App: "com.android.settings", Summary: "Settings main page", Reflection: "success: Display opened",
			Elements: []string{`[3] text="Display Dark theme, font size, brightness"`}}},
		Tips: []EvolveTip{{ID: "t1", App: "com.android.settings", Text: "Dark theme is on the Display page"}}}},
}

func TestGolden(t *testing.T) {
	s := Default()
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			got, err := s.Render(c.name, c.data)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", c.golden+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./prompts -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (run go test ./prompts -update after a deliberate change)\n--- got\n%s\n--- want\n%s", c.name, path, got, want)
			}
		})
	}
}

func TestScreenStaysInsideItsBlock(t *testing.T) {
	s := Default()
	for _, c := range cases {
		got, err := s.Render(c.name, c.data)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(got, "<<<UNTRUSTED_SCREEN_CONTENT") != strings.Count(got, "<<<END_UNTRUSTED_SCREEN_CONTENT>>>") {
			t.Errorf("%s: untrusted blocks are unbalanced:\n%s", c.golden, got)
		}
	}
}

func TestLoadOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "decision.tmpl"), []byte("custom {{.Task}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Render(Decision, DecisionData{Task: "x"})
	if err != nil || got != "custom x" {
		t.Fatalf("override: got %q, %v", got, err)
	}
	if src := s.Source(Decision); src != filepath.Join(dir, "decision.tmpl") {
		t.Errorf("source %q", src)
	}
	if _, err := s.Render(Planner, PlannerData{Task: "x", Screen: screen}); err != nil {
		t.Errorf("the built-in planner should remain: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "decison.tmpl"), []byte("x"), 0o644)
	if _, err := Load(dir); !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "decison") {
		t.Errorf("a misspelt file: %v", err)
	}
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "planner.tmpl"), []byte("{{.Task"), 0o644)
	if _, err := Load(dir); !errors.Is(err, ErrTemplate) {
		t.Errorf("a broken template: %v", err)
	}
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "planner.tmpl"), []byte("{{.Nope}}"), 0o644)
	s, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Render(Planner, PlannerData{}); !errors.Is(err, ErrTemplate) {
		t.Errorf("a missing field: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "absent")); err == nil {
		t.Error("a missing directory should fail")
	}
}
