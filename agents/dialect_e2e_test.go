package agents_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/sim/simtest"
)

// A UI-TARS-1.5 model, which answers in pixels of the image after Qwen's
// smart_resize, taps the right icon through the vision path: the prompt asks
// for its format at the resized size, and the parser maps its point back
// through the resize and the set-of-mark scale to device pixels.
func TestVisionDialectUITARS15(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	// Where the Settings icon is in the image the model sees.
	home, err := (&perception.Perceiver{NoVision: true}).Perceive(context.Background(), h.phone.Device, perception.PerceiveOptions{OCR: perception.OCRNever})
	if err != nil {
		t.Fatal(err)
	}
	var icon perception.Element
	for _, e := range home.Elements {
		if e.Text == "Settings" {
			icon = e
		}
	}
	_, sc, err := perception.DrawMarks(home.Image, home.Elements, perception.MarkOptions{MaxSide: perception.DefaultMarkSide})
	if err != nil || icon.ID == 0 {
		t.Fatalf("no Settings icon (%v)", err)
	}
	d, _ := (&actions.Dialects{}).Lookup("ui-tars-1.5")
	rs, err := d.Coords.Resize.Size(sc.ToW, sc.ToH)
	if err != nil {
		t.Fatal(err)
	}
	c := icon.Center()
	x, y := c.X*sc.ToW/sc.FromW*rs.X/sc.ToW, c.Y*sc.ToH/sc.FromH*rs.Y/sc.ToH

	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Settings"],"current":0}`)
	script(s, "decision", fmt.Sprintf("Thought: The Settings app icon is on the home screen, in the grid of apps. I will tap it.\nAction: click(start_box='(%d,%d)')", x, y),
		fmt.Sprintf("%dx%d", rs.X, rs.Y), "click(start_box=")
	script(s, "decision", "Thought: The Settings app is open now.\nAction: finished(content='Settings is open')", `text="Network & internet`)

	cfg := h.config(nil)
	var tapped *[2]int
	cfg.Observers = append(cfg.Observers, agents.ObserverFunc(func(e agents.Event) {
		if e.Phase == agents.PhaseStep && e.Step == 1 && e.Record.Exec != nil {
			tapped = e.Record.Exec.Point
		}
	}))
	cfg.Model, cfg.Vision = s.Client(), true
	cfg.Team.Vision, cfg.Team.Dialect = true, d
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "Open the Settings app")
	if err != nil || res.Outcome != agents.OutcomeSuccess || res.Verification == nil || res.Verification.By != "evidence" {
		t.Fatalf("outcome %s (%s) %v; verification %+v", res.Outcome, res.Reason, err, res.Verification)
	}
	// Within the rounding of two scalings of the icon's centre, not merely
	// somewhere on the icon.
	if tapped == nil || abs(tapped[0]-c.X) > 6 || abs(tapped[1]-c.Y) > 6 {
		t.Errorf("tapped %v; want within 6 px of the icon's centre %v", tapped, c)
	}
	if a.Settings().Dialect != "ui-tars-1.5" {
		t.Errorf("settings record dialect %q", a.Settings().Dialect)
	}
	if n := len(s.Request(1).Images()); n != 1 {
		t.Errorf("the decision request carried %d images; want the set-of-mark screenshot", n)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
