package actions

import (
	"fmt"
	"image"
	"math"
	"path"
	"sort"
	"strings"
	"sync"
)

// A Dialect is how one family of models writes its actions: the syntax, the
// coordinate system of its points, how it numbers elements and which
// headings carry its reasoning. Dialects are data: the built-in ones are in
// BuiltinDialects, and a profile may name its own.
//
// The zero Dialect is "auto": the parser accepts every syntax and guesses
// the coordinate system of a bare point (see InferSpace). A named dialect
// never guesses: its points are read in its Coords.
type Dialect struct {
	Name   string      `json:"name"`
	Syntax string      `json:"syntax"` // what the model writes, in words
	Coords Coordinates `json:"coordinates"`
	// ElementBase is the number the model gives the first element of the
	// list it is shown: 1 for our element ids, 0 for M3A's indexes, whose
	// index i is our element i+1 when the prompt lists our elements in order
	// (as prompts/formats/m3a.tmpl does).
	ElementBase int `json:"element_base"`
	// SpaceField lets a "space" field in the reply ("px", "unit", "1000")
	// override Coords, as our own JSON allows.
	SpaceField bool `json:"space_field,omitempty"`
	// Grounding reads a reply that is only a point or a box (SeeClick,
	// ShowUI, OS-Atlas grounding) as a tap there.
	Grounding bool `json:"grounding,omitempty"`
	// FirstAction: of several actions in a reply the first is the one to do
	// (ShowUI writes its plan as a list); otherwise the last is, since
	// models restate examples before they answer.
	FirstAction bool `json:"first_action,omitempty"`
	// Headings maps heading words ("operation", "action", "reason") to the
	// section they mark: "thought", "action" or "other", over the defaults.
	Headings map[string]string `json:"headings,omitempty"`
	// Doc says where the dialect comes from and what is particular to it.
	Doc string `json:"doc"`
}

// Auto reports whether d is the zero "auto" dialect.
func (d Dialect) Auto() bool { return d.Name == "" && d.Coords.Kind == "" }

// CoordKind names a coordinate system.
type CoordKind string

// Coordinate systems of the dialects.
const (
	CoordsInfer       CoordKind = ""             // guess from the numbers (auto only)
	CoordsPixels      CoordKind = "pixels"       // pixels of the image the model was sent
	CoordsNormalized  CoordKind = "normalized"   // 0..Max of the image's width and height
	CoordsSmartResize CoordKind = "smart_resize" // pixels of the image after Qwen's smart_resize
)

// Coordinates is the coordinate system of a dialect's points.
type Coordinates struct {
	Kind CoordKind `json:"kind"`
	// Max is the value at the right and bottom edge for CoordsNormalized:
	// 1, 1000, or 999 for Qwen3-VL (whose prompt says the screen is 999x999).
	Max float64 `json:"max,omitempty"`
	// Resize is the smart_resize rule for CoordsSmartResize.
	Resize SmartResize `json:"resize,omitzero"`
}

func (c Coordinates) String() string {
	switch c.Kind {
	case CoordsPixels:
		return "pixels of the image sent"
	case CoordsNormalized:
		return fmt.Sprintf("0-%g of the image's width and height", c.Max)
	case CoordsSmartResize:
		return fmt.Sprintf("pixels of the image smart-resized (factor %d, %d to %d pixels)", c.Resize.Factor, c.Resize.MinPixels, c.Resize.MaxPixels)
	}
	return "guessed from the numbers"
}

// SmartResize is the rule by which Qwen2-VL and Qwen2.5-VL (and the models
// trained from them: UI-TARS-1.5, GUI-Owl) resize an image before they see
// it, so that their pixel coordinates refer to the resized image. It is
// qwen_vl_utils.smart_resize: both sides rounded to a multiple of Factor,
// then scaled (keeping the aspect ratio) into [MinPixels, MaxPixels].
type SmartResize struct {
	Factor    int `json:"factor"`
	MinPixels int `json:"min_pixels"`
	MaxPixels int `json:"max_pixels"`
}

