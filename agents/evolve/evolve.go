package evolve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/reply"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/prompts"
)

// Options tune Evolve. The zero value works.
type Options struct {
	// Prompts holds the reflection prompt (prompts.Evolve, over
	// prompts.EvolveData); nil means prompts.Default().
	Prompts *prompts.Set
	// MaxTokens bounds the reply; zero means 1200.
	MaxTokens int
	// ElementsPerScreen bounds the elements listed per step; zero means 30.
	ElementsPerScreen int
	// NoFallbackShortcut turns off memory.ShortcutFromTrajectory when a
	// successful run's reply proposes no valid shortcut.
	NoFallbackShortcut bool
	// DryRun returns what was learned without writing it to the store.
	DryRun bool
	// Logger; nil discards.
	Logger *slog.Logger
}

// Result says what one reflection learned.
type Result struct {
	Tips memory.TipChanges `json:"tips"`
	// Proposed are the tips the model proposed, before merging.
	Proposed []memory.NewTip `json:"proposed,omitempty"`
	// Shortcut is the shortcut stored (nil when none).
	Shortcut *memory.Shortcut `json:"shortcut,omitempty"`
	// ShortcutSource is "model" or "trajectory".
	ShortcutSource string `json:"shortcut_source,omitempty"`
	// Rejected lists what the reply proposed that failed validation, and
	// why.
	Rejected []string `json:"rejected,omitempty"`
	// The model call.
	Calls int       `json:"calls"`
	Usage llm.Usage `json:"usage"`
	Cost  float64   `json:"cost"`
}

// Evolve reflects on a finished run with one model call and stores what
// it learned in s: new and corrected tips (merged with near-duplicates,
// capped per app; see memory.Store.AddTips) and, for a successful run, a
// shortcut whose steps are validated against the recorded screens
// (memory.CheckShortcut). When the reply has no valid shortcut for a
// successful run, memory.ShortcutFromTrajectory builds one instead.
func Evolve(ctx context.Context, s *memory.Store, model llm.Model, sum memory.RunSummary, opts Options) (Result, error) {
	var res Result
	if model == nil || s == nil {
		return res, errors.New("evolve: Evolve needs a store and a model")
	}
	opts = opts.withDefaults()
	if sum.Tips == nil {
		tips, err := knownTips(s, sum)
		if err != nil {
			return res, err
		}
		sum.Tips = tips
	}
	prompt, err := Prompt(sum, opts)
	if err != nil {
		return res, err
	}
	resp, err := model.Generate(ctx, []llm.Message{llm.UserText(prompt)}, llm.WithJSON(), llm.WithMaxTokens(opts.MaxTokens), llm.WithTemperature(0))
	res.Calls = 1
	if err != nil {
		return res, fmt.Errorf("evolve: reflect on run %q: %w", sum.RunID, err)
	}
	res.Usage, res.Cost = resp.Usage, resp.Cost
	reply, perr := Parse(resp.Text)
	if perr != nil {
		res.Rejected = append(res.Rejected, perr.Error())
	}
	// A tip without an app belongs to the run's app when there is one.
	for i := range reply.Tips {
		if reply.Tips[i].App == "" && len(sum.Apps) == 1 {
			reply.Tips[i].App = sum.Apps[0]
		}
	}
	res.Proposed = reply.Tips
	sc := chooseShortcut(reply, sum, opts, &res)
	if opts.DryRun {
		res.Shortcut = sc
		return res, nil
	}
	if len(reply.Tips) > 0 {
		if res.Tips, err = s.AddTips(reply.Tips, sum.RunID); err != nil {
			return res, err
		}
	}
	if sc != nil {
		if old, err := s.Shortcut(sc.Name); err == nil {
			sc.Created, sc.Runs, sc.Successes = old.Created, old.Runs, old.Successes
		}
		if err := s.PutShortcut(*sc); err != nil {
			res.Rejected = append(res.Rejected, err.Error())
		} else {
			stored, _ := s.Shortcut(sc.Name)
			res.Shortcut = &stored
		}
	}
	opts.Logger.Info("memory evolved", "run", sum.RunID, "added", len(res.Tips.Added), "merged", len(res.Tips.Merged),
		"evicted", len(res.Tips.Evicted), "shortcut", res.ShortcutSource, "rejected", len(res.Rejected))
	return res, nil
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 1200
	}
	if o.ElementsPerScreen <= 0 {
		o.ElementsPerScreen = 30
	}
	return o
}

