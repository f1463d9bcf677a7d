package sim

import (
	"fmt"
	"image"
	"strings"
)

// scene is one frame's trees: the app window (dumped), an optional dialog
// window (dumped instead of the app window while it shows), and the system
// decorations (drawn, never dumped).
type scene struct {
	app      *Node
	dialog   *Node
	keyboard *Node
	shade    *Node   // the notification shade, when pulled down
	system   []*Node // status bar, navigation bar, toast
	content  Rect
	kbRect   Rect
	navRect  Rect
	statRect Rect
}

func (p *Phone) barHeights(t Theme) (status, nav int) {
	return t.Dp(28), t.Dp(48)
}

// buildScene builds the current frame's trees. Callers hold p.mu.
func (p *Phone) buildScene() *scene {
	t := p.Theme()
	w, h := p.cfg.Width, p.cfg.Height
	sh, nh := p.barHeights(t)
	sc := &scene{
		statRect: image.Rect(0, 0, w, sh),
		navRect:  image.Rect(0, h-nh, w, h),
	}
	bottom := h - nh
	if p.keyboard {
		kh := p.keyboardHeight(t)
		sc.kbRect = image.Rect(0, bottom-kh, w, bottom)
		bottom -= kh
	}
	sc.content = image.Rect(0, sh, w, bottom)
	a := p.top()
	body := a.View(p, a, sc.content)
	markFocus(body, a.Focus)
	root := &Node{Class: "android.widget.FrameLayout", Bounds: image.Rect(0, 0, w, h),
		Style: Style{Bg: t.Background}}
	root.Add(&Node{Class: "android.widget.LinearLayout", Bounds: image.Rect(0, 0, w, h)}).
		Children[0].Add(&Node{Class: "android.widget.FrameLayout", ResourceID: "android:id/content", Bounds: sc.content}).
		Children[0].Add(body)
	fillPackage(root, a.App.Package)
	sc.app = root
	if a.Dialog != nil {
		if d := a.Dialog(p, a, image.Rect(0, 0, w, h)); d != nil {
			markFocus(d, a.Focus)
			fillPackage(d, a.App.Package)
			sc.dialog = d
		}
	}
	sc.system = append(sc.system, p.statusBar(t, sc.statRect), p.navBar(t, sc.navRect))
	if p.keyboard {
		sc.keyboard = p.keyboardView(t, sc.kbRect)
	}
	if p.shadeOpen {
		sc.shade = p.shadeView(t, image.Rect(0, 0, w, h-nh), sh)
	}
	p.localizeScene(sc) // before the toast: a toast keeps the app's words
	if p.toast != "" {
		f := p.fonts.face(t.Small, false)
		tw := min(f.measure(p.toast)+t.Dp(48), w-t.Dp(48))
		th := t.Dp(48)
		y := sc.content.Max.Y - t.Dp(96)
		sc.system = append(sc.system, &Node{Text: p.toast, Bounds: image.Rect((w-tw)/2, y, (w+tw)/2, y+th),
			Style: Style{Bg: rgb(0x32, 0x33, 0x36), Fg: rgb(0xf1, 0xf1, 0xf1), Radius: th / 2, Center: true, TextSize: t.Small}})
	}
	return sc
}

func markFocus(n *Node, focus string) {
	if focus == "" {
		return
	}
	n.Walk(func(c *Node) bool {
		if c.Field != nil && c.ResourceID == focus {
			c.Focused = true
		}
		return true
	})
}

func fillPackage(n *Node, pkg string) {
	n.Walk(func(c *Node) bool {
		if c.Package == "" {
			c.Package = pkg
		}
		if c.Field != nil {
			c.Text = *c.Field.Value
			c.Password = c.Password || c.Field.Password
			if c.Class == "" {
				c.Class = "android.widget.EditText"
			}
			c.Clickable = true
			c.Focusable = true
			c.LongClickable = true
		}
		return true
	})
}

func (p *Phone) render() *image.RGBA {
	t := p.Theme()
	sc := p.buildScene()
	img := image.NewRGBA(image.Rect(0, 0, p.cfg.Width, p.cfg.Height))
	c := &canvas{img: img, fonts: p.fonts, theme: t}
	c.fill(img.Rect, t.Background)
	c.drawTree(sc.app, img.Rect)
	if sc.dialog != nil {
		c.fill(img.Rect, t.Scrim)
		c.drawTree(sc.dialog, img.Rect)
	}
	if sc.keyboard != nil {
		c.drawTree(sc.keyboard, img.Rect)
	}
	if sc.shade != nil {
		c.fill(img.Rect, t.Scrim)
		c.drawTree(sc.shade, img.Rect)
	}
	for _, n := range sc.system {
		c.drawTree(n, img.Rect)
	}
	return img
}

func (p *Phone) statusBar(t Theme, r Rect) *Node {
	clock := p.now().Format("15:04")
	bar := &Node{Bounds: r, Style: Style{Bg: t.StatusBar}}
	bar.Add(&Node{Text: clock, Bounds: image.Rect(r.Min.X, r.Min.Y, r.Min.X+t.Dp(80), r.Max.Y),
		Style: Style{TextSize: t.Small, Bold: true, PadX: t.Dp(20)}})
	if !p.shadeOpen {
		bar.Add(p.statusIcons(t, r.Min.X+t.Dp(80), r.Min.Y, r.Max.Y)...)
	}
	icons := "5G  100%"
	if p.settings["global"]["wifi_on"] == "1" {
		icons = "Wi-Fi  " + icons
	}
	f := p.fonts.face(t.Small, false)
	iw := f.measure(icons) + t.Dp(48)
	bar.Add(&Node{Text: icons, Bounds: image.Rect(r.Max.X-iw, r.Min.Y, r.Max.X, r.Max.Y),
		Style: Style{TextSize: t.Small, PadX: t.Dp(20)}})
	return bar
}

