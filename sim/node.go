package sim

import (
	"image"
	"image/color"
)

// Node is one view in a screen's tree. It carries every attribute uiautomator
// dumps, how it is drawn, and what it does when touched. Apps build a fresh
// tree from the phone's state on every frame; nodes are never shared between
// frames.
type Node struct {
	Class       string
	ResourceID  string
	Text        string
	ContentDesc string
	Hint        string
	Package     string // filled from the owning app when empty
	Bounds      image.Rectangle

	Checkable     bool
	Checked       bool
	Clickable     bool
	Disabled      bool // uiautomator's enabled="false"
	Focusable     bool
	Focused       bool
	Scrollable    bool
	LongClickable bool
	Password      bool
	Selected      bool

	// Value is the position of a slider, 0..1.
	Value float64

	// PixelsOnly nodes are drawn but left out of the dump, as the content of
	// a WebView or a game surface is.
	PixelsOnly bool

	Style    Style
	Children []*Node

	OnClick     func(p *Phone)
	OnLongClick func(p *Phone)
	// OnTapAt, when set, receives the touch point instead of OnClick (a
	// slider sets its value from where it was touched).
	OnTapAt func(p *Phone, pt image.Point)
	// OnScroll moves content by dy pixels (positive scrolls towards the end)
	// and reports whether it moved.
	OnScroll func(p *Phone, dy int) bool
	// Field makes the node an editable text field bound to a string in the
	// app's state.
	Field *Field
}

// Field binds an EditText to app state.
type Field struct {
	Value    *string
	Submit   func(p *Phone) // on enter; nil does nothing
	MaxLen   int            // 0 is unlimited
	Numeric  bool
	Password bool
	// Multiline fields take ENTER as a new line (when Submit is nil) and
	// draw their text wrapped from the top.
	Multiline bool
	// OnChange, when set, runs after the text changes (typed, deleted or
	// cleared), as an app that saves as you type does.
	OnChange func(p *Phone)
}

// setFieldValue changes a field's text and tells the app.
func setFieldValue(p *Phone, f *Field, v string) {
	*f.Value = v
	if f.OnChange != nil {
		f.OnChange(p)
	}
}

// Style is how a node is drawn.
type Style struct {
	Bg       color.RGBA // zero alpha draws no background
	Fg       color.RGBA // text colour; zero alpha uses the theme's
	Border   color.RGBA
	Radius   int
	TextSize int // pixels; 0 uses the theme's body size
	Bold     bool
	Center   bool // centre text horizontally
	Wrap     bool // wrap text over several lines
	PadX     int  // text inset from the left edge; 0 uses 16dp
	Widget   Widget
	Glyph    string // the letter or symbol drawn by WidgetIcon
	// HideText keeps the node's text in the dump but leaves drawing it to
	// children (a launcher icon's label sits under its picture).
	HideText bool
	// Clip restricts drawing of this node and its children.
	Clip image.Rectangle
}

// Widget selects a special drawing.
type Widget int

// Widgets the renderer knows.
const (
	WidgetNone Widget = iota
	WidgetSwitch
	WidgetIcon    // a filled circle or rounded square with Glyph in it
	WidgetEdit    // a text field with underline, hint when empty
	WidgetDivider // a thin line at the bottom
	WidgetSlider  // a horizontal track filled to Node.Value
	WidgetSpinner // a loading indicator
	WidgetImage   // a placeholder picture
	WidgetNav     // a navigation bar key, by content-desc
)

// Walk calls fn for n and its descendants in drawing order, stopping early
// when fn returns false for a node (its children are then skipped).
func (n *Node) Walk(fn func(*Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	for _, c := range n.Children {
		c.Walk(fn)
	}
}

// Add appends children and returns n.
func (n *Node) Add(children ...*Node) *Node {
	n.Children = append(n.Children, children...)
	return n
}

// Label is the node's text, content-desc or hint, for logs and state.
func (n *Node) Label() string {
	switch {
	case n.Text != "":
		return n.Text
	case n.ContentDesc != "":
		return n.ContentDesc
	}
	return n.Hint
}
