package steward

import (
	"context"
	"sync"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/agentmem"
	"github.com/mobagent/mobagent/perception"
)

// Staff is one app's staff agent: the app it works in and its own memory
// of tips and shortcuts for that app. Each subtask it is given runs as an
// agent run of its own (the step mode, or script mode with
// Config.StaffMode), in its own run directory.
type Staff struct {
	App     string // as the steward names it ("Calendar")
	Package string
	// Memory is the staff's memory: the store's tips and shortcuts for its
	// app (and the global ones), and what its runs teach, kept for its
	// app; nil without a store.
	Memory *StaffMemory
	// Runs counts the subtasks it ran.
	Runs int
}

// StaffMemory is agents.Memory for one app's staff: agentmem's memory over
// the store with every recall scoped to the staff's app, so the Messages
// staff sees the Messages tips and never the Calendar ones, even on the
// home screen where an agent's memory would otherwise offer every app's.
type StaffMemory struct {
	*agentmem.Memory
	Package string
}

var (
	_ agents.Memory         = (*StaffMemory)(nil)
	_ agents.Recaller       = (*StaffMemory)(nil)
	_ agents.Observer       = (*StaffMemory)(nil)
	_ agents.ShortcutRunner = (*StaffMemory)(nil)
)

// Recall retrieves the tips and shortcuts of the staff's app.
func (m *StaffMemory) Recall(ctx context.Context, q agents.MemoryQuery) (agents.Recall, error) {
	q.App = m.Package
	return m.Memory.Recall(ctx, q)
}

// Tips returns the tips of Recall.
func (m *StaffMemory) Tips(ctx context.Context, q agents.MemoryQuery) ([]string, error) {
	r, err := m.Recall(ctx, q)
	return r.Tips, err
}

// lastScreen keeps the last screen a staff's run observed, for the
// steward's check.
type lastScreen struct {
	mu  sync.Mutex
	obs agents.Observation
}

func (l *lastScreen) OnEvent(e agents.Event) {
	if e.Phase == agents.PhaseObserve && e.Obs != nil && e.Obs.Screen != nil {
		l.mu.Lock()
		l.obs = *e.Obs
		l.mu.Unlock()
	}
}

func (l *lastScreen) get() agents.Observation {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.obs
}

// onScreen reports whether value stands on s as a whole label (or a line
// of one), as the phone shows it.
func onScreen(value string, s *perception.Screen) bool {
	v := norm(value)
	if s == nil || v == "" {
		return false
	}
	for _, e := range s.Elements {
		for _, t := range []string{e.Text, e.ContentDesc} {
			if norm(t) == v {
				return true
			}
			for _, line := range splitLines(t) {
				if norm(line) == v {
					return true
				}
			}
		}
	}
	return false
}
