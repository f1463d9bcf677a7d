package explore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Options tune ExploreWith. The zero value works.
type Options struct {
	// Logger receives progress; nil discards.
	Logger *slog.Logger
	// Perceive are the options of every observation.
	Perceive perception.PerceiveOptions
	// MaxDepth bounds how many taps from the entry screen are explored;
	// zero means no bound but the budget.
	MaxDepth int
	// SettleLooks bounds the observations after a tap until two in a row
	// show the same screen; zero means 4.
	SettleLooks int
	// Progress, when set, is called after every exploring tap.
	Progress func(Report)
}

// Report says what an exploration did.
type Report struct {
	App         string   `json:"app"`
	Taps        int      `json:"taps"` // exploring taps, the budget's unit
	Screens     int      `json:"screens"`
	Transitions int      `json:"transitions"`
	Held        []string `json:"held,omitempty"` // elements the safety gate held back, with why
	LeftApp     int      `json:"left_app"`       // taps that left the app
	Relaunches  int      `json:"relaunches"`
	Skipped     []string `json:"skipped,omitempty"` // screens that could not be reached again
}

// Explore taps its way breadth-first through app (a label or package) and
// stores the screen graph in store: every screen it reaches (by
// memory.Signature), every transition, and what each element does. See
// ExploreWith.
func Explore(ctx context.Context, dev device.Device, perceiver *perception.Perceiver, gate *safety.Gate, store *memory.Store, app string, budget int) (Report, error) {
	return ExploreWith(ctx, dev, perceiver, gate, store, app, budget, Options{})
}

// ExploreWith explores with options. budget bounds the exploring taps (taps
// made only to get back to a screen are not counted). It opens the app fresh
// (force-stop, then start), and for each screen, in breadth-first order,
// taps each labelled clickable element of the app that is not a text field,
// records where it leads, and returns with back, or by relaunching the app
// and replaying the path when back does not lead to the same screen.
//
// Every candidate tap first goes through the safety gate in deny mode (the
// gate's policy, but nobody is asked and every confirm is a no): whatever
// the gate would hold, such as paying, sending or deleting, is skipped and
// noted in Report.Held. gate may be nil for the default policy.
//
// The phone is driven from the calling goroutine only.
func ExploreWith(ctx context.Context, dev device.Device, perceiver *perception.Perceiver, gate *safety.Gate, store *memory.Store, app string, budget int, opts Options) (Report, error) {
	if dev == nil || store == nil {
		return Report{}, errors.New("explore: a device and a memory store are required")
	}
	if budget <= 0 {
		return Report{}, fmt.Errorf("explore: budget %d: give a positive number of taps", budget)
	}
	if perceiver == nil {
		perceiver = &perception.Perceiver{}
	}
	if opts.SettleLooks <= 0 {
		opts.SettleLooks = 4
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	pkg, err := dev.ResolveApp(ctx, app)
	if err != nil {
		return Report{}, fmt.Errorf("explore: app %q: %w", app, err)
	}
	e := &explorer{dev: dev, ex: actions.NewExecutor(dev, actions.ExecutorConfig{Logger: log}), per: perceiver, store: store, pkg: pkg, opts: opts, log: log,
		gate: denyGate(gate), rep: Report{App: pkg}, known: map[string]*memory.Screen{}}
	return e.run(ctx, budget)
}

// denyGate is g's policy with every confirm answered no.
func denyGate(g *safety.Gate) *safety.Gate {
	if g == nil {
		return &safety.Gate{Mode: safety.ModeDeny, Confirmer: safety.AutoDeny{}}
	}
	return &safety.Gate{Policy: g.Policy, Mode: safety.ModeDeny, Confirmer: safety.AutoDeny{}, Audit: g.Audit, OnAudit: g.OnAudit,
		Redactor: g.Redactor, Logger: g.Logger, Now: g.Now}
}

type node struct {
	sig    string
	path   []memory.Selector
	screen *perception.Screen
}

// explorer is one exploration. Gestures go through the actions executor
// (with its settle policy), like every agent action.
type explorer struct {
	dev   device.Device
	ex    *actions.Executor
	per   *perception.Perceiver
	gate  *safety.Gate
	store *memory.Store
	pkg   string
	opts  Options
	log   *slog.Logger
	rep   Report
	known map[string]*memory.Screen
	cur   *perception.Screen
}

func (e *explorer) look(ctx context.Context) (*perception.Screen, error) {
	s, err := e.per.Perceive(ctx, e.dev, e.opts.Perceive)
	if err != nil {
		return nil, fmt.Errorf("explore: observe the screen: %w", err)
	}
	return s, nil
}

// settle observes until two observations in a row have the same signature,
// at most SettleLooks times.
func (e *explorer) settle(ctx context.Context) (*perception.Screen, error) {
	prev, err := e.look(ctx)
	if err != nil {
		return nil, err
	}
	for i := 1; i < e.opts.SettleLooks; i++ {
		s, err := e.look(ctx)
		if err != nil {
			return nil, err
		}
		if memory.Signature(s) == memory.Signature(prev) && s.Package == prev.Package {
			return s, nil
		}
		prev = s
	}
	return prev, nil
}

// restart opens the app fresh on its entry screen.
func (e *explorer) restart(ctx context.Context) error {
	e.rep.Relaunches++
	if _, err := e.dev.Shell(ctx, "am", "force-stop", e.pkg); err != nil {
		return fmt.Errorf("explore: stop %s: %w", e.pkg, err)
	}
	if err := e.dev.StartApp(ctx, e.pkg); err != nil {
		return fmt.Errorf("explore: start %s: %w", e.pkg, err)
	}
	s, err := e.settle(ctx)
	if err != nil {
		return err
	}
	e.cur = s
	return nil
}

// tap taps el on s through the executor.
func (e *explorer) tap(ctx context.Context, el perception.Element, s *perception.Screen) error {
	_, err := e.ex.Execute(ctx, actions.Tap{Target: actions.Target{Element: el.ID}}, s, actions.Frame{})
	return err
}

// reach brings the phone to n's screen: fresh start, then n's path.
func (e *explorer) reach(ctx context.Context, n node) error {
	if err := e.restart(ctx); err != nil {
		return err
	}
	for i, sel := range n.path {
		el, ok := sel.Find(e.cur)
		if !ok {
			return fmt.Errorf("step %d of the path: no element %s on %s", i+1, sel.String(), memory.Describe(e.cur))
		}
		if err := e.tap(ctx, el, e.cur); err != nil {
			return err
		}
		s, err := e.settle(ctx)
		if err != nil {
			return err
		}
		e.cur = s
	}
	if got := memory.Signature(e.cur); got != n.sig {
		return fmt.Errorf("the path led to another screen (%s)", memory.Describe(e.cur))
	}
	return nil
}

// candidates are the elements of s worth tapping, in reading order.
func (e *explorer) candidates(s *perception.Screen) []perception.Element {
	var out []perception.Element
	seen := map[string]bool{}
	for _, el := range s.Elements {
		if !el.Clickable || el.Editable || el.Password {
			continue
		}
		if el.Package != "" && el.Package != e.pkg {
			continue
		}
		if l := el.Label(); l == "" || navLabel(l) {
			continue
		}
		k := memory.SelectorFor(el, s).Key()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, el)
	}
	return out
}

