package aitw

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/perception"
)

// InvalidAction is the action type recorded when the decider answered but
// its answer has no AitW form (open_app, wait, ask_user, a point off the
// screen) or could not be read. AitW does not use id 0, so such a step matches
// nothing: the standard protocol counts it as wrong.
const InvalidAction ActionType = 0

// DeciderConfig configures [DeciderPredict]. Only Decider is required.
type DeciderConfig struct {
	// Decider is the agents' decision role, such as
	// agents.NewModelTeam(model, teamConfig).Decider.
	Decider agents.Decider
	// Vision draws the step's annotations as numbered marks on its
	// screenshot and hands that image to the decider. It must agree with the
	// team's TeamConfig.Vision: pixel points in the answer are read as
	// pixels of the marked image.
	Vision bool
	// MarkSide bounds the longer side of the marked image; 0 means 1024, as
	// the agent uses.
	MarkSide int
	// TextTokens bounds the element list; 0 means 1500, as the agent uses.
	TextTokens int
	// History is how many of the latest ground-truth steps the decider is
	// shown; 0 means all of them (the standard protocol).
	History int
	// Logger receives a warning per unusable answer (nil discards).
	Logger *slog.Logger
}

// DeciderPredict returns a [PredictFunc] that asks cfg.Decider for each step
// under the standard protocol: the goal as the task, the step's UI
// annotations as the element list (and, with Vision, the marked screenshot),
// and the ground-truth actions of the earlier steps as the history. The
// answer is converted with FromAction. A model call that fails is an
// error, so [Run] retries the step on the next run; an answer that cannot be
// read or has no AitW form is recorded as [InvalidAction]. The prediction's
// CostUSD is the sum of the decider's calls. The PredictFunc is safe for
// concurrent use if the Decider is (the model-backed one is).
func DeciderPredict(cfg DeciderConfig) PredictFunc {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	side := cfg.MarkSide
	if side <= 0 {
		side = 1024
	}
	tokens := cfg.TextTokens
	if tokens <= 0 {
		tokens = 1500
	}
	return func(ctx context.Context, in StepInput) (Prediction, error) {
		if cfg.Decider == nil {
			return Prediction{}, errors.New("aitw: DeciderConfig.Decider is nil")
		}
		screen := stepScreen(in)
		obs := agents.Observation{Screen: screen, Text: perception.RenderText(screen, perception.TextOptions{MaxTokens: tokens})}
		if cfg.Vision && in.Screenshot != nil {
			marks, sc, err := perception.DrawMarks(in.Screenshot, screen.Elements, perception.MarkOptions{MaxSide: side})
			if err != nil {
				return Prediction{}, fmt.Errorf("aitw: set-of-mark image: %w", err)
			}
			obs.Marks, obs.Scale = marks, sc
		}
		dec, err := cfg.Decider.Decide(ctx, agents.DecideInput{Task: in.Goal, Obs: obs, History: historySummaries(in.History, cfg.History)})
		p := Prediction{ActionType: InvalidAction, TouchYX: NoPoint, LiftYX: NoPoint}
		for _, c := range dec.Calls {
			p.CostUSD += c.Cost
		}
		if err != nil {
			if n := len(dec.Calls); n == 0 || dec.Calls[n-1].Err != "" || ctx.Err() != nil {
				return p, err // no answer: the model call failed
			}
			log.Warn("aitw: the decider's answer is unusable; recorded as wrong", "episode", in.EpisodeID, "step", in.StepID, "err", err)
			return p, nil
		}
		a, err := toAitW(dec.Action, screen, obs)
		if err != nil {
			log.Warn("aitw: the decider's action has no AitW form; recorded as wrong", "episode", in.EpisodeID, "step", in.StepID, "err", err)
			return p, nil
		}
		p.ActionType, p.TouchYX, p.LiftYX, p.TypedText = a.ActionType, a.TouchYX, a.LiftYX, a.TypedText
		return p, nil
	}
}

// stepScreen is the step as a perceived screen: its annotations as elements,
// icons named after their AitW type so text models can tell them apart.
func stepScreen(in StepInput) *perception.Screen {
	els := make([]perception.Element, len(in.Elements))
	for i, e := range in.Elements {
		if e.Text == "" && e.ContentDesc == "" {
			if name, ok := strings.CutPrefix(e.Class, "ICON_"); ok {
				e.ContentDesc = strings.ToLower(strings.ReplaceAll(name, "_", " ")) + " icon"
			}
		}
		els[i] = e
	}
	return &perception.Screen{Image: in.Screenshot, Width: in.Width, Height: in.Height, Elements: els}
}

// toAitW converts the decider's action. Pixel points refer to the marked
// image when one was shown, so they are mapped to screenshot pixels first.
func toAitW(a actions.Action, s *perception.Screen, obs agents.Observation) (Action, error) {
	if obs.Marks != nil {
		f := actions.FrameFromScale(obs.Scale)
		mapPoint := func(p *actions.Point) (*actions.Point, error) {
			if p == nil || (p.Space != actions.SpacePixels && p.Space != "") {
				return p, nil
			}
			d, err := f.ToDevice(*p)
			if err != nil {
				return nil, err
			}
			return &actions.Point{X: float64(d.X), Y: float64(d.Y), Space: actions.SpacePixels}, nil
		}
		var err error
		switch v := a.(type) {
		case actions.Tap:
			v.Target.Point, err = mapPoint(v.Target.Point)
			a = v
		case actions.LongPress:
			v.Target.Point, err = mapPoint(v.Target.Point)
			a = v
		case actions.Swipe:
			if v.From, err = mapPoint(v.From); err == nil {
				v.To, err = mapPoint(v.To)
			}
			a = v
		}
		if err != nil {
			return Action{}, err
		}
	}
	if a == nil {
		return Action{}, errors.New("no action")
	}
	return FromAction(a, s)
}

// historySummaries puts the ground-truth actions in words, keeping the last
// n (all when n <= 0).
func historySummaries(h []Action, n int) []agents.StepSummary {
	first := 0
	if n > 0 && len(h) > n {
		first = len(h) - n
	}
	out := make([]agents.StepSummary, 0, len(h)-first)
	for i := first; i < len(h); i++ {
		out = append(out, agents.StepSummary{Step: i + 1, Action: DescribeAction(h[i])})
	}
	return out
}

// DescribeAction puts an AitW action in words for a prompt: "tap at (x 0.52,
// y 0.31)", "swipe up" (the finger's direction), `type "milk"`, "press back",
// "done (success)".
func DescribeAction(a Action) string {
	if a.ActionType == DualPoint {
		if IsTap(a.TouchYX, a.LiftYX) {
			return fmt.Sprintf("tap at (x %.2f, y %.2f)", a.TouchYX[1], a.TouchYX[0])
		}
		return "swipe " + SwipeDirection(a, ReadConvention)
	}
	act, err := ToAction(a)
	if err != nil {
		return a.ActionType.String()
	}
	return actions.Describe(act, nil)
}
