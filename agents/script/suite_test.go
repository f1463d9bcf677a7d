package script_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/script"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/memory/explore"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simtest"
)

// taskFile is one task of testdata/tasks: the instruction, the phone's
// scenario, and the scripted model's replies in each mode, written as
// GPT-4o writes them (prose, fences and all).
type taskFile struct {
	Name     string     `yaml:"-"`
	Task     string     `yaml:"task"`
	Scenario string     `yaml:"scenario"`
	Steps    []scripted `yaml:"steps"`
	Script   []scripted `yaml:"script"`
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
		t.Fatalf("mobsim state: %v", err)
	}
	return st
}

// appState decodes one app's part of the state into v.
func appState(st sim.State, pkg string, v any) error {
	raw, ok := st.Apps[pkg]
	if !ok {
		return fmt.Errorf("no state for %s", pkg)
	}
	return json.Unmarshal(raw, v)
}

var (
	exploreOnce sync.Once
	exploreDump *memory.Dump
	exploreErr  error
)

// explored is the app knowledge `mobagent explore` builds (package
// memory/explore), made once per test binary on a phone of its own and
// given to each test as a fresh Bolt store.
func explored(t *testing.T) *memory.Store {
	t.Helper()
	exploreOnce.Do(func() {
		ph := simtest.Serve(t, simtest.ADBServer(t), simtest.HalfSize)
		dir, err := os.MkdirTemp("", "explored")
		if err != nil {
			exploreErr = err
			return
		}
		defer os.RemoveAll(dir)
		st, err := memory.Open(filepath.Join(dir, "m.db"), memory.Options{NoSync: true})
		if err != nil {
			exploreErr = err
			return
		}
		defer st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		apps, budget := []string{"Settings", "Messages", "Clock", "Joplin", "Calendar", "Contacts", "Maps"}, 20
		if raceEnabled {
			apps, budget = []string{"Settings", "Messages", "Clock", "Calendar"}, 12
		}
		for _, app := range apps {
			if _, err := explore.ExploreWith(ctx, ph.Device, &perception.Perceiver{NoVision: true}, nil, st, app, budget,
				explore.Options{Perceive: perception.PerceiveOptions{OCR: perception.OCRNever}}); err != nil {
				exploreErr = fmt.Errorf("exploring %s: %w", app, err)
				return
			}
		}
		exploreDump, exploreErr = st.Dump()
	})
	if exploreErr != nil {
		t.Fatal(exploreErr)
	}
	st, err := memory.Open(filepath.Join(t.TempDir(), "memory.db"), memory.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var b strings.Builder
	if err := json.NewEncoder(&b).Encode(exploreDump); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	return st
}

// phoneFor serves a fresh phone with the task's scenario.
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

func scriptReplies(s *llmtest.Server, rs []scripted) {
	for _, r := range rs {
		reply(s, r.Role, r.Reply, r.Want...)
	}
}

// dumpCalls logs each script writer's request and reply (go test -run
// TestScriptModeAgainstStepMode/bluetooth -v -dump-calls).
var dumpCalls = flag.Bool("dump-calls", false, "log the script writer's requests and replies")

// outcome is one task in one mode.
type outcome struct {
	ok      bool
	calls   int
	tokens  int // prompt tokens, as the scripted server estimates them
	steps   int
	why     string
	handed  bool // script mode gave the task to the step mode
	outcome agents.Outcome
}

// runMode runs tf in mode on a fresh phone and checks the phone's state.
func runMode(t *testing.T, server string, tf taskFile, mode agents.Mode, store *memory.Store) outcome {
	t.Helper()
	ph := phoneFor(t, server, tf)
	s := llmtest.NewServer(t)
	rs := tf.Steps
	if mode == agents.ModeScript {
		rs = tf.Script
	}
	scriptReplies(s, rs)
	r := runTask(t, ph, s, mode, tf.Task, script.Config{Knowledge: script.StoreKnowledge{Store: store}})
	if *dumpCalls && mode == agents.ModeScript {
		// docs/script-mode.md shows a script writer's request from this.
		for _, req := range s.Requests() {
			t.Logf("request:\n%s\n--- reply: %s", req.Text(), tf.Script[0].Reply)
		}
	}
	if got := r.run.Settings.Mode; got != mode {
		t.Errorf("%s: run.json says mode %q, want %q", tf.Name, got, mode)
	}
	validateRunDir(t, r.dir)
	o := outcome{calls: r.res.Totals.ModelCalls, tokens: r.res.Totals.Usage.PromptTokens, steps: r.res.Totals.Steps, outcome: r.res.Outcome}
	for _, st := range r.steps {
		if strings.Contains(st.Error, "the step mode goes on") {
			o.handed = true
		}
	}
	err := checks[tf.Name](state(t, ph), r.res)
	switch {
	case r.res.Outcome != agents.OutcomeSuccess:
		o.why = fmt.Sprintf("outcome %s: %s", r.res.Outcome, r.res.Reason)
	case err != nil:
		o.why = "the phone's state: " + err.Error()
	default:
		o.ok = true
	}
	return o
}

// Script mode on the multi-step tasks of testdata/tasks: each task runs in
// both modes on a fresh phone through the real adb server, with a scripted
// OpenAI-compatible model; the phone's state decides success. Script mode
// must succeed where the step mode does, with at least 50% fewer model
// calls in all.
func TestScriptModeAgainstStepMode(t *testing.T) {
	tasks := loadTasks(t)
	if len(tasks) < 15 {
		t.Errorf("%d tasks; the comparison needs at least 15", len(tasks))
	}
	if raceEnabled {
		tasks = sample(tasks, "bluetooth", "alarm_645", "sms_alex", "dentist_where")
	}
	store := explored(t)
	server := simtest.ADBServer(t)
	type row struct {
		name, task      string
		steps, scripted outcome
	}
	var rows []row
	for _, tf := range tasks {
		if checks[tf.Name] == nil {
			t.Errorf("%s: no state check", tf.Name)
			continue
		}
		r := row{name: tf.Name, task: tf.Task}
		t.Run(tf.Name, func(t *testing.T) {
			r.steps = runMode(t, server, tf, agents.ModeSteps, store)
			r.scripted = runMode(t, server, tf, agents.ModeScript, store)
			if !r.steps.ok {
				t.Errorf("step mode failed: %s", r.steps.why)
			}
			if r.scripted.ok != r.steps.ok {
				t.Errorf("script mode: %v (%s); the step mode: %v", r.scripted.ok, r.scripted.why, r.steps.ok)
			}
			if r.scripted.handed {
				t.Errorf("the script handed the task to the step mode")
			}
		})
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	var b strings.Builder
	b.WriteString("\n| task | step mode: success, calls, prompt tokens, steps | script mode: success, calls, prompt tokens, steps |\n|---|---|---|\n")
	var callsSteps, callsScript, okSteps, okScript, tokSteps, tokScript int
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %v, %d, %d, %d | %v, %d, %d, %d |\n", r.task, r.steps.ok, r.steps.calls, r.steps.tokens, r.steps.steps,
			r.scripted.ok, r.scripted.calls, r.scripted.tokens, r.scripted.steps)
		callsSteps += r.steps.calls
		callsScript += r.scripted.calls
		tokSteps += r.steps.tokens
		tokScript += r.scripted.tokens
		okSteps += b2i(r.steps.ok)
		okScript += b2i(r.scripted.ok)
	}
	fmt.Fprintf(&b, "| **all %d** | %d succeeded, %d calls, %d tokens | %d succeeded, %d calls (%.0f%% fewer), %d tokens (%.0f%% fewer) |\n", len(rows), okSteps, callsSteps, tokSteps,
		okScript, callsScript, 100*(1-float64(callsScript)/float64(max(callsSteps, 1))), tokScript, 100*(1-float64(tokScript)/float64(max(tokSteps, 1))))
	t.Log(b.String())
	if callsScript*2 > callsSteps {
		t.Errorf("script mode made %d model calls, the step mode %d: not 50%% fewer", callsScript, callsSteps)
	}
}

