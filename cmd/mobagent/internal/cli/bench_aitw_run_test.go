package cli

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mobagent/mobagent/bench/aitw"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm/llmtest"
)

// writeAitwSet writes eps episodes of steps steps in the official layout
// (GZIP TFRecord under general/ and install/). Odd episodes' ground truth is
// PRESS_BACK, even ones' PRESS_HOME; every goal says which.
func writeAitwSet(t *testing.T, eps, steps int) string {
	t.Helper()
	dir := t.TempDir()
	for _, folder := range []string{"general", "install"} {
		if err := os.MkdirAll(filepath.Join(dir, folder), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, 40, 80))
	files := map[string]*aitw.RecordWriter{}
	var fhs []*os.File
	for i := range eps {
		folder := []string{"general", "install"}[i%2]
		w := files[folder]
		if w == nil {
			fh, err := os.Create(filepath.Join(dir, folder, folder+"-00000-of-00001"))
			if err != nil {
				t.Fatal(err)
			}
			fhs = append(fhs, fh)
			w = aitw.NewRecordWriter(fh, true)
			files[folder] = w
		}
		typ, word := aitw.PressHome, "home"
		if i%2 == 1 {
			typ, word = aitw.PressBack, "back"
		}
		for s := range steps {
			st := aitw.Step{EpisodeID: fmt.Sprint(1000 + i), StepID: s, EpisodeLength: steps, Goal: fmt.Sprintf("episode %d: press %s", i, word),
				Image:       func() (image.Image, error) { return img, nil },
				Annotations: []aitw.Annotation{{Box: [4]float64{0.1, 0.1, 0.1, 0.5}, Text: "Back", UIType: "TEXT"}},
				Action:      aitw.Action{ActionType: typ, TouchYX: aitw.NoPoint, LiftYX: aitw.NoPoint}}
			ex, err := aitw.EncodeStep(&st)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(ex.Marshal()); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, w := range files {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, fh := range fhs {
		if err := fh.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBenchAitwRunNeedsAModel(t *testing.T) {
	data := writeAitwSet(t, 1, 1)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", "offline"}, "AitW needs a model"},
		{[]string{"--model", "OFFLINE"}, "cannot answer single AitW steps"},
		{nil, "AitW needs a model: pass --model"},
		{[]string{"--model", "nonsense"}, "want provider:model"},
		{[]string{"--model", "openai:gpt-4o", "--subset", "games"}, "unknown subset"},
		{[]string{"--model", "openai:gpt-4o", "--concurrency", "0"}, "--concurrency 0"},
	} {
		s, _, errb := cliStreams()
		args := append([]string{"bench", "aitw", "run", "--episodes", data, "--out", t.TempDir()}, tc.args...)
		if code := Main(args, s); code != ExitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb, ExitUsage, tc.want)
		}
	}
	// A missing key is the model being unavailable, not bad usage.
	s, _, errb := cliStreams()
	if code := Main([]string{"bench", "aitw", "run", "--episodes", data, "--model", "openai:gpt-4o", "--out", t.TempDir()}, s); code != ExitUnavailable ||
		!strings.Contains(errb.String(), "OPENAI_API_KEY") {
		t.Errorf("no key: exit %d, stderr %q", code, errb)
	}
}

// TestBenchAitwRunScriptedResume runs the command against a scripted model
// over real HTTP, interrupts it as Ctrl-C would, and runs it again.
func TestBenchAitwRunScriptedResume(t *testing.T) {
	const eps, steps, concurrency = 6, 4, 3
	data := writeAitwSet(t, eps, steps)
	out := filepath.Join(t.TempDir(), "run")
	srv := llmtest.NewServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n atomic.Int64
	kill := llmtest.Match("counts requests; the 7th interrupts the run", func(*llmtest.Request) bool {
		if n.Add(1) == 7 {
			cancel()
		}
		return true
	})
	// Every reply presses back: the odd episodes (12 steps) match.
	srv.Reply(`{"thought":"back","action":{"action":"key","key":"back"}}`).When(kill, llmtest.HasImage(), llmtest.LastUserContains("episode ")).AnyTimes()
	args := []string{"bench", "aitw", "run", "--episodes", data, "--model", "openai-compatible:" + llmtest.DefaultModel,
		"--base-url", srv.URL, "--concurrency", fmt.Sprint(concurrency), "--vision", "on", "--out", out}

	// Run 1: interrupted.
	s, stdout, errb := cliStreams()
	root := NewRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if code := exitCode(err); code != ExitInterrupted || !strings.Contains(err.Error(), "run the same command again to resume") {
		t.Fatalf("run 1: exit %d (%v)\nstderr:\n%s", code, err, errb)
	}
	recorded := countLines(t, filepath.Join(out, aitw.ResultsFile))
	requests1 := len(srv.Requests())
	if recorded < 4 || recorded >= eps*steps || requests1 > recorded+concurrency {
		t.Fatalf("run 1: %d steps recorded, %d requests", recorded, requests1)
	}
	if stdout.Len() != 0 {
		t.Errorf("an interrupted run printed a report:\n%s", stdout)
	}

	// A rerun with another setup is refused rather than mixed in.
	s, _, errb = cliStreams()
	if code := Main(append(args, "--history", "2"), s); code != ExitUsage || !strings.Contains(errb.String(), "another setup") {
		t.Fatalf("changed setup: exit %d, stderr %s", code, errb)
	}

	// Run 2: resumes and finishes.
	s, stdout, errb = cliStreams()
	if code := Main(args, s); code != ExitOK {
		t.Fatalf("run 2: exit %d\nstderr:\n%s", code, errb)
	}
	// Run 2 made one call per step left (its meter, checked below, counts
	// them exactly); the server also saw run 1's calls, some of those cut
	// short at the interrupt perhaps late.
	if got := len(srv.Requests()); got < requests1+eps*steps-recorded || got > eps*steps+concurrency {
		t.Errorf("%d requests in all; want %d + %d, plus at most %d cut short", got, recorded, eps*steps-recorded, concurrency)
	}
	if got := countLines(t, filepath.Join(out, aitw.ResultsFile)); got != eps*steps {
		t.Errorf("results file has %d lines, want %d", got, eps*steps)
	}
	if rf, err := os.Open(filepath.Join(out, aitw.ResultsFile)); err == nil {
		if _, err := format.ValidateLines("aitw-results", rf); err != nil {
			t.Errorf("%s: %v", aitw.ResultsFile, err)
		}
		rf.Close()
	}
	if b, err := os.ReadFile(filepath.Join(out, "report.json")); err == nil {
		if err := format.Validate("aitw-report", b); err != nil {
			t.Errorf("report.json: %v", err)
		}
	} else {
		t.Errorf("no report.json: %v", err)
	}
	// Overall is the mean of General (episodes 0, 2, 4: home, 0%) and
	// Install (1, 3, 5: back, 100%).
	for _, want := range []string{"| **this run (openai-compatible:llmtest-model)** | 50.00 | 0.00 | 100.00 |", "reports: " + filepath.Join(out, "report.md")} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	for _, want := range []string{fmt.Sprintf("aitw: %d steps, model openai-compatible:llmtest-model, vision on, concurrency 3", eps*steps),
		fmt.Sprintf("] %d/%d 100.0%%  ETA 0s", eps*steps, eps*steps), fmt.Sprintf("resumed %d", recorded),
		fmt.Sprintf("%d steps predicted now, %d resumed, 0 failed; %d model calls", eps*steps-recorded, recorded, eps*steps-recorded)} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb)
		}
	}
	for _, name := range []string{"report.md", "report.json", "report.html", "run.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
}

