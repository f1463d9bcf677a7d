package safety

import (
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// Effect is what a policy rule decides.
type Effect string

// Rule effects.
const (
	EffectAllow   Effect = "allow"   // go ahead
	EffectConfirm Effect = "confirm" // ask (or per Mode, auto-answer)
	EffectDeny    Effect = "deny"    // never, whatever the Mode
)

func (e Effect) rank() int {
	switch e {
	case EffectDeny:
		return 2
	case EffectConfirm:
		return 1
	}
	return 0
}

// Rule is one line of policy. Empty fields match anything. A rule matches a
// risk when its category, app glob, minimum severity and pattern all match;
// a rule without a category also matches an action that has no risk at all.
type Rule struct {
	Name     string   `json:"name,omitempty"`
	Category Category `json:"category,omitempty"`
	// App is a glob on the package (path.Match syntax: "com.bank.*").
	App string `json:"app,omitempty"`
	// Pattern is a regular expression searched in the action's description,
	// the target's label and the typed text.
	Pattern string `json:"pattern,omitempty"`
	// MinSeverity limits the rule to risks at least this severe.
	MinSeverity Severity `json:"min_severity,omitempty"`
	Effect      Effect   `json:"decision"`
	Reason      string   `json:"reason,omitempty"`
	// PersonOnly confirm rules need a real person: --confirm approve and
	// "always this run" answers do not satisfy them.
	PersonOnly bool `json:"person_only,omitempty"`
	// Source is "FILE:LINE" for rules from a file, "default" for built-ins.
	Source string `json:"source"`

	re *regexp.Regexp
}

// ID names the rule for audit records: its name, else its source.
func (r *Rule) ID() string {
	if r == nil {
		return ""
	}
	if r.Name != "" {
		return r.Name
	}
	if r.Category != "" {
		return r.Source + " " + string(r.Category)
	}
	return r.Source
}

// Policy is an ordered rule list: the person's rules first (first match wins),
// then the built-in defaults. The zero value is the defaults alone.
type Policy struct {
	Rules []Rule
	// Overrides replace the default effect of a category (the "defaults:" map
	// of a policy file).
	Overrides map[Category]Effect
}

// DefaultRules are the built-in safe defaults, applied after a policy's own
// rules:
//
//   - harmful content: deny, whatever the mode.
//   - a secret typed into a field that does not ask for it (a message, a
//     post, a search): deny, whatever the mode.
//   - an action traced to injected content: confirm, by a real person only.
//     Not deny, because a person who sees where the number or request came
//     from can approve a coincidence (the task itself may be to pay the bill a
//     message mentions); not auto-approvable, because an unattended run must
//     never do what untrusted content asked for.
//   - financial, destructive, communication, private information, security
//     and account risks of medium severity or more: confirm.
//   - anything else (low-severity risks, which are only recorded, and actions
//     with no risk): allow.
func DefaultRules() []Rule {
	r := []Rule{
		{Name: "default-harmful", Category: CategoryHarmful, Effect: EffectDeny, Source: "default",
			Reason: "mobagent does not send or type threats, harassment, slurs, scams or requests for illegal goods"},
		{Name: "default-secret", Category: CategorySecret, Effect: EffectDeny, Source: "default",
			Reason: "a secret is typed only into a password or PIN field, or a field your task names; never into a message, post, comment, search or address"},
		{Name: "default-injection", Category: CategoryInjection, Effect: EffectConfirm, PersonOnly: true, Source: "default",
			Reason: "the action traces back to screen content that tries to instruct the agent; only you can approve it"},
	}
	for _, c := range []Category{CategoryFinancial, CategoryDestructive, CategoryCommunication, CategoryPrivate, CategorySecurity, CategoryAccount} {
		r = append(r, Rule{Name: "default-" + string(c), Category: c, MinSeverity: SeverityMedium, Effect: EffectConfirm, Source: "default",
			Reason: defaultReason(c)})
	}
	r = append(r, Rule{Name: "default-allow", Effect: EffectAllow, Source: "default", Reason: "no risk that needs consent"})
	return r
}

func defaultReason(c Category) string {
	switch c {
	case CategoryFinancial:
		return "spending or moving money needs your consent"
	case CategoryDestructive:
		return "deleting or resetting needs your consent"
	case CategoryCommunication:
		return "sending or posting to other people needs your consent"
	case CategoryPrivate:
		return "entering or sharing private information needs your consent"
	case CategorySecurity:
		return "changing security settings or permissions needs your consent"
	case CategoryAccount:
		return "changing your account needs your consent"
	}
	return "this needs your consent"
}

// Evaluation is the outcome of applying a policy to an assessment.
type Evaluation struct {
	Effect Effect
	// Rule is the rule that decided: for several risks, the one with the
	// strictest effect.
	Rule *Rule
	// Risk is the risk that rule fired on (zero for "no risk").
	Risk       Risk
	Reason     string
	PersonOnly bool
}

// Evaluate applies the policy to an assessment. subject is searched by rule
// patterns (see Rule.Pattern).
func (p *Policy) Evaluate(a Assessment, subject string) Evaluation {
	rules := p.allRules()
	var overrides map[Category]Effect
	if p != nil {
		overrides = p.Overrides
	}
	best := Evaluation{Effect: EffectAllow}
	first := true
	consider := func(rk *Risk) {
		for i := range rules {
			r := &rules[i]
			if !r.matches(rk, a.App, subject) {
				continue
			}
			eff := r.Effect
			if rk != nil && neverAllowed(rk.Category) && eff != EffectDeny {
				// Only a deny decides harmful content and misplaced secrets,
				// whatever rule a policy built in code has.
				continue
			}
			if rk != nil && r.Source == "default" && r.Category != "" {
				if o, ok := overrides[r.Category]; ok && !neverAllowed(r.Category) {
					eff = o
				}
			}
			if first || eff.rank() > best.Effect.rank() || (eff == best.Effect && r.PersonOnly && !best.PersonOnly) {
				best = Evaluation{Effect: eff, Rule: r, Reason: r.Reason, PersonOnly: r.PersonOnly && eff == EffectConfirm}
				if rk != nil {
					best.Risk = *rk
				}
				first = false
			} else if eff == best.Effect && eff == EffectConfirm && r.PersonOnly {
				best.PersonOnly = true
			}
			return
		}
	}
	if len(a.Risks) == 0 {
		consider(nil)
	}
	for i := range a.Risks {
		consider(&a.Risks[i])
	}
	return best
}

// neverAllowed reports whether risks of category c are always denied:
// harmful content and secrets typed where they do not belong.
func neverAllowed(c Category) bool { return c == CategoryHarmful || c == CategorySecret }

func (p *Policy) allRules() []Rule {
	d := DefaultRules()
	if p == nil || len(p.Rules) == 0 {
		return d
	}
	out := make([]Rule, 0, len(p.Rules)+len(d))
	out = append(out, p.Rules...)
	return append(out, d...)
}

func (r *Rule) matches(rk *Risk, app, subject string) bool {
	if rk == nil {
		if r.Category != "" || r.MinSeverity > SeverityNone {
			return false
		}
	} else {
		if r.Category != "" && r.Category != rk.Category {
			return false
		}
		if rk.Severity < r.MinSeverity {
			return false
		}
	}
	if r.App != "" {
		if ok, _ := path.Match(r.App, app); !ok {
			return false
		}
	}
	if r.Pattern != "" {
		re := r.re
		if re == nil {
			var err error
			if re, err = regexp.Compile(r.Pattern); err != nil {
				return false
			}
		}
		if !re.MatchString(subject) {
			return false
		}
	}
	return true
}

// PolicyError is a problem in a policy file, with where it is and how to fix it.
type PolicyError struct {
	File   string
	Line   int
	Column int
	Msg    string
	Fix    string
}

func (e *PolicyError) Error() string {
	loc := e.File
	switch {
	case e.Line > 0 && e.Column > 0:
		loc = fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
	case e.Line > 0:
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	s := fmt.Sprintf("policy %s: %s", loc, e.Msg)
	if e.Fix != "" {
		s += "; " + e.Fix
	}
	return s
}

// ErrBadPolicy is matched (errors.Is) by every *PolicyError.
var ErrBadPolicy = errors.New("bad safety policy")

// Is makes errors.Is(err, ErrBadPolicy) true.
func (e *PolicyError) Is(target error) bool { return target == ErrBadPolicy }

// LoadPolicy reads a policy file. See ParsePolicy for the format.
func LoadPolicy(file string) (*Policy, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("policy file %s: cannot read it (%w); check the path given to --policy", file, err)
	}
	return ParsePolicy(file, b)
}

const policyExample = `rules:
  - category: communication
    app: "com.google.android.apps.messaging"
    pattern: "(?i)anders"
    decision: allow
    reason: "messages to Anders are fine"`

// ParsePolicy parses a policy document; name is used in errors. The format:
//
//	version: 1                    # optional
//	defaults:                     # optional: per-category default effect
//	  communication: allow
//	rules:                        # first match wins, before the defaults
//	  - name: bank-transfers      # optional
//	    category: financial       # optional; see Categories
//	    app: "com.bank.*"         # optional package glob
//	    pattern: "(?i)transfer"   # optional regexp on description, label, typed text
//	    min_severity: medium      # optional
//	    decision: confirm         # required: allow, confirm or deny
//	    reason: "…"               # optional, shown to the person
//	    person_only: true         # optional, confirm only
//
// Harmful content and secrets typed where they do not belong are always
// denied: a rule or default that would allow or merely confirm them is an
// error, and so is a catch-all allow (decision: allow with no category,
// whatever app, pattern or min_severity it has), which would match them too.
// Errors are *PolicyError values naming FILE:LINE:COL and the fix.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		pe := &PolicyError{File: name, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "),
			Fix: "check indentation and quoting; a policy looks like:\n" + policyExample}
		fmt.Sscanf(pe.Msg, "not valid YAML: line %d", &pe.Line)
		return nil, pe
	}
	p := &Policy{}
	if len(doc.Content) == 0 {
		return p, nil
	}
	root := doc.Content[0]
	bad := func(n *yaml.Node, msg, fix string) error {
		return &PolicyError{File: name, Line: n.Line, Column: n.Column, Msg: msg, Fix: fix}
	}
	if root.Kind != yaml.MappingNode {
		return nil, bad(root, "the top level must be a mapping with \"rules:\" (and optionally \"defaults:\")", "start the file like:\n"+policyExample)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "version":
			if v.Value != "1" {
				return nil, bad(v, fmt.Sprintf("version %q is not supported", v.Value), "use version: 1")
			}
		case "defaults":
			if v.Kind != yaml.MappingNode {
				return nil, bad(v, "defaults must be a mapping of category to decision", "write for example:\ndefaults:\n  communication: allow")
			}
			p.Overrides = map[Category]Effect{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				ck, cv := v.Content[j], v.Content[j+1]
				c, err := ParseCategory(ck.Value)
				if err != nil {
					return nil, bad(ck, err.Error(), "")
				}
				e, err := parseEffect(cv.Value)
				if err != nil {
					return nil, bad(cv, err.Error(), "")
				}
				if neverAllowed(c) && e != EffectDeny {
					return nil, bad(cv, fmt.Sprintf("%s is always denied", neverAllowedName(c)), "remove this line, or write "+string(c)+": deny")
				}
				p.Overrides[c] = e
			}
		case "rules":
			if v.Kind != yaml.SequenceNode {
				return nil, bad(v, "rules must be a list, each item starting with \"- \"", "write for example:\n"+policyExample)
			}
			for j, rn := range v.Content {
				r, err := parseRule(name, j+1, rn)
				if err != nil {
					return nil, err
				}
				p.Rules = append(p.Rules, r)
			}
		default:
			return nil, bad(k, fmt.Sprintf("unknown key %q", k.Value), "the top-level keys are version, defaults and rules")
		}
	}
	return p, nil
}

