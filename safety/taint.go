package safety

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// TaintTracker remembers untrusted content that tried to instruct the agent
// and traces later actions back to it: typing a number, link or address that
// appeared in an injected message (also typed in parts, a PIN as "43" then
// "21"), opening an app it named, or doing the kind of thing it asked for
// (sending, paying, deleting, removing the screen lock) when the person's task
// did not ask for that. Nothing expires with time or steps: an action that
// carries out what flagged content asked for is traced however late it comes,
// until a person approves that action (see Confirmed).
//
// The zero value is ready to use. A TaintTracker belongs to one run; it is safe
// for concurrent use.
type TaintTracker struct {
	mu      sync.Mutex
	entries []taintEntry
	old     *taintEntry         // what evicted entries asked for, merged
	typed   []string            // text typed in the run, oldest first (see Typed)
	clean   map[string]struct{} // texts already scanned and found clean
}

// Tainted is one piece of flagged content the tracker remembers.
type Tainted struct {
	Source   string    `json:"source"`
	Excerpt  string    `json:"excerpt"`
	Findings []Finding `json:"findings"`
}

type taintEntry struct {
	Tainted
	text    string
	tokens  []string
	apps    []string
	verbs   map[Category]bool
	targets map[Category][]string // what each requested verb acts on ("joplin", "screen lock")
	done    map[string]bool       // goals a person approved: "cat:financial", "tok:1001002843", "app:bank"
}

// Bounds on what a tracker keeps. Entries past maxTaintEntries are merged
// into one, so what they asked for is still traced.
const (
	maxTaintEntries = 256
	maxTaintTokens  = 4096
	maxTyped        = 64
	maxTypedChars   = 1024
	minObserveLen   = 16
	maxCleanTexts   = 8192
)

var (
	urlTokenRE   = regexp.MustCompile(`(?i)\b(?:https?://)?(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|ly|me|info|biz|xyz|app|link|ru|cn|de|uk|us|gl|gg|tk|top|site|online|shop)\b(?:/[^\s<>"')]*)?`)
	longDigitsRE = regexp.MustCompile(`\d[\d\s-]{2,}\d`)
	appNameRE    = regexp.MustCompile(`(?i)\b([a-z][\w.-]{1,30})\s+(?:app|application)\b|\b(?:open|uninstall|install|launch)[-_]([a-z][a-z0-9]{1,30})\s*\(`)
	appStop      = map[string]bool{"the": true, "this": true, "that": true, "an": true, "a": true, "your": true, "my": true, "any": true, "new": true, "same": true, "our": true}
)

// Observe scans every element of a screen, remembers the ones that carry
// injection findings, and returns the new findings. A nil screen is a no-op.
func (t *TaintTracker) Observe(s *perception.Screen) []Finding {
	if s == nil {
		return nil
	}
	var all []Finding
	for i := range s.Elements {
		e := &s.Elements[i]
		for _, txt := range [2]string{e.Text, e.ContentDesc} {
			if len(txt) < minObserveLen {
				continue
			}
			all = append(all, t.observe(elementSource(s, e), txt)...)
		}
	}
	return all
}

// ObserveText scans one piece of untrusted text (a message body from a
// scenario, a web page) and remembers it if it carries injection findings.
func (t *TaintTracker) ObserveText(source, text string) []Finding {
	return t.observe(source, text)
}

