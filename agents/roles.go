package agents

import (
	"context"
	"image"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/perception"
)

// Device is the phone an Agent operates: the whole device.Device interface,
// since the executor uses every part of it. *adb.Device satisfies it.
type Device interface {
	device.Device
}

// Planner keeps the plan. It is asked at the start, after a failure, and
// when the last subgoal is done.
type Planner interface {
	Plan(ctx context.Context, in PlanInput) (PlanOutput, error)
}

// Decider picks the next action.
type Decider interface {
	Decide(ctx context.Context, in DecideInput) (DecideOutput, error)
}

// Reflector judges what an action did.
type Reflector interface {
	Reflect(ctx context.Context, in ReflectInput) (Reflection, error)
}

// Notetaker records facts the task needs.
type Notetaker interface {
	Note(ctx context.Context, in NoteInput) (NoteOutput, error)
}

// Verifier judges a claimed completion from the final screen. It is asked
// only when the screen does not settle the question by rule (a switch's
// state, the sent message, the app in front: see agents/intent.Check). It
// is optional: a Team without one takes an undecided claim on its word and
// records it as unchecked.
type Verifier interface {
	Verify(ctx context.Context, in VerifyInput) (VerifyOutput, error)
}

// VerifyInput is what the verifier sees.
type VerifyInput struct {
	Task         string
	Instructions []string
	Answer       string   // the answer the claim came with, for questions
	Evidence     []string // what the screen shows by rule
	Obs          Observation
	Notes        []string
	History      []StepSummary
}

// VerifyOutput is the verifier's verdict.
type VerifyOutput struct {
	Done   bool
	Reason string
	Calls  []Call
}

// Memory gives the roles tips and shortcuts learned on earlier runs, and
// learns from finished runs. NoMemory is the default; package
// agents/agentmem implements it over the Bolt store (package memory).
//
// Optional abilities are found by type assertion: a Recaller also returns
// shortcuts, and a Memory that is an Observer receives every event of the
// run (to learn from the steps, not only the Result) without being listed
// in Config.Observers. Learn is called when the run ends, before the
// PhaseRunEnd event, with a context of its own that allows a minute.
type Memory interface {
	Tips(ctx context.Context, q MemoryQuery) ([]string, error)
	Learn(ctx context.Context, r *Result) error
}

// MemoryQuery is what the tips are for.
type MemoryQuery struct {
	Task    string
	Subgoal string
	App     string
}

// Recall is what memory offers the roles for one step, each item a line of
// prompt text.
type Recall struct {
	Tips []string
	// Shortcuts describe verified shortcuts the decision role may run with
	// one run_shortcut action; they run only when the executor has a
	// resolver (actions.ExecutorConfig.Shortcuts).
	Shortcuts []string
}

// Recaller is an optional Memory ability: tips and shortcuts retrieved
// together. When the Memory has it, the agent calls Recall before planning
// and deciding instead of Tips.
type Recaller interface {
	Recall(ctx context.Context, q MemoryQuery) (Recall, error)
}

// ShortcutRunner is an optional Memory ability: it runs stored shortcuts,
// verified screen by screen, on the run's device. New gives the resolver it
// returns to the executor (unless Config.Executor.Shortcuts is set), so
// run_shortcut actions work without wiring the two by hand.
type ShortcutRunner interface {
	ShortcutResolver(dev Device, p *perception.Perceiver, opts perception.PerceiveOptions) actions.ShortcutResolver
}

// NoMemory remembers nothing.
type NoMemory struct{}

// Tips returns none.
func (NoMemory) Tips(context.Context, MemoryQuery) ([]string, error) { return nil, nil }

// Learn does nothing.
func (NoMemory) Learn(context.Context, *Result) error { return nil }

// Plan is the planner's current plan.
type Plan struct {
	Subgoals []string `json:"subgoals"`
	Current  int      `json:"current"` // index into Subgoals
	Progress string   `json:"progress,omitempty"`
}

// Clone returns a copy of p that shares nothing with it (nil for nil).
func (p *Plan) Clone() *Plan {
	if p == nil {
		return nil
	}
	c := *p
	c.Subgoals = append([]string(nil), p.Subgoals...)
	return &c
}

// Subgoal returns the current subgoal, or "" when there is none.
func (p *Plan) Subgoal() string {
	if p == nil || p.Current < 0 || p.Current >= len(p.Subgoals) {
		return ""
	}
	return p.Subgoals[p.Current]
}

// Observation is one perceived screen with its renderings for models.
type Observation struct {
	Screen *perception.Screen
	// Text is the element list for text models (perception.RenderText),
	// with secrets redacted. It is not yet wrapped as untrusted.
	Text string
	// Marks is the set-of-mark screenshot for vision models, and Scale maps
	// it to device pixels. Nil unless Config.Vision is set.
	Marks image.Image
	Scale perception.Scale
}

// StepSummary is one earlier step as the roles see it.
type StepSummary struct {
	Step    int     `json:"step"`
	Action  string  `json:"action"` // in words
	Verdict Verdict `json:"verdict,omitempty"`
	Note    string  `json:"note,omitempty"`
}

