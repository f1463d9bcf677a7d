package actions

import (
	"encoding/json"
	"errors"
	"image"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/perception"
)

var allActions = []Action{
	Tap{Target: Target{Element: 5}},
	Tap{Target: Target{Point: pt(540, 1200, SpacePixels)}},
	Tap{Target: Target{Point: pt(0.5, 0.25, SpaceUnit)}},
	LongPress{Target: Target{Element: 2}, Duration: time.Second},
	Swipe{Direction: Up},
	Swipe{Direction: Left, Element: 4, Distance: 0.3, Duration: 200 * time.Millisecond},
	Swipe{From: pt(100, 900, SpacePermille), To: pt(100, 100, SpacePermille)},
	Type{Text: "hi", Element: 3, Submit: true},
	Type{Secret: "bank_pin", Element: 3, Clear: true},
	Key{Key: "back"},
	OpenApp{App: "Settings"},
	Wait{Duration: 1500 * time.Millisecond},
	Done{Status: StatusSuccess, Answer: "$12"},
	AskUser{Question: "Which Alex?"},
	AskUser{Consent: true},
	Refuse{Reason: "unsafe"},
	RunShortcut{Name: "send_sms", Args: map[string]string{"to": "Bob"}},
}

func TestJSONRoundTrip(t *testing.T) {
	for _, a := range allActions {
		data, err := MarshalJSON(a)
		if err != nil {
			t.Fatalf("MarshalJSON(%#v): %v", a, err)
		}
		back, err := FromJSON(data)
		if err != nil {
			t.Fatalf("FromJSON(%s): %v", data, err)
		}
		if !reflect.DeepEqual(back, a) {
			t.Errorf("round trip %s = %#v; want %#v", data, back, a)
		}
		// The tolerant parser reads the strict form too.
		d, err := Parse(string(data))
		if err != nil || !reflect.DeepEqual(d.Action, a) {
			t.Errorf("Parse(%s) = %s, %v", data, show(d.Action), err)
		}
	}
	for want, a := range map[string]Action{
		`{"action":"tap","element":5}`:                             Tap{Target: Target{Element: 5}},
		`{"action":"swipe","direction":"up"}`:                      Swipe{Direction: Up},
		`{"action":"type","element":3,"text":"hi","submit":true}`:  Type{Text: "hi", Element: 3, Submit: true},
		`{"action":"done","status":"success","answer":"$12"}`:      Done{Status: StatusSuccess, Answer: "$12"},
		`{"action":"tap","x":0.5,"y":0.25,"space":"unit"}`:         Tap{Target: Target{Point: pt(0.5, 0.25, SpaceUnit)}},
		`{"action":"swipe","from":[1,2],"to":[3,4]}`:               Swipe{From: pt(1, 2, SpacePixels), To: pt(3, 4, SpacePixels)},
		`{"action":"run_shortcut","name":"s","args":{"to":"Bob"}}`: RunShortcut{Name: "s", Args: map[string]string{"to": "Bob"}},
		`{"action":"ask_user","question":"May I?","consent":true}`: AskUser{Question: "May I?", Consent: true},
	} {
		got, _ := MarshalJSON(a)
		var g, w any
		json.Unmarshal(got, &g)
		json.Unmarshal([]byte(want), &w)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("MarshalJSON = %s; want %s", got, want)
		}
	}
	d := Decision{Thought: "because", Action: Tap{Target: Target{Element: 1}}}
	data, _ := json.Marshal(d)
	if string(data) != `{"thought":"because","action":{"action":"tap","element":1}}` {
		t.Errorf("Decision JSON = %s", data)
	}
	var back Decision
	if err := json.Unmarshal(data, &back); err != nil || back.Thought != "because" || !reflect.DeepEqual(back.Action, d.Action) {
		t.Errorf("Decision round trip = %+v, %v", back, err)
	}
	if _, err := FromJSON([]byte(`{"action":"tap","element":5,"bogus":1}`)); !errors.Is(err, ErrBadArgument) {
		t.Errorf("FromJSON with an unknown field = %v", err)
	}
	if _, err := FromJSON([]byte(`{"action":"tap","element":5,"x":1,"y":2}`)); err == nil {
		t.Error("FromJSON accepted both an element and a point")
	}
	if _, err := MarshalJSON(nil); err == nil {
		t.Error("MarshalJSON(nil) succeeded")
	}
}