func (p *Phone) navBar(t Theme, r Rect) *Node {
	bar := &Node{Bounds: r, Style: Style{Bg: t.NavBar}}
	w := r.Dx() / 3
	keys := []struct {
		desc string
		fn   func(p *Phone)
	}{
		{"Back", func(p *Phone) { p.back() }},
		{"Home", func(p *Phone) { p.goHome() }},
		{"Overview", func(p *Phone) { p.showRecents() }},
	}
	for i, k := range keys {
		bar.Add(&Node{ContentDesc: k.desc, Bounds: image.Rect(r.Min.X+i*w, r.Min.Y, r.Min.X+(i+1)*w, r.Max.Y),
			Clickable: true, OnClick: k.fn, Style: Style{Widget: WidgetNav}})
	}
	return bar
}

// back is the BACK key: hide the keyboard, close a dialog, or finish the
// top activity.
func (p *Phone) back() {
	a := p.top()
	switch {
	case p.shadeOpen:
		p.shadeOpen = false
	case p.keyboard:
		p.keyboard = false
	case a.Dialog != nil && p.dialogShown(a):
		a.Dialog = nil
	case a.OnBack != nil && a.OnBack(p):
	case len(p.stack) > 0:
		p.stack = p.stack[:len(p.stack)-1]
	}
	p.changed()
}

func (p *Phone) dialogShown(a *Activity) bool {
	return a.Dialog(p, a, image.Rect(0, 0, p.cfg.Width, p.cfg.Height)) != nil
}

// dumpXML writes the uiautomator dump of the focused window.
func (p *Phone) dumpXML() []byte {
	sc := p.buildScene()
	win := sc.app
	switch {
	case sc.shade != nil:
		win = sc.shade
	case sc.dialog != nil:
		win = &Node{Class: "android.widget.FrameLayout", Bounds: sc.dialog.Bounds, Package: sc.dialog.Package}
		win.Add(sc.dialog)
	}
	var b strings.Builder
	b.Grow(16 << 10)
	b.WriteString("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation=\"0\">")
	writeNode(&b, win, 0, image.Rect(0, 0, p.cfg.Width, p.cfg.Height))
	b.WriteString("</hierarchy>")
	return p.vendorDump([]byte(b.String()))
}

// dumpable reports whether a node appears in a dump: visible and not pixels
// only.
func dumpable(n *Node, screen Rect) bool {
	return !n.PixelsOnly && !n.Bounds.Intersect(screen).Empty()
}

func writeNode(b *strings.Builder, n *Node, index int, screen Rect) {
	r := n.Bounds.Intersect(screen)
	if !n.Style.Clip.Empty() {
		r = r.Intersect(n.Style.Clip)
	}
	text := n.Text
	if n.Password && text != "" {
		text = strings.Repeat("•", len([]rune(text)))
	}
	class := n.Class
	if class == "" {
		switch {
		case n.Style.Widget == WidgetSwitch:
			class = "android.widget.Switch"
		case n.Style.Widget == WidgetIcon || n.Style.Widget == WidgetImage:
			class = "android.widget.ImageView"
		case n.Text != "":
			class = "android.widget.TextView"
		case n.Clickable:
			class = "android.widget.Button"
		default:
			class = "android.view.View"
		}
	}
	fmt.Fprintf(b, `<node index="%d" text="%s" resource-id="%s" class="%s" package="%s" content-desc="%s" checkable="%t" checked="%t" clickable="%t" enabled="%t" focusable="%t" focused="%t" scrollable="%t" long-clickable="%t" password="%t" selected="%t" bounds="[%d,%d][%d,%d]" drawing-order="%d" hint="%s"`,
		index, xmlEscape(text), xmlEscape(n.ResourceID), xmlEscape(class), xmlEscape(n.Package), xmlEscape(n.ContentDesc),
		n.Checkable, n.Checked, n.Clickable || n.OnClick != nil || n.OnTapAt != nil, !n.Disabled, n.Focusable || n.Clickable || n.OnClick != nil || n.OnTapAt != nil, n.Focused,
		n.Scrollable, n.LongClickable || n.OnLongClick != nil, n.Password, n.Selected,
		r.Min.X, r.Min.Y, r.Max.X, r.Max.Y, index+1, xmlEscape(n.Hint))
	var kids []*Node
	for _, c := range n.Children {
		if dumpable(c, screen) {
			kids = append(kids, c)
		}
	}
	if len(kids) == 0 {
		b.WriteString(" />")
		return
	}
	b.WriteString(">")
	for i, c := range kids {
		writeNode(b, c, i, screen)
	}
	b.WriteString("</node>")
}

// xmlEscape escapes text as uiautomator's serializer does: the five XML
// entities, and control characters as numeric references.
func xmlEscape(s string) string {
	if !strings.ContainsAny(s, "&<>\"'\n\r\t") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		case '\n':
			b.WriteString("&#10;")
		case '\r':
			b.WriteString("&#13;")
		case '\t':
			b.WriteString("&#9;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// DumpXML returns the uiautomator dump of the current screen.
func (p *Phone) DumpXML() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.observed()
	if p.dumpBytes != nil && p.dumpVer == p.version {
		return p.dumpBytes
	}
	p.dumpBytes = p.dumpXML()
	p.dumpVer = p.version
	return p.dumpBytes
}
