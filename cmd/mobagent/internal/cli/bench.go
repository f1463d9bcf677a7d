package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/bench/aitw"
)

func newCmdBench(s *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark runners: AitW",
		Long:  "Score and run agents on mobile-agent benchmarks.",
	}
	aitwCmd := &cobra.Command{
		Use:   "aitw",
		Short: "Android in the Wild: run the decision agent, score predictions with the official action matching",
	}
	aitwCmd.AddCommand(newCmdBenchAitwScore(s, nil), newCmdBenchAitwRun(s, nil))
	cmd.AddCommand(aitwCmd)
	cmd.AddCommand(newCmdBenchPerception(s, nil))
	cmd.AddCommand(newCmdBenchMobilebench(s))
	cmd.AddCommand(newCmdBenchSafety(s))
	return cmd
}

// BenchAitwScoreOptions are the flags of `mobagent bench aitw score`.
type BenchAitwScoreOptions struct {
	IO          *IOStreams
	Episodes    string
	Predictions string
	JSON        bool
	HTML        string
	SplitFile   string
	Split       string
	Subsets     []string
}

func newCmdBenchAitwScore(s *IOStreams, runF func(context.Context, *BenchAitwScoreOptions) error) *cobra.Command {
	opts := &BenchAitwScoreOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score AitW predictions with the official partial action matching",
		Long: `Score predictions against Android in the Wild episodes with the official action
matching: step-level partial-match accuracy per subset, Overall as the mean over
the subsets present, and episode success, beside the published results.

Episodes: official GZIP TFRecord files (subset from the folder name: general/,
install/, google_apps/, single/, web_shopping/), JSON Lines with the official
feature names, or AiTZ/CoAT episode JSON. A path may be a file, a directory or
a glob.

Predictions: JSON lines {"episode_id", "step_id", "action_type", "touch_yx",
"lift_yx", "typed_text"}. A missing prediction counts as wrong and is reported;
a prediction for a step that is not in the episodes is an error.`,
		Example: "  mobagent bench aitw score --episodes 'aitw/general/*' --predictions preds.jsonl\n  mobagent bench aitw score --episodes data/ --predictions preds.jsonl --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Episodes == "" || opts.Predictions == "" {
				return withCode(ExitUsage, fmt.Errorf("--episodes and --predictions are required"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			var subsets []aitw.Subset
			for _, s := range opts.Subsets {
				sub, err := aitw.ParseSubset(s)
				if err != nil {
					return withCode(ExitUsage, fmt.Errorf("--subset: %w", err))
				}
				subsets = append(subsets, sub)
			}
			return aitw.ScoreCommand(cmd.Context(), aitw.ScoreOptions{
				EpisodesPath: opts.Episodes, PredictionsPath: opts.Predictions, JSON: opts.JSON, HTMLPath: opts.HTML,
				SplitFile: opts.SplitFile, Split: opts.Split, Subsets: subsets, Out: opts.IO.Out, ErrOut: opts.IO.ErrOut,
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Episodes, "episodes", "", "episodes `PATH` (file, directory or glob)")
	f.StringVar(&opts.Predictions, "predictions", "", "predictions `FILE` (JSON lines)")
	f.BoolVar(&opts.JSON, "json", false, "print the report as JSON")
	f.StringVar(&opts.HTML, "html", "", "also write a self-contained HTML report to `FILE`")
	f.StringVar(&opts.SplitFile, "split-file", "", "keep only the episodes of a split `FILE` ({\"train\":[ids],...})")
	f.StringVar(&opts.Split, "split", "test", "which split of --split-file")
	f.StringSliceVar(&opts.Subsets, "subset", nil, "score only these subsets (General, Install, GoogleApps, Single, WebShopping)")
	return cmd
}
