package script

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/internal/ask"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/prompts"
	"github.com/mobagent/mobagent/safety"
)

// Config builds the roles of script mode. Model is required (Configure
// takes the agent's); the zero value of every other field works.
type Config struct {
	// Model writes the script.
	Model llm.Model
	// Team tunes the script writer's calls (prompts, options, redactor,
	// clock), as it tunes the model roles.
	Team agents.TeamConfig
	// Steps are the roles the rest of the task is handed to when the
	// script stops (the step mode); a nil role is the model-backed one,
	// agents.NewModelTeam(Model, Team).
	Steps agents.Team
	// Knowledge is what exploring the apps found (StoreKnowledge over the
	// memory store); nil means the writer sees only the screen.
	Knowledge Knowledge
	// Limits bound the scripts the writer may write.
	Limits Limits
	// Vars are values a script may use as $name: values handed over from
	// an earlier subtask (the steward's). They are shown to the writer as
	// untrusted data.
	Vars map[string]string
	// Repairs is how many times a rejected script goes back to the writer
	// with its errors before the step mode plans instead; 0 means 1, a
	// negative number none.
	Repairs int
	Logger  *slog.Logger
}

// Configure sets cfg up for script mode: its roles become the script
// mode's, over cfg.Model (unless sc.Model is set) with cfg's team settings,
// and cfg.Mode becomes agents.ModeScript. Everything else (the gate, the
// executor, memory, the observers, the limits) stays as it is: every
// action of the script goes through the agent's safety gate and executor
// like any other.
func Configure(cfg *agents.Config, sc Config) error {
	if sc.Model == nil {
		sc.Model = cfg.Model
	}
	if sc.Model == nil {
		return fmt.Errorf("%w: script mode needs a model to write the script (Config.Model)", agents.ErrConfig)
	}
	tc := cfg.Team
	tc.Vision = tc.Vision || cfg.Vision
	if tc.Redactor == nil {
		tc.Redactor = cfg.Redactor
		if tc.Redactor == nil && cfg.Secrets != nil {
			tc.Redactor = cfg.Secrets.Redactor()
		}
	}
	if tc.Now == nil {
		tc.Now = cfg.Now
	}
	if tc.Dialect.Auto() {
		name := cfg.ModelName
		if p, ok := sc.Model.(interface{ Profile() llm.Profile }); ok && name == "" {
			name = p.Profile().String()
		}
		tc.Dialect, _ = (&actions.Dialects{}).ForModel(name)
	}
	if sc.Team.Prompts == nil && sc.Team.Redactor == nil && sc.Team.Now == nil && len(sc.Team.Options) == 0 {
		sc.Team = tc
	}
	if sc.Logger == nil {
		sc.Logger = cfg.Logger
	}
	// The roles of cfg already set (a custom decider, say) are the step
	// mode's.
	steps := cfg.Roles
	if steps.Planner == nil || steps.Decider == nil || steps.Reflector == nil || steps.Notetaker == nil || steps.Verifier == nil {
		mt := agents.NewModelTeam(sc.Model, tc)
		steps = fill(steps, mt)
	}
	sc.Steps = fill(sc.Steps, steps)
	cfg.Roles = Roles(sc)
	cfg.Mode = agents.ModeScript
	return nil
}

func fill(t, o agents.Team) agents.Team {
	if t.Planner == nil {
		t.Planner = o.Planner
	}
	if t.Decider == nil {
		t.Decider = o.Decider
	}
	if t.Reflector == nil {
		t.Reflector = o.Reflector
	}
	if t.Notetaker == nil {
		t.Notetaker = o.Notetaker
	}
	if t.Verifier == nil {
		t.Verifier = o.Verifier
	}
	if t.Name == "" {
		t.Name = o.Name
	}
	return t
}

