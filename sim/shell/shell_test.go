package shell

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mobagent/mobagent/sim/vfs"
)

func run(t *testing.T, sh *Shell, line, stdin string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st := sh.Run(ctx, line, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), st
}

func TestRun(t *testing.T) {
	tests := []struct {
		line, stdin string
		out, err    string
		status      int
	}{
		{line: "echo hello world", out: "hello world\n"},
		{line: `echo 起床 "新产品 发布会" 'é'`, out: "起床 新产品 发布会 é\n"},
		{line: "echo -n a b", out: "a b"},
		{line: `echo -e 'a\tb\nc'`, out: "a\tb\nc\n"},
		{line: "echo 'single $? \"q\"' \"dq \\$ \\\" \\\\ \\` x\" plain\\ word", out: "single $? \"q\" dq $ \" \\ ` x plain word\n"},
		{line: `echo "a\nb"`, out: "a\\nb\n"},
		{line: "echo a''b \"\" c", out: "ab  c\n"},
		{line: "true; echo $?", out: "0\n"},
		{line: "false; echo $?", out: "1\n"},
		{line: "false", status: 1},
		{line: "exit 7", status: 7},
		{line: "exit 300", status: 44},
		{line: "echo a; exit 3; echo b", out: "a\n", status: 3},
		{line: "false || echo yes && echo and", out: "yes\nand\n"},
		{line: "true && false || echo recovered", out: "recovered\n"},
		{line: "false && echo no", status: 1},
		{line: "! false", status: 0},
		{line: "! true", status: 1},
		{line: "nosuchcmd arg", err: "/system/bin/sh: nosuchcmd: not found\n", status: 127},
		{line: "nosuchcmd; echo $?", out: "127\n", err: "/system/bin/sh: nosuchcmd: not found\n"},
		{line: "/system/bin/echo via path", out: "via path\n"},
		{line: "/x/y", err: "/system/bin/sh: /x/y: inaccessible or not found\n", status: 127},
		{line: "echo hi | cat", out: "hi\n"},
		{line: "cat", stdin: "from stdin", out: "from stdin"},
		{line: "cat - | cat | cat", stdin: "piped", out: "piped"},
		{line: "echo x | false", status: 1},
		{line: "false | true", status: 0},
		{line: "cat /nope", err: "cat: /nope: No such file or directory\n", status: 1},
		{line: "cat /sdcard", err: "cat: /sdcard: Is a directory\n", status: 1},
		{line: "echo err >&2", err: "err\n"},
		{line: "cat /nope 2>&1", out: "cat: /nope: No such file or directory\n", status: 1},
		{line: "cat /nope 2>/dev/null", status: 1},
		{line: "echo gone >/dev/null", out: ""},
		{line: "echo x > /foo", err: "/system/bin/sh: can't create /foo: Read-only file system\n", status: 1},
		{line: "echo x > /data/foo", err: "/system/bin/sh: can't create /data/foo: Permission denied\n", status: 1},
		{line: "cat < /nope", err: "/system/bin/sh: can't open /nope: No such file or directory\n", status: 1},
		{line: "echo one > /sdcard/f; echo two >> /sdcard/f; cat /sdcard/f", out: "one\ntwo\n"},
		{line: "echo one > /sdcard/f; cat < /sdcard/f", out: "one\n"},
		{line: "echo x > /sdcard/f && rm /sdcard/f && cat /sdcard/f", err: "cat: /sdcard/f: No such file or directory\n", status: 1},
		{line: "rm /sdcard/none", err: "rm: /sdcard/none: No such file or directory\n", status: 1},
		{line: "rm -f /sdcard/none", status: 0},
		{line: "mkdir /sdcard/d && rm /sdcard/d", err: "rm: /sdcard/d: Is a directory\n", status: 1},
		{line: "mkdir -p /sdcard/a/b/c && echo f > /sdcard/a/b/c/f && rm -rf /sdcard/a && ls /sdcard/a", err: "ls: /sdcard/a: No such file or directory\n", status: 1},
		{line: "mkdir /sdcard/x/y", err: "mkdir: '/sdcard/x/y': No such file or directory\n", status: 1},
		{line: "mkdir /foo", err: "mkdir: '/foo': Read-only file system\n", status: 1},
		{line: "mkdir /sdcard/Download", err: "mkdir: '/sdcard/Download': File exists\n", status: 1},
		{line: "ls /sdcard", out: "Alarms\nAndroid\nDCIM\nDocuments\nDownload\nMovies\nMusic\nNotifications\nPictures\nPodcasts\nRingtones\n"},
		{line: "ls /data", err: "ls: /data: Permission denied\n", status: 1},
		{line: "ls /nope", err: "ls: /nope: No such file or directory\n", status: 1},
		{line: "echo 12345 > /data/local/tmp/f; ls -l /data/local/tmp", out: "total 4\n-rw-rw-rw- 1 shell shell 6 2024-05-06 07:08 f\n"},
		{line: "ls -la /data/local/tmp", out: "total 8\ndrwxrwx--x 2 shell shell 4096 2024-01-01 00:00 .\ndrwxr-x--x 2 root  root  4096 2024-01-01 00:00 ..\n"},
		{line: "ls -ld /sdcard", out: "drwxrws--x 2 root sdcard_rw 4096 2024-01-01 00:00 /sdcard\n"},
		{line: "cd /sdcard && pwd && echo x > rel && cat /sdcard/rel", out: "/sdcard\nx\n"},
		{line: "cd /nope", err: "/system/bin/sh: cd: /nope: No such file or directory\n", status: 2},
		{line: "id", out: shellID + "\n"},
		{line: "whoami", out: "shell\n"},
		{line: "FOO=bar; echo $FOO ${FOO}x \"$FOO\" '$FOO'", out: "bar barx bar $FOO\n"},
		{line: "echo $UNSET x", out: "x\n"},
		{line: "echo \"$UNSET\" x", out: " x\n"},
		{line: "echo $HOME$", out: "/$\n"},
		{line: "echo a # comment", out: "a\n"},
		{line: "echo a\necho b", out: "a\nb\n"},
		{line: "echo a &", out: "a\n"},
		{line: "sleep 0", status: 0},
		{line: "sleep x", err: "sleep: Not a number 'x'\n", status: 1},
		// Syntax errors run nothing.
		{line: "echo `touch /sdcard/pwned`", err: "/system/bin/sh: syntax error: command substitution (`...`) is not supported\n", status: 1},
		{line: "echo ran; echo $(id)", err: "/system/bin/sh: syntax error: command substitution ($(...)) is not supported\n", status: 1},
		{line: "echo \"$(id)\"", err: "/system/bin/sh: syntax error: command substitution ($(...)) is not supported\n", status: 1},
		{line: "echo 'open", err: "/system/bin/sh: syntax error: no closing quote\n", status: 1},
		{line: "echo a |", err: "/system/bin/sh: syntax error: unexpected end of line\n", status: 1},
		{line: "| echo", err: "/system/bin/sh: syntax error: '|' unexpected\n", status: 1},
		{line: "echo a && && b", err: "/system/bin/sh: syntax error: '&&' unexpected\n", status: 1},
		{line: "(echo a)", err: "/system/bin/sh: syntax error: '(' unexpected (subshells are not supported)\n", status: 1},
		{line: "echo >", err: "/system/bin/sh: syntax error: unexpected end of line\n", status: 1},
		// Literal backticks and $( inside single quotes are text.
		{line: "echo '`id` $(id)'", out: "`id` $(id)\n"},
		{line: "echo \\`id\\` \\$\\(id\\)", out: "`id` $(id)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
			sh := &Shell{FS: vfs.NewWithConfig(vfs.Config{Now: func() time.Time { return now }})}
			out, errs, st := run(t, sh, tc.line, tc.stdin)
			if out != tc.out || errs != tc.err || st != tc.status {
				t.Errorf("Run(%q)\n got stdout %q stderr %q status %d\nwant stdout %q stderr %q status %d",
					tc.line, out, errs, st, tc.out, tc.err, tc.status)
			}
		})
	}
}

