package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/bench/mobilebench"
)

// newCmdBenchMobilebench is the `mobagent bench mobilebench` group.
func newCmdBenchMobilebench(s *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mobilebench",
		Short: "Mobile-Bench: run agents on the items the virtual phone hosts; score histories with the CheckPoint metric, exactly as the benchmark computes it",
		Long: `Mobile-Bench (Deng et al., ACL 2024) has three item sets: single-app single-step
(SAST), single-app multi-step (SAMT) and multi-app multi-step (MAMT), over UI
actions and API calls made with adb commands. Its CheckPoint metric reads the
history of an episode's successful actions and API calls.

mobagent ships none of the data (it is licensed CC BY-NC-SA 4.0): give the item
files of the benchmark's repository (data/s_app_s_step.json, s_app_m_step.json,
m_app_m_step.json) by path.`,
	}
	cmd.AddCommand(newCmdBenchMobilebenchScore(s, nil), newCmdBenchMobilebenchRun(s, nil))
	return cmd
}

// BenchMobilebenchScoreOptions are the flags of `mobagent bench mobilebench score`.
type BenchMobilebenchScoreOptions struct {
	IO        *IOStreams
	Items     []string
	Histories string
	Set       string
	Fixed     bool
	JSON      bool
}

func newCmdBenchMobilebenchScore(s *IOStreams, runF func(context.Context, *BenchMobilebenchScoreOptions) error) *cobra.Command {
	opts := &BenchMobilebenchScoreOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score histories with Mobile-Bench's CheckPoint metric (level 1, level 2, pass rate)",
		Long: `Score any agent's Mobile-Bench episodes with the CheckPoint metric, computed as the
benchmark's reference code computes it, quirks included:

  level 1    package coverage: the expected packages found in the history
  level 2    check-point score: activity, resource-id, text, package and api
             check points found in the history ("|" lists: any element; "&"
             lists: every element in every entry; other lists: one per element)
  pass rate  the share of episodes the agent itself declared finished

Level scores are fractions averaged over items. An item without a history line
scores as an empty, unfinished history (and is reported on stderr).

Items: the benchmark's JSON files. The set comes from the file's name
(s_app_s_step → SAST, s_app_m_step → SAMT, m_app_m_step → MAMT); --set gives it
for files named otherwise. A file may also be an object keyed by set,
{"SAST": [...], "SAMT": [...]}. Leading // comment lines are allowed.

Histories: JSON lines, one per episode:
  {"set": "SAST", "id": 12, "history": ["click(<button ...> 搜索 </button>)",
   "adb shell am start -n com.tencent.mobileqq/.activity.SplashActivity. [Call result]:API execution successful"],
   "finished": true}
with the entries as the reference runner writes them: click(<elem>), press(<elem>),
input(<elem>, text), scroll([x1,y1][x2,y2]) and "<adb command>. [Call result]:API
execution successful".

--fixed also scores with the quirks repaired (a string package is one package,
not its characters; "&" needs every element in some entry, so an empty history
no longer passes; ...), reported separately: those figures are not comparable
with published ones. docs/benchmarks.md lists every quirk.

Output: Markdown tables per set, or with --json
  {"format": 2, "scoring": "reference", "items": N, "level1": x, "level2": y,
   "pass_rate": z, "sets": {"SAST": {...}, ...}, "fixed": {...}}`,
		Example: "  mobagent bench mobilebench score --items data/s_app_s_step.json --histories runs/sast.jsonl\n" +
			"  mobagent bench mobilebench score --items data/s_app_s_step.json,data/s_app_m_step.json,data/m_app_m_step.json \\\n" +
			"      --histories runs/all.jsonl --fixed --json\n" +
			"  mobagent bench mobilebench score --items my_subset.json --set SAMT --histories runs/samt.jsonl",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.Items) == 0 || opts.Histories == "" {
				return withCode(ExitUsage, fmt.Errorf("--items and --histories are required"))
			}
			if opts.Set != "" {
				if _, err := mobilebench.ParseSet(opts.Set); err != nil {
					return withCode(ExitUsage, fmt.Errorf("--set: %w", err))
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return benchMobilebenchScoreRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Items, "items", nil, "items `FILE`s (repeat the flag or separate with commas)")
	f.StringVar(&opts.Histories, "histories", "", "histories `FILE` (JSON lines)")
	f.StringVar(&opts.Set, "set", "", "the `SET` (SAST, SAMT or MAMT) of items files whose name names none")
	f.BoolVar(&opts.Fixed, "fixed", false, "also score with the reference's quirks repaired, reported separately")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	return cmd
}

// benchMobilebenchScoreRun scores the histories; bad input exits 1, a bad --set 2.
func benchMobilebenchScoreRun(ctx context.Context, opts *BenchMobilebenchScoreOptions) error {
	var set mobilebench.Set
	if opts.Set != "" {
		var err error
		if set, err = mobilebench.ParseSet(opts.Set); err != nil {
			return withCode(ExitUsage, fmt.Errorf("--set: %w", err))
		}
	}
	_, err := mobilebench.ScoreCommand(ctx, mobilebench.ScoreOptions{
		ItemsPaths: opts.Items, Set: set, HistoriesPath: opts.Histories,
		Fixed: opts.Fixed, JSON: opts.JSON, Out: opts.IO.Out, ErrOut: opts.IO.ErrOut,
	})
	if errors.Is(err, mobilebench.ErrNoSet) {
		err = fmt.Errorf("%w (--set SAST, SAMT or MAMT)", err)
	}
	return withCode(ExitFailed, err)
}
