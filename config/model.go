package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/llm"
)

// ModelSpec is a model ready to open: its resolved profile, what it costs
// and how it writes actions. String never shows the key.
type ModelSpec struct {
	// Name is the config name ("cloud"), or "" for a provider:model given
	// directly.
	Name    string
	Profile llm.Profile
	// Price overrides the built-in price table for this model; nil keeps it.
	Price *llm.Price
	// Dialect is how the model writes actions: the one the file names,
	// else the built-in table's for the model's name (actions.Dialects),
	// with its coordinates replaced by the file's coords when given.
	// Known says whether the file or the table named it (else it is
	// mobagent's json).
	Dialect      actions.Dialect
	DialectKnown bool
	// KeySource says where the key came from, in words ("$OPENAI_API_KEY",
	// "file /home/me/.openai", "the config file", "none").
	KeySource string
}

func (s ModelSpec) String() string {
	if s.Name != "" {
		return s.Name + " (" + s.Profile.String() + ")"
	}
	return s.Profile.String()
}

// ErrKey marks a key that cannot be read.
var ErrKey = errors.New("config: the model's key cannot be read")

// Model resolves spec, a name from the file's models or a provider:model
// profile, to a ModelSpec: the endpoint from base_url, the environment or
// the provider's default; the key from api_key_env, api_key_file, api_key
// or the provider's variable. getenv reads the environment (nil:
// os.Getenv). A nil Config resolves profiles only.
func (c *Config) Model(spec string, getenv func(string) string) (ModelSpec, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	spec = strings.TrimSpace(spec)
	var m Model
	name := ""
	if c != nil {
		if cm, ok := c.Models[spec]; ok {
			m, name = cm, spec
		}
	}
	if name == "" {
		if !strings.Contains(spec, ":") && c != nil && len(c.Models) > 0 {
			return ModelSpec{}, fmt.Errorf("config: no model is called %q in %s; name one of %s, or write provider:model", spec, c.Path, strings.Join(c.modelNames(), ", "))
		}
		p, err := llm.Config{Getenv: getenv}.Resolve(spec)
		if err != nil {
			return ModelSpec{}, err
		}
		d, known := (&actions.Dialects{}).ForModel(p.Model)
		return ModelSpec{Profile: p, KeySource: keySourceDefault(p, getenv), Dialect: d, DialectKnown: known}, nil
	}
	p, err := llm.ParseProfile(m.Profile)
	if err != nil {
		return ModelSpec{}, fmt.Errorf("config: model %s: %w", name, err)
	}
	ep := llm.Endpoint{BaseURL: m.BaseURL, APIVersion: m.APIVersion, Limits: m.Limits}
	src := ""
	switch {
	case m.APIKeyEnv != "":
		v := strings.TrimSpace(getenv(m.APIKeyEnv))
		if v == "" {
			return ModelSpec{}, fmt.Errorf("%w: model %s takes its key from $%s, which is not set; export it", ErrKey, name, m.APIKeyEnv)
		}
		ep.APIKey, src = llm.Secret(v), "$"+m.APIKeyEnv
	case m.APIKeyFile != "":
		v, err := readKeyFile(m.APIKeyFile)
		if err != nil {
			return ModelSpec{}, fmt.Errorf("%w: model %s: %v", ErrKey, name, err)
		}
		ep.APIKey, src = llm.Secret(v), "file "+m.APIKeyFile
	case m.APIKey != "":
		ep.APIKey, src = llm.Secret(m.APIKey), "the config file"
	}
	lc := llm.Config{Getenv: getenv, Endpoints: map[llm.Provider]llm.Endpoint{p.Provider: ep}}
	if m.Vision != nil || m.JSONMode != nil {
		caps := llm.LookupCapabilities(p.Model)
		if m.Vision != nil {
			caps.Vision = *m.Vision
		}
		if m.JSONMode != nil {
			caps.JSONMode = *m.JSONMode
		}
		lc.Capabilities = map[string]llm.Capabilities{p.Model: caps}
	}
	rp, err := lc.Resolve(m.Profile)
	if err != nil {
		return ModelSpec{}, fmt.Errorf("config: model %s: %w", name, err)
	}
	rp.Timeout = m.Timeout.D()
	if src == "" {
		src = keySourceDefault(rp, getenv)
	}
	out := ModelSpec{Name: name, Profile: rp, Price: m.Price, KeySource: src}
	table := &actions.Dialects{}
	if m.Dialect != "" {
		if out.Dialect, err = table.Lookup(m.Dialect); err != nil {
			return ModelSpec{}, fmt.Errorf("config: model %s: %w", name, err)
		}
		out.DialectKnown = true
	} else {
		out.Dialect, out.DialectKnown = table.ForModel(rp.Model)
	}
	if c, err := coordinates(m.Coords); err != nil {
		return ModelSpec{}, fmt.Errorf("config: model %s: %w", name, err)
	} else if c != nil {
		out.Dialect.Coords = *c
		out.DialectKnown = true
	}
	return out, nil
}

func (c *Config) modelNames() []string {
	var out []string
	for _, k := range c.Keys() {
		if n, ok := strings.CutPrefix(k, "models."); ok {
			n, _, _ = strings.Cut(n, ".")
			if len(out) == 0 || out[len(out)-1] != n {
				out = append(out, n)
			}
		}
	}
	return out
}

// keySourceDefault names the provider's variable when it is set.
func keySourceDefault(p llm.Profile, getenv func(string) string) string {
	if p.APIKey == "" {
		return "none"
	}
	if env := llm.KeyEnv(p.Provider); env != "" && getenv(env) != "" {
		return "$" + env
	}
	return "set"
}

// readKeyFile reads a private key file.
func readKeyFile(path string) (string, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("the key file %s does not exist; write the key into it (and chmod 600 it)", path)
	}
	if err != nil {
		return "", err
	}
	if st.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("the key file %s can be read by others (mode %04o); make it private: chmod 600 %s", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	k := strings.TrimSpace(string(b))
	if k == "" {
		return "", fmt.Errorf("the key file %s is empty; write the key into it", path)
	}
	return k, nil
}
