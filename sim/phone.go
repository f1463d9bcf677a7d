package sim

import (
	"errors"
	"fmt"
	"image"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mobagent/mobagent/sim/shell"
	"github.com/mobagent/mobagent/sim/vfs"
)

// Rect is a rectangle in screen pixels.
type Rect = image.Rectangle

// Config describes a virtual phone. The zero value is a 1080×2400 phone at
// 420 dpi.
type Config struct {
	Width, Height int
	Density       int
	Font          FontChoice
	// Model, Name and Device fill ro.product.model, .name and .device.
	Model, Name, Device string
	// Serial is what `getprop ro.serialno` prints.
	Serial string
	// Now is the phone's wall clock shown in the status bar. It does not
	// advance by itself, which keeps frames deterministic.
	Now time.Time
	// NoADBKeyboard leaves out the ADBKeyboard IME, so non-ASCII text cannot
	// be typed (as on a phone without it).
	NoADBKeyboard bool
	// Vendor, when set, names the system apps as that phone maker does
	// (VendorXiaomi: com.android.calendar, com.android.mms, com.miui.notes,
	// …); empty keeps the phone's own names. See Vendors.
	Vendor string
}

func (c *Config) fill() {
	if c.Width == 0 {
		c.Width = 1080
	}
	if c.Height == 0 {
		c.Height = 2400
	}
	if c.Density == 0 {
		c.Density = 420
	}
	if c.Model == "" {
		c.Model = "mobagent Virtual Phone"
	}
	if c.Name == "" {
		c.Name = "mobsim"
	}
	if c.Device == "" {
		c.Device = "mobsim"
	}
	if c.Serial == "" {
		c.Serial = "MOBSIM0001"
	}
	if c.Now.IsZero() {
		c.Now = time.Date(2026, 6, 12, 9, 41, 0, 0, time.UTC)
	}
}

// InputEvent is one entry of the phone's input log, for checkers.
type InputEvent struct {
	Seq     int    `json:"seq"`
	Kind    string `json:"kind"` // tap, long_press, swipe, text, key
	X       int    `json:"x,omitempty"`
	Y       int    `json:"y,omitempty"`
	X2      int    `json:"x2,omitempty"`
	Y2      int    `json:"y2,omitempty"`
	Text    string `json:"text,omitempty"`
	Key     string `json:"key,omitempty"`
	Package string `json:"package"`
	// Hit describes the element the event landed on, if any.
	Hit string `json:"hit,omitempty"`
}

// Phone is one virtual phone. All methods are safe for concurrent use; input
// is serialised by the phone's lock, as a real touch screen serialises it.
type Phone struct {
	mu       sync.Mutex
	cfg      Config
	fonts    *fontSet
	stack    []*Activity
	home     *Activity
	recents  []string // packages, most recent first
	settings map[string]map[string]string
	disabled map[string]bool // uninstalled registered apps
	appState map[string]any  // per-app state for `mobsim state`, by package
	fs       *vfs.FS
	sh       *shell.Shell
	keyboard bool
	kbShift  bool
	toast    string
	inputLog []InputEvent
	seq      int

	// loadTicks is how many observations a loading screen shows its spinner.
	loadTicks int
	// opened lists packages in the order they were brought to the front.
	opened []string
	// notifications, newest last; shadeOpen when the shade is pulled down.
	notifications []*notification
	notifySeq     int
	shadeOpen     bool
	// grants holds runtime permission answers by package and permission.
	grants map[string]map[string]string

	// Cached frame: rebuilt only after a state change.
	version   int
	frameVer  int
	frame     *image.RGBA
	pngVer    int
	pngBytes  []byte
	dumpVer   int
	dumpBytes []byte
}

// NewPhone builds a phone showing its home screen.
func NewPhone(cfg Config) (*Phone, error) {
	cfg.fill()
	if cfg.Width < 240 || cfg.Height < 320 || cfg.Width > 4096 || cfg.Height > 4096 {
		return nil, fmt.Errorf("sim: screen size %dx%d is out of range: use 240x320 to 4096x4096", cfg.Width, cfg.Height)
	}
	if cfg.Density < 120 || cfg.Density > 800 {
		return nil, fmt.Errorf("sim: density %d is out of range: use 120 to 800 (420 is a typical phone)", cfg.Density)
	}
	if err := checkVendor(cfg.Vendor); err != nil {
		return nil, err
	}
	fonts, err := loadFontSet(cfg.Font)
	if err != nil {
		return nil, err
	}
	p := &Phone{cfg: cfg, fonts: fonts}
	now := cfg.Now
	p.fs = vfs.NewWithConfig(vfs.Config{Now: func() time.Time { return now }})
	p.resetLocked()
	p.sh = newPhoneShell(p)
	return p, nil
}

// Reset puts the phone back to how NewPhone built it: home screen, default
// content, settings, installed apps, files, notifications, input log and
// clock, so that nothing of a previous task is left. The configuration
// (size, density, fonts) stays. Shell sessions under way keep running on
// the same (now empty) file system.
func (p *Phone) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fs.Reset()
	p.resetLocked()
}

