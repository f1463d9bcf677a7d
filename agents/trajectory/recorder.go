package trajectory

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	xdraw "golang.org/x/image/draw"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// Status says whether a run is still going.
type Status string

// Run statuses.
const (
	StatusRunning  Status = "running"  // the run has not ended (or was killed: see Load)
	StatusFinished Status = "finished" // the run ended and run.json holds its outcome
)

// Run is the content of run.json.
type Run struct {
	Format   int             `json:"format"` // format.Version
	Status   Status          `json:"status"`
	Task     string          `json:"task"`
	Model    string          `json:"model"`
	Device   string          `json:"device"`
	Settings agents.Settings `json:"settings"`
	Start    time.Time       `json:"start"`
	End      time.Time       `json:"end,omitzero"`
	Outcome  agents.Outcome  `json:"outcome,omitempty"`
	Answer   string          `json:"answer,omitempty"`
	Reason   string          `json:"reason,omitempty"`
	Notes    []string        `json:"notes,omitempty"`
	// Verification is the verify phase's verdict on a claimed completion.
	Verification *agents.Verification `json:"verification,omitempty"`
	Totals       agents.Totals        `json:"totals"`
	// Overhead is the mean time per step outside model calls.
	Overhead format.Millis `json:"overhead_per_step_ms"`
	// ModelCallsPerStep is the mean number of model calls per step.
	ModelCallsPerStep float64 `json:"model_calls_per_step"`
	Final             string  `json:"final_screenshot,omitempty"`
	// Error is the cause of an outcome unavailable or error (the reason
	// says it in words).
	Error string `json:"error,omitempty"`
	// Recovered is set by Load for a run that never finished (killed): its
	// totals were added up from steps.jsonl.
	Recovered bool `json:"-"`
}

// Config tunes a Recorder. The zero value works.
type Config struct {
	// Redactor scrubs everything written; nil means a fresh one (no
	// secrets known).
	Redactor *safety.Redactor
	// MaxSide is the longer side of saved screenshots in pixels; 0 means 720.
	MaxSide int
	// Quality is the JPEG quality; 0 means 70.
	Quality int
	// NoMarks skips the set-of-mark images.
	NoMarks bool
}

// Recorder writes a run directory. Create it with Create and add it to
// agents.Config.Observers.
type Recorder struct {
	dir   string
	cfg   Config
	red   *safety.Redactor
	mu    sync.Mutex
	run   Run
	steps *os.File
	calls *os.File
	last  image.Image // the latest screen, for final.jpg
	errMu sync.Mutex
	err   error // the first write error

	// Steps are written by one goroutine, off the agent's path; Flush
	// waits for it.
	queue   chan *agents.Step
	pending sync.WaitGroup
	closed  bool
}

var (
	_ agents.Observer = (*Recorder)(nil)
	_ agents.Flusher  = (*Recorder)(nil)
)

// Create makes dir (which must not hold a run already) and returns a
// Recorder writing into it.
func Create(dir string, cfg Config) (*Recorder, error) {
	if _, err := os.Stat(filepath.Join(dir, "run.json")); err == nil {
		return nil, fmt.Errorf("trajectory: %s already holds a run; choose another run directory", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "images"), 0o755); err != nil {
		return nil, fmt.Errorf("trajectory: create the run directory: %w", err)
	}
	if cfg.MaxSide <= 0 {
		cfg.MaxSide = 720
	}
	if cfg.Quality <= 0 {
		cfg.Quality = 70
	}
	r := &Recorder{dir: dir, cfg: cfg, red: cfg.Redactor, queue: make(chan *agents.Step, 64)}
	if r.red == nil {
		r.red = &safety.Redactor{}
	}
	var err error
	if r.steps, err = os.OpenFile(filepath.Join(dir, "steps.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	if r.calls, err = os.OpenFile(filepath.Join(dir, "calls.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		r.steps.Close()
		return nil, fmt.Errorf("trajectory: %w", err)
	}
	go r.writer()
	return r, nil
}

// writer writes queued steps in order.
func (r *Recorder) writer() {
	for st := range r.queue {
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("trajectory: writing step %d panicked: %v", st.Index, p)
				}
			}()
			return r.writeStep(st)
		}()
		r.keep(err)
		r.pending.Done()
	}
}

