package trajectory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/draw"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

func screen(c color.Color) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 1080, 2400))
	draw.Draw(img, img.Bounds(), &image.Uniform{c}, image.Point{}, draw.Src)
	// Some structure so the JPEG is not trivially small.
	for y := 0; y < 2400; y += 120 {
		draw.Draw(img, image.Rect(40, y+20, 1040, y+90), &image.Uniform{color.RGBA{30, 30, 30, 255}}, image.Point{}, draw.Src)
	}
	return img
}

// record feeds a Recorder a synthetic run of n steps, the way agents.Agent
// does, and returns the run directory.
func record(t *testing.T, n int, red *safety.Redactor, secret string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	rec, err := trajectory.Create(dir, trajectory.Config{Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	start := time.Date(2026, 6, 12, 9, 41, 0, 0, time.UTC)
	rec.OnEvent(agents.Event{Phase: agents.PhaseRunStart, Run: &agents.RunInfo{Task: "Turn on Wi-Fi " + secret, Model: "test", Device: "sim", Start: start}})
	for i := 1; i <= n; i++ {
		raw, _ := actions.MarshalJSON(actions.Tap{Target: actions.Target{Element: i}})
		p := [2]int{100 * i, 200 * i}
		st := &agents.Step{Format: format.Version, Index: i, Start: start, Screen: agents.ScreenSummary{Package: "com.android.settings", Size: [2]int{1080, 2400}, Text: "<text id=1 text=\"" + secret + "\">"},
			Thought: "tap it <script>alert(1)</script>", Action: raw, ActionText: "tap element 1", Image: screen(color.RGBA{uint8(20 * i), 200, 255, 255}),
			Gate:       &safety.Decision{Verdict: safety.VerdictAllowed, AnsweredBy: safety.ByPolicy, Effect: safety.EffectAllow, Reason: "no risk"},
			Exec:       &agents.Exec{Point: &p},
			Reflection: &agents.Reflection{Verdict: agents.VerdictSuccess, Note: "ok", Skipped: true, Reason: "certain"},
			Timings:    agents.Timings{Total: format.Ms(300 * time.Millisecond), Model: format.Ms(200 * time.Millisecond)},
			Calls:      []agents.Call{{Role: "decision", Prompt: "screen says " + secret, Response: `{"action":"tap"}`}}}
		if i == n {
			st.Exec = &agents.Exec{Point: &[2]int{500, 1800}, End: &[2]int{500, 600}}
		}
		rec.OnEvent(agents.Event{Phase: agents.PhaseObserve, Obs: &agents.Observation{Screen: &perception.Screen{Image: st.Image}}})
		rec.OnEvent(agents.Event{Phase: agents.PhaseStep, Step: i, Record: st})
	}
	rec.OnEvent(agents.Event{Phase: agents.PhaseRunEnd, Result: &agents.Result{Outcome: agents.OutcomeSuccess, Answer: "done", End: start.Add(time.Minute),
		Totals: agents.Totals{Steps: n, ModelCalls: n, Duration: format.Ms(time.Duration(n) * 300 * time.Millisecond), Model: format.Ms(time.Duration(n) * 200 * time.Millisecond)}}})
	if err := rec.Flush(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRecordLoadReport(t *testing.T) {
	red := &safety.Redactor{}
	red.Add("PIN", "Zq7-93011")
	dir := record(t, 5, red, "Zq7-93011")
	run, steps, err := trajectory.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "finished" || run.Outcome != agents.OutcomeSuccess || len(steps) != 5 || run.Overhead != format.Ms(100*time.Millisecond) {
		t.Fatalf("run %+v, %d steps", run, len(steps))
	}
	if steps[0].Screenshot == "" || steps[4].Exec.End == nil {
		t.Errorf("step files or swipe missing: %+v", steps[0])
	}
	path, err := trajectory.WriteReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("<script>alert")) {
		t.Error("screen text reached the report unescaped")
	}
	if bytes.Contains(b, []byte("http://")) || bytes.Contains(b, []byte("https://")) {
		t.Error("the report refers to something outside itself")
	}
	if per := len(b) / 5; per > 150<<10 {
		t.Errorf("the report takes %d KB per step, want under 150", per>>10)
	}
	// No secret in any file.
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(p)
		if bytes.Contains(data, []byte("Zq7-93011")) {
			t.Errorf("%s holds the secret", p)
		}
		return nil
	})
}

func TestLoadKeepsWholeStepsOfACrash(t *testing.T) {
	dir := record(t, 3, nil, "")
	f, _ := os.OpenFile(filepath.Join(dir, "steps.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"step":4,"scre`)
	f.Close()
	_, steps, err := trajectory.Load(dir)
	if err != nil || len(steps) != 3 {
		t.Fatalf("%d steps, %v", len(steps), err)
	}
	if _, err := trajectory.Create(dir, trajectory.Config{}); err == nil {
		t.Error("Create should refuse a directory that holds a run")
	}
	if _, _, err := trajectory.Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "run.json") {
		t.Errorf("an empty directory: %v", err)
	}
}

// TestReportInChromium loads the report in headless Chromium: its script
// must run without errors (it sets data-ok="true" after counting the steps
// and checking the images) and every step must show.
func TestReportInChromium(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; CI must install it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed (apt-get install chromium); skipping the browser test of the report")
	}
	const n = 6
	dir := record(t, n, nil, "")
	path, err := trajectory.WriteReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"}
	shot := filepath.Join(t.TempDir(), "report.png")
	cmd := exec.CommandContext(ctx, bin, append(args, "--dump-dom", "file://"+path)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	if !bytes.Contains(dom, []byte(`data-ok="true"`)) {
		t.Errorf("the report's script did not finish (no data-ok=\"true\"):\n%.2000s\nstderr:\n%s", dom, stderr.String())
	}
	if got := strings.Count(string(dom), `<section class="step" id="step-`); got != n {
		t.Errorf("chromium shows %d steps, want %d", got, n)
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console: %s", line)
		}
	}
	// A screenshot, for people to look at with -v.
	if out, err := exec.CommandContext(ctx, bin, append(args, "--window-size=1200,1600", "--screenshot="+shot, "file://"+path)...).CombinedOutput(); err != nil {
		t.Errorf("chromium screenshot: %v\n%s", err, out)
	} else {
		t.Logf("screenshot of the report: %s", shot)
	}
	_ = json.Valid
}
