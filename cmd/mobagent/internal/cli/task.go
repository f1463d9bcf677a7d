package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/agentmem"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/config"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/prompts"
	"github.com/mobagent/mobagent/safety"
)

// TaskOptions are the flags of `mobagent task`.
type TaskOptions struct {
	IO          *IOStreams
	Instruction string
	Mode        TaskMode // steps (default), script or steward
	StaffMode   TaskMode // with --mode steward: the staff's mode, steps (default) or script
	Device      string   // serial, "sim", or "" for the only device (or the virtual phone when none)
	Server      string
	Model       string // provider:model, "offline", or "" for MOBAGENT_MODEL else offline
	BaseURL     string
	MaxSteps    int
	Confirm     string
	Out         string
	Perception  perceptionFlags
	Vision      bool
	Dialect     string
	Prompts     string
	MaxTokens   int
	MaxCost     float64
	Timeout     time.Duration
	NoReport    bool
	Verbose     bool
	// Memory is the memory store's path; empty means the default store.
	// NoMemory runs without one.
	Memory   string
	NoMemory bool
	// SimAddr is where the virtual phone listens when the command serves
	// it; empty means the first free port from 127.0.0.1:15555.
	SimAddr string
	// Environ lists the environment for secrets (MOBAGENT_SECRET_*); nil
	// means the process environment.
	Environ []string

	// A model per role (config.go, models.go): --planner-model and the
	// others, the routing preset and its local model, the escalation.
	Roles roleModels
	// Policy is a safety policy file; RunsDir the directory of run
	// directories when --out is not given ("" means runs).
	Policy  string
	RunsDir string
	// ConfigPath is --config; Config the file read (nil: none).
	ConfigPath string
	Config     *config.Config
	// Origins says where each setting came from (flag, environment,
	// config file, default).
	Origins origins

	OpenDevice DeviceFunc
	OpenModel  ModelFunc
	OpenOCR    OCRFunc
}

