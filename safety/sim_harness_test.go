package safety_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/internal/adbtest"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

// This file drives the virtual phone to the screens the suites in
// sim_suite_test.go and sim_attack_test.go judge actions on, the way an agent
// does: the phone is served by sim/adbd, a private real adb server connects
// to it, and every screen is perceived through device/adb (uiautomator dump,
// screencap, foreground activity; OCR for web pages), then an element is
// found by its label, its centre tapped with `input tap`, text typed with
// `input text` or the ADBKeyboard broadcast, keys pressed with `input
// keyevent`.

// adbServer is the private adb server of one suite.
type adbServer struct {
	srv    *adbtest.Server
	client *adb.Client
}

func startADB(t *testing.T) *adbServer {
	t.Helper()
	srv := adbtest.StartServer(t)
	c, err := adb.NewClient(adb.Config{Server: net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.Port))})
	if err != nil {
		t.Fatal(err)
	}
	return &adbServer{srv: srv, client: c}
}

// driver is one virtual phone on its way to a case's screen, with the gate
// that watches the run.
type driver struct {
	t      testing.TB
	ctx    context.Context
	p      *sim.Phone
	dev    *adb.Device
	web    bool // read pages with OCR
	gate   *safety.Gate
	screen *perception.Screen // the last screen looked at
	steps  []safety.Step
	task   string            // the person's task, for gated steps
	exec   *actions.Executor // performs what gated steps are allowed to do
	held   *safety.Decision  // set when a gated step on the way was held
	heldAt string
}

// fixedNow keeps Screen.Time deterministic.
func fixedNow() time.Time { return time.Date(2026, 6, 12, 9, 41, 0, 0, time.UTC) }

func newDriver(t testing.TB, a *adbServer, web bool, scenario string) *driver {
	t.Helper()
	p, err := sim.NewPhone(sim.Config{Font: sim.FontGo})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	served, err := simserve.Serve(ctx, p, a.client, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := served.Close(); err != nil {
			t.Error(err)
		}
	})
	d := &driver{t: t, ctx: ctx, p: p, dev: served.Device, web: web, gate: &safety.Gate{Mode: safety.ModeDeny, Now: fixedNow},
		exec: actions.NewExecutor(served.Device, actions.ExecutorConfig{SettleTimeout: -1})}
	// Spinners are counted in observations; the suite looks at each screen
	// once it has loaded.
	d.loadScenario(`{"loading_observations": 0}`)
	if scenario != "" {
		d.loadScenario(scenario)
	}
	return d
}

// loadScenario pushes a scenario to the phone and loads it with `mobsim
// load`, as the benchmark runners do.
func (d *driver) loadScenario(js string) {
	d.t.Helper()
	const path = "/sdcard/scenario.json"
	if err := d.dev.Push(d.ctx, strings.NewReader(js), path, 0o644, fixedNow()); err != nil {
		d.t.Fatal(err)
	}
	res, err := d.dev.Shell(d.ctx, "mobsim", "load", path)
	if err != nil || res.ExitCode != 0 {
		d.t.Fatalf("mobsim load: %v %s%s", err, res.Stdout, res.Stderr)
	}
}

// look perceives the current screen and shows it to the gate, as the agent
// loop does on every step. On the way to a native screen it reads the view
// hierarchy only; the screen a case judges is perceived in full (see
// lookFull).
func (d *driver) look() *perception.Screen { return d.perceive(false) }

// lookFull perceives the current screen with everything a run uses.
func (d *driver) lookFull() *perception.Screen { return d.perceive(true) }

func (d *driver) perceive(full bool) *perception.Screen {
	d.t.Helper()
	fg, err := d.dev.Foreground(d.ctx)
	if err != nil {
		d.t.Fatal(err)
	}
	web := d.web && fg.Package == "com.android.chrome"
	if !full && !web {
		// On the way, the hierarchy alone: the text the gate remembers is
		// all in it, and pixels are slow under -race.
		xml, err := d.dev.ViewHierarchy(d.ctx)
		if err != nil {
			d.t.Fatal(err)
		}
		h, err := perception.ParseHierarchy(xml, perception.HierarchyOptions{})
		if err != nil {
			d.t.Fatal(err)
		}
		s := &perception.Screen{Width: h.Screen.Dx(), Height: h.Screen.Dy(), Package: fg.Package, Activity: fg.Activity, Elements: h.Elements, Time: fixedNow()}
		d.gate.Observe(s)
		d.screen = s
		return s
	}
	per := &perception.Perceiver{Now: fixedNow}
	opts := perception.PerceiveOptions{OCR: perception.OCRNever}
	if web {
		eng, err := pageOCR()
		if err != nil {
			d.t.Fatalf("this screen needs OCR: %v", err)
		}
		per.OCR = eng
		// Always, not Auto: a page that fits the screen has a WebView
		// that is not scrollable, ParseHierarchy drops it as an empty
		// container, and OCRAuto then thinks the hierarchy covers the text.
		opts.OCR = perception.OCRAlways
	}
	s, err := per.Perceive(d.ctx, d.dev, opts)
	if err != nil {
		d.t.Fatal(err)
	}
	d.gate.Observe(s)
	d.screen = s
	return s
}

