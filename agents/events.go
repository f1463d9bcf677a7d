package agents

import (
	"time"

	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Phase names a part of a run.
type Phase string

// The phases, in the order a step goes through them: observe → plan →
// decide → validate → gate → execute → verify → learn. PhaseAsk replaces
// gate and execute for ask_user; PhaseReflect and PhaseVerify are parts of
// verify (what the action did; whether a claimed completion holds);
// PhaseNote is part of learn.
const (
	PhaseRunStart Phase = "run_start"
	PhaseObserve  Phase = "observe"
	PhasePlan     Phase = "plan"
	PhaseDecide   Phase = "decide"
	PhaseValidate Phase = "validate"
	PhaseGate     Phase = "gate"
	PhaseAsk      Phase = "ask"
	PhaseExecute  Phase = "execute"
	PhaseReflect  Phase = "reflect"
	PhaseVerify   Phase = "verify"
	PhaseNote     Phase = "note"
	PhaseStep     Phase = "step" // a step is complete; Event.Record holds all of it
	PhaseRunEnd   Phase = "run_end"
)

// RunInfo describes a run when it starts.
type RunInfo struct {
	Task     string    `json:"task"`
	Model    string    `json:"model"`
	Device   string    `json:"device"`
	Settings Settings  `json:"settings"`
	Start    time.Time `json:"start"`
}

// Settings are the knobs a run used, as recorded in the trajectory.
type Settings struct {
	Limits      Limits             `json:"limits"`
	Vision      bool               `json:"vision"`
	OCR         perception.OCRMode `json:"ocr"`   // auto, always or off
	Icons       bool               `json:"icons"` // the classical icon detector
	ConfirmMode safety.Mode        `json:"confirm_mode"`
	Dialect     string             `json:"dialect,omitempty"` // the decision model\'s reply dialect (actions.Dialects)
	Roles       string             `json:"roles"`             // which implementation: "model", "offline", or custom
}

// Event is one thing that happened in a run. Phase says which fields are
// set. Text in an event is redacted; images are the phone's pixels.
type Event struct {
	Phase Phase
	Step  int // 1-based; 0 for run events
	Time  time.Time
	Took  time.Duration // how long the phase took

	Run        *RunInfo         // PhaseRunStart
	Obs        *Observation     // PhaseObserve
	Plan       *PlanOutput      // PhasePlan
	Decision   *DecideOutput    // PhaseDecide
	ActionText string           // PhaseDecide, PhaseValidate, PhaseGate, PhaseExecute: the action in words
	Gate       *safety.Decision // PhaseGate
	Ask        *Ask             // PhaseAsk
	Exec       *Exec            // PhaseExecute
	Reflection *Reflection      // PhaseReflect
	Verify     *Verification    // PhaseVerify
	Notes      []string         // PhaseNote: the new notes
	Record     *Step            // PhaseStep
	Result     *Result          // PhaseRunEnd
	Err        error            // a phase that failed
}

// Observer receives every event of a run, in order, on the run's goroutine.
// It must return quickly and must not keep the images past the call unless
// it copies them.
type Observer interface {
	OnEvent(Event)
}

// ObserverFunc adapts a function to an Observer.
type ObserverFunc func(Event)

// OnEvent calls f.
func (f ObserverFunc) OnEvent(e Event) { f(e) }

// Flusher is an optional Observer ability: the agent calls Flush when the
// run ends, even when it was interrupted, and reports its error.
type Flusher interface {
	Flush() error
}
