package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, chosen here and nowhere else.
const (
	ExitOK          = 0
	ExitFailed      = 1 // the task failed, a check failed
	ExitUsage       = 2 // bad flags or arguments
	ExitUnavailable = 3 // device or model unavailable
	ExitInterrupted = 130
)

// IOStreams are the command's standard streams.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Getenv reads the environment; tests replace it.
	Getenv func(string) string
}

// System returns the process's streams and environment.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv}
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// NewRoot builds the command tree.
func NewRoot(s *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "mobagent",
		Short: "Let language-model agents operate Android phones",
		Long: `mobagent runs a team of agents (planner, decision, reflector, notetaker) that operate an
Android phone through adb: real phones, emulators, or mobagent's own virtual phone.

Start with:
  mobagent doctor                     check adb, devices, Tesseract and fonts
  mobagent sim serve                  serve a virtual phone on 127.0.0.1:15555
  mobagent devices                    list the phones the adb server sees`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withCode(ExitUsage, fmt.Errorf("%w (run '%s --help' for usage)", err, c.CommandPath()))
	})
	f := NewFactory(s)
	root.AddCommand(newCmdDevices(s, nil), newCmdDoctor(s, nil), newCmdSim(s), newCmdPerceive(f, nil), newCmdBench(s))
	root.AddCommand(newCmdTask(f, nil), newCmdReport(s, nil))
	root.AddCommand(newCmdMemory(s, nil), newCmdExplore(s, nil))
	root.AddCommand(newCmdSchema(s, nil))
	root.AddCommand(newCmdAction(s))
	root.AddCommand(newCmdMCP(f, nil), newCmdConfig(s, nil))
	guardGroups(root)
	return root
}

// guardGroups makes every command that only groups others (memory, bench,
// sim, ...) refuse an unknown subcommand with a usage error (exit 2), where
// cobra would print the help and exit 0.
func guardGroups(c *cobra.Command) {
	for _, sub := range c.Commands() {
		guardGroups(sub)
	}
	if c.HasSubCommands() && c.Run == nil && c.RunE == nil && c.HasParent() {
		c.Args = cobra.ArbitraryArgs
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				var names []string
				for _, s := range cmd.Commands() {
					if s.IsAvailableCommand() {
						names = append(names, s.Name())
					}
				}
				return withCode(ExitUsage, fmt.Errorf("unknown command %q for %q: use one of %s (see '%s --help')", args[0], cmd.CommandPath(), strings.Join(names, ", "), cmd.CommandPath()))
			}
			return cmd.Help()
		}
	}
}

// Main runs the CLI and returns the process exit code. Ctrl-C cancels the
// running command's context; a second Ctrl-C exits at once.
func Main(args []string, s *IOStreams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal now kills the process
	}()
	root := NewRoot(s)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(s.ErrOut, "mobagent: %v\n", err)
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case isUsageError(err):
		return ExitUsage
	}
	return ExitFailed
}

// isUsageError recognises cobra's argument and command errors.
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires exactly", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
