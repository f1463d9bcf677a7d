// Package ask makes the model calls of the roles outside package agents
// (the script writer, the steward) the way the model team makes its own:
// the system prompt of package prompts for the role, the user prompt
// redacted before it is sent, a redacted agents.Call record of each call,
// and one repair turn for a reply that cannot be used.
package ask

import (
	"context"
	"fmt"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/prompts"
	"github.com/mobagent/mobagent/safety"
)

// Caller asks one model. The zero value of every field but Model works.
// It is safe for concurrent use if Model is.
type Caller struct {
	Model    llm.Model
	Prompts  *prompts.Set // nil means prompts.Default()
	Redactor *safety.Redactor
	Options  []llm.Option
	// Reply replaces the system prompt's rule that the answer is one JSON
	// object (prompts.SystemData.Reply).
	Reply string
	// JSON asks the endpoint for a JSON object (response_format).
	JSON bool
	Now  func() time.Time
}

// Ask sends user to the model as role (its system prompt names the role)
// and gives the reply to parse. A reply parse rejects gets one repair turn
// that shows the model its reply and parse's error. It returns the calls
// made, redacted.
func (c Caller) Ask(ctx context.Context, role, user string, parse func(text string) error) ([]agents.Call, error) {
	text, call, err := c.generate(ctx, role, user)
	calls := []agents.Call{call}
	if err != nil {
		return calls, err
	}
	perr := parse(text)
	if perr == nil || ctx.Err() != nil {
		return calls, perr
	}
	repair := user + "\n\nYour reply was:\n" + actions.Excerpt(text, 800) + "\nIt could not be used: " + perr.Error() + "\nReply again in the form asked for."
	text, call, err = c.generate(ctx, role, repair)
	calls = append(calls, call)
	if err != nil {
		return calls, err
	}
	if err := parse(text); err != nil {
		return calls, fmt.Errorf("%w (also after a repair turn)", err)
	}
	return calls, nil
}

func (c Caller) generate(ctx context.Context, role, user string) (string, agents.Call, error) {
	ps := c.Prompts
	if ps == nil {
		ps = prompts.Default()
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	sys, err := ps.Render(prompts.System, prompts.SystemData{Role: role, Reply: c.Reply})
	if err != nil {
		return "", agents.Call{Role: role}, err
	}
	user = c.Redactor.String(user)
	opts := append([]llm.Option(nil), c.Options...)
	if c.JSON {
		opts = append(opts, llm.WithJSON())
	}
	call := agents.Call{Role: role, Prompt: "[system]\n" + sys + "\n[user]\n" + user}
	start := now()
	resp, err := c.Model.Generate(ctx, []llm.Message{llm.System(sys), llm.User(llm.Text(user))}, opts...)
	if err != nil {
		call.Latency = format.Ms(now().Sub(start))
		call.Err = c.Redactor.String(err.Error())
		return "", call, fmt.Errorf("the %s model call failed: %w", role, err)
	}
	call.Model, call.Response, call.Usage, call.Cost, call.Latency = resp.Model, c.Redactor.String(resp.Text), resp.Usage, resp.Cost, format.Ms(resp.Latency)
	if call.Latency == 0 {
		call.Latency = format.Ms(now().Sub(start))
	}
	return resp.Text, call, nil
}
