package sim

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"strings"
)

// More widget builders shared by the apps: text, avatars, action buttons,
// forms, measured dialogs, share sheets and permission prompts.

// textView is a TextView.
func textView(r Rect, id, text string, st Style) *Node {
	return &Node{Class: "android.widget.TextView", ResourceID: id, Text: text, Bounds: r, Style: st}
}

// lineHeight is the height of one line of text at size.
func (p *Phone) lineHeight(size int, bold bool) int {
	f := p.fonts.face(size, bold)
	return (f.ascent + f.descent) * 6 / 5
}

// textHeight is the height s takes wrapped to width at size (with the
// default 16dp inset on each side, as drawLabel applies).
func (p *Phone) textHeight(t Theme, s string, size int, bold bool, width int) int {
	f := p.fonts.face(size, bold)
	lines := wrapLines(f, s, width-2*t.Dp(16))
	return len(lines) * (f.ascent + f.descent) * 6 / 5
}

// textWidth is the advance of s at size.
func (p *Phone) textWidth(s string, size int, bold bool) int {
	return p.fonts.face(size, bold).measure(s)
}

// palette of avatar and picture colours, picked by a name's hash so the same
// name always gets the same colour.
var palette = []color.RGBA{
	rgb(0xd9, 0x30, 0x25), rgb(0x18, 0x80, 0x38), rgb(0x1a, 0x73, 0xe8), rgb(0xe3, 0x74, 0x00),
	rgb(0x93, 0x34, 0xe6), rgb(0x00, 0x89, 0x7b), rgb(0xc2, 0x18, 0x5b), rgb(0x5f, 0x63, 0x68),
}

func nameColor(name string) color.RGBA {
	h := fnv.New32a()
	h.Write([]byte(name))
	return palette[h.Sum32()%uint32(len(palette))]
}

// initial is the first letter or digit of a name, upper-cased.
func initial(name string) string {
	for _, r := range name {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return strings.ToUpper(string(r))
		}
	}
	return "#"
}

// avatar is a round picture with the name's initial.
func avatar(r Rect, id, name string) *Node {
	return &Node{Class: "android.widget.ImageView", ResourceID: id, Bounds: r,
		Style: Style{Widget: WidgetIcon, Bg: nameColor(name), Fg: rgb(255, 255, 255), Glyph: initial(name)}}
}

// fab is a floating action button in the bottom-right corner of content.
func fab(t Theme, content Rect, id, desc, glyph string, onClick func(p *Phone)) *Node {
	s := t.Dp(56)
	x1, y1 := content.Max.X-t.Dp(16), content.Max.Y-t.Dp(16)
	return &Node{Class: "android.widget.ImageButton", ResourceID: id, ContentDesc: desc, Bounds: image.Rect(x1-s, y1-s, x1, y1),
		OnClick: onClick, Style: Style{Widget: WidgetIcon, Bg: t.Primary, Fg: t.OnPrimary, Glyph: glyph, Radius: t.Dp(16)}}
}

// iconButton is a round icon-only button labelled by its content-desc.
func iconButton(t Theme, r Rect, id, desc, glyph string, onClick func(p *Phone)) *Node {
	return &Node{Class: "android.widget.ImageButton", ResourceID: id, ContentDesc: desc, Bounds: r, OnClick: onClick,
		Style: Style{Widget: WidgetIcon, Bg: t.SurfaceVariant, Fg: t.OnBackground, Glyph: glyph}}
}

// loadingView is what a screen shows before its content arrives.
func loadingView(t Theme, r Rect, pkg string) *Node {
	root := screenRoot(t, r)
	s := t.Dp(48)
	cx, cy := (r.Min.X+r.Max.X)/2, r.Min.Y+r.Dy()/3
	root.Add(&Node{Class: "android.widget.ProgressBar", ResourceID: pkg + ":id/progress", ContentDesc: "Loading",
		Bounds: image.Rect(cx-s/2, cy-s/2, cx+s/2, cy+s/2), Style: Style{Widget: WidgetSpinner}})
	return root
}

