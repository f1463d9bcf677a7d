package cli

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/memory"
)

// doctor checks each configured model with one request of one token, the
// config file and the memory store, and gives a fix for each failure.
func TestDoctorSetupChecks(t *testing.T) {
	good, auth, missing := llmtest.NewServer(t), llmtest.NewServer(t), llmtest.NewServer(t)
	good.Reply("ok").WithUsage(12, 1)
	auth.ReplyError(401, `{"error":{"message":"Incorrect API key provided: sk-wro****","type":"invalid_request_error","code":"invalid_api_key"}}`, nil)
	missing.ReplyError(404, `{"error":{"message":"model 'qwen9:70b' not found, try pulling it first","type":"not_found_error"}}`, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/v1"
	ln.Close()

	cfg := writeConfig(t, `models:
  good:
    profile: openai-compatible:`+llmtest.DefaultModel+`
    base_url: `+good.URL+`
  badkey:
    profile: openai-compatible:gpt-4o
    base_url: `+auth.URL+`
    api_key_env: WRONG_KEY
  unknown:
    profile: ollama:qwen9:70b
    base_url: `+missing.URL+`
  down:
    profile: vllm:m
    base_url: `+down+`
  nokey:
    profile: openai:gpt-4o
    api_key_env: UNSET_KEY
`, 0o644)
	db := filepath.Join(t.TempDir(), "memory.db")
	s, err := memory.Open(db, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	io, _, _ := envStreams(map[string]string{"WRONG_KEY": "sk-wrong-1234567890"})
	checks := setupChecks(context.Background(), &DoctorOptions{IO: io, ConfigPath: cfg, Memory: db})
	byName := map[string]check{}
	for _, c := range checks {
		byName[c.name] = c
	}
	for _, c := range []struct {
		name     string
		ok       bool
		detail   string
		fix      string
		optional bool
	}{
		{"config", true, "(5 models)", "", false},
		{"model good", true, "answers", "", false},
		{"model badkey", false, "auth (HTTP 401)", "refused the key", false},
		{"model unknown", false, "HTTP 404", "ollama pull qwen9:70b", false},
		{"model down", false, "unavailable", "nothing answers at " + down, false},
		{"model nokey", false, "$UNSET_KEY, which is not set", "api_key_env", false},
		{"memory store", true, "schema", "", false},
	} {
		got, ok := byName[c.name]
		if !ok {
			t.Errorf("no %s check in %+v", c.name, checks)
			continue
		}
		if got.ok != c.ok || !strings.Contains(got.detail, c.detail) || !strings.Contains(got.fix, c.fix) || (!c.ok && got.fix == "") {
			t.Errorf("%s: %+v, want ok %v, detail with %q, fix with %q", c.name, got, c.ok, c.detail, c.fix)
		}
		if strings.Contains(got.detail+got.fix, "sk-wrong-1234567890") {
			t.Errorf("%s shows the key: %+v", c.name, got)
		}
	}
	// One request each, of one token.
	if r := good.Request(0); r.MaxTokens != 1 {
		t.Errorf("the check asked for %d tokens", r.MaxTokens)
	}

	// A broken config and a damaged store fail with their fixes; no config
	// and no store yet are fine.
	bad := writeConfig(t, "task:\n  confirm: maybe\n", 0o644)
	junk := filepath.Join(t.TempDir(), "memory.db")
	os.WriteFile(junk, []byte(strings.Repeat("not a bolt file ", 512)), 0o600)
	checks = setupChecks(context.Background(), &DoctorOptions{IO: io, ConfigPath: bad, Memory: junk})
	if c := checks[0]; c.ok || !strings.Contains(c.detail, ":2:12:") || !strings.Contains(c.fix, "ask, deny or approve") {
		t.Errorf("a bad config: %+v", c)
	}
	if c := checks[len(checks)-1]; c.ok || !strings.Contains(c.fix, "--salvage") {
		t.Errorf("a damaged store: %+v", c)
	}
	io, _, _ = envStreams(map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "XDG_DATA_HOME": t.TempDir()})
	checks = setupChecks(context.Background(), &DoctorOptions{IO: io})
	if len(checks) != 2 || !checks[0].ok || !checks[1].ok || !strings.Contains(checks[1].detail, "does not exist yet") {
		t.Errorf("nothing set up yet: %+v", checks)
	}
}
