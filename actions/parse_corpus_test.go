package actions

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusItem is one real model reply from a public source (see
// testdata/replies/README.md), with the action it was meant to be.
type corpusItem struct {
	ID              string            `json:"id"`
	Model           string            `json:"model"`
	Dialect         string            `json:"dialect"`
	ImageSize       []int             `json:"image_size"`
	ImageSizeSource string            `json:"image_size_source"`
	Source          map[string]string `json:"source"`
	Reply           string            `json:"reply"`
	Want            map[string]any    `json:"want"`         // canonical action JSON, points in pixels of the image
	WantThought     string            `json:"want_thought"` // a part of the reasoning the parse must keep
	Reject          string            `json:"reject"`       // for replies that must be rejected: a part of the error
	Note            string            `json:"note"`
}

type corpusFamily struct {
	Format int          `json:"format"`
	Family string       `json:"family"`
	Items  []corpusItem `json:"items"`
}

func loadCorpus(t testing.TB) []corpusFamily {
	t.Helper()
	paths, err := filepath.Glob("testdata/replies/*.json")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus in testdata/replies: %v", err)
	}
	var out []corpusFamily
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f corpusFamily
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if f.Format != 2 {
			t.Fatalf("%s: format %d; want 2", p, f.Format)
		}
		out = append(out, f)
	}
	return out
}

func (it corpusItem) size() image.Point {
	if len(it.ImageSize) == 2 {
		return image.Pt(it.ImageSize[0], it.ImageSize[1])
	}
	return image.Point{}
}

// check parses the reply in its dialect and compares it with the intended
// action; it returns "" when the reply does what the item says.
func (it corpusItem) check(table *Dialects) (outcome string, problem string) {
	d, err := table.Lookup(it.Dialect)
	if err != nil {
		return "", err.Error()
	}
	return it.checkIn(d)
}

func (it corpusItem) checkIn(d Dialect) (outcome string, problem string) {
	got, perr := ParseWith(it.Reply, ParseOptions{Dialect: d, ImageSize: it.size()})
	if it.Want == nil {
		if perr == nil {
			return "", fmt.Sprintf("parsed as %s; want an error mentioning %q", show(got.Action), it.Reject)
		}
		var pe *ParseError
		if !errors.As(perr, &pe) || pe.Fix == "" {
			return "", fmt.Sprintf("error %v is not a ParseError with a fix", perr)
		}
		if !strings.Contains(perr.Error(), it.Reject) {
			return "", fmt.Sprintf("error %q does not mention %q", perr, it.Reject)
		}
		return "rejected", ""
	}
	if perr != nil {
		return "", "parse: " + perr.Error()
	}
	px, err := ToPixels(got.Action, it.size())
	if err != nil {
		return "", "to pixels: " + err.Error()
	}
	if p := diffAction(px, it.Want); p != "" {
		return "", p
	}
	if it.WantThought != "" && !strings.Contains(got.Thought, it.WantThought) {
		return "", fmt.Sprintf("thought %q does not keep %q", excerpt(got.Thought), it.WantThought)
	}
	if strings.TrimSpace(got.Thought) == "" && hasReasoning(it.Reply) {
		return "", "the reply reasons but the thought is empty"
	}
	return "parsed", ""
}

// hasReasoning reports whether a reply holds words beyond its action.
func hasReasoning(reply string) bool {
	return strings.Contains(reply, "Thought") || strings.Contains(reply, "Reason:") || strings.Contains(reply, "<think>") ||
		strings.Contains(reply, "<thought>") || strings.Contains(reply, `"log"`)
}

// diffAction compares an action, in pixels, with its canonical JSON: points
// within 2 pixels, everything else exactly. Distances and durations the
// want does not state are not compared.
func diffAction(a Action, want map[string]any) string {
	data, err := MarshalJSON(a)
	if err != nil {
		return err.Error()
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		return err.Error()
	}
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var bad []string
	for k := range keys {
		g, w := got[k], want[k]
		if _, stated := want[k]; !stated && (k == "distance" || k == "duration_ms") {
			continue
		}
		switch k {
		case "x", "y":
			gf, ok1 := g.(float64)
			wf, ok2 := w.(float64)
			if !ok1 || !ok2 || math.Abs(gf-wf) > 2 {
				bad = append(bad, fmt.Sprintf("%s %v, want %v", k, g, w))
			}
		case "from", "to":
			if !pointsNear(g, w) {
				bad = append(bad, fmt.Sprintf("%s %v, want %v", k, g, w))
			}
		default:
			if fmt.Sprint(g) != fmt.Sprint(w) {
				bad = append(bad, fmt.Sprintf("%s %v, want %v", k, g, w))
			}
		}
	}
	if len(bad) == 0 {
		return ""
	}
	sort.Strings(bad)
	return fmt.Sprintf("got %s: %s", data, strings.Join(bad, "; "))
}

