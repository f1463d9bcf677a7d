package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/memory"
)

func memStreams() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}, &out, &errOut
}

func seededStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "memory.db")
	s, err := memory.Open(path, memory.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.PutTip(memory.Tip{App: "com.android.settings", Text: "Dark theme is on the Display page"}); err != nil {
		t.Fatal(err)
	}
	sel := memory.Selector{Text: "Display"}
	if err := s.PutShortcut(memory.Shortcut{Name: "open_display", Description: "open Display", App: "com.android.settings",
		Steps: []memory.ShortcutStep{{Action: actions.KindOpenApp, App: "com.android.settings"}, {Action: actions.KindTap, Target: &sel}}}); err != nil {
		t.Fatal(err)
	}
	return path
}

// mem runs `mobagent memory ARGS...` through the command tree.
func mem(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	io, out, errOut := memStreams()
	root := NewRoot(io)
	root.SetArgs(append([]string{"memory"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

func TestMemoryCommands(t *testing.T) {
	path := seededStore(t)
	out, _, err := mem(t, "tips", "list", "--memory", path)
	if err != nil || !strings.Contains(out, "Dark theme is on the Display page") || !strings.Contains(out, "com.android.settings") {
		t.Fatalf("tips list: %v\n%s", err, out)
	}
	id := memory.TipID("com.android.settings", "Dark theme is on the Display page")
	out, _, err = mem(t, "tips", "show", id, "--memory", path)
	if err != nil || !strings.Contains(out, `"id": "`+id+`"`) {
		t.Fatalf("tips show: %v\n%s", err, out)
	}
	out, _, err = mem(t, "shortcuts", "list", "--json", "--memory", path)
	if err != nil || !strings.Contains(out, `"name": "open_display"`) {
		t.Fatalf("shortcuts list --json: %v\n%s", err, out)
	}
	out, _, err = mem(t, "stats", "--memory", path)
	if err != nil || !strings.Contains(out, "tips:        1") || !strings.Contains(out, "shortcuts:   1") {
		t.Fatalf("stats: %v\n%s", err, out)
	}

	// export → import into a fresh file round-trips.
	exp, _, err := mem(t, "export", "--memory", path)
	if err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("memory-export", []byte(exp)); err != nil {
		t.Errorf("the export does not match its schema: %v", err)
	}
	file := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(file, []byte(exp), 0o600)
	other := filepath.Join(t.TempDir(), "other.db")
	if _, errOut, err := mem(t, "import", file, "--memory", other); err != nil || !strings.Contains(errOut, "imported 1 tips, 1 shortcuts") {
		t.Fatalf("import: %v %s", err, errOut)
	}
	exp2, _, _ := mem(t, "export", "--memory", other)
	if exp2 != exp {
		t.Errorf("export after import differs:\n%s\n%s", exp, exp2)
	}
	// Per-kind export and import carry only that kind.
	tipsOnly := filepath.Join(t.TempDir(), "tips.json")
	if _, _, err := mem(t, "tips", "export", tipsOnly, "--memory", path); err != nil {
		t.Fatal(err)
	}
	third := filepath.Join(t.TempDir(), "third.db")
	if _, errOut, err := mem(t, "shortcuts", "import", tipsOnly, "--memory", third); err != nil || !strings.Contains(errOut, "imported 0 tips, 0 shortcuts") {
		t.Fatalf("shortcuts import of a tips export: %v %s", err, errOut)
	}

	// rm, then show fails with a usage exit code naming the fix.
	if _, _, err := mem(t, "shortcuts", "rm", "open_display", "--memory", path); err != nil {
		t.Fatal(err)
	}
	_, _, err = mem(t, "shortcuts", "show", "open_display", "--memory", path)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitUsage || !strings.Contains(err.Error(), "shortcuts list") {
		t.Errorf("show of a removed shortcut: %v", err)
	}
}

func TestMemoryExportSalvageOfADamagedFile(t *testing.T) {
	path := seededStore(t)
	// Destroy both meta pages.
	f, _ := os.OpenFile(path, os.O_RDWR, 0)
	f.WriteAt(bytes.Repeat([]byte{0xAB}, 8192), 0)
	f.Close()
	_, _, err := mem(t, "tips", "list", "--memory", path)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitFailed || !errors.Is(err, memory.ErrCorrupt) || !strings.Contains(err.Error(), "--salvage") {
		t.Fatalf("list of a damaged file: %v", err)
	}
	out, errOut, err := mem(t, "export", "--salvage", "--memory", path)
	if err != nil {
		t.Fatalf("export --salvage: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "Dark theme is on the Display page") || !strings.Contains(out, "open_display") || !strings.Contains(errOut, "lost: meta page") {
		t.Errorf("salvage output:\n%s\nstderr:\n%s", out, errOut)
	}
}

func TestMemoryDefaultPathFollowsXDG(t *testing.T) {
	dir := t.TempDir()
	io, out, _ := memStreams()
	io.Getenv = func(k string) string {
		if k == "XDG_DATA_HOME" {
			return dir
		}
		return ""
	}
	if err := memoryRun(context.Background(), &MemoryOptions{IO: io, Action: "stats"}); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "mobagent", "memory.db"); !strings.Contains(out.String(), want) {
		t.Errorf("stats used another file:\n%s", out)
	}
}
