package agents

import (
	"fmt"
	"strings"
	"time"

	"github.com/mobagent/mobagent/agents/intent"
)

// progress is what a run learns as it goes: the plan, the notes, the recent
// steps, and the counters that decide when it is stuck. The learn phase
// (learn) is the only code that changes it; checkStops reads it.
type progress struct {
	plan    *Plan
	notes   []string
	history []StepSummary
	// replan says why the planner must be asked again, and review whether
	// that is not a failure (every subgoal is done, the person added an
	// instruction); planned is false until the first plan.
	replan  string
	review  bool
	planned bool
	// lastErr is why the previous step failed, for the decision.
	lastErr  string
	failures int // consecutive failed steps
	stall    int // consecutive steps that changed nothing
	repeats  int // the same action on the same unchanged screen
	lastKey  string
	denied   bool // the last failure was a gate denial
	// instructions are what the person added during the run.
	instructions []string
	// rejected counts claimed completions the verify phase turned down.
	rejected int
	// asked are the ask_user questions of the run and their answers.
	asked []askRecord
}

type askRecord struct {
	step     int
	question string
	answered bool
	answer   string
}

// askedBefore finds an earlier question like q.
func (p *progress) askedBefore(q string) (askRecord, bool) {
	nq := strings.Fields(intent.Norm(q))
	for _, r := range p.asked {
		if similar(nq, strings.Fields(intent.Norm(r.question))) {
			return r, true
		}
	}
	return askRecord{}, false
}

// similar reports whether two word lists share most of their words.
func similar(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	in := map[string]bool{}
	for _, w := range a {
		in[w] = true
	}
	common := 0
	for _, w := range b {
		if in[w] {
			common++
		}
	}
	return float64(common) >= 0.75*float64(max(len(a), len(b)))
}

// stuckWarning says, before the run gives up, that recent steps made no
// progress and lists them, so the roles try another way. It is empty while
// the run progresses.
func (p *progress) stuckWarning(l Limits) string {
	near := p.repeats >= max(2, l.MaxRepeats-1) || p.stall >= max(2, l.MaxStall-2) || p.failures >= max(2, l.MaxFailures-2)
	if !near {
		return ""
	}
	var tried []string
	for i := len(p.history) - 1; i >= 0 && len(tried) < 4; i-- {
		h := p.history[i]
		if h.Verdict == VerdictSuccess {
			break
		}
		line := fmt.Sprintf("step %d: %s", h.Step, h.Action)
		if h.Note != "" {
			line += " -> " + h.Note
		}
		tried = append([]string{line}, tried...)
	}
	msg := "These attempts made no progress; the run stops soon if this goes on:\n"
	for _, t := range tried {
		msg += "- " + t + "\n"
	}
	return msg + "Do not repeat them. Try another way: another element, scroll to find the right one, go back, open the app again, or ask the person."
}

// rejectClaim takes a claimed completion the screen did not show: the
// planner is asked again with the reason, and the decision sees it.
func (p *progress) rejectClaim(step int, action, reason string) {
	p.rejected++
	p.replan, p.review = "the task is not complete yet (the claim at step "+fmt.Sprint(step)+" did not hold): "+reason, false
	p.lastErr = p.replan
	p.history = append(p.history, StepSummary{Step: step, Action: action, Note: "not done yet: " + reason})
}

// instruct takes instructions the person added: the planner is asked again.
func (p *progress) instruct(ins []string) {
	p.instructions = append(p.instructions, ins...)
	p.replan, p.review = "the person added an instruction: "+strings.Join(ins, "; "), true
}

// stepOutcome is what one step did, as learn needs it.
type stepOutcome struct {
	index       int
	actionText  string
	actionKey   string // the action and the screen it ran on, for repeats
	failed      string // why the step failed; "" when it did not
	denied      bool   // the safety gate did not allow the action
	asked       bool   // an ask_user step (answered or not)
	acted       bool   // the action ran on the device (even if it then failed)
	verdict     Verdict
	note        string
	changed     bool   // the screen changed
	subgoalDone bool   // the decision said the action completes the subgoal
	progress    string // what the decision says is done so far
	notes       []string
}

func (p *progress) needsPlan() bool { return !p.planned || p.replan != "" }

// failure is why the planner is asked again after something went wrong;
// reviewReason why it is asked when nothing did.
func (p *progress) failure() string {
	if p.review {
		return ""
	}
	return p.replan
}

