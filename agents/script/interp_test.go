package script

import (
	"errors"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// screen builds a screen from elements given in reading order.
func screen(pkg string, els ...perception.Element) *perception.Screen {
	s := &perception.Screen{Package: pkg, Width: 1080, Height: 2400}
	for i, e := range els {
		e.ID = i + 1
		e.Bounds = image.Rect(0, 100*i+100, 1080, 100*i+190)
		e.Enabled = true
		s.Elements = append(s.Elements, e)
	}
	return s
}

func btn(text string) perception.Element { return perception.Element{Text: text, Clickable: true} }
func txt(text string) perception.Element { return perception.Element{Text: text} }
func sw(text string, on bool) perception.Element {
	return perception.Element{Text: text, Checkable: true, Checked: on, Clickable: true, Class: "android.widget.Switch"}
}

func TestSelectorFind(t *testing.T) {
	s := screen("com.android.settings",
		btn("Network & internet Mobile, Wi-Fi, hotspot"),
		btn("Connected devices Bluetooth, pairing"),
		perception.Element{ContentDesc: "Send SMS", Clickable: true, ResourceID: "com.google.android.apps.messaging:id/send_message_button"},
		perception.Element{Hint: "Text message", Editable: true, Class: "android.widget.EditText"},
		sw("6:30 AM alarm", false),
		sw("6:45 AM alarm", true),
		txt("Fresh Bananas"),
		txt("Organic, per lb"),
		txt("$0.59"),
		txt("Whole Milk"),
		txt("$3.49"),
	)
	tru, fal := true, false
	for _, c := range []struct {
		name string
		sel  Selector
		want int // element id; 0 for none
	}{
		{"leading words", Selector{Label: "Connected devices"}, 2},
		{"words inside", Selector{Label: "Bluetooth"}, 2},
		{"description", Selector{Label: "send sms"}, 3},
		{"hint", Selector{Label: "Text message", Role: RoleInput}, 4},
		{"role excludes", Selector{Label: "Text message", Role: RoleButton}, 0},
		{"short id", Selector{ID: "send_message_button"}, 3},
		{"full id", Selector{ID: "com.google.android.apps.messaging:id/send_message_button"}, 3},
		{"numbers count", Selector{Label: "6:45 AM alarm"}, 6},
		{"checked state", Selector{Role: RoleSwitch, Checked: &fal}, 5},
		{"checked state true", Selector{Role: RoleSwitch, Checked: &tru, Label: "alarm"}, 6},
		{"checkbox is a switch too", Selector{Role: RoleCheckbox, Label: "6:30 AM alarm"}, 5},
		{"after and pattern", Selector{After: "Fresh Bananas", Pattern: `\$[0-9.]+`}, 9},
		{"after another", Selector{After: "Whole Milk", Pattern: `\$[0-9.]+`}, 11},
		{"no such label", Selector{Label: "Dark theme"}, 0},
		{"no partial word", Selector{Label: "Blue"}, 0},
		{"missing anchor", Selector{After: "Cherries", Role: RoleText}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			sel := c.sel
			if sel.Pattern != "" {
				ps, _, err := parseSelector([]token{{key: "pattern", text: sel.Pattern, quoted: true}})
				if err != nil {
					t.Fatal(err)
				}
				sel.re = ps.re
			}
			e, ok := sel.Find(s, nil)
			switch {
			case c.want == 0 && ok:
				t.Errorf("found element %d %q; want none", e.ID, e.Label())
			case c.want != 0 && (!ok || e.ID != c.want):
				t.Errorf("found %v %d %q; want element %d", ok, e.ID, e.Label(), c.want)
			}
		})
	}
}

