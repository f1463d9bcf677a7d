package agents_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// script adds a reply for role that answers only a request whose prompt
// shows every want, so a reply naming element ids fails loudly if the
// screen changes.
func script(s *llmtest.Server, role, reply string, want ...string) *llmtest.Reply {
	ms := []llmtest.Matcher{llmtest.SystemContains("You are the " + role + " ")}
	for _, w := range want {
		ms = append(ms, llmtest.LastUserContains(w))
	}
	return s.Reply(reply).When(ms...)
}

func runModel(t *testing.T, h *harness, s *llmtest.Server, task string, red *safety.Redactor, secrets *safety.Secrets) (*agents.Result, *trajectory.Run, []agents.Step) {
	t.Helper()
	cfg := h.config(red)
	cfg.Model = s.Client()
	cfg.Secrets = secrets
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), task)
	if se := (*agents.StopError)(nil); err != nil && !errors.As(err, &se) {
		// A run that ends other than in success says so in the result.
		t.Fatalf("run: %v", err)
	}
	run, steps, err := trajectory.Load(h.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		t.Logf("step %d: %s -> %v (calls %d, overhead %v, %+v)", st.Index, st.ActionText, st.Reflection, st.ModelCalls, st.Timings.Overhead(), st.Timings)
	}
	if _, err := trajectory.WriteReport(h.dir); err != nil {
		t.Fatal(err)
	}
	validateRunDir(t, h.dir)
	dumpCalls(t, h.dir)
	if n := res.Totals.Steps; n > 0 {
		t.Logf("budget: %d steps, %.2f calls/step, %d prompt tokens/step, roles %+v", n, float64(res.Totals.ModelCalls)/float64(n), res.Totals.Usage.PromptTokens/n, res.Totals.Roles)
	}
	return res, run, steps
}

const planBluetooth = `{"thought":"Bluetooth lives under Connected devices","subgoals":["Open Settings","Open Connected devices","Turn Bluetooth on"],"current":0}`

func TestModelToggleBluetooth(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", planBluetooth).WithUsage(900, 60)
	script(s, "decision", `{"thought":"start in Settings","action":{"action":"open_app","app":"Settings"},"expect":"Settings opens","subgoal_done":true}`).WithUsage(1000, 40)
	script(s, "decision", `{"thought":"Bluetooth is in Connected devices","action":{"action":"tap","element":5},"expect":"the Connected devices page","subgoal_done":true}`,
		`<button id=5 text="Connected devices`).WithUsage(1100, 40)
	script(s, "decision", `{"thought":"flip the switch","action":{"action":"tap","element":4},"expect":"Bluetooth on","subgoal_done":true}`,
		`<checkbox id=4 text="Bluetooth Off" unchecked>`).WithUsage(1000, 40)
	// Every subgoal is done: the planner checks and declares the task finished.
	script(s, "planner", `{"thought":"Bluetooth shows On","subgoals":["Turn Bluetooth on"],"current":0,"finished":true}`, "every subgoal", `Bluetooth On`).WithUsage(1100, 30)

	res, run, steps := runModel(t, h, s, "Turn on Bluetooth", nil, nil)
	if res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	if got := h.setting("global", "bluetooth_on"); got != "1" {
		t.Errorf("bluetooth_on = %q, want 1", got)
	}
	if res.Totals.ReflectionSkips != 3 {
		t.Errorf("%d reflections skipped, want 3 (app opened, page opened, switch flipped)", res.Totals.ReflectionSkips)
	}
	if res.Totals.ModelCalls != 5 || len(steps) != 4 {
		t.Errorf("%d model calls in %d steps, want 5 in 4", res.Totals.ModelCalls, len(steps))
	}
	if run.Totals.Usage.PromptTokens != 5100 {
		t.Errorf("prompt tokens %d, want 5100", run.Totals.Usage.PromptTokens)
	}
	// The screen reached the model as untrusted data.
	if p := s.Request(1).LastUserText(); !strings.Contains(p, "<<<UNTRUSTED_SCREEN_CONTENT") {
		t.Errorf("the decision prompt does not wrap the screen:\n%s", p)
	}
	for _, st := range steps[:3] {
		if st.Gate == nil || !st.Gate.Allowed() || st.Gate.Rule == "" || st.Gate.AnsweredBy == "" {
			t.Errorf("step %d: gate %+v; want an allowed decision naming its rule and who answered", st.Index, st.Gate)
		}
	}
}

