package sim

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"time"
	"unicode/utf8"
)

var (
	errNoPackage  = errors.New("unknown package")
	errNoActivity = errors.New("activity not found")
	// ErrOutside is returned for input outside the screen.
	ErrOutside = errors.New("sim: point is outside the screen")
)

// adbKeyboardIME is the ADBKeyboard input method, which types any Unicode
// text through a broadcast.
const adbKeyboardIME = "com.android.adbkeyboard/.AdbIME"

// hit finds the topmost node under pt that reacts to touch, searching
// children after their parents (later siblings draw on top).
func hit(n *Node, pt image.Point, clip Rect) *Node {
	if n == nil {
		return nil
	}
	if !n.Style.Clip.Empty() {
		clip = clip.Intersect(n.Style.Clip)
	}
	for i := len(n.Children) - 1; i >= 0; i-- {
		if h := hit(n.Children[i], pt, clip); h != nil {
			return h
		}
	}
	if pt.In(n.Bounds.Intersect(clip)) && !n.Disabled && (n.OnClick != nil || n.Field != nil || n.OnLongClick != nil || n.OnTapAt != nil) {
		return n
	}
	return nil
}

func scrollTarget(n *Node, pt image.Point, clip Rect) *Node {
	if n == nil {
		return nil
	}
	if !n.Style.Clip.Empty() {
		clip = clip.Intersect(n.Style.Clip)
	}
	for i := len(n.Children) - 1; i >= 0; i-- {
		if h := scrollTarget(n.Children[i], pt, clip); h != nil {
			return h
		}
	}
	if pt.In(n.Bounds.Intersect(clip)) && n.OnScroll != nil {
		return n
	}
	return nil
}

func describe(n *Node) string {
	if n == nil {
		return ""
	}
	parts := []string{}
	if n.ResourceID != "" {
		parts = append(parts, n.ResourceID)
	}
	if l := n.Label(); l != "" {
		parts = append(parts, fmt.Sprintf("%q", l))
	}
	if len(parts) == 0 {
		parts = append(parts, n.Class)
	}
	return strings.Join(parts, " ")
}

func (p *Phone) inside(x, y int) bool {
	return x >= 0 && y >= 0 && x < p.cfg.Width && y < p.cfg.Height
}

// Tap touches (x, y). A tap outside the screen is an error, as Android's input
// command drops it.
func (p *Phone) Tap(x, y int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inside(x, y) {
		p.logInput(InputEvent{Kind: "tap", X: x, Y: y, Hit: "outside"})
		return fmt.Errorf("%w: (%d, %d) on a %dx%d screen", ErrOutside, x, y, p.cfg.Width, p.cfg.Height)
	}
	p.touch(x, y, false)
	return nil
}

// LongPress holds (x, y); a node with no long-press handler gets a click on
// release, as on Android.
func (p *Phone) LongPress(x, y int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inside(x, y) {
		return fmt.Errorf("%w: (%d, %d) on a %dx%d screen", ErrOutside, x, y, p.cfg.Width, p.cfg.Height)
	}
	p.touch(x, y, true)
	return nil
}

