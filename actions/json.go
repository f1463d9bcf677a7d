package actions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mobagent/mobagent/device"
)

// wire is the JSON form of every action: {"action": KIND, ...fields}. Points
// are "x"/"y" (tap, long press) or "from"/"to" as [x, y] (swipe), with
// "space" one of "px", "unit" or "1000" (pixels when absent).
type wire struct {
	Action     Kind              `json:"action"`
	Element    int               `json:"element,omitempty"`
	X          *float64          `json:"x,omitempty"`
	Y          *float64          `json:"y,omitempty"`
	From       *[2]float64       `json:"from,omitempty"`
	To         *[2]float64       `json:"to,omitempty"`
	Space      Space             `json:"space,omitempty"`
	Direction  Direction         `json:"direction,omitempty"`
	Distance   float64           `json:"distance,omitempty"`
	DurationMS int64             `json:"duration_ms,omitempty"`
	Text       string            `json:"text,omitempty"`
	Submit     bool              `json:"submit,omitempty"`
	Clear      bool              `json:"clear,omitempty"`
	Secret     string            `json:"secret,omitempty"`
	Key        string            `json:"key,omitempty"`
	App        string            `json:"app,omitempty"`
	Status     Status            `json:"status,omitempty"`
	Answer     string            `json:"answer,omitempty"`
	Question   string            `json:"question,omitempty"`
	Consent    bool              `json:"consent,omitempty"`
	Reason     string            `json:"reason,omitempty"`
	Name       string            `json:"name,omitempty"`
	Args       map[string]string `json:"args,omitempty"`
	Command    string            `json:"command,omitempty"`
}

