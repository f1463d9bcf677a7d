// Package script is the script mode of the agents, after AutoDroid-V2: a
// model writes the whole task once as a short script, and an interpreter
// runs it on the phone one action per step without asking a model again.
//
// The language is our own, small and closed (Reference prints it for the
// writer's prompt):
//
//	open "Settings"
//	tap label:"Connected devices"
//	if_visible role:switch label:"Bluetooth" checked:false
//	  tap role:switch label:"Bluetooth"
//	end
//	expect role:switch label:"Bluetooth" checked:true
//	done
//
// Commands are typed actions (open, tap, long_press, type, scroll, swipe,
// back, home, enter, wait), conditions and bounded loops (if_visible,
// repeat_until … max N, scroll_to … max N), postconditions (expect,
// expect_gone), variables (let from the task, read from the screen,
// $name in any text) and done with an answer. Elements are found by
// selectors (label, id, role, checked state, after a heading, a pattern,
// the nth match), never by coordinates or element numbers. Compile
// parses and validates a script before anything runs: an unknown command,
// a loop without a bound or over the limit, a variable used before it is
// defined, nesting or a worst-case number of actions over Limits are
// rejected with errors (Errors of *Error, matching ErrUnknownCommand,
// ErrUnbounded, ...) written for the model to fix.
//
// An Interp runs a compiled script against the screens it is given and
// returns actions; it never touches the phone. Roles (and Configure, for
// an agents.Config) make it a team of the agents' step loop: the planner
// asks the model for the script once, with the first screen, memory's
// tips and the app knowledge `mobagent explore` stored (StoreKnowledge);
// the decision role runs the script; so every action goes through the
// agent's validation, safety gate, executor and verification like any
// other, and the run is recorded as any run is, with mode "script". When a
// selector finds nothing, an expect line fails, a bound runs out, an action
// fails or a claimed completion does not hold, the rest of the task goes to
// the step mode's roles, with what the script did (HandOver).
//
// Scripts, like screens, come from a model: they are data. The language
// has no command that reaches a shell, a file or the network, and a
// pattern is an RE2 expression (linear time). An Interp is one run's state
// and is not safe for concurrent use; a Script is read-only.
package script
