package actions

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"

	"github.com/mobagent/mobagent/perception"
)

// checkField refuses typing into an element that cannot take text: not
// editable, not clickable (a tap on a search bar opens its field) and with
// no field inside it. The error lists the fields there are.
func checkField(id int, s *perception.Screen, bad func(field, format string, args ...any) error) error {
	if s == nil || id <= 0 {
		return nil
	}
	e, _ := s.Element(id)
	if e.Editable || e.Clickable || e.LongClickable {
		return nil
	}
	var fields []string
	for _, f := range s.Elements {
		if !f.Editable {
			continue
		}
		if f.Bounds.In(e.Bounds) {
			return nil // a container of the field
		}
		fields = append(fields, strconv.Itoa(f.ID))
	}
	if len(fields) == 0 {
		return bad("element", "element %d is not a text field and this screen shows none; tap what opens the field (a search icon, a compose button) first", id)
	}
	return bad("element", "element %d is not a text field; type into a field (%s)", id, strings.Join(fields, ", "))
}

// MaxWait is the longest Wait Validate accepts.
const MaxWait = 30 * time.Second

// Validate checks a against the screen the model saw and returns a
// *ValidationError (matching ErrInvalid) whose text a model can act on, such
// as "element 42 does not exist; the largest id is 31" or "point (1500, 20)
// is outside the 1080×2400 screen". s may be nil; then only the action's own
// fields are checked. Pixel points are checked against the screen's size: map
// them first if the model saw a smaller image (Frame).
func Validate(a Action, s *perception.Screen) error {
	v := validator{a: a, s: s}
	switch a := a.(type) {
	case Tap:
		return v.target(a.Target)
	case LongPress:
		if a.Duration < 0 || a.Duration > 10*time.Second {
			return v.bad("duration", "a long press of %s is out of range; use up to 10s", a.Duration)
		}
		return v.target(a.Target)
	case Swipe:
		return v.swipe(a)
	case Type:
		if a.Text == "" && a.Secret == "" {
			return v.bad("text", "no text to type")
		}
		if err := v.element(a.Element); err != nil {
			return err
		}
		return checkField(a.Element, s, v.bad)
	case Key:
		if k, ok := ParseKey(string(a.Key)); !ok || k != a.Key {
			return v.bad("key", "unknown key %q; use back, home, enter, app_switch or delete", a.Key)
		}
	case OpenApp:
		if a.App == "" {
			return v.bad("app", "no app named; give its name as shown on the home screen, such as Settings")
		}
	case Wait:
		if a.Duration < 0 || a.Duration > MaxWait {
			return v.bad("duration", "a wait of %s is out of range; wait at most %s", a.Duration, MaxWait)
		}
	case Done:
		if a.Status != StatusSuccess && a.Status != StatusInfeasible {
			return v.bad("status", "unknown status %q; use success or infeasible", a.Status)
		}
	case AskUser:
		if a.Question == "" && !a.Consent {
			return v.bad("question", "no question; say what you need to know")
		}
	case Refuse:
	case RunShortcut:
		if a.Name == "" {
			return v.bad("name", "no shortcut name")
		}
	case ADB:
		if _, err := ParseADBCommand(a.Command); err != nil {
			return v.bad("command", "%v", err)
		}
	case nil:
		return &ValidationError{Field: "action", Reason: "no action"}
	default:
		return v.bad("action", "%T is not an action of this package", a)
	}
	return nil
}

// validator checks one action against the screen the model saw (nil: the
// action's own fields only).
type validator struct {
	a Action
	s *perception.Screen
}

func (v validator) bad(field, format string, args ...any) error {
	return &ValidationError{Action: v.a, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// element checks that element id (0: none) is on the screen and has a
// point to act on.
func (v validator) element(id int) error {
	s := v.s
	if s == nil || id <= 0 {
		return nil
	}
	e, ok := s.Element(id)
	if !ok {
		if len(s.Elements) == 0 {
			return v.bad("element", "element %d does not exist; this screen has no numbered elements, so give a point", id)
		}
		maxID := 0
		for _, e := range s.Elements {
			maxID = max(maxID, e.ID)
		}
		return v.bad("element", "element %d does not exist; the largest id is %d", id, maxID)
	}
	if _, err := ElementPoint(e, image.Pt(s.Width, s.Height)); err != nil {
		return v.bad("element", "%v", err)
	}
	return nil
}

// point checks that p (nil: none) is inside the screen, or inside its
// coordinate space's own range without a screen.
func (v validator) point(field string, p *Point) error {
	if p == nil {
		return nil
	}
	f := Frame{}
	if v.s != nil {
		f = f.resolve(v.s)
	}
	if f.Device.X <= 0 { // no screen: check the space's own range only
		f = Frame{Device: image.Pt(1<<30, 1<<30)}
	}
	if _, err := f.ToDevice(*p); err != nil {
		return v.bad(field, "%v", err)
	}
	return nil
}

// target checks that t names exactly one of an element and a point.
func (v validator) target(t Target) error {
	switch {
	case t.Element > 0 && t.Point != nil:
		return v.bad("element", "give an element or a point, not both")
	case t.Element > 0:
		return v.element(t.Element)
	case t.Point != nil:
		return v.point("point", t.Point)
	}
	return v.bad("element", "no element or point; give an element id such as 5")
}

func (v validator) swipe(a Swipe) error {
	if a.Distance < 0 || a.Distance > 1 {
		return v.bad("distance", "distance %g is outside 0..1 (a fraction of the screen or element)", a.Distance)
	}
	if err := v.element(a.Element); err != nil {
		return err
	}
	if a.From != nil || a.To != nil {
		if a.From == nil || a.To == nil {
			return v.bad("from", "a swipe needs both from and to points")
		}
		if err := v.point("from", a.From); err != nil {
			return err
		}
		return v.point("to", a.To)
	}
	switch a.Direction {
	case Up, Down, Left, Right:
		return nil
	case "":
		return v.bad("direction", "no direction; use up, down, left or right")
	}
	return v.bad("direction", "unknown direction %q; use up, down, left or right", a.Direction)
}
