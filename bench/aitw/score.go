package aitw

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/format"
)

// LineError is a malformed line of a JSON Lines file; Line is 1-based.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("aitw: %s line %d: %v", e.File, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// Prediction is a model's action for one step, one JSON object per line:
// {"episode_id", "step_id", "action_type", "touch_yx", "lift_yx",
// "typed_text"}. Points are normalised (y, x). A DUAL_POINT without lift_yx
// is a tap at touch_yx; other actions need no points.
type Prediction struct {
	EpisodeID  string     `json:"episode_id"`
	StepID     int        `json:"step_id"`
	ActionType ActionType `json:"action_type"`
	TouchYX    [2]float64 `json:"touch_yx"`
	LiftYX     [2]float64 `json:"lift_yx"`
	TypedText  string     `json:"typed_text,omitempty"`
	// CostUSD is what the prediction cost, when the predictor knows.
	CostUSD float64 `json:"cost_usd,omitempty"`

	file string // where it was read, for errors
	line int
}

// Action returns p as an Action.
func (p Prediction) Action() Action {
	return Action{ActionType: p.ActionType, TouchYX: p.TouchYX, LiftYX: p.LiftYX, TypedText: p.TypedText}
}

func (p Prediction) where() string {
	if p.file == "" {
		return ""
	}
	return fmt.Sprintf(" (%s line %d)", p.file, p.line)
}

// StepKey names one step.
type StepKey struct {
	EpisodeID string `json:"episode_id"`
	StepID    int    `json:"step_id"`
}

func (k StepKey) String() string { return fmt.Sprintf("%s/%d", k.EpisodeID, k.StepID) }

// predictionLine is the wire form, which tells a missing point from (0, 0).
type predictionLine struct {
	EpisodeID  json.RawMessage `json:"episode_id"`
	StepID     *int            `json:"step_id"`
	ActionType *int            `json:"action_type"`
	TouchYX    []float64       `json:"touch_yx"`
	LiftYX     []float64       `json:"lift_yx"`
	TypedText  string          `json:"typed_text"`
	CostUSD    float64         `json:"cost_usd"`
}

func parsePrediction(b []byte) (Prediction, error) {
	var pl predictionLine
	if err := json.Unmarshal(b, &pl); err != nil {
		return Prediction{}, err
	}
	if len(pl.EpisodeID) == 0 || pl.StepID == nil || pl.ActionType == nil {
		return Prediction{}, fmt.Errorf(`episode_id, step_id and action_type are required: {"episode_id":"…","step_id":0,"action_type":4,"touch_yx":[y,x],"lift_yx":[y,x]}`)
	}
	id, err := flexID(pl.EpisodeID)
	if err != nil {
		return Prediction{}, fmt.Errorf("episode_id: %w", err)
	}
	p := Prediction{EpisodeID: id, StepID: *pl.StepID, ActionType: ActionType(*pl.ActionType),
		TouchYX: NoPoint, LiftYX: NoPoint, TypedText: pl.TypedText, CostUSD: pl.CostUSD}
	for _, pt := range []struct {
		name string
		v    []float64
		dst  *[2]float64
	}{{"touch_yx", pl.TouchYX, &p.TouchYX}, {"lift_yx", pl.LiftYX, &p.LiftYX}} {
		switch len(pt.v) {
		case 0:
		case 2:
			*pt.dst = [2]float64{pt.v[0], pt.v[1]}
		default:
			return p, fmt.Errorf("%s has %d values, want normalised [y, x]", pt.name, len(pt.v))
		}
	}
	if p.ActionType == DualPoint {
		if len(pl.TouchYX) == 0 {
			return p, fmt.Errorf("action_type 4 (DUAL_POINT) needs touch_yx as normalised [y, x]")
		}
		if len(pl.LiftYX) == 0 {
			p.LiftYX = p.TouchYX
		}
	}
	return p, nil
}

// ReadPredictions reads JSON Lines predictions from r; name (usually the
// file's path) appears in errors. A malformed line is a *LineError.
func ReadPredictions(r io.Reader, name string) ([]Prediction, error) {
	var out []Prediction
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		p, err := parsePrediction(b)
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				err = fmt.Errorf("not a JSON object (%v; it starts %q): a predictions file holds one JSON object a step: {\"episode_id\", \"step_id\", \"action_type\", \"touch_yx\", \"lift_yx\", \"typed_text\"}",
					err, actions.Excerpt(string(b), 30))
			}
			return nil, &LineError{File: name, Line: line, Err: err}
		}
		p.file, p.line = name, line
		out = append(out, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("aitw: read predictions %s: %w", name, err)
	}
	return out, nil
}

// ReadPredictionsFile reads the JSON Lines predictions file at path.
func ReadPredictionsFile(path string) ([]Prediction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("aitw: predictions: %w", err)
	}
	defer f.Close()
	return ReadPredictions(f, path)
}

// SubsetScore is the result on one subset. Accuracy and EpisodeSuccess are
// percentages.
type SubsetScore struct {
	Subset            Subset  `json:"subset"`
	Accuracy          float64 `json:"accuracy"`
	EpisodeSuccess    float64 `json:"episode_success"`
	Steps             int     `json:"steps"`
	Matched           int     `json:"matched"`
	Episodes          int     `json:"episodes"`
	EpisodesSucceeded int     `json:"episodes_succeeded"`
	Missing           int     `json:"missing_predictions"`
}

