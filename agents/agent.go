package agents

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Agent runs tasks on one device. Build it with New. Its configuration is
// resolved once, in New, and never changes; each Run keeps its own state,
// so an Agent may run one task after another (one at a time: it owns the
// device while Run runs).
type Agent struct {
	cfg       Config // resolved
	roles     Team
	exec      *actions.Executor
	log       *slog.Logger
	red       *safety.Redactor
	gate      *safety.Gate // the configured gate; each run uses gate.ForRun
	mem       Memory
	observers []Observer
	now       func() time.Time

	mu    sync.Mutex
	inbox []string // instructions from the person for the run in progress
}

// New checks cfg and returns an Agent. It does not change cfg or anything
// cfg points to.
func New(cfg Config) (*Agent, error) {
	if cfg.Device == nil {
		return nil, fmt.Errorf("%w: Config.Device is nil; pass the phone, such as the *adb.Device from adb.Client.Device", ErrConfig)
	}
	if cfg.Model == nil && !cfg.Roles.complete() {
		return nil, fmt.Errorf("%w: no Config.Model and not all four roles are set; give a model (llm/openai) or roles such as agents/offline's", ErrConfig)
	}
	if err := cfg.Limits.Validate(); err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, log: cfg.Logger, now: cfg.Now, roles: cfg.Roles}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.red = cfg.Redactor
	if a.red == nil && cfg.Secrets != nil {
		a.red = cfg.Secrets.Redactor()
	}
	if a.red == nil {
		a.red = &safety.Redactor{}
	}
	a.gate = cfg.Gate
	if a.gate == nil {
		a.gate = &safety.Gate{Mode: safety.ModeDeny}
	}
	a.mem = cfg.Memory
	if a.mem == nil {
		a.mem = NoMemory{}
	}
	a.observers = append([]Observer(nil), cfg.Observers...)
	if o, ok := a.mem.(Observer); ok && !listed(cfg.Observers, o) {
		// First, so it has seen a step before the recorder and the SDK
		// user's observers hear of it.
		a.observers = append([]Observer{o}, a.observers...)
	}
	if cfg.Model != nil {
		if a.cfg.ModelName == "" {
			if p, ok := cfg.Model.(interface{ Profile() llm.Profile }); ok {
				a.cfg.ModelName = p.Profile().String()
			}
		}
		tc := cfg.Team
		tc.Vision = tc.Vision || cfg.Vision
		if tc.Redactor == nil {
			tc.Redactor = a.red
		}
		if tc.Now == nil {
			tc.Now = a.now
		}
		if tc.Dialect.Auto() {
			// The model's own dialect when the table knows the family.
			tc.Dialect, _ = (&actions.Dialects{}).ForModel(a.cfg.ModelName)
		}
		a.roles = a.roles.fill(NewModelTeam(cfg.Model, tc))
		if a.roles.Name == "" {
			a.roles.Name = "model"
		}
	}
	if a.roles.Name == "" {
		a.roles.Name = "custom"
	}
	if a.cfg.ModelName == "" && cfg.Model == nil {
		a.cfg.ModelName = a.roles.Name
	}
	if a.cfg.Perceiver == nil {
		a.cfg.Perceiver = &perception.Perceiver{Logger: a.log, NoVision: true, Now: a.now}
	}
	a.cfg.Limits = cfg.Limits.withDefaults()
	ec := cfg.Executor
	if ec.Logger == nil {
		ec.Logger = a.log
	}
	if ec.Now == nil {
		ec.Now = a.now
	}
	if sr, ok := a.mem.(ShortcutRunner); ok && ec.Shortcuts == nil {
		ec.Shortcuts = sr.ShortcutResolver(cfg.Device, a.cfg.Perceiver, cfg.Perception)
	}
	a.exec = actions.NewExecutor(cfg.Device, ec)
	return a, nil
}

func listed(obs []Observer, o Observer) bool {
	for _, x := range obs {
		if x == o {
			return true
		}
	}
	return false
}

// Settings reports the knobs the agent runs with.
func (a *Agent) Settings() Settings {
	ocr := a.cfg.Perception.OCR
	if a.cfg.Perceiver.OCR == nil {
		ocr = perception.OCRNever
	}
	mode := a.gate.Mode
	if mode == "" {
		mode = safety.ModeAsk
	}
	st := Settings{Limits: a.cfg.Limits, Vision: a.cfg.Vision, OCR: ocr, Icons: !a.cfg.Perceiver.NoVision, ConfirmMode: mode, Roles: a.roles.Name}
	if mr, ok := a.roles.Decider.(*modelRoles); ok {
		st.Dialect = mr.cfg.Dialect.Name
	}
	return st
}

// Run performs task and returns how it ended. The Result is never nil. The
// error is nil only for a verified success; otherwise it is a *StopError
// that matches the outcome's sentinel (ErrStuck, ErrDenied, ErrBudget,
// ErrDeviceLost, ...) with errors.Is. When ctx is cancelled the run stops
// with OutcomeInterrupted, after reporting the step in progress and
// flushing every Flusher observer.
func (a *Agent) Run(ctx context.Context, task string) (*Result, error) {
	task = strings.TrimSpace(task)
	r := &run{a: a, task: task, seen: map[string]bool{}, start: a.now()}
	r.res = &Result{Task: a.red.String(task), Start: r.start}
	r.gate = a.gate.ForRun(a.red, nil)
	if r.gate.Now == nil {
		r.gate.Now = a.now
	}
	if task == "" {
		return r.finish(&StopError{Outcome: OutcomeError, Reason: "the task is empty; say what the agent should do", Err: fmt.Errorf("%w: the task is empty", ErrConfig)})
	}
	if d := a.cfg.Limits.MaxDuration; d > 0 {
		// Every blocking call of the run (model calls included) ends when
		// the time budget does.
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadlineCause(ctx, r.start.Add(d), errTimeBudget)
		defer cancel()
	}
	return r.loop(ctx)
}

// Instruct adds an instruction from the person to the run in progress (or,
// between runs, to the next one). The planner is asked again at the next
// step with it, and the planner and the decision see it, as the person's
// own words, for the rest of the run; the step record keeps it. It is safe
// to call from any goroutine.
func (a *Agent) Instruct(text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("%w: the instruction is empty", ErrConfig)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.inbox = append(a.inbox, text)
	return nil
}

// instructions takes the instructions given since the last call.
func (a *Agent) instructions() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	in := a.inbox
	a.inbox = nil
	return in
}

func (a *Agent) emit(e Event) {
	if e.Time.IsZero() {
		e.Time = a.now()
	}
	for _, o := range a.observers {
		func() {
			defer func() {
				if p := recover(); p != nil {
					a.log.Error("an observer panicked", "phase", e.Phase, "panic", fmt.Sprint(p))
				}
			}()
			o.OnEvent(e)
		}()
	}
}
