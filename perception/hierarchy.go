package perception

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PasswordMask replaces the text of password fields, so that a secret typed on
// the phone never reaches a model or a log.
const PasswordMask = "••••••"

// maxFoldedRunes bounds the label built from a clickable node's descendants.
const maxFoldedRunes = 200

// ErrMalformedHierarchy is wrapped by every ParseError.
var ErrMalformedHierarchy = errors.New("malformed uiautomator XML")

// ParseError says where a view-hierarchy dump stopped making sense.
type ParseError struct {
	Line   int   // 1-based line of the problem, 0 when unknown
	Offset int64 // byte offset of the problem
	Err    error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("view hierarchy: line %d (byte %d): %v; the dump is truncated or is not `uiautomator dump` output: dump the screen again (adb exec-out uiautomator dump /dev/tty) and pass the XML unchanged",
		e.Line, e.Offset, e.Err)
}

// Unwrap returns ErrMalformedHierarchy and the underlying error.
func (e *ParseError) Unwrap() []error { return []error{ErrMalformedHierarchy, e.Err} }

// HierarchyOptions tunes ParseHierarchy. The zero value works.
type HierarchyOptions struct {
	// Screen is the screen size in pixels in the current orientation, usually
	// the screenshot's size. Zero infers it from the window roots. A size given
	// in the natural orientation of a rotated screen is swapped to match.
	Screen image.Point
	// KeepContainers keeps nodes that neither carry text nor accept input.
	KeepContainers bool
	// NoFold keeps the text children of a clickable node as their own
	// elements instead of folding them into its label.
	NoFold bool
}

// TextSpan is one piece of visible text in a hierarchy, before folding.
type TextSpan struct {
	Text   string
	Bounds image.Rectangle
	Desc   bool // from content-desc: a label that may not be drawn
}

// Hierarchy is a parsed uiautomator dump.
type Hierarchy struct {
	Rotation int             // 0..3, quarter turns clockwise from natural
	Screen   image.Rectangle // the clip rectangle used, origin at 0,0
	Windows  int             // top-level nodes (windows) in the dump
	// Roots are the windows' visible boxes, in dump order.
	Roots   []image.Rectangle
	Nodes   int // nodes read
	Dropped int // nodes dropped: zero-size, invisible, off-screen, bad bounds, or screen-sized unlabelled containers
	// Elements are the visible nodes worth showing, numbered 1..N in reading
	// order, with Source hierarchy and Confidence 1.
	Elements []Element
	// Texts is every visible text or content-desc, clipped, before folding;
	// the truth an OCR result is compared against.
	Texts []TextSpan
	// Opaque are the visible boxes of views that draw content the dump does
	// not describe (web views, surfaces, texture and Flutter views, game
	// players), kept or not as elements.
	Opaque []image.Rectangle
	// Pictures are the visible boxes of images, videos and leaf canvases
	// (a View with no children) of at least 1% of the screen that carry no
	// text, or only a generic label ("Foto", "Video", "Image"): drawn
	// content that may hold text the dump does not.
	Pictures []image.Rectangle
	// Sparse are clickable items (not lists) without text, generic labels
	// not counted, or whose texts fill under a third of their height: feed
	// posts and cards whose words are drawn but not dumped.
	Sparse []image.Rectangle
	// Status is the strip above the dump's first content when the dump
	// holds no status bar (windows drawn under it, as droidbot and some
	// dumps record them); empty otherwise.
	Status image.Rectangle
}

// rawNode is one <node> with the attributes perception uses.
type rawNode struct {
	el        Element
	visible   bool
	badBounds bool
	children  []*rawNode
}

