package agents

import (
	"encoding/json"
	"image"
	"time"

	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Outcome is how a run ended.
type Outcome string

// Run outcomes.
const (
	OutcomeSuccess     Outcome = "success"     // the task is done
	OutcomeInfeasible  Outcome = "infeasible"  // the agent found it cannot be done
	OutcomeRefused     Outcome = "refused"     // the agent declined (safety)
	OutcomeStepLimit   Outcome = "step_limit"  // Config.MaxSteps reached
	OutcomeStuck       Outcome = "stuck"       // repeated actions or no progress
	OutcomeFailed      Outcome = "failed"      // too many consecutive failures
	OutcomeBudget      Outcome = "budget"      // tokens, cost or time spent
	OutcomeInterrupted Outcome = "interrupted" // ctx was cancelled (Ctrl-C)
	OutcomeError       Outcome = "error"       // the device or a role failed
)

// OK reports whether the run reached the task's goal.
func (o Outcome) OK() bool { return o == OutcomeSuccess }

// Totals add up a run.
type Totals struct {
	Steps           int           `json:"steps"`
	ModelCalls      int           `json:"model_calls"`
	ReflectionSkips int           `json:"reflection_skips"`
	Usage           llm.Usage     `json:"usage"`
	Cost            float64       `json:"cost"`
	ModelLatency    time.Duration `json:"model_latency_ns"`
	Duration        time.Duration `json:"duration_ns"`
	Failures        int           `json:"failures"`
}

// Add folds one step into t.
func (t *Totals) add(s *Step) {
	t.Steps++
	t.ModelCalls += s.ModelCalls
	t.Usage.PromptTokens += s.Usage.PromptTokens
	t.Usage.CompletionTokens += s.Usage.CompletionTokens
	t.Cost += s.Cost
	t.ModelLatency += s.Timings.Model
	if s.Reflection != nil && s.Reflection.Skipped {
		t.ReflectionSkips++
	}
}

// Overhead is the time a run spent outside model calls, per step.
func (t Totals) Overhead() time.Duration {
	if t.Steps == 0 {
		return 0
	}
	return (t.Duration - t.ModelLatency) / time.Duration(t.Steps)
}

// Result is what Run returns.
type Result struct {
	Task    string    `json:"task"`
	Outcome Outcome   `json:"outcome"`
	Answer  string    `json:"answer,omitempty"`
	Reason  string    `json:"reason,omitempty"` // why the run stopped, in words
	Notes   []string  `json:"notes,omitempty"`
	Plan    *Plan     `json:"plan,omitempty"`
	Totals  Totals    `json:"totals"`
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
}

// ScreenSummary is a screen as the trajectory keeps it.
type ScreenSummary struct {
	Package  string          `json:"package,omitempty"`
	Activity string          `json:"activity,omitempty"`
	Width    int             `json:"width"`
	Height   int             `json:"height"`
	Elements int             `json:"elements"`
	Hash     perception.Hash `json:"hash"`
	Keyboard bool            `json:"keyboard,omitempty"`
	Text     string          `json:"text,omitempty"` // the element list, redacted
	Warnings []string        `json:"warnings,omitempty"`
}

// Timings are per-phase wall-clock durations of one step.
type Timings struct {
	Perceive time.Duration `json:"perceive_ns"` // observing the screen after the action
	Plan     time.Duration `json:"plan_ns"`
	Decide   time.Duration `json:"decide_ns"`
	Gate     time.Duration `json:"gate_ns"`
	Execute  time.Duration `json:"execute_ns"` // including the wait for the screen to settle
	Settle   time.Duration `json:"settle_ns"`
	Reflect  time.Duration `json:"reflect_ns"`
	Note     time.Duration `json:"note_ns"`
	Total    time.Duration `json:"total_ns"`
	Model    time.Duration `json:"model_ns"`   // latency of the step's model calls
	Observe  time.Duration `json:"observe_ns"` // observers (recorder, progress)
}

// Overhead is the step's time outside model calls.
func (t Timings) Overhead() time.Duration { return t.Total - t.Model }

// Exec is what executing the step's action did.
type Exec struct {
	Calls    []ExecCall   `json:"calls,omitempty"`
	Point    *image.Point `json:"point,omitempty"` // device pixel tapped, or a swipe's start
	End      *image.Point `json:"end,omitempty"`   // a swipe's end
	Package  string       `json:"package,omitempty"`
	Settled  bool         `json:"settled"`
	Shots    int          `json:"settle_shots,omitempty"` // screenshots taken while settling
	Error    string       `json:"error,omitempty"`
	Recovery string       `json:"recovery,omitempty"` // what the agent did to recover (B: back)
}

// ExecCall is one device operation.
type ExecCall struct {
	Op     string `json:"op"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
}

// Step is one step of a run, as observers and the trajectory see it.
type Step struct {
	Index      int                  `json:"step"` // 1-based
	Start      time.Time            `json:"start"`
	Screen     ScreenSummary        `json:"screen"` // before the action
	Plan       *Plan                `json:"plan,omitempty"`
	Replanned  bool                 `json:"replanned,omitempty"`
	Subgoal    string               `json:"subgoal,omitempty"`
	Thought    string               `json:"thought,omitempty"`
	Action     json.RawMessage      `json:"action,omitempty"`
	ActionText string               `json:"action_text,omitempty"`
	Expect     string               `json:"expect,omitempty"`
	Gate       *safety.Decision     `json:"gate,omitempty"`
	Audit      []safety.AuditRecord `json:"audit,omitempty"`
	Ask        *safety.Reply        `json:"ask,omitempty"`
	Exec       *Exec                `json:"exec,omitempty"`
	Reflection *Reflection          `json:"reflection,omitempty"`
	NewNotes   []string             `json:"new_notes,omitempty"`
	Timings    Timings              `json:"timings"`
	Usage      llm.Usage            `json:"usage"`
	Cost       float64              `json:"cost"`
	ModelCalls int                  `json:"model_calls"`
	Error      string               `json:"error,omitempty"`

	// Files the trajectory recorder wrote for this step, relative to the
	// run directory.
	Screenshot string `json:"screenshot,omitempty"`
	Marks      string `json:"marks,omitempty"`

	// For observers only; not serialised.
	Image      image.Image `json:"-"` // the screen before the action
	MarksImage image.Image `json:"-"`
	Calls      []Call      `json:"-"` // redacted prompts and responses
}
