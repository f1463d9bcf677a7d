package llm

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"

	_ "image/gif" // decoders for ImageData parts

	_ "golang.org/x/image/webp"

	"golang.org/x/image/draw"
)

// ImageFormat is how a backend encodes image.Image parts.
type ImageFormat string

// Image formats.
const (
	FormatJPEG ImageFormat = "jpeg"
	FormatPNG  ImageFormat = "png"
)

// ImagePolicy says how images are shrunk and encoded before they are sent.
// The zero value fits images within 1344 pixels on the longer side and sends
// JPEG at quality 85 with detail "high".
type ImagePolicy struct {
	MaxSide     int         // longer side bound in pixels; 0 means 1344, <0 means no bound
	MaxPixels   int         // width*height bound; 0 means none
	Format      ImageFormat // "" means JPEG
	JPEGQuality int         // 1..100; 0 means 85
	Detail      ImageDetail // default detail for parts that set none; "" means high
}

// Size returns the size an image of w×h is sent at: scaled down, never up,
// keeping the aspect ratio, to fit MaxSide and MaxPixels.
func (p ImagePolicy) Size(w, h int) (int, int) {
	if w <= 0 || h <= 0 {
		return w, h
	}
	scale := 1.0
	maxSide := p.MaxSide
	if maxSide == 0 {
		maxSide = 1344
	}
	if long := max(w, h); maxSide > 0 && long > maxSide {
		scale = float64(maxSide) / float64(long)
	}
	if p.MaxPixels > 0 {
		for float64(w)*scale*float64(h)*scale > float64(p.MaxPixels) {
			scale *= 0.98
		}
	}
	if scale >= 1 {
		return w, h
	}
	return max(1, int(float64(w)*scale+0.5)), max(1, int(float64(h)*scale+0.5))
}

// DetailFor returns the detail to send with part.
func (p ImagePolicy) DetailFor(part Part) ImageDetail {
	if part.Detail != "" {
		return part.Detail
	}
	if p.Detail != "" {
		return p.Detail
	}
	return DetailHigh
}

// Encode returns part's image as bytes with its MIME type and the size the
// model will see. Encoded parts (Data) already within bounds are passed
// through untouched; larger ones are decoded and shrunk.
func (p ImagePolicy) Encode(part Part) (data []byte, mime string, size image.Point, err error) {
	img := part.Image
	if img == nil {
		if len(part.Data) == 0 {
			return nil, "", image.Point{}, fmt.Errorf("llm: image part has neither Image nor Data")
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(part.Data))
		if err != nil {
			return nil, "", image.Point{}, fmt.Errorf("llm: image part: %w; send PNG, JPEG, GIF or WebP bytes", err)
		}
		if w, h := p.Size(cfg.Width, cfg.Height); w == cfg.Width && h == cfg.Height {
			mime := part.MIMEType
			if mime == "" {
				mime = "image/" + format
			}
			return part.Data, mime, image.Pt(w, h), nil
		}
		img, _, err = image.Decode(bytes.NewReader(part.Data))
		if err != nil {
			return nil, "", image.Point{}, fmt.Errorf("llm: image part: %w", err)
		}
	}
	b := img.Bounds()
	w, h := p.Size(b.Dx(), b.Dy())
	if w != b.Dx() || h != b.Dy() {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		img = dst
	}
	var buf bytes.Buffer
	switch p.Format {
	case FormatPNG:
		mime = "image/png"
		err = png.Encode(&buf, img)
	case "", FormatJPEG:
		mime = "image/jpeg"
		q := p.JPEGQuality
		if q <= 0 || q > 100 {
			q = 85
		}
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: q})
	default:
		return nil, "", image.Point{}, fmt.Errorf("llm: image format %q: use %q or %q", p.Format, FormatJPEG, FormatPNG)
	}
	if err != nil {
		return nil, "", image.Point{}, fmt.Errorf("llm: encode image: %w", err)
	}
	return buf.Bytes(), mime, image.Pt(w, h), nil
}

// ImageTokens estimates the prompt tokens an image of w×h pixels costs a
// GPT-4o-class model, by OpenAI's published rule: "low" detail is 85 tokens;
// "high" fits the image within 2048×2048, scales its shorter side down to
// 768, and costs 85 plus 170 for each 512-pixel tile.
func ImageTokens(w, h int, detail ImageDetail) int {
	if detail == DetailLow || w <= 0 || h <= 0 {
		return 85
	}
	fw, fh := float64(w), float64(h)
	if s := 2048 / max(fw, fh); s < 1 {
		fw, fh = fw*s, fh*s
	}
	if s := 768 / min(fw, fh); s < 1 {
		fw, fh = fw*s, fh*s
	}
	tiles := int(math.Ceil(fw/512)) * int(math.Ceil(fh/512))
	return 85 + 170*tiles
}
