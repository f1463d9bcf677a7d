package aitw

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"iter"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
)

// ResultsFile is the name of the per-step results file in a run's Out
// directory: JSON Lines predictions (plus "matched" and "elapsed_ms"), one
// fsync'd line per finished step, readable by [ReadPredictionsFile].
const ResultsFile = "predictions.jsonl"

// ErrTooManyFailures stops a run whose Predict function keeps failing.
var ErrTooManyFailures = errors.New("aitw: too many failed steps")

// StepInput is what a predictor is given for one step under the standard
// AitW protocol: the goal, the step's screenshot and UI annotations, and the
// ground-truth actions of the previous steps.
type StepInput struct {
	EpisodeID     string
	StepID        int
	EpisodeLength int
	Goal          string
	Subset        Subset
	// Screenshot is nil when the dataset has no screenshot for the step (or
	// was loaded without images).
	Screenshot image.Image
	Width      int
	Height     int
	// Annotations are the dataset's UI annotations, boxes normalised.
	Annotations []Annotation
	// Elements are the same annotations in screenshot pixels: 1-based IDs in
	// annotation order, Text from the OCR text, Class the AitW UI type
	// (TEXT, ICON_HOME, …), Source OCR for TEXT and vision for icons.
	Elements []perception.Element
	// History holds the ground-truth actions of steps 0..StepID-1.
	History []Action
}

// PredictFunc predicts one step's action. It may be called from several
// goroutines at once. Run fills in the prediction's EpisodeID and StepID.
type PredictFunc func(ctx context.Context, in StepInput) (Prediction, error)

// Progress is a run's state after a step. Done counts steps with a result,
// including those resumed from an earlier run; Total is the RunConfig's
// TotalSteps or, when larger or unset, the steps seen so far. ETA is zero
// until a step has been predicted in this run.
type Progress struct {
	Done    int
	Total   int
	Resumed int
	Failed  int
	Elapsed time.Duration
	ETA     time.Duration
	CostUSD float64
}

// RunConfig configures [Run]. Zero values work except for Episodes, Out and
// Predict.
type RunConfig struct {
	// Episodes is read once, in order; see [Episodes].
	Episodes iter.Seq2[*Episode, error]
	// TotalSteps, if known, makes progress totals and the ETA exact from the
	// start.
	TotalSteps int
	// Out is the run directory; it holds ResultsFile and the reports.
	Out string
	// Concurrency is how many steps are predicted at once; 0 means 1.
	Concurrency int
	// Limit, if positive, runs only the first Limit episodes (after the
	// subset filter).
	Limit int
	// Subset, if set, runs only that subset.
	Subset Subset
	// Predict is the caller's predictor, such as [DeciderPredict].
	Predict PredictFunc
	// System names the predictor in the reports (Report.System), such as
	// the model profile.
	System string
	// Progress, if set, is called after every step, never concurrently.
	Progress func(Progress)
	// MaxFailures stops the run with ErrTooManyFailures after that many
	// failed steps; 0 means 20, negative means never. Failed steps are not
	// recorded, so a rerun tries them again.
	MaxFailures int
	// Logger receives warnings (nil discards).
	Logger *slog.Logger
	// Now is the clock (nil means time.Now).
	Now func() time.Time
}

// StepFailure is a step whose prediction failed.
type StepFailure struct {
	Step StepKey
	Err  error
}

// RunResult is what a run did.
type RunResult struct {
	// Report scores every step of the episodes the run covered; steps without
	// a result count as missing.
	Report *Report
	// Predicted steps were predicted in this run; Resumed ones came from
	// ResultsFile.
	Predicted int
	Resumed   int
	Failed    int
	// Failures lists the first few failed steps.
	Failures []StepFailure
	// Dropped is true when a truncated last line of ResultsFile (from a kill
	// mid-write) was removed.
	Dropped bool
}

const maxFailureExamples = 10

// stepRecord is one line of ResultsFile (formats v2, schema
// "aitw-results"): the prediction with its match and time.
type stepRecord struct {
	Format int `json:"format"`
	Prediction
	Matched bool          `json:"matched"`
	Elapsed format.Millis `json:"elapsed_ms"`
}

