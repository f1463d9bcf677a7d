package ppocr

import (
	"image"
	"math"
)

// The DB detector's normalisation (ImageNet) and post-processing
// thresholds, as PaddleOCR ships them.
var (
	detMean = [3]float32{0.485, 0.456, 0.406}
	detStd  = [3]float32{0.229, 0.224, 0.225}
)

const (
	detThresh    = 0.3 // a pixel is text above this probability
	detBoxThresh = 0.6 // a region is kept when its mean probability is above this
	detUnclip    = 1.6 // how far a region's box is grown (DB shrinks its regions)
)

// detSize is the network input size for a w×h source read at scale:
// multiples of 32, at least 32.
func detSize(w, h int, scale float64) (int, int) {
	r := func(v int) int {
		n := int(math.Round(float64(v)*scale/32)) * 32
		return max(32, n)
	}
	return r(w), r(h)
}

// detBoxes turns the detector's probability map (w×h, row-major) into text
// boxes in map pixels: connected regions above detThresh whose mean
// probability reaches detBoxThresh, each box grown as DB's unclip does for
// a rectangle (by area × ratio / perimeter).
func detBoxes(prob []float32, w, h int) []image.Rectangle {
	seen := make([]bool, len(prob))
	var out []image.Rectangle
	queue := make([]int, 0, 256)
	for s := range prob {
		if seen[s] || prob[s] <= detThresh {
			continue
		}
		seen[s] = true
		queue = append(queue[:0], s)
		minX, minY, maxX, maxY := w, h, -1, -1
		var sum float64
		n := 0
		for len(queue) > 0 {
			p := queue[len(queue)-1]
			queue = queue[:len(queue)-1]
			x, y := p%w, p/w
			minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
			sum += float64(prob[p])
			n++
			for _, q := range [4]int{p - 1, p + 1, p - w, p + w} {
				if q < 0 || q >= len(prob) || seen[q] || prob[q] <= detThresh {
					continue
				}
				if (q == p-1 && x == 0) || (q == p+1 && x == w-1) {
					continue
				}
				seen[q] = true
				queue = append(queue, q)
			}
		}
		bw, bh := maxX-minX+1, maxY-minY+1
		if bw < 3 || bh < 3 || sum/float64(n) < detBoxThresh {
			continue
		}
		d := int(math.Round(float64(bw*bh) * detUnclip / float64(2*(bw+bh))))
		out = append(out, image.Rect(minX-d, minY-d, maxX+1+d, maxY+1+d).Intersect(image.Rect(0, 0, w, h)))
	}
	return out
}

// toSource maps a box in map pixels back to the source rectangle src that
// was read into a mw×mh map.
func toSource(b image.Rectangle, src image.Rectangle, mw, mh int) image.Rectangle {
	fx := float64(src.Dx()) / float64(mw)
	fy := float64(src.Dy()) / float64(mh)
	r := image.Rect(
		src.Min.X+int(math.Floor(float64(b.Min.X)*fx)), src.Min.Y+int(math.Floor(float64(b.Min.Y)*fy)),
		src.Min.X+int(math.Ceil(float64(b.Max.X)*fx)), src.Min.Y+int(math.Ceil(float64(b.Max.Y)*fy)))
	return r.Intersect(src)
}
