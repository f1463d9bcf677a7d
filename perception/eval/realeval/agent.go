package realeval

import (
	"fmt"
	"image"
	"strings"

	"github.com/mobagent/mobagent/perception"
)

// reachShare is the share of a drawn line's tokens an agent must be given
// for the line to count as reached.
const reachShare = 0.6

// AgentScore judges the screen an agent is given against what is drawn.
//
// Each drawn line is carried by the hierarchy when the dump's visible texts
// around it (text, content-desc, hints) hold at least half of its tokens;
// the other lines are what the hierarchy lacks. Of those, lines behind a
// floating window (a dialog or a menu whose window is all the dump holds)
// are covered and not counted: an agent cannot act on them. The rest must
// reach the agent: the elements around the line, whatever their source,
// hold 60% of its tokens.
//
// OCR-only elements are those whose text only OCR gave: elements from OCR,
// vision regions labelled by OCR, and hierarchy elements labelled by OCR.
// One is noise when fewer than half of its tokens are drawn at its place.
type AgentScore struct {
	Lines   int `json:"lines"`   // drawn lines outside ignored areas
	Carried int `json:"carried"` // carried by the hierarchy
	Behind  int `json:"behind"`  // lacking, but behind a floating window
	Status  int `json:"status"`  // lacking, but the status bar's clock or battery (read on request only)
	Lacking int `json:"lacking"` // lacking and not covered
	Reached int `json:"reached"` // of Lacking, given to the agent

	Missed []string `json:"missed,omitempty"` // lacking lines not reached

	OCROnly int `json:"ocr_only"`
	// OCRTexts are the OCR-only elements' texts with their confidence.
	OCRTexts   []string `json:"ocr_texts,omitempty"`
	Noise      int      `json:"noise"`
	NoiseTexts []string `json:"noise_texts,omitempty"`
	// OCRRan says whether the auto policy read any pixels; Plan is where
	// it meant to (perception.PlanOCR: "full", or one reason per area with
	// its box).
	OCRRan bool     `json:"ocr_ran"`
	Plan   []string `json:"plan,omitempty"`
}

// Add sums o into s.
func (s *AgentScore) Add(o AgentScore) {
	s.Lines += o.Lines
	s.Carried += o.Carried
	s.Behind += o.Behind
	s.Status += o.Status
	s.Lacking += o.Lacking
	s.Reached += o.Reached
	s.Missed = append(s.Missed, o.Missed...)
	s.OCROnly += o.OCROnly
	s.Noise += o.Noise
	s.NoiseTexts = append(s.NoiseTexts, o.NoiseTexts...)
	s.OCRTexts = append(s.OCRTexts, o.OCRTexts...)
}

// ScoreAgent scores scr, perceived from the case's image and dump h.
func ScoreAgent(t *Truth, h *perception.Hierarchy, scr *perception.Screen) AgentScore {
	var s AgentScore
	if scr == nil {
		return s
	}
	screen := image.Rect(0, 0, scr.Width, scr.Height)
	floating := false
	for _, r := range h.Roots {
		if area(r)*10 < area(screen)*9 {
			floating = true
		}
	}
	statusBar := screen.Dy() / 25
	for _, e := range scr.Elements {
		if e.Source == perception.SourceOCR || (e.Text != "" && e.TextSource == perception.SourceOCR) {
			s.OCRRan = true
		}
	}
	for _, l := range t.Lines {
		if ignored(t, l.Bounds) {
			continue
		}
		toks := Words(l.Text)
		if len(toks) == 0 {
			continue
		}
		s.Lines++
		grown := l.Bounds.Inset(-matchMargin)
		var hier []string
		for _, sp := range h.Texts {
			if sp.Bounds.Overlaps(grown) {
				hier = append(hier, sp.Text)
			}
		}
		if share(toks, hier) >= 0.5 || carriedAsDrawn(l.Text, hier) {
			s.Carried++
			continue
		}
		if center(l.Bounds).Y < statusBar && statusLine(l.Text) {
			s.Status++
			continue
		}
		if floating && !inAny(center(l.Bounds), h.Roots) {
			s.Behind++
			continue
		}
		s.Lacking++
		var given []string
		for _, e := range scr.Elements {
			if e.Bounds.Overlaps(grown) {
				given = append(given, e.Text, e.ContentDesc, e.Hint)
			}
		}
		if share(toks, given) >= reachShare {
			s.Reached++
		} else {
			s.Missed = append(s.Missed, l.Text)
		}
	}
	ts := truthTokens(t)
	for _, e := range scr.Elements {
		if e.Text == "" || !(e.Source == perception.SourceOCR || e.TextSource == perception.SourceOCR) || ignored(t, e.Bounds) {
			continue
		}
		s.OCROnly++
		toks := Words(e.Text)
		box := e.Bounds.Inset(-matchMargin)
		hit := 0
		for _, tok := range toks {
			for _, tt := range ts {
				if tt.word == tok && tt.box.Overlaps(box) {
					hit++
					break
				}
			}
		}
		noise := len(toks) == 0 || hit*2 < len(toks)
		if noise {
			s.Noise++
			s.NoiseTexts = append(s.NoiseTexts, e.Text)
		}
		s.OCRTexts = append(s.OCRTexts, fmt.Sprintf("%q %.2f%s", e.Text, e.Confidence, map[bool]string{true: " noise"}[noise]))
	}
	return s
}

// share is the share of toks found among the tokens of texts (each found
// token used once).
func share(toks []string, texts []string) float64 {
	have := map[string]int{}
	for _, t := range texts {
		for _, w := range Words(t) {
			have[w]++
		}
	}
	got := 0
	for _, t := range toks {
		if have[t] > 0 {
			have[t]--
			got++
		}
	}
	return float64(got) / float64(len(toks))
}

func inAny(p image.Point, rs []image.Rectangle) bool {
	for _, r := range rs {
		if p.In(r) {
			return true
		}
	}
	return false
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// statusLine reports a status bar text: a clock or a percentage.
func statusLine(t string) bool {
	t = strings.TrimSpace(t)
	if h, m, ok := strings.Cut(t, ":"); ok {
		return len(h) <= 2 && len(m) == 2 && digits(h) && digits(m)
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		return len(p) <= 3 && digits(p)
	}
	return false
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// carriedAsDrawn reports whether the letters of a drawn line appear, in
// order, in one of the hierarchy's texts around it that is not much longer:
// "CLEA R" and ".accounts.CantAddAcc ountActivity" are drawn breaks of the
// dump's "CLEAR" and ".accounts.CantAddAccountActivity", "53d" a short form
// of "53 days ago".
func carriedAsDrawn(line string, texts []string) bool {
	l := strings.Join(Words(line), "")
	if l == "" {
		return false
	}
	for _, t := range texts {
		h := strings.Join(Words(t), "")
		if strings.Contains(h, l) || (len(l)*3 >= len(h) && subsequence(l, h)) {
			return true
		}
	}
	return false
}

func subsequence(a, b string) bool {
	ra := []rune(a)
	i := 0
	for _, r := range b {
		if i < len(ra) && ra[i] == r {
			i++
		}
	}
	return i == len(ra)
}
