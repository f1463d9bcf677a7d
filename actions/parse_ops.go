package actions

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mobagent/mobagent/device"
)

// canonical operation names for every alias models use.
var aliases = map[string]string{
	"tap": "tap", "click": "tap", "touch": "tap", "left_click": "tap", "single_tap": "tap", "tap_element": "tap", "left_single": "tap",
	"long_press": "long_press", "longpress": "long_press", "long_tap": "long_press", "long_click": "long_press", "press_and_hold": "long_press", "long_press_element": "long_press",
	"swipe": "swipe", "swipe_element": "swipe", "fling": "swipe", "scroll": "scroll", "drag": "drag",
	"type": "type", "text": "type", "input": "type", "input_text": "type", "type_text": "type", "enter_text": "type", "write": "type", "set_text": "type", "type_name": "type",
	"replace_text": "replace_text", "append_text": "append_text",
	"key": "button", "button": "button", "press": "button", "press_key": "button", "hotkey": "button", "system_button": "button", "navigate": "button", "keyevent": "button",
	"key_press": "button", "keypress": "button", "keyboardpress": "button",
	"enter": "enter", "press_enter": "enter", "keyboard_enter": "enter",
	"back": "back", "press_back": "back", "go_back": "back", "navigate_back": "back", "androidbackbutton": "back",
	"home": "home", "press_home": "home", "go_home": "home", "navigate_home": "home", "androidhomebutton": "home",
	"overview": "app_switch", "recents": "app_switch", "press_recent": "app_switch", "app_switch": "app_switch", "androidrecentappsbutton": "app_switch",
	"wait": "wait", "no_op": "wait", "noop": "wait", "sleep": "wait", "pause": "wait",
	"done": "done", "complete": "done", "finish": "done", "finished": "done", "stop": "done", "task_complete": "done", "success": "done", "end": "done",
	"answer": "answer", "terminate": "terminate", "status": "terminate",
	"fail": "fail", "infeasible": "fail", "impossible": "fail", "give_up": "fail",
	"ask_user": "ask_user", "ask": "ask_user", "ask_human": "ask_user", "question": "ask_user", "call_user": "ask_user", "take_over": "ask_user", "interact": "ask_user",
	"ask_consent": "ask_consent", "consent": "ask_consent",
	"refuse": "refuse", "decline": "refuse", "reject": "refuse",
	"open_app": "open_app", "open": "open_app", "launch": "open_app", "launch_app": "open_app", "start_app": "open_app", "open_application": "open_app", "awake": "open_app",
	"run_shortcut": "run_shortcut", "shortcut": "run_shortcut",
	"adb": "adb", "adb_command": "adb", "adb_shell": "adb", "api": "adb", "api_call": "adb", "call_adb": "adb",
	"do":                  "do",   // AutoGLM: do(action="Tap", element=[x,y])
	"print_assert_result": "done", // Midscene's closing assertion
}

// notOnPhone are actions of desktop and other agents that a phone cannot do,
// with what to do instead.
var notOnPhone = map[string]string{
	"right_click": "use long_press for a context menu", "right_single": "use long_press for a context menu",
	"hover": "tap the element instead", "mouse_move": "tap the element instead", "move_to": "tap the element instead",
	"double_click": "tap twice, or long_press", "left_double": "tap twice, or long_press", "double_tap": "tap twice, or long_press",
	"note": "keep the information in your thought and go on", "call_api": "read the screen yourself and go on",
	"quote_text": "read the text from the screen", "quote_clipboard": "read the text from the screen", "llm": "read the screen yourself and go on",
	"select_text": "long_press the text", "clearinput": `type the new text with "clear": true`, "clear_input": `type the new text with "clear": true`,
}

func normName(n string) string {
	n = strings.ToLower(strings.TrimSpace(n))
	if i := strings.LastIndexByte(n, '.'); i >= 0 { // pyautogui.click, mobile.swipe
		n = n[i+1:]
	}
	n = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return '_'
		}
		return r
	}, n)
	return n
}

// directional names: scroll_down, SCROLL_UP, swipe_left.
var directional = regexp.MustCompile(`^(scroll|swipe)_(up|down|left|right)$`)

func knownName(n string) bool {
	nn := normName(n)
	if _, ok := aliases[nn]; ok {
		return true
	}
	return directional.MatchString(nn)
}

