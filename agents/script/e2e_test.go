package script_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/script"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// reply scripts a reply for role that answers only a request whose last
// user message shows every want.
func reply(s *llmtest.Server, role, text string, want ...string) *llmtest.Reply {
	ms := []llmtest.Matcher{llmtest.SystemContains("You are the " + role + " ")}
	for _, w := range want {
		ms = append(ms, llmtest.LastUserContains(w))
	}
	return s.Reply(text).When(ms...)
}

type run struct {
	res   *agents.Result
	run   *trajectory.Run
	steps []agents.Step
	dir   string
}

// runTask runs task on ph in mode (steps or script) with the scripted
// model s, recording the run.
func runTask(t *testing.T, ph *simtest.Phone, s *llmtest.Server, mode agents.Mode, task string, sc script.Config) run {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	rec, err := trajectory.Create(dir, trajectory.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	cfg := agents.Config{Device: ph.Device, Model: s.Client(), Observers: []agents.Observer{rec}, Gate: &safety.Gate{Mode: safety.ModeApprove}}
	if mode == agents.ModeScript {
		if err := script.Configure(&cfg, sc); err != nil {
			t.Fatal(err)
		}
	}
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), task)
	if se := (*agents.StopError)(nil); err != nil && !errors.As(err, &se) {
		t.Fatalf("run: %v", err)
	}
	rec.Close()
	r, steps, err := trajectory.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		t.Logf("%s step %d: %s -> %v (calls %d) %s", mode, st.Index, st.ActionText, st.Reflection, st.ModelCalls, st.Error)
		if os.Getenv("SCREENS") != "" {
			t.Logf("%s", st.Screen.Text)
		}
	}
	t.Logf("%s: %s (%s), %d steps, %d calls", mode, res.Outcome, res.Reason, res.Totals.Steps, res.Totals.ModelCalls)
	return run{res: res, run: r, steps: steps, dir: dir}
}

func TestScriptBluetooth(t *testing.T) {
	ph := simtest.Start(t)
	s := llmtest.NewServer(t)
	reply(s, "script writer", "I'll open Settings, go to Connected devices and switch Bluetooth on.\n\n```script\nopen \"Settings\"\ntap label:\"Connected devices\"\nexpect label:\"Bluetooth\"\nif_visible role:switch label:\"Bluetooth\" checked:false\n  tap role:switch label:\"Bluetooth\"\nend\nexpect role:switch label:\"Bluetooth\" checked:true\ndone\n```")
	r := runTask(t, ph, s, agents.ModeScript, "Turn on Bluetooth", script.Config{})
	if r.res.Outcome != agents.OutcomeSuccess || ph.Setting("global", "bluetooth_on") != "1" {
		t.Fatalf("outcome %s, bluetooth_on %q", r.res.Outcome, ph.Setting("global", "bluetooth_on"))
	}
	if r.res.Totals.ModelCalls != 1 {
		t.Errorf("%d calls", r.res.Totals.ModelCalls)
	}
}

