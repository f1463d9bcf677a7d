package ppocr

import (
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr"
)

func TestDetBoxes(t *testing.T) {
	w, h := 64, 32
	prob := make([]float32, w*h)
	fill := func(r image.Rectangle, p float32) {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				prob[y*w+x] = p
			}
		}
	}
	fill(image.Rect(4, 4, 24, 10), 0.9)  // a text line
	fill(image.Rect(40, 4, 60, 10), 0.4) // found, but not sure enough
	fill(image.Rect(4, 20, 6, 22), 0.95) // too small
	got := detBoxes(prob, w, h)
	if len(got) != 1 {
		t.Fatalf("boxes %v, want one", got)
	}
	if b := got[0]; !image.Rect(4, 4, 24, 10).In(b) || b.Dx() > 30 {
		t.Errorf("box %v: want the region grown a little (DB's unclip)", b)
	}
	if r := toSource(image.Rect(8, 8, 16, 16), image.Rect(100, 200, 420, 520), 32, 32); r != image.Rect(180, 280, 260, 360) {
		t.Errorf("toSource = %v", r)
	}
}

func TestCTCDecodeAndWords(t *testing.T) {
	keys := []string{"a", "b", "c", "H", "i"}
	c := len(keys) + 2 // blank, the keys, space
	// Steps: H H blank i space a a blank a
	seq := []int{4, 4, 0, 5, 6, 1, 1, 0, 1}
	out := make([]float32, len(seq)*c)
	for s, k := range seq {
		out[s*c+k] = 0.9
	}
	d := ctcDecode(out, len(seq), c, keys)
	if strings.Join(d.text, "") != "Hi aa" {
		t.Fatalf("decoded %q, want \"Hi aa\"", strings.Join(d.text, ""))
	}
	l, ok := toLine(d, image.Rect(100, 50, 172, 98), len(seq)*recStride, 0.5)
	if !ok || l.Text != "Hi aa" || len(l.Words) != 2 {
		t.Fatalf("line %+v", l)
	}
	if w0, w1 := l.Words[0].Bounds, l.Words[1].Bounds; w0.Max.X > w1.Min.X || w0.Min.X != 100 || w1.Max.X > 172 {
		t.Errorf("word boxes %v %v: want them in order inside the line", w0, w1)
	}
	if _, ok := toLine(d, image.Rect(0, 0, 72, 48), len(seq)*recStride, 0.95); ok {
		t.Error("a line under the confidence bar was kept")
	}
	if recWidth(100, 20) != 240 || recWidth(10000, 10) != recMaxWidth {
		t.Errorf("recWidth: %d, %d", recWidth(100, 20), recWidth(10000, 10))
	}
}

func TestParseKeys(t *testing.T) {
	if _, err := parseKeys([]byte("a\nb\n")); err == nil {
		t.Error("a 2-character list was accepted")
	}
	k, err := parseKeys([]byte("0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n微\r\n"))
	if err != nil || len(k) != 11 || k[10] != "微" {
		t.Errorf("keys %q, %v", k, err)
	}
}

func TestResizeCHWReadsEveryImageType(t *testing.T) {
	rgba := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := range rgba.Pix {
		rgba.Pix[i] = 255
	}
	rgba.Set(0, 0, color.RGBA{0, 0, 0, 255})
	ycc := image.NewYCbCr(image.Rect(0, 0, 8, 8), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = 255
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = 128, 128
	}
	for _, img := range []image.Image{rgba, ycc, image.NewGray(image.Rect(0, 0, 8, 8))} {
		dst := make([]float32, 3*4*4)
		resizeCHW(img, img.Bounds(), dst, 4, 4, 4, 4, recMean, recStd)
		for _, v := range dst {
			if v < -1.001 || v > 1.001 {
				t.Fatalf("%T: value %v outside [-1, 1]", img, v)
			}
		}
	}
}

func TestNewNotInstalled(t *testing.T) {
	_, err := New(Config{Dir: t.TempDir()})
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), "deps.sh --with-ppocr") {
		t.Errorf("err %v, want ErrNotInstalled naming the fix", err)
	}
}

// TestRecognizeRealScreen reads a real Settings screen with the installed
// models (skipped where PP-OCR is not installed).
func TestRecognizeRealScreen(t *testing.T) {
	if ok, missing := Installed(Config{}); !ok {
		t.Skipf("PP-OCR is not installed (%s is missing): ./scripts/deps.sh --with-ppocr", missing)
	}
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	img, err := perception.LoadImage(filepath.Join("..", "..", "eval", "realeval", "testdata", "screens", "utg-ad_silence-settings-074750", "screen.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	lines, err := e.Recognize(context.Background(), img, ocr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, l := range lines {
		all = append(all, l.Text)
		for _, w := range l.Words {
			if !w.Bounds.In(img.Bounds()) || w.Bounds.Empty() {
				t.Errorf("word %q box %v outside the screen", w.Text, w.Bounds)
			}
		}
	}
	joined := strings.Join(all, " | ")
	for _, want := range []string{"Battery", "Display", "Storage", "Privacy", "Location"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no %q in %s", want, joined)
		}
	}
	// Areas: only the top of the screen is read.
	top, err := e.Recognize(context.Background(), img, ocr.Options{Areas: []image.Rectangle{image.Rect(0, 100, 1080, 480)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range top {
		if l.Bounds.Min.Y > 500 {
			t.Errorf("line %q at %v outside the area", l.Text, l.Bounds)
		}
	}
	if len(top) == 0 || len(top) >= len(lines) {
		t.Errorf("%d lines in the area, %d on the screen", len(top), len(lines))
	}
	if _, err := os.Stat(filepath.Join(DefaultDir, Library)); err == nil && os.Getenv(DirEnv) == "" {
		t.Logf("read %d lines with the models in %s", len(lines), DefaultDir)
	}
}

func TestSplitAtGaps(t *testing.T) {
	// "fontsize" read without its space, over pixels with a word gap
	// between "font" (columns 0-39) and "size" (columns 52-91).
	d := decoded{text: strings.Split("fontsize", ""), steps: []int{0, 1, 2, 3, 6, 7, 8, 9}, probs: make([]float32, 8)}
	ink := make([]bool, 92)
	for i := range ink {
		// letters 8 columns wide, 2 apart; the word gap is columns 40-51
		ink[i] = (i < 40 || i >= 52) && i%10 < 8
	}
	ink[40], ink[41] = false, false
	x := func(step int) int { return 100 + step*10 + 5 }
	got := splitAtGaps(d, ink, 32, x, 100)
	if s := strings.Join(got.text, ""); s != "font size" {
		t.Errorf("split %q, want \"font size\"", s)
	}
	// A gap narrower than 2/7 of the line's height is not a space; nor is
	// one between two digits; and Chinese characters are never split.
	num := decoded{text: strings.Split("162", ""), steps: []int{0, 4, 6}, probs: make([]float32, 3)}
	if s := strings.Join(splitAtGaps(num, ink, 32, x, 100).text, ""); s != "162" {
		t.Errorf("split %q inside a number", s)
	}
	ink2 := make([]bool, 92)
	for i := range ink2 {
		ink2[i] = i < 40 || i >= 45
	}
	if s := strings.Join(splitAtGaps(d, ink2, 32, x, 100).text, ""); s != "fontsize" {
		t.Errorf("split %q at a letter gap", s)
	}
	zh := decoded{text: []string{"微", "博"}, steps: []int{0, 6}, probs: make([]float32, 2)}
	if s := strings.Join(splitAtGaps(zh, ink, 32, x, 100).text, ""); s != "微博" {
		t.Errorf("split %q", s)
	}
}
