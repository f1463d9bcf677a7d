package agents

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// run is the state of one Run. The Agent's configuration is read-only; what
// a run learns as it goes lives here, in prog (see progress.go).
type run struct {
	a        *Agent
	task     string
	gate     *safety.Gate // this run's copy of the configured gate
	res      *Result
	prog     progress
	repair   string // why the decision is asked again on the same screen
	safeHist []safety.Step
	seen     map[string]bool // screen lines seen so far, for candidate content
	start    time.Time
}

// loop observes the first screen and runs steps until a stop.
func (r *run) loop(ctx context.Context) (*Result, error) {
	a := r.a
	a.emit(Event{Phase: PhaseRunStart, Run: &RunInfo{Task: r.res.Task, Model: a.cfg.ModelName, Device: a.cfg.Device.Serial(), Settings: a.Settings(), Start: r.start}})
	t0 := a.now()
	obs, err := r.observe(ctx, nil)
	firstObserve := a.now().Sub(t0)
	if err != nil {
		return r.finish(r.stopFor(ctx, 0, "observing the first screen", err))
	}
	a.emit(Event{Phase: PhaseObserve, Obs: &obs, Took: firstObserve})
	r.gate.Observe(obs.Screen)
	r.markSeen(obs)
	for n := 1; ; n++ {
		if out, why := r.prog.checkStops(a.cfg.Limits, r.res.Totals, a.now().Sub(r.start), ctx.Err() != nil && context.Cause(ctx) != errTimeBudget, n); out != "" {
			return r.finish(&StopError{Outcome: out, Reason: why, Denied: r.prog.denied && out != OutcomeInterrupted})
		}
		start := a.now()
		if n == 1 {
			start = t0 // step 1 includes observing the first screen
		}
		st := &Step{Format: format.Version, Index: n, Start: start, Screen: summarize(obs), Image: obs.Screen.Image, MarksImage: obs.Marks,
			Elements: obs.Screen.Elements}
		if n == 1 {
			st.Timings.Observe = format.Ms(firstObserve)
		}
		next, stop := r.step(ctx, st, obs)
		st.Timings.Total = format.Ms(a.now().Sub(st.Start))
		r.res.Totals.Add(st)
		a.emit(Event{Phase: PhaseStep, Step: n, Record: st, Took: st.Timings.Total.D()})
		if stop != nil {
			return r.finish(stop)
		}
		obs = next
	}
}

// step runs the phases of one step on obs and returns the next
// observation, or why the run stops. It fills st, the step's record.
func (r *run) step(ctx context.Context, st *Step, obs Observation) (Observation, *StopError) {
	a := r.a
	r.takeInstructions(st)
	t0 := a.now()
	rec := r.recall(ctx, obs)
	st.Timings.Recall = format.Ms(a.now().Sub(t0))
	if ended, stop := r.planIfNeeded(ctx, st, obs, rec); ended {
		return obs, stop
	}
	st.Subgoal = a.red.String(r.prog.plan.Subgoal())
	dec, ended, stop := r.decideAction(ctx, st, obs, rec)
	if ended {
		return obs, stop
	}
	if blocked, stop := r.gateAction(ctx, st, dec.Action, obs); blocked {
		return obs, stop
	}
	res, xerr := r.execute(ctx, st, dec.Action, obs)
	if ctx.Err() != nil {
		return obs, r.interrupted(ctx, st, "acting")
	}
	if unavailable(xerr) != nil {
		return obs, r.failed(ctx, st, "acting", xerr)
	}
	// Verify: what the action did (observe the new screen, compare,
	// reflect; go back from a wrong page).
	v, err := r.verify(ctx, st, obs, dec, res, xerr)
	if err != nil {
		return obs, r.failed(ctx, st, "observing the screen after the action", err)
	}
	if v.interrupted {
		return v.after, r.interrupted(ctx, st, "reflecting")
	}
	r.learnStep(ctx, st, obs, dec, v, xerr)
	return v.after, nil
}

// takeInstructions moves the person's instructions given since the last
// step into the step and the progress.
func (r *run) takeInstructions(st *Step) {
	ins := r.a.instructions()
	if len(ins) == 0 {
		return
	}
	for i, in := range ins {
		ins[i] = r.a.red.String(in)
	}
	st.Instructions = ins
	r.prog.instruct(ins)
}