func parseEffect(s string) (Effect, error) {
	switch e := Effect(strings.ToLower(strings.TrimSpace(s))); e {
	case EffectAllow, EffectConfirm, EffectDeny:
		return e, nil
	}
	return "", fmt.Errorf("decision %q is not one of allow, confirm, deny", s)
}

func parseRule(file string, idx int, n *yaml.Node) (Rule, error) {
	bad := func(at *yaml.Node, msg, fix string) error {
		return &PolicyError{File: file, Line: at.Line, Column: at.Column, Msg: fmt.Sprintf("rule %d: %s", idx, msg), Fix: fix}
	}
	if n.Kind != yaml.MappingNode {
		return Rule{}, bad(n, "a rule must be a mapping (category, app, pattern, decision, reason)", "write it as:\n"+policyExample)
	}
	r := Rule{Source: fmt.Sprintf("%s:%d", file, n.Line)}
	hasDecision := false
	decNode := n
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return Rule{}, bad(v, fmt.Sprintf("%s must be a single value, not a list or mapping", k.Value), "write one rule per value")
		}
		switch k.Value {
		case "name":
			r.Name = v.Value
		case "category":
			c, err := ParseCategory(v.Value)
			if err != nil {
				return Rule{}, bad(v, err.Error(), "or leave category out to match every category")
			}
			r.Category = c
		case "app":
			if _, err := path.Match(v.Value, ""); err != nil {
				return Rule{}, bad(v, fmt.Sprintf("app glob %q is malformed", v.Value), "use * and ? only, for example \"com.bank.*\"")
			}
			r.App = v.Value
		case "pattern":
			re, err := regexp.Compile(v.Value)
			if err != nil {
				return Rule{}, bad(v, fmt.Sprintf("pattern %q is not a valid regular expression: %v", v.Value, err), "use Go RE2 syntax, for example \"(?i)send\"; quote it in YAML")
			}
			r.Pattern, r.re = v.Value, re
		case "min_severity", "severity":
			s, err := ParseSeverity(v.Value)
			if err != nil {
				return Rule{}, bad(v, err.Error(), "")
			}
			r.MinSeverity = s
		case "decision":
			e, err := parseEffect(v.Value)
			if err != nil {
				return Rule{}, bad(v, err.Error(), "write decision: allow, decision: confirm or decision: deny")
			}
			r.Effect, hasDecision, decNode = e, true, v
		case "reason":
			r.Reason = v.Value
		case "person_only":
			switch v.Value {
			case "true", "yes":
				r.PersonOnly = true
			case "false", "no":
			default:
				return Rule{}, bad(v, fmt.Sprintf("person_only %q is not true or false", v.Value), "")
			}
		default:
			return Rule{}, bad(k, fmt.Sprintf("unknown key %q", k.Value), "a rule has name, category, app, pattern, min_severity, decision, reason and person_only")
		}
	}
	if !hasDecision {
		return Rule{}, bad(n, "decision is missing", "add decision: allow, confirm or deny")
	}
	if err := r.validate(); err != nil {
		var pe *PolicyError
		if errors.As(err, &pe) {
			pe.File, pe.Line, pe.Column, pe.Msg = file, decNode.Line, decNode.Column, fmt.Sprintf("rule %d: %s", idx, pe.Msg)
			return Rule{}, pe
		}
		return Rule{}, err
	}
	if r.PersonOnly && r.Effect != EffectConfirm {
		return Rule{}, bad(n, "person_only only applies to decision: confirm", "remove person_only or use decision: confirm")
	}
	if r.Reason == "" {
		r.Reason = fmt.Sprintf("policy rule %s", r.Source)
	}
	return r, nil
}