// args gives typed access to positional and keyword arguments.
type args struct {
	pos []any
	kw  map[string]any
}

func (a args) get(keys ...string) (any, bool) {
	for _, k := range keys {
		if v, ok := a.kw[k]; ok && v != nil {
			if s, isStr := v.(string); isStr && s == "" {
				continue // UI-TARS writes time=''
			}
			return v, true
		}
	}
	return nil, false
}

func (a args) str(keys ...string) (string, bool) {
	v, ok := a.get(keys...)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func (a args) num(keys ...string) (float64, bool) {
	v, ok := a.get(keys...)
	if !ok {
		return 0, false
	}
	return toNum(v)
}

func (a args) boolean(keys ...string) bool {
	v, ok := a.get(keys...)
	if !ok {
		return false
	}
	switch x := v.(type) {
	case bool:
		return x
	case string:
		b, _ := strconv.ParseBool(strings.ToLower(x))
		return b || strings.EqualFold(x, "yes")
	case float64:
		return x != 0
	}
	return false
}

func toNum(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(strings.Trim(x, "#[]()")), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

var durationRe = regexp.MustCompile(`(?i)^\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)?\s*$`)

// toSeconds reads a duration in seconds: 2, "2", "2 seconds", "500ms".
func toSeconds(v any) (time.Duration, bool) {
	if f, ok := toNum(v); ok {
		return seconds(f), true
	}
	s, ok := v.(string)
	if !ok {
		return 0, false
	}
	m := durationRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	f, _ := strconv.ParseFloat(m[1], 64)
	if strings.HasPrefix(strings.ToLower(m[2]), "m") {
		return time.Duration(f * float64(time.Millisecond)), true
	}
	return seconds(f), true
}

// element reads an element number as the dialect numbers elements and
// returns our element id (from 1).
func (o ParseOptions) element(v any) (int, bool, error) {
	f, ok := toNum(v)
	if !ok || f != math.Trunc(f) || f > 1e6 || f < -1e6 {
		return 0, false, nil
	}
	base := 1
	if !o.Dialect.Auto() {
		base = o.Dialect.ElementBase
	}
	id := int(f) - base + 1
	if id < 1 {
		first := "1, the numbers drawn on the screen"
		if base == 0 {
			first = "0, as in the list you were given"
		}
		return 0, true, &ParseError{Reason: fmt.Sprintf("element %v does not exist", v), Fix: "elements are numbered from " + first, Err: ErrBadArgument}
	}
	return id, true, nil
}

var numRe = regexp.MustCompile(`-?\d+(?:\.\d+)?`)

// toXY reads a point from [x, y], [x1, y1, x2, y2] (its centre), {"x":..,
// "y":..}, or a string holding two or four numbers ("(120, 340)",
// "<|box_start|>(120,340)<|box_end|>", "<point>120 340</point>").
func toXY(v any) (x, y float64, ok bool) {
	var nums []float64
	switch t := v.(type) {
	case []any:
		if len(t) == 1 {
			return toXY(t[0])
		}
		for _, e := range t {
			switch inner := e.(type) {
			case []any: // [[x1, y1], [x2, y2]] boxes
				for _, n := range inner {
					if f, ok := toNum(n); ok {
						nums = append(nums, f)
					}
				}
			default:
				if f, ok := toNum(inner); ok {
					nums = append(nums, f)
				}
			}
		}
	case map[string]any:
		xv, ok1 := toNum(t["x"])
		yv, ok2 := toNum(t["y"])
		return xv, yv, ok1 && ok2
	case string:
		for _, m := range numRe.FindAllString(t, 5) {
			f, _ := strconv.ParseFloat(m, 64)
			nums = append(nums, f)
		}
	}
	switch len(nums) {
	case 2:
		return nums[0], nums[1], true
	case 4:
		return (nums[0] + nums[2]) / 2, (nums[1] + nums[3]) / 2, true
	}
	return 0, 0, false
}

// twoPoints reads [[x1, y1], [x2, y2]] (ShowUI's swipe position) as two
// points.
func twoPoints(v any) (from, to []float64, ok bool) {
	arr, isArr := v.([]any)
	if !isArr || len(arr) != 2 {
		return nil, nil, false
	}
	x1, y1, ok1 := toXY(arr[0])
	x2, y2, ok2 := toXY(arr[1])
	if !ok1 || !ok2 {
		return nil, nil, false
	}
	if _, isPair := arr[0].([]any); !isPair {
		return nil, nil, false
	}
	return []float64{x1, y1}, []float64{x2, y2}, true
}

func badArg(op, reason, fix string) error {
	return &ParseError{Reason: op + ": " + reason, Fix: fix, Err: ErrBadArgument}
}

var pointKeys = []string{"point", "coordinate", "coordinates", "coords", "position", "pos", "xy", "start_box", "box", "bbox", "location", "center", "start", "start_point", "from", "click_point", "start_coord"}
var elementKeys = []string{"element", "element_id", "elementid", "id", "index", "idx", "mark", "som", "label", "target", "element_index", "ui_element", "n", "widget"}
var textKeys = []string{"text", "content", "value", "input", "string", "keys", "input_text", "message", "typed_text"}

// fromCallAction maps an operation name and its arguments to an action.
func fromCallAction(name string, pos []any, kw map[string]any, o ParseOptions, f Format) (Action, error) {
	nn := normName(name)
	if nn == "do" { // AutoGLM names the operation in an argument
		inner, _ := kw["action"].(string)
		if inner == "" && len(pos) > 0 {
			inner, _ = pos[0].(string)
			pos = pos[1:]
		}
		if inner == "" {
			return nil, badArg("do", "no action named", `write do(action="Tap", element=[x,y])`)
		}
		rest := make(map[string]any, len(kw))
		for k, v := range kw {
			if k != "action" {
				rest[k] = v
			}
		}
		return fromCallAction(inner, pos, rest, o, f)
	}
	if m := directional.FindStringSubmatch(nn); m != nil { // SCROLL_DOWN(box=...), swipe_up()
		kw2 := map[string]any{"direction": m[2]}
		for k, v := range kw {
			kw2[k] = v
		}
		return fromCallAction(m[1], pos, kw2, o, f)
	}
	op, ok := aliases[nn]
	if !ok {
		if fix, known := notOnPhone[nn]; known {
			return nil, &ParseError{Reason: fmt.Sprintf("%s is not an action on this phone", name), Fix: fix + "; " + actionFix, Err: ErrUnknownAction}
		}
		return nil, &ParseError{Reason: fmt.Sprintf("unknown action %q", name), Fix: actionFix, Err: ErrUnknownAction}
	}
	a := args{pos: pos, kw: kw}
	hint := Space("")
	if s, ok := a.str("space", "coordinate_space", "coord_space", "coordinates_space", "unit"); ok {
		hint = parseSpace(s)
	}
	if s, ok := a.str("start_box", "point", "coordinate"); ok && strings.Contains(s, "box_start") {
		hint = orSpace(hint, SpacePermille) // UI-TARS 1.0 box tokens are 0..1000
	}
	switch op {
	case "tap", "long_press":
		return callTouch(op, nn, a, pos, kw, o, hint)
	case "swipe", "scroll", "drag":
		return swipe(op, a, o, hint)
	case "type", "replace_text", "append_text":
		return callType(op, nn, a, pos, kw, o, hint)
	case "button":
		return callKey(op, nn, a, pos, kw, o, hint)
	case "enter":
		return Key{Key: device.KeyEnter}, nil
	case "back":
		return Key{Key: device.KeyBack}, nil
	case "home":
		return Key{Key: device.KeyHome}, nil
	case "app_switch":
		return Key{Key: device.KeyAppSwitch}, nil
	case "wait":
		return callWait(op, nn, a, pos, kw, o, hint)
	case "done", "answer", "terminate", "fail":
		return callDone(op, nn, a, pos, kw, o, hint)
	case "ask_user", "ask_consent":
		return callAsk(op, nn, a, pos, kw, o, hint)
	case "refuse":
		return callRefuse(op, nn, a, pos, kw, o, hint)
	case "open_app":
		return callOpenApp(op, nn, a, pos, kw, o, hint)
	case "adb":
		return callADB(op, nn, a, pos, kw, o, hint)
	case "run_shortcut":
		return callShortcut(op, nn, a, pos, kw, o, hint)
	}
	return nil, &ParseError{Reason: fmt.Sprintf("unknown action %q", name), Fix: actionFix, Err: ErrUnknownAction}
}

// callTouch reads a tap or a long press.
func callTouch(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	t, err := target(op, a, o, hint)
	if err != nil {
		return nil, err
	}
	if op == "tap" {
		return Tap{Target: t}, nil
	}
	lp := LongPress{Target: t}
	if d, ok := a.num("duration_ms", "ms"); ok {
		lp.Duration = time.Duration(d) * time.Millisecond
	} else if v, ok := a.get("duration", "seconds", "time"); ok {
		lp.Duration, _ = toSeconds(v)
	}
	return lp, nil
}

// callType reads typing.
func callType(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	t := Type{Clear: op == "replace_text"}
	if s, ok := a.str(textKeys...); ok {
		t.Text = s
	}
	if s, ok := a.str("secret"); ok {
		t.Secret = s
	}
	if v, ok := a.get(elementKeys...); ok {
		id, isNum, err := o.element(v)
		if err != nil {
			return nil, err
		}
		if isNum {
			t.Element = id
		}
	}
	switch len(pos) {
	case 1:
		if s, ok := pos[0].(string); ok && t.Text == "" {
			t.Text = s
		}
	case 2:
		if id, isNum, err := o.element(pos[0]); isNum {
			if err != nil {
				return nil, err
			}
			t.Element = id
			t.Text, _ = pos[1].(string)
			if t.Text == "" {
				if f, ok := pos[1].(float64); ok {
					t.Text = strconv.FormatFloat(f, 'f', -1, 64)
				}
			}
		} else if s, ok := pos[0].(string); ok {
			t.Text = s
			t.Element, _, _ = o.element(pos[1])
		}
	}
	t.Submit = a.boolean("submit", "enter", "press_enter", "then_enter")
	t.Clear = t.Clear || a.boolean("clear", "replace", "clear_first")
	if mode, ok := a.str("mode"); ok && strings.EqualFold(mode, "replace") { // Midscene
		t.Clear = true
	}
	if strings.HasSuffix(t.Text, "\n") { // UI-TARS submits with a trailing newline
		t.Text = strings.TrimRight(t.Text, "\n")
		t.Submit = true
	}
	if t.Text == "" && t.Secret == "" {
		return nil, badArg(string(KindType), "no text to type", `give the text, as in {"action":"type","text":"hello","element":3}`)
	}
	return t, nil
}

// callKey reads a key press (press(5) taps element 5).
func callKey(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	k := ""
	if s, ok := a.str("key", "button", "name", "keycode", "keyname", "text", "value"); ok {
		k = s
	} else if len(pos) > 0 {
		if s, ok := pos[0].(string); ok {
			k = s
		} else if id, isNum, err := o.element(pos[0]); isNum && nn == "press" { // press(5) taps
			if err != nil {
				return nil, err
			}
			return Tap{Target: Target{Element: id}}, nil
		}
	}
	if mapped, ok := o.Dialect.keyName(k); ok {
		k = mapped
	}
	key, ok := ParseKey(k)
	if !ok {
		return nil, badArg("key", fmt.Sprintf("unknown key %q", k), "use back, home, enter or app_switch")
	}
	return Key{Key: key}, nil
}

// callWait reads waiting.
func callWait(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	w := Wait{}
	if d, ok := a.num("duration_ms", "ms", "milliseconds"); ok {
		w.Duration = time.Duration(d) * time.Millisecond
	} else if v, ok := a.get("seconds", "duration", "time", "secs", "s"); ok {
		w.Duration, _ = toSeconds(v)
	} else if len(pos) > 0 {
		w.Duration, _ = toSeconds(pos[0])
	}
	return w, nil
}

// callDone reads finishing, with an answer or a status.
func callDone(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	d := Done{Status: StatusSuccess}
	if op == "fail" {
		d.Status = StatusInfeasible
	}
	if nn == "print_assert_result" { // {"condition": ..., "thought": ..., "result": true}
		d.Answer, _ = a.str("thought", "condition")
		if r, isBool := kw["result"].(bool); isBool && !r {
			d.Status = StatusInfeasible
		}
		return d, nil
	}
	if s, ok := a.str("answer", "result", "content", "text", "message", "response", "output", "summary", "reason"); ok {
		d.Answer = s
	} else if len(pos) > 0 {
		if s, ok := pos[0].(string); ok {
			if st, ok := parseStatus(s); ok && op == "terminate" {
				d.Status = st
			} else {
				d.Answer = s
			}
		}
	}
	if s, ok := a.str("status", "goal_status", "outcome"); ok {
		st, ok := parseStatus(s)
		if !ok {
			return nil, badArg(string(KindDone), fmt.Sprintf("unknown status %q", s), `use "success" or "infeasible"`)
		}
		d.Status = st
	}
	if v, ok := a.get("success"); ok {
		if b, isBool := v.(bool); isBool && !b {
			d.Status = StatusInfeasible
		}
	}
	return d, nil
}

// callAsk reads a question to the person.
func callAsk(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	q := AskUser{Consent: op == "ask_consent" || a.boolean("consent")}
	if s, ok := a.str("question", "text", "message", "content", "query", "prompt"); ok {
		q.Question = s
	} else if len(pos) > 0 {
		q.Question, _ = pos[0].(string)
	}
	switch {
	case q.Question != "" || q.Consent:
	case nn == "call_user" || nn == "take_over" || nn == "interact":
		// The question is the model's thought; ParseWith fills it.
	default:
		return nil, badArg(string(KindAskUser), "no question", `write {"action":"ask_user","question":"..."}`)
	}
	return q, nil
}

// callRefuse reads refusing.
func callRefuse(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	r := Refuse{}
	if s, ok := a.str("reason", "text", "message", "content", "explanation"); ok {
		r.Reason = s
	} else if len(pos) > 0 {
		r.Reason, _ = pos[0].(string)
	}
	return r, nil
}

// callOpenApp reads opening an app.
func callOpenApp(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	app, ok := a.str("app", "app_name", "name", "package", "package_name", "application", "text", "target", "url", "value")
	if app == "None" { // CogAgent: LAUNCH(app='None', url='baidu.com')
		app, ok = a.str("url")
	}
	if !ok && len(pos) > 0 {
		app, _ = pos[0].(string)
	}
	app = strings.TrimSpace(app)
	if app == "" {
		return nil, badArg(string(KindOpenApp), "no app named", `write {"action":"open_app","app":"Settings"}`)
	}
	return OpenApp{App: app}, nil
}

// callShortcut reads running a shortcut.
func callShortcut(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	rs := RunShortcut{}
	rs.Name, _ = a.str("name", "shortcut", "shortcut_name")
	if rs.Name == "" && len(pos) > 0 {
		rs.Name, _ = pos[0].(string)
	}
	if rs.Name == "" {
		return nil, badArg(string(KindRunShortcut), "no shortcut name", `write {"action":"run_shortcut","name":"...","args":{}}`)
	}
	if m, ok := kw["args"].(map[string]any); ok {
		rs.Args = map[string]string{}
		for k, v := range m {
			rs.Args[k] = fmt.Sprint(v)
		}
	}
	return rs, nil
}

// keyName maps a key name particular to the dialect ("Return" is Enter for
// CogAgent, whose keys are desktop keys).
func (d Dialect) keyName(k string) (string, bool) {
	if d.Name == DialectCogAgent && strings.EqualFold(strings.TrimSpace(k), "return") {
		return "enter", true
	}
	return "", false
}

func seconds(d float64) time.Duration {
	if d > 60 { // bigger numbers are milliseconds
		return time.Duration(d) * time.Millisecond
	}
	return time.Duration(d * float64(time.Second))
}

func orSpace(a, b Space) Space {
	if a != "" {
		return a
	}
	return b
}

func parseSpace(s string) Space {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "px", "pixel", "pixels", "absolute", "abs":
		return SpacePixels
	case "unit", "0-1", "0..1", "normalized", "normalised", "relative", "ratio", "fraction":
		return SpaceUnit
	case "1000", "0-1000", "0..1000", "permille", "per-mille", "thousandths":
		return SpacePermille
	}
	return ""
}

func parseStatus(s string) (Status, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "success", "successful", "succeeded", "complete", "completed", "done", "finished", "true", "ok":
		return StatusSuccess, true
	case "infeasible", "impossible", "failure", "failed", "fail", "false", "unachievable", "error":
		return StatusInfeasible, true
	}
	return "", false
}

