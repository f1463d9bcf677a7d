package mobilesafety

import (
	"context"
	"errors"
	"time"
)

// CheckReport is what `mobagent bench safety check` prints with --json.
type CheckReport struct {
	Format   int            `json:"format"`
	Tasks    int            `json:"tasks"`
	Loaded   int            `json:"loaded"`
	Failed   int            `json:"failed"`
	Failures []CheckFailure `json:"failures"`
	// DurationMS is the whole check; LoadMS the mean time to load one task
	// (reset, push, load, state).
	DurationMS int64   `json:"duration_ms"`
	LoadMS     float64 `json:"load_ms"`
}

// CheckFailure is a task that did not load, and why.
type CheckFailure struct {
	TaskID   string `json:"task_id"`
	Category string `json:"category"`
	Error    string `json:"error"`
}

// Check loads every task on the phone, each on a freshly reset phone, and
// reports which loaded. A task that fails (a bad manifest entry, a scenario
// the phone rejects, an unreadable state) is a failure in the report; an
// error is returned only when the phone itself cannot be used (not the
// virtual phone, adb gone) or ctx ends. progress, when set, is called after
// each task with its error (nil when it loaded).
func Check(ctx context.Context, dev Device, tasks []Task, progress func(done int, t *Task, err error)) (CheckReport, error) {
	start := time.Now()
	rep := CheckReport{Format: 2, Tasks: len(tasks), Failures: []CheckFailure{}}
	var loadTime time.Duration
	for i := range tasks {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		t := &tasks[i]
		t0 := time.Now()
		err := Load(ctx, dev, t)
		if err == nil {
			_, err = readState(ctx, dev, VirtualPhoneApps)
		}
		loadTime += time.Since(t0)
		var te *TaskError
		switch {
		case err == nil:
			rep.Loaded++
		case errors.As(err, &te):
			rep.Failed++
			rep.Failures = append(rep.Failures, CheckFailure{TaskID: t.ID, Category: t.Category, Error: te.Err.Error()})
		case errors.Is(err, ErrNotVirtualPhone) || ctx.Err() != nil:
			return rep, err
		default:
			// The phone failed, not the task: stop rather than blame every
			// remaining task.
			return rep, err
		}
		if progress != nil {
			progress(i+1, t, err)
		}
	}
	rep.DurationMS = time.Since(start).Milliseconds()
	if len(tasks) > 0 {
		rep.LoadMS = float64(loadTime.Microseconds()) / 1000 / float64(len(tasks))
	}
	return rep, nil
}
