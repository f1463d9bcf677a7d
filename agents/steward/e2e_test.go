package steward_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/agentmem"
	"github.com/mobagent/mobagent/agents/steward"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

// taskFile is one cross-app task of testdata/tasks: the instruction, the
// phone's scenario, the dispatch tree the steward must build, and the
// scripted model's replies in each mode, written as GPT-4o writes them.
type taskFile struct {
	Name     string     `yaml:"-"`
	Task     string     `yaml:"task"`
	Scenario string     `yaml:"scenario"`
	Dispatch []wantNode `yaml:"dispatch"`
	Steward  []scripted `yaml:"steward"`
	Steps    []scripted `yaml:"steps"`
	// ScriptStaff are the replies after the steward's split (its first
	// reply) when each staff writes its subtask as a script.
	ScriptStaff []scripted `yaml:"script_staff"`
}

type wantNode struct {
	App     string   `yaml:"app"`
	Reports string   `yaml:"reports"`
	Value   string   `yaml:"value"`
	Uses    []string `yaml:"uses"`
}

type scripted struct {
	Role  string   `yaml:"role"`
	Want  []string `yaml:"want"`
	Reply string   `yaml:"reply"`
}

func loadTasks(t *testing.T) []taskFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "tasks", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no tasks in testdata/tasks: %v", err)
	}
	var out []taskFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var tf taskFile
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&tf); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		tf.Name = strings.TrimSuffix(filepath.Base(p), ".yaml")
		out = append(out, tf)
	}
	return out
}

func script(s *llmtest.Server, rs []scripted) {
	for _, r := range rs {
		ms := []llmtest.Matcher{llmtest.SystemContains("You are the " + r.Role + " ")}
		for _, w := range r.Want {
			ms = append(ms, llmtest.LastUserContains(w))
		}
		s.Reply(r.Reply).When(ms...)
	}
}

// tips are one tip per app, in each mode's memory; a staff must see its
// own app's and never another's.
var tips = map[string]string{
	"com.google.android.calendar":       "Calendar: an event's location is on its details page, under its time",
	"com.google.android.apps.messaging": "Messages: to text someone, open their conversation, type in the Text message box and tap Send SMS",
	"com.google.android.contacts":       "Contacts: a contact's phone number is on its page under Contact info",
	"com.google.android.deskclock":      "Clock: Add alarm asks for the hour and the minute on a 24-hour clock",
	"net.cozic.joplin":                  "Joplin: a new note has a Title field and a body field; tap Save to keep it",
	"com.google.android.apps.maps":      "Maps: search with Search here; the place card shows the address",
}