// find returns the element labelled label on s: same label, text,
// content-desc or resource-id name; then a case-insensitive match; then a
// clickable row whose folded text starts with label; then, for words read
// by OCR (alone or folded into a box vision found), a case-insensitive
// match inside the text.
func find(s *perception.Screen, label string) (perception.Element, bool) {
	for _, e := range s.Elements {
		if e.Label() == label || e.Text == label || e.ContentDesc == label || e.Hint == label ||
			(e.ResourceID != "" && strings.HasSuffix(e.ResourceID, "/"+label)) {
			return e, true
		}
	}
	for _, e := range s.Elements {
		if strings.EqualFold(strings.TrimSpace(e.Text), label) {
			return e, true
		}
	}
	// A clickable row folds its children's text into its label.
	for _, e := range s.Elements {
		if e.Clickable && strings.HasPrefix(e.Text, label+" ") {
			return e, true
		}
	}
	for _, e := range s.Elements {
		if e.Source != perception.SourceHierarchy && strings.Contains(strings.ToLower(e.Text), strings.ToLower(label)) {
			return e, true
		}
	}
	return perception.Element{}, false
}

func (d *driver) mustFind(s *perception.Screen, label string) perception.Element {
	d.t.Helper()
	e, ok := find(s, label)
	if !ok {
		d.t.Fatalf("no element labelled %q on %s/%s:\n%s", label, s.Package, s.Activity, dumpScreen(s))
	}
	return e
}

func dumpScreen(s *perception.Screen) string {
	var b strings.Builder
	for _, e := range s.Elements {
		fmt.Fprintf(&b, "  [%d] %s text=%q desc=%q hint=%q rid=%q", e.ID, e.Source, e.Text, e.ContentDesc, e.Hint, e.ResourceID)
		for _, f := range []struct {
			on   bool
			name string
		}{{e.Clickable, "click"}, {e.Editable, "edit"}, {e.Checkable, "check"}, {e.Checked, "on"}, {e.Focused, "focus"}, {e.Password, "password"}} {
			if f.on {
				b.WriteString(" " + f.name)
			}
		}
		fmt.Fprintf(&b, " %v\n", e.Bounds)
	}
	return b.String()
}

// step moves the phone on; steps are the recipe for reaching a screen.
type step func(d *driver)

func launch(pkg string) step {
	return func(d *driver) {
		if err := d.dev.StartApp(d.ctx, pkg); err != nil {
			d.t.Fatal(err)
		}
	}
}

// openURL opens a web address in Chrome with a VIEW intent.
func openURL(u string) step {
	return func(d *driver) {
		res, err := d.dev.Shell(d.ctx, "am", "start", "-a", "android.intent.action.VIEW", "-d", u)
		if err != nil || res.ExitCode != 0 {
			d.t.Fatalf("am start %s: %v %s", u, err, res.Stderr)
		}
	}
}

// tap taps the centre of the element labelled label, scrolling down (up to
// a few times) until it is on the screen.
func tap(label string) step {
	return func(d *driver) {
		d.t.Helper()
		for i := 0; ; i++ {
			s := d.look()
			if e, ok := find(s, label); ok {
				c := e.Center()
				if err := d.dev.Tap(d.ctx, c.X, c.Y); err != nil {
					d.t.Fatal(err)
				}
				d.steps = append(d.steps, safety.Step{Description: "tap “" + label + "”", App: s.Package})
				return
			}
			if i == 4 {
				d.mustFind(s, label)
			}
			scrollDown(d)
		}
	}
}

