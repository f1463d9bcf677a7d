package script

import (
	"fmt"
	"strings"
	"time"
)

// Limits bound what a script may do. Zero values take the defaults in
// brackets.
type Limits struct {
	MaxLines   int           // commands [80]
	MaxDepth   int           // nested blocks [3]
	MaxLoop    int           // the largest max N of repeat_until and scroll_to [10]
	MaxActions int           // actions in the worst case, every loop running to its bound [60]
	MaxWait    time.Duration // one wait [10s]
	// ScrollTries is scroll_to's bound when it names none [5].
	ScrollTries int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxLines, 80)
	def(&l.MaxDepth, 3)
	def(&l.MaxLoop, 10)
	def(&l.MaxActions, 60)
	def(&l.ScrollTries, 5)
	if l.MaxWait <= 0 {
		l.MaxWait = 10 * time.Second
	}
	l.ScrollTries = min(l.ScrollTries, l.MaxLoop)
	return l
}

// Compile parses src and validates it: nothing of a script that fails
// runs. vars are the variables the caller provides (values handed over
// from an earlier subtask); the script's own come from let and read.
func Compile(src string, lim Limits, vars ...string) (*Script, error) {
	s, err := Parse(src)
	if err != nil {
		return nil, err
	}
	if err := Validate(s, lim, vars...); err != nil {
		return nil, err
	}
	return s, nil
}

// Validate checks a parsed script against lim: every loop bounded, the
// nesting and the worst-case number of actions within the limits, every
// variable defined before it is used, something done. It fills s.Vars and
// each scroll_to's default bound.
func Validate(s *Script, lim Limits, vars ...string) error {
	lim = lim.withDefaults()
	p := parser{}
	defined := map[string]bool{}
	for _, v := range vars {
		defined[v] = true
	}
	s.Vars = nil
	lines, acting := 0, 0
	var walk func(body []*Stmt, depth int) int // returns the worst-case actions
	walk = func(body []*Stmt, depth int) int {
		total := 0
		for i, st := range body {
			lines++
			if st.Op.Acting() || st.Op == OpScrollTo {
				acting++
			}
			use := func(texts ...string) {
				for _, t := range texts {
					for _, name := range refs(t) {
						if !defined[name] {
							p.fail(st.Line, st.Src, ErrUndefined, fmt.Sprintf("$%s is not defined", name),
								fmt.Sprintf("define it before this line with let %s = \"…\" or read %s from SELECTOR", name, name))
						}
					}
				}
			}
			if st.Sel != nil {
				use(st.Sel.Label, st.Sel.ID, st.Sel.After)
			}
			use(st.Text)
			n := 0
			switch st.Op {
			case OpScrollTo:
				if st.Max == 0 {
					st.Max = lim.ScrollTries
				}
				if st.Max > lim.MaxLoop {
					p.fail(st.Line, st.Src, ErrUnbounded, fmt.Sprintf("max %d is over the limit of %d", st.Max, lim.MaxLoop), fmt.Sprintf("give max %d or less", lim.MaxLoop))
				}
				n = st.Max
			case OpRepeatUntil:
				switch {
				case st.Max == 0:
					p.fail(st.Line, st.Src, ErrUnbounded, "repeat_until has no bound", fmt.Sprintf("add max N (1 to %d): repeat_until %s max 5", lim.MaxLoop, st.Sel))
				case st.Max > lim.MaxLoop:
					p.fail(st.Line, st.Src, ErrUnbounded, fmt.Sprintf("max %d is over the limit of %d", st.Max, lim.MaxLoop), fmt.Sprintf("give max %d or less", lim.MaxLoop))
				}
				if !acts(st.Body) {
					p.fail(st.Line, st.Src, ErrUnbounded, "the loop's body does nothing on the phone, so it can never change what it waits for",
						"put an action (tap, scroll, swipe, wait, …) in the loop")
				}
				n = max(st.Max, 1) * walkDepth(walk, st, depth, lim, &p)
			case OpIfVisible:
				n = walkDepth(walk, st, depth, lim, &p)
			case OpExpect, OpExpectGone:
				n = 1 // it may wait once for the screen
			case OpWait:
				if st.Wait > lim.MaxWait {
					p.fail(st.Line, st.Src, ErrTooLong, fmt.Sprintf("wait %s is longer than %s", st.Wait, lim.MaxWait), fmt.Sprintf("wait %s or less", lim.MaxWait))
				}
				n = 1
			case OpRead, OpLet:
				if !defined[st.Var] {
					s.Vars = append(s.Vars, st.Var)
				}
				defined[st.Var] = true
			case OpDone:
				if i < len(body)-1 {
					nx := body[i+1]
					p.fail(nx.Line, nx.Src, ErrSyntax, "nothing runs after done", "end the script (or the block) with done")
				}
			default:
				if st.Op.Acting() {
					n = 1
				}
			}
			total += n
		}
		return total
	}
	worst := walk(s.Body, 0)
	switch {
	case lines == 0:
		p.fail(0, "", ErrEmpty, "the script has no commands", "write one command per line, such as open \"Settings\"")
	case acting == 0 && !hasDone(s.Body):
		p.fail(0, "", ErrEmpty, "the script does nothing on the phone", "add the taps, typing and scrolling the task needs, and end with done")
	}
	if lines > lim.MaxLines {
		p.fail(0, "", ErrTooLong, fmt.Sprintf("%d commands; the limit is %d", lines, lim.MaxLines), "write a shorter script; the step mode can finish what it leaves")
	}
	if worst > lim.MaxActions {
		p.fail(0, "", ErrTooLong, fmt.Sprintf("up to %d actions when every loop runs to its bound; the limit is %d", worst, lim.MaxActions), "lower the loops' max")
	}
	return p.err()
}