func (p *Phone) touch(x, y int, long bool) {
	kind := "tap"
	if long {
		kind = "long_press"
	}
	pt := image.Pt(x, y)
	sc := p.buildScene()
	screen := image.Rect(0, 0, p.cfg.Width, p.cfg.Height)
	p.toast = ""
	var target *Node
	for i := len(sc.system) - 1; i >= 0 && target == nil; i-- {
		target = hit(sc.system[i], pt, screen)
	}
	if target == nil && sc.shade != nil {
		target = hit(sc.shade, pt, screen)
		if target == nil {
			// Touching below the panel closes the shade.
			p.shadeOpen = false
			p.changed()
			p.logInput(InputEvent{Kind: kind, X: x, Y: y, Hit: "notification shade outside"})
			return
		}
		p.logInput(InputEvent{Kind: kind, X: x, Y: y, Hit: describe(target)})
		p.changed()
		if target.OnClick != nil {
			target.OnClick(p)
		}
		return
	}
	if target == nil && sc.keyboard != nil {
		target = hit(sc.keyboard, pt, screen)
		if target == nil && pt.In(sc.kbRect) {
			p.logInput(InputEvent{Kind: kind, X: x, Y: y, Hit: "keyboard"})
			return
		}
	}
	a := p.top()
	if target == nil && sc.dialog != nil {
		target = hit(sc.dialog, pt, screen)
		if target == nil {
			if !pt.In(sc.dialog.Bounds) {
				// Touching outside a dialog cancels it.
				a.Dialog = nil
				p.changed()
			}
			where := "dialog (nothing tappable)"
			if !pt.In(sc.dialog.Bounds) {
				where = "outside dialog (cancelled it)"
			}
			p.logInput(InputEvent{Kind: kind, X: x, Y: y, Hit: where})
			return
		}
	}
	if target == nil && sc.dialog == nil {
		target = hit(sc.app, pt, screen)
	}
	p.logInput(InputEvent{Kind: kind, X: x, Y: y, Hit: describe(target)})
	p.changed()
	if target == nil {
		return
	}
	switch {
	case target.Field != nil:
		a.Focus = target.ResourceID
		p.keyboard = true
		if long && target.OnLongClick != nil {
			target.OnLongClick(p)
		}
	case long && target.OnLongClick != nil:
		target.OnLongClick(p)
	case target.OnTapAt != nil:
		target.OnTapAt(p, pt)
	case target.OnClick != nil:
		target.OnClick(p)
	}
}

