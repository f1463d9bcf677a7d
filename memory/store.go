package memory

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this package reads and writes.
const SchemaVersion = 2

// Bucket names.
var (
	bucketMeta        = []byte("meta")
	bucketTips        = []byte("tips")
	bucketShortcuts   = []byte("shortcuts")
	bucketScreens     = []byte("screens")
	bucketTransitions = []byte("transitions")
	bucketRuns        = []byte("runs")
	bucketBench       = []byte("bench")

	dataBuckets = [][]byte{bucketTips, bucketShortcuts, bucketScreens, bucketTransitions, bucketRuns, bucketBench}
)

// Errors callers test with errors.Is.
var (
	// ErrLocked: another process holds the file.
	ErrLocked = errors.New("memory store is locked by another process")
	// ErrCorrupt: the file is damaged.
	ErrCorrupt = errors.New("memory store is corrupt")
	// ErrSchemaTooNew: a newer mobagent wrote the file.
	ErrSchemaTooNew = errors.New("memory store has a newer schema")
	// ErrNotFound: no record under that name or id.
	ErrNotFound = errors.New("not found in memory")
	// ErrInvalid: a record that cannot be stored as given.
	ErrInvalid = errors.New("invalid memory record")
	// ErrNotAStore: the path names something that is not a store file (a
	// directory).
	ErrNotAStore = errors.New("not a memory store")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("memory store is closed")
)

// Options configure Open. The zero value works.
type Options struct {
	// Logger receives what the store does; nil discards.
	Logger *slog.Logger
	// LockTimeout is how long Open waits for another process to release
	// the file. Zero means 2s; negative means fail at once.
	LockTimeout time.Duration
	// ReadOnly opens the file without writing (no migration; a file of an
	// older schema is refused). Several read-only openers may share it.
	ReadOnly bool
	// SkipCheck skips the consistency check Open runs (it reads every page;
	// about a millisecond per megabyte).
	SkipCheck bool
	// NoSync skips fsync on commit. For tests and benchmarks only: a crash
	// may then lose committed data.
	NoSync bool
	// MaxTipsPerApp caps the tips kept per app (and for global tips) by
	// AddTips (and so agents/evolve). Zero means 50.
	MaxTipsPerApp int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Store is the memory file. It is safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	opts Options
	log  *slog.Logger
}

// DefaultPath is $XDG_DATA_HOME/mobagent/memory.db, else
// ~/.local/share/mobagent/memory.db.
func DefaultPath() (string, error) {
	return defaultPath(os.Getenv)
}

// DefaultPathEnv is DefaultPath reading the environment through getenv
// (the CLI's injected environment).
func DefaultPathEnv(getenv func(string) string) (string, error) { return defaultPath(getenv) }

func defaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mobagent", "memory.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("memory: no default store path: neither XDG_DATA_HOME nor HOME is set; give the store a path: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "mobagent", "memory.db"), nil
}

// Open opens (creating if needed) the store at path; empty path means
// DefaultPath. It fails with ErrLocked when another process holds the file
// beyond Options.LockTimeout, ErrCorrupt when the file is damaged (see
// Salvage), and ErrSchemaTooNew when a newer mobagent wrote it. An older
// schema is migrated in one transaction.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxTipsPerApp <= 0 {
		opts.MaxTipsPerApp = 50
	}
	timeout := opts.LockTimeout
	switch {
	case timeout == 0:
		timeout = 2 * time.Second
	case timeout < 0:
		timeout = time.Nanosecond
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("memory: create the directory of %s: %w (give the store another path)", path, err)
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%w: %s is a directory; give the path of the store's file, such as %s", ErrNotAStore, path, filepath.Join(path, "memory.db"))
	}
	if err := precheck(path); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly, NoSync: opts.NoSync, NoGrowSync: opts.NoSync})
	if err != nil {
		return nil, openError(path, timeout, err)
	}
	s := &Store{db: db, path: path, opts: opts, log: log}
	if !opts.SkipCheck {
		if err := s.Check(); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	log.Debug("memory store open", "path", path, "schema", SchemaVersion)
	return s, nil
}

func openError(path string, timeout time.Duration, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("%w: %s is held by another mobagent (waited %s); wait for it to finish, or use another file", ErrLocked, path, timeout)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return corruptError(path, err)
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("memory: %s does not exist: %w", path, err)
	}
	return fmt.Errorf("memory: open %s: %w", path, err)
}

