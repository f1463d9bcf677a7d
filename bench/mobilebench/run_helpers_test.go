package mobilebench

import (
	"bytes"
	"context"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

// phoneProber runs commands on a virtual phone in process, as `mobagent
// bench mobilebench run --coverage` does.
type phoneProber struct{ p *sim.Phone }

func (s phoneProber) Shell(ctx context.Context, argv ...string) (device.ShellResult, error) {
	var o, e bytes.Buffer
	code := s.p.Shell(ctx, adb.QuoteArgs(argv), nil, &o, &e)
	return device.ShellResult{Stdout: o.Bytes(), Stderr: e.Bytes(), ExitCode: code}, nil
}

func newProber(t testing.TB) phoneProber {
	t.Helper()
	p, err := sim.NewPhone(sim.Config{Vendor: sim.VendorXiaomi})
	if err != nil {
		t.Fatal(err)
	}
	return phoneProber{p}
}

// testAPIs is Mobile-Bench's API list kept in testdata (Apache-2.0).
func testAPIs(t testing.TB) []APIApp {
	t.Helper()
	apps, err := LoadAPIList("testdata/app_list_MIUI.json")
	if err != nil {
		t.Fatal(err)
	}
	return apps
}

// runnableSamples are the real samples the virtual phone hosts.
func runnableSamples(t testing.TB) ([]Item, *Coverage) {
	t.Helper()
	var items []Item
	for _, s := range loadSamples(t) {
		items = append(items, s.item)
	}
	cov, err := CheckCoverage(context.Background(), items, testAPIs(t), newProber(t))
	if err != nil {
		t.Fatal(err)
	}
	run := cov.RunnableItems(items)
	if len(run) == 0 {
		t.Fatal("no sample is runnable")
	}
	return run, cov
}

// xiaomiPhones serves n Xiaomi virtual phones to one private adb server.
func xiaomiPhones(t testing.TB, n int) []agents.Device {
	t.Helper()
	srv := simtest.ADBServer(t)
	var out []agents.Device
	for range n {
		out = append(out, simtest.Serve(t, srv, sim.Config{Vendor: sim.VendorXiaomi, Font: sim.FontGo}).Device)
	}
	return out
}

// nullTeam does nothing and declares the task done at once.
type nullTeam struct{}

func (nullTeam) Plan(context.Context, agents.PlanInput) (agents.PlanOutput, error) {
	return agents.PlanOutput{Plan: agents.Plan{Subgoals: []string{"nothing"}}}, nil
}
func (nullTeam) Decide(context.Context, agents.DecideInput) (agents.DecideOutput, error) {
	return agents.DecideOutput{Action: doneAction}, nil
}
func (nullTeam) Reflect(context.Context, agents.ReflectInput) (agents.Reflection, error) {
	return agents.Reflection{Verdict: agents.VerdictSuccess}, nil
}
func (nullTeam) Note(context.Context, agents.NoteInput) (agents.NoteOutput, error) {
	return agents.NoteOutput{}, nil
}

func (n nullTeam) roles() agents.Team {
	return agents.Team{Name: "null", Planner: n, Decider: n, Reflector: n, Notetaker: n}
}

var doneAction = actions.Done{Status: actions.StatusSuccess}