// Roles returns the team of script mode:
//
//   - the planner, at the start of a run, asks the model once for a script
//     (the task, the first screen, the app knowledge, memory's tips and the
//     language), compiles it and shows it as the plan; a rejected script
//     goes back with its errors (Config.Repairs times), then the step mode
//     plans instead;
//   - the decision runs the script one action per step, with no model;
//   - the reflector judges by the pixels (agents.ObviousReflection, else
//     whether the screen changed): the script's expect lines check what
//     matters;
//   - the notetaker keeps what read commands found.
//
// When a selector finds nothing, an expect line does not hold, a bound
// runs out, an action fails or a claimed completion does not hold, the
// rest of the task is handed to the step mode (Config.Steps) with what the
// script did: the decision fails its step with a *HandOver, and the step
// planner plans from there. The team serves one run at a time, as the
// Agent it is configured in does.
func Roles(sc Config) agents.Team {
	if sc.Model != nil {
		sc.Steps = fill(sc.Steps, agents.NewModelTeam(sc.Model, sc.Team))
	}
	if sc.Logger == nil {
		sc.Logger = slog.New(slog.DiscardHandler)
	}
	t := &team{cfg: sc}
	return agents.Team{Name: "script", Planner: (*planner)(t), Decider: (*decider)(t), Reflector: (*reflector)(t), Notetaker: (*notetaker)(t), Verifier: sc.Steps.Verifier}
}

// HandOver is the error the script's decision fails its step with when the
// script stops: the step mode goes on from that screen.
type HandOver struct {
	// Stop is why the script stopped, when the script itself stopped
	// (nil when a step failed: Reason says which).
	Stop   *Stop
	Reason string
	Done   []string // the commands that ran
}

func (h *HandOver) Error() string {
	if h.Stop != nil {
		return h.Stop.Error() + "; the step mode goes on from this screen"
	}
	msg := "the script stopped: " + h.Reason
	if len(h.Done) > 0 {
		msg += "; it had done: " + strings.Join(h.Done, "; ")
	}
	return msg + "; the step mode goes on from this screen"
}

// Unwrap returns the Stop.
func (h *HandOver) Unwrap() error {
	if h.Stop != nil {
		return h.Stop
	}
	return nil
}

type team struct {
	cfg Config
	mu  sync.Mutex
	run *state
}

// state is one run's.
type state struct {
	script   *Script
	in       *Interp
	handed   bool   // the step mode has the task
	handOver string // why, for the step planner's first plan; "" once told
}

type (
	planner   team
	decider   team
	reflector team
	notetaker team
)

// Plan writes the script at the start of a run; later, it hands any
// failure to the step mode.
func (p *planner) Plan(ctx context.Context, in agents.PlanInput) (agents.PlanOutput, error) {
	t := (*team)(p)
	t.mu.Lock()
	if in.Plan == nil && len(in.History) == 0 && (t.run == nil || in.Failure == "") {
		t.run = &state{} // a new run
	}
	st := t.run
	t.mu.Unlock()
	switch {
	case st.handed:
		return t.stepPlan(ctx, st, in, "")
	case st.script == nil:
		if in.Failure != "" {
			// Writing failed (the model's call); plan step by step.
			return t.handBack(ctx, st, in, "writing the script failed: "+in.Failure)
		}
		return t.write(ctx, st, in)
	case in.Failure != "":
		return t.handBack(ctx, st, in, "a step of the script did not work: "+in.Failure)
	case in.Review != "":
		return t.handBack(ctx, st, in, "the plan is under review: "+in.Review)
	}
	if in.Plan == nil {
		return agents.PlanOutput{Plan: agents.Plan{Subgoals: []string{"run the script"}}}, nil
	}
	return agents.PlanOutput{Plan: *in.Plan}, nil
}

// handBack gives the task to the step mode's planner.
func (t *team) handBack(ctx context.Context, st *state, in agents.PlanInput, why string) (agents.PlanOutput, error) {
	t.mu.Lock()
	st.handed = true
	var done []string
	if st.in != nil {
		done = st.in.Done()
	}
	t.mu.Unlock()
	h := &HandOver{Reason: why, Done: done}
	t.cfg.Logger.Info("script mode: the step mode takes over", "why", why)
	return t.stepPlan(ctx, st, in, h.Error())
}