func neverAllowedName(c Category) string {
	if c == CategorySecret {
		return "typing a secret into a field that does not ask for it"
	}
	return "harmful content"
}

// validate refuses a rule that would let harmful content or a misplaced
// secret through: naming those categories with a decision other than deny,
// or allowing every category (no category, whatever its app, pattern or
// severity say), which would match them too.
func (r *Rule) validate() error {
	if neverAllowed(r.Category) && r.Effect != EffectDeny {
		return &PolicyError{Msg: fmt.Sprintf("%s cannot be allowed or merely confirmed", neverAllowedName(r.Category)),
			Fix: "use decision: deny, or remove the rule"}
	}
	if r.Category == "" && r.Effect == EffectAllow {
		what := "every action"
		var limits []string
		if r.App != "" {
			limits = append(limits, "app "+strconvQuote(r.App))
		}
		if r.Pattern != "" {
			limits = append(limits, "pattern "+strconvQuote(r.Pattern))
		}
		if r.MinSeverity > SeverityNone {
			limits = append(limits, "min_severity "+r.MinSeverity.String())
		}
		if len(limits) > 0 {
			what = "every action matching " + strings.Join(limits, " and ")
		}
		return &PolicyError{Msg: "decision: allow with no category allows " + what + ", harmful content and secrets typed into messages included",
			Fix: "name the category it allows (for example category: communication); harmful content and misplaced secrets are always denied"}
	}
	return nil
}

