package ocr

import (
	"context"
	"image"
	"sort"
	"strings"
)

// Engine reads text from pixels. Implementations are safe for concurrent use
// and honour ctx's deadline.
type Engine interface {
	// Recognize returns the text lines of img. Bounds are in img's pixel
	// coordinates (screen pixels for a screenshot), whatever scaling the
	// engine does inside.
	Recognize(ctx context.Context, img image.Image, opts Options) ([]Line, error)
}

// Options are per-call knobs. The zero value reads the whole image with the
// engine's defaults.
type Options struct {
	// Languages are Tesseract-style codes such as "eng" or "chi_sim"; nil
	// uses the engine's configured languages.
	Languages []string
	// Regions are extra areas read on their own after the full pass, such as
	// filled buttons whose light-on-dark text a full-page pass misses.
	Regions []image.Rectangle
	// RegionsOnly skips the full pass and reads only Regions.
	RegionsOnly bool
	// Areas, when set, replace the full pass: only these parts of the image
	// are read, each as a page of its own (a web view, a picture, a feed
	// item the hierarchy says nothing about). Regions are still read.
	Areas []image.Rectangle
	// MinConfidence drops words below it (0..1); 0 uses the engine's default.
	MinConfidence float64
}

// Word is one recognised word.
type Word struct {
	Text       string          `json:"text"`
	Bounds     image.Rectangle `json:"bounds"`
	Confidence float64         `json:"confidence"` // 0..1
}

// Line is a run of words on one text line.
type Line struct {
	Text       string          `json:"text"`
	Bounds     image.Rectangle `json:"bounds"`
	Confidence float64         `json:"confidence"` // mean of its words, 0..1
	Words      []Word          `json:"words"`
}

// GroupWords joins words into lines: words whose vertical extents overlap by
// more than half the smaller height and whose horizontal gap is under
// maxGap times the line height belong together. maxGap <= 0 means 1.5.
// Lines come out top to bottom, then left to right.
func GroupWords(words []Word, maxGap float64) []Line {
	if maxGap <= 0 {
		maxGap = 1.5
	}
	ws := make([]Word, 0, len(words))
	for _, w := range words {
		if strings.TrimSpace(w.Text) != "" && !w.Bounds.Empty() {
			ws = append(ws, w)
		}
	}
	sort.SliceStable(ws, func(i, j int) bool {
		if ws[i].Bounds.Min.X != ws[j].Bounds.Min.X {
			return ws[i].Bounds.Min.X < ws[j].Bounds.Min.X
		}
		return ws[i].Bounds.Min.Y < ws[j].Bounds.Min.Y
	})
	var lines []Line
	for _, w := range ws {
		best := -1
		for i := range lines {
			l := &lines[i]
			last := l.Words[len(l.Words)-1].Bounds
			h := min(last.Dy(), w.Bounds.Dy())
			ov := min(last.Max.Y, w.Bounds.Max.Y) - max(last.Min.Y, w.Bounds.Min.Y)
			gap := w.Bounds.Min.X - last.Max.X
			if ov*2 > h && gap > -h/2 && float64(gap) < maxGap*float64(max(last.Dy(), w.Bounds.Dy())) {
				best = i
				break
			}
		}
		if best < 0 {
			lines = append(lines, Line{Words: []Word{w}})
			continue
		}
		lines[best].Words = append(lines[best].Words, w)
	}
	for i := range lines {
		finish(&lines[i])
	}
	SortLines(lines)
	return lines
}

func finish(l *Line) {
	var parts []string
	var conf float64
	l.Bounds = image.Rectangle{}
	for _, w := range l.Words {
		parts = append(parts, strings.TrimSpace(w.Text))
		conf += w.Confidence
		l.Bounds = l.Bounds.Union(w.Bounds)
	}
	l.Text = strings.Join(parts, " ")
	if len(l.Words) > 0 {
		l.Confidence = conf / float64(len(l.Words))
	}
}

// SortLines orders lines top to bottom, then left to right.
func SortLines(lines []Line) {
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i].Bounds, lines[j].Bounds
		if abs(a.Min.Y-b.Min.Y) > min(a.Dy(), b.Dy())/2 {
			return a.Min.Y < b.Min.Y
		}
		return a.Min.X < b.Min.X
	})
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// Merge adds the words of extra to base, then regroups. When an extra word
// overlaps a base word by more than half of the smaller box (the same text
// read twice), the one with the higher confidence stays. Use it to combine a
// full-page pass with region passes.
func Merge(base, extra []Line) []Line {
	var words []Word
	for _, l := range base {
		words = append(words, l.Words...)
	}
	n := len(words)
	for _, l := range extra {
		for _, w := range l.Words {
			dup := false
			for i, b := range words[:n] {
				in := w.Bounds.Intersect(b.Bounds)
				small := min(area(w.Bounds), area(b.Bounds))
				if !in.Empty() && 2*area(in) > small {
					dup = true
					if w.Confidence > b.Confidence {
						words[i] = w
					}
					break
				}
			}
			if !dup {
				words = append(words, w)
			}
		}
	}
	return GroupWords(words, 0)
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