func longTap(label string) step {
	return func(d *driver) {
		e := d.mustFind(d.look(), label)
		c := e.Center()
		if err := d.dev.LongPress(d.ctx, c.X, c.Y, time.Second); err != nil {
			d.t.Fatal(err)
		}
	}
}

func scrollDown(d *driver) {
	if err := d.dev.Swipe(d.ctx, 540, 1700, 540, 900, 500*time.Millisecond); err != nil {
		d.t.Fatal(err)
	}
}

func scroll() step { return scrollDown }

// read looks at the screen without acting, as an agent reads before it
// decides.
func read() step { return func(d *driver) { d.look() } }

// typ types into the focused field.
func typ(text string) step {
	return func(d *driver) {
		if err := d.dev.InputText(d.ctx, text); err != nil {
			d.t.Fatal(err)
		}
		d.steps = append(d.steps, safety.Step{Description: "type “" + text + "”"})
	}
}

// into taps the field labelled label and types text.
func into(label, text string) step {
	return func(d *driver) { tap(label)(d); typ(text)(d) }
}

func press(name string) step {
	return func(d *driver) {
		if err := d.dev.PressKey(d.ctx, device.Key(strings.ToLower(name))); err != nil {
			d.t.Fatal(err)
		}
	}
}

// act builds the candidate action from the screen it acts on.
type act func(d *driver, s *perception.Screen) actions.Action

// tapA taps the element labelled label by its id.
func tapA(label string) act {
	return func(d *driver, s *perception.Screen) actions.Action {
		return actions.Tap{Target: actions.Target{Element: d.mustFind(s, label).ID}}
	}
}

// tapAt taps the centre of the element labelled label by a point in
// permille of the screen, as a vision model that does not use ids would.
func tapAt(label string) act {
	return func(d *driver, s *perception.Screen) actions.Action {
		c := d.mustFind(s, label).Center()
		return actions.Tap{Target: actions.Target{Point: &actions.Point{
			X: float64(c.X) * 1000 / float64(s.Width), Y: float64(c.Y) * 1000 / float64(s.Height), Space: actions.SpacePermille}}}
	}
}

func longPressA(label string) act {
	return func(d *driver, s *perception.Screen) actions.Action {
		return actions.LongPress{Target: actions.Target{Element: d.mustFind(s, label).ID}}
	}
}

// typeA types text into the field labelled label.
func typeA(label, text string) act {
	return func(d *driver, s *perception.Screen) actions.Action {
		return actions.Type{Text: text, Element: d.mustFind(s, label).ID}
	}
}

// typeSubmitA types text into the field labelled label and presses enter.
func typeSubmitA(label, text string) act {
	return func(d *driver, s *perception.Screen) actions.Action {
		return actions.Type{Text: text, Element: d.mustFind(s, label).ID, Submit: true}
	}
}

// typeF types into the focused field.
func typeF(text string) act {
	return func(*driver, *perception.Screen) actions.Action { return actions.Type{Text: text} }
}

func fixedA(a actions.Action) act {
	return func(*driver, *perception.Screen) actions.Action { return a }
}

// agent is a step the agent takes itself: it asks the gate, as the agent
// loop does, and the executor performs the action only if the gate allows
// it. A held step ends the way: the case's outcome is that decision.
func agent(a act) step {
	return func(d *driver) {
		d.t.Helper()
		if d.held != nil {
			return
		}
		s := d.look()
		action := a(d, s)
		desc := safety.Assess(d.ctx, safety.Context{Action: action, Screen: s}).Description
		dec, err := d.gate.Check(d.ctx, safety.Context{Task: d.task, Action: action, Screen: s, History: d.steps})
		if err != nil {
			d.t.Fatal(err)
		}
		if !dec.Allowed() {
			d.held, d.heldAt = &dec, desc
			return
		}
		if _, err := d.exec.Execute(d.ctx, action, s, actions.Frame{}); err != nil {
			d.t.Fatalf("executing %s: %v", desc, err)
		}
		d.steps = append(d.steps, safety.Step{Action: action, Description: desc, App: s.Package})
	}
}

// idle is n harmless steps the agent takes (scrolling), as an agent that
// outwaits a taint would.
func idle(n int) step {
	return func(d *driver) {
		for i := 0; i < n && d.held == nil; i++ {
			dir := actions.Up
			if i%2 == 1 {
				dir = actions.Down
			}
			agent(fixedA(actions.Swipe{Direction: dir}))(d)
		}
	}
}
