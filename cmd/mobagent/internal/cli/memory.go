package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/mobagent/mobagent/memory"
)

// MemoryOptions are the flags and arguments of `mobagent memory ...`.
type MemoryOptions struct {
	IO *IOStreams
	// Path is --memory; empty means the default store.
	Path string
	// Kind is "tips", "shortcuts" or "" (the whole store); Action is list,
	// show, rm, export, import or stats.
	Kind   string
	Action string
	ID     string // show, rm: the tip id or shortcut name
	File   string // export: output file ("" or "-" for stdout); import: input ("-" for stdin)
	App    string // tips list: only this app (and global tips)
	JSON   bool
	// Salvage exports a damaged file without opening it as a store.
	Salvage bool
}

func newCmdMemory(s *IOStreams, runF func(context.Context, *MemoryOptions) error) *cobra.Command {
	base := &MemoryOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "memory",
		Short: "Inspect and move what mobagent has learned",
		Long: `The memory store holds the tips and shortcuts mobagent learned from runs, the screen
graphs of explored apps, an index of runs and benchmark results, in one file:
$XDG_DATA_HOME/mobagent/memory.db (else ~/.local/share/mobagent/memory.db), or --memory PATH.

Only one mobagent may hold the file at a time. If it is damaged, export what can still be
read with 'mobagent memory export --salvage', move the file away and import the export.`,
		Example: `  mobagent memory stats
  mobagent memory tips list --app com.android.settings
  mobagent memory shortcuts show dark_theme_on
  mobagent memory export > memory.json
  mobagent memory import memory.json --memory /tmp/other.db`,
	}
	cmd.PersistentFlags().StringVar(&base.Path, "memory", "", "memory store `PATH` (default $XDG_DATA_HOME/mobagent/memory.db)")
	run := func(o MemoryOptions) func(*cobra.Command, []string) error {
		return func(c *cobra.Command, args []string) error {
			opts := o
			opts.Path = base.Path
			if len(args) > 0 {
				opts.ID, opts.File = args[0], args[0]
			}
			if runF != nil {
				return runF(c.Context(), &opts)
			}
			return memoryRun(c.Context(), &opts)
		}
	}
	for _, kind := range []string{"tips", "shortcuts"} {
		one := strings.TrimSuffix(kind, "s")
		idName := "ID"
		if kind == "shortcuts" {
			idName = "NAME"
		}
		kc := &cobra.Command{Use: kind, Short: "List, show, remove, export or import " + kind}
		list := &MemoryOptions{IO: s, Kind: kind, Action: "list"}
		lc := &cobra.Command{Use: "list", Short: "List the " + kind, Args: cobra.NoArgs}
		lc.Flags().BoolVar(&list.JSON, "json", false, "print JSON")
		if kind == "tips" {
			lc.Flags().StringVar(&list.App, "app", "", "only the tips of `PACKAGE` (and the global ones)")
		}
		lc.RunE = func(c *cobra.Command, args []string) error { return run(*list)(c, args) }
		show := &cobra.Command{Use: "show " + idName, Short: "Print one " + one + " as JSON", Args: cobra.ExactArgs(1),
			RunE: run(MemoryOptions{IO: s, Kind: kind, Action: "show"})}
		rm := &cobra.Command{Use: "rm " + idName, Short: "Remove one " + one, Args: cobra.ExactArgs(1),
			RunE: run(MemoryOptions{IO: s, Kind: kind, Action: "rm"})}
		exp := &cobra.Command{Use: "export [FILE]", Short: "Write the " + kind + " as an importable JSON export (stdout by default)", Args: cobra.MaximumNArgs(1),
			RunE: run(MemoryOptions{IO: s, Kind: kind, Action: "export"})}
		imp := &cobra.Command{Use: "import FILE", Short: "Import the " + kind + " of a JSON export ('-' reads stdin)", Args: cobra.ExactArgs(1),
			RunE: run(MemoryOptions{IO: s, Kind: kind, Action: "import"})}
		kc.AddCommand(lc, show, rm, exp, imp)
		cmd.AddCommand(kc)
	}
	salvage := &MemoryOptions{IO: s, Action: "export"}
	exp := &cobra.Command{Use: "export [FILE]", Short: "Write the whole store as JSON (stdout by default)", Args: cobra.MaximumNArgs(1),
		Long: `Write the whole store as JSON (stdout by default). With --salvage, read a damaged file page by
page without opening it as a store, export every record that can still be read and report
what was lost on stderr.`}
	exp.Flags().BoolVar(&salvage.Salvage, "salvage", false, "export what can be read from a damaged file")
	exp.RunE = func(c *cobra.Command, args []string) error { return run(*salvage)(c, args) }
	imp := &cobra.Command{Use: "import FILE", Short: "Import a JSON export into the store ('-' reads stdin)", Args: cobra.ExactArgs(1),
		RunE: run(MemoryOptions{IO: s, Action: "import"})}
	stats := &MemoryOptions{IO: s, Action: "stats"}
	st := &cobra.Command{Use: "stats", Short: "Count what the store holds", Args: cobra.NoArgs}
	st.Flags().BoolVar(&stats.JSON, "json", false, "print JSON")
	st.RunE = func(c *cobra.Command, args []string) error { return run(*stats)(c, args) }
	cmd.AddCommand(exp, imp, st)
	return cmd
}

