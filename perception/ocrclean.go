package perception

import (
	"image"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/vision"
)

// ButtonRegions are the boxes of the filled buttons among regions: what OCR
// reads again on their own (light text on a colour is missed by a page
// pass).
func ButtonRegions(regions []vision.Region) []image.Rectangle {
	var rs []image.Rectangle
	for _, r := range regions {
		if r.Kind == vision.Button {
			rs = append(rs, r.Bounds)
		}
	}
	return rs
}

// CleanOCR drops the noise OCR reads off a screen's icons and returns the
// rest regrouped into lines. Measured on the real screens
// (perception/eval/realeval), nearly all OCR noise is a word of one or two
// characters standing alone: a home key read as "e", a recents square as
// "a", a search magnifier as "Q", a switch track as "x", a list bullet as
// "e", signal bars as "4". So a short word is dropped when nothing stands
// beside it on its line and it is:
//
//   - a letter or two in a box about as wide as tall (a glyph's shape,
//     where real one-letter words are narrow), or
//   - inside an icon the vision detector found, or
//   - read with low confidence (under 0.75).
//
// Digits alone in a wider or taller box ("2" on a game tile, a badge's
// "32") stay. Words mostly of punctuation are dropped everywhere.
// screen is the image's rectangle; regions are the vision detector's.
func CleanOCR(lines []ocr.Line, screen image.Rectangle, regions []vision.Region) []ocr.Line {
	var words []ocr.Word
	for _, l := range lines {
		words = append(words, l.Words...)
	}
	var icons []image.Rectangle
	for _, r := range regions {
		if r.Kind == vision.Icon {
			icons = append(icons, r.Bounds)
		}
	}
	keep := make([]ocr.Word, 0, len(words))
	for i, w := range words {
		if ocrNoise(w, i, words, icons) {
			continue
		}
		keep = append(keep, w)
	}
	if len(keep) == len(words) {
		return lines
	}
	return ocr.GroupWords(keep, 0)
}

func ocrNoise(w ocr.Word, i int, words []ocr.Word, icons []image.Rectangle) bool {
	t := strings.TrimSpace(w.Text)
	alnum, other := 0, 0
	digits := true
	for _, r := range t {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum++
			if !unicode.IsDigit(r) {
				digits = false
			}
		default:
			other++
		}
	}
	if alnum == 0 || (other > alnum && alnum < 3 && !digits) {
		return true // "“," or "A}", but not "(0)" or "$5"
	}
	if utf8.RuneCountInString(t) > 2 || alnum > 2 || hasNeighbour(w, i, words) {
		return false
	}
	b := w.Bounds
	square := b.Dx()*10 >= b.Dy()*6 && b.Dx()*10 <= b.Dy()*16
	if square && !digits && !ideographicWord(t) {
		return true
	}
	for _, ic := range icons {
		if in := b.Intersect(ic); area(in)*2 > area(b) {
			return true
		}
	}
	return w.Confidence < 0.75
}

// hasNeighbour reports whether another word stands on w's line within two
// of its heights.
func hasNeighbour(w ocr.Word, i int, words []ocr.Word) bool {
	b := w.Bounds
	for j, o := range words {
		if j == i {
			continue
		}
		ob := o.Bounds
		ov := min(ob.Max.Y, b.Max.Y) - max(ob.Min.Y, b.Min.Y)
		if ov*2 < min(ob.Dy(), b.Dy()) {
			continue
		}
		gap := max(ob.Min.X-b.Max.X, b.Min.X-ob.Max.X)
		if gap < 2*max(b.Dy(), ob.Dy()) {
			return true
		}
	}
	return false
}

func ideographicWord(t string) bool {
	for _, r := range t {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}
