package route_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/route"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/llm/openai"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

// Prices of the two scripted endpoints, dollars per million tokens.
var (
	localPrice = llm.Price{Input: 0.10, Output: 0.20}
	cloudPrice = llm.Price{Input: 2.50, Output: 10.00}
)

// endpoint is a scripted OpenAI-compatible server and a client for it that
// reports modelName and costs price.
func endpoint(t *testing.T, modelName string, price llm.Price) (*llmtest.Server, *openai.Client) {
	s := llmtest.NewServer(t)
	cfg := s.Config()
	cfg.Profile.Model = modelName
	cfg.Prices = llm.DefaultPrices()
	cfg.Prices.Set(modelName, price)
	c, err := openai.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func role(s *llmtest.Server, name, reply string, want ...string) *llmtest.Reply {
	ms := []llmtest.Matcher{llmtest.SystemContains("You are the " + name + " ")}
	for _, w := range want {
		ms = append(ms, llmtest.LastUserContains(w))
	}
	return s.Reply(reply).When(ms...)
}

// The minions preset on the virtual phone: the planner (and the reflector)
// on the cloud endpoint, the decision on the local one. The local model's
// first two replies are unusable (prose, then JSON cut off), so the first
// step goes to the cloud; later one bad reply is retried locally and not
// escalated. Each role's calls reach its endpoint and no other, and the
// per-role cost adds up to the run's.
func TestMinionsRouting(t *testing.T) {
	phone := simtest.Serve(t, simtest.ADBServer(t), sim.Config{})
	local, localModel := endpoint(t, "qwen2.5-7b-instruct", localPrice)
	cloud, cloudModel := endpoint(t, "gpt-4o", cloudPrice)

	role(cloud, "planner", `{"thought":"Bluetooth lives under Connected devices","subgoals":["Open Settings","Open Connected devices","Turn Bluetooth on"],"current":0}`).WithUsage(900, 60)
	// Step 1: the local model answers in prose, then with JSON cut off.
	role(local, "decision", "Sure! To turn on Bluetooth I first need to open the Settings app.").WithUsage(800, 20)
	role(local, "decision", `{"thought": "open Settings", "action": {"action": "open_app", "app": "Sett`, "could not be used").WithUsage(820, 25).WithFinishReason("length")
	role(cloud, "decision", `{"thought":"start in Settings","action":{"action":"open_app","app":"Settings"},"expect":"Settings opens","subgoal_done":true}`).WithUsage(1000, 40)
	// Step 2: one bad reply, retried on the local model: no escalation.
	role(local, "decision", "I'll tap on Connected devices.", `<button id=5 text="Connected devices`).WithUsage(850, 10)
	role(local, "decision", `{"action":{"action":"tap","element":5},"expect":"the Connected devices page","subgoal_done":true}`,
		`<button id=5 text="Connected devices`, "could not be used").WithUsage(870, 30)
	// Step 3: right the first time.
	role(local, "decision", `{"action":{"action":"tap","element":4},"expect":"Bluetooth on","subgoal_done":true}`, `<checkbox id=4 text="Bluetooth Off" unchecked>`).WithUsage(860, 30)
	role(cloud, "planner", `{"thought":"Bluetooth shows On","subgoals":["Turn Bluetooth on"],"current":0,"finished":true}`, "every subgoal", "Bluetooth On").WithUsage(1100, 30)

	var escalations []route.Escalation
	rc := route.Config{
		Planner:   route.Role{Model: cloudModel},
		Decision:  route.Role{Model: localModel},
		Reflector: route.Role{Model: cloudModel},
		Notetaker: route.Role{Model: localModel},
		Escalate:  route.Role{Model: cloudModel},
		OnEscalate: func(e route.Escalation) {
			escalations = append(escalations, e)
		},
	}
	red := &safety.Redactor{}
	rc.Team.Redactor = red
	team, err := route.New(rc)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "run")
	rec, err := trajectory.Create(dir, trajectory.Config{Redactor: red})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	a, err := agents.New(agents.Config{Device: phone.Device, Roles: team, ModelName: route.Describe(rc), Redactor: red,
		Gate: &safety.Gate{Mode: safety.ModeApprove}, Observers: []agents.Observer{rec}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "Turn on Bluetooth")
	if err != nil {
		t.Fatalf("run: %v (%s)", err, res.Reason)
	}
	if got := phone.Setting("global", "bluetooth_on"); got != "1" {
		t.Errorf("bluetooth_on = %q", got)
	}

	// Which role called which endpoint.
	roleOf := func(r *llmtest.Request) string {
		for _, n := range []string{"planner", "decision", "reflector", "notetaker"} {
			if strings.Contains(r.Text(), "You are the "+n+" ") {
				return n
			}
		}
		return "?"
	}
	var localRoles, cloudRoles []string
	for _, r := range local.Requests() {
		localRoles = append(localRoles, roleOf(r))
	}
	for _, r := range cloud.Requests() {
		cloudRoles = append(cloudRoles, roleOf(r))
	}
	if got := strings.Join(localRoles, " "); got != "decision decision decision decision decision" {
		t.Errorf("the local endpoint served %q", got)
	}
	if got := strings.Join(cloudRoles, " "); got != "planner decision planner" {
		t.Errorf("the cloud endpoint served %q", got)
	}
	// The escalation came after the second local failure, and only once.
	if len(escalations) != 1 || escalations[0].Role != "decision" || escalations[0].Failures != 2 || escalations[0].To != "openai-compatible:gpt-4o" ||
		!strings.Contains(escalations[0].Reason, "no action found") {
		t.Errorf("escalations %+v", escalations)
	}
	// The second local reply was the role's repair turn, told why the
	// first failed; with it the local model had failed twice.
	if p := local.Request(1).LastUserText(); !strings.Contains(p, "Your reply was:") || !strings.Contains(p, "no action found") {
		t.Errorf("the local repair turn lacks the reason:\n%s", p)
	}

	// Cost: each role's calls at its model's price, adding up to the total.
	cost := func(p llm.Price, in, out int) float64 {
		return p.Cost(llm.Usage{PromptTokens: in, CompletionTokens: out})
	}
	wantDecision := cost(localPrice, 800+820+850+870+860, 20+25+10+30+30) + cost(cloudPrice, 1000, 40)
	wantPlanner := cost(cloudPrice, 900+1100, 60+30)
	tot := res.Totals
	if got := tot.Roles["decision"]; got.Calls != 6 || math.Abs(got.Cost-wantDecision) > 1e-12 {
		t.Errorf("decision totals %+v, want 6 calls costing %g", got, wantDecision)
	}
	if got := tot.Roles["planner"]; got.Calls != 2 || math.Abs(got.Cost-wantPlanner) > 1e-12 || got.Model != "gpt-4o" {
		t.Errorf("planner totals %+v, want 2 calls costing %g", got, wantPlanner)
	}
	var sum float64
	calls := 0
	for _, rt := range tot.Roles {
		sum += rt.Cost
		calls += rt.Calls
	}
	if math.Abs(sum-tot.Cost) > 1e-12 || calls != tot.ModelCalls || math.Abs(tot.Cost-wantDecision-wantPlanner) > 1e-12 {
		t.Errorf("per-role cost %g over %d calls, total %g over %d calls, want %g", sum, calls, tot.Cost, tot.ModelCalls, wantDecision+wantPlanner)
	}

	// The run files say the same, in formats v2.
	run, steps, err := trajectory.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Model != "planner openai-compatible:gpt-4o, decision openai-compatible:qwen2.5-7b-instruct, reflector openai-compatible:gpt-4o, notetaker openai-compatible:qwen2.5-7b-instruct, escalating to openai-compatible:gpt-4o" {
		t.Errorf("run.json model %q", run.Model)
	}
	if run.Totals.Roles["decision"].Calls != 6 || math.Abs(run.Totals.Cost-tot.Cost) > 1e-12 {
		t.Errorf("run.json totals %+v", run.Totals)
	}
	models := map[string]bool{}
	cl, err := os.ReadFile(filepath.Join(dir, "calls.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(cl)), "\n") {
		var c struct {
			Step  int    `json:"step"`
			Role  string `json:"role"`
			Model string `json:"model"`
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		if c.Step == 1 && c.Role == "decision" {
			models[c.Model] = true
		}
	}
	if _, err := format.ValidateLines("call", strings.NewReader(string(cl))); err != nil {
		t.Error(err)
	}
	if len(steps) != 4 { // the planner finds the task done in step 4
		t.Errorf("%d steps, want 4", len(steps))
	}
	if !models["qwen2.5-7b-instruct"] || !models["gpt-4o"] || len(models) != 2 {
		t.Errorf("step 1's decision calls came from %v, want both models", models)
	}
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("run", b); err != nil {
		t.Error(err)
	}
}

// What goes wrong after a local decision counts: an invalid action and the
// failed step send the next decision to the escalation model without
// asking the local one again.
func TestFailedStepsEscalate(t *testing.T) {
	phone := simtest.Serve(t, simtest.ADBServer(t), simtest.HalfSize)
	local, localModel := endpoint(t, "qwen2.5-7b-instruct", localPrice)
	cloud, cloudModel := endpoint(t, "gpt-4o", cloudPrice)
	role(cloud, "planner", `{"subgoals":["Open Settings","Turn Bluetooth on"],"current":0}`)
	// Element 99 is not on the screen: the action is invalid, the decision
	// chooses again on the same screen, invalid again; the step fails. That
	// is two failures in a row of the local model: the next step's decision
	// goes to the cloud model without asking the local one.
	role(local, "decision", `{"action":{"action":"tap","element":99}}`).Times(2)
	role(cloud, "planner", `{"subgoals":["Open Settings","Turn Bluetooth on"],"current":0}`, "The plan needs revising")
	role(cloud, "decision", `{"action":{"action":"done","status":"infeasible","answer":"giving up"}}`, "element 99")

	var escalations []route.Escalation
	team, err := route.New(route.Config{Planner: route.Role{Model: cloudModel}, Decision: route.Role{Model: localModel}, Reflector: route.Role{Model: cloudModel},
		Notetaker: route.Role{Model: localModel}, Escalate: route.Role{Model: cloudModel}, OnEscalate: func(e route.Escalation) { escalations = append(escalations, e) }})
	if err != nil {
		t.Fatal(err)
	}
	a, err := agents.New(agents.Config{Device: phone.Device, Roles: team, Gate: &safety.Gate{Mode: safety.ModeApprove}})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := a.Run(context.Background(), "Turn on Bluetooth")
	if res.Outcome != agents.OutcomeInfeasible {
		t.Errorf("outcome %s: %s", res.Outcome, res.Reason)
	}
	if len(local.Requests()) != 2 || len(cloud.Requests()) != 3 {
		t.Errorf("%d local and %d cloud requests, want 2 and 3", len(local.Requests()), len(cloud.Requests()))
	}
	if len(escalations) != 1 || escalations[0].Failures != 2 || !strings.Contains(escalations[0].Reason, "failed steps") {
		t.Errorf("escalations %+v", escalations)
	}
}

func TestNewNeedsEveryRole(t *testing.T) {
	s := llmtest.NewServer(t)
	m := s.Client()
	if _, err := route.New(route.Config{Planner: route.Role{Model: m}, Decision: route.Role{Model: m}, Reflector: route.Role{Model: m}}); err == nil || !strings.Contains(err.Error(), "notetaker") {
		t.Errorf("no notetaker: %v", err)
	}
	// One model everywhere, no escalation: the plain team, named by the model.
	rc := route.Config{Planner: route.Role{Model: m}, Decision: route.Role{Model: m}, Reflector: route.Role{Model: m}, Notetaker: route.Role{Model: m}}
	if d := route.Describe(rc); d != "openai-compatible:"+llmtest.DefaultModel {
		t.Errorf("Describe %q", d)
	}
}
