package safety

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// Verdict is the outcome of a gate check.
type Verdict string

// Verdicts. Only Allow and Approved let the action run.
const (
	VerdictAllow    Verdict = "allow"    // no consent needed
	VerdictApproved Verdict = "approved" // confirm, and the person (or the mode) said yes
	VerdictDenied   Verdict = "denied"   // confirm, and the answer was no, a timeout or Ctrl-C
	VerdictDeny     Verdict = "deny"     // a deny rule; nobody was asked
)

// Decision is the gate's answer for one action.
type Decision struct {
	Verdict Verdict `json:"verdict"`
	// Effect is what the policy said before anyone was asked.
	Effect Effect `json:"effect"`
	// Rule is the rule that fired.
	Rule *Rule `json:"rule,omitempty"`
	// Action is the action in words.
	Action string `json:"action"`
	App    string `json:"app,omitempty"`
	Risks  []Risk `json:"risks,omitempty"`
	// Reason explains the verdict in words.
	Reason string `json:"reason"`
	// AskedPerson is set when a Confirmer was asked.
	AskedPerson bool `json:"asked_person"`
	// Answer is the person's answer when AskedPerson.
	Answer *Answer `json:"answer,omitempty"`
	// Interrupted is set when the person pressed Ctrl-C or ctx ended while
	// asking; the run should stop.
	Interrupted bool `json:"interrupted,omitempty"`
	// JudgeCost is what the Judge cost for this decision (zero when unused).
	JudgeCost Cost `json:"judge_cost"`
	// JudgeReason is the Judge's opinion, if it was consulted.
	JudgeReason string `json:"judge_reason,omitempty"`
}

// Allowed reports whether the action may run.
func (d Decision) Allowed() bool { return d.Verdict == VerdictAllow || d.Verdict == VerdictApproved }

