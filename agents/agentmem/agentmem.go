package agentmem

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/evolve"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Config builds a Memory. Store is required; the zero value of every other
// field works.
type Config struct {
	Store *memory.Store
	// Model reflects on finished runs (one call each, evolve.Evolve);
	// nil means no model: shortcuts are built from successful
	// trajectories (memory.ShortcutFromTrajectory) and no tips are
	// written.
	Model llm.Model
	// Retrieve caps what Recall returns (tokens and items); zero means
	// memory's defaults (400 tokens, 8 items).
	Retrieve memory.RetrieveOptions
	// Evolve tunes the reflection.
	Evolve evolve.Options
	// RunDir is the run's trajectory directory, kept in the run index.
	RunDir string
	// OnLearn, when set, is told what each run taught (for the CLI).
	OnLearn func(Learned)
	Logger  *slog.Logger
}

// Learned is what one run taught memory.
type Learned struct {
	RunID string
	// Evolved is set when evolve.Evolve ran (one model call, Calls).
	Evolved bool
	Calls   int
	Usage   llm.Usage
	Cost    float64
	Tips    memory.TipChanges
	// Shortcut is the shortcut stored, and ShortcutSource "model" or
	// "trajectory"; nil when none was.
	Shortcut       *memory.Shortcut
	ShortcutSource string
	// Rejected says what was proposed but failed validation.
	Rejected []string
	// ShortcutsRun are the shortcuts the run replayed, with their results.
	ShortcutsRun []memory.ShortcutResult
	// Skipped says why nothing was learned, when nothing was.
	Skipped string
}

// Memory is agents.Memory over a memory.Store. Build it with New.
type Memory struct {
	cfg Config
	log *slog.Logger

	mu    sync.Mutex
	steps []*step
	cur   *perception.Screen // the last screen observed
	shown map[string]bool    // tip ids shown in this run
	ran   []memory.ShortcutResult
	last  Learned
}

// step is one step of the run as memory keeps it.
type step struct {
	index  int
	action actions.Action
	screen *perception.Screen
	after  *perception.Screen
	note   string // the reflection's verdict and note
	ok     bool   // it ran without error and was judged a success (or is terminal)
	done   bool   // PhaseStep was seen
}

var (
	_ agents.Memory         = (*Memory)(nil)
	_ agents.Recaller       = (*Memory)(nil)
	_ agents.Observer       = (*Memory)(nil)
	_ agents.ShortcutRunner = (*Memory)(nil)
)

// ErrNoStore: Config.Store is nil.
var ErrNoStore = errors.New("agentmem: Config.Store is nil; open one with memory.Open")

// New returns a Memory over cfg.Store.
func New(cfg Config) (*Memory, error) {
	if cfg.Store == nil {
		return nil, ErrNoStore
	}
	m := &Memory{cfg: cfg, log: cfg.Logger, shown: map[string]bool{}}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	return m, nil
}

// ShortcutResolver is the agents.ShortcutRunner ability: the agent's
// executor runs run_shortcut actions through a Runner on its device.
func (m *Memory) ShortcutResolver(dev agents.Device, p *perception.Perceiver, opts perception.PerceiveOptions) actions.ShortcutResolver {
	return m.Runner(dev, p, opts)
}

// Runner returns the resolver that replays the store's shortcuts on dev,
// verified, through an executor of its own (the agent's executor calls
// it). p nil means the view hierarchy only. The results are reported in
// Learned.ShortcutsRun.
func (m *Memory) Runner(dev device.Device, p *perception.Perceiver, opts perception.PerceiveOptions) *memory.Runner {
	if p == nil {
		p = &perception.Perceiver{Logger: m.log, NoVision: true}
	}
	ex := actions.NewExecutor(dev, actions.ExecutorConfig{Logger: m.log})
	return &memory.Runner{
		Store:    m.cfg.Store,
		Device:   dev,
		Perceive: memory.PerceiverFunc(p, dev, opts),
		Exec:     memory.ExecutorFunc(ex),
		OnResult: func(r memory.ShortcutResult) {
			m.mu.Lock()
			m.ran = append(m.ran, r)
			m.mu.Unlock()
		},
	}
}

