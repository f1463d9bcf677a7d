package perception

import (
	"image"
	"strings"
	"unicode"

	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/vision"
)

// FuseOptions tunes Fuse. The zero value works.
type FuseOptions struct {
	// IoU above which two boxes are the same thing; 0 means 0.5.
	IoU float64
	// Contain is the share of a box's area inside another for it to count as
	// inside; 0 means 0.8.
	Contain float64
	// MinOCRConfidence drops OCR lines below it; 0 means 0.5.
	MinOCRConfidence float64
	// MinTextConfidence is the bar for an OCR line to become an element of
	// its own; 0 means 0.7. On real screens nearly all OCR noise that
	// survives CleanOCR is read under it (photos, avatars, icon rows).
	MinTextConfidence float64
	// MinLabelConfidence is the bar for an OCR line to become the label of
	// a text-less control or a vision region; 0 means 0.8. A wrong label on
	// a button misleads more than no label.
	MinLabelConfidence float64
	// Evidence are the areas where the hierarchy is known to lack drawn
	// text (PlanOCR's areas). Elsewhere an OCR line inside a small element
	// that the hierarchy labels is that label read again, or a misreading
	// of it, and is dropped.
	Evidence []image.Rectangle
	// Screen is the screen rectangle; elements are clipped to it when set.
	Screen image.Rectangle
}

func (o FuseOptions) withDefaults() FuseOptions {
	if o.IoU <= 0 {
		o.IoU = 0.5
	}
	if o.Contain <= 0 {
		o.Contain = 0.8
	}
	if o.MinOCRConfidence <= 0 {
		o.MinOCRConfidence = 0.5
	}
	if o.MinTextConfidence <= 0 {
		o.MinTextConfidence = 0.7
	}
	if o.MinLabelConfidence <= 0 {
		o.MinLabelConfidence = 0.8
	}
	return o
}

// OCRElements turns OCR lines into elements with Source ocr.
func OCRElements(lines []ocr.Line) []Element {
	out := make([]Element, 0, len(lines))
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if t == "" || l.Bounds.Empty() {
			continue
		}
		out = append(out, Element{Bounds: l.Bounds, Text: t, Enabled: true, Source: SourceOCR, Confidence: l.Confidence})
	}
	return out
}

// VisionElements turns detected regions into clickable elements with Source
// vision.
func VisionElements(regions []vision.Region) []Element {
	out := make([]Element, 0, len(regions))
	for _, r := range regions {
		out = append(out, Element{Bounds: r.Bounds, Class: "vision." + string(r.Kind), Clickable: true, Enabled: true,
			Source: SourceVision, Confidence: r.Score})
	}
	return out
}