func newCmdTask(fc *Factory, runF func(context.Context, *TaskOptions) error) *cobra.Command {
	opts := &TaskOptions{IO: fc.IO, OpenDevice: fc.Device, OpenModel: fc.Model, OpenOCR: fc.OCR}
	cmd := &cobra.Command{
		Use:   "task INSTRUCTION",
		Short: "Run the agents on a task",
		Long: `Run the agent team (planner, decision, reflector, notetaker) on one task, with live
progress, and save the run: run.json, steps.jsonl, screenshots and report.html.

With no device attached (or --device sim) it serves the virtual phone itself. With no
model configured (--model, or MOBAGENT_MODEL) it uses the offline policy, a baseline
that follows labels without a language model and handles simple tasks: open an app,
turn a setting on or off, send a message, search, find a price.

Memory (--memory PATH, default $XDG_DATA_HOME/mobagent/memory.db; --no-memory to run
without) shows the roles the tips and verified shortcuts learned on earlier runs; the
decision may run a shortcut in one step, checked screen by screen. After the run memory
learns from it: with a model, one reflection call (tips and a shortcut); without, a
shortcut built from a successful run. The offline policy also follows the routes
'mobagent explore' found.

Modes (--mode) say how the task is run; run.json and the report name it:
  steps    the default: the planner and the decision choose one action per step.
  script   the model writes the whole task once as a short script (after AutoDroid-V2),
           given the screens 'mobagent explore' stored for the apps; the script runs
           one action per step through the safety gate, with no model call but the
           verifier's when it checks the end. If a selector finds nothing or an expect
           line does not hold, the step mode finishes the task from where the script
           stopped (docs/script-mode.md).
  steward  for tasks across apps (after MobileSteward): a steward splits the task into
           one subtask per app, each app's staff agent runs its subtask with its own
           memory of that app, the steward checks each result and hands the values
           found (an address, a time) to the next app, retrying or planning again once
           when a subtask fails. --max-steps bounds each staff's run; --max-tokens,
           --max-cost and --timeout the whole task. The report shows the dispatch tree
           and links each staff's run, saved in DIR/staff/. --staff-mode script has
           each staff write its subtask as a script (docs/steward-mode.md).
Script and steward mode need a model; the offline policy runs the step mode only.

Model profiles are provider:model, such as openai:gpt-4o or ollama:qwen2.5vl:7b; keys
come from the environment (OPENAI_API_KEY, ...). Secrets the agent may type without
the model seeing them come from MOBAGENT_SECRET_NAME variables.

Exit status: 0 done, 1 failed or infeasible, 2 bad usage, 3 device or model
unavailable, 130 interrupted.`,
		Example: `  mobagent task "Turn on Bluetooth"
  mobagent task "Send a message to Mom saying on my way" --device sim --confirm approve
  mobagent task "What is the price of Fresh Bananas?" --model openai:gpt-4o --out runs/bananas
  mobagent explore --app Clock && mobagent task "Set an alarm for 6:45 AM" --mode script --model openai:gpt-4o
  mobagent task "Text Alex Morgan the address of my dentist appointment" --mode steward --model openai:gpt-4o`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Instruction = args[0]
			c, err := loadConfig(opts.IO, opts.ConfigPath)
			if err != nil {
				return err
			}
			opts.Config = c
			if opts.Origins, err = applyConfig(cmd.Flags(), c, taskConfigKeys, opts.IO.Getenv); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return taskRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.Var(&opts.Mode, "mode", modeUsage)
	f.Var(&opts.StaffMode, "staff-mode", staffModeUsage)
	f.StringVarP(&opts.Device, "device", "d", "", "device `SERIAL`, or sim for the virtual phone (default: the only device, else the virtual phone)")
	f.StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` (default: from the environment, else localhost:5037)")
	f.StringVarP(&opts.Model, "model", "m", "", "model `PROFILE` (provider:model) or offline (default: $MOBAGENT_MODEL, else offline)")
	f.StringVar(&opts.BaseURL, "base-url", "", "endpoint `URL` for the model's provider")
	f.IntVar(&opts.MaxSteps, "max-steps", 25, "stop after `N` steps")
	f.StringVar(&opts.Confirm, "confirm", "ask", "who answers confirmations: ask (you), deny or approve")
	f.StringVarP(&opts.Out, "out", "o", "", "run `DIR` (default: runs/TIME-TASK)")
	opts.Perception.register(f)
	f.BoolVar(&opts.Vision, "vision", false, "send set-of-mark screenshots to the model")
	f.StringVar(&opts.Dialect, "dialect", "", "the decision model's reply `DIALECT` (default: from the model name, else json; 'mobagent action dialects' lists them)")
	f.StringVar(&opts.Prompts, "prompts", "", "override role prompts with NAME.tmpl files from `DIR`")
	f.IntVar(&opts.MaxTokens, "max-tokens", 0, "stop after `N` model tokens (0: no limit)")
	f.Float64Var(&opts.MaxCost, "max-cost", 0, "stop after spending `USD` on the model (0: no limit)")
	f.DurationVar(&opts.Timeout, "timeout", 0, "stop after this wall-clock `DURATION` (0: no limit)")
	f.BoolVar(&opts.NoReport, "no-report", false, "do not write report.html")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "log more")
	f.StringVar(&opts.Memory, "memory", "", "memory store `PATH` (default $XDG_DATA_HOME/mobagent/memory.db)")
	f.BoolVar(&opts.NoMemory, "no-memory", false, "run without the memory store: no tips, no shortcuts, nothing learned")
	f.StringVar(&opts.Roles.Planner, "planner-model", "", "the planner's model `PROFILE` (default: --model)")
	f.StringVar(&opts.Roles.Decision, "decision-model", "", "the decision's model `PROFILE` (default: --model)")
	f.StringVar(&opts.Roles.Reflector, "reflector-model", "", "the reflector's model `PROFILE` (default: --model)")
	f.StringVar(&opts.Roles.Notetaker, "notetaker-model", "", "the notetaker's model `PROFILE` (default: --model)")
	f.StringVar(&opts.Roles.Verifier, "verifier-model", "", "the verifier's model `PROFILE`, which judges a claimed completion (default: the reflector's)")
	f.StringVar(&opts.Roles.Routing, "routing", "", "routing `PRESET`: minions (decision and notes on --local-model, the rest on --model, escalating after 2 local failures)")
	f.StringVar(&opts.Roles.Local, "local-model", "", "the local model `PROFILE` of --routing minions")
	f.StringVar(&opts.Roles.EscalateTo, "escalate-to", "", "send a failing role's step to this model `PROFILE` (default with --routing: --model)")
	f.IntVar(&opts.Roles.EscalateAfter, "escalate-after", 2, "escalate after `N` failures in a row")
	f.StringVar(&opts.Policy, "policy", "", "safety policy `FILE` (default: the built-in rules)")
	f.StringVar(&opts.RunsDir, "runs-dir", "", "put run directories in `DIR` when --out is not given (default: runs)")
	f.StringVar(&opts.SimAddr, "sim-addr", "", "where a virtual phone served for the run listens (`HOST:PORT`; default: the first free port from 127.0.0.1:15555)")
	_ = f.MarkHidden("sim-addr")
	configFlag(f, &opts.ConfigPath)
	return cmd
}

func taskRun(ctx context.Context, opts *TaskOptions) error {
	if opts.OpenDevice == nil {
		opts.OpenDevice = openDevice
	}
	if opts.OpenModel == nil {
		opts.OpenModel = openModel
	}
	if opts.OpenOCR == nil {
		opts.OpenOCR = openOCR
	}
	mode, err := safety.ParseMode(opts.Confirm)
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("--confirm: %w", err))
	}
	if _, err := opts.Perception.settings(); err != nil {
		return withCode(ExitUsage, err)
	}
	if strings.TrimSpace(opts.Instruction) == "" {
		return withCode(ExitUsage, errors.New("the task is empty: say what the agent should do, such as mobagent task \"Turn on Bluetooth\""))
	}
	switch {
	case opts.Timeout < 0:
		return withCode(ExitUsage, fmt.Errorf("--timeout %s: give a positive duration such as 5m, or 0 for no limit", opts.Timeout))
	case opts.MaxCost < 0 || math.IsNaN(opts.MaxCost) || math.IsInf(opts.MaxCost, 0):
		return withCode(ExitUsage, fmt.Errorf("--max-cost %g: give a positive amount of US dollars, or 0 for no limit", opts.MaxCost))
	case opts.MaxTokens < 0:
		return withCode(ExitUsage, fmt.Errorf("--max-tokens %d: give a positive number of tokens, or 0 for no limit", opts.MaxTokens))
	}
	if opts.MaxSteps <= 0 {
		return withCode(ExitUsage, fmt.Errorf("--max-steps %d: give a positive number of steps", opts.MaxSteps))
	}
	if opts.NoMemory && opts.Memory != "" {
		return withCode(ExitUsage, errors.New("--memory and --no-memory: choose one"))
	}
	var ps *prompts.Set
	if opts.Prompts != "" {
		if ps, err = prompts.Load(opts.Prompts); err != nil {
			return withCode(ExitUsage, fmt.Errorf("--prompts: %w", err))
		}
	}
	level := slog.LevelWarn
	if opts.Verbose {
		level = slog.LevelDebug
	}
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	red := &safety.Redactor{}
	secrets, err := safety.LoadSecretsEnv(environ, red)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	log := slog.New(red.Handler(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: level})))

	// The models: one for every role, or one per role (models.go).
	cfg := agents.Config{Logger: log, Secrets: secrets, Redactor: red}
	tc := agents.TeamConfig{Prompts: ps, Vision: opts.Vision}
	ch := opts.Roles
	ch.Default, ch.BaseURL = opts.Model, opts.BaseURL
	if ch.Default == "" {
		ch.Default = strings.TrimSpace(getenv(opts.IO, "MOBAGENT_MODEL"))
	}
	opener := &modelOpener{cfg: opts.Config, open: opts.OpenModel, getenv: opts.IO.Getenv, baseURL: opts.BaseURL, log: log}
	tm, err := ch.build(opener, opts.Vision, tc, opts.IO.ErrOut, red)
	if errors.Is(err, errNeedsModel) {
		return withCode(ExitUsage, err)
	}
	if err != nil {
		return withCode(ExitUnavailable, err)
	}
	if _, err := checkTaskMode(opts, tm.Offline); err != nil {
		return err
	}
	offlineRoles := tm.Offline
	if offlineRoles && ch.Default == "" {
		fmt.Fprintln(opts.IO.ErrOut, "no model configured (--model or MOBAGENT_MODEL): using the offline policy, a baseline that follows labels without a language model")
	}
	cfg.Model, cfg.ModelName, cfg.Vision, cfg.Team = tm.Model, tm.Name, tm.Vision, tc
	if tm.Model == nil && !tm.Offline {
		cfg.Roles = tm.Roles
		cfg.ModelName = tm.Name
	}
	if tm.Offline {
		cfg.ModelName = ""
	}
	switch {
	case opts.Dialect != "":
		d, err := (&actions.Dialects{}).Lookup(opts.Dialect)
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("--dialect: %w", err))
		}
		cfg.Team.Dialect = d
	case !tm.Dialect.Auto():
		// The config file's dialect for the decision model.
		cfg.Team.Dialect = tm.Dialect
	}

	// The memory store, before the phone: a bad --memory fails at once.
	store, err := taskMemory(opts)
	if err != nil {
		return err
	}
	if store != nil {
		defer store.Close()
	}

	// The phone.
	dev, stopSim, err := opts.OpenDevice(ctx, DeviceRequest{Server: opts.Server, Serial: opts.Device, Sim: true, SimAddr: opts.SimAddr, Notice: opts.IO.ErrOut, Log: log})
	if err != nil {
		if ctx.Err() != nil {
			return withCode(ExitInterrupted, ctx.Err())
		}
		return withCode(ExitUnavailable, err)
	}
	defer stopSim()
	cfg.Device = dev

	// Perception, as 'mobagent perceive' with the same flags (and the
	// device's locale for OCR when --lang is not given).
	if len(opts.Perception.Languages) == 0 {
		opts.Perception.Languages = deviceLanguages(ctx, dev)
	}
	perc, popts, closeOCR, err := opts.Perception.open(fallbackOCR(opts.OpenOCR, opts.IO.ErrOut), opts.IO.ErrOut, log)
	if err != nil {
		return err
	}
	defer closeOCR()
	cfg.Perceiver, cfg.Perception = perc, popts

	// Safety.
	term := &safety.Terminal{In: opts.IO.In, Out: opts.IO.ErrOut, Logger: log}
	cfg.Gate = &safety.Gate{Mode: mode, Confirmer: term, Asker: term, Redactor: red, Logger: log}
	if cfg.Gate.Policy, err = loadPolicyFlag(opts.Policy); err != nil {
		return err
	}
	if mode != safety.ModeAsk {
		cfg.Gate.Asker = safety.NoPerson{}
	}
	cfg.Limits = agents.Limits{MaxSteps: opts.MaxSteps, MaxTokens: opts.MaxTokens, MaxCost: opts.MaxCost, MaxDuration: opts.Timeout}

	// The run directory.
	out := opts.Out
	if out == "" {
		root := opts.RunsDir
		if root == "" {
			root = "runs"
		}
		out = filepath.Join(root, time.Now().Format("20060102-150405")+"-"+slug(opts.Instruction))
	}
	rec, err := trajectory.Create(out, trajectory.Config{Redactor: red})
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("--out: %w", err))
	}
	defer rec.Close()
	cfg.Observers = []agents.Observer{rec, &progress{w: opts.IO.ErrOut, red: red}}

	// Memory: tips and shortcuts in, what the run taught out.
	var paths offline.Paths
	if store != nil {
		mem, err := agentmem.New(agentmem.Config{Store: store, Model: tm.Learn, RunDir: out, Logger: log,
			OnLearn: func(l agentmem.Learned) { printLearned(opts.IO.ErrOut, red, l) }})
		if err != nil {
			return err
		}
		cfg.Memory, paths = mem, mem
	}
	if offlineRoles {
		cfg.Roles = offline.New(offline.Config{Paths: paths}).Roles()
	}

	res, runErr := runTaskMode(ctx, opts, cfg, tm.Learn, store, rec, out)
	if res == nil {
		return runErr
	}
	if !opts.NoReport {
		if path, err := trajectory.WriteReport(out); err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: no report: %v\n", err)
		} else {
			fmt.Fprintf(opts.IO.Out, "report: %s\n", path)
		}
	}
	if res.Answer != "" {
		fmt.Fprintf(opts.IO.Out, "answer: %s\n", res.Answer)
	}
	fmt.Fprintf(opts.IO.Out, "outcome: %s (%s)\n", res.Outcome, res.Reason)
	return taskExit(res, runErr, out)
}

// taskExit chooses the exit status of a finished run and adds the CLI's
// hints to the library's words.
func taskExit(res *agents.Result, err error, dir string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, agents.ErrInterrupted):
		return withCode(ExitInterrupted, errors.New("interrupted; the run so far is saved in "+dir))
	case errors.Is(err, agents.ErrDeviceLost):
		return withCode(ExitUnavailable, fmt.Errorf("the device went away: %w (check 'mobagent devices'; the run so far is saved in %s)", err, dir))
	case errors.Is(err, agents.ErrModelUnavailable):
		return withCode(ExitUnavailable, fmt.Errorf("the model is unavailable: %w (check the endpoint, the key and 'mobagent doctor')", err))
	case errors.Is(err, agents.ErrStepLimit):
		return withCode(ExitFailed, fmt.Errorf("%w (raise --max-steps)", err))
	case errors.Is(err, agents.ErrBudget):
		return withCode(ExitFailed, fmt.Errorf("%w (raise --max-tokens, --max-cost or --timeout)", err))
	case errors.Is(err, agents.ErrDenied):
		return withCode(ExitFailed, fmt.Errorf("%w (the safety gate held it: answer with --confirm ask, or see the gate's reason in %s/report.html)", err, dir))
	}
	return withCode(ExitFailed, fmt.Errorf("the task ended %s: %s", res.Outcome, res.Reason))
}

// taskMemory opens the memory store: the one --memory names (failing
// when it cannot), else the default one (going on without when it
// cannot, such as when another mobagent holds it), or none with
// --no-memory.
func taskMemory(opts *TaskOptions) (*memory.Store, error) {
	if opts.NoMemory {
		return nil, nil
	}
	if opts.Memory != "" {
		s, err := memory.Open(opts.Memory, memory.Options{})
		if err != nil {
			return nil, memoryErr(fmt.Errorf("--memory: %w", err))
		}
		return s, nil
	}
	s, err := openMemory(opts.IO, "")
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: running without memory: %v (pass --memory PATH, or --no-memory)\n", err)
		return nil, nil
	}
	return s, nil
}

// printLearned says what memory did in the run.
func printLearned(w io.Writer, red *safety.Redactor, l agentmem.Learned) {
	for _, r := range l.ShortcutsRun {
		if r.OK {
			fmt.Fprintf(w, "memory: shortcut %s ran %d steps, verified\n", r.Name, r.StepsRun)
		} else if r.Mismatch != nil {
			fmt.Fprintf(w, "memory: shortcut %s stopped: %s\n", r.Name, red.String(r.Mismatch.Error()))
		}
	}
	if l.Skipped != "" {
		fmt.Fprintf(w, "memory: nothing learned: %s\n", l.Skipped)
		return
	}
	var parts []string
	if n := len(l.Tips.Added) + len(l.Tips.Updated); n > 0 {
		parts = append(parts, fmt.Sprintf("%d tips", n))
	}
	if n := len(l.Tips.Merged); n > 0 {
		parts = append(parts, fmt.Sprintf("%d tips confirmed", n))
	}
	if l.Shortcut != nil {
		parts = append(parts, fmt.Sprintf("shortcut %s (%d steps, from the %s)", l.Shortcut.Name, len(l.Shortcut.Steps), l.ShortcutSource))
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing new")
	}
	how := "without a model"
	if l.Evolved {
		how = fmt.Sprintf("with %d model call", l.Calls)
	}
	fmt.Fprintf(w, "memory: learned %s, %s\n", strings.Join(parts, ", "), how)
}

func getenv(s *IOStreams, k string) string {
	if s.Getenv == nil {
		return os.Getenv(k)
	}
	return s.Getenv(k)
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 40 {
		s = strings.TrimRight(s[:40], "-")
	}
	if s == "" {
		s = "task"
	}
	return s
}

// progress prints one line per phase of interest.
type progress struct {
	w   io.Writer
	red *safety.Redactor
}

func (p *progress) OnEvent(e agents.Event) {
	switch e.Phase {
	case agents.PhasePlan:
		if e.Plan != nil && e.Err == nil {
			fmt.Fprintf(p.w, "  plan: %s\n", p.red.String(strings.Join(e.Plan.Plan.Subgoals, " → ")))
		}
	case agents.PhaseDecide:
		if e.Err != nil {
			fmt.Fprintf(p.w, "step %d  decision failed: %s\n", e.Step, p.red.String(e.Err.Error()))
			return
		}
		fmt.Fprintf(p.w, "step %d  %s\n", e.Step, e.ActionText)
	case agents.PhaseGate:
		if e.Gate != nil && e.Gate.Held() {
			fmt.Fprintf(p.w, "  safety: %s by %s (%s)\n", e.Gate.Verdict, e.Gate.AnsweredBy, p.red.String(e.Gate.Reason))
		}
	case agents.PhaseReflect:
		r := e.Reflection
		how := "judged by the model"
		switch {
		case r.Skipped:
			how = "certain: " + r.Reason
		case r.Reason != "":
			how = r.Reason
		}
		fmt.Fprintf(p.w, "  → %s %s (%s)\n", r.Verdict, r.Note, how)
	case agents.PhaseNote:
		for _, n := range e.Notes {
			fmt.Fprintf(p.w, "  noted: %s\n", n)
		}
	case agents.PhaseRunEnd:
		t := e.Result.Totals
		fmt.Fprintf(p.w, "%s after %d steps, %d model calls (%d reflections skipped), %d tokens, %s\n",
			e.Result.Outcome, t.Steps, t.ModelCalls, t.ReflectionSkips, t.Usage.Total(), t.Duration.D().Round(time.Millisecond))
	}
}
