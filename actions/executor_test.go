package actions

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobagent/mobagent/device"
)

// recDevice is a trivial in-test device that records calls. It is a
// measurement and unit-test harness, not a stand-in for the virtual phone.
type recDevice struct {
	mu        sync.Mutex
	calls     []string
	shots     []image.Image // returned in turn; the last repeats
	shotN     int
	apps      map[string]string
	failTap   error
	noMoveEnd bool
}

func (d *recDevice) rec(format string, args ...any) {
	d.mu.Lock()
	d.calls = append(d.calls, fmt.Sprintf(format, args...))
	d.mu.Unlock()
}

func (d *recDevice) Serial() string { return "rec" }
func (d *recDevice) Screenshot(ctx context.Context) (image.Image, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.shots) == 0 {
		return nil, errors.New("no screenshots")
	}
	i := min(d.shotN, len(d.shots)-1)
	d.shotN++
	return d.shots[i], nil
}
func (d *recDevice) ViewHierarchy(ctx context.Context) ([]byte, error) { return nil, nil }
func (d *recDevice) Tap(ctx context.Context, x, y int) error {
	d.rec("tap %d,%d", x, y)
	return d.failTap
}
func (d *recDevice) LongPress(ctx context.Context, x, y int, dur time.Duration) error {
	d.rec("long_press %d,%d %s", x, y, dur)
	return nil
}
func (d *recDevice) Swipe(ctx context.Context, x1, y1, x2, y2 int, dur time.Duration) error {
	d.rec("swipe %d,%d %d,%d %s", x1, y1, x2, y2, dur)
	return nil
}
func (d *recDevice) InputText(ctx context.Context, text string) error {
	d.rec("input_text %q", text)
	return nil
}
func (d *recDevice) PressKey(ctx context.Context, k device.Key) error {
	if k.KeyCode() == 0 && d.noMoveEnd {
		return fmt.Errorf("unknown key %q", k)
	}
	d.rec("key %s", k)
	return nil
}
func (d *recDevice) StartApp(ctx context.Context, pkg string) error {
	d.rec("start_app %s", pkg)
	return nil
}
func (d *recDevice) ResolveApp(ctx context.Context, name string) (string, error) {
	if pkg, ok := d.apps[strings.ToLower(name)]; ok {
		return pkg, nil
	}
	return "", fmt.Errorf("resolve %q: %w", name, device.ErrAppNotFound)
}
func (d *recDevice) Foreground(ctx context.Context) (device.Foreground, error) {
	return device.Foreground{}, nil
}
func (d *recDevice) Display(ctx context.Context) (device.Display, error) {
	return device.Display{Width: 1080, Height: 2400, Density: 420}, nil
}
func (d *recDevice) Shell(ctx context.Context, argv ...string) (device.ShellResult, error) {
	return device.ShellResult{}, errors.New("no shell")
}

var _ device.Device = (*recDevice)(nil)

