package memory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// ErrMismatch: a shortcut met a screen it did not expect. The error is a
// *MismatchError.
var ErrMismatch = errors.New("shortcut did not match the screen")

// Phase names where a shortcut stopped.
const (
	PhaseArgs          = "arguments"
	PhasePrecondition  = "precondition"
	PhaseResolve       = "resolve"       // the step's element is not on the screen
	PhaseExpect        = "expect"        // the screen after the step is not the expected one
	PhasePostcondition = "postcondition" // the end state is not the expected one
)

// MismatchError says where a shortcut left the recorded path: which step,
// what it expected and what the screen showed. The agent takes over from
// there.
type MismatchError struct {
	Shortcut string
	Step     int    // 1-based; 0 for the precondition and arguments
	Phase    string // PhaseXxx
	Expected string
	Seen     string
}

func (e *MismatchError) Error() string {
	where := "before the first step"
	if e.Step > 0 {
		where = fmt.Sprintf("at step %d", e.Step)
	}
	return fmt.Sprintf("shortcut %q stopped %s (%s): expected %s; the screen shows %s", e.Shortcut, where, e.Phase, e.Expected, e.Seen)
}

// Is matches ErrMismatch.
func (e *MismatchError) Is(target error) bool { return target == ErrMismatch }

// ShortcutResult reports a shortcut run.
type ShortcutResult struct {
	Name string
	// OK is set when every step ran and every expectation held.
	OK bool
	// StepsRun counts the steps executed.
	StepsRun int
	// Mismatch is set when the shortcut stopped on an unexpected screen.
	Mismatch *MismatchError
	// Actions are the concrete actions executed, in order.
	Actions []actions.Action
	// Screen is the last screen observed.
	Screen *perception.Screen
	// Perceptions counts screens taken.
	Perceptions int
	Duration    time.Duration
}

// PerceiveFunc observes the current screen.
type PerceiveFunc func(ctx context.Context) (*perception.Screen, error)

// ExecFunc performs one action chosen on screen s.
type ExecFunc func(ctx context.Context, a actions.Action, s *perception.Screen) error

// ExecutorFunc adapts an actions.Executor to an ExecFunc.
func ExecutorFunc(ex *actions.Executor) ExecFunc {
	return func(ctx context.Context, a actions.Action, s *perception.Screen) error {
		_, err := ex.Execute(ctx, a, s, actions.Frame{})
		return err
	}
}

// PerceiverFunc adapts a Perceiver reading dev to a PerceiveFunc.
func PerceiverFunc(p *perception.Perceiver, dev perception.ScreenSource, opts perception.PerceiveOptions) PerceiveFunc {
	return func(ctx context.Context) (*perception.Screen, error) { return p.Perceive(ctx, dev, opts) }
}

// observeAttempts bounds how often RunShortcut looks again at a screen that
// does not yet show what a step expects (slow loading, animations).
const observeAttempts = 3

// RunShortcut runs sc on the phone with args filling its parameters,
// verifying as it goes: the precondition first (the app in the foreground,
// the required elements present; when the first step is open_app it is
// checked after that step), then for each step it finds the step's element
// on the current screen by its selector, executes the action through exec,
// and checks the step's expectation on the next screen. It stops at the
// first mismatch and returns the result with Mismatch set together with the
// *MismatchError (errors.Is(err, ErrMismatch)), so the agent can take over.
// Other errors (perception, execution, ctx) are returned as they are.
//
// dev is read for the foreground app; input goes through exec only.
func RunShortcut(ctx context.Context, dev device.Device, perceive PerceiveFunc, exec ExecFunc, sc Shortcut, args map[string]string) (ShortcutResult, error) {
	r := &replay{dev: dev, perceive: perceive, exec: exec, sc: sc, args: args, start: time.Now()}
	r.res.Name = sc.Name
	defer func() { r.res.Duration = time.Since(r.start) }()
	if err := ValidateShortcut(sc); err != nil {
		return r.res, err
	}
	for _, p := range sc.Params {
		if _, ok := args[p.Name]; !ok {
			return r.fail(0, PhaseArgs, fmt.Sprintf("a value for parameter %q (%s)", p.Name, p.Description), "no such argument")
		}
	}
	first := 0
	pre := sc.Precondition
	if sc.Steps[0].Action == actions.KindOpenApp {
		// The app is opened before the precondition is checked, which then
		// also holds the first step's expectation.
		first = 1
		a, err := stepAction(sc.Steps[0], args, nil)
		if err != nil {
			return r.fail(1, PhaseArgs, err.Error(), "arguments "+fmt.Sprint(args))
		}
		if err := r.act(ctx, 1, a, nil); err != nil {
			return r.res, err
		}
		if sc.Steps[0].Expect != nil {
			pre = mergeConditions(pre, *sc.Steps[0].Expect)
		}
	}
	cur, why, err := r.lookUntil(ctx, nil, r.cond(ctx, pre))
	if err != nil {
		return r.res, err
	}
	if why != "" {
		return r.fail(first, PhasePrecondition, why, Describe(cur))
	}
	for i := first; i < len(sc.Steps); i++ {
		if cur, err = r.step(ctx, i, cur); err != nil || r.res.Mismatch != nil {
			return r.res, err
		}
	}
	cur, why, err = r.lookUntil(ctx, cur, r.cond(ctx, sc.Postcondition))
	if err != nil {
		return r.res, err
	}
	if why != "" {
		return r.fail(len(sc.Steps), PhasePostcondition, why, Describe(cur))
	}
	r.res.OK = true
	return r.res, nil
}