// stepPlan asks the step mode's planner, telling it once why it has the
// task.
func (t *team) stepPlan(ctx context.Context, st *state, in agents.PlanInput, why string) (agents.PlanOutput, error) {
	t.mu.Lock()
	if why == "" {
		why, st.handOver = st.handOver, ""
	}
	t.mu.Unlock()
	if why != "" {
		if !strings.Contains(in.Failure, why) {
			in.Failure = strings.TrimSpace(why + " " + in.Failure)
		}
		in.Review = ""
	}
	out, err := t.cfg.Steps.Planner.Plan(ctx, in)
	if why != "" {
		out.Thought = strings.TrimSpace("[step mode] " + out.Thought)
	}
	return out, err
}

// write asks the model for the script, with Repairs turns for rejected
// ones; a script that stays rejected leaves the task to the step mode.
func (t *team) write(ctx context.Context, st *state, in agents.PlanInput) (agents.PlanOutput, error) {
	var apps string
	if t.cfg.Knowledge != nil {
		var err error
		if apps, err = t.cfg.Knowledge.AppKnowledge(ctx, in.Task); err != nil {
			t.cfg.Logger.Warn("script mode: no app knowledge", "err", err)
		}
	}
	names := make([]string, 0, len(t.cfg.Vars))
	for k := range t.cfg.Vars {
		names = append(names, k)
	}
	sort.Strings(names)
	d := prompts.ScriptData{Task: in.Task, Screen: safety.WrapUntrusted("phone screen", in.Obs.Text, safety.DetectInjection(in.Obs.Text)...),
		Tips: in.Tips, Reference: Reference(t.cfg.Limits)}
	if apps != "" {
		d.Apps = safety.WrapUntrusted("app knowledge", apps, safety.DetectInjection(apps)...)
	}
	if len(names) > 0 {
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, "$%s = %q\n", n, t.cfg.Vars[n])
		}
		d.Vars = safety.WrapUntrusted("handed-over values", strings.TrimSpace(b.String()), safety.DetectInjection(b.String())...)
	}
	ps := t.cfg.Team.Prompts
	if ps == nil {
		ps = prompts.Default()
	}
	caller := ask.Caller{Model: t.cfg.Model, Prompts: ps, Redactor: t.cfg.Team.Redactor, Options: t.cfg.Team.Options, Now: t.cfg.Team.Now,
		Reply: "Answer with one sentence on how you will do it, then the script in one ```script block."}
	repairs := t.cfg.Repairs
	if repairs == 0 {
		repairs = 1
	}
	repairs = max(repairs, 0)
	var calls []agents.Call
	var thought string
	for try := 0; ; try++ {
		user, err := ps.Render(prompts.Script, d)
		if err != nil {
			return agents.PlanOutput{Calls: calls}, err
		}
		var text string
		c, err := caller.Ask(ctx, "script writer", user, func(s string) error { text = s; return nil })
		calls = append(calls, c...)
		if err != nil {
			return agents.PlanOutput{Calls: calls}, err
		}
		sc, cerr := Compile(Extract(text), t.cfg.Limits, names...)
		if cerr == nil {
			t.mu.Lock()
			st.script, st.in = sc, sc.Start(t.cfg.Vars)
			t.mu.Unlock()
			thought = strings.TrimSpace(prose(text))
			return agents.PlanOutput{Plan: agents.Plan{Subgoals: []string{"run the script"}, Progress: "script:\n" + strings.Join(sc.Lines(), "\n")},
				Thought: thought, Calls: calls}, nil
		}
		if strings.TrimSpace(Extract(text)) == "" {
			cerr = Errors{{Err: ErrEmpty, Msg: "the reply holds no script", Fix: "put the script in one ```script block"}}
		}
		t.cfg.Logger.Info("script mode: the script was rejected before it ran", "try", try+1, "err", cerr)
		if try >= repairs {
			// Nothing ran: the step mode plans the task from the start.
			t.mu.Lock()
			st.handed = true
			t.mu.Unlock()
			out, err := t.cfg.Steps.Planner.Plan(ctx, in)
			out.Thought = strings.TrimSpace("[step mode: the script was rejected before it ran] " + out.Thought)
			out.Calls = append(calls, out.Calls...)
			return out, err
		}
		d.Rejected = actions.Excerpt(Extract(text), 1200) + "\n" + cerr.Error()
	}
}

