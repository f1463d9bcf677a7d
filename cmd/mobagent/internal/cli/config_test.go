package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeConfig writes a config file of mode perm into a fresh directory.
func writeConfig(t *testing.T, doc string, perm os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(p, []byte(doc), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, perm); err != nil {
		t.Fatal(err)
	}
	return p
}

func envStreams(env map[string]string) (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errb, Getenv: func(k string) string { return env[k] }}, &out, &errb
}

// taskOpts runs `mobagent task` with args up to the run function and
// returns the options it would run with.
func taskOpts(t *testing.T, env map[string]string, args ...string) (*TaskOptions, error) {
	t.Helper()
	io, _, _ := envStreams(env)
	var got *TaskOptions
	cmd := newCmdTask(NewFactory(io), func(_ context.Context, o *TaskOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	err := cmd.Execute()
	return got, err
}

const precedenceDoc = `models:
  cloud:
    profile: openai:gpt-4o
    api_key_env: MY_OPENAI_KEY
task:
  model: cloud
  max_steps: 7
  confirm: deny
  ocr: off
  lang: [eng, deu]
  timeout: 90s
  mode: script
roles:
  planner: openai:gpt-4.1
devices:
  default: 127.0.0.1:15999
`

// Flags override the environment, which overrides the file, which
// overrides the built-in defaults; each value says where it came from.
func TestConfigPrecedence(t *testing.T) {
	path := writeConfig(t, precedenceDoc, 0o644)

	// The file over the defaults.
	o, err := taskOpts(t, map[string]string{}, "x", "--config", path)
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxSteps != 7 || o.Confirm != "deny" || o.Perception.OCR != "off" || strings.Join(o.Perception.Languages, ",") != "eng,deu" ||
		o.Timeout != 90*time.Second || o.Model != "cloud" || o.Roles.Planner != "openai:gpt-4.1" || o.Device != "127.0.0.1:15999" {
		t.Errorf("from the file: %+v", o)
	}
	if o.Origins["task.max_steps"] != path+":7:14" || o.Origins["task.vision"] != "default" {
		t.Errorf("origins %v", o.Origins)
	}
	if o.MaxTokens != 0 || o.Vision {
		t.Errorf("defaults changed: %+v", o)
	}
	if o.Mode != "script" || o.Origins["task.mode"] != path+":12:9" {
		t.Errorf("task.mode: %q from %q", o.Mode, o.Origins["task.mode"])
	}

	// Flags over the file.
	o, err = taskOpts(t, map[string]string{}, "x", "--config", path, "--max-steps", "3", "--confirm", "approve", "--lang", "fra")
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxSteps != 3 || o.Confirm != "approve" || strings.Join(o.Perception.Languages, ",") != "fra" || o.Perception.OCR != "off" {
		t.Errorf("flags over the file: %+v", o)
	}
	if o.Origins["task.max_steps"] != "flag --max-steps" {
		t.Errorf("origin %q", o.Origins["task.max_steps"])
	}

	// The environment over the file (MOBAGENT_MODEL), the flag over both.
	o, _ = taskOpts(t, map[string]string{"MOBAGENT_MODEL": "ollama:qwen2.5:7b"}, "x", "--config", path)
	if o.Model != "" || o.Origins["task.model"] != "$MOBAGENT_MODEL" {
		t.Errorf("the environment over the file: model %q from %q", o.Model, o.Origins["task.model"])
	}
	o, _ = taskOpts(t, map[string]string{"MOBAGENT_MODEL": "ollama:qwen2.5:7b"}, "x", "--config", path, "--model", "offline")
	if o.Model != "offline" || o.Origins["task.model"] != "flag --model" {
		t.Errorf("the flag over both: %q from %q", o.Model, o.Origins["task.model"])
	}

	// MOBAGENT_CONFIG names the file; without one, the default path
	// ($XDG_CONFIG_HOME) is read when it exists, and nothing otherwise.
	o, _ = taskOpts(t, map[string]string{"MOBAGENT_CONFIG": path}, "x")
	if o.MaxSteps != 7 {
		t.Errorf("MOBAGENT_CONFIG: max steps %d", o.MaxSteps)
	}
	xdg := t.TempDir()
	os.MkdirAll(filepath.Join(xdg, "mobagent"), 0o700)
	os.WriteFile(filepath.Join(xdg, "mobagent", "config.yaml"), []byte("task:\n  max_steps: 11\n"), 0o600)
	o, _ = taskOpts(t, map[string]string{"XDG_CONFIG_HOME": xdg}, "x")
	if o.MaxSteps != 11 {
		t.Errorf("the default file: max steps %d", o.MaxSteps)
	}
	o, _ = taskOpts(t, map[string]string{"XDG_CONFIG_HOME": t.TempDir()}, "x")
	if o.MaxSteps != 25 || o.Config != nil {
		t.Errorf("no file: max steps %d, config %v", o.MaxSteps, o.Config)
	}
}

// A bad file stops the command with exit 2 and says where and how to fix
// it; a file named that does not exist too.
func TestConfigErrorsInCommands(t *testing.T) {
	bad := writeConfig(t, "task:\n  max_step: 3\n  confirm: maybe\nmodels:\n  m:\n    profile: openai:gpt-4o\n\tapi_key_env: X\n", 0o644)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"task", "x", "--config", bad}, []string{bad + ":7:1:", "never tabs", "|"}},
		{[]string{"task", "x", "--config", writeConfig(t, "task:\n  max_step: 3\n  confirm: maybe\n", 0o644)}, []string{
			`:2:3: task.max_step: unknown key "max_step" in task; fix: did you mean "max_steps"?`, ":3:12: task.confirm:", "2 problem(s)"}},
		{[]string{"mcp", "--config", filepath.Join(t.TempDir(), "none.yaml")}, []string{"no such file", "config init"}},
		{[]string{"config", "show", "--config", writeConfig(t, "devices:\n  adb: x\n", 0o644)}, []string{`unknown key "adb" in devices`, "adb_server"}},
	} {
		io, _, errb := envStreams(map[string]string{})
		if code := Main(c.args, io); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", c.args, code, errb)
		}
		for _, w := range c.want {
			if !strings.Contains(errb.String(), w) {
				t.Errorf("%v: stderr lacks %q:\n%s", c.args, w, errb)
			}
		}
	}
}

