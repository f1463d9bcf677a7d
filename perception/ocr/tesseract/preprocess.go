package tesseract

import (
	"fmt"
	"image"
	"image/draw"

	"github.com/disintegration/imaging"
	"github.com/otiai10/gosseract/v2"
)

// The full pass reads a screen scaled to this width (at most 3 times up).
// Small screenshots (such as AitW's 270×600) carry text too small for
// Tesseract; a 1080-px screen read at this width has body text with capitals
// about 22 px tall, which Tesseract reads as well as at full size, and
// better where text is large and bold, in about 10% less time (measured
// over the virtual phone's 78 screens: word recall 98.1% against 97.5% at
// full size, precision 97.8% against 98.6%; `mobagent bench perception`).
const fullPassWidth = 810

// toGray converts img to 8-bit grey with its origin at (0,0).
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < b.Dy(); y++ {
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	case *image.RGBA, *image.NRGBA:
		var pix []uint8
		var stride int
		if r, ok := m.(*image.RGBA); ok {
			pix, stride = r.Pix[r.PixOffset(b.Min.X, b.Min.Y):], r.Stride
		} else {
			n := m.(*image.NRGBA)
			pix, stride = n.Pix[n.PixOffset(b.Min.X, b.Min.Y):], n.Stride
		}
		for y := 0; y < b.Dy(); y++ {
			row := pix[y*stride:]
			out := g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				i := 4 * x
				out[x] = uint8((299*int(row[i]) + 587*int(row[i+1]) + 114*int(row[i+2])) / 1000)
			}
		}
	default:
		draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	}
	return g
}

// prepare turns a grey crop into what Tesseract reads best: dark text on a
// light background, scaled by factor.
func prepare(g *image.Gray, invert bool, factor float64) *image.Gray {
	var out image.Image = g
	if invert {
		out = imaging.Invert(out)
	}
	switch {
	case factor < 0.99:
		// Shrinking the full screen: bilinear on the grey plane directly,
		// several times cheaper than imaging's round trip through NRGBA.
		gg, ok := out.(*image.Gray)
		if !ok {
			gg = toGray(out)
		}
		b := gg.Bounds()
		return shrinkGray(gg, int(float64(b.Dx())*factor), int(float64(b.Dy())*factor))
	case factor > 1.01:
		b := out.Bounds()
		out = imaging.Resize(out, int(float64(b.Dx())*factor), int(float64(b.Dy())*factor), imaging.CatmullRom)
	}
	if gg, ok := out.(*image.Gray); ok {
		return gg
	}
	return toGray(out)
}

// median is the median grey level of g.
func median(g *image.Gray) uint8 {
	var hist [256]int
	b := g.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for _, v := range g.Pix[g.PixOffset(b.Min.X, y) : g.PixOffset(b.Min.X, y)+b.Dx()] {
			hist[v]++
		}
	}
	half, acc := b.Dx()*b.Dy()/2, 0
	for v, n := range hist {
		acc += n
		if acc > half {
			return uint8(v)
		}
	}
	return 255
}

func crop(g *image.Gray, r image.Rectangle) *image.Gray {
	sub := g.SubImage(r).(*image.Gray)
	out := image.NewGray(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		copy(out.Pix[y*out.Stride:y*out.Stride+r.Dx()], sub.Pix[sub.PixOffset(r.Min.X, r.Min.Y+y):])
	}
	return out
}

// bandPasses splits a screen into n horizontal bands that overlap by enough
// to hold a line of text, so bands can be read in parallel.
func bandPasses(g *image.Gray, n int) []pass {
	b := g.Bounds()
	factor := min(3, float64(fullPassWidth)/float64(b.Dx()))
	n = max(1, min(n, b.Dy()/600))
	overlap := max(64, b.Dy()/30)
	var out []pass
	for i := range n {
		y0 := b.Dy()*i/n - overlap
		y1 := b.Dy()*(i+1)/n + overlap
		r := image.Rect(0, max(0, y0), b.Dx(), min(b.Dy(), y1))
		c := crop(g, r)
		out = append(out, pass{img: prepare(c, median(c) < 110, factor), offset: r.Min, scale: factor, psm: gosseract.PSM_SPARSE_TEXT})
	}
	return out
}

// regionPass reads r on its own: the crop is inset to drop rounded corners
// and outlines, inverted when the fill is dark (light text), scaled up when
// short, and framed with a margin of its own fill so Tesseract sees one
// clean block.
func regionPass(g *image.Gray, r image.Rectangle) pass {
	in := max(2, r.Dy()/10)
	if r.Dx() > 4*in && r.Dy() > 4*in {
		r = r.Inset(in)
	}
	r = r.Intersect(g.Bounds())
	c := crop(g, r)
	factor := 1.0
	if r.Dy() < 80 {
		factor = min(4, 80/float64(r.Dy()))
	}
	p := prepare(c, median(c) < 128, factor)
	margin := max(10, p.Bounds().Dy()/4)
	framed := frame(p, margin, median(p))
	return pass{img: framed, offset: r.Min.Sub(image.Pt(int(float64(margin)/factor), int(float64(margin)/factor))),
		scale: factor, psm: gosseract.PSM_SINGLE_BLOCK, region: true}
}

