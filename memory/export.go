package memory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mobagent/mobagent/format"

	bolt "go.etcd.io/bbolt"
)

// DumpKind names the export in its "kind" field.
const DumpKind = "mobagent-memory"

// Dump is the JSON form of a whole store, as Export writes it and Import
// reads it: formats v2 ("format": 2, "kind": "mobagent-memory"; `mobagent
// schema memory-export`). Import also reads exports of format 1, whose
// "format" was the string "mobagent-memory" and whose run and benchmark
// durations were nanoseconds ("duration").
type Dump struct {
	Format      int           `json:"format"`
	Kind        string        `json:"kind"`
	Schema      int           `json:"schema"`
	Tips        []Tip         `json:"tips"`
	Shortcuts   []Shortcut    `json:"shortcuts"`
	Screens     []Screen      `json:"screens"`
	Transitions []Transition  `json:"transitions"`
	Runs        []Run         `json:"runs"`
	Bench       []BenchResult `json:"bench"`
}

// Count is the number of records in d.
func (d *Dump) Count() int {
	return len(d.Tips) + len(d.Shortcuts) + len(d.Screens) + len(d.Transitions) + len(d.Runs) + len(d.Bench)
}

// recordKey is the store key of each kind of record.
func transitionKey(t Transition) []byte { return key(t.App, t.From, t.Element.Key(), t.To) }
func screenKey(s Screen) []byte         { return key(s.App, s.Signature) }
func benchKey(r BenchResult) []byte     { return key(r.Suite, r.Task, r.RunID) }

// addRecord decodes one stored value of bucket into d.
func (d *Dump) addRecord(bucket string, k, v []byte) error {
	var err error
	switch bucket {
	case "tips":
		var t Tip
		if t, err = decode[Tip](bucket, k, v); err == nil {
			d.Tips = append(d.Tips, t)
		}
	case "shortcuts":
		var sc Shortcut
		if sc, err = decode[Shortcut](bucket, k, v); err == nil {
			d.Shortcuts = append(d.Shortcuts, sc)
		}
	case "screens":
		var sc Screen
		if sc, err = decode[Screen](bucket, k, v); err == nil {
			d.Screens = append(d.Screens, sc)
		}
	case "transitions":
		var t Transition
		if t, err = decode[Transition](bucket, k, v); err == nil {
			d.Transitions = append(d.Transitions, t)
		}
	case "runs":
		var r Run
		if r, err = decode[Run](bucket, k, v); err == nil {
			d.Runs = append(d.Runs, r)
		}
	case "bench":
		var r BenchResult
		if r, err = decode[BenchResult](bucket, k, v); err == nil {
			d.Bench = append(d.Bench, r)
		}
	}
	return err
}

func newDump() *Dump {
	return &Dump{Format: format.Version, Kind: DumpKind, Schema: SchemaVersion, Tips: []Tip{}, Shortcuts: []Shortcut{}, Screens: []Screen{},
		Transitions: []Transition{}, Runs: []Run{}, Bench: []BenchResult{}}
}

// Dump reads the whole store in one consistent transaction.
func (s *Store) Dump() (*Dump, error) {
	d := newDump()
	err := s.view(func(tx *bolt.Tx) error {
		for _, b := range dataBuckets {
			name := string(b)
			if err := scan(tx, b, nil, func(k, v []byte) error { return d.addRecord(name, k, v) }); err != nil {
				return err
			}
		}
		return nil
	})
	return d, err
}

// Export writes the whole store as indented JSON (a Dump).
func (s *Store) Export(w io.Writer) error {
	d, err := s.Dump()
	if err != nil {
		return err
	}
	return writeDump(w, d)
}

func writeDump(w io.Writer, d *Dump) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("memory: write the export: %w", err)
	}
	return nil
}

// ImportStats counts what Import wrote.
type ImportStats struct {
	Tips, Shortcuts, Screens, Transitions, Runs, Bench int
}

