package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/llm/llmtest"
)

func scriptReply(s *llmtest.Server, role, text string, want ...string) {
	ms := []llmtest.Matcher{llmtest.SystemContains("You are the " + role + " ")}
	for _, w := range want {
		ms = append(ms, llmtest.LastUserContains(w))
	}
	s.Reply(text).When(ms...)
}

// A bad --mode, or script and steward mode without a model, are usage
// errors naming the fix, before the phone or the run directory is touched.
func TestTaskModeFlag(t *testing.T) {
	code, _, errOut := runCLI(t, "task", "Turn on Bluetooth", "--mode", "scripted")
	if code != ExitUsage || !strings.Contains(errOut, `"scripted" is not a mode: use steps`) {
		t.Errorf("exit %d: %s", code, errOut)
	}
	for _, mode := range []string{"script", "steward"} {
		dir := filepath.Join(t.TempDir(), "run")
		// No phone and no adb server: the check comes first.
		code, _, errOut = runCLI(t, "task", "Turn on Bluetooth", "--mode", mode, "--model", "offline", "--adb-server", "127.0.0.1:9", "--no-memory", "--out", dir)
		if code != ExitUsage || !strings.Contains(errOut, "--mode "+mode+" needs a model (--model PROFILE") {
			t.Errorf("%s mode without a model: exit %d: %s", mode, code, errOut)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%s mode without a model left a run directory: %v", mode, err)
		}
	}
	code, out, _ := runCLI(t, "task", "--help")
	for _, w := range []string{"--mode mode", "script   the model writes the whole task once", "steward  for tasks across apps", "docs/steward-mode.md", "--mode steward --model"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("task --help (exit %d) lacks %q", code, w)
		}
	}
}

// With a model per role, the planner's model writes the script: the
// script writer's request goes to the planner's endpoint, none to the
// decision's.
func TestTaskScriptModePerRole(t *testing.T) {
	pa, ph := phoneArgs(t)
	local, cloud := llmtest.NewServer(t), llmtest.NewServer(t)
	scriptReply(cloud, "script writer", "Bluetooth is in Settings > Connected devices.\n\n```\nopen \"Settings\"\ntap label:\"Connected devices\"\ntap role:switch label:\"Bluetooth\" checked:false\nexpect role:switch label:\"Bluetooth\" checked:true\ndone\n```")
	cfg := writeConfig(t, `models:
  local:
    profile: openai-compatible:qwen2.5-7b-instruct
    base_url: `+local.URL+`
  cloud:
    profile: openai-compatible:gpt-4o
    base_url: `+cloud.URL+`
task:
  model: local
roles:
  planner: cloud
`, 0o644)
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI(t, append([]string{"task", "Turn on Bluetooth", "--mode", "script", "--config", cfg, "--out", dir}, pa...)...)
	if code != 0 || !strings.Contains(out, "outcome: success") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if ph.Setting("global", "bluetooth_on") != "1" {
		t.Error("Bluetooth is off")
	}
	if n := len(local.Requests()); n != 0 {
		t.Errorf("the decision's endpoint got %d requests", n)
	}
}

// mobagent task --mode script: one model call writes the script, the run
// record and the report say script.
func TestTaskScriptMode(t *testing.T) {
	pa, ph := phoneArgs(t)
	s := llmtest.NewServer(t)
	scriptReply(s, "script writer", "Settings > Connected devices has the Bluetooth toggle.\n\n```script\nopen \"Settings\"\ntap label:\"Connected devices\"\ntap role:switch label:\"Bluetooth\" checked:false\nexpect role:switch label:\"Bluetooth\" checked:true\ndone\n```")
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI(t, append(append([]string{"task", "Turn on Bluetooth", "--mode", "script", "--out", dir}, pa...), modelArgs(s)...)...)
	if code != 0 || !strings.Contains(out, "outcome: success") || !strings.Contains(errOut, "mode script") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if ph.Setting("global", "bluetooth_on") != "1" {
		t.Error("Bluetooth is off")
	}
	run, _, err := trajectory.Load(dir)
	if err != nil || run.Settings.Mode != agents.ModeScript || run.Totals.ModelCalls != 1 {
		t.Fatalf("run.json: %v %+v", err, run)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(html), "mode <b>script</b>") {
		t.Error("the report does not show the mode")
	}
}

// mobagent task --mode steward: the steward's record holds the dispatch
// tree, each staff's run is its own run directory with its report.
func TestTaskStewardMode(t *testing.T) {
	pa, ph := phoneArgs(t)
	s := llmtest.NewServer(t)
	scriptReply(s, "steward", `{"thought": "Only Settings is needed.", "subtasks": [{"app": "Settings", "task": "Turn on Bluetooth.", "answer": ""}]}`, "Apps on the phone:")
	scriptReply(s, "planner", faultPlan, "Task: Turn on Bluetooth.")
	scriptReply(s, "decision", `{"action":{"action":"open_app","app":"Settings"},"subgoal_done":true}`, `<button id=15 text="Settings">`)
	scriptReply(s, "decision", `{"action":{"action":"tap","element":5},"expect":"the Connected devices page","subgoal_done":true}`, "Connected devices")
	scriptReply(s, "decision", `{"action":{"action":"tap","element":4},"subgoal_done":true}`, "Bluetooth Off")
	scriptReply(s, "planner", `{"subgoals":["Turn Bluetooth on"],"current":0,"finished":true}`, "every subgoal")
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI(t, append(append([]string{"task", "Turn on Bluetooth", "--mode", "steward", "--out", dir}, pa...), modelArgs(s)...)...)
	if code != 0 || !strings.Contains(out, "outcome: success") || !strings.Contains(errOut, "mode steward") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if ph.Setting("global", "bluetooth_on") != "1" {
		t.Error("Bluetooth is off")
	}
	run, steps, err := trajectory.Load(dir)
	if err != nil || run.Settings.Mode != agents.ModeSteward || run.Dispatch == nil || len(run.Dispatch.Subtasks) != 1 || len(steps) != 1 || run.Totals.ModelCalls != 6 {
		t.Fatalf("run.json: %v %+v (%d steps)", err, run, len(steps))
	}
	sub := filepath.Join(dir, run.Dispatch.Subtasks[0].Attempts[0].Dir)
	if _, err := os.Stat(filepath.Join(sub, "report.html")); err != nil {
		t.Errorf("the staff's report: %v", err)
	}
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if !strings.Contains(string(html), "Dispatch tree") || !strings.Contains(string(html), "staff/01-settings/report.html") {
		t.Error("the report does not show the dispatch tree")
	}
}