// validateRunDir checks the run directory's public files against their
// schemas (formats v2).
func validateRunDir(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("run", b); err != nil {
		t.Errorf("run.json: %v", err)
	}
	for file, schema := range map[string]string{"steps.jsonl": "step", "calls.jsonl": "call"} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = format.ValidateLines(schema, f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
}

// A script whose selector finds nothing hands the rest of the task to the
// step mode, which plans from the screen the script reached, told what the
// script did; the task still succeeds.
func TestScriptSelectorFailsStepModeFinishes(t *testing.T) {
	ph := simtest.Start(t)
	s := llmtest.NewServer(t)
	// GPT-4o guesses another phone's name for the Display page.
	reply(s, "script writer", "On most Android phones dark mode is under Display & brightness, so:\n\n```script\nopen \"Settings\"\ntap label:\"Display & brightness\"\ntap role:switch label:\"Dark theme\" checked:false\nexpect role:switch label:\"Dark theme\" checked:true\ndone\n```")
	reply(s, "planner", `{"thought": "The script opened Settings but there is no 'Display & brightness'; the entry is called Display here.", "subgoals": ["Open Display", "Turn Dark theme on"], "current": 0, "progress": "Settings is open", "finished": false}`,
		`the script stopped at line 2 (tap label:"Display & brightness"): no element on the screen matches label:"Display & brightness"; it had done: open "Settings"`, `<button id=11 text="Display Dark theme`)
	reply(s, "decision", `{"thought": "Display (element 11) has the Dark theme setting.", "action": {"action": "tap", "element": 11}, "expect": "The Display page", "subgoal_done": true}`, `<button id=11 text="Display Dark theme`)
	reply(s, "decision", `{"thought": "Dark theme is element 5, off.", "action": {"action": "tap", "element": 5}, "expect": "Dark theme on", "subgoal_done": true}`, `<checkbox id=5 text="Dark theme Use a dark background to save battery" unchecked>`)
	reply(s, "planner", `{"thought": "Dark theme is on now.", "subgoals": ["Turn Dark theme on"], "current": 0, "finished": true}`, "every subgoal", `Dark theme Use a dark background to save battery" checked>`)
	r := runTask(t, ph, s, agents.ModeScript, "Turn on dark theme", script.Config{})
	if r.res.Outcome != agents.OutcomeSuccess || ph.Setting("secure", "ui_night_mode") != "2" {
		t.Fatalf("outcome %s (%s), ui_night_mode %q", r.res.Outcome, r.res.Reason, ph.Setting("secure", "ui_night_mode"))
	}
	if r.run.Settings.Mode != agents.ModeScript {
		t.Errorf("run.json mode %q", r.run.Settings.Mode)
	}
	// Step 1 ran the script's first line; step 2 is the hand-over; the step
	// mode did the rest.
	if len(r.steps) < 4 || r.steps[0].ActionText != "open app Settings" || !strings.Contains(r.steps[1].Error, "the step mode goes on from this screen") {
		t.Fatalf("steps: %+v", r.steps)
	}
	if p := r.steps[2].Plan; p == nil || p.Subgoals[0] != "Open Display" {
		t.Errorf("step 3 should start with the step mode's plan: %+v", p)
	}
	if r.res.Totals.ModelCalls != 5 {
		t.Errorf("%d model calls, want 5 (the writer, then the step mode's 4)", r.res.Totals.ModelCalls)
	}
	validateRunDir(t, r.dir)
}

// An expect line that does not hold (after waiting once) hands over too.
func TestScriptExpectFailsStepModeFinishes(t *testing.T) {
	ph := simtest.Start(t)
	s := llmtest.NewServer(t)
	reply(s, "script writer", "I'll toggle Bluetooth in Connected devices and check for the confirmation.\n\n```script\nopen \"Settings\"\ntap label:\"Connected devices\"\ntap role:switch label:\"Bluetooth\"\nexpect label:\"Bluetooth is on\"\ndone\n```")
	reply(s, "planner", `{"thought": "The Bluetooth row reads On; nothing else to do.", "subgoals": ["Confirm Bluetooth is on"], "current": 0, "finished": true}`,
		`the script stopped at line 4 (expect label:"Bluetooth is on"): the screen does not show label:"Bluetooth is on"`, `Bluetooth On`)
	r := runTask(t, ph, s, agents.ModeScript, "Turn on Bluetooth", script.Config{})
	if r.res.Outcome != agents.OutcomeSuccess || ph.Setting("global", "bluetooth_on") != "1" {
		t.Fatalf("outcome %s (%s)", r.res.Outcome, r.res.Reason)
	}
	var waited, handed bool
	for _, st := range r.steps {
		waited = waited || strings.HasPrefix(st.ActionText, "wait")
		handed = handed || strings.Contains(st.Error, "the step mode goes on")
	}
	if !waited || !handed {
		t.Errorf("the expect line should wait once, then hand over (waited %v, handed %v)", waited, handed)
	}
}

// A script with an unknown command, then one with an unbounded loop, is
// rejected before anything runs: the writer is told why once, and then
// the step mode does the task from the start.
func TestBadScriptsAreRejectedBeforeRunning(t *testing.T) {
	ph := simtest.Start(t)
	s := llmtest.NewServer(t)
	reply(s, "script writer", "```script\nhome\nopen \"Settings\"\nclick \"Connected devices\"\nclick \"Bluetooth\"\n```")
	reply(s, "script writer", "Fixed: taps, and a loop that scrolls until Bluetooth shows.\n```script\nhome\nopen \"Settings\"\ntap \"Connected devices\"\nrepeat_until label:\"Bluetooth\"\n  scroll down\nend\ntap role:switch label:\"Bluetooth\"\n```",
		`line 3 (click "Connected devices"): unknown command "click" (did you mean tap?)`, "nothing of it ran")
	reply(s, "planner", planBluetooth)
	reply(s, "decision", `{"action": {"action": "open_app", "app": "Settings"}, "subgoal_done": true}`, `<button id=15 text="Settings">`)
	reply(s, "decision", `{"action": {"action": "tap", "element": 5}, "expect": "the Connected devices page", "subgoal_done": true}`, `Connected devices`)
	reply(s, "decision", `{"action": {"action": "tap", "element": 4}, "subgoal_done": true}`, `Bluetooth Off`)
	reply(s, "planner", `{"subgoals": ["Turn Bluetooth on"], "current": 0, "finished": true}`, "every subgoal")
	r := runTask(t, ph, s, agents.ModeScript, "Turn on Bluetooth", script.Config{})
	if r.res.Outcome != agents.OutcomeSuccess || ph.Setting("global", "bluetooth_on") != "1" {
		t.Fatalf("outcome %s (%s)", r.res.Outcome, r.res.Reason)
	}
	if p := s.Request(1).LastUserText(); !strings.Contains(p, "repeat_until") || !strings.Contains(p, "click") {
		t.Errorf("the repair prompt should show the rejected script and the language:\n%s", p)
	}
	// Neither script's commands reached the phone (both start by pressing
	// home, which the step mode never does): the first action is the step
	// mode's.
	for _, st := range r.steps {
		if strings.Contains(st.ActionText, "home") {
			t.Errorf("step %d ran a rejected script's command: %s", st.Index, st.ActionText)
		}
	}
	if p := r.steps[0].Plan; p == nil || len(p.Subgoals) != 3 || r.steps[0].ActionText != "open app Settings" {
		t.Errorf("step 1 should be the step mode's: plan %+v, action %s", p, r.steps[0].ActionText)
	}
	if got := r.res.Totals.Roles["script writer"].Calls; got != 2 {
		t.Errorf("%d script writer calls, want 2 (one repair)", got)
	}
}

const planBluetooth = `{"thought": "Bluetooth lives under Connected devices", "subgoals": ["Open Settings", "Open Connected devices", "Turn Bluetooth on"], "current": 0}`
