package steward

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/agentmem"
	"github.com/mobagent/mobagent/agents/internal/ask"
	"github.com/mobagent/mobagent/agents/script"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/prompts"
	"github.com/mobagent/mobagent/safety"
)

// Config builds a Steward. Agent is required, with a Device and a Model
// (or, with a model per role, all four Roles and the steward's Model); the
// zero value of every other field works.
type Config struct {
	// Agent is what every staff agent is built from: the device, the
	// model, the gate, the perceiver, the limits (per subtask), the
	// secrets, the redactor, the logger and the clock. Its Memory,
	// Observers and Mode are the steward's to set per staff.
	Agent agents.Config
	// Model is the steward's own; nil means Agent.Model.
	Model llm.Model
	// Store gives each staff its own memory for its app (StaffMemory);
	// nil means the staff run without memory.
	Store *memory.Store
	// MemoryModel is the model the staff's memories learn with
	// (agentmem.Config.Model: one reflection call per staff run); nil
	// learns without a model.
	MemoryModel llm.Model
	// Dir is the steward's run directory: run.json with the dispatch
	// tree, one step per dispatch, and each staff run in
	// Dir/staff/NN-app. Empty records nothing on disk.
	Dir string
	// Recorder records the steward's own run in Dir; nil means one is
	// created there (the CLI passes the one it created).
	Recorder *trajectory.Recorder
	// Observers hear the steward's events and every staff run's.
	Observers []agents.Observer
	// Apps are the apps the steward may dispatch to, by launcher name;
	// empty means the apps the first screen shows when it is the home
	// screen.
	Apps []string
	// StaffMode runs the staff in the step mode (the default) or script
	// mode (agents/script, with the store's knowledge of the staff's app).
	StaffMode agents.Mode
	// MaxSubtasks bounds the subtasks dispatched in all [8]; Retries the
	// extra attempts of a failed subtask [1]; Replans the times the
	// steward splits the rest of the task again after a subtask fails for
	// good [1].
	MaxSubtasks int
	Retries     int
	Replans     int
}

// Steward runs a task across apps (after MobileSteward): it splits the
// task into subtasks, one app each (one model call), dispatches each to
// that app's staff agent, checks each result (by rule, or with one model
// call when a reported value must be read from the staff's words), keeps
// the values one staff finds in its shared notes and fills them into the
// later subtasks that use them, and splits the rest again when a subtask
// fails. A Steward runs one task at a time; it owns the device meanwhile.
type Steward struct {
	cfg   Config
	ask   ask.Caller
	red   *safety.Redactor
	log   *slog.Logger
	now   func() time.Time
	perc  *perception.Perceiver
	staff map[string]*Staff // by package
}

