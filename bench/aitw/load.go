package aitw

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mobagent/mobagent/actions"
)

// LoadOptions says which episodes to read and what to keep. The zero value
// reads every episode without screenshots.
type LoadOptions struct {
	// Images keeps each step's screenshot loader. For TFRecord files this
	// holds the raw pixels of the episode in memory until it is dropped.
	Images bool
	// SplitFile is a split file {"train":[ids],"validation":[...],"test":[...]};
	// when set only episodes in Split are read.
	SplitFile string
	// Split names the split in SplitFile; empty means "test".
	Split string
	// Subsets keeps only these subsets; empty keeps all.
	Subsets []Subset
	// Subset is the subset of steps whose source does not say one (neither a
	// field nor the official folder layout); empty means SubsetUnknown.
	Subset Subset
}

// Load reads every episode at path into memory. path is a file, a directory
// (searched recursively) or a glob. Prefer [Episodes] for the full dataset.
func Load(ctx context.Context, path string, opts LoadOptions) ([]*Episode, error) {
	var out []*Episode
	for ep, err := range Episodes(ctx, path, opts) {
		if err != nil {
			return nil, err
		}
		out = append(out, ep)
	}
	return out, nil
}

// Episodes streams the episodes at path (a file, a directory searched
// recursively, or a glob) in file order, one at a time, so the full AitW
// dataset never sits in memory. Each file may be an official TFRecord file
// (GZIP or not), a JSON Lines file with the official feature names, a JSON
// array in either of those forms, or an AiTZ/CoAT episode JSON; the format is
// detected from the content.
//
// A file's steps must be grouped by episode, as the official files are; an
// episode seen twice is an error. The iteration stops at the first error,
// which names the file and record or line.
func Episodes(ctx context.Context, path string, opts LoadOptions) iter.Seq2[*Episode, error] {
	return func(yield func(*Episode, error) bool) {
		g, err := newGrouper(opts, yield)
		if err != nil {
			yield(nil, err)
			return
		}
		files, err := resolvePath(path)
		if err != nil {
			yield(nil, err)
			return
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			stop, err := readFile(ctx, f.path, f.explicit, opts, g)
			if err != nil {
				yield(nil, err)
				return
			}
			if stop || !g.flush() {
				return
			}
		}
	}
}

type foundFile struct {
	path     string
	explicit bool // named by the user rather than found in a directory
}

// skipExt lists extensions that a directory walk never reads as data.
var skipExt = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".webp": true, ".md": true,
	".txt": true, ".html": true, ".csv": true, ".py": true}

func resolvePath(path string) ([]foundFile, error) {
	var roots []string
	if _, err := os.Stat(path); err == nil {
		roots = []string{path}
	} else {
		matches, gerr := filepath.Glob(path)
		if gerr != nil {
			return nil, fmt.Errorf("aitw: episodes path %q: %w", path, gerr)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("aitw: episodes path %q: no such file, directory or glob match: %w", path, fs.ErrNotExist)
		}
		roots = matches
	}
	var files []foundFile
	for _, root := range roots {
		st, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("aitw: episodes path: %w", err)
		}
		if !st.IsDir() {
			files = append(files, foundFile{path: root, explicit: true})
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if p != root && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || skipExt[strings.ToLower(filepath.Ext(name))] {
				return nil
			}
			files = append(files, foundFile{path: p})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("aitw: episodes path %q: %w", root, err)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("aitw: episodes path %q holds no data files: give TFRecord, JSON Lines or AiTZ/CoAT JSON files", path)
	}
	return files, nil
}