// replay is one run of a shortcut.
type replay struct {
	dev      device.Device
	perceive PerceiveFunc
	exec     ExecFunc
	sc       Shortcut
	args     map[string]string
	start    time.Time
	res      ShortcutResult
}

// fail records a mismatch at step (1-based; 0 before any step).
func (r *replay) fail(step int, phase, expected, seen string) (ShortcutResult, error) {
	m := &MismatchError{Shortcut: r.sc.Name, Step: step, Phase: phase, Expected: expected, Seen: seen}
	r.res.Mismatch = m
	r.res.Duration = time.Since(r.start)
	return r.res, m
}

// step runs step i (0-based) from screen cur: it finds the step's element,
// executes the action and checks the expectation on the next screen, which
// it returns. A mismatch is recorded in r.res and returned as an error.
func (r *replay) step(ctx context.Context, i int, cur *perception.Screen) (*perception.Screen, error) {
	st := r.sc.Steps[i]
	n := i + 1
	var target *perception.Element
	if st.Target != nil && !st.Target.empty() {
		sel := *st.Target
		var found perception.Element
		var why string
		var err error
		cur, why, err = r.lookUntil(ctx, cur, func(s *perception.Screen) string {
			e, ok := sel.Find(s)
			if !ok {
				return "an element " + sel.String()
			}
			found = e
			return ""
		})
		if err != nil {
			return cur, err
		}
		if why != "" {
			_, err := r.fail(n, PhaseResolve, why, Describe(cur))
			return cur, err
		}
		target = &found
	}
	a, err := stepAction(st, r.args, target)
	if err != nil {
		_, err := r.fail(n, PhaseArgs, err.Error(), "arguments "+fmt.Sprint(r.args))
		return cur, err
	}
	if err := r.act(ctx, n, a, cur); err != nil {
		return cur, err
	}
	cond := Condition{}
	if st.Expect != nil {
		cond = *st.Expect
	}
	next, why, err := r.lookUntil(ctx, nil, r.cond(ctx, cond))
	if err != nil {
		return next, err
	}
	if why != "" {
		_, err := r.fail(n, PhaseExpect, why, Describe(next))
		return next, err
	}
	return next, nil
}

// act executes step n's action chosen on screen s.
func (r *replay) act(ctx context.Context, n int, a actions.Action, s *perception.Screen) error {
	if err := r.exec(ctx, a, s); err != nil {
		return fmt.Errorf("memory: shortcut %q step %d (%s): %w", r.sc.Name, n, a.Kind(), err)
	}
	r.res.Actions = append(r.res.Actions, a)
	r.res.StepsRun = n
	return nil
}

func (r *replay) look(ctx context.Context) (*perception.Screen, error) {
	s, err := r.perceive(ctx)
	r.res.Perceptions++
	if err != nil {
		return nil, fmt.Errorf("memory: shortcut %q: observe the screen: %w", r.sc.Name, err)
	}
	r.res.Screen = s
	return s, nil
}

// lookUntil observes until check passes (it returns "" then, or what is
// missing), at most observeAttempts times; cur, when not nil, is the first
// screen checked.
func (r *replay) lookUntil(ctx context.Context, cur *perception.Screen, check func(*perception.Screen) string) (*perception.Screen, string, error) {
	var why string
	for i := 0; i < observeAttempts; i++ {
		if cur == nil || i > 0 {
			var err error
			if cur, err = r.look(ctx); err != nil {
				return nil, "", err
			}
		}
		if why = check(cur); why == "" {
			return cur, "", nil
		}
		if err := ctx.Err(); err != nil {
			return cur, "", err
		}
	}
	return cur, why, nil
}

