package perception

import (
	"image"
	"sort"
	"strings"

	"github.com/mobagent/mobagent/perception/ocr"
)

// OCRPlan says where a perception in auto mode reads pixels.
type OCRPlan struct {
	// Full reads the whole screen (no usable hierarchy, or evidence over
	// most of it).
	Full bool
	// Areas are the parts read otherwise (with Full, the evidence that
	// added up to most of the screen); none means OCR is skipped.
	Areas []image.Rectangle
	// Reasons say why, one word per area ("web", "picture", "item",
	// "status", "uncovered") or "no hierarchy".
	Reasons []string
	// Status is the status bar strip when the dump holds no status bar:
	// only a clock and percentages are kept from it (its icons read as
	// junk: signal bars as "4", VoLTE as "Vox").
	Status image.Rectangle
}

// Needed reports whether the plan reads anything.
func (p OCRPlan) Needed() bool { return p.Full || len(p.Areas) > 0 }

// PlanOptions tune PlanOCR. The zero value works.
type PlanOptions struct {
	// StatusBar also reads the status bar when the dump holds none.
	StatusBar bool
}

// statusArea is the status bar strip when the dump holds no status bar:
// the strip above the first content (Hierarchy.Status), else the top 3% of
// the screen when no system UI node is there.
func statusArea(h *Hierarchy, screen image.Rectangle) image.Rectangle {
	if !h.Status.Empty() {
		return h.Status
	}
	strip := image.Rect(screen.Min.X, screen.Min.Y, screen.Max.X, screen.Min.Y+screen.Dy()/33)
	for _, e := range h.Elements {
		if e.Package == "com.android.systemui" && e.Bounds.Overlaps(strip) {
			return image.Rectangle{}
		}
	}
	return strip
}

// fullShare: when the areas cover this share of the screen, one full pass
// is read instead (it costs about the same and misses nothing).
const fullShare = 0.55

// PlanOCR decides, from the evidence in the hierarchy, where drawn text is
// likely missing from it:
//
//   - no hierarchy, or one without any text: the whole screen;
//   - web views, surfaces and canvases whose inside carries almost no
//     text (a web view whose nodes the app exposes is described already);
//   - pictures, videos and leaf canvases without text, or with only a
//     generic label ("Foto", "Video");
//   - clickable items whose texts cover under a tenth of them (a feed
//     post, a card drawn as one view);
//   - the screen below the dump's windows (what an app draws under the
//     navigation bar), and with opts.StatusBar the status bar when the
//     dump holds none (its clock and battery; agents rarely need them, and
//     reading them costs every screen 20 to 40 ms).
//
// Screens whose hierarchy carries their text get no areas: OCR is
// skipped. screen is the screenshot's rectangle.
func PlanOCR(h *Hierarchy, screen image.Rectangle, opts PlanOptions) OCRPlan {
	if h == nil || len(h.Elements) == 0 || len(h.Texts) == 0 {
		p := OCRPlan{Full: true, Reasons: []string{"no hierarchy"}}
		if h != nil {
			p.Status = statusArea(h, screen)
		}
		return p
	}
	var p OCRPlan
	add := func(r image.Rectangle, why string) {
		if r = r.Intersect(screen); r.Dx() >= 16 && r.Dy() >= 12 {
			p.Areas = append(p.Areas, r)
			p.Reasons = append(p.Reasons, why)
		}
	}
	for _, o := range h.Opaque {
		covered := 0
		for _, t := range h.Texts {
			if area(t.Bounds)*2 > area(o) {
				continue // the view's own label (a web view's page title)
			}
			covered += area(t.Bounds.Intersect(o))
		}
		if covered*20 < area(o) {
			add(o, "web")
		}
	}
	for _, r := range h.Pictures {
		covered := 0
		for _, t := range h.Texts {
			if area(t.Bounds)*2 <= area(r) {
				covered += area(t.Bounds.Intersect(r))
			}
		}
		if covered*4 < area(r) {
			add(r, "picture") // a launcher's wallpaper under labelled icons is not one
		}
	}
	for _, r := range h.Sparse {
		add(r, "item")
	}
	p.Status = statusArea(h, screen)
	if opts.StatusBar && !p.Status.Empty() {
		add(p.Status, "status")
	}
	bottom := screen.Min.Y
	for _, r := range h.Roots {
		bottom = max(bottom, r.Max.Y)
	}
	if len(h.Roots) > 0 && screen.Max.Y-bottom >= 12 {
		add(image.Rect(screen.Min.X, bottom, screen.Max.X, screen.Max.Y), "uncovered")
	}
	p.Areas, p.Reasons = mergeAreas(p.Areas, p.Reasons)
	total := 0
	for _, a := range p.Areas {
		total += area(a)
	}
	if float64(total) >= fullShare*float64(area(screen)) {
		p.Full = true
	}
	return p
}

