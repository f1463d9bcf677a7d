package mobilebench

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// ParseDump reads a uiautomator view-hierarchy dump into the tree the
// reference renders (RenderHTML): each <node> becomes a Node whose Type is
// its class, as Appium's page source names its elements; the root is the
// <hierarchy>.
func ParseDump(dump []byte) (*Node, error) {
	dec := xml.NewDecoder(bytes.NewReader(dump))
	dec.Strict = false
	var stack []*Node
	var root *Node
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("mobilebench: the view hierarchy is not XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &Node{Type: t.Name.Local}
			for _, a := range t.Attr {
				switch a.Name.Local {
				case "resource-id":
					n.ResourceID = a.Value
				case "package":
					n.Package = a.Value
				case "class":
					n.Class = a.Value
				case "content-desc":
					n.ContentDesc = a.Value
				case "text":
					n.Text = a.Value
				case "clickable":
					n.Clickable = a.Value
				case "scrollable":
					n.Scrollable = a.Value
				case "bounds":
					n.Bounds = a.Value
				}
			}
			if t.Name.Local == "node" && n.Class != "" {
				n.Type = n.Class
			}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			} else if root == nil {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if root == nil {
		return nil, errors.New("mobilebench: the view hierarchy is empty")
	}
	return root, nil
}

// ScreenLine is one line of a screen as the reference renders it.
type ScreenLine struct {
	// Text is the line, trimmed, as an action's element is cut from it.
	Text string
	// Bounds are its node's, in screen pixels (empty when the dump has
	// none).
	Bounds image.Rectangle
	// Interactive lines are the ones the reference numbers for UI actions
	// (clickable, scrollable or an input).
	Interactive bool
}

var boundsRE = regexp.MustCompile(`^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$`)

func parseBounds(s string) image.Rectangle {
	m := boundsRE.FindStringSubmatch(s)
	if m == nil {
		return image.Rectangle{}
	}
	v := make([]int, 4)
	for i := range v {
		v[i], _ = strconv.Atoi(m[i+1])
	}
	return image.Rect(v[0], v[1], v[2], v[3])
}

// ScreenLines renders a view tree as the reference shows it and returns
// its element lines with their nodes' bounds, in order.
func ScreenLines(root *Node) []ScreenLine {
	var out []ScreenLine
	var b strings.Builder
	renderNode(&b, root, false, true, func(n *Node, line string) {
		t := strings.TrimSpace(line)
		out = append(out, ScreenLine{Text: t, Bounds: parseBounds(n.Bounds),
			Interactive: strings.Contains(t, `clickable="true"`) || strings.Contains(t, `scrollable="true"`) || strings.Contains(t, "input")})
	})
	return out
}

// lineAt is the line an action at p acts on: the smallest interactive
// line whose bounds hold p. The reference's agent acts only on the
// interactive lines it numbers, so a tap on anything else writes nothing.
func lineAt(lines []ScreenLine, p image.Point) (ScreenLine, bool) {
	best := -1
	area := func(r image.Rectangle) int { return r.Dx() * r.Dy() }
	for i, l := range lines {
		if !l.Interactive || !p.In(l.Bounds) {
			continue
		}
		if best < 0 || area(l.Bounds) < area(lines[best].Bounds) {
			best = i
		}
	}
	if best < 0 {
		return ScreenLine{}, false
	}
	return lines[best], true
}

// keyCommands are the API calls the reference's agent presses keys with.
var keyCommands = map[device.Key]string{
	device.KeyBack:      "adb shell input keyevent KEYCODE_BACK",
	device.KeyHome:      "adb shell input keyevent KEYCODE_HOME",
	device.KeyEnter:     "adb shell input keyevent KEYCODE_ENTER",
	device.KeyAppSwitch: "adb shell input keyevent KEYCODE_APP_SWITCH",
	device.KeyDelete:    "adb shell input keyevent KEYCODE_DEL",
}

// Recorder writes an episode's history H as Mobile-Bench's reference
// runner writes it, from a run's events and the view hierarchies the agent
// was shown: a tap is click(<element>) of the element line under the
// tapped point, a long press press(<…>), typing click(<field>) then
// input(<field>, text), a swipe scroll([x1,y1][x2,y2]) of the swiped points
// after NudgeScroll, and an API call that ran "<command>. [Call
// result]:API execution successful". The reference has no key or app
// actions: its agent presses keys and opens apps with API calls, so a key
// is written as the call that presses it (adb shell input keyevent
// KEYCODE_BACK) and opening an app as the call that opens it (adb shell
// monkey -p PACKAGE -c android.intent.category.LAUNCHER 1, what the device
// runs). Only actions that succeeded are written, as the reference's H
// holds only those.
//
// Attach it as an agents.Observer and give it each dump (Observe); the
// Device wrapper of the runner does. It is safe for concurrent use.
type Recorder struct {
	mu       sync.Mutex
	lines    []ScreenLine
	screen   *perception.Screen
	decided  actions.Action
	recovery bool
	entries  []string
	calls    int // API calls run
	failed   int // API calls that failed
	finished bool
	warn     []string
}

// Observe takes the view hierarchy the agent is shown next.
func (r *Recorder) Observe(dump []byte) {
	root, err := ParseDump(dump)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		if len(r.warn) < 5 {
			r.warn = append(r.warn, err.Error())
		}
		r.lines = nil
		return
	}
	r.lines = ScreenLines(root)
}

