package realeval

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// The real-screen targets of the perception issue.
const (
	TargetRecall    = 0.93 // OCR word recall over all screens
	TargetPrecision = 0.92 // OCR word precision over all screens
	TargetNoise     = 0.02 // at most this share of OCR-only elements is noise
)

// GroupSummary adds up the screens of one group (or of all).
type GroupSummary struct {
	Group   Group      `json:"group"` // "all" for the total
	Screens int        `json:"screens"`
	OCR     WordScore  `json:"ocr"`
	Agent   AgentScore `json:"agent"`
	// Medians of the OCR read and the auto-mode perception, milliseconds.
	OCRMs      float64 `json:"ocr_median_ms"`
	PerceiveMs float64 `json:"perceive_median_ms"`
}

// Summary is a real-screen run, in the form `bench perception --real
// --json` prints (formats v2).
type Summary struct {
	Format  int            `json:"format"`
	Engine  string         `json:"engine"`
	Dir     string         `json:"dir"`
	All     GroupSummary   `json:"all"`
	Groups  []GroupSummary `json:"groups"`
	Results []Result       `json:"results"`
}

// Summarize adds up rs, per group and over all.
func Summarize(engine, dir string, rs []Result) Summary {
	s := Summary{Format: 2, Engine: engine, Dir: dir, Results: rs}
	s.All = summarizeGroup("all", rs)
	for _, g := range Groups {
		var in []Result
		for _, r := range rs {
			if r.Group == g {
				in = append(in, r)
			}
		}
		if len(in) > 0 {
			s.Groups = append(s.Groups, summarizeGroup(g, in))
		}
	}
	return s
}

func summarizeGroup(g Group, rs []Result) GroupSummary {
	gs := GroupSummary{Group: g, Screens: len(rs)}
	var ot, pt []time.Duration
	for _, r := range rs {
		o := r.OCR
		o.Missed, o.Spurious = nil, nil
		gs.OCR.Add(o)
		gs.Agent.Add(r.Agent)
		ot = append(ot, r.OCRTime)
		pt = append(pt, r.PerceiveTime)
	}
	gs.OCRMs, gs.PerceiveMs = ms(median(ot)), ms(median(pt))
	return gs
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// NoiseShare is the share of OCR-only elements that are noise.
func (a AgentScore) NoiseShare() float64 {
	if a.OCROnly == 0 {
		return 0
	}
	return float64(a.Noise) / float64(a.OCROnly)
}

// Pass reports whether the run meets the targets: recall and
// precision over all screens, every lacking line reached, noise at most 2%.
func (s Summary) Pass() bool {
	a := s.All
	return a.OCR.Recall() >= TargetRecall && a.OCR.Precision() >= TargetPrecision &&
		a.Agent.Reached == a.Agent.Lacking && a.Agent.NoiseShare() <= TargetNoise
}

// WriteTable prints the figures per group, then the targets.
func (s Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "GROUP\tSCREENS\tOCR RECALL\tOCR PRECISION\tLACKING LINES REACHED\tOCR-ONLY NOISE\tOCR MEDIAN\tPERCEIVE (AUTO) MEDIAN\n")
	row := func(g GroupSummary) {
		a := g.Agent
		fmt.Fprintf(tw, "%s\t%d\t%.1f%% (%d/%d)\t%.1f%% (%d/%d)\t%d/%d (+%d behind dialogs, %d status bar)\t%.1f%% (%d/%d)\t%.0f ms\t%.0f ms\n",
			g.Group, g.Screens, 100*g.OCR.Recall(), g.OCR.Read, g.OCR.Truth, 100*g.OCR.Precision(), g.OCR.Correct, g.OCR.Returned,
			a.Reached, a.Lacking, a.Behind, a.Status, 100*a.NoiseShare(), a.Noise, a.OCROnly, g.OCRMs, g.PerceiveMs)
	}
	for _, g := range s.Groups {
		row(g)
	}
	row(s.All)
	if err := tw.Flush(); err != nil {
		return err
	}
	a := s.All
	verdict := func(ok bool) string {
		if ok {
			return "pass"
		}
		return "FAIL"
	}
	fmt.Fprintf(w, "\nengine %s; targets: recall ≥ %.0f%% %s, precision ≥ %.0f%% %s, every lacking line reached %s (%d missed), noise ≤ %.0f%% %s\n",
		s.Engine, 100*TargetRecall, verdict(a.OCR.Recall() >= TargetRecall), 100*TargetPrecision, verdict(a.OCR.Precision() >= TargetPrecision),
		verdict(a.Agent.Reached == a.Agent.Lacking), a.Agent.Lacking-a.Agent.Reached, 100*TargetNoise, verdict(a.Agent.NoiseShare() <= TargetNoise))
	return nil
}

// WriteScreens prints one line per screen; with misses, what was missed,
// misread, not given to the agent, and the noise.
func (s Summary) WriteScreens(w io.Writer, misses bool) {
	for _, r := range s.Results {
		fmt.Fprintf(w, "%-44s %-8s %4dx%-4d OCR %s; agent %d/%d lacking lines, noise %d/%d; %.0f ms OCR, %.0f ms auto\n",
			r.Screen, r.Group, r.Width, r.Height, r.OCR, r.Agent.Reached, r.Agent.Lacking, r.Agent.Noise, r.Agent.OCROnly, r.OCRMs, r.PerceiveMs)
		if !misses {
			continue
		}
		var parts []string
		if len(r.OCR.Missed) > 0 {
			parts = append(parts, fmt.Sprintf("missed %q", r.OCR.Missed))
		}
		if len(r.OCR.Spurious) > 0 {
			parts = append(parts, fmt.Sprintf("misread %q", r.OCR.Spurious))
		}
		if len(r.Agent.Missed) > 0 {
			parts = append(parts, fmt.Sprintf("not given to the agent %q", r.Agent.Missed))
		}
		if len(r.Agent.NoiseTexts) > 0 {
			parts = append(parts, fmt.Sprintf("noise %q", r.Agent.NoiseTexts))
		}
		if len(r.Agent.OCRTexts) > 0 {
			parts = append(parts, fmt.Sprintf("OCR-only %s", strings.Join(r.Agent.OCRTexts, ", ")))
		}
		if len(r.Agent.Plan) > 0 {
			parts = append(parts, fmt.Sprintf("OCR plan %s", strings.Join(r.Agent.Plan, "; ")))
		}
		for _, p := range parts {
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
}