// prose is the reply without its fenced blocks: the writer's sentence.
func prose(text string) string {
	var out []string
	in := false
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			in = !in
			continue
		}
		if !in && strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return actions.Excerpt(strings.Join(out, " "), 300)
}

// Decide runs the script on the screen, or hands the task on.
func (d *decider) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	t := (*team)(d)
	t.mu.Lock()
	st := t.run
	if st == nil || st.handed || st.in == nil {
		t.mu.Unlock()
		return t.cfg.Steps.Decider.Decide(ctx, in)
	}
	if in.LastError != "" {
		// The step before failed (or this action was not valid on this
		// screen): the script cannot know what to do about it.
		st.handed = true
		h := &HandOver{Reason: in.LastError, Done: st.in.Done()}
		st.handOver = h.Error()
		t.mu.Unlock()
		return agents.DecideOutput{}, h
	}
	next, err := st.in.Next(in.Obs.Screen)
	if err != nil {
		st.handed = true
		var stop *Stop
		h := &HandOver{Reason: err.Error(), Done: st.in.Done()}
		if errors.As(err, &stop) {
			h.Stop = stop
		}
		st.handOver = h.Error()
		t.mu.Unlock()
		return agents.DecideOutput{Thought: "the script stopped"}, h
	}
	done := len(st.in.Done())
	t.mu.Unlock()
	return agents.DecideOutput{Action: next.Action, Thought: "script " + next.Note,
		Progress: fmt.Sprintf("the script ran %d commands; now %s", done, next.Note)}, nil
}

// Reflect judges by the pixels while the script runs.
func (r *reflector) Reflect(ctx context.Context, in agents.ReflectInput) (agents.Reflection, error) {
	t := (*team)(r)
	t.mu.Lock()
	st := t.run
	if st == nil || st.handed || st.in == nil {
		t.mu.Unlock()
		return t.cfg.Steps.Reflector.Reflect(ctx, in)
	}
	notes := st.in.TakeNotes()
	t.mu.Unlock()
	out, ok := agents.ObviousReflection(in)
	if !ok {
		out = agents.Reflection{Verdict: agents.VerdictSuccess, Skipped: true, Reason: "script mode: the screen changed; the script's expect lines check it",
			Note: "the screen changed"}
		b, a := in.Before.Screen, in.After.Screen
		if in.Diff.Ratio == 0 && b != nil && a != nil && b.Package == a.Package && b.Activity == a.Activity {
			out.Verdict, out.Reason, out.Note = agents.VerdictNoChange, "script mode: nothing changed", "the action changed nothing on the screen"
		}
	}
	if len(notes) > 0 {
		out.Notes, out.NotesTaken = notes, true
	}
	return out, nil
}

// Note keeps what read commands found while the script runs.
func (n *notetaker) Note(ctx context.Context, in agents.NoteInput) (agents.NoteOutput, error) {
	t := (*team)(n)
	t.mu.Lock()
	st := t.run
	if st == nil || st.handed || st.in == nil {
		t.mu.Unlock()
		return t.cfg.Steps.Notetaker.Note(ctx, in)
	}
	defer t.mu.Unlock()
	return agents.NoteOutput{Notes: st.in.TakeNotes()}, nil
}