func (t *TaintTracker) observe(source, text string) []Finding {
	// The same screen is seen step after step: scan each text once.
	t.mu.Lock()
	_, seen := t.clean[text]
	if !seen {
		for i := range t.entries {
			if t.entries[i].text == text {
				seen = true
				break
			}
		}
	}
	t.mu.Unlock()
	if seen {
		return nil
	}
	fs := DetectInjection(text)
	scan := text
	if len(fs) == 0 && !isASCII(text) {
		// Instructions disguised with look-alike letters or invisible
		// characters ("іgnore previous instructions"): offsets are those of
		// the folded text.
		if f := foldText(text, hasWholeScriptConfusable(text)); f != text {
			if fs = DetectInjection(f); len(fs) > 0 {
				scan = f
			}
		}
	}
	if len(fs) == 0 {
		t.mu.Lock()
		if t.clean == nil || len(t.clean) >= maxCleanTexts {
			t.clean = map[string]struct{}{}
		}
		t.clean[text] = struct{}{}
		t.mu.Unlock()
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for i := range t.entries {
		if t.entries[i].text == text {
			return nil
		}
	}
	e := taintEntry{
		Tainted: Tainted{Source: source, Excerpt: actions.Excerpt(text, 160), Findings: fs},
		text:    text,
		verbs:   map[Category]bool{},
		targets: map[Category][]string{},
		done:    map[string]bool{},
	}
	text = scan
	for _, m := range longDigitsRE.FindAllString(text, -1) {
		if d := digitsOf(m); len(d) >= 4 {
			e.tokens = append(e.tokens, d)
		}
	}
	for _, m := range urlTokenRE.FindAllString(text, -1) {
		e.tokens = append(e.tokens, strings.ToLower(m))
	}
	for _, m := range emailRE.FindAllString(text, -1) {
		e.tokens = append(e.tokens, strings.ToLower(m))
	}
	for _, m := range appNameRE.FindAllStringSubmatch(text, -1) {
		name := strings.ToLower(m[1] + m[2])
		if !appStop[name] {
			e.apps = append(e.apps, name)
		}
	}
	for c, k := range verbSets {
		if k.find(text) != "" {
			e.verbs[c] = true
			e.targets[c] = verbTargets(k, text)
		}
	}
	if len(t.entries) >= maxTaintEntries {
		t.evict()
	}
	t.entries = append(t.entries, e)
	return fs
}

// evict merges the oldest entry into t.old. t.mu is held.
func (t *TaintTracker) evict() {
	e := t.entries[0]
	t.entries = t.entries[1:]
	if t.old == nil {
		t.old = &taintEntry{Tainted: Tainted{Source: "content seen earlier in the run"}, verbs: map[Category]bool{},
			targets: map[Category][]string{}, done: map[string]bool{}}
	}
	o := t.old
	o.Findings = append(o.Findings, e.Findings...)
	if len(o.Findings) > 16 {
		o.Findings = o.Findings[len(o.Findings)-16:]
	}
	o.Excerpt = e.Excerpt
	if len(o.tokens) < maxTaintTokens {
		o.tokens = append(o.tokens, e.tokens...)
	}
	o.apps = append(o.apps, e.apps...)
	for c := range e.verbs {
		o.verbs[c] = true
		o.targets[c] = append(o.targets[c], e.targets[c]...)
	}
	for k := range e.done {
		o.done[k] = true
	}
}

// verbTargets returns what the requested verbs of k in text act on: the
// first content words after each match ("Uninstall the Joplin app":
// joplin; "delete all your photos": photos).
func verbTargets(k keywordSet, text string) []string {
	var out []string
	for _, p := range []*phraseRE{k.en, k.zh} {
		if p == nil || !p.maybe(text) {
			continue
		}
		for _, loc := range p.FindAllIndex(text, 8) {
			n := 0
			for _, w := range strings.FieldsFunc(strings.ToLower(text[loc[1]:min(len(text), loc[1]+60)]), func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
			}) {
				if targetStop[w] || len(w) < 3 {
					continue
				}
				out = append(out, w)
				if n++; n == 2 {
					break
				}
			}
		}
	}
	return out
}

var targetStop = setOf(`the all your my our this that these those app apps application now immediately please right away
	and then from with into onto for you can use function run running by hint first also every any some its them it to in on of`)