// Dir is the run directory.
func (r *Recorder) Dir() string { return r.dir }

// OnEvent records run starts, steps and run ends.
func (r *Recorder) OnEvent(e agents.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Phase {
	case agents.PhaseRunStart:
		ri := e.Run
		r.run = Run{Format: format.Version, Status: StatusRunning, Task: ri.Task, Model: ri.Model, Device: ri.Device, Settings: ri.Settings, Start: ri.Start}
		r.keep(r.writeRun())
	case agents.PhaseObserve:
		if e.Obs != nil && e.Obs.Screen != nil {
			r.last = e.Obs.Screen.Image
		}
	case agents.PhaseStep:
		if e.Record != nil && !r.closed {
			// The record is written now, so a run killed a moment later
			// keeps every finished step; its images follow off the
			// agent's path, under the names the record gives them.
			st := *e.Record // the agent is done with it; the images are not changed later
			r.nameImages(&st)
			r.keep(r.writeRecord(&st))
			r.pending.Add(1)
			r.queue <- &st
		}
	case agents.PhaseRunEnd:
		r.mu.Unlock()
		r.pending.Wait() // run.json comes after every step
		r.mu.Lock()
		res := e.Result
		r.run.Status, r.run.End = StatusFinished, res.End
		r.run.Outcome, r.run.Answer, r.run.Reason, r.run.Notes, r.run.Verification = res.Outcome, res.Answer, res.Reason, res.Notes, res.Verification
		r.run.setTotals(res.Totals)
		var stop *agents.StopError
		if errors.As(e.Err, &stop) && stop.Err != nil {
			r.run.Error = r.red.String(stop.Err.Error())
		}
		if r.last != nil {
			name := "images/final.jpg"
			if err := r.writeJPEG(name, r.last); err == nil {
				r.run.Final = name
			} else {
				r.keep(err)
			}
		}
		r.keep(r.writeRun())
	}
}

func (r *Recorder) keep(err error) {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	if err != nil && r.err == nil {
		r.err = err
	}
}

// Flush waits for the queued steps, syncs the files and reports the first
// error any write met.
func (r *Recorder) Flush() error {
	r.pending.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keep(r.steps.Sync())
	r.keep(r.calls.Sync())
	r.errMu.Lock()
	defer r.errMu.Unlock()
	return r.err
}

// Close flushes and closes the files. Events after Close are ignored.
func (r *Recorder) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	err := r.Flush()
	close(r.queue)
	return errors.Join(err, r.steps.Close(), r.calls.Close())
}

func (r *Recorder) writeRun() error {
	b, err := json.MarshalIndent(r.run, "", "  ")
	if err != nil {
		return err
	}
	b = r.red.Bytes(append(b, '\n'))
	tmp := filepath.Join(r.dir, "run.json.tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("trajectory: %w", err)
	}
	return os.Rename(tmp, filepath.Join(r.dir, "run.json"))
}

// nameImages sets the file names of the step's screenshot and
// set-of-mark image, which writeImages writes.
func (r *Recorder) nameImages(st *agents.Step) {
	if st.Image != nil {
		st.Screenshot = fmt.Sprintf("images/step-%03d.jpg", st.Index)
	}
	if !r.cfg.NoMarks && (st.MarksImage != nil || st.Image != nil) {
		st.Marks = fmt.Sprintf("images/step-%03d-som.jpg", st.Index)
	}
}