// resetLocked sets every field NewPhone sets except cfg, fonts, fs and sh.
// Callers hold p.mu (or own p alone).
func (p *Phone) resetLocked() {
	cfg := p.cfg
	p.stack = nil
	p.recents = nil
	p.settings = map[string]map[string]string{
		"system": {"screen_brightness": "128", "screen_brightness_mode": "0", "font_scale": "1.0"},
		"secure": {"ui_night_mode": "1", "default_input_method": "com.android.inputmethod.latin/.LatinIME", "lockscreen.password_type": "0"},
		"global": {"wifi_on": "1", "bluetooth_on": "0", "airplane_mode_on": "0", "adb_enabled": "1", "development_settings_enabled": "0"},
	}
	p.disabled = map[string]bool{}
	if !cfg.NoADBKeyboard {
		p.settings["secure"]["default_input_method"] = adbKeyboardIME
	}
	p.home = launcherActivity()
	p.appState = map[string]any{}
	p.keyboard, p.kbShift = false, false
	p.toast = ""
	p.inputLog = nil
	p.seq = 0
	p.loadTicks = 2
	p.opened = nil
	p.notifications = nil
	p.notifySeq = 0
	p.shadeOpen = false
	p.grants = map[string]map[string]string{}
	for _, app := range RegisteredApps() {
		if app.Optional {
			p.disabled[app.Package] = true
		}
		if app.NewData != nil {
			p.appState[app.Package] = app.NewData(p)
		}
	}
	p.vendorReset()
	// Cached frames belong to the old state.
	p.frame, p.pngBytes, p.dumpBytes = nil, nil, nil
	p.changed()
}

// Config returns the phone's configuration.
func (p *Phone) Config() Config { return p.cfg }

// now is the phone's virtual clock: the configured time plus one second per
// input event, so that what apps record (a message's time) is deterministic.
func (p *Phone) now() time.Time { return p.cfg.Now.Add(time.Duration(p.seq) * time.Second) }

// observed counts one observation (screenshot or dump) of a loading screen.
// Callers hold p.mu.
func (p *Phone) observed() {
	a := p.top()
	if a.Loading > 0 {
		a.Loading--
		if a.Loading == 0 {
			p.changed()
		}
	}
}

// startLoading makes a show its loading state for the next observations.
func (p *Phone) startLoading(a *Activity) {
	a.Loading = p.loadTicks
	p.changed()
}

// changed marks the state as modified so the next frame is rebuilt. Callers
// hold p.mu.
func (p *Phone) changed() { p.version++ }

// Theme returns the current theme.
func (p *Phone) Theme() Theme {
	return newTheme(p.cfg.Density, p.settings["secure"]["ui_night_mode"] == "2")
}

// Dark reports whether dark mode is on.
func (p *Phone) Dark() bool { return p.settings["secure"]["ui_night_mode"] == "2" }

// top is the foreground activity (the launcher when the stack is empty).
func (p *Phone) top() *Activity {
	if len(p.stack) == 0 {
		return p.home
	}
	return p.stack[len(p.stack)-1]
}

// Foreground returns the focused package and activity class.
func (p *Phone) Foreground() (pkg, activity string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.top()
	return a.App.Package, a.ClassName()
}

// Push opens an activity on top of the stack. Apps call it from handlers,
// with the phone's lock held.
func (p *Phone) Push(a *Activity) {
	if a.Scroll == nil {
		a.Scroll = map[string]int{}
	}
	p.stack = append(p.stack, a)
	p.keyboard = a.Focus != "" // a screen that opens focused shows the keyboard
	p.noteRecent(a.App.Package)
	p.changed()
}

// Replace swaps the top activity for a (as a finish-and-start does).
func (p *Phone) Replace(a *Activity) {
	if len(p.stack) > 0 {
		p.stack = p.stack[:len(p.stack)-1]
	}
	p.Push(a)
}

// Finish closes the top activity, returning to the one below or home.
func (p *Phone) Finish() {
	if len(p.stack) > 0 {
		p.stack = p.stack[:len(p.stack)-1]
	}
	p.keyboard = false
	p.changed()
}

// Toast shows a short message over the screen until the next input.
func (p *Phone) Toast(msg string) {
	p.toast = msg
	p.changed()
}

// Setting reads a settings value ("system", "secure" or "global").
func (p *Phone) Setting(ns, key string) string { return p.settings[ns][key] }

// SetSetting writes a settings value; handlers call it with the lock held.
func (p *Phone) SetSetting(ns, key, value string) {
	if p.settings[ns] == nil {
		p.settings[ns] = map[string]string{}
	}
	p.settings[ns][key] = value
	p.changed()
}

func (p *Phone) noteRecent(pkg string) {
	out := []string{pkg}
	for _, r := range p.recents {
		if r != pkg {
			out = append(out, r)
		}
	}
	p.recents = out
}

