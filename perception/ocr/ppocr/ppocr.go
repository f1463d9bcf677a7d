package ppocr

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/mobagent/mobagent/perception/ocr"
)

var _ ocr.Engine = (*Engine)(nil)

// The files New looks for in Config.Dir.
const (
	DetModel   = "ch_PP-OCRv4_det_infer.onnx"
	RecModel   = "ch_PP-OCRv4_rec_infer.onnx"
	Keys       = "ppocr_keys_v1.txt"
	Library    = "libonnxruntime.so.1"
	DirEnv     = "MOBAGENT_PPOCR_DIR"
	DefaultDir = "/usr/local/share/mobagent/ppocr"
)

// ErrNotInstalled is wrapped by New's error when the models or the
// runtime are missing.
var ErrNotInstalled = errors.New("ppocr: PP-OCR is not installed")

// ErrClosed is returned by Recognize after Close.
var ErrClosed = errors.New("ppocr: engine is closed")

// Config configures an Engine. The zero value works once the files are
// installed (scripts/deps.sh --with-ppocr).
type Config struct {
	// Dir holds the models, the character list and the runtime library;
	// "" means $MOBAGENT_PPOCR_DIR, else /usr/local/share/mobagent/ppocr.
	Dir string
	// Threads bounds ONNX Runtime's threads per call; 0 means GOMAXPROCS,
	// at most 4.
	Threads int
	// DetWidth is the width a screen is read at for detection; 0 means 736
	// (a 1080-px screen at two thirds: body text stays about 20 px tall).
	DetWidth int
	// MinConfidence drops lines under it (0..1); 0 means 0.5.
	MinConfidence float64
}

// Dir is where New looks for the files with cfg.Dir empty.
func (cfg Config) dir() string {
	if cfg.Dir != "" {
		return cfg.Dir
	}
	if d := os.Getenv(DirEnv); d != "" {
		return d
	}
	return DefaultDir
}

// Engine is a PP-OCR ocr.Engine. It is safe for concurrent use; Close
// frees its sessions.
type Engine struct {
	cfg  Config
	keys []string
	det  *ort.DynamicAdvancedSession
	rec  *ort.DynamicAdvancedSession

	mu     sync.RWMutex
	closed bool
}

var (
	envOnce sync.Once
	envErr  error
	envLib  string
)

// Installed reports whether the files New needs are in cfg's folder, and
// names the first one missing.
func Installed(cfg Config) (bool, string) {
	d := cfg.dir()
	for _, f := range []string{DetModel, RecModel, Keys, Library} {
		if fi, err := os.Stat(filepath.Join(d, f)); err != nil || fi.IsDir() {
			return false, filepath.Join(d, f)
		}
	}
	return true, ""
}

// New loads the models. It fails with ErrNotInstalled when a file is
// missing, naming it and the fix.
func New(cfg Config) (*Engine, error) {
	if cfg.Threads <= 0 {
		cfg.Threads = min(runtime.GOMAXPROCS(0), 4)
	}
	if cfg.DetWidth <= 0 {
		cfg.DetWidth = 736
	}
	if cfg.MinConfidence <= 0 {
		cfg.MinConfidence = 0.5
	}
	if ok, missing := Installed(cfg); !ok {
		return nil, fmt.Errorf("%w: %s is missing; run ./scripts/deps.sh --with-ppocr (or set %s to the folder holding %s, %s, %s and %s)",
			ErrNotInstalled, missing, DirEnv, DetModel, RecModel, Keys, Library)
	}
	d := cfg.dir()
	lib := filepath.Join(d, Library)
	envOnce.Do(func() {
		envLib = lib
		ort.SetSharedLibraryPath(lib)
		envErr = ort.InitializeEnvironment(ort.WithLogLevelError())
	})
	if envErr != nil {
		return nil, fmt.Errorf("ppocr: ONNX Runtime %s: %w", envLib, envErr)
	}
	kb, err := os.ReadFile(filepath.Join(d, Keys))
	if err != nil {
		return nil, fmt.Errorf("ppocr: %w", err)
	}
	keys, err := parseKeys(kb)
	if err != nil {
		return nil, fmt.Errorf("ppocr: %s: %w", Keys, err)
	}
	e := &Engine{cfg: cfg, keys: keys}
	if e.det, err = session(filepath.Join(d, DetModel), cfg.Threads); err != nil {
		return nil, err
	}
	if e.rec, err = session(filepath.Join(d, RecModel), cfg.Threads); err != nil {
		e.det.Destroy()
		return nil, err
	}
	return e, nil
}

func session(path string, threads int) (*ort.DynamicAdvancedSession, error) {
	in, out, err := ort.GetInputOutputInfo(path)
	if err != nil {
		return nil, fmt.Errorf("ppocr: read %s: %w", path, err)
	}
	if len(in) != 1 || len(out) < 1 {
		return nil, fmt.Errorf("ppocr: %s has %d inputs and %d outputs, want 1 and 1", path, len(in), len(out))
	}
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, fmt.Errorf("ppocr: %w", err)
	}
	defer so.Destroy()
	if err := so.SetIntraOpNumThreads(threads); err != nil {
		return nil, fmt.Errorf("ppocr: %w", err)
	}
	if err := so.SetInterOpNumThreads(1); err != nil {
		return nil, fmt.Errorf("ppocr: %w", err)
	}
	s, err := ort.NewDynamicAdvancedSession(path, []string{in[0].Name}, []string{out[0].Name}, so)
	if err != nil {
		return nil, fmt.Errorf("ppocr: load %s: %w", path, err)
	}
	return s, nil
}

// Close frees the sessions; calls in flight finish first.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	return errors.Join(e.det.Destroy(), e.rec.Destroy())
}

