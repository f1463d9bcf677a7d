package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/perception/ocr/ppocr"
)

// DoctorOptions are the flags of `mobagent doctor`.
type DoctorOptions struct {
	IO     *IOStreams
	Server string
	// ConfigPath is --config; Model a profile to check besides the
	// configured ones (--model, else $MOBAGENT_MODEL); Memory the store
	// (default: the default store).
	ConfigPath string
	Model      string
	BaseURL    string
	Memory     string
	// OpenModel opens the models to check (tests replace it).
	OpenModel ModelFunc
}

func newCmdDoctor(s *IOStreams, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check adb, devices, Tesseract, fonts, the config, the models and the memory store, with a fix for each failure",
		Long: `Check everything mobagent needs and print a fix for each failure:
adb and its server, online devices, Tesseract OCR with English data, the
OMP_THREAD_LIMIT setting that makes Tesseract fast, the OCR language packs,
the optional PP-OCR engine (--ocr-engine ppocr), the fonts the virtual phone
draws with, the config file, each configured model endpoint (one request of
one token: is it up, is the key accepted, does the model exist) and the
memory store. It exits 1 when a required check fails.`,
		Example: `  mobagent doctor
  mobagent doctor --config ./ci.yaml
  mobagent doctor --model ollama:qwen2.5vl:7b`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` (default: from the environment, else localhost:5037)")
	configFlag(cmd.Flags(), &opts.ConfigPath)
	cmd.Flags().StringVarP(&opts.Model, "model", "m", "", "also check this model `PROFILE` (default: $MOBAGENT_MODEL)")
	cmd.Flags().StringVar(&opts.BaseURL, "base-url", "", "endpoint `URL` for --model's provider")
	cmd.Flags().StringVar(&opts.Memory, "memory", "", "the memory store to check (default $XDG_DATA_HOME/mobagent/memory.db)")
	return cmd
}

// check is one doctor finding.
type check struct {
	name     string
	ok       bool
	optional bool // a failure is a warning
	detail   string
	fix      string
}

func doctorRun(ctx context.Context, opts *DoctorOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var checks []check

	adbPath, err := exec.LookPath("adb")
	if err != nil {
		checks = append(checks, check{name: "adb", detail: "not on PATH", fix: "install it: apt-get install adb (Debian/Ubuntu), or the Android SDK platform-tools"})
	} else {
		out, _ := exec.CommandContext(ctx, adbPath, "version").Output()
		checks = append(checks, check{name: "adb", ok: true, detail: adbPath + " (" + firstLine(string(out)) + ")"})
	}

	c, err := adb.NewClient(adb.Config{Server: opts.Server})
	if err != nil {
		checks = append(checks, check{name: "adb server", detail: err.Error(), fix: "fix the server address in ADB_SERVER_SOCKET / ANDROID_ADB_SERVER_PORT"})
	} else if v, err := c.ServerVersion(ctx); err != nil {
		checks = append(checks, check{name: "adb server", detail: err.Error(), fix: "start it with `adb start-server`"})
	} else {
		checks = append(checks, check{name: "adb server", ok: true, detail: fmt.Sprintf("%s, protocol %d", c.Addr(), v)})
		devs, err := c.Devices(ctx)
		online := 0
		var names []string
		for _, d := range devs {
			if d.State == "device" {
				online++
			}
			names = append(names, d.Serial+" ("+d.State+")")
		}
		switch {
		case err != nil:
			checks = append(checks, check{name: "devices", detail: err.Error(), fix: "restart the adb server: adb kill-server && adb start-server"})
		case online == 0:
			checks = append(checks, check{name: "devices", optional: true, detail: "none online " + strings.Join(names, ", "),
				fix: "connect a phone with USB debugging on, or run `mobagent sim serve` then `adb connect 127.0.0.1:15555`"})
		default:
			checks = append(checks, check{name: "devices", ok: true, detail: strings.Join(names, ", ")})
		}
	}

	if tp, err := exec.LookPath("tesseract"); err != nil {
		checks = append(checks, check{name: "tesseract", detail: "not on PATH", fix: "apt-get install tesseract-ocr tesseract-ocr-eng libtesseract-dev libleptonica-dev"})
	} else {
		out, _ := exec.CommandContext(ctx, tp, "--list-langs").CombinedOutput()
		if !strings.Contains(string(out), "\neng") {
			checks = append(checks, check{name: "tesseract", detail: "no English language data", fix: "apt-get install tesseract-ocr-eng"})
		} else {
			ver, _ := exec.CommandContext(ctx, tp, "--version").CombinedOutput()
			checks = append(checks, check{name: "tesseract", ok: true, detail: tp + " (" + firstLine(string(ver)) + ", eng)"})
			var langs, missing []string
			have := map[string]bool{}
			for _, l := range strings.Fields(string(out)) {
				have[l] = true
			}
			for _, l := range []string{"por", "spa", "deu", "fra", "chi_sim", "jpn", "kor", "rus"} {
				if have[l] {
					langs = append(langs, l)
				} else {
					missing = append(missing, l)
				}
			}
			c := check{name: "OCR languages", ok: len(missing) == 0, optional: true,
				detail: "installed: eng " + strings.Join(langs, " ") + "; the device locale picks among them (perceive --lang overrides)"}
			if len(missing) > 0 {
				c.detail += "; missing: " + strings.Join(missing, " ")
				c.fix = "./scripts/deps.sh (or apt-get install tesseract-ocr-LANG for each)"
			}
			checks = append(checks, c)
		}
	}
	if ok, missing := ppocr.Installed(ppocr.Config{}); ok {
		checks = append(checks, check{name: "ppocr", ok: true, optional: true,
			detail: "PP-OCRv4 over ONNX Runtime, the optional engine (--ocr-engine ppocr): installed"})
	} else {
		checks = append(checks, check{name: "ppocr", ok: true, optional: true,
			detail: "the optional engine (--ocr-engine ppocr: photos, video, Chinese) is not installed: " + missing + " is missing",
			fix:    "./scripts/deps.sh --with-ppocr (Tesseract stays the default)"})
	}
	if opts.IO.Getenv("OMP_THREAD_LIMIT") != "1" {
		checks = append(checks, check{name: "OMP_THREAD_LIMIT", optional: true, detail: "not 1: Tesseract runs about 2.5× slower",
			fix: "mobagent sets it for its own OCR; for other tools, export OMP_THREAD_LIMIT=1"})
	} else {
		checks = append(checks, check{name: "OMP_THREAD_LIMIT", ok: true, detail: "1"})
	}
	if _, err := os.Stat("/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf"); err != nil {
		checks = append(checks, check{name: "fonts", ok: true, optional: true, detail: "Roboto not installed: the virtual phone draws with the embedded Go fonts",
			fix: "for Android's own typeface: apt-get install fonts-roboto"})
	} else {
		checks = append(checks, check{name: "fonts", ok: true, detail: "Roboto (as Android draws)"})
	}

	checks = append(checks, setupChecks(ctx, opts)...)

	failed := 0
	for _, ch := range checks {
		mark := "ok  "
		switch {
		case !ch.ok && ch.optional:
			mark = "warn"
		case !ch.ok:
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(opts.IO.Out, "%s  %-17s %s\n", mark, ch.name, ch.detail)
		if !ch.ok && ch.fix != "" {
			fmt.Fprintf(opts.IO.Out, "      %-17s fix: %s\n", "", ch.fix)
		}
	}
	if failed > 0 {
		return withCode(ExitFailed, fmt.Errorf("doctor: %d required check(s) failed; see the fixes above", failed))
	}
	return nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
