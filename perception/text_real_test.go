package perception

import (
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the text renderings in testdata/golden from the current code")

func TestIDWords(t *testing.T) {
	for in, want := range map[string]string{
		"com.shop:id/cart_icon_container": "cart icon container",
		"com.fb:id/toolbarBack":           "toolbar back",
		"page_switcher":                   "page switcher",
		"android:id/button1":              "button1",
		"com.x:id/a":                      "",
		"com.x:id/12":                     "",
		"":                                "",
		"(name removed)":                  "",
	} {
		if got := IDWords(in); got != want {
			t.Errorf("IDWords(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderTextTellsApartSharedLabels(t *testing.T) {
	s := &Screen{Width: 1080, Height: 2400, Elements: []Element{
		{ID: 1, Bounds: image.Rect(0, 100, 300, 200), Text: "缓存", Clickable: true, Enabled: true, Source: SourceHierarchy},
		{ID: 2, Bounds: image.Rect(780, 100, 1080, 200), Text: "缓存", Clickable: true, Enabled: true, Source: SourceHierarchy},
		{ID: 3, Bounds: image.Rect(0, 2200, 300, 2300), Text: "缓存", Clickable: true, Enabled: true, Source: SourceHierarchy},
		{ID: 4, Bounds: image.Rect(20, 2310, 340, 2390), Text: "缓存", Clickable: true, Enabled: true, Source: SourceHierarchy},
		{ID: 5, Bounds: image.Rect(400, 1000, 600, 1100), Clickable: true, ResourceID: "com.app:id/cart_icon_container", Enabled: true, Source: SourceHierarchy},
		{ID: 6, Bounds: image.Rect(400, 1200, 600, 1300), Text: "Only one", Clickable: true, Enabled: true, Source: SourceHierarchy},
	}}
	out := RenderText(s, TextOptions{NoHeader: true})
	for _, want := range []string{`id=1 text="缓存" pos="top left"`, `id=2 text="缓存" pos="top right"`,
		`id=3 text="缓存" pos="bottom left, 1 of 2"`, `id=4 text="缓存" pos="bottom left, 2 of 2"`,
		`<button id=5 name="cart icon container">`, `<button id=6 text="Only one">`} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	assertDistinguishable(t, "shared labels", s, out)
}

// idAttr matches the element number of a rendered line.
var idAttr = regexp.MustCompile(`^<(\w+) id=\d+`)

// assertDistinguishable fails when two actionable elements render to the
// same line apart from their number: a model could tell them apart only by
// order.
func assertDistinguishable(t *testing.T, name string, s *Screen, text string) {
	t.Helper()
	seen := map[string]int{}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for _, l := range lines {
		m := idAttr.FindStringSubmatch(l)
		if m == nil || (m[1] != "button" && m[1] != "input" && m[1] != "switch" && m[1] != "checkbox") {
			continue
		}
		key := idAttr.ReplaceAllString(l, "<$1")
		if key == "<button>" {
			continue // a control with nothing to tell: counted by the caller
		}
		seen[key]++
		if seen[key] == 2 {
			t.Errorf("%s: two controls render as %q", name, key)
		}
	}
}

// realDumps are the dumps of the real screens and the shared fixtures.
func realDumps(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	screens, _ := filepath.Glob(filepath.Join("eval", "realeval", "testdata", "screens", "*", "dump.xml"))
	for _, f := range screens {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out["real_"+filepath.Base(filepath.Dir(f))] = b
	}
	if len(screens) < 40 {
		t.Fatalf("%d real screens, want 40", len(screens))
	}
	dir := filepath.Join("..", "..", "shared", "fixtures", "uiautomator")
	if d := os.Getenv("MOBAGENT_SHARED_FIXTURES"); d != "" {
		dir = filepath.Join(d, "uiautomator") // where shared/ is not beside the repository
	}
	fixtures, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(fixtures) == 0 {
		t.Logf("the shared uiautomator fixtures are not beside the repository: only the project's real dumps are checked")
	}
	for _, f := range fixtures {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out["fixture_"+strings.TrimSuffix(filepath.Base(f), ".xml")] = b
	}
	for _, f := range []string{"appium_uia2_miui_settings.xml", "appium_uia2_compose.xml"} {
		out["appium_"+strings.TrimSuffix(f, ".xml")] = readTestdata(t, f)
	}
	return out
}

// TestRenderRealDumpsGolden renders every real dump (the real screens' and
// the shared fixtures') as an agent gets it, holds the renderings as goldens
// (go test ./perception -run TestRenderRealDumpsGolden -update rewrites
// them), and checks that each control can be told apart from the others.
func TestRenderRealDumpsGolden(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	if *updateGolden {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	unnamed := 0
	dumps := realDumps(t)
	if !*updateGolden {
		// A golden without its dump (the shared fixtures absent) is skipped.
		goldens, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
		if len(goldens) > len(dumps) {
			t.Logf("%d goldens, %d dumps found: the shared fixtures' goldens are not checked", len(goldens), len(dumps))
		}
	}
	for name, dump := range dumps {
		t.Run(name, func(t *testing.T) {
			h, err := ParseHierarchy(dump, HierarchyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			els := append([]Element(nil), h.Elements...)
			s := &Screen{Width: h.Screen.Dx(), Height: h.Screen.Dy(), Elements: els, Package: mainPackage(els)}
			got := RenderText(s, TextOptions{})
			assertDistinguishable(t, name, s, got)
			for _, l := range strings.Split(got, "\n") {
				if m := idAttr.FindStringSubmatch(l); m != nil && m[1] == "button" && idAttr.ReplaceAllString(l, "<$1") == "<button>" {
					unnamed++
				}
			}
			path := filepath.Join(dir, name+".txt")
			if *updateGolden {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./perception -run TestRenderRealDumpsGolden -update)", err)
			}
			if string(want) != got {
				t.Errorf("rendering changed (go test ./perception -run TestRenderRealDumpsGolden -update rewrites it):\n%s", diffLines(string(want), got))
			}
		})
	}
	t.Logf("%d controls render with nothing to tell them by but their number and mark", unnamed)
}

// diffLines shows the first lines that differ.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out []string
	for i := 0; i < max(len(al), len(bl)) && len(out) < 12; i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			out = append(out, fmt.Sprintf("line %d\n  want %s\n  got  %s", i+1, x, y))
		}
	}
	return strings.Join(out, "\n")
}
