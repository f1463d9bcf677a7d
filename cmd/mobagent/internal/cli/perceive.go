package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr"
)

// PerceiveOptions are the flags of `mobagent perceive`.
type PerceiveOptions struct {
	IO         *IOStreams
	Server     string
	Device     string
	JSON       bool
	SoM        string
	Perception perceptionFlags
	Vision     bool
	// Image and XML perceive saved files instead of a device: a screenshot
	// (PNG or JPEG) and the dump taken with it (uiautomator or Appium).
	Image string
	XML   string

	OpenDevice DeviceFunc
	OpenOCR    OCRFunc
}

// PerceiveJSON is what `mobagent perceive --json` prints (schema "screen").
type PerceiveJSON struct {
	Format int `json:"format"`
	*perception.Screen
	// Text is the element list exactly as the agents' text prompt gets it.
	Text string `json:"text"`
}

func newCmdPerceive(f *Factory, runF func(context.Context, *PerceiveOptions) error) *cobra.Command {
	opts := &PerceiveOptions{IO: f.IO, OpenDevice: f.Device, OpenOCR: f.OCR}
	cmd := &cobra.Command{
		Use:   "perceive",
		Short: "Print the fused element list of the current screen, as the agents see it",
		Long: `Take one observation of a phone exactly as the agents do in 'mobagent task' with the same
flags: the screenshot, the view hierarchy, OCR (--ocr auto reads the drawn text the hierarchy
lacks; always; off) and, with --icons, the classical icon detector, fused into one numbered
element list. The ids are the ones the decision role would use.

With --image SCREEN.png|jpg --xml DUMP.xml it perceives saved files exactly as a live
device would have been perceived at that moment: what people attach to bug reports, and
what 'mobagent bench perception --real' scores. Without --lang, OCR reads the device's
locale (getprop persist.sys.locale: pt-BR reads Portuguese and English), or English for
saved files.

By default it prints the text rendering that text-only models get; --json prints the screen
in formats v2 (bounds as [left, top, right, bottom], the hash as hex; 'mobagent schema screen').
--som writes the set-of-mark image a vision model gets (--vision: at the size 'task --vision'
sends; otherwise as the trajectory keeps it).`,
		Example: "  mobagent perceive --device 127.0.0.1:15555\n  mobagent perceive --json --som marks.png\n  mobagent perceive --ocr off --icons\n" +
			"  mobagent perceive --image screen.jpg --xml window_dump.xml --lang por,eng --som marks.png\n" +
			"  mobagent perceive --image bug.png --xml page_source.xml --ocr-engine ppocr --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := opts.Perception.settings(); err != nil {
				return withCode(ExitUsage, err)
			}
			if opts.XML != "" && opts.Image == "" {
				return withCode(ExitUsage, fmt.Errorf("--xml needs --image: pass the screenshot taken with the dump"))
			}
			if opts.Image != "" && opts.Device != "" {
				return withCode(ExitUsage, fmt.Errorf("--image and --device contradict each other: perceive saved files or a device, not both"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return perceiveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Device, "device", "d", "", "device `SERIAL` (default: the only online device)")
	fl.StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` (default: from the environment, else localhost:5037)")
	fl.BoolVar(&opts.JSON, "json", false, "print the screen as JSON")
	fl.StringVar(&opts.SoM, "som", "", "write the set-of-mark image to `FILE` (PNG)")
	fl.BoolVar(&opts.Vision, "vision", false, "draw the set-of-mark image at the size sent to vision models")
	fl.StringVar(&opts.Image, "image", "", "perceive this saved screenshot `FILE` (PNG or JPEG) instead of a device")
	fl.StringVar(&opts.XML, "xml", "", "the view hierarchy `FILE` saved with --image (uiautomator dump or Appium page source)")
	opts.Perception.register(fl)
	return cmd
}

// perceiveSource is what perceive reads: a device, or saved files.
func perceiveSource(ctx context.Context, opts *PerceiveOptions) (src perception.ScreenSource, name string, stop func(), err error) {
	stop = func() {}
	if opts.Image != "" {
		img, err := perception.LoadImage(opts.Image)
		if err != nil {
			return nil, "", stop, withCode(ExitUsage, fmt.Errorf("--image: %w", err))
		}
		var dump []byte
		if opts.XML != "" {
			if dump, err = os.ReadFile(opts.XML); err != nil {
				return nil, "", stop, withCode(ExitUsage, fmt.Errorf("--xml: %w", err))
			}
			if _, err := perception.ParseHierarchy(dump, perception.HierarchyOptions{Screen: img.Bounds().Size()}); err != nil {
				return nil, "", stop, withCode(ExitUsage, fmt.Errorf("--xml %s: %w", opts.XML, err))
			}
		}
		return perception.StaticSource{Image: img, Hierarchy: dump}, opts.Image, stop, nil
	}
	if opts.OpenDevice == nil {
		opts.OpenDevice = openDevice
	}
	dev, stop, err := opts.OpenDevice(ctx, DeviceRequest{Server: opts.Server, Serial: opts.Device})
	if err != nil {
		return nil, "", func() {}, withCode(ExitUnavailable, err)
	}
	if len(opts.Perception.Languages) == 0 {
		opts.Perception.Languages = deviceLanguages(ctx, dev)
	}
	return dev, dev.Serial(), stop, nil
}

// deviceLanguages reads the OCR languages from the device's locale; nil
// (the engine's default) when it cannot be read.
func deviceLanguages(ctx context.Context, dev device.Device) []string {
	for _, prop := range []string{"persist.sys.locale", "ro.product.locale"} {
		res, err := dev.Shell(ctx, "getprop", prop)
		if err != nil || res.ExitCode != 0 {
			continue
		}
		if loc := strings.TrimSpace(string(res.Stdout)); loc != "" {
			return ocr.LanguagesForLocale(loc)
		}
	}
	return nil
}

// fallbackOCR opens the engine for the languages asked, and when one is
// not installed, for English, with a warning that says how to install it.
func fallbackOCR(open OCRFunc, warn io.Writer) OCRFunc {
	return func(langs []string) (ocr.Engine, error) {
		e, err := open(langs)
		if err != nil && len(langs) > 1 {
			fmt.Fprintf(warn, "warning: OCR in English only: %v (./scripts/deps.sh installs the language packs, or pass --lang eng)\n", err)
			return open([]string{"eng"})
		}
		return e, err
	}
}

func perceiveRun(ctx context.Context, opts *PerceiveOptions) error {
	if opts.OpenOCR == nil {
		opts.OpenOCR = openOCR
	}
	src, name, stop, err := perceiveSource(ctx, opts)
	if err != nil {
		return err
	}
	defer stop()
	p, popts, closeOCR, err := opts.Perception.open(fallbackOCR(opts.OpenOCR, opts.IO.ErrOut), opts.IO.ErrOut, nil)
	if err != nil {
		return err
	}
	defer closeOCR()
	start := time.Now()
	scr, err := p.Perceive(ctx, src, popts)
	if err != nil {
		return withCode(ExitUnavailable, err)
	}
	took := time.Since(start)
	for _, w := range scr.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	text := perception.RenderText(scr, perception.TextOptions{MaxTokens: perception.DefaultTextTokens})
	if opts.SoM != "" {
		side := 720
		if opts.Vision {
			side = perception.DefaultMarkSide
		}
		img, _, err := perception.DrawMarks(scr.Image, scr.Elements, perception.MarkOptions{MaxSide: side})
		if err != nil {
			return err
		}
		f, err := os.Create(opts.SoM)
		if err != nil {
			return withCode(ExitUsage, fmt.Errorf("--som: %w", err))
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return fmt.Errorf("--som %s: %w", opts.SoM, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("--som %s: %w", opts.SoM, err)
		}
	}
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(PerceiveJSON{Format: format.Version, Screen: scr, Text: text})
	}
	fmt.Fprintln(opts.IO.Out, text)
	fmt.Fprintf(opts.IO.ErrOut, "%d elements from %s in %s\n", len(scr.Elements), name, took.Round(time.Millisecond))
	return nil
}
