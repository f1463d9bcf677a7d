package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mobagent/mobagent/config"
)

// configKey ties a config file key to the flag it is the default of, and to
// the environment variable that overrides the file (flags > environment >
// file > built-in defaults).
type configKey struct {
	key  string
	flag string
	env  string
	get  func(*config.File) string
}

func str(f func(*config.File) string) func(*config.File) string { return f }

// taskConfigKeys are the task flags the file sets defaults for.
var taskConfigKeys = []configKey{
	{"task.model", "model", "MOBAGENT_MODEL", str(func(f *config.File) string { return f.Task.Model })},
	{"task.max_steps", "max-steps", "", str(func(f *config.File) string { return strconv.Itoa(f.Task.MaxSteps) })},
	{"task.confirm", "confirm", "", str(func(f *config.File) string { return f.Task.Confirm })},
	{"task.ocr", "ocr", "", str(func(f *config.File) string { return f.Task.OCR })},
	{"task.mode", "mode", "", str(func(f *config.File) string { return f.Task.Mode })},
	{"task.icons", "icons", "", str(func(f *config.File) string { return strconv.FormatBool(f.Task.Icons) })},
	{"task.lang", "lang", "", str(func(f *config.File) string { return strings.Join(f.Task.Lang, ",") })},
	{"task.vision", "vision", "", str(func(f *config.File) string { return strconv.FormatBool(f.Task.Vision) })},
	{"task.prompts", "prompts", "", str(func(f *config.File) string { return f.Task.Prompts })},
	{"task.max_tokens", "max-tokens", "", str(func(f *config.File) string { return strconv.Itoa(f.Task.MaxTokens) })},
	{"task.max_cost", "max-cost", "", str(func(f *config.File) string { return strconv.FormatFloat(f.Task.MaxCost, 'f', -1, 64) })},
	{"task.timeout", "timeout", "", str(func(f *config.File) string { return f.Task.Timeout.D().String() })},
	{"task.memory", "memory", "", str(func(f *config.File) string { return f.Task.Memory })},
	{"task.no_memory", "no-memory", "", str(func(f *config.File) string { return strconv.FormatBool(f.Task.NoMemory) })},
	{"task.runs_dir", "runs-dir", "", str(func(f *config.File) string { return f.Task.RunsDir })},
	{"roles.planner", "planner-model", "", str(func(f *config.File) string { return f.Roles.Planner })},
	{"roles.decision", "decision-model", "", str(func(f *config.File) string { return f.Roles.Decision })},
	{"roles.reflector", "reflector-model", "", str(func(f *config.File) string { return f.Roles.Reflector })},
	{"roles.notetaker", "notetaker-model", "", str(func(f *config.File) string { return f.Roles.Notetaker })},
	{"roles.verifier", "verifier-model", "", str(func(f *config.File) string { return f.Roles.Verifier })},
	{"roles.routing", "routing", "", str(func(f *config.File) string { return f.Roles.Routing })},
	{"roles.local", "local-model", "", str(func(f *config.File) string { return f.Roles.Local })},
	{"roles.escalate_to", "escalate-to", "", str(func(f *config.File) string { return f.Roles.EscalateTo })},
	{"roles.escalate_after", "escalate-after", "", str(func(f *config.File) string { return strconv.Itoa(f.Roles.EscalateAfter) })},
	{"safety.policy", "policy", "", str(func(f *config.File) string { return f.Safety.Policy })},
	{"devices.default", "device", "", str(func(f *config.File) string { return f.Devices.Default })},
	{"devices.adb_server", "adb-server", "", str(func(f *config.File) string { return f.Devices.ADBServer })},
	{"devices.sim_addr", "sim-addr", "", str(func(f *config.File) string { return f.Devices.SimAddr })},
}

// mcpConfigKeys are the mcp flags the file sets defaults for (and the task
// settings run_task uses, from taskConfigKeys).
var mcpConfigKeys = []configKey{
	{"mcp.http", "http", "", str(func(f *config.File) string { return f.MCP.HTTP })},
	{"mcp.token_env", "token-env", "", str(func(f *config.File) string { return f.MCP.TokenEnv })},
	{"mcp.token_file", "token-file", "", str(func(f *config.File) string { return f.MCP.TokenFile })},
	{"mcp.runs_dir", "runs-dir", "", str(func(f *config.File) string { return f.MCP.RunsDir })},
	{"mcp.confirm", "confirm", "", str(func(f *config.File) string { return f.MCP.Confirm })},
}