// editText is a single-line text field bound to v.
func editText(t Theme, r Rect, id, hint string, v *string, f Field) *Node {
	f.Value = v
	return &Node{ResourceID: id, Hint: hint, Bounds: r, Field: &f, Style: Style{Widget: WidgetEdit}}
}

// formField adds a small caption and a text field to a column.
func formField(t Theme, root *Node, col *column, id, caption, hint string, v *string, f Field) *Node {
	root.Add(textView(col.next(t.Dp(28)), "", caption, Style{TextSize: t.Dp(12), Fg: t.Primary, PadX: t.Dp(16)}))
	n := editText(t, col.next(t.Dp(52)), id, hint, v, f)
	root.Add(n)
	col.next(t.Dp(8))
	return n
}

// dialogBox is a centred dialog sized to its wrapped message, with buttons
// at the bottom right (android:id/button1 is the positive one).
func (p *Phone) dialogBox(screen Rect, title, message string, buttons ...*Node) *Node {
	t := p.Theme()
	w := screen.Dx() - t.Dp(64)
	msgH := 0
	if message != "" {
		msgH = min(p.textHeight(t, message, t.Small, false, w-t.Dp(16)), screen.Dy()/2) + t.Dp(8)
	}
	h := t.Dp(24+44+16+56+8) + msgH
	x0 := screen.Min.X + (screen.Dx()-w)/2
	y0 := screen.Min.Y + (screen.Dy()-h)/2
	d := &Node{Class: "android.widget.FrameLayout", ResourceID: "android:id/content",
		Bounds: image.Rect(x0, y0, x0+w, y0+h), Style: Style{Bg: t.Surface, Radius: t.Dp(24)}}
	d.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/alertTitle", Text: title,
		Bounds: image.Rect(x0+t.Dp(8), y0+t.Dp(24), x0+w-t.Dp(8), y0+t.Dp(68)), Style: Style{TextSize: t.Dp(20), Wrap: true}})
	if message != "" {
		d.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/message", Text: message,
			Bounds: image.Rect(x0+t.Dp(8), y0+t.Dp(72), x0+w-t.Dp(8), y0+t.Dp(72)+msgH), Style: Style{Wrap: true, Fg: t.OnSurfaceMuted, TextSize: t.Small}})
	}
	x := x0 + w - t.Dp(16)
	for i := len(buttons) - 1; i >= 0; i-- {
		b := buttons[i]
		bw := max(t.Dp(96), p.textWidth(b.Text, t.Small, true)+t.Dp(32))
		b.Bounds = image.Rect(x-bw, y0+h-t.Dp(64), x, y0+h-t.Dp(20))
		b.Style.Radius = b.Bounds.Dy() / 2
		x -= bw + t.Dp(8)
		d.Add(b)
	}
	return d
}

// textButton is a dialog's flat button.
func textButton(t Theme, id, label string, onClick func(p *Phone)) *Node {
	return &Node{Class: "android.widget.Button", ResourceID: id, Text: label, OnClick: onClick,
		Style: Style{Center: true, Bold: true, TextSize: t.Small, Fg: t.Primary}}
}

// confirm shows a two-button confirmation dialog over a. Cancel closes it;
// the positive button closes it and runs onOK.
func confirm(a *Activity, title, message, okLabel string, onOK func(p *Phone)) {
	a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
		t := p.Theme()
		return p.dialogBox(screen, title, message,
			textButton(t, "android:id/button2", "Cancel", func(p *Phone) { a.Dialog = nil; p.changed() }),
			textButton(t, "android:id/button1", okLabel, func(p *Phone) { a.Dialog = nil; onOK(p); p.changed() }))
	}
}

// Permission prompts come from the permission controller, as on Android.
const permissionPkg = "com.google.android.permissioncontroller"