// New checks cfg and returns a Steward.
func New(cfg Config) (*Steward, error) {
	if cfg.Agent.Device == nil {
		return nil, fmt.Errorf("%w: steward: Config.Agent.Device is nil", agents.ErrConfig)
	}
	if cfg.Model == nil {
		cfg.Model = cfg.Agent.Model
	}
	r := cfg.Agent.Roles
	staffRoles := r.Planner != nil && r.Decider != nil && r.Reflector != nil && r.Notetaker != nil
	if cfg.Model == nil || (cfg.Agent.Model == nil && !staffRoles) {
		return nil, fmt.Errorf("%w: steward mode needs a model for the steward and its staff (--model; Config.Model, and Config.Agent.Model or all four Config.Agent.Roles)", agents.ErrConfig)
	}
	if cfg.StaffMode != "" && cfg.StaffMode != agents.ModeSteps && cfg.StaffMode != agents.ModeScript {
		return nil, fmt.Errorf("%w: steward: StaffMode %q; the staff run in steps or script mode", agents.ErrConfig, cfg.StaffMode)
	}
	if err := cfg.Agent.Limits.Validate(); err != nil {
		return nil, err
	}
	cfg.MaxSubtasks = cmp.Or(max(cfg.MaxSubtasks, 0), 8)
	if cfg.Retries == 0 {
		cfg.Retries = 1
	}
	cfg.Retries = max(cfg.Retries, 0)
	if cfg.Replans == 0 {
		cfg.Replans = 1
	}
	cfg.Replans = max(cfg.Replans, 0)
	s := &Steward{cfg: cfg, log: cfg.Agent.Logger, now: cfg.Agent.Now, red: cfg.Agent.Redactor, perc: cfg.Agent.Perceiver, staff: map[string]*Staff{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.red == nil && cfg.Agent.Secrets != nil {
		s.red = cfg.Agent.Secrets.Redactor()
	}
	if s.red == nil {
		s.red = &safety.Redactor{}
	}
	if s.perc == nil {
		s.perc = &perception.Perceiver{Logger: s.log, NoVision: true, Now: s.now}
	}
	tc := cfg.Agent.Team
	s.ask = ask.Caller{Model: cfg.Model, Prompts: tc.Prompts, Redactor: s.red, Options: tc.Options, Now: s.now, JSON: tc.JSONMode}
	return s, nil
}

// Staff returns the staff agents the steward has built, by package.
func (s *Steward) Staff() map[string]*Staff { return s.staff }

// Result is how a steward's run ended: the run's Result (its totals add
// the staff's runs to the steward's calls) and the dispatch tree.
type Result struct {
	*agents.Result
	Dispatch trajectory.Dispatch
}

// run is one Run's state.
type run struct {
	s       *Steward
	task    string
	res     *agents.Result
	tree    trajectory.Dispatch
	values  map[string]string
	rec     *trajectory.Recorder
	ownRec  bool
	obs     agents.Observation
	pending []agents.Call // steward calls not yet recorded with a step
	thought string
	plan    *agents.Plan
	steps   int // the steward's step records
}

// Run performs task. The Result is never nil; the error is nil only when
// every subtask succeeded and passed the steward's check, else a
// *agents.StopError (the outcome of the subtask that failed, or why the
// steward stopped).
func (s *Steward) Run(ctx context.Context, task string) (*Result, error) {
	task = strings.TrimSpace(task)
	r := &run{s: s, task: task, values: map[string]string{}, res: &agents.Result{Task: s.red.String(task), Start: s.now()}}
	if d := s.cfg.Agent.Limits.MaxDuration; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	if err := r.openRecord(); err != nil {
		return r.result(), err
	}
	if task == "" {
		return r.finish(&agents.StopError{Outcome: agents.OutcomeError, Reason: "the task is empty; say what the agent should do", Err: agents.ErrConfig})
	}
	r.emit(agents.Event{Phase: agents.PhaseRunStart, Run: &agents.RunInfo{Task: r.res.Task, Model: s.modelName(), Device: s.cfg.Agent.Device.Serial(),
		Settings: r.settings(), Start: r.res.Start}})
	if err := r.observe(ctx); err != nil {
		return r.finish(r.stopFor(ctx, "observing the first screen", err))
	}
	plan, err := r.decompose(ctx, "")
	if err != nil {
		return r.finish(r.stopFor(ctx, "splitting the task", err))
	}
	subtasks := plan.Subtasks
	replans := 0
	for i := 0; i < len(subtasks); i++ {
		if stop := r.checkBudget(ctx); stop != nil {
			return r.finish(stop)
		}
		if len(r.tree.Subtasks) >= s.cfg.MaxSubtasks {
			return r.finish(&agents.StopError{Outcome: agents.OutcomeStepLimit, Reason: fmt.Sprintf("dispatched %d subtasks, the limit", s.cfg.MaxSubtasks)})
		}
		node, stop := r.dispatch(ctx, subtasks[i])
		if stop != nil {
			return r.finish(stop)
		}
		if node.Status == "done" {
			continue
		}
		// The subtask failed for good: split the rest again, once.
		why, outcome := node.Error, agents.OutcomeFailed
		if k := len(node.Attempts); k > 0 {
			why, outcome = node.Attempts[k-1].Check, failedOutcome(node.Attempts[k-1].Outcome)
		}
		if replans >= s.cfg.Replans {
			return r.finish(&agents.StopError{Outcome: outcome, Step: node.Index,
				Reason: s.red.String(fmt.Sprintf("subtask %d (%s) failed: %s", node.Index, node.App, why))})
		}
		replans++
		r.tree.Replans++
		if err := r.observe(ctx); err != nil {
			return r.finish(r.stopFor(ctx, "observing the screen", err))
		}
		p, err := r.decompose(ctx, fmt.Sprintf("subtask %d (%s: %s) failed: %s", node.Index, node.App, cmp.Or(node.Sent, node.Task), why))
		if err != nil {
			return r.finish(r.stopFor(ctx, "splitting the rest of the task", err))
		}
		subtasks = append(subtasks[:i+1:i+1], p.Subtasks...)
	}
	// A question's answer is what the last subtask found.
	if n := len(r.tree.Subtasks); n > 0 {
		r.res.Answer = r.tree.Subtasks[n-1].Value
	}
	return r.finish(nil)
}

func (s *Steward) modelName() string {
	if s.cfg.Agent.ModelName != "" {
		return s.cfg.Agent.ModelName
	}
	if p, ok := s.cfg.Model.(interface{ Profile() llm.Profile }); ok {
		return p.Profile().String()
	}
	return "model"
}

func (r *run) settings() agents.Settings {
	a := r.s.cfg.Agent
	mode := safety.ModeDeny
	if a.Gate != nil {
		mode = cmp.Or(a.Gate.Mode, safety.ModeAsk)
	}
	ocr := a.Perception.OCR
	if r.s.perc.OCR == nil {
		ocr = perception.OCRNever
	}
	staff := cmp.Or(r.s.cfg.StaffMode, agents.ModeSteps)
	return agents.Settings{Limits: a.Limits.WithDefaults(), Vision: a.Vision, OCR: ocr, Icons: !r.s.perc.NoVision, ConfirmMode: mode,
		Roles: "steward, staff in " + string(staff) + " mode", Mode: agents.ModeSteward}
}

// openRecord sets up the steward's run directory.
func (r *run) openRecord() error {
	s := r.s
	if s.cfg.Dir == "" {
		return nil
	}
	r.rec = s.cfg.Recorder
	if r.rec == nil {
		rec, err := trajectory.Create(s.cfg.Dir, trajectory.Config{Redactor: s.red})
		if err != nil {
			return err
		}
		r.rec, r.ownRec = rec, true
	}
	return nil
}

// emit sends an event of the steward's own run to its recorder and the
// observers.
func (r *run) emit(e agents.Event) {
	if e.Time.IsZero() {
		e.Time = r.s.now()
	}
	if r.rec != nil {
		r.rec.OnEvent(e)
	}
	for _, o := range r.s.cfg.Observers {
		func() {
			defer func() {
				if p := recover(); p != nil {
					r.s.log.Error("an observer panicked", "phase", e.Phase, "panic", fmt.Sprint(p))
				}
			}()
			o.OnEvent(e)
		}()
	}
}

// observe perceives the screen the next staff is handed.
func (r *run) observe(ctx context.Context) error {
	a := r.s.cfg.Agent
	t0 := r.s.now()
	sc, err := r.s.perc.Perceive(ctx, a.Device, a.Perception)
	if err != nil {
		return err
	}
	r.obs = agents.Observation{Screen: sc, Text: r.s.red.String(perception.RenderText(sc, perception.TextOptions{MaxTokens: perception.DefaultTextTokens, NoBareIcons: true}))}
	r.emit(agents.Event{Phase: agents.PhaseObserve, Obs: &r.obs, Took: r.s.now().Sub(t0)})
	return nil
}

// apps are the apps the steward may use, by launcher name.
func (r *run) apps() []string {
	if len(r.s.cfg.Apps) > 0 {
		return r.s.cfg.Apps
	}
	var out []string
	if sc := r.obs.Screen; sc != nil && strings.Contains(sc.Package, "launcher") {
		for _, e := range sc.Elements {
			if e.Clickable && e.Text != "" && !strings.ContainsFunc(e.Text, unicode.IsDigit) {
				out = append(out, e.Text)
			}
		}
	}
	return out
}

// decompose asks the steward's model for the (rest of the) plan.
func (r *run) decompose(ctx context.Context, failure string) (Plan, error) {
	s := r.s
	d := prompts.StewardData{Task: r.task, Apps: r.apps(), Failure: s.red.String(failure), Screen: wrap("phone screen", r.obs.Text)}
	if len(d.Apps) == 0 {
		d.Apps = []string{"(the apps the screen shows)"}
	}
	known := make([]string, 0, len(r.values))
	for _, n := range r.tree.Notes {
		d.Notes = append(d.Notes, n.Name+": "+n.Value)
		known = append(known, n.Name)
	}
	if len(d.Notes) > 0 {
		d.NotesBlock = wrap("shared notes", strings.Join(d.Notes, "\n"))
	}
	for _, st := range r.tree.Subtasks {
		line := fmt.Sprintf("%s: %s -> %s", st.App, st.Sent, st.Status)
		if st.Value != "" {
			line += fmt.Sprintf(" (%s = %s)", st.Reports, st.Value)
		}
		d.Done = append(d.Done, s.red.String(line))
	}
	ps := s.ask.Prompts
	if ps == nil {
		ps = prompts.Default()
	}
	user, err := ps.Render(prompts.Steward, d)
	if err != nil {
		return Plan{}, err
	}
	t0 := s.now()
	var p Plan
	calls, err := s.ask.Ask(ctx, "steward", user, func(text string) (perr error) {
		p, perr = ParsePlan(text, s.cfg.MaxSubtasks, known)
		return perr
	})
	r.pending = append(r.pending, calls...)
	if err != nil {
		return Plan{}, err
	}
	subgoals := make([]string, len(p.Subtasks))
	for i, st := range p.Subtasks {
		subgoals[i] = s.red.String(st.App + ": " + st.Task)
	}
	r.plan = &agents.Plan{Subgoals: subgoals}
	r.thought = s.red.String(p.Thought)
	po := agents.PlanOutput{Plan: *r.plan, Thought: r.thought, Calls: calls}
	r.emit(agents.Event{Phase: agents.PhasePlan, Step: len(r.tree.Subtasks) + 1, Plan: &po, Took: s.now().Sub(t0)})
	return p, nil
}

// dispatch runs one subtask: its staff's attempts and the steward's check
// of each. It returns the subtask's node, or why the whole run stops.
func (r *run) dispatch(ctx context.Context, st Subtask) (*trajectory.Subtask, *agents.StopError) {
	s := r.s
	start := s.now()
	idx := len(r.tree.Subtasks) + 1
	r.tree.Subtasks = append(r.tree.Subtasks, trajectory.Subtask{Index: idx, App: st.App, Task: s.red.String(st.Task), Reports: st.Answer, Status: "pending", Attempts: []trajectory.Attempt{}})
	node := func() *trajectory.Subtask { return &r.tree.Subtasks[idx-1] }
	if idx > 1 {
		if err := r.observe(ctx); err != nil {
			return node(), r.stopFor(ctx, "observing the screen", err)
		}
	}
	before := r.obs
	rec := &agents.Step{Format: format.Version, Index: idx, Start: start, Screen: summary(before), Image: before.Screen.Image, Elements: before.Screen.Elements,
		Plan: r.plan.Clone(), Thought: r.thought}
	r.plan, r.thought = nil, ""
	defer func() {
		rec.Timings.Total = format.Ms(s.now().Sub(start))
		r.record(rec)
	}()

	sent, uses, err := fill(st.Task, r.values)
	if err != nil {
		n := node()
		n.Status, n.Error = "failed", s.red.String(err.Error())
		rec.Error = n.Error
		return n, nil
	}
	n := node()
	n.Sent, n.Uses = s.red.String(sent), uses
	rec.Subgoal = n.Sent
	rec.ActionText = s.red.String(fmt.Sprintf("dispatch subtask %d to the %s staff: %s", idx, st.App, sent))
	r.emit(agents.Event{Phase: agents.PhaseDecide, Step: idx, ActionText: rec.ActionText})
	pkg, err := s.cfg.Agent.Device.ResolveApp(ctx, st.App)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, device.ErrDisconnected) {
			return n, r.stopFor(ctx, "finding the app", err)
		}
		n.Status, n.Error = "failed", s.red.String(fmt.Sprintf("there is no app %q on the phone (%v)", st.App, err))
		rec.Error = n.Error
		return n, nil
	}
	n.Package = pkg
	staff := r.staffFor(st.App, pkg)
	instruction := sent
	if st.Answer != "" {
		instruction += fmt.Sprintf(" When you have it, finish with done and give the %s alone as the answer.", strings.ReplaceAll(st.Answer, "_", " "))
	}
	var lastErr string
	for attempt := 0; attempt <= s.cfg.Retries; attempt++ {
		dir := fmt.Sprintf("staff/%02d-%s", idx, slug(st.App))
		if attempt > 0 {
			dir += fmt.Sprintf("-retry%d", attempt)
		}
		task := instruction
		if lastErr != "" {
			task += " (An earlier try failed: " + lastErr + ")"
		}
		res, shot, runErr := r.runStaff(ctx, staff, task, dir)
		at := trajectory.Attempt{Dir: dir, Outcome: res.Outcome, Reason: res.Reason, Answer: res.Answer, Steps: res.Totals.Steps, ModelCalls: res.Totals.ModelCalls}
		addTotals(&r.res.Totals, res.Totals)
		if res.Outcome == agents.OutcomeInterrupted || res.Outcome == agents.OutcomeUnavailable || res.Outcome == agents.OutcomeBudget || ctx.Err() != nil {
			at.Check, at.CheckedBy = "the staff's run ended "+string(res.Outcome), "rule"
			n = node()
			n.Attempts, n.Status = append(n.Attempts, at), "failed"
			rec.Error = s.red.String(at.Check + ": " + res.Reason)
			var stop *agents.StopError
			if !errors.As(runErr, &stop) {
				stop = &agents.StopError{Outcome: res.Outcome, Reason: res.Reason}
			}
			return n, &agents.StopError{Outcome: stop.Outcome, Step: idx, Reason: s.red.String(fmt.Sprintf("subtask %d (%s): %s", idx, st.App, stop.Reason)), Denied: stop.Denied, Err: stop}
		}
		ck, by, err := r.check(ctx, st, sent, res, shot)
		if err != nil {
			if stop := r.stopFor(ctx, "checking the result", err); stop.Outcome == agents.OutcomeUnavailable || stop.Outcome == agents.OutcomeInterrupted || stop.Outcome == agents.OutcomeBudget {
				n = node()
				n.Attempts, n.Status = append(n.Attempts, at), "failed"
				return n, stop
			}
			ck = Check{Reason: "the steward's check failed: " + err.Error()}
			by = "steward"
		}
		if ck.OK && st.Answer != "" {
			// A value is screen content and becomes part of a later
			// staff's task, which that staff takes as the person's
			// words: one that reads like instructions is not handed on.
			if f := safety.DetectInjection(ck.Value); len(f) > 0 {
				ck = Check{Reason: fmt.Sprintf("the %s found reads like instructions to the agent (%s: %q), not data; it is not handed to another app", st.Answer, f[0].Kind, f[0].Excerpt)}
			}
		}
		at.OK, at.CheckedBy, at.Check = ck.OK, by, s.red.String(ck.Reason)
		n = node()
		n.Attempts = append(n.Attempts, at)
		if ck.OK {
			n.Status = "done"
			if st.Answer != "" {
				n.Value = s.red.String(ck.Value)
				r.values[st.Answer] = ck.Value
				r.tree.Notes = append(r.tree.Notes, trajectory.SharedNote{Name: st.Answer, Value: n.Value, From: idx})
				r.res.Notes = append(r.res.Notes, st.Answer+": "+n.Value)
				rec.NewNotes = []string{st.Answer + ": " + n.Value}
				r.emit(agents.Event{Phase: agents.PhaseNote, Step: idx, Notes: rec.NewNotes})
			}
			r.syncTree()
			return n, nil
		}
		lastErr = ck.Reason
		r.syncTree()
	}
	n = node()
	n.Status = "failed"
	rec.Error = s.red.String(fmt.Sprintf("the %s staff did not do it: %s", st.App, lastErr))
	return n, nil
}