// configFlag registers --config on fs.
func configFlag(fs *pflag.FlagSet, p *string) {
	fs.StringVar(p, "config", "", "config `FILE` (default: $MOBAGENT_CONFIG, else $XDG_CONFIG_HOME/mobagent/config.yaml)")
}

// loadConfig reads the config file: the one named (by --config or
// MOBAGENT_CONFIG), which must exist, else the default one if it exists.
// It reads the environment only through s.Getenv, so tests never see the
// user's file. A nil Config (and no error) means there is none.
func loadConfig(s *IOStreams, named string) (*config.Config, error) {
	get := func(k string) string {
		if s.Getenv == nil {
			return ""
		}
		return s.Getenv(k)
	}
	what := "--config"
	if named == "" {
		if named = strings.TrimSpace(get("MOBAGENT_CONFIG")); named != "" {
			what = "MOBAGENT_CONFIG"
		}
	}
	if named != "" {
		c, err := config.Load(named)
		if err != nil {
			return nil, withCode(ExitUsage, configErr(what, err))
		}
		return c, nil
	}
	if get("XDG_CONFIG_HOME") == "" && get("HOME") == "" {
		return nil, nil
	}
	path, err := config.DefaultPath(get)
	if err != nil {
		return nil, nil
	}
	c, err := config.Load(path)
	if errors.Is(err, config.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, withCode(ExitUsage, configErr("the config file", err))
	}
	return c, nil
}

// configErr shows every problem with its line, the caret and the fix.
func configErr(what string, err error) error {
	var list config.List
	var one *config.Error
	var errs []*config.Error
	switch {
	case errors.As(err, &list):
		errs = list
	case errors.As(err, &one):
		errs = []*config.Error{one}
	default:
		return fmt.Errorf("%s: %w", what, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s):", what, len(errs))
	for _, e := range errs {
		b.WriteString("\n")
		b.WriteString(e.Error())
		if x := e.Excerpt(); x != "" {
			b.WriteString("\n")
			b.WriteString(x)
		}
	}
	return &shownError{text: b.String(), err: err}
}

// shownError is an error with its text laid out for people; errors.As
// still finds the config errors in it.
type shownError struct {
	text string
	err  error
}

func (e *shownError) Error() string { return e.text }
func (e *shownError) Unwrap() error { return e.err }

// origins says where each setting of a command came from.
type origins map[string]string

// applyConfig sets each flag of keys that the command line did not set and
// the environment does not override from c, and returns where every value
// came from.
func applyConfig(fs *pflag.FlagSet, c *config.Config, keys []configKey, getenv func(string) string) (origins, error) {
	o := origins{}
	for _, k := range keys {
		fl := fs.Lookup(k.flag)
		if fl == nil {
			continue
		}
		switch {
		case fl.Changed:
			o[k.key] = "flag --" + k.flag
		case k.env != "" && getenv != nil && strings.TrimSpace(getenv(k.env)) != "":
			o[k.key] = "$" + k.env
		case c.IsSet(k.key):
			v := k.get(&c.File)
			if err := fs.Set(k.flag, v); err != nil {
				p, _ := c.Origin(k.key)
				return o, withCode(ExitUsage, fmt.Errorf("%s: %s: %q cannot be used for --%s: %v; fix the value in the config file", p, k.key, v, k.flag, err))
			}
			p, _ := c.Origin(k.key)
			o[k.key] = p.String()
		default:
			o[k.key] = "default"
		}
	}
	return o, nil
}

// ConfigOptions are the flags of `mobagent config`.
type ConfigOptions struct {
	IO     *IOStreams
	Config string // --config
	Force  bool   // init: replace an existing file
	Action string // show, path or init
}

func newCmdConfig(s *IOStreams, runF func(context.Context, *ConfigOptions) error) *cobra.Command {
	opts := &ConfigOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "config show|path|init",
		Short: "Show, locate or create the config file",
		Long: `The config file holds named model profiles (endpoint, where the key comes from, dialect,
coordinate space, price, rate limits), defaults for the task flags, a model per role,
the safety policy file, devices and the MCP server's settings. It is
$XDG_CONFIG_HOME/mobagent/config.yaml (or ~/.config/mobagent/config.yaml), or the
file --config or MOBAGENT_CONFIG names.

Flags override the environment, which overrides the file, which overrides the
built-in defaults. Keys never sit in the file unless it is private (mode 0600):
name the variable that holds them (api_key_env) or a private key file
(api_key_file). docs/config.md describes every key.

  show   every setting in effect and where it comes from (secrets hidden)
  path   the file's path, and whether it exists
  init   write a commented template (mode 0600); --force replaces a file`,
		Example: `  mobagent config init
  mobagent config show
  mobagent config show --config ./ci.yaml
  mobagent config path`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"show", "path", "init"},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Action = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return configRun(cmd.Context(), opts)
		},
	}
	configFlag(cmd.Flags(), &opts.Config)
	cmd.Flags().BoolVar(&opts.Force, "force", false, "init: replace the file if it exists")
	return cmd
}

