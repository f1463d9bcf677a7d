package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Template is the file `mobagent config init` writes: every section, with
// the defaults commented out. It parses to an empty configuration.
const Template = `# mobagent configuration (mobagent config show prints what is in effect and
# where each value comes from; flags override this file, this file overrides
# the defaults). Keys never go in here unless the file is private (chmod 600):
# name the environment variable that holds them, or a private key file.

# Named model profiles. task.model and the roles name them, or give
# provider:model directly (openai:gpt-4o, ollama:qwen2.5vl:7b, ...).
models:
#  cloud:
#    profile: openai:gpt-4o
#    api_key_env: OPENAI_API_KEY        # or api_key_file: ~/.config/mobagent/openai.key (mode 0600)
#    price: {input: 2.5, output: 10}     # US dollars per million tokens
#    limits: {max_concurrent: 4, requests_per_minute: 60}
#    timeout: 60s
#  local:
#    profile: ollama:qwen2.5:7b
#    base_url: http://127.0.0.1:11434/v1
#    vision: false                       # a text-only model
#    dialect: ""                         # how it writes actions ("" is mobagent's JSON)
#    coords: px                          # px, unit (0..1) or 1000 (0..1000)

# Defaults for 'mobagent task' (and the MCP server's run_task).
task:
#  model: cloud              # every role not named under roles:
#  max_steps: 25
#  confirm: ask              # ask, deny or approve
#  ocr: auto                 # auto, always or off
#  mode: steps               # steps, script or steward (docs/modes.md)
#  icons: false
#  lang: [eng]
#  vision: false
#  max_tokens: 0             # 0: no limit
#  max_cost: 0               # US dollars; 0: no limit
#  timeout: 0s               # wall clock; 0s: no limit
#  runs_dir: runs            # where run directories go without --out
#  memory: ~/.local/share/mobagent/memory.db
#  no_memory: false

# A model per role. The minions preset runs the decision and the notes on
# roles.local and the planner and the reflector on task.model, and sends a
# step to task.model when the local model fails twice in a row.
roles:
#  routing: minions
#  local: local
#  planner: cloud
#  decision: local
#  reflector: cloud
#  notetaker: local
#  verifier: cloud        # judges a claimed completion (default: the reflector's)
#  escalate_to: cloud
#  escalate_after: 2

safety:
#  policy: ~/.config/mobagent/policy.yaml   # see docs/safety.md

devices:
#  default: 127.0.0.1:15555   # a serial, or sim
#  adb_server: 127.0.0.1:5037
#  sim_addr: 127.0.0.1:15555

# 'mobagent mcp'
mcp:
#  http: 127.0.0.1:8765        # serve streamable HTTP here instead of stdio
#  token_env: MOBAGENT_MCP_TOKEN
#  runs_dir: ~/.local/state/mobagent/mcp-runs
#  confirm: ask
`

// ErrExists is returned by WriteTemplate when the file exists.
var ErrExists = errors.New("config: the file exists")

// WriteTemplate writes Template to path (mode 0600), creating its
// directory; it refuses to replace a file unless force is set.
func WriteTemplate(path string, force bool) error {
	if _, err := os.Stat(path); err == nil && !force {
		return fmt.Errorf("%w: %s (edit it, or pass --force to replace it)", ErrExists, path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	if _, err := f.WriteString(Template); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	return f.Close()
}