func TestSyntaxErrorRunsNothing(t *testing.T) {
	var ran atomic.Int32
	sh := &Shell{}
	sh.Register("touch", func(context.Context, *Env, []string) int { ran.Add(1); return 0 })
	for _, line := range []string{"touch; echo `touch`", "touch && echo $(touch)", "touch; echo \"`touch`\"", "touch | (touch)"} {
		if _, _, st := run(t, sh, line, ""); st != StatusSyntax {
			t.Errorf("Run(%q) = %d, want %d", line, st, StatusSyntax)
		}
	}
	if n := ran.Load(); n != 0 {
		t.Fatalf("a command ran %d times although every line had a syntax error", n)
	}
}

func TestRegisteredCommand(t *testing.T) {
	sh := &Shell{}
	sh.Register("upper", func(_ context.Context, env *Env, args []string) int {
		b, _ := io.ReadAll(env.Stdin)
		io.WriteString(env.Stdout, strings.ToUpper(string(b))+strings.Join(args[1:], ","))
		return 5
	})
	out, _, st := run(t, sh, "echo hi | upper a 'b c'", "")
	if out != "HI\na,b c" || st != 5 {
		t.Fatalf("got %q %d", out, st)
	}
	// exit cannot be replaced.
	sh.Register("exit", func(context.Context, *Env, []string) int { return 99 })
	if _, _, st := run(t, sh, "exit 4", ""); st != 4 {
		t.Fatalf("exit replaced: status %d", st)
	}
}

