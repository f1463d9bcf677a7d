package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/internal/adbtest"
	"github.com/mobagent/mobagent/memory"
)

// privateADB starts an adb server of our own on a free port.
func privateADB(t *testing.T) string {
	t.Helper()
	return "127.0.0.1:" + strconv.Itoa(adbtest.StartServer(t).Port)
}

func testStreams() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}, &out, &errOut
}

// With no device attached and no model configured, task serves the virtual
// phone itself and uses the offline policy, and says so.
func TestTaskOfflineOnVirtualPhone(t *testing.T) {
	srv := privateADB(t)
	io, out, errOut := testStreams()
	dir := filepath.Join(t.TempDir(), "run")
	opts := &TaskOptions{IO: io, Instruction: "Turn on Bluetooth", Server: srv, MaxSteps: 10, Confirm: "approve", Out: dir, Perception: perceptionFlags{OCR: "off"},
		SimAddr: "127.0.0.1:0", Environ: []string{}, NoMemory: true}
	if err := taskRun(context.Background(), opts); err != nil {
		t.Fatalf("task: %v\n%s\n%s", err, out, errOut)
	}
	for _, want := range []string{"offline policy", "serving the virtual phone", "step 1", "open app Settings"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, errOut)
		}
	}
	if !strings.Contains(out.String(), "report: "+filepath.Join(dir, "report.html")) || !strings.Contains(out.String(), "outcome: success") {
		t.Errorf("output:\n%s", out)
	}
	run, steps, err := trajectory.Load(dir)
	if err != nil || run.Outcome != "success" || len(steps) < 3 || run.Model != "offline" {
		t.Fatalf("run %+v, %d steps, %v", run, len(steps), err)
	}
	// mobagent report rebuilds it.
	os.Remove(filepath.Join(dir, "report.html"))
	io2, out2, _ := testStreams()
	if err := reportRun(context.Background(), &ReportOptions{IO: io2, Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(strings.TrimSpace(out2.String())); err != nil {
		t.Errorf("report: %v", err)
	}
}

// With --memory the run is indexed and, without a model, a successful run
// becomes a shortcut; the progress says so.
func TestTaskMemory(t *testing.T) {
	srv := privateADB(t)
	io, out, errOut := testStreams()
	dir := filepath.Join(t.TempDir(), "run")
	db := filepath.Join(t.TempDir(), "memory.db")
	opts := &TaskOptions{IO: io, Instruction: "Turn on dark theme", Server: srv, MaxSteps: 10, Confirm: "approve", Out: dir, Perception: perceptionFlags{OCR: "off"},
		SimAddr: "127.0.0.1:0", Environ: []string{}, Memory: db, NoReport: true}
	if err := taskRun(context.Background(), opts); err != nil {
		t.Fatalf("task: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(errOut.String(), "memory: learned shortcut turn_dark_theme (3 steps, from the trajectory), without a model") {
		t.Errorf("progress does not say what memory learned:\n%s", errOut)
	}
	store, err := memory.Open(db, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	runs, err := store.Runs()
	if err != nil || len(runs) != 1 || runs[0].Outcome != "success" || runs[0].Dir != dir || runs[0].App != "com.android.settings" {
		t.Errorf("run index %+v, %v", runs, err)
	}
	if _, err := store.Shortcut("turn_dark_theme"); err != nil {
		t.Error(err)
	}

	// --memory naming a file that is not a store fails before the run.
	bad := filepath.Join(t.TempDir(), "not-a-store")
	os.WriteFile(bad, []byte("not bolt"), 0o644)
	io2, _, _ := testStreams()
	opts2 := &TaskOptions{IO: io2, Instruction: "Turn on dark theme", Server: srv, MaxSteps: 3, Confirm: "deny", Out: filepath.Join(t.TempDir(), "run2"), Perception: perceptionFlags{OCR: "off"},
		SimAddr: "127.0.0.1:0", Environ: []string{}, Memory: bad, NoReport: true}
	var ee *exitError
	if err := taskRun(context.Background(), opts2); !errors.As(err, &ee) || !strings.Contains(err.Error(), "--memory") {
		t.Errorf("a bad --memory: %v", err)
	}
}

func TestTaskMemoryFlags(t *testing.T) {
	io, _, _ := testStreams()
	var got *TaskOptions
	cmd := newCmdTask(NewFactory(io), func(_ context.Context, o *TaskOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"x", "--memory", "/tmp/m.db"})
	if err := cmd.Execute(); err != nil || got.Memory != "/tmp/m.db" || got.NoMemory {
		t.Errorf("--memory: %+v, %v", got, err)
	}
	cmd = newCmdTask(NewFactory(io), func(_ context.Context, o *TaskOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"x", "--no-memory"})
	if err := cmd.Execute(); err != nil || got.Memory != "" || !got.NoMemory {
		t.Errorf("--no-memory: %+v, %v", got, err)
	}
}

func TestTaskUsageErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		opts TaskOptions
		code int
		want string
	}{
		{"confirm", TaskOptions{Confirm: "maybe", Perception: perceptionFlags{OCR: "off"}, MaxSteps: 3}, ExitUsage, "--confirm"},
		{"ocr", TaskOptions{Confirm: "deny", Perception: perceptionFlags{OCR: "sometimes"}, MaxSteps: 3}, ExitUsage, "--ocr"},
		{"steps", TaskOptions{Confirm: "deny", Perception: perceptionFlags{OCR: "off"}, MaxSteps: 0}, ExitUsage, "--max-steps"},
		{"prompts", TaskOptions{Confirm: "deny", Perception: perceptionFlags{OCR: "off"}, MaxSteps: 3, Prompts: "/nonexistent"}, ExitUsage, "--prompts"},
		{"model key", TaskOptions{Confirm: "deny", Perception: perceptionFlags{OCR: "off"}, MaxSteps: 3, Model: "openai:gpt-4o"}, ExitUnavailable, "OPENAI_API_KEY"},
		{"memory", TaskOptions{Confirm: "deny", Perception: perceptionFlags{OCR: "off"}, MaxSteps: 3, Memory: "/tmp/m.db", NoMemory: true}, ExitUsage, "--no-memory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			io, _, _ := testStreams()
			c.opts.IO, c.opts.Instruction, c.opts.Environ = io, "x", []string{}
			err := taskRun(context.Background(), &c.opts)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != c.code || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v (code %v), want code %d mentioning %q", err, ee, c.code, c.want)
			}
		})
	}
	io, _, _ := testStreams()
	if code := Main([]string{"report", filepath.Join(t.TempDir(), "none")}, io); code != ExitFailed {
		t.Errorf("report of a missing run: exit %d", code)
	}
	if code := Main([]string{"task"}, io); code != ExitUsage {
		t.Errorf("task without an instruction: exit %d", code)
	}
}

func TestSlug(t *testing.T) {
	if got := slug(`Send "hi" to Mom!`); got != "send-hi-to-mom" {
		t.Errorf("slug %q", got)
	}
}
