package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

// pathDecider taps through labels in order, then makes sure the switch
// named by the last label is on.
type pathDecider struct{ path []string }

func (d pathDecider) Plan(ctx context.Context, in agents.PlanInput) (agents.PlanOutput, error) {
	return agents.PlanOutput{Plan: agents.Plan{Subgoals: d.path}}, nil
}

func (d pathDecider) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	s := in.Obs.Screen
	last := d.path[len(d.path)-1]
	for _, e := range s.Elements {
		if e.Checkable && strings.HasPrefix(e.Label(), last) {
			if e.Checked {
				return agents.DecideOutput{Thought: last + " is on", Action: actions.Done{Status: actions.StatusSuccess, Answer: last + " is on"}}, nil
			}
			return agents.DecideOutput{Thought: "switch it on", Action: actions.Tap{Target: actions.Target{Element: e.ID}}}, nil
		}
	}
	// The deepest label of the path on this screen is the next tap.
	for i := len(d.path) - 2; i >= 0; i-- {
		for _, e := range s.Elements {
			if e.Clickable && strings.HasPrefix(e.Label(), d.path[i]) {
				return agents.DecideOutput{Thought: "tap " + d.path[i], Action: actions.Tap{Target: actions.Target{Element: e.ID}}, Expect: d.path[i]}, nil
			}
		}
	}
	return agents.DecideOutput{}, fmt.Errorf("no label of %v on this screen", d.path)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	served, err := simserve.Start(ctx, sim.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	defer served.Close()
	dev := served.Device

	custom := pathDecider{path: []string{"Settings", "Display", "Dark theme"}}
	base := offline.New(offline.Config{})
	cfg := agents.Config{
		Device: dev,
		Roles:  agents.Team{Name: "custom path decider", Planner: custom, Decider: custom, Reflector: base, Notetaker: base},
		Gate:   &safety.Gate{Mode: safety.ModeApprove},
		Limits: agents.Limits{MaxSteps: 8},
	}
	a, err := agents.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res, err := a.Run(ctx, "Turn on dark theme")
	fmt.Printf("outcome: %s (%s) answer: %q, %d steps, %d reflections certain\n", res.Outcome, res.Reason, res.Answer, res.Totals.Steps, res.Totals.ReflectionSkips)
	if err != nil || !res.Outcome.OK() {
		os.Exit(1)
	}
}
