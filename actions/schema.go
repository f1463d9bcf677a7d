package actions

import (
	"encoding/json"
	"fmt"
)

// Schema returns a JSON Schema for a model's decision,
// {"thought": "...", "action": {"action": KIND, ...}}, allowing the given
// kinds (all of them when none are given). Pass it to
// llm.WithJSONSchema("decision", actions.Schema(), false). It uses anyOf, which
// OpenAI's non-strict structured output and vLLM/Ollama grammars accept.
func Schema(kinds ...Kind) json.RawMessage {
	if len(kinds) == 0 {
		kinds = AllKinds()
	}
	var variants []any
	for _, k := range kinds {
		if v, ok := kindSchemas[k]; ok {
			props := map[string]any{"action": map[string]any{"const": string(k)}}
			required := []string{"action"}
			for name, p := range v.props {
				props[name] = p
			}
			required = append(required, v.required...)
			variants = append(variants, map[string]any{
				"type": "object", "description": v.desc, "properties": props, "required": required, "additionalProperties": false,
			})
		}
	}
	s := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type":    "object",
		"properties": map[string]any{
			"thought": map[string]any{"type": "string", "description": "what you see and why you choose this action"},
			"action":  map[string]any{"anyOf": variants},
		},
		"required":             []string{"thought", "action"},
		"additionalProperties": false,
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("actions: schema: %v", err)) // static data; cannot fail
	}
	return b
}

// AllKinds lists the action kinds in a stable order.
func AllKinds() []Kind {
	return []Kind{KindTap, KindLongPress, KindSwipe, KindType, KindKey, KindOpenApp, KindWait, KindDone, KindAskUser, KindRefuse, KindRunShortcut, KindADB}
}

type kindSchema struct {
	desc     string
	props    map[string]any
	required []string
}

var (
	elementProp = map[string]any{"type": "integer", "minimum": 1, "description": "the element's id on the screen"}
	coordProp   = map[string]any{"type": "number"}
	pairProp    = map[string]any{"type": "array", "items": coordProp, "minItems": 2, "maxItems": 2}
	spaceProp   = map[string]any{"enum": []string{"px", "unit", "1000"}, "description": "coordinate system: pixels of the image (default), 0-1, or 0-1000"}
)

var kindSchemas = map[Kind]kindSchema{
	KindTap:       {"tap an element (preferred) or a point", map[string]any{"element": elementProp, "x": coordProp, "y": coordProp, "space": spaceProp}, nil},
	KindLongPress: {"press and hold an element or point", map[string]any{"element": elementProp, "x": coordProp, "y": coordProp, "space": spaceProp, "duration_ms": map[string]any{"type": "integer"}}, nil},
	KindSwipe: {"move a finger: direction names the finger's movement (up scrolls a list down to later items)", map[string]any{
		"direction": map[string]any{"enum": []string{"up", "down", "left", "right"}}, "element": elementProp,
		"distance": map[string]any{"type": "number", "minimum": 0, "maximum": 1}, "from": pairProp, "to": pairProp, "space": spaceProp,
		"duration_ms": map[string]any{"type": "integer"},
	}, nil},
	KindType: {"type text, into the element first if given; submit presses enter", map[string]any{
		"text": map[string]any{"type": "string"}, "element": elementProp, "submit": map[string]any{"type": "boolean"}, "clear": map[string]any{"type": "boolean"},
		"secret": map[string]any{"type": "string", "description": "name of a stored secret to type instead of text"},
	}, nil},
	KindKey:         {"press a key", map[string]any{"key": map[string]any{"enum": []string{"back", "home", "enter", "app_switch"}}}, []string{"key"}},
	KindOpenApp:     {"launch an app by its name", map[string]any{"app": map[string]any{"type": "string"}}, []string{"app"}},
	KindWait:        {"wait for the screen to change", map[string]any{"duration_ms": map[string]any{"type": "integer", "minimum": 0, "maximum": 30000}}, nil},
	KindDone:        {"end the task; answer holds requested information", map[string]any{"status": map[string]any{"enum": []string{"success", "infeasible"}}, "answer": map[string]any{"type": "string"}}, []string{"status"}},
	KindAskUser:     {"ask the person for missing information or permission", map[string]any{"question": map[string]any{"type": "string"}, "consent": map[string]any{"type": "boolean"}}, []string{"question"}},
	KindRefuse:      {"decline a harmful or unsafe request", map[string]any{"reason": map[string]any{"type": "string"}}, []string{"reason"}},
	KindRunShortcut: {"run a stored shortcut", map[string]any{"name": map[string]any{"type": "string"}, "args": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}, []string{"name"}},
	KindADB:         {"call an app's API: an adb shell command line, such as adb shell am start -n PACKAGE/ACTIVITY", map[string]any{"command": map[string]any{"type": "string"}}, []string{"command"}},
}