// frame surrounds g with m pixels of grey level v.
func frame(g *image.Gray, m int, v uint8) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()+2*m, b.Dy()+2*m))
	for i := range out.Pix {
		out.Pix[i] = v
	}
	for y := 0; y < b.Dy(); y++ {
		copy(out.Pix[(y+m)*out.Stride+m:], g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):g.PixOffset(b.Min.X, b.Min.Y+y)+b.Dx()])
	}
	return out
}

// encodePGM writes g as a binary PGM, which Leptonica reads without a codec.
func encodePGM(g *image.Gray) []byte {
	b := g.Bounds()
	hdr := fmt.Sprintf("P5\n%d %d\n255\n", b.Dx(), b.Dy())
	out := make([]byte, 0, len(hdr)+b.Dx()*b.Dy())
	out = append(out, hdr...)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := g.PixOffset(b.Min.X, y)
		out = append(out, g.Pix[i:i+b.Dx()]...)
	}
	return out
}

// shrinkGray scales g down to w×h by averaging the 2×2 source pixels around
// each output pixel's centre with bilinear weights.
func shrinkGray(g *image.Gray, w, h int) *image.Gray {
	b := g.Bounds()
	w, h = max(w, 1), max(h, 1)
	out := image.NewGray(image.Rect(0, 0, w, h))
	sx := float64(b.Dx()) / float64(w)
	sy := float64(b.Dy()) / float64(h)
	type tap struct {
		i0, i1 int
		f      int32 // weight of i1 in 1/256
	}
	xs := make([]tap, w)
	for x := range xs {
		fx := (float64(x)+0.5)*sx - 0.5
		x0 := int(fx)
		if fx < 0 {
			x0, fx = 0, 0
		}
		x1 := min(x0+1, b.Dx()-1)
		xs[x] = tap{x0, x1, int32((fx - float64(x0)) * 256)}
	}
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)*sy - 0.5
		y0 := int(fy)
		if fy < 0 {
			y0, fy = 0, 0
		}
		y1 := min(y0+1, b.Dy()-1)
		wy := int32((fy - float64(y0)) * 256)
		r0 := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y0):]
		r1 := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y1):]
		dst := out.Pix[y*out.Stride:]
		for x, t := range xs {
			top := int32(r0[t.i0])*(256-t.f) + int32(r0[t.i1])*t.f
			bot := int32(r1[t.i0])*(256-t.f) + int32(r1[t.i1])*t.f
			dst[x] = uint8((top*(256-wy) + bot*wy + 1<<15) >> 16)
		}
	}
	return out
}

// areaPasses reads each area as a page of its own, scaled as the full pass
// scales the screen (areas are parts of a screen of width b.Dx()), and
// grown by a margin so text cut by an area's edge is read whole. b is the
// image's rectangle; the grey plane has its origin at (0,0).
func areaPasses(g *image.Gray, areas []image.Rectangle, b image.Rectangle) []pass {
	factor := min(3, float64(fullPassWidth)/float64(b.Dx()))
	var out []pass
	for _, a := range areas {
		a = a.Sub(b.Min).Inset(-8).Intersect(g.Bounds())
		if a.Dx() < 8 || a.Dy() < 8 {
			continue
		}
		c := crop(g, a)
		f := factor
		if a.Dy() < 40 {
			f = max(f, min(3, 40/float64(a.Dy())))
		}
		out = append(out, pass{img: prepare(c, median(c) < 110, f), offset: a.Min.Add(b.Min), scale: f, psm: gosseract.PSM_SPARSE_TEXT})
	}
	return out
}

// statusPass reads the status bar strip (the top 3% of a portrait screen)
// at three times the page pass's scale: its clock and battery figures are
// about 10 px tall on a 1080-px screen read at 810.
func statusPass(g *image.Gray) pass {
	b := g.Bounds()
	h := max(24, b.Dy()/33)
	if b.Dx() > b.Dy() {
		h = max(24, b.Dy()/20)
	}
	r := image.Rect(0, 0, b.Dx(), min(h, b.Dy()))
	c := crop(g, r)
	f := min(3, 2.5*float64(fullPassWidth)/float64(b.Dx()))
	return pass{img: prepare(c, median(c) < 110, f), offset: r.Min, scale: f, psm: gosseract.PSM_SPARSE_TEXT}
}
