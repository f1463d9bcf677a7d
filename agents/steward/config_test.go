package steward

import (
	"errors"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/llm/llmtest"
)

// New needs a device, the steward's model, and for the staff a model or
// all four roles (a model per role, as 'mobagent task --planner-model'
// builds them).
func TestNewChecksItsModels(t *testing.T) {
	dev := struct{ agents.Device }{} // New only checks that there is one
	m := llmtest.NewServer(t).Client()
	roles := offline.New(offline.Config{}).Roles()
	partial := roles
	partial.Notetaker = nil
	for _, c := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"one model", Config{Agent: agents.Config{Device: dev, Model: m}}, true},
		{"a model per role", Config{Model: m, Agent: agents.Config{Device: dev, Roles: roles}}, true},
		{"no device", Config{Agent: agents.Config{Model: m}}, false},
		{"roles but no steward model", Config{Agent: agents.Config{Device: dev, Roles: roles}}, false},
		{"a steward model, staff roles missing", Config{Model: m, Agent: agents.Config{Device: dev, Roles: partial}}, false},
		{"staff in a mode of their own", Config{StaffMode: agents.ModeSteward, Agent: agents.Config{Device: dev, Model: m}}, false},
	} {
		_, err := New(c.cfg)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, agents.ErrConfig)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
