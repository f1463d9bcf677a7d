package actions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// ShortcutResolver expands a stored shortcut into actions. The memory layer
// implements it; the executor only runs what it returns.
type ShortcutResolver interface {
	ResolveShortcut(ctx context.Context, name string, args map[string]string) ([]Action, error)
}

// TextClearer is an optional device ability: clearing the focused text field
// in one operation. Without it the executor deletes the element's known text
// key by key.
type TextClearer interface {
	ClearText(ctx context.Context) error
}

// DiffFunc returns how different two screenshots are, from 0 (identical) to 1.
type DiffFunc func(a, b image.Image) float64

// ExecutorConfig tunes an Executor. The zero value works.
type ExecutorConfig struct {
	Logger *slog.Logger // nil discards; never receives typed text

	// Settling, the one settle policy of mobagent: after a gesture the
	// executor takes screenshots every SettleInterval until two in a row
	// differ by at most SettleThreshold (by Diff), or SettleTimeout passes.
	// The comparison, not a fixed sleep, decides, so the defaults look soon
	// and often; a real phone's screenshot takes longer than the interval.
	Diff            DiffFunc      // nil means SampleDiff; ScreenDiff is finer and slower
	SettleThreshold float64       // 0 means 0.002
	SettleInterval  time.Duration // pause between screenshots; 0 means none (a screenshot's own time spaces them)
	SettleTimeout   time.Duration // 0 means 3s; <0 disables settling
	SettleInitial   time.Duration // pause before the first screenshot; 0 means 5ms

	LongPressDuration time.Duration // 0 means 800ms
	SwipeDuration     time.Duration // 0 means 400ms
	SwipeDistance     float64       // fraction of the region; 0 means 0.5
	DefaultWait       time.Duration // Wait with no duration; 0 means 1s

	Shortcuts ShortcutResolver // nil: run_shortcut fails with ErrNotExecutable

	Sleep func(ctx context.Context, d time.Duration) error // nil means a timer
	Now   func() time.Time                                 // nil means time.Now
}

// Executor turns actions into device calls. It holds the policy the device
// leaves out: coordinate mapping, focusing before typing, waiting for the
// screen to settle. Use one Executor from the goroutine that owns the device.
type Executor struct {
	dev device.Device
	cfg ExecutorConfig
	log *slog.Logger
}