// ParseHierarchy parses a uiautomator XML dump. It accepts multi-window dumps,
// single-quoted attributes, CRLF, entities, text before the XML declaration
// and after </hierarchy>. Nodes that are invisible, zero-size or off-screen are
// dropped; the rest are clipped to the screen, their window and their
// scrollable ancestors. Password text is replaced by PasswordMask.
//
// A malformed dump returns a *ParseError (wrapping ErrMalformedHierarchy)
// that names the line and byte offset. ParseHierarchy is safe for concurrent
// use.
func ParseHierarchy(data []byte, opts HierarchyOptions) (*Hierarchy, error) {
	start := bytes.IndexByte(data, '<')
	if start < 0 {
		return nil, &ParseError{Line: 1, Err: errors.New("no XML element found (empty or not XML)")}
	}
	data = sanitizeXML(data[start:])
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	h := &Hierarchy{}
	var stack []*rawNode
	var roots []*rawNode
	seenHierarchy, done := false, false
	first := "" // the first element that is neither a hierarchy nor a view
	for !done {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
				err = errors.New(se.Msg)
			}
			return nil, &ParseError{Line: line, Offset: dec.InputOffset() + int64(start), Err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			switch {
			case name == "hierarchy" || name == "AppiumAUT":
				seenHierarchy = true
				for _, a := range t.Attr {
					if a.Name.Local == "rotation" {
						r, err := strconv.Atoi(strings.TrimSpace(a.Value))
						if err == nil && r >= 0 && r <= 3 {
							h.Rotation = r
						}
					}
				}
				stack = append(stack, nil)
			case name == "node" || hasAttr(t.Attr, "bounds"):
				// uiautomator's <node>, or Appium's page source, where the
				// class name is the tag.
				n := nodeFromAttrs(t.Attr)
				if n.el.Class == "" && name != "node" {
					n.el.Class = name
				}
				h.Nodes++
				if p := innermost(stack); p == nil {
					roots = append(roots, n)
				} else {
					p.children = append(p.children, n)
				}
				stack = append(stack, n)
			default:
				if first == "" {
					first = name
				}
				// Unknown wrappers (such as <window>) are transparent.
				stack = append(stack, nil)
			}
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if t.Name.Local == "hierarchy" && len(stack) == 0 {
				done = true
			}
		}
	}
	if h.Nodes == 0 {
		line, _ := dec.InputPos()
		return nil, &ParseError{Line: line, Offset: dec.InputOffset() + int64(start), Err: shapeError(seenHierarchy, first)}
	}
	rootList := roots
	h.Windows = len(rootList)
	h.Screen = screenRect(rootList, opts.Screen, h.Rotation)
	w := walker{h: h, opts: opts}
	for _, r := range rootList {
		clip := h.Screen
		if !r.badBounds {
			clip = clip.Intersect(r.el.Bounds)
			if !clip.Empty() {
				h.Roots = append(h.Roots, clip)
			}
		}
		w.walk(r, clip, nil, -1, nil)
	}
	h.Elements = w.out
	h.Sparse = sparseItems(w.clickables, h.Texts)
	h.Status = statusStrip(h)
	Number(h.Elements)
	return h, nil
}

// shapeError says why a document holds no views and what was expected.
func shapeError(seenHierarchy bool, first string) error {
	const want = "expected a uiautomator dump (<hierarchy> holding <node bounds=...> elements) or an Appium page source (<hierarchy> holding <android.widget.X bounds=...> elements)"
	switch {
	case strings.HasPrefix(first, "XCUIElementType"):
		return fmt.Errorf("this is an iOS (XCUITest) page source, <%s>: mobagent reads Android screens; %s", first, want)
	case seenHierarchy && first == "":
		return fmt.Errorf("the <hierarchy> holds no views (the screen may be secure or the dump was cut short); %s", want)
	case first != "":
		return fmt.Errorf("no view elements, the document starts with <%s>; %s", first, want)
	}
	return fmt.Errorf("no view elements; %s", want)
}

