package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

// The fault suite: what mobagent does when its parts fail under it (the
// model, the phone, the store, the process itself) and when it is given bad
// input. Every case checks the exit status and the first line of the
// message; TestFaults prints the table the closing note reports.

type faultRow struct {
	fault string
	code  int
	first string
}

var (
	faultMu    sync.Mutex
	faultTable []faultRow
)

func recordFault(t *testing.T, fault string, code int, stderr string) {
	t.Helper()
	first := ""
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, "mobagent: ") {
			first = strings.TrimPrefix(l, "mobagent: ")
			break
		}
	}
	faultMu.Lock()
	faultTable = append(faultTable, faultRow{fault, code, first})
	faultMu.Unlock()
}

// phoneArgs serves a virtual phone behind a private adb server and returns
// the task flags that reach it, without memory and OCR.
func phoneArgs(t *testing.T) ([]string, *simtest.Phone) {
	t.Helper()
	srv := privateADB(t)
	ph := simtest.Serve(t, srv, simtest.HalfSize)
	return []string{"--adb-server", srv, "--device", ph.Serial, "--confirm", "approve", "--no-memory", "--ocr", "off"}, ph
}

func modelArgs(s *llmtest.Server) []string {
	return []string{"--model", "openai-compatible:" + llmtest.DefaultModel, "--base-url", s.URL}
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	s, out, errb := cliStreams()
	code := Main(args, s)
	return code, out.String(), errb.String()
}

const faultPlan = `{"thought":"Bluetooth is under Connected devices.","subgoals":["Open Settings","Open Connected devices","Turn Bluetooth on"],"current":0}`

func faultsModel(t *testing.T) {
	tests := []struct {
		name    string
		script  func(s *llmtest.Server)
		extra   []string
		code    int
		want    string
		maxReqs int // the server sees at most this many requests
	}{
		{"model answers 401", func(s *llmtest.Server) { s.ReplyError(401, "", nil).AnyTimes() }, nil, ExitUnavailable, "the model is unavailable", 1},
		{"model answers 500, every time", func(s *llmtest.Server) { s.ReplyError(500, "", nil).AnyTimes() }, nil, ExitUnavailable, "the model is unavailable", 4},
		{"model answers 429, every time", func(s *llmtest.Server) {
			s.ReplyError(429, "", http.Header{"Retry-After": {"0"}}).AnyTimes()
		}, nil, ExitUnavailable, "the model is unavailable", 4},
		{"model answers garbage", func(s *llmtest.Server) { s.ReplyBody("<html><body>502 Bad Gateway</body></html>").AnyTimes() }, nil, ExitUnavailable, "the model is unavailable", 4},
		{"model hangs, --timeout 4s", func(s *llmtest.Server) { s.ReplyHang().AnyTimes() }, []string{"--timeout", "4s"}, ExitFailed, "waiting for the model openai-compatible:llmtest-model", 1},
		{"model trickles, --timeout 4s", func(s *llmtest.Server) { s.ReplyTrickle(200 * time.Millisecond).AnyTimes() }, []string{"--timeout", "4s"}, ExitFailed, "waiting for the model", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pa, _ := phoneArgs(t)
			s := llmtest.NewServer(t)
			tt.script(s)
			args := append(append(append([]string{"task", "Turn on Bluetooth", "--out", filepath.Join(t.TempDir(), "run")}, pa...), modelArgs(s)...), tt.extra...)
			code, _, errOut := runCLI(t, args...)
			recordFault(t, tt.name, code, errOut)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, tt.code, tt.want, errOut)
			}
			if n := len(s.Requests()); n > tt.maxReqs {
				t.Errorf("the model was asked %d times; want at most %d (the run must stop at once)", n, tt.maxReqs)
			}
		})
	}
}

