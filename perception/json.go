package perception

import (
	"encoding/json"
	"fmt"
	"image"
	"strconv"
)

// Hash is a 64-bit perceptual hash (DHash). In JSON it is 16 hex digits, so
// tools that read numbers as float64 (jq, JavaScript) compare hashes exactly.
type Hash uint64

// String is the hash as 16 lower-case hex digits.
func (h Hash) String() string { return fmt.Sprintf("%016x", uint64(h)) }

// MarshalJSON writes the hash as a 16-hex-digit string.
func (h Hash) MarshalJSON() ([]byte, error) { return []byte(`"` + h.String() + `"`), nil }

// UnmarshalJSON reads a hex string.
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("perception: a hash is a string of 16 hex digits, not %s", b)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil || len(s) != 16 {
		return fmt.Errorf("perception: hash %q is not 16 hex digits", s)
	}
	*h = Hash(v)
	return nil
}

// Rect is a rectangle as public files write it: [left, top, right, bottom]
// in device pixels.
type Rect [4]int

// RectOf returns r as a Rect.
func RectOf(r image.Rectangle) Rect { return Rect{r.Min.X, r.Min.Y, r.Max.X, r.Max.Y} }

// Image returns the rectangle as an image.Rectangle.
func (r Rect) Image() image.Rectangle { return image.Rect(r[0], r[1], r[2], r[3]) }

// PointOf returns p as [x, y].
func PointOf(p image.Point) [2]int { return [2]int{p.X, p.Y} }

// elementJSON is Element's public form: Bounds as [l, t, r, b].
type elementJSON struct {
	ID          int    `json:"id"`
	Bounds      Rect   `json:"bounds"`
	Text        string `json:"text,omitempty"`
	ContentDesc string `json:"content_desc,omitempty"`
	ResourceID  string `json:"resource_id,omitempty"`
	Class       string `json:"class,omitempty"`
	Package     string `json:"package,omitempty"`
	Hint        string `json:"hint,omitempty"`

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
	Confidence float64 `json:"confidence"`
	TextSource Source  `json:"text_source,omitempty"`
}

// MarshalJSON writes e with its bounds as [left, top, right, bottom].
func (e Element) MarshalJSON() ([]byte, error) {
	return json.Marshal(elementJSON{ID: e.ID, Bounds: RectOf(e.Bounds), Text: e.Text, ContentDesc: e.ContentDesc, ResourceID: e.ResourceID,
		Class: e.Class, Package: e.Package, Hint: e.Hint, Clickable: e.Clickable, LongClickable: e.LongClickable, Editable: e.Editable,
		Checkable: e.Checkable, Checked: e.Checked, Scrollable: e.Scrollable, Password: e.Password, Focused: e.Focused,
		Selected: e.Selected, Enabled: e.Enabled, Source: e.Source, Confidence: e.Confidence, TextSource: e.TextSource})
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (e *Element) UnmarshalJSON(b []byte) error {
	var w elementJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Element{ID: w.ID, Bounds: w.Bounds.Image(), Text: w.Text, ContentDesc: w.ContentDesc, ResourceID: w.ResourceID,
		Class: w.Class, Package: w.Package, Hint: w.Hint, Clickable: w.Clickable, LongClickable: w.LongClickable, Editable: w.Editable,
		Checkable: w.Checkable, Checked: w.Checked, Scrollable: w.Scrollable, Password: w.Password, Focused: w.Focused,
		Selected: w.Selected, Enabled: w.Enabled, Source: w.Source, Confidence: w.Confidence, TextSource: w.TextSource}
	return nil
}
