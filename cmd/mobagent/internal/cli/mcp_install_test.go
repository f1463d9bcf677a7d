package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func install(t *testing.T, opts MCPInstallOptions) (string, string, error) {
	t.Helper()
	io, out, errb := envStreams(map[string]string{"HOME": opts.Home})
	opts.IO = io
	if opts.Name == "" {
		opts.Name = "mobagent"
	}
	if opts.TokenEnv == "" {
		opts.TokenEnv = "MOBAGENT_MCP_TOKEN"
	}
	err := mcpInstallRun(context.Background(), &opts)
	return out.String(), errb.String(), err
}

func TestMCPInstallPrints(t *testing.T) {
	home := t.TempDir()
	cmd := "/opt/mobagent/bin/mobagent"
	for _, c := range []struct {
		opts MCPInstallOptions
		want []string
		hint string
	}{
		{MCPInstallOptions{Client: "claude", Command: cmd, Args: []string{"--sim"}},
			[]string{`"mcpServers"`, `"mobagent"`, `"type": "stdio"`, `"command": "/opt/mobagent/bin/mobagent"`, `"mcp",`, `"--sim"`}, "claude mcp add -s user --transport stdio mobagent -- /opt/mobagent/bin/mobagent mcp --sim"},
		{MCPInstallOptions{Client: "cursor", Command: cmd},
			[]string{`"mcpServers"`, `"command": "/opt/mobagent/bin/mobagent"`, `"args": [`}, ".cursor/mcp.json"},
		{MCPInstallOptions{Client: "codex", Command: cmd, Args: []string{"--config", "/home/me/my config.yaml"}},
			[]string{"[mcp_servers.mobagent]", `command = "/opt/mobagent/bin/mobagent"`, `args = ["mcp", "--config", "/home/me/my config.yaml"]`}, filepath.Join(home, ".codex", "config.toml")},
		{MCPInstallOptions{Client: "claude", URL: "http://127.0.0.1:8765/mcp"},
			[]string{`"type": "http"`, `"url": "http://127.0.0.1:8765/mcp"`, `"Authorization": "Bearer ${MOBAGENT_MCP_TOKEN}"`}, "--header \"Authorization: Bearer $MOBAGENT_MCP_TOKEN\""},
		{MCPInstallOptions{Client: "cursor", URL: "http://127.0.0.1:8765/mcp"},
			[]string{`"url": "http://127.0.0.1:8765/mcp"`, `"Authorization": "Bearer ${env:MOBAGENT_MCP_TOKEN}"`}, "$MOBAGENT_MCP_TOKEN"},
		{MCPInstallOptions{Client: "codex", URL: "http://127.0.0.1:8765/mcp"},
			[]string{`url = "http://127.0.0.1:8765/mcp"`, `bearer_token_env_var = "MOBAGENT_MCP_TOKEN"`}, "$MOBAGENT_MCP_TOKEN"},
	} {
		c.opts.Home = home
		out, errb, err := install(t, c.opts)
		if err != nil {
			t.Fatalf("%+v: %v", c.opts, err)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s %s: the config lacks %s:\n%s", c.opts.Client, c.opts.URL, w, out)
			}
		}
		if !strings.Contains(errb, c.hint) {
			t.Errorf("%s %s: stderr lacks %q:\n%s", c.opts.Client, c.opts.URL, c.hint, errb)
		}
		if c.opts.Client != "codex" {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("%s: not JSON: %v", c.opts.Client, err)
			}
		}
	}
	for _, bad := range []MCPInstallOptions{{Client: "vim"}, {Client: "claude", Name: "my server"}, {Client: "codex", URL: "127.0.0.1:8765"}, {Client: "cursor", URL: "http://x/mcp", TokenEnv: "not a var"}} {
		bad.Home = home
		var ee *exitError
		if _, _, err := install(t, bad); !errors.As(err, &ee) || ee.code != ExitUsage {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// --write adds the server to the client's file and keeps the rest of it;
// a second write needs --force.
func TestMCPInstallWrites(t *testing.T) {
	home, project := t.TempDir(), t.TempDir()
	mcpJSON := filepath.Join(project, ".mcp.json")
	os.WriteFile(mcpJSON, []byte(`{"mcpServers": {"github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"}}, "other": 1}`), 0o644)
	if _, _, err := install(t, MCPInstallOptions{Client: "claude", Write: true, Dir: project, Home: home, Command: "/bin/mobagent"}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		MCPServers map[string]map[string]any `json:"mcpServers"`
		Other      int                       `json:"other"`
	}
	b, _ := os.ReadFile(mcpJSON)
	if err := json.Unmarshal(b, &doc); err != nil || doc.Other != 1 || doc.MCPServers["github"]["url"] != "https://api.githubcopilot.com/mcp/" || doc.MCPServers["mobagent"]["command"] != "/bin/mobagent" {
		t.Errorf(".mcp.json: %s (%v)", b, err)
	}
	var ee *exitError
	if _, _, err := install(t, MCPInstallOptions{Client: "claude", Write: true, Dir: project, Home: home, Command: "/bin/mobagent"}); !errors.As(err, &ee) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("a second write: %v", err)
	}
	if _, _, err := install(t, MCPInstallOptions{Client: "claude", Write: true, Force: true, Dir: project, Home: home, URL: "http://127.0.0.1:1/mcp"}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(mcpJSON)
	if !strings.Contains(string(b), `"url": "http://127.0.0.1:1/mcp"`) || strings.Contains(string(b), "/bin/mobagent") || !strings.Contains(string(b), "githubcopilot") {
		t.Errorf("after --force: %s", b)
	}

	// Cursor, global.
	if _, _, err := install(t, MCPInstallOptions{Client: "cursor", Write: true, Global: true, Dir: project, Home: home, Command: "/bin/mobagent"}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(home, ".cursor", "mcp.json")); err != nil || !strings.Contains(string(b), `"/bin/mobagent"`) {
		t.Errorf("~/.cursor/mcp.json: %s %v", b, err)
	}

	// Codex: appended to config.toml, the other tables kept; --force
	// replaces the table and its sub-tables.
	toml := filepath.Join(home, ".codex", "config.toml")
	os.MkdirAll(filepath.Dir(toml), 0o755)
	os.WriteFile(toml, []byte("model = \"o3\"\n\n[mcp_servers.mobagent]\ncommand = \"old\"\n\n[mcp_servers.mobagent.env]\nX = \"1\"\n\n[mcp_servers.docs]\nurl = \"https://d/mcp\"\n"), 0o600)
	if _, _, err := install(t, MCPInstallOptions{Client: "codex", Write: true, Home: home, Command: "/bin/mobagent"}); !errors.As(err, &ee) {
		t.Errorf("codex over an existing table: %v", err)
	}
	if _, _, err := install(t, MCPInstallOptions{Client: "codex", Write: true, Force: true, Home: home, Command: "/bin/mobagent"}); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(toml)
	got := string(b)
	if !strings.Contains(got, `model = "o3"`) || !strings.Contains(got, "[mcp_servers.docs]") || strings.Contains(got, `"old"`) || strings.Contains(got, "mobagent.env") ||
		!strings.Contains(got, "[mcp_servers.mobagent]\ncommand = \"/bin/mobagent\"\nargs = [\"mcp\"]") {
		t.Errorf("config.toml:\n%s", got)
	}
	if st, _ := os.Stat(toml); st.Mode().Perm() != 0o600 {
		t.Errorf("the file's mode changed to %v", st.Mode())
	}
}
