package script

import (
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

var seeds = []string{
	"open \"Settings\"\ntap label:\"Connected devices\"\nexpect role:switch label:\"Bluetooth\"\ndone",
	"repeat_until label:\"Dark theme\" max 5\n  scroll down\nend\ntap role:switch label:\"Dark theme\" checked:false",
	"repeat_until label:\"x\"\n scroll down\nend",
	"while label:\"x\"\nend",
	"if_visible \"OK\"\n  tap \"OK\"\nelse\n  back\nend\ndone",
	"read price from after:\"Bananas\" pattern:\"\\$[0-9.]+\"\ndone \"$price\"",
	"let who = \"Alex\"\ntype \"hi $who\" into role:input submit clear\n# c\n// d",
	"scroll_to 'Wi-Fi' up max 3\nswipe left in role:scroll\nwait 500ms\nhome\nenter\nback",
	"tap label:“Display”\nlong_press \"A\\\"B\"",
	"tap label:\"unclosed",
	"click \"OK\"\nend\nelse",
	"```script\nopen \"Clock\"\n```",
}

// Whatever the text, Compile returns a script or an error and never
// panics; a script it accepts compiles again from its own lines to the
// same lines, and on a screen that never changes it stops (done, or a
// stop) within the worst-case number of actions the validator allowed.
func FuzzCompile(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	still := screen("x", btn("OK"), txt("Bananas"), txt("$0.59"), sw("Dark theme", false), perception.Element{Hint: "Message", Editable: true},
		perception.Element{Scrollable: true})
	f.Fuzz(func(t *testing.T, src string) {
		lim := Limits{}
		sc, err := Compile(src, lim)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		lines := sc.Lines()
		again, err := Compile(strings.Join(lines, "\n"), lim)
		if err != nil {
			t.Fatalf("its own lines do not compile: %v\n%s", err, strings.Join(lines, "\n"))
		}
		if a, b := strings.Join(again.Lines(), "\n"), strings.Join(lines, "\n"); a != b {
			t.Fatalf("the lines changed:\n%s\n---\n%s", b, a)
		}
		in := sc.Start(nil)
		max := lim.withDefaults().MaxActions
		for n := 0; ; n++ {
			next, err := in.Next(still)
			if err != nil {
				return
			}
			if _, ok := next.Action.(actions.Done); ok {
				return
			}
			if n >= max {
				t.Fatalf("more than %d actions on a screen that never changes:\n%s", max, src)
			}
		}
	})
}

// Whatever the reply, Extract never panics and never returns more than
// the reply held; a script in a ```script block after any prose comes
// back exactly as written.
func FuzzExtract(f *testing.F) {
	for _, s := range seeds {
		f.Add(s, "I'll open Settings first.")
	}
	f.Add(`{"script": ["open \"Clock\"", "tap \"Add alarm\""]}`, "")
	f.Add("Sure! Here is the script:", "```\nopen \"Clock\"\n```\n```script\nhome\n```")
	f.Add(`{"thought": "x", "script": "open \"Maps\"\ndone"}`, "```json")
	f.Fuzz(func(t *testing.T, text, prose string) {
		if got := Extract(text); len(got) > len(text) {
			t.Fatalf("Extract returned %d bytes from a %d-byte reply: %q", len(got), len(text), got)
		}
		Extract(prose + "\n" + text)
		if strings.Contains(prose+text, "```") || strings.ContainsRune(prose+text, '\r') {
			return
		}
		if got := Extract(prose + "\n\n```script\n" + text + "\n```\n"); got != text {
			t.Fatalf("the fenced script came back as %q, want %q", got, text)
		}
	})
}
