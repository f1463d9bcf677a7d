package vfs

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// DefaultMaxBytes is the capacity of a file system whose Config.MaxBytes is zero.
const DefaultMaxBytes = 512 << 20

// nodeCharge is what every file or directory costs against the capacity on top
// of its contents, so that a client cannot exhaust memory with empty files.
const nodeCharge = 256

// Limits on names, as on Linux.
const (
	maxNameLen = 255
	maxPathLen = 4096
)

// Well-known Android user and group ids.
const (
	UIDRoot     = 0
	UIDSystem   = 1000
	GIDSdcardRW = 1015
	GIDCache    = 2001
	UIDShell    = 2000
	GIDShell    = 2000
)

// shellGroups are the supplementary groups of the adb shell user.
var shellGroups = map[int]bool{
	GIDShell: true, 1004: true, 1007: true, 1011: true, GIDSdcardRW: true, 1028: true,
	1078: true, 1079: true, 3001: true, 3002: true, 3003: true, 3006: true, 3009: true, 3011: true,
}

var idNames = map[int]string{
	UIDRoot: "root", UIDSystem: "system", 1004: "input", 1007: "log", 1011: "adb",
	GIDSdcardRW: "sdcard_rw", 1023: "media_rw", 1028: "sdcard_r", 1078: "ext_data_rw",
	1079: "ext_obb_rw", UIDShell: "shell", GIDCache: "cache", 3001: "net_bt_admin",
	3002: "net_bt", 3003: "inet", 3006: "net_bw_stats", 3009: "readproc", 3011: "uhid",
}

// IDName returns the Android name of a user or group id ("shell" for 2000),
// or the decimal id when it has no name.
func IDName(id int) string {
	if n, ok := idNames[id]; ok {
		return n
	}
	return itoa(id)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	p := len(b)
	for i > 0 {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		p--
		b[p] = '-'
	}
	return string(b[p:])
}

// Config configures a file system. Its zero value is ready to use.
type Config struct {
	// MaxBytes caps the total size of file contents plus a small charge per
	// file and directory. Zero means DefaultMaxBytes.
	MaxBytes int64
	// Now gives the modification time of writes that do not name one.
	// Nil means time.Now.
	Now func() time.Time
}

// LayoutTime is the modification time of the directories and files of the
// initial layout, so that a fresh phone is deterministic.
var LayoutTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

type tree struct {
	mu   sync.RWMutex
	root *node
	used int64
	max  int64
	now  func() time.Time
}

type node struct {
	name     string
	mode     fs.FileMode
	uid, gid int
	mtime    time.Time
	data     []byte // immutable once stored; replaced, never mutated
	children map[string]*node
	rofs     bool // lives on a read-only file system
	null     bool // behaves like /dev/null
}

func (n *node) isDir() bool { return n.mode.IsDir() }

// FS is a handle on an in-memory file system tree. Operations through a
// handle from New are checked as the adb shell user (uid 2000); operations
// through Privileged are not checked. An FS is safe for concurrent use.
type FS struct {
	t    *tree
	priv bool
}

// New returns a file system with an Android-like initial layout and the
// default Config.
func New() *FS { return NewWithConfig(Config{}) }

// NewWithConfig returns a file system with an Android-like initial layout.
func NewWithConfig(cfg Config) *FS {
	t := &tree{max: cfg.MaxBytes, now: cfg.Now}
	if t.max <= 0 {
		t.max = DefaultMaxBytes
	}
	if t.now == nil {
		t.now = time.Now
	}
	t.root = &node{name: "/", mode: fs.ModeDir | 0o755, mtime: LayoutTime, children: map[string]*node{}, rofs: true}
	t.used = nodeCharge
	layout(t)
	return &FS{t: t}
}

// Reset empties the tree back to the initial layout, in place, so that every
// handle on it (the shell's, sync's) sees a fresh file system.
func (f *FS) Reset() {
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	f.t.root = &node{name: "/", mode: fs.ModeDir | 0o755, mtime: LayoutTime, children: map[string]*node{}, rofs: true}
	f.t.used = nodeCharge
	layout(f.t)
}