// AuditRecord is one line of the audit trail.
type AuditRecord struct {
	Time time.Time `json:"time"`
	// Kind is "decision" or "ask".
	Kind     string    `json:"kind"`
	Decision *Decision `json:"decision,omitempty"`
	// RuleID and RuleSource name the rule that fired ("default-financial",
	// "policy.yaml:12").
	RuleID     string    `json:"rule_id,omitempty"`
	RuleSource string    `json:"rule_source,omitempty"`
	Question   *Question `json:"question,omitempty"`
	Reply      *Reply    `json:"reply,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// Gate holds sensitive actions for consent. Construct it as a struct; the
// zero value applies the default policy and, having no Confirmer, denies
// everything that needs confirmation.
//
// A Gate belongs to one run: it remembers "always" answers and injected
// content it has seen. Check and Ask are safe for concurrent use, but an agent
// calls them one step at a time.
type Gate struct {
	// Policy; nil means the defaults (see DefaultRules).
	Policy *Policy
	// Confirmer answers confirm questions in ModeAsk. Nil means no.
	Confirmer Confirmer
	// Mode chooses who answers confirm questions; empty means ModeAsk.
	Mode Mode
	// Asker answers ask_user questions; nil means NoPerson.
	Asker Asker
	// Judge, when set, is consulted on ambiguous actions. Off by default.
	Judge Judge
	// Audit receives one JSON line per decision and question.
	Audit io.Writer
	// OnAudit, when set, receives each record too (the trajectory recorder).
	OnAudit func(AuditRecord)
	// Redactor, when set, redacts audit records and logs, and learns the text
	// typed into password fields.
	Redactor *Redactor
	// Taint traces actions back to injected content. Nil means the gate
	// keeps its own.
	Taint *TaintTracker
	// Logger; nil discards.
	Logger *slog.Logger
	// Now is the clock for audit records; nil means time.Now.
	Now func() time.Time

	mu       sync.Mutex
	taint    *TaintTracker
	always   map[string]bool
	auditMu  sync.Mutex
	auditErr error
}

func (g *Gate) logger() *slog.Logger {
	if g.Logger != nil {
		return g.Logger
	}
	return discardLogger
}

func (g *Gate) tracker() *TaintTracker {
	if g.Taint != nil {
		return g.Taint
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.taint == nil {
		g.taint = &TaintTracker{}
	}
	return g.taint
}

// Check decides whether an action may run, asking the person if the policy
// says confirm and the Mode lets them answer. The error is non-nil only when
// the Confirmer or the audit writer failed; the Decision is then denied (or
// whatever was decided before the audit failed) and still safe to act on.
func (g *Gate) Check(ctx context.Context, c Context) (Decision, error) {
	tr := g.tracker()
	if c.Screen != nil {
		if fs := tr.Observe(c.Screen); len(fs) > 0 {
			g.logger().Warn("screen content tries to instruct the agent", "findings", len(fs), "first", g.Redactor.String(fs[0].Excerpt))
		}
		if g.Redactor != nil {
			g.Redactor.ObserveScreen(c.Screen)
		}
	}
	c.Taint = tr
	as := Assess(ctx, c)
	g.learnPassword(c)

	d := Decision{Action: as.Description, App: as.App}
	if g.Judge != nil && as.Ambiguous {
		start := time.Now()
		j, err := g.Judge.Judge(ctx, JudgeInput{Context: c, Assessment: as})
		if j.Cost.Latency == 0 {
			j.Cost.Latency = time.Since(start)
		}
		if j.Cost.Calls == 0 {
			j.Cost.Calls = 1
		}
		d.JudgeCost = j.Cost
		if err != nil {
			g.logger().Warn("risk judge failed; using the rules alone", "err", err)
		} else {
			d.JudgeReason = j.Reason
			for _, r := range j.Risks {
				if r.Evidence == "" {
					r.Evidence = "judge"
				}
				as.Risks = append(as.Risks, r)
			}
			as.Risks = mergeRisks(as.Risks)
		}
	}
	d.Risks = as.Risks

	subject := as.Description + "\n" + as.Label + "\n" + typedText(c)
	ev := g.Policy.Evaluate(as, subject)
	d.Effect, d.Rule, d.Reason = ev.Effect, ev.Rule, ev.Reason

	var err error
	switch ev.Effect {
	case EffectAllow:
		d.Verdict = VerdictAllow
	case EffectDeny:
		d.Verdict = VerdictDeny
		d.Reason = "not allowed: " + ev.Reason
		if ev.Risk.Reason != "" {
			d.Reason += " (" + ev.Risk.Reason + ")"
		}
	default:
		err = g.confirm(ctx, &d, ev, c)
	}
	g.remember(tr, c, as, d)
	if aerr := g.audit(AuditRecord{Kind: "decision", Decision: &d, RuleID: d.Rule.ID(), RuleSource: ruleSource(d.Rule), Error: errString(err)}); aerr != nil && err == nil {
		err = aerr
	}
	g.logger().Info("safety decision", "verdict", d.Verdict, "rule", d.Rule.ID(), "action", g.Redactor.String(d.Action))
	return d, err
}

// remember tells the taint tracker what an allowed action does: the text it
// types (so a tainted value typed in parts is recognised) and, when a person
// approved it, the injected goals it was traced to (no longer held).
func (g *Gate) remember(tr *TaintTracker, c Context, as Assessment, d Decision) {
	if !d.Allowed() {
		return
	}
	if _, ok := c.Action.(actions.Type); ok {
		tr.Typed(typedText(c))
	}
	if d.AskedPerson && d.Answer != nil && d.Answer.Approved {
		tr.Confirmed(as)
	}
}

func typedText(c Context) string {
	if c.TypedText != "" {
		return c.TypedText
	}
	if t, ok := c.Action.(actions.Type); ok {
		return t.Text
	}
	return ""
}

// learnPassword registers text typed into a password field with the redactor.
func (g *Gate) learnPassword(c Context) {
	if g.Redactor == nil {
		return
	}
	t, ok := c.Action.(actions.Type)
	if !ok || t.Text == "" {
		return
	}
	target := c.Target
	if target == nil && c.Screen != nil {
		target = resolveTarget(c.Action, c.Screen)
	}
	if target != nil && (target.Password || kindOf(target) == fieldPassword) {
		g.Redactor.Add(PasswordName, t.Text)
	}
}

func alwaysKeys(d *Decision) []string {
	var ks []string
	for _, r := range d.Risks {
		if r.Category == CategoryInjection || r.Category == CategoryHarmful {
			return nil
		}
		ks = append(ks, string(r.Category)+"|"+d.App)
	}
	return ks
}

func (g *Gate) confirm(ctx context.Context, d *Decision, ev Evaluation, c Context) error {
	keys := alwaysKeys(d)
	if !ev.PersonOnly && len(keys) > 0 {
		g.mu.Lock()
		all := true
		for _, k := range keys {
			all = all && g.always[k]
		}
		g.mu.Unlock()
		if all {
			d.Verdict = VerdictApproved
			d.Reason = "you approved this kind of action in this app for the rest of the run"
			return nil
		}
	}
	mode := g.Mode
	if mode == "" {
		mode = ModeAsk
	}
	switch mode {
	case ModeDeny:
		d.Verdict = VerdictDenied
		d.Reason = "needs confirmation and --confirm deny answers no: " + ev.Reason
		return nil
	case ModeApprove:
		if ev.PersonOnly {
			d.Verdict = VerdictDenied
			d.Reason = "needs a person, and --confirm approve cannot answer for one: " + ev.Reason
			return nil
		}
		d.Verdict = VerdictApproved
		d.Reason = "approved automatically (--confirm approve): " + ev.Reason
		return nil
	}
	if g.Confirmer == nil {
		d.Verdict = VerdictDenied
		d.Reason = "needs confirmation but no one can be asked (no Confirmer configured): " + ev.Reason
		return nil
	}
	req := Request{
		Action: g.Redactor.String(d.Action), App: d.App, Risks: g.redactRisks(d.Risks), Reason: ev.Reason,
		Rule: ev.Rule.ID(), ScreenshotPath: c.ScreenshotPath, PersonOnly: ev.PersonOnly,
	}
	d.AskedPerson = true
	ans, err := g.Confirmer.Confirm(ctx, req)
	d.Answer = &ans
	if err != nil {
		d.Verdict = VerdictDenied
		d.Reason = "could not ask: " + err.Error()
		return fmt.Errorf("safety: asking to confirm %q: %w", d.Action, err)
	}
	if ctx.Err() != nil && !ans.Approved {
		ans.Interrupted = true
	}
	d.Interrupted = ans.Interrupted
	switch {
	case ans.Approved:
		d.Verdict = VerdictApproved
		d.Reason = "you approved: " + ev.Reason
		if ans.Always && !ev.PersonOnly && len(keys) > 0 {
			g.mu.Lock()
			if g.always == nil {
				g.always = map[string]bool{}
			}
			for _, k := range keys {
				g.always[k] = true
			}
			g.mu.Unlock()
		}
	case ans.Interrupted:
		d.Verdict = VerdictDenied
		d.Reason = "interrupted (" + ans.Note + "), so not allowed"
	case ans.TimedOut:
		d.Verdict = VerdictDenied
		d.Reason = "no answer in time, so not allowed"
	default:
		d.Verdict = VerdictDenied
		d.Reason = "you said no"
	}
	return nil
}

func (g *Gate) redactRisks(rs []Risk) []Risk {
	if g.Redactor == nil {
		return rs
	}
	out := make([]Risk, len(rs))
	for i, r := range rs {
		r.Reason = g.Redactor.String(r.Reason)
		r.Evidence = g.Redactor.String(r.Evidence)
		out[i] = r
	}
	return out
}

// Ask puts an ask_user question to the person through Asker (NoPerson when
// nil) and records question and reply in the audit trail.
func (g *Gate) Ask(ctx context.Context, q Question) (Reply, error) {
	a := g.Asker
	if a == nil {
		a = NoPerson{}
	}
	r, err := a.Ask(ctx, q)
	if err != nil {
		r = Reply{Note: "could not ask: " + err.Error()}
		err = fmt.Errorf("safety: asking %q: %w", q.Text, err)
	}
	if aerr := g.audit(AuditRecord{Kind: "ask", Question: &q, Reply: &r, Error: errString(err)}); aerr != nil && err == nil {
		err = aerr
	}
	return r, err
}

// Observe lets the gate see a screen without an action (for example the
// first screen of a run), so injected content on it is remembered.
func (g *Gate) Observe(s *perception.Screen) []Finding {
	if g.Redactor != nil {
		g.Redactor.ObserveScreen(s)
	}
	return g.tracker().Observe(s)
}

func ruleSource(r *Rule) string {
	if r == nil {
		return ""
	}
	return r.Source
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// audit writes one record, redacted, as a JSON line and to OnAudit.
func (g *Gate) audit(rec AuditRecord) error {
	if g.Audit == nil && g.OnAudit == nil {
		return nil
	}
	now := time.Now
	if g.Now != nil {
		now = g.Now
	}
	rec.Time = now().UTC()
	rec = g.redactRecord(rec)
	if g.OnAudit != nil {
		g.OnAudit(rec)
	}
	if g.Audit == nil {
		return nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("safety: audit record: %w", err)
	}
	b = append(b, '\n')
	g.auditMu.Lock()
	defer g.auditMu.Unlock()
	if _, err := g.Audit.Write(b); err != nil {
		if g.auditErr == nil {
			g.logger().Error("cannot write the safety audit trail", "err", err)
		}
		g.auditErr = err
		return fmt.Errorf("safety: writing the audit trail: %w", err)
	}
	return nil
}

func (g *Gate) redactRecord(rec AuditRecord) AuditRecord {
	r := g.Redactor
	if r == nil {
		return rec
	}
	if rec.Decision != nil {
		d := *rec.Decision
		d.Action, d.Reason, d.JudgeReason = r.String(d.Action), r.String(d.Reason), r.String(d.JudgeReason)
		d.Risks = g.redactRisks(d.Risks)
		if d.Answer != nil {
			a := *d.Answer
			a.Note = r.String(a.Note)
			d.Answer = &a
		}
		rec.Decision = &d
	}
	if rec.Question != nil {
		q := *rec.Question
		q.Text = r.String(q.Text)
		q.Choices = append([]string(nil), q.Choices...)
		for i := range q.Choices {
			q.Choices[i] = r.String(q.Choices[i])
		}
		rec.Question = &q
	}
	if rec.Reply != nil {
		p := *rec.Reply
		p.Text, p.Note = r.String(p.Text), r.String(p.Note)
		rec.Reply = &p
	}
	rec.Error = r.String(rec.Error)
	return rec
}