func navLabel(l string) bool {
	switch l {
	case "Navigate up", "Back", "Up", "<", "More options":
		return true
	}
	return false
}

func (e *explorer) addScreen(s *perception.Screen, entry bool) (*memory.Screen, bool, error) {
	sig := memory.Signature(s)
	if sc, ok := e.known[sig]; ok {
		return sc, false, nil
	}
	sc := memory.ScreenOf(s)
	sc.Entry = entry
	e.known[sig] = &sc
	e.rep.Screens++
	return &sc, true, e.store.PutScreen(sc)
}

func (e *explorer) run(ctx context.Context, budget int) (Report, error) {
	if err := e.restart(ctx); err != nil {
		return e.rep, err
	}
	if e.cur.Package != e.pkg {
		return e.rep, fmt.Errorf("explore: %s did not come to the foreground (the screen shows %s)", e.pkg, memory.Describe(e.cur))
	}
	e.rep.Relaunches = 0
	root := node{sig: memory.Signature(e.cur), screen: e.cur}
	if _, _, err := e.addScreen(e.cur, true); err != nil {
		return e.rep, err
	}
	queue := []node{root}
	for len(queue) > 0 && e.rep.Taps < budget {
		if err := ctx.Err(); err != nil {
			return e.rep, err
		}
		n := queue[0]
		queue = queue[1:]
		if memory.Signature(e.cur) != n.sig {
			if err := e.reach(ctx, n); err != nil {
				e.rep.Skipped = append(e.rep.Skipped, fmt.Sprintf("%s: %v", n.sig, err))
				e.log.Warn("explore: cannot return to a screen", "screen", n.sig, "err", err)
				continue
			}
		}
		info := e.known[n.sig]
		tried := map[string]bool{}
		for _, cand := range e.candidates(n.screen) {
			if e.rep.Taps >= budget {
				break
			}
			sel := memory.SelectorFor(cand, n.screen)
			if tried[sel.Key()] {
				continue
			}
			tried[sel.Key()] = true
			ei := memory.ElementInfo{Selector: sel, Label: cand.Label()}
			deeper := e.opts.MaxDepth == 0 || len(n.path)+1 < e.opts.MaxDepth
			next, err := e.try(ctx, n, sel, &ei, deeper)
			setInfo(info, ei)
			if next != nil {
				queue = append(queue, *next)
			}
			if e.opts.Progress != nil {
				e.opts.Progress(e.rep)
			}
			if errors.Is(err, errLost) {
				break // the rest of this screen's elements are out of reach
			}
			if err != nil {
				_ = e.store.PutScreen(*info)
				return e.rep, err
			}
		}
		if err := e.store.PutScreen(*info); err != nil {
			return e.rep, err
		}
	}
	return e.rep, nil
}

