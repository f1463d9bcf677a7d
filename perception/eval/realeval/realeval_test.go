package realeval

import (
	"context"
	"errors"
	"image"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/perception/ocr"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
)

func TestParseTruth(t *testing.T) {
	good := "# a note\ngroup web\nlang por+eng\nline 10 20 300 60\tSign in to GitHub\nignore 0 1000 720 1500\n"
	tr, err := ParseTruth([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Group != GroupWeb || strings.Join(tr.Languages, "+") != "por+eng" || len(tr.Lines) != 1 || len(tr.Ignore) != 1 ||
		tr.Lines[0].Bounds != image.Rect(10, 20, 300, 60) || tr.Lines[0].Text != "Sign in to GitHub" || tr.Notes[0] != "a note" {
		t.Errorf("parsed %+v", tr)
	}
	for _, bad := range []struct{ name, in, want string }{
		{"no group", "line 1 1 5 5\tx\n", "no group"},
		{"unknown group", "group tv\n", "unknown group"},
		{"empty box", "group plain\nline 10 10 10 20\tx\n", "empty"},
		{"no tab", "group plain\nline 1 1 5 5 x\n", "four integers"},
		{"no text", "group plain\nline 1 1 5 5\t \n", "needs a tab and its text"},
		{"unknown key", "group plain\nbox 1 1 5 5\n", "unknown key"},
		{"not UTF-8", "group plain\nline 1 1 5 5\t\xff\n", "not UTF-8"},
	} {
		_, err := ParseTruth([]byte(bad.in))
		var te *TruthError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err %v, want a *TruthError saying %q", bad.name, err, bad.want)
		}
	}
}

func FuzzParseTruth(f *testing.F) {
	f.Add([]byte("group plain\nlang eng\nline 1 2 30 40\tHello world\n"))
	f.Add([]byte("group nonlatin\nline 0 0 9 9\t微博个人信息\nignore 0 0 5 5\n# x\n"))
	f.Add([]byte("group web\nline 1 2\tx\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := ParseTruth(data)
		if err != nil {
			return
		}
		if !knownGroup(tr.Group) {
			t.Fatalf("group %q accepted", tr.Group)
		}
		for _, l := range tr.Lines {
			if l.Bounds.Empty() || strings.TrimSpace(l.Text) == "" {
				t.Fatalf("line %+v accepted", l)
			}
		}
		_ = ScoreWords(tr, nil)
	})
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/login?return_to=": "github com login return to",
		"It's 12:41":                  "its 12 41",
		"微博 客服":                       "微 博 客 服",
		"Informações, já!":            "informações já",
	} {
		if got := strings.Join(Words(in), " "); got != want {
			t.Errorf("Words(%q) = %q, want %q", in, got, want)
		}
	}
}

// linesOf reads a truth as a perfect OCR would: each line's words in its
// box.
func linesOf(tr *Truth) []ocr.Line {
	var out []ocr.Line
	for _, l := range tr.Lines {
		out = append(out, ocr.Line{Text: l.Text, Bounds: l.Bounds, Confidence: 1,
			Words: []ocr.Word{{Text: l.Text, Bounds: l.Bounds, Confidence: 1}}})
	}
	return out
}

