package actions

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mobagent/mobagent/llm/reply"
)

// parseJSONIn finds the last JSON object in text that holds an action. The
// decision's thought is the object's own; the prose before the object is
// returned apart, as the thought of last resort.
func parseJSONIn(text string, o ParseOptions) (Decision, string, error) {
	var best Decision
	var bestErr error
	found, before := false, ""
	objs, _ := reply.Find(text, lowerKeys)
	for _, obj := range objs {
		a, thought, err := objectAction(obj.Value, o, 0)
		if err == nil {
			best, bestErr, found, before = Decision{Thought: thought, Action: a, Format: FormatJSON}, nil, true, prose(text[:obj.Start])
			if o.Dialect.FirstAction {
				break
			}
		} else if !found && (bestErr == nil || !isNoAction(err)) {
			bestErr = err
		}
	}
	if found {
		return best, before, nil
	}
	return Decision{}, "", bestErr
}

// lowerKeys reads JSON with lower-cased keys, which the parser looks up.
var lowerKeys = reply.Options{LowerKeys: true}

func isNoAction(err error) bool {
	pe, ok := err.(*ParseError)
	return ok && pe.Err == ErrNoAction
}

var thoughtKeys = []string{"thought", "thoughts", "reasoning", "thinking", "think", "analysis", "rationale", "explanation", "log"}

// wrapperKeys hold an action's arguments: Midscene's "param" and "locate",
// tool calls' "arguments".
var wrapperKeys = []string{"param", "params", "parameters", "arguments", "locate"}

