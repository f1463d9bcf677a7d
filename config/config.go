package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mobagent/mobagent/llm"
)

// File is what config.yaml holds. Every section is optional; a zero value
// means "not set here".
type File struct {
	// Models are named model profiles; task.model and the roles name them
	// (or give a provider:model profile directly).
	Models  map[string]Model `yaml:"models"`
	Task    Task             `yaml:"task"`
	Roles   Roles            `yaml:"roles"`
	Safety  Safety           `yaml:"safety"`
	Devices Devices          `yaml:"devices"`
	MCP     MCP              `yaml:"mcp"`
}

// Model is one named model profile.
type Model struct {
	// Profile is provider:model, such as openai:gpt-4o or ollama:qwen2.5:7b.
	Profile string `yaml:"profile"`
	// BaseURL overrides the provider's endpoint.
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the key (default:
	// the provider's, such as OPENAI_API_KEY).
	APIKeyEnv string `yaml:"api_key_env"`
	// APIKeyFile is a file holding the key; it must be private (mode 0600).
	APIKeyFile string `yaml:"api_key_file" config:"path"`
	// APIKey is the key itself, allowed only in a config file of mode 0600.
	APIKey     string `yaml:"api_key" config:"secret"`
	APIVersion string `yaml:"api_version"` // Azure
	// Dialect names how the model writes actions, and Coords the space of
	// its points (px, unit, 1000); empty means mobagent's JSON and
	// pixels of the image it was sent.
	Dialect string `yaml:"dialect"`
	Coords  string `yaml:"coords"`
	// Vision and JSONMode state the model's capabilities when the built-in
	// table does not know it.
	Vision   *bool `yaml:"vision"`
	JSONMode *bool `yaml:"json_mode"`
	// Price is US dollars per million tokens (remote providers).
	Price *llm.Price `yaml:"price"`
	// Limits bound the traffic sent to it.
	Limits llm.Limits `yaml:"limits"`
	// Timeout bounds one HTTP attempt.
	Timeout Duration `yaml:"timeout"`
}

// Task holds defaults for the flags of `mobagent task` (and what the MCP
// server's run_task uses).
type Task struct {
	Model     string   `yaml:"model"`
	MaxSteps  int      `yaml:"max_steps"`
	Confirm   string   `yaml:"confirm"`
	OCR       string   `yaml:"ocr"`
	Icons     bool     `yaml:"icons"`
	Lang      []string `yaml:"lang"`
	Vision    bool     `yaml:"vision"`
	Prompts   string   `yaml:"prompts" config:"path"`
	MaxTokens int      `yaml:"max_tokens"`
	MaxCost   float64  `yaml:"max_cost"`
	Timeout   Duration `yaml:"timeout"`
	// RunsDir is where run directories go when --out is not given.
	RunsDir  string `yaml:"runs_dir" config:"path"`
	Memory   string `yaml:"memory" config:"path"`
	NoMemory bool   `yaml:"no_memory"`
	// Mode is how a task is run: steps, script or steward (see
	// docs/modes.md).
	Mode string `yaml:"mode"`
}

// Roles gives each role of the agent team its model (a name from Models or
// a provider:model profile); a role left empty uses task.model.
type Roles struct {
	Planner   string `yaml:"planner"`
	Decision  string `yaml:"decision"`
	Reflector string `yaml:"reflector"`
	Notetaker string `yaml:"notetaker"`
	// Verifier judges a claimed completion from the final screen (default:
	// the reflector's model).
	Verifier string `yaml:"verifier"`
	// Routing is a preset: "minions" runs the decision and the notetaker on
	// Local and the planner and the reflector on task.model, and escalates
	// a step to task.model when the local model fails twice in a row.
	Routing string `yaml:"routing"`
	Local   string `yaml:"local"`
	// EscalateTo is the model a failing role's step goes to, after
	// EscalateAfter failures in a row (default 2).
	EscalateTo    string `yaml:"escalate_to"`
	EscalateAfter int    `yaml:"escalate_after"`
}

// Safety configures the safety gate.
type Safety struct {
	// Policy is a policy file (see safety.ParsePolicy).
	Policy string `yaml:"policy" config:"path"`
}

// Devices says which phone commands use.
type Devices struct {
	Default   string `yaml:"default"`    // a serial, or sim
	ADBServer string `yaml:"adb_server"` // HOST:PORT
	SimAddr   string `yaml:"sim_addr"`   // where a served virtual phone listens
}

// MCP configures `mobagent mcp`.
type MCP struct {
	// HTTP is the address of the streamable HTTP transport (loopback).
	HTTP string `yaml:"http"`
	// TokenEnv names the variable holding the bearer token for HTTP;
	// TokenFile is a private file holding it.
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file" config:"path"`
	// RunsDir is where run_task records its runs.
	RunsDir string `yaml:"runs_dir" config:"path"`
	// Confirm is who answers the gate's questions: ask (the person, through
	// the client's elicitation), deny or approve.
	Confirm string `yaml:"confirm"`
}

// Duration is a time.Duration written as "90s", "10m" or "1h30m".
type Duration time.Duration

// D returns the duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Config is a loaded configuration file.
type Config struct {
	File
	// Path is the file it was read from; "" for an empty Config.
	Path string
	// Mode is the file's permission bits.
	Mode fs.FileMode

	pos  map[string]Pos
	kpos map[string]Pos
	text map[string]string
}

// Pos is where a value is written.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Origin returns where key (dotted, such as "task.max_steps" or
// "models.cloud.price.input") is set in the file.
func (c *Config) Origin(key string) (Pos, bool) {
	if c == nil {
		return Pos{}, false
	}
	p, ok := c.pos[key]
	return p, ok
}

// IsSet reports whether the file sets key.
func (c *Config) IsSet(key string) bool {
	_, ok := c.Origin(key)
	return ok
}

// Keys lists the keys the file sets, in file order.
func (c *Config) Keys() []string {
	if c == nil {
		return nil
	}
	ks := make([]string, 0, len(c.pos))
	for k := range c.pos {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		a, b := c.pos[ks[i]], c.pos[ks[j]]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return ks[i] < ks[j]
	})
	return ks
}

