package tesseract

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/otiai10/gosseract/v2"
	"golang.org/x/sync/errgroup"

	"github.com/mobagent/mobagent/perception/ocr"
)

var _ ocr.Engine = (*Engine)(nil)

// ErrClosed is returned by Recognize after Close.
var ErrClosed = errors.New("tesseract: engine is closed")

// Config configures an Engine. The zero value works: English, one client per
// CPU (at most 4), default tessdata.
type Config struct {
	// Languages are the traineddata names, such as "eng" or "chi_sim";
	// nil means "eng".
	Languages []string
	// Workers is the number of Tesseract clients, which bounds how many
	// passes run at once; 0 means GOMAXPROCS, at most 4.
	Workers int
	// TessdataPrefix is the directory holding *.traineddata; "" uses
	// Tesseract's default.
	TessdataPrefix string
	// MinConfidence drops words below it (0..1) unless a call overrides it;
	// 0 means 0.4. Tesseract is unsure of names, amounts and dates on
	// screens (0.4 to 0.5 is common for correct readings of them); the
	// noise that low a threshold lets in is mostly tiny and is dropped by
	// size instead (see Recognize).
	MinConfidence float64
	// MaxRegions bounds the crop-and-read regions per call; 0 means 48.
	MaxRegions int
	// Binarization is how Tesseract separates text from background:
	// "otsu" (one threshold per band, Tesseract's own; the default),
	// "tiled" (Otsu per tile, Leptonica's) or "sauvola". Tiled reads
	// light-grey text and text on dimmed backgrounds that one threshold
	// loses (real screens: word recall 89.4% against 85.5%) but loses
	// light text on colour and photos (virtual phone: 96.7% against 97.8%)
	// and costs about half as much again; see docs/perception.md.
	Binarization string
	// StatusPass also reads the status bar strip at three times its size:
	// its clock and battery are too small for the page pass. It costs about
	// 13% more per full read (PerceiveADB), for about half a point of word
	// recall on the real screens, so it is off by default.
	StatusPass bool
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
}

// Engine is an ocr.Engine backed by a pool of Tesseract clients. It is safe
// for concurrent use; call Close when done to free the clients.
type Engine struct {
	cfg  Config
	log  *slog.Logger
	pool chan *client // holds Workers slots; a nil slot means "not created yet"

	mu     sync.Mutex
	closed bool
	all    []*client
}

type client struct {
	c     *gosseract.Client
	langs string
}

// New checks that the languages are installed and returns an Engine.
// Clients are created on first use.
func New(cfg Config) (*Engine, error) {
	if len(cfg.Languages) == 0 {
		cfg.Languages = []string{"eng"}
	}
	if cfg.Workers <= 0 {
		cfg.Workers = min(runtime.GOMAXPROCS(0), 4)
	}
	if cfg.MinConfidence <= 0 {
		cfg.MinConfidence = 0.4
	}
	if cfg.MaxRegions <= 0 {
		cfg.MaxRegions = 48
	}
	switch cfg.Binarization {
	case "":
		cfg.Binarization = "otsu"
	case "tiled", "otsu", "sauvola":
	default:
		return nil, fmt.Errorf("tesseract: binarization %q: use tiled, otsu or sauvola", cfg.Binarization)
	}
	if err := checkLanguages(cfg.Languages); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if !ThreadLimited() {
		log.Warn("OMP_THREAD_LIMIT is not set: Tesseract will be about 2.5x slower; start the process with OMP_THREAD_LIMIT=1")
	}
	e := &Engine{cfg: cfg, log: log, pool: make(chan *client, cfg.Workers)}
	for range cfg.Workers {
		e.pool <- nil
	}
	return e, nil
}

func checkLanguages(langs []string) error {
	have, err := gosseract.GetAvailableLanguages()
	if err != nil {
		return fmt.Errorf("tesseract: list installed languages: %w; install tesseract-ocr and its language data (apt-get install tesseract-ocr tesseract-ocr-eng)", err)
	}
	for _, l := range langs {
		if !slices.Contains(have, l) {
			return fmt.Errorf("tesseract: language %q is not installed (installed: %s); install it, for example apt-get install tesseract-ocr-%s, or set TESSDATA_PREFIX",
				l, strings.Join(have, ", "), strings.ReplaceAll(l, "_", "-"))
		}
	}
	return nil
}

// Close frees the Tesseract clients. Calls in flight finish first.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	e.mu.Unlock()
	// Take every slot back so no call is using a client.
	for range e.cfg.Workers {
		<-e.pool
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var errs []error
	for _, c := range e.all {
		errs = append(errs, c.c.Close())
	}
	e.all = nil
	return errors.Join(errs...)
}