// Size returns the size of a w×h image after the resize.
func (r SmartResize) Size(w, h int) (image.Point, error) {
	factor := r.Factor
	if factor <= 0 || w <= 0 || h <= 0 {
		return image.Point{}, fmt.Errorf("smart resize of %dx%d with factor %d: sizes must be positive", w, h, factor)
	}
	if float64(max(w, h))/float64(min(w, h)) > 200 {
		return image.Point{}, fmt.Errorf("smart resize of %dx%d: the aspect ratio must be below 200", w, h)
	}
	f := float64(factor)
	// Python's round() rounds halves to even.
	roundBy := func(n float64) int { return int(math.RoundToEven(n/f)) * factor }
	floorBy := func(n float64) int { return int(math.Floor(n/f)) * factor }
	ceilBy := func(n float64) int { return int(math.Ceil(n/f)) * factor }
	hBar := max(factor, roundBy(float64(h)))
	wBar := max(factor, roundBy(float64(w)))
	switch {
	case r.MaxPixels > 0 && hBar*wBar > r.MaxPixels:
		beta := math.Sqrt(float64(h*w) / float64(r.MaxPixels))
		hBar = floorBy(float64(h) / beta)
		wBar = floorBy(float64(w) / beta)
	case hBar*wBar < r.MinPixels:
		beta := math.Sqrt(float64(r.MinPixels) / float64(h*w))
		hBar = ceilBy(float64(h) * beta)
		wBar = ceilBy(float64(w) * beta)
	}
	return image.Pt(wBar, hBar), nil
}

// Smart-resize rules of the models, as their code defines them.
var (
	// qwen_vl_utils and the Qwen2.5-VL processor: 4 to 16384 patches of 28.
	QwenResize = SmartResize{Factor: 28, MinPixels: 4 * 28 * 28, MaxPixels: 16384 * 28 * 28}
	// UI-TARS's own parser (codes/ui_tars/action_parser.py): 100 to 16384.
	UITARSResize = SmartResize{Factor: 28, MinPixels: 100 * 28 * 28, MaxPixels: 16384 * 28 * 28}
	// Mobile-Agent-v3's GUI-Owl agent: 1 to 12800 tokens of 28x28.
	GUIOwlResize = SmartResize{Factor: 28, MinPixels: 28 * 28, MaxPixels: 12800 * 28 * 28}
)

// Dialect names.
const (
	DialectJSON        = "json"
	DialectM3A         = "m3a"
	DialectMobileAgent = "mobile-agent"
	DialectAppAgent    = "appagent"
	DialectUITARS      = "ui-tars"
	DialectUITARS15    = "ui-tars-1.5"
	DialectDoubao      = "doubao"
	DialectQwen25VL    = "qwen2.5-vl"
	DialectQwen3VL     = "qwen3-vl"
	DialectGUIOwl      = "gui-owl"
	DialectGUIOwl15    = "gui-owl-1.5"
	DialectCogAgent    = "cogagent"
	DialectAutoGLM     = "autoglm"
	DialectSeeClick    = "seeclick"
	DialectShowUI      = "showui"
	DialectOSAtlas     = "os-atlas"
	DialectAguvis      = "aguvis"
	DialectMidscene    = "midscene"
)

var (
	pixels     = Coordinates{Kind: CoordsPixels}
	unitCoords = Coordinates{Kind: CoordsNormalized, Max: 1}
	permille   = Coordinates{Kind: CoordsNormalized, Max: 1000}
)

