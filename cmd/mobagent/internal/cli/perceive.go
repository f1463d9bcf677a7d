package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
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

By default it prints the text rendering that text-only models get; --json prints the screen
in formats v2 (bounds as [left, top, right, bottom], the hash as hex; 'mobagent schema screen').
--som writes the set-of-mark image a vision model gets (--vision: at the size 'task --vision'
sends; otherwise as the trajectory keeps it).`,
		Example: "  mobagent perceive --device 127.0.0.1:15555\n  mobagent perceive --json --som marks.png\n  mobagent perceive --ocr off --icons",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := opts.Perception.settings(); err != nil {
				return withCode(ExitUsage, err)
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
	opts.Perception.register(fl)
	return cmd
}

func perceiveRun(ctx context.Context, opts *PerceiveOptions) error {
	if opts.OpenDevice == nil {
		opts.OpenDevice = openDevice
	}
	if opts.OpenOCR == nil {
		opts.OpenOCR = openOCR
	}
	dev, stop, err := opts.OpenDevice(ctx, DeviceRequest{Server: opts.Server, Serial: opts.Device})
	if err != nil {
		return withCode(ExitUnavailable, err)
	}
	defer stop()
	p, popts, closeOCR, err := opts.Perception.open(opts.OpenOCR, opts.IO.ErrOut, nil)
	if err != nil {
		return err
	}
	defer closeOCR()
	start := time.Now()
	scr, err := p.Perceive(ctx, dev, popts)
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
	fmt.Fprintf(opts.IO.ErrOut, "%d elements from %s in %s\n", len(scr.Elements), dev.Serial(), took.Round(time.Millisecond))
	return nil
}
