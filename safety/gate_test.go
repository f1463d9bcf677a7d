package safety

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

type countingConfirmer struct {
	calls int
	ans   Answer
	last  Request
}

func (c *countingConfirmer) Confirm(ctx context.Context, req Request) (Answer, error) {
	c.calls++
	c.last = req
	return c.ans, nil
}

func check(t *testing.T, g *Gate, screen string, act actFn, task string) Decision {
	t.Helper()
	s := loadScreen(t, screen)
	d, err := g.Check(context.Background(), Context{Task: task, Action: act(t, s), Screen: s, ScreenshotPath: "/tmp/shot.png"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGateModes(t *testing.T) {
	threat := func(g *Gate) Decision { return check(t, g, "messages_compose_threat", tapOn("Send"), defaultTask) }
	send := func(g *Gate) Decision { return check(t, g, "messages_compose", tapOn("Send"), defaultTask) }
	scroll := func(g *Gate) Decision {
		return check(t, g, "social_feed", fixed(actions.Swipe{Direction: actions.Up}), defaultTask)
	}

	for _, m := range []Mode{ModeAsk, ModeDeny, ModeApprove} {
		c := &countingConfirmer{ans: Answer{Approved: true}}
		g := &Gate{Mode: m, Confirmer: c}
		if d := threat(g); !d.DeniedByRule() || d.AnsweredBy == ByPerson || d.Allowed() || d.Rule != "default-harmful" {
			t.Errorf("mode %s: threat → %s by %s asked=%v; a deny rule must win over every mode", m, d.Verdict, d.Rule, d.AnsweredBy == ByPerson)
		}
		if d := scroll(g); d.Held() || !d.Allowed() {
			t.Errorf("mode %s: scroll → %s", m, d.Verdict)
		}
		d := send(g)
		want := map[Mode]Verdict{ModeAsk: VerdictAllowed, ModeDeny: VerdictBlocked, ModeApprove: VerdictAllowed}[m]
		wantBy := map[Mode]AnsweredBy{ModeAsk: ByPerson, ModeDeny: ByMode, ModeApprove: ByMode}[m]
		if d.Verdict != want || d.AnsweredBy != wantBy {
			t.Errorf("mode %s: send → %s by %s, want %s by %s", m, d.Verdict, d.AnsweredBy, want, wantBy)
		}
		if m == ModeAsk && (c.last.ScreenshotPath != "/tmp/shot.png" || !strings.Contains(c.last.Action, "Send") || len(c.last.Risks) == 0) {
			t.Errorf("request lacks the action, risks or screenshot: %+v", c.last)
		}
	}
	// No Confirmer in ask mode: no.
	if d := send(&Gate{}); d.Verdict != VerdictBlocked || d.AnsweredBy != ByNobody {
		t.Errorf("zero Gate: send → %s, want denied", d.Verdict)
	}
}

func TestGatePersonOnlyAndAlways(t *testing.T) {
	task := "Please check the latest post on PhotoNote."
	// --confirm approve cannot approve what an injected post asked for.
	g := &Gate{Mode: ModeApprove}
	g.Observe(loadScreen(t, "social_feed_injected"))
	d := check(t, g, "home", fixed(actions.OpenApp{App: "Bank"}), task)
	if d.Verdict != VerdictBlocked || !strings.Contains(d.Reason, "needs a real person") {
		t.Errorf("approve mode, injected open-bank: %s (%s)", d.Verdict, d.Reason)
	}
	// A person can, and is told why it is suspicious.
	c := &countingConfirmer{ans: Answer{Approved: true, Always: true}}
	g = &Gate{Confirmer: c}
	g.Observe(loadScreen(t, "social_feed_injected"))
	d = check(t, g, "home", fixed(actions.OpenApp{App: "Bank"}), task)
	if d.Verdict != VerdictAllowed || d.AnsweredBy != ByPerson || !c.last.PersonOnly || !strings.Contains(c.last.Risks[0].Reason, "prompt-injection") {
		t.Errorf("ask mode, injected open-bank: %s, request %+v", d.Verdict, c.last)
	}
	// "always" remembers category+app for the run, but not for person-only rules.
	c = &countingConfirmer{ans: Answer{Approved: true, Always: true}}
	g = &Gate{Confirmer: c}
	check(t, g, "messages_compose", tapOn("Send"), defaultTask)
	d = check(t, g, "messages_compose_phone", tapOn("Send"), defaultTask) // communication + private: private not yet approved
	d2 := check(t, g, "messages_compose", tapOn("Send"), defaultTask)
	if c.calls != 2 || d2.AnsweredBy != ByEarlierAnswer || d2.Verdict != VerdictAllowed {
		t.Errorf("always: %d calls, second send asked=%v %s; want 2 calls and the third send approved without asking", c.calls, d2.AnsweredBy == ByPerson, d2.Verdict)
	}
	_ = d
	if d := check(t, g, "gmail_compose", tapOn("Send"), defaultTask); d.AnsweredBy != ByPerson {
		t.Error("always for Messages also approved Gmail")
	}
}

func TestGateAuditTrail(t *testing.T) {
	var buf bytes.Buffer
	var seen []AuditRecord
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p, err := ParsePolicy("team.yaml", []byte("rules:\n  - category: destructive\n    app: \"com.google.android.apps.photos\"\n    decision: deny\n    reason: never delete photos\n"))
	if err != nil {
		t.Fatal(err)
	}
	g := &Gate{Policy: p, Mode: ModeDeny, Audit: &buf, OnAudit: func(r AuditRecord) { seen = append(seen, r) }, Now: func() time.Time { return now }}
	check(t, g, "photos_viewer", tapOn("Delete"), defaultTask)
	check(t, g, "messages_compose", tapOn("Send"), defaultTask)
	check(t, g, "social_feed", tapOn("Like"), defaultTask)
	g.Ask(context.Background(), Question{Text: "Which photo?"})

	sc := bufio.NewScanner(&buf)
	var recs []AuditRecord
	for sc.Scan() {
		var r AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("audit line is not JSON: %v\n%s", err, sc.Text())
		}
		recs = append(recs, r)
	}
	if len(recs) != 4 || len(seen) != 4 {
		t.Fatalf("%d audit lines, %d callbacks; want 4", len(recs), len(seen))
	}
	want := []struct {
		verdict      Verdict
		by           AnsweredBy
		rule, source string
	}{
		{VerdictBlocked, ByPolicy, "team.yaml:2 destructive", "team.yaml:2"},
		{VerdictBlocked, ByMode, "default-communication", "default"},
		{VerdictAllowed, ByPolicy, "default-allow", "default"},
	}
	for i, w := range want {
		r := recs[i]
		if r.Kind != AuditDecision || r.Decision.Verdict != w.verdict || r.Decision.AnsweredBy != w.by || r.Decision.Rule != w.rule || r.Decision.RuleSource != w.source || !r.Time.Equal(now) {
			t.Errorf("record %d: %s %s by %s %s %s", i, r.Kind, r.Decision.Verdict, r.Decision.AnsweredBy, r.Decision.Rule, r.Decision.RuleSource)
		}
	}
	if recs[0].Decision.Reason != "not allowed: never delete photos (tapping “Delete” deletes or removes something in com.google.android.apps.photos, which may not be undoable)" {
		t.Errorf("deny reason = %q", recs[0].Decision.Reason)
	}
	if r := recs[3]; r.Kind != "ask" || r.Question.Text != "Which photo?" || r.Reply.Answered {
		t.Errorf("ask record = %+v", r)
	}
}

func TestGateJudge(t *testing.T) {
	calls := 0
	j := JudgeFunc(func(ctx context.Context, in JudgeInput) (Judgement, error) {
		calls++
		if strings.Contains(typedText(in.Context), "snow") {
			return Judgement{Risks: []Risk{{Category: CategoryHarmful, Severity: SeverityHigh, Reason: "“snow” is slang for cocaine here"}},
				Cost: Cost{InputTokens: 900, OutputTokens: 40, USD: 0.0021}}, nil
		}
		return Judgement{Cost: Cost{InputTokens: 800, OutputTokens: 5}}, nil
	})
	g := &Gate{Judge: j, Mode: ModeApprove}
	// Unambiguous actions never reach the judge.
	check(t, g, "social_feed", fixed(actions.Swipe{Direction: actions.Up}), defaultTask)
	check(t, g, "messages_compose", tapOn("Send"), defaultTask)
	if calls != 0 {
		t.Errorf("judge called %d times for unambiguous actions", calls)
	}
	d := check(t, g, "messages_compose_empty", typeInto("Text message", "You down to grab some snow tonight? I need something thrilling."), defaultTask)
	if calls != 1 || !d.DeniedByRule() || d.Judge == nil || d.Judge.Cost.InputTokens != 900 || d.Judge.Cost.Calls != 1 {
		t.Errorf("ambiguous message: %d calls, %s, cost %+v", calls, d.Verdict, d.Judge)
	}
	d = check(t, g, "dialog_dark_theme", tapOn("OK"), defaultTask)
	if calls != 2 || d.Held() || d.Judge == nil || d.Judge.Cost.InputTokens != 800 {
		t.Errorf("generic OK: %d calls, %s, cost %+v", calls, d.Verdict, d.Judge)
	}
	// A failing judge leaves the rules' decision.
	g.Judge = JudgeFunc(func(context.Context, JudgeInput) (Judgement, error) { return Judgement{}, errors.New("model down") })
	if d := check(t, g, "dialog_dark_theme", tapOn("OK"), defaultTask); d.Held() {
		t.Errorf("judge error: %s", d.Verdict)
	}
}

func TestGateConfirmerError(t *testing.T) {
	g := &Gate{Confirmer: ConfirmFunc(func(context.Context, Request) (Answer, error) {
		return Answer{Approved: true}, errors.New("tty gone")
	})}
	s := loadScreen(t, "messages_compose")
	d, err := g.Check(context.Background(), Context{Action: tapOn("Send")(t, s), Screen: s})
	if err == nil || d.Allowed() || !strings.Contains(err.Error(), "tty gone") {
		t.Errorf("confirmer error: %s, %v", d.Verdict, err)
	}
}

func TestAskers(t *testing.T) {
	r, err := NoPerson{}.Ask(context.Background(), Question{Text: "code?"})
	if err != nil || r.Answered || !strings.Contains(r.Note, "no person") {
		t.Errorf("NoPerson = %+v, %v", r, err)
	}
	var buf bytes.Buffer
	g := &Gate{Audit: &buf, Asker: AskFunc(func(ctx context.Context, q Question) (Reply, error) {
		return Reply{Text: q.Choices[1], Answered: true}, nil
	})}
	r, _ = g.Ask(context.Background(), Question{Text: "Which account?", Choices: []string{"Checking", "Savings"}})
	if r.Text != "Savings" || !strings.Contains(buf.String(), `"text":"Savings"`) {
		t.Errorf("reply %+v not recorded: %s", r, buf.String())
	}
	if a, _ := (AutoApprove{}).Confirm(context.Background(), Request{PersonOnly: true}); a.Approved {
		t.Error("AutoApprove approved a person-only request")
	}
	if a, _ := (AutoDeny{}).Confirm(context.Background(), Request{}); a.Approved {
		t.Error("AutoDeny approved")
	}
}

// A point tap resolves to the smallest element under it, in any coordinate space.
func TestResolvePointTarget(t *testing.T) {
	s := loadScreen(t, "photos_viewer")
	del := byLabel(t, s, "Delete")
	c := del.Center()
	for _, p := range []actions.Point{
		{X: float64(c.X), Y: float64(c.Y), Space: actions.SpacePixels},
		{X: float64(c.X) / float64(s.Width), Y: float64(c.Y) / float64(s.Height), Space: actions.SpaceUnit},
		{X: float64(c.X) * 1000 / float64(s.Width), Y: float64(c.Y) * 1000 / float64(s.Height), Space: actions.SpacePermille},
	} {
		as := Assess(context.Background(), Context{Action: actions.Tap{Target: actions.Target{Point: &p}}, Screen: s})
		if as.Label != "Delete" || !as.Has(CategoryDestructive) {
			t.Errorf("tap at %+v: label %q risks %v", p, as.Label, as.Risks)
		}
	}
	var none *perception.Screen
	if as := Assess(context.Background(), Context{Action: actions.Tap{Target: actions.Target{Element: 3}}, Screen: none}); len(as.Risks) != 0 {
		t.Errorf("no screen: %v", as.Risks)
	}
}