func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if ee, ok := err.(*exitError); ok {
		return ee.code
	}
	return ExitFailed
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

// TestAitwProgressLine checks the single redrawn line of a terminal and the
// plain periodic lines otherwise, on a fake clock.
func TestAitwProgressLine(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	clock := func() time.Time { return now }
	steps := []struct {
		after time.Duration
		done  int
	}{{0, 1}, {50 * time.Millisecond, 2}, {200 * time.Millisecond, 3}, {11 * time.Second, 4}, {11*time.Second + time.Millisecond, 5}, {12 * time.Second, 10}}
	for _, tty := range []bool{true, false} {
		var buf bytes.Buffer
		p := newAitwProgress(&IOStreams{ErrOut: &buf}, &tty, 0, clock)
		for i, s := range steps {
			now = t0.Add(s.after)
			p.update(aitw.Progress{Done: s.done, Total: 10, Elapsed: s.after, ETA: time.Duration(10-s.done) * time.Second, CostUSD: 0.01 * float64(s.done)})
			if i == 2 {
				fmt.Fprintln(p, "level=WARN msg=oops")
			}
		}
		p.done()
		got := buf.String()
		if tty {
			// Drawn at steps 1, 3, 4 and 10 (2 and 5 come too soon), and
			// redrawn once after the log line.
			if strings.Count(got, "\r") != 6 || strings.Count(got, "\n") != 2 || !strings.HasSuffix(got, "\n") ||
				!strings.Contains(got, "\r\x1b[Klevel=WARN msg=oops\n\r") || strings.Contains(got, " 2/10") || strings.Contains(got, " 5/10") {
				t.Errorf("terminal output %q", got)
			}
		} else {
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			if strings.Contains(got, "\r") || len(lines) != 4 || !strings.Contains(lines[0], " 1/10") || !strings.Contains(lines[2], " 4/10") ||
				!strings.Contains(lines[3], "[########################] 10/10 100.0%  ETA 0s  elapsed 12s  cost $0.1000") {
				t.Errorf("plain output %q", got)
			}
		}
	}
	if got := formatAitwProgress(aitw.Progress{Done: 5, Total: 20, Resumed: 2, Failed: 1, Elapsed: 90 * time.Second, ETA: 150 * time.Second, CostUSD: 0.5}); got !=
		"aitw [######..................] 5/20  25.0%  ETA 2m30s  elapsed 1m30s  cost $0.5000  resumed 2  failed 1" {
		t.Errorf("formatAitwProgress = %q", got)
	}
}
