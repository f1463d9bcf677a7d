package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/bench/mobilebench"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

// BenchMobilebenchRunOptions are the flags of `mobagent bench mobilebench run`.
type BenchMobilebenchRunOptions struct {
	IO       *IOStreams
	Items    []string
	Set      string
	APIs     string // "" finds the list beside the items
	Model    string // provider:model, oracle or offline; "" means $MOBAGENT_MODEL
	BaseURL  string
	Phones   int
	Shard    string
	Out      string // "" means runs/mobilebench-SYSTEM
	MaxSteps int
	Confirm  string
	Policy   string // --policy FILE
	Vision   bool
	Timeout  time.Duration
	Coverage bool
	JSON     bool
	Server   string
	// OpenModel opens a model profile; nil means the real one.
	OpenModel ModelFunc
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

func newCmdBenchMobilebenchRun(s *IOStreams, runF func(context.Context, *BenchMobilebenchRunOptions) error) *cobra.Command {
	opts := &BenchMobilebenchRunOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run an agent on the Mobile-Bench items the virtual phone hosts, and score it",
		Long: `Run an agent on Mobile-Bench's items on mobagent's virtual phone in its Xiaomi build
(the system apps under MIUI's package names: com.android.calendar, com.android.mms,
com.miui.notes, …), and score the episodes with the CheckPoint metric as the reference
computes it, with fixed scoring beside it.

Only the items the phone can host run: their apps are on it, the API calls they check
answer, their activities start. --coverage lists, without running anything, which
items those are and why each other one is not (a missing app, API, activity or view,
no app named, a query that is not words, a check point no history meets).

The agent gets Mobile-Bench's API list as tools beside the GUI actions: the apps the
item names (its app field and its query) and the general keys, as the reference
offers them. An API call is the adb action; it runs on the phone without a shell,
through the safety gate like any action. Chinese queries run on a phone in Chinese.
An episode ends when the agent declares the task finished, or at --max-steps (10, as
the reference's default). The history H is written as the reference writes it.

--model is a model profile (provider:model), or oracle (a scripted policy that
performs each item's check point, the reference solution), or oracle-screens (the
oracle without its last resort, a message draft holding the texts the check point
reads: it meets texts only on the screens of the item's apps), or offline
(mobagent's offline baseline, which understands a few English task shapes).

Each finished item is appended to DIR/results.jsonl (a histories file that
'mobagent bench mobilebench score' reads), so a run cut short (Ctrl-C, a crash)
resumes where it stopped when the same command runs again. --phones serves that
many phones (ports from 15555 up) and runs one item on each at a time; --shard I/N
runs every N-th runnable item from the I-th (0 ≤ I < N), as an Indexed Job's
JOB_COMPLETION_INDEX counts; concatenate the shards' results.jsonl to score the
whole. At the end DIR holds report.md, report.json and report.html.

The safety gate holds risky actions for a confirmation nobody can give in a
benchmark run: --confirm deny (the default) answers no, approve answers yes
(harmful actions are denied either way). The reference has no gate; figures
comparable with it are run with --confirm approve.

The items are the benchmark's JSON files (data/s_app_s_step.json, s_app_m_step.json,
m_app_m_step.json, CC BY-NC-SA 4.0: mobagent ships none of them). The API list is
the benchmark's app_list_MIUI.json or agent_for_api/api_list.json, found beside the
items' data/ folder or given with --apis.

Exit status: 0 done, 1 items failed to run, 2 bad usage, 3 no adb server or model,
130 interrupted (the finished items are saved).`,
		Example: "  mobagent bench mobilebench run --items MobileBench/data/s_app_m_step.json --coverage\n" +
			"  mobagent bench mobilebench run --items data/s_app_s_step.json,data/s_app_m_step.json,data/m_app_m_step.json --model oracle --confirm approve\n" +
			"  mobagent bench mobilebench run --items data/s_app_m_step.json --model openai:gpt-4o --phones 4 --out runs/mb-gpt4o\n" +
			"  mobagent bench mobilebench run --items data/m_app_m_step.json --model offline --shard 0/4 --out runs/mb-offline-0",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(opts.Items) == 0 {
				return withCode(ExitUsage, errors.New("--items is required: give the benchmark's item files (data/s_app_s_step.json, …)"))
			}
			if opts.Set != "" {
				if _, err := mobilebench.ParseSet(opts.Set); err != nil {
					return withCode(ExitUsage, fmt.Errorf("--set: %w", err))
				}
			}
			if opts.Phones < 1 || opts.Phones > 64 {
				return withCode(ExitUsage, fmt.Errorf("--phones %d: give 1 to 64", opts.Phones))
			}
			if opts.MaxSteps < 0 {
				return withCode(ExitUsage, fmt.Errorf("--max-steps %d: give a positive number (0: the reference's 10)", opts.MaxSteps))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return benchMobilebenchRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Items, "items", nil, "items `FILE`s (repeat the flag or separate with commas)")
	f.StringVar(&opts.Set, "set", "", "the `SET` (SAST, SAMT or MAMT) of items files whose name names none")
	f.StringVar(&opts.APIs, "apis", "", "Mobile-Bench's API list `FILE` (default: app_list_MIUI.json beside the items' folder)")
	f.StringVarP(&opts.Model, "model", "m", "", "model `PROFILE` (provider:model), oracle, oracle-screens or offline (default: $MOBAGENT_MODEL)")
	f.StringVar(&opts.BaseURL, "base-url", "", "endpoint `URL` for the model's provider")
	f.IntVar(&opts.Phones, "phones", 1, "virtual phones to run on in parallel (`N`)")
	f.StringVar(&opts.Shard, "shard", "", "run only shard `I/N` of the runnable items (0 ≤ I < N)")
	f.StringVarP(&opts.Out, "out", "o", "", "run `DIR`; rerun with the same DIR to resume (default: runs/mobilebench-SYSTEM)")
	f.IntVar(&opts.MaxSteps, "max-steps", 10, "steps an episode may take (`N`)")
	f.StringVar(&opts.Confirm, "confirm", "deny", "how the safety gate's confirmations are answered: deny or approve")
	f.StringVar(&opts.Policy, "policy", "", "safety policy `FILE` (default: the built-in rules; see docs/safety.md)")
	f.BoolVar(&opts.Vision, "vision", false, "send set-of-mark screenshots to the model")
	f.DurationVar(&opts.Timeout, "timeout", 10*time.Minute, "wall time an item may take (`DURATION`)")
	f.BoolVar(&opts.Coverage, "coverage", false, "list which items the phone hosts and why the others not; run nothing")
	f.BoolVar(&opts.JSON, "json", false, "with --coverage: print the coverage as JSON")
	f.StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` (default: from the environment, else localhost:5037)")
	return cmd
}

// mobilebenchRunInfo is DIR/run.json: what the results in DIR came from, so
// a resumed run cannot mix two setups in one results file.
type mobilebenchRunInfo struct {
	System   string `json:"system"`
	Confirm  string `json:"confirm"`
	Policy   string `json:"policy,omitempty"`
	MaxSteps int    `json:"max_steps"`
	Vision   bool   `json:"vision"`
}

// inProcessPhone runs shell commands on a virtual phone in this process,
// for coverage: no adb server needed.
type inProcessPhone struct{ p *sim.Phone }

func (s inProcessPhone) Shell(ctx context.Context, argv ...string) (device.ShellResult, error) {
	var o, e bytes.Buffer
	code := s.p.Shell(ctx, adb.QuoteArgs(argv), nil, &o, &e)
	return device.ShellResult{Stdout: o.Bytes(), Stderr: e.Bytes(), ExitCode: code}, nil
}

func benchMobilebenchRun(ctx context.Context, opts *BenchMobilebenchRunOptions) error {
	errOut := opts.IO.ErrOut
	var set mobilebench.Set
	if opts.Set != "" {
		set, _ = mobilebench.ParseSet(opts.Set)
	}
	var items []mobilebench.Item
	for _, p := range opts.Items {
		s := set
		if _, named := mobilebench.SetFromFileName(p); named {
			s = ""
		}
		got, err := mobilebench.LoadFile(p, s)
		if err != nil {
			if errors.Is(err, mobilebench.ErrNoSet) {
				err = fmt.Errorf("%w (--set SAST, SAMT or MAMT)", err)
			}
			return withCode(ExitUsage, err)
		}
		items = append(items, got...)
	}
	apisPath := opts.APIs
	if apisPath == "" {
		apisPath = mobilebench.FindAPIList(opts.Items[0])
	}
	if apisPath == "" {
		return withCode(ExitUsage, fmt.Errorf("%w beside %s: give the benchmark's app_list_MIUI.json (or agent_for_api/api_list.json) with --apis", mobilebench.ErrNoAPIList, opts.Items[0]))
	}
	apps, err := mobilebench.LoadAPIList(apisPath)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	var shard mobilebench.Shard
	if opts.Shard != "" {
		if shard, err = mobilebench.ParseShard(opts.Shard); err != nil {
			return withCode(ExitUsage, fmt.Errorf("--shard: %w", err))
		}
	}

	// Coverage, on a phone in this process.
	probe, err := sim.NewPhone(sim.Config{Vendor: sim.VendorXiaomi})
	if err != nil {
		return err
	}
	cov, err := mobilebench.CheckCoverage(ctx, items, apps, inProcessPhone{probe})
	if err != nil {
		if ctx.Err() != nil {
			return withCode(ExitInterrupted, ctx.Err())
		}
		return err
	}
	if opts.Coverage {
		if opts.JSON {
			return cov.WriteJSON(opts.IO.Out)
		}
		return cov.WriteMarkdown(opts.IO.Out)
	}
	runnable := cov.RunnableItems(items)
	fmt.Fprintf(errOut, "mobilebench: %d of %d items can run on the virtual phone (see --coverage for why the others cannot)\n", len(runnable), len(items))
	if len(runnable) == 0 {
		return withCode(ExitFailed, errors.New("no item can run on the virtual phone: see --coverage"))
	}

	// The agent.
	mode, err := safety.ParseMode(opts.Confirm)
	if err != nil || mode == safety.ModeAsk {
		return withCode(ExitUsage, fmt.Errorf("--confirm %q: use deny or approve (a benchmark run has nobody to ask)", opts.Confirm))
	}
	policy, err := loadPolicyFlag(opts.Policy)
	if err != nil {
		return err
	}
	profile := strings.TrimSpace(opts.Model)
	if profile == "" {
		profile = strings.TrimSpace(getenv(opts.IO, "MOBAGENT_MODEL"))
	}
	if profile == "" {
		return withCode(ExitUsage, errors.New("--model is required: a model profile (such as openai:gpt-4o), oracle, oracle-screens or offline"))
	}
	log := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := mobilebench.RunConfig{Items: runnable, APIs: apps, Shard: shard, Coverage: cov, Logger: log, Now: opts.Now,
		Agent: agents.Config{Gate: &safety.Gate{Mode: mode, Policy: policy, Logger: log}, Logger: log, Vision: opts.Vision,
			Limits: agents.Limits{MaxSteps: opts.MaxSteps, MaxDuration: opts.Timeout}}}
	var meter *llm.Meter
	switch strings.ToLower(profile) {
	case "oracle", "oracle-screens":
		cfg.System = strings.ToLower(profile)
		noDraft := cfg.System == "oracle-screens"
		cfg.Team = func(it mobilebench.Item, rec *mobilebench.Recorder) agents.Team {
			o := mobilebench.NewOracle(it, rec)
			o.NoDraft = noDraft
			return o.Roles()
		}
	case "offline":
		cfg.System = "offline"
		cfg.Team = func(mobilebench.Item, *mobilebench.Recorder) agents.Team {
			return offline.New(offline.Config{}).Roles()
		}
	default:
		open := opts.OpenModel
		if open == nil {
			open = openModel
		}
		m, p, err := open(profile, opts.BaseURL, opts.IO.Getenv, log)
		if err != nil {
			return withCode(ExitUnavailable, fmt.Errorf("--model %s: %w", profile, err))
		}
		cfg.Agent.Model, cfg.Agent.ModelName, cfg.System = m, p.String(), p.String()
		if mm, ok := m.(interface{ Meter() *llm.Meter }); ok {
			meter = mm.Meter()
		}
	}
	out := opts.Out
	if out == "" {
		out = filepath.Join("runs", "mobilebench-"+strings.NewReplacer(":", "-", "/", "-", "\\", "-", " ", "-").Replace(cfg.System))
	}
	cfg.Out = out
	if err := checkMobilebenchRunInfo(out, mobilebenchRunInfo{System: cfg.System, Confirm: string(mode), Policy: policyID(opts.Policy), MaxSteps: opts.MaxSteps, Vision: opts.Vision}); err != nil {
		return withCode(ExitUsage, err)
	}

	// The phones, served to the adb server on ports from 15555 up.
	client, err := adb.NewClient(adb.Config{Server: opts.Server})
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("--adb-server: %w", err))
	}
	for range opts.Phones {
		ph, err := sim.NewPhone(sim.Config{Vendor: sim.VendorXiaomi})
		if err != nil {
			return err
		}
		ln, err := listenSim("")
		if err != nil {
			return withCode(ExitUnavailable, err)
		}
		served, err := simserve.ServeOn(ctx, ln, ph, client, log)
		if err != nil {
			if ctx.Err() != nil {
				return withCode(ExitInterrupted, ctx.Err())
			}
			return withCode(ExitUnavailable, fmt.Errorf("serve the virtual phone to the adb server: %w (is adb installed? try `mobagent doctor`)", err))
		}
		defer func() {
			if err := served.Close(); err != nil {
				log.Error("a virtual phone stopped", "err", err)
			}
		}()
		cfg.Phones = append(cfg.Phones, served.Device)
	}
	what := ""
	if shard.Count > 1 {
		what = ", shard " + shard.String()
	}
	fmt.Fprintf(errOut, "mobilebench: %s on %d phone(s)%s, confirm %s, at most %d steps, run directory %s\n", cfg.System, opts.Phones, what, mode, opts.MaxSteps, out)
	cfg.Progress = func(p mobilebench.Progress) {
		line := fmt.Sprintf("mobilebench: %d/%d items (%s", p.Done, p.Total, p.Last)
		if p.Resumed > 0 {
			line += fmt.Sprintf(", %d resumed", p.Resumed)
		}
		if p.Failed > 0 {
			line += fmt.Sprintf(", %d failed", p.Failed)
		}
		line += fmt.Sprintf("), level 2 so far %.3f, %s elapsed", p.Level2, p.Elapsed.Round(time.Second))
		if p.ETA > 0 {
			line += fmt.Sprintf(", ETA %s", p.ETA.Round(time.Second))
		}
		if p.CostUSD > 0 {
			line += fmt.Sprintf(", $%.4f", p.CostUSD)
		}
		fmt.Fprintln(errOut, line)
	}
	res, runErr := mobilebench.Run(ctx, cfg)
	if res != nil {
		fmt.Fprintf(errOut, "mobilebench: %d items run now, %d resumed, %d failed", res.Ran, res.Resumed, res.Failed)
		if meter != nil {
			_, u := meter.Snapshot()
			fmt.Fprintf(errOut, "; %d model calls, %d tokens, $%.4f", u.Calls, u.PromptTokens+u.CompletionTokens, u.Cost)
		}
		fmt.Fprintln(errOut)
		for _, f := range res.Failures {
			fmt.Fprintf(errOut, "  failed: %s\n", f)
		}
	}
	switch {
	case runErr == nil:
	case ctx.Err() != nil:
		return withCode(ExitInterrupted, fmt.Errorf("interrupted; the finished items are saved in %s: run the same command again to resume", out))
	case errors.Is(runErr, mobilebench.ErrTooManyFailures):
		return withCode(ExitFailed, runErr)
	default:
		return withCode(ExitFailed, runErr)
	}
	if err := res.Report.WriteMarkdown(opts.IO.Out); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\nreports: %s, %s, %s\n", filepath.Join(out, "report.md"), filepath.Join(out, "report.json"), filepath.Join(out, "report.html"))
	if res.Failed > 0 {
		return withCode(ExitFailed, fmt.Errorf("%d items failed to run; run the same command again to retry them", res.Failed))
	}
	return nil
}

// checkMobilebenchRunInfo writes dir/run.json for a new run directory, and
// refuses to resume one whose results came from another setup.
func checkMobilebenchRunInfo(dir string, info mobilebenchRunInfo) error {
	path := filepath.Join(dir, "run.json")
	b, err := os.ReadFile(path)
	if err == nil {
		var old mobilebenchRunInfo
		if err := json.Unmarshal(b, &old); err != nil {
			return fmt.Errorf("%s: %w; delete it or choose another --out", path, err)
		}
		if old != info {
			return fmt.Errorf("run directory %s holds results of another setup (%+v, now %+v): choose another --out, or rerun with the same options to resume", dir, old, info)
		}
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	b, _ = json.MarshalIndent(info, "", "  ")
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