// Swipe drags from (x1, y1) to (x2, y2) over d. A vertical drag on a
// scrollable view scrolls it; a fast drag flings further. A drag down from the
// status bar is reserved for the notification shade.
func (p *Phone) Swipe(x1, y1, x2, y2 int, d time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.inside(x1, y1) {
		return fmt.Errorf("%w: swipe start (%d, %d) on a %dx%d screen", ErrOutside, x1, y1, p.cfg.Width, p.cfg.Height)
	}
	x2 = max(0, min(x2, p.cfg.Width-1))
	y2 = max(0, min(y2, p.cfg.Height-1))
	sc := p.buildScene()
	p.toast = ""
	t := p.Theme()
	switch {
	case !p.shadeOpen && y1 < sc.statRect.Max.Y && y2-y1 > t.Dp(80):
		p.logInput(InputEvent{Kind: "swipe", X: x1, Y: y1, X2: x2, Y2: y2, Hit: "notification shade"})
		p.shadeOpen = true
		p.keyboard = false
		p.changed()
		return nil
	case p.shadeOpen:
		p.logInput(InputEvent{Kind: "swipe", X: x1, Y: y1, X2: x2, Y2: y2, Hit: "notification shade"})
		if y1-y2 > t.Dp(40) {
			p.shadeOpen = false
		}
		p.changed()
		return nil
	}
	root := sc.app
	if sc.dialog != nil {
		root = sc.dialog
	}
	target := scrollTarget(root, image.Pt(x1, y1), image.Rect(0, 0, p.cfg.Width, p.cfg.Height))
	p.logInput(InputEvent{Kind: "swipe", X: x1, Y: y1, X2: x2, Y2: y2, Hit: describe(target)})
	p.changed()
	if target == nil {
		return nil
	}
	dy := y1 - y2
	if abs(x2-x1) > abs(dy) {
		return nil // horizontal swipes move nothing in our apps
	}
	if d > 0 && d < 200*time.Millisecond && abs(dy) > p.Theme().Dp(40) {
		dy *= 3 // fling
	}
	target.OnScroll(p, dy)
	return nil
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// focusedField returns the focused field of the current scene.
func (p *Phone) focusedField() *Node {
	a := p.top()
	if a.Focus == "" {
		return nil
	}
	sc := p.buildScene()
	var found *Node
	for _, root := range []*Node{sc.dialog, sc.app} {
		root.Walk(func(n *Node) bool {
			if found == nil && n.Field != nil && n.ResourceID == a.Focus {
				found = n
			}
			return found == nil
		})
		if found != nil {
			break
		}
	}
	return found
}

// Text types s into the focused field, as `input text` does. Android's input
// command only types what its key map has: non-ASCII text needs an IME such
// as ADBKeyboard.
func (p *Phone) Text(s string) error {
	for _, r := range s {
		if r >= utf8.RuneSelf || (r < 0x20 && r != '\n' && r != '\t') {
			return fmt.Errorf("sim: input text cannot type %q: the key character map has no key for it; use an IME such as ADBKeyboard", r)
		}
	}
	return p.typeText(s, "text")
}

// IMEText types any Unicode text, as the ADBKeyboard broadcast does.
func (p *Phone) IMEText(s string) error {
	p.mu.Lock()
	ime := p.settings["secure"]["default_input_method"]
	p.mu.Unlock()
	if ime != adbKeyboardIME {
		return fmt.Errorf("sim: ADBKeyboard is not the current input method")
	}
	return p.typeText(s, "ime")
}

func (p *Phone) typeText(s, kind string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.typeTextLocked(s, kind)
	return nil
}

func (p *Phone) typeTextLocked(s, kind string) {
	f := p.focusedField()
	p.logInput(InputEvent{Kind: kind, Text: s, Hit: describe(f)})
	if f == nil {
		return // like Android: text with no focused field goes nowhere
	}
	v := *f.Field.Value + s
	if f.Field.MaxLen > 0 && utf8.RuneCountInString(v) > f.Field.MaxLen {
		v = string([]rune(v)[:f.Field.MaxLen])
	}
	setFieldValue(p, f.Field, v)
	p.changed()
}

// enter is the ENTER key on the focused field: submit it, or start a new
// line in a multi-line field.
func (p *Phone) enter() {
	f := p.focusedField()
	switch {
	case f == nil:
	case f.Field.Submit != nil:
		f.Field.Submit(p)
	case f.Field.Multiline:
		setFieldValue(p, f.Field, *f.Field.Value+"\n")
	}
	p.changed()
}

// Key names accepted by PressKey, with their Android key codes.
var keyCodes = map[string]int{
	"KEYCODE_HOME": 3, "KEYCODE_BACK": 4, "KEYCODE_DPAD_UP": 19, "KEYCODE_DPAD_DOWN": 20,
	"KEYCODE_VOLUME_UP": 24, "KEYCODE_VOLUME_DOWN": 25, "KEYCODE_POWER": 26,
	"KEYCODE_TAB": 61, "KEYCODE_SPACE": 62, "KEYCODE_ENTER": 66, "KEYCODE_DEL": 67,
	"KEYCODE_MENU": 82, "KEYCODE_MOVE_END": 123, "KEYCODE_SEARCH": 84, "KEYCODE_ESCAPE": 111, "KEYCODE_APP_SWITCH": 187,
	"KEYCODE_WAKEUP": 224, "KEYCODE_SLEEP": 223,
}

// KeyCode parses a key as `input keyevent` accepts it: a number, KEYCODE_X or X.
func KeyCode(s string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
		return n, n >= 0
	}
	up := strings.ToUpper(s)
	if !strings.HasPrefix(up, "KEYCODE_") {
		up = "KEYCODE_" + up
	}
	n, ok := keyCodes[up]
	return n, ok
}

// PressKey sends a key event by Android key code.
func (p *Phone) PressKey(code int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	name := fmt.Sprint(code)
	for k, v := range keyCodes {
		if v == code {
			name = k
		}
	}
	p.logInput(InputEvent{Kind: "key", Key: name})
	p.toast = ""
	switch code {
	case 3:
		p.goHome()
	case 4, 111:
		p.back()
	case 187:
		p.showRecents()
	case 66:
		p.enter()
	case 67:
		if f := p.focusedField(); f != nil {
			r := []rune(*f.Field.Value)
			if len(r) > 0 {
				setFieldValue(p, f.Field, string(r[:len(r)-1]))
			}
		}
	case 62:
		p.typeTextLocked(" ", "key")
	}
	p.changed()
}
