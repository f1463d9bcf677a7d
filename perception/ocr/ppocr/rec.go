package ppocr

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mobagent/mobagent/perception/ocr"
)

const (
	recHeight   = 48   // PP-OCRv4's recogniser input height
	recMaxWidth = 1280 // a longer line is squeezed to this width
	recStride   = 8    // input pixels per output time step
)

var (
	recMean = [3]float32{0.5, 0.5, 0.5}
	recStd  = [3]float32{0.5, 0.5, 0.5}
)

// parseKeys reads the recogniser's character list, one per line; class 0
// is CTC's blank, class i the i-th character, and the class after the last
// a space.
func parseKeys(b []byte) ([]string, error) {
	var keys []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k := strings.TrimRight(sc.Text(), "\r")
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("line %d is not UTF-8", len(keys)+1)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(keys) < 10 {
		return nil, fmt.Errorf("%d characters: not a recogniser's character list", len(keys))
	}
	return keys, nil
}

// recWidth is the input width of a crop w×h pixels: its width at height 48,
// in whole time steps, at most recMaxWidth.
func recWidth(w, h int) int {
	rw := int(math.Ceil(float64(w) * recHeight / float64(max(1, h))))
	rw = (rw + recStride - 1) / recStride * recStride
	return min(recMaxWidth, max(recStride*2, rw))
}

// decoded is one recognised line before mapping to screen words.
type decoded struct {
	text  []string  // the characters read
	steps []int     // the time step of each
	probs []float32 // the probability of each
}

// ctcDecode reads one line from the recogniser's T×C output: the most
// likely class at each step, repeats merged, blanks dropped.
func ctcDecode(out []float32, t, c int, keys []string) decoded {
	var d decoded
	prev := -1
	for s := range t {
		row := out[s*c : (s+1)*c]
		best, bp := 0, row[0]
		for k := 1; k < c; k++ {
			if row[k] > bp {
				best, bp = k, row[k]
			}
		}
		if best != 0 && best != prev {
			ch := " "
			if best-1 < len(keys) {
				ch = keys[best-1]
			}
			d.text = append(d.text, ch)
			d.steps = append(d.steps, s)
			d.probs = append(d.probs, bp)
		}
		prev = best
	}
	return d
}