// Recognize detects the text lines of img (or only those touching
// opts.Areas, when given) and reads each. opts.Languages and opts.Regions
// are not used: the models read one fixed alphabet, and detection finds
// light text on colour without help.
func (e *Engine) Recognize(ctx context.Context, img image.Image, opts ocr.Options) ([]ocr.Line, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, ErrClosed
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, nil
	}
	minConf := opts.MinConfidence
	if minConf <= 0 {
		minConf = e.cfg.MinConfidence
	}
	scale := min(1, float64(e.cfg.DetWidth)/float64(b.Dx()))
	srcs := []image.Rectangle{b}
	if len(opts.Areas) > 0 {
		srcs = srcs[:0]
		for _, a := range opts.Areas {
			if a = a.Intersect(b); a.Dx() >= 8 && a.Dy() >= 8 {
				srcs = append(srcs, a)
			}
		}
	}
	var boxes []image.Rectangle
	for _, src := range srcs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bs, err := e.detect(img, src, scale)
		if err != nil {
			return nil, err
		}
		boxes = append(boxes, bs...)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	lines, err := e.recognize(ctx, img, boxes, minConf)
	if err != nil {
		return nil, err
	}
	ocr.SortLines(lines)
	return lines, nil
}

func (e *Engine) detect(img image.Image, src image.Rectangle, scale float64) ([]image.Rectangle, error) {
	w, h := detSize(src.Dx(), src.Dy(), scale)
	data := make([]float32, 3*w*h)
	resizeCHW(img, src, data, w, h, w, h, detMean, detStd)
	in, err := ort.NewTensor(ort.NewShape(1, 3, int64(h), int64(w)), data)
	if err != nil {
		return nil, fmt.Errorf("ppocr: detection input: %w", err)
	}
	defer in.Destroy()
	outs := []ort.Value{nil}
	if err := e.det.Run([]ort.Value{in}, outs); err != nil {
		return nil, fmt.Errorf("ppocr: detection: %w", err)
	}
	defer outs[0].Destroy()
	t, ok := outs[0].(*ort.Tensor[float32])
	if !ok {
		return nil, fmt.Errorf("ppocr: detection output is %T, want a float tensor", outs[0])
	}
	sh := t.GetShape()
	if len(sh) != 4 || int(sh[2]) != h || int(sh[3]) != w {
		return nil, fmt.Errorf("ppocr: detection output shape %v, want [1 1 %d %d]", sh, h, w)
	}
	var out []image.Rectangle
	for _, bx := range detBoxes(t.GetData(), w, h) {
		if r := toSource(bx, src, w, h); r.Dx() >= 4 && r.Dy() >= 4 {
			out = append(out, r)
		}
	}
	return out, nil
}

// recBatch is how many lines are read per call.
const recBatch = 8

func (e *Engine) recognize(ctx context.Context, img image.Image, boxes []image.Rectangle, minConf float64) ([]ocr.Line, error) {
	idx := make([]int, len(boxes))
	for i := range idx {
		idx[i] = i
	}
	// Lines of similar widths share a batch, so little is padding.
	sort.SliceStable(idx, func(a, b int) bool {
		return recWidth(boxes[idx[a]].Dx(), boxes[idx[a]].Dy()) < recWidth(boxes[idx[b]].Dx(), boxes[idx[b]].Dy())
	})
	var lines []ocr.Line
	for start := 0; start < len(idx); start += recBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		batch := idx[start:min(len(idx), start+recBatch)]
		widths := make([]int, len(batch))
		maxW := 0
		for i, k := range batch {
			widths[i] = recWidth(boxes[k].Dx(), boxes[k].Dy())
			maxW = max(maxW, widths[i])
		}
		plane := 3 * recHeight * maxW
		data := make([]float32, len(batch)*plane)
		for i, k := range batch {
			resizeCHW(img, boxes[k], data[i*plane:(i+1)*plane], maxW, recHeight, widths[i], recHeight, recMean, recStd)
		}
		in, err := ort.NewTensor(ort.NewShape(int64(len(batch)), 3, recHeight, int64(maxW)), data)
		if err != nil {
			return nil, fmt.Errorf("ppocr: recognition input: %w", err)
		}
		outs := []ort.Value{nil}
		err = e.rec.Run([]ort.Value{in}, outs)
		in.Destroy()
		if err != nil {
			return nil, fmt.Errorf("ppocr: recognition: %w", err)
		}
		t, ok := outs[0].(*ort.Tensor[float32])
		if !ok {
			outs[0].Destroy()
			return nil, fmt.Errorf("ppocr: recognition output is %T, want a float tensor", outs[0])
		}
		sh := t.GetShape()
		if len(sh) != 3 || int(sh[0]) != len(batch) || int(sh[2]) < len(e.keys)+1 {
			t.Destroy()
			return nil, fmt.Errorf("ppocr: recognition output shape %v, want [%d T %d]", sh, len(batch), len(e.keys)+2)
		}
		steps, classes := int(sh[1]), int(sh[2])
		all := t.GetData()
		for i, k := range batch {
			d := ctcDecode(all[i*steps*classes:(i+1)*steps*classes], steps, classes, e.keys)
			inputW := widths[i]
			box := boxes[k]
			scale := float64(box.Dx()) / float64(inputW)
			center := func(step int) int { return box.Min.X + int((float64(step*recStride)+recStride/2)*scale) }
			d = splitAtGaps(d, inkColumns(img, box), box.Dy(), center, box.Min.X)
			if l, ok := toLine(d, boxes[k], inputW, minConf); ok {
				lines = append(lines, l)
			}
		}
		t.Destroy()
	}
	return lines, nil
}
