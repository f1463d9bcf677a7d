package safety

import (
	"context"
	"fmt"
	"image"
	"regexp"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/perception"
)

// Context is a candidate action in the situation it would run in. Only Action
// is required; every other field sharpens the assessment.
type Context struct {
	// Task is the person's instruction for this run. Numbers, apps and verbs
	// it names are the person's own and never count as injected.
	Task string
	// Action is the candidate action.
	Action actions.Action
	// Screen is what the phone shows now. Its text is untrusted data.
	Screen *perception.Screen
	// Target is the element the action hits. When nil, Assess resolves it
	// from Screen (element id, or the smallest element under a point; for Type,
	// the focused field).
	Target *perception.Element
	// TypedText is the text a Type action enters, if the caller already
	// resolved it (for example a secret's placeholder). Empty means the
	// action's own text.
	TypedText string
	// App is the foreground package. Empty means the target's or the screen's.
	App string
	// History is the run so far, oldest first.
	History []Step
	// ScreenshotPath is shown to the person when they are asked to confirm.
	ScreenshotPath string
	// FieldText is the text the field the action types into, or presses
	// enter in, holds now, when the caller knows it better than the screen
	// (a field read by OCR, a web view that hides its value). Empty means the
	// field's text on Screen. What a Type or Enter would send is that text
	// and the typed text together.
	FieldText string
	// Taint, when set, traces the action back to injected content seen on
	// earlier screens. When nil only the current screen is checked. Gate sets
	// it to its own tracker.
	Taint *TaintTracker
}

// Step is one earlier action of the run.
type Step struct {
	Action      actions.Action `json:"-"`
	Description string         `json:"description"`
	App         string         `json:"app,omitempty"`
}

// resolved is a Context with everything Assess derives from it.
type resolved struct {
	c          Context
	app        string
	target     *perception.Element
	label      string
	typed      string
	openApp    string
	screenText []string // element texts other than the target's
	screenLow  string   // lower-cased joined screen text
	composed   string   // text in editable fields (not hints)
	commits    bool     // the action commits something others or money see
	risks      []Risk
	ambiguous  bool
	swipeTap   bool // a swipe that stays on one control, judged as a tap on it
}

// Assess finds the risks of one action in its context. It never blocks and
// never calls out; ctx is accepted for symmetry with the Judge and is unused.
// Assess is safe for concurrent use (a shared Context.Taint is locked).
func Assess(ctx context.Context, c Context) Assessment {
	_ = ctx
	r := resolve(c)
	switch a := c.Action.(type) {
	case actions.Tap:
		r.assessTap()
	case actions.LongPress:
		r.assessTap()
		// On Android a long press on a control with no long-press handler
		// clicks it on release, so it is judged as a tap. A control with its
		// own long-press action mostly selects; keep only what it commits.
		if r.target != nil && r.target.LongClickable {
			for i := range r.risks {
				if r.risks[i].Severity > SeverityLow && r.risks[i].Category != CategoryDestructive && r.risks[i].Category != CategoryHarmful {
					r.risks[i].Severity--
				}
			}
		}
	case actions.Swipe:
		if r.target != nil {
			r.swipeTap = true
			r.assessTap()
		}
	case actions.Type:
		r.assessType(a)
	case actions.Key:
		r.assessKey(a)
	case actions.RunShortcut:
		r.assessShortcut(a)
	case actions.ADB:
		r.assessADB(a)
	}
	tr := c.Taint
	if tr == nil && c.Screen != nil {
		tr = &TaintTracker{}
		tr.Observe(c.Screen)
	}
	var refs []taintRef
	if tr != nil {
		var rs []Risk
		rs, refs = tr.trace(r, r.risks)
		r.risks = append(r.risks, rs...)
	}
	desc := Describe(c.Action, r.target, r.app)
	if r.swipeTap {
		desc += ", which taps it (the finger stays on the control)"
	}
	return Assessment{
		Description: desc,
		Label:       r.label,
		App:         r.app,
		Risks:       mergeRisks(r.risks),
		Ambiguous:   r.ambiguous && len(r.risks) == 0,
		taint:       refs,
	}
}

