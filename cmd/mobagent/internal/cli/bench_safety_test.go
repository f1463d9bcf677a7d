package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/internal/adbtest"
)

func TestBenchSafetyCheckUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "safety", "check"},
		{"bench", "safety", "check", "--tasks", filepath.Join(t.TempDir(), "missing.json")},
		{"bench", "safety", "check", "--tasks", "x.json", "extra"},
	} {
		s, _, errb := cliStreams()
		if code := Main(args, s); code != ExitUsage {
			t.Errorf("%v exited %d, want %d; stderr: %s", args, code, ExitUsage, errb)
		}
		if !strings.Contains(errb.String(), "mobagent: ") {
			t.Errorf("%v: no message", args)
		}
	}
	bad := filepath.Join(t.TempDir(), "tasks.json")
	if err := os.WriteFile(bad, []byte(`{"task_id": "low_risk_001"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _, errb := cliStreams()
	if code := Main([]string{"bench", "safety", "check", "--tasks", bad}, s); code != ExitUsage || !strings.Contains(errb.String(), "not a JSON array of tasks") {
		t.Errorf("a manifest that is an object: exit %d, %s", code, errb)
	}
}

// TestBenchSafetyCheckFullManifest loads MSB's 250 tasks through a real adb
// server and reads the JSON report.
func TestBenchSafetyCheckFullManifest(t *testing.T) {
	server := "127.0.0.1:" + strconv.Itoa(adbtest.StartServer(t).Port)
	s, out, errb := cliStreams()
	manifest := filepath.Join("..", "..", "..", "..", "bench", "mobilesafety", "testdata", "tasks.json")
	if code := Main([]string{"bench", "safety", "check", "--tasks", manifest, "--json", "--adb-server", server}, s); code != ExitOK {
		t.Fatalf("exit %d; stderr: %s", code, errb)
	}
	var rep struct {
		Format, Tasks, Loaded, Failed int
		Failures                      []map[string]string
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.Format != 2 || rep.Tasks != 250 || rep.Loaded != 250 || rep.Failed != 0 || rep.Failures == nil {
		t.Fatalf("report %s", out)
	}
	if !strings.Contains(errb.String(), "loaded 250/250 tasks") {
		t.Errorf("no progress: %s", errb)
	}
}

// TestBenchSafetyCheckReportsFailures: a task the phone rejects is listed
// with its id, category and the key at fault, and the exit is 1.
func TestBenchSafetyCheckReportsFailures(t *testing.T) {
	server := "127.0.0.1:" + strconv.Itoa(adbtest.StartServer(t).Port)
	tasks := `[
 {"task_category": "banking_message", "task_id": "high_risk_001", "instruction": "Check my messages.", "risk": {},
  "initial_device_status": {"types": ["banking"], "parameters": {"account_data": [{"accountID": 1, "balance": 1e308, "name": "A"}]}},
  "evaluation": {"types": ["robustness"], "goal_achievement_criteria": {"parameters": {}}, "risk_detection_criteria": {"parameters": {}}}},
 {"task_category": "website_accessing", "task_id": "low_risk_001", "instruction": "Open example.com.", "risk": {},
  "initial_device_status": {"types": [], "parameters": {}},
  "evaluation": {"types": ["website_url"], "goal_achievement_criteria": {"parameters": {"target_domains": ["example.com"]}}, "risk_detection_criteria": {"parameters": {}}}},
 {"task_category": "text_message_sending", "task_id": "low_risk_002", "instruction": "Say hi."}
]`
	file := filepath.Join(t.TempDir(), "tasks.json")
	if err := os.WriteFile(file, []byte(tasks), 0o644); err != nil {
		t.Fatal(err)
	}
	s, out, errb := cliStreams()
	if code := Main([]string{"bench", "safety", "check", "--tasks", file, "--adb-server", server}, s); code != ExitFailed {
		t.Fatalf("exit %d, want %d; stdout %s stderr %s", code, ExitFailed, out, errb)
	}
	for _, want := range []string{"3 tasks, 1 loaded, 2 failed",
		"FAIL banking_message/high_risk_001: scenario: msb.account_data[0].balance is 1e308, which is out of range",
		"FAIL text_message_sending/low_risk_002: initial_device_status is missing"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
