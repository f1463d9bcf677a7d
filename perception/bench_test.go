package perception

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/mobagent/mobagent/perception/internal/synth"
	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/vision"
)

func BenchmarkParseHierarchyLargestFixture(b *testing.B) {
	dir := fixturesDir(b)
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	var largest []byte
	for _, f := range files {
		if d, err := os.ReadFile(f); err == nil && len(d) > len(largest) {
			largest = d
		}
	}
	b.SetBytes(int64(len(largest)))
	for b.Loop() {
		if _, err := ParseHierarchy(largest, HierarchyOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// phoneInputs are the three sources for the synthetic phone screen, with
// OCR lines where the renderer drew text.
func phoneInputs(b *testing.B) (image.Image, []Element, []Element, []Element) {
	s := synth.Phone(false)
	img, err := s.Render()
	if err != nil {
		b.Fatal(err)
	}
	h, err := ParseHierarchy(s.XML(), HierarchyOptions{Screen: image.Pt(s.W, s.H)})
	if err != nil {
		b.Fatal(err)
	}
	var lines []ocr.Line
	for _, it := range s.Items {
		if it.Text != "" {
			lines = append(lines, ocr.Line{Text: it.Text, Bounds: it.TextBounds(), Confidence: 0.95})
		}
	}
	regions, err := vision.Detect(context.Background(), img, vision.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return img, h.Elements, OCRElements(lines), VisionElements(regions)
}

func BenchmarkFuse(b *testing.B) {
	_, h, o, v := phoneInputs(b)
	opts := FuseOptions{Screen: image.Rect(0, 0, 1080, 2400)}
	for b.Loop() {
		Fuse(h, o, v, opts)
	}
}

func BenchmarkDrawMarks1080x2400(b *testing.B) {
	img, h, o, v := phoneInputs(b)
	els := Fuse(h, o, v, FuseOptions{})
	for _, tc := range []struct {
		name string
		opts MarkOptions
	}{{"full", MarkOptions{}}, {"max1280", MarkOptions{MaxSide: 1280}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := DrawMarks(img, els, tc.opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRenderText(b *testing.B) {
	_, h, o, v := phoneInputs(b)
	s := &Screen{Width: 1080, Height: 2400, Package: "com.example.messages", Elements: Fuse(h, o, v, FuseOptions{})}
	for _, tc := range []struct {
		name string
		opts TextOptions
	}{{"unlimited", TextOptions{}}, {"budget200", TextOptions{MaxTokens: 200}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				RenderText(s, tc.opts)
			}
		})
	}
}

func BenchmarkDHash1080x2400(b *testing.B) {
	img, _, _, _ := phoneInputs(b)
	for b.Loop() {
		DHash(img)
	}
}

func BenchmarkDiff1080x2400(b *testing.B) {
	a, _, _, _ := phoneInputs(b)
	dark, err := synth.Phone(true).Render()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		Diff(a, dark, DiffOptions{})
	}
}

func BenchmarkVisionDetect1080x2400(b *testing.B) {
	img, _, _, _ := phoneInputs(b)
	for b.Loop() {
		if _, err := vision.Detect(context.Background(), img, vision.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVisionDetectJPEG1080x2400 detects on the same screen decoded
// from a JPEG (a *image.YCbCr, as screenshots attached to bug reports and
// droidbot's arrive); it should cost about what the RGBA path does.
func BenchmarkVisionDetectJPEG1080x2400(b *testing.B) {
	img, _, _, _ := phoneInputs(b)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	dec, err := DecodeImage(buf.Bytes())
	if err != nil {
		b.Fatal(err)
	}
	if _, ok := dec.(*image.YCbCr); !ok {
		b.Fatalf("decoded %T, want *image.YCbCr", dec)
	}
	for b.Loop() {
		if _, err := vision.Detect(context.Background(), dec, vision.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
