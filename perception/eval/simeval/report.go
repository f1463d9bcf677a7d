package simeval

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/sim"
)

// The perception issue's targets.
const (
	TargetOCRRecall      = 0.97 // OCR word recall, all apps, light and dark
	TargetOCRPrecision   = 0.95 // OCR word precision, same screens
	TargetClickables     = 1.0  // fused elements vs the dump's clickable set
	TargetWebTexts       = 0.90 // visible web text blocks found by OCR + vision
	TargetTokens         = 800  // median text rendering, estimated tokens
	TargetPerceiveOCR    = 250 * time.Millisecond
	TargetPerceiveNoOCR  = 50 * time.Millisecond
	defaultTimingScreen  = "settings-main"
	defaultTimingMinRuns = 3
)

// Run reaches every screen of screens in the light and the dark theme on a
// new phone (cfg) and scores it. progress, when not nil, is called after each
// screen.
func Run(ctx context.Context, engine ocr.Engine, screens []Screen, cfg sim.Config, progress func(Result)) ([]Result, error) {
	var out []Result
	for _, s := range screens {
		for _, dark := range []bool{false, true} {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			p, err := Reach(s, dark, cfg)
			if err != nil {
				return out, err
			}
			r, err := Evaluate(ctx, p, engine)
			if err != nil {
				return out, fmt.Errorf("%s (dark %v): %w", s.Name, dark, err)
			}
			r.Screen, r.Dark, r.Web = s.Name, dark, s.Web
			out = append(out, r)
			if progress != nil {
				progress(r)
			}
		}
	}
	return out, nil
}

// Timing is the time of full perceptions through an adb server.
type Timing struct {
	Device string `json:"device"`
	Runs   int    `json:"runs"`
	// Medians of the wall time, with OCR forced on and with OCR off.
	OCR   time.Duration `json:"ocr_ns"`
	NoOCR time.Duration `json:"no_ocr_ns"`
	// CPU time of the process per perception (all threads), which a busy
	// machine inflates less than the wall time.
	OCRCPU   time.Duration `json:"ocr_cpu_ns"`
	NoOCRCPU time.Duration `json:"no_ocr_cpu_ns"`
	// Load is the machine's 1-minute load average when timing ended (0
	// where unknown): above the number of cores, timings are inflated.
	Load    float64 `json:"load"`
	Skipped string  `json:"skipped,omitempty"` // why there is no timing
}

// Summary is the sum over many screens, with the targets' figures.
type Summary struct {
	Screens      int      `json:"screens"`
	OCR          OCRScore `json:"ocr"`
	Clickables   int      `json:"clickables"`
	Kept         int      `json:"kept"`
	WebTexts     int      `json:"web_texts"`
	Found        int      `json:"found"`
	MedianTokens int      `json:"median_tokens"`
	MaxTokens    int      `json:"max_tokens"`
	Timing       *Timing  `json:"timing,omitempty"`
	Results      []Result `json:"results"`
}

// Summarize adds up rs.
func Summarize(rs []Result) Summary {
	s := Summary{Screens: len(rs), Results: rs}
	var tokens []int
	for _, r := range rs {
		o := r.OCR
		o.Missed, o.Spurious = nil, nil
		s.OCR.Add(o)
		s.Clickables += r.Clickables
		s.Kept += r.Kept
		s.WebTexts += r.WebTexts
		s.Found += r.Found
		tokens = append(tokens, r.Tokens)
	}
	if len(tokens) > 0 {
		slices.Sort(tokens)
		s.MedianTokens = tokens[len(tokens)/2]
		s.MaxTokens = tokens[len(tokens)-1]
	}
	return s
}

