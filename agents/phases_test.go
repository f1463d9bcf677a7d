package agents

import (
	"context"
	"errors"
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// Table tests for each phase of the step loop, alone.

func TestLearnPhase(t *testing.T) {
	plan := func(cur int) *Plan { return &Plan{Subgoals: []string{"a", "b"}, Current: cur} }
	tests := []struct {
		name string
		from progress
		o    stepOutcome
		// want
		failures, stall, repeats, current int
		replan                            string // a substring; "" means none
		lastErr                           string
	}{
		{"success resets failures", progress{plan: plan(0), planned: true, failures: 2, lastErr: "x"},
			stepOutcome{index: 3, verdict: VerdictSuccess, changed: true, acted: true, actionKey: "k"}, 0, 0, 1, 0, "", ""},
		{"a done subgoal advances", progress{plan: plan(0), planned: true},
			stepOutcome{index: 1, verdict: VerdictSuccess, changed: true, acted: true, subgoalDone: true}, 0, 0, 1, 1, "", ""},
		{"the last subgoal done asks the planner, without running past the plan", progress{plan: plan(1), planned: true},
			stepOutcome{index: 2, verdict: VerdictSuccess, changed: true, acted: true, subgoalDone: true}, 0, 0, 1, 1, "every subgoal of the plan is done", ""},
		{"no change counts a failure and a stall", progress{plan: plan(0), planned: true},
			stepOutcome{index: 4, actionText: "tap element 3", verdict: VerdictNoChange, note: "nothing moved", acted: true, actionKey: "k"}, 1, 1, 1, 0, "outcome no_change: nothing moved", "step 4 (tap element 3)"},
		{"the same action on the same unchanged screen repeats", progress{plan: plan(0), planned: true, lastKey: "k", repeats: 1},
			stepOutcome{index: 5, verdict: VerdictNoChange, acted: true, actionKey: "k"}, 1, 1, 2, 0, "no_change", "step 5"},
		{"a wrong page is no stall", progress{plan: plan(0), planned: true, stall: 2},
			stepOutcome{index: 6, verdict: VerdictWrongPage, acted: true}, 1, 0, 1, 0, "wrong_page", ""},
		{"a failed step that never acted counts a failure, not a stall", progress{plan: plan(0), planned: true, stall: 2},
			stepOutcome{index: 7, failed: "deciding: no action"}, 1, 2, 0, 0, "step 7 failed: deciding: no action", "deciding: no action"},
		{"an ask is neither a failure nor a stall", progress{plan: plan(0), planned: true, failures: 1, stall: 1},
			stepOutcome{index: 8, asked: true, verdict: VerdictSuccess, notes: []string{"asked: x"}}, 1, 1, 0, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.from
			p.learn(tt.o)
			if p.failures != tt.failures || p.stall != tt.stall || p.repeats != tt.repeats || p.plan.Current != tt.current {
				t.Errorf("failures %d stall %d repeats %d current %d; want %d %d %d %d", p.failures, p.stall, p.repeats, p.plan.Current,
					tt.failures, tt.stall, tt.repeats, tt.current)
			}
			if (tt.replan == "") != (p.replan == "") || !strings.Contains(p.replan, tt.replan) {
				t.Errorf("replan %q; want %q", p.replan, tt.replan)
			}
			if !strings.Contains(p.lastErr, tt.lastErr) || (tt.lastErr == "" && p.lastErr != "" && tt.o.verdict == VerdictSuccess) {
				t.Errorf("lastErr %q; want %q", p.lastErr, tt.lastErr)
			}
			if n := len(p.history); n != 1 || p.history[0].Step != tt.o.index {
				t.Errorf("history %+v", p.history)
			}
		})
	}
	// Notes are kept once, whatever the case.
	p := progress{notes: []string{"Price: $4"}}
	p.learn(stepOutcome{notes: []string{"price: $4", "code 1234"}, verdict: VerdictSuccess})
	if len(p.notes) != 2 {
		t.Errorf("notes %v", p.notes)
	}
}

