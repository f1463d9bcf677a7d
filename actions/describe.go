package actions

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mobagent/mobagent/perception"
)

// Describe puts a in words for prompts and records, naming the element it
// acts on when s (which may be nil) shows it: `tap element 5 "Wi-Fi"`,
// `type "hello" into element 3 "Search" and press enter`, `open app
// Settings`. Text typed into a password field is never shown, only its
// length; a secret is shown by its name. It is DescribeWith with the
// zero options.
func Describe(a Action, s *perception.Screen) string { return DescribeWith(a, s, DescribeOptions{}) }

// DescribeOptions choose the audience of DescribeWith.
type DescribeOptions struct {
	// Person words the action for a person answering a confirmation: the
	// element by its label in quotes, not its id (`tap “Send” in
	// com.google.android.apps.messaging`), finishing as "finish the task".
	Person bool
	// App is said after the action for a person ("in APP"); "" says none.
	App string
	// Target is the element the action acts on when the caller resolved it
	// (the safety gate does); nil finds it on the screen.
	Target *perception.Element
	// Password says the target takes a password or PIN although the
	// screen does not mark it so (a field hinted "PIN"): the text is masked.
	Password bool
}

// DescribeWith is the one action describer of mobagent: every record,
// prompt and confirmation question describes actions with it. Secrets are
// shown by name and password text only by its length, for every audience.
func DescribeWith(a Action, s *perception.Screen, o DescribeOptions) string {
	in := ""
	if o.Person && o.App != "" {
		in = " in " + o.App
	}
	named := func(e perception.Element) string {
		l := e.Label()
		switch {
		case o.Person && l != "":
			return "“" + Excerpt(l, 60) + "”"
		case l != "":
			return fmt.Sprintf("element %d %s", e.ID, strconv.Quote(Excerpt(l, 40)))
		}
		return fmt.Sprintf("element %d", e.ID)
	}
	resolve := func(t Target) (perception.Element, bool) {
		if o.Target != nil {
			return *o.Target, true
		}
		return TargetElement(t, s, Frame{}, nil)
	}
	target := func(t Target) string {
		if e, ok := resolve(t); ok {
			if t.Element > 0 || (o.Person && e.Label() != "") {
				return named(e)
			}
			return fmt.Sprintf("point (%g, %g) on %s", t.Point.X, t.Point.Y, named(e))
		}
		switch {
		case t.Element > 0:
			return fmt.Sprintf("element %d", t.Element)
		case t.Point != nil && o.Person:
			return fmt.Sprintf("the point (%g, %g)", t.Point.X, t.Point.Y)
		case t.Point != nil:
			return fmt.Sprintf("point (%g, %g)", t.Point.X, t.Point.Y)
		}
		if o.Person {
			return "the screen"
		}
		return "nothing"
	}
	switch v := a.(type) {
	case Tap:
		return "tap " + target(v.Target) + in
	case LongPress:
		return "long-press " + target(v.Target) + in
	case Swipe:
		if o.Person {
			if o.Target != nil && o.Target.Label() != "" {
				return "swipe on " + named(*o.Target) + in
			}
			if v.Direction != "" {
				return "swipe " + string(v.Direction) + in
			}
			return "swipe" + in
		}
		if v.From != nil && v.To != nil {
			return fmt.Sprintf("swipe from (%g, %g) to (%g, %g)", v.From.X, v.From.Y, v.To.X, v.To.Y)
		}
		d := "swipe " + string(v.Direction)
		if v.Element > 0 {
			d += " in " + target(Target{Element: v.Element})
		}
		return d
	case Type:
		return describeType(v, s, o, named, in)
	case Key:
		return "press " + string(v.Key) + in
	case OpenApp:
		if o.Person {
			return "open the app “" + v.App + "”"
		}
		return "open app " + v.App
	case Wait:
		return "wait " + v.Duration.String()
	case Done:
		switch {
		case o.Person:
			return "finish the task (" + string(v.Status) + ")"
		case v.Answer != "":
			return fmt.Sprintf("done (%s): %s", v.Status, Excerpt(v.Answer, 120))
		}
		return fmt.Sprintf("done (%s)", v.Status)
	case AskUser:
		switch {
		case o.Person:
			return "ask you: " + Excerpt(v.Question, 80)
		case v.Consent:
			return "ask for consent: " + Excerpt(v.Question, 120)
		}
		return "ask the person: " + Excerpt(v.Question, 120)
	case Refuse:
		return "refuse: " + Excerpt(v.Reason, 120)
	case RunShortcut:
		if o.Person {
			return "run the shortcut “" + v.Name + "”" + in
		}
		return "run shortcut " + v.Name
	case ADB:
		if o.Person {
			return "run the API call “" + Excerpt(v.Command, 100) + "”"
		}
		return "call API " + strconv.Quote(Excerpt(v.Command, 120))
	case nil:
		return "no action"
	}
	return string(a.Kind()) + in
}

