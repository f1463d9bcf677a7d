package aitw

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// ErrNoEquivalent is returned for actions AitW cannot express (open_app,
// wait, ask_user, run_shortcut, the app switch key).
var ErrNoEquivalent = errors.New("no AitW equivalent")

// FromAction converts one of our actions to its AitW step. The screen gives element bounds and the
// size that pixel points are normalised by (pixel points are taken as device
// pixels; map them with Frame first if the model saw a smaller image).
//
// Swipe directions follow our convention, which names the finger's movement:
// Up puts the lift point above the touch point (smaller y). This is the
// CoAT/AiTZ convention; SeeClick and MM-Navigator name the content's
// movement, the opposite. The official matcher ignores the sign.
//
// The conversion is lossy where AitW is poorer: a long press becomes a tap,
// Type drops its element and Submit (AitW types into the focused field), and
// Refuse becomes STATUS_TASK_IMPOSSIBLE.
func FromAction(a actions.Action, s *perception.Screen) (Action, error) {
	out := Action{TouchYX: NoPoint, LiftYX: NoPoint}
	size := image.Point{}
	if s != nil {
		size = image.Pt(s.Width, s.Height)
	}
	norm := func(p image.Point) [2]float64 {
		return [2]float64{float64(p.Y) / float64(size.Y), float64(p.X) / float64(size.X)}
	}
	pointYX := func(p actions.Point) ([2]float64, error) {
		switch p.Space {
		case actions.SpaceUnit:
			return [2]float64{p.Y, p.X}, nil
		case actions.SpacePermille:
			return [2]float64{p.Y / 1000, p.X / 1000}, nil
		}
		if size.X <= 0 || size.Y <= 0 {
			return NoPoint, fmt.Errorf("aitw: pixel point needs the screen size; pass the Screen")
		}
		return [2]float64{p.Y / float64(size.Y), p.X / float64(size.X)}, nil
	}
	targetYX := func(t actions.Target) ([2]float64, error) {
		if t.Point != nil {
			return pointYX(*t.Point)
		}
		if s == nil || size.X <= 0 || size.Y <= 0 {
			return NoPoint, fmt.Errorf("aitw: element %d needs the screen", t.Element)
		}
		el, ok := s.Element(t.Element)
		if !ok {
			return NoPoint, fmt.Errorf("aitw: element %d is not on the screen", t.Element)
		}
		p, err := actions.ElementPoint(el, size)
		if err != nil {
			return NoPoint, fmt.Errorf("aitw: %w", err)
		}
		return norm(p), nil
	}
	switch v := a.(type) {
	case actions.Tap, actions.LongPress:
		var t actions.Target
		if tp, ok := v.(actions.Tap); ok {
			t = tp.Target
		} else {
			t = v.(actions.LongPress).Target
		}
		yx, err := targetYX(t)
		if err != nil {
			return out, err
		}
		out.ActionType, out.TouchYX, out.LiftYX = DualPoint, yx, yx
	case actions.Swipe:
		out.ActionType = DualPoint
		if v.From != nil && v.To != nil {
			var err error
			if out.TouchYX, err = pointYX(*v.From); err != nil {
				return out, err
			}
			if out.LiftYX, err = pointYX(*v.To); err != nil {
				return out, err
			}
			return out, nil
		}
		region := image.Rect(0, 0, 1000, 1000) // work in permille when there is no screen
		scale := func(p image.Point) [2]float64 { return [2]float64{float64(p.Y) / 1000, float64(p.X) / 1000} }
		if size.X > 0 && size.Y > 0 {
			region = image.Rect(0, 0, size.X, size.Y)
			scale = norm
			if v.Element > 0 && s != nil {
				if el, ok := s.Element(v.Element); ok {
					region = el.Bounds.Canon().Intersect(region)
				}
			}
		}
		from, to, err := actions.SwipePoints(region, v.Direction, v.Distance, 0.5)
		if err != nil {
			return out, fmt.Errorf("aitw: %w", err)
		}
		out.TouchYX, out.LiftYX = scale(from), scale(to)
	case actions.Type:
		out.ActionType, out.TypedText = TypeText, v.Text
	case actions.Key:
		switch v.Key {
		case device.KeyBack:
			out.ActionType = PressBack
		case device.KeyHome:
			out.ActionType = PressHome
		case device.KeyEnter:
			out.ActionType = PressEnter
		default:
			return out, fmt.Errorf("aitw: key %q: %w", v.Key, ErrNoEquivalent)
		}
	case actions.Done:
		out.ActionType = StatusComplete
		if v.Status == actions.StatusInfeasible {
			out.ActionType = StatusImpossible
		}
	case actions.Refuse:
		out.ActionType = StatusImpossible
	default:
		return out, fmt.Errorf("aitw: %s: %w", a.Kind(), ErrNoEquivalent)
	}
	return out, nil
}

// ToAction converts an AitW step to one of our actions. Points come out in
// actions.SpaceUnit, so no screen size is needed. A DUAL_POINT within
// TapDistance is a tap at the touch point; otherwise a swipe from touch to
// lift (From/To set, Direction empty; SwipeDirection names its direction).
func ToAction(t Action) (actions.Action, error) {
	switch t.ActionType {
	case TypeText:
		return actions.Type{Text: t.TypedText}, nil
	case DualPoint:
		for _, v := range [4]float64{t.TouchYX[0], t.TouchYX[1], t.LiftYX[0], t.LiftYX[1]} {
			if v < 0 || v > 1 || math.IsNaN(v) {
				return nil, fmt.Errorf("aitw: DUAL_POINT touch %v lift %v: coordinates must be normalised to 0..1", t.TouchYX, t.LiftYX)
			}
		}
		touch := &actions.Point{X: t.TouchYX[1], Y: t.TouchYX[0], Space: actions.SpaceUnit}
		if IsTap(t.TouchYX, t.LiftYX) {
			return actions.Tap{Target: actions.Target{Point: touch}}, nil
		}
		return actions.Swipe{From: touch, To: &actions.Point{X: t.LiftYX[1], Y: t.LiftYX[0], Space: actions.SpaceUnit}}, nil
	case PressBack:
		return actions.Key{Key: device.KeyBack}, nil
	case PressHome:
		return actions.Key{Key: device.KeyHome}, nil
	case PressEnter:
		return actions.Key{Key: device.KeyEnter}, nil
	case StatusComplete:
		return actions.Done{Status: actions.StatusSuccess}, nil
	case StatusImpossible:
		return actions.Done{Status: actions.StatusInfeasible}, nil
	}
	return nil, fmt.Errorf("aitw: action type %d is not one of 3, 4, 5, 6, 7, 10, 11", t.ActionType)
}
