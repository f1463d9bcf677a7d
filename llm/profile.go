package llm

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"
)

// Provider names a kind of endpoint. Every provider here speaks the
// OpenAI-compatible chat API.
type Provider string

// Known providers.
const (
	ProviderOpenAI     Provider = "openai"
	ProviderAzure      Provider = "azure"
	ProviderOllama     Provider = "ollama"
	ProviderVLLM       Provider = "vllm"
	ProviderLlamaCpp   Provider = "llamacpp"
	ProviderLMStudio   Provider = "lmstudio"
	ProviderDashScope  Provider = "dashscope"
	ProviderCompatible Provider = "openai-compatible"
)

// Local reports whether p runs on the user's machine (no cost, no key).
func (p Provider) Local() bool {
	switch p {
	case ProviderOllama, ProviderVLLM, ProviderLlamaCpp, ProviderLMStudio:
		return true
	}
	return false
}

type providerInfo struct {
	keyEnv, urlEnv, versionEnv string
	defaultURL                 string
	keyRequired                bool
}

var providers = map[Provider]providerInfo{
	ProviderOpenAI:     {keyEnv: "OPENAI_API_KEY", urlEnv: "OPENAI_BASE_URL", defaultURL: "https://api.openai.com/v1", keyRequired: true},
	ProviderAzure:      {keyEnv: "AZURE_OPENAI_API_KEY", urlEnv: "AZURE_OPENAI_ENDPOINT", versionEnv: "AZURE_OPENAI_API_VERSION", keyRequired: true},
	ProviderOllama:     {urlEnv: "OLLAMA_HOST", defaultURL: "http://127.0.0.1:11434/v1"},
	ProviderVLLM:       {keyEnv: "VLLM_API_KEY", urlEnv: "VLLM_BASE_URL", defaultURL: "http://127.0.0.1:8000/v1"},
	ProviderLlamaCpp:   {keyEnv: "LLAMACPP_API_KEY", urlEnv: "LLAMACPP_BASE_URL", defaultURL: "http://127.0.0.1:8080/v1"},
	ProviderLMStudio:   {urlEnv: "LMSTUDIO_BASE_URL", defaultURL: "http://127.0.0.1:1234/v1"},
	ProviderDashScope:  {keyEnv: "DASHSCOPE_API_KEY", urlEnv: "DASHSCOPE_BASE_URL", defaultURL: "https://dashscope.aliyuncs.com/compatible-mode/v1", keyRequired: true},
	ProviderCompatible: {keyEnv: "OPENAI_COMPATIBLE_API_KEY", urlEnv: "OPENAI_COMPATIBLE_BASE_URL"},
}

// DefaultAzureAPIVersion is used when neither the Endpoint nor
// AZURE_OPENAI_API_VERSION names one.
const DefaultAzureAPIVersion = "2024-06-01"

