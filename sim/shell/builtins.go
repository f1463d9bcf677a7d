package shell

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/mobagent/mobagent/sim/vfs"
)

// builtins are the commands every Shell has. exit is looked up separately.
var builtins map[string]Command

func init() {
	builtins = map[string]Command{
		"echo":   builtinEcho,
		"true":   func(context.Context, *Env, []string) int { return 0 },
		"false":  func(context.Context, *Env, []string) int { return 1 },
		"cd":     builtinCd,
		"pwd":    builtinPwd,
		"cat":    builtinCat,
		"rm":     builtinRm,
		"ls":     builtinLs,
		"mkdir":  builtinMkdir,
		"sleep":  builtinSleep,
		"id":     builtinID,
		"whoami": builtinWhoami,
		"grep":   builtinGrep,
	}
}

// Builtin returns the builtin command called name, so that a replacement
// registered in Shell.Commands can fall back to it.
func Builtin(name string) (Command, bool) {
	if name == "exit" {
		return builtinExit, true
	}
	c, ok := builtins[name]
	return c, ok
}

func builtinExit(_ context.Context, env *Env, args []string) int {
	code := 0
	if env.sess != nil {
		code = env.sess.status
	}
	if len(args) > 1 {
		n, err := strconv.Atoi(args[1])
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: exit: %s: bad number\n", Name, args[1])
			code = 1
		} else {
			code = n & 0xff
		}
	}
	if env.sess != nil {
		env.sess.exited = true
		env.sess.code = code
	}
	return code
}

func builtinEcho(_ context.Context, env *Env, args []string) int {
	newline, escapes := true, false
	args = args[1:]
	for len(args) > 0 && len(args[0]) > 1 && args[0][0] == '-' && strings.Trim(args[0][1:], "neE") == "" {
		for _, c := range args[0][1:] {
			switch c {
			case 'n':
				newline = false
			case 'e':
				escapes = true
			case 'E':
				escapes = false
			}
		}
		args = args[1:]
	}
	s := strings.Join(args, " ")
	if escapes {
		var stop bool
		s, stop = unescape(s)
		if stop {
			newline = false
		}
	}
	if newline {
		s += "\n"
	}
	if _, err := io.WriteString(env.Stdout, s); err != nil {
		return 1
	}
	return 0
}

// unescape interprets echo -e escapes. stop is true after \c.
func unescape(s string) (out string, stop bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case '\\':
			b.WriteByte('\\')
		case 'c':
			return b.String(), true
		case '0':
			n, j := 0, i+1
			for ; j < len(s) && j < i+4 && s[j] >= '0' && s[j] <= '7'; j++ {
				n = n*8 + int(s[j]-'0')
			}
			b.WriteByte(byte(n))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(s[i])
		}
	}
	return b.String(), false
}

func builtinCd(_ context.Context, env *Env, args []string) int {
	dir := "/"
	if len(args) > 1 {
		dir = args[1]
	}
	abs := env.Abs(dir)
	info, err := env.FS.Stat(abs)
	if err == nil && !info.IsDir() {
		err = vfs.ErrNotDir
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "%s: cd: %s: %s\n", Name, dir, ErrText(err))
		return 2
	}
	if env.sess != nil {
		env.sess.mu.Lock()
		env.sess.dir = abs
		env.sess.mu.Unlock()
	}
	env.Dir = abs
	return 0
}

func builtinPwd(_ context.Context, env *Env, _ []string) int {
	if _, err := fmt.Fprintln(env.Stdout, env.Dir); err != nil {
		return 1
	}
	return 0
}

func builtinCat(ctx context.Context, env *Env, args []string) int {
	files := args[1:]
	if len(files) > 0 && files[0] == "--" {
		files = files[1:]
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	st := 0
	for _, name := range files {
		if ctx.Err() != nil {
			return StatusInterrupted
		}
		var r io.Reader
		if name == "-" {
			r = env.Stdin
		} else {
			f, err := env.FS.Open(env.Abs(name))
			if err != nil {
				env.Errorf("cat", "%s: %s", name, ErrText(err))
				st = 1
				continue
			}
			defer f.Close()
			r = f
		}
		if _, err := io.Copy(env.Stdout, ctxReader{ctx, r}); err != nil {
			if ctx.Err() != nil {
				return StatusInterrupted
			}
			return 1
		}
	}
	return st
}

// ctxReader stops reading once ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// flags splits leading single-letter options from operands. It stops at
// "--" or the first operand. bad is the first letter not in allowed.
func flags(args []string, allowed string) (set map[rune]bool, rest []string, bad rune) {
	set = map[rune]bool{}
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if len(a) < 2 || a[0] != '-' {
			break
		}
		for _, c := range a[1:] {
			if !strings.ContainsRune(allowed, c) {
				return nil, nil, c
			}
			set[c] = true
		}
	}
	return set, args[i:], 0
}