// Installed lists the installed apps, sorted by label.
func (p *Phone) Installed() []*App {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.installed()
}

func (p *Phone) installed() []*App {
	var out []*App
	for _, a := range RegisteredApps() {
		if !p.disabled[a.Package] {
			out = append(out, a)
		}
	}
	return out
}

// Launch starts pkg's main activity, bringing it to the front as a launcher
// tap does. An app already on the stack is resumed where it was.
func (p *Phone) Launch(pkg string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.launch(pkg)
}

func (p *Phone) launch(pkg string) error {
	app := lookupApp(pkg)
	if app == nil || p.disabled[pkg] {
		return fmt.Errorf("%w: %s", errNoPackage, pkg)
	}
	if app == p.home.App {
		p.goHome()
		return nil
	}
	// Bring the app's existing activities to the front; others stay below.
	var mine, others []*Activity
	for _, a := range p.stack {
		if a.App == app {
			mine = append(mine, a)
		} else {
			others = append(others, a)
		}
	}
	p.opened = append(p.opened, pkg)
	p.shadeOpen = false
	if len(mine) == 0 {
		p.stack = others
		p.Push(app.Launch(p))
		return nil
	}
	p.stack = append(others, mine...)
	p.keyboard = false
	p.noteRecent(pkg)
	p.changed()
	return nil
}

// StartActivity starts a named activity of pkg. Only main activities can be
// started from outside an app.
func (p *Phone) StartActivity(pkg, activity string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	app := lookupApp(pkg)
	if app == nil || p.disabled[pkg] {
		return fmt.Errorf("%w: %s", errNoPackage, pkg)
	}
	want := activity
	if strings.HasPrefix(want, ".") {
		want = pkg + want
	}
	main := app.MainActivity
	if strings.HasPrefix(main, ".") {
		main = pkg + main
	}
	if want != main && activity != "" {
		return fmt.Errorf("%w: %s/%s", errNoActivity, pkg, activity)
	}
	return p.launch(pkg)
}

// ForceStop removes every activity of pkg.
func (p *Phone) ForceStop(pkg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var keep []*Activity
	for _, a := range p.stack {
		if a.App.Package != pkg {
			keep = append(keep, a)
		}
	}
	p.stack = keep
	p.keyboard = false
	p.changed()
}

func (p *Phone) goHome() {
	p.stack = nil
	p.shadeOpen = false
	p.keyboard = false
	p.changed()
}

// Uninstall removes an app; system apps refuse.
func (p *Phone) Uninstall(pkg string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.uninstall(pkg)
}

func (p *Phone) uninstall(pkg string) error {
	app := lookupApp(pkg)
	if app == nil || p.disabled[pkg] {
		return fmt.Errorf("%w: %s", errNoPackage, pkg)
	}
	if app.System {
		return fmt.Errorf("sim: %s is a system app and cannot be uninstalled", pkg)
	}
	p.disabled[pkg] = true
	p.dropNotifications(pkg)
	var keep []*Activity
	for _, a := range p.stack {
		if a.App != app {
			keep = append(keep, a)
		}
	}
	p.stack = keep
	p.changed()
	return nil
}

// Install makes a registered app available again.
func (p *Phone) Install(pkg string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.install(pkg)
}

func (p *Phone) install(pkg string) error {
	if lookupApp(pkg) == nil {
		return fmt.Errorf("%w: %s", errNoPackage, pkg)
	}
	delete(p.disabled, pkg)
	p.changed()
	return nil
}

// Frame returns the current screen. The image is shared and must not be
// modified.
func (p *Phone) Frame() *image.RGBA {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.observed()
	return p.frameLocked()
}

func (p *Phone) frameLocked() *image.RGBA {
	if p.frame != nil && p.frameVer == p.version {
		return p.frame
	}
	p.frame = p.render()
	p.frameVer = p.version
	return p.frame
}

// ScreenshotPNG encodes the current screen as PNG, as `screencap -p` does.
func (p *Phone) ScreenshotPNG() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.observed()
	if p.pngBytes != nil && p.pngVer == p.version {
		return p.pngBytes
	}
	p.pngBytes = encodePNG(p.frameLocked())
	p.pngVer = p.version
	return p.pngBytes
}

// InputLog returns a copy of the input log.
func (p *Phone) InputLog() []InputEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]InputEvent(nil), p.inputLog...)
}

func (p *Phone) logInput(ev InputEvent) {
	p.seq++
	ev.Seq = p.seq
	ev.Package = p.top().App.Package
	p.inputLog = append(p.inputLog, ev)
	if len(p.inputLog) > 10000 {
		p.inputLog = p.inputLog[len(p.inputLog)-10000:]
	}
}

// Settings returns a copy of every settings namespace.
func (p *Phone) Settings() map[string]map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]map[string]string{}
	for ns, kv := range p.settings {
		out[ns] = map[string]string{}
		for k, v := range kv {
			out[ns][k] = v
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// asErr is errors.As for a typed target.
func asErr[T error](err error, target *T) bool { return errors.As(err, target) }
