package realeval

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/vision"
)

// Options configure Run. Engine is required.
type Options struct {
	// Engine reads text; its name goes into the report.
	Engine ocr.Engine
	// EngineName names the engine in reports ("tesseract", "ppocr").
	EngineName string
	// Languages override each screen's languages (its truth's lang line).
	Languages []string
}

// Result is the score of one real screen.
type Result struct {
	Screen string `json:"screen"`
	Group  Group  `json:"group"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	// Languages the screen was read with.
	Languages []string `json:"languages"`
	// OCR scores what OCR reads of the whole screen (as perception reads it
	// with OCR forced on: the full pass, the button crops, and perception's
	// noise filter) against the drawn words.
	OCR WordScore `json:"ocr"`
	// Agent scores the screen an agent is given (OCR as the auto policy
	// decides); see AgentScore.
	Agent AgentScore `json:"agent"`
	// OCRTime is the time of the OCR read; PerceiveTime that of a full
	// perception in auto mode, from the decoded image and dump.
	OCRTime      time.Duration `json:"-"`
	PerceiveTime time.Duration `json:"-"`
	OCRMs        float64       `json:"ocr_ms"`
	PerceiveMs   float64       `json:"perceive_ms"`
}

// Run scores every case. progress, when not nil, is called after each.
func Run(ctx context.Context, cases []Case, opts Options, progress func(Result)) ([]Result, error) {
	if opts.Engine == nil {
		return nil, fmt.Errorf("realeval: no OCR engine")
	}
	var out []Result
	for _, c := range cases {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r, err := Evaluate(ctx, c, opts)
		if err != nil {
			return out, fmt.Errorf("%s: %w", c.Name, err)
		}
		out = append(out, r)
		if progress != nil {
			progress(r)
		}
	}
	return out, nil
}

// Evaluate scores one case.
func Evaluate(ctx context.Context, c Case, opts Options) (Result, error) {
	langs := opts.Languages
	if len(langs) == 0 {
		langs = c.Truth.Languages
	}
	b := c.Image.Bounds()
	r := Result{Screen: c.Name, Group: c.Truth.Group, Width: b.Dx(), Height: b.Dy(), Languages: langs}

	h, err := perception.ParseHierarchy(c.Dump, perception.HierarchyOptions{Screen: b.Size()})
	if err != nil {
		return r, fmt.Errorf("dump: %w", err)
	}
	t0 := time.Now()
	lines, err := ReadScreen(ctx, opts.Engine, c.Image, h, langs)
	if err != nil {
		return r, err
	}
	r.OCRTime = time.Since(t0)
	r.OCR = ScoreWords(c.Truth, lines)

	p := &perception.Perceiver{OCR: opts.Engine}
	t0 = time.Now()
	scr, err := p.Perceive(ctx, perception.StaticSource{Image: c.Image, Hierarchy: c.Dump},
		perception.PerceiveOptions{OCR: perception.OCRAuto, OCRLanguages: langs})
	if err != nil {
		return r, fmt.Errorf("perceive: %w", err)
	}
	r.PerceiveTime = time.Since(t0)
	r.Agent = ScoreAgent(c.Truth, h, scr)
	plan := perception.PlanOCR(h, b, perception.PlanOptions{})
	if plan.Full {
		r.Agent.Plan = []string{"full"}
	}
	for i, a := range plan.Areas {
		r.Agent.Plan = append(r.Agent.Plan, fmt.Sprintf("%s %v", plan.Reasons[i], perception.RectOf(a)))
	}
	r.OCRMs = ms(r.OCRTime)
	r.PerceiveMs = ms(r.PerceiveTime)
	return r, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ReadScreen reads img as perception does with OCR forced on: vision finds
// the filled buttons, OCR reads the full screen and those crops, and
// perception drops the noise (see perception.CleanOCR), and in the status
// bar strip, when the dump h holds no status bar, all but clocks and
// percentages (h may be nil).
func ReadScreen(ctx context.Context, engine ocr.Engine, img image.Image, h *perception.Hierarchy, langs []string) ([]ocr.Line, error) {
	regions, err := vision.Detect(ctx, img, vision.Options{})
	if err != nil {
		return nil, fmt.Errorf("vision: %w", err)
	}
	lines, err := engine.Recognize(ctx, img, ocr.Options{Languages: langs, Regions: perception.ButtonRegions(regions)})
	if err != nil {
		return nil, fmt.Errorf("OCR: %w", err)
	}
	lines = perception.CleanOCR(lines, img.Bounds(), regions)
	if h != nil {
		lines = perception.KeepStatusText(lines, perception.PlanOCR(h, img.Bounds(), perception.PlanOptions{}).Status)
	}
	return lines, nil
}