// sample keeps the named tasks.
func sample(tasks []taskFile, names ...string) []taskFile {
	var out []taskFile
	for _, tf := range tasks {
		for _, n := range names {
			if tf.Name == n {
				out = append(out, tf)
			}
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checks judge each task from the phone's state (and, for a question, the
// run's answer).
var checks = map[string]func(sim.State, *agents.Result) error{
	"bluetooth":           setting("global", "bluetooth_on", "1"),
	"dark_theme":          setting("secure", "ui_night_mode", "2"),
	"wifi_off":            setting("global", "wifi_on", "0"),
	"airplane":            setting("global", "airplane_mode_on", "1"),
	"adaptive_brightness": setting("system", "screen_brightness_mode", "1"),
	"sms_alex":            sent("+1-415-555-0142", "running late"),
	"sms_hannah":          sent("+1-512-555-0190", "Happy birthday!"),
	"alarm_645":           alarm("06:45", true),
	"alarm_off":           alarm("07:15", false),
	"note_packing":        note("Packing", "passport, charger"),
	"event_haircut":       event("Haircut", "2026-06-12", "10:00", "11:00", "Main St Barbers"),
	"contact_sam":         contact("Sam Lee", "555-0101"),
	"dentist_where":       answer("Dr. Chen's Office"),
	"alex_email":          answer("alex.morgan@example.com"),
	"maps_ramen":          answer("337 Main St, Springfield"),
	"cabin_wifi":          answer("CabinNet"),
}

func alarm(at string, enabled bool) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var cs struct {
			Alarms []struct {
				Time    string `json:"time"`
				Enabled bool   `json:"enabled"`
			} `json:"alarms"`
		}
		if err := appState(st, "com.google.android.deskclock", &cs); err != nil {
			return err
		}
		for _, a := range cs.Alarms {
			if a.Time == at {
				if a.Enabled != enabled {
					return fmt.Errorf("the %s alarm is enabled=%v", at, a.Enabled)
				}
				return nil
			}
		}
		return fmt.Errorf("no %s alarm", at)
	}
}

func note(title, body string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var js struct {
			Notes []struct{ Title, Body string } `json:"notes"`
		}
		if err := appState(st, "net.cozic.joplin", &js); err != nil {
			return err
		}
		for _, n := range js.Notes {
			if n.Title == title {
				if !strings.Contains(n.Body, body) {
					return fmt.Errorf("note %q says %q", title, n.Body)
				}
				return nil
			}
		}
		return fmt.Errorf("no note %q", title)
	}
}