// Fuse merges the element lists of the three sources into one, numbered in
// reading order (see Number):
//
//   - hierarchy elements are kept as they are: they are the most reliable;
//   - an OCR line whose text a hierarchy element around it already carries
//     is dropped, and so is one inside an input field (content or hint: the
//     hierarchy knows which); one inside a small clickable hierarchy element
//     that has no text gives it that text; any other OCR line (web views, games,
//     Flutter) is kept as an element of its own;
//   - OCR lines inside a vision button become that button's text;
//   - a vision region that overlaps a kept element, or sits inside an
//     actionable one, is dropped.
//
// The inputs are not modified.
func Fuse(hier, ocrElems, visElems []Element, opts FuseOptions) []Element {
	o := opts.withDefaults()
	out := make([]Element, 0, len(hier)+len(ocrElems)+len(visElems))
	for _, e := range hier {
		if e2, ok := clip(e, o.Screen); ok {
			out = append(out, e2)
		}
	}
	nh := len(out)
	screenArea := area(o.Screen)

	var texts []Element
	for _, t := range ocrElems {
		if t.Confidence < o.MinOCRConfidence {
			continue
		}
		t, ok := clip(t, o.Screen)
		if !ok || strings.TrimSpace(t.Text) == "" {
			continue
		}
		covered, host, unsure := false, -1, false
		evident := inAreas(t.Bounds, o.Evidence)
		for i := 0; i < nh; i++ {
			h := &out[i]
			iou, inside := overlap(t.Bounds, h.Bounds)
			if !evident && inside >= 0.5 && h.Text != "" && (screenArea == 0 || area(h.Bounds)*4 <= screenArea) {
				covered = true // the hierarchy's text is drawn here: OCR read it again, or misread it
				break
			}
			if iou < o.IoU && inside < o.Contain {
				continue
			}
			// Text inside an input field is its content or its hint; the
			// hierarchy knows which, OCR does not.
			if carries(*h, t.Text) || (iou >= o.IoU && h.Text != "") || (h.Editable && inside >= o.Contain) {
				covered = true
				break
			}
			if iou >= o.IoU && h.ContentDesc != "" && h.Text == "" {
				// A described element that draws other words ("Faça um post"
				// is drawn "No que você está pensando?"): the drawn words
				// become its text when OCR is sure of them.
				if inside >= o.Contain && t.Confidence >= o.MinLabelConfidence && alnumCount(t.Text) >= 2 {
					h.Text, h.TextSource = t.Text, SourceOCR
				}
				covered = true
				break
			}
			small := screenArea == 0 || area(h.Bounds)*4 <= screenArea
			if inside >= o.Contain && h.Text == "" && small && !h.Scrollable && (h.Clickable || h.LongClickable || h.Checkable) {
				if t.Confidence < o.MinLabelConfidence || alnumCount(t.Text) < 2 {
					unsure = true // inside a text-less control, but not sure enough to label it
				} else if host < 0 || area(h.Bounds) < area(out[host].Bounds) {
					host = i
				}
			}
		}
		switch {
		case covered:
		case host < 0 && (unsure || t.Confidence < o.MinTextConfidence || (alnumCount(t.Text) < 2 && !digitsOnly(t.Text))):
			// Not sure enough to stand as text of its own.
		case host >= 0:
			out[host].Text = joinLabel(out[host].Text, t.Text)
			out[host].TextSource = SourceOCR
		default:
			// Same text read twice by OCR passes.
			dup := false
			for _, k := range texts {
				if iou, _ := overlap(t.Bounds, k.Bounds); iou >= o.IoU {
					dup = true
					break
				}
			}
			if !dup {
				texts = append(texts, t)
			}
		}
	}

	for _, v := range visElems {
		v, ok := clip(v, o.Screen)
		if !ok {
			continue
		}
		drop := false
		for i := range out {
			iou, inside := overlap(v.Bounds, out[i].Bounds)
			h := out[i]
			if iou >= o.IoU || (inside >= o.Contain && (h.Clickable || h.Editable || h.Checkable) && !h.Scrollable) {
				drop = true
				break
			}
		}
		if drop {
			continue
		}
		// OCR lines inside a button-like region become its label.
		keep := texts[:0]
		for _, t := range texts {
			if _, inside := overlap(t.Bounds, v.Bounds); inside >= o.Contain && v.Class != "vision.icon" && t.Confidence >= o.MinLabelConfidence {
				v.Text = joinLabel(v.Text, t.Text)
				v.TextSource = SourceOCR
				v.Confidence = (v.Confidence + t.Confidence) / 2
				continue
			}
			keep = append(keep, t)
		}
		texts = keep
		out = append(out, v)
	}
	out = append(out, texts...)
	Number(out)
	return out
}

func clip(e Element, screen image.Rectangle) (Element, bool) {
	if !screen.Empty() {
		e.Bounds = e.Bounds.Intersect(screen)
	}
	return e, !e.Bounds.Empty()
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// overlap returns the IoU of a and b and the share of a inside b.
func overlap(a, b image.Rectangle) (iou, inside float64) {
	in := area(a.Intersect(b))
	if in == 0 {
		return 0, 0
	}
	union := area(a) + area(b) - in
	return float64(in) / float64(union), float64(in) / float64(area(a))
}

// carries reports whether e's text or content-desc already says t, allowing
// for OCR slips.
func carries(e Element, t string) bool {
	nt := normText(t)
	if nt == "" {
		return true
	}
	for _, s := range []string{e.Text, e.ContentDesc, e.Hint} {
		ns := normText(s)
		if ns == "" {
			continue
		}
		if strings.Contains(ns, nt) || (len(nt) > len(ns) && strings.Contains(nt, ns) && len(ns)*2 >= len(nt)) {
			return true
		}
		if similarity(ns, nt) >= 0.75 {
			return true
		}
	}
	return false
}

// normText lower-cases s and keeps letters and digits only.
func normText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// similarity is 1 - edit distance / longer length, over runes.
func similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 && len(rb) == 0 {
		return 1
	}
	if len(ra) > 256 || len(rb) > 256 {
		return 0
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(rb)])/float64(max(len(ra), len(rb)))
}

// inAreas reports whether r's centre lies in one of as.
func inAreas(r image.Rectangle, as []image.Rectangle) bool {
	c := r.Min.Add(r.Max).Div(2)
	for _, a := range as {
		if c.In(a) {
			return true
		}
	}
	return false
}

func alnumCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

func digitsOnly(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			n++
		case unicode.IsSpace(r) || strings.ContainsRune(":.,%/+-", r):
		default:
			return false
		}
	}
	return n > 0
}