func corruptError(path string, err error) error {
	return &CorruptError{Path: path, Err: err}
}

// CorruptError is a damaged store file. It matches ErrCorrupt. Salvage
// exports what can still be read.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%v: %s is damaged (%v); export what can still be read (memory.Salvage), move the file away and import the export into a fresh store", ErrCorrupt, e.Path, e.Err)
}

// Is matches ErrCorrupt.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }

// Unwrap returns the damage found.
func (e *CorruptError) Unwrap() error { return e.Err }

// precheck reads the meta pages of an existing file before Bolt maps it, so
// that a truncated file is refused instead of faulting on a missing page.
func precheck(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("memory: open %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("memory: stat %s: %w", path, err)
	}
	if st.Size() == 0 {
		return nil
	}
	m, err := readMeta(f)
	if err != nil {
		return corruptError(path, err)
	}
	if need := int64(m.pgid) * int64(m.pageSize); st.Size() < need {
		return corruptError(path, fmt.Errorf("the file is %d bytes but its pages need %d (truncated)", st.Size(), need))
	}
	return nil
}

// boltMeta is the part of a Bolt meta page the store reads.
type boltMeta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64
	txid     uint64
	valid    bool
}

const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaChecksumOff = 56 // offset of the checksum inside the meta struct
)

// parseMeta decodes the meta struct at the start of b (after the page
// header) and checks its magic, version and checksum.
func parseMeta(b []byte) (boltMeta, error) {
	if len(b) < metaChecksumOff+8 {
		return boltMeta{}, errors.New("short meta page")
	}
	le := binary.LittleEndian
	m := boltMeta{
		pageSize: le.Uint32(b[8:]),
		root:     le.Uint64(b[16:]),
		freelist: le.Uint64(b[32:]),
		pgid:     le.Uint64(b[40:]),
		txid:     le.Uint64(b[48:]),
	}
	if le.Uint32(b[0:]) != boltMagic {
		return m, errors.New("not a Bolt file (bad magic)")
	}
	if le.Uint32(b[4:]) != boltVersion {
		return m, fmt.Errorf("unknown Bolt format version %d", le.Uint32(b[4:]))
	}
	h := fnv.New64a()
	h.Write(b[:metaChecksumOff])
	if h.Sum64() != le.Uint64(b[metaChecksumOff:]) {
		return m, errors.New("meta page checksum mismatch")
	}
	m.valid = true
	return m, nil
}

// readMeta returns the newest valid meta page of a Bolt file.
func readMeta(r io.ReaderAt) (boltMeta, error) {
	buf := make([]byte, pageHeaderSize+metaChecksumOff+8)
	var best boltMeta
	var errs []string
	if _, err := r.ReadAt(buf, 0); err != nil {
		return best, fmt.Errorf("read the first meta page: %w", err)
	}
	m0, err0 := parseMeta(buf[pageHeaderSize:])
	if err0 != nil {
		errs = append(errs, "meta page 0: "+err0.Error())
	} else {
		best = m0
	}
	// The second meta page is one page further; its size is in the first.
	sizes := []uint32{m0.pageSize}
	if !m0.valid {
		sizes = []uint32{4096, 8192, 16384, 65536}
	}
	for _, ps := range sizes {
		if ps < 1024 || ps > 1<<20 {
			continue
		}
		if _, err := r.ReadAt(buf, int64(ps)); err != nil {
			continue
		}
		m1, err1 := parseMeta(buf[pageHeaderSize:])
		if err1 != nil {
			if m0.valid {
				errs = append(errs, "meta page 1: "+err1.Error())
			}
			continue
		}
		if !best.valid || m1.txid > best.txid {
			best = m1
		}
		break
	}
	if !best.valid {
		if len(errs) == 0 {
			errs = append(errs, "no valid meta page")
		}
		return best, errors.New(strings.Join(errs, "; "))
	}
	return best, nil
}

// Path is the file the store lives in.
func (s *Store) Path() string { return s.path }

// Close releases the file. Close is safe to call more than once.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	return s.db.Close()
}

// Check runs Bolt's consistency check over the whole file and returns an
// error wrapping ErrCorrupt listing what it found.
func (s *Store) Check() error {
	var problems []string
	err := s.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problems = append(problems, err.Error())
			if len(problems) >= 10 {
				break
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return corruptError(s.path, errors.New(strings.Join(problems, "; ")))
	}
	return nil
}

