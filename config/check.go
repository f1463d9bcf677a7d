package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/llm"
)

// resolvePaths makes the file's relative paths relative to its directory and
// expands a leading ~.
func (c *Config) resolvePaths(dir string) {
	fix := func(p *string) {
		*p = expandPath(*p, dir)
	}
	for name, m := range c.Models {
		fix(&m.APIKeyFile)
		c.Models[name] = m
	}
	fix(&c.Task.Prompts)
	fix(&c.Task.RunsDir)
	fix(&c.Task.Memory)
	fix(&c.Safety.Policy)
	fix(&c.MCP.TokenFile)
	fix(&c.MCP.RunsDir)
}

func expandPath(p, dir string) string {
	if p == "" {
		return ""
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p)
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// Presets are the routing presets roles.routing accepts.
var Presets = []string{"minions"}

// check validates the values, reporting each problem at its key.
func (c *Config) check(d *decoder) List {
	var errs List
	bad := func(key, msg, fix string) {
		p, ok := c.pos[key]
		if !ok {
			p, ok = c.kpos[key]
		}
		if !ok {
			p = Pos{File: c.Path, Line: 1, Col: 1}
		}
		errs = append(errs, &Error{File: p.File, Line: p.Line, Col: p.Col, Key: key, Msg: msg, Fix: fix, Source: d.source(p.Line)})
	}
	names := make([]string, 0, len(c.Models))
	for n := range c.Models {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		m := c.Models[name]
		k := "models." + name
		if !nameRE.MatchString(name) {
			bad(k, fmt.Sprintf("the model name %q cannot be used", name), "use letters, digits, '-' and '_', such as cloud or local")
		}
		if m.Profile == "" {
			bad(k, "the model has no profile", "add profile: provider:model, such as profile: openai:gpt-4o")
		} else if _, err := llm.ParseProfile(m.Profile); err != nil {
			bad(k+".profile", err.Error(), "write provider:model with a provider from "+fmt.Sprint(llm.Profiles()))
		}
		if m.APIKey != "" && !c.Private() {
			bad(k+".api_key", fmt.Sprintf("the key itself is in a file others can read (mode %04o)", c.Mode),
				fmt.Sprintf("move it to an environment variable (api_key_env) or a private key file (api_key_file), or make the file private: chmod 600 %s", c.Path))
		}
		if m.APIKey != "" && (m.APIKeyEnv != "" || m.APIKeyFile != "") || m.APIKeyEnv != "" && m.APIKeyFile != "" {
			bad(k, "the key comes from more than one place", "keep one of api_key_env, api_key_file and api_key")
		}
		if m.APIKeyEnv != "" && !envNameRE.MatchString(m.APIKeyEnv) {
			bad(k+".api_key_env", fmt.Sprintf("%q is not the name of an environment variable", m.APIKeyEnv), "give the variable's name (such as OPENAI_API_KEY), never the key itself")
		}
		if m.BaseURL != "" && !strings.HasPrefix(m.BaseURL, "http://") && !strings.HasPrefix(m.BaseURL, "https://") {
			bad(k+".base_url", fmt.Sprintf("%q is not an http(s) URL", m.BaseURL), "write it as https://host/v1")
		}
		if _, err := coordinates(m.Coords); err != nil {
			bad(k+".coords", err.Error(), "use px (pixels of the image sent), unit (0..1) or 1000 (0..1000)")
		}
		if m.Dialect != "" {
			table := &actions.Dialects{}
			if _, err := table.Lookup(m.Dialect); err != nil {
				fix := "use one of " + strings.Join(table.Names(), ", ") + " ('mobagent action dialects' describes them)"
				if n := nearest(m.Dialect, table.Names()); n != "" {
					fix = fmt.Sprintf("did you mean %q? (%s)", n, fix)
				}
				bad(k+".dialect", fmt.Sprintf("unknown dialect %q", m.Dialect), fix)
			}
		}
		if m.Price != nil && (m.Price.Input < 0 || m.Price.Output < 0) {
			bad(k+".price", "a price is negative", "write dollars per million tokens, such as {input: 2.5, output: 10}")
		}
		if m.Limits.MaxConcurrent < 0 || m.Limits.RequestsPerMinute < 0 {
			bad(k+".limits", "a limit is negative", "write 0 for no limit or a positive number")
		}
		if m.Timeout < 0 {
			bad(k+".timeout", "the timeout is negative", "write a duration such as 60s")
		}
	}
	model := func(key, v string) {
		if v == "" || strings.EqualFold(v, "offline") {
			return
		}
		if _, ok := c.Models[v]; ok {
			return
		}
		if strings.Contains(v, ":") {
			if _, err := llm.ParseProfile(v); err != nil {
				bad(key, err.Error(), "name a model from models: or write provider:model")
			}
			return
		}
		fix := "name one of the models defined under models:"
		if len(names) == 0 {
			fix = "define it under models:, or write provider:model such as openai:gpt-4o"
		} else if s := nearest(v, names); s != "" {
			fix = fmt.Sprintf("did you mean %q? (models: %s)", s, strings.Join(names, ", "))
		} else {
			fix += " (" + strings.Join(names, ", ") + ")"
		}
		bad(key, fmt.Sprintf("no model is called %q", v), fix)
	}
	model("task.model", c.Task.Model)
	model("roles.planner", c.Roles.Planner)
	model("roles.decision", c.Roles.Decision)
	model("roles.reflector", c.Roles.Reflector)
	model("roles.notetaker", c.Roles.Notetaker)
	model("roles.verifier", c.Roles.Verifier)
	model("roles.local", c.Roles.Local)
	model("roles.escalate_to", c.Roles.EscalateTo)
	if r := c.Roles.Routing; r != "" && r != "minions" {
		bad("roles.routing", fmt.Sprintf("unknown routing preset %q", r), "use minions (decision and notes on roles.local, planning and reflection on task.model)")
	}
	if c.Roles.Routing != "" && c.Roles.Local == "" {
		bad("roles.routing", "the routing preset needs the local model", "add roles.local: NAME (a model from models:, such as an Ollama one)")
	}
	if c.Roles.EscalateAfter < 0 {
		bad("roles.escalate_after", "the count is negative", "write how many failures in a row escalate a step, such as 2")
	}
	t := c.Task
	if t.MaxSteps < 0 {
		bad("task.max_steps", "the step limit is negative", "write a positive number such as 25")
	}
	if t.MaxTokens < 0 || t.MaxCost < 0 || t.Timeout < 0 {
		for _, k := range []string{"task.max_tokens", "task.max_cost", "task.timeout"} {
			if c.IsSet(k) && ((k == "task.max_tokens" && t.MaxTokens < 0) || (k == "task.max_cost" && t.MaxCost < 0) || (k == "task.timeout" && t.Timeout < 0)) {
				bad(k, "the budget is negative", "write 0 for no limit or a positive value")
			}
		}
	}
	mode := func(key, v string) {
		switch v {
		case "", "ask", "deny", "approve":
		default:
			bad(key, fmt.Sprintf("unknown confirmation mode %q", v), "use ask, deny or approve")
		}
	}
	mode("task.confirm", t.Confirm)
	mode("mcp.confirm", c.MCP.Confirm)
	switch strings.ToLower(t.Mode) {
	case "", "steps", "script", "steward":
	default:
		bad("task.mode", fmt.Sprintf("unknown mode %q", t.Mode), "use steps, script or steward")
	}
	switch strings.ToLower(t.OCR) {
	case "", "auto", "always", "on", "off", "never", "no":
	default:
		bad("task.ocr", fmt.Sprintf("unknown OCR mode %q", t.OCR), "use auto, always or off")
	}
	if c.MCP.TokenEnv != "" && !envNameRE.MatchString(c.MCP.TokenEnv) {
		bad("mcp.token_env", fmt.Sprintf("%q is not the name of an environment variable", c.MCP.TokenEnv), "give the variable's name, never the token itself")
	}
	sort.SliceStable(errs, func(i, j int) bool {
		return errs[i].Line < errs[j].Line || errs[i].Line == errs[j].Line && errs[i].Col < errs[j].Col
	})
	return errs
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// coordinates reads the coords key: the coordinate space of a model's
// points, over its dialect's.
func coordinates(s string) (*actions.Coordinates, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "":
		return nil, nil
	case "px", "pixels":
		return &actions.Coordinates{Kind: actions.CoordsPixels}, nil
	case "unit", "0-1":
		return &actions.Coordinates{Kind: actions.CoordsNormalized, Max: 1}, nil
	case "1000", "0-1000", "permille":
		return &actions.Coordinates{Kind: actions.CoordsNormalized, Max: 1000}, nil
	case "999", "0-999":
		return &actions.Coordinates{Kind: actions.CoordsNormalized, Max: 999}, nil
	}
	return nil, fmt.Errorf("unknown coordinate space %q", s)
}