func storeWithTips(t *testing.T) *memory.Store {
	t.Helper()
	st, err := memory.Open(filepath.Join(t.TempDir(), "memory.db"), memory.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for app, text := range tips {
		if _, err := st.PutTip(memory.Tip{App: app, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func phoneFor(t *testing.T, server string, tf taskFile) *simtest.Phone {
	t.Helper()
	p, err := sim.NewPhone(simtest.HalfSize)
	if err != nil {
		t.Fatal(err)
	}
	if tf.Scenario != "" {
		if err := p.LoadScenario([]byte(tf.Scenario)); err != nil {
			t.Fatalf("%s: scenario: %v", tf.Name, err)
		}
	}
	return simtest.ServePhone(t, server, p)
}

// state reads the phone's state over adb, as benchmark checkers do.
func state(t *testing.T, ph *simtest.Phone) sim.State {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := ph.Device.Shell(ctx, "mobsim", "state")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("mobsim state: %v %s", err, res.Stderr)
	}
	var st sim.State
	if err := json.Unmarshal(res.Stdout, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

type outcome struct {
	ok     bool
	calls  int
	tokens int // prompt tokens, as the scripted server estimates them
	steps  int
	why    string
}

func (o outcome) String() string {
	return fmt.Sprintf("%v, %d, %d, %d", o.ok, o.calls, o.tokens, o.steps)
}

func baseConfig(ph *simtest.Phone, s *llmtest.Server) agents.Config {
	return agents.Config{Device: ph.Device, Model: s.Client(), Gate: &safety.Gate{Mode: safety.ModeApprove}}
}

// runSteward runs tf in steward mode, the staff in staffMode, and checks
// the phone, the dispatch tree, the hand-over, each staff's memory and the
// run directories.
func runSteward(t *testing.T, server string, tf taskFile, staffMode agents.Mode) outcome {
	t.Helper()
	ph := phoneFor(t, server, tf)
	s := llmtest.NewServer(t)
	if staffMode == agents.ModeScript {
		script(s, tf.Steward[:1])
		script(s, tf.ScriptStaff)
	} else {
		script(s, tf.Steward)
	}
	dir := filepath.Join(t.TempDir(), "run")
	sw, err := steward.New(steward.Config{Agent: baseConfig(ph, s), Store: storeWithTips(t), Dir: dir, StaffMode: staffMode})
	if err != nil {
		t.Fatal(err)
	}
	res, err := sw.Run(context.Background(), tf.Task)
	if se := (*agents.StopError)(nil); err != nil && !errors.As(err, &se) {
		t.Fatalf("steward: %v", err)
	}
	o := outcome{calls: res.Totals.ModelCalls, tokens: res.Totals.Usage.PromptTokens, steps: res.Totals.Steps}
	t.Logf("steward: %s (%s), %d steps, %d calls", res.Outcome, res.Reason, res.Totals.Steps, res.Totals.ModelCalls)
	for _, n := range res.Dispatch.Subtasks {
		t.Logf("  subtask %d %s [%s] %q -> %s %q", n.Index, n.App, n.Status, n.Sent, n.Reports, n.Value)
		for _, a := range n.Attempts {
			t.Logf("    %s: %s, %d steps, %d calls; check %v by %s: %s", a.Dir, a.Outcome, a.Steps, a.ModelCalls, a.OK, a.CheckedBy, a.Check)
		}
	}
	checkTree(t, tf, res.Dispatch)
	checkRunDir(t, dir, res, staffMode)
	checkStaffMemory(t, dir, res.Dispatch)
	err = checks[tf.Name](state(t, ph), res.Result)
	switch {
	case res.Outcome != agents.OutcomeSuccess:
		o.why = fmt.Sprintf("outcome %s: %s", res.Outcome, res.Reason)
	case err != nil:
		o.why = "the phone's state: " + err.Error()
	default:
		o.ok = true
	}
	return o
}

// checkTree holds the dispatch tree to the task's: the apps in order, the
// value each reports, and the values each later one was handed, found in
// what it was sent.
func checkTree(t *testing.T, tf taskFile, d trajectory.Dispatch) {
	t.Helper()
	if len(d.Subtasks) != len(tf.Dispatch) {
		t.Errorf("%d subtasks dispatched, want %d", len(d.Subtasks), len(tf.Dispatch))
		return
	}
	values := map[string]string{}
	for i, w := range tf.Dispatch {
		n := d.Subtasks[i]
		if n.App != w.App || n.Reports != w.Reports || n.Status != "done" {
			t.Errorf("subtask %d: %s reports %q (%s); want %s reporting %q, done", i+1, n.App, n.Reports, n.Status, w.App, w.Reports)
		}
		if w.Value != "" && n.Value != w.Value {
			t.Errorf("subtask %d found %q, want %q", i+1, n.Value, w.Value)
		}
		if n.Value != "" {
			values[n.Reports] = n.Value
		}
		if strings.Join(n.Uses, ",") != strings.Join(w.Uses, ",") {
			t.Errorf("subtask %d uses %v, want %v", i+1, n.Uses, w.Uses)
		}
		for _, u := range w.Uses {
			if v := values[u]; v == "" || !strings.Contains(n.Sent, v) {
				t.Errorf("subtask %d was sent %q, without %s = %q found before", i+1, n.Sent, u, v)
			}
		}
	}
	for _, n := range d.Notes {
		if values[n.Name] != n.Value {
			t.Errorf("shared note %s = %q; the tree says %q", n.Name, n.Value, values[n.Name])
		}
	}
}

// checkRunDir validates the steward's run directory and each staff's.
func checkRunDir(t *testing.T, dir string, res *steward.Result, staffMode agents.Mode) {
	t.Helper()
	run, steps, err := trajectory.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Settings.Mode != agents.ModeSteward || run.Dispatch == nil || len(run.Dispatch.Subtasks) != len(res.Dispatch.Subtasks) {
		t.Errorf("run.json: mode %q, dispatch %+v", run.Settings.Mode, run.Dispatch)
	}
	if run.Totals.ModelCalls != res.Totals.ModelCalls || len(steps) < len(res.Dispatch.Subtasks) {
		t.Errorf("run.json totals %d calls (result %d), %d step records for %d subtasks", run.Totals.ModelCalls, res.Totals.ModelCalls, len(steps), len(res.Dispatch.Subtasks))
	}
	validate(t, dir)
	report, err := trajectory.WriteReport(dir)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(report)
	if !strings.Contains(string(html), "Dispatch tree") || !strings.Contains(string(html), "mode <b>steward</b>") {
		t.Errorf("the report does not show the dispatch tree and the mode")
	}
	sum := 0
	for _, n := range res.Dispatch.Subtasks {
		for _, a := range n.Attempts {
			sub := filepath.Join(dir, a.Dir)
			if !strings.Contains(string(html), `href="`+a.Dir+`/report.html"`) {
				t.Errorf("the report does not link %s", a.Dir)
			}
			if _, err := os.Stat(filepath.Join(sub, "report.html")); err != nil {
				t.Errorf("no report for %s: %v", a.Dir, err)
			}
			sr, _, err := trajectory.Load(sub)
			if err != nil {
				t.Errorf("%s: %v", a.Dir, err)
				continue
			}
			if sr.Settings.Mode != staffMode || sr.Totals.ModelCalls != a.ModelCalls {
				t.Errorf("%s: mode %q, %d calls (tree %d)", a.Dir, sr.Settings.Mode, sr.Totals.ModelCalls, a.ModelCalls)
			}
			validate(t, sub)
			sum += sr.Totals.ModelCalls
		}
	}
	own := 0
	for _, st := range steps {
		own += st.ModelCalls
	}
	if own+sum != res.Totals.ModelCalls {
		t.Errorf("the steward's %d calls and the staff's %d do not add up to %d", own, sum, res.Totals.ModelCalls)
	}
}

func validate(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("run", b); err != nil {
		t.Errorf("%s/run.json: %v", dir, err)
	}
	for file, schema := range map[string]string{"steps.jsonl": "step", "calls.jsonl": "call"} {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		_, err = format.ValidateLines(schema, f)
		f.Close()
		if err != nil {
			t.Errorf("%s/%s: %v", dir, file, err)
		}
	}
}

// checkStaffMemory reads each staff's prompts: its own app's tip may
// show, another app's never does.
func checkStaffMemory(t *testing.T, dir string, d trajectory.Dispatch) {
	t.Helper()
	for _, n := range d.Subtasks {
		for _, a := range n.Attempts {
			f, err := os.Open(filepath.Join(dir, a.Dir, "calls.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 1<<22)
			own := false
			for sc.Scan() {
				var c agents.Call
				if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
					t.Fatal(err)
				}
				for app, tip := range tips {
					if !strings.Contains(c.Prompt, tip) {
						continue
					}
					if app != n.Package {
						t.Errorf("the %s staff (%s) was shown the %s tip", n.App, a.Dir, app)
					} else {
						own = true
					}
				}
			}
			f.Close()
			if !own {
				t.Errorf("the %s staff (%s) was never shown its own app's tip", n.App, a.Dir)
			}
		}
	}
}

// runSteps runs tf in the step mode, with a memory holding the same tips.
func runSteps(t *testing.T, server string, tf taskFile) outcome {
	t.Helper()
	ph := phoneFor(t, server, tf)
	s := llmtest.NewServer(t)
	script(s, tf.Steps)
	dir := filepath.Join(t.TempDir(), "run")
	rec, err := trajectory.Create(dir, trajectory.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	cfg := baseConfig(ph, s)
	cfg.Observers = []agents.Observer{rec}
	mem, err := agentmem.New(agentmem.Config{Store: storeWithTips(t)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Memory = mem
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), tf.Task)
	if se := (*agents.StopError)(nil); err != nil && !errors.As(err, &se) {
		t.Fatalf("run: %v", err)
	}
	rec.Close()
	_, steps, _ := trajectory.Load(dir)
	for _, st := range steps {
		t.Logf("steps step %d: %s -> %v (calls %d) %s", st.Index, st.ActionText, st.Reflection, st.ModelCalls, st.Error)
	}
	t.Logf("steps: %s (%s), %d steps, %d calls", res.Outcome, res.Reason, res.Totals.Steps, res.Totals.ModelCalls)
	o := outcome{calls: res.Totals.ModelCalls, tokens: res.Totals.Usage.PromptTokens, steps: res.Totals.Steps}
	err = checks[tf.Name](state(t, ph), res)
	switch {
	case res.Outcome != agents.OutcomeSuccess:
		o.why = fmt.Sprintf("outcome %s: %s", res.Outcome, res.Reason)
	case err != nil:
		o.why = "the phone's state: " + err.Error()
	default:
		o.ok = true
	}
	return o
}

// Steward mode on the cross-app tasks of testdata/tasks, each also run in
// the step mode on a fresh phone; the phone's state decides success.
func TestStewardAgainstStepMode(t *testing.T) {
	tasks := loadTasks(t)
	if len(tasks) < 8 {
		t.Errorf("%d cross-app tasks; the comparison needs at least 8", len(tasks))
	}
	if raceEnabled {
		var keep []taskFile
		for _, tf := range tasks {
			if tf.Name == "dentist_address" || tf.Name == "hannah_number" || tf.Name == "lunch_on_maps" {
				keep = append(keep, tf)
			}
		}
		tasks = keep
	}
	server := simtest.ADBServer(t)
	type row struct {
		task                    string
		steward, scripts, steps outcome
	}
	var rows []row
	for _, tf := range tasks {
		if checks[tf.Name] == nil {
			t.Errorf("%s: no state check", tf.Name)
			continue
		}
		r := row{task: tf.Task}
		t.Run(tf.Name, func(t *testing.T) {
			r.steward = runSteward(t, server, tf, agents.ModeSteps)
			r.scripts = runSteward(t, server, tf, agents.ModeScript)
			r.steps = runSteps(t, server, tf)
			if !r.steward.ok {
				t.Errorf("steward mode failed: %s", r.steward.why)
			}
			if !r.scripts.ok {
				t.Errorf("steward mode, staff in script mode, failed: %s", r.scripts.why)
			}
			if !r.steps.ok {
				t.Errorf("step mode failed: %s", r.steps.why)
			}
		})
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].task < rows[j].task })
	var b strings.Builder
	b.WriteString("\n| cross-app task | steward: success, calls, prompt tokens, phone steps | steward, staff in script mode | step mode: success, calls, prompt tokens, steps |\n|---|---|---|---|\n")
	var sum [3]outcome
	var ok [3]int
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.task, r.steward, r.scripts, r.steps)
		for k, o := range []outcome{r.steward, r.scripts, r.steps} {
			sum[k].calls += o.calls
			sum[k].tokens += o.tokens
			ok[k] += b2i(o.ok)
		}
	}
	fmt.Fprintf(&b, "| **all %d** |", len(rows))
	for k := range sum {
		fmt.Fprintf(&b, " %d succeeded, %d calls, %d tokens |", ok[k], sum[k].calls, sum[k].tokens)
	}
	b.WriteString("\n")
	t.Log(b.String())
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
