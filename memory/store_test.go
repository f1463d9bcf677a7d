package memory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a test clock that advances one second per reading.
func clock() func() time.Time {
	n := 0
	return func() time.Time { n++; return t0.Add(time.Duration(n) * time.Second) }
}

func openTemp(t testing.TB, opts Options) *Store {
	t.Helper()
	if opts.Now == nil {
		opts.Now = clock()
	}
	s, err := Open(filepath.Join(t.TempDir(), "memory.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func boolp(b bool) *bool { return &b }

func sampleShortcut() Shortcut {
	return Shortcut{
		Name: "dark_theme", Description: "turn on the dark theme", App: "com.android.settings",
		Params: []Param{{Name: "query", Description: "what to search", Example: "dark"}},
		Steps: []ShortcutStep{
			{Action: actions.KindOpenApp, App: "com.android.settings", Expect: &Condition{App: "com.android.settings"}},
			{Action: actions.KindTap, Target: &Selector{Text: "Display", ResourceID: "com.android.settings:id/dashboard_tile_7"},
				Expect: &Condition{Activity: ".SubSettings", Present: []Selector{{Text: "Dark theme"}}}},
			{Action: actions.KindTap, Target: &Selector{Text: "Dark theme"}, Expect: &Condition{Present: []Selector{{Text: "Dark theme", Checked: boolp(true)}}}},
			{Action: actions.KindType, Text: "{{query}}", Submit: true},
			{Action: actions.KindSwipe, Direction: actions.Up, Distance: 0.5, DurationMS: 300},
		},
		Postcondition: Condition{App: "com.android.settings", Absent: []Selector{{ContentDesc: "Loading"}}},
		Source:        "run-1", Runs: 3, Successes: 2,
	}
}

// fillStore puts one or more records of every kind into s.
func fillStore(t testing.TB, s *Store) {
	t.Helper()
	for i, text := range []string{"Open Settings from the app drawer, not the search bar", "Scroll the Settings list to find System", "Long-press a message to copy it"} {
		app := []string{"com.android.settings", "", "com.google.android.apps.messaging"}[i]
		if _, err := s.PutTip(Tip{App: app, Text: text, Source: "run-1", Shown: i, Helped: i * 2}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutShortcut(sampleShortcut()); err != nil {
		t.Fatal(err)
	}
	if err := s.PutScreen(Screen{App: "com.android.settings", Signature: "aaaa", Activity: "com.android.settings.Settings", Title: "Settings",
		Labels: []string{"display", "search settings"}, Entry: true,
		Elements: []ElementInfo{{Selector: Selector{Text: "Display"}, Label: "Display", Description: "opens Display", Leads: "bbbb"}}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutScreen(Screen{App: "com.android.settings", Signature: "bbbb", Title: "Display", Labels: []string{"dark theme"}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.PutTransition(Transition{App: "com.android.settings", From: "aaaa", Element: Selector{Text: "Display"}, To: "bbbb"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordRun(Run{ID: "run-1", Task: "turn on dark theme", App: "com.android.settings", Outcome: "success", Steps: 4,
		ModelCalls: 9, Cost: 0.0123, Duration: format.Ms(42 * time.Second), Dir: "/tmp/runs/run-1", Shortcuts: []string{"dark_theme"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutBenchResult(BenchResult{Suite: "aitw", Task: "general/17", RunID: "run-1", Model: "openai:gpt-4o", Success: true, Score: 1,
		Steps: 4, ModelCalls: 9, Cost: 0.01, Duration: format.Ms(time.Minute), Notes: "ok"}); err != nil {
		t.Fatal(err)
	}
}

// rawBuckets reads every key and value of every bucket.
func rawBuckets(t testing.TB, s *Store) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if string(name) == "meta" {
				return nil
			}
			m := map[string]string{}
			out[string(name)] = m
			return b.ForEach(func(k, v []byte) error { m[string(k)] = string(v); return nil })
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestExportImportRoundTripsExactly(t *testing.T) {
	a := openTemp(t, Options{})
	fillStore(t, a)
	var buf bytes.Buffer
	if err := a.Export(&buf); err != nil {
		t.Fatal(err)
	}
	b := openTemp(t, Options{})
	st, err := b.Import(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if st.Tips != 3 || st.Shortcuts != 1 || st.Screens != 2 || st.Transitions != 1 || st.Runs != 1 || st.Bench != 1 {
		t.Errorf("import stats = %+v", st)
	}
	ra, rb := rawBuckets(t, a), rawBuckets(t, b)
	if !reflect.DeepEqual(ra, rb) {
		t.Errorf("buckets differ after export/import:\nA: %v\nB: %v", ra, rb)
	}
	for _, name := range []string{"tips", "shortcuts", "screens", "transitions", "runs", "bench"} {
		if len(ra[name]) == 0 {
			t.Errorf("bucket %s is empty; the fixture should fill it", name)
		}
	}
	da, _ := a.Dump()
	db, _ := b.Dump()
	if !reflect.DeepEqual(da, db) {
		t.Errorf("dumps differ")
	}
	var again bytes.Buffer
	if err := b.Export(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("second export differs from the first")
	}
	// The transition counted its repeat and kept the count through import.
	g, err := b.AppGraph("com.android.settings")
	if err != nil || len(g.Transitions) != 1 || g.Transitions[0].Count != 2 {
		t.Errorf("graph = %+v, %v; want one transition seen twice", g, err)
	}
}

func TestImportRejectsBadInputAndWritesNothing(t *testing.T) {
	s := openTemp(t, Options{})
	for name, in := range map[string]string{
		"not json":      "hello",
		"wrong format":  `{"format":"other","schema":1}`,
		"unknown field": `{"format":"mobagent-memory","schema":1,"extra":1}`,
		"newer schema":  `{"format":"mobagent-memory","schema":99}`,
		"bad shortcut":  `{"format":"mobagent-memory","schema":1,"tips":[{"id":"x","app":"*","text":"ok"}],"shortcuts":[{"name":"x","steps":[{"action":"tap"}]}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := s.Import(strings.NewReader(in)); err == nil {
				t.Fatal("import succeeded")
			}
			if tips, _ := s.AllTips(); len(tips) != 0 {
				t.Errorf("a failed import wrote %d tips", len(tips))
			}
		})
	}
}

func TestCRUD(t *testing.T) {
	s := openTemp(t, Options{})
	fillStore(t, s)
	tips, err := s.Tips("com.android.settings")
	if err != nil || len(tips) != 2 {
		t.Fatalf("Tips(settings) = %d tips, %v; want the app's and the global one", len(tips), err)
	}
	if tips, _ := s.Tips(""); len(tips) != 1 || tips[0].App != GlobalApp {
		t.Errorf("Tips(\"\") = %+v; want the global tip only", tips)
	}
	id := tips[0].ID
	if err := s.MarkTips([]string{id}, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Tip(id); got.Shown != tips[0].Shown+1 {
		t.Errorf("Shown = %d, want %d", got.Shown, tips[0].Shown+1)
	}
	if err := s.DeleteTip(id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tip(id); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted tip: err = %v", err)
	}
	if err := s.DeleteTip("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteTip(nope) = %v", err)
	}
	sc, err := s.Shortcut("dark_theme")
	if err != nil {
		t.Fatal(err)
	}
	want := sampleShortcut()
	want.Created, want.Updated = sc.Created, sc.Updated
	if !reflect.DeepEqual(sc, want) {
		t.Errorf("shortcut round trip:\n got %+v\nwant %+v", sc, want)
	}
	if err := s.RecordShortcutRun("dark_theme", true); err != nil {
		t.Fatal(err)
	}
	if sc, _ := s.Shortcut("dark_theme"); sc.Runs != 4 || sc.Successes != 3 {
		t.Errorf("runs/successes = %d/%d", sc.Runs, sc.Successes)
	}
	if err := s.DeleteShortcut("dark_theme"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Shortcut("dark_theme"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted shortcut: %v", err)
	}
	if err := s.PutShortcut(Shortcut{Name: "x", Steps: []ShortcutStep{{Action: actions.KindTap}}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("a tap without a selector was stored: %v", err)
	}
	if err := s.PutShortcut(Shortcut{Name: "x", Steps: []ShortcutStep{{Action: actions.KindType, Text: "{{who}}"}}}); err == nil || !strings.Contains(err.Error(), "{{who}}") {
		t.Errorf("an undeclared parameter was stored: %v", err)
	}
	runs, err := s.Runs()
	if err != nil || len(runs) != 1 || runs[0].ModelCalls != 9 {
		t.Errorf("Runs = %+v, %v", runs, err)
	}
	br, err := s.BenchResults("aitw")
	if err != nil || len(br) != 1 {
		t.Errorf("BenchResults = %+v, %v", br, err)
	}
	if br, _ := s.BenchResults("other"); len(br) != 0 {
		t.Errorf("another suite's results: %+v", br)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Schema != SchemaVersion || st.Tips != 2 || st.Screens != 2 || st.Transitions != 1 || st.Runs != 1 || st.Bench != 1 || !reflect.DeepEqual(st.Apps, []string{"com.android.settings"}) {
		t.Errorf("Stats = %+v", st)
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	p, _ := DefaultPathEnv(env(map[string]string{"XDG_DATA_HOME": "/x/data", "HOME": "/home/u"}))
	if p != "/x/data/mobagent/memory.db" {
		t.Errorf("with XDG_DATA_HOME: %s", p)
	}
	p, _ = DefaultPathEnv(env(map[string]string{"HOME": "/home/u"}))
	if p != "/home/u/.local/share/mobagent/memory.db" {
		t.Errorf("without XDG_DATA_HOME: %s", p)
	}
	p, _ = DefaultPathEnv(env(map[string]string{"XDG_DATA_HOME": "relative", "HOME": "/home/u"}))
	if p != "/home/u/.local/share/mobagent/memory.db" {
		t.Errorf("a relative XDG_DATA_HOME must be ignored (XDG spec): %s", p)
	}
}

func setSchema(t *testing.T, path string, v int) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("schema"), []byte(strconv.Itoa(v)))
	}); err != nil {
		t.Fatal(err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	setSchema(t, path, SchemaVersion+1)
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "upgrade mobagent") {
		t.Fatalf("Open = %v; want ErrSchemaTooNew naming the path and the fix", err)
	}
}

func TestOlderSchemaIsMigratedInOneTransaction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fillStore(t, s)
	s.Close()

	oldMigrations, oldSchema := migrations, currentSchema
	t.Cleanup(func() { migrations, currentSchema = oldMigrations, oldSchema })
	currentSchema = SchemaVersion + 1

	// A failing migration leaves the file as it was.
	migrations = append(append([]migration(nil), oldMigrations...), migration{to: currentSchema, name: "break", fn: func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketTips).Put([]byte("half"), []byte("{}")); err != nil {
			return err
		}
		return errors.New("boom")
	}})
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Fatalf("Open with a failing migration = %v", err)
	}
	currentSchema = oldSchema
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Schema(); v != SchemaVersion {
		t.Errorf("schema after a failed migration = %d", v)
	}
	if raw := rawBuckets(t, s); raw["tips"]["half"] != "" {
		t.Errorf("the failed migration's write survived")
	}
	s.Close()

	// A working one upgrades the file and its records.
	currentSchema = SchemaVersion + 1
	migrations = append(append([]migration(nil), oldMigrations...), migration{to: currentSchema, name: "upper-case tips", fn: func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTips)
		return b.ForEach(func(k, v []byte) error {
			var t Tip
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			t.Text = strings.ToUpper(t.Text)
			return putJSON(b, k, t)
		})
	}})
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Schema(); v != currentSchema {
		t.Errorf("schema = %d, want %d", v, currentSchema)
	}
	tips, _ := s.AllTips()
	for _, tp := range tips {
		if tp.Text != strings.ToUpper(tp.Text) {
			t.Errorf("tip not migrated: %q", tp.Text)
		}
	}
}

// The helper processes: the test binary re-executes itself with
// MEMORY_TEST_CHILD set.
func TestMain(m *testing.M) {
	switch os.Getenv("MEMORY_TEST_CHILD") {
	case "":
		os.Exit(m.Run())
	case "hold":
		childHold(os.Getenv("MEMORY_TEST_PATH"))
	case "write":
		childWrite(os.Getenv("MEMORY_TEST_PATH"))
	}
	os.Exit(0)
}

// childHold opens the store, says "ready" and holds it until stdin closes.
func childHold(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	s.Close()
}

// childWrite commits runs in a loop, printing each id once its commit
// returned, until it is killed.
func childWrite(path string) {
	s, err := Open(path, Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	pad := strings.Repeat("x", 700)
	for i := 0; ; i++ {
		id := fmt.Sprintf("run-%06d", i)
		if err := s.RecordRun(Run{ID: id, Task: "task " + pad, Outcome: "success", Steps: i}); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		if _, err := s.PutTip(Tip{App: "app", Text: "tip number " + id}); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(id)
	}
}

func child(t *testing.T, mode, path string) (*exec.Cmd, io.WriteCloser, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "MEMORY_TEST_CHILD="+mode, "MEMORY_TEST_PATH="+path)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, in, bufio.NewScanner(out)
}

func TestSecondProcessWaitsThenGetsAClearError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "memory.db")
	cmd, in, out := child(t, "hold", path)
	if !out.Scan() || out.Text() != "ready" {
		t.Fatalf("child: %q", out.Text())
	}
	_, err := Open(path, Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while another process holds the file = %v; want ErrLocked", err)
	}
	for _, want := range []string{path, "another mobagent", "another file"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	s, err := Open(path, Options{LockTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open after the other process exited: %v", err)
	}
	s.Close()
}

func TestKill9LosesNothingCommitted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "memory.db")
	cmd, _, out := child(t, "write", path)
	var acked []string
	for out.Scan() {
		line := out.Text()
		if strings.HasPrefix(line, "error:") {
			t.Fatalf("child: %s", line)
		}
		acked = append(acked, line)
		if len(acked) == 150 {
			// Kill while the child is in the middle of further writes.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	cmd.Wait()
	if len(acked) < 150 {
		t.Fatalf("child acknowledged only %d records", len(acked))
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("reopen after kill -9: %v", err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatalf("consistency check after kill -9: %v", err)
	}
	for _, id := range acked {
		if _, err := s.Run(id); err != nil {
			t.Fatalf("acknowledged run %s is lost: %v", id, err)
		}
		if _, err := s.Tip(TipID("app", "tip number "+id)); err != nil {
			t.Fatalf("acknowledged tip of %s is lost: %v", id, err)
		}
	}
	runs, _ := s.Runs()
	t.Logf("%d acknowledged, %d on disk", len(acked), len(runs))
}

// A schema-1 store (durations in nanoseconds, as mobagent wrote them before
// formats v2) is migrated on open: the runs' and benchmark results'
// durations become milliseconds and nothing else changes.
func TestMigrateSchema1Durations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, _ := tx.CreateBucketIfNotExists([]byte("meta"))
		meta.Put([]byte("schema"), []byte("1"))
		for _, b := range dataBuckets {
			tx.CreateBucketIfNotExists(b)
		}
		tx.Bucket(bucketRuns).Put([]byte("run-1"), []byte(`{"id":"run-1","task":"Turn on Wi-Fi","outcome":"success","steps":3,"model_calls":4,"cost":0.01,"started":"2026-05-01T10:00:00Z","duration":42500000000}`))
		tx.Bucket(bucketBench).Put([]byte("aitw\x00t1\x00r1"), []byte(`{"suite":"aitw","task":"t1","run_id":"r1","success":true,"score":1,"steps":2,"model_calls":2,"cost":0,"duration":1500000,"time":"2026-05-01T10:00:00Z"}`))
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.Schema(); v != SchemaVersion {
		t.Errorf("schema %d after opening, want %d", v, SchemaVersion)
	}
	runs, err := s.Runs()
	if err != nil || len(runs) != 1 || runs[0].Duration.D() != 42500*time.Millisecond || runs[0].Steps != 3 {
		t.Fatalf("runs after the migration: %+v, %v; want one run of 42.5 s with 3 steps", runs, err)
	}
	br, err := s.BenchResults("aitw")
	if err != nil || len(br) != 1 || br[0].Duration.D() != 1500*time.Microsecond {
		t.Fatalf("bench results after the migration: %+v, %v", br, err)
	}
}

// A format-1 export (the format string, durations in nanoseconds) imports.
func TestImportFormat1Export(t *testing.T) {
	s := openTemp(t, Options{NoSync: true})
	v1 := `{"format":"mobagent-memory","schema":1,"tips":[{"id":"t1","app":"com.android.settings","text":"Wi-Fi is under Network & internet","shown":0,"helped":0,
"created":"2026-05-01T10:00:00Z","updated":"2026-05-01T10:00:00Z","last_used":"0001-01-01T00:00:00Z"}],"shortcuts":[],"screens":[],"transitions":[],
"runs":[{"id":"run-1","task":"t","outcome":"success","steps":1,"model_calls":1,"cost":0,"started":"2026-05-01T10:00:00Z","duration":2000000000}],"bench":[]}`
	st, err := s.Import(strings.NewReader(v1))
	if err != nil || st.Tips != 1 || st.Runs != 1 {
		t.Fatalf("import of a format-1 export: %+v, %v", st, err)
	}
	runs, _ := s.Runs()
	if len(runs) != 1 || runs[0].Duration.D() != 2*time.Second {
		t.Errorf("runs = %+v; want the 2 s run", runs)
	}
	var b strings.Builder
	if err := s.Export(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"format": 2`) || !strings.Contains(b.String(), `"duration_ms": 2000`) {
		t.Errorf("the export is not formats v2:\n%.400s", b.String())
	}
}
