package mobilebench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/format"
)

// ResultsFile is the name of a run's results in its Out directory: one
// JSON line per item (ItemRun), appended and synced as each item ends.
// It is also a histories file: `mobagent bench mobilebench score
// --histories` reads it.
const ResultsFile = "results.jsonl"

// ErrTooManyFailures stops a run whose items keep failing to run (a phone
// that stopped answering, a model that is gone).
var ErrTooManyFailures = errors.New("mobilebench: too many items failed to run")

// Shard is one part of a run split over machines: the items whose
// position among the runnable items is Index modulo Count. The zero value
// is the whole run.
type Shard struct{ Index, Count int }

// ParseShard reads "I/N" (I from 0 to N-1, as a Kubernetes Indexed Job's
// JOB_COMPLETION_INDEX counts).
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("mobilebench: shard %q: write I/N with 0 ≤ I < N, such as 0/4 for the first of four", s)
	}
	return Shard{Index: i, Count: n}, nil
}

func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

func (s Shard) take(i int) bool { return s.Count <= 1 || i%s.Count == s.Index }

// ItemRun is one item's result, one line of ResultsFile (formats v2,
// schema "mobilebench-results"): the history H as the reference writes it,
// whether the agent declared the task finished, and what the run cost.
// Level1 and Level2 are the item's reference scores.
type ItemRun struct {
	Format         int           `json:"format"`
	Set            Set           `json:"set"`
	ID             int           `json:"id"`
	History        []string      `json:"history"`
	Finished       bool          `json:"finished"`
	Steps          int           `json:"steps"`
	Outcome        string        `json:"outcome"`
	Reason         string        `json:"reason,omitempty"`
	APICalls       int           `json:"api_calls"`
	FailedAPICalls int           `json:"failed_api_calls"`
	Level1         float64       `json:"level1"`
	Level2         float64       `json:"level2"`
	Language       string        `json:"language"`
	Phone          string        `json:"phone"`
	ModelCalls     int           `json:"model_calls"`
	Tokens         int           `json:"tokens"`
	CostUSD        float64       `json:"cost_usd"`
	Elapsed        format.Millis `json:"elapsed_ms"`
}

// Progress is a run's state after an item.
type Progress struct {
	Done, Total, Resumed, Failed int
	// Level2 is the mean reference level-2 score of the items done.
	Level2  float64
	Elapsed time.Duration
	ETA     time.Duration
	CostUSD float64
	// Last is the item that just ended, "SAMT 12".
	Last string
}

