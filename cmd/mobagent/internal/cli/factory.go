package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/openai"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/ocr/ppocr"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

// Factory builds the parts commands take from the outside world: the phone,
// the model and the OCR engine. NewFactory returns the real ones. A command's
// options copy the constructors they use, so a test replaces one to run the
// command without adb, Tesseract or a model; the end-to-end tests keep the
// real ones.
type Factory struct {
	IO     *IOStreams
	Device DeviceFunc
	Model  ModelFunc
	OCR    OCRFunc
}

// DeviceRequest says which phone a command wants.
type DeviceRequest struct {
	Server string // adb server HOST:PORT; "" means the environment's
	Serial string // a serial; "sim" for the virtual phone; "" for the only attached device
	// Sim allows serving the virtual phone in-process when Serial is "" and
	// no device is attached.
	Sim     bool
	SimAddr string    // where the virtual phone listens; "" means the first free port from 127.0.0.1:15555
	Notice  io.Writer // told when the virtual phone is served
	Log     *slog.Logger
}

// DeviceFunc finds the phone a command runs on; stop releases it (it stops
// a virtual phone served for the command).
type DeviceFunc func(ctx context.Context, req DeviceRequest) (dev agents.Device, stop func(), err error)

// ModelFunc opens a model profile (provider:model) at baseURL ("" for the
// provider's), reading keys through getenv.
type ModelFunc func(profile, baseURL string, getenv func(string) string, log *slog.Logger) (llm.Model, llm.Profile, error)

// OCRFunc opens the OCR engine for languages (nil: the default).
type OCRFunc func(languages []string) (ocr.Engine, error)

// NewFactory returns the real constructors over s.
func NewFactory(s *IOStreams) *Factory {
	return &Factory{IO: s, Device: openDevice, Model: openModel, OCR: openOCR}
}

// openDevice is the real DeviceFunc: the device named, the only one
// attached, or the virtual phone served in-process.
func openDevice(ctx context.Context, req DeviceRequest) (agents.Device, func(), error) {
	nop := func() {}
	log := req.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c, err := adb.NewClient(adb.Config{Server: req.Server, Logger: log})
	if err != nil {
		return nil, nop, err
	}
	if req.Serial != "" && req.Serial != "sim" {
		d, err := c.Device(ctx, req.Serial)
		return d, nop, err
	}
	if req.Serial == "" {
		devs, err := c.Devices(ctx)
		if err != nil {
			return nil, nop, err
		}
		online := 0
		for _, d := range devs {
			if d.State == "device" {
				online++
			}
		}
		if online > 0 || !req.Sim {
			d, err := c.Device(ctx, "")
			if errors.Is(err, adb.ErrAmbiguousDevice) {
				err = fmt.Errorf("%w (pass --device SERIAL)", err)
			}
			return d, nop, err
		}
	}
	phone, err := sim.NewPhone(sim.Config{})
	if err != nil {
		return nil, nop, err
	}
	ln, err := listenSim(req.SimAddr)
	if err != nil {
		return nil, nop, err
	}
	if req.Notice != nil {
		fmt.Fprintf(req.Notice, "no device attached: serving the virtual phone on %s\n", ln.Addr())
	}
	served, err := simserve.ServeOn(ctx, ln, phone, c, log)
	if err != nil {
		return nil, nop, err
	}
	stop := func() {
		if err := served.Close(); err != nil {
			log.Error("the virtual phone stopped", "err", err)
		}
	}
	return served.Device, stop, nil
}

// listenSim listens on addr, or on the first free port from 15555 (the adb
// server probes 5555-5585 on its own, so we stay above).
func listenSim(addr string) (net.Listener, error) {
	if addr != "" {
		return net.Listen("tcp", addr)
	}
	var last error
	for port := 15555; port < 15655; port++ {
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err == nil {
			return ln, nil
		}
		last = err
	}
	return nil, fmt.Errorf("no free port for the virtual phone in 127.0.0.1:15555-15654: %w", last)
}

