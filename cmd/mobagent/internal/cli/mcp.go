package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/agentmem"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/config"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/mcp"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/prompts"
	"github.com/mobagent/mobagent/safety"
)

// MCPOptions are the flags of `mobagent mcp`.
type MCPOptions struct {
	IO         *IOStreams
	ConfigPath string
	// HTTP is the address of the streamable HTTP transport; "" serves
	// stdio. AllowRemote permits an address other than loopback.
	HTTP        string
	AllowRemote bool
	// TokenEnv names the variable holding the bearer token; TokenFile is a
	// private file holding it. Without either a token is generated into
	// the state directory.
	TokenEnv  string
	TokenFile string
	Server    string // adb server
	Sim       bool   // serve a virtual phone in-process too
	SimAddr   string
	RunsDir   string
	Confirm   string
	Policy    string

	// What run_task runs with, as `mobagent task`'s flags.
	Model      string
	BaseURL    string
	Roles      roleModels
	MaxSteps   int
	Perception perceptionFlags
	Vision     bool
	Prompts    string
	Memory     string
	NoMemory   bool
	Verbose    bool
	Environ    []string

	Origins origins

	OpenDevice DeviceFunc
	OpenModel  ModelFunc
	OpenOCR    OCRFunc
	// Ready, when set, hears the HTTP address once the server listens
	// (tests).
	Ready func(addr string)
}

func newCmdMCP(fc *Factory, runF func(context.Context, *MCPOptions) error) *cobra.Command {
	opts := &MCPOptions{IO: fc.IO, OpenDevice: fc.Device, OpenModel: fc.Model, OpenOCR: fc.OCR}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve phones to other agents over the Model Context Protocol",
		Long: `Serve mobagent as an MCP server, so Claude Code, Cursor, Codex or any MCP client can drive
Android phones: over stdio by default (the client starts 'mobagent mcp'), or over streamable
HTTP with --http 127.0.0.1:PORT (a bearer token is required; see --token-env).

Device tools keep mobile-mcp's names and arguments (mobile_list_available_devices,
mobile_list_elements_on_screen, mobile_take_screenshot, mobile_click_on_screen_at_coordinates,
mobile_type_keys, mobile_swipe_on_screen, mobile_press_button, mobile_launch_app, ...) and add
mobile_tap_element, which taps by the element ids of the fused element list. Every action goes
through the safety gate: a held action is not done and the result says why; when the policy asks
for confirmation and the client supports elicitation, the person is asked through the client,
otherwise the action is refused (--confirm approve answers yes for them; no mode overrides a
deny rule). Task tools run the agents in the background: run_task, task_status, stop_task,
inject_instruction, task_report; run directories are resources (mobagent://runs/ID/FILE).

run_task uses the model flags of 'mobagent task' (--model, --planner-model, --routing, ...);
with no model it runs the offline policy. Settings also come from the config file ('mobagent
config show'). 'mobagent mcp install --client claude|cursor|codex' prints the client's config.

Logs go to stderr; over stdio, stdout carries only the protocol.`,
		Example: `  mobagent mcp                                   # stdio, for a client that starts it
  mobagent mcp --sim                             # also serve a virtual phone
  MOBAGENT_MCP_TOKEN=$(openssl rand -hex 16) mobagent mcp --http 127.0.0.1:8765
  mobagent mcp --model openai:gpt-4o --confirm ask
  mobagent mcp install --client claude`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(opts.IO, opts.ConfigPath)
			if err != nil {
				return err
			}
			// mcp.* first; then the task defaults run_task uses (not
			// task.runs_dir: the server's runs go to mcp.runs_dir).
			if opts.Origins, err = applyConfigs(cmd.Flags(), c, opts.IO.Getenv, mcpConfigKeys, withoutKey(taskConfigKeys, "task.runs_dir")); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return mcpRun(cmd.Context(), opts, c)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.HTTP, "http", "", "serve streamable HTTP on `HOST:PORT` (loopback) instead of stdio")
	f.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow --http on an address other than loopback (anyone who can reach it and has the token drives your phones)")
	f.StringVar(&opts.TokenEnv, "token-env", "MOBAGENT_MCP_TOKEN", "the environment `VARIABLE` holding the bearer token for --http")
	f.StringVar(&opts.TokenFile, "token-file", "", "a private `FILE` holding the bearer token for --http")
	f.StringVar(&opts.Server, "adb-server", "", "adb server `HOST:PORT` (default: from the environment, else localhost:5037)")
	f.BoolVar(&opts.Sim, "sim", false, "also serve a virtual phone in-process")
	f.StringVar(&opts.SimAddr, "sim-addr", "", "where the virtual phone of --sim listens (`HOST:PORT`; default: the first free port from 127.0.0.1:15555)")
	f.StringVar(&opts.RunsDir, "runs-dir", "", "record run_task's runs in `DIR` (default: $XDG_STATE_HOME/mobagent/mcp-runs)")
	f.StringVar(&opts.Confirm, "confirm", "ask", "who answers the gate's questions: ask (the person, through the client), deny or approve")
	f.StringVar(&opts.Policy, "policy", "", "safety policy `FILE` (default: the built-in rules)")
	f.StringVarP(&opts.Model, "model", "m", "", "run_task's model `PROFILE` (provider:model) or offline (default: $MOBAGENT_MODEL, else offline)")
	f.StringVar(&opts.BaseURL, "base-url", "", "endpoint `URL` for the model's provider")
	f.StringVar(&opts.Roles.Planner, "planner-model", "", "the planner's model `PROFILE`")
	f.StringVar(&opts.Roles.Decision, "decision-model", "", "the decision's model `PROFILE`")
	f.StringVar(&opts.Roles.Reflector, "reflector-model", "", "the reflector's model `PROFILE`")
	f.StringVar(&opts.Roles.Notetaker, "notetaker-model", "", "the notetaker's model `PROFILE`")
	f.StringVar(&opts.Roles.Verifier, "verifier-model", "", "the verifier's model `PROFILE` (default: the reflector's)")
	f.StringVar(&opts.Roles.Routing, "routing", "", "routing `PRESET`: minions")
	f.StringVar(&opts.Roles.Local, "local-model", "", "the local model `PROFILE` of --routing minions")
	f.StringVar(&opts.Roles.EscalateTo, "escalate-to", "", "send a failing role's step to this model `PROFILE`")
	f.IntVar(&opts.Roles.EscalateAfter, "escalate-after", 2, "escalate after `N` failures in a row")
	f.IntVar(&opts.MaxSteps, "max-steps", 25, "run_task stops after `N` steps unless it asks for fewer")
	opts.Perception.register(f)
	f.BoolVar(&opts.Vision, "vision", false, "send set-of-mark screenshots to run_task's model")
	f.StringVar(&opts.Prompts, "prompts", "", "override role prompts with NAME.tmpl files from `DIR`")
	f.StringVar(&opts.Memory, "memory", "", "memory store `PATH` (default $XDG_DATA_HOME/mobagent/memory.db)")
	f.BoolVar(&opts.NoMemory, "no-memory", false, "run tasks without the memory store")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "log more (to stderr)")
	configFlag(f, &opts.ConfigPath)
	cmd.AddCommand(newCmdMCPInstall(fc.IO, nil))
	return cmd
}