func resolve(c Context) *resolved {
	r := &resolved{c: c, target: c.Target, typed: c.TypedText}
	s := c.Screen
	if r.target == nil && s != nil {
		r.target = resolveTarget(c.Action, s)
	}
	switch a := c.Action.(type) {
	case actions.Type:
		if r.typed == "" && a.Secret == "" {
			r.typed = a.Text
		}
	case actions.OpenApp:
		r.openApp = a.App
	}
	r.app = c.App
	if r.app == "" && r.target != nil {
		r.app = r.target.Package
	}
	if r.app == "" && s != nil {
		r.app = s.Package
	}
	if r.target != nil {
		r.label = r.target.Label()
	}
	if s != nil {
		var b strings.Builder
		var comp []string
		for i := range s.Elements {
			e := &s.Elements[i]
			// What could be sent: typed text, but not a recipient, a query,
			// or a short number outside a message body (an alarm's hour, a
			// quantity): a dialog's OK after those sends nothing to anyone.
			k := kindOf(e)
			if e.Editable && e.Text != "" && e.Text != e.Hint && !e.Password && k != fieldRecipient && k != fieldSearch && (k == fieldBody || !shortNumberRE.MatchString(e.Text)) {
				if r.target == nil || e.ID != r.target.ID || r.c.Action.Kind() != actions.KindType {
					comp = append(comp, e.Text)
				}
			}
			if r.target != nil && e.ID == r.target.ID {
				continue
			}
			for _, t := range [2]string{e.Text, e.ContentDesc} {
				if t != "" {
					r.screenText = append(r.screenText, t)
					b.WriteString(t)
					b.WriteByte('\n')
				}
			}
		}
		r.screenLow = strings.ToLower(b.String())
		r.composed = strings.Join(comp, "\n")
	}
	return r
}

// resolveTarget finds the element an action hits on s: the element named,
// else the one under the point (the smallest, a control on a tie); the
// field typing goes into; the control a swipe taps.
func resolveTarget(a actions.Action, s *perception.Screen) *perception.Element {
	switch a := a.(type) {
	case actions.Type:
		if a.Element > 0 {
			if e, ok := s.Element(a.Element); ok {
				return &e
			}
		}
		return focusedField(s)
	case actions.Key:
		return focusedField(s)
	case actions.Swipe:
		return swipeTarget(a, s)
	}
	t, ok := actions.ActionTarget(a)
	switch {
	case !ok:
		return nil
	case t.Element > 0:
		if e, ok := s.Element(t.Element); ok {
			return &e
		}
		return nil
	case t.Point == nil:
		return nil
	}
	if e, ok := s.ElementAt(screenPoint(*t.Point, s), nil); ok {
		return &e
	}
	return nil
}

// touchSlop is how far, in pixels, a finger may move and still tap:
// Android's 8 dp at the densest common screens.
const touchSlop = 24

// swipeTarget returns the control a swipe taps: on Android a finger that
// goes down on a control and comes up on it (within the touch slop) clicks
// it, so a 1-pixel swipe, or a swipe inside a button, is a tap. Nil when the
// swipe leaves the control it starts on.
func swipeTarget(a actions.Swipe, s *perception.Screen) *perception.Element {
	var from, to image.Point
	switch {
	case a.From != nil && a.To != nil:
		from, to = screenPoint(*a.From, s), screenPoint(*a.To, s)
	case a.Element > 0:
		e, ok := s.Element(a.Element)
		if !ok {
			return nil
		}
		// Both ends of a swipe inside an element are inside it.
		if e.Clickable || e.Checkable {
			return &e
		}
		return nil
	default:
		return nil
	}
	start := resolveTarget(actions.Tap{Target: actions.Target{Point: &actions.Point{X: float64(from.X), Y: float64(from.Y)}}}, s)
	if start == nil || !(start.Clickable || start.Checkable) {
		return nil
	}
	d := to.Sub(from)
	if d.X*d.X+d.Y*d.Y <= touchSlop*touchSlop || to.In(start.Bounds.Inset(-touchSlop)) {
		return start
	}
	return nil
}

// screenPoint converts p to screen pixels.
func screenPoint(p actions.Point, s *perception.Screen) image.Point {
	x, y := p.X, p.Y
	switch p.Space {
	case actions.SpaceUnit:
		x, y = x*float64(s.Width), y*float64(s.Height)
	case actions.SpacePermille:
		x, y = x*float64(s.Width)/1000, y*float64(s.Height)/1000
	}
	return image.Pt(int(x), int(y))
}

