package llm_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mobagent/mobagent/llm"
)

func TestParseProfile(t *testing.T) {
	tests := []struct {
		in       string
		provider llm.Provider
		model    string
		vision   bool
	}{
		{"openai:gpt-4o", llm.ProviderOpenAI, "gpt-4o", true},
		{"ollama:qwen2.5vl:7b", llm.ProviderOllama, "qwen2.5vl:7b", true},
		{"openai-compatible:my-model", llm.ProviderCompatible, "my-model", false},
		{"vllm:Qwen/Qwen2.5-VL-7B-Instruct", llm.ProviderVLLM, "Qwen/Qwen2.5-VL-7B-Instruct", true},
		{" dashscope:qwen-vl-max ", llm.ProviderDashScope, "qwen-vl-max", true},
		{"azure:my-deployment", llm.ProviderAzure, "my-deployment", false},
		{"OpenAI:gpt-3.5-turbo", llm.ProviderOpenAI, "gpt-3.5-turbo", false},
	}
	for _, tt := range tests {
		p, err := llm.ParseProfile(tt.in)
		if err != nil {
			t.Errorf("ParseProfile(%q): %v", tt.in, err)
			continue
		}
		if p.Provider != tt.provider || p.Model != tt.model || p.Capabilities.Vision != tt.vision {
			t.Errorf("ParseProfile(%q) = %s vision=%v; want %s:%s vision=%v", tt.in, p, p.Capabilities.Vision, tt.provider, tt.model, tt.vision)
		}
	}
	for _, bad := range []string{"", "gpt-4o", "openai:", ":gpt-4o", "bard:gemini"} {
		if _, err := llm.ParseProfile(bad); err == nil {
			t.Errorf("ParseProfile(%q) succeeded; want an error", bad)
		} else if !strings.Contains(err.Error(), "provider") {
			t.Errorf("ParseProfile(%q) error %q does not explain the form", bad, err)
		}
	}
}