func event(title, date, start, end, location string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var cs struct {
			Events []sim.Event `json:"events"`
		}
		if err := appState(st, "com.google.android.calendar", &cs); err != nil {
			return err
		}
		for _, e := range cs.Events {
			if e.Title == title {
				if e.Date != date || e.Start != start || e.End != end || e.Location != location {
					return fmt.Errorf("event %q is %s %s-%s at %q", title, e.Date, e.Start, e.End, e.Location)
				}
				return nil
			}
		}
		return fmt.Errorf("no event %q", title)
	}
}

func contact(name, phone string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var cs struct {
			Contacts []struct{ Name, Phone string } `json:"contacts"`
		}
		if err := appState(st, "com.google.android.contacts", &cs); err != nil {
			return err
		}
		for _, c := range cs.Contacts {
			if c.Name == name {
				if c.Phone != phone {
					return fmt.Errorf("%s's phone is %q", name, c.Phone)
				}
				return nil
			}
		}
		return fmt.Errorf("no contact %q", name)
	}
}

// answer checks a question's answer.
func answer(want string) func(sim.State, *agents.Result) error {
	return func(_ sim.State, r *agents.Result) error {
		if !strings.Contains(strings.ToLower(r.Answer), strings.ToLower(want)) {
			return fmt.Errorf("the answer %q does not say %q", r.Answer, want)
		}
		return nil
	}
}

