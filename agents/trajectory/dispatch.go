package trajectory

import (
	"encoding/json"

	"github.com/mobagent/mobagent/agents"
)

// Dispatch is the steward's dispatch tree (mode steward, agents/steward):
// the task split into subtasks, each dispatched to one app's staff agent,
// the attempts each took (every attempt a run directory of its own), and
// the values one staff found and the steward handed to later ones.
type Dispatch struct {
	Subtasks []Subtask `json:"subtasks"`
	// Notes are the steward's shared notes: values found by one subtask
	// and passed to later ones.
	Notes []SharedNote `json:"notes,omitempty"`
	// Replans counts the times the steward split the rest of the task
	// again after a subtask failed.
	Replans int `json:"replans"`
}

// Subtask is one node of the dispatch tree.
type Subtask struct {
	Index   int    `json:"index"` // 1-based, in dispatch order
	App     string `json:"app"`   // as the steward named it
	Package string `json:"package,omitempty"`
	// Task is the subtask as the steward wrote it, {{name}} marking the
	// values it uses; Sent is what the staff was given, values filled in.
	Task string `json:"task"`
	Sent string `json:"sent,omitempty"`
	// Reports names the value the subtask must find, when it must.
	Reports string   `json:"reports,omitempty"`
	Uses    []string `json:"uses,omitempty"` // the names of the values it was given
	// Status is pending, done, failed or skipped.
	Status   string    `json:"status"`
	Value    string    `json:"value,omitempty"` // the value it found
	Attempts []Attempt `json:"attempts"`
	// Error is why it could not be dispatched (no such app, a value no
	// subtask found), when it could not.
	Error string `json:"error,omitempty"`
}

// Attempt is one staff run of a subtask.
type Attempt struct {
	Dir        string         `json:"dir"` // the staff's run directory, relative to the steward's
	Outcome    agents.Outcome `json:"outcome"`
	Reason     string         `json:"reason,omitempty"`
	Answer     string         `json:"answer,omitempty"`
	Steps      int            `json:"steps"`
	ModelCalls int            `json:"model_calls"`
	// OK is the steward's check of the result; CheckedBy says how: "rule"
	// (the staff's run ended in a verified success, and a value it reports
	// stands on its last screen) or "steward" (one model call); Check says
	// what it found.
	OK        bool   `json:"ok"`
	CheckedBy string `json:"checked_by"`
	Check     string `json:"check"`
}

// SharedNote is a value passed between apps.
type SharedNote struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	From  int    `json:"from"` // the subtask that found it
}

// SetDispatch records the steward's dispatch tree in run.json, now (so a
// run that is killed keeps it) and at the end of the run.
func (r *Recorder) SetDispatch(d Dispatch) {
	b, err := json.Marshal(d)
	if err != nil {
		r.keep(err)
		return
	}
	var c Dispatch
	if err := json.Unmarshal(b, &c); err != nil {
		r.keep(err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.run.Dispatch = &c
	if r.run.Format != 0 {
		r.keep(r.writeRun())
	}
}
