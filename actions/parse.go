package actions

import (
	"fmt"
	"image"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mobagent/mobagent/device"
)

// ParseOptions tell Parse what it cannot see in the text.
type ParseOptions struct {
	// Space is the coordinate system the prompt told the model to use; ""
	// means infer it (see InferSpace).
	Space Space
	// ImageSize is the size in pixels of the image the model saw, if known;
	// it helps tell pixels from 0–1000 coordinates.
	ImageSize image.Point
}

// maxParseInput bounds the text Parse reads; longer answers are cut.
const maxParseInput = 64 << 10

// Parse reads one action, and the model's thought when present, from model
// output. See ParseWith.
func Parse(text string) (Decision, error) { return ParseWith(text, ParseOptions{}) }

// ParseWith reads one action from model output written in any of these forms:
//
//   - JSON, bare or in a code fence or prose, possibly broken (single quotes,
//     trailing commas, unquoted keys, Python literals): {"action":"tap",
//     "element":5}, {"thought":"...","action":{"action":"swipe",
//     "direction":"up"}}, tool calls {"name":"mobile_use","arguments":{...}};
//   - Mobile-Agent blocks: "### Action ###" then Tap (x, y), Swipe (x1, y1),
//     (x2, y2), Type (text), Back, Home, Open app (Name), Stop;
//   - function calls (MobileSafetyBench, AppAgent, UI-TARS): no-op(), tap(5),
//     long-tap(5), swipe(up), swipe(5, "up", "medium"), button(HOME),
//     replace-text(3, "hi"), append-text(3, "x"), enter(), refuse(),
//     ask-consent(), complete(), text("..."), long_press(5), FINISH,
//     click(start_box='(120,340)'), type(content='hi');
//
// When the text names an action section ("Action:", "### Action ###"), the
// action is read from it; otherwise the last action in the text wins, since
// models restate examples before answering. The thought comes from a
// "Thought" section, a <think> block, a "thought"/"reasoning" JSON field, or
// the prose before the JSON.
//
// "scroll" names the content's movement, as readers say it, so
// scroll(down) becomes a Swipe with Direction Up; "swipe" names the finger's.
//
// Errors are *ParseError values whose text tells the model what to write.
func ParseWith(text string, o ParseOptions) (Decision, error) {
	if len(text) > maxParseInput {
		text = text[:maxParseInput]
	}
	text, think := cutThink(text)
	secs := splitSections(text)
	thought := strings.TrimSpace(think)
	region, hasRegion := "", false
	for _, s := range secs {
		switch s.name {
		case "thought":
			if thought != "" {
				thought += "\n"
			}
			thought += strings.TrimSpace(s.body)
		case "action":
			region, hasRegion = s.body, true
		}
	}
	var firstErr error
	try := func(d Decision, err error) (Decision, bool) {
		if err == nil && d.Action != nil {
			if d.Thought == "" {
				d.Thought = thought
			}
			return d, true
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return d, false
	}
	if hasRegion {
		if d, ok := try(parseJSONIn(region, o)); ok {
			return d, nil
		}
		if d, ok := try(parseCalls(region, o, true)); ok {
			return d, nil
		}
		if d, ok := try(parseKeyword(region)); ok {
			return d, nil
		}
	}
	if d, ok := try(parseJSONIn(text, o)); ok {
		return d, nil
	}
	if d, ok := try(parseCalls(text, o, false)); ok {
		return d, nil
	}
	if d, ok := try(parseKeyword(lastLine(text))); ok {
		return d, nil
	}
	if firstErr != nil {
		return Decision{Thought: thought}, firstErr
	}
	return Decision{Thought: thought}, &ParseError{
		Reason: "no action found",
		Input:  excerpt(text),
		Fix:    `answer with one JSON object such as {"thought":"...","action":{"action":"tap","element":5}}`,
		Err:    ErrNoAction,
	}
}

// cutThink removes <think>...</think> (or <thinking>) blocks and returns
// their text.
func cutThink(text string) (rest, think string) {
	for _, tag := range [2]string{"think", "thinking"} {
		open, close := "<"+tag+">", "</"+tag+">"
		i := strings.Index(text, open)
		if i < 0 {
			if j := strings.Index(text, close); j >= 0 { // the opening tag was in the prompt
				return text[j+len(close):], text[:j]
			}
			continue
		}
		j := strings.Index(text[i:], close)
		if j < 0 {
			return text[:i], text[i+len(open):]
		}
		return text[:i] + text[i+j+len(close):], text[i+len(open) : i+j]
	}
	return text, ""
}

type section struct{ name, body string }

// splitSections cuts text at heading lines such as "### Thought ###",
// "Thought:", "**Action:**", "Action: tap(5)". Names are "thought", "action",
// "other", or "" for the preamble.
func splitSections(text string) []section {
	var out []section
	cur := section{}
	var body strings.Builder
	flush := func() {
		cur.body = body.String()
		out = append(out, cur)
		body.Reset()
	}
	for len(text) > 0 {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if name, rest, ok := heading(line); ok {
			flush()
			cur = section{name: name}
			if rest != "" {
				body.WriteString(rest)
				body.WriteByte('\n')
			}
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	flush()
	return out
}

var headingWords = map[string]string{
	"thought": "thought", "thoughts": "thought", "thinking": "thought", "reasoning": "thought", "think": "thought",
	"action": "action", "operation": "action", "next action": "action", "final action": "action", "answer": "action",
	"summary": "other", "observation": "other", "memory": "other", "plan": "other", "progress": "other",
	"reflection": "other", "description": "other", "explanation": "other",
}

func heading(line string) (name, rest string, ok bool) {
	s := strings.TrimSpace(line)
	hashes := strings.HasPrefix(s, "#")
	s = strings.TrimLeft(s, "#*> ")
	if s == "" {
		return "", "", false
	}
	// The heading word ends at ':', '#', '*' or the end of the line.
	end := strings.IndexAny(s, ":#*")
	word := s
	if end >= 0 {
		word = s[:end]
	} else if !hashes {
		return "", "", false // a plain line that merely starts with "Action"
	}
	word = strings.ToLower(strings.TrimSpace(word))
	n, known := headingWords[word]
	if !known {
		return "", "", false
	}
	if end < 0 {
		return n, "", true
	}
	if s[end] != ':' && !hashes && !strings.HasPrefix(strings.TrimSpace(line), "*") {
		return "", "", false
	}
	rest = strings.TrimLeft(s[end:], ":#* ")
	return n, strings.TrimSpace(rest), true
}

func lastLine(text string) string {
	text = strings.TrimSpace(text)
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		return text[i+1:]
	}
	return text
}

// parseJSONIn finds the last JSON object in text that holds an action.
func parseJSONIn(text string, o ParseOptions) (Decision, error) {
	var best Decision
	var bestErr error
	found := false
	tries := 0
	for i := 0; i < len(text) && tries < 64; {
		j := strings.IndexByte(text[i:], '{')
		if j < 0 {
			break
		}
		start := i + j
		tries++
		p := lenient{s: text, i: start}
		v, ok := p.object()
		if !ok {
			i = start + 1
			continue
		}
		m := v.(map[string]any)
		a, thought, err := objectAction(m, o, 0)
		if err == nil {
			if thought == "" {
				thought = prose(text[:start])
			}
			best, bestErr, found = Decision{Thought: thought, Action: a, Format: FormatJSON}, nil, true
		} else if !found && (bestErr == nil || !isNoAction(err)) {
			bestErr = err
		}
		i = p.i
	}
	if found {
		return best, nil
	}
	return Decision{}, bestErr
}

func isNoAction(err error) bool {
	pe, ok := err.(*ParseError)
	return ok && pe.Err == ErrNoAction
}

// prose returns the model's text before a JSON object as its thought, without
// fences and labels.
func prose(s string) string {
	s = strings.TrimSpace(s)
	for _, suffix := range []string{"```json", "```JSON", "```", "<tool_call>", "Action:", "action:", "JSON:", "json"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return s
}

var thoughtKeys = []string{"thought", "thoughts", "reasoning", "thinking", "think", "analysis", "rationale", "explanation"}

// objectAction reads an action from a decoded JSON object.
func objectAction(m map[string]any, o ParseOptions, depth int) (Action, string, error) {
	if depth > 4 {
		return nil, "", &ParseError{Reason: "action nested too deeply", Fix: actionFix, Err: ErrNoAction}
	}
	thought := ""
	for _, k := range thoughtKeys {
		if s, ok := m[k].(string); ok && s != "" {
			thought = s
			break
		}
	}
	inner := func(v map[string]any) (Action, string, error) {
		a, t, err := objectAction(v, o, depth+1)
		if t == "" {
			t = thought
		}
		return a, t, err
	}
	for _, k := range []string{"action", "next_action", "tool_call", "function_call", "function", "operation", "decision"} {
		if v, ok := m[k].(map[string]any); ok {
			return inner(v)
		}
		if arr, ok := m[k].([]any); ok && len(arr) > 0 {
			if v, ok := arr[0].(map[string]any); ok {
				return inner(v)
			}
		}
	}
	name, _ := m["action"].(string)
	if name == "" {
		name, _ = m["action_type"].(string)
	}
	if name == "" {
		if n, ok := m["type"].(string); ok && knownName(n) {
			name = n
		}
	}
	if name == "" {
		if n, ok := m["name"].(string); ok {
			args := firstMap(m, "arguments", "args", "parameters", "params", "input")
			if args != nil {
				if s, isStr := m["arguments"].(string); isStr { // OpenAI tool calls carry arguments as a string
					p := lenient{s: s}
					if v, ok := p.value(); ok {
						args, _ = v.(map[string]any)
					}
				}
			}
			if args != nil {
				if knownName(n) {
					return fromCall(n, nil, args, o, FormatJSON)
				}
				if _, ok := args["action"]; ok { // a generic tool such as mobile_use
					return inner(args)
				}
			}
		}
	}
	if name == "" {
		for _, k := range []string{"command", "op", "act", "tool"} {
			if n, ok := m[k].(string); ok && knownName(n) {
				name = n
				break
			}
		}
	}
	if name == "" && len(m) <= 2 {
		for k, v := range m { // {"tap": {"element": 5}} or {"tap": 5}
			if !knownName(k) {
				continue
			}
			switch x := v.(type) {
			case map[string]any:
				return fromCall(k, nil, x, o, FormatJSON)
			case []any:
				return fromCall(k, x, nil, o, FormatJSON)
			default:
				return fromCall(k, []any{x}, nil, o, FormatJSON)
			}
		}
	}
	if name == "" {
		return nil, thought, &ParseError{Reason: `JSON object without an "action" field`, Fix: `write {"action": KIND, ...}; ` + actionFix, Err: ErrNoAction}
	}
	a, err := fromCallAction(name, nil, m, o, FormatJSON)
	return a, thought, err
}

func firstMap(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		switch v := m[k].(type) {
		case map[string]any:
			return v
		case string:
			if k == "arguments" {
				return map[string]any{}
			}
		}
	}
	return nil
}

func fromCall(name string, pos []any, kw map[string]any, o ParseOptions, f Format) (Action, string, error) {
	a, err := fromCallAction(name, pos, kw, o, f)
	return a, "", err
}

// canonical operation names for every alias models use.
var aliases = map[string]string{
	"tap": "tap", "click": "tap", "touch": "tap", "left_click": "tap", "single_tap": "tap", "tap_element": "tap",
	"long_press": "long_press", "longpress": "long_press", "long_tap": "long_press", "long_click": "long_press", "press_and_hold": "long_press", "long_press_element": "long_press",
	"swipe": "swipe", "swipe_element": "swipe", "fling": "swipe", "scroll": "scroll", "drag": "drag",
	"type": "type", "text": "type", "input": "type", "input_text": "type", "type_text": "type", "enter_text": "type", "write": "type", "set_text": "type",
	"replace_text": "replace_text", "append_text": "append_text",
	"key": "button", "button": "button", "press": "button", "press_key": "button", "hotkey": "button", "system_button": "button", "navigate": "button", "keyevent": "button",
	"enter": "enter", "press_enter": "enter",
	"back": "back", "press_back": "back", "go_back": "back", "navigate_back": "back",
	"home": "home", "press_home": "home", "go_home": "home", "navigate_home": "home",
	"overview": "app_switch", "recents": "app_switch", "press_recent": "app_switch", "app_switch": "app_switch",
	"wait": "wait", "no_op": "wait", "noop": "wait", "sleep": "wait", "pause": "wait",
	"done": "done", "complete": "done", "finish": "done", "finished": "done", "stop": "done", "task_complete": "done", "success": "done", "end": "done",
	"answer": "answer", "terminate": "terminate", "status": "terminate",
	"fail": "fail", "infeasible": "fail", "impossible": "fail", "give_up": "fail",
	"ask_user": "ask_user", "ask": "ask_user", "ask_human": "ask_user", "question": "ask_user", "call_user": "ask_user",
	"ask_consent": "ask_consent", "consent": "ask_consent",
	"refuse": "refuse", "decline": "refuse", "reject": "refuse",
	"open_app": "open_app", "open": "open_app", "launch": "open_app", "launch_app": "open_app", "start_app": "open_app", "open_application": "open_app", "awake": "open_app",
	"run_shortcut": "run_shortcut", "shortcut": "run_shortcut",
}

func normName(n string) string {
	n = strings.ToLower(strings.TrimSpace(n))
	n = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return '_'
		}
		return r
	}, n)
	return n
}