// BuiltinDialects returns the dialects mobagent knows, sorted by name. The
// slice is new on every call.
func BuiltinDialects() []Dialect {
	ds := []Dialect{
		{Name: DialectJSON, Syntax: `{"thought": "...", "action": {"action": "tap", "element": 5}}`, Coords: pixels, ElementBase: 1, SpaceField: true,
			Doc: `mobagent's own JSON (the default). Points are pixels of the image sent unless the object says "space": "unit" or "1000".`},
		{Name: DialectM3A, Syntax: `Reason: ... Action: {"action_type": "click", "index": 0}`, Coords: pixels, ElementBase: 0,
			Doc: "AndroidWorld's M3A (GPT-4o, Gemini). Elements are indexed from 0 in the order listed: index i is element i+1."},
		{Name: DialectMobileAgent, Syntax: "### Thought ### ... ### Action ### Tap (x, y)", Coords: pixels, ElementBase: 1,
			Headings: map[string]string{"operation": "other"},
			Doc:      `Mobile-Agent v1/v2 (GPT-4o): Open app (name), Tap (x, y), Swipe (x1, y1), (x2, y2), Type (text), Back, Home, Stop; "### Operation ###" only describes the action.`},
		{Name: DialectAppAgent, Syntax: "Observation: ... Thought: ... Action: tap(5) Summary: ...", Coords: pixels, ElementBase: 1,
			Doc: `AppAgent (GPT-4V): tap(n), text("..."), long_press(n), swipe(n, "up", "medium"), FINISH on elements labelled from 1.`},
		{Name: DialectUITARS, Syntax: "Thought: ... Action: click(start_box='<|box_start|>(x,y)<|box_end|>')", Coords: permille, ElementBase: 1,
			Headings: map[string]string{"reflection": "thought", "action_summary": "thought"},
			Doc:      "UI-TARS 1.0 (Qwen2-VL based): points are 0-1000 of the image."},
		{Name: DialectUITARS15, Syntax: "Thought: ... Action: click(start_box='(x,y)')", Coords: Coordinates{Kind: CoordsSmartResize, Resize: UITARSResize}, ElementBase: 1,
			Headings: map[string]string{"reflection": "thought", "action_summary": "thought"},
			Doc:      "UI-TARS-1.5 (Qwen2.5-VL based): points are pixels of the smart-resized image, as in its README_coordinates.md."},
		{Name: DialectDoubao, Syntax: "Thought: ... Action: click(point='<point>x y</point>')", Coords: permille, ElementBase: 1,
			Headings: map[string]string{"reflection": "thought", "action_summary": "thought"},
			Doc:      "Doubao-1.5-UI-TARS and Doubao Seed vision models (Volcengine Ark): UI-TARS actions with points 0-1000 of the image."},
		{Name: DialectQwen25VL, Syntax: `<tool_call>{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [x, y]}}</tool_call>`,
			Coords: Coordinates{Kind: CoordsSmartResize, Resize: QwenResize}, ElementBase: 1,
			Doc: "Qwen2.5-VL's mobile_use tool: points are pixels of the smart-resized image, whose size its prompt states."},
		{Name: DialectQwen3VL, Syntax: `<tool_call>{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [x, y]}}</tool_call>`,
			Coords: Coordinates{Kind: CoordsNormalized, Max: 999}, ElementBase: 1,
			Doc: "Qwen3-VL's mobile_use tool: its cookbook states a 999x999 screen and maps x/999 of the width."},
		{Name: DialectGUIOwl, Syntax: `<tool_call>{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [x, y]}}</tool_call>`,
			Coords: Coordinates{Kind: CoordsSmartResize, Resize: GUIOwlResize}, ElementBase: 1,
			Doc: "GUI-Owl 7B/32B (Mobile-Agent-v3, Qwen2.5-VL based): absolute pixels of the smart-resized image."},
		{Name: DialectGUIOwl15, Syntax: `<tool_call>{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [x, y]}}</tool_call>`,
			Coords: permille, ElementBase: 1,
			Doc: "GUI-Owl-1.5 (Mobile-Agent-v3.5): the mobile_use tool with points 0-1000 of the image."},
		{Name: DialectCogAgent, Syntax: "Action: <description> Grounded Operation: CLICK(box=[[x1,y1,x2,y2]], element_info='...')", Coords: permille, ElementBase: 1,
			Headings: map[string]string{"action": "thought", "status": "thought", "plan": "thought", "grounded operation": "action"},
			Doc:      `CogAgent-9B: boxes of 000-999 read as thousandths, tapped at their centre; "Action:" is its description, "Grounded Operation:" the action.`},
		{Name: DialectAutoGLM, Syntax: `<think>...</think><answer>do(action="Tap", element=[x,y])</answer>`, Coords: permille, ElementBase: 1,
			Doc: `AutoGLM-Phone-9B (Open-AutoGLM): do(action=...) and finish(message=...), points 0-999 read as x/1000 as its handler does.`},
		{Name: DialectSeeClick, Syntax: `(0.49,0.40) or {"action_type": 4, "click_point": (0.49, 0.40)}`, Coords: unitCoords, ElementBase: 1, Grounding: true,
			Doc: "SeeClick: points 0-1 of the image; AitW action types by number (4 click, 3 type, 5 back, 6 home, 7 enter, 10 complete)."},
		{Name: DialectShowUI, Syntax: `{'action': 'TAP', 'value': None, 'position': [0.49, 0.42]}`, Coords: unitCoords, ElementBase: 1, Grounding: true, FirstAction: true,
			Doc: "ShowUI: Python dicts with positions 0-1 of the image; several in a row are a plan, of which the first is the action."},
		{Name: DialectOSAtlas, Syntax: "CLICK <point>[[x,y]]</point> or <|box_start|>(x1,y1),(x2,y2)<|box_end|>", Coords: permille, ElementBase: 1, Grounding: true,
			Doc: "OS-Atlas: points and boxes 0-1000 of the image."},
		{Name: DialectAguvis, Syntax: "pyautogui.click(x=0.5, y=0.3) / mobile.swipe(from_coord=[...], to_coord=[...])", Coords: unitCoords, ElementBase: 1,
			Doc: "Aguvis: pyautogui and mobile.* calls with points 0-1 of the image."},
		{Name: DialectMidscene, Syntax: `{"action": {"type": "Tap", "param": {"locate": {"bbox": [x1, y1, x2, y2]}}}}`, Coords: permille, ElementBase: 1, Grounding: true,
			Headings: map[string]string{"log": "other"},
			Doc:      "Midscene.js planning replies (qwen3-vl and doubao modes): bbox 0-1000 of the image, tapped at its centre; also its <action-type> XML form."},
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	return ds
}

// ErrUnknownDialect is returned for a dialect name not in the table.
var ErrUnknownDialect = fmt.Errorf("unknown dialect")

// Dialects is a table of dialects and of the model names that speak them. Its
// zero value holds the built-in dialects and models; Add and Map extend or
// replace entries of this table only. Reading is safe for concurrent use;
// Add and Map are not: build the table, then share it.
type Dialects struct {
	byName map[string]Dialect
	models []modelRule // later rules win
}

type modelRule struct {
	pattern string // lower-case path.Match pattern
	dialect string
}

// BuiltinModels maps model names people run to a dialect. Patterns are
// path.Match globs on the lower-case model name, after any "provider:" and
// "org/" prefix; later entries win.
func BuiltinModels() [][2]string {
	return [][2]string{
		{"gpt-4*", DialectJSON}, {"gpt-5*", DialectJSON}, {"o[134]*", DialectJSON}, {"claude-*", DialectJSON},
		{"gemini-*", DialectJSON}, {"llama*", DialectJSON}, {"mistral*", DialectJSON}, {"deepseek*", DialectJSON},
		{"qwen2-vl*", DialectUITARS}, // Qwen2-VL gives 0-1000 like UI-TARS 1.0
		{"qwen2.5-vl*", DialectQwen25VL}, {"qwen2.5vl*", DialectQwen25VL}, {"qwen2_5_vl*", DialectQwen25VL},
		{"qwen3-vl*", DialectQwen3VL}, {"qwen3vl*", DialectQwen3VL},
		{"gui-owl*", DialectGUIOwl}, {"guiowl*", DialectGUIOwl}, {"gui-owl-1.5*", DialectGUIOwl15}, {"gui-owl-1_5*", DialectGUIOwl15},
		{"ui-tars*", DialectUITARS}, {"ui-tars-7b*", DialectUITARS}, {"ui-tars-72b*", DialectUITARS}, {"ui-tars-2b*", DialectUITARS},
		{"ui-tars-1.5*", DialectUITARS15}, {"ui-tars-1_5*", DialectUITARS15}, {"ui-tars-1.5-7b*", DialectUITARS15},
		{"doubao*", DialectDoubao}, {"doubao-1.5-ui-tars*", DialectDoubao}, {"doubao-1-5-ui-tars*", DialectDoubao}, {"doubao-seed*", DialectDoubao},
		{"cogagent*", DialectCogAgent}, {"autoglm*", DialectAutoGLM}, {"autoglm-phone*", DialectAutoGLM},
		{"seeclick*", DialectSeeClick}, {"showui*", DialectShowUI}, {"os-atlas*", DialectOSAtlas}, {"aguvis*", DialectAguvis},
	}
}

// builtinTable is the table of the zero Dialects, built once and never
// changed.
var builtinTable = sync.OnceValue(func() *Dialects {
	t := &Dialects{byName: map[string]Dialect{}}
	for _, d := range BuiltinDialects() {
		t.byName[d.Name] = d
	}
	for _, r := range BuiltinModels() {
		t.models = append(t.models, modelRule{pattern: r[0], dialect: r[1]})
	}
	return t
})

// view returns the table to read: t's own once it has been changed, else
// the built-in one.
func (t *Dialects) view() *Dialects {
	if t.byName == nil {
		return builtinTable()
	}
	return t
}

// own makes t's table its own copy before a change.
func (t *Dialects) own() {
	if t.byName != nil {
		return
	}
	b := builtinTable()
	t.byName = make(map[string]Dialect, len(b.byName))
	for k, v := range b.byName {
		t.byName[k] = v
	}
	t.models = append([]modelRule(nil), b.models...)
}

// Add puts d in the table, replacing a dialect of the same name.
func (t *Dialects) Add(d Dialect) error {
	t.own()
	if d.Name == "" {
		return fmt.Errorf("actions: a dialect needs a name")
	}
	if d.Coords.Kind == CoordsSmartResize && d.Coords.Resize.Factor <= 0 {
		return fmt.Errorf("actions: dialect %q: smart_resize needs a factor", d.Name)
	}
	if d.Coords.Kind == CoordsNormalized && d.Coords.Max <= 0 {
		return fmt.Errorf("actions: dialect %q: normalized coordinates need a max", d.Name)
	}
	t.byName[d.Name] = d
	return nil
}

// Map makes model names matching pattern (a path.Match glob on the
// lower-case name) speak the named dialect, over earlier rules.
func (t *Dialects) Map(pattern, dialect string) error {
	t.own()
	pattern = strings.ToLower(strings.TrimSpace(pattern))
	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Errorf("actions: model pattern %q: %w", pattern, err)
	}
	if _, ok := t.byName[dialect]; !ok {
		return fmt.Errorf("actions: model pattern %q: %w %q", pattern, ErrUnknownDialect, dialect)
	}
	t.models = append(t.models, modelRule{pattern: pattern, dialect: dialect})
	return nil
}

