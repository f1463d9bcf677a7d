package ppocr

import (
	"image"
	"image/color"
)

// rgbAt returns a function that reads the 8-bit RGB of img at (x, y), fast
// for the types screenshots decode to (RGBA, NRGBA from PNG; YCbCr from
// JPEG).
func rgbAt(img image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch m := img.(type) {
	case *image.RGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.NRGBA:
		return func(x, y int) (uint8, uint8, uint8) {
			i := m.PixOffset(x, y)
			return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
		}
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	}
	return func(x, y int) (uint8, uint8, uint8) {
		c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
		return c.R, c.G, c.B
	}
}

// resizeCHW samples the rectangle src of img into a w×h planar float image
// (R, G, B planes, bilinear), mapping each 8-bit channel value v to
// (v/255 - mean[c]) / std[c]. It writes into dst, which must hold 3*w*h
// values, at row stride w; rows and columns past (cw, ch) are left as they
// are (the caller's padding).
func resizeCHW(img image.Image, src image.Rectangle, dst []float32, w, h, cw, ch int, mean, std [3]float32) {
	at := rgbAt(img)
	sx := float64(src.Dx()) / float64(cw)
	sy := float64(src.Dy()) / float64(ch)
	var lut [3][256]float32
	for c := range 3 {
		for v := range 256 {
			lut[c][v] = (float32(v)/255 - mean[c]) / std[c]
		}
	}
	plane := w * h
	type tap struct {
		x0, x1 int
		f      float32
	}
	xs := make([]tap, cw)
	for x := range xs {
		fx := (float64(x)+0.5)*sx - 0.5
		if fx < 0 {
			fx = 0
		}
		x0 := int(fx)
		x1 := min(x0+1, src.Dx()-1)
		x0 = min(x0, src.Dx()-1)
		xs[x] = tap{src.Min.X + x0, src.Min.X + x1, float32(fx - float64(x0))}
	}
	for y := range ch {
		fy := (float64(y)+0.5)*sy - 0.5
		if fy < 0 {
			fy = 0
		}
		y0 := int(fy)
		y1 := min(y0+1, src.Dy()-1)
		y0 = min(y0, src.Dy()-1)
		wy := float32(fy - float64(y0))
		ya, yb := src.Min.Y+y0, src.Min.Y+y1
		row := y * w
		for x, t := range xs {
			r00, g00, b00 := at(t.x0, ya)
			r01, g01, b01 := at(t.x1, ya)
			r10, g10, b10 := at(t.x0, yb)
			r11, g11, b11 := at(t.x1, yb)
			mix := func(c int, a, b, cc, d uint8) float32 {
				top := lut[c][a]*(1-t.f) + lut[c][b]*t.f
				bot := lut[c][cc]*(1-t.f) + lut[c][d]*t.f
				return top*(1-wy) + bot*wy
			}
			dst[row+x] = mix(0, r00, r01, r10, r11)
			dst[plane+row+x] = mix(1, g00, g01, g10, g11)
			dst[2*plane+row+x] = mix(2, b00, b01, b10, b11)
		}
	}
}
