package actions_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/internal/adbtest"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/adbd"
	"github.com/mobagent/mobagent/sim/vfs"
)

// End-to-end tests of the executor: actions go through device/adb, a real adb
// server and the virtual phone's ADB daemon, and the phone says what they did.

const (
	settingsPkg = "com.android.settings"
	messagesPkg = "com.google.android.apps.messaging"
	contactsPkg = "com.google.android.contacts"
	chromePkg   = "com.android.chrome"
	launcherPkg = "com.android.launcher3"
)

// swapBackend serves whichever phone the test put in it last, so a test can
// start every tap from a fresh phone without reconnecting adb. It counts the
// shell commands and sync sessions it serves: every device call.
type swapBackend struct {
	phone atomic.Pointer[sim.Phone]
	calls atomic.Int64
}

var _ adbd.Backend = (*swapBackend)(nil)

func (b *swapBackend) Props() map[string]string { return b.phone.Load().Props() }

func (b *swapBackend) Shell(ctx context.Context, cmdline string, stdin io.Reader, stdout, stderr io.Writer) int {
	b.calls.Add(1)
	return b.phone.Load().Shell(ctx, cmdline, stdin, stdout, stderr)
}

func (b *swapBackend) FS() *vfs.FS {
	b.calls.Add(1)
	return b.phone.Load().FS()
}

// rig is a virtual phone behind a private adb server, reached through
// device/adb.
type rig struct {
	backend *swapBackend
	dev     *adb.Device
}