// episodeState is an episode with steps still in flight.
type episodeState struct {
	ep        *Episode
	matched   []bool
	present   []bool
	remaining int
}

type runner struct {
	cfg    RunConfig
	log    *slog.Logger
	now    func() time.Time
	start  time.Time
	cancel context.CancelCauseFunc

	mu      sync.Mutex // guards everything below
	out     *os.File
	done    map[StepKey]Prediction
	t       *tally
	open    map[*episodeState]bool
	res     RunResult
	seen    int
	settled int
	cost    float64
}

// Run predicts every step of cfg.Episodes with cfg.Predict and scores the
// predictions with the official metric. Each finished step is appended to
// Out/ResultsFile and fsync'd, so a rerun with the same Out skips finished
// steps, never predicts or scores a step twice, and drops a last line cut
// short by a kill. Only one Run may use an Out directory at a time. When the
// run completes it writes report.json, report.md
// and report.html to Out. On cancellation it returns the partial result with
// ctx's error.
func Run(ctx context.Context, cfg RunConfig) (*RunResult, error) {
	if cfg.Episodes == nil || cfg.Predict == nil || cfg.Out == "" {
		return nil, errors.New("aitw: Run needs Episodes, Predict and Out")
	}
	r := &runner{cfg: cfg, log: cfg.Logger, now: cfg.Now, t: newTally(), open: map[*episodeState]bool{}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.cfg.Concurrency <= 0 {
		r.cfg.Concurrency = 1
	}
	if r.cfg.MaxFailures == 0 {
		r.cfg.MaxFailures = 20
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("aitw: run directory: %w", err)
	}
	path := filepath.Join(cfg.Out, ResultsFile)
	done, dropped, err := recoverResults(path, r.log)
	if err != nil {
		return nil, err
	}
	r.done, r.res.Dropped = done, dropped
	if r.out, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("aitw: results: %w", err)
	}
	r.start = r.now()

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	r.cancel = cancel
	err = r.run(runCtx)
	if cerr := r.out.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("aitw: results: %w", cerr)
	}
	if err == nil {
		err = context.Cause(runCtx)
	}

	r.mu.Lock()
	for st := range r.open { // episodes cut short: unfinished steps are missing
		r.t.episode(st.ep, st.matched, st.present)
	}
	r.t.cost = r.cost
	res := r.res
	r.mu.Unlock()
	res.Report = r.t.report()
	res.Report.System = cfg.System
	if err != nil {
		return &res, err
	}
	return &res, writeReports(cfg.Out, res.Report)
}