func TestCheckStops(t *testing.T) {
	l := Limits{MaxTokens: 1000, MaxCost: 0.5, MaxDuration: time.Minute}.withDefaults()
	tests := []struct {
		name    string
		p       progress
		t       Totals
		elapsed time.Duration
		cancel  bool
		n       int
		want    Outcome
	}{
		{"nothing", progress{}, Totals{}, 0, false, 1, ""},
		{"ctrl-c wins", progress{failures: 9}, Totals{}, 0, true, 1, OutcomeInterrupted},
		{"step limit", progress{}, Totals{}, 0, false, 26, OutcomeStepLimit},
		{"failures", progress{failures: 4}, Totals{}, 0, false, 5, OutcomeFailed},
		{"repeats", progress{repeats: 3}, Totals{}, 0, false, 5, OutcomeStuck},
		{"stall", progress{stall: 5}, Totals{}, 0, false, 6, OutcomeStuck},
		{"tokens", progress{}, Totals{Usage: llm.Usage{PromptTokens: 900, CompletionTokens: 100}}, 0, false, 2, OutcomeBudget},
		{"cost", progress{}, Totals{Cost: 0.5}, 0, false, 2, OutcomeBudget},
		{"time", progress{}, Totals{}, time.Minute, false, 2, OutcomeBudget},
	}
	for _, tt := range tests {
		out, why := tt.p.checkStops(l, tt.t, tt.elapsed, tt.cancel, tt.n)
		if out != tt.want || (out != "" && why == "") {
			t.Errorf("%s: %s (%s); want %s", tt.name, out, why, tt.want)
		}
		if strings.Contains(why, "--") {
			t.Errorf("%s: the library names a CLI flag: %s", tt.name, why)
		}
	}
}

// stubRoles are roles at the model boundary that answer from a list.
type stubRoles struct {
	plan    []PlanOutput
	decide  []DecideOutput
	reflect func(ReflectInput) (Reflection, error)
	notes   []string
	planIn  []PlanInput
}

func (s *stubRoles) Plan(_ context.Context, in PlanInput) (PlanOutput, error) {
	s.planIn = append(s.planIn, in)
	if len(s.plan) == 0 {
		return PlanOutput{}, errors.New("no plan scripted")
	}
	p := s.plan[0]
	s.plan = s.plan[1:]
	return p, nil
}
func (s *stubRoles) Decide(context.Context, DecideInput) (DecideOutput, error) {
	if len(s.decide) == 0 {
		return DecideOutput{}, nil
	}
	d := s.decide[0]
	s.decide = s.decide[1:]
	return d, nil
}
func (s *stubRoles) Reflect(_ context.Context, in ReflectInput) (Reflection, error) {
	if s.reflect != nil {
		return s.reflect(in)
	}
	return Reflection{Verdict: VerdictSuccess}, nil
}
func (s *stubRoles) Note(context.Context, NoteInput) (NoteOutput, error) {
	return NoteOutput{Notes: s.notes}, nil
}