func layout(t *tree) {
	type d struct {
		p        string
		perm     fs.FileMode
		uid, gid int
	}
	rw := func(n *node) { n.rofs = false }
	dirs := []d{
		{"/system", 0o755, UIDRoot, UIDRoot},
		{"/system/bin", 0o751, UIDRoot, GIDShell},
		{"/system/etc", 0o755, UIDRoot, UIDRoot},
		{"/system/app", 0o755, UIDRoot, UIDRoot},
		{"/system/priv-app", 0o755, UIDRoot, UIDRoot},
		{"/system/framework", 0o755, UIDRoot, UIDRoot},
		{"/vendor", 0o755, UIDRoot, GIDShell},
		{"/data", 0o771, UIDSystem, UIDSystem},
		{"/data/local", 0o751, UIDRoot, UIDRoot},
		{"/data/local/tmp", 0o771, UIDShell, GIDShell},
		{"/data/data", 0o771, UIDSystem, UIDSystem},
		{"/data/app", 0o771, UIDSystem, UIDSystem},
		{"/data/system", 0o775, UIDSystem, UIDSystem},
		{"/sdcard", fs.ModeSetgid | 0o771, UIDRoot, GIDSdcardRW},
		{"/storage", 0o755, UIDRoot, UIDRoot},
		{"/mnt", 0o755, UIDRoot, UIDSystem},
		{"/cache", 0o770, UIDSystem, GIDCache},
		{"/dev", 0o755, UIDRoot, UIDRoot},
		{"/proc", 0o555, UIDRoot, UIDRoot},
	}
	for _, name := range []string{"Alarms", "Android", "DCIM", "Documents", "Download", "Movies",
		"Music", "Notifications", "Pictures", "Podcasts", "Ringtones"} {
		dirs = append(dirs, d{"/sdcard/" + name, fs.ModeSetgid | 0o771, UIDRoot, GIDSdcardRW})
	}
	for _, x := range dirs {
		parent := t.root
		dir, base := path.Split(x.p)
		for _, c := range strings.Split(strings.Trim(dir, "/"), "/") {
			if c != "" {
				parent = parent.children[c]
			}
		}
		n := &node{name: base, mode: fs.ModeDir | x.perm, uid: x.uid, gid: x.gid, mtime: LayoutTime,
			children: map[string]*node{}, rofs: parent.rofs}
		if x.p == "/data" || x.p == "/sdcard" || x.p == "/cache" || x.p == "/dev" || x.p == "/mnt" || x.p == "/storage" {
			rw(n)
		}
		parent.children[base] = n
		t.used += nodeCharge
	}
	bin := t.root.children["system"].children["bin"]
	for _, name := range []string{"sh", "toybox", "app_process", "am", "pm", "input", "screencap",
		"uiautomator", "dumpsys", "getprop", "settings", "monkey", "cmd", "wm", "content", "locksettings", "grep"} {
		bin.children[name] = &node{name: name, mode: 0o755, uid: UIDRoot, gid: GIDShell, mtime: LayoutTime, rofs: true}
		t.used += nodeCharge
	}
	dev := t.root.children["dev"]
	for _, name := range []string{"null", "zero"} {
		dev.children[name] = &node{name: name, mode: fs.ModeDevice | fs.ModeCharDevice | 0o666,
			uid: UIDRoot, gid: UIDRoot, mtime: LayoutTime, null: true}
		t.used += nodeCharge
	}
}

// Privileged returns a handle on the same tree that bypasses ownership,
// permission and read-only checks (but not the capacity), like root with the
// file systems remounted read-write. The phone uses it to seed its state.
func (f *FS) Privileged() *FS { return &FS{t: f.t, priv: true} }

// Usage reports the bytes charged against the capacity and the capacity.
func (f *FS) Usage() (used, limit int64) {
	f.t.mu.RLock()
	defer f.t.mu.RUnlock()
	return f.t.used, f.t.max
}

// clean turns name into a clean absolute path. Relative names are taken
// relative to "/".
func clean(name string) (string, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return "", ErrInvalid
	}
	if len(name) > maxPathLen {
		return "", ErrNameTooLong
	}
	p := path.Clean("/" + name)
	for _, c := range strings.Split(p, "/") {
		if len(c) > maxNameLen {
			return "", ErrNameTooLong
		}
	}
	return p, nil
}

func split(p string) []string {
	if p == "/" {
		return nil
	}
	return strings.Split(p[1:], "/")
}

func (f *FS) can(n *node, bit fs.FileMode) bool {
	if f.priv {
		return true
	}
	perm := n.mode.Perm()
	switch {
	case n.uid == UIDShell:
		return perm>>6&bit == bit
	case shellGroups[n.gid]:
		return perm>>3&bit == bit
	default:
		return perm&bit == bit
	}
}

