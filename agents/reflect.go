package agents

import (
	"fmt"
	"image"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// ObviousReflection returns the reflection when the pixels and the action
// make the outcome certain, so no model needs to be asked (reflection on
// demand):
//
//   - the action failed to run: C, with the error;
//   - open_app and the app is now in front: A;
//   - a tapped switch or checkbox flipped: A; it stayed the same and nothing
//     changed: C;
//   - a tap that opened a page titled like the tapped element, when the
//     decision expected that page (or said nothing): A;
//   - typed text now shows in a field: A;
//   - home shows the launcher, back changed the screen: A;
//   - a swipe moved the content: A; nothing moved: C (the end of the list);
//   - wait: A;
//   - run_shortcut that ran to its end: A (the resolver verified every
//     screen and the end state; a mismatch is an action error, C);
//   - an API call (adb) that exited 0: A;
//   - any other action that changed nothing at all: C.
//
// Everything else (a page that may be the wrong one) needs judgement.
func ObviousReflection(in ReflectInput) (Reflection, bool) {
	before, after := in.Before.Screen, in.After.Screen
	if before == nil || after == nil {
		return Reflection{}, false
	}
	if in.ExecErr != nil {
		return certain(VerdictNoChange, "the action failed", "the action could not be carried out: "+in.ExecErr.Error())
	}
	unchanged := in.Diff.Ratio == 0 && before.Package == after.Package && before.Activity == after.Activity && before.KeyboardShown == after.KeyboardShown
	switch a := in.Decision.Action.(type) {
	case actions.ADB:
		// The call exited 0: the API did what it does, whether or not the
		// screen shows it (settings put, svc), as Mobile-Bench counts an
		// API call that ran.
		return certain(VerdictSuccess, "the API call succeeded", "the call ran: "+actions.Excerpt(a.Command, 80))
	case actions.OpenApp:
		if in.Result.Package != "" && after.Package == in.Result.Package {
			return certain(VerdictSuccess, "the app is in front", fmt.Sprintf("%s is open", a.App))
		}
	case actions.Tap, actions.LongPress:
		return tapReflection(a, in, unchanged)
	case actions.Type:
		return typeReflection(a, after, unchanged)
	case actions.Key:
		return keyReflection(a, after, unchanged)
	case actions.Swipe:
		if unchanged {
			return certain(VerdictNoChange, "nothing moved", "the swipe moved nothing; the list may be at its end")
		}
		if before.Package == after.Package && before.Activity == after.Activity {
			return certain(VerdictSuccess, "the content moved", "the content scrolled")
		}
	case actions.Wait:
		return certain(VerdictSuccess, "waited", "waited")
	case actions.RunShortcut:
		// The resolver checked every step's screen and the end state; an
		// error (a mismatch) was handled above.
		return certain(VerdictSuccess, "the shortcut's checks held", fmt.Sprintf("shortcut %q ran and its end state was verified", a.Name))
	}
	return Reflection{}, false
}

// certain is a verdict given by rule, without the reflector.
func certain(v Verdict, reason, note string) (Reflection, bool) {
	return Reflection{Verdict: v, Skipped: true, Reason: reason, Note: note}, true
}

// tapReflection judges a tap or long press: a switch that flipped or did
// not, a screen that did not change, a page titled like what was tapped.
func tapReflection(a actions.Action, in ReflectInput, unchanged bool) (Reflection, bool) {
	before, after := in.Before.Screen, in.After.Screen
	el, ok := tappedControl(a, before, in.Result.Point)
	if ok && el.Checkable {
		if now, found := sameControl(el, after); found {
			if now.Checked != el.Checked {
				return certain(VerdictSuccess, "the switch flipped", fmt.Sprintf("%q is now %s", shortLabel(el), onOff(now.Checked)))
			}
			if unchanged {
				return certain(VerdictNoChange, "the switch did not flip", fmt.Sprintf("%q is still %s", shortLabel(el), onOff(now.Checked)))
			}
		}
	}
	if unchanged {
		return certain(VerdictNoChange, "nothing changed", "the tap changed nothing on the screen")
	}
	if ok && (after.Activity != before.Activity || in.Diff.Ratio > 0.3) {
		if title := pageTitle(after); title != "" && strings.HasPrefix(fold(el.Label()), fold(title)) &&
			(in.Decision.Expect == "" || strings.Contains(fold(in.Decision.Expect), fold(title))) {
			return certain(VerdictSuccess, "the expected page opened", fmt.Sprintf("the %q page opened", title))
		}
	}
	return Reflection{}, false
}

// typeReflection judges typing by the field: the text (or, for a secret, a
// filled password field) shows in it.
func typeReflection(a actions.Type, after *perception.Screen, unchanged bool) (Reflection, bool) {
	if a.Secret != "" || strings.Contains(a.Text, "{{secret:") {
		for _, e := range after.Elements {
			if e.Editable && e.Password && e.Text != "" {
				return certain(VerdictSuccess, "the secret field is filled", "the secret was entered")
			}
		}
		return Reflection{}, false
	}
	want := fold(a.Text)
	for _, e := range after.Elements {
		if e.Editable && want != "" && strings.Contains(fold(e.Text), want) {
			return certain(VerdictSuccess, "the text is in the field", "the text was entered")
		}
	}
	if unchanged {
		return certain(VerdictNoChange, "nothing changed", "typing changed nothing; tap the field first")
	}
	return Reflection{}, false
}

// keyReflection judges home (the launcher shows) and back (the screen
// changed).
func keyReflection(a actions.Key, after *perception.Screen, unchanged bool) (Reflection, bool) {
	switch strings.ToLower(string(a.Key)) {
	case "home":
		if strings.Contains(after.Package, "launcher") {
			return certain(VerdictSuccess, "the home screen shows", "the home screen is showing")
		}
	case "back":
		if !unchanged {
			return certain(VerdictSuccess, "the screen changed", "went back")
		}
	}
	if unchanged {
		return certain(VerdictNoChange, "nothing changed", "the key changed nothing")
	}
	return Reflection{}, false
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// sameControl finds the checkable element of after at el's place.
func sameControl(el perception.Element, after *perception.Screen) (perception.Element, bool) {
	for _, e := range after.Elements {
		if e.Checkable && e.Bounds == el.Bounds {
			return e, true
		}
	}
	first := firstWords(el.Label(), 2)
	for _, e := range after.Elements {
		if e.Checkable && firstWords(e.Label(), 2) == first {
			return e, true
		}
	}
	return perception.Element{}, false
}

// pageTitle is the first plain text in the top sixth of the screen below the
// status bar: an app bar's title.
func pageTitle(s *perception.Screen) string {
	for _, e := range s.Elements {
		if e.Text == "" || e.Bounds.Min.Y < s.Height*3/100 || e.Bounds.Max.Y > s.Height/6 || e.Editable {
			continue
		}
		if _, err := strconv.Atoi(strings.ReplaceAll(e.Text, ":", "")); err == nil {
			continue // a clock
		}
		if utf8.RuneCountInString(e.Text) >= 3 {
			return e.Text
		}
	}
	return ""
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func firstWords(s string, n int) string {
	f := strings.Fields(fold(s))
	if len(f) > n {
		f = f[:n]
	}
	return strings.Join(f, " ")
}

func shortLabel(e perception.Element) string {
	l := e.Label()
	if utf8.RuneCountInString(l) > 40 {
		r := []rune(l)
		l = string(r[:40]) + "…"
	}
	return l
}

var (
	moneyRE = regexp.MustCompile(`[$€£¥₹]\s?\d|\d[.,]\d\d\s?(?:USD|EUR|GBP|dollars?)`)
	codeRE  = regexp.MustCompile(`\b\d{4,8}\b`)
)

var (
	infoRE     = regexp.MustCompile(`(?i)\?|\b(what|which|when|where|who|how much|how many|find|look up|check|tell|note|remember|read|price|cost|code|balance|total|answer)\b`)
	wantsMoney = regexp.MustCompile(`(?i)\b(price|prices|cost|costs|how much|balance|total|amount|pay|paid|spend|spent|worth|fee|bill)\b`)
	wantsCode  = regexp.MustCompile(`(?i)\b(code|codes|otp|pin|number|numbers|digits|password|passcode)\b`)
)

// CandidateContent returns the lines of s worth noting for task that were
// not on an earlier screen (seen), for a task that asks for information
// ("what is the price of …?", "find the code …"): lines that name a word of
// the task and carry a number, amounts of money when the task asks about
// money, and codes of four to eight digits when it asks for a code or a
// number. A task that only asks for actions has none, and neither does a
// screen with nothing the task names: a verification code in an SMS is not
// offered to a task about a price. Editable fields (what the agent typed)
// and the status bar are left out.
func CandidateContent(task string, s *perception.Screen, seen map[string]bool) []string {
	if !infoRE.MatchString(task) {
		return nil
	}
	words := taskWords(task)
	money, code := wantsMoney.MatchString(task), wantsCode.MatchString(task)
	var named, other []string
	for _, e := range s.Elements {
		l := e.Label()
		if l == "" || seen[l] || e.Editable || e.Bounds.Max.Y <= s.Height*3/100 || !strings.ContainsAny(l, "0123456789") {
			continue
		}
		low := fold(l)
		hit := false
		for _, w := range words {
			if strings.Contains(low, w) {
				hit = true
				break
			}
		}
		switch {
		case hit:
			named = append(named, l)
		case (money && moneyRE.MatchString(l)) || (code && codeRE.MatchString(l)):
			other = append(other, l)
		}
	}
	// Lines that name what the task asks about, when there are any; else
	// the amounts or codes it asks for.
	if len(named) > 0 {
		return named
	}
	return other
}

var stopWords = map[string]bool{"the": true, "and": true, "for": true, "what": true, "with": true, "from": true, "that": true, "this": true,
	"find": true, "tell": true, "show": true, "open": true, "price": false, "please": true, "into": true, "your": true, "have": true}

func taskWords(task string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(fold(task), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	}) {
		if utf8.RuneCountInString(w) >= 4 && !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

// tappedControl is the clickable or checkable element a tap or long press
// hit: by id, or under the device point the executor touched.
func tappedControl(a actions.Action, s *perception.Screen, p *image.Point) (perception.Element, bool) {
	t, _ := actions.ActionTarget(a)
	if t.Element == 0 && p != nil {
		t = actions.Target{Point: &actions.Point{X: float64(p.X), Y: float64(p.Y), Space: actions.SpacePixels}}
	}
	return actions.TargetElement(t, s, actions.Frame{}, func(e perception.Element) bool { return e.Clickable || e.Checkable })
}