// applyConfigs applies several key lists in order; a flag the first list
// set is not set again by a later one (mcp.confirm before task.confirm).
func applyConfigs(fs *pflag.FlagSet, c *config.Config, getenv func(string) string, lists ...[]configKey) (origins, error) {
	user := map[string]bool{}
	fs.Visit(func(f *pflag.Flag) { user[f.Name] = true })
	all := origins{}
	setByFile := map[string]string{}
	for _, keys := range lists {
		var mine []configKey
		for _, k := range keys {
			if by, ok := setByFile[k.flag]; ok {
				if c.IsSet(k.key) {
					all[k.key] = "overridden by " + by
				}
				continue
			}
			mine = append(mine, k)
		}
		o, err := applyConfig(fs, c, mine, getenv)
		for k, v := range o {
			all[k] = v
		}
		if err != nil {
			return all, err
		}
		for _, k := range mine {
			if !user[k.flag] && c.IsSet(k.key) {
				setByFile[k.flag] = k.key
			} else if user[k.flag] {
				setByFile[k.flag] = "flag --" + k.flag
			}
		}
	}
	return all, nil
}

func withoutKey(keys []configKey, key string) []configKey {
	var out []configKey
	for _, k := range keys {
		if k.key != key {
			out = append(out, k)
		}
	}
	return out
}

// adbDevices lists and opens phones through the adb server.
type adbDevices struct {
	c *adb.Client
}

var _ mcp.Devices = adbDevices{}

func (a adbDevices) List(ctx context.Context) ([]mcp.DeviceInfo, error) {
	ds, err := a.c.Devices(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]mcp.DeviceInfo, 0, len(ds))
	for _, d := range ds {
		info := mcp.DeviceInfo{ID: d.Serial, Name: strings.ReplaceAll(d.Model, "_", " "), Platform: "android", Type: "real", State: d.State}
		if strings.HasPrefix(d.Serial, "emulator-") {
			info.Type = "emulator"
		}
		if d.State == "device" {
			info.State = "online"
			if dev, err := a.c.Device(ctx, d.Serial); err == nil {
				sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				if r, err := dev.Shell(sctx, "getprop", "ro.build.version.release"); err == nil {
					info.Version = strings.TrimSpace(string(r.Stdout))
				}
				if r, err := dev.Shell(sctx, "getprop", "ro.product.manufacturer"); err == nil && strings.TrimSpace(string(r.Stdout)) == "mobagent" {
					info.Type = "virtual"
				}
				cancel()
			}
		}
		out = append(out, info)
	}
	return out, nil
}

