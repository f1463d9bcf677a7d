package script

import (
	"fmt"
	"maps"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

// Interp runs a Script one action at a time: each Next call is given the
// screen as it is now and returns the next action, evaluating on that
// screen every condition, read and let before it. It never touches the
// phone: the caller sends the action through the safety gate and the
// executor (agents.Agent does, with the roles of this package). An Interp
// is one run's state and is not safe for concurrent use.
type Interp struct {
	s      *Script
	vars   map[string]string
	stack  []frame
	count  map[*Stmt]int  // scroll_to tries and repeat_until rounds
	waited map[*Stmt]bool // expect lines that waited once
	done   []string       // the commands that ran, in source form
	notes  []string       // what read commands found, not yet taken
	ended  bool
}

type frame struct {
	body []*Stmt
	pc   int
	loop *Stmt // the repeat_until whose body this is
}

// Start returns an interpreter at the script's first line, with vars (the
// caller's values; let and read add to them).
func (s *Script) Start(vars map[string]string) *Interp {
	v := maps.Clone(vars)
	if v == nil {
		v = map[string]string{}
	}
	return &Interp{s: s, vars: v, stack: []frame{{body: s.Body}}, count: map[*Stmt]int{}, waited: map[*Stmt]bool{}}
}

// Next is one thing the script does on the phone.
type Next struct {
	// Action is what to do: an action for the gate and the executor, or
	// actions.Done when the script has ended.
	Action actions.Action
	Stmt   *Stmt // the command it comes from (nil for the implicit done at the end)
	// Note says why, in words (the command, or what it waits for).
	Note string
}

// maxEval bounds the commands one Next evaluates without acting. Validate
// already bounds every loop; this guards an Interp over a script that was
// not validated.
const maxEval = 10000

// Next returns the next action on screen s, or a *Stop when a selector
// finds nothing, an expect line does not hold or a bound is reached.
// After done (or the end of the script) it keeps returning done.
func (in *Interp) Next(s *perception.Screen) (Next, error) {
	if in.ended {
		return in.finish(nil), nil
	}
	for range maxEval {
		if len(in.stack) == 0 {
			return in.finish(nil), nil
		}
		top := len(in.stack) - 1
		f := in.stack[top]
		if f.pc >= len(f.body) {
			in.stack = in.stack[:top] // a loop's body ends: its repeat_until is evaluated again
			continue
		}
		st := f.body[f.pc]
		advance := func() { in.stack[top].pc++ }
		switch st.Op {
		case OpScrollTo:
			if _, ok := st.Sel.Find(s, in.vars); ok {
				delete(in.count, st)
				in.ran(st)
				advance()
				continue
			}
			if in.count[st] >= st.Max {
				return Next{}, in.stop(st, ErrExhausted, fmt.Sprintf("%s did not show after %d scrolls", in.describe(st.Sel), st.Max))
			}
			in.count[st]++
			return Next{Action: actions.Swipe{Direction: scrollSwipe(st.Dir)}, Stmt: st,
				Note: fmt.Sprintf("line %d: scrolling %s to find %s (%d of %d)", st.Line, st.Dir, in.describe(st.Sel), in.count[st], st.Max)}, nil
		case OpExpect, OpExpectGone:
			_, shown := st.Sel.Find(s, in.vars)
			if shown == (st.Op == OpExpect) {
				delete(in.waited, st)
				in.ran(st)
				advance()
				continue
			}
			if !in.waited[st] {
				in.waited[st] = true
				return Next{Action: actions.Wait{Duration: time.Second}, Stmt: st, Note: fmt.Sprintf("line %d: waiting once for the screen (%s)", st.Line, st.Src)}, nil
			}
			what := "does not show"
			if st.Op == OpExpectGone {
				what = "still shows"
			}
			return Next{}, in.stop(st, ErrExpect, fmt.Sprintf("the screen %s %s", what, in.describe(st.Sel)))
		case OpIfVisible:
			_, ok := st.Sel.Find(s, in.vars)
			in.ran(st)
			advance()
			body := st.Else
			if ok {
				body = st.Body
			}
			if len(body) > 0 {
				in.stack = append(in.stack, frame{body: body})
			}
			continue
		case OpRepeatUntil:
			if _, ok := st.Sel.Find(s, in.vars); ok {
				delete(in.count, st)
				in.ran(st)
				advance()
				continue
			}
			if in.count[st] >= st.Max {
				return Next{}, in.stop(st, ErrExhausted, fmt.Sprintf("%s did not show after %d rounds", in.describe(st.Sel), st.Max))
			}
			in.count[st]++
			in.stack = append(in.stack, frame{body: st.Body, loop: st})
			continue
		case OpRead:
			e, ok := st.Sel.Find(s, in.vars)
			if !ok {
				return Next{}, in.stop(st, ErrNoMatch, fmt.Sprintf("no element on the screen matches %s", in.describe(st.Sel)))
			}
			v := st.Sel.readValue(e)
			in.vars[st.Var] = v
			in.notes = append(in.notes, fmt.Sprintf("%s: %s", st.Var, v))
			in.ran(st)
			advance()
			continue
		case OpLet:
			in.vars[st.Var] = expand(st.Text, in.vars)
			in.ran(st)
			advance()
			continue
		case OpDone:
			in.ran(st)
			return in.finish(st), nil
		}
		act, err := in.action(st, s)
		if err != nil {
			return Next{}, err
		}
		in.ran(st)
		advance()
		return Next{Action: act, Stmt: st, Note: fmt.Sprintf("line %d: %s", st.Line, st.Src)}, nil
	}
	return Next{}, &Stop{Reason: "the script evaluated too many commands without acting", Err: ErrExhausted, Done: in.Done()}
}

// action builds the action of an acting command on s.
func (in *Interp) action(st *Stmt, s *perception.Screen) (actions.Action, error) {
	target := func() (int, error) {
		if st.Sel == nil {
			return 0, nil
		}
		e, ok := st.Sel.Find(s, in.vars)
		if !ok {
			return 0, in.stop(st, ErrNoMatch, fmt.Sprintf("no element on the screen matches %s", in.describe(st.Sel)))
		}
		return e.ID, nil
	}
	id, err := target()
	if err != nil {
		return nil, err
	}
	switch st.Op {
	case OpOpen:
		return actions.OpenApp{App: expand(st.Text, in.vars)}, nil
	case OpTap:
		return actions.Tap{Target: actions.Target{Element: id}}, nil
	case OpLongPress:
		return actions.LongPress{Target: actions.Target{Element: id}}, nil
	case OpType:
		return actions.Type{Text: expand(st.Text, in.vars), Element: id, Submit: st.Submit, Clear: st.Clear}, nil
	case OpScroll:
		return actions.Swipe{Direction: scrollSwipe(st.Dir), Element: id}, nil
	case OpSwipe:
		return actions.Swipe{Direction: actions.Direction(st.Dir), Element: id}, nil
	case OpBack:
		return actions.Key{Key: device.KeyBack}, nil
	case OpHome:
		return actions.Key{Key: device.KeyHome}, nil
	case OpEnter:
		return actions.Key{Key: device.KeyEnter}, nil
	case OpWait:
		return actions.Wait{Duration: st.Wait}, nil
	}
	return nil, in.stop(st, ErrSyntax, fmt.Sprintf("the command %q cannot run", st.Op))
}

func (in *Interp) finish(st *Stmt) Next {
	in.ended = true
	answer := ""
	note := "the script ended"
	if st != nil {
		answer = expand(st.Text, in.vars)
		note = fmt.Sprintf("line %d: %s", st.Line, st.Src)
	}
	return Next{Action: actions.Done{Status: actions.StatusSuccess, Answer: answer}, Stmt: st, Note: note}
}

func (in *Interp) ran(st *Stmt) { in.done = append(in.done, st.Src) }

func (in *Interp) stop(st *Stmt, kind error, reason string) *Stop {
	return &Stop{Line: st.Line, Src: st.Src, Reason: reason, Err: kind, Done: in.Done()}
}

// describe writes a selector with its variables filled in.
func (in *Interp) describe(sel *Selector) string {
	c := *sel
	c.Label, c.After, c.ID = expand(c.Label, in.vars), expand(c.After, in.vars), expand(c.ID, in.vars)
	return c.String()
}

// Done returns the commands that ran so far, in source form.
func (in *Interp) Done() []string { return append([]string(nil), in.done...) }

// Vars returns a copy of the variables.
func (in *Interp) Vars() map[string]string { return maps.Clone(in.vars) }

// TakeNotes returns what read commands found since the last call, as
// "name: value" lines.
func (in *Interp) TakeNotes() []string {
	n := in.notes
	in.notes = nil
	return n
}

// Ended reports whether the script reached done or its end.
func (in *Interp) Ended() bool { return in.ended }