// mergeAreas drops areas inside others and joins areas that overlap by a
// fifth of the smaller, so no pixel is read twice for nothing.
func mergeAreas(as []image.Rectangle, why []string) ([]image.Rectangle, []string) {
	idx := make([]int, len(as))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return area(as[idx[a]]) > area(as[idx[b]]) })
	var out []image.Rectangle
	var ow []string
	for _, i := range idx {
		a := as[i]
		merged := false
		for j, o := range out {
			in := area(a.Intersect(o))
			if in*5 >= area(a) {
				out[j] = o.Union(a)
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, a)
			ow = append(ow, why[i])
		}
	}
	return out, ow
}

// keepBusy drops the areas whose pixels are all of one tone (a black band
// under the app, an empty canvas): there is nothing to read there.
func keepBusy(img image.Image, areas []image.Rectangle) []image.Rectangle {
	var out []image.Rectangle
	for _, a := range areas {
		if !flat(img, a) {
			out = append(out, a)
		}
	}
	return out
}

// flat samples a on a grid and reports whether its luminance spans under
// 16 levels.
func flat(img image.Image, a image.Rectangle) bool {
	lo, hi := 255, 0
	stepX, stepY := max(1, a.Dx()/48), max(1, a.Dy()/48)
	for y := a.Min.Y; y < a.Max.Y; y += stepY {
		for x := a.Min.X; x < a.Max.X; x += stepX {
			r, g, b, _ := img.At(x, y).RGBA()
			l := int((299*r + 587*g + 114*b) / 1000 >> 8)
			lo, hi = min(lo, l), max(hi, l)
			if hi-lo >= 16 {
				return false
			}
		}
	}
	return true
}

// within keeps the rectangles mostly inside one of areas.
func within(rs, areas []image.Rectangle) []image.Rectangle {
	var out []image.Rectangle
	for _, r := range rs {
		for _, a := range areas {
			if area(r.Intersect(a))*2 > area(r) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// KeepStatusText keeps, of the OCR words inside the status bar strip, only
// clock times and percentages (the battery's); words elsewhere are kept.
func KeepStatusText(lines []ocr.Line, strip image.Rectangle) []ocr.Line {
	if strip.Empty() {
		return lines
	}
	var words []ocr.Word
	changed := false
	for _, l := range lines {
		for _, w := range l.Words {
			c := w.Bounds.Min.Add(w.Bounds.Max).Div(2)
			if c.In(strip) && !statusWord(w.Text) {
				changed = true
				continue
			}
			words = append(words, w)
		}
	}
	if !changed {
		return lines
	}
	return ocr.GroupWords(words, 0)
}

// statusWord reports a clock time ("9:41", "23:05") or a percentage
// ("100%").
func statusWord(t string) bool {
	t = strings.TrimSpace(t)
	if h, m, ok := strings.Cut(t, ":"); ok {
		return len(h) >= 1 && len(h) <= 2 && len(m) == 2 && allDigits(h) && allDigits(m)
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		return len(p) >= 1 && len(p) <= 3 && allDigits(p)
	}
	return false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
