package intent

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/mobagent/mobagent/perception"
)

// Evidence is what a screen shows about a task being done.
type Evidence struct {
	// Decided is set when the screen settles the question; Done then says
	// whether the task is done.
	Decided bool
	Done    bool
	// Facts are what was read off the screen, in words.
	Facts []string
	// Reason says why, in words a planner can act on.
	Reason string
}

// Check judges from screen s whether in is done: a switch's state, the
// message in its conversation (and not left in the compose field), the
// alarm in the alarm list, the app in front. appPkg is the package of the
// task's app when the caller could resolve it ("" when not). A task whose
// result the screen cannot show is left undecided.
func Check(in Intent, s *perception.Screen, appPkg string) Evidence {
	if s == nil {
		return Evidence{Reason: "no screen to check"}
	}
	switch in.Kind {
	case KindToggle:
		return checkToggle(in, s)
	case KindOpen:
		if appPkg == "" {
			return Evidence{Reason: fmt.Sprintf("which package %s is could not be told", in.App)}
		}
		fact := "the app in front is " + s.Package
		if s.Package == appPkg {
			return Evidence{Decided: true, Done: true, Facts: []string{fact}, Reason: in.App + " is open"}
		}
		return Evidence{Decided: true, Facts: []string{fact}, Reason: fmt.Sprintf("%s (%s) is not in front; %s is", in.App, appPkg, s.Package)}
	case KindMessage:
		return checkMessage(in, s)
	case KindAlarm:
		return checkAlarm(in, s)
	}
	return Evidence{Reason: "the screen cannot show whether this task is done by rule"}
}

func checkToggle(in Intent, s *perception.Screen) Evidence {
	if in.State == "" {
		return Evidence{Reason: "a switch to flip has no wanted state to check"}
	}
	e, ok := FindSwitch(s, in.Target)
	if !ok {
		return Evidence{Reason: fmt.Sprintf("the %s switch is not on the screen", in.Target)}
	}
	state := "off"
	if e.Checked {
		state = "on"
	}
	fact := fmt.Sprintf("the switch %q (element %d) is %s", shorten(e.Label()), e.ID, state)
	if state == in.State {
		return Evidence{Decided: true, Done: true, Facts: []string{fact}, Reason: in.Target + " is " + state}
	}
	return Evidence{Decided: true, Facts: []string{fact}, Reason: fmt.Sprintf("%s is still %s; it should be %s", in.Target, state, in.State)}
}

func checkMessage(in Intent, s *perception.Screen) Evidence {
	text, who := Norm(in.Text), Norm(in.Target)
	if text == "" {
		return Evidence{Reason: "the task gives no message text to look for"}
	}
	var inField, shown bool
	var facts []string
	mentions := false
	for _, e := range s.Elements {
		l := Norm(e.Label())
		if who != "" && strings.Contains(l, who) {
			mentions = true
		}
		if !strings.Contains(l, text) {
			continue
		}
		if e.Editable {
			inField = true
			facts = append(facts, fmt.Sprintf("the field %d holds the message text", e.ID))
		} else {
			shown = true
			facts = append(facts, fmt.Sprintf("element %d shows the message: %q", e.ID, shorten(e.Label())))
		}
	}
	switch {
	case inField:
		return Evidence{Decided: true, Facts: facts, Reason: "the message is typed in the compose field but not sent; send it"}
	case shown && mentions:
		return Evidence{Decided: true, Done: true, Facts: append(facts, "the screen names "+in.Target), Reason: "the conversation with " + in.Target + " shows the message"}
	case mentions && s.KeyboardShown:
		return Evidence{Decided: true, Facts: []string{"the conversation with " + in.Target + " is open"}, Reason: "the conversation with " + in.Target + " does not show the message; type and send it"}
	}
	return Evidence{Facts: facts, Reason: "the screen does not show the conversation with " + in.Target}
}