// The phone goes away mid-run: the run stops at once with exit 3 and asks
// the model nothing more.
func faultsPhoneLost(t *testing.T) {
	srv := privateADB(t)
	p, err := sim.NewPhone(simtest.HalfSize)
	if err != nil {
		t.Fatal(err)
	}
	ph := simtest.ServePhone(t, srv, p)
	s := llmtest.NewServer(t)
	s.Reply(faultPlan)
	var once sync.Once
	kill := llmtest.Match("the phone is unplugged while the model answers", func(*llmtest.Request) bool {
		once.Do(func() { ph.Stop() })
		return true
	})
	s.Reply(`{"thought":"Open Settings.","action":{"action":"open_app","app":"Settings"},"subgoal_done":true}`).When(kill)
	args := append([]string{"task", "Turn on Bluetooth", "--out", filepath.Join(t.TempDir(), "run"), "--adb-server", srv, "--device", ph.Serial,
		"--confirm", "approve", "--no-memory", "--ocr", "off"}, modelArgs(s)...)
	code, _, errOut := runCLI(t, args...)
	recordFault(t, "phone lost mid-run", code, errOut)
	if code != ExitUnavailable || !strings.Contains(errOut, "the device went away") {
		t.Errorf("exit %d, want 3 naming the device:\n%s", code, errOut)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d model requests; want 2 (the plan and the decision before the phone went)", n)
	}
}

// Ctrl-C mid-run: exit 130, the run directory says interrupted.
func faultsInterrupt(t *testing.T) {
	pa, _ := phoneArgs(t)
	s := llmtest.NewServer(t)
	s.Reply(faultPlan)
	ctx, cancel := context.WithCancel(context.Background())
	ctrlC := llmtest.Match("the person presses Ctrl-C", func(*llmtest.Request) bool { cancel(); return true })
	s.Reply(`{"action":{"action":"open_app","app":"Settings"},"subgoal_done":true}`).When(ctrlC)
	dir := filepath.Join(t.TempDir(), "run")
	io, _, errb := testStreams()
	opts := &TaskOptions{IO: io, Instruction: "Turn on Bluetooth", Out: dir, MaxSteps: 10, Confirm: "approve", NoMemory: true,
		Perception: perceptionFlags{OCR: "off"}, Model: "openai-compatible:" + llmtest.DefaultModel, BaseURL: s.URL}
	opts.Server, opts.Device = pa[1], pa[3]
	err := taskRun(ctx, opts)
	var ee *exitError
	code := -1
	if errors.As(err, &ee) {
		code = ee.code
	}
	recordFault(t, "Ctrl-C mid-run", code, "mobagent: "+fmt.Sprint(err)+"\n"+errb.String())
	if code != ExitInterrupted {
		t.Fatalf("exit %d (%v), want 130", code, err)
	}
	run, _, err := trajectory.Load(dir)
	if err != nil || run.Outcome != "interrupted" || run.Status != trajectory.StatusFinished {
		t.Errorf("run %+v, %v", run, err)
	}
}

// kill -9 mid-step: the run directory stays readable and the rebuilt report
// tells the true step count.
func faultsKilled(t *testing.T) {
	pa, _ := phoneArgs(t)
	s := llmtest.NewServer(t)
	s.Reply(faultPlan)
	s.Reply(`{"action":{"action":"open_app","app":"Settings"},"subgoal_done":true}`)
	s.Reply(`{"action":{"action":"tap","element":5},"expect":"Connected devices","subgoal_done":true}`)
	s.ReplyHang().AnyTimes() // step 3's decision never comes
	dir := filepath.Join(t.TempDir(), "run")
	args := append(append([]string{"task", "Turn on Bluetooth", "--out", dir}, pa...), modelArgs(s)...)
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cliArgsEnv+"="+string(raw), "OMP_THREAD_LIMIT=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for len(s.Requests()) < 4 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	run, steps, err := trajectory.Load(dir)
	if err != nil || !run.Recovered || len(steps) != 2 || run.Totals.Steps != 2 {
		t.Fatalf("after kill -9: run %+v, %d steps, %v\n%s", run, len(steps), err, errb.String())
	}
	code, out, errOut := runCLI(t, "report", dir)
	recordFault(t, "kill -9 mid-step, then mobagent report", code, errOut)
	html, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	if code != ExitOK || !strings.Contains(out, "report.html") || !strings.Contains(string(html), "never finished") {
		t.Errorf("report of the killed run: exit %d\n%s%s", code, out, errOut)
	}
}

