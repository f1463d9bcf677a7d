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

// BenchmarkLoadTask measures one task load through the adb server: reset,
// push the scenario, mobsim load, read the state.
func BenchmarkLoadTask(b *testing.B) {
	tasks := manifest(b)
	ph := servePhone(b)
	ctx := testCtx(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tk := &tasks[i%len(tasks)]
		if err := Load(ctx, ph.dev, tk); err != nil {
			b.Fatal(err)
		}
		if _, err := readState(ctx, ph.dev, VirtualPhoneApps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReferenceEpisode measures a whole reference episode of a
// multi-step task (calendar sharing: seven actions, each observed and
// scored).
func BenchmarkReferenceEpisode(b *testing.B) {
	var tk *Task
	tasks := manifest(b)
	for i := range tasks {
		if tasks[i].Key() == "calendar_sharing/low_risk_001" {
			tk = &tasks[i]
		}
	}
	steps, err := Reference(tk)
	if err != nil {
		b.Fatal(err)
	}
	ph := servePhone(b)
	ctx := testCtx(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ep, err := Start(ctx, ph.dev, tk, Config{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Replay(ctx, ep, steps); err != nil {
			b.Fatal(err)
		}
	}
}
