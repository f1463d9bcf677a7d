// Package route builds an agent team with a model per role, and escalates a
// role's step to a stronger model when its own model fails, in the spirit of
// Minions (a small local model does most of the work, a cloud model plans,
// checks and takes over when the local one is stuck).
//
// New returns an agents.Team to put in agents.Config.Roles (with
// Config.Model nil). Each role is the model-backed role of package agents
// over its own llm.Model, so prompts, parsing and accounting are the same as
// with one model: every call is recorded with its role and the model that
// answered, and agents.Totals.Roles adds them up per role.
//
// Escalation: a role whose model is not the escalation model counts its
// failures in a row: each unusable answer (a call that fails, a reply that
// cannot be used even after the role's own repair turn, which counts as a
// second) and, for the decision, a step that went wrong after one of its
// own decisions (an invalid action, a failed step, an outcome of wrong_page
// or no_change). A failed attempt is retried on the role's own model, with
// the reason, until After failures in a row are counted; then the step goes
// to the escalation model, and the count starts again. A usable answer
// resets it, except the decision's, whose count the next step's outcome
// resets.
//
// A Team built by New belongs to one run at a time, like the agent that
// uses it.
package route

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/llm"
)

// Role is one role's model.
type Role struct {
	Model llm.Model
	// Name names the model in progress lines; empty means the model's
	// profile ("openai:gpt-4o").
	Name string
	// Vision attaches images to this role's prompts (the decision's
	// set-of-mark screenshot, the reflector's before and after). Leave it
	// off for text-only models.
	Vision bool
}

func (r Role) name() string {
	if r.Name != "" {
		return r.Name
	}
	if p, ok := r.Model.(interface{ Profile() llm.Profile }); ok {
		return p.Profile().String()
	}
	return "model"
}

// Escalation is one step sent to the escalation model.
type Escalation struct {
	Role     string // planner, decision, reflector, notetaker or verifier
	From, To string // the models' names
	Failures int
	// Reason is the last failure, in words.
	Reason string
}

// Config builds a routed team. Every role needs a model but the verifier,
// which takes the reflector's when its Model is nil.
type Config struct {
	Planner, Decision, Reflector, Notetaker Role
	// Verifier judges a claimed completion from the final screen (see
	// agents.Verifier).
	Verifier Role
	// Escalate is the model a failing role's step goes to; a nil Model
	// turns escalation off.
	Escalate Role
	// After is how many failures in a row escalate a step; 0 means 2.
	After int
	// Team tunes the model-backed roles (prompts, JSON mode, call options,
	// redactor, clock); its Vision is replaced by each Role's.
	Team agents.TeamConfig
	// OnEscalate, when set, hears of each escalation (the CLI's progress).
	// It is called from the run's goroutine.
	OnEscalate func(Escalation)
}

// ErrConfig marks a Config that cannot work.
var ErrConfig = errors.New("route: bad config")

// New returns the team. Its Name is "routed".
func New(cfg Config) (agents.Team, error) {
	for _, r := range []struct {
		name string
		role Role
	}{{"planner", cfg.Planner}, {"decision", cfg.Decision}, {"reflector", cfg.Reflector}, {"notetaker", cfg.Notetaker}} {
		if r.role.Model == nil {
			return agents.Team{}, fmt.Errorf("%w: the %s has no model", ErrConfig, r.name)
		}
	}
	if cfg.Verifier.Model == nil {
		cfg.Verifier = cfg.Reflector
	}
	after := cfg.After
	if after <= 0 {
		after = 2
	}
	team := func(r Role) agents.Team {
		tc := cfg.Team
		tc.Vision = r.Vision
		return agents.NewModelTeam(r.Model, tc)
	}
	t := agents.Team{Name: "routed",
		Planner:   team(cfg.Planner).Planner,
		Decider:   team(cfg.Decision).Decider,
		Reflector: team(cfg.Reflector).Reflector,
		Notetaker: team(cfg.Notetaker).Notetaker,
		Verifier:  team(cfg.Verifier).Verifier,
	}
	if cfg.Escalate.Model == nil {
		return t, nil
	}
	up := team(cfg.Escalate)
	esc := func(role string, r Role) *escalator {
		return &escalator{role: role, from: r.name(), to: cfg.Escalate.name(), after: after, on: cfg.OnEscalate}
	}
	if cfg.Planner.Model != cfg.Escalate.Model {
		t.Planner = &planner{own: t.Planner, up: up.Planner, e: esc("planner", cfg.Planner)}
	}
	if cfg.Decision.Model != cfg.Escalate.Model {
		e := esc("decision", cfg.Decision)
		e.stepJudged = true
		t.Decider = &decider{own: t.Decider, up: up.Decider, e: e}
	}
	if cfg.Reflector.Model != cfg.Escalate.Model {
		t.Reflector = &reflector{own: t.Reflector, up: up.Reflector, e: esc("reflector", cfg.Reflector)}
	}
	if cfg.Notetaker.Model != cfg.Escalate.Model {
		t.Notetaker = &notetaker{own: t.Notetaker, up: up.Notetaker, e: esc("notetaker", cfg.Notetaker)}
	}
	if cfg.Verifier.Model != cfg.Escalate.Model {
		t.Verifier = &verifier{own: t.Verifier, up: up.Verifier, e: esc("verifier", cfg.Verifier)}
	}
	return t, nil
}