// openModel is the real ModelFunc, over the OpenAI-compatible API.
func openModel(profile, baseURL string, getenv func(string) string, log *slog.Logger) (llm.Model, llm.Profile, error) {
	lc := llm.Config{Getenv: getenv}
	if baseURL != "" {
		p, err := llm.ParseProfile(profile)
		if err != nil {
			return nil, llm.Profile{}, err
		}
		lc.Endpoints = map[llm.Provider]llm.Endpoint{p.Provider: {BaseURL: baseURL}}
	}
	p, err := lc.Resolve(profile)
	if err != nil {
		return nil, llm.Profile{}, err
	}
	m, err := openai.New(openai.Config{Profile: p, Logger: log})
	if err != nil {
		return nil, p, err
	}
	return m, p, nil
}

// openPPOCR opens the PP-OCR engine; it reads one alphabet (Chinese,
// English letters, digits), whatever the languages.
func openPPOCR([]string) (ocr.Engine, error) {
	return ppocr.New(ppocr.Config{})
}

// openOCR is the real OCRFunc: Tesseract.
func openOCR(languages []string) (ocr.Engine, error) {
	return tesseract.New(tesseract.Config{Languages: languages})
}

// perceptionFlags are the perception flags of `task`, `perceive` and the
// benchmark runners: one set, so a screen reads the same in every command
// and in the SDK (perception.Settings).
type perceptionFlags struct {
	OCR       string
	Icons     bool
	Languages []string
	// Engine is the OCR engine: tesseract (the default) or ppocr (PP-OCR
	// through ONNX Runtime, installed by scripts/deps.sh --with-ppocr).
	Engine string
	noOCR  bool // the old --no-ocr of perceive, hidden
}

func (p *perceptionFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&p.OCR, "ocr", "auto", "OCR: auto (where the hierarchy lacks the drawn text), always or off")
	fs.BoolVar(&p.Icons, "icons", false, "detect unlabelled icons in the pixels (slower)")
	fs.StringSliceVar(&p.Languages, "lang", nil, "OCR `LANGS` as Tesseract codes, comma-separated (default: from the device's locale, else eng)")
	fs.StringVar(&p.Engine, "ocr-engine", "tesseract", "OCR engine: tesseract, or ppocr (PP-OCR, stronger on photos and Chinese; ./scripts/deps.sh --with-ppocr)")
	fs.BoolVar(&p.noOCR, "no-ocr", false, "same as --ocr off")
	_ = fs.MarkHidden("no-ocr")
}

func (p *perceptionFlags) settings() (perception.Settings, error) {
	mode, err := perception.ParseOCRMode(p.OCR)
	if err != nil {
		return perception.Settings{}, fmt.Errorf("--ocr: %w", err)
	}
	if p.noOCR {
		mode = perception.OCRNever
	}
	if p.Engine != "" && p.Engine != "tesseract" && p.Engine != "ppocr" {
		return perception.Settings{}, fmt.Errorf("--ocr-engine %q: use tesseract or ppocr", p.Engine)
	}
	return perception.Settings{OCR: mode, Icons: p.Icons, Languages: p.Languages}, nil
}

// open builds the perceiver. An OCR engine that cannot start turns OCR off
// with a warning, unless OCR was asked for always (then it is an error).
func (p *perceptionFlags) open(open OCRFunc, warn io.Writer, log *slog.Logger) (*perception.Perceiver, perception.PerceiveOptions, func(), error) {
	nop := func() {}
	s, err := p.settings()
	if err != nil {
		return nil, perception.PerceiveOptions{}, nop, withCode(ExitUsage, err)
	}
	var eng ocr.Engine
	if s.OCR != perception.OCRNever {
		if p.Engine == "ppocr" {
			open = openPPOCR
		}
		eng, err = open(s.Languages)
		switch {
		case err != nil && s.OCR == perception.OCRAlways:
			return nil, perception.PerceiveOptions{}, nop, withCode(ExitUnavailable, fmt.Errorf("--ocr always: %w (install tesseract-ocr, or pass --ocr auto or off)", err))
		case err != nil:
			fmt.Fprintf(warn, "warning: OCR is off: %v (install tesseract-ocr, or pass --ocr off)\n", err)
			eng = nil
		}
	}
	perc, opts := s.Perceiver(eng, log)
	closeFn := nop
	if c, ok := eng.(io.Closer); ok {
		closeFn = func() { c.Close() }
	}
	return perc, opts, closeFn, nil
}
