package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// MCPInstallOptions are the flags of `mobagent mcp install`.
type MCPInstallOptions struct {
	IO     *IOStreams
	Client string // claude, cursor or codex
	Name   string // the server's name in the client
	Write  bool   // write the client's file instead of printing
	Global bool   // cursor: ~/.cursor/mcp.json instead of the project's
	Force  bool   // replace an entry of the same name
	// URL configures the streamable HTTP transport (a running
	// `mobagent mcp --http`) instead of stdio; TokenEnv names the
	// variable the client reads the bearer token from.
	URL      string
	TokenEnv string
	// Command is the mobagent binary the client starts; "" means this
	// one. Args are added after "mcp".
	Command string
	Args    []string
	// Dir is where project files go ("" means the working directory);
	// Home is the home directory ("" means $HOME).
	Dir, Home string
}

func newCmdMCPInstall(s *IOStreams, runF func(context.Context, *MCPInstallOptions) error) *cobra.Command {
	opts := &MCPInstallOptions{IO: s}
	cmd := &cobra.Command{
		Use:   "install --client claude|cursor|codex [-- MCP FLAGS...]",
		Short: "Print (or write) an MCP client's config for mobagent",
		Long: `Print the configuration an MCP client needs to start 'mobagent mcp' (stdio), or to reach a
running 'mobagent mcp --http' (--url), in the client's own format; --write adds it to the
client's file instead, keeping what else the file holds:

  claude   Claude Code: .mcp.json in the project (the project scope; for every project,
           run the 'claude mcp add -s user' command printed on stderr)
  cursor   Cursor: .cursor/mcp.json in the project, or ~/.cursor/mcp.json with --global
  codex    Codex: ~/.codex/config.toml ($CODEX_HOME/config.toml), table [mcp_servers.NAME]

Flags after -- are passed to 'mobagent mcp' (such as --sim or --config FILE). The token of
--url is never written: the client reads it from the variable --token-env names.`,
		Example: `  mobagent mcp install --client claude
  mobagent mcp install --client cursor --write --global -- --sim
  mobagent mcp install --client codex --url http://127.0.0.1:8765/mcp --write`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return mcpInstallRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Client, "client", "", "the client: claude, cursor or codex")
	f.StringVar(&opts.Name, "name", "mobagent", "the server's `NAME` in the client")
	f.BoolVar(&opts.Write, "write", false, "write the client's config file instead of printing")
	f.BoolVar(&opts.Global, "global", false, "cursor: write ~/.cursor/mcp.json instead of the project's .cursor/mcp.json")
	f.BoolVar(&opts.Force, "force", false, "replace an entry of the same name")
	f.StringVar(&opts.URL, "url", "", "configure the HTTP transport at `URL` (such as http://127.0.0.1:8765/mcp) instead of stdio")
	f.StringVar(&opts.TokenEnv, "token-env", "MOBAGENT_MCP_TOKEN", "the `VARIABLE` the client reads the bearer token of --url from")
	f.StringVar(&opts.Command, "command", "", "the mobagent binary the client starts (default: this one)")
	_ = cmd.MarkFlagRequired("client")
	return cmd
}

var mcpNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func mcpInstallRun(_ context.Context, opts *MCPInstallOptions) error {
	client := strings.ToLower(strings.TrimSpace(opts.Client))
	switch client {
	case "claude", "claude-code", "cursor", "codex":
	default:
		return withCode(ExitUsage, fmt.Errorf("--client %q: use claude, cursor or codex", opts.Client))
	}
	if client == "claude-code" {
		client = "claude"
	}
	if !mcpNameRE.MatchString(opts.Name) {
		return withCode(ExitUsage, fmt.Errorf("--name %q: use letters, digits, '-' and '_'", opts.Name))
	}
	if opts.URL != "" && !strings.HasPrefix(opts.URL, "http://") && !strings.HasPrefix(opts.URL, "https://") {
		return withCode(ExitUsage, fmt.Errorf("--url %q: give the server's address, such as http://127.0.0.1:8765/mcp", opts.URL))
	}
	if opts.URL != "" && !envNameOK(opts.TokenEnv) {
		return withCode(ExitUsage, fmt.Errorf("--token-env %q: give the name of an environment variable", opts.TokenEnv))
	}
	command := opts.Command
	if command == "" && opts.URL == "" {
		exe, err := os.Executable()
		if err != nil {
			return withCode(ExitFailed, fmt.Errorf("cannot find this binary (%v); pass --command PATH", err))
		}
		command = exe
	}
	if command != "" {
		if abs, err := filepath.Abs(command); err == nil {
			command = abs
		}
	}
	args := append([]string{"mcp"}, opts.Args...)
	home := opts.Home
	if home == "" {
		home = getenv(opts.IO, "HOME")
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}

	var text, path string
	switch client {
	case "claude", "cursor":
		entry := map[string]any{}
		if opts.URL != "" {
			ref := "${" + opts.TokenEnv + "}"
			if client == "cursor" {
				ref = "${env:" + opts.TokenEnv + "}"
			} else {
				entry["type"] = "http"
			}
			entry["url"] = opts.URL
			entry["headers"] = map[string]string{"Authorization": "Bearer " + ref}
		} else {
			if client == "claude" {
				entry["type"] = "stdio"
			}
			entry["command"] = command
			entry["args"] = args
			entry["env"] = map[string]string{}
		}
		path = filepath.Join(dir, ".mcp.json")
		if client == "cursor" {
			path = filepath.Join(dir, ".cursor", "mcp.json")
			if opts.Global {
				path = filepath.Join(home, ".cursor", "mcp.json")
			}
		}
		if !opts.Write {
			b, _ := json.MarshalIndent(map[string]any{"mcpServers": map[string]any{opts.Name: entry}}, "", "  ")
			text = string(b) + "\n"
			break
		}
		if err := mergeJSONServer(path, opts.Name, entry, opts.Force); err != nil {
			return err
		}
	case "codex":
		var b strings.Builder
		fmt.Fprintf(&b, "[mcp_servers.%s]\n", opts.Name)
		if opts.URL != "" {
			fmt.Fprintf(&b, "url = %s\nbearer_token_env_var = %s\n", tomlString(opts.URL), tomlString(opts.TokenEnv))
		} else {
			quoted := make([]string, len(args))
			for i, a := range args {
				quoted[i] = tomlString(a)
			}
			fmt.Fprintf(&b, "command = %s\nargs = [%s]\n", tomlString(command), strings.Join(quoted, ", "))
		}
		codexHome := getenv(opts.IO, "CODEX_HOME")
		if codexHome == "" {
			codexHome = filepath.Join(home, ".codex")
		}
		path = filepath.Join(codexHome, "config.toml")
		if !opts.Write {
			text = b.String()
			break
		}
		if err := appendTOMLServer(path, opts.Name, b.String(), opts.Force); err != nil {
			return err
		}
	}
	if !opts.Write {
		fmt.Fprint(opts.IO.Out, text)
		fmt.Fprintf(opts.IO.ErrOut, "put this in %s, or rerun with --write\n", path)
	} else {
		fmt.Fprintf(opts.IO.Out, "wrote the %s server %q to %s\n", client, opts.Name, path)
	}
	if client == "claude" {
		if opts.URL != "" {
			fmt.Fprintf(opts.IO.ErrOut, "or, for every project: claude mcp add -s user --transport http %s %s --header \"Authorization: Bearer $%s\"\n", opts.Name, opts.URL, opts.TokenEnv)
		} else {
			fmt.Fprintf(opts.IO.ErrOut, "or, for every project: claude mcp add -s user --transport stdio %s -- %s\n", opts.Name, shellJoin(append([]string{command}, args...)))
		}
	}
	if opts.URL != "" {
		fmt.Fprintf(opts.IO.ErrOut, "the client reads the bearer token from $%s: export it where the client starts, with the token 'mobagent mcp --http' uses\n", opts.TokenEnv)
	}
	return nil
}

func envNameOK(s string) bool { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`).MatchString(s) }

// tomlString is s as a TOML basic string (JSON's escapes are TOML's).
func tomlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t\n'\"\\$`;&|<>()*?[]{}~!#") {
			out[i] = a
			continue
		}
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

// mergeJSONServer adds the server to the mcpServers object of a JSON config
// file, keeping everything else in it.
func mergeJSONServer(path, name string, entry map[string]any, force bool) error {
	doc := map[string]any{}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return withCode(ExitFailed, err)
	case len(bytes.TrimSpace(b)) > 0:
		if err := json.Unmarshal(b, &doc); err != nil {
			return withCode(ExitFailed, fmt.Errorf("%s is not valid JSON (%v); fix it, or print the config without --write and add it by hand", path, err))
		}
	}
	servers, _ := doc["mcpServers"].(map[string]any)
	if servers == nil {
		if _, ok := doc["mcpServers"]; ok {
			return withCode(ExitFailed, fmt.Errorf("%s: mcpServers is not an object; fix it by hand", path))
		}
		servers = map[string]any{}
	}
	if _, ok := servers[name]; ok && !force {
		return withCode(ExitUsage, fmt.Errorf("%s already has a server called %q: pass --force to replace it, or --name another", path, name))
	}
	servers[name] = entry
	doc["mcpServers"] = servers
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return withCode(ExitFailed, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return withCode(ExitFailed, err)
	}
	return writeFileAtomic(path, append(out, '\n'))
}

// appendTOMLServer adds the table to a TOML file, or replaces the table of
// the same name (and its sub-tables) with force.
func appendTOMLServer(path, name, table string, force bool) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return withCode(ExitFailed, err)
	}
	lines := strings.Split(string(b), "\n")
	header := regexp.MustCompile(`^\s*\[\s*mcp_servers\.` + regexp.QuoteMeta(name) + `(\.[^\]]*)?\s*\]`)
	anyHeader := regexp.MustCompile(`^\s*\[`)
	var kept []string
	found, skipping := false, false
	for _, l := range lines {
		switch {
		case header.MatchString(l):
			found, skipping = true, true
			continue
		case skipping && anyHeader.MatchString(l):
			skipping = false
		}
		if !skipping {
			kept = append(kept, l)
		}
	}
	if found && !force {
		return withCode(ExitUsage, fmt.Errorf("%s already has [mcp_servers.%s]: pass --force to replace it, or --name another", path, name))
	}
	text := strings.TrimRight(strings.Join(kept, "\n"), "\n")
	if text != "" {
		text += "\n\n"
	}
	text += table
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return withCode(ExitFailed, err)
	}
	return writeFileAtomic(path, []byte(text))
}

// writeFileAtomic replaces path with data, keeping its mode.
func writeFileAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mobagent-*")
	if err != nil {
		return withCode(ExitFailed, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return withCode(ExitFailed, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return withCode(ExitFailed, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return withCode(ExitFailed, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return withCode(ExitFailed, err)
	}
	return nil
}
