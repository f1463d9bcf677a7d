package mobilebench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testItems(t *testing.T) []Item {
	t.Helper()
	var items []Item
	for name, data := range map[string]string{"s_app_s_step.json": sastFile, "s_app_m_step.json": samtFile, "m_app_m_step.json": mamtFile} {
		got, err := Parse([]byte(data), name, "")
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, got...)
	}
	return items
}

func TestEvaluateErrors(t *testing.T) {
	items := testItems(t)
	if _, err := Evaluate(items, []Episode{{Set: SAST, ID: 99, src: "h.jsonl:4"}}, Reference); !errors.Is(err, ErrUnknownID) ||
		!strings.Contains(err.Error(), "h.jsonl:4") || !strings.Contains(err.Error(), "SAST id 99") {
		t.Errorf("unknown id: %v", err)
	}
	sastOnly, _ := Parse([]byte(sastFile), "s_app_s_step.json", "")
	if _, err := Evaluate(sastOnly, []Episode{{Set: MAMT, ID: 3}}, Reference); !errors.Is(err, ErrUnknownID) || !strings.Contains(err.Error(), "m_app_m_step.json") {
		t.Errorf("set not loaded: %v", err)
	}
	if _, err := Evaluate(append(items, sastOnly...), nil, Reference); !errors.Is(err, ErrDuplicateID) || !strings.Contains(err.Error(), "s_app_s_step.json:") {
		t.Errorf("items twice: %v", err)
	}
}

func TestEvaluateAndReports(t *testing.T) {
	items := testItems(t)
	eps := []Episode{
		// SAST 1: both activities in one entry, the text, the package
		{Set: SAST, ID: 1, Finished: true, History: []string{
			APICall("adb shell am start -n com.android.settings/.MainSettings com.android.settings.MainSettings") + ` <p package="com.android.settings"> 蓝牙 </p>`}},
		// SAMT 7: the api object's command and one text
		{Set: SAMT, ID: 7, Finished: false, History: []string{APICall("adb shell am start -a android.intent.action.SENDTO -d sms:10086"), Input(`<input package="com.android.mms"> </input>`, "我到了")}},
		// MAMT 3 has no history; SAST 2 neither
	}
	ref, err := Evaluate(items, eps, Reference)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Items != 4 || ref.Histories != 2 || ref.Finished != 1 || ref.PassRate != 0.25 || len(ref.Missing) != 2 {
		t.Errorf("totals %+v", ref.Scores)
	}
	// SAST 1 scores 3/3 and full coverage; SAST 2 0/1; SAMT 7: package
	// com.android.mms is in the input entry (level 1 by characters), text
	// 1/2 + package 1 + api 1/2 = 3/5
	if s := ref.Sets[SAST]; s.Level2 != 0.5 || s.Level1 != 0.5 || s.Items != 2 {
		t.Errorf("SAST %+v", s)
	}
	if s := ref.Sets[SAMT]; s.Level2 != 3.0/5 || s.Level1 != 1 {
		t.Errorf("SAMT %+v", s)
	}
	if s := ref.Sets[MAMT]; s.Level2 != 0 || s.Level1 != 0 || s.Histories != 0 {
		t.Errorf("MAMT %+v", s)
	}
	if want := (1 + 0 + 3.0/5 + 0) / 4; ref.Level2 != want {
		t.Errorf("level 2 %v, want %v", ref.Level2, want)
	}
	fixed, err := Evaluate(items, eps, Fixed)
	if err != nil {
		t.Fatal(err)
	}
	ref.Fixed = fixed

	var js bytes.Buffer
	if err := ref.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(js.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"format", "scoring", "items", "level1", "level2", "pass_rate", "sets", "fixed"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, js.String())
		}
	}
	if got["format"] != 2.0 || got["scoring"] != "reference" || got["fixed"].(map[string]any)["scoring"] != "fixed" {
		t.Errorf("JSON header: %v %v", got["format"], got["scoring"])
	}
	if s := got["sets"].(map[string]any)["SAMT"].(map[string]any); s["level2"] != 0.6 || s["items"] != 1.0 {
		t.Errorf("JSON SAMT %v", s)
	}

	var md bytes.Buffer
	if err := ref.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Reference scoring", "## Fixed scoring", "| SAST | 2 | 1 | 0.5000 | 0.5000 | 0.5000 |", "| SAMT | 1 | 1 | 1.0000 | 0.6000 | 0.0000 |",
		"| **all** | 4 |", "`teardown` (1)", "the other 2 score as an empty"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
}

func TestScoreCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sast := write("s_app_s_step.json", sastFile)
	other := write("subset.json", mamtFile)
	hist := write("h.jsonl", `{"set": "SAST", "id": 1, "history": [], "finished": true}`+"\n"+`{"set": "SAMT", "id": 3, "history": [], "finished": true}`+"\n")
	var out, errOut bytes.Buffer
	rep, err := ScoreCommand(context.Background(), ScoreOptions{ItemsPaths: []string{sast, other}, Set: SAMT, HistoriesPath: hist, Fixed: true, Out: &out, ErrOut: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	// the override applies to the unnamed file; the named one keeps its set
	if rep.Sets[SAST] == nil || rep.Sets[SAMT] == nil || rep.Sets[SAMT].Items != 1 || rep.Fixed == nil {
		t.Errorf("sets %v", rep.Sets)
	}
	if !strings.Contains(errOut.String(), "1 of 3 items have no history") || !strings.Contains(out.String(), "## Fixed scoring") {
		t.Errorf("stderr %q\nstdout %s", errOut.String(), out.String())
	}
	if _, err := ScoreCommand(context.Background(), ScoreOptions{ItemsPaths: []string{other}, HistoriesPath: hist}); !errors.Is(err, ErrNoSet) {
		t.Errorf("unnamed file without --set: %v", err)
	}
	if _, err := ScoreCommand(context.Background(), ScoreOptions{ItemsPaths: []string{sast}, HistoriesPath: filepath.Join(dir, "none.jsonl")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing histories: %v", err)
	}
	if _, err := ScoreCommand(context.Background(), ScoreOptions{ItemsPaths: []string{write("s_app_s_step_empty.json", "[]")}, HistoriesPath: hist}); err == nil || !strings.Contains(err.Error(), "no items") {
		t.Errorf("no items: %v", err)
	}
}