// MarshalJSON returns the JSON form of a, such as {"action":"tap","element":5}
// or {"action":"type","text":"hi","element":3,"submit":true}.
func MarshalJSON(a Action) ([]byte, error) {
	w, err := toWire(a)
	if err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

func toWire(a Action) (wire, error) {
	w := wire{}
	setTarget := func(t Target) {
		w.Element = t.Element
		if t.Point != nil {
			x, y := t.Point.X, t.Point.Y
			w.X, w.Y, w.Space = &x, &y, t.Point.Space
		}
	}
	switch v := a.(type) {
	case Tap:
		setTarget(v.Target)
	case LongPress:
		setTarget(v.Target)
		w.DurationMS = v.Duration.Milliseconds()
	case Swipe:
		w.Direction, w.Distance, w.Element = v.Direction, v.Distance, v.Element
		if v.From != nil && v.To != nil {
			w.From, w.To, w.Space = &[2]float64{v.From.X, v.From.Y}, &[2]float64{v.To.X, v.To.Y}, v.From.Space
		}
		w.DurationMS = v.Duration.Milliseconds()
	case Type:
		w.Text, w.Element, w.Submit, w.Secret, w.Clear = v.Text, v.Element, v.Submit, v.Secret, v.Clear
	case Key:
		w.Key = string(v.Key)
	case OpenApp:
		w.App = v.App
	case Wait:
		w.DurationMS = v.Duration.Milliseconds()
	case Done:
		w.Status, w.Answer = v.Status, v.Answer
	case AskUser:
		w.Question, w.Consent = v.Question, v.Consent
	case Refuse:
		w.Reason = v.Reason
	case RunShortcut:
		w.Name, w.Args = v.Name, v.Args
	case ADB:
		w.Command = v.Command
	case nil:
		return w, fmt.Errorf("actions: marshal a nil action")
	default:
		return w, fmt.Errorf("actions: marshal %T: not an action of this package", a)
	}
	if w.Space == SpacePixels {
		w.Space = "" // the default
	}
	w.Action = a.Kind()
	return w, nil
}

// FromJSON decodes the strict JSON form MarshalJSON writes. Unknown fields are
// errors. Use Parse for model output.
func FromJSON(data []byte) (Action, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var w wire
	if err := dec.Decode(&w); err != nil {
		return nil, &ParseError{Reason: "not the JSON form of an action: " + err.Error(), Input: excerpt(string(data)),
			Fix: `write {"action": KIND, ...} with the fields of that kind`, Err: ErrBadArgument}
	}
	return fromWire(w)
}

func fromWire(w wire) (Action, error) {
	bad := func(reason, fix string) (Action, error) {
		return nil, &ParseError{Reason: fmt.Sprintf("%s: %s", w.Action, reason), Fix: fix, Err: ErrBadArgument}
	}
	space := w.Space
	if space == "" {
		space = SpacePixels
	}
	target := func() (Target, bool) {
		switch {
		case w.Element > 0 && w.X == nil && w.Y == nil:
			return Target{Element: w.Element}, true
		case w.Element == 0 && w.X != nil && w.Y != nil:
			return Target{Point: &Point{X: *w.X, Y: *w.Y, Space: space}}, true
		}
		return Target{}, false
	}
	d := time.Duration(w.DurationMS) * time.Millisecond
	switch w.Action {
	case KindTap:
		t, ok := target()
		if !ok {
			return bad("needs an element id or x and y, not both", `write {"action":"tap","element":5}`)
		}
		return Tap{Target: t}, nil
	case KindLongPress:
		t, ok := target()
		if !ok {
			return bad("needs an element id or x and y, not both", `write {"action":"long_press","element":5}`)
		}
		return LongPress{Target: t, Duration: d}, nil
	case KindSwipe:
		s := Swipe{Direction: w.Direction, Distance: w.Distance, Element: w.Element, Duration: d}
		if w.From != nil && w.To != nil {
			s.From = &Point{X: w.From[0], Y: w.From[1], Space: space}
			s.To = &Point{X: w.To[0], Y: w.To[1], Space: space}
		}
		if (s.Direction == "") == (s.From == nil) {
			return bad("needs a direction or from and to, not both", `write {"action":"swipe","direction":"up"}`)
		}
		return s, nil
	case KindType:
		if w.Text == "" && w.Secret == "" {
			return bad("needs text", `write {"action":"type","text":"...","element":3}`)
		}
		return Type{Text: w.Text, Element: w.Element, Submit: w.Submit, Secret: w.Secret, Clear: w.Clear}, nil
	case KindKey:
		if w.Key == "" {
			return bad("needs a key", `write {"action":"key","key":"back"} (back, home, enter or app_switch)`)
		}
		k, ok := ParseKey(w.Key)
		if !ok {
			k = device.Key(w.Key) // Validate names it
		}
		return Key{Key: k}, nil
	case KindOpenApp:
		if w.App == "" {
			return bad("needs an app", `write {"action":"open_app","app":"Settings"}`)
		}
		return OpenApp{App: w.App}, nil
	case KindWait:
		return Wait{Duration: d}, nil
	case KindDone:
		st := w.Status
		if st == "" {
			st = StatusSuccess
		}
		return Done{Status: st, Answer: w.Answer}, nil
	case KindAskUser:
		return AskUser{Question: w.Question, Consent: w.Consent}, nil
	case KindRefuse:
		return Refuse{Reason: w.Reason}, nil
	case KindRunShortcut:
		if w.Name == "" {
			return bad("needs a name", `write {"action":"run_shortcut","name":"...","args":{}}`)
		}
		return RunShortcut{Name: w.Name, Args: w.Args}, nil
	case KindADB:
		if strings.TrimSpace(w.Command) == "" {
			return bad("needs a command", `write {"action":"adb","command":"adb shell am start -n PACKAGE/ACTIVITY"}`)
		}
		return ADB{Command: w.Command}, nil
	case "":
		return nil, &ParseError{Reason: `no "action" field`, Fix: actionFix, Err: ErrNoAction}
	}
	return nil, &ParseError{Reason: fmt.Sprintf("unknown action %q", w.Action), Fix: actionFix, Err: ErrUnknownAction}
}

const actionFix = "use one of tap, long_press, swipe, type, key, open_app, wait, done, ask_user, refuse, run_shortcut, adb"

// Format names the syntax a model answered in.
type Format string

// Formats Parse recognises.
const (
	FormatJSON        Format = "json"         // a JSON object, possibly in a fence or prose, possibly broken
	FormatCall        Format = "call"         // tap(5), swipe(up), replace-text(3, "hi"), click(start_box='(1,2)')
	FormatMobileAgent Format = "mobile-agent" // ### Action ### Tap (x, y)
	FormatKeyword     Format = "keyword"      // FINISH, Back, Home
)

// Decision is one parsed model answer: its reasoning and its action.
type Decision struct {
	Thought string
	Action  Action
	Format  Format
}

type decisionWire struct {
	Thought string          `json:"thought,omitempty"`
	Action  json.RawMessage `json:"action"`
}

// MarshalJSON writes {"thought": ..., "action": {...}}.
func (d Decision) MarshalJSON() ([]byte, error) {
	a, err := MarshalJSON(d.Action)
	if err != nil {
		return nil, err
	}
	return json.Marshal(decisionWire{Thought: d.Thought, Action: a})
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (d *Decision) UnmarshalJSON(data []byte) error {
	var w decisionWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	a, err := FromJSON(w.Action)
	if err != nil {
		return err
	}
	*d = Decision{Thought: w.Thought, Action: a, Format: FormatJSON}
	return nil
}
