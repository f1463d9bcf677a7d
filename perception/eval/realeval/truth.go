package realeval

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Group is the kind of screen a figure is reported for.
type Group string

// The groups of the real-screen figures.
const (
	GroupPlain    Group = "plain"    // native UI without photos or video
	GroupWeb      Group = "web"      // a browser or web view
	GroupPhoto    Group = "photo"    // text over photos or video (launchers, feeds, players)
	GroupNonLatin Group = "nonlatin" // mostly Chinese, Japanese, Korean, Cyrillic, Arabic… text
)

// Groups lists the groups in report order.
var Groups = []Group{GroupPlain, GroupWeb, GroupPhoto, GroupNonLatin}

func knownGroup(g Group) bool {
	for _, k := range Groups {
		if k == g {
			return true
		}
	}
	return false
}

// TruthLine is one drawn text: its box in screen pixels and its words as
// drawn (a box may hold several wrapped lines of one text).
type TruthLine struct {
	Bounds image.Rectangle
	Text   string
}

// Truth is what a screen draws, written by hand.
type Truth struct {
	Group Group
	// Languages are the Tesseract languages of the screen's locale, such as
	// "por" and "eng".
	Languages []string
	Lines     []TruthLine
	// Ignore are areas whose words count neither way (a keyboard's keys).
	Ignore []image.Rectangle
	// Notes are the comment lines, kept for reports.
	Notes []string
}

// TruthError says where a truth file stopped making sense.
type TruthError struct {
	Line int
	Msg  string
}

func (e *TruthError) Error() string {
	return fmt.Sprintf("truth line %d: %s; each line is `group plain|web|photo|nonlatin`, `lang eng+por`, "+
		"`line LEFT TOP RIGHT BOTTOM<TAB>TEXT`, `ignore LEFT TOP RIGHT BOTTOM` or a # comment", e.Line, e.Msg)
}

// ParseTruth reads a truth.txt file. A missing group is an error, and so
// is a box that is empty or a text that is not UTF-8.
func ParseTruth(data []byte) (*Truth, error) {
	t := &Truth{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		raw := strings.TrimRight(sc.Text(), "\r")
		if !utf8.ValidString(raw) {
			return nil, &TruthError{n, "not UTF-8"}
		}
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			t.Notes = append(t.Notes, strings.TrimSpace(line[1:]))
			continue
		}
		key, rest, _ := strings.Cut(line, " ")
		switch key {
		case "group":
			g := Group(strings.TrimSpace(rest))
			if !knownGroup(g) {
				return nil, &TruthError{n, fmt.Sprintf("unknown group %q", rest)}
			}
			t.Group = g
		case "lang":
			for _, l := range strings.Split(strings.TrimSpace(rest), "+") {
				if l = strings.TrimSpace(l); l != "" {
					t.Languages = append(t.Languages, l)
				}
			}
		case "line", "ignore":
			boxPart, text, hasText := strings.Cut(rest, "\t")
			r, err := parseBox(boxPart)
			if err != nil {
				return nil, &TruthError{n, err.Error()}
			}
			if key == "ignore" {
				t.Ignore = append(t.Ignore, r)
				continue
			}
			text = strings.TrimSpace(text)
			if !hasText || text == "" {
				return nil, &TruthError{n, "a line needs a tab and its text after the box"}
			}
			t.Lines = append(t.Lines, TruthLine{Bounds: r, Text: text})
		default:
			return nil, &TruthError{n, fmt.Sprintf("unknown key %q", key)}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &TruthError{n + 1, err.Error()}
	}
	if t.Group == "" {
		return nil, &TruthError{n, "no group line"}
	}
	return t, nil
}

func parseBox(s string) (image.Rectangle, error) {
	f := strings.Fields(s)
	if len(f) != 4 {
		return image.Rectangle{}, fmt.Errorf("a box is four integers, not %q", s)
	}
	var v [4]int
	for i, x := range f {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || n > 1<<16 {
			return image.Rectangle{}, fmt.Errorf("box value %q is not a pixel coordinate", x)
		}
		v[i] = n
	}
	r := image.Rect(v[0], v[1], v[2], v[3])
	if r.Empty() || v[2] <= v[0] || v[3] <= v[1] {
		return image.Rectangle{}, fmt.Errorf("box %q is empty (right must exceed left, bottom top)", s)
	}
	return r, nil
}

// Words splits text into the tokens words are scored by: lower-case runs of
// letters and digits, and each Han, Hiragana, Katakana or Hangul character
// on its own (those scripts do not separate words with spaces, and OCR
// splits them its own way).
func Words(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case ideographic(r):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’':
			// Apostrophes join: "it's" is one word however OCR reads it.
		default:
			flush()
		}
	}
	flush()
	return out
}

func ideographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}
