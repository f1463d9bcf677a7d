package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// perceive shows the screen exactly as the agents see it with the same
// flags: the same element ids and text, and --json matches its schema.
func TestPerceiveShowsWhatTheAgentsSee(t *testing.T) {
	ph := simtest.Start(t)
	dev := func(context.Context, DeviceRequest) (agents.Device, func(), error) { return ph.Device, func() {}, nil }
	flags := perceptionFlags{OCR: "off"}

	io, out, _ := testStreams()
	if err := perceiveRun(context.Background(), &PerceiveOptions{IO: io, Perception: flags, OpenDevice: dev}); err != nil {
		t.Fatal(err)
	}
	shown := strings.TrimSpace(out.String())

	// The agents, with the same flags, on the same screen.
	p, popts, closeOCR, err := flags.open(openOCR, io.ErrOut, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeOCR()
	var first string
	a, err := agents.New(agents.Config{Device: ph.Device, Perceiver: p, Perception: popts, Roles: offline.New(offline.Config{}).Roles(),
		Gate: &safety.Gate{Mode: safety.ModeApprove}, Limits: agents.Limits{MaxSteps: 1},
		Observers: []agents.Observer{agents.ObserverFunc(func(e agents.Event) {
			if e.Phase == agents.PhaseStep && e.Step == 1 {
				first = e.Record.Screen.Text
			}
		})}})
	if err != nil {
		t.Fatal(err)
	}
	a.Run(context.Background(), "Turn on Bluetooth")
	if strings.TrimSpace(first) != shown || shown == "" {
		t.Errorf("perceive shows\n%s\nbut the agents saw\n%s", shown, first)
	}

	io2, out2, _ := testStreams()
	if err := perceiveRun(context.Background(), &PerceiveOptions{IO: io2, JSON: true, Perception: flags, OpenDevice: dev}); err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("screen", out2.Bytes()); err != nil {
		t.Errorf("perceive --json does not match the screen schema: %v\n%.300s", err, out2)
	}
}
