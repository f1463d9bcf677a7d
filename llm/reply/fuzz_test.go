package reply

import (
	"encoding/json"
	"testing"
)

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"", "{", "}", "{{{{{{{{{{{{{{{{", `{"a":`, `{"a": 1e400}`, `{'a': 'b}`, `{"a": "\u12`, `{"a": "\ud83d"}`,
		"```json\n{\"subgoals\": [\"a\"], \"current\": 0}\n```", `{"subgoals": "x", "current": "2", "finished": "yes"}`,
		`｛“结论”：“已完成”，“步骤”：［1，2］｝`, `{"text": "你好，世界"}`, "{a=1 b=(2,3)}", `{"x": [[[[[[[[]]]]]]]]}`,
		"/* {\"a\":1} */ {\"b\":2}", `{"current": NaN}`, `{"current": "Infinity"}`, "{\"s\": \"\xff\xfe\"}",
		`Thought: x {"plan": {"subgoals": ["x"]}}`, `{"message": "Tap the "Send" button"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		objs := Objects(in)
		for _, o := range objs {
			if o == nil {
				t.Fatalf("Objects(%q) returned a nil map", in)
			}
			if _, err := json.Marshal(o); err != nil {
				t.Fatalf("Objects(%q) returned a value that does not marshal: %v", in, err)
			}
		}
		var p plan
		err := Decode(in, &p)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Decode(%q) error is %T, not *Error", in, err)
			}
			_ = err.Error()
			return
		}
		if len(objs) == 0 {
			t.Fatalf("Decode(%q) succeeded with no object found", in)
		}
		var m map[string]any
		if err := Decode(in, &m); err != nil {
			t.Fatalf("Decode into a map failed where a struct succeeded: %v", err)
		}
	})
}
