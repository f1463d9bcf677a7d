package vision

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"sort"
)

// Kind says what a region looks like.
type Kind string

// The region kinds.
const (
	Button Kind = "button" // a filled shape distinct from its background, wider than tall
	Icon   Kind = "icon"   // a compact, roughly square cluster of edges or a small filled shape
)

// Region is one detected thing, in pixels of the input image.
type Region struct {
	Bounds image.Rectangle `json:"bounds"`
	Kind   Kind            `json:"kind"`
	Score  float64         `json:"score"` // 0..1, how sure the detector is
	Fill   color.RGBA      `json:"-"`     // mean colour of a filled region
	Dark   bool            `json:"dark"`  // filled with a dark colour: text on it is light
}

// Options tunes Detect. The zero value works for phone screenshots.
type Options struct {
	// MinSide is the smallest region side in input pixels; 0 means 1/40 of
	// the image width.
	MinSide int
	// MaxRegions caps the result (highest scores first); 0 means 200.
	MaxRegions int
}

// work is the analysis resolution: the image is reduced by an integer
// factor so its width is at most this. At 360 (a third of a 1080-px screen)
// detection scores the same on the virtual phone's screens as at 540, at
// less than half the time (Detect was the larger half of a perception
// without OCR).
const work = 360

// Detect finds button-like and icon-like regions in img. It honours ctx
// between stages. Detect is safe for concurrent use.
func Detect(ctx context.Context, img image.Image, opts Options) ([]Region, error) {
	b := img.Bounds()
	if b.Empty() {
		return nil, nil
	}
	f := max(1, (b.Dx()+work-1)/work)
	sm, err := shrink(img, f)
	if err != nil {
		return nil, err
	}
	minSide := opts.MinSide
	if minSide <= 0 {
		minSide = max(8, b.Dx()/40)
	}
	minS := max(3, minSide/f)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The edge clusters are found while the filled regions are, on another
	// core; the clusters inside filled buttons are dropped after.
	var icons []Region
	wait := async(func() { icons = edgeIcons(sm, minS) })
	out := filled(sm, minS)
	if err := wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, ic := range icons {
		if !insideButton(ic.Bounds, out) {
			out = append(out, ic)
		}
	}
	out = dropTextRuns(out)
	out = dedupe(out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	maxN := opts.MaxRegions
	if maxN <= 0 {
		maxN = 200
	}
	if len(out) > maxN {
		out = out[:maxN]
	}
	for i := range out {
		r := out[i].Bounds
		out[i].Bounds = image.Rect(r.Min.X*f, r.Min.Y*f, r.Max.X*f, r.Max.Y*f).Add(b.Min).Intersect(b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, c := out[i].Bounds, out[j].Bounds
		if a.Min.Y != c.Min.Y {
			return a.Min.Y < c.Min.Y
		}
		return a.Min.X < c.Min.X
	})
	return out, nil
}

// async runs f on another goroutine; wait returns when f has, with f's
// panic, if any, as an error.
func async(f func()) (wait func() error) {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("vision: panic: %v", r)
				return
			}
			done <- nil
		}()
		f()
	}()
	return func() error { return <-done }
}

// rgb is a small image of 8-bit colour.
type rgb struct {
	w, h int
	pix  []uint8 // 3 per pixel
}

func (m *rgb) at(x, y int) (uint8, uint8, uint8) {
	i := 3 * (y*m.w + x)
	return m.pix[i], m.pix[i+1], m.pix[i+2]
}

