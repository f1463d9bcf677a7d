package perception

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/mobagent/mobagent/perception/ocr"
)

// String is the mode's word: auto, always or off.
func (m OCRMode) String() string {
	switch m {
	case OCRAuto:
		return "auto"
	case OCRAlways:
		return "always"
	case OCRNever:
		return "off"
	}
	return fmt.Sprintf("OCRMode(%d)", int(m))
}

// ParseOCRMode reads auto, always or off (also on, never, no).
func ParseOCRMode(s string) (OCRMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return OCRAuto, nil
	case "always", "on":
		return OCRAlways, nil
	case "off", "never", "no":
		return OCRNever, nil
	}
	return 0, fmt.Errorf("OCR mode %q: use auto, always or off", s)
}

// MarshalText writes the mode's word.
func (m OCRMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a mode's word.
func (m *OCRMode) UnmarshalText(b []byte) error {
	v, err := ParseOCRMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Settings are the perception choices a person makes, shared by `mobagent
// task`, `mobagent perceive`, the benchmark runners and SDK programs, so
// that every one of them sees a screen the same way. The zero value is what
// the agents use by default: the view hierarchy, OCR when it is needed (if
// an engine is given), no icon detector.
type Settings struct {
	OCR OCRMode
	// Icons turns on the classical icon detector (about 30 ms a screen; it
	// mostly adds unlabelled icons).
	Icons bool
	// Languages are the OCR languages (Tesseract codes such as eng, deu,
	// chi_sim); nil means the engine's.
	Languages []string
}

// Perceiver returns the perceiver and per-call options for s, reading text
// from pixels with engine (nil: no OCR, whatever s.OCR says).
func (s Settings) Perceiver(engine ocr.Engine, log *slog.Logger) (*Perceiver, PerceiveOptions) {
	p := &Perceiver{OCR: engine, NoVision: !s.Icons, Logger: log}
	opts := PerceiveOptions{OCR: s.OCR, OCRLanguages: s.Languages}
	if engine == nil {
		opts.OCR = OCRNever
	}
	return p, opts
}

// DefaultTextTokens is the token budget of the element list the agents and
// `mobagent perceive` render (RenderText).
const DefaultTextTokens = 1500

// DefaultMarkSide is the longer side of the set-of-mark image sent to
// vision models.
const DefaultMarkSide = 1024
