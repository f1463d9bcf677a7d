package cli

import (
	"context"
	"fmt"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/script"
	"github.com/mobagent/mobagent/agents/steward"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/memory"
)

// TaskMode is `mobagent task --mode`: how the task is run
// (docs/script-mode.md, docs/steward-mode.md).
type TaskMode string

// String returns the mode's name; empty is steps.
func (m *TaskMode) String() string {
	if *m == "" {
		return string(agents.ModeSteps)
	}
	return string(*m)
}

// Set checks a mode's name, so a bad one is a usage error before the phone
// or the model is touched.
func (m *TaskMode) Set(s string) error {
	mode, err := agents.ParseMode(s)
	if err != nil {
		return fmt.Errorf("%q is not a mode: use steps (one action per model call, the default), script (the model writes the task once as a script) or steward (a staff agent per app)", s)
	}
	*m = TaskMode(mode)
	return nil
}

// Type names the flag's value in --help.
func (m *TaskMode) Type() string { return "mode" }

const modeUsage = "how to run the task: steps (the agents choose each action), script (the model writes the whole task once as a script, run step by step through the safety gate; the step mode takes over if it stops) or steward (a steward splits the task into one subtask per app for that app's staff agent)"

const staffModeUsage = "with --mode steward, how each staff runs its subtask: steps (the default) or script (one script per subtask)"

// checkTaskMode is the mode's usage check, made before the phone or the
// run directory is touched: script and steward mode need a language model
// (the offline policy writes no scripts and splits no tasks), and
// --staff-mode is for the steward's staff, in steps or script mode.
func checkTaskMode(opts *TaskOptions, offline bool) (agents.Mode, error) {
	mode, err := agents.ParseMode(string(opts.Mode))
	if err != nil {
		return "", withCode(ExitUsage, fmt.Errorf("--mode: %w", err))
	}
	if mode != agents.ModeSteps && offline {
		return "", withCode(ExitUsage, fmt.Errorf("--mode %s needs a model (--model PROFILE or MOBAGENT_MODEL, such as openai:gpt-4o); the offline policy runs only --mode steps", mode))
	}
	if opts.StaffMode != "" {
		if mode != agents.ModeSteward {
			return "", withCode(ExitUsage, fmt.Errorf("--staff-mode is for the steward's staff: add --mode steward, or leave --staff-mode out"))
		}
		if sm := agents.Mode(opts.StaffMode); sm != agents.ModeSteps && sm != agents.ModeScript {
			return "", withCode(ExitUsage, fmt.Errorf("--staff-mode %s: the staff run in steps or script mode", sm))
		}
	}
	return mode, nil
}

// runTaskMode runs the configured task in opts.Mode and returns how it
// ended. The step mode is the agent loop as configured; script mode gives
// the loop the roles of agents/script, with the app knowledge 'mobagent
// explore' stored; steward mode runs agents/steward, each staff with its
// own memory of its app and its run in out/staff/. lead is the model that
// writes the script or splits the task (and that the staff's memories
// learn with): --model, or the planner's with a model per role. A nil
// Result means the run could not start.
func runTaskMode(ctx context.Context, opts *TaskOptions, cfg agents.Config, lead llm.Model, store *memory.Store, rec *trajectory.Recorder, out string) (*agents.Result, error) {
	mode, err := checkTaskMode(opts, lead == nil && cfg.Model == nil)
	if err != nil {
		return nil, err
	}
	if lead == nil {
		lead = cfg.Model
	}
	confirm := "deny"
	if cfg.Gate != nil {
		confirm = string(cfg.Gate.Mode)
	}
	fmt.Fprintf(opts.IO.ErrOut, "task: %s\ndevice %s, model %s, mode %s, confirm %s, run directory %s\n", cfg.Redactor.String(opts.Instruction), cfg.Device.Serial(), cfg.ModelName, mode, confirm, out)
	switch mode {
	case agents.ModeScript:
		var k script.Knowledge
		if store != nil {
			k = script.StoreKnowledge{Store: store}
		}
		if err := script.Configure(&cfg, script.Config{Model: lead, Knowledge: k}); err != nil {
			return nil, err
		}
	case agents.ModeSteward:
		// The staff get their own memories and run directories; the
		// steward records its own run in out.
		var others []agents.Observer
		for _, o := range cfg.Observers {
			if o != agents.Observer(rec) {
				others = append(others, o)
			}
		}
		base := cfg
		base.Observers, base.Memory = nil, nil
		sw, err := steward.New(steward.Config{Agent: base, Model: lead, Store: store, MemoryModel: lead, Dir: out, StaffMode: agents.Mode(opts.StaffMode), Recorder: rec, Observers: others})
		if err != nil {
			return nil, err
		}
		res, err := sw.Run(ctx, opts.Instruction)
		return res.Result, err
	}
	a, err := agents.New(cfg)
	if err != nil {
		return nil, err
	}
	return a.Run(ctx, opts.Instruction)
}
