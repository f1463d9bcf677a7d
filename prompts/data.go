package prompts

// SystemData is rendered as the system message of every role.
type SystemData struct {
	Role string // planner, decision, reflector or notetaker
	// Reply, when set, replaces the rule that the answer is one JSON
	// object (the script writer answers with a script).
	Reply string
}

// Step is one earlier step, as the roles are told about it.
type Step struct {
	N       int
	Action  string // the action in words
	Outcome string // A, B or C, and the note
}

// PlannerData is what the planner sees.
type PlannerData struct {
	Task string
	// Instructions are what the person added during the run (trusted).
	Instructions []string
	Screen       string   // the current screen, wrapped as untrusted
	Subgoals     []string // the current plan; empty at the start
	Current      int      // index of the current subgoal
	Progress     string
	Notes        []string
	History      []Step
	Failure      string   // why the planner is asked again; empty at the start
	Tips         []string // from memory
	Shortcuts    []string // from memory: shortcuts the decision role can run
	// Warning says the run is close to stopping for lack of progress.
	Warning string
	// Review is why the plan is looked at again when nothing failed.
	Review string
	// HasImage says the screenshot is attached.
	HasImage bool
}

// DecisionData is what the decision role sees.
type DecisionData struct {
	Task string
	// Instructions are what the person added during the run (trusted).
	Instructions []string
	Screen       string // the element list, wrapped as untrusted
	HasImage     bool   // a set-of-mark screenshot is attached
	Subgoals     []string
	Current      int
	Subgoal      string
	Progress     string
	Notes        []string
	History      []Step
	Tips         []string // from memory
	Shortcuts    []string // from memory: shortcuts run_shortcut can run
	LastError    string   // why the previous step failed, if it did
	Secrets      []string // names of secrets type_secret can enter
	// Keyboard says whether the soft keyboard is up, and Focused is the id
	// of the focused text field (0 for none).
	Keyboard bool
	Focused  int
	// Warning says the run is close to stopping for lack of progress.
	Warning string
	// Format, when set, is the reply format of the model's dialect
	// (Format), in place of our own JSON action list.
	Format string
	// APIs are API calls (adb commands) the adb action may make, with what
	// each does; empty leaves the action out.
	APIs []API
}

// API is one API call offered to the decision role.
type API struct {
	Command     string
	Description string
}

// ReflectorData is what the reflector sees.
type ReflectorData struct {
	Task       string
	Subgoal    string
	Action     string // the action in words
	Expect     string // what the decision expected
	Before     string // what changed on the screen: labels gone and new, wrapped as untrusted
	After      string // the screen after, wrapped as untrusted
	Change     string // how much the pixels changed, in words
	ExecError  string
	Candidates bool // the new screen has content worth noting
	HasImages  bool // before and after screenshots are attached
}

// NotetakerData is what the notetaker sees.
type NotetakerData struct {
	Task       string
	Screen     string // wrapped as untrusted
	Notes      []string
	Candidates []string // lines of the screen that look worth noting
}

// VerifierData is what the verifier sees: the task, the claim and the final
// screen.
type VerifierData struct {
	Task         string
	Instructions []string
	Answer       string
	Evidence     []string // what the screen shows by rule
	Notes        []string
	History      []Step
	Screen       string // wrapped as untrusted
	HasImage     bool
}

// EvolveData is what the memory-evolution prompt (Evolve) sees: one finished
// run to learn tips and a shortcut from.
type EvolveData struct {
	Task      string
	Outcome   string
	Succeeded bool
	Apps      []string
	Steps     []EvolveStep
	Tips      []EvolveTip // tips already known
}

// EvolveStep is one step of the run as the evolution prompt shows it.
type EvolveStep struct {
	N          int
	Action     string // JSON form
	App        string
	Summary    string
	Reflection string
	Elements   []string // selectors of the screen's labelled elements
}

// EvolveTip is a known tip.
type EvolveTip struct {
	ID, App, Text string
}

// ScriptData is what the script writer sees (script mode, agents/script):
// the task, the first screen and what exploring the apps found.
type ScriptData struct {
	Task string
	// Vars are values handed over from earlier subtasks, usable as $name,
	// wrapped as untrusted (they were read from the phone).
	Vars string
	// Apps is the app knowledge (agents/script.Knowledge), wrapped as
	// untrusted.
	Apps   string
	Tips   []string // from memory
	Screen string   // the current screen, wrapped as untrusted
	// Reference is the script language (agents/script.Reference).
	Reference string
	// Rejected is why the last script was rejected, with its errors.
	Rejected string
}

// StewardData is what the steward sees when it splits a task into
// subtasks for the apps' staff agents (steward mode, agents/steward).
type StewardData struct {
	Task string
	// Apps are the apps on the phone, by their launcher names.
	Apps  []string
	Notes []string // the shared notes so far, "name: value" (untrusted, wrapped in NotesBlock)
	// NotesBlock is Notes wrapped as untrusted data.
	NotesBlock string
	Done       []string // subtasks done already, in words
	Failure    string   // why the steward plans again
	Screen     string   // the current screen, wrapped as untrusted
}

// StewardCheckData is what the steward sees when it checks what a staff
// agent reported for a subtask that must find information.
type StewardCheckData struct {
	Task    string // the whole task
	Subtask string
	App     string
	Name    string // the name of the value the subtask must report
	Outcome string // how the staff's run ended
	// Report is the staff's answer and notes, wrapped as untrusted.
	Report string
	Screen string // the staff's last screen, wrapped as untrusted
}
