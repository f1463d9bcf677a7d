package offline

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/intent"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
)

// Team implements the four roles without a model. Use one Team per run at
// a time; it is safe for concurrent use but keeps one run's state.
type Team struct {
	cfg Config

	mu        sync.Mutex
	task      string
	intent    intent.Intent
	appPkg    string          // the package the task's app opened as
	opens     int             // times the app was opened
	visited   map[string]bool // navigation taps, by screen and label
	scrolls   map[string]int  // swipes per screen
	scrollEnd map[string]bool // screens whose list did not move
	backs     int
	flipped   bool // a flip-only toggle was tapped
	typed     map[string]bool
	sent      bool
	submitted bool
	lastKind  actions.Kind
	route     []memory.PathStep // the known route to the target, once looked up
	routed    bool              // the route was looked up
	hop       int               // the next step of route
}

// Paths finds a known route of taps from an app's entry screen to the
// screen showing a label. *memory.Store satisfies it, as does
// agents/agentmem's Memory.
type Paths interface {
	PathTo(app, label string) ([]memory.PathStep, bool, error)
}

var _ Paths = (*memory.Store)(nil)

// Config tunes a Team. The zero value works.
type Config struct {
	// Paths, when set, knows routes through apps that exploration learned
	// (memory/explore); the policy follows one to a screen whose switch it
	// cannot find by following labels.
	Paths Paths
}

// New returns a fresh offline team.
func New(cfg Config) *Team { return &Team{cfg: cfg} }

// Roles returns the team as agents.Team, named "offline", for
// agents.Config.Roles.
func (t *Team) Roles() agents.Team {
	return agents.Team{Name: "offline", Planner: t, Decider: t, Reflector: t, Notetaker: t}
}

var (
	_ agents.Planner   = (*Team)(nil)
	_ agents.Decider   = (*Team)(nil)
	_ agents.Reflector = (*Team)(nil)
	_ agents.Notetaker = (*Team)(nil)
)

// Plan parses the task at the start of a run; later it keeps the plan.
func (t *Team) Plan(ctx context.Context, in agents.PlanInput) (agents.PlanOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if in.Plan == nil || in.Task != t.task {
		t.reset(in.Task)
	}
	goals := t.intent.Subgoals()
	if goals == nil {
		goals = []string{in.Task}
	}
	p := agents.Plan{Subgoals: goals}
	if in.Plan != nil {
		p.Current = min(in.Plan.Current, len(goals)-1)
	}
	return agents.PlanOutput{Plan: p, Thought: fmt.Sprintf("offline policy: task shape %q", cmp.Or(string(t.intent.Kind), "unknown"))}, nil
}

// Decide picks the next action from the element list.
func (t *Team) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.visited == nil || in.Task != t.task {
		t.reset(in.Task)
	}
	d := t.decide(in.Obs.Screen)
	if d.Action != nil {
		t.lastKind = d.Action.Kind()
	}
	return d, nil
}

// reset forgets the previous run.
func (t *Team) reset(task string) {
	t.task, t.intent = task, intent.Parse(task)
	t.appPkg, t.opens, t.backs = "", 0, 0
	t.flipped, t.sent, t.submitted, t.lastKind = false, false, false, ""
	t.visited, t.scrolls, t.scrollEnd, t.typed = map[string]bool{}, map[string]int{}, map[string]bool{}, map[string]bool{}
	t.route, t.routed, t.hop = nil, false, 0
}

func decision(thought string, a actions.Action) agents.DecideOutput {
	return agents.DecideOutput{Thought: thought, Action: a}
}

func infeasible(why string) agents.DecideOutput {
	return decision(why, actions.Done{Status: actions.StatusInfeasible, Answer: why})
}

func (t *Team) decide(s *perception.Screen) agents.DecideOutput {
	in := t.intent
	if in.Kind == intent.KindUnknown {
		return infeasible("the offline policy does not understand this task; it can open an app, turn a setting on or off, send a message, search, and find a price. Use a language model for anything else")
	}
	if t.appPkg == "" || s.Package != t.appPkg {
		if in.Kind == intent.KindOpen && t.appPkg != "" && s.Package == t.appPkg {
			return decision("the app is open", actions.Done{Status: actions.StatusSuccess})
		}
		if t.opens >= 3 {
			return infeasible(fmt.Sprintf("%s did not stay open", in.App))
		}
		t.opens++
		return agents.DecideOutput{Thought: "open " + in.App, Action: actions.OpenApp{App: in.App}, Expect: in.App + " opens", SubgoalDone: true}
	}
	switch in.Kind {
	case intent.KindOpen:
		return decision(in.App+" is open", actions.Done{Status: actions.StatusSuccess})
	case intent.KindToggle:
		return t.toggle(s)
	case intent.KindMessage:
		return t.message(s)
	case intent.KindSearch:
		return t.search(s)
	case intent.KindPrice:
		return t.price(s)
	}
	return infeasible("unknown task shape")
}