// walk finds the node at clean path p. The caller holds the lock.
func (f *FS) walk(p string) (*node, error) {
	n := f.t.root
	for _, c := range split(p) {
		if !n.isDir() {
			return nil, ErrNotDir
		}
		if !f.can(n, 1) {
			return nil, ErrPermission
		}
		next, ok := n.children[c]
		if !ok {
			return nil, ErrNotExist
		}
		n = next
	}
	return n, nil
}

// parentFor finds the directory that holds p and checks that the caller may
// change it. The caller holds the write lock.
func (f *FS) parentFor(p string) (*node, string, error) {
	if p == "/" {
		return nil, "", ErrBusy
	}
	dir, base := path.Split(p)
	parent, err := f.walk(path.Clean(dir))
	if err != nil {
		return nil, "", err
	}
	if !parent.isDir() {
		return nil, "", ErrNotDir
	}
	if err := f.writable(parent); err != nil {
		return nil, "", err
	}
	return parent, base, nil
}

func (f *FS) writable(dir *node) error {
	if f.priv {
		return nil
	}
	if dir.rofs {
		return ErrReadOnly
	}
	if !f.can(dir, 3) {
		return ErrPermission
	}
	return nil
}

func (f *FS) owner(parent *node) (uid, gid int) {
	uid, gid = UIDShell, GIDShell
	if f.priv {
		uid, gid = UIDRoot, UIDRoot
	}
	if parent.mode&fs.ModeSetgid != 0 {
		gid = parent.gid
	}
	return uid, gid
}

// charge reserves n bytes (negative releases). The caller holds the write lock.
func (t *tree) charge(n int64) error {
	if n > 0 && t.used+n > t.max {
		return ErrNoSpace
	}
	t.used += n
	return nil
}

// Stat returns information about the file or directory at name.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	p, err := clean(name)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	f.t.mu.RLock()
	defer f.t.mu.RUnlock()
	n, err := f.walk(p)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return infoOf(n), nil
}

// ReadDir returns the entries of the directory at name, sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := clean(name)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	f.t.mu.RLock()
	defer f.t.mu.RUnlock()
	n, err := f.walk(p)
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	if !n.isDir() {
		return nil, pathErr("open", name, ErrNotDir)
	}
	if !f.can(n, 4) {
		return nil, pathErr("open", name, ErrPermission)
	}
	out := make([]fs.DirEntry, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, infoOf(c))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// readable returns the node of the regular file at name, checked for reading.
func (f *FS) readable(op, name string) (*node, error) {
	p, err := clean(name)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	n, err := f.walk(p)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	if n.isDir() {
		return nil, pathErr(op, name, ErrIsDir)
	}
	if !f.can(n, 4) {
		return nil, pathErr(op, name, ErrPermission)
	}
	return n, nil
}

// ReadFile returns a copy of the contents of the file at name.
func (f *FS) ReadFile(name string) ([]byte, error) {
	f.t.mu.RLock()
	defer f.t.mu.RUnlock()
	n, err := f.readable("open", name)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(n.data), nil
}

// File is an open file for reading: a snapshot of its contents when it was
// opened. A File is not safe for concurrent use; Close releases nothing
// but marks it closed.
type File struct {
	r    *bytes.Reader
	info *Info
}

// Read reads from the snapshot.
func (r *File) Read(p []byte) (int, error) {
	if r.r == nil {
		return 0, pathErr("read", r.info.name, fs.ErrClosed)
	}
	return r.r.Read(p)
}

// ReadAt reads from the snapshot at offset off.
func (r *File) ReadAt(p []byte, off int64) (int, error) {
	if r.r == nil {
		return 0, pathErr("read", r.info.name, fs.ErrClosed)
	}
	return r.r.ReadAt(p, off)
}

// Seek sets the offset of the next Read.
func (r *File) Seek(off int64, whence int) (int64, error) {
	if r.r == nil {
		return 0, pathErr("seek", r.info.name, fs.ErrClosed)
	}
	return r.r.Seek(off, whence)
}

// Stat returns the file's information when it was opened.
func (r *File) Stat() (fs.FileInfo, error) { return r.info, nil }

