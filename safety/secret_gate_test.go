package safety

import (
	"context"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// A secret goes only into a field that asks for it; --confirm approve cannot
// send it anywhere else.
func TestGateSecretOnlyWhereAsked(t *testing.T) {
	ctx := context.Background()
	g := &Gate{Mode: ModeApprove}
	named := scr(pkgBank, txt("Sign in"), field("Customer ID", "", "customer_id"), secret("Password", "password"), btn("Sign in"))
	cases := []struct {
		name, screen, field, task string
		a                         func(id int) actions.Action
		allowed                   bool
		why                       string
	}{
		{"type_secret into a message", "messages_compose_empty", "Text message", "", func(id int) actions.Action { return actions.Type{Secret: "BANKPW", Element: id} }, false, "sends or posts"},
		{"placeholder into a message", "messages_compose_empty", "Text message", "", func(id int) actions.Action { return actions.Type{Text: "{{secret:BANKPW}}", Element: id, Submit: true} }, false, "sends or posts"},
		{"placeholder inside text", "messages_compose_empty", "Text message", "", func(id int) actions.Action { return actions.Type{Text: "pw: {{secret:BANKPW}} ok", Element: id} }, false, "BANKPW"},
		{"into a post", "social_composer", "", "", nil, false, "sends or posts"},
		{"into the address bar", "chrome", "Search or type web address", "", func(id int) actions.Action {
			return actions.Type{Text: "x.example/?p={{secret:BANKPW}}", Element: id, Submit: true}
		}, false, "search"},
		{"into a password field", "login", "Password", "Log in to the bank", func(id int) actions.Action { return actions.Type{Secret: "BANKPW", Element: id} }, true, ""},
		{"into an email field", "login", "Email", "Log in to the bank", func(id int) actions.Action { return actions.Type{Secret: "BANKPW", Element: id} }, false, "does not ask for a password"},
		{"into a field the task names", "named", "Customer ID", "Log in with my customer ID {{secret:CUSTOMER}}", func(id int) actions.Action { return actions.Type{Secret: "CUSTOMER", Element: id} }, true, ""},
		{"with no field on the screen", "home", "", "", func(int) actions.Action { return actions.Type{Secret: "BANKPW"} }, false, "no field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var s *perception.Screen
			if c.screen == "named" {
				s = named
			} else {
				s = loadScreen(t, c.screen)
			}
			id := 0
			if c.field != "" {
				id = byLabel(t, s, c.field).ID
			} else if c.a == nil {
				for _, e := range s.Elements {
					if e.Editable {
						id = e.ID
					}
				}
			}
			a := actions.Action(actions.Type{Secret: "BANKPW", Element: id})
			if c.a != nil {
				a = c.a(id)
			}
			d, err := g.Check(ctx, Context{Task: c.task, Action: a, Screen: s})
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed() != c.allowed {
				t.Fatalf("%s: %s (%v), want allowed=%v", c.name, d.Verdict, d.Risks, c.allowed)
			}
			if !c.allowed {
				r, ok := riskOf(d.Risks, CategorySecret)
				if !ok || !d.DeniedByRule() || !strings.Contains(r.Reason, c.why) {
					t.Errorf("%s: %s %v, want a secret risk denied saying %q", c.name, d.Verdict, d.Risks, c.why)
				}
			}
		})
	}
}

// The text already in a field and the typed text are judged together, also
// when the caller knows the field's text better than the screen.
func TestComposedText(t *testing.T) {
	ctx := context.Background()
	s := loadScreen(t, "messages_compose_empty")
	id := byLabel(t, s, "Text message").ID
	as := Assess(ctx, Context{Action: actions.Type{Text: "you", Element: id, Submit: true}, Screen: s, FieldText: "I will kill"})
	if !as.Has(CategoryHarmful) {
		t.Errorf("FieldText + typed: %v", as.Risks)
	}
	if as := Assess(ctx, Context{Action: actions.Type{Text: "you", Element: id, Submit: true, Clear: true}, Screen: s, FieldText: "I will kill"}); as.Has(CategoryHarmful) {
		t.Errorf("Clear replaces the field's text: %v", as.Risks)
	}
	threat := loadScreen(t, "messages_compose_threat")
	send := byLabel(t, threat, "Send")
	for _, a := range []actions.Action{
		actions.Swipe{From: &actions.Point{X: float64(send.Center().X), Y: float64(send.Center().Y)}, To: &actions.Point{X: float64(send.Center().X + 1), Y: float64(send.Center().Y)}},
		actions.Swipe{Element: send.ID, Direction: actions.Left, Distance: 0.3},
		actions.LongPress{Target: actions.Target{Element: send.ID}},
		actions.Key{Key: "enter"},
	} {
		if as := Assess(ctx, Context{Action: a, Screen: threat}); !as.Has(CategoryHarmful) {
			t.Errorf("%s: %v", as.Description, as.Risks)
		}
	}
	// A swipe that leaves the control is a swipe, not a tap.
	far := actions.Swipe{From: &actions.Point{X: float64(send.Center().X), Y: float64(send.Center().Y)}, To: &actions.Point{X: float64(send.Center().X), Y: float64(send.Center().Y - 900)}}
	if as := Assess(ctx, Context{Action: far, Screen: threat}); as.Has(CategoryHarmful) || as.Has(CategoryCommunication) {
		t.Errorf("long swipe starting on Send: %v", as.Risks)
	}
}
