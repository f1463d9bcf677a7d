package perception

import (
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/vision"
)

// ScreenSource is what a Perceiver reads from: the read-only part of a
// device. device.Device satisfies it. A Perceiver never sends input. (The
// name Source is taken by the element source type.)
type ScreenSource interface {
	Screenshot(ctx context.Context) (image.Image, error)
	ViewHierarchy(ctx context.Context) ([]byte, error)
	Foreground(ctx context.Context) (device.Foreground, error)
}

var _ ScreenSource = device.Device(nil)

// OCRMode says when a Perceiver runs OCR.
type OCRMode int

// The OCR modes.
const (
	// OCRAuto reads the parts of the screen where the hierarchy's
	// evidence says drawn text is missing from it (see PlanOCR), and
	// skips OCR where it is not.
	OCRAuto OCRMode = iota
	// OCRAlways runs OCR on every screen.
	OCRAlways
	// OCRNever skips OCR.
	OCRNever
)

// Perceiver builds Screens from a Source. The zero value works: hierarchy
// and vision, no OCR. Its fields must not change while Perceive runs;
// Perceive itself is safe for concurrent use.
type Perceiver struct {
	// OCR reads text from pixels; nil means no OCR.
	OCR ocr.Engine
	// NoVision turns the classical detector off.
	NoVision bool
	// Logger receives warnings and timings; nil discards them.
	Logger *slog.Logger
	// Now stamps Screen.Time; nil means time.Now.
	Now func() time.Time
}

// PerceiveOptions are per-call knobs. The zero value works.
type PerceiveOptions struct {
	OCR OCRMode
	// OCRLanguages override the engine's languages for this call.
	OCRLanguages []string
	// SkipHierarchy does not ask for a view hierarchy (it can take seconds
	// on busy screens).
	SkipHierarchy bool
	// Fuse tunes the fusion; its Screen is set from the screenshot.
	Fuse FuseOptions
	// StatusBar makes auto mode read the status bar (clock, battery) when
	// the dump holds none.
	StatusBar bool
}

