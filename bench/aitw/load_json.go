package aitw

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mobagent/mobagent/actions"
)

// officialStep is one step in the JSON forms with the official feature names.
type officialStep struct {
	EpisodeID     json.RawMessage `json:"episode_id"`
	StepID        *int            `json:"step_id"`
	EpisodeLength int             `json:"episode_length"`
	Goal          string          `json:"goal_info"`
	Subset        string          `json:"subset"`
	Height        int             `json:"image/height"`
	Width         int             `json:"image/width"`
	Positions     []float64       `json:"image/ui_annotations_positions"`
	Texts         []string        `json:"image/ui_annotations_text"`
	Types         []string        `json:"image/ui_annotations_ui_types"`
	ActionType    *int            `json:"results/action_type"`
	Touch         []float64       `json:"results/yx_touch"`
	Lift          []float64       `json:"results/yx_lift"`
	Typed         string          `json:"results/type_action"`
	ImagePath     string          `json:"image/path"`
	Activity      *string         `json:"current_activity"`
	DeviceType    *string         `json:"device_type"`
	APILevel      *int            `json:"android_api_level"`
}

// isSplitFile reports whether a JSON object is a split file rather than a step.
func isSplitFile(obj []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return false
	}
	_, hasID := m["episode_id"]
	_, train := m["train"]
	_, test := m["test"]
	return !hasID && (train || test)
}

func readJSONLines(ctx context.Context, path string, explicit bool, r io.Reader, subset Subset, opts LoadOptions, g *grouper) (bool, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 256<<20)
	for line := 1; sc.Scan(); line++ {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if line == 1 && isSplitFile(b) {
			if explicit {
				return false, fmt.Errorf("aitw: %s is a split file, not episodes: pass it as the split file and give the episodes path", path)
			}
			return false, nil
		}
		var os officialStep
		if err := json.Unmarshal(b, &os); err != nil {
			return false, &LineError{File: path, Line: line, Err: fmt.Errorf("not a JSON object (%v; it starts %q): an episodes .jsonl file holds one JSON object a step with the official AitW feature names (goal_info, step_id, image/encoded, ...)",
				err, actions.Excerpt(string(b), 30))}
		}
		step, err := os.step(filepath.Dir(path), subset, opts.Images)
		if err != nil {
			return false, &LineError{File: path, Line: line, Err: err}
		}
		if cont, err := g.add(step, fmt.Sprintf("%s line %d", path, line)); err != nil || !cont {
			return !cont, err
		}
	}
	if err := sc.Err(); err != nil {
		return false, fmt.Errorf("aitw: read %s: %w", path, err)
	}
	return false, nil
}

func (o *officialStep) step(dir string, subset Subset, images bool) (Step, error) {
	if len(o.EpisodeID) == 0 {
		return Step{}, fmt.Errorf("no episode_id: each line must be one step with the official feature names")
	}
	id, err := flexID(o.EpisodeID)
	if err != nil {
		return Step{}, fmt.Errorf("episode_id: %w", err)
	}
	if o.StepID == nil || o.ActionType == nil {
		return Step{}, fmt.Errorf("episode %s: step_id and results/action_type are required", id)
	}
	s := Step{
		EpisodeID: id, StepID: *o.StepID, EpisodeLength: o.EpisodeLength, Goal: o.Goal, Subset: subset,
		ImageW: o.Width, ImageH: o.Height,
		Action: Action{ActionType: ActionType(*o.ActionType), TouchYX: NoPoint, LiftYX: NoPoint, TypedText: o.Typed},
	}
	if o.Subset != "" {
		if s.Subset, err = ParseSubset(o.Subset); err != nil {
			return s, err
		}
	}
	for _, p := range []struct {
		name string
		v    []float64
		dst  *[2]float64
	}{{"results/yx_touch", o.Touch, &s.Action.TouchYX}, {"results/yx_lift", o.Lift, &s.Action.LiftYX}} {
		switch len(p.v) {
		case 0:
		case 2:
			*p.dst = [2]float64{p.v[0], p.v[1]}
		default:
			return s, fmt.Errorf("episode %s step %d: %s has %d values, want (y, x)", id, s.StepID, p.name, len(p.v))
		}
	}
	if len(o.Positions)%4 != 0 {
		return s, fmt.Errorf("episode %s step %d: image/ui_annotations_positions has %d values, want 4 (y, x, h, w) per box", id, s.StepID, len(o.Positions))
	}
	for i := 0; i < len(o.Positions)/4; i++ {
		a := Annotation{Box: [4]float64(o.Positions[4*i : 4*i+4])}
		if i < len(o.Texts) {
			a.Text = o.Texts[i]
		}
		if i < len(o.Types) {
			a.UIType = o.Types[i]
		}
		s.Annotations = append(s.Annotations, a)
	}
	if o.Activity != nil {
		s.Activity = *o.Activity
	}
	if o.DeviceType != nil {
		s.DeviceType = *o.DeviceType
	}
	if o.APILevel != nil {
		s.APILevel = *o.APILevel
	}
	if o.ImagePath != "" {
		p := o.ImagePath
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		s.ImagePath = p
		if s.ImageW == 0 || s.ImageH == 0 {
			if s.ImageW, s.ImageH, err = pngSize(p); err != nil {
				return s, err
			}
		}
		if images {
			s.Image = pngLoader(p)
		}
	}
	return s, nil
}