// aitwTypes are the numbered action types of AitW, which SeeClick writes as
// "action_type": 4; the scroll numbers are SeeClick's own.
var aitwTypes = map[int]string{3: "type", 4: "tap", 5: "back", 6: "home", 7: "enter", 10: "done", 11: "fail"}
var seeclickScrolls = map[int]string{0: "down", 1: "up", 8: "left", 9: "right"}

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
	for _, k := range []string{"action", "next_action", "tool_call", "function_call", "function", "operation", "decision", "actions"} {
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
		switch t := m["action_type"].(type) {
		case string:
			name = t
		case float64: // AitW and SeeClick number their action types
			n := int(t)
			if dir, ok := seeclickScrolls[n]; ok && o.Dialect.Name == DialectSeeClick && float64(n) == t {
				return fromCall("scroll", nil, map[string]any{"direction": dir}, o, FormatJSON)
			}
			if op, ok := aitwTypes[n]; ok && float64(n) == t {
				name = op
			} else {
				return nil, thought, &ParseError{Reason: fmt.Sprintf("unknown action type number %v", t), Fix: actionFix, Err: ErrUnknownAction}
			}
		}
	}
	typed := false // {"type": "Tap", "param": {...}}: "type" names the action
	if name == "" {
		if n, ok := m["type"].(string); ok {
			if knownName(n) {
				name = n
			} else if _, other := notOnPhone[normName(n)]; other || hasAny(m, wrapperKeys...) {
				kw, pos := flatten(m)
				a, err := fromCallAction(n, pos, kw, o, FormatJSON)
				return a, thought, err
			}
			typed = true
		}
	}
	if name == "" {
		if n, ok := m["name"].(string); ok {
			args := firstMap(m, "arguments", "args", "parameters", "params", "input")
			if args != nil {
				if s, isStr := m["arguments"].(string); isStr { // OpenAI tool calls carry arguments as a string
					if v, _, err := reply.ParseValue(s, 0, lowerKeys); err == nil {
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
		for _, k := range slices.Sorted(maps.Keys(m)) { // {"tap": {"element": 5}} or {"tap": 5}
			if !knownName(k) || (k == "type" && typed) {
				continue
			}
			switch x := m[k].(type) {
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
		return noName(m, thought, o)
	}
	kw, pos := flatten(m)
	a, err := fromCallAction(name, pos, kw, o, FormatJSON)
	return a, thought, err
}

// noName reads an object that names no action: Midscene's {"sleep": 2000},
// a grounding reply {"bbox": [...]}, or a reply that reports its own error.
func noName(m map[string]any, thought string, o ParseOptions) (Action, string, error) {
	if ms, ok := toNum(m["sleep"]); ok && ms >= 0 {
		return Wait{Duration: time.Duration(ms) * time.Millisecond}, thought, nil
	}
	if more, ok := m["more_actions_needed_by_instruction"].(bool); ok && !more { // Midscene: the plan is finished
		log, _ := m["log"].(string)
		return Done{Status: StatusSuccess, Answer: log}, thought, nil
	}
	if errs, ok := m["errors"].([]any); ok && len(errs) > 0 {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, fmt.Sprint(e))
		}
		return nil, thought, &ParseError{Reason: "the reply reports an error: " + strings.Join(msgs, "; "),
			Fix: "scroll to bring the element into view, or choose another element or action", Err: ErrNoAction}
	}
	if o.Dialect.Auto() || o.Dialect.Grounding {
		for _, k := range []string{"bbox", "box", "point", "position", "coordinate", "click_point"} {
			if v, ok := m[k]; ok {
				if x, y, ok := toXY(v); ok {
					p, err := o.point(x, y, "")
					if err != nil {
						return nil, thought, err
					}
					return Tap{Target: Target{Point: p}}, thought, nil
				}
			}
		}
	}
	return nil, thought, &ParseError{Reason: `JSON object without an "action" field`, Fix: `write {"action": KIND, ...}; ` + actionFix, Err: ErrNoAction}
}

// flatten merges the maps an action's arguments are wrapped in into one
// map; a wrapper holding a string ("param": "com.booking") is a positional
// argument.
func flatten(m map[string]any) (map[string]any, []any) {
	var pos []any
	wrapped := false
	for _, k := range wrapperKeys {
		switch m[k].(type) {
		case map[string]any:
			wrapped = true
		case string:
			if k == "param" || k == "params" {
				pos = append(pos, m[k])
			}
		}
	}
	if !wrapped {
		return m, pos
	}
	out := make(map[string]any, len(m)+4)
	var merge func(v map[string]any, depth int)
	merge = func(v map[string]any, depth int) {
		for k, x := range v {
			if inner, ok := x.(map[string]any); ok && depth < 3 && slices.Contains(wrapperKeys, k) {
				merge(inner, depth+1)
				continue
			}
			if _, taken := out[k]; !taken || depth == 0 {
				out[k] = x
			}
		}
	}
	merge(m, 0)
	return out, pos
}

func hasAny(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
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

var (
	actionTypeRe  = regexp.MustCompile(`(?s)<action-type>\s*(.*?)\s*</action-type>`)
	actionParamRe = regexp.MustCompile(`(?s)<action-param-json>(.*?)(?:</action-param-json>|$)`)
	completeRe    = regexp.MustCompile(`(?s)<complete(?:\s+success="(\w+)")?\s*>(.*?)(?:</complete>|$)`)
)

// parseMidsceneXML reads Midscene's tagged form: <action-type>Tap
// </action-type><action-param-json>{...}</action-param-json>, or
// <complete success="true">answer</complete>.
func parseMidsceneXML(text string, o ParseOptions) (Decision, error) {
	if !strings.Contains(text, "<action-type>") && !strings.Contains(text, "<complete") {
		return Decision{}, nil
	}
	if m := actionTypeRe.FindStringSubmatch(text); m != nil {
		obj := map[string]any{"type": m[1]}
		if p := actionParamRe.FindStringSubmatch(text); p != nil {
			if found, _ := reply.Find(p[1], lowerKeys); len(found) > 0 {
				obj["param"] = found[0].Value
			}
		}
		kw, pos := flatten(obj)
		a, _, err := fromCall(m[1], pos, kw, o, FormatJSON)
		if err != nil {
			return Decision{}, err
		}
		return Decision{Action: a, Format: FormatJSON}, nil
	}
	if m := completeRe.FindStringSubmatch(text); m != nil {
		d := Done{Status: StatusSuccess, Answer: strings.TrimSpace(m[2])}
		if strings.EqualFold(m[1], "false") {
			d.Status = StatusInfeasible
		}
		return Decision{Action: d, Format: FormatJSON}, nil
	}
	return Decision{}, nil
}
