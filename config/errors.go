package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid matches every *Error and List with errors.Is.
var ErrInvalid = errors.New("config: invalid file")

// Error is one problem in a config file.
type Error struct {
	File      string
	Line, Col int
	// Key is the dotted key the problem is at ("task.max_steps"); empty
	// for a syntax error.
	Key string
	Msg string
	// Fix says what to change.
	Fix string
	// Source is the line of the file, for display.
	Source string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Col)
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Fix != "" {
		b.WriteString("; fix: ")
		b.WriteString(e.Fix)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Excerpt is the offending line with a caret under the column.
func (e *Error) Excerpt() string {
	if e.Source == "" {
		return ""
	}
	col := max(e.Col, 1)
	pad := strings.Map(func(r rune) rune {
		if r == '\t' {
			return '\t'
		}
		return ' '
	}, firstRunes(e.Source, col-1))
	return fmt.Sprintf("%5d | %s\n      | %s^", e.Line, e.Source, pad)
}

func firstRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// List is several problems, in file order.
type List []*Error

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (l List) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the errors, for errors.As on one of them.
func (l List) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

func (l List) err() error {
	switch len(l) {
	case 0:
		return nil
	case 1:
		return l[0]
	}
	return l
}