func strconvQuote(s string) string { return fmt.Sprintf("%q", s) }

// Validate checks every rule of a policy built in code the way ParsePolicy
// checks a file: a rule that would allow harmful content or a misplaced
// secret is an error naming the rule.
func (p *Policy) Validate() error {
	if p == nil {
		return nil
	}
	for i := range p.Rules {
		r := &p.Rules[i]
		if err := r.validate(); err != nil {
			var pe *PolicyError
			if errors.As(err, &pe) {
				where := r.Source
				if where == "" {
					where = fmt.Sprintf("rule %d", i+1)
				}
				pe.File = where
				if r.Name != "" {
					pe.Msg = fmt.Sprintf("rule %q: %s", r.Name, pe.Msg)
				}
			}
			return err
		}
	}
	for c, e := range p.Overrides {
		if neverAllowed(c) && e != EffectDeny {
			return &PolicyError{File: "defaults", Msg: fmt.Sprintf("%s is always denied", neverAllowedName(c)), Fix: "remove the override for " + string(c)}
		}
	}
	return nil
}

// Mode chooses who answers confirm questions (--confirm ask|deny|approve). It
// never overrides a deny rule, and approve does not satisfy person-only rules.
type Mode string

// Modes.
const (
	ModeAsk     Mode = "ask"     // ask the person through the Confirmer (the zero value means ask)
	ModeDeny    Mode = "deny"    // answer every confirm question with no
	ModeApprove Mode = "approve" // answer every confirm question with yes, except person-only ones
)

// ParseMode parses the --confirm flag.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case ModeAsk, ModeDeny, ModeApprove:
		return m, nil
	case "":
		return ModeAsk, nil
	}
	return "", fmt.Errorf("confirmation mode %q is not valid; use ask, deny or approve", s)
}
