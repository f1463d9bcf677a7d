package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

// printer is an Observer: it prints one line per phase and counts steps.
type printer struct{ steps int }

func (p *printer) OnEvent(e agents.Event) {
	switch e.Phase {
	case agents.PhaseRunStart:
		fmt.Printf("run: %q on %s\n", e.Run.Task, e.Run.Device)
	case agents.PhaseDecide:
		fmt.Printf("step %d decide: %s\n", e.Step, e.ActionText)
	case agents.PhaseGate:
		fmt.Printf("step %d gate: %s\n", e.Step, e.Gate.Verdict)
	case agents.PhaseReflect:
		fmt.Printf("step %d reflect: %s %s (skipped model: %v)\n", e.Step, e.Reflection.Verdict, e.Reflection.Note, e.Reflection.Skipped)
	case agents.PhaseStep:
		p.steps++
		fmt.Printf("step %d took %s\n", e.Step, e.Took.Round(time.Millisecond))
	case agents.PhaseRunEnd:
		fmt.Printf("outcome: %s after %d steps\n", e.Result.Outcome, p.steps)
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	served, err := simserve.Start(ctx, sim.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	defer served.Close()
	dev := served.Device

	cfg := agents.Config{Device: dev, Roles: offline.New(offline.Config{}).Roles(), Gate: &safety.Gate{Mode: safety.ModeApprove}, Observers: []agents.Observer{&printer{}}}
	a, err := agents.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res, err := a.Run(ctx, "Turn on Bluetooth")
	if err != nil || !res.Outcome.OK() {
		fmt.Fprintf(os.Stderr, "the run ended %s: %s %v\n", res.Outcome, res.Reason, err)
		os.Exit(1)
	}
}
