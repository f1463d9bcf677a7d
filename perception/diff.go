package perception

import (
	"image"
	"image/color"
	"math"
	"math/bits"
)

// DHash is a 64-bit difference hash of img: the image is reduced to 9×8
// cells of mean luma and each bit says whether a cell is brighter than its
// right neighbour. Similar images have hashes a small Hamming distance apart
// (see HashDistance); it ignores colour shifts and small noise.
func DHash(img image.Image) uint64 {
	g := lumaGrid(img, 9, 8)
	var h uint64
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			h <<= 1
			if g[y*9+x] > g[y*9+x+1] {
				h |= 1
			}
		}
	}
	return h
}

// HashDistance is the number of differing bits between two DHash values:
// 0 means the same picture, above about 10 a different one.
func HashDistance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// DiffOptions tunes Diff. The zero value works.
type DiffOptions struct {
	// Cell is the side of a compared grid cell in pixels; 0 means 16, the
	// least is 4.
	Cell int
	// Threshold is the mean luma difference (0..255) above which a cell
	// counts as changed; 0 means 6.
	Threshold float64
	// Ignore lists regions (such as the status bar clock) left out of the
	// comparison, in pixels.
	Ignore []image.Rectangle
	// Hashes are the DHash values of the two images when the caller has
	// them (Screen.Hash), which saves two passes over the pixels; nil
	// computes them.
	Hashes *[2]Hash
}

// DiffResult says how much two screens differ.
type DiffResult struct {
	Ratio        float64         // changed cells / compared cells, 0..1
	Changed      image.Rectangle // bounding box of changed cells in pixels of a; empty if none
	HashDistance int             // between the DHash values of the two images
	SameSize     bool            // false means everything changed (e.g. rotation)
}

// Diff compares two screenshots on a grid of cells of mean luma: the basis
// for "did the action do anything" (Ratio > 0) and "has the screen settled"
// (Ratio below a small value between two frames). Images of different sizes
// give Ratio 1. Diff is safe for concurrent use.
func Diff(a, b image.Image, opts DiffOptions) DiffResult {
	var res DiffResult
	if h := opts.Hashes; h != nil {
		res.HashDistance = HashDistance(uint64(h[0]), uint64(h[1]))
	} else {
		res.HashDistance = HashDistance(DHash(a), DHash(b))
	}
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Size() != bb.Size() {
		res.Ratio, res.Changed = 1, image.Rect(0, 0, max(ab.Dx(), bb.Dx()), max(ab.Dy(), bb.Dy()))
		return res
	}
	res.SameSize = true
	cell := opts.Cell
	if cell <= 0 {
		cell = 16
	}
	cell = max(cell, 4) // large images are sampled every other pixel
	thr := opts.Threshold
	if thr <= 0 {
		thr = 6
	}
	gw, gh := (ab.Dx()+cell-1)/cell, (ab.Dy()+cell-1)/cell
	if gw == 0 || gh == 0 {
		return res
	}
	ga, gb := lumaGrid(a, gw, gh), lumaGrid(b, gw, gh)
	changed, compared := 0, 0
	for y := 0; y < gh; y++ {
		for x := 0; x < gw; x++ {
			r := image.Rect(x*ab.Dx()/gw, y*ab.Dy()/gh, (x+1)*ab.Dx()/gw, (y+1)*ab.Dy()/gh)
			if ignored(r, opts.Ignore) {
				continue
			}
			compared++
			if math.Abs(float64(ga[y*gw+x]-gb[y*gw+x])) > thr {
				changed++
				res.Changed = res.Changed.Union(r)
			}
		}
	}
	if compared > 0 {
		res.Ratio = float64(changed) / float64(compared)
	}
	return res
}

func ignored(r image.Rectangle, ign []image.Rectangle) bool {
	c := image.Pt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
	for _, g := range ign {
		if c.In(g) {
			return true
		}
	}
	return false
}

// lumaGrid reduces img to gw×gh cells of mean luma (0..255). Large images
// are sampled every other pixel, which keeps it fast without changing means
// noticeably.
func lumaGrid(img image.Image, gw, gh int) []float32 {
	b := img.Bounds()
	sum := make([]float64, gw*gh)
	cnt := make([]int, gw*gh)
	if b.Empty() {
		return make([]float32, gw*gh)
	}
	step := 1
	if b.Dx()*b.Dy() > 600_000 {
		step = 2
	}
	colOf := make([]int, b.Dx())
	for x := range colOf {
		colOf[x] = x * gw / b.Dx()
	}
	for y := b.Min.Y; y < b.Max.Y; y += step {
		row := (y - b.Min.Y) * gh / b.Dy() * gw
		switch m := img.(type) {
		case *image.RGBA:
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x += step {
				i := 4 * x
				sum[row+colOf[x]] += luma8(p[i], p[i+1], p[i+2])
				cnt[row+colOf[x]]++
			}
		case *image.NRGBA:
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x += step {
				i := 4 * x
				sum[row+colOf[x]] += luma8(p[i], p[i+1], p[i+2])
				cnt[row+colOf[x]]++
			}
		case *image.Gray:
			p := m.Pix[m.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x += step {
				sum[row+colOf[x]] += float64(p[x])
				cnt[row+colOf[x]]++
			}
		case *image.YCbCr:
			for x := 0; x < b.Dx(); x += step {
				sum[row+colOf[x]] += float64(m.Y[m.YOffset(b.Min.X+x, y)])
				cnt[row+colOf[x]]++
			}
		default:
			for x := 0; x < b.Dx(); x += step {
				c := color.RGBAModel.Convert(img.At(b.Min.X+x, y)).(color.RGBA)
				sum[row+colOf[x]] += luma8(c.R, c.G, c.B)
				cnt[row+colOf[x]]++
			}
		}
	}
	out := make([]float32, gw*gh)
	for i := range out {
		if cnt[i] > 0 {
			out[i] = float32(sum[i] / float64(cnt[i]))
		}
	}
	return out
}

func luma8(r, g, b uint8) float64 {
	return 0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b)
}
