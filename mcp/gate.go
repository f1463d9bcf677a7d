package mcp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// How a held action is answered. The gate asks its Confirmer; for a device
// tool that is callConfirmer, set up for one call:
//
//   - with the person's answer, when the client has just asked them
//     (the retry of a multi round-trip call): it returns that answer;
//   - when the client supports elicitation: it keeps the request and fails
//     with errAskClient, and the tool returns an input request instead of a
//     result; the SDK has the client ask the person and call again;
//   - otherwise it fails with errNoElicitation: nobody can be asked, so the
//     action is refused.
type callConfirmer struct {
	answer  *safety.Answer
	canAsk  bool
	request *safety.Request
}

var (
	errAskClient     = errors.New("waiting for the person's answer through the MCP client")
	errNoElicitation = errors.New("the MCP client cannot ask a person (it does not support elicitation)")
)

func (c *callConfirmer) Confirm(_ context.Context, req safety.Request) (safety.Answer, error) {
	switch {
	case c.answer != nil:
		return *c.answer, nil
	case c.canAsk:
		r := req
		c.request = &r
		return safety.Answer{Note: "asked through the MCP client"}, errAskClient
	}
	return safety.Answer{Note: errNoElicitation.Error()}, errNoElicitation
}

// confirmKey is the input request's id in the multi round-trip exchange.
const confirmKey = "confirm"

// pendingConfirm binds a person's answer to the action and screen it was
// asked about. The request state the client echoes is the random key of
// this record, so an answer cannot be replayed or forged for another
// action.
type pendingConfirm struct {
	device string
	action string
	hash   perception.Hash
	asked  time.Time
}

const confirmTTL = 10 * time.Minute

// heldResult is what a held action returns.
type heldResult struct {
	Status     string        `json:"status" jsonschema:"held: the action was not done"`
	Action     string        `json:"action"`
	Verdict    string        `json:"verdict" jsonschema:"blocked"`
	AnsweredBy string        `json:"answered_by" jsonschema:"policy, person, mode, nobody or earlier_answer"`
	Rule       string        `json:"rule,omitempty"`
	Reason     string        `json:"reason"`
	Risks      []safety.Risk `json:"risks,omitempty"`
}

// gated checks act with the device's gate. It returns the decision, or an
// input-required result when the person must be asked through the client.
// The caller holds d's lock.
func (s *Server) gated(ctx context.Context, req *sdk.CallToolRequest, d *deviceState, act actions.Action, scr *perception.Screen) (safety.Decision, *sdk.CallToolResult, error) {
	desc := actions.Describe(act, scr)
	c := d.conf
	*c = callConfirmer{}
	defer func() { *c = callConfirmer{} }()

	if resp, ok := req.Params.InputResponses[confirmKey]; ok {
		ans, err := s.answer(d, resp, req.Params.RequestState, desc, scr.Hash)
		if err != nil {
			return safety.Decision{}, nil, err
		}
		c.answer = &ans
	} else {
		c.canAsk = canElicit(req)
	}
	dec, err := d.gate.Check(ctx, safety.Context{Action: act, Screen: scr, History: d.history, App: scr.Package})
	switch {
	case errors.Is(err, errAskClient) && c.request != nil:
		key := randomID(16)
		s.mu.Lock()
		s.prunePending()
		s.pending[key] = pendingConfirm{device: d.id, action: desc, hash: scr.Hash, asked: s.now()}
		s.mu.Unlock()
		return dec, &sdk.CallToolResult{InputRequests: sdk.InputRequestMap{confirmKey: elicitation(*c.request)}, RequestState: key}, nil
	case errors.Is(err, errNoElicitation):
		dec.Reason = "needs a person's confirmation, and " + errNoElicitation.Error() + "; nothing was done. Ask the person yourself, or start 'mobagent mcp' with --confirm approve if they agree to every such action: " + strings.TrimPrefix(dec.Reason, "could not ask: ")
		err = nil
	}
	return dec, nil, err
}

