package safety

import (
	"context"

	"github.com/mobagent/mobagent/format"
)

// Judge is an optional model-based second opinion for ambiguous actions (a
// generic "OK" with no telling context, a message body the keyword sets found
// nothing in). The caller plugs in an LLM-backed implementation; the Gate
// consults it only when Assessment.Ambiguous is set, and never by default.
// A Judge can add risks; it cannot remove the rules' risks.
type Judge interface {
	Judge(ctx context.Context, in JudgeInput) (Judgement, error)
}

// JudgeInput is what a Judge sees. Screen text in it is untrusted; an
// LLM-backed judge should pass it through WrapUntrusted.
type JudgeInput struct {
	Context    Context
	Assessment Assessment
}

// Judgement is a Judge's opinion and what it cost.
type Judgement struct {
	Risks  []Risk `json:"risks,omitempty"`
	Reason string `json:"reason,omitempty"`
	Cost   Cost   `json:"cost"`
}

// Cost is what one judgement cost; the Gate adds it to the Decision.
type Cost struct {
	InputTokens  int           `json:"input_tokens,omitempty"`
	OutputTokens int           `json:"output_tokens,omitempty"`
	USD          float64       `json:"usd,omitempty"`
	Latency      format.Millis `json:"latency_ms,omitempty"`
	Calls        int           `json:"calls,omitempty"`
}

// Add sums two costs.
func (c Cost) Add(o Cost) Cost {
	return Cost{
		InputTokens:  c.InputTokens + o.InputTokens,
		OutputTokens: c.OutputTokens + o.OutputTokens,
		USD:          c.USD + o.USD,
		Latency:      c.Latency + o.Latency,
		Calls:        c.Calls + o.Calls,
	}
}

// JudgeFunc adapts a function to a Judge.
type JudgeFunc func(ctx context.Context, in JudgeInput) (Judgement, error)

// Judge calls f.
func (f JudgeFunc) Judge(ctx context.Context, in JudgeInput) (Judgement, error) { return f(ctx, in) }

var _ Judge = JudgeFunc(nil)
