// Package agentmem connects the agent loop (package agents) to what
// mobagent learns across runs (package memory): Memory implements
// agents.Memory over a *memory.Store.
//
// Before the roles plan and decide, Recall retrieves the tips and verified
// shortcuts that fit the task and the app in front (BM25, within a token
// cap; on the home screen every app's items count). The decision role may
// answer run_shortcut: the executor hands it to a memory.Runner (Configure
// sets it as actions.ExecutorConfig.Shortcuts), which replays the shortcut
// step by step and checks every screen; on a mismatch the agent gets
// control back with the step that failed and what the screen showed.
//
// Memory also observes the run (it is an agents.Observer, picked up by
// agents.New) to keep each step's screen and action. When the run ends,
// Learn evolves memory from the steps the agent took itself: with a model,
// one reflection call (evolve.Evolve: tips, and a shortcut checked
// against the recorded screens, or one built from the trajectory); without
// one, memory.ShortcutFromTrajectory for a successful run. A run that only
// replayed shortcuts teaches nothing new and costs no call. Every run is
// added to the run index (memory.Store.RecordRun), and the tips shown are
// counted as shown, and as helpful when the run succeeded.
//
// Memory also answers PathTo from the explored screen graph, so the
// offline policy (agents/offline) can follow routes memory/explore found.
//
// A Memory follows one run at a time, like the Agent it is configured in;
// its methods are safe for concurrent use.
package agentmem
