package memory

import (
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
)

// GlobalApp is the App of a tip that holds for every app.
const GlobalApp = "*"

// Tip is a piece of advice learned from a run, global or for one app.
type Tip struct {
	// ID is derived from the normalised text; PutTip fills it when empty.
	ID string `json:"id"`
	// App is a package name, or GlobalApp ("*"); empty means global.
	App  string `json:"app"`
	Text string `json:"text"`
	// Source is the run the tip came from.
	Source string `json:"source,omitempty"`
	// Shown counts the prompts the tip was put into; Helped counts the
	// successful runs it was shown in (or the times a reflection confirmed
	// it again).
	Shown   int       `json:"shown"`
	Helped  int       `json:"helped"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// LastUsed is when the tip was last shown or confirmed.
	LastUsed time.Time `json:"last_used"`
}

// Selector finds an element by what it says and is, never by where it is.
// Every set field must match; Text matches the element's label ignoring
// case, spacing and numbers, or as its leading words ("Display" matches
// "Display Dark theme, font size, brightness").
type Selector struct {
	Text        string `json:"text,omitempty"`
	ResourceID  string `json:"resource_id,omitempty"`
	ContentDesc string `json:"content_desc,omitempty"`
	Class       string `json:"class,omitempty"`
	// Checked, when set, also requires the element's checked state.
	Checked *bool `json:"checked,omitempty"`
}

// Condition is what a screen must show: the app (and activity) in the
// foreground, the elements present and the elements absent.
type Condition struct {
	App      string     `json:"app,omitempty"`
	Activity string     `json:"activity,omitempty"`
	Present  []Selector `json:"present,omitempty"`
	Absent   []Selector `json:"absent,omitempty"`
}

// Empty reports whether c checks nothing.
func (c Condition) Empty() bool {
	return c.App == "" && c.Activity == "" && len(c.Present) == 0 && len(c.Absent) == 0
}

// Param is a shortcut parameter. Steps refer to it as {{name}} in Text or
// App.
type Param struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Example     string `json:"example,omitempty"`
}

// ShortcutStep is one action of a shortcut with its element given by a
// Selector, and what the screen must show after it.
type ShortcutStep struct {
	Action actions.Kind `json:"action"`
	// Target is the element tapped, long-pressed, typed into or swiped in.
	Target     *Selector         `json:"target,omitempty"`
	Text       string            `json:"text,omitempty"` // type; may hold {{param}}
	Submit     bool              `json:"submit,omitempty"`
	Clear      bool              `json:"clear,omitempty"`
	Key        string            `json:"key,omitempty"`
	App        string            `json:"app,omitempty"` // open_app; may hold {{param}}
	Direction  actions.Direction `json:"direction,omitempty"`
	Distance   float64           `json:"distance,omitempty"`
	DurationMS int64             `json:"duration_ms,omitempty"`
	// Expect is checked after the step.
	Expect *Condition `json:"expect,omitempty"`
}

// Shortcut is a verified sequence of steps that reaches a goal in an app.
type Shortcut struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	App         string  `json:"app,omitempty"`
	Params      []Param `json:"params,omitempty"`
	// Precondition is checked before the first step, or after it when the
	// first step is open_app (which establishes the app).
	Precondition  Condition      `json:"precondition"`
	Steps         []ShortcutStep `json:"steps"`
	Postcondition Condition      `json:"postcondition"`
	Source        string         `json:"source,omitempty"` // the run it was learned from
	Runs          int            `json:"runs"`
	Successes     int            `json:"successes"`
	Created       time.Time      `json:"created"`
	Updated       time.Time      `json:"updated"`
}

// Screen is one screen of an app as exploration or runs saw it.
type Screen struct {
	App       string `json:"app"`
	Signature string `json:"signature"`
	Activity  string `json:"activity,omitempty"`
	Title     string `json:"title,omitempty"`
	// Labels are the stable labels the signature was made from.
	Labels []string `json:"labels,omitempty"`
	// Elements describe what the screen's elements do.
	Elements []ElementInfo `json:"elements,omitempty"`
	// Entry marks the screen the app opens on.
	Entry bool      `json:"entry,omitempty"`
	Seen  time.Time `json:"seen"`
}

// ElementInfo says what an element of a screen does.
type ElementInfo struct {
	Selector    Selector `json:"selector"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	// Leads is the signature of the screen a tap reaches; empty when it
	// stays (a toggle) or was not tried.
	Leads string `json:"leads,omitempty"`
	// Held is why the safety gate held a tap on it, if it did.
	Held string `json:"held,omitempty"`
}

// Transition is an edge of the screen graph: tapping Element on From
// reaches To. To is "" when the tap left the app.
type Transition struct {
	App     string    `json:"app"`
	From    string    `json:"from"`
	Element Selector  `json:"element"`
	To      string    `json:"to"`
	Action  string    `json:"action,omitempty"` // "tap" when empty
	Seen    time.Time `json:"seen"`
	Count   int       `json:"count"`
}

// Run is one entry of the run index.
type Run struct {
	ID           string        `json:"id"`
	Task         string        `json:"task"`
	App          string        `json:"app,omitempty"`
	Outcome      string        `json:"outcome"` // success, failure, infeasible, interrupted, ...
	Steps        int           `json:"steps"`
	ModelCalls   int           `json:"model_calls"`
	PromptTokens int           `json:"prompt_tokens,omitempty"`
	OutputTokens int           `json:"output_tokens,omitempty"`
	Cost         float64       `json:"cost"` // US dollars
	Started      time.Time     `json:"started"`
	Duration     format.Millis `json:"duration_ms"`
	Dir          string        `json:"dir,omitempty"` // the trajectory directory
	Shortcuts    []string      `json:"shortcuts,omitempty"`
}

// BenchResult is one task of a benchmark run.
type BenchResult struct {
	Suite      string        `json:"suite"` // aitw, mobilesafety, mobilebench
	Task       string        `json:"task"`
	RunID      string        `json:"run_id"`
	Model      string        `json:"model,omitempty"`
	Success    bool          `json:"success"`
	Score      float64       `json:"score"`
	Steps      int           `json:"steps"`
	ModelCalls int           `json:"model_calls"`
	Cost       float64       `json:"cost"`
	Duration   format.Millis `json:"duration_ms"`
	Time       time.Time     `json:"time"`
	Notes      string        `json:"notes,omitempty"`
}
