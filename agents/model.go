package agents

import (
	"context"
	"errors"
	"fmt"
	"image"
	"regexp"
	"strconv"
	"strings"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/reply"
	"github.com/mobagent/mobagent/perception"
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
	// Dialect is how the decision model writes its actions and in which
	// coordinates (actions.Dialects); the zero value means the model's
	// dialect from the built-in table (Config.ModelName), else "json", our
	// own. The decision prompt asks for the dialect's reply format and the
	// parser reads it without guessing.
	Dialect actions.Dialect
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
	// Verifier is optional (see Verifier).
	Verifier Verifier
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
	if t.Verifier == nil {
		t.Verifier = o.Verifier
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
	if cfg.Dialect.Auto() {
		cfg.Dialect, _ = (&actions.Dialects{}).Lookup("json")
	}
	mr := &modelRoles{m: m, cfg: cfg}
	return Team{Name: "model", Planner: mr, Decider: mr, Reflector: mr, Notetaker: mr, Verifier: mr}
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
	_ Verifier  = (*modelRoles)(nil)
)

// generate renders the system prompt for role, sends user text and images,
// and returns the reply with its Call record.
func (mr *modelRoles) generate(ctx context.Context, role, user string, images ...image.Image) (string, Call, error) {
	title := role
	if role == "decision" {
		title = "decision maker"
	}
	sys, err := mr.cfg.Prompts.Render(prompts.System, prompts.SystemData{Role: title})
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

var elementIDRE = regexp.MustCompile(`(?m)^(<\w+ )id=(\d+)`)

// indexFromZero numbers the element list from 0 ("index=4" for id 5), for
// dialects that index elements as M3A does.
func indexFromZero(screen string) string {
	return elementIDRE.ReplaceAllStringFunc(screen, func(m string) string {
		sub := elementIDRE.FindStringSubmatch(m)
		n, _ := strconv.Atoi(sub[2])
		return sub[1] + "index=" + strconv.Itoa(n-1)
	})
}

// ask makes a role's call and parses the reply with parse. A reply that
// does not parse gets one repair turn, which shows the model its reply and
// the error, instead of failing the step.
func (mr *modelRoles) ask(ctx context.Context, role, user string, imgs []image.Image, parse func(text string) error) ([]Call, error) {
	text, call, err := mr.generate(ctx, role, user, imgs...)
	calls := []Call{call}
	if err != nil {
		return calls, err
	}
	perr := parse(text)
	if perr == nil || ctx.Err() != nil {
		return calls, perr
	}
	repair := user + "\n\nYour reply was:\n" + actions.Excerpt(text, 600) + "\nIt could not be used: " + perr.Error() +
		"\nReply again with only the JSON object asked for."
	text, call, err = mr.generate(ctx, role, repair, imgs...)
	calls = append(calls, call)
	if err != nil {
		return calls, err
	}
	if err := parse(text); err != nil {
		return calls, fmt.Errorf("%w (also after a repair turn): %.200q", err, text)
	}
	return calls, nil
}

// wrapScreen wraps the element list as untrusted data, with a warning when
// it holds text that tries to instruct the agent.
func wrapScreen(o Observation) string {
	// The screen's first line names the app.
	return safety.WrapUntrusted("phone screen", o.Text, safety.DetectInjection(o.Text)...)
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
	d := prompts.PlannerData{Task: in.Task, Screen: wrapScreen(in.Obs), Notes: in.Notes, History: promptHistory(in.History), Failure: in.Failure, Review: in.Review,
		Tips: in.Tips, Shortcuts: in.Shortcuts, Instructions: in.Instructions, Warning: in.Warning, HasImage: mr.cfg.Vision && in.Obs.Marks != nil}
	if in.Plan != nil {
		d.Subgoals, d.Current, d.Progress = in.Plan.Subgoals, in.Plan.Current, in.Plan.Progress
	}
	user, err := mr.cfg.Prompts.Render(prompts.Planner, d)
	if err != nil {
		return PlanOutput{}, err
	}
	var pimgs []image.Image
	if d.HasImage {
		pimgs = append(pimgs, in.Obs.Marks)
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
	calls, err := mr.ask(ctx, "planner", user, pimgs, func(text string) error {
		w.Subgoals, w.Plan = nil, nil
		if err := decodeObject(text, &w); err != nil {
			return fmt.Errorf("the planner's reply is not the JSON asked for (%v)", err)
		}
		return nil
	})
	out := PlanOutput{Calls: calls}
	if err != nil {
		return out, err
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
		Instructions: in.Instructions, Warning: in.Warning}
	for _, api := range in.APIs {
		d.APIs = append(d.APIs, prompts.API{Command: api.Command, Description: api.Description})
	}
	if in.Plan != nil {
		d.Subgoals, d.Current, d.Subgoal, d.Progress = in.Plan.Subgoals, in.Plan.Current, in.Plan.Subgoal(), in.Plan.Progress
	}
	if s := in.Obs.Screen; s != nil {
		d.Keyboard = s.KeyboardShown
		if f, ok := actions.FocusedField(s); ok && f.Focused {
			d.Focused = f.ID
		}
	}
	var imgs []image.Image
	po := actions.ParseOptions{Dialect: mr.cfg.Dialect}
	fd := prompts.FormatData{Elements: true}
	if d.HasImage {
		imgs = append(imgs, in.Obs.Marks)
		po.ImageSize = in.Obs.Marks.Bounds().Size()
		fd.Width, fd.Height = po.ImageSize.X, po.ImageSize.Y
		if c := mr.cfg.Dialect.Coords; c.Kind == actions.CoordsSmartResize {
			if rs, err := c.Resize.Size(fd.Width, fd.Height); err == nil {
				fd.Width, fd.Height = rs.X, rs.Y
			}
		}
	}
	if name := mr.cfg.Dialect.Name; name != "json" {
		f, err := prompts.Format(name, fd)
		if err != nil {
			return DecideOutput{}, err
		}
		d.Format = f
		if mr.cfg.Dialect.ElementBase == 0 {
			d.Screen = indexFromZero(d.Screen)
		}
	}
	user, err := mr.cfg.Prompts.Render(prompts.Decision, d)
	if err != nil {
		return DecideOutput{}, err
	}
	var out DecideOutput
	calls, err := mr.ask(ctx, "decision", user, imgs, func(text string) error {
		pd, err := actions.ParseWith(text, po)
		if err != nil {
			return err
		}
		out.Action, out.Thought = pd.Action, pd.Thought
		var extra struct {
			Expect      string `json:"expect"`
			SubgoalDone bool   `json:"subgoal_done"`
			Progress    string `json:"progress"`
		}
		if decodeObject(text, &extra) == nil {
			out.Expect, out.SubgoalDone, out.Progress = extra.Expect, extra.SubgoalDone, extra.Progress
		}
		return nil
	})
	out.Calls = calls
	return out, err
}

// Reflect judges the action, asking the model only when the outcome is not
// obvious.
func (mr *modelRoles) Reflect(ctx context.Context, in ReflectInput) (Reflection, error) {
	if r, ok := ObviousReflection(in); ok {
		return r, nil
	}
	d := prompts.ReflectorData{Task: in.Task, Subgoal: in.Subgoal, Action: actions.Describe(in.Decision.Action, in.Before.Screen), Expect: in.Decision.Expect,
		Before: elementChanges(in.Before, in.After, mr.cfg.Redactor), After: wrapScreen(in.After), Change: describeChange(in), Candidates: len(in.Candidates) > 0,
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
		imgs = []image.Image{reflectImage(in.Before.Screen.Image), reflectImage(in.After.Screen.Image)}
	}
	var out Reflection
	calls, err := mr.ask(ctx, "reflector", user, imgs, func(text string) error {
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
			return errors.New(`the reply names no outcome: give "outcome" as A, B or C`)
		}
		out.Note = w.Note
		if len(in.Candidates) > 0 && jerr == nil {
			out.Notes, out.NotesTaken = w.Notes, true
		}
		return nil
	})
	out.Calls = calls
	return out, err
}

// Note asks the model for the facts worth keeping.
func (mr *modelRoles) Note(ctx context.Context, in NoteInput) (NoteOutput, error) {
	user, err := mr.cfg.Prompts.Render(prompts.Notetaker, prompts.NotetakerData{Task: in.Task, Screen: mr.noteExcerpt(in.Obs, in.Candidates), Notes: in.Notes, Candidates: in.Candidates})
	if err != nil {
		return NoteOutput{}, err
	}
	var out NoteOutput
	calls, err := mr.ask(ctx, "notetaker", user, nil, func(text string) error {
		var w struct {
			Notes []string `json:"notes"`
		}
		if err := decodeObject(text, &w); err != nil {
			return fmt.Errorf("the notetaker's reply is not the JSON asked for (%v)", err)
		}
		out.Notes = w.Notes
		return nil
	})
	out.Calls = calls
	return out, err
}

// noteExcerpt is the part of the screen the notetaker reads, wrapped as
// untrusted: the elements whose labels are candidates and one element on
// either side of each (a price's name is often the line above it). With no
// candidate found it is the whole screen.
func (mr *modelRoles) noteExcerpt(o Observation, cands []string) string {
	s := o.Screen
	if s == nil || len(cands) == 0 {
		return wrapScreen(o)
	}
	want := map[string]bool{}
	for _, c := range cands {
		want[c] = true
	}
	keep := make([]bool, len(s.Elements))
	any := false
	for i, e := range s.Elements {
		if l := e.Label(); l != "" && want[mr.cfg.Redactor.String(l)] {
			any = true
			for j := max(0, i-1); j <= min(len(keep)-1, i+1); j++ {
				keep[j] = true
			}
		}
	}
	if !any {
		return wrapScreen(o)
	}
	sub := *s
	sub.Elements = nil
	for i, e := range s.Elements {
		if keep[i] {
			sub.Elements = append(sub.Elements, e)
		}
	}
	text := mr.cfg.Redactor.String(perception.RenderText(&sub, perception.TextOptions{MaxTokens: perception.DefaultTextTokens}))
	return wrapScreen(Observation{Screen: &sub, Text: text})
}

// Verify asks the model whether the final screen shows the task done.
func (mr *modelRoles) Verify(ctx context.Context, in VerifyInput) (VerifyOutput, error) {
	d := prompts.VerifierData{Task: in.Task, Instructions: in.Instructions, Answer: in.Answer, Evidence: in.Evidence, Notes: in.Notes,
		History: promptHistory(in.History), Screen: wrapScreen(in.Obs), HasImage: mr.cfg.Vision && in.Obs.Marks != nil}
	user, err := mr.cfg.Prompts.Render(prompts.Verifier, d)
	if err != nil {
		return VerifyOutput{}, err
	}
	var imgs []image.Image
	if d.HasImage {
		imgs = append(imgs, in.Obs.Marks)
	}
	var out VerifyOutput
	calls, err := mr.ask(ctx, "verifier", user, imgs, func(text string) error {
		var w struct {
			Done     *bool  `json:"done"`
			Complete *bool  `json:"complete"`
			Reason   string `json:"reason"`
		}
		if err := decodeObject(text, &w); err != nil {
			return fmt.Errorf("the verifier's reply is not the JSON asked for (%v)", err)
		}
		switch {
		case w.Done != nil:
			out.Done = *w.Done
		case w.Complete != nil:
			out.Done = *w.Complete
		default:
			return errors.New(`the reply says neither "done": true nor "done": false`)
		}
		out.Reason = w.Reason
		return nil
	})
	out.Calls = calls
	return out, err
}

// elementChanges says which labels the action took off the screen and
// which it brought, as untrusted data: what the reflector needs of the
// screen before, in a fraction of its tokens.
func elementChanges(before, after Observation, red *safety.Redactor) string {
	if before.Screen == nil || after.Screen == nil {
		return wrapScreen(before)
	}
	count := func(s *perception.Screen) map[string]int {
		m := map[string]int{}
		for _, e := range s.Elements {
			if l := e.Label(); l != "" {
				m[l]++
			}
		}
		return m
	}
	b, a := count(before.Screen), count(after.Screen)
	var gone []string
	for _, e := range before.Screen.Elements {
		if l := e.Label(); l != "" && b[l] > a[l] && !containsFold(gone, l) {
			gone = append(gone, strconv.Quote(actions.Excerpt(l, 40)))
		}
	}
	text := "before: app " + before.Screen.Package
	if t := pageTitle(before.Screen); t != "" {
		text += ", page " + strconv.Quote(t)
	}
	switch {
	case len(gone) == 0:
		text += "; every label it showed is still shown"
	case len(gone) > 8:
		text += fmt.Sprintf("; %d labels it showed are gone, such as %s", len(gone), strings.Join(gone[:6], ", "))
	default:
		text += "; labels no longer shown: " + strings.Join(gone, ", ")
	}
	if red != nil {
		text = red.String(text)
	}
	return safety.WrapUntrusted("change of the phone screen", text)
}

// reflectImage is a screenshot at the size the decision's set-of-mark image
// is sent at.
func reflectImage(img image.Image) image.Image {
	if img == nil {
		return nil
	}
	b := img.Bounds()
	long := max(b.Dx(), b.Dy())
	if long <= perception.DefaultMarkSide {
		return img
	}
	w, h := b.Dx()*perception.DefaultMarkSide/long, b.Dy()*perception.DefaultMarkSide/long
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
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

// decodeObject fills v from the JSON object of a reply, read as models
// write it (llm/reply: fences, prose around it, trailing commas, Python
// literals, single quotes, several objects).
func decodeObject(text string, v any) error { return reply.Decode(text, v) }