// planIfNeeded asks the planner when the plan is missing or must be
// revised. ended says the step ends here: the planning failed, or the
// planner found the task complete (stop is then the claim's verdict, nil
// when the claim did not hold and the run goes on).
func (r *run) planIfNeeded(ctx context.Context, st *Step, obs Observation, rec Recall) (ended bool, stop *StopError) {
	if !r.prog.needsPlan() {
		return false, nil
	}
	out, err := r.plan(ctx, st, obs, rec)
	if err != nil {
		return true, r.failed(ctx, st, "planning", err)
	}
	if out.Finished {
		return true, r.claimDone(ctx, st, obs, nil, out.Answer, "the planner found the task complete")
	}
	return false, nil
}

// decideAction asks for the step's action. An action that ends the run
// (done, refuse) or the step (ask_user) is handled here, with ended set;
// an invalid one gets one repair: the decision chooses again on the same
// screen, told why.
func (r *run) decideAction(ctx context.Context, st *Step, obs Observation, rec Recall) (dec DecideOutput, ended bool, stop *StopError) {
	a := r.a
	dec, err := r.decide(ctx, st, obs, rec)
	if err != nil {
		return dec, true, r.failed(ctx, st, "deciding", err)
	}
	switch v := dec.Action.(type) {
	case actions.Done:
		r.res.Answer = a.red.String(v.Answer)
		if v.Status == actions.StatusInfeasible {
			return dec, true, &StopError{Outcome: OutcomeInfeasible, Step: st.Index, Reason: "the agent found the task cannot be done: " + r.res.Answer}
		}
		return dec, true, r.claimDone(ctx, st, obs, &dec, v.Answer, "the agent reported the task done")
	case actions.Refuse:
		return dec, true, &StopError{Outcome: OutcomeRefused, Step: st.Index, Reason: "the agent refused: " + a.red.String(v.Reason)}
	case actions.AskUser:
		return dec, true, r.ask(ctx, st, v)
	}
	err = r.validate(st, dec.Action, obs)
	if err == nil {
		return dec, false, nil
	}
	st.Repair = st.ActionText + ": " + a.red.String(err.Error())
	r.repair = fmt.Sprintf("your action (%s) was not valid on this screen: %v; choose again", st.ActionText, err)
	dec, err = r.decide(ctx, st, obs, rec)
	r.repair = ""
	const again = "deciding again after an invalid action"
	if err != nil {
		return dec, true, r.failed(ctx, st, again, err)
	}
	if _, ok := dec.Action.(actions.Done); ok {
		return dec, true, r.failed(ctx, st, again, errors.New("it gave done instead of a valid action"))
	}
	if err := r.validate(st, dec.Action, obs); err != nil {
		return dec, true, r.failed(ctx, st, "the action is invalid", err)
	}
	return dec, false, nil
}

// gateAction asks the safety gate. blocked means the action must not run:
// the step failed (stop is nil when the run goes on) or the run stops.
func (r *run) gateAction(ctx context.Context, st *Step, act actions.Action, obs Observation) (blocked bool, stop *StopError) {
	gd, err := r.check(ctx, st, act, obs)
	st.Gate = &gd
	switch {
	case gd.Interrupted || (ctx.Err() != nil && !gd.Allowed()):
		return true, r.interrupted(ctx, st, "waiting for confirmation")
	case gd.Allowed():
		return false, nil
	case err != nil:
		return true, r.failed(ctx, st, "the safety gate", err)
	}
	return true, r.failed(ctx, st, "the safety gate did not allow "+st.ActionText, fmt.Errorf("%s", gd.Reason))
}

// learnStep updates the progress from the step: notes, the outcome,
// failures, being stuck.
func (r *run) learnStep(ctx context.Context, st *Step, before Observation, dec DecideOutput, v verified, xerr error) {
	a := r.a
	t0 := a.now()
	notes := r.note(ctx, st, v)
	r.markSeen(v.after)
	o := stepOutcome{index: st.Index, actionText: st.ActionText, actionKey: string(st.Action) + before.Screen.Hash.String(),
		verdict: v.refl.Verdict, note: v.refl.Note, changed: v.diff.Ratio > 0, subgoalDone: dec.SubgoalDone, progress: a.red.String(dec.Progress), notes: notes, acted: true}
	if xerr != nil {
		st.Error = a.red.String(xerr.Error())
		o.failed = st.Error
	}
	r.prog.learn(o)
	st.Timings.Learn += format.Ms(a.now().Sub(t0))
}

