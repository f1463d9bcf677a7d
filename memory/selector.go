package memory

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/mobagent/mobagent/perception"
)

// normalize lower-cases s, turns punctuation into spaces and collapses
// spacing.
func normalize(s string) string {
	return strings.Join(words(s), " ")
}

// words splits s into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// stableWords are the words of s without those holding digits (counters,
// percentages and times change from one screen to the next).
func stableWords(s string) []string {
	var out []string
	for _, w := range words(s) {
		if !hasDigit(w) {
			out = append(out, w)
		}
	}
	return out
}

func jaccard(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	sa := map[string]bool{}
	for _, w := range a {
		sa[w] = true
	}
	sb := map[string]bool{}
	inter := 0
	for _, w := range b {
		if sb[w] {
			continue
		}
		sb[w] = true
		if sa[w] {
			inter++
		}
	}
	union := len(sa) + len(sb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

var placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// placeholders lists the {{name}} parameters s refers to.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// fill replaces {{name}} with args[name]; a missing argument is an error.
func fill(s string, args map[string]string) (string, error) {
	var missing []string
	out := placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		name := placeholderRE.FindStringSubmatch(m)[1]
		v, ok := args[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("missing argument %s", strings.Join(missing, ", "))
	}
	return out, nil
}

func (sel Selector) empty() bool {
	return sel.Text == "" && sel.ResourceID == "" && sel.ContentDesc == "" && sel.Class == ""
}

// Key is a stable string form of the selector, used in store keys.
func (sel Selector) Key() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("text", normalize(sel.Text))
	add("id", sel.ResourceID)
	add("desc", sel.ContentDesc)
	add("class", sel.Class)
	return strings.Join(parts, "|")
}

// String describes the selector for people and models.
func (sel Selector) String() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, fmt.Sprintf("%s=%q", k, v))
		}
	}
	add("text", sel.Text)
	add("resource_id", sel.ResourceID)
	add("content_desc", sel.ContentDesc)
	add("class", sel.Class)
	if sel.Checked != nil {
		parts = append(parts, fmt.Sprintf("checked=%v", *sel.Checked))
	}
	if len(parts) == 0 {
		return "{}"
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// textScore says how well an element's text matches the selector's: 1 for
// the same words, 0.9 when one is the leading words of the other, else the
// Jaccard similarity of their words without numbers.
func textScore(want, have string) float64 {
	w, h := stableWords(want), stableWords(have)
	if len(w) == 0 {
		// A selector text of only numbers must match exactly.
		if normalize(want) == normalize(have) {
			return 1
		}
		return 0
	}
	if strings.Join(w, " ") == strings.Join(h, " ") {
		return 1
	}
	if prefixWords(w, h) || prefixWords(h, w) {
		return 0.9
	}
	return jaccard(w, h)
}

func prefixWords(short, long []string) bool {
	if len(short) == 0 || len(short) > len(long) {
		return false
	}
	for i := range short {
		if short[i] != long[i] {
			return false
		}
	}
	return true
}

// minTextScore is the least textScore that counts as a match.
const minTextScore = 0.6

// Score says how well e matches sel, from 0 (no match) to 1.
func (sel Selector) Score(e perception.Element) float64 {
	if sel.empty() {
		return 0
	}
	if sel.ResourceID != "" && sel.ResourceID != e.ResourceID {
		return 0
	}
	if sel.Class != "" && sel.Class != e.Class {
		return 0
	}
	if sel.ContentDesc != "" && normalize(sel.ContentDesc) != normalize(e.ContentDesc) {
		return 0
	}
	if sel.Checked != nil && (!e.Checkable || e.Checked != *sel.Checked) {
		return 0
	}
	if sel.Text == "" {
		return 1
	}
	sc := textScore(sel.Text, e.Label())
	if sc < minTextScore {
		return 0
	}
	return sc
}

// Find returns the element of s that best matches sel; among equals, the
// first in reading order.
func (sel Selector) Find(s *perception.Screen) (perception.Element, bool) {
	if s == nil {
		return perception.Element{}, false
	}
	var best perception.Element
	bestScore := 0.0
	for _, e := range s.Elements {
		if sc := sel.Score(e); sc > bestScore {
			best, bestScore = e, sc
		}
	}
	return best, bestScore > 0
}

// SelectorFor builds a selector for e that finds it again on s: its
// resource-id, its label and its class, dropping the parts that are not
// needed to single it out on s. Coordinates are never used.
func SelectorFor(e perception.Element, s *perception.Screen) Selector {
	full := Selector{ResourceID: e.ResourceID, Class: e.Class}
	switch {
	case e.Text != "":
		full.Text = e.Text
	case e.ContentDesc != "":
		full.ContentDesc = e.ContentDesc
	case e.Hint != "":
		full.Text = e.Hint
	}
	if s == nil {
		return full
	}
	// Prefer the shortest selector that still finds e first.
	tries := []Selector{
		{Text: full.Text, ContentDesc: full.ContentDesc},
		{ResourceID: full.ResourceID, Text: full.Text, ContentDesc: full.ContentDesc},
		full,
	}
	for _, t := range tries {
		if t.empty() {
			continue
		}
		if f, ok := t.Find(s); ok && f.ID == e.ID {
			return t
		}
	}
	return full
}

// Describe renders a screen briefly for mismatch reports: the app and
// activity, then the labels of its elements.
func Describe(s *perception.Screen) string {
	if s == nil {
		return "no screen"
	}
	var labels []string
	for _, e := range s.Elements {
		l := e.Label()
		if l == "" {
			continue
		}
		if e.Checkable {
			l += fmt.Sprintf(" [checked=%v]", e.Checked)
		}
		labels = append(labels, fmt.Sprintf("%q", truncate(l, 60)))
		if len(labels) == 25 {
			labels = append(labels, "…")
			break
		}
	}
	return fmt.Sprintf("%s/%s with %s", s.Package, shortActivity(s.Package, s.Activity), strings.Join(labels, ", "))
}

func shortActivity(pkg, act string) string {
	if rest, ok := strings.CutPrefix(act, pkg); ok && strings.HasPrefix(rest, ".") {
		return rest
	}
	return act
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// switchMark marks the label of a switch in StableLabels.
const switchMark = " (switch)"

// StableLabels are the labels of s that identify the screen rather than its
// moment: elements of the foreground app that are not editable and carry
// no digits, normalised, de-duplicated and sorted. A switch contributes only
// its first word, since its row text often follows its state.
func StableLabels(s *perception.Screen) []string {
	if s == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range s.Elements {
		if e.Editable || e.Password {
			continue
		}
		if s.Package != "" && e.Package != "" && e.Package != s.Package {
			continue
		}
		l := e.Label()
		if l == "" || hasDigit(l) {
			continue
		}
		n := normalize(l)
		if e.Checkable {
			// A switch's row often says its state ("Bluetooth Off");
			// only its first word names the screen.
			if ws := words(l); len(ws) > 0 {
				n = ws[0] + switchMark
			}
		}
		if n == "" || len([]rune(n)) > 80 || seen[n] {
			continue
		}
		seen[n] = true
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Signature identifies a screen of an app independent of pixels and of
// what changes over time: a hash of the package, the activity and the
// stable labels.
func Signature(s *perception.Screen) string {
	if s == nil {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(s.Package + "\x00" + s.Activity + "\x00"))
	for _, l := range StableLabels(s) {
		h.Write([]byte(l + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// ScreenTitle guesses a screen's title: the first text in the top fifth of
// the screen that is not a button.
func ScreenTitle(s *perception.Screen) string {
	if s == nil {
		return ""
	}
	limit := s.Height / 5
	for _, e := range s.Elements {
		if e.Text == "" || e.Clickable || e.Editable {
			continue
		}
		if s.Package != "" && e.Package != "" && e.Package != s.Package {
			continue
		}
		if limit > 0 && e.Bounds.Min.Y > limit {
			continue
		}
		return e.Text
	}
	return ""
}

// ScreenOf summarises s as a graph node, listing its clickable labelled
// elements of the app (their descriptions are for exploration to fill).
func ScreenOf(s *perception.Screen) Screen {
	sc := Screen{App: s.Package, Signature: Signature(s), Activity: s.Activity, Title: ScreenTitle(s), Labels: StableLabels(s)}
	seen := map[string]bool{}
	for _, e := range s.Elements {
		if !e.Clickable || e.Editable || e.Label() == "" || (e.Package != "" && e.Package != s.Package) {
			continue
		}
		sel := SelectorFor(e, s)
		if seen[sel.Key()] {
			continue
		}
		seen[sel.Key()] = true
		sc.Elements = append(sc.Elements, ElementInfo{Selector: sel, Label: e.Label()})
	}
	return sc
}