func TestSchema(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(Schema(), &s); err != nil {
		t.Fatalf("Schema is not JSON: %v", err)
	}
	variants := s["properties"].(map[string]any)["action"].(map[string]any)["anyOf"].([]any)
	if len(variants) != len(AllKinds()) {
		t.Errorf("%d variants; want %d", len(variants), len(AllKinds()))
	}
	// Every action's JSON form uses only properties its variant declares.
	byKind := map[string]map[string]any{}
	for _, v := range variants {
		m := v.(map[string]any)
		k := m["properties"].(map[string]any)["action"].(map[string]any)["const"].(string)
		byKind[k] = m["properties"].(map[string]any)
	}
	for _, a := range allActions {
		data, _ := MarshalJSON(a)
		var m map[string]any
		json.Unmarshal(data, &m)
		for field := range m {
			if _, ok := byKind[string(a.Kind())][field]; !ok {
				t.Errorf("schema for %s lacks field %q used by %s", a.Kind(), field, data)
			}
		}
	}
	if sub := Schema(KindTap, KindDone); !strings.Contains(string(sub), `"tap"`) || strings.Contains(string(sub), `"swipe"`) {
		t.Errorf("Schema(tap, done) = %s", sub)
	}
}

func testScreen() *perception.Screen {
	return &perception.Screen{
		Width: 1080, Height: 2400,
		Elements: []perception.Element{
			{ID: 1, Bounds: image.Rect(0, 0, 1080, 200), Text: "Search", Editable: true},
			{ID: 2, Bounds: image.Rect(100, 300, 300, 400), Text: "OK", Clickable: true},
			{ID: 3, Bounds: image.Rect(0, 2300, 1080, 2600), Text: "Half off screen"},
			{ID: 4, Bounds: image.Rect(0, 2500, 1080, 2700), Text: "Below the screen"},
			{ID: 31, Bounds: image.Rect(0, 400, 1080, 2200), Scrollable: true},
		},
	}
}

