package actions

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotShellCommand: an ADB action whose command is not `adb shell …`.
var ErrNotShellCommand = errors.New("not an adb shell command")

// CommandError is an API call (an ADB action) that ran and exited with a
// non-zero status. Its text carries the command's error output, so a
// model can correct the call, as Mobile-Bench's runner reports "API
// execution failed with error: …".
type CommandError struct {
	Argv     []string
	ExitCode int
	Stderr   string
}

func (e *CommandError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = "no error output"
	}
	return fmt.Sprintf("the command %s exited with status %d: %s", Excerpt(strings.Join(e.Argv, " "), 120), e.ExitCode, Excerpt(msg, 300))
}

// maxCommand bounds an API call's command line.
const maxCommand = 4096

// ParseADBCommand reads an API call's command line, as a model writes it
// ("adb shell am start -a android.intent.action.SEND --es sms_body \"hi\""),
// into the argv to run on the device: the words after `adb shell`. It
// splits words as a POSIX shell does — single quotes keep everything,
// double quotes keep everything but \" \\ and \`, a backslash outside
// quotes escapes the next character — and runs no shell: what a shell
// would read as an operator (| & ; < > ( ) ` $, unquoted) is an error that
// says so, since the command is run as plain arguments and nothing of it
// reaches a shell on this computer or the phone's shell unquoted. Only
// `adb shell` commands are accepted (not push, pull, install or a device
// selected with -s), and a trailing newline, as Mobile-Bench's API list
// writes some commands, is ignored.
func ParseADBCommand(line string) ([]string, error) {
	if len(line) > maxCommand {
		return nil, fmt.Errorf("the command is %d bytes long; an API call is one command line of at most %d", len(line), maxCommand)
	}
	words, err := shellWords(line)
	if err != nil {
		return nil, err
	}
	const form = "write it as adb shell COMMAND ARGS…, such as adb shell am start -n com.android.settings/.Settings"
	switch {
	case len(words) == 0:
		return nil, fmt.Errorf("%w: the command is empty; %s", ErrNotShellCommand, form)
	case words[0] != "adb":
		return nil, fmt.Errorf("%w: %q does not start with adb; %s", ErrNotShellCommand, Excerpt(line, 60), form)
	case len(words) < 2:
		return nil, fmt.Errorf("%w: adb with no command; %s", ErrNotShellCommand, form)
	case words[1] == "-s" || words[1] == "-d" || words[1] == "-e" || words[1] == "-t" || words[1] == "-H" || words[1] == "-P":
		return nil, fmt.Errorf("%w: the command selects a device or server (%s); it runs on this run's phone: leave %s out", ErrNotShellCommand, words[1], words[1])
	case words[1] != "shell":
		return nil, fmt.Errorf("%w: adb %s is not an API call on the phone; only adb shell commands run; %s", ErrNotShellCommand, words[1], form)
	case len(words) < 3:
		return nil, fmt.Errorf("%w: adb shell with no command (an interactive shell); %s", ErrNotShellCommand, form)
	}
	return words[2:], nil
}

// shellWords splits line into words with the POSIX quoting rules, and
// refuses shell operators and expansions outside single quotes.
func shellWords(line string) ([]string, error) {
	line = strings.TrimRight(line, "\r\n")
	var words []string
	var cur strings.Builder
	inWord := false
	operator := func(i int, c byte) error {
		return fmt.Errorf("the command has %q at byte %d, which a shell would read as an operator or expansion; API calls run without a shell: put it in single quotes ('…%c…') or leave it out", c, i, c)
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("the command has an unclosed ' at byte %d; close the quote", i)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				switch line[j] {
				case '\\':
					if j+1 < len(line) && strings.IndexByte("\"\\`$\n", line[j+1]) >= 0 {
						if line[j+1] != '\n' {
							cur.WriteByte(line[j+1])
						}
						j++
						continue
					}
					cur.WriteByte('\\')
				case '$', '`':
					return nil, operator(j, line[j])
				default:
					cur.WriteByte(line[j])
				}
			}
			if j >= len(line) {
				return nil, fmt.Errorf("the command has an unclosed \" at byte %d; close the quote", i)
			}
			i = j
			inWord = true
		case '\\':
			if i+1 < len(line) {
				if line[i+1] != '\n' {
					cur.WriteByte(line[i+1])
					inWord = true
				}
				i++
			}
		case '|', '&', ';', '<', '>', '(', ')', '`', '$':
			return nil, operator(i, c)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// runADB runs an API call on the device.
func (e *Executor) runADB(ctx context.Context, a ADB, res *Result) error {
	argv, err := ParseADBCommand(a.Command)
	if err != nil {
		return &ActionError{Op: "adb", Action: a, Err: fmt.Errorf("%w: %w", ErrNotExecutable, err)}
	}
	r, err := e.dev.Shell(ctx, argv...)
	detail := strconv.Quote(Excerpt(strings.Join(argv, " "), 200))
	if err != nil {
		return e.call(res, "shell", detail, err)
	}
	if r.ExitCode != 0 {
		return e.call(res, "shell", detail, &CommandError{Argv: argv, ExitCode: r.ExitCode, Stderr: string(r.Stderr) + " " + string(r.Stdout)})
	}
	return e.call(res, "shell", detail, nil)
}

// callADB reads an API call: the command line, under the names models give
// it; adb_shell may leave out the "adb shell" prefix.
func callADB(op, nn string, a args, pos []any, kw map[string]any, o ParseOptions, hint Space) (Action, error) {
	cmd, ok := a.str("command", "cmd", "adb_command", "api", "text", "value")
	if !ok && len(pos) > 0 {
		cmd, _ = pos[0].(string)
	}
	cmd = strings.TrimSpace(cmd)
	if cmd == "" {
		return nil, badArg(string(KindADB), "no command", `write {"action":"adb","command":"adb shell am start -n PACKAGE/ACTIVITY"}`)
	}
	if !strings.HasPrefix(cmd, "adb ") && nn == "adb_shell" {
		cmd = "adb shell " + cmd
	}
	return ADB{Command: cmd}, nil
}
