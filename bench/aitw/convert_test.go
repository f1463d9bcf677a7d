package aitw

import (
	"errors"
	"image"
	"math"
	"reflect"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

func convScreen() *perception.Screen {
	return &perception.Screen{
		Width: 1080, Height: 2400,
		Elements: []perception.Element{
			{ID: 1, Bounds: image.Rect(0, 0, 1080, 200), Text: "Search", Editable: true},
			{ID: 2, Bounds: image.Rect(100, 300, 300, 400), Text: "OK", Clickable: true},
		},
	}
}

func upt(x, y float64, s actions.Space) *actions.Point { return &actions.Point{X: x, Y: y, Space: s} }

func close2(a, b [2]float64) bool {
	return math.Abs(a[0]-b[0]) < 1e-9 && math.Abs(a[1]-b[1]) < 1e-9
}

func show(a actions.Action) string {
	if a == nil {
		return "<nil>"
	}
	b, err := actions.MarshalJSON(a)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestConvert(t *testing.T) {
	s := convScreen()
	tests := []struct {
		a    actions.Action
		want Action
	}{
		{actions.Tap{Target: actions.Target{Element: 2}}, Action{ActionType: 4, TouchYX: [2]float64{350.0 / 2400, 200.0 / 1080}, LiftYX: [2]float64{350.0 / 2400, 200.0 / 1080}}},
		{actions.Tap{Target: actions.Target{Point: upt(0.5, 0.25, actions.SpaceUnit)}}, Action{ActionType: 4, TouchYX: [2]float64{0.25, 0.5}, LiftYX: [2]float64{0.25, 0.5}}},
		{actions.Type{Text: "hello", Element: 1, Submit: true}, Action{ActionType: 3, TouchYX: NoPoint, LiftYX: NoPoint, TypedText: "hello"}},
		{actions.Key{Key: device.KeyBack}, Action{ActionType: 5, TouchYX: NoPoint, LiftYX: NoPoint}},
		{actions.Key{Key: device.KeyHome}, Action{ActionType: 6, TouchYX: NoPoint, LiftYX: NoPoint}},
		{actions.Key{Key: device.KeyEnter}, Action{ActionType: 7, TouchYX: NoPoint, LiftYX: NoPoint}},
		{actions.Done{Status: actions.StatusSuccess}, Action{ActionType: 10, TouchYX: NoPoint, LiftYX: NoPoint}},
		{actions.Done{Status: actions.StatusInfeasible}, Action{ActionType: 11, TouchYX: NoPoint, LiftYX: NoPoint}},
		{actions.Refuse{}, Action{ActionType: 11, TouchYX: NoPoint, LiftYX: NoPoint}},
	}
	for _, tt := range tests {
		got, err := FromAction(tt.a, s)
		if err != nil || !close2(got.TouchYX, tt.want.TouchYX) || !close2(got.LiftYX, tt.want.LiftYX) || got.ActionType != tt.want.ActionType || got.TypedText != tt.want.TypedText {
			t.Errorf("FromAction(%s) = %+v, %v; want %+v", show(tt.a), got, err, tt.want)
		}
	}
	// Swipe up: the finger moves up, so lift y < touch y; main axis vertical.
	up, err := FromAction(actions.Swipe{Direction: actions.Up}, s)
	if err != nil || up.ActionType != 4 || up.LiftYX[0] >= up.TouchYX[0] || IsTap(up.TouchYX, up.LiftYX) || SwipeDirection(up, FingerMovement) != "up" {
		t.Errorf("swipe up = %+v, %v", up, err)
	}
	for _, d := range []actions.Direction{actions.Up, actions.Down, actions.Left, actions.Right} {
		step, _ := FromAction(actions.Swipe{Direction: d}, nil)
		if SwipeDirection(step, FingerMovement) != string(d) {
			t.Errorf("swipe %s converts to direction %s", d, SwipeDirection(step, FingerMovement))
		}
		back, err := ToAction(step)
		sw, ok := back.(actions.Swipe)
		if err != nil || !ok || sw.From == nil {
			t.Errorf("ToAction(swipe %s) = %#v, %v", d, back, err)
		}
	}
	for _, a := range []actions.Action{actions.OpenApp{App: "x"}, actions.Wait{}, actions.AskUser{Question: "q"}, actions.Key{Key: device.KeyAppSwitch}} {
		if _, err := FromAction(a, s); !errors.Is(err, ErrNoEquivalent) {
			t.Errorf("FromAction(%s) = %v; want ErrNoEquivalent", show(a), err)
		}
	}
	// From AitW.
	tap, err := ToAction(Action{ActionType: 4, TouchYX: [2]float64{0.5, 0.2}, LiftYX: [2]float64{0.52, 0.21}})
	if err != nil || !reflect.DeepEqual(tap, actions.Tap{Target: actions.Target{Point: upt(0.2, 0.5, actions.SpaceUnit)}}) {
		t.Errorf("ToAction(tap) = %s, %v", show(tap), err)
	}
	for typ, want := range map[ActionType]actions.Action{3: actions.Type{Text: "t"}, 5: actions.Key{Key: device.KeyBack}, 6: actions.Key{Key: device.KeyHome}, 7: actions.Key{Key: device.KeyEnter}, 10: actions.Done{Status: actions.StatusSuccess}, 11: actions.Done{Status: actions.StatusInfeasible}} {
		got, err := ToAction(Action{ActionType: typ, TypedText: "t", TouchYX: NoPoint, LiftYX: NoPoint})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ToAction(%d) = %s, %v; want %s", typ, show(got), err, show(want))
		}
	}
	if _, err := ToAction(Action{ActionType: 8}); err == nil {
		t.Error("ToAction(8) succeeded")
	}
	if _, err := ToAction(Action{ActionType: 4, TouchYX: [2]float64{-1, -1}, LiftYX: [2]float64{-1, -1}}); err == nil {
		t.Error("ToAction accepted an unused DUAL_POINT")
	}
}