// Figure is one measured figure against its target.
type Figure struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	Target  string `json:"target"`
	Pass    bool   `json:"pass"`
	Skipped bool   `json:"skipped,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

// Figures are the summary's figures in the order.
func (s Summary) Figures() []Figure {
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	fs := []Figure{
		{Name: "OCR word recall", Value: pct(s.OCR.Recall()), Target: "≥ 97%", Pass: s.OCR.Recall() >= TargetOCRRecall,
			Detail: fmt.Sprintf("%d/%d words, %d screens", s.OCR.Read, s.OCR.Truth, s.Screens)},
		{Name: "OCR word precision", Value: pct(s.OCR.Precision()), Target: "≥ 95%", Pass: s.OCR.Precision() >= TargetOCRPrecision,
			Detail: fmt.Sprintf("%d/%d words", s.OCR.Correct, s.OCR.Returned)},
		{Name: "Clickable nodes kept by fusion", Value: pct(ratio(s.Kept, s.Clickables)), Target: "100%", Pass: s.Kept >= s.Clickables,
			Detail: fmt.Sprintf("%d/%d", s.Kept, s.Clickables)},
		{Name: "Web text blocks found", Value: pct(ratio(s.Found, s.WebTexts)), Target: "≥ 90%", Pass: ratio(s.Found, s.WebTexts) >= TargetWebTexts,
			Detail: fmt.Sprintf("%d/%d", s.Found, s.WebTexts)},
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	switch t := s.Timing; {
	case t == nil:
		fs = append(fs, Figure{Name: "Perceive with OCR, median", Target: "≤ 250 ms", Skipped: true, Detail: "not timed"},
			Figure{Name: "Perceive without OCR, median", Target: "≤ 50 ms", Skipped: true, Detail: "not timed"})
	case t.Skipped != "":
		fs = append(fs, Figure{Name: "Perceive with OCR, median", Target: "≤ 250 ms", Skipped: true, Detail: t.Skipped},
			Figure{Name: "Perceive without OCR, median", Target: "≤ 50 ms", Skipped: true, Detail: t.Skipped})
	default:
		load := fmt.Sprintf("%d runs on %s, load %.1f", t.Runs, t.Device, t.Load)
		fs = append(fs,
			Figure{Name: "Perceive with OCR, median", Value: ms(t.OCR), Target: "≤ 250 ms", Pass: t.OCR <= TargetPerceiveOCR,
				Detail: fmt.Sprintf("CPU %s; %s", ms(t.OCRCPU), load)},
			Figure{Name: "Perceive without OCR, median", Value: ms(t.NoOCR), Target: "≤ 50 ms", Pass: t.NoOCR <= TargetPerceiveNoOCR,
				Detail: fmt.Sprintf("CPU %s; %s", ms(t.NoOCRCPU), load)})
	}
	fs = append(fs, Figure{Name: "Text rendering, median", Value: fmt.Sprintf("%d tokens", s.MedianTokens), Target: "≤ 800 tokens",
		Pass: s.MedianTokens <= TargetTokens, Detail: fmt.Sprintf("max %d", s.MaxTokens)})
	return fs
}

// Pass reports whether every figure that was measured meets its target.
func (s Summary) Pass() bool {
	for _, f := range s.Figures() {
		if !f.Skipped && !f.Pass {
			return false
		}
	}
	return true
}

// WriteTable prints the figures as an aligned table.
func (s Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MEASURE\tVALUE\tTARGET\tRESULT\tDETAIL")
	for _, f := range s.Figures() {
		res := "pass"
		switch {
		case f.Skipped:
			res, f.Value = "skipped", "-"
		case !f.Pass:
			res = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Name, f.Value, f.Target, res, f.Detail)
	}
	return tw.Flush()
}

// WriteMisses prints, per screen, what was missed, misread or lost.
func (s Summary) WriteMisses(w io.Writer) {
	for _, r := range s.Results {
		theme := map[bool]string{false: "light", true: "dark"}[r.Dark]
		var parts []string
		if len(r.OCR.Missed) > 0 {
			parts = append(parts, fmt.Sprintf("missed %q", r.OCR.Missed))
		}
		if len(r.OCR.Spurious) > 0 {
			parts = append(parts, fmt.Sprintf("misread %q", r.OCR.Spurious))
		}
		if len(r.Lost) > 0 {
			parts = append(parts, fmt.Sprintf("lost clickables %q", r.Lost))
		}
		if len(r.NotFound) > 0 {
			parts = append(parts, fmt.Sprintf("web text not found %q", r.NotFound))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "%s (%s): %s\n", r.Screen, theme, strings.Join(parts, "; "))
		}
	}
}