func newRig(t testing.TB) *rig {
	t.Helper()
	srv := adbtest.StartServer(t)
	b := &swapBackend{}
	b.phone.Store(newPhone(t))
	ln := adbtest.Listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&adbd.Server{Backend: b}).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	addr := ln.Addr().String()
	srv.Connect(t, addr)
	c, err := adb.NewClient(adb.Config{Server: "127.0.0.1:" + strconv.Itoa(srv.Port), CallTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Device(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	return &rig{backend: b, dev: d}
}

func (r *rig) phone() *sim.Phone { return r.backend.phone.Load() }

// use puts p behind the daemon.
func (r *rig) use(p *sim.Phone) { r.backend.phone.Store(p) }

// perceive observes the screen as an agent does, from the hierarchy alone.
// The hierarchy and the foreground app come through adb; the screenshot is
// the phone's frame, taken in process, because screencap through adb costs
// seconds under -race and carries nothing the mapping uses. (Settling and
// BenchmarkExecuteTapADB take screenshots through adb.)
func (r *rig) perceive(t testing.TB) *perception.Screen {
	t.Helper()
	s, err := (&perception.Perceiver{NoVision: true}).Perceive(context.Background(), frameSource{r}, perception.PerceiveOptions{OCR: perception.OCRNever})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) > 0 {
		t.Fatalf("perception warnings: %q", s.Warnings)
	}
	return s
}

// frameSource is the rig's device with an in-process screenshot.
type frameSource struct{ r *rig }

func (f frameSource) Screenshot(ctx context.Context) (image.Image, error) {
	return f.r.phone().Frame(), nil
}

func (f frameSource) ViewHierarchy(ctx context.Context) ([]byte, error) {
	return f.r.dev.ViewHierarchy(ctx)
}

func (f frameSource) Foreground(ctx context.Context) (device.Foreground, error) {
	return f.r.dev.Foreground(ctx)
}

func newPhone(t testing.TB) *sim.Phone {
	t.Helper()
	p, err := sim.NewPhone(sim.Config{Font: sim.FontGo})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// steady dumps the screen until it stops changing (a loading screen shows
// its spinner for a few observations) and returns the dump.
func steady(t testing.TB, p *sim.Phone) []byte {
	t.Helper()
	prev := p.DumpXML()
	for range 10 {
		cur := p.DumpXML()
		if string(cur) == string(prev) {
			return cur
		}
		prev = cur
	}
	t.Fatal("the screen is still changing after 10 dumps")
	return nil
}

// elementsOf parses the phone's current screen as perception does.
func elementsOf(t testing.TB, p *sim.Phone) []perception.Element {
	t.Helper()
	h, err := perception.ParseHierarchy(steady(t, p), perception.HierarchyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return h.Elements
}

// tapLabel taps, in process, the centre of the element whose label starts
// with label: how the tests walk to the screen under test.
func tapLabel(t testing.TB, p *sim.Phone, label string) {
	t.Helper()
	for _, e := range elementsOf(t, p) {
		if strings.HasPrefix(e.Label(), label) {
			c := e.Center()
			if err := p.Tap(c.X, c.Y); err != nil {
				t.Fatal(err)
			}
			steady(t, p)
			return
		}
	}
	t.Fatalf("no element labelled %q on screen", label)
}

func launch(t testing.TB, p *sim.Phone, pkg string) {
	t.Helper()
	if err := p.Launch(pkg); err != nil {
		t.Fatal(err)
	}
	steady(t, p)
}

func lastInput(t testing.TB, p *sim.Phone) sim.InputEvent {
	t.Helper()
	log := p.InputLog()
	if len(log) == 0 {
		t.Fatal("the phone's input log is empty")
	}
	return log[len(log)-1]
}

// screenCase brings a fresh phone to one screen, in process.
type screenCase struct {
	name  string
	setup func(t testing.TB, p *sim.Phone)
}

var tapScreens = []screenCase{
	{"settings main list", func(t testing.TB, p *sim.Phone) { launch(t, p, settingsPkg) }},
	{"settings toggles", func(t testing.TB, p *sim.Phone) {
		launch(t, p, settingsPkg)
		tapLabel(t, p, "Network & internet")
	}},
	{"messages conversation list", func(t testing.TB, p *sim.Phone) { launch(t, p, messagesPkg) }},
	{"contacts list", func(t testing.TB, p *sim.Phone) { launch(t, p, contactsPkg) }},
	{"chrome new tab", func(t testing.TB, p *sim.Phone) { launch(t, p, chromePkg) }},
	{"settings scrolled part-way", func(t testing.TB, p *sim.Phone) {
		launch(t, p, settingsPkg)
		// Not a whole number of rows, so rows are cut at both edges.
		if err := p.Swipe(540, 1800, 540, 1500, time.Second); err != nil {
			t.Fatal(err)
		}
		steady(t, p)
	}},
	{"messages thread with keyboard", func(t testing.TB, p *sim.Phone) {
		launch(t, p, messagesPkg)
		tapLabel(t, p, "Alex Morgan")
		tapLabel(t, p, "Text message")
	}},
	{"force stop dialog", func(t testing.TB, p *sim.Phone) {
		launch(t, p, settingsPkg)
		tapLabel(t, p, "Apps")
		tapLabel(t, p, "Chrome")
		tapLabel(t, p, "Force stop")
	}},
}

// modelTap is one way a model names the element to tap.
type modelTap struct {
	name  string
	tap   actions.Tap
	frame actions.Frame
}

// modelTaps returns the taps a model could give for e: its mark number, and
// for each set-of-mark image, the image pixel over its centre and the centre
// of its box as drawn (a fractional pixel).
func modelTaps(e perception.Element, scales []perception.Scale) []modelTap {
	taps := []modelTap{{"mark", actions.Tap{Target: actions.Target{Element: e.ID}}, actions.Frame{}}}
	for _, sc := range scales {
		f := actions.FrameFromScale(sc)
		px := sc.FromDevice(e.Center())
		box := sc.RectFromDevice(e.Bounds)
		mid := actions.Point{X: float64(box.Min.X+box.Max.X) / 2, Y: float64(box.Min.Y+box.Max.Y) / 2, Space: actions.SpacePixels}
		taps = append(taps,
			modelTap{fmt.Sprintf("%dx%d image, pixel %v", sc.ToW, sc.ToH, px), actions.Tap{Target: actions.Target{Point: &actions.Point{X: float64(px.X), Y: float64(px.Y), Space: actions.SpacePixels}}}, f},
			modelTap{fmt.Sprintf("%dx%d image, box centre (%g,%g)", sc.ToW, sc.ToH, mid.X, mid.Y), actions.Tap{Target: actions.Target{Point: &mid}}, f})
	}
	return taps
}

// TestTapOnDownscaledMarksLandsOnTheElement: for every element of several
// screens, a tap given by mark number or by a point in the set-of-mark image
// downscaled to 50% (and, for an uneven ratio, to 1000 px high) lands,
// through adb, on that element. Each tap starts from a fresh phone showing
// the perceived screen.
func TestTapOnDownscaledMarksLandsOnTheElement(t *testing.T) {
	r := newRig(t)
	ex := actions.NewExecutor(r.dev, actions.ExecutorConfig{SettleTimeout: -1})
	ctx := context.Background()
	for _, sc := range tapScreens {
		t.Run(sc.name, func(t *testing.T) {
			fresh := func() []byte {
				p := newPhone(t)
				sc.setup(t, p)
				r.use(p)
				return steady(t, p)
			}
			want := fresh()
			screen := r.perceive(t)
			if len(screen.Elements) < 3 {
				t.Fatalf("only %d elements on screen", len(screen.Elements))
			}
			img, half, err := perception.DrawMarks(screen.Image, screen.Elements, perception.MarkOptions{MaxSide: 1200})
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got != image.Pt(540, 1200) || half != (perception.Scale{FromW: 1080, FromH: 2400, ToW: 540, ToH: 1200}) {
				t.Fatalf("set-of-mark image %v, scale %+v; want 540x1200, half of 1080x2400", got, half)
			}
			// An uneven ratio too: the Scale of MarkOptions{MaxSide: 1000}.
			// Only the Scale matters here, and drawing costs most of a
			// second under -race.
			scales := []perception.Scale{half, {FromW: 1080, FromH: 2400, ToW: 450, ToH: 1000}}
			for _, e := range screen.Elements {
				hits := map[string]bool{}
				for _, mt := range modelTaps(e, scales) {
					if got := fresh(); string(got) != string(want) {
						t.Fatalf("a fresh phone shows another screen than the one perceived:\n%s\nwant:\n%s", got, want)
					}
					n := len(r.phone().InputLog())
					res, err := ex.Execute(ctx, mt.tap, screen, mt.frame)
					if err != nil {
						t.Fatalf("element %d %q, %s: %v", e.ID, e.Label(), mt.name, err)
					}
					if got := len(r.phone().InputLog()) - n; got != 1 {
						t.Fatalf("element %d %q, %s: the phone got %d input events; want one tap", e.ID, e.Label(), mt.name, got)
					}
					ev := lastInput(t, r.phone())
					hits[ev.Hit] = true
					if msg := landedOn(ev, res, e, screen); msg != "" {
						t.Errorf("element %d %q (bounds %v), %s: %s", e.ID, e.Label(), e.Bounds, mt.name, msg)
					}
				}
				if len(hits) != 1 {
					t.Errorf("element %d %q: the ways of naming it hit different things: %q", e.ID, e.Label(), keys(hits))
				}
			}
		})
	}
}

// landedOn says what is wrong with ev as the tap res made on e, or "".
func landedOn(ev sim.InputEvent, res actions.Result, e perception.Element, s *perception.Screen) string {
	at := image.Pt(ev.X, ev.Y)
	switch {
	case ev.Kind != "tap":
		return fmt.Sprintf("the phone's last input is a %s, not a tap", ev.Kind)
	case res.Point == nil || *res.Point != at:
		return fmt.Sprintf("the executor reports a tap at %v; the phone got one at %v", res.Point, at)
	case !at.In(e.Bounds.Intersect(image.Rect(0, 0, s.Width, s.Height))):
		return fmt.Sprintf("the tap at %v is outside the element (it hit %s)", at, ev.Hit)
	case (e.Clickable || e.Editable) && !hitNames(ev.Hit, e):
		return fmt.Sprintf("the tap at %v hit %s, not the element", at, ev.Hit)
	}
	return ""
}

// hitNames reports whether the phone's description of the node a tap hit
// (resource-id, then quoted label, else class) names e.
func hitNames(hit string, e perception.Element) bool {
	if e.ResourceID != "" {
		rest, ok := strings.CutPrefix(hit, e.ResourceID)
		return ok && (rest == "" || rest[0] == ' ')
	}
	if hit == e.Class {
		return true
	}
	for _, l := range []string{e.Text, e.ContentDesc} {
		if l != "" && strings.Contains(hit, strconv.Quote(l)) {
			return true
		}
	}
	return false
}

func keys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// fieldText reads the text of the node with resource-id id from a dump
// taken through adb, exactly as the dump gives it.
func fieldText(t testing.TB, r *rig, id string) string {
	t.Helper()
	dump, err := r.dev.ViewHierarchy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type node struct {
		Text  string `xml:"text,attr"`
		ID    string `xml:"resource-id,attr"`
		Nodes []node `xml:"node"`
	}
	var h struct {
		Nodes []node `xml:"node"`
	}
	if err := xml.Unmarshal(dump, &h); err != nil {
		t.Fatalf("dump is not XML: %v", err)
	}
	var found []string
	var walk func([]node)
	walk = func(ns []node) {
		for _, n := range ns {
			if n.ID == id {
				found = append(found, n.Text)
			}
			walk(n.Nodes)
		}
	}
	walk(h.Nodes)
	if len(found) != 1 {
		t.Fatalf("%d nodes with resource-id %s in the dump", len(found), id)
	}
	return found[0]
}

func elementByID(t testing.TB, s *perception.Screen, id string) perception.Element {
	t.Helper()
	for _, e := range s.Elements {
		if e.ResourceID == id {
			return e
		}
	}
	t.Fatalf("no element %s on screen", id)
	return perception.Element{}
}

// sdcard lists /sdcard through adb.
func sdcard(t testing.TB, r *rig) string {
	t.Helper()
	res, err := r.dev.Shell(context.Background(), "ls", "/sdcard/")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("ls /sdcard: %v %+v", err, res)
	}
	return string(res.Stdout)
}

// hostile is typed text that a shell would act on if it ever reached one
// unquoted. (The phone's shell has mkdir but no touch.)
const hostile = `Hi "Bob" & 'Al': it's $5 $HOME ${PATH} $(touch /sdcard/pwned) ` + "`touch /sdcard/pwned2`" +
	` ; mkdir /sdcard/pwned3 && mkdir /sdcard/pwned4 | cat > /sdcard/pwned5 ; echo >/sdcard/pwned6 \ 100% %s *.txt ~ #no !! {a,b}  two  spaces `

// TestTypeHostileTextArrivesIntactAndRunsNothing types shell metacharacters
// into real fields through the executor and adb, reads each field back from
// the dump, and checks that no command in the text ran.
func TestTypeHostileTextArrivesIntactAndRunsNothing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()

	// Controls: the phone's shell runs what follows ; && | and > when it
	// reaches it unquoted, and refuses a whole line holding $(...) or
	// backticks, so typed text that leaked into shell syntax would either
	// leave files behind or fail to arrive.
	if res, err := r.dev.ShellLine(ctx, "echo a; mkdir /sdcard/ctl1 && echo b | cat > /sdcard/ctl2"); err != nil || res.ExitCode != 0 {
		t.Fatalf("control command: %v %+v", err, res)
	}
	if ls := sdcard(t, r); !strings.Contains(ls, "ctl1") || !strings.Contains(ls, "ctl2") {
		t.Fatalf("the control commands left no files; ls /sdcard:\n%s", ls)
	}
	for _, line := range []string{"echo $(touch /sdcard/ctl3)", "echo `touch /sdcard/ctl3`"} {
		if res, err := r.dev.ShellLine(ctx, line); err != nil || res.ExitCode == 0 {
			t.Fatalf("control command %q: %v %+v; want a failure", line, err, res)
		}
	}

	ex := actions.NewExecutor(r.dev, actions.ExecutorConfig{SettleTimeout: -1})
	tests := []struct {
		name     string
		setup    func(t testing.TB, p *sim.Phone)
		field    string
		focusTap bool // the executor must tap the field before typing
	}{
		{"settings search (focused)", func(t testing.TB, p *sim.Phone) {
			launch(t, p, settingsPkg)
			tapLabel(t, p, "Search Settings")
		}, settingsPkg + ":id/search_src_text", false},
		{"messages compose (focus by tap)", func(t testing.TB, p *sim.Phone) {
			launch(t, p, messagesPkg)
			tapLabel(t, p, "Alex Morgan")
		}, messagesPkg + ":id/compose_message_text", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPhone(t)
			tt.setup(t, p)
			r.use(p)
			s := r.perceive(t)
			field := elementByID(t, s, tt.field)
			if !field.Editable || field.Focused == tt.focusTap {
				t.Fatalf("%s: editable %v, focused %v", tt.field, field.Editable, field.Focused)
			}
			res, err := ex.Execute(ctx, actions.Type{Text: hostile, Element: field.ID}, s, actions.Frame{})
			if err != nil {
				t.Fatal(err)
			}
			if tapped := len(res.Calls) > 0 && res.Calls[0].Op == "tap"; tapped != tt.focusTap {
				t.Errorf("calls %+v; want a focusing tap: %v", res.Calls, tt.focusTap)
			}
			if got := fieldText(t, r, tt.field); got != hostile {
				t.Errorf("the field holds\n%q\nwant\n%q", got, hostile)
			}
			for _, c := range res.Calls {
				if strings.Contains(c.Detail, "pwned") {
					t.Errorf("Result.Calls holds the typed text: %+v", c)
				}
			}
			if ls := sdcard(t, r); strings.Contains(ls, "pwned") {
				t.Errorf("typed text ran a command; ls /sdcard:\n%s", ls)
			}

			// Replacing the text clears what is there first.
			s = r.perceive(t)
			field = elementByID(t, s, tt.field)
			if _, err := ex.Execute(ctx, actions.Type{Text: "it's `ok` $(now)", Element: field.ID, Clear: true}, s, actions.Frame{}); err != nil {
				t.Fatal(err)
			}
			if got, want := fieldText(t, r, tt.field), "it's `ok` $(now)"; got != want {
				t.Errorf("after replacing, the field holds %q; want %q", got, want)
			}
		})
	}
}

