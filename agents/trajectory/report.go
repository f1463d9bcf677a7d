package trajectory

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/format"
)

//go:embed report.html.tmpl
var reportFS embed.FS

var reportTmpl = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"ms":   func(d format.Millis) string { return fmt.Sprintf("%d ms", d.D().Milliseconds()) },
	"secs": func(d format.Millis) string { return fmt.Sprintf("%.1f s", d.D().Seconds()) },
	"cost": func(c float64) string { return fmt.Sprintf("$%.4f", c) },
	"pct":  func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
}).ParseFS(reportFS, "report.html.tmpl"))

type reportStep struct {
	agents.Step
	Img template.URL // data: URI of the screenshot
	// ImgMissing names a screenshot a killed run never wrote.
	ImgMissing string
	W, H       int // device pixels, the overlay's view box
	Tap        *image.Point
	SwipeFrom  *image.Point
	SwipeTo    *image.Point
	Overhead   format.Millis
}

type reportData struct {
	Run      *Run
	Steps    []reportStep
	Final    template.URL
	Dir      string
	Built    time.Time
	Overhead format.Millis
}

// WriteReport builds dir/report.html from the run directory: a
// self-contained page (images inlined, no scripts or styles from elsewhere)
// with the step timeline, each screenshot with the tap or swipe drawn on
// it, thoughts, reflections, gate decisions, per-step time and tokens, and
// the totals. It returns the report's path.
func WriteReport(dir string) (string, error) {
	run, steps, err := Load(dir)
	if err != nil {
		return "", err
	}
	d := reportData{Run: run, Dir: dir, Built: time.Now().UTC(), Overhead: run.Overhead}
	for _, st := range steps {
		rs := reportStep{Step: st, W: st.Screen.Size[0], H: st.Screen.Size[1], Overhead: format.Ms(st.Timings.Overhead())}
		if st.Screenshot != "" {
			rs.Img, err = dataURI(filepath.Join(dir, st.Screenshot))
			switch {
			case errors.Is(err, fs.ErrNotExist) && run.Recovered:
				// The run was killed before the image was written; the
				// record stands without it.
				rs.ImgMissing, err = st.Screenshot, nil
			case err != nil:
				return "", err
			}
		}
		if x := st.Exec; x != nil && x.Point != nil {
			p := image.Pt(x.Point[0], x.Point[1])
			if x.End != nil {
				e := image.Pt(x.End[0], x.End[1])
				rs.SwipeFrom, rs.SwipeTo = &p, &e
			} else {
				rs.Tap = &p
			}
		}
		d.Steps = append(d.Steps, rs)
	}
	if run.Final != "" {
		if d.Final, err = dataURI(filepath.Join(dir, run.Final)); err != nil {
			return "", err
		}
	}
	var b bytes.Buffer
	if err := reportTmpl.Execute(&b, d); err != nil {
		return "", fmt.Errorf("trajectory: render the report: %w", err)
	}
	out := filepath.Join(dir, "report.html")
	if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("trajectory: write the report: %w", err)
	}
	return out, nil
}

func dataURI(path string) (template.URL, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("trajectory: the report needs %s: %w", path, err)
	}
	return template.URL("data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(b)), nil
}
