package agents_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/mobagent/mobagent/agents"
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