func builtinRm(_ context.Context, env *Env, args []string) int {
	opt, files, bad := flags(args[1:], "fiRrv")
	if bad != 0 {
		env.Errorf("rm", "Unknown option '%c' (see \"rm --help\")", bad)
		return 1
	}
	force, recursive := opt['f'], opt['r'] || opt['R']
	if len(files) == 0 {
		if force {
			return 0
		}
		env.Errorf("rm", "Needs 1 argument (see \"rm --help\")")
		return 1
	}
	st := 0
	for _, name := range files {
		abs := env.Abs(name)
		info, err := env.FS.Stat(abs)
		if err != nil {
			if !(force && errors.Is(err, fs.ErrNotExist)) {
				env.Errorf("rm", "%s: %s", name, ErrText(err))
				st = 1
			}
			continue
		}
		if info.IsDir() && !recursive {
			env.Errorf("rm", "%s: Is a directory", name)
			st = 1
			continue
		}
		if info.IsDir() {
			err = env.FS.RemoveAll(abs)
		} else {
			err = env.FS.Remove(abs)
		}
		if err != nil {
			env.Errorf("rm", "%s: %s", name, ErrText(err))
			st = 1
		}
	}
	return st
}

func builtinMkdir(_ context.Context, env *Env, args []string) int {
	rest := args[1:]
	parents := false
	perm := fs.FileMode(0o777)
	var dirs []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "-p":
			parents = true
		case a == "-m" && i+1 < len(rest):
			i++
			m, err := strconv.ParseUint(rest[i], 8, 32)
			if err != nil {
				env.Errorf("mkdir", "bad mode '%s'", rest[i])
				return 1
			}
			perm = fs.FileMode(m) & fs.ModePerm
		case a == "--":
			dirs = append(dirs, rest[i+1:]...)
			i = len(rest)
		case len(a) > 1 && a[0] == '-' && len(dirs) == 0:
			env.Errorf("mkdir", "Unknown option '%s' (see \"mkdir --help\")", a[1:])
			return 1
		default:
			dirs = append(dirs, a)
		}
	}
	if len(dirs) == 0 {
		env.Errorf("mkdir", "Needs 1 argument (see \"mkdir --help\")")
		return 1
	}
	st := 0
	for _, d := range dirs {
		var err error
		if parents {
			err = env.FS.MkdirAll(env.Abs(d), perm)
		} else {
			err = env.FS.Mkdir(env.Abs(d), perm)
		}
		if err != nil {
			env.Errorf("mkdir", "'%s': %s", d, ErrText(err))
			st = 1
		}
	}
	return st
}

func builtinSleep(ctx context.Context, env *Env, args []string) int {
	if len(args) < 2 {
		env.Errorf("sleep", "Needs 1 argument (see \"sleep --help\")")
		return 1
	}
	var total time.Duration
	for _, a := range args[1:] {
		d, err := parseSleep(a)
		if err != nil {
			env.Errorf("sleep", "Not a number '%s'", a)
			return 1
		}
		total += d
	}
	t := time.NewTimer(total)
	defer t.Stop()
	select {
	case <-t.C:
		return 0
	case <-ctx.Done():
		return StatusInterrupted
	}
}

