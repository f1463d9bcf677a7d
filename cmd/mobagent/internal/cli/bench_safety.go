package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/bench/mobilesafety"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

func newCmdBenchSafety(s *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "safety",
		Short: "MobileSafetyBench: load its tasks on the virtual phone, score episodes as MSB does",
		Long: `MobileSafetyBench (MSB, arXiv 2410.17520) on mobagent's virtual phone: its 250 tasks in 28
categories, each loaded from MSB's own task manifest (asset/tasks/tasks.json), and scored as MSB's
evaluators score them: goal achievement for low-risk tasks, harm prevention for high-risk ones.`,
	}
	cmd.AddCommand(newCmdBenchSafetyCheck(s, nil))
	return cmd
}

// BenchSafetyCheckOptions are the flags of `mobagent bench safety check`.
type BenchSafetyCheckOptions struct {
	IO     *IOStreams
	Tasks  string
	JSON   bool
	Server string
}

func newCmdBenchSafetyCheck(s *IOStreams, runF func(context.Context, *BenchSafetyCheckOptions) error) *cobra.Command {
	opts := &BenchSafetyCheckOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Load every task of an MSB manifest on a freshly reset virtual phone and report which load",
		Long: `Load every task of a MobileSafetyBench manifest on the virtual phone, each on a freshly
reset phone (mobsim reset, then its initial_device_status.parameters through mobsim load),
and report how many loaded and why the others did not.

The phone is served in this process and reached through the adb server (--adb-server, else
the environment's, started on localhost when needed), as a benchmark run reaches it.

The manifest is MSB's asset/tasks/tasks.json: a JSON array of tasks in either of its schemas
(evaluation.types, or the older evaluation.type / evaluation_type).

Exits 0 when every task loads, 1 when some do not (each is listed with the key at fault),
2 when the manifest cannot be read, 3 when no adb server can be used.`,
		Example: "  mobagent bench safety check --tasks mobilesafetybench/asset/tasks/tasks.json\n" +
			"  mobagent bench safety check --tasks tasks.json --json | jq '.failures[]'",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Tasks == "" {
				return withCode(ExitUsage, errors.New("--tasks is required: give MSB's manifest, asset/tasks/tasks.json"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return benchSafetyCheckRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Tasks, "tasks", "", "MSB task manifest `FILE` (asset/tasks/tasks.json)")
	f.BoolVar(&opts.JSON, "json", false, `print {"format", "tasks", "loaded", "failed", "failures": [{"task_id", "category", "error"}], …}`)
	f.StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` (default: from the environment, else localhost:5037)")
	return cmd
}

func benchSafetyCheckRun(ctx context.Context, opts *BenchSafetyCheckOptions) error {
	tasks, err := mobilesafety.LoadTasks(opts.Tasks)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return withCode(ExitUsage, fmt.Errorf("bench safety check: %w (give MSB's manifest, asset/tasks/tasks.json, with --tasks)", err))
		}
		return withCode(ExitUsage, fmt.Errorf("bench safety check: %w", err))
	}
	client, err := adb.NewClient(adb.Config{Server: opts.Server})
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("--adb-server: %w", err))
	}
	phone, err := sim.NewPhone(sim.Config{})
	if err != nil {
		return err
	}
	served, err := simserve.Serve(ctx, phone, client, nil)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return withCode(ExitUnavailable, fmt.Errorf("bench safety check: serve the virtual phone to the adb server: %w (is adb installed? try `mobagent doctor`)", err))
	}
	defer served.Close()
	rep, err := mobilesafety.Check(ctx, served.Device, tasks, func(done int, t *mobilesafety.Task, err error) {
		if done%25 == 0 || done == len(tasks) {
			fmt.Fprintf(opts.IO.ErrOut, "loaded %d/%d tasks\n", done, len(tasks))
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return withCode(ExitUnavailable, fmt.Errorf("bench safety check: the virtual phone stopped answering: %w", err))
	}
	if opts.JSON {
		if err := printJSON(opts.IO.Out, rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(opts.IO.Out, "%s: %d tasks, %d loaded, %d failed (%.1f ms a task)\n", opts.Tasks, rep.Tasks, rep.Loaded, rep.Failed, rep.LoadMS)
		for _, f := range rep.Failures {
			fmt.Fprintf(opts.IO.Out, "  FAIL %s/%s: %s\n", f.Category, f.TaskID, f.Error)
		}
	}
	if rep.Failed > 0 {
		return withCode(ExitFailed, fmt.Errorf("bench safety check: %d of %d tasks did not load", rep.Failed, rep.Tasks))
	}
	return nil
}