// failed records a failed step. The run goes on (the planner is asked
// again) unless the failure means the device or the model is gone, or ctx
// ended.
func (r *run) failed(ctx context.Context, st *Step, what string, err error) *StopError {
	if ctx.Err() != nil {
		return r.interrupted(ctx, st, what)
	}
	msg := r.a.red.String(fmt.Sprintf("%s: %v", what, err))
	st.Error = msg
	t0 := r.a.now()
	r.prog.learn(stepOutcome{index: st.Index, actionText: st.ActionText, failed: msg, denied: st.Gate != nil && !st.Gate.Allowed()})
	st.Timings.Learn += format.Ms(r.a.now().Sub(t0))
	if unavailable(err) != nil {
		return &StopError{Outcome: OutcomeUnavailable, Step: st.Index, Reason: msg, Err: err}
	}
	return nil
}

// interrupted is the stop when ctx ended in a step: the time budget ran
// out, or the person pressed Ctrl-C.
func (r *run) interrupted(ctx context.Context, st *Step, what string) *StopError {
	if context.Cause(ctx) == errTimeBudget {
		st.Error = "the time budget ran out while " + what
		return &StopError{Outcome: OutcomeBudget, Step: st.Index, Reason: r.timeUpReason(what)}
	}
	st.Error = "interrupted while " + what
	return &StopError{Outcome: OutcomeInterrupted, Step: st.Index, Reason: "interrupted (Ctrl-C) while " + what}
}

// timeUpReason says the time budget ran out, naming the model when it was
// waiting for one.
func (r *run) timeUpReason(what string) string {
	reason := fmt.Sprintf("ran for %s, the budget is %s; it ran out while %s", r.a.now().Sub(r.start).Round(time.Millisecond), r.a.cfg.Limits.MaxDuration, what)
	if model := r.a.cfg.ModelName; model != "" && (strings.Contains(what, "planning") || strings.Contains(what, "deciding") || strings.Contains(what, "reflecting") || strings.Contains(what, "verif")) {
		reason += fmt.Sprintf(", waiting for the model %s", model)
	}
	return reason
}

// stopFor turns an error outside a step into a stop.
func (r *run) stopFor(ctx context.Context, step int, what string, err error) *StopError {
	if ctx.Err() != nil {
		if context.Cause(ctx) == errTimeBudget {
			return &StopError{Outcome: OutcomeBudget, Step: step, Reason: r.timeUpReason(what)}
		}
		return &StopError{Outcome: OutcomeInterrupted, Step: step, Reason: "interrupted (Ctrl-C) while " + what}
	}
	out := OutcomeError
	if unavailable(err) != nil {
		out = OutcomeUnavailable
	}
	return &StopError{Outcome: out, Step: step, Reason: r.a.red.String(what + ": " + err.Error()), Err: err}
}

// finish ends the run: the Result, memory's learning, the last events and
// the observers' flush. It returns nil for a success, else stop.
func (r *run) finish(stop *StopError) (*Result, error) {
	a := r.a
	if stop == nil {
		stop = &StopError{Outcome: OutcomeSuccess}
	}
	r.res.Outcome = stop.Outcome
	r.res.Reason = a.red.String(stop.Reason)
	r.res.Notes = append([]string(nil), r.prog.notes...)
	r.res.Plan = r.prog.plan.Clone()
	r.res.End = a.now()
	r.res.Totals.Duration = format.Ms(r.res.End.Sub(r.start))
	// Learning may ask the model once (agents/agentmem); it gets its own
	// minute even when the run's ctx is cancelled.
	lctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if lerr := a.mem.Learn(lctx, r.res); lerr != nil {
		a.log.Warn("memory could not learn from the run", "err", lerr)
	}
	var err error
	if stop.Outcome != OutcomeSuccess {
		err = stop
	}
	a.emit(Event{Phase: PhaseRunEnd, Result: r.res, Err: err})
	for _, o := range a.observers {
		if f, ok := o.(Flusher); ok {
			if ferr := f.Flush(); ferr != nil {
				a.log.Error("an observer could not flush", "err", ferr)
				if err == nil {
					r.res.Outcome, r.res.Reason = OutcomeError, "the run succeeded but its record could not be saved: "+ferr.Error()
					err = &StopError{Outcome: OutcomeError, Reason: r.res.Reason, Err: ferr}
				}
			}
		}
	}
	return r.res, err
}

// cachedShot serves one screenshot taken already (decoding it on demand),
// then the device's.
type cachedShot struct {
	perception.ScreenSource
	shot *actions.Settle
}

func (c *cachedShot) Screenshot(ctx context.Context) (image.Image, error) {
	if s := c.shot; s != nil {
		c.shot = nil
		return s.LastScreenshot()
	}
	return c.ScreenSource.Screenshot(ctx)
}