func (t *Team) toggle(s *perception.Screen) agents.DecideOutput {
	in := t.intent
	if e, ok := findSwitch(s, in.Target); ok {
		switch {
		case in.State == "on" && e.Checked, in.State == "off" && !e.Checked:
			return decision(fmt.Sprintf("%s is %s", in.Target, in.State), actions.Done{Status: actions.StatusSuccess, Answer: fmt.Sprintf("%s is %s", in.Target, in.State)})
		case in.State == "" && t.flipped:
			return decision("flipped "+in.Target, actions.Done{Status: actions.StatusSuccess, Answer: fmt.Sprintf("%s is %s", in.Target, onOff(e.Checked))})
		}
		t.flipped = true
		return agents.DecideOutput{Thought: "tap the " + in.Target + " switch", Action: actions.Tap{Target: actions.Target{Element: e.ID}}, Expect: in.Target + " switches", SubgoalDone: true}
	}
	if d, ok := t.follow(s, in.Target); ok {
		return d
	}
	return t.navigate(s, in.Target, "a switch called "+in.Target)
}

// follow takes the next tap of the known route to the screen showing
// target, when Paths knows one and the route's next element is on the
// screen. It looks for the latest step of the route first, so a screen
// reached some other way continues from there.
func (t *Team) follow(s *perception.Screen, target string) (agents.DecideOutput, bool) {
	if t.cfg.Paths == nil {
		return agents.DecideOutput{}, false
	}
	if !t.routed {
		t.routed = true
		if p, ok, err := t.cfg.Paths.PathTo(s.Package, target); err == nil && ok {
			t.route = p
		}
	}
	page := s.Package + "/" + s.Activity + "/" + firstLabel(s)
	for i := len(t.route) - 1; i >= t.hop; i-- {
		st := t.route[i]
		e, ok := st.Element.Find(s)
		if !ok || t.visited[page+"|"+e.Label()] {
			continue
		}
		t.visited[page+"|"+e.Label()] = true
		t.hop = i + 1
		to := st.ToTitle
		if to == "" {
			to = "the next screen"
		}
		return agents.DecideOutput{Thought: fmt.Sprintf("the explored route to %s goes through %q", target, strings.TrimSpace(e.Label())),
			Action: actions.Tap{Target: actions.Target{Element: e.ID}}, Expect: to}, true
	}
	return agents.DecideOutput{}, false
}

// navigate goes towards a screen showing target: into rows that mention it,
// down long lists, and back out of dead ends.
func (t *Team) navigate(s *perception.Screen, target, what string) agents.DecideOutput {
	page := s.Package + "/" + s.Activity + "/" + firstLabel(s)
	words := norm(target)
	var best *perception.Element
	bestScore := 0
	for i, e := range s.Elements {
		if !e.Clickable || e.Editable || e.Checkable {
			continue
		}
		l := norm(e.Label())
		key := page + "|" + e.Label()
		if t.visited[key] || !strings.Contains(l, words) {
			continue
		}
		score := 1
		if strings.HasPrefix(l, words) {
			score = 2
		}
		if score > bestScore {
			best, bestScore = &s.Elements[i], score
		}
	}
	if best != nil {
		t.visited[page+"|"+best.Label()] = true
		title := strings.TrimSpace(best.Label())
		return agents.DecideOutput{Thought: fmt.Sprintf("%q mentions %s", title, target), Action: actions.Tap{Target: actions.Target{Element: best.ID}}, Expect: "a page about " + target}
	}
	if hasScrollable(s) && !t.scrollEnd[page] && t.scrolls[page] < 6 {
		t.scrolls[page]++
		return agents.DecideOutput{Thought: "look further down the list for " + target, Action: actions.Swipe{Direction: actions.Up}, Expect: "more of the list"}
	}
	if t.backs < 4 {
		t.backs++
		return agents.DecideOutput{Thought: "no way to " + what + " here; go back", Action: actions.Key{Key: "back"}, Expect: "the previous page"}
	}
	return infeasible("could not find " + what)
}

