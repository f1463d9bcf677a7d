package perception

import (
	"image"
	"time"
)

// Source says where an element was found.
type Source string

// The perception sources.
const (
	SourceHierarchy Source = "hierarchy"
	SourceOCR       Source = "ocr"
	SourceVision    Source = "vision"
)

// Element is one thing on the screen an agent may read or act on. Bounds are in
// device pixels of the screenshot the element came from.
type Element struct {
	ID          int             `json:"id"` // 1-based, stable in reading order for one Screen
	Bounds      image.Rectangle `json:"bounds"`
	Text        string          `json:"text,omitempty"`
	ContentDesc string          `json:"content_desc,omitempty"`
	ResourceID  string          `json:"resource_id,omitempty"`
	Class       string          `json:"class,omitempty"`
	Package     string          `json:"package,omitempty"`
	Hint        string          `json:"hint,omitempty"`

	Clickable     bool `json:"clickable,omitempty"`
	LongClickable bool `json:"long_clickable,omitempty"`
	Editable      bool `json:"editable,omitempty"`
	Checkable     bool `json:"checkable,omitempty"`
	Checked       bool `json:"checked,omitempty"`
	Scrollable    bool `json:"scrollable,omitempty"`
	Password      bool `json:"password,omitempty"`
	Focused       bool `json:"focused,omitempty"`
	Selected      bool `json:"selected,omitempty"`
	Enabled       bool `json:"enabled,omitempty"`

	Source     Source  `json:"source"`
	Confidence float64 `json:"confidence"` // 0..1; 1 for hierarchy nodes
	// TextSource is SourceOCR when Text was read from the pixels for an
	// element found by another source (a text-less button of the dump, a
	// vision region); empty when the text comes from the element's own
	// source.
	TextSource Source `json:"text_source,omitempty"`
}

// Label is the best human-readable name of e: its text, else its
// content-desc, else its hint, else the last part of its resource-id.
func (e Element) Label() string {
	switch {
	case e.Text != "":
		return e.Text
	case e.ContentDesc != "":
		return e.ContentDesc
	case e.Hint != "":
		return e.Hint
	}
	id := e.ResourceID
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '/' {
			return id[i+1:]
		}
	}
	return id
}

// Center is the middle of e's bounds.
func (e Element) Center() image.Point {
	return image.Pt((e.Bounds.Min.X+e.Bounds.Max.X)/2, (e.Bounds.Min.Y+e.Bounds.Max.Y)/2)
}

// Screen is one observation of the phone: what a model is shown.
type Screen struct {
	Image         image.Image `json:"-"`
	Width         int         `json:"width"`
	Height        int         `json:"height"`
	Package       string      `json:"package"`
	Activity      string      `json:"activity"`
	Elements      []Element   `json:"elements"`
	KeyboardShown bool        `json:"keyboard_shown"`
	Time          time.Time   `json:"time"`
	Hash          Hash        `json:"hash"` // perceptual hash of Image
	// Warnings are what went wrong without stopping perception, such as a
	// hierarchy that could not be dumped.
	Warnings []string `json:"warnings,omitempty"`
}

// ElementAt returns the element under p that keep accepts (nil keeps every
// element): the smallest by area; among equals an actionable one (clickable,
// long-clickable, checkable or editable), then the first in reading order.
// Every "what is at this point" question in mobagent goes through it, so the
// gate, the reflector, memory and the executor agree on what a tap hits.
func (s *Screen) ElementAt(p image.Point, keep func(Element) bool) (Element, bool) {
	best, found := -1, false
	for i, e := range s.Elements {
		if !p.In(e.Bounds) || (keep != nil && !keep(e)) {
			continue
		}
		if !found {
			best, found = i, true
			continue
		}
		b := s.Elements[best]
		ea, ba := area(e.Bounds), area(b.Bounds)
		if ea < ba || (ea == ba && e.Actionable() && !b.Actionable()) {
			best = i
		}
	}
	if !found {
		return Element{}, false
	}
	return s.Elements[best], true
}

// Actionable reports whether e reacts to a touch or to typing.
func (e Element) Actionable() bool {
	return e.Clickable || e.LongClickable || e.Checkable || e.Editable
}

// Element returns the element with the given id.
func (s *Screen) Element(id int) (Element, bool) {
	for _, e := range s.Elements {
		if e.ID == id {
			return e, true
		}
	}
	return Element{}, false
}