func configRun(_ context.Context, opts *ConfigOptions) error {
	path := opts.Config
	if path == "" {
		path = strings.TrimSpace(getenv(opts.IO, "MOBAGENT_CONFIG"))
	}
	if path == "" {
		p, err := config.DefaultPath(opts.IO.Getenv)
		if err != nil {
			return withCode(ExitUsage, err)
		}
		path = p
	}
	switch opts.Action {
	case "path":
		fmt.Fprintln(opts.IO.Out, path)
		if _, err := config.Load(path); errors.Is(err, config.ErrNotFound) {
			fmt.Fprintln(opts.IO.ErrOut, "(it does not exist yet: 'mobagent config init' writes one)")
		}
		return nil
	case "init":
		if err := config.WriteTemplate(path, opts.Force); err != nil {
			if errors.Is(err, config.ErrExists) {
				return withCode(ExitUsage, err)
			}
			return withCode(ExitFailed, err)
		}
		fmt.Fprintf(opts.IO.Out, "wrote %s (mode 0600); edit it, then check it with 'mobagent config show'\n", path)
		return nil
	case "show":
		c, err := config.Load(path)
		switch {
		case errors.Is(err, config.ErrNotFound):
			if opts.Config != "" {
				return withCode(ExitUsage, configErr("--config", err))
			}
			fmt.Fprintf(opts.IO.ErrOut, "no config file at %s: showing the defaults ('mobagent config init' writes one)\n", path)
			c = nil
		case err != nil:
			return withCode(ExitUsage, configErr(path, err))
		}
		return showConfig(opts.IO, c)
	}
	return withCode(ExitUsage, fmt.Errorf("config %s: use show, path or init", opts.Action))
}

// showConfig prints every setting in effect, where it comes from, with the
// secrets hidden.
func showConfig(s *IOStreams, c *config.Config) error {
	w := tabwriter.NewWriter(s.Out, 2, 4, 2, ' ', 0)
	if c != nil {
		priv := "shared: keys may not be written in it"
		if c.Private() {
			priv = "private"
		}
		fmt.Fprintf(w, "# %s (mode %04o, %s)\n", c.Path, c.Mode, priv)
	}
	defaults := func(cmd *cobra.Command, keys []configKey) {
		for _, k := range keys {
			fl := cmd.Flags().Lookup(k.flag)
			if fl == nil {
				continue
			}
			val, origin := fl.DefValue, "default"
			if k.env != "" {
				if v := strings.TrimSpace(getenv(s, k.env)); v != "" {
					val, origin = v, "$"+k.env
				}
			}
			if origin == "default" && c.IsSet(k.key) {
				val = k.get(&c.File)
				p, _ := c.Origin(k.key)
				origin = p.String()
			}
			if val == "" || val == "[]" {
				val = "-"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", k.key, val, origin)
		}
	}
	fc := NewFactory(s)
	defaults(newCmdTask(fc, func(context.Context, *TaskOptions) error { return nil }), taskConfigKeys)
	defaults(newCmdMCP(fc, func(context.Context, *MCPOptions) error { return nil }), mcpConfigKeys)
	if c != nil {
		names := make([]string, 0, len(c.Models))
		for n := range c.Models {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			pre := "models." + n + "."
			for _, v := range c.Values() {
				if strings.HasPrefix(v.Key, pre) {
					fmt.Fprintf(w, "%s\t%s\t%s\n", v.Key, v.Value, v.Pos)
				}
			}
			key, speaks := "none needed", ""
			if spec, err := c.Model(n, s.Getenv); err != nil {
				key = "missing: " + err.Error()
			} else {
				if spec.Profile.APIKey != "" {
					key = "[hidden] from " + spec.KeySource
				}
				speaks = spec.Dialect.Name + ", " + spec.Dialect.Coords.String()
				if !spec.DialectKnown {
					speaks += " (not in the built-in table: mobagent's json)"
				}
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", pre+"key", key, "resolved")
			if speaks != "" {
				fmt.Fprintf(w, "%s\t%s\t%s\n", pre+"speaks", speaks, "resolved")
			}
		}
	}
	return w.Flush()
}