func (a adbDevices) Open(ctx context.Context, id string) (agents.Device, error) {
	d, err := a.c.Device(ctx, id)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func defaultStateDir(s *IOStreams) string {
	if d := getenv(s, "XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mobagent")
	}
	if h := getenv(s, "HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "mobagent")
	}
	return filepath.Join(os.TempDir(), "mobagent")
}

func mcpRun(ctx context.Context, opts *MCPOptions, c *config.Config) error {
	if opts.OpenDevice == nil {
		opts.OpenDevice = openDevice
	}
	if opts.OpenModel == nil {
		opts.OpenModel = openModel
	}
	if opts.OpenOCR == nil {
		opts.OpenOCR = openOCR
	}
	mode, err := safety.ParseMode(opts.Confirm)
	if err != nil {
		return withCode(ExitUsage, fmt.Errorf("--confirm: %w", err))
	}
	if opts.MaxSteps <= 0 {
		return withCode(ExitUsage, fmt.Errorf("--max-steps %d: give a positive number of steps", opts.MaxSteps))
	}
	if opts.NoMemory && opts.Memory != "" {
		return withCode(ExitUsage, errors.New("--memory and --no-memory: choose one"))
	}
	if opts.HTTP != "" && !mcp.Loopback(opts.HTTP) && !opts.AllowRemote {
		return withCode(ExitUsage, fmt.Errorf("--http %s is not a loopback address: anyone who reaches it could drive your phones; listen on 127.0.0.1:PORT, or pass --allow-remote if you mean it", opts.HTTP))
	}
	var ps *prompts.Set
	if opts.Prompts != "" {
		if ps, err = prompts.Load(opts.Prompts); err != nil {
			return withCode(ExitUsage, fmt.Errorf("--prompts: %w", err))
		}
	}
	level := slog.LevelWarn
	if opts.Verbose {
		level = slog.LevelDebug
	}
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	red := &safety.Redactor{}
	secrets, err := safety.LoadSecretsEnv(environ, red)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	log := slog.New(red.Handler(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: level})))
	gate := &safety.Gate{Mode: mode, Redactor: red, Logger: log}
	if gate.Policy, err = loadPolicyFlag(opts.Policy); err != nil {
		return err
	}

	// The models run_task uses, opened once (clients are shared between
	// runs); each run gets its own team.
	ch := opts.Roles
	ch.Default, ch.BaseURL = opts.Model, opts.BaseURL
	if ch.Default == "" {
		ch.Default = strings.TrimSpace(getenv(opts.IO, "MOBAGENT_MODEL"))
	}
	opener := &modelOpener{cfg: c, open: opts.OpenModel, getenv: opts.IO.Getenv, baseURL: opts.BaseURL, log: log}
	tc := agents.TeamConfig{Prompts: ps, Vision: opts.Vision, Redactor: red}
	if _, err := ch.build(opener, opts.Vision, tc, nil, red); err != nil {
		if errors.Is(err, errNeedsModel) {
			return withCode(ExitUsage, err)
		}
		return withCode(ExitUnavailable, err)
	}

	// The phones.
	ac, err := adb.NewClient(adb.Config{Server: opts.Server, Logger: log})
	if err != nil {
		return withCode(ExitUnavailable, err)
	}
	if opts.Sim {
		dev, stop, err := opts.OpenDevice(ctx, DeviceRequest{Server: opts.Server, Serial: "sim", Sim: true, SimAddr: opts.SimAddr, Notice: opts.IO.ErrOut, Log: log})
		if err != nil {
			return withCode(ExitUnavailable, fmt.Errorf("--sim: %w", err))
		}
		defer stop()
		fmt.Fprintf(opts.IO.ErrOut, "virtual phone: %s\n", dev.Serial())
	}

	// Perception, shared by the device tools and the runs.
	perc, popts, closeOCR, err := opts.Perception.open(opts.OpenOCR, opts.IO.ErrOut, log)
	if err != nil {
		return err
	}
	defer closeOCR()

	// Memory, opened once for the server's life.
	var store *memory.Store
	if !opts.NoMemory {
		to := &TaskOptions{IO: opts.IO, Memory: opts.Memory}
		if store, err = taskMemory(to); err != nil {
			return err
		}
		if store != nil {
			defer store.Close()
		}
	}

	runsDir := opts.RunsDir
	if runsDir == "" {
		runsDir = filepath.Join(defaultStateDir(opts.IO), "mcp-runs")
	}
	if err := os.MkdirAll(runsDir, 0o755); err != nil {
		return withCode(ExitUsage, fmt.Errorf("--runs-dir: %w", err))
	}
	tasks := func(ctx context.Context, spec mcp.TaskSpec) (agents.Config, func(), error) {
		tm, err := ch.build(opener, opts.Vision, tc, opts.IO.ErrOut, red)
		if err != nil {
			return agents.Config{}, nil, err
		}
		cfg := agents.Config{Logger: log, Secrets: secrets, Redactor: red, Perceiver: perc, Perception: popts,
			Gate: gate, Limits: agents.Limits{MaxSteps: opts.MaxSteps}, Team: tc}
		switch {
		case tm.Offline:
		case tm.Model != nil:
			cfg.Model, cfg.ModelName, cfg.Vision = tm.Model, tm.Name, tm.Vision
		default:
			cfg.Roles, cfg.ModelName, cfg.Vision = tm.Roles, tm.Name, tm.Vision
		}
		var paths offline.Paths
		if store != nil {
			mem, err := agentmem.New(agentmem.Config{Store: store, Model: tm.Learn, RunDir: spec.Dir, Logger: log})
			if err != nil {
				return agents.Config{}, nil, err
			}
			cfg.Memory, paths = mem, mem
		}
		if tm.Offline {
			cfg.Roles = offline.New(offline.Config{Paths: paths}).Roles()
		}
		return cfg, nil, nil
	}
	srv, err := mcp.New(mcp.Config{Devices: adbDevices{c: ac}, Perceiver: perc, Perception: popts, Gate: gate, Redactor: red,
		Tasks: tasks, RunsDir: runsDir, Version: "dev", Logger: log})
	if err != nil {
		return err
	}
	defer srv.Close()

	if opts.HTTP == "" {
		fmt.Fprintf(opts.IO.ErrOut, "mobagent mcp: serving over stdio (confirm %s, runs in %s)\n", mode, runsDir)
		if err := srv.ServeStdio(ctx); err != nil && ctx.Err() == nil {
			return withCode(ExitFailed, err)
		}
		return nil
	}
	token, where, err := mcpToken(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.HTTP)
	if err != nil {
		return withCode(ExitUnavailable, fmt.Errorf("--http: %w", err))
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", srv.Handler(token))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(opts.IO.ErrOut, "mobagent mcp: serving streamable HTTP on http://%s/mcp (bearer token %s; confirm %s; runs in %s)\n", ln.Addr(), where, mode, runsDir)
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		return nil
	case err := <-errc:
		return withCode(ExitFailed, err)
	}
}