// cond checks c on a screen, with the device's foreground app when it
// tells one.
func (r *replay) cond(ctx context.Context, c Condition) func(*perception.Screen) string {
	foreground := func(s *perception.Screen) string {
		if r.dev == nil {
			return s.Package
		}
		fg, err := r.dev.Foreground(ctx)
		if err != nil || fg.Package == "" {
			return s.Package
		}
		return fg.Package
	}
	return func(s *perception.Screen) string { return unmet(c, s, foreground) }
}

func mergeConditions(a, b Condition) Condition {
	if a.App == "" {
		a.App = b.App
	}
	if a.Activity == "" {
		a.Activity = b.Activity
	}
	a.Present = append(append([]Selector(nil), a.Present...), b.Present...)
	a.Absent = append(append([]Selector(nil), a.Absent...), b.Absent...)
	return a
}

// unmet returns what of c the screen s lacks, or "" when c holds.
func unmet(c Condition, s *perception.Screen, foreground func(*perception.Screen) string) string {
	var miss []string
	if c.App != "" {
		if fg := foreground(s); fg != c.App {
			miss = append(miss, fmt.Sprintf("app %s in the foreground (it is %s)", c.App, orNone(fg)))
		}
	}
	if c.Activity != "" && s.Activity != c.Activity && shortActivity(s.Package, s.Activity) != c.Activity {
		miss = append(miss, fmt.Sprintf("activity %s", c.Activity))
	}
	for _, sel := range c.Present {
		if _, ok := sel.Find(s); !ok {
			miss = append(miss, "an element "+sel.String())
		}
	}
	for _, sel := range c.Absent {
		if e, ok := sel.Find(s); ok {
			miss = append(miss, fmt.Sprintf("no element %s (found %q)", sel.String(), e.Label()))
		}
	}
	return strings.Join(miss, " and ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// stepAction makes the concrete action of a step, with its element (found
// on the current screen) and its arguments filled in.
func stepAction(st ShortcutStep, args map[string]string, target *perception.Element) (actions.Action, error) {
	id := 0
	if target != nil {
		id = target.ID
	}
	d := time.Duration(st.DurationMS) * time.Millisecond
	switch st.Action {
	case actions.KindTap:
		return actions.Tap{Target: actions.Target{Element: id}}, nil
	case actions.KindLongPress:
		return actions.LongPress{Target: actions.Target{Element: id}, Duration: d}, nil
	case actions.KindType:
		text, err := fill(st.Text, args)
		if err != nil {
			return nil, err
		}
		return actions.Type{Text: text, Element: id, Submit: st.Submit, Clear: st.Clear}, nil
	case actions.KindKey:
		return actions.Key{Key: device.Key(st.Key)}, nil
	case actions.KindOpenApp:
		app, err := fill(st.App, args)
		if err != nil {
			return nil, err
		}
		return actions.OpenApp{App: app}, nil
	case actions.KindSwipe:
		return actions.Swipe{Direction: st.Direction, Distance: st.Distance, Element: id, Duration: d}, nil
	case actions.KindWait:
		return actions.Wait{Duration: d}, nil
	}
	return nil, fmt.Errorf("step action %q cannot run in a shortcut", st.Action)
}

// Runner runs stored shortcuts for the actions executor: it satisfies
// actions.ShortcutResolver by running the whole shortcut, verified, through
// RunShortcut, and hands the executor nothing left to do. A mismatch comes
// back as the resolver's error (a *MismatchError inside the executor's
// *ActionError), so the agent sees which step failed and takes over.
//
// Exec must not be the executor that calls the Runner (use a second
// Executor over the same device, with ExecutorFunc). Use a Runner from the
// goroutine that owns the device.
type Runner struct {
	Store    *Store
	Device   device.Device
	Perceive PerceiveFunc
	Exec     ExecFunc
	// OnResult, when set, receives every result (for the trajectory).
	OnResult func(ShortcutResult)
}

var _ actions.ShortcutResolver = (*Runner)(nil)

// ResolveShortcut runs the named shortcut and returns no further actions.
func (r *Runner) ResolveShortcut(ctx context.Context, name string, args map[string]string) ([]actions.Action, error) {
	if r.Store == nil || r.Perceive == nil || r.Exec == nil {
		return nil, errors.New("memory: Runner needs a Store, Perceive and Exec")
	}
	sc, err := r.Store.Shortcut(name)
	if err != nil {
		return nil, err
	}
	res, err := RunShortcut(ctx, r.Device, r.Perceive, r.Exec, sc, args)
	if r.OnResult != nil {
		r.OnResult(res)
	}
	if err == nil || res.Mismatch != nil {
		if rerr := r.Store.RecordShortcutRun(name, res.OK); rerr != nil {
			r.Store.log.Warn("could not count a shortcut run", "shortcut", name, "err", rerr)
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, nil
}
