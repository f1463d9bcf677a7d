package trajectory_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents/trajectory"
)

// A run directory of format 1 is refused with a message that says what to
// do, not with a decoding error.
func TestReportOfAFormat1Run(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "run.json"), []byte(`{"format":1,"status":"finished","task":"x","totals":{"duration_ns":5}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "steps.jsonl"), []byte(`{"step":1,"screen":{"width":1080,"height":2400,"hash":9710007365320851650}}`+"\n"), 0o644)
	_, err := trajectory.WriteReport(dir)
	if !errors.Is(err, trajectory.ErrOldFormat) || !strings.Contains(err.Error(), "format 1") || !strings.Contains(err.Error(), "run the task again") {
		t.Fatalf("report of a format-1 run: %v", err)
	}
}

// A killed run (run.json still says running) is rebuilt with the true step
// count and totals added up from its steps.
func TestReportOfAKilledRun(t *testing.T) {
	dir := record(t, 3, nil, "")
	b, _ := os.ReadFile(filepath.Join(dir, "run.json"))
	// As a kill -9 leaves it: the run.json written at the start.
	killed := strings.Replace(string(b), `"status": "finished"`, `"status": "running"`, 1)
	killed = strings.Replace(killed, `"steps": 3`, `"steps": 0`, 1)
	os.WriteFile(filepath.Join(dir, "run.json"), []byte(killed), 0o644)
	// The last step's record was written, its screenshot not yet.
	if err := os.Remove(filepath.Join(dir, "images", "step-003.jpg")); err != nil {
		t.Fatal(err)
	}
	run, steps, err := trajectory.Load(dir)
	if err != nil || !run.Recovered || run.Totals.Steps != 3 || len(steps) != 3 {
		t.Fatalf("run %+v, %d steps, %v", run.Totals, len(steps), err)
	}
	path, err := trajectory.WriteReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(path)
	if !strings.Contains(string(html), "never finished") || !strings.Contains(string(html), "<b>3</b>") {
		t.Errorf("the rebuilt report does not say the run never finished, or not its 3 steps")
	}
	if !strings.Contains(string(html), "images/step-003.jpg was not written") {
		t.Error("the report does not say the last screenshot was never written")
	}
}