// Close marks the file closed.
func (r *File) Close() error {
	if r.r == nil {
		return pathErr("close", r.info.name, fs.ErrClosed)
	}
	r.r = nil
	return nil
}

var _ fs.File = (*File)(nil)
var _ io.ReadSeeker = (*File)(nil)
var _ io.ReaderAt = (*File)(nil)

// Open opens the regular file at name for reading.
func (f *FS) Open(name string) (*File, error) {
	f.t.mu.RLock()
	defer f.t.mu.RUnlock()
	n, err := f.readable("open", name)
	if err != nil {
		return nil, err
	}
	return &File{r: bytes.NewReader(n.data), info: infoOf(n)}, nil
}

// WriteFile writes data to the file at name, creating it with permission
// bits perm if needed (an existing file keeps its mode). A zero mtime means
// now. The parent directory must exist.
func (f *FS) WriteFile(name string, data []byte, perm fs.FileMode, mtime time.Time) error {
	w, err := f.Create(name, perm)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		w.Abort()
		return err
	}
	return w.Commit(mtime)
}

// Create opens the file at name for writing, truncating it. Nothing is
// visible until the returned Writer is committed with Close or Commit.
// Permission to write is checked now and the parent must exist.
func (f *FS) Create(name string, perm fs.FileMode) (*Writer, error) {
	return f.openWriter("open", name, perm, false)
}

// Append opens the file at name for writing at its end, creating it if
// needed. Like Create, the new contents become visible on commit.
func (f *FS) Append(name string, perm fs.FileMode) (*Writer, error) {
	return f.openWriter("open", name, perm, true)
}

func (f *FS) openWriter(op, name string, perm fs.FileMode, appendMode bool) (*Writer, error) {
	p, err := clean(name)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	if p == "/" {
		return nil, pathErr(op, name, ErrIsDir)
	}
	dir, base := path.Split(p)
	parent, err := f.walk(path.Clean(dir))
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	if !parent.isDir() {
		return nil, pathErr(op, name, ErrNotDir)
	}
	w := &Writer{f: f, name: name, p: p, perm: perm.Perm()}
	if old, ok := parent.children[base]; ok {
		if old.isDir() {
			return nil, pathErr(op, name, ErrIsDir)
		}
		if !f.priv && (old.rofs || parent.rofs) && !old.null {
			return nil, pathErr(op, name, ErrReadOnly)
		}
		if !f.can(old, 2) {
			return nil, pathErr(op, name, ErrPermission)
		}
		w.null = old.null
		if appendMode && !old.null {
			if err := f.t.charge(int64(len(old.data))); err != nil {
				return nil, pathErr(op, name, err)
			}
			w.reserved = int64(len(old.data))
			w.buf = bytes.Clone(old.data)
		}
		return w, nil
	}
	if err := f.writable(parent); err != nil {
		return nil, pathErr(op, name, err)
	}
	return w, nil
}

// Writer streams the new contents of a file. They replace the file's
// contents atomically when the Writer is committed (Close or Commit);
// Abort discards them. Every byte written counts against the capacity at
// once, so an over-large write fails early with ErrNoSpace. A Writer is not
// safe for concurrent use.
type Writer struct {
	f        *FS
	name, p  string
	perm     fs.FileMode
	buf      []byte
	reserved int64
	null     bool
	done     bool
}

// Write appends p to the pending contents.
func (w *Writer) Write(p []byte) (int, error) {
	if w.done {
		return 0, pathErr("write", w.name, fs.ErrClosed)
	}
	if w.null {
		return len(p), nil
	}
	w.f.t.mu.Lock()
	err := w.f.t.charge(int64(len(p)))
	w.f.t.mu.Unlock()
	if err != nil {
		return 0, pathErr("write", w.name, err)
	}
	w.reserved += int64(len(p))
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// Close commits the contents with the current time as modification time.
func (w *Writer) Close() error { return w.Commit(time.Time{}) }

// Abort discards the pending contents. It is safe to call after Commit.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	w.f.t.mu.Lock()
	w.f.t.used -= w.reserved
	w.f.t.mu.Unlock()
	w.buf = nil
}