// answer reads the person's answer from the client's input response, after
// checking that it answers the question asked about this action on this
// screen.
func (s *Server) answer(d *deviceState, resp sdk.InputResponse, state, desc string, hash perception.Hash) (safety.Answer, error) {
	s.mu.Lock()
	p, ok := s.pending[state]
	delete(s.pending, state)
	s.mu.Unlock()
	if !ok || p.device != d.id || s.now().Sub(p.asked) > confirmTTL {
		return safety.Answer{}, errors.New("the confirmation does not match a question this server asked (or it expired); nothing was done: call the tool again")
	}
	if p.action != desc || p.hash != hash {
		return safety.Answer{}, fmt.Errorf("the screen changed while the person was asked about %q; nothing was done: look at the screen and call the tool again", p.action)
	}
	er, ok := resp.(*sdk.ElicitResult)
	if !ok {
		return safety.Answer{}, fmt.Errorf("the client answered the confirmation with %T, not an elicitation result", resp)
	}
	switch er.Action {
	case "accept":
		approve, _ := er.Content["approve"].(bool)
		always, _ := er.Content["always"].(bool)
		return safety.Answer{Approved: approve, Always: approve && always, Note: "answered through the MCP client"}, nil
	case "cancel":
		return safety.Answer{Note: "the person dismissed the question"}, nil
	}
	return safety.Answer{Note: "the person declined"}, nil
}

func (s *Server) prunePending() {
	for k, p := range s.pending {
		if s.now().Sub(p.asked) > confirmTTL {
			delete(s.pending, k)
		}
	}
}

// canElicit reports whether the client can ask its person a form question.
func canElicit(req *sdk.CallToolRequest) bool {
	caps := req.ClientCapabilities()
	if caps == nil || caps.Elicitation == nil {
		return false
	}
	e := caps.Elicitation
	return e.Form != nil || e.URL == nil // {} means form, for older clients
}

// elicitation is the question put to the person.
func elicitation(r safety.Request) *sdk.ElicitParams {
	var b strings.Builder
	fmt.Fprintf(&b, "mobagent's safety gate holds this action for your confirmation:\n\n  %s\n\n", r.Action)
	if r.Reason != "" {
		fmt.Fprintf(&b, "Why: %s\n", r.Reason)
	}
	for _, k := range r.Risks {
		fmt.Fprintf(&b, "- %s (%s): %s\n", k.Category, k.Severity, k.Reason)
	}
	b.WriteString("\nAllow it?")
	props := map[string]*jsonschema.Schema{
		"approve": {Type: "boolean", Title: "Allow this action", Description: "yes runs it on the phone; no refuses it"},
	}
	if !r.PersonOnly {
		props["always"] = &jsonschema.Schema{Type: "boolean", Title: "Also allow this kind of action in this app for the rest of the session"}
	}
	return &sdk.ElicitParams{Message: b.String(), RequestedSchema: &jsonschema.Schema{Type: "object", Properties: props, Required: []string{"approve"}}}
}

// held is the result of an action the gate did not allow.
func (s *Server) held(desc string, dec safety.Decision) (*sdk.CallToolResult, heldResult) {
	h := heldResult{Status: "held", Action: s.red.String(desc), Verdict: string(dec.Verdict), AnsweredBy: string(dec.AnsweredBy), Rule: dec.Rule,
		Reason: s.red.String(dec.Reason), Risks: dec.Risks}
	var b strings.Builder
	fmt.Fprintf(&b, "HELD, not done: %s\nThe safety gate did not allow it (%s, answered by %s", h.Action, h.Verdict, h.AnsweredBy)
	if h.Rule != "" {
		fmt.Fprintf(&b, ", rule %s", h.Rule)
	}
	fmt.Fprintf(&b, "): %s\n", h.Reason)
	for _, r := range dec.Risks {
		fmt.Fprintf(&b, "- %s (%s): %s\n", r.Category, r.Severity, s.red.String(r.Reason))
	}
	b.WriteString("Nothing was sent to the phone. Do not try to reach the same effect another way.")
	return &sdk.CallToolResult{IsError: true, Content: []sdk.Content{&sdk.TextContent{Text: b.String()}}}, h
}
