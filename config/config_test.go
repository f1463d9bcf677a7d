package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/llm"
)

const full = `# a full file
models:
  cloud:
    profile: openai:gpt-4o
    api_key_env: MY_OPENAI_KEY
    price: {input: 2.5, output: 10}
    limits: {max_concurrent: 2, requests_per_minute: 30}
    timeout: 45s
  local:
    profile: ollama:qwen2.5:7b
    base_url: http://127.0.0.1:11434/v1
    vision: false
    coords: "1000"
    dialect: qwen2.5-vl
task:
  model: cloud
  max_steps: 12
  confirm: deny
  ocr: off
  lang: [eng, deu]
  max_cost: 0.5
  timeout: 10m
  runs_dir: runs
roles:
  routing: minions
  local: local
  escalate_after: 3
safety:
  policy: policy.yaml
devices:
  default: sim
mcp:
  http: 127.0.0.1:8765
  token_env: MOBAGENT_MCP_TOKEN
`

func TestParseFull(t *testing.T) {
	c, err := Parse("/etc/mob/config.yaml", []byte(full), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if c.Task.MaxSteps != 12 || c.Task.Confirm != "deny" || c.Task.OCR != "off" || c.Task.MaxCost != 0.5 || c.Task.Timeout.D() != 10*time.Minute {
		t.Errorf("task: %+v", c.Task)
	}
	if strings.Join(c.Task.Lang, ",") != "eng,deu" {
		t.Errorf("lang %v", c.Task.Lang)
	}
	if m := c.Models["cloud"]; m.Price == nil || m.Price.Input != 2.5 || m.Limits.RequestsPerMinute != 30 || m.Timeout.D() != 45*time.Second {
		t.Errorf("cloud: %+v", m)
	}
	if m := c.Models["local"]; m.Vision == nil || *m.Vision || m.Coords != "1000" || m.Dialect != "qwen2.5-vl" {
		t.Errorf("local: %+v", m)
	}
	// Relative paths are relative to the file.
	if c.Task.RunsDir != "/etc/mob/runs" || c.Safety.Policy != "/etc/mob/policy.yaml" {
		t.Errorf("paths: %q %q", c.Task.RunsDir, c.Safety.Policy)
	}
	if p, ok := c.Origin("task.max_steps"); !ok || p.Line != 17 || p.Col != 14 {
		t.Errorf("origin of task.max_steps: %v %v", p, ok)
	}
	if p, ok := c.Origin("models.cloud.price.input"); !ok || p.Line != 6 {
		t.Errorf("origin of the price: %v %v", p, ok)
	}
	if c.IsSet("task.vision") {
		t.Error("task.vision is not in the file")
	}
	var keys []string
	for _, v := range c.Values() {
		keys = append(keys, v.Key+"="+v.Value)
	}
	got := strings.Join(keys, " ")
	for _, want := range []string{"models.cloud.profile=openai:gpt-4o", "task.lang=[eng, deu]", "task.timeout=10m", "models.local.coords=1000"} {
		if !strings.Contains(got, want) {
			t.Errorf("values lack %s: %s", want, got)
		}
	}
}

func TestTemplateParsesEmpty(t *testing.T) {
	c, err := Parse("config.yaml", []byte(Template), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys()) != 0 || len(c.Models) != 0 {
		t.Errorf("the template sets %v", c.Keys())
	}
	// Every commented setting of the template is a real key: uncommented,
	// the file parses (the null check of the template: a typo there fails).
	var lines []string
	for _, l := range strings.Split(Template, "\n") {
		if strings.HasPrefix(l, "#  ") {
			l = strings.TrimPrefix(l, "#")
		}
		lines = append(lines, l)
	}
	if _, err := Parse("config.yaml", []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		t.Errorf("the template's commented settings do not parse: %v", err)
	}
}

func TestErrors(t *testing.T) {
	for _, c := range []struct {
		name, doc       string
		line, col       int
		key, msg, fix   string
		alsoLine, count int
	}{
		{name: "tab", doc: "task:\n  max_steps: 5\n\tconfirm: ask\n", line: 3, col: 1, msg: "cannot be read", fix: "never tabs"},
		{name: "colon in value", doc: "task:\n  max_steps: 5\n  confirm: ask: yes\n", line: 3, col: 12, fix: "quotes"},
		{name: "no space after colon", doc: "task:\n  max_steps:5\n  confirm: ask\n", line: 2, col: 3, fix: "space after the colon"},
		{name: "open quote", doc: "task:\n  model: \"abc\n  x: 1\n", line: 2, col: 10, fix: "close the quote"},
		{name: "open list", doc: "task:\n  lang: [eng, deu\n  x: 1\n", line: 3, col: 3, fix: "']'"},
		{name: "duplicate", doc: "task:\n  max_steps: 1\n  max_steps: 2\n", line: 3, col: 3, fix: "appears twice"},
		{name: "unknown key", doc: "task:\n  max_step: 5\n", line: 2, col: 3, key: "task.max_step", msg: `unknown key "max_step" in task`, fix: `did you mean "max_steps"`},
		{name: "unknown section", doc: "tasks:\n  max_steps: 5\n", line: 1, col: 1, key: "tasks", msg: "in the top level", fix: `"task"`},
		{name: "unknown far", doc: "models:\n  c:\n    profile: openai:gpt-4o\n    zzzzzzzz: 1\n", line: 4, col: 5, key: "models.c.zzzzzzzz", fix: "known keys in models.c: profile, base_url"},
		{name: "not a number", doc: "task:\n  max_steps: many\n", line: 2, col: 14, key: "task.max_steps", msg: `"many" is not a whole number`, fix: "25"},
		{name: "duration without unit", doc: "task:\n  timeout: 90\n", line: 2, col: 12, key: "task.timeout", msg: "no unit", fix: "90s"},
		{name: "bool", doc: "task:\n  icons: sometimes\n", line: 2, col: 10, key: "task.icons", fix: "true or false"},
		{name: "section is a value", doc: "task: 5\n", line: 1, col: 7, key: "task", msg: "where a mapping"},
		{name: "bad confirm", doc: "task:\n  confirm: maybe\n", line: 2, col: 12, key: "task.confirm", fix: "ask, deny or approve"},
		{name: "bad mode", doc: "task:\n  mode: swarm\n", line: 2, col: 9, key: "task.mode", fix: "steps, script or steward"},
		{name: "bad provider", doc: "models:\n  m:\n    profile: foo:bar\n", line: 3, col: 14, key: "models.m.profile", msg: "unknown provider"},
		{name: "no profile", doc: "models:\n  m:\n    base_url: http://x/v1\n", line: 2, col: 3, key: "models.m", fix: "add profile"},
		{name: "unknown model", doc: "models:\n  cloud:\n    profile: openai:gpt-4o\ntask:\n  model: clod\n", line: 5, col: 10, key: "task.model", fix: `did you mean "cloud"`},
		{name: "key in a shared file", doc: "models:\n  c:\n    profile: openai:gpt-4o\n    api_key: sk-abcdefghijklmnop\n", line: 4, col: 14, key: "models.c.api_key", msg: "mode 0644", fix: "chmod 600"},
		{name: "key env holds a key", doc: "models:\n  c:\n    profile: openai:gpt-4o\n    api_key_env: sk-abc-def\n", line: 4, col: 18, key: "models.c.api_key_env", fix: "never the key itself"},
		{name: "unknown dialect", doc: "models:\n  m:\n    profile: ollama:qwen2.5vl:7b\n    dialect: qwen2.5vl\n", line: 4, col: 14, key: "models.m.dialect", fix: `did you mean "qwen2.5-vl"`},
		{name: "unknown coords", doc: "models:\n  m:\n    profile: ollama:x\n    coords: inches\n", line: 4, col: 13, key: "models.m.coords", fix: "1000"},
		{name: "two documents", doc: "task:\n  max_steps: 1\n---\ntask:\n  max_steps: 2\n", line: 4, col: 1, msg: "more than one YAML document"},
		{name: "routing without local", doc: "roles:\n  routing: minions\n", line: 2, col: 12, key: "roles.routing", fix: "roles.local"},
		{name: "two errors", doc: "task:\n  max_stepz: 1\n  confirm: maybe\n", line: 2, col: 3, key: "task.max_stepz", fix: "max_steps", count: 2, alsoLine: 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("/home/me/config.yaml", []byte(c.doc), 0o644)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("not ErrInvalid: %v", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %T %v", err, err)
			}
			if e.File != "/home/me/config.yaml" || e.Line != c.line || e.Col != c.col {
				t.Errorf("at %s:%d:%d, want line %d col %d: %v", e.File, e.Line, e.Col, c.line, c.col, err)
			}
			if !strings.HasPrefix(err.Error(), "/home/me/config.yaml:") {
				t.Errorf("the message does not start with file:line:col: %v", err)
			}
			if e.Key != c.key {
				t.Errorf("key %q, want %q", e.Key, c.key)
			}
			if !strings.Contains(e.Msg, c.msg) || !strings.Contains(e.Fix, c.fix) || e.Fix == "" {
				t.Errorf("msg %q fix %q, want %q and %q", e.Msg, e.Fix, c.msg, c.fix)
			}
			if e.Source == "" || !strings.Contains(e.Excerpt(), "^") {
				t.Errorf("no excerpt: %q", e.Excerpt())
			}
			if c.count > 0 {
				var l List
				if !errors.As(err, &l) || len(l) != c.count || l[1].Line != c.alsoLine {
					t.Errorf("want %d errors, the second on line %d: %v", c.count, c.alsoLine, err)
				}
			}
			if strings.Contains(err.Error(), "sk-abcdefghijklmnop") {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestSecrets(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	os.WriteFile(keyFile, []byte("sk-fromfile-1234567890\n"), 0o600)
	shared := filepath.Join(dir, "shared")
	os.WriteFile(shared, []byte("sk-shared-1234567890\n"), 0o644)
	doc := `models:
  env:
    profile: openai:gpt-4o
    api_key_env: MY_KEY
  file:
    profile: openai:gpt-4o-mini
    api_key_file: key
  shared:
    profile: openai:gpt-4o-mini
    api_key_file: shared
  inline:
    profile: openai-compatible:m
    base_url: http://127.0.0.1:9/v1
    api_key: sk-inline-1234567890
  default:
    profile: openai:gpt-4.1
`
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MY_KEY": "sk-fromenv-1234567890", "OPENAI_API_KEY": "sk-default-1234567890"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct{ name, key, source string }{
		{"env", "sk-fromenv-1234567890", "$MY_KEY"},
		{"file", "sk-fromfile-1234567890", "file " + keyFile},
		{"inline", "sk-inline-1234567890", "the config file"},
		{"default", "sk-default-1234567890", "$OPENAI_API_KEY"},
	} {
		s, err := c.Model(tc.name, getenv)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if s.Profile.APIKey.Reveal() != tc.key || s.KeySource != tc.source {
			t.Errorf("%s: key from %q", tc.name, s.KeySource)
		}
		if strings.Contains(s.String(), tc.key) {
			t.Errorf("%s: String shows the key", tc.name)
		}
	}
	if _, err := c.Model("shared", getenv); !errors.Is(err, ErrKey) || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), "sk-shared") {
		t.Errorf("a shared key file: %v", err)
	}
	delete(env, "MY_KEY")
	if _, err := c.Model("env", getenv); !errors.Is(err, ErrKey) || !strings.Contains(err.Error(), "$MY_KEY") {
		t.Errorf("an unset key variable: %v", err)
	}
	for _, v := range c.Values() {
		if strings.Contains(v.Value, "sk-") {
			t.Errorf("Values shows a key: %+v", v)
		}
		if v.Key == "models.inline.api_key" && v.Value != "[hidden]" {
			t.Errorf("the inline key shows as %q", v.Value)
		}
	}
	// A bare profile works without a file, and a name no model has fails
	// with the names there are.
	if s, err := (*Config)(nil).Model("ollama:qwen2.5:7b", getenv); err != nil || s.Profile.BaseURL != "http://127.0.0.1:11434/v1" {
		t.Errorf("a bare profile: %+v %v", s, err)
	}
	if _, err := c.Model("clud", getenv); err == nil || !strings.Contains(err.Error(), "env, file, shared, inline, default") {
		t.Errorf("an unknown name: %v", err)
	}
}

func TestModelSettings(t *testing.T) {
	c, err := Parse("c.yaml", []byte(full), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Model("local", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	// The dialect the file names, with the file's coordinate space.
	if s.Profile.Capabilities.Vision || !s.Profile.Capabilities.Known || s.Dialect.Name != "qwen2.5-vl" || s.Dialect.Coords != (actions.Coordinates{Kind: actions.CoordsNormalized, Max: 1000}) ||
		!s.DialectKnown || s.KeySource != "none" {
		t.Errorf("local: %+v", s)
	}
	s, err = c.Model("cloud", func(k string) string { return map[string]string{"MY_OPENAI_KEY": "sk-x-1234567890"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	// No dialect named: the built-in table's for the model.
	if s.Dialect.Name != "json" || !s.DialectKnown {
		t.Errorf("cloud's dialect: %+v", s.Dialect)
	}
	if s.Price == nil || *s.Price != (llm.Price{Input: 2.5, Output: 10}) || s.Profile.Limits.MaxConcurrent != 2 || s.Profile.Timeout != 45*time.Second {
		t.Errorf("cloud: %+v", s)
	}
}

func TestDefaultPathAndInit(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": dir, "HOME": "/nonexistent"}
	p, err := DefaultPath(func(k string) string { return env[k] })
	if err != nil || p != filepath.Join(dir, "mobagent", "config.yaml") {
		t.Fatalf("%q %v", p, err)
	}
	delete(env, "XDG_CONFIG_HOME")
	if p, _ := DefaultPath(func(k string) string { return env[k] }); p != "/nonexistent/.config/mobagent/config.yaml" {
		t.Errorf("without XDG: %q", p)
	}
	path := filepath.Join(dir, "mobagent", "config.yaml")
	if _, err := Load(path); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "config init") {
		t.Errorf("missing file: %v", err)
	}
	if err := WriteTemplate(path, false); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	if err := WriteTemplate(path, false); !errors.Is(err, ErrExists) {
		t.Errorf("second init: %v", err)
	}
	c, err := Load(path)
	if err != nil || !c.Private() {
		t.Errorf("load the template: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add(Template)
	f.Add("task:\n  max_steps: 5\n\tconfirm: ask\n")
	f.Add("a: &x [1, 2]\nb: *x\n")
	f.Add("models:\n  m: {profile: 'openai:gpt-4o', price: {input: 1e309}}\n")
	f.Add("task: {lang: eng}\nroles: [1]\n")
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := Parse("f.yaml", []byte(doc), 0o600)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Col < 1 || e.Fix == "" {
				t.Fatalf("an error without a position or a fix: %#v", err)
			}
			_ = e.Excerpt()
			return
		}
		for _, v := range c.Values() {
			if v.Pos.Line < 1 {
				t.Fatalf("a value without a position: %+v", v)
			}
		}
	})
}