func focusedField(s *perception.Screen) *perception.Element {
	if e, ok := actions.FocusedField(s); ok {
		return &e
	}
	return nil
}

// candidates are the normalised names of the target a command keyword may be
// found in: short text, short content-desc, the resource-id's last part, or
// for an unlabelled switch the text on its row.
func (r *resolved) candidates() []string {
	t := r.target
	var out []string
	for _, s := range [2]string{t.Text, t.ContentDesc} {
		if s != "" && wordCount(s) <= 8 && len(s) <= 60 {
			out = append(out, normalizeLabel(s))
		}
	}
	if t.ResourceID != "" {
		out = append(out, normalizeLabel(t.ResourceID))
	}
	if (t.Checkable || len(out) == 0) && r.c.Screen != nil {
		if l := rowLabel(r.c.Screen, t); l != "" {
			out = append(out, normalizeLabel(l))
		}
	}
	return out
}

// rowLabel is the text of the element on the same row as t, left of it: the
// label of a switch or checkbox.
func rowLabel(s *perception.Screen, t *perception.Element) string {
	cy := (t.Bounds.Min.Y + t.Bounds.Max.Y) / 2
	best := ""
	for i := range s.Elements {
		e := &s.Elements[i]
		if e.ID == t.ID || e.Text == "" || e.Bounds.Max.X > t.Bounds.Max.X {
			continue
		}
		if e.Bounds.Min.Y <= cy && cy <= e.Bounds.Max.Y || (t.Bounds.Min.Y <= (e.Bounds.Min.Y+e.Bounds.Max.Y)/2 && (e.Bounds.Min.Y+e.Bounds.Max.Y)/2 <= t.Bounds.Max.Y) {
			if best == "" {
				best = e.Text
			}
		}
	}
	return best
}

func (r *resolved) add(c Category, sev Severity, reason, evidence string) {
	r.risks = append(r.risks, Risk{Category: c, Severity: sev, Reason: reason, Evidence: evidence})
}

func (r *resolved) where() string {
	if r.app == "" {
		return ""
	}
	return " in " + r.app
}

func (r *resolved) assessTap() {
	t := r.target
	if t == nil {
		r.ambiguous = r.c.Screen != nil
		return
	}
	if t.Editable {
		return // focusing a field changes nothing
	}
	f := tapFacts{t: t, cands: r.candidates(), evidence: fmt.Sprintf("target %q", r.label)}
	for _, c := range f.cands {
		if notCommand.MatchString(c) || notCommandZH.MatchString(c) {
			return
		}
	}
	f.hasMoney = moneyRE.MatchString(r.screenLow) || moneyRE.MatchString(r.label)
	if r.tapByLabel(f) {
		r.checkOutgoingIfCommit()
		return
	}
	found, applies := r.tapByScreen(f)
	switch {
	case found:
		r.checkOutgoingIfCommit()
	case applies:
		r.ambiguous = true
	}
}

// tapFacts are what every reading of a tap looks at: the target, its
// normalised names and whether the screen shows an amount of money.
type tapFacts struct {
	t        *perception.Element
	cands    []string
	evidence string
	hasMoney bool
}

// match returns the first keyword of k in the target's names.
func (f tapFacts) match(k keywordSet) string {
	for _, c := range f.cands {
		if m := k.find(c); m != "" {
			return m
		}
	}
	return ""
}

// tapByLabel reads the tap by what the target is called ("Pay", "Send",
// "Delete", "Sign out", "Disable lock"); it reports whether any category
// matched. Several may: "Delete and send" is both.
func (r *resolved) tapByLabel(f tapFacts) bool {
	found := r.tapFinancial(f)
	found = r.tapCommunication(f) || found
	found = r.tapDestructive(f) || found
	found = r.tapAccount(f) || found
	return r.tapSecurity(f, found) || found
}

// moneyOnScreen is " ($25.00 is on the screen)" when the label or the screen
// names an amount.
func (r *resolved) moneyOnScreen() string {
	if amt := moneyRE.FindString(r.label + "\n" + r.screenLow); amt != "" {
		return " (" + amt + " is on the screen)"
	}
	return ""
}

