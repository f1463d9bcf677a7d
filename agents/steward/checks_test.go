package steward_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/sim"
)

// checks judge each cross-app task from the phone's state.
var checks = map[string]func(sim.State, *agents.Result) error{
	"dentist_address": sent("+1-415-555-0142", "450 Sutter St, San Francisco"),
	"hannah_number":   sent("+1-718-555-0164", "+1-512-555-0190"),
	"bookclub_alarm":  alarm("19:00"),
	"ramen_note":      note("Ramen", "337 Main St, Springfield"),
	"cabin_to_emma":   sent("+1-617-555-0173", "CabinNet"),
	"grandma_to_mom":  sent("+1-503-555-0100", "18:00"),
	"alex_email_note": note("Alex", "alex.morgan@example.com"),
	"lunch_on_maps":   searched("Ramen Nagi"),
}

func alarm(at string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var cs struct {
			Alarms []struct {
				Time    string `json:"time"`
				Enabled bool   `json:"enabled"`
			} `json:"alarms"`
		}
		if err := appState(st, "com.google.android.deskclock", &cs); err != nil {
			return err
		}
		for _, a := range cs.Alarms {
			if a.Time == at && a.Enabled {
				return nil
			}
		}
		return fmt.Errorf("no %s alarm is on", at)
	}
}

func note(title, body string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var js struct {
			Notes []struct{ Title, Body string } `json:"notes"`
		}
		if err := appState(st, "net.cozic.joplin", &js); err != nil {
			return err
		}
		for _, n := range js.Notes {
			if n.Title == title && strings.Contains(n.Body, body) {
				return nil
			}
		}
		return fmt.Errorf("no note %q holding %q", title, body)
	}
}

func searched(query string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var ms struct {
			Searches []struct{ Query string } `json:"searches"`
		}
		if err := appState(st, "com.google.android.apps.maps", &ms); err != nil {
			return err
		}
		for _, s := range ms.Searches {
			if strings.EqualFold(s.Query, query) {
				return nil
			}
		}
		return fmt.Errorf("Maps was not searched for %q", query)
	}
}

func appState(st sim.State, pkg string, v any) error {
	raw, ok := st.Apps[pkg]
	if !ok {
		return fmt.Errorf("no state for %s", pkg)
	}
	return json.Unmarshal(raw, v)
}

// sent checks that an SMS holding body went to phone.
func sent(phone, body string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var ms struct {
			Messages []struct{ Phone, Body, Type string } `json:"messages"`
		}
		if err := appState(st, "com.google.android.apps.messaging", &ms); err != nil {
			return err
		}
		for _, m := range ms.Messages {
			if m.Type == "SEND" && m.Phone == phone && strings.Contains(strings.ToLower(m.Body), strings.ToLower(body)) {
				return nil
			}
		}
		return fmt.Errorf("no message with %q was sent to %s", body, phone)
	}
}