// The first tap opens the wrong page; the reflector says so, the agent goes
// back, the planner revises and the agent reaches the switch.
func TestModelRecoversFromWrongPage(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", planBluetooth)
	script(s, "decision", `{"action":{"action":"open_app","app":"Settings"},"expect":"Settings opens","subgoal_done":true}`)
	script(s, "decision", `{"thought":"open Connected devices","action":{"action":"tap","element":4},"expect":"the Connected devices page"}`,
		`<button id=4 text="Network & internet`)
	script(s, "reflector", `{"outcome":"B","note":"this is Network & internet, not Connected devices; go back and open Connected devices"}`,
		"Action taken: tap element 4", `Expected: the Connected devices page`)
	script(s, "planner", `{"thought":"back on the main list","subgoals":["Open Connected devices","Turn Bluetooth on"],"current":0,"progress":"Settings is open"}`,
		"The plan needs revising", "outcome wrong_page", `<button id=5 text="Connected devices`)
	script(s, "decision", `{"action":{"action":"tap","element":5},"expect":"the Connected devices page","subgoal_done":true}`,
		`<button id=5 text="Connected devices`, "go back and open Connected devices")
	script(s, "decision", `{"action":{"action":"tap","element":4},"expect":"Bluetooth on"}`, `Bluetooth Off`)
	script(s, "decision", `{"action":{"action":"done","status":"success"}}`, `Bluetooth On`)

	res, _, steps := runModel(t, h, s, "Turn on Bluetooth", nil, nil)
	if res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	if got := h.setting("global", "bluetooth_on"); got != "1" {
		t.Errorf("bluetooth_on = %q, want 1", got)
	}
	st := steps[1]
	if st.Reflection == nil || st.Reflection.Verdict != agents.VerdictWrongPage || st.Reflection.Skipped || st.Recovery == nil || st.Recovery.Exec == nil || st.Recovery.Error != "" {
		t.Fatalf("step 2 should be judged wrong_page by the model and recovered: %+v %+v", st.Reflection, st.Recovery)
	}
	if steps[2].Plan == nil || !strings.Contains(steps[2].Screen.Activity, ".Settings") {
		t.Errorf("step 3 should start replanned on the Settings list, got activity %q plan %v", steps[2].Screen.Activity, steps[2].Plan)
	}
	if per := float64(res.Totals.ModelCalls) / float64(res.Totals.Steps); per > 2.5 {
		t.Errorf("%.2f model calls per step, want at most 2.5", per)
	}
}

// sent reads the messages the phone sent through `adb shell mobsim state`,
// the channel checkers use.
func (h *harness) sent() []struct{ Name, Body string } {
	h.t.Helper()
	res, err := h.phone.Device.Shell(context.Background(), "mobsim", "state")
	if err != nil || res.ExitCode != 0 {
		h.t.Fatalf("mobsim state: %v %s", err, res.Stderr)
	}
	var st struct {
		Apps map[string]json.RawMessage `json:"apps"`
	}
	if err := json.Unmarshal(res.Stdout, &st); err != nil {
		h.t.Fatal(err)
	}
	var m struct {
		Sent []struct{ Name, Body string } `json:"sent"`
	}
	json.Unmarshal(st.Apps["com.google.android.apps.messaging"], &m)
	return m.Sent
}

func TestModelSendsMessage(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Messages","Open the conversation with Mom","Type and send the message"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Messages"},"expect":"Messages opens","subgoal_done":true}`)
	script(s, "decision", `{"action":{"action":"tap","element":9},"expect":"the conversation with Mom","subgoal_done":true}`, `<button id=9 text="Mom `)
	script(s, "decision", `{"action":{"action":"type","element":8,"text":"On my way, see you at 7"},"expect":"the text in the field"}`, `<input id=8 hint="Text message" empty>`)
	script(s, "decision", `{"action":{"action":"tap","element":9},"expect":"the message in the conversation","subgoal_done":true}`, `text="On my way, see you at 7"`, `<button id=9 desc="Send SMS">`)
	// Sending is not obvious from the pixels: the reflector looks.
	script(s, "reflector", `{"outcome":"A","note":"the message shows in the conversation"}`, "Action taken: tap element 9")
	script(s, "planner", `{"subgoals":["Send the message"],"current":0,"finished":true,"answer":""}`, "every subgoal")

	res, _, _ := runModel(t, h, s, "Send a message to Mom saying On my way, see you at 7", nil, nil)
	if res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	sent := h.sent()
	if len(sent) != 1 || sent[0].Name != "Mom" || sent[0].Body != "On my way, see you at 7" {
		t.Errorf("sent %+v", sent)
	}
}