// testRun is a run over a real virtual phone (through the real adb server)
// with stub roles.
func testRun(t *testing.T, roles *stubRoles, cfg Config) (*run, Observation) {
	t.Helper()
	ph := simtest.Start(t)
	cfg.Device = ph.Device
	cfg.Roles = Team{Name: "stub", Planner: roles, Decider: roles, Reflector: roles, Notetaker: roles}
	if cfg.Gate == nil {
		cfg.Gate = &safety.Gate{Mode: safety.ModeApprove}
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &run{a: a, task: "Turn on Bluetooth", seen: map[string]bool{}, start: a.now(), res: &Result{}}
	r.gate = a.gate.ForRun(a.red, nil)
	obs, err := r.observe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r, obs
}

func TestPlanAndDecidePhases(t *testing.T) {
	roles := &stubRoles{plan: []PlanOutput{{Plan: Plan{Subgoals: []string{"Open Settings", "Turn Bluetooth on"}}, Thought: "two steps"}},
		decide: []DecideOutput{{Thought: "tap it", Action: actions.OpenApp{App: "Settings"}}, {Thought: "nothing"}}}
	r, obs := testRun(t, roles, Config{})
	st := &Step{Index: 1}
	out, err := r.plan(context.Background(), st, obs, Recall{})
	if err != nil || len(out.Plan.Subgoals) != 2 || st.Plan == nil || st.Thought != "two steps" || r.prog.needsPlan() {
		t.Fatalf("plan: %+v %v; step plan %+v", out, err, st.Plan)
	}
	// The record's plan is a copy: the run moving on does not change it.
	r.prog.plan.Current = 1
	if st.Plan.Current != 0 {
		t.Error("the step's plan follows the live plan")
	}
	dec, err := r.decide(context.Background(), st, obs, Recall{})
	if err != nil || st.ActionText != "open app Settings" || string(st.Action) == "" || dec.Thought != "tap it" {
		t.Errorf("decide: %+v %v; step %q %s", dec, err, st.ActionText, st.Action)
	}
	if _, err := r.decide(context.Background(), &Step{Index: 2}, obs, Recall{}); !errors.Is(err, actions.ErrNoAction) {
		t.Errorf("a decision without an action: %v; want ErrNoAction", err)
	}
}

func TestValidateGateExecuteVerify(t *testing.T) {
	red := &safety.Redactor{}
	secrets := safety.NewSecrets(red)
	if err := secrets.Set("PIN", "4821"); err != nil {
		t.Fatal(err)
	}
	reflectErr := errors.New("the reflector's endpoint is down")
	roles := &stubRoles{reflect: func(ReflectInput) (Reflection, error) { return Reflection{}, reflectErr }}
	r, obs := testRun(t, roles, Config{Secrets: secrets, Redactor: red})
	ctx := context.Background()

	// validate
	for _, tt := range []struct {
		a  actions.Action
		ok bool
	}{{actions.Tap{Target: actions.Target{Element: 1}}, true}, {actions.Tap{Target: actions.Target{Element: 999}}, false}, {actions.Type{}, false}} {
		if err := r.validate(&Step{}, tt.a, obs); (err == nil) != tt.ok {
			t.Errorf("validate(%s) = %v", actions.Describe(tt.a, obs.Screen), err)
		}
	}

	// gate: a blocked action is kept in the gate's history as not allowed.
	r.gate = (&safety.Gate{Mode: safety.ModeDeny}).ForRun(red, nil)
	threat := actions.Type{Text: "I will hurt you"}
	st := &Step{ActionText: "type a threat"}
	gd, err := r.check(ctx, st, threat, obs)
	if err != nil || gd.Allowed() || len(r.safeHist) != 1 || !strings.HasPrefix(r.safeHist[0].Description, "(not allowed)") {
		t.Errorf("gate: %+v %v, history %+v", gd, err, r.safeHist)
	}
	// gateAction: a denied action is blocked even when the run goes on
	// (the failed step stops nothing), and an allowed one is not.
	for _, tt := range []struct {
		a       actions.Action
		blocked bool
	}{{threat, true}, {actions.Tap{Target: actions.Target{Element: 1}}, false}} {
		st := &Step{ActionText: actions.Describe(tt.a, obs.Screen)}
		blocked, stop := r.gateAction(ctx, st, tt.a, obs)
		if blocked != tt.blocked || stop != nil || st.Gate == nil || st.Gate.Allowed() == tt.blocked {
			t.Errorf("gateAction(%s) = blocked %v, stop %v, gate %+v; want blocked %v and the run going on", st.ActionText, blocked, stop, st.Gate, tt.blocked)
		}
	}

	// execute: a secret is filled in on the way to the device, and the
	// record keeps only its length.
	opened := actions.OpenApp{App: "Settings"}
	res, err := r.execute(ctx, &Step{}, opened, obs)
	if err != nil || res.Package != "com.android.settings" {
		t.Fatalf("execute open_app: %+v %v", res, err)
	}
	if _, err := r.execute(ctx, &Step{}, actions.Type{Secret: "NOPE"}, obs); err == nil {
		t.Error("an unknown secret executed")
	}

	// verify: a failing reflector leaves the verdict to the pixels.
	st = &Step{}
	v, err := r.verify(ctx, st, obs, DecideOutput{Action: opened}, res, nil)
	if err != nil || v.refl.Verdict != VerdictSuccess || !strings.Contains(v.refl.Note, "reflection failed") || st.Reflection == nil || v.after.Screen.Package != "com.android.settings" {
		t.Errorf("verify: %+v %v", v.refl, err)
	}
	if st.Timings.Observe == 0 || st.Timings.Verify == 0 {
		t.Errorf("verify did not time itself: %+v", st.Timings)
	}
	unchanged, err := r.verify(ctx, &Step{}, v.after, DecideOutput{Action: actions.Wait{}}, actions.Result{}, nil)
	if err != nil || unchanged.refl.Verdict != VerdictNoChange {
		t.Errorf("verify of an unchanged screen with a failing reflector: %+v %v; want no_change", unchanged.refl, err)
	}

	// recover: back goes through the gate and the executor.
	st = &Step{}
	r.gate = (&safety.Gate{Mode: safety.ModeApprove}).ForRun(red, nil)
	back, ok := r.recover(ctx, st, v.after)
	if !ok || st.Recovery == nil || st.Recovery.Gate == nil || !st.Recovery.Gate.Allowed() || back.Screen.Package == "com.android.settings" {
		t.Errorf("recover: ok %v, %+v, now on %s", ok, st.Recovery, back.Screen.Package)
	}
}

func TestNoteAskAndClaimPhases(t *testing.T) {
	roles := &stubRoles{notes: []string{"Price: $4.99", "price: $4.99", " "}}
	r, obs := testRun(t, roles, Config{Gate: &safety.Gate{Mode: safety.ModeApprove, Asker: safety.NoPerson{}}})
	ctx := context.Background()

	st := &Step{}
	got := r.note(ctx, st, verified{after: obs, cands: []string{"$4.99"}})
	if len(got) != 1 || len(st.NewNotes) != 1 {
		t.Errorf("notes %v; want one, de-duplicated", got)
	}
	// The reflector's notes replace the notetaker's call.
	st = &Step{}
	if got := r.note(ctx, st, verified{after: obs, refl: Reflection{NotesTaken: true, Notes: []string{"code 1234"}}}); len(got) != 1 || got[0] != "code 1234" {
		t.Errorf("reflector notes: %v", got)
	}

	// ask: nobody answers; the note says so and nothing fails.
	st = &Step{Index: 3}
	if stop := r.ask(ctx, st, actions.AskUser{Question: "Which account?"}); stop != nil || st.Ask == nil || st.Ask.Reply.Answered || r.prog.failures != 0 {
		t.Errorf("ask: stop %v, %+v, failures %d", stop, st.Ask, r.prog.failures)
	}

	// claimDone ends in success and records the verification.
	st = &Step{Index: 4}
	stop := r.claimDone(ctx, st, obs, &DecideOutput{Action: actions.Done{Status: actions.StatusSuccess}}, "", "the agent reported the task done")
	if stop == nil || stop.Outcome != OutcomeSuccess || st.Verification == nil || r.res.Verification == nil {
		t.Errorf("claim: %+v %+v", stop, st.Verification)
	}
}

// The stop errors an SDK user branches on.
func TestStopErrors(t *testing.T) {
	lost := &StopError{Outcome: OutcomeUnavailable, Reason: "the phone went away", Err: device.ErrDisconnected}
	model := &StopError{Outcome: OutcomeUnavailable, Reason: "401", Err: &llm.Error{Kind: llm.KindAuth}}
	denied := &StopError{Outcome: OutcomeFailed, Reason: "held", Denied: true}
	for _, tt := range []struct {
		err error
		is  []error
		not []error
	}{
		{lost, []error{ErrDeviceLost, device.ErrDisconnected}, []error{ErrModelUnavailable, ErrDenied}},
		{model, []error{ErrModelUnavailable, llm.ErrAuth}, []error{ErrDeviceLost}},
		{denied, []error{ErrDenied, ErrFailed}, []error{ErrStuck}},
		{&StopError{Outcome: OutcomeStuck}, []error{ErrStuck}, []error{ErrFailed}},
		{&StopError{Outcome: OutcomeBudget}, []error{ErrBudget}, nil},
		{&StopError{Outcome: OutcomeStepLimit}, []error{ErrStepLimit}, nil},
		{&StopError{Outcome: OutcomeInterrupted}, []error{ErrInterrupted}, nil},
	} {
		for _, e := range tt.is {
			if !errors.Is(tt.err, e) {
				t.Errorf("%v does not match %v", tt.err, e)
			}
		}
		for _, e := range tt.not {
			if errors.Is(tt.err, e) {
				t.Errorf("%v matches %v", tt.err, e)
			}
		}
		var se *StopError
		if !errors.As(tt.err, &se) {
			t.Errorf("%v is not a *StopError", tt.err)
		}
	}
	if unavailable(errors.New("x")) != nil || unavailable(device.ErrDisconnected) != ErrDeviceLost {
		t.Error("unavailable misclassifies")
	}
}

func TestObserveRendersForTheRoles(t *testing.T) {
	red := &safety.Redactor{}
	red.Add("CODE", "Bluetooth")
	s := &perception.Screen{Width: 100, Height: 200, Image: image.NewRGBA(image.Rect(0, 0, 100, 200)),
		Elements: []perception.Element{{ID: 1, Bounds: image.Rect(0, 0, 100, 50), Text: "Bluetooth", Clickable: true}}}
	o := render(s, true, red)
	if strings.Contains(o.Text, "Bluetooth") || o.Marks == nil {
		t.Errorf("render: text %q (want the secret redacted), marks %v", o.Text, o.Marks != nil)
	}
	if o := render(s, false, red); o.Marks != nil {
		t.Error("marks drawn without vision")
	}
}

func TestCandidateContent(t *testing.T) {
	s := &perception.Screen{Width: 1080, Height: 2400, Elements: []perception.Element{
		{ID: 1, Bounds: image.Rect(0, 0, 1080, 40), Text: "09:41"},                                // status bar
		{ID: 2, Bounds: image.Rect(0, 200, 1080, 300), Text: "Fresh Bananas $0.27 each"},          // names the task
		{ID: 3, Bounds: image.Rect(0, 300, 1080, 400), Text: "Gala Apples $1.12"},                 // money only
		{ID: 4, Bounds: image.Rect(0, 400, 1080, 500), Text: "Your verification code is 482913."}, // a code
		{ID: 5, Bounds: image.Rect(0, 500, 1080, 600), Text: "Bananas", Editable: true},           // typed
		{ID: 6, Bounds: image.Rect(0, 600, 1080, 700), Text: "Free delivery on orders over"},      // no number
	}}
	tests := []struct {
		task string
		want []int
	}{
		{"What is the price of Fresh Bananas?", []int{2}},
		{"What is the total of my order?", []int{2, 3}},
		{"Find the code I was sent", []int{4}},
		{"Turn on Bluetooth", nil},
		{"Which bananas are on sale?", []int{2}},
	}
	for _, tt := range tests {
		got := CandidateContent(tt.task, s, map[string]bool{})
		var ids []int
		for _, l := range got {
			for _, e := range s.Elements {
				if e.Label() == l {
					ids = append(ids, e.ID)
				}
			}
		}
		if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
			t.Errorf("%q: candidates %v (%q); want elements %v", tt.task, ids, got, tt.want)
		}
	}
}
