package script_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/script"
	"github.com/mobagent/mobagent/agents/trajectory"
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