// splitAtGaps inserts the spaces the recogniser leaves out between Latin
// words (it was trained mostly on Chinese, which has none): where the line's
// pixels show a gap of background between two characters at least 2/7
// of the (grown) line box's height wide. colInk[i] says whether column
// box.Min.X+i holds ink; x maps a time step to its screen column.
func splitAtGaps(d decoded, colInk []bool, h int, x func(step int) int, left int) decoded {
	if len(d.text) < 2 || len(colInk) == 0 {
		return d
	}
	// Gap runs between ink, in columns relative to left. A word gap is at
	// least 2/7 of the box's height and 1.8 times the line's usual gap
	// (letter-spaced capitals have wide gaps between every letter).
	type run struct{ a, b int }
	var all []run
	for i := 0; i < len(colInk); {
		if colInk[i] {
			i++
			continue
		}
		j := i
		for j < len(colInk) && !colInk[j] {
			j++
		}
		if i > 0 && j < len(colInk) {
			all = append(all, run{i, j})
		}
		i = j
	}
	if len(all) == 0 {
		return d
	}
	lens := make([]int, len(all))
	for i, g := range all {
		lens[i] = g.b - g.a
	}
	slices.Sort(lens)
	minGap := max(3, h*2/7)
	if len(lens) >= 3 {
		minGap = max(minGap, lens[len(lens)/2]*9/5)
	}
	var gaps []run
	for _, g := range all {
		if g.b-g.a >= minGap {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return d
	}
	var out decoded
	for i := range d.text {
		if i > 0 && d.text[i] != " " && d.text[i-1] != " " && !wide(d.text[i]) && !wide(d.text[i-1]) && !numeric(d.text[i-1], d.text[i]) {
			x0, x1 := x(d.steps[i-1])-left, x(d.steps[i])-left
			for _, g := range gaps {
				if c := (g.a + g.b) / 2; c > x0 && c < x1 {
					out.text = append(out.text, " ")
					out.steps = append(out.steps, d.steps[i])
					out.probs = append(out.probs, 1)
					break
				}
			}
		}
		out.text = append(out.text, d.text[i])
		out.steps = append(out.steps, d.steps[i])
		out.probs = append(out.probs, d.probs[i])
	}
	return out
}

// numeric reports two characters of one number ("1" and "62" in "162",
// "0" and "-" in "10-19"): a narrow digit's side bearings look like a gap.
func numeric(a, b string) bool {
	digit := func(s string) bool { return len(s) == 1 && s[0] >= '0' && s[0] <= '9' }
	punct := func(s string) bool { return len(s) == 1 && strings.ContainsAny(s, "-:/.,%") }
	return (digit(a) && (digit(b) || punct(b))) || (punct(a) && digit(b))
}

// inkColumns says, for each column of box in img, whether it holds a
// pixel whose luminance differs from the box's median by more than 48.
func inkColumns(img image.Image, box image.Rectangle) []bool {
	at := rgbAt(img)
	lum := func(x, y int) int {
		r, g, b := at(x, y)
		return (299*int(r) + 587*int(g) + 114*int(b)) / 1000
	}
	var hist [256]int
	n := 0
	for y := box.Min.Y; y < box.Max.Y; y += 2 {
		for x := box.Min.X; x < box.Max.X; x += 2 {
			hist[lum(x, y)]++
			n++
		}
	}
	med, acc := 0, 0
	for v, c := range hist {
		acc += c
		if acc*2 >= n {
			med = v
			break
		}
	}
	// The middle of the line: DB's boxes are grown, their edges are margin.
	y0, y1 := box.Min.Y+box.Dy()/6, box.Max.Y-box.Dy()/6
	out := make([]bool, box.Dx())
	for i := range out {
		x := box.Min.X + i
		for y := y0; y < y1; y++ {
			if d := lum(x, y) - med; d > 48 || d < -48 {
				out[i] = true
				break
			}
		}
	}
	return out
}

// wide reports a character of a script written without spaces.
func wide(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return true
		}
	}
	return false
}

// toLine turns a decoded line into an ocr.Line on the screen: box is the
// detected box; inputW the width the crop was read at (before padding).
// Words are split at spaces, each boxed from its first to its last time
// step. A line whose mean probability is under minConf is dropped.
func toLine(d decoded, box image.Rectangle, inputW int, minConf float64) (ocr.Line, bool) {
	scale := float64(box.Dx()) / float64(inputW)
	x := func(step int) int { return box.Min.X + int(math.Round(float64(step*recStride)*scale)) }
	var words []ocr.Word
	var conf float64
	n := 0
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		var b strings.Builder
		var p float64
		for i := start; i < end; i++ {
			b.WriteString(d.text[i])
			p += float64(d.probs[i])
		}
		r := image.Rect(x(d.steps[start]), box.Min.Y, min(box.Max.X, x(d.steps[end-1]+1)+1), box.Max.Y)
		if r.Dx() < 1 {
			r.Max.X = r.Min.X + 1
		}
		words = append(words, ocr.Word{Text: b.String(), Bounds: r.Intersect(box), Confidence: p / float64(end-start)})
		start = -1
	}
	for i, ch := range d.text {
		conf += float64(d.probs[i])
		n++
		if strings.TrimSpace(ch) == "" {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(d.text))
	if len(words) == 0 || conf/float64(n) < minConf {
		return ocr.Line{}, false
	}
	l := ocr.Line{Bounds: box, Confidence: conf / float64(n), Words: words}
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = w.Text
		if w.Bounds.Empty() {
			words[i].Bounds = box
		}
	}
	l.Text = strings.Join(parts, " ")
	return l, true
}
