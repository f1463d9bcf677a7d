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
	start := time.Now()
	res := ShortcutResult{Name: sc.Name}
	defer func() { res.Duration = time.Since(start) }()
	fail := func(step int, phase, expected, seen string) (ShortcutResult, error) {
		m := &MismatchError{Shortcut: sc.Name, Step: step, Phase: phase, Expected: expected, Seen: seen}
		res.Mismatch = m
		res.Duration = time.Since(start)
		return res, m
	}
	if err := ValidateShortcut(sc); err != nil {
		return res, err
	}
	for _, p := range sc.Params {
		if _, ok := args[p.Name]; !ok {
			return fail(0, PhaseArgs, fmt.Sprintf("a value for parameter %q (%s)", p.Name, p.Description), "no such argument")
		}
	}
	look := func() (*perception.Screen, error) {
		s, err := perceive(ctx)
		res.Perceptions++
		if err != nil {
			return nil, fmt.Errorf("memory: shortcut %q: observe the screen: %w", sc.Name, err)
		}
		res.Screen = s
		return s, nil
	}
	// lookUntil observes until check passes, at most observeAttempts times.
	lookUntil := func(cur *perception.Screen, check func(*perception.Screen) string) (*perception.Screen, string, error) {
		var why string
		for i := 0; i < observeAttempts; i++ {
			if cur == nil || i > 0 {
				var err error
				if cur, err = look(); err != nil {
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
	foreground := func(s *perception.Screen) string {
		if dev == nil {
			return s.Package
		}
		fg, err := dev.Foreground(ctx)
		if err != nil || fg.Package == "" {
			return s.Package
		}
		return fg.Package
	}
	checkCond := func(c Condition) func(*perception.Screen) string {
		return func(s *perception.Screen) string { return unmet(c, s, foreground) }
	}

	var cur *perception.Screen
	first := 0
	if sc.Steps[0].Action == actions.KindOpenApp {
		first = 1
		a, err := stepAction(sc.Steps[0], args, nil)
		if err != nil {
			return fail(1, PhaseArgs, err.Error(), "arguments "+fmt.Sprint(args))
		}
		if err := exec(ctx, a, nil); err != nil {
			return res, fmt.Errorf("memory: shortcut %q step 1 (%s): %w", sc.Name, a.Kind(), err)
		}
		res.Actions = append(res.Actions, a)
		res.StepsRun = 1
	}
	pre := sc.Precondition
	if first == 1 && sc.Steps[0].Expect != nil {
		pre = mergeConditions(pre, *sc.Steps[0].Expect)
	}
	cur, why, err := lookUntil(nil, checkCond(pre))
	if err != nil {
		return res, err
	}
	if why != "" {
		return fail(first, PhasePrecondition, why, Describe(cur))
	}
	for i := first; i < len(sc.Steps); i++ {
		st := sc.Steps[i]
		n := i + 1
		var target *perception.Element
		if st.Target != nil && !st.Target.empty() {
			sel := *st.Target
			var found perception.Element
			cur, why, err = lookUntil(cur, func(s *perception.Screen) string {
				e, ok := sel.Find(s)
				if !ok {
					return "an element " + sel.String()
				}
				found = e
				return ""
			})
			if err != nil {
				return res, err
			}
			if why != "" {
				return fail(n, PhaseResolve, why, Describe(cur))
			}
			target = &found
		}
		a, err := stepAction(st, args, target)
		if err != nil {
			return fail(n, PhaseArgs, err.Error(), "arguments "+fmt.Sprint(args))
		}
		if err := exec(ctx, a, cur); err != nil {
			return res, fmt.Errorf("memory: shortcut %q step %d (%s): %w", sc.Name, n, a.Kind(), err)
		}
		res.Actions = append(res.Actions, a)
		res.StepsRun = n
		cond := Condition{}
		if st.Expect != nil {
			cond = *st.Expect
		}
		cur, why, err = lookUntil(nil, checkCond(cond))
		if err != nil {
			return res, err
		}
		if why != "" {
			return fail(n, PhaseExpect, why, Describe(cur))
		}
	}
	cur, why, err = lookUntil(cur, checkCond(sc.Postcondition))
	if err != nil {
		return res, err
	}
	if why != "" {
		return fail(len(sc.Steps), PhasePostcondition, why, Describe(cur))
	}
	res.OK = true
	return res, nil
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