// DefaultPath is $XDG_CONFIG_HOME/mobagent/config.yaml, else
// $HOME/.config/mobagent/config.yaml, reading the environment through
// getenv (nil: os.Getenv).
func DefaultPath(getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	if d := getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mobagent", "config.yaml"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("config: no default path: neither XDG_CONFIG_HOME nor HOME is set; pass --config FILE: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".config", "mobagent", "config.yaml"), nil
}

// ErrNotFound is returned by Load for a file that does not exist.
var ErrNotFound = errors.New("config: no such file")

// Load reads and checks the file at path. A missing file is ErrNotFound; a
// file that cannot be used is an *Error, or a List of them, each naming the
// line and column and how to fix it.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (create one with 'mobagent config init')", ErrNotFound, path)
	}
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, b, st.Mode().Perm())
}

// Parse reads a config document; name is the file's path (relative paths in
// the file are resolved against its directory) and mode its permission
// bits.
func Parse(name string, data []byte, mode fs.FileMode) (*Config, error) {
	c := &Config{Path: name, Mode: mode, pos: map[string]Pos{}, kpos: map[string]Pos{}, text: map[string]string{}}
	d := &decoder{file: name, lines: strings.Split(string(data), "\n"), pos: c.pos, kpos: c.kpos, text: c.text}
	if err := d.parse(data, &c.File); err != nil {
		return nil, err // the syntax is broken: nothing else can be trusted
	}
	c.resolvePaths(filepath.Dir(name))
	errs := append(d.errs, c.check(d)...)
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool {
			return errs[i].Line < errs[j].Line || errs[i].Line == errs[j].Line && errs[i].Col < errs[j].Col
		})
		return nil, errs.err()
	}
	return c, nil
}

// Private reports whether the file's mode lets only its owner read it.
func (c *Config) Private() bool { return c.Mode&0o077 == 0 }

// Value is one setting the file holds, as `config show` prints it.
type Value struct {
	Key   string
	Value string // as written; secrets are "[hidden]"
	Pos   Pos
}

// Values lists the settings the file holds, in file order, secrets hidden.
func (c *Config) Values() []Value {
	var out []Value
	for _, k := range c.Keys() {
		out = append(out, Value{Key: k, Value: c.text[k], Pos: c.pos[k]})
	}
	return out
}