// Lookup returns the dialect called name ("" means json).
func (t *Dialects) Lookup(name string) (Dialect, error) {
	t = t.view()
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		name = DialectJSON
	}
	if d, ok := t.byName[name]; ok {
		return d, nil
	}
	return Dialect{}, fmt.Errorf("actions: %w %q; known: %s", ErrUnknownDialect, name, strings.Join(t.Names(), ", "))
}

// Names lists the dialects, sorted.
func (t *Dialects) Names() []string {
	t = t.view()
	out := make([]string, 0, len(t.byName))
	for n := range t.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// All returns the dialects, sorted by name.
func (t *Dialects) All() []Dialect {
	t = t.view()
	var out []Dialect
	for _, n := range t.Names() {
		out = append(out, t.byName[n])
	}
	return out
}

// ForModel returns the dialect of a model name such as "ui-tars-1.5-7b",
// "vllm:ByteDance-Seed/UI-TARS-1.5-7B" or "qwen2.5-vl-72b-instruct", and
// whether the table knows it; unknown models speak json.
func (t *Dialects) ForModel(model string) (Dialect, bool) {
	t = t.view()
	m := strings.ToLower(strings.TrimSpace(model))
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:]
	}
	// "provider:model": drop a known provider prefix, keep tags ("qwen2.5vl:7b").
	if p, rest, ok := strings.Cut(m, ":"); ok && isProvider(p) {
		m = rest
	}
	for i := len(t.models) - 1; i >= 0; i-- {
		if ok, _ := path.Match(t.models[i].pattern, m); ok {
			return t.byName[t.models[i].dialect], true
		}
	}
	return t.byName[DialectJSON], false
}

