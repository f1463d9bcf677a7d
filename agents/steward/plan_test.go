package steward

import (
	"strings"
	"testing"

	"github.com/mobagent/mobagent/perception"
)

func TestParsePlan(t *testing.T) {
	ok := "```json\n{\"thought\": \"t\", \"subtasks\": [{\"app\": \"Calendar\", \"task\": \"Find the location.\", \"answer\": \"Address\"}, {\"app\": \"Messages\", \"task\": \"Text Alex: {{ address }}\", \"answer\": \"\"},]}\n```"
	p, err := ParsePlan(ok, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Subtasks) != 2 || p.Subtasks[0].Answer != "address" || p.Subtasks[1].App != "Messages" {
		t.Errorf("%+v", p)
	}
	for _, c := range []struct{ name, reply, says string }{
		{"prose", "I would first open Calendar.", "not the JSON asked for"},
		{"no subtasks", `{"thought": "x", "subtasks": []}`, "no subtasks"},
		{"no app", `{"subtasks": [{"task": "do it"}]}`, "names no app"},
		{"no task", `{"subtasks": [{"app": "Clock"}]}`, "has no task"},
		{"unknown value", `{"subtasks": [{"app": "Messages", "task": "Text {{code}} to Alex"}]}`, "uses {{code}}, which no earlier subtask reports"},
		{"value used before it is found", `{"subtasks": [{"app": "Messages", "task": "Text {{time}}"}, {"app": "Calendar", "task": "Find it", "answer": "time"}]}`, "which no earlier subtask reports"},
		{"bad name", `{"subtasks": [{"app": "Calendar", "task": "Find it", "answer": "the start time of the event, please, in 24h format please!"}]}`, "is not a short name"},
		{"two of a name", `{"subtasks": [{"app": "A", "task": "x", "answer": "v"}, {"app": "B", "task": "y", "answer": "v"}]}`, `two subtasks report "v"`},
		{"too many", `{"subtasks": [` + strings.Repeat(`{"app": "A", "task": "x"},`, 9) + `{"app": "A", "task": "x"}]}`, "at most 8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := ParsePlan(c.reply, 8, nil); err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %v; want one saying %q", err, c.says)
			}
		})
	}
	// Values found already may be used by a replanned subtask.
	if _, err := ParsePlan(`{"subtasks": [{"app": "Messages", "task": "Text {{address}}"}]}`, 8, []string{"address"}); err != nil {
		t.Errorf("a known value: %v", err)
	}
}

func TestFill(t *testing.T) {
	got, used, err := fill("Text {{ Address }} and {{address}} at {{time}}", map[string]string{"address": "450 Sutter St", "time": "9:00"})
	if err != nil || got != "Text 450 Sutter St and 450 Sutter St at 9:00" || strings.Join(used, ",") != "address,time" {
		t.Errorf("%q %v %v", got, used, err)
	}
	if _, _, err := fill("Text {{code}}", nil); err == nil || !strings.Contains(err.Error(), "no subtask found code") {
		t.Errorf("a missing value: %v", err)
	}
}

func TestParseCheck(t *testing.T) {
	c, err := ParseCheck("Here is my check:\n{\"ok\": true, \"value\": \" CabinNet \", \"reason\": \"the note says so\"}")
	if err != nil || !c.OK || c.Value != "CabinNet" {
		t.Errorf("%+v %v", c, err)
	}
	if c, err := ParseCheck(`{"ok": false, "reason": "the answer names another event"}`); err != nil || c.OK {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []string{`{"value": "x"}`, `{"ok": true, "value": ""}`, "yes"} {
		if _, err := ParseCheck(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestOnScreen(t *testing.T) {
	s := &perception.Screen{Elements: []perception.Element{{Text: "Dr. Chen's Office"}, {Text: "Network: CabinNet\nAsk the owner"}, {Text: "+1-512-555-0190 Mobile"}}}
	for v, want := range map[string]bool{"Dr. Chen's Office": true, "dr chen's office": true, "Network: CabinNet": true, "CabinNet": false, "+1-512-555-0190": false, "": false} {
		if got := onScreen(v, s); got != want {
			t.Errorf("onScreen(%q) = %v, want %v", v, got, want)
		}
	}
}

// The steward's replies come from a model: whatever they hold, the
// parsers return a plan or an error, never panic, and a plan they accept
// keeps its promises (every placeholder names an earlier answer).
func FuzzParsePlan(f *testing.F) {
	for _, s := range []string{
		`{"subtasks": [{"app": "Calendar", "task": "Find the location.", "answer": "address"}, {"app": "Messages", "task": "Text {{address}}"}]}`,
		"```json\n{\"subtasks\": [{\"app\": \"Clock\", \"task\": \"Set an alarm for {{ time }}\"}]}\n```",
		`{"subtasks": [{"app": "A", "task": "{{x}}", "answer": "x"}]}`,
		`{"subtasks": "none"}`, `{"ok": true, "value": "v"}`, "{{{{", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := ParsePlan(text, 8, nil)
		ParseCheck(text)
		if err != nil {
			return
		}
		have := map[string]bool{}
		for _, st := range p.Subtasks {
			if st.App == "" || st.Task == "" {
				t.Fatalf("an empty subtask: %+v", st)
			}
			for _, m := range placeholderRE.FindAllStringSubmatch(st.Task, -1) {
				if !have[normName(m[1])] {
					t.Fatalf("{{%s}} is used before it is found: %+v", m[1], p)
				}
			}
			if st.Answer != "" {
				have[st.Answer] = true
			}
		}
	})
}
