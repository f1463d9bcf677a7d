package trajectory

import (
	"image"
	"image/color"

	xdraw "golang.org/x/image/draw"
	"testing"
)

func TestShrink(t *testing.T) {
	// A 1080×2400 screen of 4×4 tiles: black with a white column band.
	src := image.NewNRGBA(image.Rect(0, 0, 1080, 2400))
	for y := 0; y < 2400; y++ {
		for x := 0; x < 1080; x++ {
			c := color.NRGBA{0, 0, 0, 255}
			if x >= 400 && x < 800 {
				c = color.NRGBA{255, 255, 255, 255}
			}
			src.SetNRGBA(x, y, c)
		}
	}
	out := shrink(src, 720)
	if b := out.Bounds(); max(b.Dx(), b.Dy()) > 720 || b.Dx() != 270 || b.Dy() != 600 {
		t.Fatalf("size %v; want 270×600 (blocks of 4)", b)
	}
	if c := out.RGBAAt(50, 10); c.R != 0 || c.A != 255 {
		t.Errorf("black area = %v", c)
	}
	if c := out.RGBAAt(150, 300); c.R != 255 || c.G != 255 {
		t.Errorf("white band = %v", c)
	}
	small := image.NewRGBA(image.Rect(0, 0, 300, 500))
	if b := shrink(small, 720).Bounds(); b.Dx() != 300 || b.Dy() != 500 {
		t.Errorf("a small image changed size: %v", b)
	}
}

func BenchmarkShrink(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 1080, 2400))
	for b.Loop() {
		shrink(src, 720)
	}
}

func BenchmarkShrinkBilinear(b *testing.B) {
	src := image.NewRGBA(image.Rect(0, 0, 1080, 2400))
	for b.Loop() {
		dst := image.NewRGBA(image.Rect(0, 0, 324, 720))
		xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, src.Bounds(), xdraw.Src, nil)
	}
}
