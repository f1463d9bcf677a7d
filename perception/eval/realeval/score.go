package realeval

import (
	"fmt"
	"image"

	"github.com/mobagent/mobagent/perception/ocr"
)

// matchMargin grows a truth box before it is asked to hold an OCR word's
// centre: the boxes are drawn by hand and by apps, both a little loose.
const matchMargin = 10

// WordScore compares the words OCR returned with the words a screen draws.
// Words are counted as tokens (see Words): "github.com/login" is three,
// however OCR splits it, and each Han or Hangul character is one.
type WordScore struct {
	Truth    int `json:"truth"`    // tokens drawn (outside ignored areas)
	Read     int `json:"read"`     // of those, matched by an OCR token
	Returned int `json:"returned"` // OCR tokens outside ignored areas
	Correct  int `json:"correct"`  // OCR tokens matching a drawn token at their place

	Missed   []string `json:"missed,omitempty"`   // drawn tokens no OCR token matched
	Spurious []string `json:"spurious,omitempty"` // OCR words with a token matching nothing drawn
}

// Recall is Read / Truth (1 without truth).
func (s WordScore) Recall() float64 { return ratio(s.Read, s.Truth) }

// Precision is Correct / Returned (1 when OCR returned nothing).
func (s WordScore) Precision() float64 { return ratio(s.Correct, s.Returned) }

// Add sums o into s (the word lists too).
func (s *WordScore) Add(o WordScore) {
	s.Truth += o.Truth
	s.Read += o.Read
	s.Returned += o.Returned
	s.Correct += o.Correct
	s.Missed = append(s.Missed, o.Missed...)
	s.Spurious = append(s.Spurious, o.Spurious...)
}

func (s WordScore) String() string {
	return fmt.Sprintf("recall %.1f%% (%d/%d) precision %.1f%% (%d/%d)", 100*s.Recall(), s.Read, s.Truth,
		100*s.Precision(), s.Correct, s.Returned)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

type truthToken struct {
	word string
	box  image.Rectangle
	used bool
}

func truthTokens(t *Truth) []truthToken {
	var ts []truthToken
	for _, l := range t.Lines {
		if ignored(t, l.Bounds) {
			continue
		}
		for _, w := range Words(l.Text) {
			ts = append(ts, truthToken{word: w, box: l.Bounds.Inset(-matchMargin)})
		}
	}
	return ts
}

// ignored reports whether r's centre lies in one of t's ignored areas.
func ignored(t *Truth, r image.Rectangle) bool {
	c := center(r)
	for _, ig := range t.Ignore {
		if c.In(ig) {
			return true
		}
	}
	return false
}

func center(r image.Rectangle) image.Point { return r.Min.Add(r.Max).Div(2) }

// ScoreWords scores OCR lines against the truth: an OCR token matches a
// drawn token with the same spelling whose box, grown by 10 px, holds the
// centre of the OCR word. Words whose centre is in an ignored area count
// neither way. Reading text that is drawn but not in the truth (text under
// 12 px, a letter avatar) counts against precision: the truth is meant to
// hold all legible text.
func ScoreWords(t *Truth, lines []ocr.Line) WordScore {
	ts := truthTokens(t)
	s := WordScore{Truth: len(ts)}
	for _, l := range lines {
		for _, w := range l.Words {
			if ignored(t, w.Bounds) {
				continue
			}
			toks := Words(w.Text)
			c := center(w.Bounds)
			bad := false
			for _, tok := range toks {
				s.Returned++
				hit := false
				for i := range ts {
					if !ts[i].used && ts[i].word == tok && c.In(ts[i].box) {
						ts[i].used, hit = true, true
						break
					}
				}
				if hit {
					s.Correct++
				} else {
					bad = true
				}
			}
			if bad {
				s.Spurious = append(s.Spurious, w.Text)
			}
		}
	}
	for _, tk := range ts {
		if tk.used {
			s.Read++
		} else {
			s.Missed = append(s.Missed, tk.word)
		}
	}
	return s
}
