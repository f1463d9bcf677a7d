package cli

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/config"
	"github.com/mobagent/mobagent/llm/llmtest"
)

func scriptRole(s *llmtest.Server, role, reply string, want ...string) *llmtest.Reply {
	ms := []llmtest.Matcher{llmtest.SystemContains("You are the " + role + " ")}
	for _, w := range want {
		ms = append(ms, llmtest.LastUserContains(w))
	}
	return s.Reply(reply).When(ms...)
}

// `mobagent task` with the minions preset from the config file: two model
// profiles at two scripted endpoints, the decision on the local one, the
// planner on the cloud one, one escalation after two unusable local
// replies; the progress says so, and run.json and the report split the
// tokens and cost by role.
func TestTaskRoutingFromConfig(t *testing.T) {
	srv := privateADB(t)
	local, cloud := llmtest.NewServer(t), llmtest.NewServer(t)
	scriptRole(cloud, "planner", `{"subgoals":["Open Settings","Open Connected devices","Turn Bluetooth on"],"current":0}`).WithUsage(900, 60)
	scriptRole(local, "decision", "Okay, I will open Settings now.").WithUsage(700, 12)
	scriptRole(local, "decision", "```json\n{\"action\": \"open_app\", \"app\":").WithUsage(720, 14)
	scriptRole(cloud, "decision", `{"action":{"action":"open_app","app":"Settings"},"expect":"Settings opens","subgoal_done":true}`).WithUsage(1000, 40)
	scriptRole(local, "decision", `{"action":{"action":"tap","element":5},"subgoal_done":true}`, `<button id=5 text="Connected devices`).WithUsage(760, 20)
	scriptRole(local, "decision", `{"action":{"action":"tap","element":4},"subgoal_done":true}`, `Bluetooth Off`).WithUsage(750, 20)
	scriptRole(cloud, "planner", `{"subgoals":["Turn Bluetooth on"],"current":0,"finished":true}`, "every subgoal", "Bluetooth On").WithUsage(1100, 30)

	cfg := writeConfig(t, `models:
  local:
    profile: openai-compatible:qwen2.5-7b-instruct
    base_url: `+local.URL+`
    vision: false
    price: {input: 0.1, output: 0.2}
  cloud:
    profile: openai-compatible:gpt-4o
    base_url: `+cloud.URL+`
    api_key_env: CLOUD_KEY
    price: {input: 2.5, output: 10}
task:
  model: cloud
  ocr: off
roles:
  routing: minions
  local: local
`, 0o644)
	dir := filepath.Join(t.TempDir(), "run")
	io, out, errb := envStreams(map[string]string{"CLOUD_KEY": "sk-cloud-key-1234567890"})
	code := Main([]string{"task", "Turn on Bluetooth", "--config", cfg, "--adb-server", srv, "--device", "sim", "--sim-addr", "127.0.0.1:0",
		"--no-memory", "--confirm", "approve", "--out", dir}, io)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
	if !strings.Contains(errb.String(), "routing: the decision escalated to cloud (openai-compatible:gpt-4o) after 2 failures in a row") {
		t.Errorf("the progress does not show the escalation:\n%s", errb)
	}
	// The cloud key went to the cloud endpoint only.
	if h := cloud.Request(0).Header.Get("Authorization"); h != "Bearer sk-cloud-key-1234567890" {
		t.Errorf("the cloud endpoint got %q", h)
	}
	for _, r := range local.Requests() {
		if strings.Contains(r.Header.Get("Authorization"), "sk-cloud") {
			t.Error("the cloud key reached the local endpoint")
		}
	}
	run, _, err := trajectory.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "planner cloud (openai-compatible:gpt-4o), decision local (openai-compatible:qwen2.5-7b-instruct), reflector cloud (openai-compatible:gpt-4o), notetaker local (openai-compatible:qwen2.5-7b-instruct), escalating to cloud (openai-compatible:gpt-4o)"
	if run.Model != want {
		t.Errorf("run.json model %q", run.Model)
	}
	roles := run.Totals.Roles
	// A role's model is the last that answered it (calls.jsonl has the
	// model of each call).
	if roles["decision"].Calls != 5 || roles["decision"].Model != "qwen2.5-7b-instruct" || roles["planner"].Calls != 2 || roles["planner"].Model != "gpt-4o" {
		t.Errorf("roles %+v", roles)
	}
	wantCost := (700+720+760+750)*0.1/1e6 + (12+14+20+20)*0.2/1e6 + (1000+900+1100)*2.5/1e6 + (40+60+30)*10.0/1e6
	var sum float64
	for _, rt := range roles {
		sum += rt.Cost
	}
	if math.Abs(sum-run.Totals.Cost) > 1e-12 || math.Abs(run.Totals.Cost-wantCost) > 1e-12 {
		t.Errorf("cost: roles %g, total %g, want %g", sum, run.Totals.Cost, wantCost)
	}
	rep, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`id="roles"`, "<td>decision</td><td>qwen2.5-7b-instruct</td><td>5</td>", "<td>planner</td><td>gpt-4o</td><td>2</td>"} {
		if !strings.Contains(string(rep), w) {
			t.Errorf("the report lacks %q", w)
		}
	}
}