// RoleOf names elements as the element list models read does.
func TestRoleOfMatchesTheElementList(t *testing.T) {
	s := screen("x", btn("OK"), txt("Title"), sw("Wi-Fi", true),
		perception.Element{Text: "Agree", Checkable: true, Class: "android.widget.CheckBox"},
		perception.Element{Hint: "Search", Editable: true},
		perception.Element{Scrollable: true, Class: "androidx.recyclerview.widget.RecyclerView"},
		perception.Element{ContentDesc: "Photo", Class: "android.widget.ImageView"})
	text := perception.RenderText(s, perception.TextOptions{NoHeader: true})
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for i, e := range s.Elements {
		if want := "<" + string(RoleOf(e)) + " "; !strings.HasPrefix(lines[i], want) {
			t.Errorf("element %d: RoleOf %q, the element list says %s", e.ID, RoleOf(e), lines[i])
		}
	}
}

func mustCompile(t *testing.T, src string, vars ...string) *Script {
	t.Helper()
	s, err := Compile(src, Limits{}, vars...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInterpRunsBranchesLoopsAndReads(t *testing.T) {
	sc := mustCompile(t, `open "Shop"
repeat_until label:"Fresh Bananas" max 3
  scroll down
end
read price from after:"Fresh Bananas" pattern:"\$[0-9.]+"
if_visible role:switch label:"Notify me" checked:false
  tap role:switch label:"Notify me"
else
  back
end
type "Bananas cost $price" into role:input submit
done "$price"`)
	list := screen("shop", txt("Apples"), txt("$1.20"))
	found := screen("shop", txt("Fresh Bananas"), txt("$0.59"), sw("Notify me", false), perception.Element{Hint: "Note", Editable: true})
	in := sc.Start(nil)
	steps := []struct {
		s    *perception.Screen
		want actions.Action
	}{
		{list, actions.OpenApp{App: "Shop"}},
		{list, actions.Swipe{Direction: actions.Up}},             // scroll down: the finger goes up
		{list, actions.Swipe{Direction: actions.Up}},             // round 2
		{found, actions.Tap{Target: actions.Target{Element: 3}}}, // read, then the if branch
		{found, actions.Type{Text: "Bananas cost $0.59", Element: 4, Submit: true}},
		{found, actions.Done{Status: actions.StatusSuccess, Answer: "$0.59"}},
	}
	for i, st := range steps {
		n, err := in.Next(st.s)
		if err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
		if n.Action != st.want {
			t.Fatalf("step %d: %#v (%s); want %#v", i+1, n.Action, n.Note, st.want)
		}
	}
	if got := in.Vars()["price"]; got != "$0.59" {
		t.Errorf("$price = %q", got)
	}
	if notes := in.TakeNotes(); len(notes) != 1 || notes[0] != "price: $0.59" {
		t.Errorf("notes %v", notes)
	}
	if !in.Ended() {
		t.Error("not ended after done")
	}
	// The else branch.
	in = mustCompile(t, "if_visible \"Nope\"\n  tap \"Nope\"\nelse\n  back\nend").Start(nil)
	if n, _ := in.Next(list); n.Action != (actions.Key{Key: device.KeyBack}) {
		t.Errorf("else: %#v", n.Action)
	}
	if n, _ := in.Next(list); n.Action != (actions.Done{Status: actions.StatusSuccess}) {
		t.Errorf("the implicit done at the end: %#v", n.Action)
	}
}

func TestInterpStops(t *testing.T) {
	s := screen("x", btn("OK"), txt("Loading"))
	for _, c := range []struct {
		name, src string
		acts      int // actions before the stop
		want      error
		says      string
	}{
		{"no match", "tap \"OK\"\ntap \"Send\"", 1, ErrNoMatch, `line 2 (tap "Send"): no element on the screen matches label:"Send"; it had done: tap "OK"`},
		{"expect waits once", "tap \"OK\"\nexpect \"Saved\"", 2, ErrExpect, `the screen does not show label:"Saved"`},
		{"expect_gone", "expect_gone \"Loading\"\ndone", 1, ErrExpect, `still shows label:"Loading"`},
		{"scroll_to bound", "scroll_to \"Dark theme\" max 3", 3, ErrExhausted, "did not show after 3 scrolls"},
		{"repeat bound", "repeat_until \"Done\" max 2\n  tap \"OK\"\nend", 2, ErrExhausted, "did not show after 2 rounds"},
		{"read no match", "read code from pattern:\"[0-9]{6}\"\ndone", 0, ErrNoMatch, "no element on the screen matches"},
		{"variable in selector", "let who = \"Alex\"\ntap label:\"$who\"", 0, ErrNoMatch, `matches label:"Alex"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := mustCompile(t, c.src).Start(nil)
			n := 0
			for {
				next, err := in.Next(s)
				if err != nil {
					if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
						t.Errorf("stop %v; want %v saying %q", err, c.want, c.says)
					}
					var stop *Stop
					if !errors.As(err, &stop) || stop.Line == 0 {
						t.Errorf("%T has no line", err)
					}
					break
				}
				if _, done := next.Action.(actions.Done); done {
					t.Fatalf("the script ended without stopping")
				}
				if n++; n > 20 {
					t.Fatal("no stop")
				}
			}
			if n != c.acts {
				t.Errorf("%d actions before the stop; want %d", n, c.acts)
			}
		})
	}
}

func TestInterpWaitsAndKeys(t *testing.T) {
	in := mustCompile(t, "wait\nwait 250ms\nhome\nenter\nswipe right in role:scroll\nlong_press \"OK\"").Start(nil)
	s := screen("x", btn("OK"), perception.Element{Scrollable: true})
	want := []actions.Action{actions.Wait{Duration: time.Second}, actions.Wait{Duration: 250 * time.Millisecond}, actions.Key{Key: device.KeyHome},
		actions.Key{Key: device.KeyEnter}, actions.Swipe{Direction: actions.Right, Element: 2}, actions.LongPress{Target: actions.Target{Element: 1}}}
	for i, w := range want {
		n, err := in.Next(s)
		if err != nil || n.Action != w {
			t.Errorf("action %d: %#v %v; want %#v", i+1, n.Action, err, w)
		}
	}
}

func TestNthAndGroups(t *testing.T) {
	s := screen("x", perception.Element{Hint: "07", Editable: true}, txt(":"), perception.Element{Hint: "30", Editable: true}, txt("Network: CabinNet"))
	in := mustCompile(t, "type \"6\" into role:input nth:1\ntype \"45\" into role:input nth:2\nread net from pattern:\"Network: *(\\w+)\"\ndone \"$net\"").Start(nil)
	for i, want := range []actions.Action{actions.Type{Text: "6", Element: 1}, actions.Type{Text: "45", Element: 3}, actions.Done{Status: actions.StatusSuccess, Answer: "CabinNet"}} {
		n, err := in.Next(s)
		if err != nil || n.Action != want {
			t.Errorf("action %d: %#v %v; want %#v", i+1, n.Action, err, want)
		}
	}
	if _, err := mustCompile(t, "tap role:input nth:3").Start(nil).Next(s); !errors.Is(err, ErrNoMatch) {
		t.Errorf("a third input: %v", err)
	}
}

func BenchmarkCompile(b *testing.B) {
	src := seeds[1] + "\n" + seeds[6] + "\n" + seeds[5]
	for b.Loop() {
		if _, err := Compile(src, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNext(b *testing.B) {
	sc, err := Compile("repeat_until label:\"Nope\" max 10\n  tap role:switch label:\"Dark theme\" checked:false\nend", Limits{})
	if err != nil {
		b.Fatal(err)
	}
	s := screen("x", btn("Network & internet Mobile, Wi-Fi, hotspot"), btn("Connected devices Bluetooth, pairing"), txt("Display"),
		sw("Adaptive brightness", false), sw("Dark theme Use a dark background", false), txt("Screen timeout"), txt("After 30 seconds"))
	for b.Loop() {
		in := sc.Start(nil)
		for range 10 {
			if _, err := in.Next(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