// TestScoreWordsReferenceAndNull proves the scorer on the real screens: a
// reference reading (the truth itself) scores 100%, no reading and a
// reading of the right words at the wrong places score 0 recall, and words
// in an ignored area count neither way.
func TestScoreWordsReferenceAndNull(t *testing.T) {
	cases, err := LoadTruths("testdata")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 40 {
		t.Fatalf("%d screens, want at least 40", len(cases))
	}
	apps, groups := map[string]bool{}, map[Group]int{}
	for _, c := range cases {
		ref := ScoreWords(c.Truth, linesOf(c.Truth))
		if ref.Recall() != 1 || ref.Precision() != 1 || ref.Truth == 0 {
			t.Errorf("%s: the truth read as OCR scores %s, want 100%%", c.Name, ref)
		}
		if null := ScoreWords(c.Truth, nil); null.Read != 0 || null.Truth != ref.Truth {
			t.Errorf("%s: no OCR scores %s", c.Name, null)
		}
		moved := linesOf(c.Truth)
		for i := range moved {
			off := image.Pt(c.Size.X+500, 0)
			moved[i].Words[0].Bounds = moved[i].Words[0].Bounds.Add(off)
		}
		if m := ScoreWords(c.Truth, moved); m.Read != 0 || m.Correct != 0 {
			t.Errorf("%s: the right words off the screen score %s", c.Name, m)
		}
		parts := strings.Split(c.Name, "-")
		apps[parts[0]+"-"+parts[1]] = true
		groups[c.Truth.Group]++
	}
	if len(apps) < 15 {
		t.Errorf("%d apps, want at least 15", len(apps))
	}
	for _, g := range Groups {
		if groups[g] == 0 {
			t.Errorf("no screen in group %s", g)
		}
	}
	tr := &Truth{Group: GroupPlain, Lines: []TruthLine{{Bounds: image.Rect(0, 0, 100, 40), Text: "Hello"}, {Bounds: image.Rect(0, 1000, 100, 1040), Text: "q"}},
		Ignore: []image.Rectangle{image.Rect(0, 900, 720, 1300)}}
	s := ScoreWords(tr, []ocr.Line{{Words: []ocr.Word{{Text: "Hello", Bounds: image.Rect(5, 5, 90, 35)}, {Text: "w", Bounds: image.Rect(5, 1005, 50, 1035)}}}})
	if s.Truth != 1 || s.Read != 1 || s.Returned != 1 || s.Correct != 1 {
		t.Errorf("ignored area: %+v, want only the word outside it counted", s)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); !errors.Is(err, ErrNoScreens) {
		t.Errorf("empty folder: %v, want ErrNoScreens", err)
	}
	if _, err := Load("testdata", "no-such-screen"); err == nil || !strings.Contains(err.Error(), "no-such-screen") {
		t.Errorf("unknown screen: %v", err)
	}
}

// TestEvaluateRealScreens runs the whole evaluation (Tesseract, vision,
// the perceiver in auto mode) on two real screens of different groups.
func TestEvaluateRealScreens(t *testing.T) {
	names := []string{"utg-ad_silence-settings-074750", "zap-facebook-5abada9"}
	cases, err := Load("testdata", names...)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := tesseract.New(tesseract.Config{Languages: []string{"eng", "por"}})
	if err != nil {
		t.Fatalf("Tesseract with English and Portuguese is needed (./scripts/deps.sh): %v", err)
	}
	defer eng.Close()
	rs, err := Run(context.Background(), cases, Options{Engine: eng, EngineName: "tesseract"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sum := Summarize("tesseract", "testdata", rs)
	if sum.All.Screens != 2 || sum.Format != 2 {
		t.Fatalf("summary %+v", sum.All)
	}
	byName := map[string]Result{}
	for _, r := range rs {
		byName[r.Screen] = r
	}
	if s := byName["utg-ad_silence-settings-074750"]; s.OCR.Recall() < 0.95 || s.Agent.OCRRan {
		t.Errorf("Settings: OCR %s, OCR ran %v; want ≥ 95%% and no OCR in auto mode (the dump has its text)", s.OCR, s.Agent.OCRRan)
	}
	if f := byName["zap-facebook-5abada9"]; !f.Agent.OCRRan || f.Agent.Reached*2 < f.Agent.Lacking {
		t.Errorf("Facebook feed: %d of %d lacking lines reached, OCR ran %v; want the post's text read", f.Agent.Reached, f.Agent.Lacking, f.Agent.OCRRan)
	}
	var b strings.Builder
	if err := sum.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "all ") || !strings.Contains(b.String(), "targets") {
		t.Errorf("table:\n%s", b.String())
	}
}