// openMemory opens the store named by path (or the default) and maps its
// errors to exit codes.
func openMemory(io *IOStreams, path string) (*memory.Store, error) {
	if path == "" {
		getenv := io.Getenv
		if getenv == nil {
			getenv = os.Getenv
		}
		p, err := memory.DefaultPathEnv(getenv)
		if err != nil {
			return nil, withCode(ExitUsage, err)
		}
		path = p
	}
	s, err := memory.Open(path, memory.Options{})
	if err != nil {
		return nil, memoryErr(err)
	}
	return s, nil
}

// memoryErr chooses the exit status of a memory error and adds the CLI's
// hint to the library's words.
func memoryErr(err error) error {
	var ce *memory.CorruptError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ce):
		return withCode(ExitFailed, fmt.Errorf("%w\nrecover it: mobagent memory export --salvage --memory %s > memory.json, move %s away, then mobagent memory import memory.json (or run a task with --no-memory meanwhile)",
			err, shellQuote(ce.Path), shellQuote(ce.Path)))
	case errors.Is(err, memory.ErrLocked):
		return withCode(ExitUnavailable, fmt.Errorf("%w (or pass another file with --memory PATH)", err))
	case errors.Is(err, memory.ErrNotFound), errors.Is(err, memory.ErrInvalid), errors.Is(err, memory.ErrNotAStore), errors.Is(err, memory.ErrSchemaTooNew):
		return withCode(ExitUsage, err)
	}
	return withCode(ExitFailed, err)
}

// shellQuote quotes a path for a command the person may paste.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func memoryPath(io *IOStreams, path string) (string, error) {
	if path != "" {
		return path, nil
	}
	getenv := io.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	p, err := memory.DefaultPathEnv(getenv)
	if err != nil {
		return "", withCode(ExitUsage, err)
	}
	return p, nil
}

