package actions

import (
	"time"

	"github.com/mobagent/mobagent/device"
)

// Kind names an action type. It is the "action" field of the JSON form.
type Kind string

// The closed set of action kinds.
const (
	KindTap         Kind = "tap"
	KindLongPress   Kind = "long_press"
	KindSwipe       Kind = "swipe"
	KindType        Kind = "type"
	KindKey         Kind = "key"
	KindOpenApp     Kind = "open_app"
	KindWait        Kind = "wait"
	KindDone        Kind = "done"
	KindAskUser     Kind = "ask_user"
	KindRefuse      Kind = "refuse"
	KindRunShortcut Kind = "run_shortcut"
	KindADB         Kind = "adb"
)

// Action is one step an agent asks for. The set of implementations is closed:
// Tap, LongPress, Swipe, Type, Key, OpenApp, Wait, Done, AskUser, Refuse,
// RunShortcut and ADB.
type Action interface {
	Kind() Kind
	isAction()
}

// Space is the coordinate system of a Point.
type Space string

// Coordinate systems models use.
const (
	SpacePixels   Space = "px"   // pixels of the image the model saw
	SpaceUnit     Space = "unit" // 0..1 of the image
	SpacePermille Space = "1000" // 0..1000 of the image
)

// Point is a position as the model gave it. The executor maps it to device
// pixels.
type Point struct {
	X, Y  float64
	Space Space
}

// Target is what a tap or long press hits: an element id (> 0) or a point.
type Target struct {
	Element int    // perception.Element.ID; 0 when Point is set
	Point   *Point // nil when Element is set
}

// Direction of a swipe, naming the finger's movement ("up" moves the finger
// up, which scrolls content down the list).
type Direction string

// Swipe directions.
const (
	Up    Direction = "up"
	Down  Direction = "down"
	Left  Direction = "left"
	Right Direction = "right"
)

// Status of a Done action.
type Status string

// Done statuses.
const (
	StatusSuccess    Status = "success"
	StatusInfeasible Status = "infeasible"
)

// Tap touches an element or point.
type Tap struct{ Target Target }

// LongPress holds an element or point.
type LongPress struct {
	Target   Target
	Duration time.Duration // zero means the executor's default
}

// Swipe moves a finger. Either Direction (optionally inside Element, over
// Distance as a fraction of the screen or element) or From and To.
type Swipe struct {
	Direction Direction
	Distance  float64 // 0..1; zero means the executor's default
	Element   int     // swipe inside this element, if > 0
	From, To  *Point
	Duration  time.Duration
}

// Type enters text, into Element first if it is > 0, then presses enter if
// Submit. Secret, when set, names a secret the safety layer substitutes; the
// model never sees its value and Text is empty. Clear removes the field's
// current text first (MobileSafetyBench replace-text); otherwise text is
// added where the cursor is.
type Type struct {
	Text    string
	Element int
	Submit  bool
	Secret  string
	Clear   bool
}

// Key presses back, home, enter, app_switch or delete. Parsers map the
// names models use ("overview", "KEYCODE_BACK") with ParseKey.
type Key struct{ Key device.Key }

// OpenApp launches an app by its label or package name.
type OpenApp struct{ App string }

// Wait lets the screen change for Duration.
type Wait struct{ Duration time.Duration }

// Done ends the task with a status and, for information tasks, an answer.
type Done struct {
	Status Status
	Answer string
}

// AskUser asks the person for missing information, or, when Consent is set,
// for permission to go on (MobileSafetyBench ask-consent()).
type AskUser struct {
	Question string
	Consent  bool
}

// Refuse declines the task or the step, with a reason.
type Refuse struct{ Reason string }

// RunShortcut runs a stored shortcut with arguments.
type RunShortcut struct {
	Name string
	Args map[string]string
}

// ADB runs an API call written as an adb command line, as Mobile-Bench's
// agents call apps ("adb shell am start -n com.android.calendar/.AllInOneActivity").
// Command is the line as the model wrote it; ParseADBCommand reads it
// into argv without a shell, and only `adb shell` commands run, on the
// device, with every argument quoted (device.Shell).
type ADB struct{ Command string }

func (Tap) Kind() Kind         { return KindTap }
func (LongPress) Kind() Kind   { return KindLongPress }
func (Swipe) Kind() Kind       { return KindSwipe }
func (Type) Kind() Kind        { return KindType }
func (Key) Kind() Kind         { return KindKey }
func (OpenApp) Kind() Kind     { return KindOpenApp }
func (Wait) Kind() Kind        { return KindWait }
func (Done) Kind() Kind        { return KindDone }
func (AskUser) Kind() Kind     { return KindAskUser }
func (Refuse) Kind() Kind      { return KindRefuse }
func (RunShortcut) Kind() Kind { return KindRunShortcut }
func (ADB) Kind() Kind         { return KindADB }

func (Tap) isAction()         {}
func (LongPress) isAction()   {}
func (Swipe) isAction()       {}
func (Type) isAction()        {}
func (Key) isAction()         {}
func (OpenApp) isAction()     {}
func (Wait) isAction()        {}
func (Done) isAction()        {}
func (AskUser) isAction()     {}
func (Refuse) isAction()      {}
func (RunShortcut) isAction() {}
func (ADB) isAction()         {}
