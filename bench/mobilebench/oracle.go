package mobilebench

import (
	"context"
	"strings"
	"sync"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/perception"
)

// Oracle is a scripted policy that performs an item's check point: the
// reference solution a scorer is proven with. It acts through the agent
// loop like any team (the gate, the executor and the recorder see every
// action), from what the screen shows and the history H recorded so far:
//
//   - each API call the item checks, as written (adb);
//   - each activity it checks, started by its component (adb shell am
//     start -n …), or its package launched (adb shell monkey -p …);
//   - each package and view package it checks, launched;
//   - each text it checks: a control on the screen that shows it is
//     tapped; else the texts are typed into a field of the screen; else
//     they go into a message draft with the messaging app's API call
//     (adb shell am start -a android.intent.action.SEND -n
//     com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body …),
//     unless NoDraft is set;
//
// and it declares the task done when H meets every element, or when what
// is left cannot be met. Each way of meeting an element is tried once
// (an API element, and each alternative of a "|" list, once more).
//
// It reaches level 2 = 1.0 on every item CheckCoverage finds runnable; a
// test holds it to that. The message draft is a way to meet the metric, not
// the task: the reference matches a text check point anywhere in H, so a
// draft holding the words meets it in any app. With NoDraft the oracle meets
// texts only on the screens of the item's apps, which tells how many items
// the phone hosts screen by screen.
type Oracle struct {
	// NoDraft leaves out the message draft: texts no control or field of
	// the screen takes stay unmet.
	NoDraft bool

	it  Item
	rec *Recorder

	mu    sync.Mutex
	goals []*oracleGoal
}

// oracleGoal is one check-point element to meet (or, for a "|" list, one
// of several).
type oracleGoal struct {
	key   string
	any   []string // met when H holds any of them
	tries int
}

// NewOracle returns the oracle for an item, reading H from rec (the
// recorder of the item's run).
func NewOracle(it Item, rec *Recorder) *Oracle {
	o := &Oracle{it: it, rec: rec}
	cp := it.CheckPoint
	// API calls first: they open the apps; then activities, packages and
	// views; texts last, on the screens those opened.
	for _, key := range []string{KeyAPI, KeyActivity, KeyPackage, KeyResourceID, KeyText} {
		v, _ := cp.Value(key)
		if !v.truthy() {
			continue
		}
		elems, op := fixedElems(v)
		if !v.List {
			elems = []string{v.Str}
		}
		if op == '|' {
			o.goals = append(o.goals, &oracleGoal{key: key, any: elems})
			continue
		}
		for _, e := range elems {
			o.goals = append(o.goals, &oracleGoal{key: key, any: []string{e}})
		}
	}
	return o
}

// Roles returns the oracle as a team, named "oracle".
func (o *Oracle) Roles() agents.Team {
	return agents.Team{Name: "oracle", Planner: o, Decider: o, Reflector: o, Notetaker: o}
}

var (
	_ agents.Planner   = (*Oracle)(nil)
	_ agents.Decider   = (*Oracle)(nil)
	_ agents.Reflector = (*Oracle)(nil)
	_ agents.Notetaker = (*Oracle)(nil)
)

// Plan has one subgoal: meet the check point.
func (o *Oracle) Plan(ctx context.Context, in agents.PlanInput) (agents.PlanOutput, error) {
	return agents.PlanOutput{Plan: agents.Plan{Subgoals: []string{"meet every check point of the item"}}}, nil
}

// Reflect takes every action as done; H, not the screen, tells the oracle
// what is met.
func (o *Oracle) Reflect(ctx context.Context, in agents.ReflectInput) (agents.Reflection, error) {
	return agents.Reflection{Verdict: agents.VerdictSuccess, Skipped: true, Reason: "the oracle reads the history"}, nil
}

// Note takes no notes.
func (o *Oracle) Note(ctx context.Context, in agents.NoteInput) (agents.NoteOutput, error) {
	return agents.NoteOutput{}, nil
}

func (g *oracleGoal) met(h []string) bool {
	for _, e := range g.any {
		if inSome(e, h) {
			return true
		}
	}
	return false
}

