package actions

import (
	"image"
	"reflect"
	"testing"
	"unicode/utf8"
)

// fuzzDialects are the dialects FuzzParse runs: auto, then every built-in.
func fuzzDialects() []Dialect { return append([]Dialect{{}}, BuiltinDialects()...) }

func FuzzParse(f *testing.F) {
	ds := fuzzDialects()
	index := map[string]uint8{}
	for i, d := range ds {
		index[d.Name] = uint8(i)
	}
	for _, tc := range parseCases {
		f.Add(tc.in, uint8(0))
	}
	for _, fam := range loadCorpus(f) { // the real replies, each in its dialect
		for _, it := range fam.Items {
			f.Add(it.Reply, index[it.Dialect])
		}
	}
	for _, s := range []string{
		"", "{", "}", "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{", `{"action":`, `{"action":"tap","element":1e400}`,
		`{"action":"tap","x":NaN,"y":Infinity}`, `tap(`, `tap(((((`, `swipe(1,2,3)`, "\x00\xff{'a':'", `{"a":"\u12`,
		`{"action":"tap","point":[]}`, "### Action ###\nSwipe (1, 2), (", `click(start_box='<|box_start|>(1,2)<|box_end|>'`,
		`{"name":"mobile_use","arguments":"{\"action\":\"click\",\"coordinate\":[1,2]}"}`, `{"action":{"action":{"action":{"action":{"action":{}}}}}}`,
		`Type ()`, `Open app ()`, "<think>", "</think>{}", `{"tap": [1, 2]}`, `wait(1e308)`, `do(action="Tap")`, `do()`,
		`<answer>`, `<action-type>Tap</action-type><action-param-json>{`, `<complete success="false">`, `{"action_type": 99}`,
		`{"action_type": "click", "index": -3}`, `{"sleep": -5}`, `{"bbox": [1, 2, 3]}`, `(1,2,3)`, `SCROLL_DOWN(box=[[0,0,999,999]], step_count=5)`,
		`{"type": "Scroll", "param": {"direction": "down", "distance": 1e9}}`, "1) Thought:\n2) Action：", `finish(message="a"b")`,
	} {
		for i := range ds {
			f.Add(s, uint8(i))
		}
	}
	size := image.Pt(1080, 2400)
	f.Fuzz(func(t *testing.T, in string, di uint8) {
		d := ds[int(di)%len(ds)]
		got, err := ParseWith(in, ParseOptions{Dialect: d, ImageSize: size})
		if err == nil && got.Action == nil {
			t.Fatalf("%s: ParseWith(%q) returned no action and no error", d.Name, in)
		}
		if err != nil {
			if got.Action != nil {
				t.Fatalf("%s: ParseWith(%q) returned an action and an error", d.Name, in)
			}
			if pe, ok := err.(*ParseError); !ok || pe.Reason == "" {
				t.Fatalf("%s: ParseWith(%q) error %T %v is not a ParseError with a reason", d.Name, in, err, err)
			}
			_ = utf8.ValidString(err.Error())
			return
		}
		// Whatever parses must marshal, and our JSON of it must read back
		// to the same action in the json dialect.
		data, err := MarshalJSON(got.Action)
		if err != nil {
			t.Fatalf("%s: MarshalJSON(%#v) from %q: %v", d.Name, got.Action, in, err)
		}
		back, err := ParseWith(string(data), ParseOptions{Dialect: ds[index[DialectJSON]]})
		if err != nil {
			t.Fatalf("%s: re-parse of %s (from %q): %v", d.Name, data, in, err)
		}
		if !reflect.DeepEqual(back.Action, got.Action) {
			t.Fatalf("%s: %q parsed as %#v; its JSON %s reads back as %#v", d.Name, in, got.Action, data, back.Action)
		}
		if _, err := ToPixels(got.Action, size); err != nil {
			t.Fatalf("%s: ToPixels(%s): %v", d.Name, data, err)
		}
		_ = Validate(got.Action, testScreen())
	})
}
