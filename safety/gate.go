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
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
)

// Verdict is the outcome of a gate check: the action runs or it does not.
type Verdict string

// Verdicts.
const (
	VerdictAllowed Verdict = "allowed"
	VerdictBlocked Verdict = "blocked"
)

// AnsweredBy says who decided a gate check.
type AnsweredBy string

// Who decided.
const (
	// ByPolicy: the policy allowed the action, or a deny rule blocked it;
	// nobody was asked.
	ByPolicy AnsweredBy = "policy"
	// ByPerson: a person answered the confirmation (yes, no or Ctrl-C).
	ByPerson AnsweredBy = "person"
	// ByMode: the confirmation mode answered for the person (Mode approve or
	// deny).
	ByMode AnsweredBy = "mode"
	// ByEarlierAnswer: the person approved this kind of action in this app
	// for the rest of the run.
	ByEarlierAnswer AnsweredBy = "earlier_answer"
	// ByNobody: a confirmation was needed and nobody answered (no Confirmer,
	// a timeout, or the Confirmer failed), so the action is blocked.
	ByNobody AnsweredBy = "nobody"
)

// Decision is the gate's answer for one action.
type Decision struct {
	Verdict    Verdict    `json:"verdict"`
	AnsweredBy AnsweredBy `json:"answered_by"`
	// Effect is what the policy said before anyone was asked.
	Effect Effect `json:"effect"`
	// Rule is the rule that fired: its ID and where it came from
	// ("policy.yaml:12", "default").
	Rule       string `json:"rule,omitempty"`
	RuleSource string `json:"rule_source,omitempty"`
	Risks      []Risk `json:"risks,omitempty"`
	// Reason explains the verdict in words.
	Reason string `json:"reason"`
	// PersonOnly is set when only a real person may approve the action
	// (injected content, or a person_only rule).
	PersonOnly bool `json:"person_only,omitempty"`
	// Answer is the person's answer when AnsweredBy is ByPerson.
	Answer *Answer `json:"answer,omitempty"`
	// Interrupted is set when the person pressed Ctrl-C or ctx ended while
	// asking; the run should stop.
	Interrupted bool `json:"interrupted,omitempty"`
	// Judge is the optional model judge's opinion and cost, when it was
	// consulted.
	Judge *JudgeOpinion `json:"judge,omitempty"`
}

// JudgeOpinion is what the Judge said about one action.
type JudgeOpinion struct {
	Reason string `json:"reason,omitempty"`
	Cost   Cost   `json:"cost"`
}

// Allowed reports whether the action may run.
func (d Decision) Allowed() bool { return d.Verdict == VerdictAllowed }

// DeniedByRule reports whether a deny rule blocked the action, which no
// answer can overturn.
func (d Decision) DeniedByRule() bool { return d.Verdict == VerdictBlocked && d.AnsweredBy == ByPolicy }

// Held reports whether the policy held the action for consent or denied it:
// anything but an action allowed without asking.
func (d Decision) Held() bool { return d.Effect != EffectAllow }

// AuditKind names what an audit record is about.
type AuditKind string

// Audit record kinds.
const (
	AuditDecision AuditKind = "decision" // a gate check
	AuditAsk      AuditKind = "ask"      // an ask_user question
)

// AuditRecord is one line of the audit trail.
type AuditRecord struct {
	Time time.Time `json:"time"`
	Kind AuditKind `json:"kind"`
	// Action is the action in words and App the app it acts in (decisions).
	Action   string    `json:"action,omitempty"`
	App      string    `json:"app,omitempty"`
	Decision *Decision `json:"decision,omitempty"`
	Question *Question `json:"question,omitempty"`
	Reply    *Reply    `json:"reply,omitempty"`
	Error    string    `json:"error,omitempty"`
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
	// Now is the clock for audit records and the judge's latency; nil means
	// time.Now.
	Now func() time.Time

	mu       sync.Mutex
	taint    *TaintTracker
	always   map[string]bool
	auditMu  sync.Mutex
	auditErr error
}

// ForRun returns a new gate for one run: g's policy, mode, confirmer, asker,
// judge, audit writer, logger, clock and taint tracker (when g has one),
// with fresh per-run state (no "always" answers, its own taint tracker when
// g has none), red as its redactor (nil keeps g's) and onAudit called for
// every record after g's own OnAudit. g itself is not changed, so one
// configured Gate can serve many runs, one after another or at once.
func (g *Gate) ForRun(red *Redactor, onAudit func(AuditRecord)) *Gate {
	n := &Gate{Policy: g.Policy, Confirmer: g.Confirmer, Mode: g.Mode, Asker: g.Asker, Judge: g.Judge, Audit: g.Audit,
		OnAudit: g.OnAudit, Redactor: g.Redactor, Taint: g.Taint, Logger: g.Logger, Now: g.Now}
	if red != nil {
		n.Redactor = red
	}
	if onAudit != nil {
		prev := g.OnAudit
		n.OnAudit = func(r AuditRecord) {
			if prev != nil {
				prev(r)
			}
			onAudit(r)
		}
	}
	return n
}

