package memory

import (
	"bytes"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// NewTip is a tip proposed after a run.
type NewTip struct {
	App  string // package, or "" / GlobalApp for every app
	Text string
	// Replaces is the id of an existing tip this one corrects; its text is
	// replaced and its counters kept.
	Replaces string
}

// TipChanges says what AddTips did.
type TipChanges struct {
	Added   []Tip `json:"added,omitempty"`
	Merged  []Tip `json:"merged,omitempty"`  // an existing near-duplicate was confirmed (Helped+1)
	Updated []Tip `json:"updated,omitempty"` // an existing tip's text was replaced
	Evicted []Tip `json:"evicted,omitempty"` // dropped by the per-app cap
}

// similarTips is the word-set similarity above which two tips are the same
// advice.
const similarTips = 0.7

// sameAdvice reports whether two tip texts say the same thing: equal or
// containing one another after normalisation, or with word sets at least
// similarTips alike.
func sameAdvice(a, b string) bool {
	na, nb := normalize(a), normalize(b)
	if na == "" || nb == "" {
		return false
	}
	if na == nb || strings.Contains(na, nb) || strings.Contains(nb, na) {
		return true
	}
	return jaccard(terms(a), terms(b)) >= similarTips
}

// AddTips merges proposed tips into the store in one transaction: a tip
// that repeats an existing one (sameAdvice) confirms it (Helped+1) instead
// of being added; Replaces rewrites the named tip; and each app keeps at
// most Options.MaxTipsPerApp tips, evicting the least helpful, least
// recently used first. source is the run the tips came from.
func (s *Store) AddTips(tips []NewTip, source string) (TipChanges, error) {
	var ch TipChanges
	now := s.now()
	err := s.update(func(tx *bolt.Tx) error {
		ch = TipChanges{}
		byApp := map[string][]Tip{}
		var apps []string // in the order first touched
		for _, nt := range tips {
			text := strings.TrimSpace(nt.Text)
			if text == "" {
				continue
			}
			app := appKey(nt.App)
			ts, ok := byApp[app]
			if !ok {
				var err error
				if ts, err = loadTips(tx, app); err != nil {
					return err
				}
				apps = append(apps, app)
			}
			byApp[app] = mergeTip(ts, Tip{ID: TipID(app, text), App: app, Text: text, Source: source, Created: now, Updated: now, LastUsed: now}, nt.Replaces, &ch)
		}
		for _, app := range apps {
			ts := evictTips(byApp[app], s.opts.MaxTipsPerApp, &ch)
			if err := rewriteTips(tx, app, ts); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return TipChanges{}, err
	}
	return ch, nil
}

// loadTips reads an app's tips.
func loadTips(tx *bolt.Tx, app string) ([]Tip, error) {
	var ts []Tip
	err := scan(tx, bucketTips, key(app, ""), func(k, v []byte) error {
		t, err := decode[Tip]("tips", k, v)
		ts = append(ts, t)
		return err
	})
	return ts, err
}

// mergeTip adds the new tip nt to an app's tips ts: it rewrites the tip
// named by replaces when there is one, confirms a tip that gives the same
// advice, or appends nt. ch records which.
func mergeTip(ts []Tip, nt Tip, replaces string, ch *TipChanges) []Tip {
	now := nt.Updated
	if replaces != "" {
		if i := indexTip(ts, replaces); i >= 0 {
			ts[i].Text, ts[i].Updated, ts[i].LastUsed = nt.Text, now, now
			if nt.Source != "" {
				ts[i].Source = nt.Source
			}
			ch.Updated = append(ch.Updated, ts[i])
			return ts
		}
	}
	for i := range ts {
		if sameAdvice(ts[i].Text, nt.Text) {
			ts[i].Helped++
			ts[i].Updated, ts[i].LastUsed = now, now
			ch.Merged = append(ch.Merged, ts[i])
			return ts
		}
	}
	ch.Added = append(ch.Added, nt)
	return append(ts, nt)
}

// evictTips keeps at most limit tips: the least helpful go first (an untried
// tip ranks below one that helped), then the least recently used. ch
// records the evicted.
func evictTips(ts []Tip, limit int, ch *TipChanges) []Tip {
	over := len(ts) - limit
	if over <= 0 {
		return ts
	}
	order := append([]Tip(nil), ts...)
	sort.SliceStable(order, func(i, j int) bool {
		ri, rj := tipRank(order[i]), tipRank(order[j])
		if ri != rj {
			return ri < rj
		}
		return order[i].LastUsed.Before(order[j].LastUsed)
	})
	gone := map[string]bool{}
	for _, t := range order[:over] {
		gone[t.ID] = true
		ch.Evicted = append(ch.Evicted, t)
	}
	var keep []Tip
	for _, t := range ts {
		if !gone[t.ID] {
			keep = append(keep, t)
		}
	}
	return keep
}

// rewriteTips replaces an app's tips in the store with ts.
func rewriteTips(tx *bolt.Tx, app string, ts []Tip) error {
	b := tx.Bucket(bucketTips)
	var old [][]byte
	_ = scan(tx, bucketTips, key(app, ""), func(k, v []byte) error {
		old = append(old, bytes.Clone(k))
		return nil
	})
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	for _, t := range ts {
		if err := putJSON(b, tipKey(t), t); err != nil {
			return err
		}
	}
	return nil
}

func indexTip(ts []Tip, id string) int {
	for i, t := range ts {
		if t.ID == id {
			return i
		}
	}
	return -1
}