// RunConfig configures Run. Items, Phones, Out and Agent (or Team) are
// needed; the zero value of the rest works.
type RunConfig struct {
	// Items are the items to run, in order (the runnable ones: see
	// CheckCoverage and Coverage.RunnableItems).
	Items []Item
	// APIs is Mobile-Bench's API list; each item's agent is offered the
	// calls APIsFor gives.
	APIs []APIApp
	// Phones are the devices to run on, one worker each; each is reset
	// (mobsim reset) before every item.
	Phones []agents.Device
	// Out is the run directory: ResultsFile and the reports.
	Out string
	// Shard, when set, runs only its part of Items.
	Shard Shard
	// Agent is the agent configuration every item starts from: the model,
	// its team settings, the perceiver, the gate, observers and limits.
	// Device, Roles (from Team), APIs and the item's recorder are filled in
	// per item. Limits.MaxSteps 0 means the reference's 10.
	Agent agents.Config
	// Team, when set, gives an item's roles (the oracle, the offline
	// baseline); nil uses the model's (Agent.Model).
	Team func(it Item, rec *Recorder) agents.Team
	// System names the agent in the reports, such as the model profile.
	System string
	// Coverage, when set, is reported beside the scores.
	Coverage *Coverage
	// Progress, when set, is called after every item, never concurrently.
	Progress func(Progress)
	// MaxFailures stops the run after that many items failed to run; 0
	// means 10, negative never. Failed items are not recorded, so a rerun
	// tries them again.
	MaxFailures int
	// Logger receives warnings; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RunResult is what a run did.
type RunResult struct {
	Report *RunReport
	// Ran items were run now; Resumed ones were in ResultsFile already.
	Ran, Resumed, Failed int
	// Failures are the first few items that failed to run.
	Failures []string
	// Dropped is set when a last line cut short by a kill was removed.
	Dropped bool
}

// Run runs every item of its shard on the phones, recording each item's
// history as the reference writes it. Each finished item is appended to
// Out/ResultsFile and synced, so a rerun with the same Out skips finished
// items, and an item cut short by Ctrl-C is run again. When the run ends
// (complete or not) it writes report.json, report.md and report.html to
// Out. On cancellation it returns the partial result with ctx's error.
func Run(ctx context.Context, cfg RunConfig) (*RunResult, error) {
	if len(cfg.Phones) == 0 || cfg.Out == "" || (cfg.Agent.Model == nil && cfg.Team == nil) {
		return nil, errors.New("mobilebench: Run needs Phones, Out and a model (Agent.Model) or a Team")
	}
	r := &runner{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.cfg.MaxFailures == 0 {
		r.cfg.MaxFailures = 10
	}
	for i, it := range cfg.Items {
		if cfg.Shard.take(i) {
			r.items = append(r.items, it)
		}
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("mobilebench: run directory: %w", err)
	}
	path := filepath.Join(cfg.Out, ResultsFile)
	done, dropped, open, err := recoverRuns(path, r.log)
	if err != nil {
		return nil, err
	}
	r.done = done
	r.res.Dropped = dropped
	if r.out, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("mobilebench: results: %w", err)
	}
	if open {
		if _, err := r.out.WriteString("\n"); err != nil {
			r.out.Close()
			return nil, fmt.Errorf("mobilebench: results: %w", err)
		}
	}
	r.start = r.now()
	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.cancel = cancel
	r.work(runCtx)
	err = r.out.Close()
	if err != nil {
		err = fmt.Errorf("mobilebench: results: %w", err)
	}
	if cause := context.Cause(runCtx); cause != nil && err == nil {
		err = cause
		if ctx.Err() != nil {
			err = ctx.Err()
		}
	}
	rep, rerr := r.report(err == nil)
	res := r.res
	res.Report = rep
	if rerr != nil && err == nil {
		err = rerr
	}
	if werr := writeRunReports(cfg.Out, rep); werr != nil && err == nil {
		err = werr
	}
	return &res, err
}

type runner struct {
	cfg    RunConfig
	log    *slog.Logger
	now    func() time.Time
	start  time.Time
	cancel context.CancelCauseFunc
	items  []Item

	mu   sync.Mutex // guards everything below
	out  *os.File
	done map[itemKey]ItemRun
	res  RunResult
	l2   float64 // sum of the level-2 scores done
	ran  time.Duration
	cost float64
}

// work feeds the items to one worker per phone.
func (r *runner) work(ctx context.Context) {
	jobs := make(chan Item)
	var wg sync.WaitGroup
	for _, ph := range r.cfg.Phones {
		wg.Go(func() {
			for it := range jobs {
				r.runItem(ctx, ph, it)
			}
		})
	}
	for _, it := range r.items {
		r.mu.Lock()
		prev, ok := r.done[itemKey{it.Set, it.ID}]
		if ok {
			r.res.Resumed++
			r.l2 += prev.Level2
			r.cost += prev.CostUSD
			r.progressLocked(it)
		}
		r.mu.Unlock()
		if ok {
			continue
		}
		select {
		case jobs <- it:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
}

// errClaimed ends an episode at the agent's first claim that the task is
// done, as the reference's episode ends.
var errClaimed = errors.New("mobilebench: the agent declared the task finished")

// runItem runs one item on ph and records it.
func (r *runner) runItem(ctx context.Context, ph agents.Device, it Item) {
	if ctx.Err() != nil {
		return
	}
	began := r.now()
	run, err := r.episode(ctx, ph, it)
	if err != nil {
		if ctx.Err() != nil {
			return // interrupted: the item stays to do
		}
		r.fail(it, err)
		return
	}
	run.Elapsed = format.Ms(r.now().Sub(began))
	line, err := marshal(run)
	if err != nil {
		r.fail(it, err)
		return
	}
	line = append(line, '\n')
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.out.Write(line); err != nil {
		r.cancel(fmt.Errorf("mobilebench: write %s: %w", r.out.Name(), err))
		return
	}
	if err := r.out.Sync(); err != nil {
		r.cancel(fmt.Errorf("mobilebench: sync %s: %w", r.out.Name(), err))
		return
	}
	r.done[itemKey{it.Set, it.ID}] = run
	r.res.Ran++
	r.l2 += run.Level2
	r.cost += run.CostUSD
	r.ran += run.Elapsed.D()
	r.progressLocked(it)
}

// episode prepares the phone and runs the agent on the item, turning a
// panic into an error.
func (r *runner) episode(ctx context.Context, ph agents.Device, it Item) (run ItemRun, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the episode panicked: %v\n%s", v, debug.Stack())
		}
	}()
	lang := Language(it)
	if err := PreparePhone(ctx, ph, lang); err != nil {
		return run, err
	}
	rec := &Recorder{}
	cfg := r.cfg.Agent
	cfg.Device = &recordingDevice{Device: ph, rec: rec}
	if r.cfg.Team != nil {
		cfg.Roles = r.cfg.Team(it, rec)
	}
	if cfg.Roles.Verifier == nil {
		cfg.Roles.Verifier = acceptClaims{}
	}
	for _, a := range APIsFor(r.cfg.APIs, it) {
		cfg.APIs = append(cfg.APIs, agents.API{Command: strings.TrimSpace(a.Command), Description: a.describe()})
	}
	if cfg.Limits.MaxSteps == 0 {
		cfg.Limits.MaxSteps = 10
	}
	epCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	cfg.Observers = append(append([]agents.Observer(nil), cfg.Observers...), rec, agents.ObserverFunc(func(e agents.Event) {
		if rec.Finished() {
			cancel(errClaimed)
		}
	}))
	a, err := agents.New(cfg)
	if err != nil {
		return run, err
	}
	res, rerr := a.Run(epCtx, it.Instruction())
	if ctx.Err() != nil {
		return run, ctx.Err()
	}
	var se *agents.StopError
	if rerr != nil && !errors.As(rerr, &se) {
		return run, rerr
	}
	if res == nil {
		return run, errors.New("the agent returned no result")
	}
	if res.Outcome == agents.OutcomeUnavailable || res.Outcome == agents.OutcomeError {
		return run, fmt.Errorf("the run ended %s: %s", res.Outcome, res.Reason)
	}
	h := rec.History()
	sc := Score(it, h, Reference)
	calls, failed := rec.APICalls()
	run = ItemRun{Format: format.Version, Set: it.Set, ID: it.ID, History: h, Finished: rec.Finished(),
		Steps: res.Totals.Steps, Outcome: string(res.Outcome), Reason: res.Reason, APICalls: calls, FailedAPICalls: failed,
		Level1: sc.Level1.Float(), Level2: sc.Level2.Float(), Language: lang, Phone: ph.Serial(),
		ModelCalls: res.Totals.ModelCalls, Tokens: res.Totals.Usage.PromptTokens + res.Totals.Usage.CompletionTokens, CostUSD: res.Totals.Cost}
	if context.Cause(epCtx) == errClaimed && res.Outcome == agents.OutcomeInterrupted {
		run.Outcome, run.Reason = "claimed", "the agent declared the task finished; the episode ends there, as the reference's does"
	}
	if run.History == nil {
		run.History = []string{}
	}
	return run, nil
}

// acceptClaims is the verifier of a Mobile-Bench run: the agent's own
// declaration ends the episode, as in the reference; the metric, not the
// screen, judges it.
type acceptClaims struct{}

func (acceptClaims) Verify(context.Context, agents.VerifyInput) (agents.VerifyOutput, error) {
	return agents.VerifyOutput{Done: true, Reason: "Mobile-Bench takes the agent's declaration; the check points judge the history"}, nil
}

// Language is the system language an item runs in: Chinese (zh-CN) when
// its query is written in Chinese, else English (en-US).
func Language(it Item) string {
	for _, r := range it.Instruction() {
		if unicode.Is(unicode.Han, r) {
			return "zh-CN"
		}
	}
	return "en-US"
}

// PreparePhone puts the virtual phone in a new phone's state for an item:
// mobsim reset, the system language lang (settings system
// system_locales, as Android keeps it), and the home screen.
func PreparePhone(ctx context.Context, ph interface {
	Shell(ctx context.Context, argv ...string) (device.ShellResult, error)
}, lang string) error {
	for _, argv := range [][]string{
		{"mobsim", "reset"},
		{"settings", "put", "system", "system_locales", lang},
		{"input", "keyevent", "KEYCODE_HOME"},
	} {
		res, err := ph.Shell(ctx, argv...)
		if err != nil {
			return fmt.Errorf("mobilebench: prepare the phone (%s): %w", strings.Join(argv, " "), err)
		}
		if res.ExitCode == 127 && argv[0] == "mobsim" {
			return ErrNotVirtualPhone
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("mobilebench: prepare the phone: %s exited %d: %s", strings.Join(argv, " "), res.ExitCode, strings.TrimSpace(string(res.Stderr)))
		}
	}
	return nil
}

func (r *runner) fail(it Item, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Failed++
	name := fmt.Sprintf("%s %d: %v", it.Set, it.ID, err)
	if len(r.res.Failures) < 10 {
		r.res.Failures = append(r.res.Failures, name)
	}
	r.log.Warn("mobilebench: an item failed to run", "set", it.Set, "id", it.ID, "err", err)
	if r.cfg.MaxFailures > 0 && r.res.Failed >= r.cfg.MaxFailures {
		r.cancel(fmt.Errorf("%w (%d; the last: %s): fix the cause and rerun with the same --out to resume", ErrTooManyFailures, r.res.Failed, name))
	}
	r.progressLocked(it)
}

func (r *runner) progressLocked(it Item) {
	if r.cfg.Progress == nil {
		return
	}
	done := r.res.Ran + r.res.Resumed
	p := Progress{Done: done, Total: len(r.items), Resumed: r.res.Resumed, Failed: r.res.Failed,
		Elapsed: r.now().Sub(r.start), CostUSD: r.cost, Last: fmt.Sprintf("%s %d", it.Set, it.ID)}
	if done > 0 {
		p.Level2 = r.l2 / float64(done)
	}
	if r.res.Ran > 0 && p.Total > done {
		per := float64(p.Elapsed) / float64(r.res.Ran+r.res.Failed)
		p.ETA = time.Duration(math.Min(per*float64(p.Total-done), math.MaxInt64))
	}
	r.cfg.Progress(p)
}

// recoverRuns reads an existing results file. A last line cut short by a
// kill is removed (dropped); any other bad line is an error naming it. An
// item recorded twice keeps its first result. open reports whether the
// file ends without a newline (a last line written by hand), which the
// next append must add.
func recoverRuns(path string, log *slog.Logger) (done map[itemKey]ItemRun, dropped, open bool, err error) {
	done = map[itemKey]ItemRun{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return done, false, false, nil
	}
	if err != nil {
		return nil, false, false, fmt.Errorf("mobilebench: results: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var good int64 // end of the last good line
	for n := 1; ; n++ {
		b, rerr := br.ReadBytes('\n')
		if len(b) == 0 && rerr == io.EOF {
			return done, false, false, nil
		}
		if rerr != nil && rerr != io.EOF {
			return nil, false, false, fmt.Errorf("mobilebench: read %s: %w", path, rerr)
		}
		t := bytes.TrimSpace(b)
		var run ItemRun
		var perr error
		if len(t) > 0 {
			if _, perr = parseEpisode(t); perr == nil {
				perr = json.Unmarshal(t, &run)
			}
		}
		if perr != nil {
			if _, peek := br.Peek(1); peek == io.EOF {
				// Only the last line may be broken: a kill mid-write.
				if err := f.Close(); err != nil {
					return nil, false, false, err
				}
				if err := os.Truncate(path, good); err != nil {
					return nil, false, false, fmt.Errorf("mobilebench: drop the truncated last line of %s: %w", path, err)
				}
				log.Warn("mobilebench: dropped a truncated last result line", "file", path, "line", n)
				return done, true, false, nil
			}
			return nil, false, false, &InputError{File: path, Line: n, Err: fmt.Errorf("%w; the results file is damaged: delete this line to run the item again", perr)}
		}
		good += int64(len(b))
		if len(t) > 0 {
			k := itemKey{run.Set, run.ID}
			if _, dup := done[k]; dup {
				log.Warn("mobilebench: an item is recorded twice; keeping the first", "file", path, "line", n, "set", run.Set, "id", run.ID)
			} else {
				done[k] = run
			}
		}
		if rerr == io.EOF {
			return done, false, len(b) > 0, nil
		}
	}
}

// recordingDevice is the phone an item's agent drives: every view
// hierarchy it is shown goes to the recorder too, so that H names elements
// as the reference renders them.
type recordingDevice struct {
	agents.Device
	rec *Recorder
}

func (d *recordingDevice) ViewHierarchy(ctx context.Context) ([]byte, error) {
	b, err := d.Device.ViewHierarchy(ctx)
	if err == nil {
		d.rec.Observe(b)
	}
	return b, err
}

// ScreenshotEncoded keeps the phone's encoded screenshots (the executor
// compares them while the screen settles).
func (d *recordingDevice) ScreenshotEncoded(ctx context.Context) ([]byte, error) {
	if e, ok := d.Device.(device.EncodedScreenshotter); ok {
		return e.ScreenshotEncoded(ctx)
	}
	img, err := d.Device.Screenshot(ctx)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// DecodeScreenshot decodes what ScreenshotEncoded returned.
func (d *recordingDevice) DecodeScreenshot(b []byte) (image.Image, error) {
	if e, ok := d.Device.(device.EncodedScreenshotter); ok {
		return e.DecodeScreenshot(b)
	}
	return png.Decode(bytes.NewReader(b))
}

var _ device.EncodedScreenshotter = (*recordingDevice)(nil)
