package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/format"
)

// Items of our own in Mobile-Bench's format.
const mbItems = `// test items
[
  {"id": 1, "query": ["打开蓝牙"], "check_point": {"activity": ["&", "com.android.settings/.MainSettings"], "text": "蓝牙", "package": "com.android.settings"}},
  {"id": 2, "query": ["打开WLAN"], "check_point": {"text": ["|", "WLAN", "Wi-Fi"], "to_speak": ""}}
]`

func mbFiles(t *testing.T, histories string) (items, hist string) {
	t.Helper()
	dir := t.TempDir()
	items = filepath.Join(dir, "s_app_s_step.json")
	hist = filepath.Join(dir, "h.jsonl")
	if err := os.WriteFile(items, []byte(mbItems), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hist, []byte(histories), 0o644); err != nil {
		t.Fatal(err)
	}
	return items, hist
}

func TestBenchMobilebenchScore(t *testing.T) {
	items, hist := mbFiles(t, `{"set": "SAST", "id": 1, "history": ["click(<p package=\"com.android.settings\" clickable=\"true\"> 蓝牙 </p>)"], "finished": true}`+"\n")
	s, out, errb := cliStreams()
	if code := Main([]string{"bench", "mobilebench", "score", "--items", items, "--histories", hist, "--fixed"}, s); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{"## Reference scoring", "| SAST | 2 | 1 | 0.5000 | 0.3333 | 0.5000 |", "## Fixed scoring", "`to_speak` (1)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errb.String(), "1 of 2 items have no history") {
		t.Errorf("no warning about the missing history: %q", errb)
	}

	// JSON, through the run function the command calls
	s, out, _ = cliStreams()
	if err := benchMobilebenchScoreRun(t.Context(), &BenchMobilebenchScoreOptions{IO: s, Items: []string{items}, Histories: hist, JSON: true}); err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("mobilebench-report", out.Bytes()); err != nil {
		t.Errorf("the report does not match its schema: %v", err)
	}
	var rep struct {
		Format   int                  `json:"format"`
		Items    int                  `json:"items"`
		Level1   float64              `json:"level1"`
		Level2   float64              `json:"level2"`
		PassRate float64              `json:"pass_rate"`
		Sets     map[string]any       `json:"sets"`
		Fixed    *struct{ Items int } `json:"fixed"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// item 1: activity & fails (its one entry lacks the activity), text and package pass: 2/3; item 2 empty: 0
	if rep.Format != 2 || rep.Items != 2 || rep.Level2 != (2.0/3)/2 || rep.Level1 != 0.5 || rep.PassRate != 0.5 || rep.Sets["SAST"] == nil || rep.Fixed != nil {
		t.Errorf("JSON %+v\n%s", rep, out)
	}
}

func TestBenchMobilebenchScoreErrors(t *testing.T) {
	ok := `{"set": "SAST", "id": 1, "history": [], "finished": true}`
	for _, c := range []struct {
		name, hist string
		args       []string
		code       int
		msg        string
	}{
		{"no flags", ok, []string{}, ExitUsage, "--items and --histories are required"},
		{"bad set", ok, []string{"--set", "XAMT"}, ExitUsage, "SAST, SAMT or MAMT"},
		{"duplicate lines", ok + "\n" + ok, nil, ExitFailed, "h.jsonl:2: duplicate history: SAST id 1 already has a history on line 1"},
		{"unknown id", `{"set": "SAST", "id": 5, "history": [], "finished": true}`, nil, ExitFailed, "h.jsonl:1: history for an unknown item: SAST id 5"},
		{"unknown set", `{"set": "SAXT", "id": 1, "history": [], "finished": true}`, nil, ExitFailed, `h.jsonl:1: unknown Mobile-Bench set "SAXT"`},
		{"malformed line", ok + "\n\n{\"set\": \"SAST\", \"id\": 2, \"history\": [", nil, ExitFailed, "h.jsonl:3: bad history line: not JSON"},
		{"set not loaded", `{"set": "MAMT", "id": 1, "history": [], "finished": true}`, nil, ExitFailed, "no MAMT items are loaded"},
	} {
		items, hist := mbFiles(t, c.hist)
		args := []string{"bench", "mobilebench", "score"}
		if c.args == nil {
			args = append(args, "--items", items, "--histories", hist)
		} else if len(c.args) > 0 {
			args = append(append(args, "--items", items, "--histories", hist), c.args...)
		}
		s, _, errb := cliStreams()
		if code := Main(args, s); code != c.code || !strings.Contains(errb.String(), c.msg) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", c.name, code, errb, c.code, c.msg)
		}
	}
	// an items file whose name names no set needs --set
	dir := t.TempDir()
	items := filepath.Join(dir, "mine.json")
	hist := filepath.Join(dir, "h.jsonl")
	os.WriteFile(items, []byte(mbItems), 0o644)
	os.WriteFile(hist, []byte(`{"set": "SAMT", "id": 2, "history": ["click(<p> WLAN </p>)"], "finished": false}`), 0o644)
	s, _, errb := cliStreams()
	if code := Main([]string{"bench", "mobilebench", "score", "--items", items, "--histories", hist}, s); code != ExitFailed || !strings.Contains(errb.String(), "--set SAST") {
		t.Errorf("unnamed file: exit %d, %q", code, errb)
	}
	s, out, errb := cliStreams()
	if code := Main([]string{"bench", "mobilebench", "score", "--items", items, "--set", "samt", "--histories", hist}, s); code != ExitOK || !strings.Contains(out.String(), "| SAMT | 2 | 1 |") {
		t.Errorf("--set: exit %d, %q\n%s", code, errb, out)
	}
}

func TestBenchMobilebenchHelp(t *testing.T) {
	s, out, _ := cliStreams()
	if code := Main([]string{"bench", "mobilebench", "score", "--help"}, s); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"s_app_s_step → SAST", "[Call result]:API", "--fixed", "\"format\": 2", "Example", "mobagent bench mobilebench score --items data/s_app_s_step.json"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}