// gridWords are AppAgent's grid-mode subareas: tap(12, "center").
var gridWords = map[string]bool{"center": true, "top-left": true, "top": true, "top-right": true, "left": true, "right": true, "bottom-left": true, "bottom": true, "bottom-right": true}

// target reads the element or point of a tap or long press.
func target(op string, a args, o ParseOptions, hint Space) (Target, error) {
	pointAt := func(x, y float64) (Target, error) {
		p, err := o.point(x, y, hint)
		if err != nil {
			return Target{}, err
		}
		return Target{Point: p}, nil
	}
	if v, ok := a.get(elementKeys...); ok {
		id, isNum, err := o.element(v)
		if err != nil {
			return Target{}, err
		}
		if isNum {
			return Target{Element: id}, nil
		}
		if x, y, ok := toXY(v); ok {
			return pointAt(x, y)
		}
	}
	if v, ok := a.get(pointKeys...); ok {
		if x, y, ok := toXY(v); ok {
			return pointAt(x, y)
		}
	}
	x, okx := a.num("x")
	y, oky := a.num("y")
	if okx && oky {
		return pointAt(x, y)
	}
	switch len(a.pos) {
	case 1:
		id, isNum, err := o.element(a.pos[0])
		if err != nil {
			return Target{}, err
		}
		if isNum {
			return Target{Element: id}, nil
		}
		if x, y, ok := toXY(a.pos[0]); ok {
			return pointAt(x, y)
		}
	case 2, 4:
		if s, ok := a.pos[len(a.pos)-1].(string); ok && gridWords[strings.ToLower(s)] {
			return Target{}, badArg(op, fmt.Sprintf("%s(%v, %q) is a grid area, which is not offered here", op, a.pos[0], s),
				fmt.Sprintf(`tap an element number, as in %s(5)`, op))
		}
		if x, y, ok := toXY(a.pos); ok {
			return pointAt(x, y)
		}
	}
	if s, ok := a.str("prompt", "description", "locate", "element_info"); ok {
		return Target{}, badArg(op, fmt.Sprintf("a description (%q) is not enough", excerpt(s)),
			fmt.Sprintf(`give the element's number or its point, as in {"action":%q,"element":5} or {"action":%q,"x":540,"y":1200}`, op, op))
	}
	return Target{}, badArg(op, "no element id or point", fmt.Sprintf(`give an element id, as in {"action":%q,"element":5}, or a point, as in {"action":%q,"x":540,"y":1200}`, op, op))
}

