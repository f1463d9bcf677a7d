package mobilebench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mobagent/mobagent/format"
)

// Scores are CheckPoint figures over a group of items. Level scores are
// fractions (0–1) averaged over items; PassRate is the share of items whose
// episode the agent declared finished.
type Scores struct {
	// Items is how many items were scored; Histories how many of them had a
	// history line (the others scored as an empty, unfinished history).
	Items     int `json:"items"`
	Histories int `json:"histories"`
	Finished  int `json:"finished"`
	// Level1 is the mean package coverage, Level2 the mean check-point
	// score.
	Level1   float64 `json:"level1"`
	Level2   float64 `json:"level2"`
	PassRate float64 `json:"pass_rate"`
	// Level1Items and Level2Items are how many items the means are over:
	// all of them in reference scoring; in fixed scoring, those that name a
	// package and those that have something to check.
	Level1Items int `json:"level1_items"`
	Level2Items int `json:"level2_items"`

	l1, l2 float64 // running sums, in item order as the reference adds them
}

func (s *Scores) add(r Result, hasHistory, finished bool, mode Mode) {
	s.Items++
	s.Histories += b2i(hasHistory)
	s.Finished += b2i(finished)
	if mode == Reference || r.Level1.Den > 0 {
		s.l1 += r.Level1.Float()
		s.Level1Items++
	}
	if mode == Reference || r.Level2.Den > 0 {
		s.l2 += r.Level2.Float()
		s.Level2Items++
	}
	s.Level1 = mean(s.l1, s.Level1Items)
	s.Level2 = mean(s.l2, s.Level2Items)
	s.PassRate = mean(float64(s.Finished), s.Items)
}