// NewExecutor returns an executor for dev.
func NewExecutor(dev device.Device, cfg ExecutorConfig) *Executor {
	if cfg.Diff == nil {
		cfg.Diff = SampleDiff
	}
	if cfg.SettleThreshold == 0 {
		cfg.SettleThreshold = 0.002
	}
	if cfg.SettleInterval < 0 {
		cfg.SettleInterval = 0
	}
	if cfg.SettleTimeout == 0 {
		cfg.SettleTimeout = 3 * time.Second
	}
	if cfg.SettleInitial <= 0 {
		cfg.SettleInitial = 5 * time.Millisecond
	}
	if cfg.LongPressDuration <= 0 {
		cfg.LongPressDuration = 800 * time.Millisecond
	}
	if cfg.SwipeDuration <= 0 {
		cfg.SwipeDuration = 400 * time.Millisecond
	}
	if cfg.SwipeDistance <= 0 || cfg.SwipeDistance > 1 {
		cfg.SwipeDistance = 0.5
	}
	if cfg.DefaultWait <= 0 {
		cfg.DefaultWait = time.Second
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Executor{dev: dev, cfg: cfg, log: log}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Call is one device operation the executor made.
type Call struct {
	Op     string // "tap", "long_press", "swipe", "input_text", "press_key", "resolve_app", "start_app", "clear_text"
	Detail string // arguments; typed text is given as a length only
	Err    error
}

// Result says what executing an action did.
type Result struct {
	Action   Action
	Calls    []Call
	Point    *image.Point // device pixel touched by a tap or long press, or where a swipe started
	End      *image.Point // where a swipe ended
	Package  string       // the package OpenApp started
	Terminal bool         // done, refuse or ask_user: the loop should stop or ask the person
	Settle   Settle
	Duration time.Duration
}

// Settle reports the wait for the screen to stop changing.
type Settle struct {
	Duration time.Duration
	Shots    int
	Settled  bool    // false when the timeout came first or settling was off
	LastDiff float64 // difference of the last two screenshots
	// Screenshot is the last screenshot taken, to reuse for the next
	// observation. From a device that returns screenshots encoded
	// (device.EncodedScreenshotter) it is left encoded in Encoded, and
	// LastScreenshot decodes it: the caller can decode it while it fetches
	// the view hierarchy.
	Screenshot image.Image
	Encoded    []byte
	decoder    device.EncodedScreenshotter
	Err        error // a screenshot failure ends settling early; the action still happened
}

// Execute performs a on the device. s is the screen the model chose from (for
// element ids and the device size); f maps pixel points from the image the
// model saw. Errors are *ActionError values; a validation failure wraps a
// *ValidationError (errors.Is(err, ErrInvalid)) whose text can go back to the
// model.
func (e *Executor) Execute(ctx context.Context, a Action, s *perception.Screen, f Frame) (Result, error) {
	start := e.cfg.Now()
	res := Result{Action: a}
	err := e.execute(ctx, a, s, f, &res, 0)
	if err == nil && moves(a) && e.cfg.SettleTimeout > 0 {
		res.Settle = e.settle(ctx)
	}
	res.Duration = e.cfg.Now().Sub(start)
	if err != nil {
		e.log.Debug("action failed", "kind", kindOf(a), "err", err)
	} else {
		e.log.Debug("action done", "kind", kindOf(a), "calls", len(res.Calls), "settled", res.Settle.Settled, "settle", res.Settle.Duration)
	}
	return res, err
}

func kindOf(a Action) Kind {
	if a == nil {
		return ""
	}
	return a.Kind()
}

func moves(a Action) bool {
	switch a.(type) {
	case Tap, LongPress, Swipe, Type, Key, OpenApp, RunShortcut, ADB:
		return true
	}
	return false
}

func (e *Executor) call(res *Result, op, detail string, err error) error {
	res.Calls = append(res.Calls, Call{Op: op, Detail: detail, Err: err})
	if err != nil {
		return &ActionError{Op: op, Action: res.Action, Err: err}
	}
	return nil
}

func (e *Executor) execute(ctx context.Context, a Action, s *perception.Screen, f Frame, res *Result, depth int) error {
	if err := Validate(a, s); err != nil {
		return &ActionError{Op: "validate", Action: a, Err: err}
	}
	f = f.resolve(s)
	if f.Device.X <= 0 && needsGeometry(a) {
		d, err := e.dev.Display(ctx)
		if err != nil {
			return &ActionError{Op: "display", Action: a, Err: err}
		}
		f.Device = image.Pt(d.Width, d.Height)
		if f.Image.X <= 0 {
			f.Image = f.Device
		}
	}
	switch v := a.(type) {
	case Tap:
		p, err := PointAt(v.Target, s, f)
		if err != nil {
			return &ActionError{Op: "map", Action: a, Err: err}
		}
		res.Point = &p
		return e.call(res, "tap", pointDetail(p), e.dev.Tap(ctx, p.X, p.Y))
	case LongPress:
		p, err := PointAt(v.Target, s, f)
		if err != nil {
			return &ActionError{Op: "map", Action: a, Err: err}
		}
		d := v.Duration
		if d <= 0 {
			d = e.cfg.LongPressDuration
		}
		res.Point = &p
		return e.call(res, "long_press", pointDetail(p)+" "+d.String(), e.dev.LongPress(ctx, p.X, p.Y, d))
	case Swipe:
		from, to, err := e.swipePoints(v, s, f)
		if err != nil {
			return &ActionError{Op: "map", Action: a, Err: err}
		}
		d := v.Duration
		if d <= 0 {
			d = e.cfg.SwipeDuration
		}
		res.Point, res.End = &from, &to
		return e.call(res, "swipe", pointDetail(from)+" -> "+pointDetail(to), e.dev.Swipe(ctx, from.X, from.Y, to.X, to.Y, d))
	case Type:
		return e.typeText(ctx, v, s, f, res)
	case Key:
		return e.call(res, "press_key", string(v.Key), e.dev.PressKey(ctx, v.Key))
	case OpenApp:
		pkg, err := e.dev.ResolveApp(ctx, v.App)
		if err := e.call(res, "resolve_app", strconv.Quote(v.App), err); err != nil {
			if errors.Is(err, device.ErrAppNotFound) {
				err.(*ActionError).Err = fmt.Errorf("no installed app is called %q; check the name on the home screen or use the package name: %w", v.App, device.ErrAppNotFound)
			}
			return err
		}
		res.Package = pkg
		return e.call(res, "start_app", pkg, e.dev.StartApp(ctx, pkg))
	case Wait:
		d := v.Duration
		if d <= 0 {
			d = e.cfg.DefaultWait
		}
		if err := e.cfg.Sleep(ctx, d); err != nil {
			return &ActionError{Op: "wait", Action: a, Err: err}
		}
		return nil
	case Done, Refuse, AskUser:
		res.Terminal = true
		return nil
	case ADB:
		return e.runADB(ctx, v, res)
	case RunShortcut:
		if e.cfg.Shortcuts == nil {
			return &ActionError{Op: "run_shortcut", Action: a, Err: fmt.Errorf("%w: no shortcut resolver is configured (ExecutorConfig.Shortcuts)", ErrNotExecutable)}
		}
		if depth > 0 {
			return &ActionError{Op: "run_shortcut", Action: a, Err: fmt.Errorf("%w: shortcut %q runs another shortcut; shortcuts may not nest", ErrNotExecutable, v.Name)}
		}
		steps, err := e.cfg.Shortcuts.ResolveShortcut(ctx, v.Name, v.Args)
		if err != nil {
			return &ActionError{Op: "run_shortcut", Action: a, Err: err}
		}
		for i, step := range steps {
			if _, ok := step.(RunShortcut); ok {
				return &ActionError{Op: "run_shortcut", Action: a, Err: fmt.Errorf("%w: step %d of shortcut %q is a shortcut; shortcuts may not nest", ErrNotExecutable, i+1, v.Name)}
			}
			if err := e.execute(ctx, step, s, f, res, depth+1); err != nil {
				return &ActionError{Op: fmt.Sprintf("run_shortcut step %d", i+1), Action: a, Err: err}
			}
		}
		return nil
	}
	return &ActionError{Op: "execute", Action: a, Err: fmt.Errorf("%w: %T", ErrNotExecutable, a)}
}

func needsGeometry(a Action) bool {
	switch v := a.(type) {
	case Tap:
		return v.Target.Point != nil
	case LongPress:
		return v.Target.Point != nil
	case Swipe:
		return true
	}
	return false
}

func pointDetail(p image.Point) string { return strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y) }

func (e *Executor) swipePoints(v Swipe, s *perception.Screen, f Frame) (from, to image.Point, err error) {
	if v.From != nil && v.To != nil {
		if from, err = f.ToDevice(*v.From); err != nil {
			return
		}
		to, err = f.ToDevice(*v.To)
		return
	}
	region := image.Rect(0, 0, f.Device.X, f.Device.Y)
	if v.Element > 0 && s != nil {
		el, _ := s.Element(v.Element)
		region = el.Bounds.Canon().Intersect(region)
		if region.Empty() {
			return from, to, fmt.Errorf("element %d is not on the screen; swipe the screen instead", v.Element)
		}
	}
	return SwipePoints(region, v.Direction, v.Distance, e.cfg.SwipeDistance)
}

// SwipePoints returns the start and end of a swipe in direction d (the
// finger's movement) across region, covering distance (a fraction of the
// region's height or width; 0 means def) centred on the region's middle.
func SwipePoints(region image.Rectangle, d Direction, distance, def float64) (from, to image.Point, err error) {
	if distance <= 0 {
		distance = def
	}
	c := image.Pt((region.Min.X+region.Max.X)/2, (region.Min.Y+region.Max.Y)/2)
	dy := int(float64(region.Dy()-1) * distance / 2)
	dx := int(float64(region.Dx()-1) * distance / 2)
	switch d {
	case Up:
		return image.Pt(c.X, c.Y+dy), image.Pt(c.X, c.Y-dy), nil
	case Down:
		return image.Pt(c.X, c.Y-dy), image.Pt(c.X, c.Y+dy), nil
	case Left:
		return image.Pt(c.X+dx, c.Y), image.Pt(c.X-dx, c.Y), nil
	case Right:
		return image.Pt(c.X-dx, c.Y), image.Pt(c.X+dx, c.Y), nil
	}
	return from, to, fmt.Errorf("unknown direction %q; use up, down, left or right", d)
}

func (e *Executor) typeText(ctx context.Context, v Type, s *perception.Screen, f Frame, res *Result) error {
	if v.Text == "" && v.Secret != "" {
		return &ActionError{Op: "input_text", Action: res.Action, Err: fmt.Errorf("%w: secret %q was not substituted; the safety layer must resolve secrets before execution", ErrNotExecutable, v.Secret)}
	}
	var el perception.Element
	if v.Element > 0 && s != nil {
		el, _ = s.Element(v.Element)
		if !el.Focused {
			p, err := ElementPoint(el, f.Device)
			if err != nil {
				return &ActionError{Op: "map", Action: res.Action, Err: err}
			}
			res.Point = &p
			if err := e.call(res, "tap", pointDetail(p)+" (focus)", e.dev.Tap(ctx, p.X, p.Y)); err != nil {
				return err
			}
		}
	}
	if v.Clear {
		if c, ok := e.dev.(TextClearer); ok {
			if err := e.call(res, "clear_text", "", c.ClearText(ctx)); err != nil {
				return err
			}
		} else if n := utf8.RuneCountInString(el.Text); n > 0 && !el.Password {
			// Without the ability, delete the known text; the cursor sits at
			// the end after focusing on most fields.
			// A device without a move_end key reports an error; deleting
			// still works when the cursor is already at the end.
			res.Calls = append(res.Calls, Call{Op: "press_key", Detail: "move_end", Err: e.dev.PressKey(ctx, device.KeyMoveEnd)})
			for i := 0; i < n; i++ {
				if err := e.call(res, "press_key", string(device.KeyDelete), e.dev.PressKey(ctx, device.KeyDelete)); err != nil {
					return err
				}
			}
		}
	}
	detail := strconv.Itoa(utf8.RuneCountInString(v.Text)) + " runes"
	if err := e.call(res, "input_text", detail, e.dev.InputText(ctx, v.Text)); err != nil {
		return err
	}
	if v.Submit {
		return e.call(res, "press_key", string(device.KeyEnter), e.dev.PressKey(ctx, device.KeyEnter))
	}
	return nil
}

// settle waits until two consecutive screenshots differ by at most the
// threshold, bounded by SettleTimeout and the ctx.
func (e *Executor) settle(ctx context.Context) Settle {
	start := e.cfg.Now()
	var st Settle
	deadline := start.Add(e.cfg.SettleTimeout)
	if err := e.cfg.Sleep(ctx, e.cfg.SettleInitial); err != nil {
		st.Err = err
		return st
	}
	enc, _ := e.dev.(device.EncodedScreenshotter)
	var prev, cur shot
	for {
		var err error
		cur, err = e.shoot(ctx, enc)
		st.Shots++
		if err != nil {
			st.Err = err
			e.log.Warn("screenshot failed while settling", "err", err)
			break
		}
		if prev.ok() {
			if cur.raw != nil && bytes.Equal(cur.raw, prev.raw) {
				// Byte-identical encodings: the same pixels, no decoding
				// needed to know it.
				st.LastDiff = 0
				st.Settled = true
				cur = prev
				break
			}
			a, errA := prev.image()
			b, errB := cur.image()
			if err := errors.Join(errA, errB); err != nil {
				st.Err = err
				break
			}
			st.LastDiff = e.cfg.Diff(a, b)
			if st.LastDiff <= e.cfg.SettleThreshold {
				st.Settled = true
				break
			}
		}
		prev = cur
		if st.Shots >= maxSettleShots || !e.cfg.Now().Add(e.cfg.SettleInterval).Before(deadline) {
			break
		}
		if err := e.cfg.Sleep(ctx, e.cfg.SettleInterval); err != nil {
			st.Err = err
			break
		}
	}
	if cur.ok() && st.Err == nil {
		if cur.img != nil || cur.dec == nil {
			st.Screenshot = cur.img
		} else {
			st.Encoded, st.decoder = cur.raw, cur.dec
		}
	}
	st.Duration = e.cfg.Now().Sub(start)
	return st
}

// LastScreenshot returns the last screenshot of the settle, decoding it
// when it was left encoded; nil when settling took none.
func (s Settle) LastScreenshot() (image.Image, error) {
	if s.Screenshot != nil || s.Encoded == nil {
		return s.Screenshot, nil
	}
	img, err := s.decoder.DecodeScreenshot(s.Encoded)
	if err != nil {
		return nil, fmt.Errorf("decode screenshot: %w", err)
	}
	return img, nil
}

// Taken reports whether settling took a screenshot to reuse.
func (s Settle) Taken() bool { return s.Screenshot != nil || s.Encoded != nil }

// maxSettleShots bounds a settle whatever the clock says.
const maxSettleShots = 50

// shot is one settling screenshot, decoded on demand. A device that can
// return screenshots still encoded (device.EncodedScreenshotter) lets
// settling compare bytes and decode only the last one.
type shot struct {
	raw []byte
	img image.Image
	dec device.EncodedScreenshotter
}

func (s *shot) ok() bool { return s.raw != nil || s.img != nil }

func (s *shot) image() (image.Image, error) {
	if s.img == nil && s.raw != nil {
		img, err := s.dec.DecodeScreenshot(s.raw)
		if err != nil {
			return nil, fmt.Errorf("decode screenshot: %w", err)
		}
		s.img = img
	}
	return s.img, nil
}

func (e *Executor) shoot(ctx context.Context, enc device.EncodedScreenshotter) (shot, error) {
	if enc != nil {
		raw, err := enc.ScreenshotEncoded(ctx)
		return shot{raw: raw, dec: enc}, err
	}
	img, err := e.dev.Screenshot(ctx)
	return shot{img: img}, err
}

// ScreenDiff adapts perception.Diff (the share of changed grid cells) to a
// DiffFunc. It looks at every pixel, so on a full-resolution phone
// screenshot it costs milliseconds per comparison where SampleDiff costs
// tens of microseconds. Put the status bar in opts.Ignore to keep a ticking clock from
// delaying the settle.
func ScreenDiff(opts perception.DiffOptions) DiffFunc {
	return func(a, b image.Image) float64 { return perception.Diff(a, b, opts).Ratio }
}

// SampleDiff compares two images on a 64×64 grid of sample points and
// returns the fraction whose colour differs noticeably. Images of different
// sizes differ entirely. It is the executor's default: cheap, and coarse
// enough to ignore a blinking cursor.
func SampleDiff(a, b image.Image) float64 {
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Size() != bb.Size() {
		return 1
	}
	const n = 64
	w, h := ab.Dx(), ab.Dy()
	if w == 0 || h == 0 {
		return 0
	}
	differ := 0
	for j := 0; j < n; j++ {
		y := j * h / n
		for i := 0; i < n; i++ {
			x := i * w / n
			r1, g1, b1 := rgb(a, ab.Min.X+x, ab.Min.Y+y)
			r2, g2, b2 := rgb(b, bb.Min.X+x, bb.Min.Y+y)
			if absDiff(r1, r2)+absDiff(g1, g2)+absDiff(b1, b2) > 3*0x0800 {
				differ++
			}
		}
	}
	return float64(differ) / (n * n)
}

// rgb reads a pixel as 16-bit channels, without allocating for the image
// types screenshots come in.
func rgb(img image.Image, x, y int) (r, g, b uint32) {
	switch m := img.(type) {
	case *image.RGBA:
		i := m.PixOffset(x, y)
		return uint32(m.Pix[i]) * 0x101, uint32(m.Pix[i+1]) * 0x101, uint32(m.Pix[i+2]) * 0x101
	case *image.NRGBA:
		i := m.PixOffset(x, y)
		if m.Pix[i+3] == 0xff {
			return uint32(m.Pix[i]) * 0x101, uint32(m.Pix[i+1]) * 0x101, uint32(m.Pix[i+2]) * 0x101
		}
	case *image.Gray:
		v := uint32(m.Pix[m.PixOffset(x, y)]) * 0x101
		return v, v, v
	}
	r, g, b, _ = img.At(x, y).RGBA()
	return r, g, b
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}
