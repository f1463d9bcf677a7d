package shell

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// grep is toybox's grep for the common options: -E (extended) or -F (fixed)
// patterns, basic regular expressions by default, -e PATTERN (repeatable),
// -i, -v, -w, -x, -c, -l, -n, -o, -q, -s, -h, -H and -m NUM. It reads the
// files named, or stdin. The exit status is 0 when a line matched, 1 when
// none did and 2 on an error, as POSIX grep's.

type grepOpts struct {
	extended, fixed, ignoreCase, invert, word, line bool
	count, list, number, only, quiet, silent        bool
	noName, withName                                bool
	max                                             int
	patterns                                        []string
}

const grepUsage = "usage: grep [-EFHcfhilnoqsvwx] [-e REGEX]... [-m MAX] [REGEX] [FILE...]"

func builtinGrep(ctx context.Context, env *Env, args []string) int {
	var o grepOpts
	var operands []string
	bad := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "grep: "+format+"\n%s\n", append(a, grepUsage)...)
		return 2
	}
	args = args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		if strings.HasPrefix(a, "--") {
			switch a {
			case "--ignore-case":
				o.ignoreCase = true
			case "--invert-match":
				o.invert = true
			case "--count":
				o.count = true
			case "--quiet", "--silent":
				o.quiet = true
			case "--fixed-strings":
				o.fixed = true
			case "--extended-regexp":
				o.extended = true
			default:
				if strings.HasPrefix(a, "--color") {
					continue
				}
				return bad("Unknown option '%s'", strings.TrimPrefix(a, "--"))
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			switch c := a[j]; c {
			case 'E':
				o.extended = true
			case 'F':
				o.fixed = true
			case 'i':
				o.ignoreCase = true
			case 'v':
				o.invert = true
			case 'w':
				o.word = true
			case 'x':
				o.line = true
			case 'c':
				o.count = true
			case 'l':
				o.list = true
			case 'n':
				o.number = true
			case 'o':
				o.only = true
			case 'q':
				o.quiet = true
			case 's':
				o.silent = true
			case 'h':
				o.noName = true
			case 'H':
				o.withName = true
			case 'e', 'm':
				v := a[j+1:]
				if v == "" {
					if i+1 >= len(args) {
						return bad("Missing argument to '%c'", c)
					}
					i++
					v = args[i]
				}
				if c == 'e' {
					o.patterns = append(o.patterns, v)
				} else {
					n, err := strconv.Atoi(v)
					if err != nil || n < 0 {
						return bad("-m needs a number, not '%s'", v)
					}
					o.max = n
				}
				j = len(a)
			default:
				return bad("Unknown option '%c'", c)
			}
		}
	}
	if len(o.patterns) == 0 {
		if len(operands) == 0 {
			return bad("Need 1 argument")
		}
		o.patterns, operands = []string{operands[0]}, operands[1:]
	}
	re, err := grepRegexp(o)
	if err != nil {
		fmt.Fprintf(env.Stderr, "grep: bad regex '%s': %v\n", strings.Join(o.patterns, "' '"), err)
		return 2
	}
	if len(operands) == 0 {
		operands = []string{"-"}
	}
	names := (len(operands) > 1 || o.withName) && !o.noName
	status := 1
	for _, name := range operands {
		if ctx.Err() != nil {
			return StatusInterrupted
		}
		var r io.Reader = env.Stdin
		label := "(standard input)"
		if name != "-" {
			f, err := env.FS.Open(env.Abs(name))
			if err != nil {
				if !o.silent {
					env.Errorf("grep", "%s: %s", name, ErrText(err))
				}
				status = 2
				continue
			}
			r, label = f, name
			defer f.Close()
		}
		matched, err := grepStream(ctx, env.Stdout, r, re, o, label, names)
		if err != nil {
			if ctx.Err() != nil {
				return StatusInterrupted
			}
			return 2
		}
		if matched && status != 2 {
			status = 0
		}
		if matched && o.quiet {
			return 0
		}
	}
	return status
}

// grepRegexp compiles the patterns as one expression.
func grepRegexp(o grepOpts) (*regexp.Regexp, error) {
	alts := make([]string, len(o.patterns))
	for i, p := range o.patterns {
		switch {
		case o.fixed:
			p = regexp.QuoteMeta(p)
		case !o.extended:
			p = breToERE(p)
		}
		if o.word {
			p = `\b(?:` + p + `)\b`
		}
		if o.line {
			p = `^(?:` + p + `)$`
		}
		alts[i] = "(?:" + p + ")"
	}
	expr := strings.Join(alts, "|")
	if o.ignoreCase {
		expr = "(?i)" + expr
	}
	return regexp.Compile(expr)
}

// breToERE turns a POSIX basic regular expression into Go's syntax: in a
// BRE, ( ) { } | + ? are literal and their backslashed forms are special.
func breToERE(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '\\' && i+1 < len(p) {
			n := p[i+1]
			if strings.IndexByte("(){}|+?", n) >= 0 {
				b.WriteByte(n)
			} else {
				b.WriteByte('\\')
				b.WriteByte(n)
			}
			i++
			continue
		}
		if strings.IndexByte("(){}|+?", c) >= 0 {
			b.WriteByte('\\')
		}
		if c == '*' && (i == 0 || p[i-1] == '^' && i == 1) {
			b.WriteByte('\\') // a leading * is literal
		}
		b.WriteByte(c)
	}
	return b.String()
}

// grepStream scans one input and reports whether a line was selected.
func grepStream(ctx context.Context, w io.Writer, r io.Reader, re *regexp.Regexp, o grepOpts, label string, names bool) (bool, error) {
	sc := bufio.NewScanner(ctxReader{ctx, r})
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	n, selected := 0, 0
	prefix := func(lineNo int) string {
		s := ""
		if names {
			s = label + ":"
		}
		if o.number {
			s += strconv.Itoa(lineNo) + ":"
		}
		return s
	}
	for sc.Scan() {
		n++
		line := sc.Text()
		if o.max > 0 && selected >= o.max {
			break
		}
		if re.MatchString(line) == o.invert {
			continue
		}
		selected++
		if o.quiet {
			return true, nil
		}
		if o.count || o.list {
			continue
		}
		if o.only && !o.invert {
			for _, m := range re.FindAllString(line, -1) {
				if m != "" {
					fmt.Fprintf(w, "%s%s\n", prefix(n), m)
				}
			}
			continue
		}
		if _, err := fmt.Fprintf(w, "%s%s\n", prefix(n), line); err != nil {
			return selected > 0, err
		}
	}
	if err := sc.Err(); err != nil {
		return selected > 0, err
	}
	switch {
	case o.list && selected > 0:
		fmt.Fprintln(w, label)
	case o.count:
		if names {
			fmt.Fprintf(w, "%s:%d\n", label, selected)
		} else {
			fmt.Fprintf(w, "%d\n", selected)
		}
	}
	return selected > 0, nil
}
