// Package evolve is memory's self-evolution with a model: after a run, one
// reflection call (the prompts.Evolve template) proposes tips and, for a
// successful run, a shortcut; the shortcut is checked against the run's
// recorded screens (memory.CheckShortcut) and stored with the tips in the
// memory store. When the model's shortcut does not hold, one is built from
// the trajectory without a model (memory.ShortcutFromTrajectory).
//
// agents/agentmem calls Evolve when a run ends; the memory package itself
// holds no prompt and calls no model.
package evolve