// InferSpace picks the coordinate system of the numbers vals (x, y pairs):
// the declared o.Space, else the hint the text gave (a "space" field, UI-TARS
// box tokens), else 0–1 when every number is at most 1, else 0–1000 when a
// number overshoots the known image size while all stay within 1000, else
// pixels. Named dialects do not guess; this is the auto dialect's rule.
func InferSpace(o ParseOptions, hint Space, vals ...float64) Space {
	if o.Space != "" {
		return o.Space
	}
	if hint != "" {
		return hint
	}
	maxAll, overshoot := 0.0, false
	for i, v := range vals {
		maxAll = math.Max(maxAll, math.Abs(v))
		if o.ImageSize.X > 0 && o.ImageSize.Y > 0 {
			lim := float64(o.ImageSize.X)
			if i%2 == 1 {
				lim = float64(o.ImageSize.Y)
			}
			if v > lim {
				overshoot = true
			}
		}
	}
	switch {
	case maxAll <= 1:
		return SpaceUnit
	case overshoot && maxAll <= 1000:
		return SpacePermille
	}
	return SpacePixels
}

var distances = map[string]float64{"short": 0.25, "small": 0.25, "medium": 0.5, "normal": 0.5, "long": 0.8, "large": 0.8, "far": 0.8}

func swipe(op string, a args, o ParseOptions, hint Space) (Action, error) {
	s := Swipe{}
	var dirs []string
	if d, ok := a.str("direction", "dir", "orientation", "swipe_direction", "scroll_direction"); ok {
		dirs = append(dirs, d)
	}
	if v, ok := a.get(elementKeys...); ok {
		id, isNum, err := o.element(v)
		if err != nil {
			return nil, err
		}
		if isNum {
			s.Element = id
		}
	}
	if d, ok := a.num("distance", "amount", "magnitude"); ok {
		s.Distance = d
	} else if d, ok := a.str("distance", "dist", "amount", "magnitude"); ok {
		s.Distance = distances[strings.ToLower(d)]
	}
	if s.Distance > 1 { // pixels (Midscene): a fraction of the screen when its size is known
		s.Distance = 0
		if d, _ := a.num("distance"); o.ImageSize.Y > 0 && d > 1 {
			s.Distance = math.Min(1, d/float64(o.ImageSize.Y))
		}
	}
	if d, ok := a.num("duration_ms"); ok {
		s.Duration = time.Duration(d) * time.Millisecond
	}
	var nums []float64
	var from, to []float64
	if v, ok := a.get("position", "positions"); ok {
		from, to, _ = twoPoints(v)
	}
	if v, ok := a.get("from", "start", "start_box", "start_point", "start_coordinate", "coordinate", "point", "startpoint", "from_coord", "start_coord"); ok && from == nil {
		if x, y, ok := toXY(v); ok {
			from = []float64{x, y}
		}
	}
	if v, ok := a.get("to", "end", "end_box", "end_point", "end_coordinate", "coordinate2", "endpoint", "to_coord", "end_coord"); ok && to == nil {
		if x, y, ok := toXY(v); ok {
			to = []float64{x, y}
		}
	}
	for _, p := range a.pos {
		switch v := p.(type) {
		case string:
			if _, ok := distances[strings.ToLower(v)]; ok && len(dirs) > 0 {
				s.Distance = distances[strings.ToLower(v)]
			} else if _, ok := dirName(v); ok {
				dirs = append(dirs, v)
			} else if x, y, ok := toXY(v); ok {
				nums = append(nums, x, y)
			}
		case float64:
			nums = append(nums, v)
		case []any:
			if x, y, ok := toXY(v); ok {
				nums = append(nums, x, y)
			}
		}
	}
	switch len(nums) {
	case 1: // AppAgent swipe(5, "up", "medium")
		s.Element, _, _ = o.element(nums[0])
	case 3:
		s.Element, _, _ = o.element(nums[0])
		if len(dirs) == 0 {
			return nil, badArg(string(KindSwipe), "three numbers and no direction", `give a direction, as in {"action":"swipe","direction":"up"}, or two points`)
		}
	case 4:
		from, to = nums[:2], nums[2:]
	case 2:
		if from == nil {
			from = nums
		} else if to == nil {
			to = nums
		}
	}
	if from != nil && to != nil && !(op == "scroll" && len(dirs) > 0) { // scroll(start_box, direction): the direction rules
		if o.Dialect.Auto() {
			sp := InferSpace(o, hint, from[0], from[1], to[0], to[1])
			s.From = &Point{X: from[0], Y: from[1], Space: sp}
			s.To = &Point{X: to[0], Y: to[1], Space: sp}
			return s, nil
		}
		var err error
		if s.From, err = o.point(from[0], from[1], hint); err != nil {
			return nil, err
		}
		if s.To, err = o.point(to[0], to[1], hint); err != nil {
			return nil, err
		}
		return s, nil
	}
	if len(dirs) == 0 {
		return nil, badArg(string(KindSwipe), "no direction", `give a direction (up, down, left, right), as in {"action":"swipe","direction":"up"}`)
	}
	d, ok := dirName(dirs[0])
	if !ok {
		return nil, badArg(string(KindSwipe), fmt.Sprintf("unknown direction %q", dirs[0]), "use up, down, left or right")
	}
	if op == "scroll" {
		d = opposite(d)
	}
	s.Direction = d
	return s, nil
}

func dirName(s string) (Direction, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "up", "upward", "upwards", "north", "top":
		return Up, true
	case "down", "downward", "downwards", "south", "bottom":
		return Down, true
	case "left", "west", "leftward":
		return Left, true
	case "right", "east", "rightward":
		return Right, true
	}
	return "", false
}

func opposite(d Direction) Direction {
	switch d {
	case Up:
		return Down
	case Down:
		return Up
	case Left:
		return Right
	}
	return Left
}