// record writes the steward's step record of one dispatch, with the
// steward calls made for it.
func (r *run) record(st *agents.Step) {
	for _, c := range r.pending {
		st.ModelCalls++
		st.Usage.PromptTokens += c.Usage.PromptTokens
		st.Usage.CompletionTokens += c.Usage.CompletionTokens
		st.Cost += c.Cost
		st.Timings.Model += c.Latency
		st.Calls = append(st.Calls, c)
	}
	r.pending = nil
	r.steps++
	stewardTotals(&r.res.Totals, st)
	r.syncTree()
	r.emit(agents.Event{Phase: agents.PhaseStep, Step: st.Index, Record: st, Took: st.Timings.Total.D()})
}

func (r *run) syncTree() {
	if r.rec != nil {
		r.rec.SetDispatch(r.tree)
	}
}

// staffFor returns the app's staff, building it the first time.
func (r *run) staffFor(app, pkg string) *Staff {
	s := r.s
	if st, ok := s.staff[pkg]; ok {
		return st
	}
	st := &Staff{App: app, Package: pkg}
	if s.cfg.Store != nil {
		m, err := agentmem.New(agentmem.Config{Store: s.cfg.Store, Model: s.cfg.MemoryModel, Logger: s.log})
		if err == nil {
			st.Memory = &StaffMemory{Memory: m, Package: pkg}
		}
	}
	s.staff[pkg] = st
	return st
}