// run feeds the workers from the episode stream.
func (r *runner) run(ctx context.Context) error {
	type job struct {
		st *episodeState
		i  int
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range r.cfg.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				r.predict(ctx, j.st, j.i)
			}
		})
	}
	defer wg.Wait()
	defer close(jobs)

	episodes := 0
	for ep, err := range r.cfg.Episodes {
		if err != nil {
			return err
		}
		if r.cfg.Subset != "" && ep.Subset != r.cfg.Subset {
			continue
		}
		if r.cfg.Limit > 0 && episodes >= r.cfg.Limit {
			break
		}
		episodes++
		st := &episodeState{ep: ep, matched: make([]bool, len(ep.Steps)), present: make([]bool, len(ep.Steps)), remaining: len(ep.Steps)}
		r.mu.Lock()
		r.seen += len(ep.Steps)
		r.open[st] = true
		var todo []int
		for i := range ep.Steps {
			s := &ep.Steps[i]
			if p, ok := r.done[StepKey{ep.ID, s.StepID}]; ok {
				r.res.Resumed++
				r.cost += p.CostUSD
				r.settleLocked(st, i, ActionsMatch(p.Action(), s.Action, s.Annotations), true)
				continue
			}
			todo = append(todo, i)
		}
		if len(ep.Steps) == 0 {
			r.finishLocked(st)
		}
		r.mu.Unlock()
		for _, i := range todo {
			select {
			case jobs <- job{st, i}:
			case <-ctx.Done():
				return nil
			}
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	return nil
}

// predict runs one step and records its result.
func (r *runner) predict(ctx context.Context, st *episodeState, i int) {
	if ctx.Err() != nil {
		return
	}
	s := &st.ep.Steps[i]
	key := StepKey{st.ep.ID, s.StepID}
	began := r.now()
	p, err := r.callPredict(ctx, st.ep, i)
	if err != nil {
		if ctx.Err() != nil {
			return // cancelled: not a failure, the step stays to do
		}
		r.fail(key, err)
		return
	}
	p.EpisodeID, p.StepID = key.EpisodeID, key.StepID
	rec := stepRecord{Prediction: p, Matched: ActionsMatch(p.Action(), s.Action, s.Annotations),
		Elapsed: format.Ms(r.now().Sub(began)), Format: format.Version}
	line, err := json.Marshal(rec)
	if err != nil {
		r.fail(key, fmt.Errorf("encode prediction: %w", err))
		return
	}
	line = append(line, '\n')

	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.out.Write(line); err != nil {
		r.cancel(fmt.Errorf("aitw: write %s: %w", r.out.Name(), err))
		return
	}
	if err := r.out.Sync(); err != nil {
		r.cancel(fmt.Errorf("aitw: sync %s: %w", r.out.Name(), err))
		return
	}
	r.done[key] = p
	r.res.Predicted++
	r.cost += p.CostUSD
	r.settleLocked(st, i, rec.Matched, true)
}

// callPredict builds the step's input and calls Predict, turning a panic into
// an error.
func (r *runner) callPredict(ctx context.Context, ep *Episode, i int) (p Prediction, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("predict panicked: %v\n%s", v, debug.Stack())
		}
	}()
	in, err := NewStepInput(ep, i)
	if err != nil {
		return p, err
	}
	return r.cfg.Predict(ctx, in)
}

func (r *runner) fail(key StepKey, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.res.Failed++
	if len(r.res.Failures) < maxFailureExamples {
		r.res.Failures = append(r.res.Failures, StepFailure{key, err})
	}
	r.log.Warn("aitw: step failed", "episode", key.EpisodeID, "step", key.StepID, "err", err)
	if r.cfg.MaxFailures > 0 && r.res.Failed >= r.cfg.MaxFailures {
		r.cancel(fmt.Errorf("%w (%d; the last: episode %s step %d: %v): fix the predictor and rerun to resume",
			ErrTooManyFailures, r.res.Failed, key.EpisodeID, key.StepID, err))
	}
	r.progressLocked()
}

// settleLocked records step i of st as finished.
func (r *runner) settleLocked(st *episodeState, i int, matched, present bool) {
	st.matched[i], st.present[i] = matched, present
	st.remaining--
	r.settled++
	if st.remaining == 0 {
		r.finishLocked(st)
	}
	r.progressLocked()
}

func (r *runner) finishLocked(st *episodeState) {
	delete(r.open, st)
	r.t.episode(st.ep, st.matched, st.present)
}

func (r *runner) progressLocked() {
	if r.cfg.Progress == nil {
		return
	}
	p := Progress{Done: r.settled, Total: max(r.cfg.TotalSteps, r.seen), Resumed: r.res.Resumed,
		Failed: r.res.Failed, Elapsed: r.now().Sub(r.start), CostUSD: r.cost}
	if r.res.Predicted > 0 && p.Total > p.Done {
		per := float64(p.Elapsed) / float64(r.res.Predicted)
		p.ETA = time.Duration(math.Min(per*float64(p.Total-p.Done), math.MaxInt64))
	}
	r.cfg.Progress(p)
}