func hasAttr(attrs []xml.Attr, name string) bool {
	for _, a := range attrs {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}

// innermost is the nearest enclosing <node>, skipping unknown wrappers.
func innermost(stack []*rawNode) *rawNode {
	for i := len(stack) - 1; i >= 0; i-- {
		if stack[i] != nil {
			return stack[i]
		}
	}
	return nil
}

// sanitizeXML replaces control characters that XML 1.0 forbids (apps put
// them in text) with spaces, copying only when needed.
func sanitizeXML(b []byte) []byte {
	bad := func(c byte) bool { return c < 0x20 && c != '\t' && c != '\n' && c != '\r' }
	i := bytes.IndexFunc(b, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' && r != '\r' })
	if i < 0 {
		return b
	}
	out := make([]byte, len(b))
	for j, c := range b {
		if bad(c) {
			c = ' '
		}
		out[j] = c
	}
	return out
}

func nodeFromAttrs(attrs []xml.Attr) *rawNode {
	n := &rawNode{visible: true}
	n.el.Source = SourceHierarchy
	n.el.Confidence = 1
	n.el.Enabled = true
	gotBounds := false
	for _, a := range attrs {
		v := a.Value
		switch a.Name.Local {
		case "text":
			n.el.Text = v
		case "content-desc":
			n.el.ContentDesc = v
		case "resource-id":
			n.el.ResourceID = v
		case "class":
			n.el.Class = v
		case "package":
			n.el.Package = v
		case "hint":
			if v != "true" && v != "false" { // Espresso's hint says whether one is shown
				n.el.Hint = v
			}
		case "bounds":
			r, ok := parseBounds(v)
			n.el.Bounds, gotBounds = r, ok
		case "clickable":
			n.el.Clickable = v == "true"
		case "long-clickable":
			n.el.LongClickable = v == "true"
		case "checkable":
			n.el.Checkable = v == "true"
		case "checked":
			n.el.Checked = v == "true"
		case "scrollable":
			n.el.Scrollable = v == "true"
		case "password":
			n.el.Password = v == "true"
		case "focused":
			n.el.Focused = v == "true"
		case "selected":
			n.el.Selected = v == "true"
		case "enabled":
			n.el.Enabled = v != "false"
		case "visible-to-user", "displayed", "visible":
			n.visible = v != "false"
		}
	}
	n.badBounds = !gotBounds
	n.el.Editable = isEditableClass(n.el.Class)
	if n.el.Editable && n.el.Hint != "" && n.el.Text == n.el.Hint {
		n.el.Text = "" // older Androids report an empty field's hint as its text
	}
	if n.el.Password && n.el.Text != "" {
		if placeholder(n.el.Text, n.el.Hint) {
			// The field shows its placeholder: it is empty.
			if n.el.Hint == "" {
				n.el.Hint = n.el.Text
			}
			n.el.Text = ""
		} else {
			n.el.Text = PasswordMask
		}
	}
	return n
}

// placeholder reports whether a password field's text is its placeholder:
// the hint itself or, without a hint, a short text that names a password
// ("Password", "Senha", "密码", "Enter PIN"). Anything else is masked: a
// text beside a hint, or one that does not name a password, may be the
// secret itself.
func placeholder(text, hint string) bool {
	if text == hint {
		return true
	}
	if hint != "" {
		return false // a text beside a hint may be the secret itself
	}
	t := strings.ToLower(text)
	for _, w := range []string{"password", "passwort", "passcode", "senha", "contraseña", "contrasena", "mot de passe",
		"parola", "wachtwoord", "пароль", "密码", "密碼", "パスワード", "비밀번호", "mật khẩu", "كلمة المرور", "pin"} {
		if strings.Contains(t, w) && len([]rune(t)) <= 40 {
			return true
		}
	}
	return false
}

func isEditableClass(class string) bool {
	return strings.HasSuffix(class, "EditText") || strings.HasSuffix(class, "AutoCompleteTextView") ||
		strings.HasSuffix(class, "SearchView$SearchAutoComplete")
}

// parseBounds reads "[x1,y1][x2,y2]".
func parseBounds(s string) (image.Rectangle, bool) {
	var v [4]int
	s = strings.TrimSpace(s)
	for i := 0; i < 2; i++ {
		if !strings.HasPrefix(s, "[") {
			return image.Rectangle{}, false
		}
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return image.Rectangle{}, false
		}
		xs, ys, ok := strings.Cut(s[1:end], ",")
		if !ok {
			return image.Rectangle{}, false
		}
		x, err1 := strconv.Atoi(strings.TrimSpace(xs))
		y, err2 := strconv.Atoi(strings.TrimSpace(ys))
		if err1 != nil || err2 != nil || x < -1<<24 || x > 1<<24 || y < -1<<24 || y > 1<<24 {
			return image.Rectangle{}, false
		}
		v[2*i], v[2*i+1] = x, y
		s = s[end+1:]
	}
	return image.Rect(v[0], v[1], v[2], v[3]), true
}

// screenRect decides the clip rectangle: the given size (swapped when the
// dump is rotated and only the swapped size fits the windows) or the union of
// the window roots, extended to the origin.
func screenRect(roots []*rawNode, given image.Point, rotation int) image.Rectangle {
	var u image.Rectangle
	var add func(n *rawNode, depth int)
	add = func(n *rawNode, depth int) {
		if !n.badBounds {
			u = u.Union(n.el.Bounds.Canon())
			return
		}
		if depth < 64 {
			for _, c := range n.children {
				add(c, depth+1)
			}
		}
	}
	for _, r := range roots {
		add(r, 0)
	}
	if given.X > 0 && given.Y > 0 {
		s := image.Rect(0, 0, given.X, given.Y)
		if rotation%2 == 1 && !u.Empty() && !u.In(s) {
			if sw := image.Rect(0, 0, given.Y, given.X); u.In(sw) {
				return sw
			}
		}
		return s
	}
	if u.Max.X <= 0 || u.Max.Y <= 0 {
		return image.Rectangle{}
	}
	return image.Rect(0, 0, u.Max.X, u.Max.Y)
}

type walker struct {
	h          *Hierarchy
	opts       HierarchyOptions
	out        []Element
	clickables []image.Rectangle // candidates for Hierarchy.Sparse
}

func actionable(e *Element) bool {
	return e.Clickable || e.LongClickable || e.Checkable || e.Editable || e.Scrollable
}

// walk visits n with clip, the visible area its ancestors allow. fold is the
// index in w.out of the clickable ancestor collecting text, or nil; host is
// the index of the nearest element emitted above n, or -1; covers are the
// areas drawn over n's subtree (an open drawer over a DrawerLayout's
// content).
func (w *walker) walk(n *rawNode, clip image.Rectangle, fold *int, host int, covers []image.Rectangle) {
	if n == nil {
		return
	}
	if !n.visible {
		w.h.Dropped += countNodes(n)
		return
	}
	if n.badBounds {
		w.h.Dropped++
		for _, c := range n.children {
			w.walk(c, clip, fold, host, covers)
		}
		return
	}
	vis := n.el.Bounds.Intersect(clip)
	if vis.Empty() {
		w.h.Dropped += countNodes(n)
		return
	}
	if vis.Dx() < minSide || vis.Dy() < minSide || hidden(vis, covers) {
		// A sliver (a row scrolled all but out of its list, a divider), or
		// a view under an open drawer; its children may still show.
		w.h.Dropped++
		for _, c := range n.children {
			w.walk(c, clip, fold, host, covers)
		}
		return
	}
	e := n.el
	e.Bounds = vis
	if opaqueClass(e.Class) {
		w.h.Opaque = append(w.h.Opaque, vis)
	}
	w.evidence(n, &e)
	if t := spanText(&e); t != "" {
		w.h.Texts = append(w.h.Texts, TextSpan{Text: t, Bounds: vis, Desc: e.Text == ""})
	} else if e.Editable && e.Hint != "" && !e.Password {
		w.h.Texts = append(w.h.Texts, TextSpan{Text: e.Hint, Bounds: vis}) // an empty field shows its hint
	}
	childClip := clip
	if e.Scrollable {
		childClip = vis
	}
	// The children of a drawer layout after the first are drawers drawn
	// over the content (the first child) when open.
	childCovers := func(i int) []image.Rectangle { return covers }
	if strings.HasSuffix(e.Class, "DrawerLayout") && len(n.children) > 1 {
		var drawers []image.Rectangle
		for _, c := range n.children[1:] {
			if c != nil && c.visible && !c.badBounds {
				if d := c.el.Bounds.Intersect(vis); !d.Empty() && d.Dx()*20 < vis.Dx()*19 {
					drawers = append(drawers, d)
				}
			}
		}
		if len(drawers) > 0 {
			childCovers = func(i int) []image.Rectangle {
				if i == 0 {
					return append(append([]image.Rectangle(nil), covers...), drawers...)
				}
				return covers
			}
		}
	}
	act := actionable(&e)
	hasText := e.Text != "" || e.ContentDesc != ""
	screenArea := w.h.Screen.Dx() * w.h.Screen.Dy()
	big := screenArea > 0 && vis.Dx()*vis.Dy()*5 >= screenArea*2 // 40% of the screen or more
	switch {
	case fold != nil && !e.Clickable && !e.LongClickable && !e.Editable && !e.Scrollable:
		// Absorb this node into the clickable ancestor: its text and its
		// content-desc (who sent a message, what an icon means) become part
		// of the ancestor's label, its check state the ancestor's.
		p := &w.out[*fold]
		if e.Text != "" {
			p.Text = joinLabel(p.Text, e.Text)
		}
		if e.ContentDesc != "" && e.ContentDesc != e.Text && !strings.Contains(p.ContentDesc, e.ContentDesc) {
			p.Text = joinLabel(p.Text, e.ContentDesc)
		}
		if e.Checkable {
			p.Checkable = true
			p.Checked = p.Checked || e.Checked
		}
		p.Selected = p.Selected || e.Selected
		p.Focused = p.Focused || e.Focused
		for i, c := range n.children {
			w.walk(c, childClip, fold, host, childCovers(i))
		}
		return
	case big && !hasText && !e.Scrollable && !e.Editable && !w.opts.KeepContainers:
		// A clickable screen-sized container (a common app quirk): not a
		// target, and too big to fold text into.
		w.h.Dropped++
		for i, c := range n.children {
			w.walk(c, childClip, nil, host, childCovers(i))
		}
	case hasText && host >= 0 && repeats(w.out[host], e) && (!act || area(e.Bounds)*10 >= area(w.out[host].Bounds)*8):
		// A web link's inner node repeating the link's own label, or a
		// clickable wrapped in a clickable of the same label and size: one
		// element per target, with both one's abilities.
		p := &w.out[host]
		p.Clickable = p.Clickable || e.Clickable
		p.LongClickable = p.LongClickable || e.LongClickable
		p.Selected = p.Selected || e.Selected
		w.h.Dropped++
		for i, c := range n.children {
			w.walk(c, childClip, nil, host, childCovers(i))
		}
	case act || hasText || w.opts.KeepContainers:
		w.out = append(w.out, e)
		idx := len(w.out) - 1
		var childFold *int
		if !w.opts.NoFold && !big && (e.Clickable || e.LongClickable) && !e.Scrollable && !e.Editable && e.Text == "" {
			childFold = &idx
		}
		for i, c := range n.children {
			w.walk(c, childClip, childFold, idx, childCovers(i))
		}
	default:
		for i, c := range n.children {
			w.walk(c, childClip, nil, host, childCovers(i))
		}
	}
}

// minSide is the smallest visible side, in pixels, of a node worth showing.
const minSide = 4

// hidden reports whether most of r lies under one of covers.
func hidden(r image.Rectangle, covers []image.Rectangle) bool {
	for _, c := range covers {
		if area(r.Intersect(c))*2 > area(r) {
			return true
		}
	}
	return false
}

// repeats reports whether e, inside p, only repeats p's label.
func repeats(p, e Element) bool {
	if !e.Bounds.In(p.Bounds.Inset(-2)) {
		return false
	}
	pl, el := normText(p.Text+" "+p.ContentDesc), normText(e.Text+" "+e.ContentDesc)
	return el != "" && strings.Contains(pl, el)
}

func spanText(e *Element) string {
	if e.Password {
		return ""
	}
	if e.Text != "" {
		return e.Text
	}
	return e.ContentDesc
}

func joinLabel(a, b string) string {
	b = strings.TrimSpace(b)
	if b == "" {
		return a
	}
	if a == "" {
		a = b
	} else {
		if strings.Contains(a, b) {
			return a
		}
		a = a + " " + b
	}
	if utf8.RuneCountInString(a) > maxFoldedRunes {
		r := []rune(a)
		a = string(r[:maxFoldedRunes-1]) + "…"
	}
	return a
}

func countNodes(n *rawNode) int {
	c := 1
	for _, ch := range n.children {
		c += countNodes(ch)
	}
	return c
}

// evidence notes n (with its visible element e) as a place drawn text may
// hide: a picture, or a clickable item whose coverage is checked after the
// walk.
func (w *walker) evidence(n *rawNode, e *Element) {
	sa := area(w.h.Screen)
	if sa == 0 {
		return
	}
	a := area(e.Bounds)
	labelled := e.Text != "" || (e.ContentDesc != "" && !GenericLabel(e.ContentDesc))
	switch {
	case labelled:
	case a*100 >= sa && (pictureClass(e.Class) || (len(n.children) == 0 && e.Class == "android.view.View" && a*20 >= sa)):
		w.h.Pictures = append(w.h.Pictures, e.Bounds)
	case e.ContentDesc != "" && a*100 >= sa:
		w.h.Pictures = append(w.h.Pictures, e.Bounds) // only a generic label
	}
	if (e.Clickable || e.LongClickable) && !e.Scrollable && !e.Editable && a*200 >= sa*3 && a*5 <= sa {
		w.clickables = append(w.clickables, e.Bounds)
	}
}

func pictureClass(c string) bool {
	for _, s := range []string{"ImageView", "ImageButton", "VideoView", "PlayerView", "SurfaceView", "TextureView", "Image"} {
		if strings.HasSuffix(c, s) {
			return true
		}
	}
	return false
}

// GenericLabel reports whether a content-desc only says what kind of thing
// a view is ("Foto", "Image", "Video", "Profile picture of …"), not what it
// shows: such a view's words, if any, are only in its pixels.
func GenericLabel(desc string) bool {
	d := strings.ToLower(strings.TrimSpace(desc))
	for _, g := range []string{"foto", "photo", "image", "imagem", "imagen", "picture", "video", "vídeo", "bild", "图片", "照片", "视频", "图像",
		"profile picture", "foto do perfil", "foto de perfil", "avatar", "thumbnail", "miniatura"} {
		if d == g || strings.HasPrefix(d, g+" ") || strings.HasPrefix(d, g+",") {
			return true
		}
	}
	return false
}

// sparseItems keeps the clickable boxes that hold no text (generic labels
// aside), or whose texts fill under a third of their height: a feed post's
// header whose name is drawn above its one dumped line ("5 d"). A list row
// with a title and a summary fills most of its height and is not sparse.
func sparseItems(boxes []image.Rectangle, texts []TextSpan) []image.Rectangle {
	var out []image.Rectangle
	for _, b := range boxes {
		var u image.Rectangle
		for _, t := range texts {
			if t.Desc && GenericLabel(t.Text) {
				continue
			}
			if in := t.Bounds.Intersect(b); !in.Empty() {
				u = u.Union(in)
			}
		}
		if u.Empty() || u.Dy()*3 < b.Dy() {
			out = append(out, b)
		}
	}
	return out
}

// statusStrip is the strip above the first content when no status bar is
// in the dump: at most 5% of the screen's height.
func statusStrip(h *Hierarchy) image.Rectangle {
	s := h.Screen
	if s.Empty() {
		return image.Rectangle{}
	}
	top := s.Max.Y
	for _, e := range h.Elements {
		if e.Package == "com.android.systemui" && e.Bounds.Min.Y < s.Dy()/20 {
			return image.Rectangle{}
		}
		if e.Bounds.Dy()*2 < s.Dy() {
			top = min(top, e.Bounds.Min.Y)
		}
	}
	for _, t := range h.Texts {
		top = min(top, t.Bounds.Min.Y)
	}
	if top <= s.Min.Y+8 || top-s.Min.Y > s.Dy()/20 {
		return image.Rectangle{}
	}
	return image.Rect(s.Min.X, s.Min.Y, s.Max.X, top)
}