// shrink averages f×f blocks.
func shrink(img image.Image, f int) (*rgb, error) {
	b := img.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	m := &rgb{w: w, h: h, pix: make([]uint8, 3*w*h)}
	n := uint32(f * f)
	var src []uint8
	stride := 0
	switch im := img.(type) {
	case *image.RGBA:
		src, stride = im.Pix[im.PixOffset(b.Min.X, b.Min.Y):], im.Stride
	case *image.NRGBA:
		src, stride = im.Pix[im.PixOffset(b.Min.X, b.Min.Y):], im.Stride
	}
	if ycc, ok := img.(*image.YCbCr); ok {
		// JPEG screenshots: average Y, Cb and Cr per block from the planes
		// (chroma is subsampled), then convert once per output pixel.
		rows := func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				for x := 0; x < w; x++ {
					var sy, scb, scr uint32
					for dy := 0; dy < f; dy++ {
						py := b.Min.Y + y*f + dy
						yrow := ycc.Y[ycc.YOffset(b.Min.X+x*f, py):]
						for dx := 0; dx < f; dx++ {
							sy += uint32(yrow[dx])
						}
						ci := ycc.COffset(b.Min.X+x*f+f/2, py)
						scb += uint32(ycc.Cb[ci])
						scr += uint32(ycc.Cr[ci])
					}
					r, g, bb := color.YCbCrToRGB(uint8(sy/n), uint8(scb/uint32(f)), uint8(scr/uint32(f)))
					i := 3 * (y*w + x)
					m.pix[i], m.pix[i+1], m.pix[i+2] = r, g, bb
				}
			}
		}
		wait := async(func() { rows(0, h/2) })
		rows(h/2, h)
		return m, wait()
	}
	if src != nil {
		// Fast path: sum the block rows straight from the pixel buffer, the
		// two halves of the image at once.
		rows := func(y0, y1 int) {
			sums := make([]uint32, 3*w)
			for y := y0; y < y1; y++ {
				clear(sums)
				for dy := 0; dy < f; dy++ {
					row := src[(y*f+dy)*stride : (y*f+dy)*stride+4*w*f]
					for x, j := 0, 0; x < w; x++ {
						var r, g, bb uint32
						for i := 0; i < f; i, j = i+1, j+4 {
							r += uint32(row[j])
							g += uint32(row[j+1])
							bb += uint32(row[j+2])
						}
						sums[3*x] += r
						sums[3*x+1] += g
						sums[3*x+2] += bb
					}
				}
				out := m.pix[3*y*w : 3*(y+1)*w]
				for i, v := range sums {
					out[i] = uint8(v / n)
				}
			}
		}
		wait := async(func() { rows(0, h/2) })
		rows(h/2, h)
		return m, wait()
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sr, sg, sb uint32
			for dy := 0; dy < f; dy++ {
				for dx := 0; dx < f; dx++ {
					r, g, bb := pixel(img, b.Min.X+x*f+dx, b.Min.Y+y*f+dy)
					sr += uint32(r)
					sg += uint32(g)
					sb += uint32(bb)
				}
			}
			i := 3 * (y*w + x)
			m.pix[i], m.pix[i+1], m.pix[i+2] = uint8(sr/n), uint8(sg/n), uint8(sb/n)
		}
	}
	return m, nil
}

func pixel(img image.Image, x, y int) (uint8, uint8, uint8) {
	switch m := img.(type) {
	case *image.RGBA:
		i := m.PixOffset(x, y)
		return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
	case *image.NRGBA:
		i := m.PixOffset(x, y)
		return m.Pix[i], m.Pix[i+1], m.Pix[i+2]
	}
	c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
	return c.R, c.G, c.B
}

func dist(r1, g1, b1, r2, g2, b2 uint8) int {
	return absi(int(r1)-int(r2)) + absi(int(g1)-int(g2)) + absi(int(b1)-int(b2))
}