// setInfo records what an element does on its screen.
func setInfo(sc *memory.Screen, ei memory.ElementInfo) {
	for i := range sc.Elements {
		if sc.Elements[i].Selector.Key() == ei.Selector.Key() {
			sc.Elements[i] = ei
			return
		}
	}
	sc.Elements = append(sc.Elements, ei)
}

// errLost: the explorer could not get back to the screen it was exploring.
var errLost = errors.New("explore: lost the screen")

// try taps sel on n's screen (when the gate allows), records what happened
// and returns to n. It returns the node of a newly found screen worth
// exploring.
func (e *explorer) try(ctx context.Context, n node, sel memory.Selector, ei *memory.ElementInfo, deeper bool) (*node, error) {
	el, ok := sel.Find(e.cur)
	if !ok {
		ei.Description = "not found when its turn came"
		return nil, nil
	}
	d, err := e.gate.Check(ctx, safety.Context{Task: "explore the app " + e.pkg + " without changing anything important",
		Action: actions.Tap{Target: actions.Target{Element: el.ID}}, Screen: e.cur, App: e.pkg})
	if err != nil {
		return nil, fmt.Errorf("explore: safety gate: %w", err)
	}
	if d.Held() {
		ei.Held = d.Reason
		e.rep.Held = append(e.rep.Held, fmt.Sprintf("%q: %s", el.Label(), d.Reason))
		e.log.Info("explore: the safety gate holds a tap", "element", el.Label(), "reason", d.Reason)
		return nil, nil
	}
	if err := e.tap(ctx, el, e.cur); err != nil {
		return nil, fmt.Errorf("explore: tap %q: %w", el.Label(), err)
	}
	e.rep.Taps++
	after, err := e.settle(ctx)
	if err != nil {
		return nil, err
	}
	e.cur = after
	var found *node
	switch sig := memory.Signature(after); {
	case after.Package != e.pkg:
		e.rep.LeftApp++
		ei.Description = "leaves the app for " + orNone(after.Package)
		if err := e.store.PutTransition(memory.Transition{App: e.pkg, From: n.sig, Element: sel, To: ""}); err != nil {
			return nil, err
		}
		e.rep.Transitions++
	case sig == n.sig:
		if el.Checkable {
			ei.Description = fmt.Sprintf("switch; a tap turns it %s", onOff(!el.Checked))
		} else {
			ei.Description = "stays on this screen"
		}
		return nil, nil
	default:
		sc, isNew, err := e.addScreen(after, false)
		if err != nil {
			return nil, err
		}
		ei.Leads = sig
		ei.Description = "opens " + orNone(sc.Title)
		if err := e.store.PutTransition(memory.Transition{App: e.pkg, From: n.sig, Element: sel, To: sig}); err != nil {
			return nil, err
		}
		e.rep.Transitions++
		if isNew && deeper {
			found = &node{sig: sig, path: append(append([]memory.Selector(nil), n.path...), sel), screen: after}
		}
	}
	return found, e.back(ctx, n)
}

// back returns to n's screen: back (twice at most, for a keyboard or a
// dialog on top), else a fresh start and n's path.
func (e *explorer) back(ctx context.Context, n node) error {
	for i := 0; i < 2; i++ {
		if _, err := e.ex.Execute(ctx, actions.Key{Key: device.KeyBack}, e.cur, actions.Frame{}); err != nil {
			return fmt.Errorf("explore: press back: %w", err)
		}
		s, err := e.settle(ctx)
		if err != nil {
			return err
		}
		e.cur = s
		if memory.Signature(s) == n.sig {
			return nil
		}
		if s.Package != e.pkg {
			break
		}
	}
	if err := e.reach(ctx, n); err != nil {
		e.log.Warn("explore: cannot return to a screen", "screen", n.sig, "err", err)
		e.rep.Skipped = append(e.rep.Skipped, fmt.Sprintf("%s: %v", n.sig, err))
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return errLost
	}
	return nil
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func orNone(s string) string {
	if s == "" {
		return "an untitled screen"
	}
	return s
}