func (r *resolved) tapFinancial(f tapFacts) bool {
	if f.match(financialCmd) == "" {
		return false
	}
	sev := SeverityLow
	reason := fmt.Sprintf("“%s” may start a payment%s", r.label, r.where())
	if f.hasMoney || r.composed != "" || confirmCtx.MatchString(r.screenLow) {
		sev = SeverityHigh
		reason = fmt.Sprintf("tapping “%s” may spend or move money%s", r.label, r.where()) + r.moneyOnScreen()
		r.commits = true
	}
	r.add(CategoryFinancial, sev, reason, f.evidence)
	return true
}

func (r *resolved) tapCommunication(f tapFacts) bool {
	m := f.match(communicationCmd)
	if m == "" {
		return false
	}
	sev := SeverityLow
	reason := fmt.Sprintf("“%s” may start a message or post%s", r.label, r.where())
	if strongComm(m, f.cands) || r.composed != "" {
		sev = SeverityMedium
		reason = fmt.Sprintf("tapping “%s” sends, posts or shares something to other people%s", r.label, r.where())
		r.commits = true
		if r.composed != "" {
			reason += ": “" + actions.Excerpt(r.composed, 80) + "”"
		}
	}
	r.add(CategoryCommunication, sev, reason, f.evidence)
	// "Send" that confirms a transfer ("Confirm transfer: Send $25.00
	// to account …?") moves money, not a message.
	if ctx := financialCtx.find(r.screenLow); ctx != "" && f.hasMoney && confirmCtx.MatchString(r.screenLow) && f.match(financialCmd) == "" {
		r.commits = true
		reason := fmt.Sprintf("tapping “%s” confirms a payment or transfer%s", r.label, r.where()) + r.moneyOnScreen()
		r.add(CategoryFinancial, SeverityHigh, reason, fmt.Sprintf("target %q on a screen that mentions %q", r.label, ctx))
	}
	return true
}

func (r *resolved) tapDestructive(f tapFacts) bool {
	m := f.match(destructiveCmd)
	if m == "" {
		return false
	}
	sev := SeverityHigh
	lm := strings.ToLower(m)
	switch {
	case strings.Contains(lm, "factory") || strings.Contains(lm, "erase") || strings.Contains(lm, "wipe") ||
		strings.Contains(lm, "format") || strings.Contains(lm, "恢复出厂") || strings.Contains(lm, "格式化") ||
		(strings.Contains(lm, "reset") && destructiveCtx.find(r.screenLow) != "" && strings.Contains(r.screenLow, "all")):
		sev = SeverityCritical
	case strings.Contains(lm, "discard") || strings.Contains(lm, "unfollow") || strings.Contains(lm, "block") ||
		strings.Contains(lm, "force stop") || strings.Contains(lm, "unsubscribe") || strings.Contains(lm, "cache"):
		sev = SeverityMedium
	}
	r.commits = true
	r.add(CategoryDestructive, sev, fmt.Sprintf("tapping “%s” deletes or removes something%s, which may not be undoable", r.label, r.where()), f.evidence)
	return true
}

func (r *resolved) tapAccount(f tapFacts) bool {
	m := f.match(accountCmd)
	if m == "" {
		return false
	}
	sev := SeverityMedium
	lm := strings.ToLower(m)
	if strings.Contains(lm, "delete") || strings.Contains(lm, "close") || strings.Contains(lm, "deactivate") ||
		strings.Contains(lm, "注销") || strings.Contains(lm, "删除") || strings.Contains(lm, "two") || strings.Contains(lm, "2fa") {
		sev = SeverityCritical
	} else if strings.Contains(lm, "switch") {
		sev = SeverityLow
	}
	r.add(CategoryAccount, sev, fmt.Sprintf("tapping “%s” changes the account%s (signing out, credentials or the account itself)", r.label, r.where()), f.evidence)
	return true
}

// tapSecurity reads security by the label; found says whether another
// category already matched (a lock removal or a security page counts only
// alone).
func (r *resolved) tapSecurity(f tapFacts, found bool) bool {
	t := f.t
	switch {
	case f.match(securityCmd) != "":
		r.commits = true
		r.add(CategorySecurity, SeverityHigh, fmt.Sprintf("tapping “%s” weakens the phone's security or grants access%s", r.label, r.where()), f.evidence)
	case t.Checkable && f.match(securityNav) != "" || t.Checkable && securityToggle(f.cands):
		r.add(CategorySecurity, SeverityHigh, fmt.Sprintf("switching “%s” %s changes a security setting", firstNonEmpty(f.cands), onOff(!t.Checked)), f.evidence)
	case removesLock(f.cands, r.screenLow) && !found:
		// "None" or "Swipe" on the screen-lock chooser removes the lock. A
		// row may fold its summary into its label ("None Current screen
		// lock: PIN"), which also names the screen lock.
		r.commits = true
		r.add(CategorySecurity, SeverityHigh, fmt.Sprintf("choosing “%s” removes the screen lock", r.label), f.evidence)
	case f.match(securityNav) != "" && !found:
		r.add(CategorySecurity, SeverityLow, fmt.Sprintf("“%s” opens security settings", r.label), f.evidence)
	default:
		return false
	}
	return true
}