// Import reads a Dump (as Export writes it) and stores every record in one
// transaction, replacing records with the same key and keeping their
// counters and times as exported. Nothing is written when any record is
// invalid.
func (s *Store) Import(r io.Reader) (ImportStats, error) {
	var st ImportStats
	raw, err := io.ReadAll(r)
	if err != nil {
		return st, fmt.Errorf("memory: read the import: %w", err)
	}
	raw, err = upgradeDump(raw)
	if err != nil {
		return st, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var d Dump
	if err := dec.Decode(&d); err != nil {
		return st, fmt.Errorf("%w: the import is not a memory export: %v (produce one with `mobagent memory export`)", ErrInvalid, err)
	}
	if d.Format != format.Version || d.Kind != DumpKind {
		return st, fmt.Errorf("%w: the import has format %d and kind %q, want format %d and kind %q (produce one with `mobagent memory export`)", ErrInvalid, d.Format, d.Kind, format.Version, DumpKind)
	}
	if d.Schema > currentSchema {
		return st, fmt.Errorf("%w: the import has schema %d but this mobagent knows up to %d; upgrade mobagent", ErrSchemaTooNew, d.Schema, currentSchema)
	}
	for i, t := range d.Tips {
		if t.Text == "" || t.ID == "" {
			return st, fmt.Errorf("%w: tip %d of the import needs an id and text", ErrInvalid, i+1)
		}
	}
	for _, sc := range d.Shortcuts {
		if err := ValidateShortcut(sc); err != nil {
			return st, err
		}
	}
	for i, sc := range d.Screens {
		if sc.App == "" || sc.Signature == "" {
			return st, fmt.Errorf("%w: screen %d of the import needs an app and a signature", ErrInvalid, i+1)
		}
	}
	for i, t := range d.Transitions {
		if t.App == "" || t.From == "" || t.Element.empty() {
			return st, fmt.Errorf("%w: transition %d of the import needs an app, a from-screen and an element", ErrInvalid, i+1)
		}
	}
	for i, r := range d.Runs {
		if r.ID == "" {
			return st, fmt.Errorf("%w: run %d of the import has no id", ErrInvalid, i+1)
		}
	}
	for i, r := range d.Bench {
		if r.Suite == "" || r.Task == "" || r.RunID == "" {
			return st, fmt.Errorf("%w: benchmark result %d of the import needs a suite, a task and a run id", ErrInvalid, i+1)
		}
	}
	err = s.update(func(tx *bolt.Tx) error {
		put := func(b []byte, k []byte, v any, n *int) error {
			*n++
			return putJSON(tx.Bucket(b), k, v)
		}
		for _, t := range d.Tips {
			t.App = appKey(t.App)
			if err := put(bucketTips, tipKey(t), t, &st.Tips); err != nil {
				return err
			}
		}
		for _, sc := range d.Shortcuts {
			if err := put(bucketShortcuts, []byte(sc.Name), sc, &st.Shortcuts); err != nil {
				return err
			}
		}
		for _, sc := range d.Screens {
			if err := put(bucketScreens, screenKey(sc), sc, &st.Screens); err != nil {
				return err
			}
		}
		for _, t := range d.Transitions {
			if err := put(bucketTransitions, transitionKey(t), t, &st.Transitions); err != nil {
				return err
			}
		}
		for _, r := range d.Runs {
			if err := put(bucketRuns, []byte(r.ID), r, &st.Runs); err != nil {
				return err
			}
		}
		for _, r := range d.Bench {
			if err := put(bucketBench, benchKey(r), r, &st.Bench); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ImportStats{}, err
	}
	return st, nil
}

// upgradeDump turns a format-1 export into format 2 (see Dump); a format-2
// export is returned as it is.
func upgradeDump(raw []byte) ([]byte, error) {
	var head struct {
		Format json.RawMessage `json:"format"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("%w: the import is not JSON: %v (produce one with `mobagent memory export`)", ErrInvalid, err)
	}
	var old string
	if json.Unmarshal(head.Format, &old) != nil || old != DumpKind {
		return raw, nil
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%w: the import is not a memory export: %v", ErrInvalid, err)
	}
	d["format"], _ = json.Marshal(format.Version)
	d["kind"], _ = json.Marshal(DumpKind)
	for _, k := range []string{"runs", "bench"} {
		var recs []map[string]json.RawMessage
		if len(d[k]) == 0 || json.Unmarshal(d[k], &recs) != nil {
			continue
		}
		for _, rec := range recs {
			nanosToMillis(rec)
		}
		d[k], _ = json.Marshal(recs)
	}
	return json.Marshal(d)
}

// nanosToMillis renames a record's "duration" in nanoseconds to
// "duration_ms" (formats v2).
func nanosToMillis(rec map[string]json.RawMessage) bool {
	v, ok := rec["duration"]
	if !ok {
		return false
	}
	var ns float64
	if json.Unmarshal(v, &ns) == nil {
		rec["duration_ms"], _ = json.Marshal(format.Millis(ns))
	}
	delete(rec, "duration")
	return true
}
