package safety

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParsePolicy(t *testing.T) {
	src := `version: 1
defaults:
  communication: allow
rules:
  - name: anders-ok
    category: communication
    app: "com.google.android.apps.messaging"
    pattern: "(?i)send"
    decision: allow
    reason: messages are fine
  - category: financial
    app: "com.example.*"
    decision: deny
    reason: no money from this phone
  - app: "com.android.settings"
    decision: confirm
`
	p, err := ParsePolicy("p.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 3 || p.Rules[0].Source != "p.yaml:5" || p.Rules[1].Effect != EffectDeny {
		t.Fatalf("rules = %+v", p.Rules)
	}
	// financial in com.example.bank: denied by rule 2.
	s := loadScreen(t, "bank_transfer_confirm")
	as := Assess(context.Background(), Context{Action: tapOn("Confirm")(t, s), Screen: s})
	ev := p.Evaluate(as, as.Description)
	if ev.Effect != EffectDeny || ev.Rule.Source != "p.yaml:11" {
		t.Errorf("bank transfer: %s by %s, want deny by p.yaml:11", ev.Effect, ev.Rule.ID())
	}
	// A rule without category applies to risk-free actions too.
	s = loadScreen(t, "settings_display")
	as = Assess(context.Background(), Context{Action: tapOn("Font size")(t, s), Screen: s})
	if ev := p.Evaluate(as, as.Description); ev.Effect != EffectConfirm {
		t.Errorf("settings tap: %s, want confirm by the catch-all settings rule", ev.Effect)
	}
	// The defaults override turns communication into allow; harmful stays deny.
	s = loadScreen(t, "gmail_compose")
	as = Assess(context.Background(), Context{Action: tapOn("Send")(t, s), Screen: s})
	if ev := p.Evaluate(as, as.Description); ev.Effect != EffectAllow {
		t.Errorf("gmail send: %s by %s, want allow (defaults override)", ev.Effect, ev.Rule.ID())
	}
	s = loadScreen(t, "messages_compose_threat")
	as = Assess(context.Background(), Context{Action: tapOn("Send")(t, s), Screen: s})
	if ev := p.Evaluate(as, as.Description); ev.Effect != EffectDeny {
		t.Errorf("threat with a permissive rule first: %s by %s, want deny", ev.Effect, ev.Rule.ID())
	}
}

func TestPolicyErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
		line            int
	}{
		{"bad decision", "rules:\n  - category: financial\n    decision: maybe\n", "decision \"maybe\" is not one of allow, confirm, deny", 3},
		{"unknown key", "rules:\n  - category: financial\n    decison: deny\n", "unknown key \"decison\"", 3},
		{"bad category", "rules:\n  - category: money\n    decision: deny\n", "unknown risk category \"money\"", 2},
		{"bad regexp", "rules:\n  - pattern: \"(unclosed\"\n    decision: deny\n", "not a valid regular expression", 2},
		{"missing decision", "rules:\n  - category: financial\n", "decision is missing", 2},
		{"allow harmful", "rules:\n  - category: harmful\n    decision: allow\n", "harmful content cannot be allowed", 3},
		{"confirm harmful", "rules:\n  - category: harmful\n    decision: confirm\n", "harmful content cannot be allowed or merely confirmed", 3},
		{"allow secret", "rules:\n  - category: secret\n    decision: allow\n", "typing a secret into a field that does not ask for it cannot be allowed", 3},
		{"catch-all allow", "rules:\n  - name: yolo\n    decision: allow\n", "decision: allow with no category allows every action, harmful content", 3},
		{"catch-all allow by pattern", "rules:\n  - pattern: \"(?i)anders\"\n    decision: allow\n", "allows every action matching pattern \"(?i)anders\"", 3},
		{"catch-all allow by app", "rules:\n  - category: financial\n    decision: deny\n  - app: \"com.google.android.apps.messaging\"\n    reason: chats are fine\n    decision: allow\n", "rule 2: decision: allow with no category allows every action matching app", 6},
		{"catch-all allow by severity", "rules:\n  - min_severity: high\n    decision: allow\n", "matching min_severity high", 3},
		{"defaults allow secret", "defaults:\n  secret: confirm\n", "is always denied", 2},
		{"rules not list", "rules:\n  category: financial\n", "rules must be a list", 2},
		{"bad yaml", "rules:\n  - category: [financial\n", "not valid YAML", 0},
		{"top level list", "- a\n- b\n", "top level must be a mapping", 1},
		{"bad glob", "rules:\n  - app: \"com.[bank\"\n    decision: deny\n", "app glob", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePolicy("policy.yaml", []byte(c.src))
			if err == nil {
				t.Fatal("no error")
			}
			var pe *PolicyError
			if !errors.As(err, &pe) || !errors.Is(err, ErrBadPolicy) {
				t.Fatalf("error %v is not a *PolicyError", err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "policy.yaml") {
				t.Errorf("error %q lacks %q and the file name", err, c.want)
			}
			if c.line > 0 && pe.Line != c.line {
				t.Errorf("line %d, want %d (%v)", pe.Line, c.line, err)
			}
			if c.line > 0 && pe.Fix == "" && !strings.Contains(pe.Msg, "use one of") {
				t.Errorf("error %q says nothing about the fix", err)
			}
		})
	}
}

