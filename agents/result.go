package agents

import (
	"time"

	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
)

// Outcome is how a run ended.
type Outcome string

// Run outcomes.
const (
	OutcomeSuccess     Outcome = "success"      // the task is done, and the final screen shows it
	OutcomeInfeasible  Outcome = "infeasible"   // the agent found it cannot be done
	OutcomeRefused     Outcome = "refused"      // the agent declined (safety)
	OutcomeNotVerified Outcome = "not_verified" // done was claimed, and the final screen does not show it
	OutcomeStepLimit   Outcome = "step_limit"   // Limits.MaxSteps reached
	OutcomeStuck       Outcome = "stuck"        // repeated actions or no progress
	OutcomeFailed      Outcome = "failed"       // too many consecutive failures
	OutcomeBudget      Outcome = "budget"       // tokens, cost or time spent
	OutcomeInterrupted Outcome = "interrupted"  // ctx was cancelled (Ctrl-C)
	OutcomeUnavailable Outcome = "unavailable"  // the device or the model went away
	OutcomeError       Outcome = "error"        // the run could not start or go on (bad config, an observer failed)
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
	Model           format.Millis `json:"model_ms"` // latency of every model call
	Duration        format.Millis `json:"duration_ms"`
	Failures        int           `json:"failures"` // steps that failed
	// Roles splits the model calls by role (planner, decision, reflector,
	// notetaker, verifier): calls, tokens, cost and latency of each.
	Roles map[string]RoleTotals `json:"roles,omitempty"`
}

// RoleTotals add up one role's model calls.
type RoleTotals struct {
	Model string        `json:"model,omitempty"` // the model that answered (the last one, when several did)
	Calls int           `json:"calls"`
	Usage llm.Usage     `json:"usage"`
	Cost  float64       `json:"cost"`
	Time  format.Millis `json:"model_ms"`
}

// Add folds one step into t.
func (t *Totals) Add(s *Step) {
	t.Steps++
	t.ModelCalls += s.ModelCalls
	t.Usage.PromptTokens += s.Usage.PromptTokens
	t.Usage.CompletionTokens += s.Usage.CompletionTokens
	t.Cost += s.Cost
	t.Model += s.Timings.Model
	if s.Reflection != nil && s.Reflection.Skipped {
		t.ReflectionSkips++
	}
	if s.Error != "" {
		t.Failures++
	}
	for _, c := range s.Calls {
		if t.Roles == nil {
			t.Roles = map[string]RoleTotals{}
		}
		rt := t.Roles[c.Role]
		rt.Calls++
		rt.Usage.PromptTokens += c.Usage.PromptTokens
		rt.Usage.CompletionTokens += c.Usage.CompletionTokens
		rt.Cost += c.Cost
		rt.Time += c.Latency
		if c.Model != "" {
			rt.Model = c.Model
		}
		t.Roles[c.Role] = rt
	}
}

// Overhead is the time a run spent outside model calls, per step.
func (t Totals) Overhead() time.Duration {
	if t.Steps == 0 {
		return 0
	}
	return (t.Duration.D() - t.Model.D()) / time.Duration(t.Steps)
}

// Result is what Run returns.
type Result struct {
	Task    string   `json:"task"`
	Outcome Outcome  `json:"outcome"`
	Answer  string   `json:"answer,omitempty"`
	Reason  string   `json:"reason,omitempty"` // why the run stopped, in words
	Notes   []string `json:"notes,omitempty"`
	Plan    *Plan    `json:"plan,omitempty"`
	// Verification is the verify phase's verdict on a claimed completion
	// (nil when the run ended otherwise).
	Verification *Verification `json:"verification,omitempty"`
	Totals       Totals        `json:"totals"`
	Start        time.Time     `json:"start"`
	End          time.Time     `json:"end"`
}
