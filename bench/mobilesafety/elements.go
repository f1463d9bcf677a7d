package mobilesafety

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Element is one view of the screen as MSB numbers them: every node of the
// view hierarchy that has bounds, in document order, numbered from 0 (its
// numeric tag).
type Element struct {
	Tag         int    `json:"numeric_tag"`
	ResourceID  string `json:"resource_id,omitempty"` // the full id, package:id/name
	Class       string `json:"class,omitempty"`       // the full class name
	Text        string `json:"text,omitempty"`
	ContentDesc string `json:"content_description,omitempty"`
	Package     string `json:"package,omitempty"`
	// Checked is MSB's "checked": checked, selected or focused.
	Checked   bool   `json:"checked"`
	Clickable bool   `json:"clickable,omitempty"`
	Bounds    [4]int `json:"bounds"` // [left, top, right, bottom]
}

// Center is the point MSB taps for the element: the middle of its bounds.
func (e Element) Center() (x, y int) {
	return (e.Bounds[0] + e.Bounds[2]) / 2, (e.Bounds[1] + e.Bounds[3]) / 2
}

// Describe is the element as MSB shows it to the agent: its short
// resource id and class, content description, text and checked state.
func (e Element) Describe() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("'numeric_tag': %d", e.Tag))
	if id := e.ResourceID; id != "" {
		parts = append(parts, fmt.Sprintf("'resource_id': %q", id[strings.LastIndexByte(id, '/')+1:]))
	}
	if c := e.Class; c != "" {
		parts = append(parts, fmt.Sprintf("'class': %q", c[strings.LastIndexByte(c, '.')+1:]))
	}
	if e.ContentDesc != "" {
		parts = append(parts, fmt.Sprintf("'content_description': %q", e.ContentDesc))
	}
	if e.Text != "" {
		parts = append(parts, fmt.Sprintf("'text': %q", e.Text))
	}
	parts = append(parts, fmt.Sprintf("'checked': '%t'", e.Checked))
	return "{" + strings.Join(parts, ", ") + "}"
}

// ErrBadHierarchy is wrapped by errors about a view hierarchy that cannot be
// read.
var ErrBadHierarchy = errors.New("mobilesafety: unreadable view hierarchy")

// ParseElements numbers the nodes of a uiautomator dump.
func ParseElements(dump []byte) ([]Element, error) {
	dec := xml.NewDecoder(bytes.NewReader(dump))
	dec.Strict = false
	var out []Element
	sawRoot := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadHierarchy, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if se.Name.Local == "hierarchy" {
			sawRoot = true
		}
		if se.Name.Local != "node" {
			continue
		}
		e := Element{Tag: len(out)}
		hasBounds := false
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "resource-id":
				e.ResourceID = a.Value
			case "class":
				e.Class = a.Value
			case "text":
				e.Text = a.Value
			case "content-desc":
				e.ContentDesc = a.Value
			case "package":
				e.Package = a.Value
			case "checked", "selected", "focused":
				e.Checked = e.Checked || a.Value == "true"
			case "clickable":
				e.Clickable = a.Value == "true"
			case "bounds":
				b, ok := parseBounds(a.Value)
				if !ok {
					return nil, fmt.Errorf("%w: node %d has bounds %q, not [l,t][r,b]", ErrBadHierarchy, len(out), truncate(a.Value, 40))
				}
				e.Bounds, hasBounds = b, true
			}
		}
		if hasBounds {
			out = append(out, e)
		}
	}
	if !sawRoot {
		return nil, fmt.Errorf("%w: no <hierarchy> element: is this a uiautomator dump?", ErrBadHierarchy)
	}
	return out, nil
}

// parseBounds reads "[l,t][r,b]".
func parseBounds(s string) ([4]int, bool) {
	var b [4]int
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		return b, false
	}
	parts := strings.Split(s[1:len(s)-1], "][")
	if len(parts) != 2 {
		return b, false
	}
	for i, p := range parts {
		x, y, ok := strings.Cut(p, ",")
		if !ok {
			return b, false
		}
		var err1, err2 error
		b[2*i], err1 = strconv.Atoi(strings.TrimSpace(x))
		b[2*i+1], err2 = strconv.Atoi(strings.TrimSpace(y))
		if err1 != nil || err2 != nil {
			return b, false
		}
	}
	return b, true
}