func parseSleep(s string) (time.Duration, error) {
	unit := time.Second
	switch {
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		s, unit = s[:len(s)-1], time.Minute
	case strings.HasSuffix(s, "h"):
		s, unit = s[:len(s)-1], time.Hour
	case strings.HasSuffix(s, "d"):
		s, unit = s[:len(s)-1], 24*time.Hour
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e6 || s == "" || strings.ContainsAny(s, "eEinfINFxX") {
		return 0, errors.New("bad duration")
	}
	return time.Duration(f * float64(unit)), nil
}

const shellID = "uid=2000(shell) gid=2000(shell) groups=2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),1028(sdcard_r),1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),3002(net_bt),3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid) context=u:r:shell:s0"

func builtinID(_ context.Context, env *Env, args []string) int {
	out := shellID
	if len(args) > 1 {
		switch args[1] {
		case "-u":
			out = "2000"
		case "-g":
			out = "2000"
		case "-un", "-nu", "-gn", "-ng":
			out = "shell"
		default:
			env.Errorf("id", "Unknown option '%s' (see \"id --help\")", strings.TrimPrefix(args[1], "-"))
			return 1
		}
	}
	if _, err := fmt.Fprintln(env.Stdout, out); err != nil {
		return 1
	}
	return 0
}

func builtinWhoami(_ context.Context, env *Env, _ []string) int {
	if _, err := fmt.Fprintln(env.Stdout, "shell"); err != nil {
		return 1
	}
	return 0
}

func builtinLs(ctx context.Context, env *Env, args []string) int {
	opt, targets, bad := flags(args[1:], "laA1dhR")
	if bad != 0 {
		env.Errorf("ls", "Unknown option '%c' (see \"ls --help\")", bad)
		return 1
	}
	if len(targets) == 0 {
		targets = []string{"."}
	}
	st := 0
	var files []fs.FileInfo
	var dirs []string
	for _, t := range targets {
		info, err := env.FS.Stat(env.Abs(t))
		if err != nil {
			env.Errorf("ls", "%s: %s", t, ErrText(err))
			st = 1
			continue
		}
		if info.IsDir() && !opt['d'] {
			dirs = append(dirs, t)
		} else {
			files = append(files, named{info, t})
		}
	}
	w := &errWriter{w: env.Stdout}
	if len(files) > 0 {
		printEntries(w, files, opt['l'], false)
	}
	for i, d := range dirs {
		if ctx.Err() != nil {
			return StatusInterrupted
		}
		if len(targets) > 1 {
			if i > 0 || len(files) > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s:\n", d)
		}
		entries, err := env.FS.ReadDir(env.Abs(d))
		if err != nil {
			env.Errorf("ls", "%s: %s", d, ErrText(err))
			st = 1
			continue
		}
		var infos []fs.FileInfo
		if opt['a'] {
			if self, err := env.FS.Stat(env.Abs(d)); err == nil {
				infos = append(infos, named{self, "."})
			}
			if parent, err := env.FS.Stat(path.Dir(env.Abs(d))); err == nil {
				infos = append(infos, named{parent, ".."})
			}
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") && !opt['a'] && !opt['A'] {
				continue
			}
			info, err := e.Info()
			if err == nil {
				infos = append(infos, info)
			}
		}
		printEntries(w, infos, opt['l'], true)
	}
	if w.err != nil {
		return 1
	}
	return st
}

// named renames a FileInfo for display.
type named struct {
	fs.FileInfo
	name string
}

func (n named) Name() string { return n.name }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func printEntries(w io.Writer, infos []fs.FileInfo, long, total bool) {
	if !long {
		for _, i := range infos {
			fmt.Fprintln(w, i.Name())
		}
		return
	}
	type row struct{ mode, links, user, group, size, date, name string }
	rows := make([]row, len(infos))
	var wl, wu, wg, ws int
	blocks := int64(0)
	for k, i := range infos {
		owner, _ := i.Sys().(vfs.Owner)
		links, size := "1", i.Size()
		if i.IsDir() {
			links, size = "2", 4096
		}
		blocks += (size + 4095) / 4096 * 4
		rows[k] = row{modeString(i.Mode()), links, vfs.IDName(owner.UID), vfs.IDName(owner.GID),
			strconv.FormatInt(size, 10), i.ModTime().UTC().Format("2006-01-02 15:04"), i.Name()}
		wl = max(wl, len(rows[k].links))
		wu = max(wu, len(rows[k].user))
		wg = max(wg, len(rows[k].group))
		ws = max(ws, len(rows[k].size))
	}
	if total {
		fmt.Fprintf(w, "total %d\n", blocks)
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%s %*s %-*s %-*s %*s %s %s\n", r.mode, wl, r.links, wu, r.user, wg, r.group, ws, r.size, r.date, r.name)
	}
}

// modeString formats a mode like ls -l: "drwxrws--x".
func modeString(m fs.FileMode) string {
	b := []byte("----------")
	switch {
	case m.IsDir():
		b[0] = 'd'
	case m&fs.ModeCharDevice != 0:
		b[0] = 'c'
	case m&fs.ModeSymlink != 0:
		b[0] = 'l'
	}
	const rwx = "rwxrwxrwx"
	for i := 0; i < 9; i++ {
		if m&(1<<uint(8-i)) != 0 {
			b[i+1] = rwx[i]
		}
	}
	special := func(pos int, on bool, lower, upper byte) {
		if !on {
			return
		}
		if b[pos] == '-' {
			b[pos] = upper
		} else {
			b[pos] = lower
		}
	}
	special(3, m&fs.ModeSetuid != 0, 's', 'S')
	special(6, m&fs.ModeSetgid != 0, 's', 'S')
	special(9, m&fs.ModeSticky != 0, 't', 'T')
	return string(b)
}