// runStaff runs one attempt of a subtask as an agent run of the staff, in
// its own run directory, and returns its result and its last screen.
func (r *run) runStaff(ctx context.Context, staff *Staff, task, dir string) (*agents.Result, agents.Observation, error) {
	s := r.s
	cfg := s.cfg.Agent
	cfg.Memory = nil
	if staff.Memory != nil {
		cfg.Memory = staff.Memory
	}
	cfg.Mode = ""
	last := &lastScreen{}
	cfg.Observers = append([]agents.Observer{last}, s.cfg.Observers...)
	var rec *trajectory.Recorder
	if s.cfg.Dir != "" {
		var err error
		if rec, err = trajectory.Create(filepath.Join(s.cfg.Dir, dir), trajectory.Config{Redactor: s.red}); err != nil {
			return &agents.Result{Outcome: agents.OutcomeError, Reason: err.Error()}, agents.Observation{}, err
		}
		defer rec.Close()
		cfg.Observers = append([]agents.Observer{rec}, cfg.Observers...)
	}
	if s.cfg.StaffMode == agents.ModeScript {
		vars := map[string]string{}
		for k, v := range r.values {
			vars[k] = v
		}
		// The staff's model writes its script; with a model per role
		// (no Agent.Model), the steward's.
		writer := cfg.Model
		if writer == nil {
			writer = s.cfg.Model
		}
		if err := script.Configure(&cfg, script.Config{Model: writer, Knowledge: script.StoreKnowledge{Store: s.cfg.Store, Apps: []string{staff.Package}}, Vars: vars}); err != nil {
			return &agents.Result{Outcome: agents.OutcomeError, Reason: err.Error()}, agents.Observation{}, err
		}
	}
	a, err := agents.New(cfg)
	if err != nil {
		return &agents.Result{Outcome: agents.OutcomeError, Reason: err.Error()}, agents.Observation{}, err
	}
	staff.Runs++
	res, err := a.Run(ctx, task)
	if rec != nil {
		rec.Close()
		if _, rerr := trajectory.WriteReport(filepath.Join(s.cfg.Dir, dir)); rerr != nil {
			s.log.Warn("steward: no report for a staff run", "dir", dir, "err", rerr)
		}
	}
	return res, last.get(), err
}

