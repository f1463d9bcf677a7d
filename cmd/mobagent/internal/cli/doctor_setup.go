package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mobagent/mobagent/config"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/openai"
	"github.com/mobagent/mobagent/memory"
)

// modelCheckTimeout bounds the one request doctor sends a model.
const modelCheckTimeout = 20 * time.Second

// setupChecks are doctor's checks of mobagent's own setup: the config file,
// every model it names (and --model), the memory store.
func setupChecks(ctx context.Context, opts *DoctorOptions) []check {
	var checks []check
	c, err := loadConfig(opts.IO, opts.ConfigPath)
	switch {
	case err != nil:
		fix, detail := "correct the file as the message says ('mobagent config show' checks it)", firstLine(err.Error())
		var e *config.Error
		if errors.As(err, &e) {
			detail = strings.TrimSuffix(e.Error(), "; fix: "+e.Fix)
			if e.Fix != "" {
				fix = e.Fix
			}
			var l config.List
			if errors.As(err, &l) && len(l) > 1 {
				detail += fmt.Sprintf(" (and %d more problems: 'mobagent config show')", len(l)-1)
			}
		}
		checks = append(checks, check{name: "config", detail: detail, fix: fix})
	case c == nil:
		checks = append(checks, check{name: "config", ok: true, optional: true, detail: "no config file: flags, the environment and the defaults decide",
			fix: "'mobagent config init' writes a commented one"})
	default:
		detail := fmt.Sprintf("%s (%d models)", c.Path, len(c.Models))
		if !c.Private() {
			detail += fmt.Sprintf(", mode %04o", c.Mode)
		}
		checks = append(checks, check{name: "config", ok: true, detail: detail})
	}

	// The models: each named in the file, and --model or $MOBAGENT_MODEL.
	type target struct{ name, spec string }
	var targets []target
	if c != nil {
		names := make([]string, 0, len(c.Models))
		for n := range c.Models {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			targets = append(targets, target{"model " + n, n})
		}
	}
	spec := opts.Model
	if spec == "" {
		spec = strings.TrimSpace(getenv(opts.IO, "MOBAGENT_MODEL"))
	}
	if spec != "" && !strings.EqualFold(spec, "offline") && (c == nil || c.Models[spec].Profile == "") {
		targets = append(targets, target{"model " + spec, spec})
	}
	results := make([]check, len(targets))
	var wg sync.WaitGroup
	for i, tg := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = checkModel(ctx, opts, c, tg.name, tg.spec)
		}()
	}
	wg.Wait()
	checks = append(checks, results...)
	return append(checks, checkMemory(opts))
}

// checkModel sends the model one request of one token: it finds out
// whether the endpoint is up, the key is accepted and the model exists.
func checkModel(ctx context.Context, opts *DoctorOptions, c *config.Config, name, spec string) check {
	ch := check{name: name}
	var m llm.Model
	var p llm.Profile
	if c != nil && c.Models[spec].Profile != "" {
		ms, err := c.Model(spec, opts.IO.Getenv)
		if err != nil {
			ch.detail, ch.fix = err.Error(), "set the key where the model's api_key_env or api_key_file says ('mobagent config show' shows where each key comes from)"
			return ch
		}
		p = ms.Profile
		client, err := openai.New(openai.Config{Profile: p, Retry: llm.RetryPolicy{MaxAttempts: 1}})
		if err != nil {
			ch.detail = err.Error()
			return ch
		}
		m = client
	} else {
		open := opts.OpenModel
		if open == nil {
			open = openDoctorModel
		}
		var err error
		if m, p, err = open(spec, opts.BaseURL, opts.IO.Getenv, nil); err != nil {
			ch.detail, ch.fix = err.Error(), "set the key or base URL the message names"
			return ch
		}
	}
	ctx, cancel := context.WithTimeout(ctx, modelCheckTimeout)
	defer cancel()
	start := time.Now()
	resp, err := m.Generate(ctx, []llm.Message{llm.UserText("Reply with the word ok.")}, llm.WithMaxTokens(1), llm.WithTemperature(0))
	if err != nil {
		ch.detail = fmt.Sprintf("%s at %s: %s", p, p.BaseURL, firstLine(err.Error()))
		var le *llm.Error
		switch {
		case errors.As(err, &le) && le.Kind == llm.KindAuth:
			ch.fix = "the endpoint refused the key: " + keyHint(p)
		case errors.As(err, &le) && le.Kind == llm.KindNotFound:
			ch.fix = fmt.Sprintf("the endpoint does not know the model %q: check the name (for Ollama, 'ollama pull %s')", p.Model, p.Model)
		case errors.As(err, &le) && le.Kind == llm.KindRateLimit:
			ch.ok, ch.optional = false, true
			ch.fix = "the endpoint is up and the key works, but it is rate limited now; try again later or raise the quota"
		case errors.Is(err, llm.ErrUnavailable), errors.Is(err, context.DeadlineExceeded), errors.Is(err, llm.ErrTimeout):
			ch.fix = fmt.Sprintf("nothing answers at %s: start the server (ollama serve, vllm serve, ...) or fix base_url", p.BaseURL)
		case errors.As(err, &le):
			ch.fix = le.Fix()
		default:
			ch.fix = "check the endpoint and the model name"
		}
		return ch
	}
	ch.ok = true
	ch.detail = fmt.Sprintf("%s at %s answers (%s, %s)", p, p.BaseURL, orName(resp.Model, p.Model), time.Since(start).Round(time.Millisecond))
	return ch
}