// The store: held by another process, damaged, a directory.
func faultsMemory(t *testing.T) {
	dir := t.TempDir()
	held := filepath.Join(dir, "held.db")
	st, err := memory.Open(held, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	damaged := filepath.Join(dir, "damaged.db")
	os.WriteFile(damaged, bytes.Repeat([]byte("not a bolt file "), 1024), 0o600)
	for _, tt := range []struct {
		fault string
		args  []string
		code  int
		want  string
	}{
		{"memory file held by another process", []string{"memory", "stats", "--memory", held}, ExitUnavailable, "held by another mobagent"},
		{"damaged memory file", []string{"memory", "stats", "--memory", damaged}, ExitFailed, "mobagent memory export --salvage --memory " + damaged},
		{"damaged memory file, task", []string{"task", "Turn on Bluetooth", "--memory", damaged, "--model", "offline"}, ExitFailed, "--no-memory"},
		{"--memory names a directory", []string{"memory", "stats", "--memory", dir}, ExitUsage, "is a directory"},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		recordFault(t, tt.fault, code, errOut)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s", tt.fault, code, tt.code, tt.want, errOut)
		}
	}
}

func faultsBadInput(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty-run")
	text := filepath.Join(t.TempDir(), "episodes.jsonl")
	os.WriteFile(text, []byte("these are not episodes\nat all\n"), 0o644)
	preds := filepath.Join(t.TempDir(), "preds.jsonl")
	os.WriteFile(preds, nil, 0o644)
	for _, tt := range []struct {
		fault string
		args  []string
		code  int
		want  string
	}{
		{"negative --timeout", []string{"task", "x", "--timeout", "-5s"}, ExitUsage, "--timeout"},
		{"negative --max-cost", []string{"task", "x", "--max-cost", "-1"}, ExitUsage, "--max-cost"},
		{"negative --max-tokens", []string{"task", "x", "--max-tokens", "-10"}, ExitUsage, "--max-tokens"},
		{"empty task", []string{"task", "  ", "--out", empty}, ExitUsage, "the task is empty"},
		{"unknown memory subcommand", []string{"memory", "frobnicate"}, ExitUsage, "unknown command"},
		{"unknown bench subcommand", []string{"bench", "nope"}, ExitUsage, "unknown command"},
		{"unknown sim subcommand", []string{"sim", "nope"}, ExitUsage, "unknown command"},
		{"plain text as AitW episodes", []string{"bench", "aitw", "score", "--episodes", text, "--predictions", preds}, ExitFailed, "an episodes .jsonl file holds one JSON object a step"},
		{"plain text as AitW predictions", []string{"bench", "aitw", "score", "--episodes", text, "--predictions", text}, ExitFailed, "a predictions file holds one JSON object a step"},
		{"unknown --confirm", []string{"task", "x", "--confirm", "maybe"}, ExitUsage, "--confirm"},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		recordFault(t, tt.fault, code, errOut)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("%s: exit %d, want %d with %q:\n%s", tt.fault, code, tt.code, tt.want, errOut)
		}
	}
	if _, err := os.Stat(empty); err == nil {
		t.Error("an empty task left a run directory")
	}
}

// TestFaults prints the table of every fault above (run with -v).
func TestFaults(t *testing.T) {
	t.Run("model", faultsModel)
	t.Run("phone", faultsPhoneLost)
	t.Run("interrupt", faultsInterrupt)
	t.Run("killed", faultsKilled)
	t.Run("memory", faultsMemory)
	t.Run("input", faultsBadInput)
	faultMu.Lock()
	defer faultMu.Unlock()
	var b strings.Builder
	b.WriteString("| fault | exit | first line of the message |\n|---|---|---|\n")
	for _, r := range faultTable {
		fmt.Fprintf(&b, "| %s | %d | %s |\n", r.fault, r.code, r.first)
	}
	t.Log("\n" + b.String())
}