// Model flags that cannot work are usage errors naming the fix.
func TestRoutingUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--routing", "minions", "--model", "openai-compatible:m", "--base-url", "http://127.0.0.1:9/v1"}, "--local-model"},
		{[]string{"--routing", "minions", "--local-model", "ollama:qwen2.5:7b"}, "needs the cloud model"},
		{[]string{"--routing", "majority", "--model", "ollama:a", "--local-model", "ollama:b"}, "the preset is minions"},
		{[]string{"--decision-model", "ollama:qwen2.5:7b"}, "the planner has no model"},
	} {
		io, _, errb := envStreams(map[string]string{})
		args := append([]string{"task", "x", "--no-memory", "--ocr", "off"}, c.args...)
		if code := Main(args, io); code != ExitUsage || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d\n%s", c.args, code, errb)
		}
	}
}

// A model's dialect named in the config file reaches the decision: the
// prompt asks for its reply format, and its reply, written as UI-TARS-1.5
// writes one, acts.
func TestTaskDialectFromConfig(t *testing.T) {
	srv := privateADB(t)
	s := llmtest.NewServer(t)
	scriptRole(s, "planner", `{"subgoals":["Open Settings"],"current":0}`)
	// UI-TARS-1.5's own words, in the format the prompt asked for.
	scriptRole(s, "decision", "Thought: I need to open the Settings app first.\nAction: open_app(app_name='Settings')", "Action: <one action>", "click(start_box=")
	scriptRole(s, "decision", "Thought: Settings is open, which is what the task asks.\nAction: finished(content='Settings is open')", "Action: <one action>")
	cfg := writeConfig(t, `models:
  tars:
    profile: openai-compatible:my-finetune
    base_url: `+s.URL+`
    dialect: ui-tars-1.5
task:
  model: tars
  ocr: off
`, 0o644)
	io, out, errb := envStreams(nil)
	code := Main([]string{"task", "Open Settings", "--config", cfg, "--adb-server", srv, "--device", "sim", "--sim-addr", "127.0.0.1:0",
		"--no-memory", "--confirm", "approve", "--out", filepath.Join(t.TempDir(), "run")}, io)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errb)
	}
}

// --verifier-model gives the verifier its own model: a claimed completion is
// judged at that endpoint, and the team's name says so; without it the
// verifier asks the reflector's model.
func TestVerifierModel(t *testing.T) {
	main, judge := llmtest.NewServer(t), llmtest.NewServer(t)
	cfg, err := config.Parse("config.yaml", []byte(`models:
  main:
    profile: openai-compatible:qwen2.5-7b-instruct
    base_url: `+main.URL+`
  judge:
    profile: openai-compatible:gpt-4o
    base_url: `+judge.URL+`
`), 0o600)
	if err != nil {
		t.Fatal(err)
	}
	in := agents.VerifyInput{Task: "Turn on Bluetooth", Obs: agents.Observation{Text: `<switch id=4 text="Bluetooth" checked=true>`}}
	for _, c := range []struct {
		ch       roleModels
		at, idle *llmtest.Server
		name     string
	}{
		{roleModels{Default: "main", Verifier: "judge"}, judge, main, "verifier judge"},
		{roleModels{Default: "main", Reflector: "judge"}, judge, main, "reflector judge"},
		{roleModels{Default: "main", Planner: "judge"}, main, judge, "planner judge"},
	} {
		c.at.Reply("```json\n{\"done\": true, \"reason\": \"Bluetooth shows On\"}\n```").When(llmtest.SystemContains("verifier"))
		before := len(c.idle.Requests())
		o := &modelOpener{cfg: cfg, getenv: func(string) string { return "" }}
		tm, err := c.ch.build(o, false, agents.TeamConfig{}, io.Discard, nil)
		if err != nil {
			t.Fatalf("%+v: %v", c.ch, err)
		}
		if !strings.Contains(tm.Name, c.name) {
			t.Errorf("%+v: team %q does not name %q", c.ch, tm.Name, c.name)
		}
		out, err := tm.Roles.Verifier.Verify(context.Background(), in)
		if err != nil || !out.Done {
			t.Fatalf("%+v: verify: %+v %v", c.ch, out, err)
		}
		if n := len(c.idle.Requests()); n != before {
			t.Errorf("%+v: the verifier's request went to the wrong endpoint", c.ch)
		}
	}
}