func isProvider(p string) bool {
	switch p {
	case "openai", "azure", "ollama", "vllm", "llamacpp", "lmstudio", "dashscope", "openai-compatible", "compatible", "ark", "volcengine", "zhipu", "bigmodel", "openrouter":
		return true
	}
	return false
}

// point converts a point as the model wrote it to a Point the executor maps:
// in the dialect's coordinate system, or guessed for the auto dialect. hint
// is the system the reply itself declared, if any.
func (o ParseOptions) point(x, y float64, hint Space) (*Point, error) {
	d := o.Dialect
	if d.Auto() || d.Coords.Kind == CoordsInfer {
		return &Point{X: x, Y: y, Space: InferSpace(o, hint, x, y)}, nil
	}
	if o.Space != "" {
		return &Point{X: x, Y: y, Space: o.Space}, nil
	}
	if d.SpaceField && hint != "" {
		return &Point{X: x, Y: y, Space: hint}, nil
	}
	c := d.Coords
	switch c.Kind {
	case CoordsPixels:
		return &Point{X: x, Y: y, Space: SpacePixels}, nil
	case CoordsNormalized:
		switch c.Max {
		case 1:
			return &Point{X: x, Y: y, Space: SpaceUnit}, nil
		case 1000:
			return &Point{X: x, Y: y, Space: SpacePermille}, nil
		}
		return &Point{X: x / c.Max, Y: y / c.Max, Space: SpaceUnit}, nil
	case CoordsSmartResize:
		if o.ImageSize.X <= 0 || o.ImageSize.Y <= 0 {
			return nil, &ParseError{Reason: fmt.Sprintf("the %s dialect gives pixels of a smart-resized image, and the size of the image sent is unknown", d.Name),
				Fix: "pass the image size (ParseOptions.ImageSize, --size WxH)", Err: ErrNoImageSize}
		}
		rs, err := c.Resize.Size(o.ImageSize.X, o.ImageSize.Y)
		if err != nil {
			return nil, &ParseError{Reason: err.Error(), Err: ErrNoImageSize}
		}
		return &Point{X: x * float64(o.ImageSize.X) / float64(rs.X), Y: y * float64(o.ImageSize.Y) / float64(rs.Y), Space: SpacePixels}, nil
	}
	return nil, &ParseError{Reason: fmt.Sprintf("dialect %q has an unknown coordinate system %q", d.Name, c.Kind), Err: ErrBadArgument}
}