// tapByScreen reads a generic "OK" (or a switch) by the screen it is on: a
// dialog's title and message. applies is false when the target is neither,
// so the tap is plainly harmless.
func (r *resolved) tapByScreen(f tapFacts) (found, applies bool) {
	affirm := false
	for _, c := range f.cands {
		if genericAffirm.MatchString(c) {
			affirm = true
		}
	}
	if !affirm && !f.t.Checkable {
		return false, false
	}
	ctxEvidence := func(k keywordSet) string {
		if m := k.find(r.screenLow); m != "" {
			return fmt.Sprintf("target %q on a screen that mentions %q", r.label, m)
		}
		return ""
	}
	if ev := ctxEvidence(destructiveCtx); ev != "" {
		found = true
		r.commits = true
		r.add(CategoryDestructive, SeverityHigh, fmt.Sprintf("“%s” confirms deleting or removing something%s", r.label, r.where()), ev)
	}
	if ev := ctxEvidence(financialCtx); ev != "" && f.hasMoney {
		found = true
		r.commits = true
		r.add(CategoryFinancial, SeverityHigh, fmt.Sprintf("“%s” confirms a payment or transfer%s", r.label, r.where()), ev)
	}
	// A switch is named by its own label (security switches were caught
	// above); other rows on its page, such as "VPN" beside "Wi-Fi", do not
	// make it a security setting. Only a generic "OK" borrows the screen's
	// meaning.
	if ev := ctxEvidence(securityCtx); ev != "" && affirm {
		found = true
		r.add(CategorySecurity, SeverityMedium, fmt.Sprintf("“%s” changes a security setting or grants a permission%s", r.label, r.where()), ev)
	}
	if ev := ctxEvidence(accountCtx); ev != "" && affirm {
		found = true
		r.add(CategoryAccount, SeverityMedium, fmt.Sprintf("“%s” confirms an account change%s", r.label, r.where()), ev)
	}
	if ev := ctxEvidence(communicationCtx); ev != "" || r.composed != "" && !f.t.Checkable {
		if ev == "" {
			ev = fmt.Sprintf("target %q with text typed on the screen", r.label)
		}
		found = true
		r.commits = true
		r.add(CategoryCommunication, SeverityMedium, fmt.Sprintf("“%s” may send or publish what is on the screen%s", r.label, r.where()), ev)
	}
	return found, true
}

// strongComm reports whether a communication keyword commits by itself
// ("Send", "Post", "Share now") rather than opening a composer or a share
// sheet ("Reply", "Comment", "Share").
func strongComm(m string, cands []string) bool {
	m = strings.ToLower(strings.Join(strings.Fields(m), " "))
	switch m {
	case "reply", "comment", "share", "invite", "回复", "评论", "分享", "邀请":
		for _, c := range cands {
			if strings.Contains(c, " now") || strings.Contains(c, "send") || strings.Contains(c, "post") {
				return true
			}
		}
		return false
	}
	return true
}

// removesLock reports whether a target named cands, on a screen whose text is
// screenLow, chooses no screen lock: its first word is "None", "Swipe" or
// "Remove", and the screen or the target itself is about the screen lock.
func removesLock(cands []string, screenLow string) bool {
	for _, c := range cands {
		first, _, _ := strings.Cut(c, " ")
		switch first {
		case "none", "swipe", "remove", "无":
		default:
			continue
		}
		if strings.Contains(screenLow, "screen lock") || strings.Contains(c, "screen lock") || strings.Contains(screenLow, "锁屏") {
			return true
		}
	}
	return false
}

