package agents

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/prompts"
	"github.com/mobagent/mobagent/safety"
)

// TeamConfig tunes the model-backed roles. The zero value works.
type TeamConfig struct {
	// Prompts are the role templates; nil means prompts.Default().
	Prompts *prompts.Set
	// Vision attaches screenshots: the set-of-mark image to the decision
	// prompt, before and after screenshots to the reflector's.
	Vision bool
	// JSONMode asks the endpoint for JSON objects (response_format). Only
	// for models that support it.
	JSONMode bool
	// Options are added to every call (temperature, max tokens, timeout).
	Options []llm.Option
	// Redactor scrubs every prompt before it is sent and every recorded
	// call; nil means none beyond what the agent already scrubbed.
	Redactor *safety.Redactor
	// Now is the clock for latencies; nil means time.Now.
	Now func() time.Time
}

// Team is a set of the four roles, and the name the trajectory gives them
// ("model", "offline", or a custom name).
type Team struct {
	Name      string
	Planner   Planner
	Decider   Decider
	Reflector Reflector
	Notetaker Notetaker
}

func (t Team) complete() bool {
	return t.Planner != nil && t.Decider != nil && t.Reflector != nil && t.Notetaker != nil
}

// fill returns t with its missing roles taken from o.
func (t Team) fill(o Team) Team {
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
	return t
}

