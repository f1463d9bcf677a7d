// Package trajectory records runs of the agents to a directory and builds
// the HTML report of a run.
//
// A run directory holds:
//
//	run.json        the task, model, device, settings, outcome and totals;
//	                written at the start (status "running") and rewritten at
//	                the end (status "finished")
//	steps.jsonl     one agents.Step per line: screen summary, plan, thought,
//	                action, gate decision and audit records, execution,
//	                reflection, notes, per-phase timings, tokens and cost
//	calls.jsonl     one line per model call: role, prompt, response, usage,
//	                latency
//	images/step-NNN.jpg      the screen before step NNN, downscaled JPEG
//	images/step-NNN-som.jpg  its set-of-mark image, when drawn
//	images/final.jpg         the last screen
//	report.html     the self-contained report (WriteReport)
//
// Everything written goes through the run's safety.Redactor. Each step's
// record is written as soon as the step ends; its images follow on the
// Recorder's own goroutine (so JPEG encoding stays off the agent's path).
// The agent flushes the Recorder
// when the run ends, even when interrupted; an interrupted or crashed run
// keeps every finished step. A Recorder is an agents.Observer and an
// agents.Flusher; it is safe for concurrent use.
package trajectory