// Commit stores the contents with modification time mtime (zero means now).
// It fails if the parent directory vanished or the name became a directory
// since the Writer was opened.
func (w *Writer) Commit(mtime time.Time) error {
	if w.done {
		return pathErr("close", w.name, fs.ErrClosed)
	}
	w.done = true
	t := w.f.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if mtime.IsZero() {
		mtime = t.now()
	}
	if w.null {
		return nil
	}
	dir, base := path.Split(w.p)
	fail := func(err error) error {
		t.used -= w.reserved
		w.buf = nil
		return pathErr("close", w.name, err)
	}
	parent, err := w.f.walk(path.Clean(dir))
	if err != nil {
		return fail(err)
	}
	if !parent.isDir() {
		return fail(ErrNotDir)
	}
	if old, ok := parent.children[base]; ok {
		if old.isDir() {
			return fail(ErrIsDir)
		}
		t.used -= int64(len(old.data))
		old.data = w.buf
		old.mtime = mtime
		w.buf = nil
		return nil
	}
	if err := t.charge(nodeCharge); err != nil {
		return fail(err)
	}
	uid, gid := w.f.owner(parent)
	parent.children[base] = &node{name: base, mode: w.perm, uid: uid, gid: gid, mtime: mtime,
		data: w.buf, rofs: parent.rofs}
	parent.mtime = mtime
	w.buf = nil
	return nil
}

// Mkdir creates the directory name with permission bits perm.
func (f *FS) Mkdir(name string, perm fs.FileMode) error {
	p, err := clean(name)
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	return f.mkdir(name, p, perm)
}

func (f *FS) mkdir(name, p string, perm fs.FileMode) error {
	if p == "/" {
		return pathErr("mkdir", name, ErrExist)
	}
	dir, base := path.Split(p)
	parent, err := f.walk(path.Clean(dir))
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	if !parent.isDir() {
		return pathErr("mkdir", name, ErrNotDir)
	}
	if _, ok := parent.children[base]; ok {
		return pathErr("mkdir", name, ErrExist)
	}
	if err := f.writable(parent); err != nil {
		return pathErr("mkdir", name, err)
	}
	if err := f.t.charge(nodeCharge); err != nil {
		return pathErr("mkdir", name, err)
	}
	uid, gid := f.owner(parent)
	now := f.t.now()
	mode := fs.ModeDir | perm.Perm() | parent.mode&fs.ModeSetgid
	parent.children[base] = &node{name: base, mode: mode, uid: uid, gid: gid, mtime: now,
		children: map[string]*node{}, rofs: parent.rofs}
	parent.mtime = now
	return nil
}

// MkdirAll creates the directory name and any missing parents with
// permission bits perm. It succeeds if name already is a directory.
func (f *FS) MkdirAll(name string, perm fs.FileMode) error {
	p, err := clean(name)
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	cur := ""
	for _, c := range split(p) {
		cur += "/" + c
		n, err := f.walk(cur)
		if err == nil {
			if !n.isDir() {
				return pathErr("mkdir", cur, ErrNotDir)
			}
			continue
		}
		if err != ErrNotExist {
			return pathErr("mkdir", cur, err)
		}
		if err := f.mkdir(cur, cur, perm); err != nil {
			return err
		}
	}
	return nil
}