func (g *Gate) clock() func() time.Time {
	if g.Now != nil {
		return g.Now
	}
	return time.Now
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

	d := Decision{}
	if g.Judge != nil && as.Ambiguous {
		start := g.clock()()
		j, err := g.Judge.Judge(ctx, JudgeInput{Context: c, Assessment: as})
		if j.Cost.Latency == 0 {
			j.Cost.Latency = format.Ms(g.clock()().Sub(start))
		}
		if j.Cost.Calls == 0 {
			j.Cost.Calls = 1
		}
		d.Judge = &JudgeOpinion{Cost: j.Cost}
		if err != nil {
			g.logger().Warn("risk judge failed; using the rules alone", "err", err)
		} else {
			d.Judge.Reason = j.Reason
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
	d.Effect, d.Rule, d.RuleSource, d.Reason, d.PersonOnly = ev.Effect, ev.Rule.ID(), ruleSource(ev.Rule), ev.Reason, ev.PersonOnly

	var err error
	switch ev.Effect {
	case EffectAllow:
		d.Verdict, d.AnsweredBy = VerdictAllowed, ByPolicy
	case EffectDeny:
		d.Verdict, d.AnsweredBy = VerdictBlocked, ByPolicy
		d.Reason = "not allowed: " + ev.Reason
		if ev.Risk.Reason != "" {
			d.Reason += " (" + ev.Risk.Reason + ")"
		}
	default:
		err = g.confirm(ctx, &d, ev, c, as)
	}
	g.remember(tr, c, as, d)
	if aerr := g.audit(AuditRecord{Kind: AuditDecision, Action: as.Description, App: as.App, Decision: &d, Error: errString(err)}); aerr != nil && err == nil {
		err = aerr
	}
	g.logger().Info("safety decision", "verdict", d.Verdict, "by", d.AnsweredBy, "rule", d.Rule, "action", g.Redactor.String(as.Description))
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
	if d.AnsweredBy == ByPerson {
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
	if !ok || t.Text == "" || len(SecretsIn(t)) > 0 {
		return // a placeholder is not the password; the secret's value is registered already
	}
	target := c.Target
	if target == nil && c.Screen != nil {
		target = resolveTarget(c.Action, c.Screen)
	}
	if target != nil && (target.Password || kindOf(target) == fieldPassword) {
		g.Redactor.Add(PasswordName, t.Text)
	}
}

func alwaysKeys(d *Decision, app string) []string {
	var ks []string
	for _, r := range d.Risks {
		if r.Category == CategoryInjection || neverAllowed(r.Category) {
			return nil
		}
		ks = append(ks, string(r.Category)+"|"+app)
	}
	return ks
}

func (g *Gate) confirm(ctx context.Context, d *Decision, ev Evaluation, c Context, as Assessment) error {
	keys := alwaysKeys(d, as.App)
	if !ev.PersonOnly && len(keys) > 0 {
		g.mu.Lock()
		all := true
		for _, k := range keys {
			all = all && g.always[k]
		}
		g.mu.Unlock()
		if all {
			d.Verdict, d.AnsweredBy = VerdictAllowed, ByEarlierAnswer
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
		d.Verdict, d.AnsweredBy = VerdictBlocked, ByMode
		d.Reason = "needs confirmation, and the confirmation mode deny answers no: " + ev.Reason
		return nil
	case ModeApprove:
		if ev.PersonOnly {
			d.Verdict, d.AnsweredBy = VerdictBlocked, ByMode
			d.Reason = "needs a real person, and the confirmation mode approve cannot answer for one: " + ev.Reason
			return nil
		}
		d.Verdict, d.AnsweredBy = VerdictAllowed, ByMode
		d.Reason = "approved by the confirmation mode approve: " + ev.Reason
		return nil
	}
	if g.Confirmer == nil {
		d.Verdict, d.AnsweredBy = VerdictBlocked, ByNobody
		d.Reason = "needs confirmation but no one can be asked (no Confirmer configured): " + ev.Reason
		return nil
	}
	req := Request{
		Action: g.Redactor.String(as.Description), App: as.App, Risks: g.redactRisks(d.Risks), Reason: ev.Reason,
		Rule: ev.Rule.ID(), ScreenshotPath: c.ScreenshotPath, PersonOnly: ev.PersonOnly,
	}
	ans, err := g.Confirmer.Confirm(ctx, req)
	d.Answer = &ans
	if err != nil {
		d.Verdict, d.AnsweredBy = VerdictBlocked, ByNobody
		d.Reason = "could not ask: " + err.Error()
		return fmt.Errorf("safety: asking to confirm %q: %w", as.Description, err)
	}
	if ctx.Err() != nil && !ans.Approved {
		ans.Interrupted = true
	}
	d.Interrupted = ans.Interrupted
	d.Verdict, d.AnsweredBy = VerdictBlocked, ByPerson
	switch {
	case ans.Approved:
		d.Verdict = VerdictAllowed
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
		d.Reason = "interrupted (" + ans.Note + "), so not allowed"
	case ans.TimedOut:
		d.AnsweredBy = ByNobody
		d.Reason = "no answer in time, so not allowed"
	default:
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
	if aerr := g.audit(AuditRecord{Kind: AuditAsk, Question: &q, Reply: &r, Error: errString(err)}); aerr != nil && err == nil {
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
	now := g.clock()
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
		d.Reason = r.String(d.Reason)
		if d.Judge != nil {
			j := *d.Judge
			j.Reason = r.String(j.Reason)
			d.Judge = &j
		}
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
	rec.Action, rec.Error = r.String(rec.Action), r.String(rec.Error)
	return rec
}
