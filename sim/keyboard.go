package sim

import (
	"image"
	"strings"
)

// The soft keyboard: drawn when a text field has focus, reported by
// `dumpsys input_method` as mInputShown=true, and left out of dumps since it
// is another window. Its keys type into the focused field.

var kbRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}

func (p *Phone) keyboardHeight(t Theme) int { return t.Dp(4*54 + 16) }

func (p *Phone) keyboardView(t Theme, r Rect) *Node {
	kb := &Node{Class: "android.inputmethodservice.KeyboardView", Bounds: r, Package: "com.android.inputmethod.latin",
		Style: Style{Bg: t.SurfaceVariant}}
	rowH := t.Dp(54)
	keyW := r.Dx() / 10
	gap := t.Dp(3)
	keyStyle := Style{Bg: t.Background, Radius: t.Dp(6), Center: true, TextSize: t.Dp(20)}
	addKey := func(x0, y0, w int, label, desc string, fn func(p *Phone)) {
		k := &Node{Class: "android.widget.Button", Text: label, ContentDesc: desc,
			Bounds: image.Rect(x0+gap, y0+gap, x0+w-gap, y0+rowH-gap), OnClick: fn, Style: keyStyle}
		kb.Add(k)
	}
	y := r.Min.Y + t.Dp(8)
	for i, row := range kbRows {
		x := r.Min.X + (r.Dx()-len(row)*keyW)/2
		if i == 2 {
			shiftOn := p.kbShift
			addKey(r.Min.X, y, keyW*3/2, "^", "Shift", func(p *Phone) { p.kbShift = !shiftOn; p.changed() })
		}
		for _, ch := range row {
			s := string(ch)
			if p.kbShift {
				s = strings.ToUpper(s)
			}
			addKey(x, y, keyW, s, s, func(p *Phone) { p.typeTextLocked(s, "keyboard"); p.kbShift = false })
			x += keyW
		}
		if i == 2 {
			addKey(r.Max.X-keyW*3/2, y, keyW*3/2, "Del", "Delete", func(p *Phone) {
				if f := p.focusedField(); f != nil {
					if rs := []rune(*f.Field.Value); len(rs) > 0 {
						setFieldValue(p, f.Field, string(rs[:len(rs)-1]))
					}
				}
			})
		}
		y += rowH
	}
	addKey(r.Min.X, y, keyW*2, ",", ",", func(p *Phone) { p.typeTextLocked(",", "keyboard") })
	addKey(r.Min.X+keyW*2, y, keyW*5, "space", "Space", func(p *Phone) { p.typeTextLocked(" ", "keyboard") })
	addKey(r.Min.X+keyW*7, y, keyW, ".", ".", func(p *Phone) { p.typeTextLocked(".", "keyboard") })
	addKey(r.Min.X+keyW*8, y, keyW*2, "Enter", "Enter", func(p *Phone) { p.enter() })
	return kb
}

// recentsApp is the system's overview screen.
var recentsApp = &App{Package: "com.android.systemui", Label: "System UI", MainActivity: ".recents.RecentsActivity", System: true, Hidden: true}

func (p *Phone) showRecents() {
	a := &Activity{App: recentsApp, Name: ".recents.RecentsActivity", Title: "Recents", Scroll: map[string]int{}}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		root.Style.Bg = t.SurfaceVariant
		col := newColumn(r)
		root.Add(&Node{Class: "android.widget.TextView", Text: "Recent apps", Bounds: col.next(t.Dp(64)), Style: Style{TextSize: t.Title}})
		if len(p.recents) == 0 {
			root.Add(&Node{Class: "android.widget.TextView", Text: "No recent items", Bounds: col.next(t.Dp(64)), Style: Style{Center: true, Fg: t.OnSurfaceMuted}})
		}
		for _, pkg := range p.recents {
			app := lookupApp(pkg)
			if app == nil || p.disabled[pkg] || app.Hidden {
				continue
			}
			pkg := pkg
			card := col.next(t.Dp(88)).Inset(t.Dp(8))
			root.Add(&Node{Class: "android.widget.FrameLayout", ResourceID: "com.android.systemui:id/task_view", Text: app.Label,
				ContentDesc: app.Label, Bounds: card, OnClick: func(p *Phone) {
					p.stack = p.stack[:len(p.stack)-1] // leave recents
					_ = p.launch(pkg)
				}, Style: Style{Bg: t.Background, Radius: t.Dp(16), PadX: t.Dp(24)}})
		}
		return root
	}
	// Recents replaces itself rather than stacking twice.
	if top := p.top(); top.App == recentsApp {
		return
	}
	p.Push(a)
}