// NewModelTeam returns the four roles backed by m and the prompt templates.
// The planner is asked at the start and after failures, the reflector only
// when ObviousReflection cannot tell the outcome (and it takes notes in the
// same call when the screen has candidate content), and the notetaker only
// when the screen has candidate content and the reflector was skipped. The
// roles are safe for concurrent use if m is.
func NewModelTeam(m llm.Model, cfg TeamConfig) Team {
	if cfg.Prompts == nil {
		cfg.Prompts = prompts.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	mr := &modelRoles{m: m, cfg: cfg}
	return Team{Name: "model", Planner: mr, Decider: mr, Reflector: mr, Notetaker: mr}
}

type modelRoles struct {
	m   llm.Model
	cfg TeamConfig
}

var (
	_ Planner   = (*modelRoles)(nil)
	_ Decider   = (*modelRoles)(nil)
	_ Reflector = (*modelRoles)(nil)
	_ Notetaker = (*modelRoles)(nil)
)

// generate renders the system prompt for role, sends user text and images,
// and returns the reply with its Call record.
func (mr *modelRoles) generate(ctx context.Context, role, user string, images ...image.Image) (string, Call, error) {
	sys, err := mr.cfg.Prompts.Render(prompts.System, prompts.SystemData{Role: role})
	if err != nil {
		return "", Call{Role: role}, err
	}
	user = mr.cfg.Redactor.String(user)
	parts := []llm.Part{llm.Text(user)}
	for _, img := range images {
		if img != nil {
			parts = append(parts, llm.Image(img))
		}
	}
	opts := append([]llm.Option(nil), mr.cfg.Options...)
	if mr.cfg.JSONMode {
		opts = append(opts, llm.WithJSON())
	}
	call := Call{Role: role, Prompt: "[system]\n" + sys + "\n[user]\n" + user, Images: len(parts) - 1}
	start := mr.cfg.Now()
	resp, err := mr.m.Generate(ctx, []llm.Message{llm.System(sys), llm.User(parts...)}, opts...)
	if err != nil {
		call.Latency = format.Ms(mr.cfg.Now().Sub(start))
		call.Err = mr.cfg.Redactor.String(err.Error())
		return "", call, fmt.Errorf("the %s model call failed: %w", role, err)
	}
	call.Model, call.Response, call.Usage, call.Cost, call.Latency = resp.Model, mr.cfg.Redactor.String(resp.Text), resp.Usage, resp.Cost, format.Ms(resp.Latency)
	if call.Latency == 0 {
		call.Latency = format.Ms(mr.cfg.Now().Sub(start))
	}
	return resp.Text, call, nil
}

// wrapScreen wraps the element list as untrusted data, with a warning when
// it holds text that tries to instruct the agent.
func wrapScreen(o Observation) string {
	src := "phone screen"
	if o.Screen != nil && o.Screen.Package != "" {
		src += " of " + o.Screen.Package
	}
	return safety.WrapUntrusted(src, o.Text, safety.DetectInjection(o.Text)...)
}

func promptHistory(h []StepSummary) []prompts.Step {
	out := make([]prompts.Step, len(h))
	for i, s := range h {
		o := string(s.Verdict)
		if s.Note != "" {
			if o != "" {
				o += ": "
			}
			o += s.Note
		}
		out[i] = prompts.Step{N: s.Step, Action: s.Action, Outcome: o}
	}
	return out
}

// Plan asks the model for a plan.
func (mr *modelRoles) Plan(ctx context.Context, in PlanInput) (PlanOutput, error) {
	d := prompts.PlannerData{Task: in.Task, Screen: wrapScreen(in.Obs), Notes: in.Notes, History: promptHistory(in.History), Failure: in.Failure,
		Tips: in.Tips, Shortcuts: in.Shortcuts, Instructions: in.Instructions}
	if in.Plan != nil {
		d.Subgoals, d.Current, d.Progress = in.Plan.Subgoals, in.Plan.Current, in.Plan.Progress
	}
	user, err := mr.cfg.Prompts.Render(prompts.Planner, d)
	if err != nil {
		return PlanOutput{}, err
	}
	text, call, err := mr.generate(ctx, "planner", user)
	out := PlanOutput{Calls: []Call{call}}
	if err != nil {
		return out, err
	}
	var w struct {
		Thought  string   `json:"thought"`
		Subgoals []string `json:"subgoals"`
		Plan     []string `json:"plan"`
		Current  int      `json:"current"`
		Progress string   `json:"progress"`
		Finished bool     `json:"finished"`
		Answer   string   `json:"answer"`
	}
	if err := decodeObject(text, &w); err != nil {
		return out, fmt.Errorf("the planner's reply is not the JSON asked for (%v): %.200q", err, text)
	}
	if len(w.Subgoals) == 0 {
		w.Subgoals = w.Plan
	}
	if len(w.Subgoals) == 0 {
		w.Subgoals = []string{in.Task}
	}
	w.Current = min(max(w.Current, 0), len(w.Subgoals)-1)
	out.Plan = Plan{Subgoals: w.Subgoals, Current: w.Current, Progress: w.Progress}
	out.Thought, out.Finished, out.Answer = w.Thought, w.Finished, w.Answer
	return out, nil
}

// Decide asks the model for the next action.
func (mr *modelRoles) Decide(ctx context.Context, in DecideInput) (DecideOutput, error) {
	d := prompts.DecisionData{Task: in.Task, Screen: wrapScreen(in.Obs), HasImage: mr.cfg.Vision && in.Obs.Marks != nil,
		Notes: in.Notes, History: promptHistory(in.History), Tips: in.Tips, Shortcuts: in.Shortcuts, LastError: in.LastError, Secrets: in.Secrets,
		Instructions: in.Instructions}
	if in.Plan != nil {
		d.Subgoals, d.Current, d.Subgoal, d.Progress = in.Plan.Subgoals, in.Plan.Current, in.Plan.Subgoal(), in.Plan.Progress
	}
	user, err := mr.cfg.Prompts.Render(prompts.Decision, d)
	if err != nil {
		return DecideOutput{}, err
	}
	var imgs []image.Image
	po := actions.ParseOptions{}
	if d.HasImage {
		imgs = append(imgs, in.Obs.Marks)
		po.ImageSize = in.Obs.Marks.Bounds().Size()
	}
	text, call, err := mr.generate(ctx, "decision", user, imgs...)
	out := DecideOutput{Calls: []Call{call}}
	if err != nil {
		return out, err
	}
	pd, err := actions.ParseWith(text, po)
	if err != nil {
		return out, err
	}
	out.Action, out.Thought = pd.Action, pd.Thought
	var extra struct {
		Expect      string `json:"expect"`
		SubgoalDone bool   `json:"subgoal_done"`
	}
	if decodeObject(text, &extra) == nil {
		out.Expect, out.SubgoalDone = extra.Expect, extra.SubgoalDone
	}
	return out, nil
}

// Reflect judges the action, asking the model only when the outcome is not
// obvious.
func (mr *modelRoles) Reflect(ctx context.Context, in ReflectInput) (Reflection, error) {
	if r, ok := ObviousReflection(in); ok {
		return r, nil
	}
	d := prompts.ReflectorData{Task: in.Task, Subgoal: in.Subgoal, Action: actions.Describe(in.Decision.Action, in.Before.Screen), Expect: in.Decision.Expect,
		Before: wrapScreen(in.Before), After: wrapScreen(in.After), Change: describeChange(in), Candidates: len(in.Candidates) > 0,
		HasImages: mr.cfg.Vision}
	if in.ExecErr != nil {
		d.ExecError = in.ExecErr.Error()
	}
	user, err := mr.cfg.Prompts.Render(prompts.Reflector, d)
	if err != nil {
		return Reflection{}, err
	}
	var imgs []image.Image
	if mr.cfg.Vision {
		imgs = []image.Image{in.Before.Screen.Image, in.After.Screen.Image}
	}
	text, call, err := mr.generate(ctx, "reflector", user, imgs...)
	out := Reflection{Calls: []Call{call}}
	if err != nil {
		return out, err
	}
	var w struct {
		Outcome string   `json:"outcome"`
		Verdict string   `json:"verdict"`
		Note    string   `json:"note"`
		Notes   []string `json:"notes"`
	}
	jerr := decodeObject(text, &w)
	v := firstNonEmpty(w.Outcome, w.Verdict)
	if jerr != nil {
		v = text
	}
	out.Verdict = parseVerdict(v)
	if out.Verdict == "" {
		return out, fmt.Errorf("the reflector's reply names no outcome A, B or C: %.200q", text)
	}
	out.Note = w.Note
	if len(in.Candidates) > 0 && jerr == nil {
		out.Notes, out.NotesTaken = w.Notes, true
	}
	return out, nil
}

// Note asks the model for the facts worth keeping.
func (mr *modelRoles) Note(ctx context.Context, in NoteInput) (NoteOutput, error) {
	user, err := mr.cfg.Prompts.Render(prompts.Notetaker, prompts.NotetakerData{Task: in.Task, Screen: wrapScreen(in.Obs), Notes: in.Notes, Candidates: in.Candidates})
	if err != nil {
		return NoteOutput{}, err
	}
	text, call, err := mr.generate(ctx, "notetaker", user)
	out := NoteOutput{Calls: []Call{call}}
	if err != nil {
		return out, err
	}
	var w struct {
		Notes []string `json:"notes"`
	}
	if err := decodeObject(text, &w); err != nil {
		return out, fmt.Errorf("the notetaker's reply is not the JSON asked for (%v): %.200q", err, text)
	}
	out.Notes = w.Notes
	return out, nil
}

func describeChange(in ReflectInput) string {
	s := fmt.Sprintf("%.0f%% of the screen changed", in.Diff.Ratio*100)
	b, a := in.Before.Screen, in.After.Screen
	if b != nil && a != nil {
		if b.Package != a.Package {
			s += fmt.Sprintf("; the app changed from %s to %s", b.Package, a.Package)
		} else if b.Activity != a.Activity {
			s += "; a new page opened"
		}
		if !b.KeyboardShown && a.KeyboardShown {
			s += "; the keyboard appeared"
		}
	}
	return s
}

func parseVerdict(s string) Verdict {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	letter := map[byte]Verdict{'A': VerdictSuccess, 'B': VerdictWrongPage, 'C': VerdictNoChange}
	switch low := strings.ToLower(s); {
	case low == string(VerdictSuccess), low == string(VerdictWrongPage), low == string(VerdictNoChange):
		return Verdict(low)
	}
	if v, ok := letter[s[0]&^0x20]; ok && (len(s) == 1 || !isLetter(s[1])) {
		return v
	}
	// Free text: look for a lone capital letter such as "Outcome: B".
	for i := 0; i < len(s); i++ {
		if v, ok := letter[s[i]]; ok && (i == 0 || !isLetter(s[i-1])) && (i+1 == len(s) || !isLetter(s[i+1])) {
			return v
		}
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// errNoObject is returned when a reply holds no JSON object.
var errNoObject = errors.New("no JSON object in the reply")

// decodeObject decodes the first JSON object in text (bare, fenced or in
// prose) into v.
func decodeObject(text string, v any) error {
	i := strings.IndexByte(text, '{')
	if i < 0 {
		return errNoObject
	}
	dec := json.NewDecoder(strings.NewReader(text[i:]))
	return dec.Decode(v)
}