// Decide picks the action for the first element H does not meet yet.
func (o *Oracle) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	h := o.rec.History()
	var texts []*oracleGoal
	for _, g := range o.goals {
		if g.met(h) {
			continue
		}
		if g.key == KeyText {
			if g.tries < 3 {
				texts = append(texts, g)
			}
			continue
		}
		if g.tries > len(g.any) {
			continue
		}
		if a := o.launch(g); a != nil {
			g.tries++
			return agents.DecideOutput{Thought: "the check point needs " + g.any[0], Action: a}, nil
		}
		g.tries = len(g.any) + 1 // nothing to try
	}
	if len(texts) > 0 {
		return o.text(texts, in.Obs.Screen), nil
	}
	return agents.DecideOutput{Thought: "every check point element is in the history", Action: actions.Done{Status: actions.StatusSuccess}}, nil
}

// launch is the API call that meets an api, activity, package or view
// element, trying the goal's alternatives one after another.
func (o *Oracle) launch(g *oracleGoal) actions.Action {
	e := g.any[g.tries%len(g.any)]
	monkey := func(pkg string) actions.Action {
		return actions.ADB{Command: "adb shell monkey -p " + pkg + " -c android.intent.category.LAUNCHER 1"}
	}
	switch g.key {
	case KeyAPI:
		return actions.ADB{Command: e}
	case KeyPackage:
		if looksLikePackage(e) {
			return monkey(e)
		}
	case KeyResourceID:
		pkg, _, _ := strings.Cut(e, ":")
		if looksLikePackage(pkg) {
			return monkey(pkg)
		}
	case KeyActivity:
		switch {
		case looksLikePackage(e):
			return monkey(e)
		case strings.Contains(e, "/"):
			return actions.ADB{Command: "adb shell am start -n " + e}
		case strings.HasPrefix(e, "."):
			if pkgs := itemPackages(o.it); len(pkgs) > 0 {
				return actions.ADB{Command: "adb shell am start -n " + pkgs[0] + "/" + e}
			}
		}
	}
	return nil
}

// text meets text elements: a tap on a control that shows one of them
// (each looked for once, on the screen of its turn), else all of them typed
// into a field, else a message draft that holds them. Each way is tried
// once.
func (o *Oracle) text(goals []*oracleGoal, s *perception.Screen) agents.DecideOutput {
	first := goals[0]
	want := first.any[0]
	for _, g := range goals {
		if g.tries != 0 {
			continue
		}
		g.tries = 1
		if s == nil {
			continue
		}
		for _, e := range s.Elements {
			if (e.Clickable || e.LongClickable) && !e.Editable && e.Text != "" && strings.Contains(e.Text, g.any[0]) {
				return agents.DecideOutput{Thought: "the screen shows " + g.any[0], Action: actions.Tap{Target: actions.Target{Element: e.ID}}}
			}
		}
	}
	var words []string
	for _, g := range goals {
		words = append(words, g.any[0])
	}
	all := strings.Join(words, " ")
	if first.tries == 1 {
		for _, g := range goals {
			g.tries = 2
		}
		if s != nil {
			if f, ok := fieldOf(s); ok {
				return agents.DecideOutput{Thought: "type what the check point reads into the field", Action: actions.Type{Text: all, Element: f.ID}}
			}
		}
	}
	for _, g := range goals {
		g.tries = 3
	}
	if o.NoDraft {
		return agents.DecideOutput{Thought: "no control or field on this screen takes " + want, Action: actions.Done{Status: actions.StatusSuccess}}
	}
	return agents.DecideOutput{Thought: "put what the check point reads in a message draft",
		Action: actions.ADB{Command: "adb shell am start -a android.intent.action.SEND -n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body " + shellQuote(all)}}
}

// fieldOf is the screen's focused field, else its first editable one.
func fieldOf(s *perception.Screen) (perception.Element, bool) {
	if f, ok := actions.FocusedField(s); ok && f.Editable {
		return f, true
	}
	for _, e := range s.Elements {
		if e.Editable {
			return e, true
		}
	}
	return perception.Element{}, false
}

// shellQuote quotes s for ParseADBCommand, in double quotes when it has
// a single quote (so the command holds s as written), else single ones.
func shellQuote(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
