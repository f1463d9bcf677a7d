package agents

import (
	"cmp"
	"context"
	"fmt"
	"image"
	"regexp"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents/intent"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// The phases of a step, in order: observe → plan → decide → validate → gate
// → execute → verify → learn. Each takes what it needs in its signature and
// returns what it found; the step's record (st) receives its timing and
// what the trajectory keeps. Shared run state is only read here, except by
// learn (progress.learn), which is the one place it changes.

// observe perceives the screen, reusing shot (the executor's last settle
// screenshot, decoded while perception fetches the view hierarchy) when it
// has one, and renders it for the roles.
func (r *run) observe(ctx context.Context, shot *actions.Settle) (Observation, error) {
	a := r.a
	var src perception.ScreenSource = a.cfg.Device
	if shot != nil && shot.Taken() {
		src = &cachedShot{ScreenSource: a.cfg.Device, shot: shot}
	}
	s, err := a.cfg.Perceiver.Perceive(ctx, src, a.cfg.Perception)
	if err != nil {
		return Observation{}, err
	}
	return render(s, a.cfg.Vision, a.red), nil
}

// render is an Observation of s: the element list (redacted) and, for
// vision, the set-of-mark image the model is sent.
func render(s *perception.Screen, vision bool, red *safety.Redactor) Observation {
	o := Observation{Screen: s, Text: red.String(perception.RenderText(s, perception.TextOptions{MaxTokens: perception.DefaultTextTokens, NoBareIcons: true}))}
	if vision {
		if m, sc, err := perception.DrawMarks(s.Image, s.Elements, perception.MarkOptions{MaxSide: perception.DefaultMarkSide}); err == nil {
			o.Marks, o.Scale = m, sc
		}
	}
	return o
}

// recall asks memory for the tips and shortcuts of this step. A memory
// that fails is logged and the run goes on without.
func (r *run) recall(ctx context.Context, obs Observation) Recall {
	a := r.a
	q := MemoryQuery{Task: r.task, Subgoal: r.prog.plan.Subgoal(), App: obs.Screen.Package}
	var rec Recall
	var err error
	if rc, ok := a.mem.(Recaller); ok {
		rec, err = rc.Recall(ctx, q)
	} else {
		rec.Tips, err = a.mem.Tips(ctx, q)
	}
	if err != nil {
		a.log.Warn("memory recall failed; going on without", "err", err)
	}
	for i, t := range rec.Tips {
		rec.Tips[i] = a.red.String(t)
	}
	for i, t := range rec.Shortcuts {
		rec.Shortcuts[i] = a.red.String(t)
	}
	return rec
}

// plan asks the planner for a plan (or a revision) and adopts it.
func (r *run) plan(ctx context.Context, st *Step, obs Observation, rec Recall) (PlanOutput, error) {
	a := r.a
	t0 := a.now()
	out, err := a.roles.Planner.Plan(ctx, PlanInput{Task: r.task, Obs: obs, Plan: r.prog.plan.Clone(), Notes: r.prog.notesCopy(), History: r.prog.recent(a.cfg.Limits.History),
		Failure: r.prog.failure(), Review: r.prog.reviewReason(), Tips: rec.Tips, Shortcuts: rec.Shortcuts, Instructions: append([]string(nil), r.prog.instructions...),
		Warning: r.prog.stuckWarning(a.cfg.Limits)})
	took := a.now().Sub(t0)
	st.Timings.Plan = format.Ms(took)
	r.account(st, out.Calls)
	a.emit(Event{Phase: PhasePlan, Step: st.Index, Plan: &out, Took: took, Err: err})
	if err != nil {
		return out, err
	}
	r.prog.adopt(out.Plan)
	st.Plan = r.prog.plan.Clone()
	st.Thought = a.red.String(out.Thought)
	return out, nil
}

// decide asks the decision role for the next action.
func (r *run) decide(ctx context.Context, st *Step, obs Observation, rec Recall) (DecideOutput, error) {
	a := r.a
	var secrets []string
	if a.cfg.Secrets != nil {
		secrets = a.cfg.Secrets.Names()
	}
	t0 := a.now()
	dec, err := a.roles.Decider.Decide(ctx, DecideInput{Task: r.task, Obs: obs, Plan: r.prog.plan.Clone(), Notes: r.prog.notesCopy(),
		History: r.prog.recent(a.cfg.Limits.History), Tips: rec.Tips, Shortcuts: rec.Shortcuts, LastError: cmp.Or(r.repair, r.prog.lastErr), Secrets: secrets,
		Instructions: append([]string(nil), r.prog.instructions...), Warning: r.prog.stuckWarning(a.cfg.Limits), APIs: a.cfg.APIs})
	took := a.now().Sub(t0)
	st.Timings.Decide += format.Ms(took)
	r.account(st, dec.Calls)
	if err == nil && dec.Action == nil {
		err = fmt.Errorf("%w: the decision role returned no action", actions.ErrNoAction)
	}
	if dec.Action != nil {
		st.ActionText = a.red.String(actions.Describe(dec.Action, obs.Screen))
		if raw, jerr := actions.MarshalJSON(dec.Action); jerr == nil {
			st.Action = a.red.Bytes(raw)
		}
	}
	if t := a.red.String(dec.Thought); t != "" {
		st.Thought = t
	}
	st.Expect = a.red.String(dec.Expect)
	a.emit(Event{Phase: PhaseDecide, Step: st.Index, Decision: &dec, ActionText: st.ActionText, Took: took, Err: err})
	return dec, err
}

// ask puts an ask_user question to the person through the gate and notes
// the answer. A question asked before is not put again: the step tells the
// roles the answer they already have.
func (r *run) ask(ctx context.Context, st *Step, v actions.AskUser) *StopError {
	a := r.a
	q := a.red.String(v.Question)
	if prev, ok := r.prog.askedBefore(q); ok {
		what := "nobody answered it"
		if prev.answered {
			what = "the answer was: " + prev.answer
		}
		t0 := a.now()
		r.prog.learn(stepOutcome{index: st.Index, actionText: st.ActionText,
			failed: fmt.Sprintf("this was asked already at step %d and %s; do not ask again, go on with it", prev.step, what)})
		st.Error = "asked again: " + q
		st.Timings.Learn = format.Ms(a.now().Sub(t0))
		return nil
	}
	t0 := a.now()
	reply, err := r.gate.Ask(ctx, safety.Question{Text: q})
	took := a.now().Sub(t0)
	st.Timings.Gate = format.Ms(took)
	reply.Text, reply.Note = a.red.String(reply.Text), a.red.String(reply.Note)
	st.Ask = &Ask{Question: q, Reply: reply}
	a.emit(Event{Phase: PhaseAsk, Step: st.Index, Ask: st.Ask, Took: took, Err: err})
	if reply.Interrupted || ctx.Err() != nil {
		return r.interrupted(ctx, st, "asking the person")
	}
	note := "asked the person: " + q + " -> "
	if reply.Answered {
		note += "answered: " + reply.Text
	} else {
		note += "no answer (" + reply.Note + ")"
	}
	st.NewNotes = []string{note}
	r.prog.asked = append(r.prog.asked, askRecord{step: st.Index, question: q, answered: reply.Answered, answer: reply.Text})
	t0 = a.now()
	r.prog.learn(stepOutcome{index: st.Index, actionText: st.ActionText, verdict: VerdictSuccess, note: note, notes: []string{note}, asked: true})
	st.Timings.Learn = format.Ms(a.now().Sub(t0))
	return nil
}

// validate checks the action against the screen it was chosen on.
func (r *run) validate(st *Step, act actions.Action, obs Observation) error {
	t0 := r.a.now()
	err := actions.Validate(act, obs.Screen)
	st.Timings.Validate = format.Ms(r.a.now().Sub(t0))
	if err != nil {
		r.a.emit(Event{Phase: PhaseValidate, Step: st.Index, ActionText: st.ActionText, Took: st.Timings.Validate.D(), Err: err})
	}
	return err
}

// check asks the run's gate whether act may run on obs.
func (r *run) check(ctx context.Context, st *Step, act actions.Action, obs Observation) (safety.Decision, error) {
	a := r.a
	t0 := a.now()
	gd, err := r.gate.Check(ctx, safety.Context{Task: r.task, Action: act, Screen: obs.Screen, History: r.safeHist, App: obs.Screen.Package})
	took := a.now().Sub(t0)
	st.Timings.Gate += format.Ms(took)
	desc := st.ActionText
	if !gd.Allowed() {
		desc = "(not allowed) " + desc
	}
	r.safeHist = append(r.safeHist, safety.Step{Action: act, Description: desc, App: obs.Screen.Package})
	a.emit(Event{Phase: PhaseGate, Step: st.Index, Gate: &gd, ActionText: actions.Describe(act, obs.Screen), Took: took, Err: err})
	return gd, err
}

// execute runs an allowed action, with its secret filled in.
func (r *run) execute(ctx context.Context, st *Step, act actions.Action, obs Observation) (actions.Result, error) {
	a := r.a
	t0 := a.now()
	execAct, err := r.resolveSecrets(act)
	if err != nil {
		st.Timings.Execute += format.Ms(a.now().Sub(t0))
		return actions.Result{Action: act}, fmt.Errorf("entering the secret: %w", err)
	}
	frame := actions.Frame{}
	if a.cfg.Vision && obs.Marks != nil {
		frame = actions.FrameFromScale(obs.Scale)
	}
	res, xerr := a.exec.Execute(ctx, execAct, obs.Screen, frame)
	took := a.now().Sub(t0)
	st.Timings.Execute += format.Ms(took)
	st.Timings.Settle += format.Ms(res.Settle.Duration)
	x := r.execRecord(res, xerr)
	if st.Exec == nil {
		st.Exec = x
	}
	a.emit(Event{Phase: PhaseExecute, Step: st.Index, Exec: x, ActionText: st.ActionText, Took: took, Err: xerr})
	return res, xerr
}

// verified is what the verify phase found.
type verified struct {
	after       Observation
	diff        perception.DiffResult
	refl        Reflection
	cands       []string
	interrupted bool
}

// verify observes the screen after the action, compares it with the one
// before, reflects on the outcome and, from a wrong page, goes back.
func (r *run) verify(ctx context.Context, st *Step, before Observation, dec DecideOutput, res actions.Result, xerr error) (verified, error) {
	a := r.a
	t0 := a.now()
	after, err := r.observe(ctx, &res.Settle)
	took := a.now().Sub(t0)
	st.Timings.Observe += format.Ms(took)
	if err != nil {
		return verified{}, err
	}
	a.emit(Event{Phase: PhaseObserve, Step: st.Index, Obs: &after, Took: took})

	t0 = a.now()
	v := verified{after: after}
	v.diff = perception.Diff(before.Screen.Image, after.Screen.Image, perception.DiffOptions{Ignore: []image.Rectangle{statusBar(before.Screen)},
		Hashes: &[2]perception.Hash{before.Screen.Hash, after.Screen.Hash}})
	v.cands = CandidateContent(r.task, after.Screen, r.seen)
	for i, c := range v.cands {
		v.cands[i] = a.red.String(c)
	}
	refl, err := a.roles.Reflector.Reflect(ctx, ReflectInput{Task: r.task, Subgoal: r.prog.plan.Subgoal(), Before: before, After: after, Decision: dec, Result: res, ExecErr: xerr,
		Diff: v.diff, Candidates: v.cands})
	r.account(st, refl.Calls)
	if err != nil {
		if ctx.Err() != nil {
			v.interrupted = true
			st.Timings.Verify += format.Ms(a.now().Sub(t0))
			return v, nil
		}
		// A reflector that fails leaves the outcome unknown: judge by pixels.
		a.log.Warn("reflection failed; judging by the pixels", "err", err)
		refl = Reflection{Verdict: VerdictSuccess, Note: "reflection failed: " + err.Error()}
		if v.diff.Ratio == 0 {
			refl.Verdict = VerdictNoChange
		}
	}
	refl.Note = a.red.String(refl.Note)
	for i, n := range refl.Notes {
		refl.Notes[i] = a.red.String(n)
	}
	v.refl = refl
	st.Reflection = &Reflection{Verdict: refl.Verdict, Note: refl.Note, Skipped: refl.Skipped, Reason: refl.Reason}
	a.emit(Event{Phase: PhaseReflect, Step: st.Index, Reflection: st.Reflection, Took: a.now().Sub(t0)})
	st.Timings.Verify += format.Ms(a.now().Sub(t0))

	if refl.Verdict == VerdictWrongPage {
		if back, ok := r.recover(ctx, st, after); ok {
			v.after = back
		}
	}
	return v, nil
}

// recover presses back to leave a wrong page: the gate and execute phases
// as for any action, then observe. It reports the screen it reached.
func (r *run) recover(ctx context.Context, st *Step, at Observation) (Observation, bool) {
	back := actions.Key{Key: device.KeyBack}
	rec := &Recovery{Action: actions.Describe(back, at.Screen)}
	st.Recovery = rec
	gd, err := r.check(ctx, st, back, at)
	rec.Gate = &gd
	if err != nil || !gd.Allowed() {
		if err != nil {
			rec.Error = r.a.red.String(err.Error())
		}
		return at, false
	}
	res, xerr := r.execute(ctx, st, back, at)
	rec.Exec = r.execRecord(res, xerr)
	if xerr != nil {
		rec.Error = r.a.red.String("pressing back failed: " + xerr.Error())
		return at, false
	}
	t0 := r.a.now()
	next, err := r.observe(ctx, &res.Settle)
	took := r.a.now().Sub(t0)
	st.Timings.Observe += format.Ms(took)
	if err != nil {
		rec.Error = r.a.red.String("observing after going back: " + err.Error())
		return at, false
	}
	r.a.emit(Event{Phase: PhaseObserve, Step: st.Index, Obs: &next, Took: took})
	return next, true
}

// note takes the facts worth keeping from the new screen: the reflector's
// notes when it took them, else the notetaker's when the screen shows
// candidate content. It returns the new notes, redacted.
func (r *run) note(ctx context.Context, st *Step, v verified) []string {
	a := r.a
	var notes []string
	switch {
	case v.refl.NotesTaken:
		notes = v.refl.Notes
	case len(v.cands) > 0:
		t0 := a.now()
		out, err := a.roles.Notetaker.Note(ctx, NoteInput{Task: r.task, Obs: v.after, Notes: r.prog.notesCopy(), Candidates: v.cands})
		st.Timings.Learn += format.Ms(a.now().Sub(t0))
		r.account(st, out.Calls)
		if err != nil {
			a.log.Warn("the notetaker failed; no notes this step", "err", err)
		}
		notes = out.Notes
	}
	var fresh []string
	for _, n := range notes {
		n = a.red.String(strings.TrimSpace(n))
		if n != "" && !r.prog.hasNote(n) && !containsFold(fresh, n) {
			fresh = append(fresh, n)
		}
	}
	if len(fresh) > 0 {
		st.NewNotes = fresh
		a.emit(Event{Phase: PhaseNote, Step: st.Index, Notes: fresh})
	}
	return fresh
}

// maxRejectedClaims is how many claimed completions the verify phase turns
// down before the run stops as not verified.
const maxRejectedClaims = 3

// claimDone handles a claimed completion: the verify phase judges the
// final screen, and the run ends in success only when it holds. A claim
// that does not hold goes back to the planner with the reason.
func (r *run) claimDone(ctx context.Context, st *Step, obs Observation, dec *DecideOutput, answer, why string) *StopError {
	a := r.a
	if dec == nil {
		st.ActionText = "the planner declared the task finished"
	}
	t0 := a.now()
	ver := r.verifyClaim(ctx, st, obs, a.red.String(answer))
	st.Timings.Verify += format.Ms(a.now().Sub(t0))
	st.Verification = &ver
	r.res.Verification = &ver
	a.emit(Event{Phase: PhaseVerify, Step: st.Index, Verify: &ver, Took: st.Timings.Verify.D()})
	if ver.Verified {
		r.res.Answer = a.red.String(answer)
		return &StopError{Outcome: OutcomeSuccess, Step: st.Index, Reason: why + "; " + ver.Reason}
	}
	t0 = a.now()
	r.prog.rejectClaim(st.Index, st.ActionText, ver.Reason)
	st.Timings.Learn += format.Ms(a.now().Sub(t0))
	if r.prog.rejected >= maxRejectedClaims {
		return &StopError{Outcome: OutcomeNotVerified, Step: st.Index,
			Reason: fmt.Sprintf("the task was claimed done %d times and the screen did not show it: %s", r.prog.rejected, ver.Reason)}
	}
	return nil
}

// verifyClaim judges a claim: by rule from the screen when it can
// (intent.Check), else with the verifier role when the team has one, else
// on the claim's word.
func (r *run) verifyClaim(ctx context.Context, st *Step, obs Observation, answer string) Verification {
	a := r.a
	in := intent.Parse(r.task)
	pkg := ""
	if in.Kind == intent.KindOpen {
		if p, err := a.cfg.Device.ResolveApp(ctx, in.App); err == nil {
			pkg = p
		}
	}
	ev := intent.Check(in, obs.Screen, pkg)
	if isQuestion(r.task) && strings.TrimSpace(answer) == "" {
		return Verification{By: "evidence", Evidence: ev.Facts, Reason: "the task asks a question and the claim gives no answer; finish with done and the answer"}
	}
	if !ev.Decided && strings.TrimSpace(answer) != "" {
		// A price read off the screen settles an answer too.
		if ans := intent.CheckAnswer(in, answer, obs.Screen); ans.Decided {
			ev = ans
		}
	}
	if ev.Decided {
		return Verification{Verified: ev.Done, By: "evidence", Evidence: ev.Facts, Reason: ev.Reason}
	}
	v := a.roles.Verifier
	if v == nil {
		return Verification{Verified: true, By: "unchecked", Evidence: ev.Facts, Reason: "the screen cannot show it by rule (" + ev.Reason + ") and no verifier is configured"}
	}
	out, err := v.Verify(ctx, VerifyInput{Task: r.task, Instructions: append([]string(nil), r.prog.instructions...), Answer: answer, Evidence: ev.Facts,
		Obs: obs, Notes: r.prog.notesCopy(), History: r.prog.recent(a.cfg.Limits.History)})
	r.account(st, out.Calls)
	if err != nil {
		// No verdict: the claim stands, and the record says why it was not
		// checked.
		a.log.Warn("the verifier failed; taking the claim", "err", err)
		return Verification{Verified: true, By: "unchecked", Evidence: ev.Facts, Reason: a.red.String("the verifier failed: " + err.Error())}
	}
	return Verification{Verified: out.Done, By: "verifier", Evidence: ev.Facts, Reason: a.red.String(out.Reason)}
}

var questionRE = regexp.MustCompile(`(?i)\?\s*$|^\s*(what|which|who|when|where|how much|how many|is there|are there|does|do i|find out|tell me)\b`)

// isQuestion reports whether the task asks for an answer.
func isQuestion(task string) bool { return questionRE.MatchString(task) }

// account adds a role's calls to the step.
func (r *run) account(st *Step, calls []Call) {
	for _, c := range calls {
		st.ModelCalls++
		st.Usage.PromptTokens += c.Usage.PromptTokens
		st.Usage.CompletionTokens += c.Usage.CompletionTokens
		st.Cost += c.Cost
		st.Timings.Model += c.Latency
		c.Prompt, c.Response, c.Err = r.a.red.String(c.Prompt), r.a.red.String(c.Response), r.a.red.String(c.Err)
		st.Calls = append(st.Calls, c)
	}
}

func (r *run) markSeen(o Observation) {
	for _, e := range o.Screen.Elements {
		if l := e.Label(); l != "" {
			r.seen[l] = true
		}
	}
}

// resolveSecrets returns the action the executor runs: a Type action with
// its secret (or {{secret:NAME}} placeholders) filled in. The result never
// leaves this package's execution path.
func (r *run) resolveSecrets(act actions.Action) (actions.Action, error) {
	t, ok := act.(actions.Type)
	if !ok || (t.Secret == "" && !strings.Contains(t.Text, "{{secret:")) {
		return act, nil
	}
	if r.a.cfg.Secrets == nil {
		return nil, fmt.Errorf("%w: the action asks for a secret but no secrets are configured (Config.Secrets)", safety.ErrUnknownSecret)
	}
	v, err := r.a.cfg.Secrets.Resolve(t)
	if err != nil {
		return nil, err
	}
	t.Text, t.Secret = v, ""
	return t, nil
}

func (r *run) execRecord(res actions.Result, err error) *Exec {
	red := r.a.red
	x := &Exec{Point: pointRef(res.Point), End: pointRef(res.End), Package: res.Package, Settled: res.Settle.Settled, Shots: res.Settle.Shots}
	for _, c := range res.Calls {
		ec := ExecCall{Op: c.Op, Detail: red.String(c.Detail)}
		if c.Err != nil {
			ec.Error = red.String(c.Err.Error())
		}
		x.Calls = append(x.Calls, ec)
	}
	if err != nil {
		x.Error = red.String(err.Error())
	}
	return x
}

// statusBar is the top strip whose clock should not count as change.
func statusBar(s *perception.Screen) image.Rectangle {
	return image.Rect(0, 0, s.Width, s.Height*3/100)
}

func containsFold(list []string, s string) bool {
	for _, m := range list {
		if strings.EqualFold(m, s) {
			return true
		}
	}
	return false
}