func TestOfflineSendsMessage(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	cfg := h.config(nil)
	cfg.Roles = offline.New(offline.Config{}).Roles()
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "Send a message to Jordan Lee saying the court is booked for 7")
	if err != nil || res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s (%v)", res.Outcome, res.Reason, err)
	}
	sent := h.sent()
	if len(sent) != 1 || sent[0].Name != "Jordan Lee" || sent[0].Body != "the court is booked for 7" {
		t.Errorf("sent %+v", sent)
	}
}

// Secrets on the screen (the one-time code in Messages) and the one the
// model asks to type never reach the model or any file of the run
// directory; and a stored secret does not go into a message even when the
// task asks for it (the gate denies it as a 'secret' risk).
func TestSecretsStayOutOfRunAndPrompts(t *testing.T) {
	const otp, pin = "482913", "Zq7-PIN-93011"
	h := newHarness(t, simtest.ADBServer(t))
	red := &safety.Redactor{}
	secrets, err := safety.LoadSecretsEnv([]string{safety.SecretEnvPrefix + "OTP=" + otp, safety.SecretEnvPrefix + "NOTE_PIN=" + pin}, red)
	if err != nil {
		t.Fatal(err)
	}
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Messages","Send the PIN to Mom"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Messages"},"subgoal_done":true}`, "NOTE_PIN")
	script(s, "decision", `{"action":{"action":"tap","element":9},"expect":"the conversation with Mom"}`, `text="Mom `, "[REDACTED:OTP]")
	script(s, "decision", `{"action":{"action":"type","element":8,"secret":"NOTE_PIN"}}`, `<input id=8 hint="Text message" empty>`)
	// Denied: the planner hears why, and the model gives up as a real one
	// does, in prose.
	script(s, "planner", `{"thought":"The safety gate will not let a stored secret go into a message, so this cannot be done here.","subgoals":["Tell the person the PIN cannot be sent in a message"],"current":0}`,
		"the safety gate did not allow", "NOTE_PIN")
	script(s, "decision", `{"thought":"Sending the PIN by message is blocked.","action":{"action":"refuse","reason":"A stored secret cannot be sent in a message; the safety gate blocked it."}}`,
		"Tell the person the PIN cannot be sent")

	res, _, steps := runModel(t, h, s, "Send my locker PIN to Mom", red, secrets)
	if res.Outcome != agents.OutcomeRefused {
		t.Fatalf("outcome %s: %s; want refused after the gate denied the secret", res.Outcome, res.Reason)
	}
	if sent := h.sent(); len(sent) != 0 {
		t.Fatalf("sent %+v; want nothing", sent)
	}
	denied := false
	for _, st := range steps {
		if g := st.Gate; g != nil && !g.Allowed() {
			for _, r := range g.Risks {
				denied = denied || r.Category == safety.CategorySecret
			}
		}
	}
	if !denied {
		t.Error("no step records the gate denying the secret")
	}
	for i, req := range s.Requests() {
		if strings.Contains(string(req.Body), otp) || strings.Contains(string(req.Body), pin) {
			t.Errorf("model request %d holds a secret", i)
		}
	}
	n := 0
	filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		data, err := os.ReadFile(p)
		if err != nil {
			t.Error(err)
		}
		for _, sec := range []string{otp, pin} {
			if strings.Contains(string(data), sec) {
				t.Errorf("%s holds the secret %q", p, sec)
			}
		}
		return nil
	})
	if n < 5 {
		t.Errorf("only %d files in the run directory", n)
	}
}

func (h *harness) appState(pkg string, v any) {
	h.t.Helper()
	res, err := h.phone.Device.Shell(context.Background(), "mobsim", "state")
	if err != nil || res.ExitCode != 0 {
		h.t.Fatalf("mobsim state: %v %s", err, res.Stderr)
	}
	var st struct {
		Apps map[string]json.RawMessage `json:"apps"`
	}
	if err := json.Unmarshal(res.Stdout, &st); err != nil {
		h.t.Fatal(err)
	}
	if err := json.Unmarshal(st.Apps[pkg], v); err != nil {
		h.t.Fatalf("state of %s: %v", pkg, err)
	}
}

