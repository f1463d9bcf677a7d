package mcp_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/mcp"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

const messages = "com.google.android.apps.messaging"

func TestToolsAndAnnotations(t *testing.T) {
	f := start(t, safety.ModeAsk, false)
	res, err := f.cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tools := map[string]*sdk.Tool{}
	for _, tl := range res.Tools {
		tools[tl.Name] = tl
	}
	readOnly := []string{"mobile_list_available_devices", "mobile_list_elements_on_screen", "mobile_take_screenshot", "mobile_get_screen_size", "mobile_list_apps", "task_status", "task_report"}
	acting := []string{"mobile_click_on_screen_at_coordinates", "mobile_long_press_on_screen_at_coordinates", "mobile_tap_element", "mobile_type_keys",
		"mobile_swipe_on_screen", "mobile_press_button", "mobile_launch_app", "run_task"}
	for _, n := range readOnly {
		tl := tools[n]
		if tl == nil || tl.Annotations == nil || !tl.Annotations.ReadOnlyHint {
			t.Errorf("%s: want a read-only tool, got %+v", n, tl)
		}
	}
	for _, n := range acting {
		tl := tools[n]
		if tl == nil || tl.Annotations == nil || tl.Annotations.ReadOnlyHint || tl.Annotations.DestructiveHint == nil {
			t.Errorf("%s: want an acting tool with a destructive hint, got %+v", n, tl)
			continue
		}
		if want := n != "mobile_launch_app"; *tl.Annotations.DestructiveHint != want {
			t.Errorf("%s: destructiveHint %v, want %v", n, *tl.Annotations.DestructiveHint, want)
		}
	}
	for _, n := range []string{"stop_task", "inject_instruction"} {
		if tools[n] == nil {
			t.Errorf("no %s", n)
		}
	}
	// mobile-mcp's argument names, the device on every device tool.
	args := func(n string) map[string]any {
		b, _ := json.Marshal(tools[n].InputSchema)
		var s struct {
			Properties map[string]any `json:"properties"`
			Required   []string       `json:"required"`
		}
		json.Unmarshal(b, &s)
		if !contains(s.Required, "device") && !strings.HasPrefix(n, "task_") && n != "stop_task" && n != "inject_instruction" && n != "mobile_list_available_devices" {
			t.Errorf("%s does not require device: %s", n, b)
		}
		return s.Properties
	}
	for n, want := range map[string][]string{
		"mobile_click_on_screen_at_coordinates":      {"device", "x", "y"},
		"mobile_type_keys":                           {"device", "text", "submit"},
		"mobile_swipe_on_screen":                     {"device", "direction", "x", "y", "distance"},
		"mobile_press_button":                        {"device", "button"},
		"mobile_launch_app":                          {"device", "packageName"},
		"mobile_long_press_on_screen_at_coordinates": {"device", "x", "y", "duration"},
		"mobile_tap_element":                         {"device", "element"},
		"run_task":                                   {"task", "device", "max_steps"},
	} {
		props := args(n)
		for _, w := range want {
			if _, ok := props[w]; !ok {
				t.Errorf("%s lacks argument %s", n, w)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// List, tap by element id, type, read the new screen, and send: the send
// is held for confirmation, the person approves through elicitation, and
// the message goes out.
func TestDeviceToolsWithConfirmation(t *testing.T) {
	// The latest protocol asks through a multi round-trip result; older
	// ones through a server request during the call.
	for _, protocol := range []string{"", "2025-06-18"} {
		t.Run("protocol "+protocol, func(t *testing.T) { deviceToolsWithConfirmation(t, protocol) })
	}
}

func deviceToolsWithConfirmation(t *testing.T, protocol string) {
	f := startProtocol(t, safety.ModeAsk, true, protocol)
	dev := f.phone.Serial
	if got := f.cs.InitializeResult().ProtocolVersion; protocol != "" && got != protocol {
		t.Fatalf("negotiated %s, want %s", got, protocol)
	}

	var list struct {
		Devices []mcp.DeviceInfo `json:"devices"`
	}
	structured(t, f.ok("mobile_list_available_devices", nil), &list)
	if len(list.Devices) != 1 || list.Devices[0].ID != dev {
		t.Fatalf("devices %+v", list)
	}

	res := f.ok("mobile_list_elements_on_screen", map[string]any{"device": dev})
	home := textOf(res)
	if !strings.Contains(home, "<<<UNTRUSTED_SCREEN_CONTENT") || !strings.Contains(home, `text="Messages"`) {
		t.Fatalf("the element list:\n%s", home)
	}
	// The structured screen is `mobagent perceive --json`'s (schema screen).
	raw, _ := json.Marshal(res.StructuredContent)
	if err := format.Validate("screen", raw); err != nil {
		t.Errorf("structured screen: %v\n%s", err, raw)
	}

	res = f.ok("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, home, `text="Messages"`)})
	var done struct {
		Status, Action, Package string
		Point                   []int
	}
	structured(t, res, &done)
	if done.Status != "done" || done.Package != messages || len(done.Point) != 2 || !strings.Contains(done.Action, `"Messages"`) {
		t.Fatalf("tap Messages: %+v\n%s", done, textOf(res))
	}
	// After the action, the new screen.
	list1 := textOf(res)
	if !strings.Contains(list1, "The screen now:") || !strings.Contains(list1, "Mom") {
		t.Fatalf("no new screen after the tap:\n%s", list1)
	}
	res = f.ok("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, list1, `text="Mom `)})
	thread := textOf(res)
	field := elementID(t, thread, `hint="Text message"`)
	res = f.ok("mobile_type_keys", map[string]any{"device": dev, "text": "On my way, see you at 7", "submit": false, "element": field})
	if !strings.Contains(textOf(res), `type "On my way, see you at 7" into element`) {
		t.Errorf("the type result: %s", textOf(res))
	}
	typed := f.ok("mobile_list_elements_on_screen", map[string]any{"device": dev})
	if !strings.Contains(textOf(typed), "On my way, see you at 7") {
		t.Fatalf("the typed text is not on the new screen:\n%s", textOf(typed))
	}

	// Sending a message needs the person's yes.
	f.answer = func(req *sdk.ElicitRequest) *sdk.ElicitResult {
		return &sdk.ElicitResult{Action: "accept", Content: map[string]any{"approve": true}}
	}
	res = f.ok("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, textOf(typed), `desc="Send SMS"`)})
	if len(f.asked) != 1 || !strings.Contains(f.asked[0].Params.Message, "Send SMS") || !strings.Contains(f.asked[0].Params.Message, "Allow it?") {
		t.Fatalf("the person was asked %d times: %+v", len(f.asked), f.asked)
	}
	structured(t, res, &done)
	if done.Status != "done" {
		t.Fatalf("approved send: %s", textOf(res))
	}
	if s := sent(t, f.phone); len(s) != 1 || s[0].Body != "On my way, see you at 7" || s[0].Name != "Mom" {
		t.Errorf("sent %+v", s)
	}
}

// A threat is never sent: typing it and tapping Send with it in the field
// are both held by a deny rule, without asking anyone, and say why.
func TestHarmfulActionsHeld(t *testing.T) {
	f := start(t, safety.ModeApprove, true) // even "approve" cannot send a threat
	dev := f.phone.Serial
	home := textOf(f.ok("mobile_launch_app", map[string]any{"device": dev, "packageName": "Messages"}))
	thread := textOf(f.ok("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, home, `text="Mom `)}))
	field := elementID(t, thread, `hint="Text message"`)

	res := f.call("mobile_type_keys", map[string]any{"device": dev, "text": "I will kill you", "submit": false, "element": field})
	checkHeld(t, res, "harmful")

	// The threat got into the field some other way (the person typed it on
	// the phone): the send is held all the same.
	ctx := context.Background()
	scr := f.ok("mobile_list_elements_on_screen", map[string]any{"device": dev})
	var sj struct {
		Elements []struct {
			ID     int    `json:"id"`
			Bounds [4]int `json:"bounds"`
			Hint   string `json:"hint"`
		} `json:"elements"`
	}
	structured(t, scr, &sj)
	for _, e := range sj.Elements {
		if e.Hint == "Text message" {
			f.phone.Device.Tap(ctx, (e.Bounds[0]+e.Bounds[2])/2, (e.Bounds[1]+e.Bounds[3])/2)
		}
	}
	if err := f.phone.Device.InputText(ctx, "I will kill you"); err != nil {
		t.Fatal(err)
	}
	list := textOf(f.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}))
	res = f.call("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, list, `desc="Send SMS"`)})
	checkHeld(t, res, "harmful")
	// The same tap by coordinates is held too.
	var send [4]int
	structured(t, f.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}), &sj)
	for _, e := range sj.Elements {
		if e.ID == elementID(t, list, `desc="Send SMS"`) {
			send = e.Bounds
		}
	}
	res = f.call("mobile_click_on_screen_at_coordinates", map[string]any{"device": dev, "x": (send[0] + send[2]) / 2, "y": (send[1] + send[3]) / 2})
	checkHeld(t, res, "harmful")
	if len(f.asked) != 0 {
		t.Errorf("a deny rule asked the person: %+v", f.asked)
	}
	if s := sent(t, f.phone); len(s) != 0 {
		t.Errorf("sent %+v", s)
	}
}

func checkHeld(t *testing.T, res *sdk.CallToolResult, category string) {
	t.Helper()
	var h struct {
		Status, Verdict, Reason string
		AnsweredBy              string `json:"answered_by"`
		Risks                   []struct{ Category string }
	}
	structured(t, res, &h)
	txt := textOf(res)
	if !res.IsError || h.Status != "held" || h.Verdict != "blocked" || h.AnsweredBy != "policy" || !strings.HasPrefix(txt, "HELD, not done:") {
		t.Fatalf("want held by policy: %+v\n%s", h, txt)
	}
	found := false
	for _, r := range h.Risks {
		found = found || r.Category == category
	}
	if !found || h.Reason == "" || !strings.Contains(txt, h.Reason) {
		t.Errorf("the held result does not say why (%s): %+v\n%s", category, h, txt)
	}
}

// A client that cannot ask its person gets a refusal, and nothing is sent;
// a person who says no is a refusal too.
func TestConfirmationWithoutElicitationOrDeclined(t *testing.T) {
	for _, c := range []struct {
		name       string
		elicit     bool
		answeredBy string
		reason     string
	}{
		{"no elicitation", false, "nobody", "does not support elicitation"},
		{"declined", true, "person", "you said no"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := start(t, safety.ModeAsk, c.elicit)
			f.answer = func(*sdk.ElicitRequest) *sdk.ElicitResult {
				return &sdk.ElicitResult{Action: "accept", Content: map[string]any{"approve": false}}
			}
			dev := f.phone.Serial
			home := textOf(f.ok("mobile_launch_app", map[string]any{"device": dev, "packageName": messages}))
			thread := textOf(f.ok("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, home, `text="Mom `)}))
			typed := textOf(f.ok("mobile_type_keys", map[string]any{"device": dev, "text": "Running late", "submit": false, "element": elementID(t, thread, `hint="Text message"`)}))
			res := f.call("mobile_tap_element", map[string]any{"device": dev, "element": elementID(t, typed, `desc="Send SMS"`)})
			var h struct {
				Status     string
				AnsweredBy string `json:"answered_by"`
				Reason     string
			}
			structured(t, res, &h)
			if h.Status != "held" || h.AnsweredBy != c.answeredBy || !strings.Contains(h.Reason, c.reason) {
				t.Errorf("held %+v\n%s", h, textOf(res))
			}
			if s := sent(t, f.phone); len(s) != 0 {
				t.Errorf("sent %+v", s)
			}
		})
	}
}

// An element id from a screen that is gone does not tap whatever now has
// that id.
func TestStaleElementRefused(t *testing.T) {
	f := start(t, safety.ModeAsk, false)
	dev := f.phone.Serial
	home := textOf(f.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}))
	id := elementID(t, home, `text="Settings"`)
	if err := f.phone.Device.StartApp(context.Background(), messages); err != nil {
		t.Fatal(err)
	}
	res := f.call("mobile_tap_element", map[string]any{"device": dev, "element": id})
	if !res.IsError || !strings.Contains(textOf(res), "the screen changed since you listed it") {
		t.Errorf("a stale id: %s", textOf(res))
	}
	if st := f.phone.State(); st.Foreground != messages {
		t.Errorf("something was tapped: now in %s", st.Foreground)
	}
}

func TestScreenshotAndSwipe(t *testing.T) {
	f := start(t, safety.ModeAsk, false)
	dev := f.phone.Serial
	for _, marks := range []bool{false, true} {
		res := f.ok("mobile_take_screenshot", map[string]any{"device": dev, "marks": marks})
		img, ok := res.Content[0].(*sdk.ImageContent)
		if !ok || img.MIMEType != "image/jpeg" || len(img.Data) < 1000 || !strings.Contains(textOf(res), "device 540x1200") {
			t.Errorf("marks %v: %T %s", marks, res.Content[0], textOf(res))
		}
	}
	res := f.ok("mobile_swipe_on_screen", map[string]any{"device": dev, "direction": "up"})
	if !strings.Contains(textOf(res), "Done: swipe up") {
		t.Errorf("swipe: %s", textOf(res))
	}
	res = f.call("mobile_swipe_on_screen", map[string]any{"device": dev, "direction": "sideways"})
	if !res.IsError || !strings.Contains(textOf(res), "use up, down, left or right") {
		t.Errorf("a bad direction: %s", textOf(res))
	}
	res = f.call("mobile_press_button", map[string]any{"device": dev, "button": "VOLUME_UP"})
	if !res.IsError || !strings.Contains(textOf(res), "not supported") {
		t.Errorf("volume: %s", textOf(res))
	}
	f.ok("mobile_press_button", map[string]any{"device": dev, "button": "HOME"})
	res = f.call("mobile_list_elements_on_screen", map[string]any{"device": "no-such-phone"})
	if !res.IsError || !strings.Contains(textOf(res), "mobile_list_available_devices") {
		t.Errorf("an unknown device: %s", textOf(res))
	}
}

// held is a decider that waits for release before its first decision, so
// the test knows where the run is.
type held struct {
	agents.Decider
	release chan struct{}
}

func (h held) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	select {
	case <-h.release:
	case <-ctx.Done():
		return agents.DecideOutput{}, ctx.Err()
	}
	return h.Decider.Decide(ctx, in)
}

func TestTaskTools(t *testing.T) {
	phone := simtest.Start(t)
	runs := filepath.Join(t.TempDir(), "runs")
	release := make(chan struct{})
	srv, err := mcp.New(mcp.Config{Devices: phones{phone}, RunsDir: runs, Gate: &safety.Gate{Mode: safety.ModeApprove},
		Tasks: func(ctx context.Context, spec mcp.TaskSpec) (agents.Config, func(), error) {
			team := offline.New(offline.Config{}).Roles()
			team.Decider = held{Decider: team.Decider, release: release}
			return agents.Config{Roles: team, Limits: agents.Limits{MaxSteps: 10}}, nil, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st, ct := sdk.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := srv.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	f := &fixture{t: t, cs: cs, phone: phone}

	type status struct {
		Format  int    `json:"format"`
		RunID   string `json:"run_id"`
		Status  string `json:"status"`
		Outcome string `json:"outcome"`
		Dir     string `json:"dir"`
		Totals  *struct {
			Steps int `json:"steps"`
		} `json:"totals"`
		Resources []string `json:"resources"`
	}
	var s status
	// Every status is formats v2 (schema mcp-task).
	valid := func(res *sdk.CallToolResult) *sdk.CallToolResult {
		t.Helper()
		raw, _ := json.Marshal(res.StructuredContent)
		if err := format.Validate("mcp-task", raw); err != nil {
			t.Errorf("%v\n%s", err, raw)
		}
		return res
	}
	structured(t, valid(f.ok("run_task", map[string]any{"task": "Turn on Bluetooth", "device": phone.Serial})), &s)
	if s.RunID == "" || s.Status != "running" || s.Format != 2 {
		t.Fatalf("run_task: %+v", s)
	}
	// The phone is the run's until it ends.
	if res := f.call("mobile_press_button", map[string]any{"device": phone.Serial, "button": "HOME"}); !res.IsError || !strings.Contains(textOf(res), "busy with run "+s.RunID) {
		t.Errorf("an action during the run: %s", textOf(res))
	}
	if res := f.call("run_task", map[string]any{"task": "Turn on Wi-Fi", "device": phone.Serial}); !res.IsError || !strings.Contains(textOf(res), "busy") {
		t.Errorf("a second run on the phone: %s", textOf(res))
	}
	f.ok("inject_instruction", map[string]any{"run_id": s.RunID, "text": "Use the Settings app"})
	close(release)
	deadline := time.Now().Add(2 * time.Minute)
	for s.Status != "finished" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		structured(t, valid(f.ok("task_status", map[string]any{"run_id": s.RunID})), &s)
	}
	if s.Outcome != "success" || s.Totals == nil || s.Totals.Steps < 2 || len(s.Resources) == 0 {
		t.Fatalf("the run ended %+v", s)
	}
	if phone.Setting("global", "bluetooth_on") != "1" {
		t.Error("Bluetooth is not on")
	}
	// The instruction is in the record of the step that got it.
	_, steps, err := trajectory.Load(s.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 || len(steps[0].Instructions) != 1 || steps[0].Instructions[0] != "Use the Settings app" {
		t.Errorf("step 1 instructions: %+v", steps[0].Instructions)
	}
	if res := f.call("inject_instruction", map[string]any{"run_id": s.RunID, "text": "more"}); !res.IsError || !strings.Contains(textOf(res), "has finished") {
		t.Errorf("an instruction after the end: %s", textOf(res))
	}

	// task_report: run.json as structured content (schema run), the files
	// as resource links.
	rep := f.ok("task_report", map[string]any{"run_id": s.RunID})
	raw, _ := json.Marshal(rep.StructuredContent)
	if err := format.Validate("run", raw); err != nil {
		t.Errorf("task_report: %v", err)
	}
	links := 0
	for _, c := range rep.Content {
		if l, ok := c.(*sdk.ResourceLink); ok && strings.HasPrefix(l.URI, "mobagent://runs/"+s.RunID+"/") {
			links++
		}
	}
	if links < 3 || !strings.Contains(textOf(rep), "success") {
		t.Errorf("task_report: %d links\n%s", links, textOf(rep))
	}
	// The run's files are resources.
	lr, err := cs.ListResources(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	uris := map[string]bool{}
	for _, r := range lr.Resources {
		uris[r.URI] = true
	}
	for _, f := range []string{"run.json", "report.html", "steps.jsonl"} {
		if !uris["mobagent://runs/"+s.RunID+"/"+f] {
			t.Errorf("resources lack %s: %v", f, uris)
		}
	}
	rr, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: "mobagent://runs/" + s.RunID + "/run.json"})
	if err != nil || len(rr.Contents) != 1 || format.Validate("run", []byte(rr.Contents[0].Text)) != nil {
		t.Errorf("read run.json: %v", err)
	}
	if _, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: "mobagent://runs/" + s.RunID + "/../../etc/passwd"}); err == nil {
		t.Error("a path outside the run was served")
	}
	if b, err := os.ReadFile(filepath.Join(s.Dir, "report.html")); err != nil || !strings.Contains(string(b), "Turn on Bluetooth") {
		t.Errorf("report.html: %v", err)
	}

	// stop_task: a run stopped before its first decision ends interrupted,
	// saved, and frees the phone.
	release = make(chan struct{})
	structured(t, f.ok("run_task", map[string]any{"task": "Turn on dark theme", "device": phone.Serial}), &s)
	structured(t, valid(f.ok("stop_task", map[string]any{"run_id": s.RunID})), &s)
	if s.Status != "finished" || s.Outcome != "interrupted" {
		t.Errorf("stop_task: %+v", s)
	}
	if run, _, err := trajectory.Load(s.Dir); err != nil || run.Outcome != agents.OutcomeInterrupted {
		t.Errorf("the stopped run's record: %+v %v", run, err)
	}
	f.ok("mobile_press_button", map[string]any{"device": phone.Serial, "button": "HOME"})
	if res := f.call("task_status", map[string]any{"run_id": "nope"}); !res.IsError || !strings.Contains(textOf(res), "no such run") {
		t.Errorf("an unknown run: %s", textOf(res))
	}
}

// sent is what the phone sent, read as checkers read it.
func sent(t *testing.T, p *simtest.Phone) []struct{ Name, Body string } {
	t.Helper()
	res, err := p.Device.Shell(context.Background(), "mobsim", "state")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("mobsim state: %v %s", err, res.Stderr)
	}
	var st struct {
		Apps map[string]json.RawMessage `json:"apps"`
	}
	if err := json.Unmarshal(res.Stdout, &st); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Sent []struct{ Name, Body string } `json:"sent"`
	}
	json.Unmarshal(st.Apps[messages], &m)
	return m.Sent
}

// run_task's gate asks the person through the client that started the run
// when the client can be asked outside a call (protocols before
// 2026-07-28); otherwise the send is refused and the run says so.
func TestRunTaskConfirmation(t *testing.T) {
	for _, c := range []struct {
		protocol string
		sent     bool
	}{{"2025-06-18", true}, {"", false}} {
		t.Run("protocol "+c.protocol, func(t *testing.T) {
			f := startProtocol(t, safety.ModeAsk, true, c.protocol)
			f.answer = func(*sdk.ElicitRequest) *sdk.ElicitResult {
				return &sdk.ElicitResult{Action: "accept", Content: map[string]any{"approve": true}}
			}
			var s runStatus
			decodeStatus := func(res *sdk.CallToolResult) { s = runStatus{}; structured(t, res, &s) }
			decodeStatus(f.ok("run_task", map[string]any{"task": "Send a message to Mom saying on my way", "device": f.phone.Serial}))
			for deadline := time.Now().Add(2 * time.Minute); s.Status != "finished" && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
				decodeStatus(f.ok("task_status", map[string]any{"run_id": s.RunID}))
			}
			got := sent(t, f.phone)
			if c.sent {
				if len(f.asked) == 0 || len(got) != 1 || got[0].Name != "Mom" || s.Outcome != "success" {
					t.Errorf("asked %d, sent %+v, outcome %s", len(f.asked), got, s.Outcome)
				}
				return
			}
			if len(got) != 0 || len(s.Held) == 0 || s.Held[0].AnsweredBy != "nobody" || s.Outcome == "success" {
				t.Errorf("sent %+v, held %+v, outcome %s", got, s.Held, s.Outcome)
			}
		})
	}
}

type runStatus struct {
	RunID   string `json:"run_id"`
	Status  string `json:"status"`
	Outcome string `json:"outcome"`
	Held    []struct {
		Action     string `json:"action"`
		AnsweredBy string `json:"answered_by"`
	} `json:"held"`
}