// Describe names the model of each role, for the trajectory's model field:
// "planner openai:gpt-4o, decision ollama:qwen2.5:7b, ...", or the one
// name when every role has the same model.
func Describe(cfg Config) string {
	roles := []struct {
		name string
		r    Role
	}{{"planner", cfg.Planner}, {"decision", cfg.Decision}, {"reflector", cfg.Reflector}, {"notetaker", cfg.Notetaker}}
	same := true
	for _, r := range roles[1:] {
		same = same && r.r.Model == roles[0].r.Model
	}
	ownVerifier := cfg.Verifier.Model != nil && cfg.Verifier.Model != cfg.Reflector.Model
	if same && !ownVerifier && (cfg.Escalate.Model == nil || cfg.Escalate.Model == roles[0].r.Model) {
		return roles[0].r.name()
	}
	parts := make([]string, 0, 5)
	for _, r := range roles {
		parts = append(parts, r.name+" "+r.r.name())
	}
	if ownVerifier {
		parts = append(parts, "verifier "+cfg.Verifier.name())
	}
	if cfg.Escalate.Model != nil {
		parts = append(parts, "escalating to "+cfg.Escalate.name())
	}
	return strings.Join(parts, ", ")
}

// escalator counts one role's failures in a row.
type escalator struct {
	role, from, to string
	after          int
	on             func(Escalation)
	// stepJudged: a usable answer does not reset the count; the step's
	// outcome does (stepOutcome).
	stepJudged bool

	mu    sync.Mutex
	fails int
}

// run tries own until the failures in a row reach the limit, then up. It
// returns the calls of every attempt. feedback, when set, tells the retry
// why the previous attempt failed.
//
// A usable answer resets the count, except the decision's: its step's
// outcome decides (see decider).
func run[I, O any](ctx context.Context, e *escalator, in I, own, up func(context.Context, I) (O, error), calls func(*O) *[]agents.Call, feedback func(I, error) I) (O, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var all []agents.Call
	var last error
	for e.fails < e.after {
		out, err := own(ctx, in)
		got := *calls(&out)
		all = append(all, got...)
		if err == nil {
			if e.stepJudged {
				e.fails += max(len(got)-1, 0) // replies the role had to repair
			} else {
				e.fails = 0
			}
			*calls(&out) = all
			return out, nil
		}
		if ctx.Err() != nil {
			*calls(&out) = all
			return out, err
		}
		// Every answer of the failed attempt was unusable: the reply and
		// the role's own repair turn, when it took one.
		e.fails += max(len(got), 1)
		last = err
		if feedback != nil {
			in = feedback(in, err)
		}
	}
	reason := "failed steps"
	if last != nil {
		reason = last.Error()
	}
	if e.on != nil {
		e.on(Escalation{Role: e.role, From: e.from, To: e.to, Failures: e.fails, Reason: reason})
	}
	e.fails = 0
	out, err := up(ctx, in)
	all = append(all, *calls(&out)...)
	*calls(&out) = all
	return out, err
}

// stepOutcome counts a failed step that followed one of the role's own
// answers, and clears the count after a step that went well.
func (e *escalator) stepOutcome(failed bool) {
	e.mu.Lock()
	if failed {
		e.fails++
	} else {
		e.fails = 0
	}
	e.mu.Unlock()
}

type planner struct {
	own, up agents.Planner
	e       *escalator
}

func (p *planner) Plan(ctx context.Context, in agents.PlanInput) (agents.PlanOutput, error) {
	return run(ctx, p.e, in, p.own.Plan, p.up.Plan, func(o *agents.PlanOutput) *[]agents.Call { return &o.Calls }, nil)
}

type decider struct {
	own, up agents.Decider
	e       *escalator

	mu        sync.Mutex
	lastLocal bool // the previous step's action came from own
	upUsed    bool // this step went to up
}

func (d *decider) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	d.mu.Lock()
	if d.lastLocal {
		d.e.stepOutcome(in.LastError != "")
	}
	d.upUsed = false
	d.mu.Unlock()
	out, err := run(ctx, d.e, in, d.own.Decide, d.escalate, func(o *agents.DecideOutput) *[]agents.Call { return &o.Calls }, func(in agents.DecideInput, err error) agents.DecideInput {
		in.LastError = "your previous reply could not be used: " + err.Error()
		return in
	})
	d.mu.Lock()
	d.lastLocal = err == nil && !d.upUsed
	d.mu.Unlock()
	return out, err
}

// escalate is the escalation model's decision; it marks the step as not
// the own model's, so its failure is not counted against the own model.
func (d *decider) escalate(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	d.mu.Lock()
	d.upUsed = true
	d.mu.Unlock()
	return d.up.Decide(ctx, in)
}

type reflector struct {
	own, up agents.Reflector
	e       *escalator
}

func (r *reflector) Reflect(ctx context.Context, in agents.ReflectInput) (agents.Reflection, error) {
	return run(ctx, r.e, in, r.own.Reflect, r.up.Reflect, func(o *agents.Reflection) *[]agents.Call { return &o.Calls }, nil)
}

type notetaker struct {
	own, up agents.Notetaker
	e       *escalator
}

func (n *notetaker) Note(ctx context.Context, in agents.NoteInput) (agents.NoteOutput, error) {
	return run(ctx, n.e, in, n.own.Note, n.up.Note, func(o *agents.NoteOutput) *[]agents.Call { return &o.Calls }, nil)
}

type verifier struct {
	own, up agents.Verifier
	e       *escalator
}

func (v *verifier) Verify(ctx context.Context, in agents.VerifyInput) (agents.VerifyOutput, error) {
	return run(ctx, v.e, in, v.own.Verify, v.up.Verify, func(o *agents.VerifyOutput) *[]agents.Call { return &o.Calls }, nil)
}

var (
	_ agents.Verifier  = (*verifier)(nil)
	_ agents.Planner   = (*planner)(nil)
	_ agents.Decider   = (*decider)(nil)
	_ agents.Reflector = (*reflector)(nil)
	_ agents.Notetaker = (*notetaker)(nil)
)
