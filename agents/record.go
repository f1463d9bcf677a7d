package agents

import (
	"encoding/json"
	"image"
	"time"

	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// ScreenSummary is a screen as a step record keeps it.
type ScreenSummary struct {
	Package  string          `json:"package,omitempty"`
	Activity string          `json:"activity,omitempty"`
	Size     [2]int          `json:"size"` // [width, height] in device pixels
	Elements int             `json:"elements"`
	Hash     perception.Hash `json:"hash"`
	Keyboard bool            `json:"keyboard"`
	Text     string          `json:"text,omitempty"` // the element list as the roles saw it, redacted
	Warnings []string        `json:"warnings,omitempty"`
}

// Timings are the wall-clock durations of one step's phases. Model is the
// latency of the step's model calls, spent inside the phases that made
// them.
type Timings struct {
	Observe  format.Millis `json:"observe_ms"`  // perceiving the screen after the action (step 1: and the first screen)
	Recall   format.Millis `json:"recall_ms"`   // memory's tips and shortcuts
	Plan     format.Millis `json:"plan_ms"`     // the planner, when asked
	Decide   format.Millis `json:"decide_ms"`   // the decision role (and a repair turn)
	Validate format.Millis `json:"validate_ms"` // checking the action against the screen
	Gate     format.Millis `json:"gate_ms"`     // the safety gate, including a person's answer
	Execute  format.Millis `json:"execute_ms"`  // the gestures and the wait for the screen to settle
	Settle   format.Millis `json:"settle_ms"`   // the wait for the screen to settle, inside execute
	Verify   format.Millis `json:"verify_ms"`   // the screen diff, the reflection and any recovery
	Learn    format.Millis `json:"learn_ms"`    // notes, progress and stop bookkeeping
	Model    format.Millis `json:"model_ms"`
	Total    format.Millis `json:"total_ms"`
}

// Overhead is the step's time outside model calls.
func (t Timings) Overhead() time.Duration { return t.Total.D() - t.Model.D() }

// Exec is what executing an action did.
type Exec struct {
	Calls   []ExecCall `json:"calls,omitempty"`
	Point   *[2]int    `json:"point,omitempty"` // [x, y]: the device pixel tapped, or a swipe's start
	End     *[2]int    `json:"end,omitempty"`   // [x, y]: a swipe's end
	Package string     `json:"package,omitempty"`
	Settled bool       `json:"settled"`
	Shots   int        `json:"settle_shots,omitempty"` // screenshots taken while settling
	Error   string     `json:"error,omitempty"`
}

// ExecCall is one device operation.
type ExecCall struct {
	Op     string `json:"op"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Recovery is what the agent did on its own to undo a wrong page: an action
// (press back) checked by the gate and executed like any other.
type Recovery struct {
	Action string           `json:"action"` // in words
	Gate   *safety.Decision `json:"gate"`
	Exec   *Exec            `json:"exec,omitempty"`
	Error  string           `json:"error,omitempty"`
}

// Ask is an ask_user question and the person's reply.
type Ask struct {
	Question string       `json:"question"`
	Reply    safety.Reply `json:"reply"`
}

// Step is the record of one step. Once the agent emits it (PhaseStep) it
// is a snapshot that nothing changes: every pointer in it is the step's own.
type Step struct {
	Format int           `json:"format"`
	Index  int           `json:"step"` // 1-based
	Start  time.Time     `json:"start"`
	Screen ScreenSummary `json:"screen"` // before the action
	// Instructions are what the person added since the previous step
	// (Agent.Instruct).
	Instructions []string        `json:"instructions,omitempty"`
	Plan         *Plan           `json:"plan,omitempty"` // set when the planner was asked this step: its plan as it answered
	Subgoal      string          `json:"subgoal,omitempty"`
	Thought      string          `json:"thought,omitempty"`
	Action       json.RawMessage `json:"action,omitempty"`      // the action as JSON (actions.MarshalJSON)
	ActionText   string          `json:"action_text,omitempty"` // the action in words (actions.Describe)
	Expect       string          `json:"expect,omitempty"`
	// Repair is the action the decision chose first, and why it was not
	// valid, when it was asked again on the same screen.
	Repair     string           `json:"repair,omitempty"`
	Gate       *safety.Decision `json:"gate,omitempty"`
	Ask        *Ask             `json:"ask,omitempty"`
	Exec       *Exec            `json:"exec,omitempty"`
	Reflection *Reflection      `json:"reflection,omitempty"`
	Recovery   *Recovery        `json:"recovery,omitempty"`
	// Verification is set on the step that claimed the task done.
	Verification *Verification `json:"verification,omitempty"`
	NewNotes     []string      `json:"new_notes,omitempty"`
	Timings      Timings       `json:"timings"`
	Usage        llm.Usage     `json:"usage"`
	Cost         float64       `json:"cost"`
	ModelCalls   int           `json:"model_calls"`
	Error        string        `json:"error,omitempty"`

	// Files the trajectory recorder wrote for this step, relative to the
	// run directory.
	Screenshot string `json:"screenshot,omitempty"`
	Marks      string `json:"marks,omitempty"`

	// For observers only; not serialised.
	Image image.Image `json:"-"` // the screen before the action
	// MarksImage is the set-of-mark image the model was sent (vision only);
	// Elements are the screen's elements, from which an observer can draw
	// one itself.
	MarksImage image.Image          `json:"-"`
	Elements   []perception.Element `json:"-"`
	Calls      []Call               `json:"-"` // redacted prompts and responses
}

func summarize(o Observation) ScreenSummary {
	s := o.Screen
	return ScreenSummary{Package: s.Package, Activity: s.Activity, Size: [2]int{s.Width, s.Height}, Elements: len(s.Elements),
		Hash: s.Hash, Keyboard: s.KeyboardShown, Text: o.Text, Warnings: append([]string(nil), s.Warnings...)}
}

func pointRef(p *image.Point) *[2]int {
	if p == nil {
		return nil
	}
	v := perception.PointOf(*p)
	return &v
}