// Typed records text typed in the run (the gate records every Type it
// lets through), so a tainted value typed in parts is recognised.
func (t *TaintTracker) Typed(text string) {
	if text == "" {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.typed = append(t.typed, text)
	n := 0
	for i := len(t.typed) - 1; i >= 0; i-- {
		n += len(t.typed[i])
		if n > maxTypedChars || len(t.typed)-i > maxTyped {
			t.typed = t.typed[i+1:]
			break
		}
	}
}

// Confirmed records that a person approved the action assessed as a: the
// goals it was traced to are no longer held.
func (t *TaintTracker) Confirmed(a Assessment) {
	if len(a.taint) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ref := range a.taint {
		e := t.entryByText(ref.text)
		if e != nil {
			e.done[ref.goal] = true
		}
	}
}

func (t *TaintTracker) entryByText(text string) *taintEntry {
	for i := range t.entries {
		if t.entries[i].text == text {
			return &t.entries[i]
		}
	}
	if t.old != nil && text == "" {
		return t.old
	}
	return nil
}

// taintRef names the goal of a remembered entry an action was traced to.
type taintRef struct {
	text string // the entry's text; "" for the merged old entries
	goal string
}

var verbSets = map[Category]keywordSet{
	CategoryFinancial:     financialCmd,
	CategoryCommunication: communicationCmd,
	CategoryDestructive:   destructiveCmd,
	CategorySecurity:      securityCmd,
	CategoryAccount:       accountCmd,
}

// Tainted returns the flagged content remembered so far, oldest first.
func (t *TaintTracker) Tainted() []Tainted {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Tainted, len(t.entries))
	for i, e := range t.entries {
		out[i] = e.Tainted
	}
	return out
}

// trace returns an injection risk when the action in r traces back to
// remembered content, and the goals it traced to. risks are the other risks
// already found.
func (t *TaintTracker) trace(r *resolved, risks []Risk) ([]Risk, []taintRef) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.entries) == 0 && t.old == nil {
		return nil, nil
	}
	task := strings.ToLower(r.c.Task)
	taskDigits := digitsOf(task)
	prevTyped := strings.Join(t.typed, "")
	entries := make([]*taintEntry, 0, len(t.entries)+1)
	for i := len(t.entries) - 1; i >= 0; i-- {
		entries = append(entries, &t.entries[i])
	}
	if t.old != nil {
		entries = append(entries, t.old)
	}
	// An action that does what an entry asked for, to what it named, is
	// traced to that entry before one that only asked for the same kind of
	// action.
	var kindOnly *taintEntry
	var kindCat Category
	for _, e := range entries {
		why, goal := "", ""
		// 1. a number, link or address from the content is in the action,
		// or completes one with what was typed before.
		for _, tok := range e.tokens {
			if e.done["tok:"+tok] || strings.Contains(task, tok) || (isDigits(tok) && strings.Contains(taskDigits, tok)) {
				continue
			}
			if s := r.dataContaining(tok, e.text); s != "" {
				why, goal = fmt.Sprintf("it uses %s, which appeared in %s", quoteToken(tok), e.Source), "tok:"+tok
				break
			}
			if r.typed != "" && completes(prevTyped, r.typed, tok) {
				why, goal = fmt.Sprintf("with what was typed before, it enters %s, which appeared in %s, in parts", quoteToken(tok), e.Source), "tok:"+tok
				break
			}
		}
		// 2. it opens an app the content named.
		if why == "" && r.openApp != "" {
			app := strings.ToLower(r.openApp)
			for _, a := range e.apps {
				if !e.done["app:"+a] && !strings.Contains(task, a) && (strings.Contains(app, a) || strings.Contains(a, app)) {
					why, goal = fmt.Sprintf("it opens the %s app, which %s told the agent to open", a, e.Source), "app:"+a
					break
				}
			}
		}
		// 3. it does what the content asked, however long ago it was read.
		if why == "" {
			for _, rk := range risks {
				c := rk.Category
				if !e.verbs[c] || verbSets[c].find(task) != "" {
					continue
				}
				if tg := r.mentions(e.targets[c]); tg != "" {
					if e.done["cat:"+string(c)+":"+tg] {
						continue // the person approved doing this to it
					}
					why, goal = fmt.Sprintf("it carries out what %s asked for (%s: %s), and your task did not ask for it", e.Source, verbPhrase(c), tg), "cat:"+string(c)+":"+tg
					break
				}
				if kindOnly == nil && !e.done["cat:"+string(c)] {
					kindOnly, kindCat = e, c
				}
			}
		}
		// 4. it types a secret on a screen that carries the content.
		if why == "" && r.typesSecret() && r.screenShows(e.text) {
			why, goal = "it types a secret on a screen that carries "+e.Source, "secret"
		}
		if why == "" {
			continue
		}
		return taintRisk(e, why, goal)
	}
	if e := kindOnly; e != nil {
		return taintRisk(e, fmt.Sprintf("it is a %s action like the one %s asked for, and your task did not ask for it", kindCat, e.Source), "cat:"+string(kindCat))
	}
	return nil, nil
}