// NewStepInput builds the standard-protocol input for step i of ep, decoding
// its screenshot.
func NewStepInput(ep *Episode, i int) (StepInput, error) {
	s := &ep.Steps[i]
	in := StepInput{EpisodeID: ep.ID, StepID: s.StepID, EpisodeLength: s.EpisodeLength, Goal: s.Goal,
		Subset: s.Subset, Width: s.ImageW, Height: s.ImageH, Annotations: s.Annotations}
	if in.Goal == "" {
		in.Goal = ep.Goal
	}
	if s.Image != nil {
		img, err := s.Image()
		if err != nil {
			return in, fmt.Errorf("screenshot of episode %s step %d: %w", ep.ID, s.StepID, err)
		}
		in.Screenshot = img
		in.Width, in.Height = img.Bounds().Dx(), img.Bounds().Dy()
	}
	for j := range i {
		in.History = append(in.History, ep.Steps[j].Action)
	}
	in.Elements = AnnotationElements(s.Annotations, in.Width, in.Height)
	return in, nil
}

// AnnotationElements turns normalised annotations into perception elements
// in pixels of a w×h screenshot.
func AnnotationElements(anns []Annotation, w, h int) []perception.Element {
	if len(anns) == 0 {
		return nil
	}
	els := make([]perception.Element, len(anns))
	W, H := float64(w), float64(h)
	for i, a := range anns {
		y, x, bh, bw := a.Box[0], a.Box[1], a.Box[2], a.Box[3]
		src := perception.SourceVision
		if a.UIType == "TEXT" {
			src = perception.SourceOCR
		}
		els[i] = perception.Element{
			ID:         i + 1,
			Bounds:     image.Rect(int(math.Round(x*W)), int(math.Round(y*H)), int(math.Round((x+bw)*W)), int(math.Round((y+bh)*H))),
			Text:       a.Text,
			Class:      a.UIType,
			Enabled:    true,
			Source:     src,
			Confidence: 1,
		}
	}
	return els
}

// recoverResults reads an existing results file. A last line cut short by a
// kill is removed from the file (dropped = true); any other malformed line is
// an error. A step recorded twice keeps its first result.
func recoverResults(path string, log *slog.Logger) (done map[StepKey]Prediction, dropped bool, err error) {
	done = map[StepKey]Prediction{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return done, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("aitw: results: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var good int64 // end of the last good line
	for line := 1; ; line++ {
		b, rerr := br.ReadBytes('\n')
		if len(b) == 0 && rerr == io.EOF {
			break
		}
		if rerr != nil && rerr != io.EOF {
			return nil, false, fmt.Errorf("aitw: read %s: %w", path, rerr)
		}
		complete := rerr == nil
		trimmed := bytes.TrimSpace(b)
		var p Prediction
		var perr error
		if len(trimmed) > 0 {
			p, perr = parsePrediction(trimmed)
		}
		if !complete || perr != nil {
			// Only the last line may be broken: a kill mid-write.
			if _, peekErr := br.Peek(1); peekErr == io.EOF {
				if err := f.Close(); err != nil {
					return nil, false, err
				}
				if err := os.Truncate(path, good); err != nil {
					return nil, false, fmt.Errorf("aitw: drop the truncated last line of %s: %w", path, err)
				}
				log.Warn("aitw: dropped a truncated last result line", "file", path, "line", line)
				return done, true, nil
			}
			return nil, false, &LineError{File: path, Line: line,
				Err: fmt.Errorf("%w: the results file is damaged; delete this line to rerun the step", perr)}
		}
		good += int64(len(b))
		if len(trimmed) == 0 {
			continue
		}
		k := StepKey{p.EpisodeID, p.StepID}
		if _, dup := done[k]; dup {
			log.Warn("aitw: step recorded twice; keeping the first", "file", path, "line", line, "step", k.String())
			continue
		}
		done[k] = p
	}
	return done, false, nil
}

// writeReports writes report.json, report.md and report.html to dir.
func writeReports(dir string, rep *Report) error {
	for name, write := range map[string]func(io.Writer) error{
		"report.json": rep.WriteJSON, "report.md": rep.WriteMarkdown, "report.html": rep.WriteHTML,
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return fmt.Errorf("aitw: %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("aitw: %w", err)
		}
	}
	return nil
}
