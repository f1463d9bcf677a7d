package reply

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Sentinels for errors.Is.
var (
	// ErrNoObject: the reply holds no JSON object at all.
	ErrNoObject = errors.New("no JSON object")
	// ErrSyntax: the reply starts an object that cannot be read.
	ErrSyntax = errors.New("malformed JSON")
	// ErrMismatch: the objects found do not fit the value to fill.
	ErrMismatch = errors.New("JSON does not fit")
)

// Error says what is wrong with a reply in words a model can act on: Reason
// names the problem, Near quotes the text around it, Fix says what to write.
type Error struct {
	Reason string
	Near   string
	Fix    string
	Err    error // ErrNoObject, ErrSyntax or ErrMismatch
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("reply: ")
	b.WriteString(e.Reason)
	if e.Near != "" {
		b.WriteString(" near ")
		b.WriteString(Quote(e.Near))
	}
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Quote quotes s for a message to a model: in backticks, which leave the
// quotes of JSON readable, or with %q when s holds a backtick.
func Quote(s string) string {
	if strings.ContainsAny(s, "`\x00") || !utf8.ValidString(s) {
		return fmt.Sprintf("%q", s)
	}
	return "`" + s + "`"
}

const fixOneObject = "answer with one complete JSON object"

func noObjectError(text string, serr *SyntaxError) *Error {
	if serr != nil {
		return &Error{Reason: "broken JSON: " + serr.Msg, Near: excerptAt(text, serr.Offset), Fix: fixOneObject, Err: ErrSyntax}
	}
	return &Error{Reason: "no JSON object", Near: excerptAt(text, 0), Fix: fixOneObject + ` in { }`, Err: ErrNoObject}
}

// excerptAt quotes up to 40 bytes before and 60 after off, cut at rune
// boundaries, with spaces collapsed.
func excerptAt(s string, off int) string {
	off = min(max(off, 0), len(s))
	from, to := max(off-40, 0), min(off+60, len(s))
	for from > 0 && !utf8.RuneStart(s[from]) {
		from--
	}
	for to < len(s) && !utf8.RuneStart(s[to]) {
		to++
	}
	out := strings.Join(strings.Fields(s[from:to]), " ")
	if from > 0 {
		out = "..." + out
	}
	if to < len(s) {
		out += "..."
	}
	return out
}
