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
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/safety"
)

func oracleTeam(it Item, rec *Recorder) agents.Team { return NewOracle(it, rec).Roles() }

// runItems runs items with team on n Xiaomi phones into dir.
func runItems(t *testing.T, items []Item, team func(Item, *Recorder) agents.Team, n int, dir string, progress func(Progress)) (*RunResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return Run(ctx, RunConfig{Items: items, APIs: testAPIs(t), Phones: xiaomiPhones(t, n), Out: dir, Team: team,
		Agent: agents.Config{Gate: &safety.Gate{Mode: safety.ModeApprove}, Limits: agents.Limits{MaxSteps: 20}}, System: "test", Progress: progress})
}

// TestOracleReachesEveryRunnableSample: on the virtual phone, the oracle
// meets every check point of every runnable sample (level 2 = 1.0, and
// level 1 = 1.0 where the item names a package), declares each finished, and its results file is a
// histories file the scorer reads to the same figures; the null agent, on
// the same items and phones, scores 0.
func TestOracleReachesEveryRunnableSample(t *testing.T) {
	items, cov := runnableSamples(t)
	dir := t.TempDir()
	res, err := runItems(t, items, oracleTeam, 2, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != len(items) || res.Failed != 0 {
		t.Fatalf("ran %d of %d, failed %d: %v", res.Ran, len(items), res.Failed, res.Failures)
	}
	byKey := map[itemKey]Item{}
	for _, it := range items {
		byKey[itemKey{it.Set, it.ID}] = it
	}
	for _, r := range res.Report.Results {
		// Level 1 is the share of the item's packages in H; an item that
		// names none scores 0 there in the reference, whatever H holds.
		wantL1 := 0.0
		if Score(byKey[itemKey{r.Set, r.ID}], r.History, Reference).Level1.Den > 0 {
			wantL1 = 1
		}
		if r.Level2 != 1 || r.Level1 != wantL1 || !r.Finished {
			t.Errorf("%s %d: level 1 %.3f, level 2 %.3f, finished %v (%s: %s)\nH = %q", r.Set, r.ID, r.Level1, r.Level2, r.Finished, r.Outcome, r.Reason, r.History)
		}
	}
	if s := res.Report.Scores; s.Level2 != 1 || s.PassRate != 1 {
		t.Errorf("oracle: level 2 %.3f, pass rate %.3f over %d items", s.Level2, s.PassRate, s.Items)
	}
	t.Logf("oracle: %d runnable samples of %d, %.2f s an item", len(items), cov.Items, res.Report.SecondsPerItem)

	// The results file is what score reads.
	path := filepath.Join(dir, ResultsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := format.ValidateLines("mobilebench-results", bytes.NewReader(b)); err != nil || n != len(items) {
		t.Errorf("results: %d lines valid, %v", n, err)
	}
	eps, err := ReadHistories(bytes.NewReader(b), path)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(items, eps, Reference)
	if err != nil || rep.Level2 != 1 || rep.PassRate != 1 {
		t.Errorf("scoring the results file: %+v, %v", rep, err)
	}
	rb, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("mobilebench-run", rb); err != nil {
		t.Errorf("report.json: %v", err)
	}
	for _, name := range []string{"report.md", "report.html"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}

	// The null agent scores 0 where the oracle scores 1.
	null, err := runItems(t, items, func(Item, *Recorder) agents.Team { return nullTeam{}.roles() }, 2, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range null.Report.Results {
		if r.Level2 != 0 || len(r.History) != 0 {
			t.Errorf("null agent %s %d: level 2 %.3f, H %q", r.Set, r.ID, r.Level2, r.History)
		}
	}
}

// TestOracleScreensSendsNoDraft: without the message draft, the oracle
// meets texts only on the screens of the item's apps: no H entry is a draft
// the check point does not ask for, no item scores above the full oracle's
// 1.0, and the items a draft carried score below it (the samples hold
// some: the gallery's 照片, the settings' WLAN page).
func TestOracleScreensSendsNoDraft(t *testing.T) {
	items, _ := runnableSamples(t)
	screens := func(it Item, rec *Recorder) agents.Team {
		o := NewOracle(it, rec)
		o.NoDraft = true
		return o.Roles()
	}
	res, err := runItems(t, items, screens, 2, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != len(items) || res.Failed != 0 {
		t.Fatalf("ran %d of %d, failed %d: %v", res.Ran, len(items), res.Failed, res.Failures)
	}
	full := 0
	for _, r := range res.Report.Results {
		for _, e := range r.History {
			if strings.HasPrefix(e, "adb shell am start -a android.intent.action.SEND -n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body ") {
				t.Errorf("%s %d: a draft in H without the draft: %q", r.Set, r.ID, e)
			}
		}
		if r.Level2 > 1 || !r.Finished {
			t.Errorf("%s %d: level 2 %.3f, finished %v", r.Set, r.ID, r.Level2, r.Finished)
		}
		if r.Level2 == 1 {
			full++
		}
	}
	if full == len(items) {
		t.Errorf("every sample met on its screens alone: the draft carried nothing, or NoDraft is ignored")
	}
	t.Logf("oracle on the apps' screens only: level 2 = 1.0 on %d of %d runnable samples, level 2 %.3f", full, len(items), res.Report.Scores.Level2)
}

// TestRunResumes: a run cut short keeps what it finished; the rerun skips
// those items, runs the rest once, and drops a last line cut by a kill.
func TestRunResumes(t *testing.T) {
	items, _ := runnableSamples(t)
	if len(items) < 3 {
		t.Skipf("%d runnable samples; the test needs 3", len(items))
	}
	items = items[:3]
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	phones := xiaomiPhones(t, 1)
	cfg := RunConfig{Items: items, APIs: testAPIs(t), Phones: phones, Out: dir, Team: oracleTeam,
		Agent: agents.Config{Gate: &safety.Gate{Mode: safety.ModeApprove}, Limits: agents.Limits{MaxSteps: 20}}, Progress: func(p Progress) {
			if p.Done == 1 {
				cancel() // Ctrl-C after the first item
			}
		}}
	res, err := Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want the cancellation", err)
	}
	if res.Ran != 1 || res.Report == nil || res.Report.Complete {
		t.Fatalf("first run: ran %d, report %+v", res.Ran, res.Report)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.md")); err != nil {
		t.Errorf("an interrupted run wrote no report: %v", err)
	}
	// A kill in the middle of writing the next line.
	f, err := os.OpenFile(filepath.Join(dir, ResultsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"format":2,"set":"SAMT","id":`); err != nil {
		t.Fatal(err)
	}
	f.Close()

	cfg.Progress = nil
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Dropped || res.Resumed != 1 || res.Ran != 2 || !res.Report.Complete {
		t.Errorf("rerun: dropped %v, resumed %d, ran %d, complete %v", res.Dropped, res.Resumed, res.Ran, res.Report.Complete)
	}
	b, err := os.ReadFile(filepath.Join(dir, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "\n"); n != 3 {
		t.Errorf("%d result lines, want 3:\n%s", n, b)
	}
	eps, err := ReadHistories(bytes.NewReader(b), "results")
	if err != nil || len(eps) != 3 {
		t.Errorf("the results file reads as %d histories: %v", len(eps), err)
	}

	// A damaged line in the middle is an error naming it, and nothing runs.
	bad := strings.Replace(string(b), `"finished":true`, `"finished":"yes"`, 1)
	if err := os.WriteFile(filepath.Join(dir, ResultsFile), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), cfg)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line != 1 {
		t.Errorf("a damaged results file: %v", err)
	}
}

// TestShards: the shards of a run cover its items once.
func TestShards(t *testing.T) {
	seen := map[int]int{}
	for i := range 3 {
		s, err := ParseShard(strings.Join([]string{string(rune('0' + i)), "3"}, "/"))
		if err != nil {
			t.Fatal(err)
		}
		for j := range 10 {
			if s.take(j) {
				seen[j]++
			}
		}
	}
	for j := range 10 {
		if seen[j] != 1 {
			t.Errorf("item %d is in %d shards", j, seen[j])
		}
	}
	for _, bad := range []string{"3/3", "-1/2", "1", "a/b", "0/0"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("shard %q parsed", bad)
		}
	}
}

func TestResultsLineIsAHistory(t *testing.T) {
	b, err := json.Marshal(ItemRun{Format: 2, Set: SAMT, ID: 3, History: []string{"a"}, Finished: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseEpisode(b); err != nil {
		t.Errorf("a results line is not a history line: %v", err)
	}
}