func setting(ns, key, want string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		if got := st.Settings[ns][key]; got != want {
			return fmt.Errorf("%s/%s = %q, want %q", ns, key, got, want)
		}
		return nil
	}
}

type smsState struct {
	Messages []struct {
		Phone, Body, Type string
	} `json:"messages"`
}

// sent checks that an SMS holding body went to phone.
func sent(phone, body string) func(sim.State, *agents.Result) error {
	return func(st sim.State, _ *agents.Result) error {
		var ms smsState
		if err := appState(st, "com.google.android.apps.messaging", &ms); err != nil {
			return err
		}
		for _, m := range ms.Messages {
			if m.Type == "SEND" && m.Phone == phone && strings.Contains(strings.ToLower(m.Body), strings.ToLower(body)) {
				return nil
			}
		}
		return fmt.Errorf("no message with %q was sent to %s", body, phone)
	}
}

// The checks that decide the comparison fail on a fresh phone (the null
// run: nothing done, no answer), so a mode that does nothing cannot pass.
func TestChecksFailWhenNothingIsDone(t *testing.T) {
	server := simtest.ADBServer(t)
	for _, tf := range loadTasks(t) {
		ph := phoneFor(t, server, tf)
		if err := checks[tf.Name](state(t, ph), &agents.Result{}); err == nil {
			t.Errorf("%s: the check passes on a fresh phone", tf.Name)
		}
	}
}

// The app knowledge the writer sees names every explored app's first
// screen and stays within its cap.
func TestStoreKnowledge(t *testing.T) {
	store := explored(t)
	k, err := script.StoreKnowledge{Store: store, MaxTokens: 1500}.AppKnowledge(context.Background(), "Turn off Wi-Fi")
	if err != nil {
		t.Fatal(err)
	}
	apps := []string{"com.android.settings", "com.google.android.apps.messaging", "com.google.android.deskclock", "net.cozic.joplin",
		"com.google.android.calendar", "com.google.android.contacts", "com.google.android.apps.maps"}
	if raceEnabled {
		apps = apps[:3]
	}
	for _, app := range apps {
		if !strings.Contains(k, "App "+app+":\n- screen") {
			t.Errorf("no first screen of %s in:\n%s", app, k)
		}
	}
	if !strings.HasPrefix(k, "App com.android.settings:") {
		t.Errorf("Settings (the app the task's words point to) should come first:\n%.300s", k)
	}
	if strings.Contains(k+"\n", ":\nMore screens of") || strings.HasSuffix(k, ":") {
		t.Errorf("a heading with no screen under it:\n%s", k)
	}
	if n := perception.EstimateTokens(k); n > 1500 {
		t.Errorf("%d tokens over the cap of 1500", n)
	}
	// Times and small words say nothing of the app: "6:45 AM" must not
	// pull in apps whose screens show 6, 45 or AM.
	for task, first := range map[string]string{
		"Set an alarm for 6:45 AM":      "com.google.android.deskclock",
		"Add a calendar event at 10:00": "com.google.android.calendar",
	} {
		k, err := script.StoreKnowledge{Store: store, MaxTokens: 1500}.AppKnowledge(context.Background(), task)
		if err != nil || !strings.HasPrefix(k, "App "+first+":") {
			t.Errorf("%q: %v; want %s first:\n%.200s", task, err, first, k)
		}
	}
	only, err := script.StoreKnowledge{Store: store, Apps: []string{"com.google.android.deskclock"}}.AppKnowledge(context.Background(), "x")
	if err != nil || !strings.Contains(only, `"Add alarm" → "Enter time"`) || strings.Contains(only, "settings") {
		t.Errorf("knowledge of Clock alone: %v\n%s", err, only)
	}
}