// Remove removes the file or empty directory at name.
func (f *FS) Remove(name string) error {
	p, err := clean(name)
	if err != nil {
		return pathErr("remove", name, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	if p == "/" {
		return pathErr("remove", name, ErrBusy)
	}
	n, err := f.walk(p)
	if err != nil {
		return pathErr("remove", name, err)
	}
	parent, base, err := f.parentFor(p)
	if err != nil {
		return pathErr("remove", name, err)
	}
	if n.isDir() && len(n.children) > 0 {
		return pathErr("remove", name, ErrNotEmpty)
	}
	delete(parent.children, base)
	f.t.used -= nodeCharge + int64(len(n.data))
	parent.mtime = f.t.now()
	return nil
}

// RemoveAll removes name and everything under it. A missing name is not an
// error. Directories under name must be writable by the caller.
func (f *FS) RemoveAll(name string) error {
	p, err := clean(name)
	if err != nil {
		return pathErr("remove", name, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	if p == "/" {
		return pathErr("remove", name, ErrBusy)
	}
	n, err := f.walk(p)
	if err == ErrNotExist {
		return nil
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	parent, base, err := f.parentFor(p)
	if err != nil {
		return pathErr("remove", name, err)
	}
	if bad := f.checkTree(p, n); bad != "" {
		return pathErr("remove", bad, ErrPermission)
	}
	delete(parent.children, base)
	f.t.used -= size(n)
	parent.mtime = f.t.now()
	return nil
}

// checkTree returns the first directory under n (at p) the caller may not
// empty, or "".
func (f *FS) checkTree(p string, n *node) string {
	if !n.isDir() || len(n.children) == 0 {
		return ""
	}
	if f.writable(n) != nil || !f.can(n, 4) {
		return p
	}
	for name, c := range n.children {
		if bad := f.checkTree(path.Join(p, name), c); bad != "" {
			return bad
		}
	}
	return ""
}

func size(n *node) int64 {
	s := int64(nodeCharge + len(n.data))
	for _, c := range n.children {
		s += size(c)
	}
	return s
}

// Rename moves the file or directory oldname to newname, replacing a file or
// empty directory there.
func (f *FS) Rename(oldname, newname string) error {
	op, err := clean(oldname)
	if err != nil {
		return pathErr("rename", oldname, err)
	}
	np, err := clean(newname)
	if err != nil {
		return pathErr("rename", newname, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	n, err := f.walk(op)
	if err != nil {
		return pathErr("rename", oldname, err)
	}
	oparent, obase, err := f.parentFor(op)
	if err != nil {
		return pathErr("rename", oldname, err)
	}
	if np == op {
		return nil
	}
	if n.isDir() && strings.HasPrefix(np, op+"/") {
		return pathErr("rename", newname, ErrInvalid)
	}
	nparent, nbase, err := f.parentFor(np)
	if err != nil {
		return pathErr("rename", newname, err)
	}
	if old, ok := nparent.children[nbase]; ok {
		switch {
		case old.isDir() && !n.isDir():
			return pathErr("rename", newname, ErrIsDir)
		case !old.isDir() && n.isDir():
			return pathErr("rename", newname, ErrNotDir)
		case old.isDir() && len(old.children) > 0:
			return pathErr("rename", newname, ErrNotEmpty)
		}
		f.t.used -= size(old)
	}
	delete(oparent.children, obase)
	n.name = nbase
	nparent.children[nbase] = n
	now := f.t.now()
	oparent.mtime, nparent.mtime = now, now
	return nil
}

// Chmod sets the permission bits of name. Only the owner (or a privileged
// handle) may do so.
func (f *FS) Chmod(name string, perm fs.FileMode) error {
	return f.change("chmod", name, func(n *node) { n.mode = n.mode&^fs.ModePerm | perm.Perm() })
}

// Chtimes sets the modification time of name.
func (f *FS) Chtimes(name string, mtime time.Time) error {
	return f.change("chtimes", name, func(n *node) { n.mtime = mtime })
}

func (f *FS) change(op, name string, fn func(*node)) error {
	p, err := clean(name)
	if err != nil {
		return pathErr(op, name, err)
	}
	f.t.mu.Lock()
	defer f.t.mu.Unlock()
	n, err := f.walk(p)
	if err != nil {
		return pathErr(op, name, err)
	}
	if !f.priv {
		if n.rofs {
			return pathErr(op, name, ErrReadOnly)
		}
		if n.uid != UIDShell {
			return pathErr(op, name, ErrPermission)
		}
	}
	fn(n)
	return nil
}

// Info describes a file or directory. It implements fs.FileInfo and
// fs.DirEntry. It is a snapshot and safe to share.
type Info struct {
	name     string
	size     int64
	mode     fs.FileMode
	mtime    time.Time
	uid, gid int
}

func infoOf(n *node) *Info {
	return &Info{name: n.name, size: int64(len(n.data)), mode: n.mode, mtime: n.mtime, uid: n.uid, gid: n.gid}
}

func (i *Info) Name() string               { return i.name }
func (i *Info) Size() int64                { return i.size }
func (i *Info) Mode() fs.FileMode          { return i.mode }
func (i *Info) ModTime() time.Time         { return i.mtime }
func (i *Info) IsDir() bool                { return i.mode.IsDir() }
func (i *Info) Sys() any                   { return Owner{UID: i.uid, GID: i.gid} }
func (i *Info) Type() fs.FileMode          { return i.mode.Type() }
func (i *Info) Info() (fs.FileInfo, error) { return i, nil }

// Owner is what Info.Sys returns: the owning user and group ids.
type Owner struct{ UID, GID int }

var _ fs.FileInfo = (*Info)(nil)
var _ fs.DirEntry = (*Info)(nil)
