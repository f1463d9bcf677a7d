// Package steward is the steward mode of the agents, after MobileSteward:
// an app-oriented staff agent per app, and a steward that splits a task
// into subtasks, dispatches each to the right app's staff, checks each
// result and passes information between apps.
//
// The steward asks its model once to split the task ("Text Alex the
// address of my dentist appointment" becomes a Calendar subtask that
// reports "address" and a Messages subtask that uses {{address}}). Each
// subtask runs as an ordinary agent run (package agents, in the step mode
// or script mode) of that app's Staff, with its own memory of tips and
// shortcuts for its app (StaffMemory over the Bolt store) and its own run
// directory; every action goes through the agent's safety gate and
// executor. The steward checks each result: a subtask that acts is done
// when its run ended in a verified success; a value is taken by rule when
// the staff's answer stands on its last screen, else read from the staff's
// report with one model call. Values go into the steward's shared notes and
// are filled into the later subtasks that name them. A subtask that fails
// is tried again once with the reason, then the steward splits the rest of
// the task again.
//
// The steward's run directory holds run.json with the dispatch tree
// (trajectory.Dispatch: subtasks, attempts, checks, shared notes), one step
// record per dispatch (the screen handed over, the steward's own calls),
// and each staff run in staff/NN-app/, each with its own report, linked
// from the steward's report.
//
// A Steward runs one task at a time and owns the device meanwhile.
package steward