// --staff-mode script: the steward's one staff writes its subtask as one
// script, so the task costs two calls; the staff's run says script.
func TestTaskStewardScriptStaff(t *testing.T) {
	code, _, errOut := runCLI(t, "task", "Turn on Bluetooth", "--staff-mode", "script", "--model", "openai-compatible:x", "--base-url", "http://127.0.0.1:9/v1")
	if code != ExitUsage || !strings.Contains(errOut, "--staff-mode is for the steward's staff: add --mode steward") {
		t.Errorf("--staff-mode without --mode steward: exit %d: %s", code, errOut)
	}
	code, _, errOut = runCLI(t, "task", "Turn on Bluetooth", "--mode", "steward", "--staff-mode", "steward", "--model", "openai-compatible:x", "--base-url", "http://127.0.0.1:9/v1")
	if code != ExitUsage || !strings.Contains(errOut, "--staff-mode steward: the staff run in steps or script mode") {
		t.Errorf("--staff-mode steward: exit %d: %s", code, errOut)
	}
	pa, ph := phoneArgs(t)
	s := llmtest.NewServer(t)
	scriptReply(s, "steward", "```json\n{\"thought\": \"Bluetooth is a Settings toggle.\", \"subtasks\": [{\"app\": \"Settings\", \"task\": \"Turn on Bluetooth.\", \"answer\": \"\"}]}\n```", "Apps on the phone:")
	scriptReply(s, "script writer", "Connected devices has the toggle.\n\n```script\nopen \"Settings\"\ntap label:\"Connected devices\"\ntap role:switch label:\"Bluetooth\" checked:false\nexpect role:switch label:\"Bluetooth\" checked:true\ndone\n```", "Task: Turn on Bluetooth.")
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runCLI(t, append(append([]string{"task", "Turn on Bluetooth", "--mode", "steward", "--staff-mode", "script", "--out", dir}, pa...), modelArgs(s)...)...)
	if code != 0 || !strings.Contains(out, "outcome: success") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if ph.Setting("global", "bluetooth_on") != "1" {
		t.Error("Bluetooth is off")
	}
	run, _, err := trajectory.Load(dir)
	if err != nil || run.Dispatch == nil || len(run.Dispatch.Subtasks) != 1 || run.Totals.ModelCalls != 2 || !strings.Contains(run.Settings.Roles, "staff in script mode") {
		t.Fatalf("run.json: %v %+v", err, run)
	}
	staff, _, err := trajectory.Load(filepath.Join(dir, run.Dispatch.Subtasks[0].Attempts[0].Dir))
	if err != nil || staff.Settings.Mode != agents.ModeScript {
		t.Errorf("the staff's run.json: %v, mode %q", err, staff.Settings.Mode)
	}
}

// Ctrl-C while a staff works: exit 130, and the steward's run directory
// says interrupted, with the subtask that was running in its tree.
func TestTaskStewardInterrupted(t *testing.T) {
	pa, _ := phoneArgs(t)
	s := llmtest.NewServer(t)
	scriptReply(s, "steward", `{"thought": "Only Settings is needed.", "subtasks": [{"app": "Settings", "task": "Turn on Bluetooth.", "answer": ""}]}`, "Apps on the phone:")
	ctx, cancel := context.WithCancel(context.Background())
	ctrlC := llmtest.Match("the person presses Ctrl-C", func(*llmtest.Request) bool { cancel(); return true })
	s.Reply(faultPlan).When(llmtest.SystemContains("You are the planner "), ctrlC)
	dir := filepath.Join(t.TempDir(), "run")
	io, _, _ := testStreams()
	opts := &TaskOptions{IO: io, Instruction: "Turn on Bluetooth", Mode: "steward", Out: dir, MaxSteps: 10, Confirm: "approve", NoMemory: true,
		Perception: perceptionFlags{OCR: "off"}, Model: "openai-compatible:" + llmtest.DefaultModel, BaseURL: s.URL}
	opts.Server, opts.Device = pa[1], pa[3]
	err := taskRun(ctx, opts)
	if code := exitCode(err); code != ExitInterrupted {
		t.Fatalf("exit %d (%v), want 130", code, err)
	}
	run, _, err := trajectory.Load(dir)
	if err != nil || run.Outcome != agents.OutcomeInterrupted || run.Status != trajectory.StatusFinished || run.Dispatch == nil || len(run.Dispatch.Subtasks) != 1 {
		t.Fatalf("run %+v, %v", run, err)
	}
	if st := run.Dispatch.Subtasks[0]; st.Status != "failed" || len(st.Attempts) != 1 || st.Attempts[0].Outcome != agents.OutcomeInterrupted {
		t.Errorf("the subtask: %+v", st)
	}
}
