package tesseract

import (
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	xdraw "golang.org/x/image/draw"

	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/eval"
	"github.com/mobagent/mobagent/perception/internal/synth"
	"github.com/mobagent/mobagent/perception/ocr"
)

var _ ocr.Engine = (*Engine)(nil)

func newEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(Config{})
	if err != nil {
		t.Fatalf("Tesseract is needed for these tests: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestThreadLimited(t *testing.T) {
	if !ThreadLimited() {
		t.Fatal("TestMain should have re-executed the tests with OMP_THREAD_LIMIT set")
	}
}

// TestAccuracySynthetic scores the engine with the eval harness on rendered
// screens whose text is known.
func TestAccuracySynthetic(t *testing.T) {
	e := newEngine(t)
	screens := []struct {
		name string
		s    synth.Screen
	}{
		{"light", synth.Phone(false)},
		{"dark", synth.Phone(true)},
		{"webview", synth.WebView()},
		{"dense", synth.Dense()},
	}
	var total eval.Report
	for _, sc := range screens {
		img, err := sc.s.Render()
		if err != nil {
			t.Fatal(err)
		}
		r, err := eval.Screen(context.Background(), e, img, sc.s.TruthXML())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %s; missed %q; spurious %q", sc.name, r, r.Missed, r.Spurious)
		total.Add(r)
		if r.Recall() < 0.95 || r.Precision() < 0.9 {
			t.Errorf("%s: %s", sc.name, r)
		}
	}
	t.Logf("total: %s", total)
}

// TestButtonTextNeedsRegionPass shows why the crop-and-read pass exists: the
// full pass alone misses light text on a dark button of a light screen.
func TestButtonTextNeedsRegionPass(t *testing.T) {
	e := newEngine(t)
	s := synth.Phone(false)
	img, err := s.Render()
	if err != nil {
		t.Fatal(err)
	}
	var archive synth.Item
	for _, it := range s.Items {
		if it.Text == "Archive" {
			archive = it
		}
	}
	has := func(lines []ocr.Line) (ocr.Line, bool) {
		for _, l := range lines {
			if l.Text == "Archive" {
				return l, true
			}
		}
		return ocr.Line{}, false
	}
	full, err := e.Recognize(context.Background(), img, ocr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := has(full); ok {
		t.Log("the full pass read the dark button by itself this time")
	}
	both, err := e.Recognize(context.Background(), img, ocr.Options{Regions: []image.Rectangle{archive.Rect}})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := has(both)
	if !ok {
		t.Fatalf("the region pass did not read Archive: %+v", both)
	}
	if !l.Bounds.In(archive.Rect) || l.Bounds.Dx() < archive.TextBounds().Dx()*3/4 {
		t.Errorf("Archive read at %v, want inside the button %v and about %v", l.Bounds, archive.Rect, archive.TextBounds())
	}
	if len(l.Words) != 1 || l.Confidence < 0.8 {
		t.Errorf("line %+v", l)
	}
}

// TestSmallScreenshot reads a 270×600 screenshot (AitW size): the engine
// scales it up and maps boxes back to the small image's pixels.
func TestSmallScreenshot(t *testing.T) {
	e := newEngine(t)
	s := synth.WebView()
	big, err := s.Render()
	if err != nil {
		t.Fatal(err)
	}
	small := image.NewRGBA(image.Rect(0, 0, 360, 800))
	xdraw.CatmullRom.Scale(small, small.Bounds(), big, big.Bounds(), draw.Src, nil)
	lines, err := e.Recognize(context.Background(), small, ocr.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := s.Items[1] // "Sunny skies expected through Thursday"
	tb := want.TextBounds()
	target := image.Rect(tb.Min.X/3, tb.Min.Y/3, tb.Max.X/3, tb.Max.Y/3)
	for _, l := range lines {
		if strings.Contains(l.Text, "Sunny skies") {
			if in := l.Bounds.Intersect(target); in.Dx()*in.Dy()*2 < target.Dx()*target.Dy() {
				t.Errorf("line at %v, want about %v", l.Bounds, target)
			}
			return
		}
	}
	t.Errorf("text not read from the small screenshot: %+v", lines)
}

func TestRecognizeErrors(t *testing.T) {
	if _, err := New(Config{Languages: []string{"tlh"}}); err == nil || !strings.Contains(err.Error(), "apt-get install tesseract-ocr-tlh") {
		t.Errorf("missing language: err = %v, want the install hint", err)
	}
	e := newEngine(t)
	img := image.NewRGBA(image.Rect(0, 0, 400, 200))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if _, err := e.Recognize(context.Background(), img, ocr.Options{Languages: []string{"tlh"}}); err == nil {
		t.Error("a per-call missing language should fail")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Recognize(ctx, img, ocr.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	lines, err := e.Recognize(context.Background(), img, ocr.Options{})
	if err != nil || len(lines) != 0 {
		t.Errorf("blank image: %v %v", lines, err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Recognize(context.Background(), img, ocr.Options{}); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: err = %v, want ErrClosed", err)
	}
}

func TestRecognizeConcurrent(t *testing.T) {
	e := newEngine(t)
	s := synth.WebView()
	img, err := s.Render()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Go(func() {
			lines, err := e.Recognize(context.Background(), img, ocr.Options{})
			if err != nil {
				t.Error(err)
				return
			}
			var b strings.Builder
			for _, l := range lines {
				b.WriteString(l.Text + "\n")
			}
			results[i] = b.String()
		})
	}
	wg.Wait()
	for i := range results {
		if results[i] != results[0] || !strings.Contains(results[0], "Sunny skies") {
			t.Errorf("run %d read %q, run 0 read %q", i, results[i], results[0])
		}
	}
}

type webSource struct{ s synth.Screen }

func (w webSource) Screenshot(ctx context.Context) (image.Image, error) { return w.s.Render() }
func (w webSource) ViewHierarchy(ctx context.Context) ([]byte, error)   { return w.s.XML(), nil }
func (w webSource) Foreground(ctx context.Context) (device.Foreground, error) {
	return device.Foreground{Package: w.s.Package}, nil
}

// TestPerceiveWebView runs the whole stack: the hierarchy only has a
// WebView, so OCR must supply the text and the button label.
func TestPerceiveWebView(t *testing.T) {
	p := &perception.Perceiver{OCR: newEngine(t)}
	s, err := p.Perceive(context.Background(), webSource{synth.WebView()}, perception.PerceiveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range s.Elements {
		got = append(got, string(e.Source)+":"+e.Label())
	}
	joined := strings.Join(got, "|")
	for _, want := range []string{"ocr:Local weather report", "ocr:Read more about the weekend forecast", "vision:Subscribe"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %q in %q", want, got)
		}
	}
	text := perception.RenderText(s, perception.TextOptions{})
	if !strings.Contains(text, `<button id=`) || !strings.Contains(text, `text="Subscribe" src=vision`) {
		t.Errorf("rendered:\n%s", text)
	}
}

// BenchmarkRecognize1080x2400 reads a synthetic 1080×2400 screen whose text
// was drawn with x/image: the full pass, then the filled buttons' regions.
func BenchmarkRecognize1080x2400(b *testing.B) {
	e := newEngine(b)
	s := synth.Phone(false)
	img, err := s.Render()
	if err != nil {
		b.Fatal(err)
	}
	var regions []image.Rectangle
	for _, it := range s.Items {
		if it.Kind == synth.Button {
			regions = append(regions, it.Rect)
		}
	}
	for _, tc := range []struct {
		name string
		opts ocr.Options
	}{{"full", ocr.Options{}}, {"full+regions", ocr.Options{Regions: regions}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Recognize(context.Background(), img, tc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecognizeLanguages reads a real 720×1600 Portuguese screen
// (perception/eval/realeval) with the languages a device locale picks: the
// time cost of reading a locale's language beside English.
//
//	go test ./perception/ocr/tesseract -run '^$' -bench RecognizeLanguages -benchtime 5x
func BenchmarkRecognizeLanguages(b *testing.B) {
	img, err := perception.LoadImage(filepath.Join("..", "..", "eval", "realeval", "testdata", "screens", "zap-help-1eb221f", "screen.png"))
	if err != nil {
		b.Fatal(err)
	}
	for _, langs := range [][]string{{"eng"}, {"por", "eng"}, {"spa", "eng"}, {"rus", "eng"}, {"chi_sim", "eng"}, {"jpn", "eng"}} {
		b.Run(strings.Join(langs, "+"), func(b *testing.B) {
			e, err := New(Config{Languages: langs})
			if err != nil {
				b.Skipf("%v", err)
			}
			defer e.Close()
			if _, err := e.Recognize(context.Background(), img, ocr.Options{}); err != nil { // loads the models
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := e.Recognize(context.Background(), img, ocr.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
