package memory_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/sim/simtest"
)

// rig drives one virtual phone through the real adb server.
type rig struct {
	t    *testing.T
	ctx  context.Context
	dev  *adb.Device
	look memory.PerceiveFunc
	exec memory.ExecFunc
	ex   *actions.Executor
}

func newRig(t *testing.T) *rig {
	t.Helper()
	dev := simtest.Start(t).Device
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	ex := actions.NewExecutor(dev, actions.ExecutorConfig{SettleTimeout: -1})
	per := &perception.Perceiver{NoVision: true}
	return &rig{t: t, ctx: ctx, dev: dev, ex: ex, exec: memory.ExecutorFunc(ex),
		look: memory.PerceiverFunc(per, dev, perception.PerceiveOptions{OCR: perception.OCRNever})}
}

func (r *rig) screen() *perception.Screen {
	r.t.Helper()
	s, err := r.look(r.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	return s
}

func (r *rig) do(a actions.Action, s *perception.Screen) {
	r.t.Helper()
	if err := r.exec(r.ctx, a, s); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) elementStarting(s *perception.Screen, prefix string) perception.Element {
	r.t.Helper()
	for _, e := range s.Elements {
		if e.Clickable && strings.HasPrefix(e.Label(), prefix) {
			return e
		}
	}
	r.t.Fatalf("no clickable %q on %s", prefix, memory.Describe(s))
	return perception.Element{}
}

// darkMode reads the setting through adb, as a checker would.
func (r *rig) darkMode() bool {
	r.t.Helper()
	res, err := r.dev.Shell(r.ctx, "settings", "get", "secure", "ui_night_mode")
	if err != nil {
		r.t.Fatal(err)
	}
	return strings.TrimSpace(string(res.Stdout)) == "2"
}

// recordDarkTheme performs "open Settings → Display → Dark theme" by hand
// on the phone and returns the trajectory.
func recordDarkTheme(r *rig) memory.RunSummary {
	s0 := r.screen()
	r.do(actions.OpenApp{App: "Settings"}, s0)
	s1 := r.screen()
	r.do(actions.Tap{Target: actions.Target{Element: r.elementStarting(s1, "Display").ID}}, s1)
	s2 := r.screen()
	r.do(actions.Tap{Target: actions.Target{Element: r.elementStarting(s2, "Dark theme").ID}}, s2)
	s3 := r.screen()
	return memory.RunSummary{RunID: "rec-1", Task: "Turn on the dark theme", Apps: []string{"com.android.settings"}, Outcome: memory.OutcomeSuccess,
		Steps: []memory.TrajectoryStep{
			{Action: actions.OpenApp{App: "Settings"}, Screen: s0},
			{Action: actions.Tap{Target: actions.Target{Element: r.elementStarting(s1, "Display").ID}}, Screen: s1},
			{Action: actions.Tap{Target: actions.Target{Element: r.elementStarting(s2, "Dark theme").ID}}, Screen: s2},
			{Action: actions.Done{Status: actions.StatusSuccess}, Screen: s3},
		}}
}

func TestRecordedSettingsShortcutReplaysAndVerifies(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the virtual phone through adb")
	}
	rec := newRig(t)
	run := recordDarkTheme(rec)
	if !rec.darkMode() {
		t.Fatal("recording did not turn the dark theme on")
	}
	sc, err := memory.ShortcutFromTrajectory(run, "dark_theme_on")
	if err != nil {
		t.Fatal(err)
	}
	store, err := memory.Open(filepath.Join(t.TempDir(), "memory.db"), memory.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.PutShortcut(sc); err != nil {
		t.Fatal(err)
	}

	// A fresh phone: replay and verify.
	r := newRig(t)
	if r.darkMode() {
		t.Fatal("a fresh phone is already dark")
	}
	// Each action is executed on the screen its element was found on.
	checked := func(ctx context.Context, a actions.Action, s *perception.Screen) error {
		if tap, ok := a.(actions.Tap); ok && tap.Target.Element != 0 {
			if s == nil {
				t.Errorf("%s executed without the screen its element was found on", actions.Describe(a, nil))
			} else if _, ok := s.Element(tap.Target.Element); !ok {
				t.Errorf("%s executed on a screen without element %d: %s", actions.Describe(a, nil), tap.Target.Element, memory.Describe(s))
			}
		}
		return r.exec(ctx, a, s)
	}
	res, err := memory.RunShortcut(r.ctx, r.dev, r.look, checked, sc, nil)
	if err != nil {
		t.Fatalf("replay: %v\nshortcut: %+v", err, sc)
	}
	if !res.OK || res.StepsRun != 3 || !r.darkMode() {
		t.Errorf("result %+v; dark mode %v", res, r.darkMode())
	}

	// Through the executor's run_shortcut action, on another fresh phone.
	r2 := newRig(t)
	var got memory.ShortcutResult
	runner := &memory.Runner{Store: store, Device: r2.dev, Perceive: r2.look, Exec: r2.exec, OnResult: func(res memory.ShortcutResult) { got = res }}
	outer := actions.NewExecutor(r2.dev, actions.ExecutorConfig{SettleTimeout: -1, Shortcuts: runner})
	if _, err := outer.Execute(r2.ctx, actions.RunShortcut{Name: "dark_theme_on"}, r2.screen(), actions.Frame{}); err != nil {
		t.Fatalf("run_shortcut through the executor: %v", err)
	}
	if !got.OK || !r2.darkMode() {
		t.Errorf("runner result %+v", got)
	}
	if st, _ := store.Shortcut("dark_theme_on"); st.Runs != 1 || st.Successes != 1 {
		t.Errorf("shortcut counters %d/%d", st.Runs, st.Successes)
	}
}

func TestShortcutStopsWithAPreciseMismatch(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the virtual phone through adb")
	}
	r := newRig(t)
	display := memory.Selector{Text: "Display"}

	// Precondition: the shortcut assumes Settings is open; the phone shows
	// the home screen.
	noOpen := memory.Shortcut{Name: "display_in_settings", Precondition: memory.Condition{App: "com.android.settings", Present: []memory.Selector{display}},
		Steps: []memory.ShortcutStep{{Action: actions.KindTap, Target: &display}}}
	res, err := memory.RunShortcut(r.ctx, r.dev, r.look, r.exec, noOpen, nil)
	var mm *memory.MismatchError
	if !errors.As(err, &mm) || !errors.Is(err, memory.ErrMismatch) {
		t.Fatalf("err = %v; want a *MismatchError", err)
	}
	if mm.Step != 0 || mm.Phase != memory.PhasePrecondition || !strings.Contains(mm.Expected, "app com.android.settings in the foreground") ||
		!strings.Contains(mm.Seen, "launcher") || res.StepsRun != 0 || res.Mismatch != mm {
		t.Errorf("mismatch = %+v, result %+v", mm, res)
	}

	// Mid-way: step 3 looks for a switch this phone calls "Dark theme".
	darkMode := memory.Selector{Text: "Dark mode"}
	broken := memory.Shortcut{Name: "dark_mode", Steps: []memory.ShortcutStep{
		{Action: actions.KindOpenApp, App: "com.android.settings", Expect: &memory.Condition{App: "com.android.settings"}},
		{Action: actions.KindTap, Target: &display, Expect: &memory.Condition{Present: []memory.Selector{{Text: "Dark theme"}}}},
		{Action: actions.KindTap, Target: &darkMode},
	}}
	res, err = memory.RunShortcut(r.ctx, r.dev, r.look, r.exec, broken, nil)
	if !errors.As(err, &mm) {
		t.Fatalf("err = %v; want a mismatch", err)
	}
	if mm.Step != 3 || mm.Phase != memory.PhaseResolve || !strings.Contains(mm.Expected, `text="Dark mode"`) || !strings.Contains(mm.Seen, "Dark theme") || res.StepsRun != 2 {
		t.Errorf("mismatch = %+v; steps run %d", mm, res.StepsRun)
	}
	if r.darkMode() {
		t.Error("the broken shortcut changed the setting")
	}
	if !strings.Contains(err.Error(), "step 3") {
		t.Errorf("message %q does not say which step", err)
	}

	// An expectation that fails after its step.
	wrong := memory.Shortcut{Name: "wrong_page", Steps: []memory.ShortcutStep{
		{Action: actions.KindKey, Key: "back"},
		{Action: actions.KindOpenApp, App: "com.android.settings"},
		{Action: actions.KindTap, Target: &display, Expect: &memory.Condition{Present: []memory.Selector{{Text: "Wi-Fi"}}}},
	}}
	_, err = memory.RunShortcut(r.ctx, r.dev, r.look, r.exec, wrong, nil)
	if !errors.As(err, &mm) || mm.Step != 3 || mm.Phase != memory.PhaseExpect || !strings.Contains(mm.Expected, `text="Wi-Fi"`) {
		t.Errorf("expect mismatch = %v", err)
	}

	// Missing arguments are reported before anything runs.
	typed := memory.Shortcut{Name: "typed", Params: []memory.Param{{Name: "q"}}, Steps: []memory.ShortcutStep{{Action: actions.KindType, Text: "{{q}}"}}}
	if _, err := memory.RunShortcut(r.ctx, r.dev, r.look, r.exec, typed, nil); !errors.As(err, &mm) || mm.Phase != memory.PhaseArgs {
		t.Errorf("missing argument: %v", err)
	}
}
