package mobilebench

import (
	"fmt"
	"strings"
)

// apiSuccess is the result the reference writes after a command that exited
// with status 0.
const apiSuccess = "API execution successful"

// The entries of H, formatted exactly as the reference runner writes a
// successful action (agent_for_ui/main_for_ui.py, actions and api). elem is
// the element as the reference cuts it from the action: see [ElementRef].

// Click is the entry of a successful tap on elem: click(<…>).
func Click(elem string) string { return "click(" + elem + ")" }

// Press is the entry of a successful long press: press(<…>).
func Press(elem string) string { return "press(" + elem + ")" }

// Zoom is the entry of a successful two-finger spread; the reference
// capitalises it: Zoom(<…>).
func Zoom(elem string) string { return "Zoom(" + elem + ")" }

// Pinch is the entry of a successful pinch: pinch(<…>).
func Pinch(elem string) string { return "pinch(" + elem + ")" }

// Input is the entry of successful typing into elem: input(<…>, text). The
// reference taps the field first and writes [Click] of it before this entry;
// when the field is replaced within a second of the tap, it types nothing
// and writes only the click.
func Input(elem, text string) string { return "input(" + elem + ", " + text + ")" }

// Scroll is the entry of a successful swipe from (x1, y1) to (x2, y2), in
// screen pixels: scroll([x1,y1][x2,y2]). The reference writes the points it
// swiped, after [NudgeScroll].
func Scroll(x1, y1, x2, y2 int) string {
	return fmt.Sprintf("scroll([%d,%d][%d,%d])", x1, y1, x2, y2)
}

// NudgeScroll moves a swipe's coordinates off the screen's edges as the
// reference does before it swipes: every coordinate equal to the largest of
// the four loses 50, then every coordinate equal to 0 gains 50.
func NudgeScroll(x1, y1, x2, y2 int) (int, int, int, int) {
	c := [4]int{x1, y1, x2, y2}
	m := max(x1, y1, x2, y2)
	for i := range c {
		if c[i] == m {
			c[i] -= 50
		}
	}
	for i := range c {
		if c[i] == 0 {
			c[i] += 50
		}
	}
	return c[0], c[1], c[2], c[3]
}

// APICall is the entry of an API call (an adb command) that exited with
// status 0: "<command>. [Call result]:API execution successful". The
// reference writes nothing for a call that failed.
func APICall(command string) string { return command + apiMarker + apiSuccess }

// ElementRef cuts the element out of an element line as the reference cuts
// it out of an action: from the first "<" to the second ">", both
// included, which is the whole line "<tag …> text </tag>" unless an
// attribute holds a ">". It follows Python's slicing where a bracket is
// missing (usually giving "").
func ElementRef(line string) string {
	a := strings.IndexByte(line, '<')
	b := strings.IndexByte(line, '>')
	c := strings.IndexByte(line[b+1:], '>') // b+1 ≥ 0
	if c >= 0 {
		c += b + 1
	}
	end := c + 1
	start := a
	if start < 0 { // Python's -1: the last character
		start = len(line) - lastRuneLen(line)
	}
	if start >= end {
		return ""
	}
	return line[start:end]
}

func lastRuneLen(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0x80 || s[i] >= 0xC0 {
			return len(s) - i
		}
	}
	return len(s)
}

// Node is one view of a screen in the form the reference reads from
// Appium's page source: Type is the element's tag (the widget class, such
// as android.widget.TextView) and the other fields are its attributes, ""
// when absent.
type Node struct {
	Type        string
	ResourceID  string
	Package     string
	Class       string
	ContentDesc string
	Text        string
	Clickable   string // "true", "false" or ""
	Scrollable  string
	Bounds      string // "[x1,y1][x2,y2]"
	Children    []*Node
}

