package script

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/perception"
)

// Knowledge is what is known of the apps a task may use, for the script
// writer (as AutoDroid-V2 gives its app documentation). The text is screen
// content at one remove: the writer's prompt shows it as untrusted data.
type Knowledge interface {
	AppKnowledge(ctx context.Context, task string) (string, error)
}

// StoreKnowledge is Knowledge from the screen graphs `mobagent explore`
// stores in memory (package memory/explore): for each explored app that
// shares words with the task, its screens by title, and what each
// element leads to.
type StoreKnowledge struct {
	Store *memory.Store
	// MaxTokens caps the text (perception.EstimateTokens); 0 means 1500.
	MaxTokens int
	// Apps, when set, are the only apps described (packages); the steward
	// sets its staff's app.
	Apps []string
}

// AppKnowledge describes the explored apps within the token cap: the
// screen each opens on, the apps sharing most words with task first, then
// their other screens in the same order.
func (k StoreKnowledge) AppKnowledge(ctx context.Context, task string) (string, error) {
	if k.Store == nil {
		return "", nil
	}
	maxTok := k.MaxTokens
	if maxTok <= 0 {
		maxTok = 1500
	}
	apps := k.Apps
	if len(apps) == 0 {
		st, err := k.Store.Stats()
		if err != nil {
			return "", err
		}
		apps = st.Apps
	}
	type scored struct {
		g     memory.Graph
		score int
	}
	want := map[string]bool{}
	for _, w := range words(task) {
		// Numbers (times, amounts) match the data apps show, not the app.
		if len(w) >= 2 && !stopWords[w] && strings.IndexFunc(w, unicode.IsDigit) < 0 {
			want[w] = true
		}
	}
	var gs []scored
	for _, app := range apps {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		g, err := k.Store.AppGraph(app)
		if err != nil {
			return "", err
		}
		if len(g.Screens) == 0 {
			continue
		}
		score := 0
		seen := map[string]bool{}
		count := func(s string) {
			for _, w := range words(s) {
				if want[w] && !seen[w] {
					seen[w] = true
					score++
				}
			}
		}
		count(app)
		for _, sc := range g.Screens {
			count(sc.Title)
			for _, e := range sc.Elements {
				count(e.Label)
			}
		}
		gs = append(gs, scored{g, score})
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].score > gs[j].score })
	// Every app's first screen, the best fitting app first; then the other
	// screens of each, in the same order, while they fit.
	var b strings.Builder
	add := func(line string) bool {
		if perception.EstimateTokens(b.String()+line) > maxTok {
			return false
		}
		b.WriteString(line)
		return true
	}
	rest := make([][]string, len(gs))
	for i, s := range gs {
		lines := describeGraph(s.g)
		if len(lines) < 2 || !add(fmt.Sprintf("App %s:\n%s\n", s.g.App, lines[0])) {
			continue
		}
		rest[i] = lines[1:]
	}
	for i, s := range gs {
		// The heading only with a screen under it.
		if len(rest[i]) == 0 || !add(fmt.Sprintf("More screens of %s:\n%s\n", s.g.App, rest[i][0])) {
			continue
		}
		for _, l := range rest[i][1:] {
			if !add(l + "\n") {
				break
			}
		}
	}
	return strings.TrimSpace(b.String()), nil
}

var stopWords = map[string]bool{"the": true, "and": true, "for": true, "turn": true, "with": true, "from": true, "what": true, "send": true, "set": true,
	"open": true, "find": true, "tell": true, "this": true, "that": true, "into": true, "off": true, "on": true, "to": true, "in": true, "of": true, "my": true,
	"is": true, "at": true, "am": true, "pm": true, "a": true, "an": true, "it": true, "me": true}

