package script

import (
	"context"
	"fmt"
	"sort"
	"strings"

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
	// MaxTokens caps the text (perception.EstimateTokens); 0 means 900.
	MaxTokens int
	// Apps, when set, are the only apps described (packages); the steward
	// sets its staff's app.
	Apps []string
}

// AppKnowledge describes the explored apps that fit task, the best
// fitting first, within the token cap.
func (k StoreKnowledge) AppKnowledge(ctx context.Context, task string) (string, error) {
	if k.Store == nil {
		return "", nil
	}
	maxTok := k.MaxTokens
	if maxTok <= 0 {
		maxTok = 900
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
		if len(w) > 2 && !stopWords[w] {
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
		if score > 0 || len(k.Apps) > 0 {
			gs = append(gs, scored{g, score})
		}
	}
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].score > gs[j].score })
	var b strings.Builder
	for _, s := range gs {
		text := describeGraph(s.g)
		if perception.EstimateTokens(b.String()+text) > maxTok {
			// Cut this app's description to what fits, by whole lines.
			for _, line := range strings.SplitAfter(text, "\n") {
				if perception.EstimateTokens(b.String()+line) > maxTok {
					break
				}
				b.WriteString(line)
			}
			break
		}
		b.WriteString(text)
	}
	return strings.TrimSpace(b.String()), nil
}

var stopWords = map[string]bool{"the": true, "and": true, "for": true, "turn": true, "with": true, "from": true, "what": true, "send": true, "set": true, "open": true, "find": true, "tell": true, "this": true, "that": true, "into": true, "off": true}

// describeGraph writes one app's screens, the one it opens on first, then
// breadth-first: each screen's title and its elements, with the screen
// each leads to.
func describeGraph(g memory.Graph) string {
	var b strings.Builder
	fmt.Fprintf(&b, "App %s:\n", g.App)
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
		if len(parts) == 0 && !sc.Entry {
			bare = append(bare, fmt.Sprintf("%q", excerpt(title(sig), 40)))
			continue
		}
		key := strings.Join(parts, "\x00")
		if l, ok := byKey[key]; ok && !sc.Entry {
			l.n++
			continue
		}
		l := &line{text: text, n: 1}
		byKey[key] = l
		lines = append(lines, l)
	}
	for _, l := range lines {
		b.WriteString(l.text)
		if l.n > 1 {
			fmt.Fprintf(&b, " (and %d more screens like it)", l.n-1)
		}
		b.WriteByte('\n')
	}
	if len(bare) > 0 {
		fmt.Fprintf(&b, "- screens with nothing to tap: %s\n", strings.Join(bare, ", "))
	}
	return b.String()
}

// maxElements bounds the elements listed for one screen.
const maxElements = 12

func shortID(id string) string {
	if i := strings.LastIndex(id, ":id/"); i >= 0 {
		return id[i+len(":id/"):]
	}
	return ""
}