// writeRecord appends the step's line to steps.jsonl and its model calls
// to calls.jsonl.
func (r *Recorder) writeRecord(st *agents.Step) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("trajectory: step %d: %w", st.Index, err)
	}
	if _, err := r.steps.Write(r.red.Bytes(append(b, '\n'))); err != nil {
		return fmt.Errorf("trajectory: write steps.jsonl: %w", err)
	}
	for _, c := range st.Calls {
		line := struct {
			Format int `json:"format"`
			Step   int `json:"step"`
			agents.Call
		}{format.Version, st.Index, c}
		b, err := json.Marshal(line)
		if err != nil {
			return err
		}
		if _, err := r.calls.Write(r.red.Bytes(append(b, '\n'))); err != nil {
			return fmt.Errorf("trajectory: write calls.jsonl: %w", err)
		}
	}
	return nil
}

// writeStep writes the step's images under the names nameImages gave.
func (r *Recorder) writeStep(st *agents.Step) error {
	if st == nil || st.Image == nil && st.MarksImage == nil {
		return nil
	}
	var small *image.RGBA
	if st.Image != nil {
		small = shrink(st.Image, r.cfg.MaxSide)
		if err := r.writeJPEG(st.Screenshot, small); err != nil {
			return err
		}
	}
	if st.Marks == "" {
		return nil
	}
	marks := st.MarksImage
	if marks == nil {
		// Without vision the model saw no image; draw the set-of-mark image
		// for the trajectory here, off the agent's path, on the shrunk
		// screenshot.
		m, _, err := perception.DrawMarks(small, scaleElements(st.Elements, st.Image.Bounds(), small.Bounds()), perception.MarkOptions{})
		if err != nil {
			return fmt.Errorf("trajectory: step %d: set-of-mark image: %w", st.Index, err)
		}
		marks = m
	}
	return r.writeJPEG(st.Marks, marks)
}

func (r *Recorder) writeJPEG(name string, img image.Image) error {
	f, err := os.Create(filepath.Join(r.dir, name))
	if err != nil {
		return fmt.Errorf("trajectory: %w", err)
	}
	if err := encodeJPEG(f, img, r.cfg.MaxSide, r.cfg.Quality); err != nil {
		f.Close()
		return fmt.Errorf("trajectory: %s: %w", name, err)
	}
	return f.Close()
}

// encodeJPEG writes img downscaled so its longer side is at most maxSide.
func encodeJPEG(w io.Writer, img image.Image, maxSide, quality int) error {
	return jpeg.Encode(w, shrink(img, maxSide), &jpeg.Options{Quality: quality})
}

// shrink returns img with its longer side at most maxSide, by averaging
// whole blocks of pixels (a box filter: sharp text stays legible, and it
// reads each source pixel once, several times faster than interpolating).
// The block side is the smallest integer that fits, so the result may be
// a little smaller than maxSide.
func shrink(img image.Image, maxSide int) *image.RGBA {
	b := img.Bounds()
	k := (max(b.Dx(), b.Dy()) + maxSide - 1) / maxSide
	if k <= 1 {
		out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		xdraw.Draw(out, out.Bounds(), img, b.Min, xdraw.Src)
		return out
	}
	// Screenshots are opaque, so RGBA and NRGBA pixels average alike.
	var pix []byte
	var stride int
	switch s := img.(type) {
	case *image.RGBA:
		pix, stride = s.Pix[s.PixOffset(b.Min.X, b.Min.Y):], s.Stride
	case *image.NRGBA:
		pix, stride = s.Pix[s.PixOffset(b.Min.X, b.Min.Y):], s.Stride
	default:
		c := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		xdraw.Draw(c, c.Bounds(), img, b.Min, xdraw.Src)
		pix, stride = c.Pix, c.Stride
	}
	dw, dh := b.Dx()/k, b.Dy()/k
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// Blocks of 4 pixels and more are sampled on a grid of every other
	// pixel: the average barely changes and the reading halves twice.
	step := 1
	if k >= 4 {
		step = 2
	}
	sums := make([]uint32, 4*dw)
	n := uint32(((k + step - 1) / step) * ((k + step - 1) / step))
	for oy := 0; oy < dh; oy++ {
		clear(sums)
		for dy := 0; dy < k; dy += step {
			row := pix[(oy*k+dy)*stride : (oy*k+dy)*stride+dw*k*4]
			for ox := 0; ox < dw; ox++ {
				var r, g, bl, a uint32
				for i := ox * k * 4; i < (ox+1)*k*4; i += 4 * step {
					r += uint32(row[i])
					g += uint32(row[i+1])
					bl += uint32(row[i+2])
					a += uint32(row[i+3])
				}
				sums[ox*4] += r
				sums[ox*4+1] += g
				sums[ox*4+2] += bl
				sums[ox*4+3] += a
			}
		}
		drow := out.Pix[oy*out.Stride : oy*out.Stride+4*dw]
		for i, v := range sums {
			drow[i] = uint8(v / n)
		}
	}
	return out
}