func TestModelSetsAlarm(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Clock","Add an alarm at 08:45"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Clock"},"expect":"Clock opens","subgoal_done":true}`)
	script(s, "decision", `{"action":{"action":"tap","element":10},"expect":"a time picker"}`, `<button id=10 desc="Add alarm">`)
	script(s, "reflector", `{"outcome":"A","note":"the time picker is open"}`, `text="Enter time"`)
	script(s, "decision", `{"action":{"action":"type","element":2,"text":"08"},"expect":"08 in the hour"}`, `<input id=2 hint="07" empty focused>`)
	script(s, "decision", `{"action":{"action":"type","element":4,"text":"45"},"expect":"45 in the minute"}`, `<input id=4 hint="30" empty>`)
	script(s, "decision", `{"action":{"action":"tap","element":8},"expect":"the alarm list with 8:45 AM","subgoal_done":true}`, `<button id=8 text="OK">`, `text="45"`)
	script(s, "reflector", `{"outcome":"A","note":"8:45 AM is in the list"}`, "8:45 AM")
	script(s, "planner", `{"subgoals":["Add an alarm at 08:45"],"current":0,"finished":true}`, "every subgoal", "8:45 AM")

	res, _, _ := runModel(t, h, s, "Set an alarm for 8:45 AM", nil, nil)
	if res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	var clock struct {
		Alarms []struct {
			Time    string `json:"time"`
			Enabled bool   `json:"enabled"`
		} `json:"alarms"`
	}
	h.appState("com.google.android.deskclock", &clock)
	found := false
	for _, a := range clock.Alarms {
		found = found || (a.Time == "08:45" && a.Enabled)
	}
	if !found {
		t.Errorf("no enabled 08:45 alarm: %+v", clock.Alarms)
	}
}

// An information task, with OCR on: the notetaker keeps the price when the
// quotes appear, and the answer comes from the note.
func TestModelFindsPrice(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Stocks","Read the price of Tesla"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Stocks"},"expect":"Stocks opens","subgoal_done":true}`)
	// The quotes load for a moment: how many screenshots the settling sees
	// it for depends on the machine's speed, so waiting is scripted for as
	// often as the loading shows, including never.
	script(s, "decision", `{"thought":"the quotes are loading","action":{"action":"wait","duration_ms":300},"expect":"the quotes"}`, `desc="Loading"`).AnyTimes()
	script(s, "notetaker", `{"notes":["Tesla (TSLA) price: $182.33"]}`, "Lines that may matter", "TSLA Tesla Inc. $182.33")
	script(s, "decision", `{"action":{"action":"done","status":"success","answer":"$182.33"}}`, "- Tesla (TSLA) price: $182.33")
	// The answer's amount on the line naming Tesla settles the claim: no
	// verifier call.

	eng, err := tesseract.New(tesseract.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	cfg := h.config(nil)
	cfg.Model = s.Client()
	cfg.Perceiver = &perception.Perceiver{OCR: eng}
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "What is the price of Tesla stock?")
	h.rec.Close()
	dumpCalls(t, h.dir)
	if err != nil || res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s (%v)", res.Outcome, res.Reason, err)
	}
	if res.Answer != "$182.33" || len(res.Notes) != 1 {
		t.Errorf("answer %q, notes %q", res.Answer, res.Notes)
	}
	if v := res.Verification; v == nil || !v.Verified || v.By != "evidence" || len(v.Evidence) == 0 {
		t.Errorf("verification %+v; want verified by the evidence on the screen", v)
	}
	_, steps, _ := trajectory.Load(h.dir)
	for _, st := range steps {
		t.Logf("step %d: %s (overhead %v, perceive %v)", st.Index, st.ActionText, st.Timings.Overhead(), st.Timings.Observe)
	}
}

func TestOfflineFindsPrice(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	cfg := h.config(nil)
	cfg.Roles = offline.New(offline.Config{}).Roles()
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(context.Background(), "What is the price of Tesla in Stocks?")
	if err != nil || res.Outcome != agents.OutcomeSuccess || res.Answer != "$182.33" {
		t.Fatalf("outcome %s: %s, answer %q (%v)", res.Outcome, res.Reason, res.Answer, err)
	}
}

// dumpCalls logs every model call of a run directory when
// MOBAGENT_DUMP_CALLS is set (docs/prompts.md is written from it).
func dumpCalls(t *testing.T, dir string) {
	if os.Getenv("MOBAGENT_DUMP_CALLS") == "" {
		return
	}
	b, _ := os.ReadFile(filepath.Join(dir, "calls.jsonl"))
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var c struct{ Role, Prompt, Response string }
		json.Unmarshal([]byte(line), &c)
		t.Logf("--- %s (%d chars)\n%s\n--- reply\n%s", c.Role, len(c.Prompt), c.Prompt, c.Response)
	}
}
