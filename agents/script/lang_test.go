package script

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestCompileRejects(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      error
		says      string
	}{
		{"unknown command", "open \"Settings\"\nclick label:\"Display\"", ErrUnknownCommand, `line 2 (click label:"Display"): unknown command "click" (did you mean tap?)`},
		{"shell", "open \"Settings\"\nrun_shell \"rm -rf /sdcard\"", ErrUnknownCommand, `unknown command "run_shell"`},
		{"while loop", "while label:\"Loading\"\n  wait\nend", ErrUnknownCommand, "loops are repeat_until SELECTOR max N"},
		{"goto", "open \"Settings\"\ngoto 1", ErrUnknownCommand, `unknown command "goto"`},
		{"unbounded repeat", "repeat_until label:\"Dark theme\"\n  scroll down\nend", ErrUnbounded, "repeat_until has no bound; add max N"},
		{"bound too big", "repeat_until label:\"Dark theme\" max 500\n  scroll down\nend", ErrUnbounded, "max 500 is over the limit of 10"},
		{"scroll_to bound too big", "scroll_to label:\"Dark theme\" max 99", ErrUnbounded, "max 99 is over the limit of 10"},
		{"idle loop", "repeat_until label:\"Done\" max 3\n  expect label:\"Spinner\"\nend", ErrUnbounded, "does nothing on the phone"},
		{"undefined variable", "open \"Messages\"\ntype \"$message\" into role:input", ErrUndefined, "$message is not defined"},
		{"unclosed block", "if_visible label:\"OK\"\n  tap label:\"OK\"", ErrSyntax, "if_visible is not closed"},
		{"else without if", "tap label:\"OK\"\nelse", ErrSyntax, "else without an open if_visible"},
		{"end without block", "tap label:\"OK\"\nend", ErrSyntax, "end without an open block"},
		{"empty", "\n# nothing here\n", ErrEmpty, "no commands"},
		{"nothing done", "let x = \"1\"", ErrEmpty, "does nothing on the phone"},
		{"too many actions", "repeat_until label:\"a\" max 10\n  repeat_until label:\"b\" max 10\n    tap label:\"c\"\n  end\nend", ErrTooLong, "up to 100 actions"},
		{"too deep", "if_visible \"a\"\n if_visible \"b\"\n  if_visible \"c\"\n   if_visible \"d\"\n    tap \"e\"\n   end\n  end\n end\nend", ErrTooLong, "nest deeper than 3"},
		{"after done", "tap \"OK\"\ndone\ntap \"Cancel\"", ErrSyntax, "nothing runs after done"},
		{"unclosed string", "tap label:\"Connected devices", ErrSyntax, "is not closed"},
		{"bad role", "tap role:slider", ErrSyntax, `unknown role "slider"`},
		{"bad pattern", "read p from pattern:\"[0-9\"", ErrSyntax, "is not a regular expression"},
		{"long wait", "wait 60s", ErrTooLong, "longer than 10s"},
		{"type without text", "type into role:input", ErrSyntax, "type needs the text first"},
		{"swipe without direction", "swipe", ErrSyntax, "swipe needs a direction"},
		{"no reply", "Sure! I can help with that.", ErrUnknownCommand, `unknown command "Sure!"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Compile(c.src, Limits{})
			if err == nil {
				t.Fatalf("compiled %q: %v", c.src, s.Lines())
			}
			if !errors.Is(err, c.want) {
				t.Errorf("error %v; want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
			var es Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Errorf("error %T is not Errors", err)
			}
		})
	}
}

func TestCompileReportsEveryBadLine(t *testing.T) {
	_, err := Compile("click \"A\"\nopen \"Settings\"\npress \"B\"\nrepeat_until \"C\"\n tap \"C\"\nend", Limits{})
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("%v", err)
	}
	if len(es) != 2 || es[0].Line != 1 || es[1].Line != 3 {
		t.Errorf("errors %v; want lines 1 and 3 (parsing stops the unbound check)", es)
	}
	if !errors.Is(err, ErrUnknownCommand) {
		t.Errorf("%v", err)
	}
}

func TestCompileAccepts(t *testing.T) {
	src := `# Turn on dark theme
open "Settings"
tap label:"Display"   # the page with the switch
scroll_to role:switch label:"Dark theme" max 4
if_visible role:switch label:"Dark theme" checked:false
  tap role:switch label:"Dark theme"
else
  wait 500ms
end
repeat_until label:"Saved" max 3
  tap 'Save'
end
read price from role:text after:"Fresh Bananas" pattern:"\$[0-9]+\.[0-9]{2}"
let who = "Alex"
type "Price: $price for ${who}" into id:"compose_text" submit clear
LONG_PRESS "Grocery list"
swipe left in role:scroll
scroll up
back
done "$price"`
	s, err := Compile(src, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Body) != 13 {
		t.Fatalf("%d top-level commands: %v", len(s.Body), s.Lines())
	}
	st := s.Body[2]
	if st.Op != OpScrollTo || st.Max != 4 || st.Sel.Role != RoleSwitch || st.Sel.Label != "Dark theme" {
		t.Errorf("scroll_to: %+v %+v", st, st.Sel)
	}
	iv := s.Body[3]
	if iv.Op != OpIfVisible || len(iv.Body) != 1 || len(iv.Else) != 1 || iv.Else[0].Wait != 500*time.Millisecond || *iv.Sel.Checked {
		t.Errorf("if_visible: %+v", iv)
	}
	if ru := s.Body[4]; ru.Op != OpRepeatUntil || ru.Max != 3 || ru.Body[0].Sel.Label != "Save" {
		t.Errorf("repeat_until: %+v", ru)
	}
	rd := s.Body[5]
	if rd.Op != OpRead || rd.Var != "price" || rd.Sel.After != "Fresh Bananas" || rd.Sel.Pattern != `\$[0-9]+\.[0-9]{2}` {
		t.Errorf("read: %+v %+v", rd, rd.Sel)
	}
	ty := s.Body[7]
	if ty.Op != OpType || ty.Text != "Price: $price for ${who}" || ty.Sel.ID != "compose_text" || !ty.Submit || !ty.Clear {
		t.Errorf("type: %+v", ty)
	}
	if s.Body[8].Op != OpLongPress || s.Body[9].Dir != "left" || s.Body[10].Dir != "up" || s.Body[12].Text != "$price" {
		t.Errorf("the rest: %v", s.Lines())
	}
	if strings.Join(s.Vars, ",") != "price,who" {
		t.Errorf("vars %v", s.Vars)
	}
	if s.Body[1].Src != `tap label:"Display"` {
		t.Errorf("the source line keeps its comment: %q", s.Body[1].Src)
	}
	// The defaults: scroll_to's bound.
	s2, err := Compile(`scroll_to "Dark theme"`, Limits{ScrollTries: 3})
	if err != nil || s2.Body[0].Max != 3 {
		t.Errorf("scroll_to default bound: %v %v", err, s2)
	}
	// Handed-over variables count as defined.
	if _, err := Compile(`type "$address" into role:input`, Limits{}, "address"); err != nil {
		t.Errorf("a handed-over variable: %v", err)
	}
}

func TestExtract(t *testing.T) {
	for _, c := range []struct{ name, reply, want string }{
		{"fenced with prose", "I'll open Settings first.\n\n```script\nopen \"Settings\"\ndone\n```\nThis should work.", "open \"Settings\"\ndone"},
		{"bare fence", "Plan:\n```\ntap \"OK\"\n```", "tap \"OK\""},
		{"tagged wins", "```json\n{\"a\":1}\n```\n```script\nback\n```", "back"},
		{"json field", `{"thought": "simple", "script": "open \"Clock\"\ndone"}`, "open \"Clock\"\ndone"},
		{"json lines", "```json\n{\"script\": [\"open \\\"Clock\\\"\", \"done\"]}\n```", "open \"Clock\"\ndone"},
		{"whole reply", "open \"Clock\"\ndone", "open \"Clock\"\ndone"},
		{"unclosed fence", "Here:\n```script\nopen \"Clock\"\ndone", "open \"Clock\"\ndone"},
		{"prose only", "I cannot do that on this phone.", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Extract(c.reply); got != c.want {
				t.Errorf("Extract = %q, want %q", got, c.want)
			}
		})
	}
}