// askPermission shows a runtime permission prompt over a unless pkg already
// has an answer for perm; the answer is recorded and reported in state.
func askPermission(p *Phone, a *Activity, perm, question string) {
	if p.grants[a.App.Package][perm] != "" {
		return
	}
	pkg := a.App.Package
	answer := func(v string) func(p *Phone) {
		return func(p *Phone) {
			if p.grants[pkg] == nil {
				p.grants[pkg] = map[string]string{}
			}
			p.grants[pkg][perm] = v
			a.Dialog = nil
			p.changed()
		}
	}
	a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
		t := p.Theme()
		w := screen.Dx() - t.Dp(48)
		qh := p.textHeight(t, question, t.Dp(20), false, w-t.Dp(32)) + t.Dp(8)
		h := t.Dp(24+40+16) + qh + t.Dp(3*60+16)
		x0, y0 := screen.Min.X+(screen.Dx()-w)/2, screen.Min.Y+(screen.Dy()-h)/2
		d := &Node{Class: "android.widget.LinearLayout", ResourceID: "com.android.permissioncontroller:id/grant_dialog", Package: permissionPkg,
			Bounds: image.Rect(x0, y0, x0+w, y0+h), Style: Style{Bg: t.Surface, Radius: t.Dp(28)}}
		cx := x0 + w/2
		d.Add(&Node{Class: "android.widget.ImageView", Package: permissionPkg, Bounds: image.Rect(cx-t.Dp(16), y0+t.Dp(24), cx+t.Dp(16), y0+t.Dp(56)),
			Style: Style{Widget: WidgetIcon, Bg: t.Primary, Glyph: "!"}})
		d.Add(&Node{Class: "android.widget.TextView", ResourceID: "com.android.permissioncontroller:id/permission_message", Package: permissionPkg,
			Text: question, Bounds: image.Rect(x0+t.Dp(16), y0+t.Dp(72), x0+w-t.Dp(16), y0+t.Dp(72)+qh),
			Style: Style{Wrap: true, Center: true, TextSize: t.Dp(20)}})
		y := y0 + t.Dp(80) + qh
		for _, b := range []struct{ id, label, v string }{
			{"permission_allow_button", "Allow", "granted"},
			{"permission_deny_button", "Don't allow", "denied"},
		} {
			r := image.Rect(x0+t.Dp(24), y, x0+w-t.Dp(24), y+t.Dp(52))
			d.Add(&Node{Class: "android.widget.Button", ResourceID: "com.android.permissioncontroller:id/" + b.id, Package: permissionPkg,
				Text: b.label, Bounds: r, OnClick: answer(b.v),
				Style: Style{Bg: t.SurfaceVariant, Radius: r.Dy() / 2, Center: true, Bold: true, TextSize: t.Small, Fg: t.Primary}})
			y += t.Dp(60)
		}
		return d
	}
}

// shareTarget is one app in the share sheet.
type shareTarget struct {
	Label, Package string
	Open           func(p *Phone)
}