// check judges a staff's result: a run that did not end in a verified
// success failed; an action subtask that did is done (its completion was
// verified on the screen); a value is taken by rule when the staff's answer
// stands on its last screen as the phone shows it, and otherwise read from
// the staff's report with one model call.
func (r *run) check(ctx context.Context, st Subtask, sent string, res *agents.Result, last agents.Observation) (Check, string, error) {
	s := r.s
	if res.Outcome != agents.OutcomeSuccess {
		return Check{Reason: fmt.Sprintf("the staff's run ended %s: %s", res.Outcome, res.Reason)}, "rule", nil
	}
	if st.Answer == "" {
		why := "the staff's run ended in a verified success"
		if v := res.Verification; v != nil {
			if v.By == "unchecked" {
				// The agents accept a completion no verifier could judge;
				// the tree says so rather than "verified".
				why = "the staff's run ended in success, unchecked"
			}
			why += " (" + v.By + ": " + v.Reason + ")"
		}
		return Check{OK: true, Reason: why}, "rule", nil
	}
	if a := strings.TrimSpace(res.Answer); a != "" && onScreen(a, last.Screen) {
		return Check{OK: true, Value: a, Reason: fmt.Sprintf("the answer %q stands on the staff's last screen", a)}, "rule", nil
	}
	report := "answer: " + res.Answer
	for _, n := range res.Notes {
		report += "\nnote: " + n
	}
	d := prompts.StewardCheckData{Task: r.task, Subtask: s.red.String(sent), App: st.App, Name: strings.ReplaceAll(st.Answer, "_", " "),
		Outcome: string(res.Outcome) + ": " + res.Reason, Report: wrap("staff report", s.red.String(report)), Screen: wrap("phone screen", last.Text)}
	ps := s.ask.Prompts
	if ps == nil {
		ps = prompts.Default()
	}
	user, err := ps.Render(prompts.StewardCheck, d)
	if err != nil {
		return Check{}, "steward", err
	}
	var ck Check
	calls, err := s.ask.Ask(ctx, "steward", user, func(text string) (perr error) {
		ck, perr = ParseCheck(text)
		return perr
	})
	r.pending = append(r.pending, calls...)
	if err != nil {
		return Check{}, "steward", err
	}
	return ck, "steward", nil
}