func taintRisk(e *taintEntry, why, goal string) ([]Risk, []taintRef) {
	return []Risk{{
		Category: CategoryInjection,
		Severity: SeverityHigh,
		Reason:   "this may be a prompt-injection attack: " + why + "; that content tries to instruct the agent (" + findingKinds(e.Findings) + ") and did not come from you",
		Evidence: e.Excerpt,
	}}, []taintRef{{text: e.text, goal: goal}}
}

// completes reports whether typing cur after prev enters tok with its last
// part in cur: digits for a number (separators ignored), letters for a
// link or address (case and spaces ignored).
func completes(prev, cur, tok string) bool {
	norm := func(s string) string {
		if isDigits(tok) {
			return digitsOf(s)
		}
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	}
	p, c := norm(prev), norm(cur)
	if c == "" || p == "" {
		return false
	}
	all := p + c
	for off := 0; ; {
		i := strings.Index(all[off:], tok)
		if i < 0 {
			return false
		}
		start := off + i
		if end := start + len(tok); end > len(p) && start < len(p) {
			return true
		}
		off = start + 1
	}
}

// mentions returns the first of words the action's target, app, typed text
// or screen names, or "".
func (r *resolved) mentions(words []string) string {
	hay := strings.ToLower(r.label + "\n" + r.app + "\n" + r.typed + "\n" + r.openApp + "\n" + r.screenLow)
	for _, w := range words {
		if strings.Contains(hay, w) {
			return w
		}
	}
	return ""
}

func (r *resolved) typesSecret() bool {
	a, ok := r.c.Action.(actions.Type)
	return ok && len(SecretsIn(a)) > 0
}

// screenShows reports whether the current screen carries text.
func (r *resolved) screenShows(text string) bool {
	s := r.c.Screen
	if s == nil {
		return false
	}
	for i := range s.Elements {
		if s.Elements[i].Text == text || s.Elements[i].ContentDesc == text {
			return true
		}
	}
	return false
}

func findingKinds(fs []Finding) string {
	seen := map[string]bool{}
	var ks []string
	for _, f := range fs {
		if !seen[f.Kind] {
			seen[f.Kind] = true
			ks = append(ks, f.Kind)
		}
	}
	return strings.Join(ks, ", ")
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func quoteToken(tok string) string {
	if isDigits(tok) {
		return "the number " + tok
	}
	return "“" + tok + "”"
}

func elementSource(s *perception.Screen, e *perception.Element) string {
	app := e.Package
	if app == "" {
		app = s.Package
	}
	if app == "" {
		return "content on the screen"
	}
	return "content shown in " + app
}

// dataContaining returns the piece of the action's data that contains tok, or
// "". The tainted element itself (taintText) does not count: reading or
// tapping the injected message is not acting on it.
func (r *resolved) dataContaining(tok, taintText string) string {
	match := func(s string) bool {
		if s == "" || s == taintText {
			return false
		}
		if isDigits(tok) {
			return strings.Contains(digitsOf(s), tok)
		}
		return strings.Contains(strings.ToLower(s), tok)
	}
	for _, s := range r.actionData() {
		if match(s) {
			return s
		}
	}
	if r.commits {
		// What a committing action confirms shows on its screen ("Send $10
		// to 1001002843?"); the injected text itself, shown again with a
		// time or a sender around it, is not that.
		for i := range r.screenText {
			if t := r.screenText[i]; match(t) && !strings.Contains(t, taintText) && len(DetectInjection(t)) == 0 {
				return t
			}
		}
	}
	return ""
}

func (r *resolved) actionData() []string {
	d := []string{r.typed, r.openApp}
	if r.target != nil && !r.target.Editable {
		d = append(d, r.target.Text, r.target.ContentDesc)
	}
	if sc, ok := r.c.Action.(actions.RunShortcut); ok {
		for _, v := range sc.Args {
			d = append(d, v)
		}
	}
	return d
}
