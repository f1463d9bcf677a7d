package memory

import (
	"fmt"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// Outcome values of a run that count as success.
const OutcomeSuccess = "success"

// RunSummary is what agents/evolve and ShortcutFromTrajectory learn from.
type RunSummary struct {
	RunID   string
	Task    string
	Apps    []string
	Outcome string // OutcomeSuccess, or anything else for a failed run
	Steps   []TrajectoryStep
	// Tips are the tips the run was shown; nil means the store's tips of
	// Apps (and the global ones).
	Tips []Tip
}

// TrajectoryStep is one step of a run.
type TrajectoryStep struct {
	Action actions.Action
	// Screen is the screen the action was chosen on; After the one it
	// led to (nil means the next step's Screen).
	Screen *perception.Screen
	After  *perception.Screen
	// Summary describes the screen in words; Reflection is what the
	// reflector concluded after the step.
	Summary    string
	Reflection string
}

// Succeeded reports whether the run ended in success.
func (r RunSummary) Succeeded() bool { return strings.EqualFold(r.Outcome, OutcomeSuccess) }

func (r RunSummary) after(i int) *perception.Screen {
	if r.Steps[i].After != nil {
		return r.Steps[i].After
	}
	if i+1 < len(r.Steps) {
		return r.Steps[i+1].Screen
	}
	return nil
}

// TrajectoryError says which step of a trajectory cannot become a shortcut
// step.
type TrajectoryError struct {
	Step   int // 1-based
	Reason string
}

func (e *TrajectoryError) Error() string {
	return fmt.Sprintf("memory: step %d of the trajectory cannot become a shortcut step: %s", e.Step, e.Reason)
}

// Is matches ErrInvalid.
func (e *TrajectoryError) Is(target error) bool { return target == ErrInvalid }

// ShortcutFromTrajectory builds a shortcut from a successful run without a
// model: each element action gets a selector for the element it acted on
// (by resource-id, text, content-desc and class, never coordinates), each
// step expects what the next screen showed that the screen before did not
// (and the new state of a switch it flipped), and typed text becomes a
// parameter whose example is what was typed. An empty name is derived from
// the task. Terminal actions (done, ask_user, refuse) end the shortcut.
func ShortcutFromTrajectory(sum RunSummary, name string) (Shortcut, error) {
	if !sum.Succeeded() {
		return Shortcut{}, fmt.Errorf("%w: run %q ended %q; only a successful run becomes a shortcut", ErrInvalid, sum.RunID, sum.Outcome)
	}
	if name == "" {
		name = Slug(sum.Task)
	}
	sc := Shortcut{Name: name, Description: strings.TrimSpace(sum.Task), Source: sum.RunID}
	if len(sum.Apps) > 0 {
		sc.App = sum.Apps[0]
	}
	usedParams := map[string]bool{}
	for i, st := range sum.Steps {
		step, target, done, err := stepFromTrajectory(st, i+1, &sc, usedParams)
		if err != nil {
			return Shortcut{}, err
		}
		if done {
			break
		}
		step.Expect = expectAfter(st.Screen, sum.after(i), target)
		sc.Steps = append(sc.Steps, step)
	}
	if len(sc.Steps) == 0 {
		return Shortcut{}, fmt.Errorf("%w: run %q has no steps to replay", ErrInvalid, sum.RunID)
	}
	// The precondition: the app the first step ran in. A shortcut that
	// opens its app checks the first step's expectation instead.
	if sc.Steps[0].Action != actions.KindOpenApp && sum.Steps[0].Screen != nil {
		sc.Precondition = Condition{App: sum.Steps[0].Screen.Package}
	}
	if sc.App == "" && sum.Steps[0].Screen != nil {
		sc.App = sum.Steps[0].Screen.Package
	}
	if last := sc.Steps[len(sc.Steps)-1].Expect; last != nil {
		sc.Postcondition = *last
	}
	return sc, ValidateShortcut(sc)
}

// stepFromTrajectory turns step n of a run into a shortcut step (without its
// expectation) and the element it acted on; typed text becomes a parameter
// of sc (names in usedParams are taken). done is set by a terminal action.
func stepFromTrajectory(st TrajectoryStep, n int, sc *Shortcut, usedParams map[string]bool) (step ShortcutStep, target *perception.Element, done bool, err error) {
	elemStep := func(t actions.Target) error {
		e, err := elementOf(t, st.Screen)
		if err != nil {
			return &TrajectoryError{Step: n, Reason: err.Error()}
		}
		target = &e
		sel := SelectorFor(e, st.Screen)
		step.Target = &sel
		return nil
	}
	switch a := st.Action.(type) {
	case actions.Tap:
		step.Action = actions.KindTap
		err = elemStep(a.Target)
	case actions.LongPress:
		step.Action = actions.KindLongPress
		step.DurationMS = a.Duration.Milliseconds()
		err = elemStep(a.Target)
	case actions.Type:
		step.Action = actions.KindType
		step.Submit, step.Clear = a.Submit, a.Clear
		var field perception.Element
		if a.Element > 0 {
			if err := elemStep(actions.Target{Element: a.Element}); err != nil {
				return step, nil, false, err
			}
			field = *target
		} else if f, ok := focusedField(st.Screen); ok {
			field = f
		}
		pname := paramName(field, usedParams)
		usedParams[pname] = true
		desc := "text typed into " + orWord(field.Label(), "the focused field")
		example := a.Text
		if a.Secret != "" {
			desc, example = "the secret "+a.Secret, ""
		}
		sc.Params = append(sc.Params, Param{Name: pname, Description: desc, Example: example})
		step.Text = "{{" + pname + "}}"
	case actions.Key:
		step.Action, step.Key = actions.KindKey, string(a.Key)
	case actions.OpenApp:
		step.Action, step.App = actions.KindOpenApp, a.App
		if sc.App == "" {
			sc.App = a.App
		}
	case actions.Swipe:
		if a.Direction == "" {
			return step, nil, false, &TrajectoryError{Step: n, Reason: "a swipe between points has no direction; only directional swipes replay on other screens"}
		}
		step.Action, step.Direction, step.Distance = actions.KindSwipe, a.Direction, a.Distance
		step.DurationMS = a.Duration.Milliseconds()
		if a.Element > 0 {
			err = elemStep(actions.Target{Element: a.Element})
		}
	case actions.Wait:
		step.Action, step.DurationMS = actions.KindWait, a.Duration.Milliseconds()
	case actions.Done, actions.AskUser, actions.Refuse:
		done = true
	case actions.RunShortcut:
		err = &TrajectoryError{Step: n, Reason: "it runs shortcut " + a.Name + "; shortcuts may not nest"}
	default:
		err = &TrajectoryError{Step: n, Reason: fmt.Sprintf("action %T is not supported", st.Action)}
	}
	return step, target, done, err
}

// elementOf finds the element a target names on s: by id, or the smallest
// element under a point.
func elementOf(t actions.Target, s *perception.Screen) (perception.Element, error) {
	if s == nil {
		return perception.Element{}, fmt.Errorf("the step has no recorded screen to find its element on")
	}
	if t.Element > 0 {
		e, ok := s.Element(t.Element)
		if !ok {
			return e, fmt.Errorf("element %d is not on the recorded screen", t.Element)
		}
		return e, nil
	}
	if t.Point == nil {
		return perception.Element{}, fmt.Errorf("the action has no target")
	}
	e, ok := actions.TargetElement(t, s, actions.Frame{}, func(e perception.Element) bool { return e.Label() != "" })
	if !ok {
		return e, fmt.Errorf("no labelled element lies under the point (%g, %g); a shortcut cannot find it again", t.Point.X, t.Point.Y)
	}
	return e, nil
}

// expectAfter is what the screen after a step shows that the one before did
// not: the app and activity, up to two new labels, and the new checked
// state of the switch the step acted on.
func expectAfter(before, after *perception.Screen, target *perception.Element) *Condition {
	if after == nil {
		return nil
	}
	c := &Condition{App: after.Package}
	if before == nil || before.Activity != after.Activity {
		c.Activity = shortActivity(after.Package, after.Activity)
	}
	if target != nil && target.Checkable {
		sel := SelectorFor(*target, before)
		if e, ok := sel.Find(after); ok && e.Checkable {
			st := e.Checked
			sel.Checked = &st
			c.Present = append(c.Present, sel)
		}
	}
	if Signature(before) != Signature(after) {
		c.Present = append(c.Present, distinctLabels(ScreenOf(after), ScreenOf(orEmpty(before)), 2)...)
	}
	if c.Empty() {
		return nil
	}
	return c
}

func orEmpty(s *perception.Screen) *perception.Screen {
	if s == nil {
		return &perception.Screen{}
	}
	return s
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// paramName derives a parameter name from the field typed into.
func paramName(field perception.Element, used map[string]bool) string {
	base := Slug(field.Label())
	if base == "" || len(base) > 24 {
		base = "text"
	}
	name := base
	for i := 2; used[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	return name
}

// Slug turns text into a short snake_case name: its first six words.
func Slug(text string) string {
	ws := words(text)
	var keep []string
	for _, w := range ws {
		if stopwords[w] {
			continue
		}
		keep = append(keep, w)
		if len(keep) == 6 {
			break
		}
	}
	return strings.Join(keep, "_")
}

// focusedField is the field a Type without an element typed into, as the
// executor finds it (actions.FocusedField).
func focusedField(s *perception.Screen) (perception.Element, bool) {
	if s == nil {
		return perception.Element{}, false
	}
	return actions.FocusedField(s)
}
