package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

func main() {
	task := flag.String("task", "Turn off Wi-Fi", "the task")
	out := flag.String("out", "", "run directory (default: a new temporary directory)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	dir := *out
	if dir == "" {
		d, err := os.MkdirTemp("", "mobagent-run-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		dir = d + "/run"
	}
	served, err := simserve.Start(ctx, sim.Config{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	defer served.Close()
	dev := served.Device

	red := &safety.Redactor{}
	rec, err := trajectory.Create(dir, trajectory.Config{Redactor: red})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer rec.Close()
	cfg := agents.Config{Device: dev, Roles: offline.New(offline.Config{}).Roles(), Redactor: red, Observers: []agents.Observer{rec},
		Gate: &safety.Gate{Mode: safety.ModeApprove}}
	a, err := agents.New(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res, runErr := a.Run(ctx, *task)
	report, err := trajectory.WriteReport(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("outcome: %s (%s)\nsteps: %d, overhead per step: %s\nreport: %s\n", res.Outcome, res.Reason, res.Totals.Steps, res.Totals.Overhead().Round(time.Millisecond), report)
	if runErr != nil || !res.Outcome.OK() {
		os.Exit(1)
	}
}
