package perception

import (
	"fmt"
	"image"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextOptions tunes RenderText. The zero value works.
type TextOptions struct {
	// MaxTokens bounds the output as measured by EstimateTokens; 0 means no
	// limit. When elements must go, plain text goes before controls, and
	// the bottom of the screen before the top; a last line says how many
	// were cut.
	MaxTokens int
	// MaxTextRunes cuts each text value to this many runes; 0 means 160.
	MaxTextRunes int
	// Positions adds each element's centre as at=X,Y (device pixels).
	Positions bool
	// ResourceIDs adds the short resource-id as rid=NAME.
	ResourceIDs bool
	// NoHeader leaves out the first line describing the screen.
	NoHeader bool
	// NoBareIcons leaves out icons found in the pixels that carry no label:
	// without the marked image a model can do nothing with them. Their ids
	// are kept by the elements that remain.
	NoBareIcons bool
}

// RenderText renders s for a text-only model, one element per line:
//
//	<button id=7 text="Send">
//	<input id=3 hint="Search" focused>
//
// Screen text is untrusted data: values are quoted, and quotes, backslashes,
// angle brackets, line breaks, control and bidirectional characters are
// escaped, so no screen text can close a tag or start a line of its own.
func RenderText(s *Screen, opts TextOptions) string {
	maxRunes := opts.MaxTextRunes
	if maxRunes <= 0 {
		maxRunes = 160
	}
	header := ""
	if !opts.NoHeader {
		header = screenHeader(s)
	}
	if opts.NoBareIcons {
		kept := make([]Element, 0, len(s.Elements))
		for _, e := range s.Elements {
			if !bareIcon(e) {
				kept = append(kept, e)
			}
		}
		if len(kept) < len(s.Elements) {
			sub := *s
			sub.Elements = kept
			s = &sub
		}
	}
	pos := positionHints(s)
	lines := make([]string, len(s.Elements))
	render := func(limit int) {
		for i, e := range s.Elements {
			lines[i] = elementLine(e, opts, limit, pos[i])
		}
	}
	render(maxRunes)
	join := func(keep []bool, footer string) string {
		var b strings.Builder
		if header != "" {
			b.WriteString(header)
			b.WriteByte('\n')
		}
		for i, l := range lines {
			if keep == nil || keep[i] {
				b.WriteString(l)
				b.WriteByte('\n')
			}
		}
		b.WriteString(footer)
		return b.String()
	}
	out := join(nil, "")
	if opts.MaxTokens <= 0 || EstimateTokens(out) <= opts.MaxTokens {
		return out
	}
	// Over budget: shorten long texts first, then drop by priority.
	if maxRunes > 60 {
		render(60)
	}
	order := make([]int, len(lines))
	for i := range order {
		order[i] = i
	}
	// Least important last: plain text and pixel-only finds go before
	// controls; lower on the screen goes before higher.
	sort.SliceStable(order, func(a, b int) bool {
		pa, pb := priority(s.Elements[order[a]]), priority(s.Elements[order[b]])
		if pa != pb {
			return pa < pb
		}
		return order[a] < order[b]
	})
	keep := make([]bool, len(lines))
	budget := opts.MaxTokens - EstimateTokens(header) - 16 // room for the footer
	used := 0
	for _, i := range order {
		t := EstimateTokens(lines[i]) + 1
		if used+t > budget {
			continue
		}
		keep[i] = true
		used += t
	}
	cut := map[string]int{}
	total := 0
	for i, k := range keep {
		if !k {
			cut[tagOf(s.Elements[i])]++
			total++
		}
	}
	var parts []string
	for tag, n := range cut {
		parts = append(parts, fmt.Sprintf("%s %d", tag, n))
	}
	sort.Strings(parts)
	return join(keep, fmt.Sprintf("(%d more elements not shown: %s)\n", total, strings.Join(parts, ", ")))
}

func screenHeader(s *Screen) string {
	var b strings.Builder
	b.WriteString("screen")
	if s.Package != "" {
		fmt.Fprintf(&b, " app=%s", quote(s.Package, 100))
	}
	if s.Activity != "" {
		// The class's own name: the package is already said.
		a := s.Activity
		if i := strings.LastIndexAny(a, "./"); i >= 0 && i < len(a)-1 {
			a = a[i+1:]
		}
		fmt.Fprintf(&b, " activity=%s", quote(a, 120))
	}
	if s.Width > 0 {
		fmt.Fprintf(&b, " size=%dx%d", s.Width, s.Height)
	}
	if s.KeyboardShown {
		b.WriteString(" keyboard")
	}
	return b.String()
}

// unsureBelow is the confidence under which a find from the pixels is
// marked unsure.
const unsureBelow = 0.6

// bareIcon reports whether e is an icon found in the pixels with no label.
func bareIcon(e Element) bool {
	return e.Source == SourceVision && e.Label() == "" && e.ResourceID == ""
}

// priority orders elements for keeping under a budget: lower is kept first.
func priority(e Element) int {
	switch {
	case e.Focused || e.Editable:
		return 0
	case e.Source == SourceHierarchy && (e.Clickable || e.Checkable || e.LongClickable):
		return 1
	case e.Scrollable:
		return 2
	case e.Source == SourceHierarchy:
		return 3
	case e.Source == SourceOCR:
		return 4
	}
	return 5
}

func tagOf(e Element) string {
	switch {
	case e.Editable:
		return "input"
	case e.Checkable:
		if strings.Contains(e.Class, "Switch") || strings.Contains(e.Class, "Toggle") {
			return "switch"
		}
		return "checkbox"
	case e.Scrollable && !e.Clickable:
		return "scroll"
	case e.Source == SourceVision && e.Text == "":
		return "icon"
	case e.Clickable || e.LongClickable:
		return "button"
	case strings.Contains(e.Class, "Image"):
		return "image"
	}
	return "text"
}

func elementLine(e Element, opts TextOptions, maxRunes int, pos string) string {
	var b strings.Builder
	b.WriteByte('<')
	b.WriteString(tagOf(e))
	b.WriteString(" id=")
	b.WriteString(strconv.Itoa(e.ID))
	attr := func(name, v string) {
		if v == "" {
			return
		}
		b.WriteByte(' ')
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(quote(v, maxRunes))
	}
	attr("text", e.Text)
	if e.ContentDesc != e.Text {
		attr("desc", e.ContentDesc)
	}
	if e.Hint != e.Text {
		attr("hint", e.Hint)
	}
	switch {
	case opts.ResourceIDs && e.ResourceID != "":
		id := e.ResourceID
		if i := strings.LastIndexByte(id, '/'); i >= 0 {
			id = id[i+1:]
		}
		attr("rid", id)
	case e.Text == "" && e.ContentDesc == "" && e.Hint == "" && e.Actionable():
		// A control with no other label: the words of its resource-id
		// ("cart_icon_container" reads "cart icon container").
		attr("name", IDWords(e.ResourceID))
	}
	if pos != "" {
		attr("pos", pos)
	}
	if opts.Positions {
		c := e.Center()
		fmt.Fprintf(&b, " at=%d,%d", c.X, c.Y)
	}
	flag := func(on bool, name string) {
		if on {
			b.WriteByte(' ')
			b.WriteString(name)
		}
	}
	flag(e.Editable && e.Text == "" && e.Source == SourceHierarchy, "empty")
	flag(e.Focused, "focused")
	if e.Checkable {
		flag(e.Checked, "checked")
		flag(!e.Checked, "unchecked")
	}
	flag(e.Selected, "selected")
	flag(e.Password, "password")
	flag(e.TextSource == SourceOCR && e.Text != "" && e.Source == SourceHierarchy, "text-from-pixels")
	flag(e.LongClickable && !e.Clickable, "long-press")
	flag(e.Scrollable && e.Clickable, "scrollable")
	flag(!e.Enabled && e.Source == SourceHierarchy, "disabled")
	if e.Source != SourceHierarchy && e.Source != "" && e.Label() != "" {
		// Found in the pixels: the words may be misread.
		fmt.Fprintf(&b, " src=%s", e.Source)
		flag(e.Confidence > 0 && e.Confidence < unsureBelow, "unsure")
	}
	b.WriteByte('>')
	return b.String()
}

// quote returns v in double quotes with everything that could break out of
// the value escaped, cut to maxRunes runes.
func quote(v string, maxRunes int) string {
	var b strings.Builder
	b.WriteByte('"')
	n := 0
	for _, r := range v {
		if n == maxRunes {
			b.WriteString("…")
			break
		}
		n++
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '<':
			b.WriteString(`\u003c`)
		case '>':
			b.WriteString(`\u003e`)
		default:
			if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) ||
				r == '\u2028' || r == '\u2029' || r == '\u0085' || unicode.In(r, unicode.Zl, unicode.Zp) {
				fmt.Fprintf(&b, `\u%04x`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// EstimateTokens estimates how many tokens s costs a typical BPE tokenizer:
// about four ASCII characters per token, and one token per other character
// (CJK, Arabic, accented letters are split finely). It errs on the high side.
func EstimateTokens(s string) int {
	ascii, other := 0, 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			ascii++
		} else {
			other++
		}
	}
	return (ascii+3)/4 + other
}

// IDWords turns a resource-id into the words it is made of: the part after
// the last '/', split at underscores, dots and case changes, lower case.
// "com.shop:id/cartIconContainer" gives "cart icon container"; ids that are
// only digits or a single letter give "".
func IDWords(rid string) string {
	if i := strings.LastIndexByte(rid, '/'); i >= 0 {
		rid = rid[i+1:]
	}
	if strings.ContainsAny(rid, "() ") {
		return "" // "(name removed)": the app hides its ids
	}
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, strings.ToLower(b.String()))
			b.Reset()
		}
	}
	prevLower := false
	for _, r := range rid {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ' || r == ':':
			flush()
			prevLower = false
		case unicode.IsUpper(r) && prevLower:
			flush()
			b.WriteRune(r)
			prevLower = false
		default:
			b.WriteRune(r)
			prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		}
	}
	flush()
	out := strings.Join(words, " ")
	if len(strings.Trim(out, "0123456789 ")) < 2 {
		return ""
	}
	return out
}

