package intent

import (
	"strings"
	"unicode"

	"github.com/mobagent/mobagent/perception"
)

// Norm folds a label for matching: lower case, letters and digits, one
// space between words ("Wi-Fi" reads as "wifi").
func Norm(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case r == '-' || r == '\'':
			// "Wi-Fi" reads as "wifi"
		default:
			space = true
		}
	}
	return b.String()
}

// FindSwitch finds the checkable element whose label starts with, else
// contains, target.
func FindSwitch(s *perception.Screen, target string) (perception.Element, bool) {
	w := Norm(target)
	for _, e := range s.Elements {
		if e.Checkable && strings.HasPrefix(Norm(e.Label()), w) {
			return e, true
		}
	}
	for _, e := range s.Elements {
		if e.Checkable && strings.Contains(Norm(e.Label()), w) {
			return e, true
		}
	}
	return perception.Element{}, false
}
