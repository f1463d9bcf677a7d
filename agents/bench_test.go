package agents_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

// BenchmarkStepOverhead measures the framework's time per step outside
// model calls (perception, gate, execution and settling, reflection,
// bookkeeping), through the real adb server on the virtual phone, with the
// offline roles (no model latency). Each iteration turns Wi-Fi off or on
// (three steps). Reported: overhead-ms/step.
//
//	go test ./agents -run XXX -bench StepOverhead -benchtime 5x
func BenchmarkStepOverhead(b *testing.B) {
	for _, c := range []struct {
		name string
		ocr  perception.OCRMode
	}{{"no-ocr", perception.OCRNever}, {"ocr-auto", perception.OCRAuto}, {"ocr-always", perception.OCRAlways}} {
		b.Run(c.name, func(b *testing.B) {
			ph := simtest.Serve(b, simtest.ADBServer(b), sim.Config{})
			p := &perception.Perceiver{NoVision: true}
			if c.ocr != perception.OCRNever {
				eng, err := tesseract.New(tesseract.Config{})
				if err != nil {
					b.Fatal(err)
				}
				defer eng.Close()
				p.OCR = eng
			}
			var total time.Duration
			steps := 0
			phases := []*phaseSum{{name: "observe"}, {name: "execute"}, {name: "verify"}, {name: "gate"}, {name: "other"}}
			timer := agents.ObserverFunc(func(e agents.Event) {
				if e.Phase != agents.PhaseStep {
					return
				}
				tm := e.Record.Timings
				parts := []time.Duration{tm.Observe.D(), tm.Execute.D(), tm.Verify.D(), tm.Gate.D()}
				rest := tm.Total.D()
				for i, d := range parts {
					phases[i].sum += d
					rest -= d
				}
				phases[4].sum += rest
			})
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// With the trajectory recorder, as the CLI runs.
				rec, err := trajectory.Create(filepath.Join(b.TempDir(), "run"), trajectory.Config{})
				if err != nil {
					b.Fatal(err)
				}
				cfg := agents.Config{Device: ph.Device, Gate: &safety.Gate{Mode: safety.ModeApprove}, Perceiver: p, Perception: perception.PerceiveOptions{OCR: c.ocr},
					Observers: []agents.Observer{rec, timer}}
				cfg.Roles = offline.New(offline.Config{}).Roles()
				a, err := agents.New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				task := "Turn off Wi-Fi"
				if i%2 == 1 {
					task = "Turn on Wi-Fi"
				}
				res, err := a.Run(context.Background(), task)
				if err != nil || res.Outcome != agents.OutcomeSuccess {
					b.Fatalf("%s: %s %s", task, res.Outcome, res.Reason)
				}
				rec.Close()
				total += res.Totals.Duration.D() - res.Totals.Model.D()
				steps += res.Totals.Steps
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(steps), "overhead-ms/step")
			for _, ph := range phases {
				b.ReportMetric(float64(ph.sum.Microseconds())/1000/float64(steps), ph.name+"-ms/step")
			}
		})
	}
}

type phaseSum struct {
	name string
	sum  time.Duration
}