// scaleElements maps element bounds from one image size to another.
func scaleElements(els []perception.Element, from, to image.Rectangle) []perception.Element {
	out := make([]perception.Element, len(els))
	sx := func(v int) int { return (v - from.Min.X) * to.Dx() / max(1, from.Dx()) }
	sy := func(v int) int { return (v - from.Min.Y) * to.Dy() / max(1, from.Dy()) }
	for i, e := range els {
		e.Bounds = image.Rect(sx(e.Bounds.Min.X), sy(e.Bounds.Min.Y), sx(e.Bounds.Max.X), sy(e.Bounds.Max.Y))
		out[i] = e
	}
	return out
}

func (run *Run) setTotals(t agents.Totals) {
	run.Totals = t
	run.Overhead = format.Ms(t.Overhead())
	run.ModelCallsPerStep = 0
	if t.Steps > 0 {
		run.ModelCallsPerStep = float64(t.ModelCalls) / float64(t.Steps)
	}
}

// ErrOldFormat is returned by Load for a run directory written in a format
// this version cannot read.
var ErrOldFormat = errors.New("trajectory: the run directory is in an older format")

// Load reads a run directory. A run that never finished (the process was
// killed) is loaded with the steps that were written, its totals added up
// from them and Recovered set.
func Load(dir string) (*Run, []agents.Step, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("trajectory: %s is not a run directory (no run.json): %w", dir, err)
	}
	var head struct {
		Format int `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, nil, fmt.Errorf("trajectory: %s/run.json is not valid JSON (%v); the file is damaged", dir, err)
	}
	if head.Format != format.Version {
		return nil, nil, fmt.Errorf("%w: %s/run.json is format %d and this mobagent reads format %d (docs/formats.md lists the changes); its report.html was written when it ran, or run the task again",
			ErrOldFormat, dir, head.Format, format.Version)
	}
	var run Run
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, nil, fmt.Errorf("trajectory: %s/run.json: %w", dir, err)
	}
	f, err := os.Open(filepath.Join(dir, "steps.jsonl"))
	if err != nil {
		return &run, nil, fmt.Errorf("trajectory: %w", err)
	}
	defer f.Close()
	var steps []agents.Step
	dec := json.NewDecoder(f)
	for {
		var st agents.Step
		if err := dec.Decode(&st); err == io.EOF {
			break
		} else if err != nil {
			// A crash can leave a torn last line; keep what is whole.
			if len(steps) > 0 && errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			return &run, steps, fmt.Errorf("trajectory: %s/steps.jsonl after step %d: %w", dir, len(steps), err)
		}
		steps = append(steps, st)
	}
	if run.Status == StatusRunning {
		var t agents.Totals
		for i := range steps {
			t.Add(&steps[i])
		}
		if n := len(steps); n > 0 {
			last := steps[n-1]
			t.Duration = format.Ms(last.Start.Add(last.Timings.Total.D()).Sub(run.Start))
		}
		run.setTotals(t)
		run.Recovered = true
	}
	return &run, steps, nil
}