func absi(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// filled flood-fills regions of near-constant colour and keeps those shaped
// like buttons or icons: compact, mostly solid, and a different colour from
// the pixels around them.
func filled(m *rgb, minS int) []Region {
	const stepTol, seedTol = 12, 36
	label := make([]int32, m.w*m.h)
	var out []Region
	queue := make([]int32, 0, 1024)
	next := int32(0)
	total := m.w * m.h
	for start := 0; start < total; start++ {
		if label[start] != 0 {
			continue
		}
		next++
		label[start] = next
		sr, sg, sb := m.pix[3*start], m.pix[3*start+1], m.pix[3*start+2]
		queue = append(queue[:0], int32(start))
		minX, minY, maxX, maxY := m.w, m.h, -1, -1
		var cr, cg, cb, count int
		for len(queue) > 0 {
			p := int(queue[len(queue)-1])
			queue = queue[:len(queue)-1]
			x, y := p%m.w, p/m.w
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			pr, pg, pb := m.pix[3*p], m.pix[3*p+1], m.pix[3*p+2]
			cr, cg, cb, count = cr+int(pr), cg+int(pg), cb+int(pb), count+1
			for _, q := range [4]int{p - 1, p + 1, p - m.w, p + m.w} {
				if q < 0 || q >= total || label[q] != 0 {
					continue
				}
				if (q == p-1 && x == 0) || (q == p+1 && x == m.w-1) {
					continue
				}
				qr, qg, qb := m.pix[3*q], m.pix[3*q+1], m.pix[3*q+2]
				if dist(pr, pg, pb, qr, qg, qb) <= stepTol && dist(sr, sg, sb, qr, qg, qb) <= seedTol {
					label[q] = next
					queue = append(queue, int32(q))
				}
			}
		}
		bw, bh := maxX-minX+1, maxY-minY+1
		// Full-width bands (app bars, headers) are not buttons; a wide pill
		// button that stops short of the edges is.
		if bw < minS || bh < minS || bw*bh*3 > total || bw > m.w*99/100 || (minX == 0 && maxX == m.w-1) {
			continue
		}
		solid := float64(count) / float64(bw*bh)
		if solid < 0.6 {
			continue
		}
		mr, mg, mb := uint8(cr/count), uint8(cg/count), uint8(cb/count)
		contrast := ringContrast(m, minX, minY, maxX, maxY, mr, mg, mb)
		if contrast < 40 {
			continue
		}
		kind := Button
		aspect := float64(bw) / float64(bh)
		if aspect < 1.6 && bw < m.w/5 {
			kind = Icon
		}
		if kind == Button && bh > m.h/6 {
			continue // a panel or a picture, not a button
		}
		score := min(1, 0.4+0.4*solid+float64(contrast)/600)
		out = append(out, Region{
			Bounds: image.Rect(minX, minY, maxX+1, maxY+1), Kind: kind, Score: score,
			Fill: color.RGBA{mr, mg, mb, 255}, Dark: 299*int(mr)+587*int(mg)+114*int(mb) < 128000,
		})
	}
	return out
}

// ringContrast is the mean colour distance between c and the pixels just
// outside the box.
func ringContrast(m *rgb, x0, y0, x1, y1 int, r, g, b uint8) int {
	sum, n := 0, 0
	add := func(x, y int) {
		if x < 0 || y < 0 || x >= m.w || y >= m.h {
			return
		}
		pr, pg, pb := m.at(x, y)
		sum += dist(r, g, b, pr, pg, pb)
		n++
	}
	for x := x0; x <= x1; x++ {
		add(x, y0-2)
		add(x, y1+2)
	}
	for y := y0; y <= y1; y++ {
		add(x0-2, y)
		add(x1+2, y)
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// insideButton reports whether most of box lies in a filled button.
func insideButton(box image.Rectangle, filledRegions []Region) bool {
	for _, f := range filledRegions {
		in := box.Intersect(f.Bounds)
		if f.Kind == Button && in.Dx()*in.Dy()*2 > box.Dx()*box.Dy() {
			return true
		}
	}
	return false
}

// edgeIcons finds compact clusters of strong edges (outline icons, glyph
// logos).
func edgeIcons(m *rgb, minS int) []Region {
	w, h := m.w, m.h
	lum := make([]int16, w*h)
	for i := range lum {
		lum[i] = int16((299*int(m.pix[3*i]) + 587*int(m.pix[3*i+1]) + 114*int(m.pix[3*i+2])) / 1000)
	}
	edge := make([]bool, w*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			gx := int(lum[i+1]) - int(lum[i-1])
			gy := int(lum[i+w]) - int(lum[i-w])
			if absi(gx)+absi(gy) > 48 {
				edge[i] = true
			}
		}
	}
	// Dilate by a radius that joins the strokes of one icon but not words.
	r := max(1, minS/4)
	dil := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if !edge[y*w+x] {
				continue
			}
			for dy := -r; dy <= r; dy++ {
				for dx := -r; dx <= r; dx++ {
					xx, yy := x+dx, y+dy
					if xx >= 0 && yy >= 0 && xx < w && yy < h {
						dil[yy*w+xx] = true
					}
				}
			}
		}
	}
	seen := make([]bool, w*h)
	var out []Region
	queue := make([]int, 0, 256)
	for s := range dil {
		if !dil[s] || seen[s] {
			continue
		}
		seen[s] = true
		queue = append(queue[:0], s)
		minX, minY, maxX, maxY, edges := w, h, -1, -1, 0
		for len(queue) > 0 {
			p := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			x, y := p%w, p/w
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			if edge[p] {
				edges++
			}
			for _, q := range [4]int{p - 1, p + 1, p - w, p + w} {
				if q < 0 || q >= len(dil) || seen[q] || !dil[q] {
					continue
				}
				if (q == p-1 && x == 0) || (q == p+1 && x == w-1) {
					continue
				}
				seen[q] = true
				queue = append(queue, q)
			}
		}
		// Undo the dilation margin.
		box := image.Rect(minX+r, minY+r, maxX-r+1, maxY-r+1)
		bw, bh := box.Dx(), box.Dy()
		if bw < minS || bh < minS || bw > w/5 || bh > w/5 {
			continue
		}
		aspect := float64(bw) / float64(bh)
		if aspect < 0.6 || aspect > 1.6 {
			continue // words and rules, not icons
		}
		density := float64(edges) / float64(bw*bh)
		if density < 0.08 {
			continue
		}
		out = append(out, Region{Bounds: box, Kind: Icon, Score: min(0.9, 0.3+density)})
	}
	return out
}