func (t *Team) message(s *perception.Screen) agents.DecideOutput {
	in := t.intent
	if compose, ok := findField(s, "message", "text", "sms", "chat"); ok {
		switch {
		case t.sent && !strings.Contains(norm(compose.Text), norm(in.Text)) && showsText(s, in.Text):
			return decision("the message is in the conversation", actions.Done{Status: actions.StatusSuccess, Answer: "sent " + fmt.Sprintf("%q", in.Text) + " to " + in.Target})
		case strings.Contains(norm(compose.Text), norm(in.Text)):
			if send, ok := findClickable(s, "send"); ok {
				t.sent = true
				return agents.DecideOutput{Thought: "send the message", Action: actions.Tap{Target: actions.Target{Element: send.ID}}, Expect: "the message appears in the conversation", SubgoalDone: true}
			}
			return decision("press enter to send", actions.Key{Key: "enter"})
		case !t.typed["message"]:
			t.typed["message"] = true
			return agents.DecideOutput{Thought: "type the message", Action: actions.Type{Element: compose.ID, Text: in.Text}, Expect: "the text in the field", SubgoalDone: true}
		}
		return infeasible("the message could not be typed")
	}
	if row, ok := findStarting(s, in.Target); ok {
		return agents.DecideOutput{Thought: "open the conversation with " + in.Target, Action: actions.Tap{Target: actions.Target{Element: row.ID}}, Expect: "the conversation with " + in.Target, SubgoalDone: true}
	}
	if to, ok := findField(s, "name", "to", "number", "search", "recipient"); ok && !strings.EqualFold(strings.TrimSpace(to.Text), in.Target) {
		return agents.DecideOutput{Thought: "look up " + in.Target, Action: actions.Type{Element: to.ID, Text: in.Target, Clear: to.Text != ""}, Expect: in.Target + " in the list"}
	}
	if b, ok := findClickable(s, "start chat", "new message", "new conversation", "compose"); ok && !t.visited["compose|"+s.Activity] {
		t.visited["compose|"+s.Activity] = true
		return agents.DecideOutput{Thought: "start a new conversation", Action: actions.Tap{Target: actions.Target{Element: b.ID}}, Expect: "a new conversation"}
	}
	return t.navigate(s, in.Target, "the conversation with "+in.Target)
}

func (t *Team) search(s *perception.Screen) agents.DecideOutput {
	in := t.intent
	if !t.submitted {
		if f, ok := findField(s, "search", "url", "find"); ok {
			t.submitted = true
			return agents.DecideOutput{Thought: "search for " + in.Target, Action: actions.Type{Element: f.ID, Text: in.Target, Submit: true, Clear: f.Text != "" && f.Text != f.Hint}, Expect: "results for " + in.Target, SubgoalDone: true}
		}
		if b, ok := findClickable(s, "search"); ok && !t.visited["search|"+s.Activity] {
			t.visited["search|"+s.Activity] = true
			return decision("open the search", actions.Tap{Target: actions.Target{Element: b.ID}})
		}
		return infeasible("no search field on this screen")
	}
	return decision("searched", actions.Done{Status: actions.StatusSuccess})
}

var moneyRE = regexp.MustCompile(`[$€£¥₹]\s?\d[\d,]*(?:\.\d\d)?`)

func (t *Team) price(s *perception.Screen) agents.DecideOutput {
	in := t.intent
	words := norm(in.Target)
	// A price on the line naming the item, or just below it.
	for i, e := range s.Elements {
		l := e.Label()
		if !strings.Contains(norm(l), words) || e.Editable {
			continue
		}
		if m := moneyRE.FindString(l); m != "" {
			return decision("the price is next to the item", actions.Done{Status: actions.StatusSuccess, Answer: m})
		}
		for _, f := range s.Elements[i+1:] {
			if f.Bounds.Min.Y > e.Bounds.Max.Y+s.Height/12 {
				break
			}
			if m := moneyRE.FindString(f.Label()); m != "" {
				return decision("the price is under the item", actions.Done{Status: actions.StatusSuccess, Answer: m})
			}
		}
	}
	// The screen may still be loading.
	if t.scrolls["wait"] < 2 && (t.lastKind == actions.KindOpenApp || t.lastKind == actions.KindType || t.lastKind == actions.KindWait) {
		t.scrolls["wait"]++
		return decision("wait for the screen to load", actions.Wait{Duration: 500 * time.Millisecond})
	}
	if !t.submitted {
		if f, ok := findField(s, "search", "url", "find"); ok {
			t.submitted = true
			return agents.DecideOutput{Thought: "search for " + in.Target, Action: actions.Type{Element: f.ID, Text: in.Target, Submit: true, Clear: f.Text != "" && f.Text != f.Hint}, Expect: "results for " + in.Target}
		}
	}
	return t.navigate(s, in.Target, "the price of "+in.Target)
}