func (e *Engine) acquire(ctx context.Context, langs []string) (*client, error) {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	var c *client
	select {
	case c = <-e.pool:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	want := strings.Join(langs, "+")
	if c == nil {
		gc := gosseract.NewClient()
		if e.cfg.TessdataPrefix != "" {
			_ = gc.SetTessdataPrefix(e.cfg.TessdataPrefix)
		}
		// Screens carry no DPI; saying 300 stops Tesseract guessing (and
		// printing its guess to stderr).
		_ = gc.SetVariable("user_defined_dpi", "300")
		_ = gc.SetVariable("thresholding_method", map[string]string{"otsu": "0", "tiled": "1", "sauvola": "2"}[e.cfg.Binarization])
		c = &client{c: gc}
		e.mu.Lock()
		e.all = append(e.all, c)
		e.mu.Unlock()
	}
	if c.langs != want {
		if err := c.c.SetLanguage(langs...); err != nil {
			e.pool <- c
			return nil, fmt.Errorf("tesseract: set languages %q: %w", want, err)
		}
		c.langs = want
	}
	return c, nil
}

func (e *Engine) release(c *client) { e.pool <- c }

// pass is one image handed to Tesseract and how to map its boxes back.
type pass struct {
	img    *image.Gray
	offset image.Point // screen position of the pass's (0,0)
	scale  float64     // pass pixels per screen pixel
	psm    gosseract.PageSegMode
	region bool
}

// Recognize reads img: a full pass split into horizontal bands read in
// parallel, then a crop-and-read pass per opts.Regions entry that the full
// pass did not read confidently. Word boxes are in img's coordinates. A
// Tesseract call cannot be interrupted; ctx is checked between calls.
func (e *Engine) Recognize(ctx context.Context, img image.Image, opts ocr.Options) ([]ocr.Line, error) {
	langs := opts.Languages
	if len(langs) == 0 {
		langs = e.cfg.Languages
	} else if err := checkLanguages(langs); err != nil {
		return nil, err
	}
	minConf := opts.MinConfidence
	if minConf <= 0 {
		minConf = e.cfg.MinConfidence
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, nil
	}
	grey := toGray(img)
	var full []ocr.Word
	if len(opts.Areas) > 0 {
		words, err := e.run(ctx, areaPasses(grey, opts.Areas, b), langs)
		if err != nil {
			return nil, err
		}
		full = dedupeWords(words)
	} else if !opts.RegionsOnly {
		passes := bandPasses(grey, e.cfg.Workers)
		if e.cfg.StatusPass {
			passes = append(passes, statusPass(grey))
		}
		words, err := e.run(ctx, passes, langs)
		if err != nil {
			return nil, err
		}
		full = dedupeWords(words)
	}
	var regionWords []ocr.Word
	if len(opts.Regions) > 0 {
		var passes []pass
		for _, r := range opts.Regions {
			r = r.Intersect(b)
			if r.Dx() < 8 || r.Dy() < 8 || readWell(full, r) {
				continue
			}
			passes = append(passes, regionPass(grey, r))
			if len(passes) == e.cfg.MaxRegions {
				break
			}
		}
		words, err := e.run(ctx, passes, langs)
		if err != nil {
			return nil, err
		}
		regionWords = words
	}
	keep := func(ws []ocr.Word) []ocr.Word {
		med := textHeight(ws)
		var out []ocr.Word
		for _, w := range ws {
			if w.Confidence >= minConf && meaningful(w) && !speck(w, ws, med) {
				out = append(out, w)
			}
		}
		return out
	}
	lines := ocr.GroupWords(keep(full), 0)
	if len(regionWords) > 0 {
		lines = ocr.Merge(lines, ocr.GroupWords(keep(regionWords), 0))
	}
	return lines, nil
}

// readWell reports whether the full pass already read r with confidence.
func readWell(words []ocr.Word, r image.Rectangle) bool {
	n, conf := 0, 0.0
	for _, w := range words {
		if w.Bounds.Overlaps(r) && w.Bounds.Intersect(r).Dx()*2 > w.Bounds.Dx() {
			n++
			conf += w.Confidence
		}
	}
	return n > 0 && conf/float64(n) >= 0.85
}

// meaningful drops the usual OCR noise: boxes of punctuation read off icon
// edges and dividers, and rings (a home key, a radio button, an outline
// icon) read as a lone O.
func meaningful(w ocr.Word) bool {
	t := strings.TrimSpace(w.Text)
	if t == "" {
		return false
	}
	if strings.ContainsAny(t, "oO0Q") && utf8.RuneCountInString(t) == 1 && w.Bounds.Dx()*20 >= w.Bounds.Dy()*17 {
		return false // as wide as tall: capital O and 0 are narrower, and a lone o is hardly a word
	}
	for _, r := range t {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return w.Confidence >= 0.9 && len(t) > 1
}

// run reads the passes on up to Workers clients at once.
func (e *Engine) run(ctx context.Context, passes []pass, langs []string) ([]ocr.Word, error) {
	if len(passes) == 0 {
		return nil, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.cfg.Workers)
	results := make([][]ocr.Word, len(passes))
	for i, p := range passes {
		g.Go(func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("tesseract: panic in OCR pass: %v", r)
				}
			}()
			if err := gctx.Err(); err != nil {
				return err
			}
			c, err := e.acquire(gctx, langs)
			if err != nil {
				return err
			}
			defer e.release(c)
			ws, err := readPass(c.c, p)
			if err != nil {
				return err
			}
			results[i] = ws
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []ocr.Word
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

func readPass(c *gosseract.Client, p pass) ([]ocr.Word, error) {
	if err := c.SetImageFromBytes(encodePGM(p.img)); err != nil {
		return nil, fmt.Errorf("tesseract: set image: %w", err)
	}
	// As a variable, not SetPageSegMode: a client initialises lazily on its
	// first read, and initialising resets a mode set before it, so the
	// first read of every client would use another mode than the rest.
	if err := c.SetVariable("tessedit_pageseg_mode", strconv.Itoa(int(p.psm))); err != nil {
		return nil, fmt.Errorf("tesseract: page segmentation mode: %w", err)
	}
	boxes, err := c.GetBoundingBoxesVerbose()
	if err != nil {
		return nil, fmt.Errorf("tesseract: recognise: %w", err)
	}
	out := make([]ocr.Word, 0, len(boxes))
	for _, bb := range boxes {
		t := strings.TrimSpace(bb.Word)
		if t == "" || bb.Confidence < 0 {
			continue
		}
		r := image.Rect(
			p.offset.X+int(float64(bb.Box.Min.X)/p.scale), p.offset.Y+int(float64(bb.Box.Min.Y)/p.scale),
			p.offset.X+int(float64(bb.Box.Max.X)/p.scale+0.999), p.offset.Y+int(float64(bb.Box.Max.Y)/p.scale+0.999))
		out = append(out, ocr.Word{Text: fixDigits(t), Bounds: r, Confidence: bb.Confidence / 100})
	}
	return out, nil
}

// textHeight is the median height of the words read with confidence, 0
// when there are none.
func textHeight(ws []ocr.Word) int {
	var hs []int
	for _, w := range ws {
		if w.Confidence >= 0.8 {
			hs = append(hs, w.Bounds.Dy())
		}
	}
	if len(hs) == 0 {
		return 0
	}
	slices.Sort(hs)
	return hs[len(hs)/2]
}

// speck reports a word of one or two characters, alone on its line, that
// is much shorter than the screen's text (under 60% of med, the median
// height) or unsure and not much taller: what Tesseract reads off rounded
// corners, switch tracks and icon strokes. Short words in a line of text
// ("as", "x", "on") have neighbours and stay.
func speck(w ocr.Word, ws []ocr.Word, med int) bool {
	if utf8.RuneCountInString(strings.TrimSpace(w.Text)) > 2 || med == 0 {
		return false
	}
	h := w.Bounds.Dy()
	if h*10 >= med*6 && (w.Confidence >= 0.6 || h*10 >= med*8) {
		return false
	}
	for _, o := range ws {
		if o.Bounds == w.Bounds || o.Confidence < 0.6 {
			continue
		}
		ov := min(o.Bounds.Max.Y, w.Bounds.Max.Y) - max(o.Bounds.Min.Y, w.Bounds.Min.Y)
		gap := max(o.Bounds.Min.X-w.Bounds.Max.X, w.Bounds.Min.X-o.Bounds.Max.X)
		if ov > 0 && gap < 2*med {
			return false
		}
	}
	return true
}

// fixDigits mends the commonest misreading of numbers: a zero read as O, Q
// or D, or a one read as l, I or |, in a word that is otherwise digits and
// number punctuation ("Q9:41", "1O%", "2O26").
func fixDigits(t string) string {
	digits, swaps := 0, 0
	for _, r := range t {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("OoQDlI|", r):
			swaps++
		case strings.ContainsRune(":/.,-+%$€£()", r):
		default:
			return t
		}
	}
	if swaps == 0 || digits < 2 || swaps > digits {
		return t
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case 'O', 'o', 'Q', 'D':
			return '0'
		case 'l', 'I', '|':
			return '1'
		}
		return r
	}, t)
}

// dedupeWords drops words read twice where bands overlap, keeping the more
// confident reading.
func dedupeWords(ws []ocr.Word) []ocr.Word {
	var out []ocr.Word
	for _, w := range ws {
		dup := false
		for i, k := range out {
			in := w.Bounds.Intersect(k.Bounds)
			if !in.Empty() && 2*in.Dx()*in.Dy() > min(w.Bounds.Dx()*w.Bounds.Dy(), k.Bounds.Dx()*k.Bounds.Dy()) {
				dup = true
				if w.Confidence > k.Confidence {
					out[i] = w
				}
				break
			}
		}
		if !dup {
			out = append(out, w)
		}
	}
	return out
}
