package prompts

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
)

// TestFormats renders every dialect's reply format, checks that it states
// the dialect's coordinate system, and parses its example reply in that
// dialect: the instruction and the parser agree.
func TestFormats(t *testing.T) {
	table := &actions.Dialects{}
	names := FormatNames()
	if strings.Join(names, " ") != strings.Join(table.Names(), " ") {
		t.Fatalf("formats %v; dialects %v: each dialect needs one format", names, table.Names())
	}
	const w, h = 1080, 2400
	for _, name := range names {
		d, err := table.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		fd := FormatData{Width: w, Height: h, Elements: true}
		if d.Coords.Kind == actions.CoordsSmartResize {
			rs, err := d.Coords.Resize.Size(w, h)
			if err != nil {
				t.Fatal(err)
			}
			fd.Width, fd.Height = rs.X, rs.Y
		}
		text, err := Format(name, fd)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(text, "<no value>") || len(text) > 1500 {
			t.Errorf("%s: %d bytes or a missing value:\n%s", name, len(text), text)
		}
		var mention string
		switch d.Coords.Kind {
		case actions.CoordsPixels, actions.CoordsSmartResize:
			mention = "pixels"
		case actions.CoordsNormalized:
			switch d.Coords.Max {
			case 1:
				mention = "0 to 1"
				if !strings.Contains(text, mention) {
					mention = "0-1 "
				}
			case 999:
				mention = "999"
			default:
				mention = "1000"
				if strings.Contains(text, "999") { // AutoGLM and CogAgent say 0-999 and divide by 1000
					mention = "999"
				}
			}
		}
		if name != "appagent" && name != "m3a" && !strings.Contains(text, mention) { // element-only formats
			t.Errorf("%s: the format does not state its coordinates (%q):\n%s", name, mention, text)
		}
		_, example, ok := strings.Cut(text, "Example:\n")
		if !ok {
			t.Fatalf("%s: no example", name)
		}
		got, err := actions.ParseWith(example, actions.ParseOptions{Dialect: d, ImageSize: image.Pt(w, h)})
		if err != nil || got.Action == nil {
			t.Errorf("%s: its example %q does not parse: %v", name, example, err)
		}
		if got.Thought == "" && name != "seeclick" && name != "showui" {
			t.Errorf("%s: the example's reasoning is lost", name)
		}
		golden := filepath.Join("testdata", "formats", name+".golden")
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%s: %v (run go test ./prompts -update)", name, err)
		}
		if string(want) != text {
			t.Errorf("%s: rendered format differs from %s:\n%s", name, golden, text)
		}
	}
	if _, err := Format("nope", FormatData{}); err == nil || !strings.Contains(err.Error(), "qwen2.5-vl") {
		t.Errorf("unknown format: %v", err)
	}
	// Without a size the pixel formats leave points out.
	text, err := Format("json", FormatData{Elements: true})
	if err != nil || strings.Contains(text, "pixels") || !strings.Contains(text, `"element": 5`) {
		t.Errorf("json without a size: %v\n%s", err, text)
	}
}