func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestResolve(t *testing.T) {
	const key = "sk-test-SECRETSECRET1234"
	tests := []struct {
		spec    string
		env     map[string]string
		cfg     map[llm.Provider]llm.Endpoint
		wantURL string
		wantKey llm.Secret
		wantErr string
	}{
		{spec: "openai:gpt-4o", env: map[string]string{"OPENAI_API_KEY": key}, wantURL: "https://api.openai.com/v1", wantKey: key},
		{spec: "openai:gpt-4o", env: map[string]string{"OPENAI_API_KEY": key, "OPENAI_BASE_URL": "https://proxy.example/v1"}, wantURL: "https://proxy.example/v1", wantKey: key},
		{spec: "openai:gpt-4o", wantErr: "OPENAI_API_KEY"},
		{spec: "ollama:qwen2.5vl:7b", wantURL: "http://127.0.0.1:11434/v1"},
		{spec: "ollama:qwen2.5vl:7b", env: map[string]string{"OLLAMA_HOST": "0.0.0.0:11434"}, wantURL: "http://127.0.0.1:11434/v1"},
		{spec: "ollama:llava", env: map[string]string{"OLLAMA_HOST": "gpu-box"}, wantURL: "http://gpu-box:11434/v1"},
		{spec: "ollama:llava", env: map[string]string{"OLLAMA_HOST": "https://ollama.lan:443/"}, wantURL: "https://ollama.lan:443/v1"},
		{spec: "dashscope:qwen-vl-max", env: map[string]string{"DASHSCOPE_API_KEY": key}, wantURL: "https://dashscope.aliyuncs.com/compatible-mode/v1", wantKey: key},
		{spec: "dashscope:qwen-vl-max", wantErr: "DASHSCOPE_API_KEY"},
		{spec: "azure:gpt4o-prod", env: map[string]string{"AZURE_OPENAI_API_KEY": key, "AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com"}, wantURL: "https://res.openai.azure.com", wantKey: key},
		{spec: "azure:gpt4o-prod", env: map[string]string{"AZURE_OPENAI_API_KEY": key}, wantErr: "AZURE_OPENAI_ENDPOINT"},
		{spec: "openai-compatible:local", wantErr: "OPENAI_COMPATIBLE_BASE_URL"},
		{spec: "openai-compatible:local", cfg: map[llm.Provider]llm.Endpoint{llm.ProviderCompatible: {BaseURL: "http://10.0.0.2:8000/v1"}}, wantURL: "http://10.0.0.2:8000/v1"},
		{spec: "openai:gpt-4o", cfg: map[llm.Provider]llm.Endpoint{llm.ProviderOpenAI: {APIKey: "sk-fromconfig-123456"}}, env: map[string]string{"OPENAI_API_KEY": key}, wantURL: "https://api.openai.com/v1", wantKey: "sk-fromconfig-123456"},
		{spec: "openai-compatible:x", cfg: map[llm.Provider]llm.Endpoint{llm.ProviderCompatible: {BaseURL: "ftp://x"}}, wantErr: "not an http(s) URL"},
	}
	for _, tt := range tests {
		p, err := llm.Config{Endpoints: tt.cfg, Getenv: envMap(tt.env)}.Resolve(tt.spec)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Resolve(%q) error = %v; want one mentioning %q", tt.spec, err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), key) {
				t.Errorf("Resolve(%q) error leaks the key: %v", tt.spec, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Resolve(%q): %v", tt.spec, err)
			continue
		}
		if p.BaseURL != tt.wantURL || p.APIKey != tt.wantKey {
			t.Errorf("Resolve(%q) = url %q key set %v; want %q, key %v", tt.spec, p.BaseURL, p.APIKey != "", tt.wantURL, tt.wantKey != "")
		}
	}
	p, err := llm.Config{Getenv: envMap(map[string]string{"AZURE_OPENAI_API_KEY": key, "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com"})}.Resolve("azure:d")
	if err != nil || p.APIVersion != llm.DefaultAzureAPIVersion {
		t.Errorf("azure API version = %q, %v; want the default", p.APIVersion, err)
	}
	p, err = llm.Config{Capabilities: map[string]llm.Capabilities{"mine": {Vision: true, ContextWindow: 4096}}, Endpoints: map[llm.Provider]llm.Endpoint{llm.ProviderCompatible: {BaseURL: "http://h/v1"}}}.Resolve("openai-compatible:mine")
	if err != nil || !p.Capabilities.Vision || !p.Capabilities.Known || p.Capabilities.ContextWindow != 4096 {
		t.Errorf("capability override = %+v, %v", p.Capabilities, err)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	const key = "sk-live-abcdefghijklmnop"
	p := llm.Profile{Provider: llm.ProviderOpenAI, Model: "gpt-4o", APIKey: key}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%v %+v %#v %s", p, p, p, p.APIKey)
	if strings.Contains(buf.String(), key) {
		t.Fatalf("formatting a profile leaks its key: %s", buf.String())
	}
	if p.APIKey.Reveal() != key {
		t.Fatalf("Reveal = %q", p.APIKey.Reveal())
	}
}

func TestErrorIsAs(t *testing.T) {
	cause := errors.New("boom")
	var err error = fmt.Errorf("decide: %w", &llm.Error{Provider: "openai:gpt-4o", Kind: llm.KindAuth, StatusCode: 401, Err: cause})
	if !errors.Is(err, llm.ErrAuth) {
		t.Error("errors.Is(err, ErrAuth) = false")
	}
	if errors.Is(err, llm.ErrRateLimit) {
		t.Error("an auth error matches ErrRateLimit")
	}
	if !errors.Is(err, cause) {
		t.Error("Unwrap does not reach the cause")
	}
	var le *llm.Error
	if !errors.As(err, &le) || le.StatusCode != 401 || le.Retryable {
		t.Errorf("errors.As = %+v", le)
	}
	if llm.IsRetryable(err) {
		t.Error("IsRetryable(auth) = true")
	}
	if !strings.Contains(err.Error(), "OPENAI_API_KEY") {
		t.Errorf("auth error gives no fix: %v", err)
	}
	for kind, sentinel := range map[llm.ErrorKind]error{
		llm.KindRateLimit: llm.ErrRateLimit, llm.KindContextLength: llm.ErrContextLength, llm.KindServer: llm.ErrServer,
		llm.KindTimeout: llm.ErrTimeout, llm.KindBadRequest: llm.ErrBadRequest, llm.KindNotFound: llm.ErrNotFound, llm.KindUnavailable: llm.ErrUnavailable,
	} {
		if !errors.Is(&llm.Error{Kind: kind}, sentinel) {
			t.Errorf("kind %s does not match its sentinel", kind)
		}
	}
}

func TestRedact(t *testing.T) {
	in := "Incorrect API key provided: sk-proj-abcdefgh1234. Header was Bearer abcdefghijklmnop; custom mykey-ZZZZ"
	out := llm.Redact(in, "mykey-ZZZZ")
	for _, leak := range []string{"sk-proj-abcdefgh1234", "abcdefghijklmnop", "mykey-ZZZZ"} {
		if strings.Contains(out, leak) {
			t.Errorf("Redact left %q in %q", leak, out)
		}
	}
	wrapped := llm.RedactError(fmt.Errorf("dial: %w with sk-abcdefghijk", os.ErrDeadlineExceeded), "")
	if strings.Contains(wrapped.Error(), "sk-abcdefghijk") || !errors.Is(wrapped, os.ErrDeadlineExceeded) {
		t.Errorf("RedactError = %v (Is deadline: %v)", wrapped, errors.Is(wrapped, os.ErrDeadlineExceeded))
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		h    http.Header
		want time.Duration
		ok   bool
	}{
		{http.Header{"Retry-After": {"2"}}, 2 * time.Second, true},
		{http.Header{"Retry-After": {"0.5"}}, 500 * time.Millisecond, true},
		{http.Header{"Retry-After": {now.Add(7 * time.Second).Format(http.TimeFormat)}}, 7 * time.Second, true},
		{http.Header{"Retry-After": {now.Add(-7 * time.Second).Format(http.TimeFormat)}}, 0, true},
		{http.Header{"Retry-After-Ms": {"250"}, "Retry-After": {"9"}}, 250 * time.Millisecond, true},
		{http.Header{"Retry-After": {"soon"}}, 0, false},
		{http.Header{}, 0, false},
	}
	for _, tt := range tests {
		got, ok := llm.ParseRetryAfter(tt.h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%v) = %v, %v; want %v, %v", tt.h, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBackoff(t *testing.T) {
	p := llm.RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for attempt, want := range map[int][2]time.Duration{
		1: {50 * time.Millisecond, 100 * time.Millisecond},
		2: {100 * time.Millisecond, 200 * time.Millisecond},
		3: {200 * time.Millisecond, 400 * time.Millisecond},
		9: {500 * time.Millisecond, time.Second},
	} {
		lo, hi := p.Backoff(attempt, 0), p.Backoff(attempt, 0.999999)
		if lo != want[0] || hi > want[1] || hi < want[1]-time.Millisecond {
			t.Errorf("Backoff(%d) in [%v, %v]; want [%v, %v]", attempt, lo, hi, want[0], want[1])
		}
	}
	if (llm.RetryPolicy{}).Attempts() != 4 || (llm.RetryPolicy{MaxAttempts: 1}).Attempts() != 1 {
		t.Error("Attempts default wrong")
	}
}

func TestPrices(t *testing.T) {
	p := llm.DefaultPrices()
	for model, want := range map[string]llm.Price{
		"gpt-4o":                 {2.5, 10},
		"gpt-4o-2024-08-06":      {2.5, 10},
		"gpt-4o-mini-2024-07-18": {0.15, 0.6},
		"openai/gpt-4.1-mini":    {0.4, 1.6},
	} {
		got, ok := p.Lookup(model)
		if !ok || got != want {
			t.Errorf("Lookup(%q) = %v, %v; want %v", model, got, ok, want)
		}
	}
	if _, ok := p.Lookup("qwen2.5vl:7b"); ok {
		t.Error("a local model has a price")
	}
	if c := (llm.Price{Input: 2.5, Output: 10}).Cost(llm.Usage{PromptTokens: 1_000_000, CompletionTokens: 500_000}); c != 7.5 {
		t.Errorf("Cost = %v; want 7.5", c)
	}
	dir := t.TempDir()
	jsonFile := filepath.Join(dir, "prices.json")
	os.WriteFile(jsonFile, []byte(`{"gpt-4o": {"input": 5, "output": 15}, "my-ft": {"input": 1, "output": 2}}`), 0o644)
	yamlFile := filepath.Join(dir, "prices.yaml")
	os.WriteFile(yamlFile, []byte("other-ft:\n  input: 3\n  output: 4\n"), 0o644)
	if err := p.LoadPrices(jsonFile); err != nil {
		t.Fatal(err)
	}
	if err := p.LoadPrices(yamlFile); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Lookup("gpt-4o"); got != (llm.Price{5, 15}) {
		t.Errorf("override gpt-4o = %v", got)
	}
	if got, _ := p.Lookup("other-ft"); got != (llm.Price{3, 4}) {
		t.Errorf("yaml other-ft = %v", got)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"gpt-4o": 3}`), 0o644)
	if err := p.LoadPrices(bad); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("LoadPrices(bad) = %v; want an error naming the file", err)
	}
}

func TestMeterConcurrent(t *testing.T) {
	var m llm.Meter
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Record("gpt-4o", llm.Usage{PromptTokens: 10, CompletionTokens: 2}, 0.01, time.Millisecond, true)
			m.Record("qwen", llm.Usage{PromptTokens: 1}, 0, time.Millisecond, false)
			m.RecordFailure("gpt-4o")
		}()
	}
	wg.Wait()
	per, total := m.Snapshot()
	if len(per) != 2 || per[0].Model != "gpt-4o" || per[0].Calls != 50 || per[0].Failures != 50 || per[0].PromptTokens != 500 {
		t.Errorf("per-model = %+v", per)
	}
	if total.Calls != 100 || total.PromptTokens != 550 || total.CompletionTokens != 100 || total.UnpricedCalls != 50 {
		t.Errorf("total = %+v", total)
	}
	if d := total.Cost - 0.5; d > 1e-9 || d < -1e-9 {
		t.Errorf("total cost = %v; want 0.5", total.Cost)
	}
}

func TestImagePolicy(t *testing.T) {
	tests := []struct {
		p          llm.ImagePolicy
		w, h       int
		wantW, wan int
	}{
		{llm.ImagePolicy{}, 1080, 2400, 605, 1344},
		{llm.ImagePolicy{}, 500, 800, 500, 800},
		{llm.ImagePolicy{MaxSide: -1}, 1080, 2400, 1080, 2400},
		{llm.ImagePolicy{MaxSide: 1000}, 2400, 1080, 1000, 450},
	}
	for _, tt := range tests {
		w, h := tt.p.Size(tt.w, tt.h)
		if w != tt.wantW || h != tt.wan {
			t.Errorf("%+v.Size(%d, %d) = %d×%d; want %d×%d", tt.p, tt.w, tt.h, w, h, tt.wantW, tt.wan)
		}
	}
	w, h := llm.ImagePolicy{MaxSide: -1, MaxPixels: 1_000_000}.Size(1080, 2400)
	if w*h > 1_000_000 || w*h < 900_000 {
		t.Errorf("MaxPixels size %d×%d", w, h)
	}
	img := image.NewRGBA(image.Rect(0, 0, 1080, 2400))
	img.Set(5, 5, color.White)
	data, mime, size, err := llm.ImagePolicy{}.Encode(llm.Image(img))
	if err != nil || mime != "image/jpeg" || size != image.Pt(605, 1344) {
		t.Fatalf("Encode = %s %v %v", mime, size, err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || format != "jpeg" || cfg.Width != 605 {
		t.Errorf("encoded image = %s %dx%d %v", format, cfg.Width, cfg.Height, err)
	}
	var small bytes.Buffer
	png.Encode(&small, image.NewGray(image.Rect(0, 0, 40, 30)))
	data, mime, size, err = llm.ImagePolicy{}.Encode(llm.ImageData(small.Bytes(), ""))
	if err != nil || mime != "image/png" || size != image.Pt(40, 30) || !bytes.Equal(data, small.Bytes()) {
		t.Errorf("small PNG not passed through: %s %v %v", mime, size, err)
	}
	if _, _, _, err := (llm.ImagePolicy{}).Encode(llm.ImageData([]byte("not an image"), "image/png")); err == nil {
		t.Error("garbage image bytes encoded without error")
	}
}

func TestMessageText(t *testing.T) {
	m := llm.User(llm.Text("a"), llm.Image(image.NewGray(image.Rect(0, 0, 1, 1))), llm.Text("b"))
	if m.Text() != "a\nb" {
		t.Errorf("Text = %q", m.Text())
	}
	o := llm.ApplyOptions(llm.WithTemperature(0), llm.WithMaxTokens(10), llm.WithJSONSchema("d", []byte(`{}`), true), llm.WithTimeout(time.Second))
	if o.Temperature == nil || *o.Temperature != 0 || o.MaxTokens != 10 || !o.JSON || o.Schema.Name != "d" || o.Timeout != time.Second {
		t.Errorf("ApplyOptions = %+v", o)
	}
}

func TestImageTokens(t *testing.T) {
	for _, tt := range []struct {
		w, h   int
		detail llm.ImageDetail
		want   int
	}{
		{1024, 1024, llm.DetailHigh, 765},  // OpenAI's worked example: 768×768, 4 tiles
		{2048, 4096, llm.DetailHigh, 1105}, // 1024×2048 → 768×1536, 6 tiles
		{461, 1024, llm.DetailHigh, 425},   // our set-of-mark image of a 1080×2400 phone: 2 tiles
		{4096, 4096, llm.DetailLow, 85},
	} {
		if got := llm.ImageTokens(tt.w, tt.h, tt.detail); got != tt.want {
			t.Errorf("ImageTokens(%d, %d, %s) = %d, want %d", tt.w, tt.h, tt.detail, got, tt.want)
		}
	}
}
