package agents

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Limits bound a run. Zero values take the defaults in brackets.
type Limits struct {
	MaxSteps    int           `json:"max_steps"`            // steps [25]
	MaxFailures int           `json:"max_failures"`         // consecutive failed steps [4]
	MaxRepeats  int           `json:"max_repeats"`          // the same action on an unchanged screen [3]
	MaxStall    int           `json:"max_stall"`            // steps in a row that change nothing [5]
	MaxTokens   int           `json:"max_tokens,omitempty"` // model tokens; 0 means no limit
	MaxCost     float64       `json:"max_cost,omitempty"`   // US dollars; 0 means no limit
	MaxDuration time.Duration `json:"-"`                    // wall clock; 0 means no limit (max_duration_ms in JSON)
	History     int           `json:"history"`              // recent steps shown to the roles [5]
}

type limitsJSON struct {
	MaxSteps    int           `json:"max_steps"`
	MaxFailures int           `json:"max_failures"`
	MaxRepeats  int           `json:"max_repeats"`
	MaxStall    int           `json:"max_stall"`
	MaxTokens   int           `json:"max_tokens,omitempty"`
	MaxCost     float64       `json:"max_cost,omitempty"`
	MaxDuration format.Millis `json:"max_duration_ms,omitempty"`
	History     int           `json:"history"`
}

// MarshalJSON writes the limits with MaxDuration as max_duration_ms.
func (l Limits) MarshalJSON() ([]byte, error) {
	return json.Marshal(limitsJSON{l.MaxSteps, l.MaxFailures, l.MaxRepeats, l.MaxStall, l.MaxTokens, l.MaxCost, format.Ms(l.MaxDuration), l.History})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (l *Limits) UnmarshalJSON(b []byte) error {
	var w limitsJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = Limits{w.MaxSteps, w.MaxFailures, w.MaxRepeats, w.MaxStall, w.MaxTokens, w.MaxCost, w.MaxDuration.D(), w.History}
	return nil
}

// WithDefaults returns l with its zero values replaced by the defaults,
// as a run uses them.
func (l Limits) WithDefaults() Limits { return l.withDefaults() }

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxSteps, 25)
	def(&l.MaxFailures, 4)
	def(&l.MaxRepeats, 3)
	def(&l.MaxStall, 5)
	def(&l.History, 5)
	return l
}

// Validate reports the first limit that cannot work.
func (l Limits) Validate() error {
	switch {
	case l.MaxSteps < 0, l.MaxFailures < 0, l.MaxRepeats < 0, l.MaxStall < 0, l.History < 0:
		return fmt.Errorf("%w: a step limit is negative (%+v); give 0 for the default or a positive number", ErrConfig, l)
	case l.MaxTokens < 0:
		return fmt.Errorf("%w: Limits.MaxTokens is %d; give 0 for no limit or a positive number of tokens", ErrConfig, l.MaxTokens)
	case l.MaxCost < 0:
		return fmt.Errorf("%w: Limits.MaxCost is %g; give 0 for no limit or a positive amount of US dollars", ErrConfig, l.MaxCost)
	case l.MaxDuration < 0:
		return fmt.Errorf("%w: Limits.MaxDuration is %s; give 0 for no limit or a positive duration", ErrConfig, l.MaxDuration)
	}
	return nil
}

// Config builds an Agent. Device is required, and either Model or all four
// roles. New never changes a Config or anything it points to: the gate, the
// redactor and the observers passed in are used as given.
type Config struct {
	Device Device
	// Model backs the roles left nil (NewModelTeam). ModelName names it in
	// the trajectory; empty means the model's own profile when it has one.
	Model     llm.Model
	ModelName string

	// Roles; a nil role is the model-backed one. Roles.Name names them in
	// the trajectory ("model", "offline", or yours).
	Roles Team
	// Team tunes the model-backed roles.
	Team TeamConfig

	// Memory gives tips and shortcuts and learns from runs; nil means
	// NoMemory. A Memory that is also an Observer hears every event first;
	// one that is a ShortcutRunner runs run_shortcut actions.
	Memory Memory

	// Perceiver observes the screen; nil means the view hierarchy only: no
	// OCR and no classical icon detector (perception.Settings{}.Perceiver
	// builds one from the settings a person chose).
	Perceiver  *perception.Perceiver
	Perception perception.PerceiveOptions
	// Vision attaches a set-of-mark screenshot to the decision prompt and
	// maps pixel answers from it; with Model it also sets Team.Vision, so
	// the model roles see screenshots. (Without it the trajectory recorder
	// draws set-of-mark images itself, off the step's path.)
	Vision bool

	// Executor tunes the actions executor; its zero value is the one settle
	// policy of mobagent. Its Now and Logger default to the agent's.
	Executor actions.ExecutorConfig

	// Gate checks every action; nil means a gate with the default policy
	// that answers every confirmation with no. Each run uses a copy of it
	// (Gate.ForRun) with the run's redactor, so one Gate serves many runs.
	Gate *safety.Gate
	// Secrets resolves type_secret; nil means none are available.
	Secrets *safety.Secrets
	// Redactor scrubs secrets from everything the run emits; nil means the
	// Secrets' redactor, or a fresh one.
	Redactor *safety.Redactor

	// Mode names how the run is driven, for its record: ModeSteps (the
	// default) or the mode of the package that configured the roles
	// (agents/script sets ModeScript). The step loop is the same.
	Mode Mode

	// APIs are API calls the decision role may make with the adb action
	// (actions.ADB) beside the GUI actions, as Mobile-Bench's agents call
	// apps; none means the action is not offered. An API call goes through
	// the gate and the executor like any action.
	APIs []API

	Limits    Limits
	Observers []Observer
	Logger    *slog.Logger
	// Now is the one clock of the run: step records, phase timings, model
	// latencies, the gate's audit and the executor's settling read it; nil
	// means time.Now.
	Now func() time.Time
}

// Mode is how a task is run: step by step (the loop of this package),
// by a script written once (agents/script), or by a steward dispatching
// subtasks to one staff agent per app (agents/steward).
type Mode string

// The modes.
const (
	ModeSteps   Mode = "steps"
	ModeScript  Mode = "script"
	ModeSteward Mode = "steward"
)

// ParseMode reads a mode's name; empty means ModeSteps.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case "":
		return ModeSteps, nil
	case ModeSteps, ModeScript, ModeSteward:
		return m, nil
	}
	return "", fmt.Errorf("%w: unknown mode %q; the modes are steps, script and steward", ErrConfig, s)
}