// Report is the AitW result: step-level partial action-match accuracy per
// subset, Overall as the mean over the subsets present, and episode success
// (every step matched). Percentages are 0..100, as in the published tables.
type Report struct {
	// Format is format.Version (schema "aitw-report").
	Format int `json:"format"`
	// System names what was scored, such as the model profile of a run;
	// empty in the reports means "this run".
	System             string        `json:"system,omitempty"`
	Overall            float64       `json:"overall"`
	EpisodeSuccess     float64       `json:"episode_success"`
	Subsets            []SubsetScore `json:"subsets"`
	Steps              int           `json:"steps"`
	Matched            int           `json:"matched"`
	Episodes           int           `json:"episodes"`
	EpisodesSucceeded  int           `json:"episodes_succeeded"`
	MissingPredictions int           `json:"missing_predictions"`
	// MissingExamples lists a few steps without a prediction.
	MissingExamples []StepKey `json:"missing_examples,omitempty"`
	CostUSD         float64   `json:"cost_usd,omitempty"`
}

// maxMissingExamples bounds Report.MissingExamples.
const maxMissingExamples = 5

// tally accumulates step outcomes into a Report.
type tally struct {
	subsets map[Subset]*SubsetScore
	missing []StepKey
	nMiss   int
	cost    float64
}

func newTally() *tally { return &tally{subsets: map[Subset]*SubsetScore{}} }

// episode records one episode whose steps matched (true), did not (false) or
// had no prediction (missing).
func (t *tally) episode(ep *Episode, matched []bool, present []bool) {
	sub := ep.Subset
	if sub == "" {
		sub = SubsetUnknown
	}
	s := t.subsets[sub]
	if s == nil {
		s = &SubsetScore{Subset: sub}
		t.subsets[sub] = s
	}
	s.Episodes++
	ok := true
	for i, m := range matched {
		s.Steps++
		if !present[i] {
			s.Missing++
			t.nMiss++
			if len(t.missing) < maxMissingExamples {
				t.missing = append(t.missing, StepKey{ep.ID, ep.Steps[i].StepID})
			}
		}
		if m {
			s.Matched++
		} else {
			ok = false
		}
	}
	if ok {
		s.EpisodesSucceeded++
	}
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

func (t *tally) report() *Report {
	r := &Report{Format: format.Version, MissingPredictions: t.nMiss, MissingExamples: t.missing, CostUSD: t.cost}
	order := append(slices.Clone(AllSubsets()), SubsetUnknown)
	for _, sub := range order {
		s := t.subsets[sub]
		if s == nil {
			continue
		}
		s.Accuracy = pct(s.Matched, s.Steps)
		s.EpisodeSuccess = pct(s.EpisodesSucceeded, s.Episodes)
		r.Subsets = append(r.Subsets, *s)
		r.Overall += s.Accuracy
		r.Steps += s.Steps
		r.Matched += s.Matched
		r.Episodes += s.Episodes
		r.EpisodesSucceeded += s.EpisodesSucceeded
	}
	if len(r.Subsets) > 0 {
		r.Overall /= float64(len(r.Subsets))
	}
	r.EpisodeSuccess = pct(r.EpisodesSucceeded, r.Episodes)
	return r
}

// Score matches predictions against the episodes' ground truth with the
// official metric. A step without a prediction counts as wrong and is
// reported; a prediction for a step that is not in episodes, or a second
// prediction for a step, is an error that names it.
func Score(ctx context.Context, episodes []*Episode, predictions []Prediction) (*Report, error) {
	s, err := newScorer(predictions)
	if err != nil {
		return nil, err
	}
	for i, ep := range episodes {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := s.add(ep); err != nil {
			return nil, err
		}
	}
	return s.finish()
}

// scorer scores a stream of episodes against indexed predictions.
type scorer struct {
	preds   map[StepKey]*predEntry
	order   []*predEntry
	used    int
	seen    map[string]bool
	t       *tally
	matched []bool
	present []bool
}

type predEntry struct {
	p    *Prediction
	used bool
}

func newScorer(predictions []Prediction) (*scorer, error) {
	s := &scorer{preds: make(map[StepKey]*predEntry, len(predictions)), seen: map[string]bool{}, t: newTally()}
	for i := range predictions {
		p := &predictions[i]
		k := StepKey{p.EpisodeID, p.StepID}
		if prev, dup := s.preds[k]; dup {
			return nil, fmt.Errorf("aitw: two predictions for episode %s step %d%s%s: keep one", k.EpisodeID, k.StepID, prev.p.where(), p.where())
		}
		e := &predEntry{p: p}
		s.preds[k] = e
		s.order = append(s.order, e)
	}
	return s, nil
}

func (s *scorer) add(ep *Episode) error {
	if s.seen[ep.ID] {
		return fmt.Errorf("aitw: episode %s is given twice: score each episode once", ep.ID)
	}
	s.seen[ep.ID] = true
	s.matched, s.present = s.matched[:0], s.present[:0]
	for i := range ep.Steps {
		st := &ep.Steps[i]
		e, ok := s.preds[StepKey{ep.ID, st.StepID}]
		m := false
		if ok && !e.used {
			e.used = true
			s.used++
			s.t.cost += e.p.CostUSD
			m = ActionsMatch(e.p.Action(), st.Action, st.Annotations)
		}
		s.matched = append(s.matched, m)
		s.present = append(s.present, ok)
	}
	s.t.episode(ep, s.matched, s.present)
	return nil
}

func (s *scorer) finish() (*Report, error) {
	if s.used != len(s.order) {
		for _, e := range s.order {
			if !e.used {
				return nil, fmt.Errorf("aitw: prediction for episode %s step %d%s names no step of the episodes (%d such predictions): check the episodes path, the split and the subset filter",
					e.p.EpisodeID, e.p.StepID, e.p.where(), len(s.order)-s.used)
			}
		}
	}
	return s.t.report(), nil
}
