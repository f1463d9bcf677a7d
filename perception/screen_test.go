package perception

import (
	"encoding/json"
	"image"
	"testing"
)

func TestElementAt(t *testing.T) {
	s := &Screen{Elements: []Element{
		{ID: 1, Bounds: image.Rect(0, 0, 1080, 2400)},                         // the page
		{ID: 2, Bounds: image.Rect(0, 100, 1080, 300), Clickable: true},       // a row
		{ID: 3, Bounds: image.Rect(40, 120, 240, 280), Text: "Wi-Fi"},         // its label
		{ID: 4, Bounds: image.Rect(900, 120, 1040, 280), Checkable: true},     // its switch
		{ID: 5, Bounds: image.Rect(900, 120, 1040, 280), Text: "switch text"}, // same box, not actionable
		{ID: 6, Bounds: image.Rect(0, 500, 500, 600), Text: "a"},
		{ID: 7, Bounds: image.Rect(0, 500, 500, 600), Text: "b"},
	}}
	clickable := func(e Element) bool { return e.Clickable || e.Checkable }
	tests := []struct {
		p    image.Point
		keep func(Element) bool
		want int
	}{
		{image.Pt(100, 200), nil, 3},       // the smallest
		{image.Pt(100, 200), clickable, 2}, // the smallest actionable
		{image.Pt(950, 200), nil, 4},       // equal area: the actionable one
		{image.Pt(10, 550), nil, 6},        // equal area, neither actionable: reading order
		{image.Pt(10, 1000), nil, 1},
		{image.Pt(10, 1000), clickable, 0},
		{image.Pt(2000, 10), nil, 0}, // off the screen
	}
	for _, tt := range tests {
		e, ok := s.ElementAt(tt.p, tt.keep)
		if got := map[bool]int{true: e.ID}[ok]; got != tt.want {
			t.Errorf("ElementAt(%v) = %d, %v; want %d", tt.p, e.ID, ok, tt.want)
		}
	}
}

func TestJSONFormat(t *testing.T) {
	s := Screen{Width: 1080, Height: 2400, Hash: Hash(9710007365320851650), Elements: []Element{{ID: 1, Bounds: image.Rect(852, 18, 1040, 96), Text: "x", Source: SourceHierarchy, Confidence: 1}}}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// A reader that takes every number as float64 (jq, JavaScript) still
	// compares hashes and rectangles exactly.
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	if h, ok := generic["hash"].(string); !ok || h != "86c0e040c06040c2" {
		t.Errorf("hash = %#v; want the 16 hex digits 86c0e040c06040c2", generic["hash"])
	}
	els := generic["elements"].([]any)
	bounds := els[0].(map[string]any)["bounds"].([]any)
	if len(bounds) != 4 || bounds[0] != 852.0 || bounds[3] != 96.0 {
		t.Errorf("bounds = %v; want [852 18 1040 96]", bounds)
	}
	var back Screen
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Hash != s.Hash || back.Elements[0].Bounds != s.Elements[0].Bounds || back.Elements[0].Text != "x" {
		t.Errorf("round trip = %+v; want %+v", back, s)
	}
	if err := json.Unmarshal([]byte(`{"hash": 12}`), &back); err == nil {
		t.Error("a numeric hash was accepted")
	}
}