// PlanInput is what the planner sees.
type PlanInput struct {
	Task    string
	Obs     Observation
	Plan    *Plan // the plan so far; nil at the start
	Notes   []string
	History []StepSummary
	Failure string // why the planner is asked again after a failure; "" at the start
	// Review is why the planner is asked again when nothing failed: every
	// subgoal is done, or the person added an instruction.
	Review string
	// Tips and Shortcuts come from Memory (see Recall).
	Tips      []string
	Shortcuts []string
	// Instructions are what the person added during the run
	// (Agent.Instruct), oldest first: the person's own words.
	Instructions []string
	// Warning, when set, says the run is close to stopping for lack of
	// progress and lists the attempts that made none.
	Warning string
}

// PlanOutput is the planner's answer.
type PlanOutput struct {
	Plan     Plan
	Thought  string
	Finished bool   // the task is complete
	Answer   string // for information tasks
	Calls    []Call
}

// DecideInput is what the decision role sees.
type DecideInput struct {
	Task      string
	Obs       Observation
	Plan      *Plan
	Notes     []string
	History   []StepSummary // the most recent steps, oldest first
	Tips      []string
	Shortcuts []string // shortcuts run_shortcut may run (see Recall)
	LastError string   // why the previous step failed
	Secrets   []string // names type_secret may use
	// APIs are the API calls the adb action may make (Config.APIs).
	APIs []API
	// Instructions are what the person added during the run.
	Instructions []string
	// Warning, when set, says the run is close to stopping for lack of
	// progress and lists the attempts that made none.
	Warning string
}

// DecideOutput is the decision role's answer.
type DecideOutput struct {
	Thought     string         `json:"thought,omitempty"`
	Action      actions.Action `json:"-"`
	Expect      string         `json:"expect,omitempty"`       // what the screen should show afterwards
	SubgoalDone bool           `json:"subgoal_done,omitempty"` // this action completes the current subgoal
	// Progress is what is done so far, as the decision sees it; it replaces
	// the plan's progress for the next steps.
	Progress string `json:"progress,omitempty"`
	Calls    []Call `json:"-"`
}

// Verdict is a reflection's judgement of one action.
type Verdict string

// Reflection verdicts. (The reflector's prompt asks for the letters A, B and
// C, as Mobile-Agent-v2 does; the model role maps them to these words.)
const (
	VerdictSuccess   Verdict = "success"    // the action did what was expected
	VerdictWrongPage Verdict = "wrong_page" // it led somewhere wrong; go back
	VerdictNoChange  Verdict = "no_change"  // nothing changed
)

// ReflectInput is what the reflector sees.
type ReflectInput struct {
	Task     string
	Subgoal  string
	Before   Observation
	After    Observation
	Decision DecideOutput
	Result   actions.Result
	ExecErr  error
	Diff     perception.DiffResult
	// Candidates are lines of the new screen worth noting (see
	// CandidateContent); a reflector may take the notes itself.
	Candidates []string
}

// Reflection is the reflector's verdict.
type Reflection struct {
	Verdict Verdict `json:"verdict"`
	Note    string  `json:"note,omitempty"`
	// Skipped is set when no model was asked because the outcome was
	// certain; Reason says why.
	Skipped bool   `json:"skipped,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Notes, when NotesTaken, are facts the reflector noted, so the
	// notetaker is not asked this step. The step record keeps them once, as
	// its new notes.
	Notes      []string `json:"-"`
	NotesTaken bool     `json:"-"`
	Calls      []Call   `json:"-"`
}

// NoteInput is what the notetaker sees.
type NoteInput struct {
	Task       string
	Obs        Observation
	Notes      []string
	Candidates []string
}

// NoteOutput is the notetaker's answer: new notes only.
type NoteOutput struct {
	Notes []string
	Calls []Call
}

// Call is one model call a role made, for accounting and the trajectory.
// Prompt and Response are redacted before they leave the role.
type Call struct {
	Role     string        `json:"role"`
	Model    string        `json:"model,omitempty"`
	Prompt   string        `json:"prompt"`
	Response string        `json:"response"`
	Usage    llm.Usage     `json:"usage"`
	Cost     float64       `json:"cost"`
	Latency  format.Millis `json:"latency_ms"`
	Images   int           `json:"images,omitempty"`
	Err      string        `json:"error,omitempty"`
}

// Verification is the verify phase's judgement of a claimed completion.
type Verification struct {
	// Verified is set when the final screen shows the task done.
	Verified bool `json:"verified"`
	// By says how: "evidence" (read off the screen: a switch's state, a
	// field's text, the sent message in its thread, the app in front),
	// "verifier" (one model call with the final screen and the evidence),
	// or "unchecked" (the roles have no verifier and the task names nothing
	// the screen can show; the claim is taken on its word).
	By       string   `json:"by"`
	Evidence []string `json:"evidence,omitempty"`
	Reason   string   `json:"reason"`
}

// API is an API call the decision role may make with the adb action: an
// adb command line (placeholders such as <x> for the caller to fill) and
// what it does.
type API struct {
	Command     string `json:"command"`
	Description string `json:"description,omitempty"`
}