// ErrNoImageSize: the dialect's coordinates need the size of the image sent.
var ErrNoImageSize = fmt.Errorf("image size needed")

// PixelPoint returns p in pixels of a size image, as float coordinates (the
// image pixel p names, not a device pixel).
func PixelPoint(p Point, size image.Point) (float64, float64, error) {
	switch p.Space {
	case SpacePixels, "":
		return p.X, p.Y, nil
	case SpaceUnit:
		if size.X <= 0 || size.Y <= 0 {
			return 0, 0, fmt.Errorf("point (%g, %g) is in 0..1 and the image size is unknown", p.X, p.Y)
		}
		return p.X * float64(size.X), p.Y * float64(size.Y), nil
	case SpacePermille:
		if size.X <= 0 || size.Y <= 0 {
			return 0, 0, fmt.Errorf("point (%g, %g) is in 0..1000 and the image size is unknown", p.X, p.Y)
		}
		return p.X / 1000 * float64(size.X), p.Y / 1000 * float64(size.Y), nil
	}
	return 0, 0, fmt.Errorf("unknown coordinate space %q", p.Space)
}

// ToPixels returns a with every point in pixels of a size image (the image
// the model saw), so that it prints as {"action":"tap","x":540,"y":1200}.
func ToPixels(a Action, size image.Point) (Action, error) {
	conv := func(p *Point) (*Point, error) {
		if p == nil {
			return nil, nil
		}
		x, y, err := PixelPoint(*p, size)
		if err != nil {
			return nil, err
		}
		return &Point{X: math.Round(x*100) / 100, Y: math.Round(y*100) / 100, Space: SpacePixels}, nil
	}
	var err error
	switch v := a.(type) {
	case Tap:
		v.Target.Point, err = conv(v.Target.Point)
		return v, err
	case LongPress:
		v.Target.Point, err = conv(v.Target.Point)
		return v, err
	case Swipe:
		if v.From, err = conv(v.From); err != nil {
			return nil, err
		}
		v.To, err = conv(v.To)
		return v, err
	}
	return a, nil
}
