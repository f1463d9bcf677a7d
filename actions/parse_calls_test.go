package actions

import (
	"reflect"
	"regexp"
	"testing"
)

// callRe is what findCalls does by hand.
var callRe = regexp.MustCompile(`(?i)\b([a-z][a-z_]*(?:[ \-][a-z_]+)?)\s*\(`)

func regexpCalls(text string) [][3]int {
	var out [][3]int
	for _, m := range callRe.FindAllStringSubmatchIndex(text, 32) {
		out = append(out, [3]int{m[2], m[3], m[1]})
	}
	return out
}

func FuzzFindCalls(f *testing.F) {
	for _, s := range []string{"tap(5)", "Open app (Maps)", "replace-text(3, \"x\")", "pyautogui.click(x=1)", "2click(", "_a(", "a _b(",
		"Swipe (1, 2), (3, 4)", "I will tap (5)", "do(action=\"Tap\", element=[1,2])", "x-(", "-a(", "a--b(", "é tap(", "tap\n(", "a b c(", "ab_ c("} {
		f.Add(s)
	}
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, want := findCalls(s, 32), regexpCalls(s)
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("findCalls(%q) = %v; the regexp finds %v", s, got, want)
		}
	})
}
