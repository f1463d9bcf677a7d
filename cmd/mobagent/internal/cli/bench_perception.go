package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/perception/eval/realeval"
	"github.com/mobagent/mobagent/perception/eval/simeval"
	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/ocr/ppocr"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/sim"
)

// BenchPerceptionOptions are the flags of `mobagent bench perception`.
type BenchPerceptionOptions struct {
	IO       *IOStreams
	JSON     bool
	Server   string
	Device   string
	Runs     int
	NoTiming bool
	Screens  []string
	Font     string
	Misses   bool
	// Real is a folder of real screens (see perception/eval/realeval);
	// when set, those are scored instead of the virtual phone's.
	Real string
	// Langs override each real screen's OCR languages.
	Langs []string
	// Engine is the OCR engine for --real: tesseract or ppocr.
	Engine string
}

func newCmdBenchPerception(s *IOStreams, runF func(context.Context, *BenchPerceptionOptions) error) *cobra.Command {
	opts := &BenchPerceptionOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "perception",
		Short: "Measure perception on the virtual phone's screens against the perception targets",
		Long: `Measure perception against what the virtual phone knows it shows, and print each
figure beside its target:

  OCR word recall and precision   every app's screens, light and dark; the truth is
                                  the hierarchy's visible text (and web pages' text)
  clickable nodes kept by fusion  every clickable node of the dump in the element list
  web text blocks found           Chrome pages, whose dump is an empty WebView
  perceive time, median           screenshot + dump + OCR + fusion of a 1080x2400
                                  screen through a real adb server, with and without OCR
  text rendering, median          estimated tokens of the text a text-only model gets

The phones are served in this process; accuracy needs no adb. Timing goes through
the adb server (--adb-server, else the environment's, started on localhost when
needed) to a virtual phone served here, or to --device when given. Timings depend
on the machine: the table shows the load average and the CPU time per perception.

With --real DIR it scores real phones' screens instead: each folder of DIR holds
screen.png or screen.jpg, the dump.xml taken with it (uiautomator or Appium) and
truth.txt, the words drawn on the screen written by hand. It prints OCR word recall
and precision against the drawn words per group (plain UI, web, photo/video,
non-Latin) and over all, whether the text the dump lacks reaches the agent in auto
mode, the noise among OCR-only elements, and the median OCR and perceive times; one
line per screen with --misses, followed by what was missed. The project's set is
perception/eval/realeval/testdata (40 screens, sources in its SOURCE.md).

Exits 1 when a measured figure misses its target.`,
		Example: "  mobagent bench perception\n  mobagent bench perception --json > perception.json\n" +
			"  mobagent bench perception --screens settings-main,chrome-wikihow --no-timing --misses\n" +
			"  mobagent bench perception --device emulator-5554\n" +
			"  mobagent bench perception --real perception/eval/realeval/testdata --misses\n" +
			"  mobagent bench perception --real testdata --screens zap-kwai-20ccae0 --json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Runs < 1 {
				return withCode(ExitUsage, fmt.Errorf("--runs must be at least 1, not %d", opts.Runs))
			}
			if !slices.Contains([]string{"go", "roboto", "auto"}, opts.Font) {
				return withCode(ExitUsage, fmt.Errorf("--font %q: use go, roboto or auto", opts.Font))
			}
			for _, n := range opts.Screens {
				if opts.Real != "" {
					break // real screens are checked when the folder is read
				}
				if _, ok := simeval.ScreenNamed(n); !ok {
					return withCode(ExitUsage, fmt.Errorf("--screens: no screen %q; the screens are %s", n, strings.Join(screenNames(), ", ")))
				}
			}
			if opts.Engine != "tesseract" && opts.Engine != "ppocr" {
				return withCode(ExitUsage, fmt.Errorf("--ocr-engine %q: use tesseract or ppocr", opts.Engine))
			}
			if opts.Engine == "ppocr" && opts.Real == "" {
				return withCode(ExitUsage, fmt.Errorf("--ocr-engine ppocr is measured on real screens: pass --real DIR"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return benchPerceptionRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.JSON, "json", false, "print the figures and every screen's score as JSON")
	f.StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` for timing (default: from the environment, else localhost:5037)")
	f.StringVarP(&opts.Device, "device", "d", "", "time perception on this device `SERIAL` instead of a virtual phone served here")
	f.IntVar(&opts.Runs, "runs", 15, "perceptions per timing (the median is reported)")
	f.BoolVar(&opts.NoTiming, "no-timing", false, "skip the timing, which needs an adb server")
	f.StringSliceVar(&opts.Screens, "screens", nil, "score only these `NAMES` (default: every screen)")
	f.StringVar(&opts.Font, "font", "go", "virtual phone font: go (the goldens'), roboto or auto")
	f.BoolVar(&opts.Misses, "misses", false, "also list, per screen, the words missed or misread and what fusion lost")
	f.StringVar(&opts.Real, "real", "", "score the real screens in `DIR` instead of the virtual phone's")
	f.StringSliceVar(&opts.Langs, "lang", nil, "with --real: OCR `LANGS` for every screen (default: each screen's own, from its truth)")
	f.StringVar(&opts.Engine, "ocr-engine", "tesseract", "with --real: the OCR engine, tesseract or ppocr")
	return cmd
}

func screenNames() []string {
	var out []string
	for _, s := range simeval.Screens() {
		out = append(out, s.Name)
	}
	return out
}

func benchPerceptionRun(ctx context.Context, opts *BenchPerceptionOptions) error {
	if opts.Real != "" {
		return benchPerceptionReal(ctx, opts)
	}
	engine, err := tesseract.New(tesseract.Config{})
	if err != nil {
		return withCode(ExitUnavailable, err)
	}
	defer engine.Close()
	if !tesseract.ThreadLimited() {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s is not set; OCR timings will be several times slower\n", tesseract.ThreadLimitVar)
	}
	font := sim.FontChoice(opts.Font)
	if opts.Font == "auto" {
		font = ""
	}
	cfg := sim.Config{Font: font}
	screens := simeval.Screens()
	if len(opts.Screens) > 0 {
		screens = slices.DeleteFunc(screens, func(s simeval.Screen) bool { return !slices.Contains(opts.Screens, s.Name) })
	}
	results, err := simeval.Run(ctx, engine, screens, cfg, func(r simeval.Result) {
		fmt.Fprintf(opts.IO.ErrOut, "%-24s %-5s %s\n", r.Screen, map[bool]string{false: "light", true: "dark"}[r.Dark], r.OCR)
	})
	if err != nil {
		return fmt.Errorf("bench perception: %w", err)
	}
	sum := simeval.Summarize(results)
	if !opts.NoTiming {
		t, err := benchPerceptionTiming(ctx, opts, engine, cfg)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			t = simeval.Timing{Skipped: err.Error()}
		}
		sum.Timing = &t
	}
	if opts.JSON {
		if err := printJSON(opts.IO.Out, struct {
			Pass    bool             `json:"pass"`
			Figures []simeval.Figure `json:"figures"`
			Summary simeval.Summary  `json:"summary"`
		}{sum.Pass(), sum.Figures(), sum}); err != nil {
			return err
		}
	} else {
		if err := sum.WriteTable(opts.IO.Out); err != nil {
			return err
		}
		if opts.Misses {
			fmt.Fprintln(opts.IO.Out)
			sum.WriteMisses(opts.IO.Out)
		}
	}
	if !sum.Pass() {
		return withCode(ExitFailed, errors.New("bench perception: a figure misses its target (see the table; --misses lists what was missed)"))
	}
	return nil
}

// benchPerceptionTiming times perception on --device, or on a virtual phone
// showing simeval.TimingScreen served here and connected to the adb server.
func benchPerceptionTiming(ctx context.Context, opts *BenchPerceptionOptions, engine *tesseract.Engine, cfg sim.Config) (simeval.Timing, error) {
	c, err := adb.NewClient(adb.Config{Server: opts.Server})
	if err != nil {
		return simeval.Timing{}, err
	}
	if opts.Device != "" {
		dev, err := c.Device(ctx, opts.Device)
		if err != nil {
			return simeval.Timing{}, fmt.Errorf("device %s: %w", opts.Device, err)
		}
		return simeval.Time(ctx, dev, engine, opts.Device, opts.Runs)
	}
	s, _ := simeval.ScreenNamed(simeval.TimingScreen)
	p, err := simeval.Reach(s, false, cfg)
	if err != nil {
		return simeval.Timing{}, err
	}
	served, err := simeval.Serve(ctx, p, c)
	if err != nil {
		return simeval.Timing{}, fmt.Errorf("%w (start an adb server, or pass --no-timing)", err)
	}
	t, err := simeval.Time(ctx, served.Device, engine, "virtual phone "+served.Serial+" ("+simeval.TimingScreen+")", opts.Runs)
	if cerr := served.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return t, err
}

// benchPerceptionReal scores the real screens in opts.Real.
func benchPerceptionReal(ctx context.Context, opts *BenchPerceptionOptions) error {
	cases, err := realeval.Load(opts.Real, opts.Screens...)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	langs := map[string]bool{"eng": true}
	for _, l := range opts.Langs {
		langs[l] = true
	}
	for _, c := range cases {
		if len(opts.Langs) == 0 {
			for _, l := range c.Truth.Languages {
				langs[l] = true
			}
		}
	}
	var need []string
	for l := range langs {
		need = append(need, l)
	}
	slices.Sort(need)
	var engine ocr.Engine
	name := opts.Engine
	if name == "" {
		name = "tesseract"
	}
	switch name {
	case "ppocr":
		pe, err := ppocr.New(ppocr.Config{})
		if err != nil {
			return withCode(ExitUnavailable, err)
		}
		defer pe.Close()
		engine = pe
	default:
		te, err := tesseract.New(tesseract.Config{Languages: need})
		if err != nil {
			return withCode(ExitUnavailable, fmt.Errorf("%w (./scripts/deps.sh installs the language packs)", err))
		}
		defer te.Close()
		engine = te
		if !tesseract.ThreadLimited() {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %s is not set; OCR timings will be several times slower\n", tesseract.ThreadLimitVar)
		}
	}
	n := 0
	results, err := realeval.Run(ctx, cases, realeval.Options{Engine: engine, EngineName: name, Languages: opts.Langs}, func(r realeval.Result) {
		n++
		fmt.Fprintf(opts.IO.ErrOut, "[%d/%d] %-44s %s\n", n, len(cases), r.Screen, r.OCR)
	})
	if err != nil {
		return fmt.Errorf("bench perception --real: %w", err)
	}
	sum := realeval.Summarize(name, opts.Real, results)
	if opts.JSON {
		if err := printJSON(opts.IO.Out, struct {
			Pass bool `json:"pass"`
			realeval.Summary
		}{sum.Pass(), sum}); err != nil {
			return err
		}
	} else {
		if err := sum.WriteTable(opts.IO.Out); err != nil {
			return err
		}
		if opts.Misses {
			fmt.Fprintln(opts.IO.Out)
			sum.WriteScreens(opts.IO.Out, true)
		}
	}
	if !sum.Pass() {
		return withCode(ExitFailed, errors.New("bench perception --real: a figure misses its target (see the table; --misses lists what was missed)"))
	}
	return nil
}