// knownTips are the tips the store holds for the run's apps (global tips
// only for a run without an app), which the model sees so it does not
// propose them again.
func knownTips(s *memory.Store, sum memory.RunSummary) ([]memory.Tip, error) {
	var out []memory.Tip
	for _, app := range appsOf(sum) {
		ts, err := s.Tips(app)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			if app == "" || t.App != memory.GlobalApp {
				out = append(out, t)
			}
		}
	}
	return out, nil
}

// chooseShortcut takes the model's shortcut when it checks out against the
// run, else one built from the trajectory (unless NoFallbackShortcut); only
// a successful run gives one. What is refused goes to res.Rejected.
func chooseShortcut(reply Proposal, sum memory.RunSummary, opts Options, res *Result) *memory.Shortcut {
	var sc *memory.Shortcut
	if sum.Succeeded() && reply.Shortcut != nil {
		cand := *reply.Shortcut
		cand.Source = sum.RunID
		if cand.Description == "" {
			cand.Description = sum.Task
		}
		if cand.App == "" && len(sum.Apps) > 0 {
			cand.App = sum.Apps[0]
		}
		if err := memory.CheckShortcut(cand, sum); err != nil {
			res.Rejected = append(res.Rejected, err.Error())
		} else {
			sc, res.ShortcutSource = &cand, "model"
		}
	} else if reply.Shortcut != nil {
		res.Rejected = append(res.Rejected, "a shortcut from a run that did not succeed")
	}
	if sc == nil && sum.Succeeded() && !opts.NoFallbackShortcut {
		name := ""
		if reply.Shortcut != nil {
			name = reply.Shortcut.Name
		}
		if t, err := memory.ShortcutFromTrajectory(sum, name); err == nil {
			sc, res.ShortcutSource = &t, "trajectory"
		} else {
			res.Rejected = append(res.Rejected, "trajectory shortcut: "+err.Error())
		}
	}
	return sc
}

// Prompt renders the reflection prompt for a run.
func Prompt(sum memory.RunSummary, opts Options) (string, error) {
	ps := opts.Prompts
	if ps == nil {
		ps = prompts.Default()
	}
	n := opts.ElementsPerScreen
	if n <= 0 {
		n = 30
	}
	in := prompts.EvolveData{Task: sum.Task, Outcome: sum.Outcome, Succeeded: sum.Succeeded(), Apps: sum.Apps}
	for _, t := range sum.Tips {
		in.Tips = append(in.Tips, prompts.EvolveTip{ID: t.ID, App: t.App, Text: t.Text})
	}
	for i, st := range sum.Steps {
		rs := prompts.EvolveStep{N: i + 1, Summary: st.Summary, Reflection: st.Reflection}
		if st.Action != nil {
			if b, err := actions.MarshalJSON(st.Action); err == nil {
				rs.Action = string(b)
			}
		}
		if st.Screen != nil {
			rs.App = st.Screen.Package
			rs.Elements = screenSelectors(st.Screen, n)
		}
		in.Steps = append(in.Steps, rs)
	}
	return ps.Render(prompts.Evolve, in)
}

// screenSelectors lists the labelled elements of s as the selectors a
// shortcut may use, with the element id the action JSON refers to.
func screenSelectors(s *perception.Screen, n int) []string {
	var out []string
	for _, e := range s.Elements {
		if e.Label() == "" {
			continue
		}
		sel := memory.SelectorFor(e, s)
		out = append(out, fmt.Sprintf("[%d] %s", e.ID, sel.String()))
		if len(out) == n {
			break
		}
	}
	return out
}

// Proposal is the parsed reply of the reflection call.
type Proposal struct {
	Tips     []memory.NewTip
	Shortcut *memory.Shortcut
}