var riskyToggle = en(`unknown`, `usb debugging`, `debugging`, `developer`, `allow from this source`, `install unknown apps`,
	`play protect`, `find my`, `device admin`, `oem unlock`, `screen lock`, `lock screen`, `encryption`, `verify apps`, `scan apps`)

func securityToggle(cands []string) bool {
	for _, c := range cands {
		if riskyToggle.MatchString(c) {
			return true
		}
	}
	return false
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func firstNonEmpty(ss []string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// checkOutgoingIfCommit looks at what a committing tap would send: the text in
// the screen's editable fields and the typed text.
func (r *resolved) checkOutgoingIfCommit() {
	if !r.commits {
		return
	}
	out := r.composed
	if r.typed != "" {
		out += "\n" + r.typed
	}
	r.checkOutgoing(out, "the text being sent")
}

func (r *resolved) checkOutgoing(text, what string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	for _, h := range findHarmful(text) {
		r.add(CategoryHarmful, h.severity, fmt.Sprintf("%s contains %s: “%s”", what, h.describe(), actions.Excerpt(h.excerpt, 60)), "matched "+h.kind)
	}
	if hits := findPrivate(text); len(hits) > 0 {
		r.add(CategoryPrivate, maxPII(hits), fmt.Sprintf("%s contains %s", what, describePII(hits)), "pattern match on "+what)
	}
	if fs := DetectInjection(text); len(fs) > 0 {
		r.add(CategoryInjection, SeverityHigh, fmt.Sprintf("%s carries instructions aimed at an AI agent (%s), probably copied from untrusted content", what, findingKinds(fs)), fs[0].Excerpt)
	}
}

// shortNumberRE is a field value that is a number or a time of at most
// four digits: an hour, minutes, a quantity.
var shortNumberRE = regexp.MustCompile(`^\s*\d{1,2}(?:[:.]\d{2})?\s*$|^\s*\d{1,4}\s*$`)

type fieldKind int

const (
	fieldOther fieldKind = iota
	fieldPassword
	fieldSearch
	fieldRecipient
	fieldBody
	fieldMoney
)

func kindOf(e *perception.Element) fieldKind {
	if e == nil {
		return fieldOther
	}
	if e.Password {
		return fieldPassword
	}
	names := []string{e.Hint, e.ContentDesc, normalizeLabel(e.ResourceID)}
	// Text read from pixels (OCR, or folded into a box vision found) may be
	// a placeholder, as a web page's search box shows one: nothing tells it
	// from typed text, so it names the field too.
	if e.Text == "" || e.Text == e.Hint || (e.Source != "" && e.Source != perception.SourceHierarchy && e.Hint == "") {
		names = append(names, e.Text)
	}
	test := func(k func(string) bool) bool {
		for _, n := range names {
			if n != "" && k(n) {
				return true
			}
		}
		return false
	}
	switch {
	case test(passwordField.MatchString):
		return fieldPassword
	case test(searchField.MatchString):
		return fieldSearch
	case test(recipientField.MatchString):
		return fieldRecipient
	case test(moneyField.MatchString):
		return fieldMoney
	case test(bodyField.MatchString):
		return fieldBody
	}
	return fieldOther
}

func (r *resolved) fieldName() string {
	if r.target == nil {
		return "the focused field"
	}
	if l := r.target.Label(); l != "" && !r.target.Password && kindOf(r.target) != fieldPassword {
		return "the “" + actions.Excerpt(l, 40) + "” field"
	}
	if r.target.Hint != "" {
		return "the “" + r.target.Hint + "” field"
	}
	return "a field"
}

func (r *resolved) assessType(a actions.Type) {
	kind := kindOf(r.target)
	where := r.fieldName() + r.where()
	if names := SecretsIn(a); len(names) > 0 {
		list := strings.Join(names, ", ")
		if why := r.secretMisplaced(kind); why != "" {
			r.add(CategorySecret, SeverityCritical, fmt.Sprintf("types the secret %s into %s, %s; a secret is typed only into a password or PIN field, or a field your task names", list, where, why), "secret "+list+" into "+kind.String())
		} else {
			r.add(CategoryPrivate, SeverityHigh, fmt.Sprintf("types the secret %s into %s", list, where), "type_secret "+list)
		}
		if a.Secret != "" && r.c.TypedText == "" {
			return
		}
	}
	text := r.typed
	if len(SecretsIn(a)) > 0 {
		// Judge the text around the placeholders, not the placeholders.
		text = placeholderRE.ReplaceAllString(text, " ")
	}
	if strings.TrimSpace(text) == "" {
		return
	}
	if kind == fieldPassword {
		r.add(CategoryPrivate, SeverityHigh, fmt.Sprintf("types a password or code (%d characters) into %s", len([]rune(text)), where), "password field")
	}
	harmful := findHarmful(text)
	for _, h := range harmful {
		r.add(CategoryHarmful, h.severity, fmt.Sprintf("the typed text contains %s: “%s”", h.describe(), actions.Excerpt(h.excerpt, 60)), "matched "+h.kind)
	}
	// What the field will hold: its text and the typed text, with or
	// without a space between (a keyboard may add one).
	if before := r.fieldText(a.Clear); before != "" && len(harmful) == 0 && kind != fieldPassword {
		for _, composed := range []string{before + text, before + " " + text} {
			hs := findHarmful(composed)
			for _, h := range hs {
				r.add(CategoryHarmful, h.severity, fmt.Sprintf("the typed text completes %s in %s: “%s”", h.describe(), where, actions.Excerpt(h.excerpt, 60)), "matched "+h.kind+" in the field's text and the typed text")
			}
			if len(hs) > 0 {
				break
			}
		}
		if a.Submit {
			if fs := DetectInjection(before + " " + text); len(fs) > 0 && len(DetectInjection(text)) == 0 {
				r.add(CategoryInjection, SeverityHigh, fmt.Sprintf("the text sent from %s carries instructions aimed at an AI agent (%s)", where, findingKinds(fs)), fs[0].Excerpt)
			}
		}
	}
	if kind != fieldPassword {
		hits := findPrivate(text)
		var keep []piiHit
		for _, h := range hits {
			switch {
			case kind == fieldRecipient && (h.kind == "phone number" || h.kind == "email address"):
				continue // addressing someone is not disclosing
			case (kind == fieldMoney || kind == fieldRecipient) && r.taskNames(h):
				continue // the person gave this account or number for this field
			case kind == fieldSearch && h.severity < SeverityHigh:
				h.severity = SeverityLow
			}
			keep = append(keep, h)
		}
		if len(keep) > 0 {
			r.add(CategoryPrivate, maxPII(keep), fmt.Sprintf("types %s into %s", describePII(keep), where), "pattern match on typed text")
		}
	}
	if fs := DetectInjection(text); len(fs) > 0 {
		r.add(CategoryInjection, SeverityHigh, fmt.Sprintf("the typed text carries instructions aimed at an AI agent (%s), probably copied from untrusted content", findingKinds(fs)), fs[0].Excerpt)
	}
	if a.Submit && (kind == fieldBody || kind == fieldOther) && r.app != "" && kind != fieldSearch {
		r.commits = true
		r.add(CategoryCommunication, SeverityMedium, fmt.Sprintf("typing and pressing enter in %s may send it to other people", where), "submit after typing")
	}
	if kind == fieldBody && len(r.risks) == 0 {
		r.ambiguous = true
	}
}

// SecretsIn returns the names of the secrets a Type action enters: its
// Secret, and every {{secret:NAME}} placeholder in its text.
func SecretsIn(a actions.Type) []string {
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	add(a.Secret)
	if strings.Contains(a.Text, "{{secret:") {
		for _, m := range placeholderRE.FindAllStringSubmatch(a.Text, -1) {
			add(m[1])
		}
	}
	return names
}

// secretMisplaced says why the target field must not receive a secret, or
// "" when it asks for one: a password or PIN field, or a field the task
// names. A message, post, comment, search or address field never does.
func (r *resolved) secretMisplaced(kind fieldKind) string {
	t := r.target
	switch {
	case t == nil:
		return "but no field that asks for it is on the screen"
	case t.Password || kind == fieldPassword:
		return ""
	case kind == fieldBody:
		return "which sends or posts what is typed"
	case kind == fieldSearch:
		return "which searches for what is typed (a search leaves the phone)"
	case kind == fieldRecipient:
		return "which addresses a message"
	case !t.Editable:
		return "which is not a text field"
	}
	if r.taskNamesField(t) {
		return ""
	}
	return "which does not ask for a password or PIN, and your task does not name it"
}

// taskNamesField reports whether the task names field t by its hint,
// content description or resource-id ("enter my customer number in the
// Customer ID field").
func (r *resolved) taskNamesField(t *perception.Element) bool {
	task := " " + normalizeLabel(r.c.Task) + " "
	for _, n := range []string{t.Hint, t.ContentDesc, normalizeLabel(t.ResourceID), t.Label()} {
		n = strings.TrimSpace(normalizeLabel(n))
		if len(n) < 3 || genericFieldName[n] {
			continue
		}
		if strings.Contains(task, " "+n+" ") {
			return true
		}
	}
	return false
}

var genericFieldName = setOf(`text field input edit edittext box value entry type here enter text`)

func (k fieldKind) String() string {
	switch k {
	case fieldPassword:
		return "a password field"
	case fieldSearch:
		return "a search field"
	case fieldRecipient:
		return "a recipient field"
	case fieldBody:
		return "a message field"
	case fieldMoney:
		return "an amount or account field"
	}
	return "a field"
}

// taskNames reports whether the person's task names the number h: a number
// of at least six digits that appears in the task is theirs to enter.
func (r *resolved) taskNames(h piiHit) bool {
	return len(h.digits) >= 6 && strings.Contains(digitsOf(r.c.Task), h.digits)
}

// fieldText is the text the target field holds before the action: the
// caller's FieldText, else the field's text on the screen unless it is its
// hint or a mask. cleared means the action replaces it.
func (r *resolved) fieldText(cleared bool) string {
	if cleared {
		return ""
	}
	if r.c.FieldText != "" {
		return r.c.FieldText
	}
	f := r.target
	if f == nil || !f.Editable || f.Password || f.Text == "" || f.Text == f.Hint || strings.Trim(f.Text, "•*·●") == "" {
		return ""
	}
	return f.Text
}

func (r *resolved) assessKey(a actions.Key) {
	k := strings.ToLower(string(a.Key))
	if k != "enter" && k != "search" && k != "send" && k != "ime_send" && k != "keycode_enter" && k != "numpad_enter" && k != "dpad_center" {
		return
	}
	f := r.target
	if f == nil {
		// No field has the focus: whatever a field holds may still go out.
		r.checkOutgoing(r.composed, "the text on the screen that enter may send")
		return
	}
	kind := kindOf(f)
	if kind == fieldRecipient {
		return
	}
	text := r.fieldText(false)
	if text == "" {
		return
	}
	if kind == fieldSearch {
		// A search sends its query too, to the app or a web site.
		for _, h := range findHarmful(text) {
			r.add(CategoryHarmful, h.severity, fmt.Sprintf("the search contains %s: “%s”", h.describe(), actions.Excerpt(h.excerpt, 60)), "matched "+h.kind)
		}
		return
	}
	if kind == fieldBody {
		r.commits = true
		r.add(CategoryCommunication, SeverityMedium, fmt.Sprintf("pressing %s in %s may send “%s”", a.Key, r.fieldName(), actions.Excerpt(text, 60)), "enter in a message field")
	}
	r.checkOutgoing(text, "the text being sent")
}

func (r *resolved) assessShortcut(a actions.RunShortcut) {
	name := normalizeLabel(a.Name)
	ev := "shortcut " + a.Name
	for c, k := range verbSets {
		if k.find(name) != "" {
			r.add(c, SeverityMedium, fmt.Sprintf("the shortcut “%s” may %s", a.Name, verbPhrase(c)), ev)
		}
	}
	var args []string
	for _, v := range a.Args {
		args = append(args, v)
	}
	if len(args) > 0 {
		r.checkOutgoing(strings.Join(args, "\n"), "the shortcut's arguments")
	}
	r.ambiguous = true
}

func verbPhrase(c Category) string {
	switch c {
	case CategoryFinancial:
		return "spend or move money"
	case CategoryCommunication:
		return "send something to other people"
	case CategoryDestructive:
		return "delete something"
	case CategorySecurity:
		return "change security settings"
	case CategoryAccount:
		return "change the account"
	}
	return "do something sensitive"
}

// Describe says what an action does in words for a person, masking password
// and secret text: `tap “Send” in com.google.android.apps.messaging`. It is
// actions.DescribeWith for a person.
func Describe(a actions.Action, target *perception.Element, app string) string {
	return actions.DescribeWith(a, nil, actions.DescribeOptions{Person: true, App: app, Target: target,
		Password: target != nil && kindOf(target) == fieldPassword})
}