// checkBudget stops the run when the tokens or the cost are spent.
func (r *run) checkBudget(ctx context.Context) *agents.StopError {
	l, t := r.s.cfg.Agent.Limits, r.res.Totals
	switch {
	case ctx.Err() != nil:
		return r.stopFor(ctx, "between subtasks", ctx.Err())
	case l.MaxTokens > 0 && t.Usage.Total() >= l.MaxTokens:
		return &agents.StopError{Outcome: agents.OutcomeBudget, Reason: fmt.Sprintf("used %d model tokens, the budget is %d", t.Usage.Total(), l.MaxTokens)}
	case l.MaxCost > 0 && t.Cost >= l.MaxCost:
		return &agents.StopError{Outcome: agents.OutcomeBudget, Reason: fmt.Sprintf("spent $%.4f on the model, the budget is $%.4f", t.Cost, l.MaxCost)}
	}
	return nil
}

// stopFor turns an error of the steward's own into a stop.
func (r *run) stopFor(ctx context.Context, what string, err error) *agents.StopError {
	step := len(r.tree.Subtasks)
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &agents.StopError{Outcome: agents.OutcomeBudget, Step: step, Reason: "the time budget ran out while " + what}
	case ctx.Err() != nil:
		return &agents.StopError{Outcome: agents.OutcomeInterrupted, Step: step, Reason: "interrupted (Ctrl-C) while " + what}
	case errors.Is(err, llm.ErrAuth), errors.Is(err, llm.ErrUnavailable), errors.Is(err, llm.ErrNotFound), errors.Is(err, llm.ErrServer),
		errors.Is(err, llm.ErrRateLimit), errors.Is(err, llm.ErrTimeout):
		return &agents.StopError{Outcome: agents.OutcomeUnavailable, Step: step, Reason: r.s.red.String(what + ": " + err.Error()), Err: err}
	}
	return &agents.StopError{Outcome: agents.OutcomeError, Step: step, Reason: r.s.red.String(what + ": " + err.Error()), Err: err}
}