// view runs fn in a read transaction, turning a panic from a damaged page
// into ErrCorrupt.
func (s *Store) view(fn func(tx *bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.recoverCorrupt(&err)
	return s.db.View(fn)
}

// update runs fn in a write transaction; see view.
func (s *Store) update(fn func(tx *bolt.Tx) error) (err error) {
	if s.opts.ReadOnly {
		return fmt.Errorf("memory: %s was opened read-only; open it without ReadOnly to write", s.path)
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer s.recoverCorrupt(&err)
	return s.db.Update(fn)
}

func (s *Store) recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		s.log.Error("memory store read failed on a damaged page", "path", s.path, "panic", r)
		*err = corruptError(s.path, fmt.Errorf("reading a page failed: %v", r))
	}
}

// migration brings the file from version to-1 to to.
type migration struct {
	to   int
	name string
	fn   func(tx *bolt.Tx) error
}

// migrations are applied in order to files older than SchemaVersion. A new
// schema appends one and bumps SchemaVersion.
var migrations = []migration{
	{to: 1, name: "create the buckets", fn: func(tx *bolt.Tx) error {
		for _, b := range dataBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	}},
	{to: 2, name: "durations of runs and benchmark results in milliseconds (formats v2)", fn: func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketRuns, bucketBench} {
			b := tx.Bucket(name)
			if b == nil {
				continue
			}
			type kv struct{ k, v []byte }
			var upd []kv
			err := b.ForEach(func(k, v []byte) error {
				var rec map[string]json.RawMessage
				if err := json.Unmarshal(v, &rec); err != nil {
					return fmt.Errorf("record %q of %s: %w", k, name, err)
				}
				if nanosToMillis(rec) {
					nv, err := json.Marshal(rec)
					if err != nil {
						return err
					}
					upd = append(upd, kv{append([]byte(nil), k...), nv})
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, u := range upd {
				if err := b.Put(u.k, u.v); err != nil {
					return err
				}
			}
		}
		return nil
	}},
}

// currentSchema is SchemaVersion, a variable so tests can add a migration.
var currentSchema = SchemaVersion

func schemaOf(tx *bolt.Tx) (int, error) {
	mb := tx.Bucket(bucketMeta)
	if mb == nil {
		return 0, nil
	}
	v := mb.Get([]byte("schema"))
	if v == nil {
		return 0, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, fmt.Errorf("meta schema %q is not a number", v)
	}
	return n, nil
}

func (s *Store) migrate() error {
	var ver int
	if err := s.view(func(tx *bolt.Tx) error {
		var err error
		ver, err = schemaOf(tx)
		return err
	}); err != nil {
		return corruptError(s.path, err)
	}
	if ver > currentSchema {
		return fmt.Errorf("%w: %s has schema version %d but this mobagent knows up to %d; upgrade mobagent, or use another file", ErrSchemaTooNew, s.path, ver, currentSchema)
	}
	if ver == currentSchema {
		return nil
	}
	if s.opts.ReadOnly {
		return fmt.Errorf("memory: %s has schema version %d and needs migrating to %d; open it once without read-only", s.path, ver, currentSchema)
	}
	return s.update(func(tx *bolt.Tx) error {
		mb, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if ver == 0 && mb.Get([]byte("created")) == nil {
			if err := mb.Put([]byte("created"), []byte(s.opts.Now().UTC().Format(time.RFC3339))); err != nil {
				return err
			}
		}
		for _, m := range migrations {
			if m.to <= ver || m.to > currentSchema {
				continue
			}
			if err := m.fn(tx); err != nil {
				return fmt.Errorf("memory: migrate %s to schema %d (%s): %w; the file is unchanged", s.path, m.to, m.name, err)
			}
			s.log.Info("memory store migrated", "path", s.path, "to", m.to, "step", m.name)
		}
		return mb.Put([]byte("schema"), []byte(strconv.Itoa(currentSchema)))
	})
}

// Schema reports the file's schema version.
func (s *Store) Schema() (int, error) {
	var v int
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		v, err = schemaOf(tx)
		return err
	})
	return v, err
}

func key(parts ...string) []byte { return []byte(strings.Join(parts, "\x00")) }

func appKey(app string) string {
	if app == "" {
		return GlobalApp
	}
	return app
}
