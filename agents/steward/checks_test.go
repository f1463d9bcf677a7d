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
