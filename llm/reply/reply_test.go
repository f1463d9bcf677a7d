package reply

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestObjects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []map[string]any
	}{
		{"plain", `{"a": 1, "b": "x"}`, []map[string]any{{"a": 1.0, "b": "x"}}},
		{"fenced with prose", "Sure! Here is the plan:\n```json\n{\n  \"subgoals\": [\"Open Settings\", \"Tap Display\"],\n  \"current\": 0\n}\n```\nLet me know.",
			[]map[string]any{{"subgoals": []any{"Open Settings", "Tap Display"}, "current": 0.0}}},
		{"trailing commas", "{\"a\": [1, 2, ], \"b\": {\"c\": true,},}", []map[string]any{{"a": []any{1.0, 2.0}, "b": map[string]any{"c": true}}}},
		{"python literals and single quotes", `{'finished': False, 'answer': None, 'ok': True, 'note': "it's fine"}`,
			[]map[string]any{{"finished": false, "answer": nil, "ok": true, "note": "it's fine"}}},
		{"unquoted keys and comments", "{\n  // the plan\n  subgoals: ['a'], /* then */ current: 1\n}", []map[string]any{{"subgoals": []any{"a"}, "current": 1.0}}},
		{"several objects", `{"action": "CLICK", "position": [0.49, 0.42]}, {"action": "ENTER", "value": None}`,
			[]map[string]any{{"action": "CLICK", "position": []any{0.49, 0.42}}, {"action": "ENTER", "value": nil}}},
		{"python tuple", `{"action_type": 4, "click_point": (0.49, 0.40)}`, []map[string]any{{"action_type": 4.0, "click_point": []any{0.49, 0.40}}}},
		{"full-width punctuation", `｛“结论”：“已完成”，“步骤”：［1，2］｝`, []map[string]any{{"结论": "已完成", "步骤": []any{1.0, 2.0}}}},
		{"chinese commas inside an ASCII string stay", `{"text": "你好，世界：“引号”"}`, []map[string]any{{"text": "你好，世界：“引号”"}}},
		{"unescaped quotes inside a string", `{"message": "Tap the "Send" button", "n": 1}`, []map[string]any{{"message": `Tap the "Send" button`, "n": 1.0}}},
		{"raw newline in a string", "{\"note\": \"line one\nline two\"}", []map[string]any{{"note": "line one\nline two"}}},
		{"escapes", `{"s": "a\"b\\c\u00e9\ud83d\ude00\n"}`, []map[string]any{{"s": "a\"b\\cé😀\n"}}},
		{"unclosed outer object keeps the inner one", `{"thought": "x", "action": {"action": "tap", "element": 5}`,
			[]map[string]any{{"action": "tap", "element": 5.0}}},
		{"nested objects are not repeated", `{"a": {"b": {"c": 1}}}`, []map[string]any{{"a": map[string]any{"b": map[string]any{"c": 1.0}}}}},
		{"equals and missing commas", `{a=1 b="two"}`, []map[string]any{{"a": 1.0, "b": "two"}}},
		{"no object", "I could not find the button.", nil},
		{"braces in prose", "Use {curly} braces and {\"k\": \"v\"}", []map[string]any{{"k": "v"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Objects(tt.in)
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Objects(%q)\n got  %#v\n want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestFindOffsetsAndLowerKeys(t *testing.T) {
	in := `Thought: go. {"Action": "Tap", "Element": 3} trailing`
	found, err := Find(in, Options{LowerKeys: true})
	if err != nil || len(found) != 1 {
		t.Fatalf("Find = %v, %v", found, err)
	}
	f := found[0]
	if in[f.Start:f.End] != `{"Action": "Tap", "Element": 3}` {
		t.Errorf("offsets cut %q", in[f.Start:f.End])
	}
	if f.Value["action"] != "Tap" || f.Value["element"] != 3.0 {
		t.Errorf("keys not lower-cased: %v", f.Value)
	}
}

type plan struct {
	Thought  string   `json:"thought"`
	Subgoals []string `json:"subgoals"`
	Current  int      `json:"current"`
	Finished bool     `json:"finished"`
	Answer   string   `json:"answer,omitempty"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want plan
	}{
		{"strict", `{"thought":"t","subgoals":["a","b"],"current":1,"finished":false}`, plan{Thought: "t", Subgoals: []string{"a", "b"}, Current: 1}},
		{"keys in other cases and separators", `{"Thought": "t", "Sub-Goals": ["a"], "CURRENT": 0, "finished": True}`, plan{Thought: "t", Subgoals: []string{"a"}, Finished: true}},
		{"slips mended", `{"subgoals": "Open Settings", "current": "2", "finished": "yes", "answer": 42}`,
			plan{Subgoals: []string{"Open Settings"}, Current: 2, Finished: true, Answer: "42"}},
		{"best object wins over an example", "The format is {\"answer\": \"...\"}.\nMy plan:\n{\"subgoals\": [\"Open Clock\", \"Set alarm\"], \"current\": 0, \"finished\": false}",
			plan{Subgoals: []string{"Open Clock", "Set alarm"}}},
		{"wrapped one level", `{"plan": {"subgoals": ["x"], "current": 0}}`, plan{Subgoals: []string{"x"}}},
		{"exact key wins over a near one", `{"current": 3, "Current": 1}`, plan{Current: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got plan
			if err := Decode(tt.in, &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v; want %+v", got, tt.want)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		target  error
		mention []string
	}{
		{"prose", "I think the task is done.", ErrNoObject, []string{"no JSON object", "I think the task is done."}},
		{"unclosed", `{"subgoals": ["Open Settings", "Tap Display"`, ErrSyntax, []string{"not closed", `"subgoals"`}},
		{"unclosed string", `{"thought": "the button is`, ErrSyntax, []string{"string", "not closed"}},
		{"wrong type", `{"subgoals": ["a"], "current": "second"}`, ErrMismatch, []string{`"current" should be a whole number`, "text"}},
		{"no matching field", `{"action": "tap", "element": 3}`, ErrMismatch, []string{`"subgoals"`, `"action"`}},
		{"missing colon", `{"subgoals" ["a"]}`, ErrSyntax, []string{`expected : after the key "subgoals"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p plan
			err := Decode(tt.in, &p)
			if !errors.Is(err, tt.target) {
				t.Fatalf("Decode(%q) = %v; want %v", tt.in, err, tt.target)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %T", err)
			}
			for _, m := range tt.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
	if err := Decode("{}", plan{}); err == nil {
		t.Error("Decode into a non-pointer succeeded")
	}
}

func TestDecodeNonStruct(t *testing.T) {
	var m map[string]any
	if err := Decode("x {'a': 1} {'b': 2}", &m); err != nil || m["a"] != 1.0 {
		t.Fatalf("map: %v %v", m, err)
	}
	var nums map[string]int
	if err := Decode(`{"a": "1", "b": 2}`, &nums); err != nil || nums["a"] != 1 || nums["b"] != 2 {
		t.Fatalf("map[string]int: %v %v", nums, err)
	}
}

func TestParseValueAndSkipSpace(t *testing.T) {
	v, end, err := ParseValue("  up, 'medium')", 0, Options{})
	if err != nil || v != "up" || end != 4 {
		t.Fatalf("ParseValue = %v %d %v", v, end, err)
	}
	if i := SkipSpace(" /* c */ // d\n x", 0); i != 15 {
		t.Errorf("SkipSpace = %d", i)
	}
	if _, _, err := ParseValue("[1, 2", 0, Options{}); err == nil || !strings.Contains(err.Error(), "not closed") {
		t.Errorf("unclosed list: %v", err)
	}
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if _, _, err := ParseValue(deep, 0, Options{}); err == nil || !strings.Contains(err.Error(), "deeply") {
		t.Errorf("deep nesting: %v", err)
	}
}
