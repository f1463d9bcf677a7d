package actions

import (
	"image"
	"testing"
	"time"

	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// One describer, two audiences: the model's words name element ids, the
// person's name labels and the app; both mask secrets and passwords.
func TestDescribeWith(t *testing.T) {
	s := &perception.Screen{Width: 1080, Height: 2400, Elements: []perception.Element{
		{ID: 3, Text: "Send", Clickable: true, Bounds: image.Rect(900, 2200, 1080, 2300)},
		{ID: 4, Hint: "Text message", Editable: true, Focused: true, Bounds: image.Rect(0, 2200, 900, 2300)},
		{ID: 5, Hint: "Password", Editable: true, Password: true, Bounds: image.Rect(0, 1000, 1080, 1100)},
	}}
	send, field, pw := s.Elements[0], s.Elements[1], s.Elements[2]
	app := "com.google.android.apps.messaging"
	for _, c := range []struct {
		a             Action
		target        *perception.Element
		model, person string
	}{
		{Tap{Target: Target{Element: 3}}, &send, `tap element 3 "Send"`, "tap “Send” in " + app},
		{Tap{Target: Target{Point: &Point{X: 950, Y: 2250}}}, &send, `tap point (950, 2250) on element 3 "Send"`, "tap “Send” in " + app},
		{Tap{Target: Target{Point: &Point{X: 5, Y: 5}}}, nil, "tap point (5, 5)", "tap the point (5, 5) in " + app},
		{Type{Element: 4, Text: "on my way", Submit: true}, &field, `type "on my way" into element 4 "Text message" and press enter`, "type “on my way” into “Text message” in " + app + " and press enter"},
		{Type{Element: 5, Text: "hunter22", Submit: true}, &pw, `type a password (8 characters) into element 5 "Password" and press enter`, "type a password (8 characters) into “Password” in " + app},
		{Type{Element: 4, Secret: "PIN"}, &field, `type the secret PIN into element 4 "Text message"`, "type the secret PIN ({{secret:PIN}}) into “Text message” in " + app},
		{Key{Key: device.KeyBack}, nil, "press back", "press back in " + app},
		{OpenApp{App: "Settings"}, nil, "open app Settings", "open the app “Settings”"},
		{Wait{Duration: time.Second}, nil, "wait 1s", "wait 1s"},
		{Done{Status: StatusSuccess, Answer: "$182.33"}, nil, "done (success): $182.33", "finish the task (success)"},
		{AskUser{Question: "Which Alex?"}, nil, "ask the person: Which Alex?", "ask you: Which Alex?"},
	} {
		if got := Describe(c.a, s); got != c.model {
			t.Errorf("Describe(%T) = %q; want %q", c.a, got, c.model)
		}
		if got := DescribeWith(c.a, s, DescribeOptions{Person: true, App: app, Target: c.target}); got != c.person {
			t.Errorf("DescribeWith(%T, person) = %q; want %q", c.a, got, c.person)
		}
	}
	// A field the caller knows takes a PIN is masked though the screen does
	// not mark it.
	pin := perception.Element{ID: 9, Hint: "Enter PIN", Editable: true}
	if got := DescribeWith(Type{Element: 9, Text: "4821"}, nil, DescribeOptions{Person: true, Target: &pin, Password: true}); got != "type a password (4 characters) into “Enter PIN”" {
		t.Errorf("PIN field: %q", got)
	}
}