// RenderHTML renders a view tree as the reference shows a screen to the
// model (xml_to_html.py, any_tree_to_html), one element per line; an
// element line is what [ElementRef] cuts and click(<…>) entries hold, so the
// package, resource-id and text check points are matched against it.
//
// Tags: ImageView, IconView and Image are img; Button and MenuItemView are
// button; EditText is input; TextView is p; anything else div. A visible
// leaf (one with text or a content description, or a Button or EditText)
// is written as <tag id package class description clickable> text </tag>,
// with scrollable and bounds when scrollable; any other scrollable view as
// <tag id class descript  ion clickable scrollable bounds> text </tag>
// (no package, and the reference's misspelt attribute); other views are not
// written. A view inside a clickable view is written clickable="true".
// Newlines in text and descriptions are removed. The root counts as
// visible.
func RenderHTML(root *Node) string {
	if root == nil {
		return ""
	}
	var b strings.Builder
	renderNode(&b, root, false, true, nil)
	return b.String()
}

// ElementLines numbers the interactive elements of a rendered screen as the
// reference does before it asks for a UI action: the lines that hold
// clickable="true", scrollable="true" or "input" anywhere, trimmed,
// numbered from 1 (index 0 is unused).
func ElementLines(html string) []string {
	out := []string{""}
	for _, l := range strings.Split(html, "\n") {
		if strings.Contains(l, `clickable="true"`) || strings.Contains(l, `scrollable="true"`) || strings.Contains(l, "input") {
			out = append(out, strings.TrimSpace(l))
		}
	}
	return out
}

// renderNode writes n and its descendants; emit, when set, is told each
// node that wrote a line and the line.
func renderNode(b *strings.Builder, n *Node, inClickable, root bool, emit func(*Node, string)) {
	clickable := n.Clickable
	if clickable == "true" {
		inClickable = true
	} else if inClickable {
		clickable = "true"
	}
	text := strings.ReplaceAll(n.Text, "\n", "")
	desc := strings.ReplaceAll(n.ContentDesc, "\n", "")
	lt := strings.ToLower(n.Type)
	visible := root || n.Text != "" || n.ContentDesc != "" || strings.Contains(lt, "button") || strings.Contains(lt, "edittext")
	tag := htmlTag(n.Type)
	attr := func(name, v string) {
		if v != "" {
			b.WriteString(" " + name + `="` + v + `"`)
		}
	}
	switch {
	case len(n.Children) == 0 && visible:
		b.WriteString("<" + tag)
		attr("id", n.ResourceID)
		attr("package", n.Package)
		attr("class", n.Class)
		attr("description", desc)
		attr("clickable", clickable)
		if n.Scrollable == "true" {
			attr("scrollable", n.Scrollable)
			attr("bounds", n.Bounds)
		}
	case n.Scrollable == "true":
		b.WriteString("<" + tag)
		attr("id", n.ResourceID)
		attr("class", n.Class)
		attr("descript  ion", desc)
		attr("clickable", clickable)
		attr("scrollable", n.Scrollable)
		attr("bounds", n.Bounds)
	default:
		for _, c := range n.Children {
			renderNode(b, c, inClickable, false, emit)
		}
		return
	}
	b.WriteString("> " + text + " </" + tag + ">\n")
	if emit != nil {
		s := b.String()
		start := strings.LastIndexByte(s[:len(s)-1], '\n') + 1
		emit(n, s[start:len(s)-1])
	}
	for _, c := range n.Children {
		renderNode(b, c, inClickable, false, emit)
	}
}

func htmlTag(typ string) string {
	switch {
	case strings.Contains(typ, "ImageView"), strings.Contains(typ, "IconView"):
		return "img"
	case strings.Contains(typ, "Button"):
		return "button"
	case strings.Contains(typ, "Image"):
		return "img"
	case strings.Contains(typ, "MenuItemView"):
		return "button"
	case strings.Contains(typ, "EditText"):
		return "input"
	case strings.Contains(typ, "TextView"):
		return "p"
	}
	return "div"
}