// finish ends the run: the result, the last events, the record.
func (r *run) finish(stop *agents.StopError) (*Result, error) {
	s := r.s
	if stop == nil {
		stop = &agents.StopError{Outcome: agents.OutcomeSuccess, Reason: fmt.Sprintf("all %d subtasks done and checked", len(r.tree.Subtasks))}
	}
	if len(r.pending) > 0 {
		// Calls made after the last dispatch (a final replan): a record of
		// their own.
		st := &agents.Step{Format: format.Version, Index: len(r.tree.Subtasks) + 1, Start: s.now(), ActionText: "the steward planned again",
			Plan: r.plan.Clone(), Thought: r.thought}
		if r.obs.Screen != nil {
			st.Screen, st.Image, st.Elements = summary(r.obs), r.obs.Screen.Image, r.obs.Screen.Elements
		}
		r.record(st)
	}
	r.res.Outcome, r.res.Reason = stop.Outcome, s.red.String(stop.Reason)
	r.res.End = s.now()
	r.res.Totals.Duration = format.Ms(r.res.End.Sub(r.res.Start))
	plan := make([]string, len(r.tree.Subtasks))
	for i, st := range r.tree.Subtasks {
		plan[i] = st.App + ": " + cmp.Or(st.Sent, st.Task)
	}
	if len(plan) > 0 {
		r.res.Plan = &agents.Plan{Subgoals: plan, Current: len(plan) - 1}
	}
	var err error
	if stop.Outcome != agents.OutcomeSuccess {
		err = stop
	}
	r.syncTree()
	r.emit(agents.Event{Phase: agents.PhaseRunEnd, Result: r.res, Err: err})
	if r.rec != nil {
		if ferr := r.rec.Flush(); ferr != nil && err == nil {
			r.res.Outcome, r.res.Reason = agents.OutcomeError, "the run succeeded but its record could not be saved: "+ferr.Error()
			err = &agents.StopError{Outcome: agents.OutcomeError, Reason: r.res.Reason, Err: ferr}
		}
		if r.ownRec {
			r.rec.Close()
		}
	}
	return r.result(), err
}