func pngSize(path string) (w, h int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, fmt.Errorf("screenshot: %w", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(bufio.NewReader(f))
	if err != nil {
		return 0, 0, fmt.Errorf("screenshot %s: %w", path, err)
	}
	return cfg.Width, cfg.Height, nil
}

func pngLoader(path string) func() (image.Image, error) {
	return func() (image.Image, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("aitw: screenshot: %w", err)
		}
		defer f.Close()
		img, _, err := image.Decode(bufio.NewReader(f))
		if err != nil {
			return nil, fmt.Errorf("aitw: screenshot %s: %w", path, err)
		}
		return img, nil
	}
}

// flexJSON holds a value that AiTZ/CoAT store either as JSON or as a string
// containing JSON ("[[54, 17, 8, 12], ...]").
type flexJSON []byte

func (f *flexJSON) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexJSON(s)
		return nil
	}
	*f = append((*f)[:0], b...)
	return nil
}

func (f flexJSON) decode(name string, v any) error {
	if len(bytes.TrimSpace(f)) == 0 {
		return nil
	}
	if err := json.Unmarshal(f, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// coatStep is one step of an AiTZ/CoAT episode JSON. Boxes are (y, x, h, w)
// in pixels of the step's PNG; touch and lift are normalised (y, x).
type coatStep struct {
	EpisodeID     json.RawMessage `json:"episode_id"`
	EpisodeLength int             `json:"episode_length"`
	StepID        *int            `json:"step_id"`
	Instruction   string          `json:"instruction"`
	UIPositions   flexJSON        `json:"ui_positions"`
	UIText        flexJSON        `json:"ui_text"`
	UITypes       flexJSON        `json:"ui_types"`
	ActionType    *int            `json:"result_action_type"`
	ActionText    string          `json:"result_action_text"`
	TouchYX       flexJSON        `json:"result_touch_yx"`
	LiftYX        flexJSON        `json:"result_lift_yx"`
	ImagePath     string          `json:"image_path"`
}

func readJSONArray(ctx context.Context, path string, r io.Reader, subset Subset, opts LoadOptions, g *grouper) (bool, error) {
	var items []json.RawMessage
	if err := json.NewDecoder(r).Decode(&items); err != nil {
		return false, fmt.Errorf("aitw: %s: %w: want a JSON array of steps", path, err)
	}
	if len(items) == 0 {
		return false, nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(items[0], &keys); err != nil {
		return false, fmt.Errorf("aitw: %s: element 0: %w: want step objects", path, err)
	}
	_, coat := keys["ui_positions"]
	_, official := keys["results/action_type"]
	if !coat && !official {
		return false, fmt.Errorf("aitw: %s: element 0 is neither an AiTZ/CoAT step (ui_positions, result_action_type) nor an official-feature step (results/action_type)", path)
	}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		var step Step
		var err error
		if coat {
			var cs coatStep
			if err = json.Unmarshal(it, &cs); err == nil {
				step, err = cs.step(path, subset, opts.Images)
			}
		} else {
			var os officialStep
			if err = json.Unmarshal(it, &os); err == nil {
				step, err = os.step(filepath.Dir(path), subset, opts.Images)
			}
		}
		if err != nil {
			return false, fmt.Errorf("aitw: %s: element %d: %w", path, i, err)
		}
		if cont, err := g.add(step, fmt.Sprintf("%s element %d", path, i)); err != nil || !cont {
			return !cont, err
		}
	}
	return false, nil
}

func (c *coatStep) step(file string, subset Subset, images bool) (Step, error) {
	if len(c.EpisodeID) == 0 || c.StepID == nil || c.ActionType == nil {
		return Step{}, fmt.Errorf("episode_id, step_id and result_action_type are required")
	}
	id, err := flexID(c.EpisodeID)
	if err != nil {
		return Step{}, fmt.Errorf("episode_id: %w", err)
	}
	s := Step{
		EpisodeID: id, StepID: *c.StepID, EpisodeLength: c.EpisodeLength, Goal: c.Instruction, Subset: subset,
		Action: Action{ActionType: ActionType(*c.ActionType), TouchYX: NoPoint, LiftYX: NoPoint, TypedText: c.ActionText},
	}
	where := fmt.Sprintf("episode %s step %d", id, s.StepID)
	if sub, ok := coatSubset(c.ImagePath, file); ok {
		s.Subset = sub
	}
	for _, p := range []struct {
		name string
		v    flexJSON
		dst  *[2]float64
	}{{"result_touch_yx", c.TouchYX, &s.Action.TouchYX}, {"result_lift_yx", c.LiftYX, &s.Action.LiftYX}} {
		var yx []float64
		if err := p.v.decode(p.name, &yx); err != nil {
			return s, fmt.Errorf("%s: %w", where, err)
		}
		switch len(yx) {
		case 0:
		case 2:
			*p.dst = [2]float64{yx[0], yx[1]}
		default:
			return s, fmt.Errorf("%s: %s has %d values, want (y, x)", where, p.name, len(yx))
		}
	}
	var boxes [][]float64
	var texts, types []string
	for _, d := range []struct {
		name string
		v    flexJSON
		dst  any
	}{{"ui_positions", c.UIPositions, &boxes}, {"ui_text", c.UIText, &texts}, {"ui_types", c.UITypes, &types}} {
		if err := d.v.decode(d.name, d.dst); err != nil {
			return s, fmt.Errorf("%s: %w", where, err)
		}
	}
	png, err := coatImage(file, c.ImagePath)
	if err != nil {
		return s, fmt.Errorf("%s: %w", where, err)
	}
	s.ImagePath = png
	if s.ImageW, s.ImageH, err = pngSize(png); err != nil {
		return s, fmt.Errorf("%s: %w", where, err)
	}
	W, H := float64(s.ImageW), float64(s.ImageH)
	for i, b := range boxes {
		if len(b) != 4 {
			return s, fmt.Errorf("%s: ui_positions[%d] has %d values, want pixel (y, x, h, w)", where, i, len(b))
		}
		a := Annotation{Box: [4]float64{b[0] / H, b[1] / W, b[2] / H, b[3] / W}}
		if i < len(texts) {
			a.Text = texts[i]
		}
		if i < len(types) {
			a.UIType = types[i]
		}
		s.Annotations = append(s.Annotations, a)
	}
	if images {
		s.Image = pngLoader(png)
	}
	return s, nil
}

// coatSubset reads the subset from the image path's first folder
// (google_apps/...) or the episode file's prefix (GOOGLE_APPS-523...).
func coatSubset(imagePath, file string) (Subset, bool) {
	if first, _, ok := strings.Cut(filepath.ToSlash(imagePath), "/"); ok {
		if s, err := ParseSubset(first); err == nil {
			return s, true
		}
	}
	base := filepath.Base(file)
	if i := strings.LastIndex(base, "-"); i > 0 {
		if s, err := ParseSubset(base[:i]); err == nil {
			return s, true
		}
	}
	return "", false
}

// coatImage finds a step's PNG: beside the episode JSON, or at its
// image_path under one of the JSON's parent folders (the AiTZ layout).
func coatImage(file, imagePath string) (string, error) {
	if imagePath == "" {
		return "", fmt.Errorf("no image_path: AiTZ/CoAT steps need their screenshot to normalise the pixel boxes")
	}
	dir := filepath.Dir(file)
	if p := filepath.Join(dir, filepath.Base(imagePath)); fileExists(p) {
		return p, nil
	}
	for d := dir; ; {
		if p := filepath.Join(d, filepath.FromSlash(imagePath)); fileExists(p) {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	return "", fmt.Errorf("screenshot %s not found beside %s or under its parent folders: put the PNGs beside the episode JSON", imagePath, file)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
