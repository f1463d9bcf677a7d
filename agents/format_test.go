package agents_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/sim/simtest"
)

// validateRunDir checks every public file of a run directory against its
// schema (formats v2).
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
		n, err := format.ValidateLines(schema, f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", file, err)
		}
		if file == "steps.jsonl" && n == 0 {
			t.Errorf("%s has no lines", file)
		}
	}
}

// A model run on the virtual phone through the real adb server writes files
// that match their schemas; each step's record is a snapshot that the steps
// after it do not change; and a reader that takes every number as float64
// (jq, JavaScript) still compares screens and rectangles exactly.
func TestRunFilesFollowFormatsV2(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", planBluetooth)
	script(s, "decision", `{"thought":"Settings first","action":{"action":"open_app","app":"Settings"},"expect":"Settings opens","subgoal_done":true}`)
	script(s, "decision", `{"action":{"action":"tap","element":5},"expect":"the Connected devices page","subgoal_done":true}`, `Connected devices`)
	script(s, "decision", `{"action":{"action":"tap","element":4},"expect":"Bluetooth on","subgoal_done":true}`, `Bluetooth Off`)
	script(s, "planner", `{"thought":"all done","subgoals":["Open Settings","Open Connected devices","Turn Bluetooth on"],"current":2,"finished":true,"answer":""}`, "every subgoal of the plan is done")

	// Every record as it was when the agent emitted it.
	emitted := map[int][]byte{}
	var kept []*agents.Step
	cfg := h.config(nil)
	cfg.Model = s.Client()
	cfg.Observers = append(cfg.Observers, agents.ObserverFunc(func(e agents.Event) {
		if e.Phase == agents.PhaseStep {
			b, err := json.Marshal(e.Record)
			if err != nil {
				t.Error(err)
			}
			emitted[e.Step] = b
			kept = append(kept, e.Record)
		}
	}))
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(t.Context(), "Turn on Bluetooth")
	if err != nil {
		t.Fatalf("%s: %v", res.Outcome, err)
	}
	h.rec.Close()
	if len(kept) < 3 {
		t.Fatalf("%d steps", len(kept))
	}
	for _, st := range kept {
		b, _ := json.Marshal(st)
		if !bytes.Equal(b, emitted[st.Index]) {
			t.Errorf("the record of step %d changed after it was emitted:\nthen %s\nnow  %s", st.Index, emitted[st.Index], b)
		}
	}
	// Step 1 planned; its plan is the plan as the planner gave it, on
	// subgoal 0, although the step completed that subgoal.
	if kept[0].Plan == nil || kept[0].Plan.Current != 0 {
		t.Errorf("step 1 plan %+v; want the plan as planned (current 0)", kept[0].Plan)
	}
	validateRunDir(t, h.dir)

	// Hashes and rectangles survive float64 readers.
	f, err := os.ReadFile(filepath.Join(h.dir, "steps.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var hashes []any
	for _, line := range bytes.Split(bytes.TrimSpace(f), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, m["screen"].(map[string]any)["hash"])
		if x, ok := m["exec"].(map[string]any); ok && x["point"] != nil {
			if p := x["point"].([]any); len(p) != 2 {
				t.Errorf("exec.point %v is not [x, y]", p)
			}
		}
	}
	for i := range hashes {
		hs, ok := hashes[i].(string)
		if !ok || len(hs) != 16 {
			t.Fatalf("step %d hash %#v is not 16 hex digits", i+1, hashes[i])
		}
		if want := kept[i].Screen.Hash.String(); hs != want {
			t.Errorf("step %d hash %s read back as %s", i+1, want, hs)
		}
		for j := range i {
			if same := hashes[j] == hashes[i]; same != (kept[j].Screen.Hash == kept[i].Screen.Hash) {
				t.Errorf("steps %d and %d: a float64 reader says equal=%v, the hashes say %v", j+1, i+1, same, !same)
			}
		}
	}
}

// An instruction the person adds mid-run (Agent.Instruct, what MCP's
// inject_instruction calls) makes the planner plan again with it, reaches
// the decision too, and is kept in the step record.
func TestInstructMidRun(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"thought":"open Settings, then Display","subgoals":["Open Settings","Open Display"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Settings"},"expect":"Settings opens","subgoal_done":true}`)
	script(s, "planner", `{"thought":"the person wants Bluetooth instead","subgoals":["Open Connected devices","Turn Bluetooth on"],"current":0}`,
		"The person added, during the run", "- turn on Bluetooth instead of opening Display", "the person added an instruction")
	script(s, "decision", `{"action":{"action":"done","status":"success"}}`, "- turn on Bluetooth instead of opening Display")
	// A real verifier turns the early claim down.
	script(s, "verifier", `{"done": false, "reason": "The screen is the Settings main page; Bluetooth has not been turned on, which the person asked for."}`,
		"- turn on Bluetooth instead of opening Display")

	cfg := h.config(nil)
	cfg.Model = s.Client()
	cfg.Limits = agents.Limits{MaxSteps: 2}
	var a *agents.Agent
	cfg.Observers = append(cfg.Observers, agents.ObserverFunc(func(e agents.Event) {
		if e.Phase == agents.PhaseStep && e.Step == 1 {
			if err := a.Instruct("turn on Bluetooth instead of opening Display"); err != nil {
				t.Error(err)
			}
		}
	}))
	var err error
	if a, err = agents.New(cfg); err != nil {
		t.Fatal(err)
	}
	if err := a.Instruct("  "); err == nil {
		t.Error("an empty instruction was accepted")
	}
	a.Run(t.Context(), "Open the Display settings")
	h.rec.Close()
	_, steps, err := trajectory.Load(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 2 || len(steps[1].Instructions) != 1 || steps[1].Plan == nil {
		t.Fatalf("step 2 should carry the instruction and a new plan: %+v", steps)
	}
	if v := steps[1].Verification; v == nil || v.Verified || v.By != "verifier" {
		t.Errorf("the early claim should be turned down by the verifier: %+v", v)
	}
	validateRunDir(t, h.dir)
}
