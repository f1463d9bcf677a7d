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
	bad := func(field, format string, args ...any) error {
		return &ValidationError{Action: a, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	checkElement := func(id int) error {
		if s == nil || id <= 0 {
			return nil
		}
		e, ok := s.Element(id)
		if !ok {
			if len(s.Elements) == 0 {
				return bad("element", "element %d does not exist; this screen has no numbered elements, so give a point", id)
			}
			maxID := 0
			for _, e := range s.Elements {
				maxID = max(maxID, e.ID)
			}
			return bad("element", "element %d does not exist; the largest id is %d", id, maxID)
		}
		if _, err := ElementPoint(e, image.Pt(s.Width, s.Height)); err != nil {
			return bad("element", "%v", err)
		}
		return nil
	}
	checkPoint := func(field string, p *Point) error {
		if p == nil {
			return nil
		}
		f := Frame{}
		if s != nil {
			f = f.resolve(s)
		}
		if f.Device.X <= 0 { // no screen: check the space's own range only
			f = Frame{Device: image.Pt(1<<30, 1<<30)}
		}
		if _, err := f.ToDevice(*p); err != nil {
			return bad(field, "%v", err)
		}
		return nil
	}
	checkTarget := func(t Target) error {
		switch {
		case t.Element > 0 && t.Point != nil:
			return bad("element", "give an element or a point, not both")
		case t.Element > 0:
			return checkElement(t.Element)
		case t.Point != nil:
			return checkPoint("point", t.Point)
		}
		return bad("element", "no element or point; give an element id such as 5")
	}
	switch v := a.(type) {
	case Tap:
		return checkTarget(v.Target)
	case LongPress:
		if v.Duration < 0 || v.Duration > 10*time.Second {
			return bad("duration", "a long press of %s is out of range; use up to 10s", v.Duration)
		}
		return checkTarget(v.Target)
	case Swipe:
		if v.Distance < 0 || v.Distance > 1 {
			return bad("distance", "distance %g is outside 0..1 (a fraction of the screen or element)", v.Distance)
		}
		if err := checkElement(v.Element); err != nil {
			return err
		}
		if v.From != nil || v.To != nil {
			if v.From == nil || v.To == nil {
				return bad("from", "a swipe needs both from and to points")
			}
			if err := checkPoint("from", v.From); err != nil {
				return err
			}
			return checkPoint("to", v.To)
		}
		switch v.Direction {
		case Up, Down, Left, Right:
			return nil
		case "":
			return bad("direction", "no direction; use up, down, left or right")
		}
		return bad("direction", "unknown direction %q; use up, down, left or right", v.Direction)
	case Type:
		if v.Text == "" && v.Secret == "" {
			return bad("text", "no text to type")
		}
		if err := checkElement(v.Element); err != nil {
			return err
		}
		return checkField(v.Element, s, bad)
	case Key:
		if k, ok := ParseKey(string(v.Key)); !ok || k != v.Key {
			return bad("key", "unknown key %q; use back, home, enter, app_switch or delete", v.Key)
		}
	case OpenApp:
		if v.App == "" {
			return bad("app", "no app named; give its name as shown on the home screen, such as Settings")
		}
	case Wait:
		if v.Duration < 0 || v.Duration > MaxWait {
			return bad("duration", "a wait of %s is out of range; wait at most %s", v.Duration, MaxWait)
		}
	case Done:
		if v.Status != StatusSuccess && v.Status != StatusInfeasible {
			return bad("status", "unknown status %q; use success or infeasible", v.Status)
		}
	case AskUser:
		if v.Question == "" && !v.Consent {
			return bad("question", "no question; say what you need to know")
		}
	case Refuse:
	case RunShortcut:
		if v.Name == "" {
			return bad("name", "no shortcut name")
		}
	case ADB:
		if _, err := ParseADBCommand(v.Command); err != nil {
			return bad("command", "%v", err)
		}
	case nil:
		return &ValidationError{Field: "action", Reason: "no action"}
	default:
		return bad("action", "%T is not an action of this package", a)
	}
	return nil
}
