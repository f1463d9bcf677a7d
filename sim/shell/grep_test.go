package shell

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/sim/vfs"
)

func TestGrep(t *testing.T) {
	fsys := vfs.New()
	priv := fsys.Privileged()
	_ = priv.WriteFile("/data/local/tmp/a.txt", []byte("alpha\nBeta\ngamma delta\n(x)+y\nlast"), 0o644, time.Time{})
	_ = priv.WriteFile("/data/local/tmp/b.txt", []byte("beta\n"), 0o644, time.Time{})
	sh := &Shell{FS: fsys}
	in := "CredentialType: NONE\nQuality: 0\n  mFocusedApp=ActivityRecord{1 u0 com.example.bankApp/.MainActivity t3}\n"
	for _, tc := range []struct {
		line, stdin, out string
		code             int
	}{
		{`grep CredentialType`, in, "CredentialType: NONE\n", 0},
		{`grep com.example.bankApp | grep -c mFocusedApp`, in, "1\n", 0},
		{`grep -q NONE && echo yes`, in, "yes\n", 0},
		{`grep -v Quality`, in, "CredentialType: NONE\n  mFocusedApp=ActivityRecord{1 u0 com.example.bankApp/.MainActivity t3}\n", 0},
		{`grep nothing`, in, "", 1},
		{`grep -c nothing`, in, "0\n", 1},
		{`grep -i beta /data/local/tmp/a.txt`, "", "Beta\n", 0},
		{`grep -n a /data/local/tmp/a.txt`, "", "1:alpha\n2:Beta\n3:gamma delta\n5:last\n", 0},
		{`grep beta /data/local/tmp/a.txt /data/local/tmp/b.txt`, "", "/data/local/tmp/b.txt:beta\n", 0},
		{`grep -l -i beta /data/local/tmp/a.txt /data/local/tmp/b.txt`, "", "/data/local/tmp/a.txt\n/data/local/tmp/b.txt\n", 0},
		{`grep '(x)+y' /data/local/tmp/a.txt`, "", "(x)+y\n", 0}, // BRE: ( ) + are literal
		{`grep -E '^(al|ga)' /data/local/tmp/a.txt`, "", "alpha\ngamma delta\n", 0},
		{`grep -F '(x)+' /data/local/tmp/a.txt`, "", "(x)+y\n", 0},
		{`grep 'a\|e' /data/local/tmp/b.txt`, "", "beta\n", 0}, // BRE alternation
		{`grep -w delta /data/local/tmp/a.txt`, "", "gamma delta\n", 0},
		{`grep -w del /data/local/tmp/a.txt`, "", "", 1},
		{`grep -x last /data/local/tmp/a.txt`, "", "last\n", 0},
		{`grep -o 'a.' /data/local/tmp/b.txt`, "", "", 1},
		{`grep -o 'et' /data/local/tmp/b.txt`, "", "et\n", 0},
		{`grep -m 1 a /data/local/tmp/a.txt`, "", "alpha\n", 0},
		{`grep -e alpha -e gamma /data/local/tmp/a.txt`, "", "alpha\ngamma delta\n", 0},
		{`grep x /nope`, "", "", 2},
		{`grep -s x /nope`, "", "", 2},
		{`grep`, "", "", 2},
		{`grep -Z x`, "", "", 2},
		{`grep -E '(' `, "", "", 2},
	} {
		var out, errOut bytes.Buffer
		code := sh.Run(context.Background(), tc.line, strings.NewReader(tc.stdin), &out, &errOut)
		if code != tc.code || out.String() != tc.out {
			t.Errorf("%q: exit %d, stdout %q (stderr %q); want exit %d, stdout %q", tc.line, code, out.String(), errOut.String(), tc.code, tc.out)
		}
		if code == 2 && tc.line != "grep -s x /nope" && errOut.Len() == 0 {
			t.Errorf("%q failed without a message", tc.line)
		}
	}
}

// FuzzGrep runs grep with arbitrary patterns and input: it must not panic,
// must exit 0, 1 or 2, and -c must agree with the lines printed.
func FuzzGrep(f *testing.F) {
	for _, s := range [][2]string{{"a", "abc\nx\n"}, {`\(a\)\{2\}`, "aa\n"}, {"*x", "*x\n"}, {"[", "["}, {"^$", "\n\n"}, {"a|b", "a|b\n"}, {`\`, `\`}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, input string) {
		sh := &Shell{FS: vfs.New()}
		run := func(args ...string) (string, int) {
			var out bytes.Buffer
			env := &Env{Stdin: strings.NewReader(input), Stdout: &out, Stderr: &bytes.Buffer{}, FS: sh.fileSystem(), Dir: "/"}
			code := builtinGrep(context.Background(), env, append([]string{"grep"}, args...))
			return out.String(), code
		}
		lines, code := run("-e", pattern)
		if code < 0 || code > 2 {
			t.Fatalf("exit %d", code)
		}
		count, ccode := run("-c", "-e", pattern)
		if code == 2 {
			return
		}
		if ccode != code {
			t.Fatalf("grep and grep -c disagree on the exit: %d, %d", code, ccode)
		}
		n := strings.Count(lines, "\n")
		if count != strings.TrimSpace(count)+"\n" || strings.TrimSpace(count) != strconv.Itoa(n) {
			t.Fatalf("grep printed %d lines, grep -c says %q", n, count)
		}
	})
}