// Reflect judges by the pixels: the obvious cases as agents does, else a
// changed screen is a success and an unchanged one is no change.
func (t *Team) Reflect(ctx context.Context, in agents.ReflectInput) (agents.Reflection, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := in.Decision.Action.(actions.OpenApp); ok && in.ExecErr == nil && in.Result.Package != "" {
		t.appPkg = in.Result.Package
	}
	r, ok := agents.ObviousReflection(in)
	if !ok {
		r = agents.Reflection{Verdict: agents.VerdictSuccess, Note: "the screen changed", Reason: "offline: judged by the pixels"}
		if in.Diff.Ratio == 0 {
			r = agents.Reflection{Verdict: agents.VerdictNoChange, Note: "nothing changed", Reason: "offline: judged by the pixels"}
		}
	}
	if _, ok := in.Decision.Action.(actions.Swipe); ok && r.Verdict == agents.VerdictNoChange {
		s := in.Before.Screen
		t.scrollEnd[s.Package+"/"+s.Activity+"/"+firstLabel(s)] = true
	}
	return r, nil
}

// Note keeps amounts of money and codes among the candidates.
func (t *Team) Note(ctx context.Context, in agents.NoteInput) (agents.NoteOutput, error) {
	var out []string
	for _, c := range in.Candidates {
		if moneyRE.MatchString(c) || regexp.MustCompile(`\b\d{4,8}\b`).MatchString(c) {
			out = append(out, c)
		}
		if len(out) == 3 {
			break
		}
	}
	return agents.NoteOutput{Notes: out}, nil
}

// norm lower-cases s and keeps letters and digits, one space between words.
func norm(s string) string { return intent.Norm(s) }

func findSwitch(s *perception.Screen, target string) (perception.Element, bool) {
	return intent.FindSwitch(s, target)
}

// findField finds an editable element whose hint or id mentions one of
// words.
func findField(s *perception.Screen, words ...string) (perception.Element, bool) {
	for _, e := range s.Elements {
		if !e.Editable {
			continue
		}
		h := norm(e.Hint + " " + e.ResourceID + " " + e.ContentDesc)
		for _, w := range words {
			if containsWord(h, w) {
				return e, true
			}
		}
	}
	return perception.Element{}, false
}

func containsWord(hay, w string) bool {
	for _, f := range strings.Fields(strings.NewReplacer("_", " ", "/", " ", ":", " ").Replace(hay)) {
		if f == w || strings.HasPrefix(f, w) && len(w) >= 4 {
			return true
		}
	}
	return strings.Contains(hay, w) && strings.Contains(w, " ")
}

func findClickable(s *perception.Screen, words ...string) (perception.Element, bool) {
	for _, w := range words {
		for _, e := range s.Elements {
			if (e.Clickable || e.Source != perception.SourceHierarchy) && !e.Editable && strings.Contains(norm(e.Label()), w) {
				return e, true
			}
		}
	}
	return perception.Element{}, false
}

func findStarting(s *perception.Screen, prefix string) (perception.Element, bool) {
	p := norm(prefix)
	for _, e := range s.Elements {
		if e.Clickable && !e.Editable && strings.HasPrefix(norm(e.Label()), p) {
			return e, true
		}
	}
	return perception.Element{}, false
}

func showsText(s *perception.Screen, text string) bool {
	w := norm(text)
	for _, e := range s.Elements {
		if !e.Editable && strings.Contains(norm(e.Label()), w) {
			return true
		}
	}
	return false
}

func hasScrollable(s *perception.Screen) bool {
	for _, e := range s.Elements {
		if e.Scrollable {
			return true
		}
	}
	return false
}

func firstLabel(s *perception.Screen) string {
	for _, e := range s.Elements {
		if e.Text != "" && e.Bounds.Min.Y > s.Height*3/100 {
			return e.Text
		}
	}
	return ""
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}
