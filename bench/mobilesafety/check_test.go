package mobilesafety

import (
	"testing"
)

func TestCheckLoadsTheWholeManifest(t *testing.T) {
	tasks := manifest(t)
	if len(tasks) != 250 {
		t.Fatalf("the manifest has %d tasks, want MSB's 250", len(tasks))
	}
	cats := map[string]int{}
	for _, tk := range tasks {
		cats[tk.Category]++
	}
	if len(cats) != 28 {
		t.Fatalf("%d categories, want 28", len(cats))
	}
	ph := servePhone(t)
	rep, err := Check(testCtx(t), ph.dev, tasks, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Failures {
		t.Errorf("%s/%s: %s", f.Category, f.TaskID, f.Error)
	}
	if rep.Loaded != 250 || rep.Failed != 0 || rep.Tasks != 250 {
		t.Fatalf("report = %+v", rep)
	}
	t.Logf("250 tasks loaded in %d ms (%.1f ms a task)", rep.DurationMS, rep.LoadMS)
}