func (r *run) result() *Result { return &Result{Result: r.res, Dispatch: r.tree} }

// failedOutcome is the steward's outcome when a subtask failed for good.
func failedOutcome(o agents.Outcome) agents.Outcome {
	switch o {
	case agents.OutcomeSuccess, agents.OutcomeError, "":
		return agents.OutcomeFailed
	}
	return o
}

// summary is a screen as a step record keeps it.
func summary(o agents.Observation) agents.ScreenSummary {
	sc := o.Screen
	if sc == nil {
		return agents.ScreenSummary{}
	}
	return agents.ScreenSummary{Package: sc.Package, Activity: sc.Activity, Size: [2]int{sc.Width, sc.Height}, Elements: len(sc.Elements), Hash: sc.Hash,
		Keyboard: sc.KeyboardShown, Text: o.Text, Warnings: append([]string(nil), sc.Warnings...)}
}

// addTotals folds a staff run's totals into the steward's.
func addTotals(t *agents.Totals, o agents.Totals) {
	t.Steps += o.Steps
	t.ModelCalls += o.ModelCalls
	t.ReflectionSkips += o.ReflectionSkips
	t.Usage.PromptTokens += o.Usage.PromptTokens
	t.Usage.CompletionTokens += o.Usage.CompletionTokens
	t.Cost += o.Cost
	t.Model += o.Model
	t.Failures += o.Failures
	for role, rt := range o.Roles {
		if t.Roles == nil {
			t.Roles = map[string]agents.RoleTotals{}
		}
		cur := t.Roles[role]
		cur.Calls += rt.Calls
		cur.Usage.PromptTokens += rt.Usage.PromptTokens
		cur.Usage.CompletionTokens += rt.Usage.CompletionTokens
		cur.Cost += rt.Cost
		cur.Time += rt.Time
		cur.Model = cmp.Or(rt.Model, cur.Model)
		t.Roles[role] = cur
	}
}

// stewardTotals folds the steward's own calls of one record into t (its
// records are dispatches, not phone steps).
func stewardTotals(t *agents.Totals, st *agents.Step) {
	var one agents.Totals
	one.Add(st)
	one.Steps, one.Failures = 0, 0
	addTotals(t, one)
}

func wrap(source, text string) string {
	return safety.WrapUntrusted(source, text, safety.DetectInjection(text)...)
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 24 {
		s = strings.TrimRight(s[:24], "-")
	}
	return cmp.Or(s, "app")
}

func norm(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}

func splitLines(s string) []string { return strings.Split(s, "\n") }
