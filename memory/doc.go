// Package memory owns what mobagent learns across runs: one Bolt file
// (go.etcd.io/bbolt) holding tips, verified shortcuts, app knowledge (a
// screen graph per app), an index of runs and benchmark results; retrieval
// of the tips and shortcuts that fit a task (BM25 boosted by the current
// app, within a token budget); self-evolution after a run (one reflection
// model call, de-duplicated, merged and capped); deterministic shortcut
// building from a successful trajectory; verified shortcut replay; and
// export, import and salvage of the file.
//
// # The file
//
// The store lives at $XDG_DATA_HOME/mobagent/memory.db (else
// ~/.local/share/mobagent/memory.db) unless a path is given. Its buckets are
// flat; keys join their parts with a NUL byte:
//
//	meta         "schema" → decimal schema version; "created" → RFC 3339 time
//	tips         APP NUL ID → Tip (APP is "*" for global tips)
//	shortcuts    NAME → Shortcut
//	screens      APP NUL SIGNATURE → Screen
//	transitions  APP NUL FROM NUL SELECTOR-KEY NUL TO → Transition
//	runs         RUN-ID → Run
//	bench        SUITE NUL TASK NUL RUN-ID → BenchResult
//
// Values are JSON. Every write is one Bolt transaction. A file written by a
// newer schema is refused (ErrSchemaTooNew); an older one is migrated in a
// single transaction when it is opened.
//
// # Concurrency and processes
//
// A Store is safe for concurrent use by goroutines. Only one process may
// hold the file: a second Open waits Options.LockTimeout and then fails with
// ErrLocked naming the path. A process killed mid-write loses nothing that
// was committed. A damaged file is refused with ErrCorrupt; Salvage exports
// what can still be read.
//
// Memory holds no prompts and calls no model: learning from a run with a
// model (tips and a shortcut from one reflection call) is agents/evolve's;
// ShortcutFromTrajectory and CheckShortcut are the model-free parts it uses.
package memory