func orName(got, want string) string {
	if got == "" {
		return want
	}
	return got
}

func keyHint(p llm.Profile) string {
	if env := llm.KeyEnv(p.Provider); env != "" {
		return "check the key (" + env + " or the model's api_key_env / api_key_file) and its permissions"
	}
	return "check the model's api_key_env or api_key_file and its permissions"
}

// openDoctorModel is openModel without retries: doctor asks once.
func openDoctorModel(profile, baseURL string, getenv func(string) string, _ *slog.Logger) (llm.Model, llm.Profile, error) {
	lc := llm.Config{Getenv: getenv}
	if baseURL != "" {
		p, err := llm.ParseProfile(profile)
		if err != nil {
			return nil, llm.Profile{}, err
		}
		lc.Endpoints = map[llm.Provider]llm.Endpoint{p.Provider: {BaseURL: baseURL}}
	}
	p, err := lc.Resolve(profile)
	if err != nil {
		return nil, llm.Profile{}, err
	}
	m, err := openai.New(openai.Config{Profile: p, Retry: llm.RetryPolicy{MaxAttempts: 1}})
	return m, p, err
}

// checkMemory opens the store read-only and counts what it holds.
func checkMemory(opts *DoctorOptions) check {
	ch := check{name: "memory store"}
	path := opts.Memory
	if path == "" {
		p, err := memory.DefaultPathEnv(opts.IO.Getenv)
		if err != nil {
			ch.optional, ch.detail, ch.fix = true, err.Error(), "pass --memory PATH to the commands that use it"
			return ch
		}
		path = p
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		ch.ok, ch.optional, ch.detail = true, true, path+" does not exist yet; the first run creates it"
		return ch
	}
	s, err := memory.Open(path, memory.Options{ReadOnly: true, LockTimeout: time.Second})
	if err != nil {
		ch.detail = firstLine(err.Error())
		switch {
		case errors.Is(err, memory.ErrLocked):
			ch.optional = true
			ch.fix = "another mobagent (a task or 'mobagent mcp') has it open; it is checked when that ends"
		case errors.Is(err, memory.ErrCorrupt):
			ch.fix = "read what can be saved with 'mobagent memory export --salvage', move the file away, and import the export"
		case errors.Is(err, memory.ErrSchemaTooNew):
			ch.fix = "a newer mobagent wrote it: upgrade mobagent, or use another file with --memory"
		default:
			ch.fix = "check the file's permissions, or use another file with --memory"
		}
		return ch
	}
	defer s.Close()
	st, err := s.Stats()
	if err != nil {
		ch.detail, ch.fix = err.Error(), "read what can be saved with 'mobagent memory export --salvage'"
		return ch
	}
	ch.ok = true
	ch.detail = fmt.Sprintf("%s (schema %d, %d tips, %d shortcuts, %d runs)", path, st.Schema, st.Tips, st.Shortcuts, st.Runs)
	return ch
}