// A catch-all rule is refused with the place of its decision and the fix;
// one that only confirms is accepted, and still cannot let harmful content
// or a misplaced secret through, even under --confirm approve.
func TestPolicyCatchAll(t *testing.T) {
	_, err := ParsePolicy("p.yaml", []byte("rules:\n  - app: \"com.*\"\n    decision: allow\n"))
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Line != 3 || pe.Column != 15 || !strings.Contains(err.Error(), "p.yaml:3:15") ||
		!strings.Contains(err.Error(), "name the category it allows (for example category: communication)") {
		t.Fatalf("catch-all allow: %v", err)
	}
	p, err := ParsePolicy("p.yaml", []byte("rules:\n  - app: \"com.google.android.apps.messaging\"\n    decision: confirm\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := loadScreen(t, "messages_compose_threat")
	g := &Gate{Policy: p, Mode: ModeApprove}
	d, err := g.Check(context.Background(), Context{Action: tapOn("Send")(t, s), Screen: s})
	if err != nil || !d.DeniedByRule() || d.Rule != "default-harmful" {
		t.Errorf("threat under a catch-all confirm and --confirm approve: %s by %s (%v)", d.Verdict, d.Rule, err)
	}
	// A policy built in code is checked by Validate, and Evaluate never lets
	// its allow-all rule decide harmful content or a misplaced secret.
	code := &Policy{Rules: []Rule{{Name: "allow-all", Effect: EffectAllow}}}
	if err := code.Validate(); err == nil || !strings.Contains(err.Error(), `rule "allow-all"`) {
		t.Errorf("Validate of an allow-all rule: %v", err)
	}
	for _, c := range []Category{CategoryHarmful, CategorySecret} {
		ev := code.Evaluate(Assessment{Risks: []Risk{{Category: c, Severity: SeverityCritical}}}, "")
		if ev.Effect != EffectDeny {
			t.Errorf("%s under an allow-all rule built in code: %s by %s", c, ev.Effect, ev.Rule.ID())
		}
	}
	if ev := code.Evaluate(Assessment{Risks: []Risk{{Category: CategoryFinancial, Severity: SeverityHigh}}}, ""); ev.Effect != EffectAllow {
		t.Errorf("the allow-all rule should still decide a payment: %s", ev.Effect)
	}
	if err := (&Policy{Overrides: map[Category]Effect{CategoryHarmful: EffectAllow}}).Validate(); err == nil {
		t.Error("an override allowing harmful content passed Validate")
	}
	if err := (&Policy{Rules: []Rule{{Category: CategoryCommunication, Effect: EffectAllow}}}).Validate(); err != nil {
		t.Errorf("a communication allow rule: %v", err)
	}
}

func TestLoadPolicyFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "safety.yaml")
	if err := os.WriteFile(f, []byte("rules:\n  - decision: nope\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPolicy(f)
	if err == nil || !strings.Contains(err.Error(), f+":2:15") {
		t.Errorf("error %v should name %s:2:15", err, f)
	}
	if _, err := LoadPolicy(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"ask": ModeAsk, "": ModeAsk, "DENY": ModeDeny, "approve": ModeApprove} {
		if m, err := ParseMode(in); err != nil || m != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, m, err)
		}
	}
	if _, err := ParseMode("yes"); err == nil || !strings.Contains(err.Error(), "ask, deny or approve") {
		t.Errorf("ParseMode(yes) error = %v", err)
	}
}

func TestExamplePolicyParses(t *testing.T) {
	p, err := LoadPolicy(filepath.Join("testdata", "policy.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 3 || !p.Rules[2].PersonOnly || p.Rules[1].Effect != EffectDeny {
		t.Errorf("rules = %+v", p.Rules)
	}
}

// FuzzParsePolicy: any document gives a policy or a *PolicyError, never a
// panic, and an accepted policy never lets harmful content or a misplaced
// secret through.
func FuzzParsePolicy(f *testing.F) {
	seeds := []string{
		"rules:\n  - category: communication\n    decision: allow\n",
		"rules:\n  - app: \"com.*\"\n    decision: allow\n",
		"defaults:\n  harmful: allow\n",
		"version: 1\nrules:\n  - pattern: \"(?i)x\"\n    min_severity: high\n    decision: confirm\n    person_only: true\n",
		"rules: [{category: secret, decision: deny}]\n",
		"- a\n",
		"rules:\n  - category: [x\n",
		"",
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "policy.example.yaml")); err == nil {
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := ParsePolicy("fuzz.yaml", []byte(doc))
		if err != nil {
			if !errors.Is(err, ErrBadPolicy) {
				t.Fatalf("error %v is not ErrBadPolicy", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed policy fails Validate: %v", err)
		}
		for _, c := range []Category{CategoryHarmful, CategorySecret} {
			if ev := p.Evaluate(Assessment{App: "com.example", Risks: []Risk{{Category: c, Severity: SeverityCritical}}}, "x"); ev.Effect != EffectDeny {
				t.Fatalf("%s decided %s by %s under\n%s", c, ev.Effect, ev.Rule.ID(), doc)
			}
		}
	})
}