func memoryRun(ctx context.Context, opts *MemoryOptions) error {
	_ = ctx
	out := opts.IO.Out
	if opts.Action == "export" && opts.Salvage {
		path, err := memoryPath(opts.IO, opts.Path)
		if err != nil {
			return err
		}
		w, done, err := outputFile(out, opts.File)
		if err != nil {
			return err
		}
		rep, err := memory.Salvage(path, w)
		if cerr := done(); err == nil && cerr != nil {
			err = cerr
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(opts.IO.ErrOut, "lost: %s\n", p)
		}
		fmt.Fprintf(opts.IO.ErrOut, "salvaged %v from %s (found via %s)\n", rep.Records, path, rep.Source)
		return memoryErr(err)
	}
	s, err := openMemory(opts.IO, opts.Path)
	if err != nil {
		return err
	}
	defer s.Close()
	switch opts.Action {
	case "stats":
		st, err := s.Stats()
		if err != nil {
			return memoryErr(err)
		}
		if opts.JSON {
			return printJSON(out, st)
		}
		fmt.Fprintf(out, "store:       %s (schema %d, %d bytes)\n", st.Path, st.Schema, st.FileBytes)
		fmt.Fprintf(out, "tips:        %d\n", st.Tips)
		fmt.Fprintf(out, "shortcuts:   %d\n", st.Shortcuts)
		fmt.Fprintf(out, "screens:     %d in %d apps %s\n", st.Screens, len(st.Apps), strings.Join(st.Apps, " "))
		fmt.Fprintf(out, "transitions: %d\n", st.Transitions)
		fmt.Fprintf(out, "runs:        %d\n", st.Runs)
		fmt.Fprintf(out, "bench:       %d\n", st.Bench)
		return nil
	case "list":
		return memoryList(s, opts)
	case "show":
		if opts.Kind == "tips" {
			t, err := s.Tip(opts.ID)
			if err != nil {
				return memoryErr(err)
			}
			return printJSON(out, t)
		}
		sc, err := s.Shortcut(opts.ID)
		if err != nil {
			return memoryErr(err)
		}
		return printJSON(out, sc)
	case "rm":
		if opts.Kind == "tips" {
			err = s.DeleteTip(opts.ID)
		} else {
			err = s.DeleteShortcut(opts.ID)
		}
		if err != nil {
			return memoryErr(err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "removed %s %s\n", strings.TrimSuffix(opts.Kind, "s"), opts.ID)
		return nil
	case "export":
		d, err := s.Dump()
		if err != nil {
			return memoryErr(err)
		}
		only(d, opts.Kind)
		w, done, err := outputFile(out, opts.File)
		if err != nil {
			return err
		}
		if err := printJSON(w, d); err != nil {
			done()
			return withCode(ExitFailed, err)
		}
		if err := done(); err != nil {
			return withCode(ExitFailed, err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "exported %d records from %s\n", d.Count(), s.Path())
		return nil
	case "import":
		var r io.Reader
		if opts.File == "-" {
			r = opts.IO.In
		} else {
			data, err := os.ReadFile(opts.File)
			if err != nil {
				return withCode(ExitUsage, fmt.Errorf("import: %w", err))
			}
			r = bytes.NewReader(data)
		}
		if opts.Kind != "" {
			// Keep only the kind asked for.
			var d memory.Dump
			if err := json.NewDecoder(r).Decode(&d); err != nil {
				return withCode(ExitUsage, fmt.Errorf("import %s: not a memory export: %w (produce one with `mobagent memory export`)", opts.File, err))
			}
			only(&d, opts.Kind)
			var b bytes.Buffer
			json.NewEncoder(&b).Encode(&d)
			r = &b
		}
		st, err := s.Import(r)
		if err != nil {
			return memoryErr(err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "imported %d tips, %d shortcuts, %d screens, %d transitions, %d runs, %d benchmark results into %s\n",
			st.Tips, st.Shortcuts, st.Screens, st.Transitions, st.Runs, st.Bench, s.Path())
		return nil
	}
	return withCode(ExitUsage, fmt.Errorf("memory: unknown action %q", opts.Action))
}

// only empties every kind of d but kind ("" keeps all).
func only(d *memory.Dump, kind string) {
	switch kind {
	case "tips":
		*d = memory.Dump{Format: d.Format, Kind: d.Kind, Schema: d.Schema, Tips: d.Tips}
	case "shortcuts":
		*d = memory.Dump{Format: d.Format, Kind: d.Kind, Schema: d.Schema, Shortcuts: d.Shortcuts}
	}
}

func memoryList(s *memory.Store, opts *MemoryOptions) error {
	out := opts.IO.Out
	if opts.Kind == "tips" {
		var tips []memory.Tip
		var err error
		if opts.App != "" {
			tips, err = s.Tips(opts.App)
		} else {
			tips, err = s.AllTips()
		}
		if err != nil {
			return memoryErr(err)
		}
		if opts.JSON {
			if tips == nil {
				tips = []memory.Tip{}
			}
			return printJSON(out, tips)
		}
		if len(tips) == 0 {
			fmt.Fprintln(opts.IO.ErrOut, "no tips yet: they are learned after runs (mobagent task)")
			return nil
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tAPP\tHELPED/SHOWN\tTIP")
		for _, t := range tips {
			fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", t.ID, t.App, t.Helped, t.Shown, t.Text)
		}
		return tw.Flush()
	}
	scs, err := s.Shortcuts()
	if err != nil {
		return memoryErr(err)
	}
	if opts.JSON {
		if scs == nil {
			scs = []memory.Shortcut{}
		}
		return printJSON(out, scs)
	}
	if len(scs) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no shortcuts yet: they are learned from successful runs")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tAPP\tSTEPS\tOK/RUNS\tDESCRIPTION")
	for _, sc := range scs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d/%d\t%s\n", sc.Name, sc.App, len(sc.Steps), sc.Successes, sc.Runs, sc.Description)
	}
	return tw.Flush()
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// outputFile is out for "" or "-", else a created file; done closes it.
func outputFile(out io.Writer, name string) (io.Writer, func() error, error) {
	if name == "" || name == "-" {
		return out, func() error { return nil }, nil
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, nil, withCode(ExitUsage, fmt.Errorf("export: %w", err))
	}
	return f, f.Close, nil
}