// mcpToken finds the bearer token: the variable, the file, or a new one
// written to a private file in the state directory.
func mcpToken(opts *MCPOptions) (token, where string, err error) {
	if opts.TokenEnv != "" {
		if t := strings.TrimSpace(getenv(opts.IO, opts.TokenEnv)); t != "" {
			if len(t) < 16 {
				return "", "", withCode(ExitUsage, fmt.Errorf("$%s is shorter than 16 characters; use a long random token (openssl rand -hex 16)", opts.TokenEnv))
			}
			return t, "from $" + opts.TokenEnv, nil
		}
	}
	file := opts.TokenFile
	if file != "" {
		st, err := os.Stat(file)
		if err != nil {
			return "", "", withCode(ExitUsage, fmt.Errorf("--token-file: %w", err))
		}
		if st.Mode().Perm()&0o077 != 0 {
			return "", "", withCode(ExitUsage, fmt.Errorf("--token-file %s can be read by others (mode %04o): chmod 600 %s", file, st.Mode().Perm(), file))
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", withCode(ExitUsage, fmt.Errorf("--token-file: %w", err))
		}
		t := strings.TrimSpace(string(b))
		if len(t) < 16 {
			return "", "", withCode(ExitUsage, fmt.Errorf("--token-file %s holds a token shorter than 16 characters", file))
		}
		return t, "in " + file, nil
	}
	file = filepath.Join(defaultStateDir(opts.IO), "mcp-token")
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return "", "", withCode(ExitFailed, err)
	}
	t := randomToken()
	if err := os.WriteFile(file, []byte(t+"\n"), 0o600); err != nil {
		return "", "", withCode(ExitFailed, err)
	}
	return t, "generated in " + file + " (or set $" + opts.TokenEnv + ")", nil
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