// describeType words a Type action: what is typed (masked when it is a
// secret or a password), where, and whether enter follows.
func describeType(v Type, s *perception.Screen, o DescribeOptions, named func(perception.Element) string, in string) string {
	field, hasField := perception.Element{}, false
	switch {
	case o.Target != nil:
		field, hasField = *o.Target, true
	case v.Element > 0:
		field, hasField = TargetElement(Target{Element: v.Element}, s, Frame{}, nil)
	case s != nil:
		field, hasField = FocusedField(s)
	}
	masked := v.Secret != "" || (hasField && (field.Password || o.Password))
	var what string
	switch {
	case v.Secret != "" && o.Person:
		what = "the secret " + v.Secret + " ({{secret:" + v.Secret + "}})"
	case v.Secret != "":
		what = "the secret " + v.Secret
	case strings.Contains(v.Text, "{{secret:"):
		what = "text with a secret"
	case hasField && (field.Password || o.Password):
		what = fmt.Sprintf("a password (%d characters)", utf8.RuneCountInString(v.Text))
	case o.Person:
		what = "“" + Excerpt(v.Text, 80) + "”"
	default:
		what = strconv.Quote(Excerpt(v.Text, 80))
	}
	d := "type " + what
	if v.Clear && !o.Person {
		d = "replace the text with " + what
	}
	switch {
	case hasField && (v.Element > 0 || o.Person) && (!o.Person || field.Label() != ""):
		d += " into " + named(field)
	case v.Element > 0 && !o.Person:
		d += fmt.Sprintf(" into element %d", v.Element)
	}
	d += in
	if v.Submit && !(o.Person && masked) {
		d += " and press enter"
	}
	return d
}

// TargetElement returns the element t hits on s: the element by id, or the
// one under a point (mapped to device pixels through f) that keep accepts
// (nil keeps any), as perception.Screen.ElementAt picks it.
func TargetElement(t Target, s *perception.Screen, f Frame, keep func(perception.Element) bool) (perception.Element, bool) {
	if s == nil {
		return perception.Element{}, false
	}
	if t.Element > 0 {
		return s.Element(t.Element)
	}
	if t.Point == nil {
		return perception.Element{}, false
	}
	p, err := f.resolve(s).ToDevice(*t.Point)
	if err != nil {
		return perception.Element{}, false
	}
	return s.ElementAt(p, keep)
}

// ActionTarget is the target of a tap or long press, and false for any
// other action.
func ActionTarget(a Action) (Target, bool) {
	switch v := a.(type) {
	case Tap:
		return v.Target, true
	case LongPress:
		return v.Target, true
	}
	return Target{}, false
}

// FocusedField is the editable element typing goes into: the focused one,
// else the only editable one on the screen.
func FocusedField(s *perception.Screen) (perception.Element, bool) {
	var only perception.Element
	n := 0
	for _, e := range s.Elements {
		if !e.Editable {
			continue
		}
		if e.Focused {
			return e, true
		}
		only = e
		n++
	}
	return only, n == 1
}

// Excerpt shortens s to at most n runes on one line, ending with "…" when
// it cut.
func Excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// PointAt is the device pixel a tap or long press on t lands on, for a
// target given as an element or as a point in f's image.
func PointAt(t Target, s *perception.Screen, f Frame) (image.Point, error) {
	if t.Element > 0 {
		if s == nil {
			return image.Point{}, fmt.Errorf("element %d given but no screen to find it on", t.Element)
		}
		e, ok := s.Element(t.Element)
		if !ok {
			return image.Point{}, fmt.Errorf("element %d is not on the screen; choose an id from the element list", t.Element)
		}
		return ElementPoint(e, image.Pt(s.Width, s.Height))
	}
	if t.Point == nil {
		return image.Point{}, fmt.Errorf("the action has no target; give an element id or a point")
	}
	return f.resolve(s).ToDevice(*t.Point)
}