func (p *progress) reviewReason() string {
	if !p.review {
		return ""
	}
	return p.replan
}

// adopt takes a plan from the planner.
func (p *progress) adopt(pl Plan) {
	p.plan = (&pl).Clone()
	p.planned, p.replan, p.review = true, "", false
}

// learn folds one step's outcome into the progress.
func (p *progress) learn(o stepOutcome) {
	for _, n := range o.notes {
		if !p.hasNote(n) {
			p.notes = append(p.notes, n)
		}
	}
	if o.progress != "" && p.plan != nil {
		p.plan.Progress = o.progress
	}
	note := o.note
	if o.failed != "" {
		note = o.failed
	}
	p.history = append(p.history, StepSummary{Step: o.index, Action: o.actionText, Verdict: o.verdict, Note: note})
	switch {
	case o.failed != "":
		p.failures++
		p.lastErr = o.failed
		p.denied = o.denied
		p.replan, p.review = fmt.Sprintf("step %d failed: %s", o.index, o.failed), false
	case o.asked:
		p.lastErr = ""
	case o.verdict == VerdictSuccess:
		p.failures, p.lastErr, p.denied = 0, "", false
		if o.subgoalDone && p.plan != nil {
			p.plan.Current++
			if p.plan.Current >= len(p.plan.Subgoals) {
				p.plan.Current = len(p.plan.Subgoals) - 1
				p.replan, p.review = "every subgoal of the plan is done; check on the screen whether the task is complete", true
			}
		}
	default:
		p.failures++
		if note == "" {
			note = "the action had no visible effect"
		}
		p.lastErr = fmt.Sprintf("step %d (%s): outcome %s: %s", o.index, o.actionText, o.verdict, note)
		p.replan, p.review = p.lastErr, false
	}
	if !o.acted {
		return // the screen was not acted on
	}
	if !o.changed && o.verdict != VerdictWrongPage {
		p.stall++
	} else {
		p.stall = 0
	}
	if o.actionKey == p.lastKey && !o.changed {
		p.repeats++
	} else {
		p.repeats = 1
	}
	p.lastKey = o.actionKey
}

// checkStops says whether the run must stop before step n, and why.
func (p *progress) checkStops(l Limits, t Totals, elapsed time.Duration, cancelled bool, n int) (Outcome, string) {
	switch {
	case cancelled:
		return OutcomeInterrupted, "interrupted (Ctrl-C) between steps"
	case n > l.MaxSteps:
		return OutcomeStepLimit, fmt.Sprintf("reached the step limit of %d", l.MaxSteps)
	case p.failures >= l.MaxFailures:
		return OutcomeFailed, fmt.Sprintf("%d steps in a row failed; the last: %s", p.failures, p.lastErr)
	case p.repeats >= l.MaxRepeats:
		return OutcomeStuck, fmt.Sprintf("the same action was repeated %d times on an unchanged screen", p.repeats)
	case p.stall >= l.MaxStall:
		return OutcomeStuck, fmt.Sprintf("%d steps in a row changed nothing on the screen", p.stall)
	case l.MaxTokens > 0 && t.Usage.Total() >= l.MaxTokens:
		return OutcomeBudget, fmt.Sprintf("used %d model tokens, the budget is %d", t.Usage.Total(), l.MaxTokens)
	case l.MaxCost > 0 && t.Cost >= l.MaxCost:
		return OutcomeBudget, fmt.Sprintf("spent $%.4f on the model, the budget is $%.4f", t.Cost, l.MaxCost)
	case l.MaxDuration > 0 && elapsed >= l.MaxDuration:
		return OutcomeBudget, fmt.Sprintf("ran for %s, the budget is %s", elapsed.Round(time.Millisecond), l.MaxDuration)
	}
	return "", ""
}

// recent is the last n steps, oldest first, as a copy.
func (p *progress) recent(n int) []StepSummary {
	h := p.history
	if n > 0 && len(h) > n {
		h = h[len(h)-n:]
	}
	return append([]StepSummary(nil), h...)
}

func (p *progress) notesCopy() []string { return append([]string(nil), p.notes...) }

func (p *progress) hasNote(n string) bool {
	for _, m := range p.notes {
		if strings.EqualFold(strings.TrimSpace(m), strings.TrimSpace(n)) {
			return true
		}
	}
	return false
}