// fakeClock advances only when the executor sleeps.
type fakeClock struct {
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func newTestExecutor(dev *recDevice, cfg ExecutorConfig) (*Executor, *fakeClock) {
	clk := &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	cfg.Now, cfg.Sleep = clk.Now, clk.Sleep
	if cfg.SettleTimeout == 0 {
		cfg.SettleTimeout = -1 // most tests check calls, not settling
	}
	return NewExecutor(dev, cfg), clk
}

func TestExecutorCalls(t *testing.T) {
	s := testScreen()
	s.Elements[0].Text = "abc" // the search field holds text
	tests := []struct {
		name  string
		a     Action
		f     Frame
		calls []string
	}{
		{"tap element centre", Tap{Target: Target{Element: 2}}, Frame{}, []string{"tap 200,350"}},
		{"tap visible part", Tap{Target: Target{Element: 3}}, Frame{}, []string{"tap 540,2350"}},
		{"tap pixels in a half-size image", Tap{Target: Target{Point: pt(270, 600, SpacePixels)}}, Frame{Image: image.Pt(540, 1200)}, []string{"tap 541,1201"}},
		{"tap permille", Tap{Target: Target{Point: pt(500, 500, SpacePermille)}}, Frame{}, []string{"tap 540,1200"}},
		{"long press default", LongPress{Target: Target{Element: 2}}, Frame{}, []string{"long_press 200,350 800ms"}},
		{"swipe up screen", Swipe{Direction: Up}, Frame{}, []string{"swipe 540,1799 540,601 400ms"}},
		{"swipe left in element", Swipe{Direction: Left, Element: 2, Distance: 1}, Frame{}, []string{"swipe 299,350 101,350 400ms"}},
		{"swipe points", Swipe{From: pt(0.5, 0.8, SpaceUnit), To: pt(0.5, 0.2, SpaceUnit), Duration: time.Second}, Frame{}, []string{"swipe 540,1920 540,480 1s"}},
		{"type focuses first", Type{Text: "pizza; rm -rf /", Element: 2, Submit: true}, Frame{},
			[]string{"tap 200,350", `input_text "pizza; rm -rf /"`, "key enter"}},
		{"type into focused field", Type{Text: "hi"}, Frame{}, []string{`input_text "hi"`}},
		{"replace text deletes known text", Type{Text: "new", Element: 1, Clear: true}, Frame{},
			[]string{"tap 540,100", "key move_end", "key delete", "key delete", "key delete", `input_text "new"`}},
		{"key", Key{Key: "back"}, Frame{}, []string{"key back"}},
		{"key app switch", Key{Key: device.KeyAppSwitch}, Frame{}, []string{"key app_switch"}},
		{"open app", OpenApp{App: "Settings"}, Frame{}, []string{"start_app com.android.settings"}},
		{"done makes no call", Done{Status: StatusSuccess}, Frame{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev := &recDevice{apps: map[string]string{"settings": "com.android.settings"}}
			e, _ := newTestExecutor(dev, ExecutorConfig{})
			res, err := e.Execute(context.Background(), tt.a, s, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(dev.calls) != fmt.Sprint(tt.calls) {
				t.Errorf("device calls %q; want %q", dev.calls, tt.calls)
			}
			for _, c := range res.Calls {
				if strings.Contains(c.Detail, "pizza") {
					t.Errorf("Result.Calls holds typed text: %+v", c)
				}
			}
		})
	}
}

func TestExecutorResultAndErrors(t *testing.T) {
	s := testScreen()
	dev := &recDevice{apps: map[string]string{"settings": "com.android.settings"}}
	e, _ := newTestExecutor(dev, ExecutorConfig{})
	ctx := context.Background()

	res, err := e.Execute(ctx, OpenApp{App: "Settings"}, s, Frame{})
	if err != nil || res.Package != "com.android.settings" || len(res.Calls) != 2 || res.Calls[0].Op != "resolve_app" {
		t.Errorf("open app result %+v, %v", res, err)
	}
	_, err = e.Execute(ctx, OpenApp{App: "Snapchat"}, s, Frame{})
	var ae *ActionError
	if !errors.As(err, &ae) || ae.Op != "resolve_app" || !errors.Is(err, device.ErrAppNotFound) || !strings.Contains(err.Error(), `"Snapchat"`) {
		t.Errorf("missing app: %v", err)
	}
	_, err = e.Execute(ctx, Tap{Target: Target{Element: 42}}, s, Frame{})
	if !errors.As(err, &ae) || ae.Op != "validate" || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "largest id is 31") {
		t.Errorf("bad element: %v", err)
	}
	res, err = e.Execute(ctx, Tap{Target: Target{Element: 2}}, s, Frame{})
	if err != nil || res.Point == nil || *res.Point != image.Pt(200, 350) {
		t.Errorf("tap result %+v, %v", res, err)
	}
	dev.failTap = device.ErrDisconnected
	_, err = e.Execute(ctx, Tap{Target: Target{Element: 2}}, s, Frame{})
	if !errors.As(err, &ae) || ae.Op != "tap" || !errors.Is(err, device.ErrDisconnected) {
		t.Errorf("device failure: %v", err)
	}
	dev.failTap = nil
	_, err = e.Execute(ctx, Type{Secret: "pin"}, s, Frame{})
	if !errors.Is(err, ErrNotExecutable) || !strings.Contains(err.Error(), "safety layer") {
		t.Errorf("unsubstituted secret: %v", err)
	}
	_, err = e.Execute(ctx, RunShortcut{Name: "x"}, s, Frame{})
	if !errors.Is(err, ErrNotExecutable) {
		t.Errorf("shortcut without resolver: %v", err)
	}
	res, err = e.Execute(ctx, Done{Status: StatusSuccess}, s, Frame{})
	if err != nil || !res.Terminal {
		t.Errorf("done: %+v %v", res, err)
	}
	// No screen: pixel points use the device's Display size.
	dev.calls = nil
	if _, err := e.Execute(ctx, Tap{Target: Target{Point: pt(0.5, 0.5, SpaceUnit)}}, nil, Frame{}); err != nil || fmt.Sprint(dev.calls) != "[tap 540,1200]" {
		t.Errorf("tap without a screen: %v %v", dev.calls, err)
	}
}

type shortcuts map[string][]Action

func (s shortcuts) ResolveShortcut(ctx context.Context, name string, args map[string]string) ([]Action, error) {
	steps, ok := s[name]
	if !ok {
		return nil, fmt.Errorf("no shortcut %q", name)
	}
	return steps, nil
}

func TestExecutorShortcut(t *testing.T) {
	dev := &recDevice{apps: map[string]string{"messages": "com.android.mms"}}
	e, _ := newTestExecutor(dev, ExecutorConfig{Shortcuts: shortcuts{
		"sms":  {OpenApp{App: "Messages"}, Tap{Target: Target{Element: 2}}, Type{Text: "hi", Submit: true}},
		"loop": {RunShortcut{Name: "loop"}},
	}})
	if _, err := e.Execute(context.Background(), RunShortcut{Name: "sms"}, testScreen(), Frame{}); err != nil {
		t.Fatal(err)
	}
	want := `[start_app com.android.mms tap 200,350 input_text "hi" key enter]`
	if fmt.Sprint(dev.calls) != want {
		t.Errorf("calls %v; want %s", dev.calls, want)
	}
	if _, err := e.Execute(context.Background(), RunShortcut{Name: "loop"}, testScreen(), Frame{}); !errors.Is(err, ErrNotExecutable) {
		t.Errorf("nested shortcut: %v", err)
	}
}

func solid(c uint8) image.Image {
	img := image.NewGray(image.Rect(0, 0, 108, 240))
	for i := range img.Pix {
		img.Pix[i] = c
	}
	return img
}

func TestExecutorSettles(t *testing.T) {
	// The screen animates for three frames, then holds still.
	dev := &recDevice{shots: []image.Image{solid(10), solid(60), solid(120), solid(200), solid(200)}}
	e, clk := newTestExecutor(dev, ExecutorConfig{SettleTimeout: 5 * time.Second, SettleInterval: 100 * time.Millisecond})
	res, err := e.Execute(context.Background(), Key{Key: "back"}, testScreen(), Frame{})
	if err != nil {
		t.Fatal(err)
	}
	st := res.Settle
	if !st.Settled || st.Shots != 5 || st.LastDiff != 0 || st.Screenshot == nil {
		t.Errorf("settle = %+v; want settled after 5 shots", st)
	}
	// The first look comes after SettleInitial (5ms by default), then one
	// every SettleInterval.
	if st.Duration != 405*time.Millisecond || len(clk.slept) != 5 {
		t.Errorf("settle took %v with sleeps %v; want 405ms", st.Duration, clk.slept)
	}

	// A screen that never holds still: the loop is bounded by the timeout.
	var frames []image.Image
	for i := 0; i < 100; i++ {
		frames = append(frames, solid(uint8(i*50)))
	}
	dev = &recDevice{shots: frames}
	e, _ = newTestExecutor(dev, ExecutorConfig{SettleTimeout: time.Second, SettleInterval: 100 * time.Millisecond})
	res, _ = e.Execute(context.Background(), Key{Key: "back"}, testScreen(), Frame{})
	if res.Settle.Settled || res.Settle.Shots > 11 || res.Settle.Duration > time.Second {
		t.Errorf("unsettled screen = %+v; want a bounded, unsettled wait", res.Settle)
	}

	// An injected diff decides.
	calls := 0
	dev = &recDevice{shots: []image.Image{solid(1), solid(2)}}
	e, _ = newTestExecutor(dev, ExecutorConfig{SettleTimeout: time.Second, Diff: func(a, b image.Image) float64 { calls++; return 0 }})
	res, _ = e.Execute(context.Background(), Key{Key: "home"}, testScreen(), Frame{})
	if !res.Settle.Settled || calls != 1 {
		t.Errorf("custom diff: settled %v after %d calls", res.Settle.Settled, calls)
	}

	// Screenshot failure ends settling without failing the action.
	dev = &recDevice{}
	e, _ = newTestExecutor(dev, ExecutorConfig{SettleTimeout: time.Second})
	res, err = e.Execute(context.Background(), Key{Key: "home"}, testScreen(), Frame{})
	if err != nil || res.Settle.Err == nil || res.Settle.Settled {
		t.Errorf("screenshot failure: %+v %v", res.Settle, err)
	}
}

func TestSampleDiff(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 640, 640))
	b := image.NewRGBA(image.Rect(0, 0, 640, 640))
	if d := SampleDiff(a, b); d != 0 {
		t.Errorf("identical = %v", d)
	}
	for y := 0; y < 320; y++ {
		for x := 0; x < 640; x++ {
			b.Set(x, y, color.White)
		}
	}
	if d := SampleDiff(a, b); d < 0.45 || d > 0.55 {
		t.Errorf("half changed = %v", d)
	}
	if d := SampleDiff(a, image.NewRGBA(image.Rect(0, 0, 10, 10))); d != 1 {
		t.Errorf("different sizes = %v", d)
	}
}