// positionHints gives a position to each element whose tag and label
// another element shares, so a model can tell them apart by more than
// their order: the screen region ("top left", "middle", "bottom right")
// and, when that is shared too, "2 of 3" in reading order.
func positionHints(s *Screen) []string {
	out := make([]string, len(s.Elements))
	groups := map[string][]int{}
	for i, e := range s.Elements {
		if e.Source == SourceVision && e.Text == "" {
			continue // unlabelled pixels-only finds: their marks tell them apart
		}
		k := tagOf(e) + "\x00" + e.Label()
		groups[k] = append(groups[k], i)
	}
	w, h := s.Width, s.Height
	for _, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		byRegion := map[string][]int{}
		for _, i := range idx {
			r := region(s.Elements[i].Center(), w, h)
			out[i] = r
			byRegion[r] = append(byRegion[r], i)
		}
		for r, same := range byRegion {
			if len(same) < 2 {
				continue
			}
			for k, i := range same {
				out[i] = fmt.Sprintf("%s, %d of %d", r, k+1, len(same))
			}
		}
	}
	return out
}

// region names where p lies on a w×h screen, in thirds.
func region(p image.Point, w, h int) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	rows := [3]string{"top", "middle", "bottom"}
	cols := [3]string{"left", "center", "right"}
	r := rows[min(2, max(0, 3*p.Y/h))]
	c := cols[min(2, max(0, 3*p.X/w))]
	if r == "middle" && c == "center" {
		return "center"
	}
	return r + " " + c
}