// config show: every setting, its value and where it came from, secrets
// hidden (the key itself, in a private file, and the resolved keys).
func TestConfigShow(t *testing.T) {
	doc := precedenceDoc + `  adb_server: 127.0.0.1:5099
mcp:
  confirm: deny
` + "models2: {}\n"
	doc = strings.Replace(doc, "models2: {}\n", "", 1)
	doc = strings.Replace(doc, "models:\n", "models:\n  inline:\n    profile: openai-compatible:m\n    base_url: http://127.0.0.1:9/v1\n    api_key: sk-inline-secret-123456\n", 1)
	path := writeConfig(t, doc, 0o600)
	io, out, errb := envStreams(map[string]string{"MY_OPENAI_KEY": "sk-env-secret-7890123", "MOBAGENT_MODEL": "ollama:qwen2.5:7b"})
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Config: path, Action: "show"}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	got := out.String()
	for _, want := range []string{
		path + " (mode 0600, private)",
		"task.max_steps        7",
		path + ":7:14",
		"task.model            ollama:qwen2.5:7b     $MOBAGENT_MODEL",
		"task.vision           false",
		"default",
		"devices.adb_server    127.0.0.1:5099",
		"mcp.confirm           deny",
		"models.inline.api_key  [hidden]",
		"models.cloud.key      [hidden] from $MY_OPENAI_KEY",
		"models.inline.key     [hidden] from the config file",
		"models.cloud.speaks   json, pixels of the image sent  resolved",
	} {
		if !strings.Contains(strings.Join(strings.Fields(got), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("config show lacks %q:\n%s", want, got)
		}
	}
	for _, secret := range []string{"sk-inline-secret-123456", "sk-env-secret-7890123"} {
		if strings.Contains(got+errb.String(), secret) {
			t.Errorf("config show shows a secret:\n%s", got)
		}
	}
	// The key variable unset: said, not fatal.
	io, out, _ = envStreams(map[string]string{})
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Config: path, Action: "show"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "missing:") || !strings.Contains(out.String(), "$MY_OPENAI_KEY") {
		t.Errorf("an unset key variable:\n%s", out)
	}
}