// Profiles lists the providers ParseProfile accepts, sorted.
func Profiles() []Provider {
	out := make([]Provider, 0, len(providers))
	for p := range providers {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Capabilities are what a model can take and do.
type Capabilities struct {
	Vision        bool `json:"vision" yaml:"vision"`
	JSONMode      bool `json:"json_mode" yaml:"json_mode"`
	ContextWindow int  `json:"context_window" yaml:"context_window"` // tokens
	// Known is false when the model is not in the built-in table and the
	// values are guesses; set Profile.Capabilities to state them.
	Known bool `json:"known" yaml:"known"`
}

// Limits bound the traffic one client sends for a profile.
type Limits struct {
	MaxConcurrent     int `json:"max_concurrent" yaml:"max_concurrent"`           // in-flight requests; 0 means unlimited
	RequestsPerMinute int `json:"requests_per_minute" yaml:"requests_per_minute"` // 0 means unlimited
}

// Profile is one model at one endpoint, ready for a backend.
type Profile struct {
	Provider     Provider
	Model        string // as the endpoint names it; Azure: the deployment name
	BaseURL      string // such as "https://api.openai.com/v1"
	APIKey       Secret
	APIVersion   string // Azure only
	Capabilities Capabilities
	Limits       Limits
	Timeout      time.Duration // per attempt; 0 means the backend's default
}

// String is "provider:model". It never includes the key.
func (p Profile) String() string { return string(p.Provider) + ":" + p.Model }

// ParseProfile splits "provider:model" at the first colon, so model names may
// hold colons ("ollama:qwen2.5vl:7b"). It fills capabilities from the built-in
// table and nothing else: use Config.Resolve to fill the URL and key.
func ParseProfile(s string) (Profile, error) {
	s = strings.TrimSpace(s)
	prov, model, ok := strings.Cut(s, ":")
	if !ok || prov == "" || model == "" {
		return Profile{}, fmt.Errorf("llm: model profile %q: want provider:model, such as openai:gpt-4o or ollama:qwen2.5vl:7b", s)
	}
	p := Provider(strings.ToLower(prov))
	switch p {
	case "openai_compatible", "compatible":
		p = ProviderCompatible
	case "llama.cpp", "llama-cpp":
		p = ProviderLlamaCpp
	case "azure-openai", "azure_openai":
		p = ProviderAzure
	case "qwen":
		p = ProviderDashScope
	}
	if _, ok := providers[p]; !ok {
		return Profile{}, fmt.Errorf("llm: model profile %q: unknown provider %q; use one of %v", s, prov, Profiles())
	}
	return Profile{Provider: p, Model: model, Capabilities: LookupCapabilities(model)}, nil
}

// Endpoint is where a provider is reached. The zero value defers to the
// environment and the provider's default.
type Endpoint struct {
	BaseURL    string `json:"base_url" yaml:"base_url"`
	APIKey     Secret `json:"api_key" yaml:"api_key"`
	APIVersion string `json:"api_version" yaml:"api_version"`
	Limits     Limits `json:"limits" yaml:"limits"`
}

// Config resolves profiles to endpoints. Its zero value reads the process
// environment.
type Config struct {
	// Endpoints override the environment per provider.
	Endpoints map[Provider]Endpoint `json:"endpoints" yaml:"endpoints"`
	// Capabilities override the built-in table per model name.
	Capabilities map[string]Capabilities `json:"capabilities" yaml:"capabilities"`
	// Getenv reads the environment; nil means os.Getenv. Tests inject a map.
	Getenv func(string) string `json:"-" yaml:"-"`
}

// Resolve parses spec and fills the base URL, key, API version and limits from
// c.Endpoints, then from the environment (OPENAI_API_KEY, OPENAI_BASE_URL,
// AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_VERSION,
// DASHSCOPE_API_KEY, DASHSCOPE_BASE_URL, OLLAMA_HOST, VLLM_BASE_URL,
// LLAMACPP_BASE_URL, LMSTUDIO_BASE_URL, OPENAI_COMPATIBLE_BASE_URL,
// OPENAI_COMPATIBLE_API_KEY), then from the provider's default. An error
// names what is missing and where to set it; it never contains a key.
func (c Config) Resolve(spec string) (Profile, error) {
	p, err := ParseProfile(spec)
	if err != nil {
		return Profile{}, err
	}
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	info := providers[p.Provider]
	ep := c.Endpoints[p.Provider]
	p.BaseURL, p.APIKey, p.APIVersion, p.Limits = ep.BaseURL, ep.APIKey, ep.APIVersion, ep.Limits
	if p.BaseURL == "" && info.urlEnv != "" {
		if v := strings.TrimSpace(getenv(info.urlEnv)); v != "" {
			if p.Provider == ProviderOllama {
				v = ollamaURL(v)
			}
			p.BaseURL = v
		}
	}
	if p.BaseURL == "" {
		p.BaseURL = info.defaultURL
	}
	if p.BaseURL == "" {
		return Profile{}, fmt.Errorf("llm: %s needs a base URL: set %s or llm.Config.Endpoints[%q].BaseURL", p, info.urlEnv, p.Provider)
	}
	if u, err := url.Parse(p.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Profile{}, fmt.Errorf("llm: %s: base URL %q is not an http(s) URL such as https://api.openai.com/v1", p, p.BaseURL)
	}
	if p.APIKey == "" && info.keyEnv != "" {
		p.APIKey = Secret(strings.TrimSpace(getenv(info.keyEnv)))
	}
	if p.APIKey == "" && info.keyRequired {
		return Profile{}, fmt.Errorf("llm: %s needs an API key: set %s or llm.Config.Endpoints[%q].APIKey (never a command-line flag)", p, info.keyEnv, p.Provider)
	}
	if p.Provider == ProviderAzure && p.APIVersion == "" {
		p.APIVersion = strings.TrimSpace(getenv(info.versionEnv))
		if p.APIVersion == "" {
			p.APIVersion = DefaultAzureAPIVersion
		}
	}
	if caps, ok := c.Capabilities[p.Model]; ok {
		caps.Known = true
		p.Capabilities = caps
	}
	return p, nil
}

// ollamaURL turns OLLAMA_HOST ("0.0.0.0", "host:port", "http://host:port")
// into the OpenAI-compatible base URL "http://host:port/v1".
func ollamaURL(host string) string {
	scheme := "http"
	if i := strings.Index(host, "://"); i >= 0 {
		scheme, host = host[:i], host[i+3:]
	}
	host = strings.TrimRight(host, "/")
	host = strings.TrimSuffix(host, "/v1")
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		h, port = host, "11434"
	}
	if h == "" || h == "0.0.0.0" || h == "::" || h == "[::]" {
		h = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(strings.Trim(h, "[]"), port) + "/v1"
}