// subsetFromPath finds the subset in the official folder layout: the nearest
// folder of p named general, install, google_apps, single or web_shopping.
func subsetFromPath(p string) (Subset, bool) {
	dir := filepath.Dir(p)
	for {
		if s, err := ParseSubset(filepath.Base(dir)); err == nil {
			return s, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// readFile reads one data file into g. stop is true when the consumer stopped
// the iteration.
func readFile(ctx context.Context, path string, explicit bool, opts LoadOptions, g *grouper) (stop bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("aitw: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	var content *bufio.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return false, &RecordError{File: path, Err: fmt.Errorf("gzip header: %w", err)}
		}
		defer gz.Close()
		content = bufio.NewReaderSize(gz, 256<<10)
	}
	first := sniff(content)
	subset, ok := subsetFromPath(path)
	if !ok {
		subset = opts.Subset
	}
	switch first {
	case '{':
		return readJSONLines(ctx, path, explicit, content, subset, opts, g)
	case '[':
		return readJSONArray(ctx, path, content, subset, opts, g)
	case 0:
		return false, nil // empty file
	case 'x':
		head, _ := content.Peek(40)
		return false, &LineError{File: path, Line: 1, Err: fmt.Errorf("not a JSON object (it starts %q): an episodes .jsonl file holds one JSON object a step with the official AitW feature names (goal_info, step_id, image/encoded, ...), and a TFRecord file is binary",
			actions.Excerpt(string(head), 30))}
	}
	return readTFRecords(ctx, path, content, subset, opts, g)
}

// sniff says what a (decompressed) data file holds: 't' for TFRecord (its
// first length checksum is valid, or anything else binary), '{' or '[' for
// JSON, 'x' for text that is neither, 0 for an empty file.
func sniff(r *bufio.Reader) byte {
	b, _ := r.Peek(4096)
	if len(b) == 0 {
		return 0
	}
	if len(b) >= 12 && maskedCRC(b[:8]) == binary.LittleEndian.Uint32(b[8:12]) {
		return 't'
	}
	for _, c := range b {
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			continue
		}
		if c == '{' || c == '[' {
			return c
		}
		break
	}
	text := b
	if len(text) == 4096 {
		text = text[:len(text)-utf8.UTFMax] // the peek may end inside a character
	}
	if utf8.Valid(text) && !bytes.ContainsRune(text, 0) {
		return 'x' // text, and not JSON
	}
	return 't' // binary and not JSON: let the TFRecord reader say what is wrong
}

// grouper turns a stream of steps into episodes, applying the filters.
type grouper struct {
	opts    LoadOptions
	split   map[string]bool
	subsets map[Subset]bool
	cur     *Episode
	curFrom string
	done    map[string]string // episode id -> where it was completed
	yield   func(*Episode, error) bool
}

func newGrouper(opts LoadOptions, yield func(*Episode, error) bool) (*grouper, error) {
	g := &grouper{opts: opts, done: map[string]string{}, yield: yield}
	if opts.SplitFile != "" {
		name := opts.Split
		if name == "" {
			name = "test"
		}
		ids, err := ReadSplit(opts.SplitFile, name)
		if err != nil {
			return nil, err
		}
		g.split = ids
	}
	if len(opts.Subsets) > 0 {
		g.subsets = map[Subset]bool{}
		for _, s := range opts.Subsets {
			g.subsets[s] = true
		}
	}
	return g, nil
}

// wants reports whether steps of episode id in subset pass the filters.
func (g *grouper) wants(id string, subset Subset) bool {
	if g.split != nil && !g.split[id] {
		return false
	}
	return g.subsets == nil || g.subsets[subset]
}

// add appends s, read at where, to the current episode. It returns false when
// the consumer stopped.
func (g *grouper) add(s Step, where string) (bool, error) {
	if g.cur != nil && g.cur.ID == s.EpisodeID {
		g.cur.Steps = append(g.cur.Steps, s)
		return true, nil
	}
	if !g.flush() {
		return false, nil
	}
	if prev, ok := g.done[s.EpisodeID]; ok {
		return false, fmt.Errorf("aitw: %s: episode %s appears again after its steps ended at %s: keep each episode's steps together and give each episode once (a folder may hold it in two formats)",
			where, s.EpisodeID, prev)
	}
	g.cur = &Episode{ID: s.EpisodeID, Goal: s.Goal, Subset: s.Subset, Steps: []Step{s}}
	g.curFrom = where
	return true, nil
}

// flush completes the current episode and hands it on. It returns false when
// the consumer stopped.
func (g *grouper) flush() bool {
	ep := g.cur
	if ep == nil {
		return true
	}
	g.cur = nil
	g.done[ep.ID] = g.curFrom
	slices.SortStableFunc(ep.Steps, func(a, b Step) int { return a.StepID - b.StepID })
	for i := 1; i < len(ep.Steps); i++ {
		if ep.Steps[i].StepID == ep.Steps[i-1].StepID {
			return g.yield(nil, fmt.Errorf("aitw: %s: episode %s has step %d twice: remove the duplicate",
				g.curFrom, ep.ID, ep.Steps[i].StepID))
		}
	}
	if !g.wants(ep.ID, ep.Subset) {
		return true
	}
	return g.yield(ep, nil)
}

// ReadSplit reads a split file {"train":[ids],"validation":[...],"test":[...]}
// and returns the episode ids of the named split. Ids may be strings or
// numbers.
func ReadSplit(path, name string) (map[string]bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("aitw: split file: %w", err)
	}
	var splits map[string][]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&splits); err != nil {
		return nil, fmt.Errorf("aitw: split file %s: %w: want {\"train\":[ids],\"validation\":[...],\"test\":[...]}", path, err)
	}
	raw, ok := splits[name]
	if !ok {
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range splits {
				if !yield(k) {
					return
				}
			}
		})
		return nil, fmt.Errorf("aitw: split file %s has no split %q: choose one of %s", path, name, strings.Join(names, ", "))
	}
	ids := make(map[string]bool, len(raw))
	for i, r := range raw {
		id, err := flexID(r)
		if err != nil {
			return nil, fmt.Errorf("aitw: split file %s: %s[%d]: %w", path, name, i, err)
		}
		ids[id] = true
	}
	return ids, nil
}

// flexID reads an id given as a JSON string or number, keeping every digit of
// large numbers.
func flexID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", fmt.Errorf("id %s is neither a string nor a number", raw)
	}
	return n.String(), nil
}