// Last returns what the last run taught.
func (m *Memory) Last() Learned {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

// PathTo finds the explored route from app's entry screen to the screen
// showing label (memory.Store.PathTo), for agents/offline.
func (m *Memory) PathTo(app, label string) ([]memory.PathStep, bool, error) {
	return m.cfg.Store.PathTo(app, label)
}

// Tips returns the tips of Recall.
func (m *Memory) Tips(ctx context.Context, q agents.MemoryQuery) ([]string, error) {
	r, err := m.Recall(ctx, q)
	return r.Tips, err
}

// home reports whether pkg is the home screen (or unknown), where a task
// may concern any app.
func home(pkg string) bool {
	return pkg == "" || strings.Contains(pkg, "launcher")
}

// Recall retrieves the tips and shortcuts for the task (and subgoal) in
// the app in front, best first, within the token cap. On the home screen
// every app's items count; in an app, its own and the global ones, and
// also other apps' shortcuts that open their app first (they run from
// anywhere). Shortcuts that failed more often than they worked, after two
// runs, are left out.
func (m *Memory) Recall(ctx context.Context, q agents.MemoryQuery) (agents.Recall, error) {
	var out agents.Recall
	if err := ctx.Err(); err != nil {
		return out, err
	}
	query := strings.TrimSpace(q.Task + " " + q.Subgoal)
	app := q.App
	if home(app) {
		app = ""
	}
	opts := m.cfg.Retrieve
	hits, err := m.cfg.Store.Retrieve(query, app, opts)
	if err != nil {
		return out, err
	}
	if app != "" {
		// Other apps' shortcuts that open their app, within what is left.
		all, err := m.cfg.Store.Retrieve(query, "", opts)
		if err != nil {
			return out, err
		}
		maxTokens, maxItems := opts.MaxTokens, opts.MaxItems
		if maxTokens <= 0 {
			maxTokens = 400
		}
		if maxItems <= 0 {
			maxItems = 8
		}
		used, have := 0, map[string]bool{}
		for _, h := range hits {
			used += h.Tokens
			if h.Shortcut != nil {
				have[h.Shortcut.Name] = true
			}
		}
		for _, h := range all {
			if len(hits) >= maxItems {
				break
			}
			sc := h.Shortcut
			if sc == nil || have[sc.Name] || len(sc.Steps) == 0 || sc.Steps[0].Action != actions.KindOpenApp || used+h.Tokens > maxTokens {
				continue
			}
			used += h.Tokens
			have[sc.Name] = true
			hits = append(hits, h)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, h := range hits {
		// Memory was written by a model that read screens, so it is
		// screen content at one remove: one line each, and anything that
		// reads as an injected instruction is left out of the prompt.
		text := strings.Join(strings.Fields(h.Text), " ")
		if f := safety.DetectInjection(text); len(f) > 0 {
			m.log.Warn("memory item left out of the prompt: it reads as an injected instruction", "reason", f[0].Reason)
			continue
		}
		switch {
		case h.Tip != nil:
			out.Tips = append(out.Tips, text)
			m.shown[h.Tip.ID] = true
		case h.Shortcut != nil:
			if sc := h.Shortcut; sc.Runs >= 2 && sc.Successes*2 < sc.Runs {
				continue
			}
			out.Shortcuts = append(out.Shortcuts, text)
		}
	}
	return out, nil
}

// OnEvent keeps each step's screen, action and verdict.
func (m *Memory) OnEvent(e agents.Event) {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch e.Phase {
	case agents.PhaseRunStart:
		m.steps, m.cur, m.ran = nil, nil, nil
		m.shown = map[string]bool{}
	case agents.PhaseObserve:
		if e.Obs == nil || e.Obs.Screen == nil {
			return
		}
		m.cur = e.Obs.Screen
		if st := m.step(e.Step); st != nil {
			st.after = e.Obs.Screen // the last observation of the step: after a recovery, the recovered screen
		}
	case agents.PhaseDecide:
		if e.Decision != nil && e.Decision.Action != nil && e.Err == nil {
			m.steps = append(m.steps, &step{index: e.Step, action: e.Decision.Action, screen: m.cur})
		}
	case agents.PhaseReflect:
		if st := m.step(e.Step); st != nil && e.Reflection != nil {
			st.note = strings.TrimSpace(string(e.Reflection.Verdict) + ": " + e.Reflection.Note)
		}
	case agents.PhaseStep:
		if st := m.step(e.Step); st != nil && e.Record != nil {
			st.done = true
			r := e.Record
			st.ok = r.Error == "" && (r.Reflection == nil || r.Reflection.Verdict == agents.VerdictSuccess)
		}
	}
}

func (m *Memory) step(n int) *step {
	if n <= 0 || len(m.steps) == 0 {
		return nil
	}
	if st := m.steps[len(m.steps)-1]; st.index == n {
		return st
	}
	return nil
}

// summary is the run as memory learns from it: the steps that did what
// they meant (wrong pages the agent backed out of, failed and unchanged
// steps, and questions to the person left out), whether the run replayed
// shortcuts, and how many steps were the agent's own.
func (m *Memory) summary(runID string, res *agents.Result) (sum memory.RunSummary, usedShortcuts bool, own int) {
	sum = memory.RunSummary{RunID: runID, Task: res.Task, Outcome: string(res.Outcome)}
	seen := map[string]bool{}
	addApp := func(s *perception.Screen) {
		if s != nil && !home(s.Package) && !seen[s.Package] {
			seen[s.Package] = true
			sum.Apps = append(sum.Apps, s.Package)
		}
	}
	for _, st := range m.steps {
		if _, ok := st.action.(actions.RunShortcut); ok {
			usedShortcuts = true
		}
		if !st.done || !st.ok {
			continue
		}
		switch st.action.(type) {
		case actions.AskUser:
			continue
		case actions.Done, actions.Refuse, actions.RunShortcut:
		default:
			own++
		}
		sum.Steps = append(sum.Steps, memory.TrajectoryStep{Action: st.action, Screen: st.screen, After: st.after,
			Summary: memory.ScreenTitle(st.screen), Reflection: st.note})
		addApp(st.screen)
		addApp(st.after)
	}
	return sum, usedShortcuts, own
}

// Learn evolves memory from the finished run and adds it to the run index.
// See the package documentation for what is learned when.
func (m *Memory) Learn(ctx context.Context, res *agents.Result) error {
	m.mu.Lock()
	runID := fmt.Sprintf("%s-%s", res.Start.UTC().Format("20060102T150405.000Z"), orWord(memory.Slug(res.Task), "task"))
	sum, usedShortcuts, own := m.summary(runID, res)
	var shown []string
	for id := range m.shown {
		shown = append(shown, id)
	}
	ran := m.ran
	m.mu.Unlock()

	l := Learned{RunID: runID, ShortcutsRun: ran}
	var errs []error
	switch {
	case res.Outcome == agents.OutcomeInterrupted || res.Outcome == agents.OutcomeError:
		l.Skipped = "the run ended " + string(res.Outcome)
	case own == 0 && usedShortcuts:
		l.Skipped = "the run only replayed shortcuts; they are counted, nothing new to learn"
	case own == 0:
		l.Skipped = "the agent took no steps of its own"
	case m.cfg.Model != nil:
		opts := m.cfg.Evolve
		// A shortcut replayed in the run changed the phone in steps the
		// trajectory does not show; a shortcut built from the rest would
		// start halfway.
		opts.NoFallbackShortcut = opts.NoFallbackShortcut || usedShortcuts
		if opts.Logger == nil {
			opts.Logger = m.log
		}
		er, err := evolve.Evolve(ctx, m.cfg.Store, m.cfg.Model, sum, opts)
		l.Evolved, l.Calls, l.Usage, l.Cost = true, er.Calls, er.Usage, er.Cost
		l.Tips, l.Shortcut, l.ShortcutSource, l.Rejected = er.Tips, er.Shortcut, er.ShortcutSource, er.Rejected
		if err != nil {
			m.log.Warn("memory could not reflect on the run; learning from the trajectory alone", "err", err)
			l.Rejected = append(l.Rejected, err.Error())
			if !usedShortcuts {
				errs = append(errs, m.fromTrajectory(sum, &l))
			}
		}
	case usedShortcuts:
		l.Skipped = "the run replayed shortcuts between its own steps; no model to reflect on it"
	default:
		errs = append(errs, m.fromTrajectory(sum, &l))
	}

	if len(shown) > 0 {
		errs = append(errs, m.cfg.Store.MarkTips(shown, false))
		if res.Outcome.OK() {
			errs = append(errs, m.cfg.Store.MarkTips(shown, true))
		}
	}
	run := memory.Run{ID: runID, Task: res.Task, Outcome: string(res.Outcome), Steps: res.Totals.Steps,
		ModelCalls: res.Totals.ModelCalls + l.Calls, PromptTokens: res.Totals.Usage.PromptTokens + l.Usage.PromptTokens,
		OutputTokens: res.Totals.Usage.CompletionTokens + l.Usage.CompletionTokens, Cost: res.Totals.Cost + l.Cost,
		Started: res.Start, Duration: res.Totals.Duration, Dir: m.cfg.RunDir}
	if len(sum.Apps) > 0 {
		run.App = sum.Apps[0]
	}
	for _, r := range ran {
		run.Shortcuts = append(run.Shortcuts, r.Name)
	}
	if l.Shortcut != nil {
		run.Shortcuts = append(run.Shortcuts, l.Shortcut.Name)
	}
	errs = append(errs, m.cfg.Store.RecordRun(run))

	m.mu.Lock()
	m.last = l
	m.mu.Unlock()
	if m.cfg.OnLearn != nil {
		m.cfg.OnLearn(l)
	}
	return errors.Join(errs...)
}

// fromTrajectory stores the shortcut of a successful run, built without a
// model, keeping the counts of the one it replaces.
func (m *Memory) fromTrajectory(sum memory.RunSummary, l *Learned) error {
	if !strings.EqualFold(sum.Outcome, memory.OutcomeSuccess) {
		l.Skipped = "no model to reflect on a run that did not succeed"
		return nil
	}
	sc, err := memory.ShortcutFromTrajectory(sum, "")
	if err != nil {
		l.Rejected = append(l.Rejected, "trajectory shortcut: "+err.Error())
		return nil
	}
	if old, err := m.cfg.Store.Shortcut(sc.Name); err == nil {
		sc.Created, sc.Runs, sc.Successes = old.Created, old.Runs, old.Successes
	}
	if err := m.cfg.Store.PutShortcut(sc); err != nil {
		return err
	}
	stored, err := m.cfg.Store.Shortcut(sc.Name)
	if err != nil {
		return err
	}
	l.Shortcut, l.ShortcutSource = &stored, "trajectory"
	return nil
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