func TestValidate(t *testing.T) {
	s := testScreen()
	tests := []struct {
		a    Action
		want string // "" means valid
	}{
		{Tap{Target: Target{Element: 2}}, ""},
		{Tap{Target: Target{Element: 42}}, "element 42 does not exist; the largest id is 31"},
		{Tap{Target: Target{Point: pt(1500, 20, SpacePixels)}}, "point (1500, 20) is outside the 1080×2400 screen"},
		{Tap{Target: Target{Point: pt(1.2, 0.5, SpaceUnit)}}, "outside 0..1"},
		{Tap{Target: Target{Point: pt(500, 1001, SpacePermille)}}, "outside 0..1000"},
		{Tap{Target: Target{Element: 4}}, "element 4 is not on the screen"},
		{Tap{Target: Target{Element: 3}}, ""},
		{Tap{}, "no element or point"},
		{Swipe{Direction: "sideways"}, `unknown direction "sideways"`},
		{Swipe{Direction: Up, Element: 31}, ""},
		{Swipe{Direction: Up, Distance: 2}, "distance 2 is outside 0..1"},
		{Swipe{From: pt(1, 1, SpacePixels)}, "both from and to"},
		{Type{Element: 1}, "no text"},
		{Type{Text: "x", Element: 99}, "element 99 does not exist"},
		{Key{Key: "volume_up"}, `unknown key "volume_up"`},
		{Key{Key: "BACK"}, `unknown key "BACK"`},
		{Type{Text: "hi", Element: 3}, "element 3 is not a text field; type into a field (1)"},
		{Type{Text: "hi", Element: 2}, ""}, // a clickable element may open its field
		{OpenApp{}, "no app named"},
		{Wait{Duration: time.Hour}, "wait at most 30s"},
		{Done{Status: "maybe"}, `unknown status "maybe"`},
		{AskUser{}, "no question"},
		{AskUser{Consent: true}, ""},
		{LongPress{Target: Target{Element: 2}, Duration: time.Minute}, "up to 10s"},
	}
	for _, tt := range tests {
		err := Validate(tt.a, s)
		if tt.want == "" {
			if err != nil {
				t.Errorf("Validate(%s) = %v; want nil", show(tt.a), err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate(%s) = %v; want ErrInvalid saying %q", show(tt.a), err, tt.want)
		}
	}
	if err := Validate(Tap{Target: Target{Element: 3}}, &perception.Screen{Width: 10, Height: 10}); err == nil || !strings.Contains(err.Error(), "no numbered elements") {
		t.Errorf("empty screen: %v", err)
	}
	if err := Validate(Tap{Target: Target{Point: pt(5000, 5000, SpacePixels)}}, nil); err != nil {
		t.Errorf("without a screen pixel points cannot be checked: %v", err)
	}
}

func TestFrameToDevice(t *testing.T) {
	dev := image.Pt(1080, 2400)
	tests := []struct {
		f    Frame
		p    Point
		want image.Point
		err  string
	}{
		{Frame{Device: dev}, Point{X: 540, Y: 1200, Space: SpacePixels}, image.Pt(540, 1200), ""},
		{Frame{Device: dev}, Point{X: 0.5, Y: 0.5, Space: SpaceUnit}, image.Pt(540, 1200), ""},
		{Frame{Device: dev}, Point{X: 1, Y: 1, Space: SpaceUnit}, image.Pt(1079, 2399), ""},
		{Frame{Device: dev}, Point{X: 250, Y: 750, Space: SpacePermille}, image.Pt(270, 1800), ""},
		// The model saw a 540×1200 set-of-mark image: pixels scale by 2.
		{Frame{Image: image.Pt(540, 1200), Device: dev}, Point{X: 270, Y: 600, Space: SpacePixels}, image.Pt(541, 1201), ""},
		{Frame{Image: image.Pt(540, 1200), Device: dev}, Point{X: 0, Y: 0}, image.Pt(1, 1), ""},
		{Frame{Image: image.Pt(540, 1200), Device: dev}, Point{X: 539, Y: 1199}, image.Pt(1079, 2399), ""},
		{Frame{Image: image.Pt(540, 1200), Device: dev}, Point{X: 600, Y: 10}, image.Point{}, "outside the 540×1200 screen"},
		{Frame{Device: dev}, Point{X: math.NaN(), Y: 1}, image.Point{}, "not a number"},
		{Frame{}, Point{X: 1, Y: 1}, image.Point{}, "device size is unknown"},
	}
	for _, tt := range tests {
		got, err := tt.f.ToDevice(tt.p)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%+v.ToDevice(%+v) = %v, %v; want error %q", tt.f, tt.p, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%+v.ToDevice(%+v) = %v, %v; want %v", tt.f, tt.p, got, err, tt.want)
		}
	}
}

func TestElementPoint(t *testing.T) {
	screen := image.Pt(1080, 2400)
	tests := []struct {
		b    image.Rectangle
		want image.Point
		err  bool
	}{
		{image.Rect(100, 300, 300, 400), image.Pt(200, 350), false},
		{image.Rect(0, 2300, 1080, 2600), image.Pt(540, 2350), false}, // only the visible part counts
		{image.Rect(-200, 100, 200, 300), image.Pt(100, 200), false},
		{image.Rect(0, 2500, 1080, 2700), image.Point{}, true},
		{image.Rect(10, 10, 10, 50), image.Point{}, true},
	}
	for _, tt := range tests {
		got, err := ElementPoint(perception.Element{ID: 7, Bounds: tt.b}, screen)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ElementPoint(%v) = %v, %v; want %v (error %v)", tt.b, got, err, tt.want, tt.err)
		}
	}
}

func TestFrameAgreesWithPerceptionScale(t *testing.T) {
	for _, sc := range []perception.Scale{{FromW: 1080, FromH: 2400, ToW: 540, ToH: 1200}, {FromW: 1080, FromH: 2400, ToW: 605, ToH: 1344}, {FromW: 720, FromH: 1280, ToW: 720, ToH: 1280}} {
		f := FrameFromScale(sc)
		for y := 0; y < sc.ToH; y += 37 {
			for x := 0; x < sc.ToW; x += 29 {
				got, err := f.ToDevice(Point{X: float64(x), Y: float64(y), Space: SpacePixels})
				if want := sc.ToDevice(image.Pt(x, y)); err != nil || got != want {
					t.Fatalf("%+v: pixel (%d, %d) -> %v, %v; perception.Scale says %v", sc, x, y, got, err, want)
				}
			}
		}
	}
}
