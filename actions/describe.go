package actions

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mobagent/mobagent/perception"
)

// Describe puts a in words for people and prompts, naming the element it
// acts on when s (which may be nil) shows it: `tap element 5 "Wi-Fi"`,
// `type "hello" into element 3 "Search" and press enter`, `open app
// Settings`. Text typed into a password field is never shown, only its
// length; a secret is shown by its name. Every record, prompt and
// confirmation question in mobagent describes actions with it.
func Describe(a Action, s *perception.Screen) string {
	named := func(e perception.Element) string {
		if l := e.Label(); l != "" {
			return fmt.Sprintf("element %d %s", e.ID, strconv.Quote(Excerpt(l, 40)))
		}
		return fmt.Sprintf("element %d", e.ID)
	}
	target := func(t Target) string {
		if e, ok := TargetElement(t, s, Frame{}, nil); ok {
			if t.Element > 0 {
				return named(e)
			}
			return fmt.Sprintf("point (%g, %g) on %s", t.Point.X, t.Point.Y, named(e))
		}
		switch {
		case t.Element > 0:
			return fmt.Sprintf("element %d", t.Element)
		case t.Point != nil:
			return fmt.Sprintf("point (%g, %g)", t.Point.X, t.Point.Y)
		}
		return "nothing"
	}
	switch v := a.(type) {
	case Tap:
		return "tap " + target(v.Target)
	case LongPress:
		return "long-press " + target(v.Target)
	case Swipe:
		if v.From != nil && v.To != nil {
			return fmt.Sprintf("swipe from (%g, %g) to (%g, %g)", v.From.X, v.From.Y, v.To.X, v.To.Y)
		}
		d := "swipe " + string(v.Direction)
		if v.Element > 0 {
			d += " in " + target(Target{Element: v.Element})
		}
		return d
	case Type:
		field, hasField := perception.Element{}, false
		if v.Element > 0 {
			field, hasField = TargetElement(Target{Element: v.Element}, s, Frame{}, nil)
		} else if s != nil {
			field, hasField = FocusedField(s)
		}
		var what string
		switch {
		case v.Secret != "":
			what = "the secret " + v.Secret
		case strings.Contains(v.Text, "{{secret:"):
			what = "text with a secret"
		case hasField && field.Password:
			what = fmt.Sprintf("a password (%d characters)", utf8.RuneCountInString(v.Text))
		default:
			what = strconv.Quote(Excerpt(v.Text, 80))
		}
		d := "type " + what
		if v.Clear {
			d = "replace the text with " + what
		}
		switch {
		case v.Element > 0 && hasField:
			d += " into " + named(field)
		case v.Element > 0:
			d += fmt.Sprintf(" into element %d", v.Element)
		}
		if v.Submit {
			d += " and press enter"
		}
		return d
	case Key:
		return "press " + string(v.Key)
	case OpenApp:
		return "open app " + v.App
	case Wait:
		return "wait " + v.Duration.String()
	case Done:
		if v.Answer != "" {
			return fmt.Sprintf("done (%s): %s", v.Status, Excerpt(v.Answer, 120))
		}
		return fmt.Sprintf("done (%s)", v.Status)
	case AskUser:
		if v.Consent {
			return "ask for consent: " + Excerpt(v.Question, 120)
		}
		return "ask the person: " + Excerpt(v.Question, 120)
	case Refuse:
		return "refuse: " + Excerpt(v.Reason, 120)
	case RunShortcut:
		return "run shortcut " + v.Name
	case ADB:
		return "call API " + strconv.Quote(Excerpt(v.Command, 120))
	case nil:
		return "no action"
	}
	return string(a.Kind())
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