func TestInteractive(t *testing.T) {
	sh := &Shell{}
	in := "echo one\ncd /sdcard\npwd\nfalse\necho $?\nexit 9\necho never\n"
	var out, errb bytes.Buffer
	st := sh.Interactive(context.Background(), strings.NewReader(in), &out, &errb)
	if st != 9 || out.String() != "one\n/sdcard\n1\n" || errb.String() != "" {
		t.Fatalf("status %d stdout %q stderr %q", st, out.String(), errb.String())
	}
	// EOF without exit returns the last status; a blank Run line is interactive.
	out.Reset()
	st = sh.Run(context.Background(), "  ", strings.NewReader("echo a\nfalse"), &out, &errb)
	if st != 1 || out.String() != "a\n" {
		t.Fatalf("status %d stdout %q", st, out.String())
	}
}

type ttyReader struct{ io.Reader }

func (ttyReader) Terminal() bool { return true }

func TestInteractivePrompt(t *testing.T) {
	sh := &Shell{Hostname: "mobsim"}
	var out bytes.Buffer
	sh.Interactive(context.Background(), ttyReader{strings.NewReader("cd /sdcard\n")}, &out, io.Discard)
	if want := "mobsim:/ $ mobsim:/sdcard $ "; out.String() != want {
		t.Fatalf("prompt output %q, want %q", out.String(), want)
	}
}

func TestSleepHonoursContext(t *testing.T) {
	sh := &Shell{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- sh.Run(ctx, "sleep 3600; echo after", nil, nil, nil) }()
	cancel()
	if st := <-done; st != StatusInterrupted {
		t.Fatalf("status %d, want %d", st, StatusInterrupted)
	}
}

func TestPipelineCancelUnblocks(t *testing.T) {
	sh := &Shell{}
	block := make(chan struct{})
	sh.Register("yes", func(ctx context.Context, env *Env, _ []string) int {
		for {
			if _, err := io.WriteString(env.Stdout, "y\n"); err != nil {
				return 1
			}
		}
	})
	started := make(chan struct{})
	sh.Register("wait", func(ctx context.Context, env *Env, _ []string) int {
		close(started)
		<-ctx.Done()
		close(block)
		return 0
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- sh.Run(ctx, "yes | wait", nil, nil, nil) }()
	<-started
	cancel()
	<-done
	<-block
	// A reader that stops early ends the writer with a broken pipe.
	out, _, st := run(t, sh, "yes | true", "")
	if st != 0 || out != "" {
		t.Fatalf("yes | true: %q %d", out, st)
	}
}

func TestPanicInPipelineIsContained(t *testing.T) {
	sh := &Shell{}
	sh.Register("boom", func(context.Context, *Env, []string) int { panic("kaboom") })
	_, errs, st := run(t, sh, "echo x | boom", "")
	if st != 2 || !strings.Contains(errs, "kaboom") {
		t.Fatalf("status %d stderr %q", st, errs)
	}
}

func TestErrText(t *testing.T) {
	_, err := vfs.New().Stat("/nope")
	if ErrText(err) != "No such file or directory" || ErrText(errors.New("x")) != "x" {
		t.Fatal(ErrText(err))
	}
}
