package cli

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/format"
)

// realScreen is one of the project's real screens (perception/eval/realeval).
func realScreen(name string) (img, dump string) {
	dir := filepath.Join("..", "..", "..", "..", "perception", "eval", "realeval", "testdata", "screens", name)
	img = filepath.Join(dir, "screen.png")
	if strings.HasPrefix(name, "utg-") {
		img = filepath.Join(dir, "screen.jpg")
	}
	return img, filepath.Join(dir, "dump.xml")
}

// perceive --image --xml perceives saved files as a device: on a real
// Facebook feed whose post text is only in the pixels, auto mode reads it,
// and --json matches the screen schema.
func TestPerceiveSavedFiles(t *testing.T) {
	img, dump := realScreen("zap-facebook-5abada9")
	io, out, errb := testStreams()
	flags := perceptionFlags{OCR: "auto", Languages: []string{"por", "eng"}, Engine: "tesseract"}
	if err := perceiveRun(context.Background(), &PerceiveOptions{IO: io, Image: img, XML: dump, Perception: flags}); err != nil {
		t.Fatalf("%v; stderr: %s", err, errb)
	}
	text := out.String()
	for _, want := range []string{`app="com.facebook.katana"`, `desc="Foto do perfil de Tribuna do Monte"`, `text="Jornal Correio" src=ocr`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %s in\n%s", want, text)
		}
	}
	io2, out2, _ := testStreams()
	if err := perceiveRun(context.Background(), &PerceiveOptions{IO: io2, Image: img, XML: dump, JSON: true, Perception: flags}); err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("screen", out2.Bytes()); err != nil {
		t.Errorf("--json does not match the screen schema: %v", err)
	}
	var scr struct {
		Elements []struct {
			Text       string `json:"text"`
			Source     string `json:"source"`
			TextSource string `json:"text_source"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(out2.Bytes(), &scr); err != nil {
		t.Fatal(err)
	}
	ocrText := 0
	for _, e := range scr.Elements {
		if e.Source == "ocr" || e.TextSource == "ocr" {
			ocrText++
		}
	}
	if ocrText < 4 {
		t.Errorf("%d elements with text from pixels, want the post's lines", ocrText)
	}
}

func TestPerceiveSavedFilesUsage(t *testing.T) {
	img, dump := realScreen("utg-ad_silence-settings-074750")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"perceive", "--xml", dump}, "--xml needs --image"},
		{[]string{"perceive", "--image", img, "--device", "emulator-5554"}, "contradict"},
		{[]string{"perceive", "--image", dump, "--xml", dump, "--ocr", "off"}, "not a PNG or JPEG"},
		{[]string{"perceive", "--image", img, "--xml", img, "--ocr", "off"}, "--xml"},
		{[]string{"perceive", "--image", img, "--ocr-engine", "easyocr"}, "use tesseract or ppocr"},
	} {
		s, _, errb := cliStreams()
		if code := Main(tt.args, s); code != ExitUsage || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d mentioning %q", tt.args, code, errb, ExitUsage, tt.want)
		}
	}
	// A JPEG and its droidbot dump, OCR off: the hierarchy's labels.
	io, out, _ := testStreams()
	if err := perceiveRun(context.Background(), &PerceiveOptions{IO: io, Image: img, XML: dump, Perception: perceptionFlags{OCR: "off"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"Apps & notifications`) {
		t.Errorf("no Settings row in\n%s", out)
	}
}

func TestBenchPerceptionRealScreens(t *testing.T) {
	s, out, errb := cliStreams()
	dir := filepath.Join("..", "..", "..", "..", "perception", "eval", "realeval", "testdata")
	err := benchPerceptionRun(context.Background(), &BenchPerceptionOptions{IO: s, JSON: true, Real: dir,
		Screens: []string{"utg-ad_silence-settings-074750", "zap-help-1eb221f"}, Runs: 1, Font: "go"})
	var ee *exitError
	if err != nil && !(errors.As(err, &ee) && ee.code == ExitFailed) {
		t.Fatalf("%v; stderr: %s", err, errb)
	}
	var rep struct {
		Format int `json:"format"`
		All    struct {
			Screens int `json:"screens"`
			OCR     struct {
				Truth int `json:"truth"`
				Read  int `json:"read"`
			} `json:"ocr"`
		} `json:"all"`
		Groups  []struct{ Group string } `json:"groups"`
		Results []struct {
			Screen     string  `json:"screen"`
			PerceiveMs float64 `json:"perceive_ms"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if rep.Format != 2 || rep.All.Screens != 2 || len(rep.Results) != 2 || rep.All.OCR.Truth == 0 || rep.All.OCR.Read == 0 || rep.Results[0].PerceiveMs <= 0 {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(errb.String(), "[2/2]") {
		t.Errorf("no progress on stderr: %s", errb)
	}
}