func TestConfigInitAndPath(t *testing.T) {
	xdg := t.TempDir()
	io, out, errb := envStreams(map[string]string{"XDG_CONFIG_HOME": xdg})
	want := filepath.Join(xdg, "mobagent", "config.yaml")
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Action: "path"}); err != nil || strings.TrimSpace(out.String()) != want || !strings.Contains(errb.String(), "does not exist yet") {
		t.Errorf("path: %v %q %q", err, out, errb)
	}
	out.Reset()
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Action: "init"}); err != nil || !strings.Contains(out.String(), "mode 0600") {
		t.Fatalf("init: %v %s", err, out)
	}
	var ee *exitError
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Action: "init"}); !errors.As(err, &ee) || ee.code != ExitUsage || !strings.Contains(err.Error(), "--force") {
		t.Errorf("init over a file: %v", err)
	}
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Action: "init", Force: true}); err != nil {
		t.Errorf("init --force: %v", err)
	}
	out.Reset()
	if err := configRun(context.Background(), &ConfigOptions{IO: io, Action: "show"}); err != nil || !strings.Contains(out.String(), "(mode 0600, private)") {
		t.Errorf("show the template: %v\n%s", err, out)
	}
	if code := Main([]string{"config", "edit"}, io); code != ExitUsage {
		t.Errorf("config edit: exit %d", code)
	}
}

// mcp takes its own section first, then the task defaults run_task uses.
func TestMCPConfigKeys(t *testing.T) {
	path := writeConfig(t, "task:\n  confirm: deny\n  max_steps: 9\n  runs_dir: runs\nmcp:\n  runs_dir: /srv/mcp-runs\n  http: 127.0.0.1:8765\n", 0o644)
	io, _, _ := envStreams(map[string]string{})
	var got *MCPOptions
	cmd := newCmdMCP(NewFactory(io), func(_ context.Context, o *MCPOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", path})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Confirm != "deny" || got.MaxSteps != 9 || got.RunsDir != "/srv/mcp-runs" || got.HTTP != "127.0.0.1:8765" {
		t.Errorf("mcp options %+v", got)
	}
	if got.Origins["mcp.confirm"] != "default" || !strings.HasSuffix(got.Origins["task.confirm"], ":2:12") {
		t.Errorf("origins %v", got.Origins)
	}
	// mcp.confirm wins over task.confirm; a flag over both.
	path = writeConfig(t, "task:\n  confirm: deny\nmcp:\n  confirm: approve\n", 0o644)
	cmd = newCmdMCP(NewFactory(io), func(_ context.Context, o *MCPOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", path})
	if err := cmd.Execute(); err != nil || got.Confirm != "approve" || got.Origins["task.confirm"] != "overridden by mcp.confirm" {
		t.Errorf("mcp.confirm over task.confirm: %q %v %v", got.Confirm, got.Origins, err)
	}
	cmd = newCmdMCP(NewFactory(io), func(_ context.Context, o *MCPOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--config", path, "--confirm", "ask"})
	if err := cmd.Execute(); err != nil || got.Confirm != "ask" {
		t.Errorf("the flag over both: %q %v", got.Confirm, err)
	}
}
