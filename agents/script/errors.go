package script

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinels for errors.Is. A script that fails to compile returns Errors,
// each an *Error wrapping one of the first six; a run that stops returns a
// *Stop wrapping one of the last three.
var (
	// ErrSyntax: a line that does not read as the language.
	ErrSyntax = errors.New("syntax error")
	// ErrUnknownCommand: a command outside the language.
	ErrUnknownCommand = errors.New("unknown command")
	// ErrUnbounded: a loop without a bound (repeat_until needs max N), or
	// with a bound over the limit.
	ErrUnbounded = errors.New("unbounded loop")
	// ErrTooLong: more lines, deeper nesting or more actions in the worst
	// case than the limits allow.
	ErrTooLong = errors.New("script too long")
	// ErrUndefined: a $variable used before any let or read defines it.
	ErrUndefined = errors.New("undefined variable")
	// ErrEmpty: no script, or one that does nothing.
	ErrEmpty = errors.New("empty script")

	// ErrNoMatch: no element on the screen matches a selector.
	ErrNoMatch = errors.New("no element matches")
	// ErrExpect: an expect line did not hold.
	ErrExpect = errors.New("postcondition did not hold")
	// ErrExhausted: a bounded loop or scroll_to ran out of tries.
	ErrExhausted = errors.New("bound reached")
)

// Error is one bad line of a script. Its text is written for the model
// that wrote the script: Fix says what to write instead.
type Error struct {
	Line int
	Src  string
	Msg  string
	Fix  string
	Err  error // one of the compile sentinels
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
		if e.Src != "" {
			fmt.Fprintf(&b, " (%s)", e.Src)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString("; ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Err }

// Errors are the bad lines of a script, in order.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "the script was rejected: " + strings.Join(parts, "; ")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Stop is why a running script handed the task back: the command, what
// the screen showed instead, and what the script had done.
type Stop struct {
	Line   int
	Src    string
	Reason string
	Err    error // ErrNoMatch, ErrExpect or ErrExhausted
	// Done are the commands that ran, in order, in their source form.
	Done []string
}

func (s *Stop) Error() string {
	msg := fmt.Sprintf("the script stopped at line %d (%s): %s", s.Line, s.Src, s.Reason)
	if len(s.Done) > 0 {
		msg += "; it had done: " + strings.Join(s.Done, "; ")
	} else {
		msg += "; it had done nothing yet"
	}
	return msg
}

// Unwrap returns the sentinel.
func (s *Stop) Unwrap() error { return s.Err }