// Parse reads the reflection reply tolerantly: the first JSON
// object in the text (inside code fences or prose, with trailing commas
// forgiven), tips as objects or plain strings, a target as a selector
// object or a plain text. What cannot be read is reported in the error
// while the rest is returned.
func Parse(text string) (Proposal, error) {
	var out Proposal
	obj, err := proposalObject(text)
	if err != nil {
		return out, err
	}
	var raw struct {
		Tips     []json.RawMessage `json:"tips"`
		Shortcut json.RawMessage   `json:"shortcut"`
	}
	if err := json.Unmarshal(obj, &raw); err != nil {
		return out, fmt.Errorf("the reply's JSON has no usable tips or shortcut: %v", err)
	}
	var problems []string
	for i, t := range raw.Tips {
		var s string
		if json.Unmarshal(t, &s) == nil {
			out.Tips = append(out.Tips, memory.NewTip{Text: s})
			continue
		}
		var o map[string]any
		if err := json.Unmarshal(t, &o); err != nil {
			problems = append(problems, fmt.Sprintf("tip %d is neither text nor an object", i+1))
			continue
		}
		nt := memory.NewTip{Text: str(o, "text", "tip", "content"), App: str(o, "app", "package"), Replaces: str(o, "replaces", "id", "update")}
		if nt.Text == "" {
			problems = append(problems, fmt.Sprintf("tip %d has no text", i+1))
			continue
		}
		out.Tips = append(out.Tips, nt)
	}
	if len(raw.Shortcut) > 0 && string(raw.Shortcut) != "null" {
		sc, err := parseShortcut(raw.Shortcut)
		if err != nil {
			problems = append(problems, "shortcut: "+err.Error())
		} else {
			out.Shortcut = &sc
		}
	}
	if len(problems) > 0 {
		return out, fmt.Errorf("reflection reply: %s", strings.Join(problems, "; "))
	}
	return out, nil
}

func str(o map[string]any, keys ...string) string {
	for _, k := range keys {
		if v, ok := o[k].(string); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// parseShortcut decodes a proposed shortcut, accepting a target given as a
// plain string (its text).
func parseShortcut(b []byte) (memory.Shortcut, error) {
	var loose struct {
		Name        string            `json:"name"`
		Description string            `json:"description"`
		App         string            `json:"app"`
		Params      []json.RawMessage `json:"params"`
		Steps       []map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &loose); err != nil {
		return memory.Shortcut{}, err
	}
	sc := memory.Shortcut{Name: memory.Slug(loose.Name), Description: loose.Description, App: loose.App}
	if sc.Name == "" {
		sc.Name = memory.Slug(loose.Description)
	}
	for _, p := range loose.Params {
		var name string
		if json.Unmarshal(p, &name) == nil {
			sc.Params = append(sc.Params, memory.Param{Name: name})
			continue
		}
		var pr memory.Param
		if err := json.Unmarshal(p, &pr); err != nil {
			return sc, fmt.Errorf("a parameter is neither a name nor {name, description}")
		}
		sc.Params = append(sc.Params, pr)
	}
	for i, m := range loose.Steps {
		if t, ok := m["target"]; ok {
			var s string
			if json.Unmarshal(t, &s) == nil {
				nb, _ := json.Marshal(memory.Selector{Text: s})
				m["target"] = nb
			}
		}
		if _, ok := m["action"]; !ok {
			for _, k := range []string{"type", "kind", "op"} {
				if v, ok := m[k]; ok {
					m["action"] = v
					delete(m, k)
					break
				}
			}
		}
		b, _ := json.Marshal(m)
		var st memory.ShortcutStep
		if err := json.Unmarshal(b, &st); err != nil {
			return sc, fmt.Errorf("step %d: %v", i+1, err)
		}
		st.Action = actions.Kind(strings.ToLower(strings.ReplaceAll(string(st.Action), " ", "_")))
		if st.Action == "click" {
			st.Action = actions.KindTap
		}
		sc.Steps = append(sc.Steps, st)
	}
	return sc, nil
}

// proposalObject is the object of the reply that holds tips or a
// shortcut, read as models write JSON (llm/reply), re-encoded.
func proposalObject(text string) ([]byte, error) {
	objs := reply.Objects(text)
	for _, o := range objs {
		if _, ok := o["tips"]; ok {
			return json.Marshal(o)
		}
		if _, ok := o["shortcut"]; ok {
			return json.Marshal(o)
		}
	}
	if len(objs) > 0 {
		return json.Marshal(objs[0])
	}
	return nil, fmt.Errorf("the reply holds no JSON object: %q", actions.Excerpt(text, 120))
}

// appsOf lists "" (global tips) and the run's apps, once each.
func appsOf(sum memory.RunSummary) []string {
	out := []string{""}
	for _, a := range sum.Apps {
		dup := false
		for _, o := range out {
			dup = dup || o == a
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out
}