func pointsNear(g, w any) bool {
	ga, ok1 := g.([]any)
	wa, ok2 := w.([]any)
	if !ok1 || !ok2 || len(ga) != 2 || len(wa) != 2 {
		return false
	}
	for i := range 2 {
		gf, ok1 := ga[i].(float64)
		wf, ok2 := wa[i].(float64)
		if !ok1 || !ok2 || math.Abs(gf-wf) > 2 {
			return false
		}
	}
	return true
}

// TestRealReplies runs the corpus of real replies: at least 60 from at least
// 10 model families; at least 95% must parse to their intended action in
// their dialect, and the rest must be rejected with an error that says what
// to write. It prints the table per family.
func TestRealReplies(t *testing.T) {
	table := &Dialects{}
	fams := loadCorpus(t)
	total, parsed, rejected, auto := 0, 0, 0, 0
	ids := map[string]bool{}
	var rows []string
	for _, f := range fams {
		fp, fr := 0, 0
		for _, it := range f.Items {
			if ids[it.ID] {
				t.Errorf("duplicate id %s", it.ID)
			}
			ids[it.ID] = true
			if it.Reply == "" || len(it.Source) == 0 || (it.Want == nil) == (it.Reject == "") {
				t.Errorf("%s: an item needs a reply, a source and either want or reject", it.ID)
				continue
			}
			total++
			if o, p := it.checkIn(Dialect{}); p == "" && o == "parsed" {
				auto++ // what guessing without a dialect gets right
			}
			outcome, problem := it.check(table)
			switch {
			case problem != "":
				t.Errorf("%s (%s, %s): %s\nreply: %s", it.ID, f.Family, it.Dialect, problem, excerpt(it.Reply))
			case outcome == "parsed":
				parsed++
				fp++
			case outcome == "rejected":
				rejected++
				fr++
			}
		}
		rows = append(rows, fmt.Sprintf("%-34s %5d %7d %8d", f.Family, len(f.Items), fp, fr))
	}
	sort.Strings(rows)
	t.Logf("\n%-34s %5s %7s %8s\n%s\n%-34s %5d %7d %8d (%.1f%% parsed; %d without a dialect)", "family", "count", "parsed", "rejected", strings.Join(rows, "\n"),
		"all", total, parsed, rejected, 100*float64(parsed)/float64(max(total, 1)), auto)
	if total < 60 || len(fams) < 10 {
		t.Errorf("corpus has %d replies in %d families; want at least 60 in 10", total, len(fams))
	}
	if float64(parsed) < 0.95*float64(total) {
		t.Errorf("%d of %d replies parse to their intended action (%.1f%%); want at least 95%%", parsed, total, 100*float64(parsed)/float64(total))
	}
}

// TestRealRepliesModelTable checks that the model table gives each corpus
// model whose name the table knows the dialect the reply was written in.
func TestRealRepliesModelTable(t *testing.T) {
	table := &Dialects{}
	checked := 0
	for _, f := range loadCorpus(t) {
		for _, it := range f.Items {
			d, known := table.ForModel(it.Model)
			if !known || it.Dialect == DialectMidscene || it.Dialect == DialectM3A {
				continue // framework dialects: the framework, not the model, sets the format
			}
			checked++
			if d.Name != it.Dialect {
				t.Errorf("%s: model %q maps to %s; the reply is %s", it.ID, it.Model, d.Name, it.Dialect)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d corpus models are in the table", checked)
	}
}

// TestRealRepliesWrongDialect shows the guessing the dialects end: read in
// another dialect, points land elsewhere (a null check for the corpus test).
func TestRealRepliesWrongDialect(t *testing.T) {
	table := &Dialects{}
	wrong, tried := 0, 0
	for _, f := range loadCorpus(t) {
		for _, it := range f.Items {
			if _, hasX := it.Want["x"]; !hasX {
				continue
			}
			other := DialectJSON // pixels
			if it.Dialect == DialectJSON {
				other = DialectUITARS
			}
			it.Dialect = other
			tried++
			if _, problem := it.check(table); problem != "" {
				wrong++
			}
		}
	}
	if tried < 20 || wrong < tried*9/10 {
		t.Errorf("read as pixels, %d of %d point replies still matched; the corpus check cannot tell dialects apart", tried-wrong, tried)
	}
}