// shareSheet shows Android's chooser over a: the apps that can take text or
// a picture, then Copy. what describes the shared thing for the state log.
func shareSheet(a *Activity, title string, targets []shareTarget) {
	a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
		t := p.Theme()
		h := t.Dp(96 + 112 + 24)
		r := image.Rect(screen.Min.X, screen.Max.Y-t.Dp(48)-h, screen.Max.X, screen.Max.Y-t.Dp(48))
		sheet := &Node{Class: "android.widget.LinearLayout", ResourceID: "android:id/contentPanel", Package: "android", Bounds: r,
			Style: Style{Bg: t.Surface, Radius: t.Dp(24)}}
		sheet.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/title", Package: "android", Text: "Share",
			Bounds: image.Rect(r.Min.X, r.Min.Y+t.Dp(16), r.Max.X, r.Min.Y+t.Dp(52)), Style: Style{Center: true, Bold: true}})
		sheet.Add(&Node{Class: "android.widget.TextView", Package: "android", Text: title,
			Bounds: image.Rect(r.Min.X, r.Min.Y+t.Dp(52), r.Max.X, r.Min.Y+t.Dp(84)), Style: Style{Center: true, TextSize: t.Small, Fg: t.OnSurfaceMuted}})
		cell := r.Dx() / 4
		y := r.Min.Y + t.Dp(100)
		i := 0
		for _, tg := range targets {
			if tg.Package != "" && p.disabled[tg.Package] {
				continue
			}
			tg := tg
			x := r.Min.X + i*cell
			i++
			glyph, bg := "C", t.OnSurfaceMuted
			if app := lookupApp(tg.Package); app != nil {
				glyph, bg = app.IconGlyph, app.IconBg
			}
			item := &Node{Class: "android.widget.LinearLayout", ResourceID: "android:id/resolver_list_item", Package: "android", ContentDesc: tg.Label,
				Bounds: image.Rect(x, y, x+cell, y+t.Dp(104)), OnClick: func(p *Phone) { a.Dialog = nil; tg.Open(p); p.changed() }}
			cx := x + cell/2
			item.Add(&Node{Class: "android.widget.ImageView", Package: "android", Bounds: image.Rect(cx-t.Dp(26), y+t.Dp(4), cx+t.Dp(26), y+t.Dp(56)),
				Style: Style{Widget: WidgetIcon, Bg: bg, Fg: rgb(255, 255, 255), Glyph: glyph}},
				&Node{Class: "android.widget.TextView", ResourceID: "android:id/text1", Package: "android", Text: tg.Label,
					Bounds: image.Rect(x, y+t.Dp(60), x+cell, y+t.Dp(92)), Style: Style{Center: true, TextSize: t.Dp(12)}})
			sheet.Add(item)
		}
		return sheet
	}
}

// tabBar is a row of equal tabs; the selected one is underlined.
func tabBar(t Theme, r Rect, id string, labels []string, selected int, onSelect func(p *Phone, i int)) *Node {
	bar := &Node{Class: "android.widget.HorizontalScrollView", ResourceID: id, Bounds: r, Style: Style{Widget: WidgetDivider}}
	w := r.Dx() / len(labels)
	for i, l := range labels {
		i := i
		tr := image.Rect(r.Min.X+i*w, r.Min.Y, r.Min.X+(i+1)*w, r.Max.Y)
		st := Style{Center: true, TextSize: t.Small, Bold: i == selected, Fg: t.OnSurfaceMuted}
		tab := &Node{Class: "android.widget.LinearLayout", ContentDesc: l, Text: l, Bounds: tr, Selected: i == selected, Style: st,
			OnClick: func(p *Phone) { onSelect(p, i); p.changed() }}
		if i == selected {
			tab.Style.Fg = t.Primary
			tab.Add(&Node{Bounds: image.Rect(tr.Min.X+t.Dp(24), tr.Max.Y-t.Dp(3), tr.Max.X-t.Dp(24), tr.Max.Y), PixelsOnly: true,
				Style: Style{Bg: t.Primary, Radius: t.Dp(2)}})
		}
		bar.Add(tab)
	}
	return bar
}

// money formats cents as dollars with thousands separators: $1,234.50.
func money(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	d := fmt.Sprint(cents / 100)
	var b strings.Builder
	for i, r := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("$%s.%02d", b.String(), cents%100)
	if neg {
		return "-" + s
	}
	return s
}

// parseMoney reads "12", "12.5", "$1,234.56" as cents.
func parseMoney(s string) (int64, bool) {
	s = strings.TrimSpace(strings.NewReplacer("$", "", ",", "").Replace(s))
	if s == "" {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	var w int64
	for _, r := range whole {
		if r < '0' || r > '9' {
			return 0, false
		}
		w = w*10 + int64(r-'0')
		if w > 1e12 {
			return 0, false
		}
	}
	c := int64(0)
	if hasFrac {
		if len(frac) == 0 || len(frac) > 2 {
			return 0, false
		}
		for _, r := range frac {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		if len(frac) == 1 {
			frac += "0"
		}
		c = int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	return w*100 + c, true
}

// digits keeps the digits of a phone number, for comparing numbers written
// differently (+1-484-457-8257 and 4844578257).
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	return d
}

// samePhone reports whether two phone numbers are the same line.
func samePhone(a, b string) bool {
	da, db := digits(a), digits(b)
	return da != "" && da == db
}