func checkAlarm(in Intent, s *perception.Screen) Evidence {
	t, err := time.Parse("15:04", in.Time)
	if err != nil {
		return Evidence{Reason: "the alarm time " + in.Time + " does not read as a time"}
	}
	want := Norm(t.Format("3:04 PM"))
	for _, e := range s.Elements {
		if !e.Checkable || !strings.Contains(Norm(e.Label()), want) {
			continue
		}
		fact := fmt.Sprintf("the alarm %q (element %d) is %s", shorten(e.Label()), e.ID, map[bool]string{true: "on", false: "off"}[e.Checked])
		if e.Checked {
			return Evidence{Decided: true, Done: true, Facts: []string{fact}, Reason: "an alarm at " + t.Format("3:04 PM") + " is set and on"}
		}
		return Evidence{Decided: true, Facts: []string{fact}, Reason: "the alarm at " + t.Format("3:04 PM") + " is off; turn it on"}
	}
	return Evidence{Reason: "no alarm at " + t.Format("3:04 PM") + " is on the screen"}
}

func shorten(s string) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return string(r)
}

// moneyRE finds an amount of money: a currency sign or code and digits.
var moneyRE = regexp.MustCompile(`(?:[$€£¥₹]|\b(?:USD|EUR|GBP)\s?)\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:[€£]|\b(?:USD|EUR|GBP)\b)`)

// CheckAnswer judges an answer to a price question from screen s: the
// answer's amount on a line that names what was asked about settles it;
// the thing asked about shown at other amounts only, and not at the
// answer's, turns it down. Anything else, and every other kind of task, is
// left undecided (the verifier looks).
func CheckAnswer(in Intent, answer string, s *perception.Screen) Evidence {
	if in.Kind != KindPrice || s == nil {
		return Evidence{Reason: "the screen cannot show by rule whether this answer is right"}
	}
	amounts := moneyRE.FindAllString(answer, -1)
	if len(amounts) != 1 {
		return Evidence{Reason: "the answer does not name one amount"}
	}
	want := amountDigits(amounts[0])
	var words []string
	for _, w := range strings.Fields(Norm(in.Target)) {
		if len([]rune(w)) >= 3 && !priceStop[w] {
			words = append(words, w)
		}
	}
	if want == "" || len(words) == 0 {
		return Evidence{Reason: "the answer or the thing asked about has nothing to look for"}
	}
	var others []string
	for _, e := range s.Elements {
		if e.Editable {
			continue
		}
		l := e.Label()
		if !namesAll(Norm(l), words) {
			continue
		}
		found := moneyRE.FindAllString(l, -1)
		for _, m := range found {
			if amountDigits(m) == want {
				return Evidence{Decided: true, Done: true, Facts: []string{fmt.Sprintf("element %d shows %s: %q", e.ID, amounts[0], shorten(l))},
					Reason: fmt.Sprintf("the screen shows %s at %s", in.Target, amounts[0])}
			}
		}
		for _, m := range found {
			others = append(others, fmt.Sprintf("element %d shows %s: %q", e.ID, m, shorten(l)))
		}
	}
	if len(others) > 0 {
		return Evidence{Decided: true, Facts: others, Reason: fmt.Sprintf("the screen shows %s at another amount than %s; check the answer", in.Target, amounts[0])}
	}
	return Evidence{Reason: fmt.Sprintf("no line on the screen names %s with a price", in.Target)}
}

// priceStop are words of a price question's target that name no thing.
var priceStop = map[string]bool{"stock": true, "share": true, "shares": true, "the": true, "one": true, "item": true, "product": true}

// namesAll reports whether the folded label holds every word as a word.
func namesAll(label string, words []string) bool {
	have := map[string]bool{}
	for _, w := range strings.Fields(label) {
		have[w] = true
	}
	for _, w := range words {
		if !have[w] {
			return false
		}
	}
	return true
}

// amountDigits keeps an amount's digits and decimal point, with trailing
// zeros of the cents dropped ("$1,200.50" and "1200.5" agree).
func amountDigits(m string) string {
	var b strings.Builder
	for _, r := range m {
		if r >= '0' && r <= '9' || r == '.' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if strings.Contains(d, ".") {
		d = strings.TrimRight(strings.TrimRight(d, "0"), ".")
	}
	return d
}