// testClock is the executor's clock in these tests. Sleeping advances it at
// once, so settling compares screenshots back to back (the virtual phone
// applies input before its command returns), and the settle timeout counts
// sleeps, not the seconds a screenshot takes under -race.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

// settling is an executor configuration that waits for the screen to settle
// on a testClock.
func settling() actions.ExecutorConfig {
	c := &testClock{now: time.Date(2026, 6, 12, 9, 41, 0, 0, time.UTC)}
	return actions.ExecutorConfig{Now: c.Now, Sleep: c.Sleep}
}

// TestSwipeScrollsALongList scrolls the Settings list to its last row and
// back, by direction over the screen, inside the list element, and between
// two points of the downscaled image; and waits for the screen to settle
// after a swipe, with screenshots through adb.
func TestSwipeScrollsALongList(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ex := actions.NewExecutor(r.dev, actions.ExecutorConfig{SettleTimeout: -1})
	launch(t, r.phone(), settingsPkg)
	const last = "Tips & support"

	visible := func(s *perception.Screen, prefix string) bool {
		for _, e := range s.Elements {
			if strings.HasPrefix(e.Label(), prefix) {
				return true
			}
		}
		return false
	}
	// swipe executes a swipe and checks that the phone got it and that it
	// moved the list.
	swipe := func(t *testing.T, ex *actions.Executor, a actions.Swipe, s *perception.Screen, f actions.Frame) actions.Result {
		t.Helper()
		before := steady(t, r.phone())
		res, err := ex.Execute(ctx, a, s, f)
		if err != nil {
			t.Fatal(err)
		}
		ev := lastInput(t, r.phone())
		if ev.Kind != "swipe" || image.Pt(ev.X, ev.Y) != *res.Point || image.Pt(ev.X2, ev.Y2) != *res.End {
			t.Fatalf("the phone's last input is %+v; the executor reports a swipe %v -> %v", ev, res.Point, res.End)
		}
		if string(steady(t, r.phone())) == string(before) {
			t.Fatalf("%+v changed nothing on screen", a)
		}
		return res
	}
	// swipeUntil swipes until want shows.
	swipeUntil := func(t *testing.T, want string, next func(s *perception.Screen) actions.Swipe, f actions.Frame) {
		t.Helper()
		s := r.perceive(t)
		for i := 0; !visible(s, want); i++ {
			if i == 8 {
				t.Fatalf("%q is not on screen after %d swipes", want, i)
			}
			swipe(t, ex, next(s), s, f)
			s = r.perceive(t)
		}
	}

	t.Run("settles after a swipe", func(t *testing.T) {
		s := r.perceive(t)
		res := swipe(t, actions.NewExecutor(r.dev, settling()), actions.Swipe{Direction: actions.Up}, s, actions.Frame{})
		st := res.Settle
		img, err := st.LastScreenshot()
		if !st.Settled || st.Shots != 2 || st.Err != nil || err != nil || img == nil || img.Bounds().Size() != image.Pt(1080, 2400) || st.Screenshot != nil || st.Encoded == nil {
			t.Fatalf("settle = %+v (%v); want settled on the second screenshot, left encoded", st, err)
		}
		// Back to the top for the next subtests.
		for range 4 {
			if err := r.phone().Swipe(540, 600, 540, 2000, time.Second); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("up over the screen reaches the last row", func(t *testing.T) {
		if s := r.perceive(t); !visible(s, "Network & internet") || visible(s, last) {
			t.Fatal("the list does not start at the top")
		}
		swipeUntil(t, last, func(*perception.Screen) actions.Swipe { return actions.Swipe{Direction: actions.Up} }, actions.Frame{})
	})
	t.Run("down inside the list element returns to the top", func(t *testing.T) {
		swipeUntil(t, "Network & internet", func(s *perception.Screen) actions.Swipe {
			return actions.Swipe{Direction: actions.Down, Element: elementByID(t, s, settingsPkg+":id/recycler_view").ID}
		}, actions.Frame{})
	})
	t.Run("between points of the half-size image", func(t *testing.T) {
		f := actions.Frame{Image: image.Pt(540, 1200)}
		swipeUntil(t, last, func(*perception.Screen) actions.Swipe {
			return actions.Swipe{From: &actions.Point{X: 270, Y: 1000, Space: actions.SpacePixels}, To: &actions.Point{X: 270, Y: 400, Space: actions.SpacePixels}}
		}, f)
	})
}

// TestOpenAppAndKeys launches apps by label and presses back and home.
func TestOpenAppAndKeys(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ex := actions.NewExecutor(r.dev, actions.ExecutorConfig{SettleTimeout: -1})
	p := r.phone()
	if fg := p.State().Foreground; fg != launcherPkg {
		t.Fatalf("a new phone shows %s, not the home screen", fg)
	}
	// The launcher labels of the phone's apps, and a package name.
	for _, tt := range []struct{ label, pkg string }{
		{"Settings", settingsPkg},
		{"Messages", messagesPkg},
		{"Contacts", contactsPkg},
		{"Chrome", chromePkg},
		{"Clock", "com.google.android.deskclock"},
		{"Calendar", "com.google.android.calendar"},
		{"Photos", "com.google.android.apps.photos"},
		{"Play Store", "com.android.vending"},
		{"Joplin", "net.cozic.joplin"},
		{"PhotoNote", "com.mobagent.photonote"},
		{"Bank", "com.mobagent.bank"},
		{"Stocks", "com.mobagent.stocks"},
		{"messages", messagesPkg},
		{chromePkg, chromePkg},
	} {
		res, err := ex.Execute(ctx, actions.OpenApp{App: tt.label}, nil, actions.Frame{})
		if err != nil {
			t.Fatalf("open_app %q: %v", tt.label, err)
		}
		if st := p.State(); res.Package != tt.pkg || st.Foreground != tt.pkg {
			t.Errorf("open_app %q started %q; the phone shows %s, want %s", tt.label, res.Package, st.Foreground, tt.pkg)
		}
	}
	_, err := ex.Execute(ctx, actions.OpenApp{App: "No Such App"}, nil, actions.Frame{})
	if !errors.Is(err, device.ErrAppNotFound) {
		t.Errorf("open_app of a missing app: err = %v; want ErrAppNotFound", err)
	}

	if _, err := ex.Execute(ctx, actions.OpenApp{App: "Settings"}, nil, actions.Frame{}); err != nil {
		t.Fatal(err)
	}
	tapLabel(t, p, "Network & internet")
	if st := p.State(); st.Activity == "" || !strings.HasSuffix(st.Activity, ".SubSettings") {
		t.Fatalf("not on a settings page: %s", st.Activity)
	}
	if _, err := ex.Execute(ctx, actions.Key{Key: "back"}, nil, actions.Frame{}); err != nil {
		t.Fatal(err)
	}
	if st := p.State(); st.Foreground != settingsPkg || !strings.HasSuffix(st.Activity, ".Settings") {
		t.Errorf("after back the phone shows %s/%s; want the main Settings list", st.Foreground, st.Activity)
	}
	if _, err := ex.Execute(ctx, actions.Key{Key: "home"}, nil, actions.Frame{}); err != nil {
		t.Fatal(err)
	}
	if fg := p.State().Foreground; fg != launcherPkg {
		t.Errorf("after home the phone shows %s; want the launcher", fg)
	}
}

// TestTerminalActionsTouchNoDevice: done, ask_user, refuse (and wait) make
// no device call, not even a screenshot.
func TestTerminalActionsTouchNoDevice(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	launch(t, r.phone(), settingsPkg)
	s := r.perceive(t)
	// With settling on, an action that moved the screen would take screenshots.
	ex := actions.NewExecutor(r.dev, settling())
	for _, a := range []actions.Action{
		actions.Done{Status: actions.StatusSuccess, Answer: "$(touch /sdcard/pwned)"},
		actions.Done{Status: actions.StatusInfeasible},
		actions.AskUser{Question: "Which account?"},
		actions.AskUser{Question: "Send it?", Consent: true},
		actions.Refuse{Reason: "unsafe"},
		actions.Wait{Duration: time.Second},
	} {
		before, log := r.backend.calls.Load(), len(r.phone().InputLog())
		res, err := ex.Execute(ctx, a, s, actions.Frame{})
		if err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		if n := r.backend.calls.Load() - before; n != 0 || len(res.Calls) != 0 || len(r.phone().InputLog()) != log {
			t.Errorf("%T: %d adb commands, calls %+v", a, n, res.Calls)
		}
		if _, wait := a.(actions.Wait); res.Terminal == wait {
			t.Errorf("%T: Terminal = %v", a, res.Terminal)
		}
	}
	// The counter does count: a tap is at least one adb command.
	before := r.backend.calls.Load()
	tapper := actions.NewExecutor(r.dev, actions.ExecutorConfig{SettleTimeout: -1})
	if _, err := tapper.Execute(ctx, actions.Tap{Target: actions.Target{Element: 1}}, s, actions.Frame{}); err != nil {
		t.Fatal(err)
	}
	if r.backend.calls.Load() == before {
		t.Fatal("a tap made no adb command: the counter counts nothing")
	}
}

// BenchmarkExecuteTapADB measures a tap through the executor, device/adb, a
// real adb server and the virtual phone's daemon: device time included.
// "settle" adds the wait for the screen to stop changing with the sleeps
// removed: the screenshots it takes through adb (at least two).
func BenchmarkExecuteTapADB(b *testing.B) {
	r := newRig(b)
	launch(b, r.phone(), settingsPkg)
	s := r.perceive(b)
	// The title reacts to nothing, so every tap meets the same screen.
	title := elementByID(b, s, settingsPkg+":id/homepage_title")
	tap := actions.Tap{Target: actions.Target{Element: title.ID}}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		cfg  actions.ExecutorConfig
	}{
		{"tap", actions.ExecutorConfig{SettleTimeout: -1}},
		{"tap+settle", settling()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ex := actions.NewExecutor(r.dev, bc.cfg)
			b.ReportAllocs()
			n, shots := 0, 0
			for b.Loop() {
				res, err := ex.Execute(ctx, tap, s, actions.Frame{})
				if err != nil {
					b.Fatal(err)
				}
				n, shots = n+1, shots+res.Settle.Shots
			}
			b.ReportMetric(float64(shots)/float64(n), "screenshots/op")
		})
	}
}
