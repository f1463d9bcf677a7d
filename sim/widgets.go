package sim

import (
	"image"
)

// Widget builders shared by apps. Each returns a node with bounds set; apps
// stack them with a column.

// column stacks nodes vertically inside a rectangle.
type column struct {
	r Rect
	y int
}

func newColumn(r Rect) *column { return &column{r: r, y: r.Min.Y} }

// next reserves h pixels and returns their rectangle.
func (c *column) next(h int) Rect {
	r := image.Rect(c.r.Min.X, c.y, c.r.Max.X, c.y+h)
	c.y += h
	return r
}

// rest returns what is left below the stacked nodes.
func (c *column) rest() Rect { return image.Rect(c.r.Min.X, c.y, c.r.Max.X, c.r.Max.Y) }

// screenRoot is the app's root view filling the content area.
func screenRoot(t Theme, r Rect) *Node {
	return &Node{Class: "android.widget.LinearLayout", Bounds: r, Style: Style{Bg: t.Background}}
}

// toolbar is an app bar with an optional "Navigate up" arrow and a title.
func toolbar(t Theme, r Rect, pkg, title string, up bool) *Node {
	bar := &Node{Class: "android.view.ViewGroup", ResourceID: pkg + ":id/action_bar", Bounds: r, Style: Style{Bg: t.Background}}
	x := r.Min.X
	if up {
		side := r.Dy()
		bar.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Bounds: image.Rect(x, r.Min.Y, x+side, r.Max.Y),
			OnClick: func(p *Phone) { p.Finish() }, Text: "<", Style: Style{Center: true, TextSize: t.Title}})
		x += side
	}
	bar.Add(&Node{Class: "android.widget.TextView", Text: title, Bounds: image.Rect(x, r.Min.Y, r.Max.X, r.Max.Y),
		Style: Style{TextSize: t.Title, PadX: t.Dp(16)}})
	// The title is not clickable; make sure a dump shows it as a TextView.
	return bar
}

// scrollList lays rows out in content coordinates and shows the window of
// them that fits r, scrolled by a.Scroll[id]. Rows outside the window are left
// out, as a RecyclerView recycles them.
func scrollList(a *Activity, id string, r Rect, rows []*Node, heights []int) *Node {
	total := 0
	for _, h := range heights {
		total += h
	}
	maxScroll := max(0, total-r.Dy())
	off := min(max(0, a.Scroll[id]), maxScroll)
	a.Scroll[id] = off
	list := &Node{Class: "androidx.recyclerview.widget.RecyclerView", ResourceID: id, Bounds: r,
		Scrollable: maxScroll > 0, Style: Style{Clip: r}}
	if maxScroll > 0 {
		list.OnScroll = func(p *Phone, dy int) bool {
			n := min(max(0, a.Scroll[id]+dy), maxScroll)
			moved := n != a.Scroll[id]
			a.Scroll[id] = n
			p.changed()
			return moved
		}
	}
	y := r.Min.Y - off
	for i, row := range rows {
		h := heights[i]
		dy := y - row.Bounds.Min.Y
		if y+h > r.Min.Y && y < r.Max.Y {
			shift(row, dy)
			list.Add(row)
		}
		y += h
	}
	return list
}

// shift moves a subtree down by dy pixels.
func shift(n *Node, dy int) {
	n.Walk(func(c *Node) bool {
		c.Bounds = c.Bounds.Add(image.Pt(0, dy))
		if !c.Style.Clip.Empty() {
			c.Style.Clip = c.Style.Clip.Add(image.Pt(0, dy))
		}
		return true
	})
}

// listRow is a settings-style row: title, optional summary, optional switch,
// laid out at the origin (scrollList moves it).
type listRow struct {
	ID      string // resource-id prefix for the row container
	Title   string
	Summary string
	Icon    string
	Switch  *bool // nil for no switch
	OnClick func(p *Phone)
}

func (lr listRow) build(t Theme, pkg string, width int) (*Node, int) {
	h := t.Dp(72)
	if lr.Summary == "" {
		h = t.Dp(56)
	}
	r := image.Rect(0, 0, width, h)
	row := &Node{Class: "android.widget.LinearLayout", Bounds: r, OnClick: lr.OnClick, ResourceID: lr.ID,
		Style: Style{Widget: WidgetDivider}}
	x := 0
	if lr.Icon != "" {
		is := t.Dp(40)
		row.Add(&Node{Class: "android.widget.ImageView", ResourceID: "android:id/icon",
			Bounds: image.Rect(t.Dp(16), (h-is)/2, t.Dp(16)+is, (h+is)/2),
			Style:  Style{Widget: WidgetIcon, Glyph: lr.Icon, Bg: t.SurfaceVariant, Fg: t.Primary}})
		x = t.Dp(56)
	}
	right := width
	if lr.Switch != nil {
		right = width - t.Dp(84)
	}
	if lr.Summary == "" {
		row.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/title", Text: lr.Title,
			Bounds: image.Rect(x, 0, right, h)})
	} else {
		mid := h / 2
		row.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/title", Text: lr.Title,
			Bounds: image.Rect(x, t.Dp(10), right, mid+t.Dp(2))})
		row.Add(&Node{Class: "android.widget.TextView", ResourceID: "android:id/summary", Text: lr.Summary,
			Bounds: image.Rect(x, mid+t.Dp(2), right, h-t.Dp(10)), Style: Style{TextSize: t.Small, Fg: t.OnSurfaceMuted}})
	}
	if lr.Switch != nil {
		on := *lr.Switch
		row.Add(&Node{Class: "android.widget.Switch", ResourceID: "android:id/switch_widget", Checkable: true, Checked: on,
			Bounds: image.Rect(width-t.Dp(84), 0, width, h), Style: Style{Widget: WidgetSwitch}})
		row.Checkable = true
		row.Checked = on
	}
	return row, h
}

// rowsList builds rows and puts them in a scrolling list.
func rowsList(t Theme, a *Activity, id string, r Rect, rows []listRow) *Node {
	nodes := make([]*Node, len(rows))
	hs := make([]int, len(rows))
	for i, lr := range rows {
		nodes[i], hs[i] = lr.build(t, a.App.Package, r.Dx())
		nodes[i].Walk(func(c *Node) bool { c.Bounds = c.Bounds.Add(image.Pt(r.Min.X, 0)); return true })
	}
	return scrollList(a, id, r, nodes, hs)
}

// button is a filled or outlined button.
func button(t Theme, r Rect, id, label string, filled bool, onClick func(p *Phone)) *Node {
	st := Style{Center: true, Bold: true, Radius: r.Dy() / 2, TextSize: t.Small}
	if filled {
		st.Bg, st.Fg = t.Primary, t.OnPrimary
	} else {
		st.Border, st.Fg = t.OnSurfaceMuted, t.Primary
	}
	return &Node{Class: "android.widget.Button", ResourceID: id, Text: label, Bounds: r, OnClick: onClick, Style: st}
}