// walkDepth walks a block's branches one level deeper and returns the
// worst of them.
func walkDepth(walk func([]*Stmt, int) int, st *Stmt, depth int, lim Limits, p *parser) int {
	if depth+1 > lim.MaxDepth {
		p.fail(st.Line, st.Src, ErrTooLong, fmt.Sprintf("blocks nest deeper than %d", lim.MaxDepth), "use fewer nested if_visible and repeat_until")
		return 0
	}
	return max(walk(st.Body, depth+1), walk(st.Else, depth+1))
}

// acts reports whether body holds a command that acts on the phone.
func acts(body []*Stmt) bool {
	for _, st := range body {
		if st.Op.Acting() || st.Op == OpScrollTo || acts(st.Body) || acts(st.Else) {
			return true
		}
	}
	return false
}

func hasDone(body []*Stmt) bool {
	for _, st := range body {
		if st.Op == OpDone || hasDone(st.Body) || hasDone(st.Else) {
			return true
		}
	}
	return false
}

// Reference is the language as the script writer's prompt teaches it.
func Reference(lim Limits) string {
	lim = lim.withDefaults()
	var b strings.Builder
	fmt.Fprintf(&b, `One command per line; # starts a comment. Strings are in double quotes; $name inserts a variable.
Elements are found by selectors, never by coordinates or ids:
  label:"Send"        the element's text, description or hint (the same words, its first words, or words inside it)
  role:button         as the element list shows it: button, switch, checkbox, input, text, image, scroll
  id:"send_button"    its resource-id, when the app knowledge shows one
  checked:true        a switch or checkbox in that state
  after:"Total"       only elements after the one labelled so (the value under a heading)
  pattern:"\$[0-9.]+" a regular expression its label contains (read keeps the match, or its first (group))
  nth:2               the second of the elements that match the rest, in reading order
  Parts combine: role:switch label:"Bluetooth". A quoted string alone is a label: tap "Display".
Commands:
  open "APP"                         open an app by its name
  tap SELECTOR / long_press SELECTOR
  type "TEXT" [into SELECTOR] [submit] [clear]   (submit presses enter after; clear replaces the field's text)
  scroll down|up [in SELECTOR]       bring more of a list into view
  swipe left|right|up|down [in SELECTOR]   the finger's movement
  scroll_to SELECTOR [down|up] [max N]     scroll until it shows (N at most %d; %d when left out)
  back / home / enter / wait [2s]
  expect SELECTOR / expect_gone SELECTOR   what the screen must show now; if not, the script stops and the step-by-step agent takes over
  if_visible SELECTOR … [else …] end
  repeat_until SELECTOR max N … end  run the body until it shows, at most N times (N at most %d; max is required)
  read NAME from SELECTOR            keep the element's text in $NAME
  let NAME = "TEXT"                  a value from the task
  done ["ANSWER"]                    the task is complete; for a question, the answer
At most %d commands and %d actions in the worst case. Any other command makes the whole script rejected.`,
		lim.MaxLoop, lim.ScrollTries, lim.MaxLoop, lim.MaxLines, lim.MaxActions)
	return b.String()
}