// History returns H so far, a copy.
func (r *Recorder) History() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.entries...)
}

// Finished reports whether the agent declared the task done.
func (r *Recorder) Finished() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.finished
}

// Add appends an entry to H (a caller's own API call, for example).
func (r *Recorder) Add(entry string) {
	r.mu.Lock()
	r.entries = append(r.entries, entry)
	r.mu.Unlock()
}

// OnEvent records the run's successful actions.
func (r *Recorder) OnEvent(e agents.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch e.Phase {
	case agents.PhaseObserve:
		if e.Obs != nil {
			r.screen = e.Obs.Screen
		}
	case agents.PhaseDecide:
		if e.Decision != nil {
			r.decided = e.Decision.Action
			if d, ok := e.Decision.Action.(actions.Done); ok && d.Status == actions.StatusSuccess {
				r.finished = true
			}
		}
	case agents.PhaseReflect:
		r.recovery = e.Reflection != nil && e.Reflection.Verdict == agents.VerdictWrongPage
	case agents.PhasePlan:
		if e.Plan != nil && e.Plan.Finished {
			r.finished = true
		}
	case agents.PhaseExecute:
		act := r.decided
		if r.recovery { // the agent's own back from a wrong page
			act, r.recovery = actions.Key{Key: device.KeyBack}, false
		}
		if _, ok := act.(actions.ADB); ok {
			r.calls++
			if e.Exec == nil || e.Exec.Error != "" {
				r.failed++
			}
		}
		if e.Exec == nil || e.Exec.Error != "" || e.Err != nil {
			return
		}
		r.entries = append(r.entries, r.entriesFor(act, e.Exec)...)
	}
}

// entriesFor is what the reference would write for a successful act.
func (r *Recorder) entriesFor(act actions.Action, x *agents.Exec) []string {
	at := func() (ScreenLine, bool) {
		if x.Point == nil {
			return ScreenLine{}, false
		}
		return lineAt(r.lines, image.Pt(x.Point[0], x.Point[1]))
	}
	switch a := act.(type) {
	case actions.Tap:
		if l, ok := at(); ok {
			return []string{Click(ElementRef(l.Text))}
		}
	case actions.LongPress:
		if l, ok := at(); ok {
			return []string{Press(ElementRef(l.Text))}
		}
	case actions.Type:
		l, ok := r.fieldLine(a, x)
		if !ok {
			return nil
		}
		ref := ElementRef(l.Text)
		text := a.Text
		if a.Secret != "" {
			text = "[secret " + a.Secret + "]"
		}
		out := []string{Click(ref), Input(ref, text)}
		if a.Submit {
			out = append(out, APICall(keyCommands[device.KeyEnter]))
		}
		return out
	case actions.Swipe:
		if x.Point != nil && x.End != nil {
			x1, y1, x2, y2 := NudgeScroll(x.Point[0], x.Point[1], x.End[0], x.End[1])
			return []string{Scroll(x1, y1, x2, y2)}
		}
	case actions.Key:
		if c, ok := keyCommands[a.Key]; ok {
			return []string{APICall(c)}
		}
	case actions.OpenApp:
		if x.Package != "" {
			return []string{APICall("adb shell monkey -p " + x.Package + " -c android.intent.category.LAUNCHER 1")}
		}
	case actions.ADB:
		return []string{APICall(strings.TrimSpace(a.Command))}
	}
	return nil
}

// fieldLine is the line of the field a Type action typed into: its
// element, else the focused field.
func (r *Recorder) fieldLine(a actions.Type, x *agents.Exec) (ScreenLine, bool) {
	if x.Point != nil {
		if l, ok := lineAt(r.lines, image.Pt(x.Point[0], x.Point[1])); ok {
			return l, true
		}
	}
	if r.screen == nil {
		return ScreenLine{}, false
	}
	var el perception.Element
	var ok bool
	if a.Element > 0 {
		el, ok = r.screen.Element(a.Element)
	} else {
		el, ok = actions.FocusedField(r.screen)
	}
	if !ok {
		return ScreenLine{}, false
	}
	c := image.Pt((el.Bounds.Min.X+el.Bounds.Max.X)/2, (el.Bounds.Min.Y+el.Bounds.Max.Y)/2)
	return lineAt(r.lines, c)
}

// APICalls reports the API calls the agent made and how many failed.
func (r *Recorder) APICalls() (calls, failed int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls, r.failed
}