func knownName(n string) bool { _, ok := aliases[normName(n)]; return ok }

// args gives typed access to positional and keyword arguments.
type args struct {
	pos []any
	kw  map[string]any
}

func (a args) get(keys ...string) (any, bool) {
	for _, k := range keys {
		if v, ok := a.kw[k]; ok && v != nil {
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

func toInt(v any) (int, bool) {
	f, ok := toNum(v)
	if !ok || f != math.Trunc(f) || f < 1 || f > 1e6 {
		return 0, false
	}
	return int(f), true
}

var numRe = regexp.MustCompile(`-?\d+(?:\.\d+)?`)

// toXY reads a point from [x, y], [x1, y1, x2, y2] (its centre), {"x":..,
// "y":..}, or a string holding two or four numbers ("(120, 340)",
// "<|box_start|>(120,340)<|box_end|>").
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

func badArg(op, reason, fix string) error {
	return &ParseError{Reason: op + ": " + reason, Fix: fix, Err: ErrBadArgument}
}

var pointKeys = []string{"point", "coordinate", "coordinates", "coords", "position", "pos", "xy", "start_box", "box", "bbox", "location", "center", "start", "start_point", "from"}
var elementKeys = []string{"element", "element_id", "elementid", "id", "index", "idx", "mark", "som", "label", "target", "element_index", "ui_element", "n", "widget"}

// fromCallAction maps an operation name and its arguments to an action.
func fromCallAction(name string, pos []any, kw map[string]any, o ParseOptions, f Format) (Action, error) {
	op, ok := aliases[normName(name)]
	if !ok {
		return nil, &ParseError{Reason: fmt.Sprintf("unknown action %q", name), Fix: actionFix, Err: ErrUnknownAction}
	}
	a := args{pos: pos, kw: kw}
	hint := Space("")
	if s, ok := a.str("space", "coordinate_space", "coord_space", "coordinates_space", "unit"); ok {
		hint = parseSpace(s)
	}
	if s, ok := a.str("start_box", "point", "coordinate"); ok && strings.Contains(s, "box_start") {
		hint = orSpace(hint, SpacePermille) // UI-TARS box tokens are 0..1000
	}
	switch op {
	case "tap", "long_press":
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
		} else if d, ok := a.num("duration", "seconds", "time"); ok {
			lp.Duration = seconds(d)
		}
		return lp, nil
	case "swipe", "scroll", "drag":
		return swipe(op, a, o, hint)
	case "type", "replace_text", "append_text":
		t := Type{Clear: op == "replace_text"}
		if s, ok := a.str("text", "content", "value", "input", "string", "keys", "input_text", "message"); ok {
			t.Text = s
		}
		if s, ok := a.str("secret"); ok {
			t.Secret = s
		}
		if v, ok := a.get(elementKeys...); ok {
			t.Element, _ = toInt(v)
		}
		switch len(pos) {
		case 1:
			if s, ok := pos[0].(string); ok && t.Text == "" {
				t.Text = s
			}
		case 2:
			if n, ok := toInt(pos[0]); ok {
				t.Element = n
				t.Text, _ = pos[1].(string)
				if t.Text == "" {
					if f, ok := pos[1].(float64); ok {
						t.Text = strconv.FormatFloat(f, 'f', -1, 64)
					}
				}
			} else if s, ok := pos[0].(string); ok {
				t.Text = s
				t.Element, _ = toInt(pos[1])
			}
		}
		t.Submit = a.boolean("submit", "enter", "press_enter", "then_enter")
		t.Clear = t.Clear || a.boolean("clear", "replace", "clear_first")
		if strings.HasSuffix(t.Text, "\n") { // UI-TARS submits with a trailing newline
			t.Text = strings.TrimRight(t.Text, "\n")
			t.Submit = true
		}
		if t.Text == "" && t.Secret == "" {
			return nil, badArg(string(KindType), "no text to type", `give the text, as in {"action":"type","text":"hello","element":3}`)
		}
		return t, nil
	case "button":
		k := ""
		if s, ok := a.str("key", "button", "name", "keycode", "text", "value"); ok {
			k = s
		} else if len(pos) > 0 {
			if s, ok := pos[0].(string); ok {
				k = s
			} else if n, ok := toInt(pos[0]); ok && normName(name) == "press" { // press(5) taps
				return Tap{Target: Target{Element: n}}, nil
			}
		}
		key, ok := ParseKey(k)
		if !ok {
			return nil, badArg("key", fmt.Sprintf("unknown key %q", k), "use back, home, enter or app_switch")
		}
		return Key{Key: key}, nil
	case "enter":
		return Key{Key: device.KeyEnter}, nil
	case "back":
		return Key{Key: device.KeyBack}, nil
	case "home":
		return Key{Key: device.KeyHome}, nil
	case "app_switch":
		return Key{Key: device.KeyAppSwitch}, nil
	case "wait":
		w := Wait{}
		if d, ok := a.num("duration_ms", "ms", "milliseconds"); ok {
			w.Duration = time.Duration(d) * time.Millisecond
		} else if d, ok := a.num("seconds", "duration", "time", "secs", "s"); ok {
			w.Duration = seconds(d)
		} else if len(pos) > 0 {
			if d, ok := toNum(pos[0]); ok {
				w.Duration = seconds(d)
			}
		}
		return w, nil
	case "done", "answer", "terminate", "fail":
		d := Done{Status: StatusSuccess}
		if op == "fail" {
			d.Status = StatusInfeasible
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
		if d.Answer == "" && (op == "done" || op == "terminate") {
			if s, ok := a.str("status"); ok {
				if _, isStatus := parseStatus(s); !isStatus {
					d.Answer = s
				}
			}
		}
		return d, nil
	case "ask_user", "ask_consent":
		q := AskUser{Consent: op == "ask_consent" || a.boolean("consent")}
		if s, ok := a.str("question", "text", "message", "content", "query", "prompt"); ok {
			q.Question = s
		} else if len(pos) > 0 {
			q.Question, _ = pos[0].(string)
		}
		if q.Question == "" && !q.Consent {
			return nil, badArg(string(KindAskUser), "no question", `write {"action":"ask_user","question":"..."}`)
		}
		return q, nil
	case "refuse":
		r := Refuse{}
		if s, ok := a.str("reason", "text", "message", "content", "explanation"); ok {
			r.Reason = s
		} else if len(pos) > 0 {
			r.Reason, _ = pos[0].(string)
		}
		return r, nil
	case "open_app":
		app, ok := a.str("app", "app_name", "name", "package", "package_name", "application", "text", "target")
		if !ok && len(pos) > 0 {
			app, _ = pos[0].(string)
		}
		app = strings.TrimSpace(app)
		if app == "" {
			return nil, badArg(string(KindOpenApp), "no app named", `write {"action":"open_app","app":"Settings"}`)
		}
		return OpenApp{App: app}, nil
	case "run_shortcut":
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
	return nil, &ParseError{Reason: fmt.Sprintf("unknown action %q", name), Fix: actionFix, Err: ErrUnknownAction}
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

// target reads the element or point of a tap or long press.
func target(op string, a args, o ParseOptions, hint Space) (Target, error) {
	if v, ok := a.get(elementKeys...); ok {
		if n, ok := toInt(v); ok {
			return Target{Element: n}, nil
		}
		if x, y, ok := toXY(v); ok {
			return pointTarget(x, y, o, hint), nil
		}
	}
	if v, ok := a.get(pointKeys...); ok {
		if x, y, ok := toXY(v); ok {
			return pointTarget(x, y, o, hint), nil
		}
	}
	x, okx := a.num("x")
	y, oky := a.num("y")
	if okx && oky {
		return pointTarget(x, y, o, hint), nil
	}
	switch len(a.pos) {
	case 1:
		if n, ok := toInt(a.pos[0]); ok {
			return Target{Element: n}, nil
		}
		if x, y, ok := toXY(a.pos[0]); ok {
			return pointTarget(x, y, o, hint), nil
		}
	case 2, 4:
		if x, y, ok := toXY(a.pos); ok {
			return pointTarget(x, y, o, hint), nil
		}
	}
	return Target{}, badArg(op, "no element id or point", fmt.Sprintf(`give an element id, as in {"action":%q,"element":5}, or a point, as in {"action":%q,"x":540,"y":1200}`, op, op))
}

func pointTarget(x, y float64, o ParseOptions, hint Space) Target {
	return Target{Point: &Point{X: x, Y: y, Space: InferSpace(o, hint, x, y)}}
}

// InferSpace picks the coordinate system of the numbers vals (x, y pairs):
// the declared o.Space, else the hint the text gave (a "space" field, UI-TARS
// box tokens), else 0–1 when every number is at most 1, else 0–1000 when a
// number overshoots the known image size while all stay within 1000, else
// pixels.
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
		s.Element, _ = toInt(v)
	}
	if d, ok := a.num("distance", "amount", "magnitude"); ok {
		s.Distance = d
	} else if d, ok := a.str("distance", "dist", "amount", "magnitude"); ok {
		s.Distance = distances[strings.ToLower(d)]
	}
	if d, ok := a.num("duration_ms"); ok {
		s.Duration = time.Duration(d) * time.Millisecond
	}
	var nums []float64
	var from, to []float64
	if v, ok := a.get("from", "start", "start_box", "start_point", "start_coordinate", "coordinate", "point", "startpoint"); ok {
		if x, y, ok := toXY(v); ok {
			from = []float64{x, y}
		}
	}
	if v, ok := a.get("to", "end", "end_box", "end_point", "end_coordinate", "coordinate2", "endpoint"); ok {
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
		s.Element, _ = toInt(nums[0])
	case 3:
		s.Element, _ = toInt(nums[0])
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
	if from != nil && to != nil {
		sp := InferSpace(o, hint, from[0], from[1], to[0], to[1])
		s.From = &Point{X: from[0], Y: from[1], Space: sp}
		s.To = &Point{X: to[0], Y: to[1], Space: sp}
		if op == "scroll" && len(dirs) > 0 { // scroll(start_box, direction): the direction rules
			s.From, s.To = nil, nil
		} else {
			return s, nil
		}
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
