package agents_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

var _ agents.Device = (*adb.Device)(nil)

// harness is one phone behind a private adb server, and a run directory.
type harness struct {
	t     *testing.T
	phone *simtest.Phone
	dir   string
	rec   *trajectory.Recorder
}

func newHarness(t *testing.T, server string) *harness {
	t.Helper()
	h := &harness{t: t, phone: simtest.Serve(t, server, sim.Config{}), dir: filepath.Join(t.TempDir(), "run")}
	return h
}

// config returns a Config for the phone with a recorder.
func (h *harness) config(red *safety.Redactor) agents.Config {
	h.t.Helper()
	rec, err := trajectory.Create(h.dir, trajectory.Config{Redactor: red})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { rec.Close() })
	h.rec = rec
	// The person asked for the task, so confirmations are approved (the
	// gate still denies what its rules deny).
	gate := &safety.Gate{Mode: safety.ModeApprove}
	return agents.Config{Device: h.phone.Device, Observers: []agents.Observer{rec}, Redactor: red, Gate: gate}
}

func (h *harness) setting(ns, key string) string { return h.phone.Setting(ns, key) }

// TestMain re-executes the test binary with OMP_THREAD_LIMIT=1, which
// Tesseract needs set before the process starts.
func TestMain(m *testing.M) {
	code, reexeced, err := tesseract.ReexecWithThreadLimit()
	if err != nil {
		panic(err)
	}
	if reexeced {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func TestOfflineToggleWiFi(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	if h.setting("global", "wifi_on") != "1" {
		t.Fatal("the phone should start with Wi-Fi on")
	}
	cfg := h.config(nil)
	cfg.Roles = offline.New(offline.Config{}).Roles()
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "Turn off Wi-Fi")
	if err != nil {
		t.Fatal(err)
	}
	if res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	if got := h.setting("global", "wifi_on"); got != "0" {
		t.Errorf("wifi_on = %q after the run, want 0", got)
	}
	run, steps, err := trajectory.Load(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Outcome != agents.OutcomeSuccess || len(steps) != res.Totals.Steps || run.Status != "finished" {
		t.Errorf("run.json: %+v with %d steps", run, len(steps))
	}
	report, err := trajectory.WriteReport(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(report)
	if !bytes.Contains(b, []byte("Turn off Wi-Fi")) || strings.Count(string(b), `class="step" id="step-`) != len(steps) {
		t.Errorf("the report does not show the task and %d steps", len(steps))
	}
	for _, st := range steps {
		t.Logf("step %d: %s | %v | overhead %v (perceive %v exec %v settle %v)", st.Index, st.ActionText, st.Reflection, st.Timings.Overhead(), st.Timings.Observe, st.Timings.Execute, st.Timings.Settle)
	}
}

// Ctrl-C (ctx cancelled) stops the run with outcome interrupted, and every
// finished step is in the run directory.
func TestInterruptedRunIsFlushed(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	cfg := h.config(nil)
	cfg.Roles = offline.New(offline.Config{}).Roles()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Observers = append(cfg.Observers, agents.ObserverFunc(func(e agents.Event) {
		if e.Phase == agents.PhaseStep && e.Step == 2 {
			cancel() // as Ctrl-C does through the CLI's signal context
		}
	}))
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(ctx, "Turn on Bluetooth")
	if !errors.Is(err, agents.ErrInterrupted) || res.Outcome != agents.OutcomeInterrupted {
		t.Fatalf("outcome %s (%v), want interrupted", res.Outcome, err)
	}
	run, steps, err := trajectory.Load(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "finished" || run.Outcome != agents.OutcomeInterrupted || len(steps) != 2 {
		t.Errorf("run %s/%s with %d steps, want finished/interrupted with 2", run.Status, run.Outcome, len(steps))
	}
}

func TestStops(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	for _, c := range []struct {
		name   string
		task   string
		limits agents.Limits
		want   agents.Outcome
	}{
		{"step limit", "Turn on Bluetooth", agents.Limits{MaxSteps: 1}, agents.OutcomeStepLimit},
		{"wall clock", "Turn on Bluetooth", agents.Limits{MaxDuration: time.Nanosecond}, agents.OutcomeBudget},
		// The offline policy keeps opening an app that does not exist.
		{"stuck", "Open Nonexistent", agents.Limits{MaxRepeats: 2}, agents.OutcomeStuck},
		{"unknown task", "Compose a sonnet about adb", agents.Limits{}, agents.OutcomeInfeasible},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := agents.Config{Device: h.phone.Device, Gate: &safety.Gate{Mode: safety.ModeApprove}, Limits: c.limits}
			cfg.Roles = offline.New(offline.Config{}).Roles()
			a, err := agents.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			res, _ := a.Run(context.Background(), c.task)
			if res.Outcome != c.want {
				t.Errorf("outcome %s (%s), want %s", res.Outcome, res.Reason, c.want)
			}
		})
	}
}

func TestNewChecksConfig(t *testing.T) {
	if _, err := agents.New(agents.Config{}); !errors.Is(err, agents.ErrConfig) {
		t.Errorf("no device: %v", err)
	}
	h := newHarness(t, simtest.ADBServer(t))
	if _, err := agents.New(agents.Config{Device: h.phone.Device}); !errors.Is(err, agents.ErrConfig) || !strings.Contains(err.Error(), "offline") {
		t.Errorf("no model and no roles: %v", err)
	}
}

func TestOfflineBluetoothDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	h := newHarness(t, simtest.ADBServer(t))
	cfg := h.config(nil)
	cfg.Roles = offline.New(offline.Config{}).Roles()
	a, _ := agents.New(cfg)
	res, _ := a.Run(context.Background(), os.Getenv("DUMP"))
	_, steps, _ := trajectory.Load(h.dir)
	for _, st := range steps {
		t.Logf("step %d: %s\n%s\n%v", st.Index, st.ActionText, st.Screen.Text, st.Reflection)
	}
	t.Log(res.Outcome, res.Reason, res.Answer)
}