func mean(sum float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// ItemResult is one item's score in a report.
type ItemResult struct {
	Set        Set    `json:"set"`
	ID         int    `json:"id"`
	HasHistory bool   `json:"has_history"`
	Finished   bool   `json:"finished"`
	Result     Result `json:"-"`
}

// Report is the result of scoring histories in one mode.
type Report struct {
	Format  int    `json:"format"`
	Scoring string `json:"scoring"`
	Scores
	Sets map[Set]*Scores `json:"sets"`
	// UnscoredKeys counts, per check-point key that no scoring reads
	// (to_speak, txt, resourceId, …), the items that have it.
	UnscoredKeys map[string]int `json:"unscored_check_point_keys,omitempty"`
	// Missing lists the items without a history line, in item order.
	Missing []string `json:"missing_histories,omitempty"`
	// Fixed, when asked for, is the same histories under fixed scoring.
	Fixed *Report `json:"fixed,omitempty"`
	// Results holds each item's score, in item order; not written to JSON.
	Results []ItemResult `json:"-"`
}

// Evaluate scores the episodes against the items in mode: every item is
// scored once, with its episode's history or, when it has none, with an
// empty history that is not finished. An episode for an item that is not in
// items, or two items of one set with one id, is an error.
func Evaluate(items []Item, eps []Episode, mode Mode) (*Report, error) {
	byKey := make(map[itemKey]*Episode, len(eps))
	for i := range eps {
		byKey[itemKey{eps[i].Set, eps[i].ID}] = &eps[i]
	}
	where := make(map[itemKey]string, len(items))
	for _, it := range items {
		k := itemKey{it.Set, it.ID}
		if first, dup := where[k]; dup {
			return nil, fmt.Errorf("mobilebench: %w: %s id %d is in the items twice (%s and %s); give each set's items once",
				ErrDuplicateID, it.Set, it.ID, first, orUnknown(it.src))
		}
		where[k] = orUnknown(it.src)
	}
	loaded := make(map[Set]int)
	for _, it := range items {
		loaded[it.Set]++
	}
	for _, ep := range eps {
		if _, ok := where[itemKey{ep.Set, ep.ID}]; !ok {
			hint := fmt.Sprintf("the %d %s items loaded do not include it", loaded[ep.Set], ep.Set)
			if loaded[ep.Set] == 0 {
				hint = fmt.Sprintf("no %s items are loaded; add the %s file to the items", ep.Set, ep.Set.fileStem()+".json")
			}
			return nil, fmt.Errorf("mobilebench: %s: %w: %s id %d: %s", orUnknown(ep.src), ErrUnknownID, ep.Set, ep.ID, hint)
		}
	}
	rep := &Report{Format: format.Version, Scoring: mode.String(), Sets: make(map[Set]*Scores)}
	rep.Results = make([]ItemResult, 0, len(items))
	for _, it := range items {
		ep := byKey[itemKey{it.Set, it.ID}]
		var h []string
		var finished bool
		if ep != nil {
			h, finished = ep.History, ep.Finished
		} else {
			rep.Missing = append(rep.Missing, fmt.Sprintf("%s %d", it.Set, it.ID))
		}
		r := Score(it, h, mode)
		rep.Results = append(rep.Results, ItemResult{Set: it.Set, ID: it.ID, HasHistory: ep != nil, Finished: finished, Result: r})
		rep.Scores.add(r, ep != nil, finished, mode)
		s := rep.Sets[it.Set]
		if s == nil {
			s = new(Scores)
			rep.Sets[it.Set] = s
		}
		s.add(r, ep != nil, finished, mode)
		for k := range it.CheckPoint.Extra {
			if rep.UnscoredKeys == nil {
				rep.UnscoredKeys = make(map[string]int)
			}
			rep.UnscoredKeys[k]++
		}
	}
	return rep, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "(given directly)"
	}
	return s
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteMarkdown writes r as Markdown: a table per scoring, one row per set
// and one for all items.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Mobile-Bench CheckPoint scores\n\n")
	fmt.Fprintf(&b, "%d items, %d with a history", r.Items, r.Histories)
	if n := r.Items - r.Histories; n > 0 {
		fmt.Fprintf(&b, "; the other %d score as an empty, unfinished history", n)
	}
	b.WriteString(". Level 1 is the package coverage, level 2 the check-point score, both fractions averaged over items; the pass rate is the share of episodes the agent declared finished.\n\n")
	r.table(&b, "## Reference scoring (as the benchmark's code computes it, comparable with published figures)")
	if r.Fixed != nil {
		b.WriteString("\n")
		r.Fixed.table(&b, "## Fixed scoring (the reference's quirks repaired; not comparable with published figures)")
		b.WriteString("\nFixed scoring averages level 1 over the items that name a package and level 2 over the items with something to check (the *items* columns).\n")
	}
	if len(r.UnscoredKeys) > 0 {
		b.WriteString("\nCheck-point keys neither scoring reads (items with the key): ")
		keys := slices.Sorted(maps.Keys(r.UnscoredKeys))
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s` (%d)", k, r.UnscoredKeys[k])
		}
		b.WriteString(".\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) table(b *strings.Builder, title string) {
	fixed := r.Scoring == Fixed.String()
	b.WriteString(title + "\n\n")
	if fixed {
		b.WriteString("| set | items | histories | level 1 | level-1 items | level 2 | level-2 items | pass rate |\n|---|---:|---:|---:|---:|---:|---:|---:|\n")
	} else {
		b.WriteString("| set | items | histories | level 1 | level 2 | pass rate |\n|---|---:|---:|---:|---:|---:|\n")
	}
	row := func(name string, s *Scores) {
		if fixed {
			fmt.Fprintf(b, "| %s | %d | %d | %.4f | %d | %.4f | %d | %.4f |\n", name, s.Items, s.Histories, s.Level1, s.Level1Items, s.Level2, s.Level2Items, s.PassRate)
		} else {
			fmt.Fprintf(b, "| %s | %d | %d | %.4f | %.4f | %.4f |\n", name, s.Items, s.Histories, s.Level1, s.Level2, s.PassRate)
		}
	}
	for _, set := range sets {
		if s := r.Sets[set]; s != nil {
			row(string(set), s)
		}
	}
	row("**all**", &r.Scores)
}
