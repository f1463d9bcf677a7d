package perception

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"

	"github.com/mobagent/mobagent/device"
)

// LoadImage decodes a screenshot saved as PNG or JPEG (what people attach
// to bug reports). The format is read from the file's first bytes, not its
// name.
func LoadImage(path string) (image.Image, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("screenshot: %w", err)
	}
	img, err := DecodeImage(b)
	if err != nil {
		return nil, fmt.Errorf("screenshot %s: %w", path, err)
	}
	return img, nil
}

// DecodeImage decodes PNG or JPEG bytes.
func DecodeImage(b []byte) (image.Image, error) {
	var (
		img image.Image
		err error
	)
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		img, err = png.Decode(bytes.NewReader(b))
	case bytes.HasPrefix(b, []byte{0xff, 0xd8}):
		img, err = jpeg.Decode(bytes.NewReader(b))
	default:
		return nil, errors.New("not a PNG or JPEG image: save the screenshot as PNG (adb exec-out screencap -p > screen.png) or JPEG")
	}
	if err != nil {
		return nil, err
	}
	if img.Bounds().Empty() {
		return nil, errors.New("the image is empty")
	}
	return img, nil
}

// StaticSource is a ScreenSource over saved files: a screenshot and the
// view hierarchy dumped with it. Perceiving it gives what perceiving the
// live device would have given at that moment. A nil Hierarchy means there
// was no dump.
type StaticSource struct {
	Image     image.Image
	Hierarchy []byte
	App       device.Foreground
}

var _ ScreenSource = StaticSource{}

// Screenshot returns the saved image.
func (s StaticSource) Screenshot(context.Context) (image.Image, error) {
	if s.Image == nil {
		return nil, errors.New("no screenshot")
	}
	return s.Image, nil
}

// ViewHierarchy returns the saved dump.
func (s StaticSource) ViewHierarchy(context.Context) ([]byte, error) {
	if s.Hierarchy == nil {
		return nil, errors.New("no view hierarchy was saved with this screenshot")
	}
	return s.Hierarchy, nil
}

// Foreground returns the saved foreground app; an empty one is not an
// error (perception then names the package the dump shows most).
func (s StaticSource) Foreground(context.Context) (device.Foreground, error) {
	return s.App, nil
}