// describeGraph writes one app's screens, a line each: the one it opens
// on first, then breadth-first, each with its title and its elements and
// the screen each leads to.
func describeGraph(g memory.Graph) []string {
	entry, ok := g.Entry()
	order := []string{}
	seen := map[string]bool{}
	if ok {
		order, seen[entry.Signature] = append(order, entry.Signature), true
	}
	for i := 0; i < len(order); i++ {
		for _, e := range g.Screens[order[i]].Elements {
			if e.Leads != "" && !seen[e.Leads] {
				if _, known := g.Screens[e.Leads]; known {
					seen[e.Leads] = true
					order = append(order, e.Leads)
				}
			}
		}
	}
	var rest []string
	for sig := range g.Screens {
		if !seen[sig] {
			rest = append(rest, sig)
		}
	}
	sort.Strings(rest)
	order = append(order, rest...)
	title := func(sig string) string {
		sc := g.Screens[sig]
		if sc.Title != "" {
			return sc.Title
		}
		a := sc.Activity
		if i := strings.LastIndexByte(a, '.'); i >= 0 {
			a = a[i+1:]
		}
		return a
	}
	// Screens that look alike (one per contact, per app) are written once.
	type line struct {
		text string
		n    int
	}
	var lines []*line
	var bare []string
	byKey := map[string]*line{}
	for _, sig := range order {
		sc := g.Screens[sig]
		var parts []string
		for _, e := range sc.Elements {
			if len([]rune(strings.TrimSpace(e.Label))) <= 1 || strings.EqualFold(e.Label, "Navigate up") {
				continue // a back arrow
			}
			if len(parts) == maxElements {
				parts = append(parts, "…")
				break
			}
			p := fmt.Sprintf("%q", excerpt(e.Label, 40))
			switch {
			case e.Held != "":
				p += " (held by the safety gate)"
			case e.Leads != "" && e.Leads != sig:
				p += " → " + fmt.Sprintf("%q", excerpt(title(e.Leads), 40))
			}
			if id := shortID(e.Selector.ResourceID); id != "" {
				p += " id:" + id
			}
			parts = append(parts, p)
		}
		text := fmt.Sprintf("- screen %q", excerpt(title(sig), 40))
		if sc.Entry {
			text += " (the app opens here)"
		}
		if len(parts) > 0 {
			text += ": " + strings.Join(parts, "; ")
		}
		if shows := plainLabels(sc); len(shows) > 0 {
			text += "; it also shows " + strings.Join(shows, ", ")
		}
		if len(parts) == 0 && !sc.Entry {
			bare = append(bare, fmt.Sprintf("%q", excerpt(title(sig), 40)))
			continue
		}
		// The key leaves out numbers: one contact's page is like another's.
		var kw []string
		for _, p := range parts {
			for _, w := range words(p) {
				if strings.IndexFunc(w, unicode.IsDigit) < 0 {
					kw = append(kw, w)
				}
			}
			kw = append(kw, "|")
		}
		key := strings.Join(kw, " ")
		if l, ok := byKey[key]; ok && !sc.Entry {
			l.n++
			continue
		}
		l := &line{text: text, n: 1}
		byKey[key] = l
		lines = append(lines, l)
	}
	var out []string
	for _, l := range lines {
		text := l.text
		if l.n > 1 {
			text += fmt.Sprintf(" (and %d more screens like it)", l.n-1)
		}
		out = append(out, text)
	}
	if len(bare) > 0 {
		out = append(out, "- screens with nothing to tap: "+strings.Join(bare, ", "))
	}
	return out
}

// maxElements bounds the elements listed for one screen.
const maxElements = 12

func shortID(id string) string {
	if i := strings.LastIndex(id, ":id/"); i >= 0 {
		return id[i+len(":id/"):]
	}
	return ""
}

// plainLabels are the labels of a screen that are not its elements (its
// headings, the names of its fields), as memory normalised them.
func plainLabels(sc memory.Screen) []string {
	el := map[string]bool{}
	for _, e := range sc.Elements {
		el[strings.Join(words(e.Label), " ")] = true
	}
	title := strings.Join(words(sc.Title), " ")
	var out []string
	for _, l := range sc.Labels {
		if el[l] || l == title || strings.HasSuffix(l, "(switch)") {
			continue
		}
		if len(out) == 8 {
			out = append(out, "…")
			break
		}
		out = append(out, fmt.Sprintf("%q", excerpt(l, 30)))
	}
	return out
}