// Perceive takes one observation: it fetches the screenshot, the view
// hierarchy and the foreground app in parallel, parses the hierarchy while
// OCR and vision read the pixels, fuses the results and numbers them.
//
// Only a failed screenshot is an error. A missing or malformed hierarchy,
// an OCR failure or an unknown foreground app is logged and noted in
// Screen.Warnings, and perception goes on with what it has.
func (p *Perceiver) Perceive(ctx context.Context, src ScreenSource, opts PerceiveOptions) (*Screen, error) {
	log := p.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	var (
		img       image.Image
		hier      *Hierarchy
		fg        device.Foreground
		hierErr   error
		fgErr     error
		ocrLines  []ocr.Line
		ocrErr    error
		regions   []vision.Region
		visErr    error
		evidence  []image.Rectangle
		imgReady  = make(chan struct{})
		hierReady = make(chan struct{})
	)
	g, gctx := errgroup.WithContext(ctx)
	goSafe := func(name string, f func() error) {
		g.Go(func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					err = fmt.Errorf("perception: panic in %s: %v", name, r)
				}
			}()
			return f()
		})
	}
	goSafe("screenshot", func() error {
		defer close(imgReady)
		var err error
		img, err = src.Screenshot(gctx)
		if err != nil {
			return fmt.Errorf("perception: screenshot: %w", err)
		}
		if img == nil || img.Bounds().Empty() {
			return errors.New("perception: the screenshot is empty; check that the screen is on and the device is unlocked")
		}
		return nil
	})
	goSafe("view hierarchy", func() error {
		defer close(hierReady)
		if opts.SkipHierarchy {
			return nil
		}
		xml, err := src.ViewHierarchy(gctx)
		if err != nil {
			hierErr = fmt.Errorf("view hierarchy: %w", err)
			return nil
		}
		// Parse with the screenshot's size once it is known.
		select {
		case <-imgReady:
		case <-gctx.Done():
			return gctx.Err()
		}
		var size image.Point
		if img != nil {
			size = img.Bounds().Size()
		}
		hier, hierErr = ParseHierarchy(xml, HierarchyOptions{Screen: size})
		return nil
	})
	var hash Hash
	goSafe("hash", func() error {
		select {
		case <-imgReady:
		case <-gctx.Done():
			return gctx.Err()
		}
		if img != nil {
			hash = Hash(DHash(img))
		}
		return nil
	})
	goSafe("foreground", func() error {
		fg, fgErr = src.Foreground(gctx)
		return nil
	})
	goSafe("pixels", func() error {
		select {
		case <-imgReady:
		case <-gctx.Done():
			return gctx.Err()
		}
		if img == nil {
			return nil // the screenshot goroutine reports why
		}
		if !p.NoVision {
			regions, visErr = vision.Detect(gctx, img, vision.Options{})
		}
		if p.OCR == nil || opts.OCR == OCRNever {
			return nil
		}
		oo := ocr.Options{Languages: opts.OCRLanguages}
		buttons := ButtonRegions(regions)
		// Wait for the hierarchy: it says where to read (auto) and where
		// the status bar's icons are.
		select {
		case <-hierReady:
		case <-gctx.Done():
			return gctx.Err()
		}
		plan := PlanOCR(hier, img.Bounds(), PlanOptions{StatusBar: opts.StatusBar})
		if opts.OCR == OCRAuto {
			if !plan.Full {
				oo.Areas = keepBusy(img, plan.Areas)
				if len(oo.Areas) == 0 {
					return nil
				}
				buttons = within(buttons, oo.Areas)
			}
		}
		oo.Regions = buttons
		status := plan.Status
		ocrLines, ocrErr = p.OCR.Recognize(gctx, img, oo)
		ocrLines = KeepStatusText(CleanOCR(ocrLines, img.Bounds(), regions), status)
		evidence = plan.Areas
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("perception: %w", err)
	}
	s := &Screen{Image: img, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), Time: now(), Hash: hash}
	warn := func(err error) {
		if err != nil {
			log.Warn("perception", "err", err)
			s.Warnings = append(s.Warnings, err.Error())
		}
	}
	warn(hierErr)
	if fgErr != nil {
		warn(fmt.Errorf("foreground app: %w", fgErr))
	}
	if ocrErr != nil {
		warn(fmt.Errorf("OCR: %w", ocrErr))
	}
	if visErr != nil {
		warn(fmt.Errorf("vision: %w", visErr))
	}
	s.Package, s.Activity = fg.Package, fg.Activity
	var hel []Element
	if hier != nil {
		hel = hier.Elements
		s.KeyboardShown = keyboardShown(hel)
		if s.Package == "" {
			s.Package = mainPackage(hel)
		}
	}
	fo := opts.Fuse
	fo.Screen = img.Bounds()
	if fo.Evidence == nil {
		fo.Evidence = evidence
	}
	s.Elements = Fuse(hel, OCRElements(ocrLines), VisionElements(regions), fo)
	return s, nil
}

func opaqueClass(c string) bool {
	for _, s := range []string{"WebView", "SurfaceView", "TextureView", "GLSurfaceView", "FlutterView", "UnityPlayer"} {
		if strings.HasSuffix(c, s) {
			return true
		}
	}
	return false
}

func keyboardShown(elems []Element) bool {
	for _, e := range elems {
		p := e.Package
		if strings.Contains(p, "inputmethod") || strings.Contains(p, "keyboard") || strings.Contains(p, "swiftkey") || strings.Contains(p, "honeyboard") {
			return true
		}
	}
	return false
}

// mainPackage is the package owning the most elements, ignoring the
// system UI.
func mainPackage(elems []Element) string {
	n := map[string]int{}
	best, bestN := "", 0
	for _, e := range elems {
		if e.Package == "" || e.Package == "com.android.systemui" {
			continue
		}
		n[e.Package]++
		if n[e.Package] > bestN {
			best, bestN = e.Package, n[e.Package]
		}
	}
	return best
}