// dedupe drops a region mostly inside a kept one of the same kind. Icons
// are visited largest first (the outline around a filled centre is the
// icon), buttons by score (a button inside a card stays).
func dedupe(rs []Region) []Region {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Kind == Icon && b.Kind == Icon {
			return a.Bounds.Dx()*a.Bounds.Dy() > b.Bounds.Dx()*b.Bounds.Dy()
		}
		return a.Score > b.Score
	})
	var out []Region
	for _, r := range rs {
		dup := false
		for _, k := range out {
			in := r.Bounds.Intersect(k.Bounds)
			a := r.Bounds.Dx() * r.Bounds.Dy()
			if !in.Empty() && in.Dx()*in.Dy()*10 > a*8 && k.Kind == r.Kind &&
				(r.Kind == Icon || in.Dx()*in.Dy()*10 > k.Bounds.Dx()*k.Bounds.Dy()*8) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, r)
		}
	}
	return out
}

// dropTextRuns drops the edge clusters that stand in a row with others of
// about their height, close together: the glyphs of large text (a
// launcher's clock, a title's letters, "5G" in the status bar), not icons,
// which stand apart.
func dropTextRuns(icons []Region) []Region {
	run := make([]bool, len(icons))
	for i, a := range icons {
		for j, b := range icons {
			if i == j || a.Kind != Icon || b.Kind != Icon {
				continue
			}
			ra, rb := a.Bounds, b.Bounds
			ha, hb := ra.Dy(), rb.Dy()
			ov := min(ra.Max.Y, rb.Max.Y) - max(ra.Min.Y, rb.Min.Y)
			if ov*10 < min(ha, hb)*6 || max(ha, hb)*10 > min(ha, hb)*16 {
				continue
			}
			gap := max(rb.Min.X-ra.Max.X, ra.Min.X-rb.Max.X)
			if gap >= 0 && gap*5 <= min(ha, hb)*4 {
				run[i], run[j] = true, true
			}
		}
	}
	out := icons[:0]
	for i, ic := range icons {
		if !run[i] {
			out = append(out, ic)
		}
	}
	return out
}
