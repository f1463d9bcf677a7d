package script

import (
	"strings"
	"unicode"

	"github.com/mobagent/mobagent/perception"
)

// RoleOf is the role of e, as perception.RenderText tags it in the element
// list models read.
func RoleOf(e perception.Element) Role {
	switch {
	case e.Editable:
		return RoleInput
	case e.Checkable:
		if strings.Contains(e.Class, "Switch") || strings.Contains(e.Class, "Toggle") {
			return RoleSwitch
		}
		return RoleCheckbox
	case e.Scrollable && !e.Clickable:
		return RoleScroll
	case e.Source == perception.SourceVision && e.Text == "":
		return RoleIcon
	case e.Clickable || e.LongClickable:
		return RoleButton
	case strings.Contains(e.Class, "Image"):
		return RoleImage
	}
	return RoleText
}

// words splits s into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// labelScore says how well a label matches what a selector asks for: 1 for
// the same words, 0.9 when they are its leading words, 0.8 when they stand
// in a row inside it, else 0. Numbers count: "6:45 AM alarm" does not
// match "7:15 AM alarm".
func labelScore(want, have string) float64 {
	w, h := words(want), words(have)
	if len(w) == 0 || len(h) < len(w) {
		return 0
	}
	if len(w) == len(h) && run(w, h, 0) {
		return 1
	}
	if run(w, h, 0) {
		return 0.9
	}
	for i := 1; i+len(w) <= len(h); i++ {
		if run(w, h, i) {
			return 0.8
		}
	}
	return 0
}

func run(w, h []string, at int) bool {
	for i := range w {
		if h[at+i] != w[i] {
			return false
		}
	}
	return true
}

// elementScore is the best labelScore over e's text, description and hint.
func elementScore(want string, e perception.Element) float64 {
	return max(labelScore(want, e.Text), labelScore(want, e.ContentDesc), labelScore(want, e.Hint))
}

func idMatches(want, have string) bool {
	if want == "" {
		return true
	}
	if have == want {
		return true
	}
	if i := strings.LastIndex(have, ":id/"); i >= 0 {
		return have[i+len(":id/"):] == strings.TrimPrefix(want, "id/")
	}
	return false
}

// Find returns the element of s the selector names, with its variables
// expanded: the best label match among the elements that pass every other
// part; among equals, the first in reading order.
func (sel Selector) Find(s *perception.Screen, vars map[string]string) (perception.Element, bool) {
	if s == nil {
		return perception.Element{}, false
	}
	els := s.Elements
	if sel.After != "" {
		anchor := expand(sel.After, vars)
		at, best := -1, 0.0
		for i, e := range els {
			if sc := elementScore(anchor, e); sc > best {
				at, best = i, sc
			}
		}
		if at < 0 {
			return perception.Element{}, false
		}
		els = els[at+1:]
	}
	label := expand(sel.Label, vars)
	var found perception.Element
	best := 0.0
	n := 0
	for _, e := range els {
		if !sel.Role.matches(e) {
			continue
		}
		if !idMatches(expand(sel.ID, vars), e.ResourceID) {
			continue
		}
		if sel.Checked != nil && (!e.Checkable || e.Checked != *sel.Checked) {
			continue
		}
		if sel.re != nil && !sel.re.MatchString(e.Text) && !sel.re.MatchString(e.ContentDesc) {
			continue
		}
		sc := 1.0
		if label != "" {
			if sc = elementScore(label, e); sc == 0 {
				continue
			}
		}
		if sel.Nth > 0 {
			if n++; n == sel.Nth {
				return e, true
			}
			continue
		}
		if sc > best {
			found, best = e, sc
		}
	}
	return found, best > 0
}

// readValue is the text a read command keeps: what the pattern matched
// when the selector has one, else the element's label.
func (sel Selector) readValue(e perception.Element) string {
	if sel.re != nil {
		for _, t := range []string{e.Text, e.ContentDesc} {
			if m := sel.re.FindStringSubmatch(t); m != nil {
				if len(m) > 1 && m[1] != "" {
					return m[1]
				}
				return m[0]
			}
		}
	}
	return e.Label()
}

// matches reports whether e has role r. A switch and a checkbox are one
// role here: what the app knowledge and the models call a switch is often
// a checkbox in the view hierarchy.
func (r Role) matches(e perception.Element) bool {
	switch r {
	case RoleAny:
		return true
	case RoleSwitch, RoleCheckbox:
		return e.Checkable
	}
	return RoleOf(e) == r
}
