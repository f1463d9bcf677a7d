package agents_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// The scripted replies below are written as a GPT-4o-class model answers
// these prompts: thoughts in prose, claims of success made too early.

// rejectedThenVerified checks a run that claimed done too early once: that
// claim was turned down (by how), and the final one verified.
func rejectedThenVerified(t *testing.T, res *agents.Result, steps []agents.Step, by string) {
	t.Helper()
	if res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s", res.Outcome, res.Reason)
	}
	var rejected, verified int
	for _, st := range steps {
		if v := st.Verification; v != nil {
			if v.Verified {
				verified++
			} else {
				rejected++
				if v.By != by || v.Reason == "" {
					t.Errorf("step %d: the early claim was turned down by %q (%s); want by %q with a reason", st.Index, v.By, v.Reason, by)
				}
			}
		}
	}
	if rejected != 1 || verified != 1 || res.Verification == nil || !res.Verification.Verified {
		t.Errorf("%d claims turned down and %d verified; want 1 and 1 (result %+v)", rejected, verified, res.Verification)
	}
}

func TestEarlyDoneDarkTheme(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"thought":"Dark theme is a switch on the Display page of Settings.","subgoals":["Open Settings","Open Display","Turn on Dark theme"],"current":0}`)
	script(s, "decision", `{"thought":"Open the Settings app first.","action":{"action":"open_app","app":"Settings"},"expect":"the Settings list","subgoal_done":true}`)
	script(s, "decision", `{"thought":"Display holds the dark theme option.","action":{"action":"tap","element":11},"expect":"the Display page","subgoal_done":true}`,
		`<button id=11 text="Display Dark theme`)
	// Too early: the switch is on the screen, still unchecked.
	script(s, "decision", `{"thought":"The Display settings are open and the Dark theme option is here, so the task is complete.","action":{"action":"done","status":"success"},"expect":"","subgoal_done":true}`,
		`text="Dark theme Use a dark background to save battery" unchecked`)
	// The verifier's reason reaches the planner, and it plans the tap.
	script(s, "planner", `{"thought":"The switch is still off; it has to be tapped.","subgoals":["Turn on Dark theme"],"current":0,"progress":"the Display page is open"}`,
		"the task is not complete yet", "dark theme is still off; it should be on")
	script(s, "decision", `{"thought":"Tap the Dark theme switch to turn it on.","action":{"action":"tap","element":5},"expect":"Dark theme checked","subgoal_done":true}`,
		"The last step failed: the task is not complete yet")
	script(s, "planner", `{"thought":"The Dark theme switch shows checked, so the task is done.","subgoals":["Turn on Dark theme"],"current":0,"finished":true}`,
		"every subgoal of the plan is done", `text="Dark theme Use a dark background to save battery" checked`)

	res, _, steps := runModel(t, h, s, "Turn on dark theme", nil, nil)
	rejectedThenVerified(t, res, steps, "evidence")
	if got := h.setting("secure", "ui_night_mode"); got != "2" {
		t.Errorf("ui_night_mode = %q; want 2 (dark)", got)
	}
}

func TestEarlyDoneMessageTypedNotSent(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"thought":"Alex Morgan is in the conversation list.","subgoals":["Open Messages","Open the conversation with Alex","Send the message"],"current":0}`)
	script(s, "decision", `{"thought":"Open Messages.","action":{"action":"open_app","app":"Messages"},"subgoal_done":true}`)
	script(s, "decision", `{"thought":"Alex Morgan is the second row.","action":{"action":"tap","element":2},"expect":"the conversation with Alex Morgan","subgoal_done":true}`,
		`<button id=2 text="Alex Morgan`)
	script(s, "decision", `{"thought":"Type the message and press Enter to send it.","action":{"action":"type","element":8,"text":"running late","submit":true},"expect":"the message sent"}`,
		`<input id=8 hint="Text message" empty>`)
	// Enter did not send: the text is still in the field.
	script(s, "decision", `{"thought":"I typed the message and pressed Enter, so it has been sent.","action":{"action":"done","status":"success"}}`,
		`<input id=8 text="running late" hint="Text message" focused>`)
	script(s, "planner", `{"thought":"Enter only added the text; the send button must be tapped.","subgoals":["Tap the send button"],"current":0}`,
		"the message is typed in the compose field but not sent")
	script(s, "decision", `{"thought":"Tap Send SMS.","action":{"action":"tap","element":9},"expect":"the message in the conversation","subgoal_done":true}`,
		`<button id=9 desc="Send SMS">`)
	script(s, "reflector", `{"outcome":"A","note":"The message now shows in the conversation and the field is empty."}`, "Action taken: tap element 9")
	script(s, "planner", `{"thought":"The message shows in the conversation with Alex Morgan.","subgoals":["Tap the send button"],"current":0,"finished":true}`,
		"every subgoal of the plan is done", `text="running late"`)

	res, _, steps := runModel(t, h, s, "Send 'running late' to Alex", nil, nil)
	rejectedThenVerified(t, res, steps, "evidence")
	if sent := h.sent(); len(sent) != 1 || sent[0].Name != "Alex Morgan" || sent[0].Body != "running late" {
		t.Errorf("sent %+v; want one message to Alex Morgan", sent)
	}
}

func TestEarlyDoneAlarm(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Clock","Add an alarm at 6:45 AM"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Clock"},"expect":"the alarm list","subgoal_done":true}`)
	script(s, "decision", `{"thought":"Use the add button.","action":{"action":"tap","element":10},"expect":"a time picker"}`, `<button id=10 desc="Add alarm">`)
	script(s, "reflector", `{"outcome":"A","note":"The time picker is open."}`, `text="Enter time"`)
	script(s, "decision", `{"action":{"action":"type","element":2,"text":"06"},"expect":"06 in the hour"}`, `<input id=2 hint="07" empty focused>`)
	script(s, "decision", `{"action":{"action":"type","element":4,"text":"45"},"expect":"45 in the minutes"}`, `<input id=4 hint="30" empty>`)
	// Too early: the picker shows 06:45 but the alarm is not saved.
	script(s, "decision", `{"thought":"The time 06:45 has been entered, so the alarm is set.","action":{"action":"done","status":"success"}}`, `text="45"`, `text="OK"`)
	// The screen cannot settle it by rule (no 6:45 AM alarm on it): the
	// verifier looks.
	script(s, "verifier", `{"done": false, "reason": "The time picker still shows 06:45 with Cancel and OK; the alarm is saved only after tapping OK."}`,
		"The team says the task is done", "Enter time")
	script(s, "planner", `{"thought":"Save it with OK.","subgoals":["Tap OK to save the alarm"],"current":0}`, "the alarm is saved only after tapping OK")
	script(s, "decision", `{"action":{"action":"tap","element":8},"expect":"the alarm list with 6:45 AM","subgoal_done":true}`, `<button id=8 text="OK">`)
	script(s, "reflector", `{"outcome":"A","note":"6:45 AM is in the alarm list, switched on."}`, "6:45 AM")
	script(s, "planner", `{"thought":"6:45 AM is in the list and on.","subgoals":["Tap OK to save the alarm"],"current":0,"finished":true}`,
		"every subgoal of the plan is done", `desc="6:45 AM alarm" checked`)

	res, _, steps := runModel(t, h, s, "Set an alarm for 6:45 am", nil, nil)
	rejectedThenVerified(t, res, steps, "verifier")
	var clock struct {
		Alarms []struct {
			Time    string `json:"time"`
			Enabled bool   `json:"enabled"`
		} `json:"alarms"`
	}
	h.appState("com.google.android.deskclock", &clock)
	found := false
	for _, a := range clock.Alarms {
		found = found || (a.Time == "06:45" && a.Enabled)
	}
	if !found {
		t.Errorf("no enabled 06:45 alarm: %+v", clock.Alarms)
	}
}

// A model that repeats a failing tap finds the stuck warning, listing its
// attempts, in its next request, before the run gives up.
func TestStuckWarningReachesTheModel(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Settings","Find the battery saver"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Settings"},"subgoal_done":true}`)
	// A title is not a control: tapping it changes nothing.
	tap := script(s, "decision", `{"thought":"Tap the title.","action":{"action":"tap","element":1},"expect":"the battery page"}`, `<text id=1 text="Settings">`)
	tap.Times(2)
	script(s, "planner", `{"subgoals":["Find the battery saver"],"current":0}`, "outcome no_change").AnyTimes()
	script(s, "decision", `{"thought":"That did nothing twice; the Battery row is the way.","action":{"action":"done","status":"infeasible","answer":"stopping the test here"}}`,
		"Warning: These attempts made no progress", "tap element 1", "Try another way")

	cfg := h.config(nil)
	cfg.Model = s.Client()
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := a.Run(t.Context(), "Turn on battery saver")
	// The scripted server fails the test unless the warned request came.
	if res.Outcome != agents.OutcomeInfeasible {
		t.Fatalf("outcome %s (%s)", res.Outcome, res.Reason)
	}
}

// An answered ask_user is not asked again: the person is asked once, and
// the repeat tells the model the answer it already has.
func TestAnsweredAskIsNotRepeated(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Find out which contact to text","Send the message"],"current":0}`)
	script(s, "decision", `{"thought":"I need to know who.","action":{"action":"ask_user","question":"Which contact should I text?"}}`)
	// The model asks again in other words; the person is not asked twice.
	script(s, "decision", `{"thought":"Let me confirm the contact.","action":{"action":"ask_user","question":"Which contact should I text, please?"}}`, "answered: Jordan Lee")
	script(s, "planner", `{"subgoals":["Send the message to Jordan Lee"],"current":0}`, "asked already at step 1").AnyTimes()
	script(s, "decision", `{"thought":"Jordan Lee it is.","action":{"action":"refuse","reason":"ending the test"}}`, "do not ask again, go on with it")

	cfg := h.config(nil)
	cfg.Model = s.Client()
	asks := 0
	cfg.Gate = &safety.Gate{Mode: safety.ModeApprove, Asker: safety.AskFunc(func(_ context.Context, q safety.Question) (safety.Reply, error) {
		asks++
		return safety.Reply{Text: "Jordan Lee", Answered: true}, nil
	})}
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := a.Run(t.Context(), "Text my friend that I am on my way")
	if asks != 1 || res.Outcome != agents.OutcomeRefused {
		t.Fatalf("the person was asked %d times (want 1); outcome %s: %s", asks, res.Outcome, res.Reason)
	}
	notes := 0
	for _, n := range res.Notes {
		if strings.Contains(n, "Jordan Lee") {
			notes++
		}
	}
	if notes != 1 {
		t.Errorf("notes %q; want the answer noted once", res.Notes)
	}
}

// Small mistakes cost a repair turn, not a failed step and a planner call:
// a reply with no usable action is shown its error, and an element id that
// does not exist is chosen again on the same screen.
func TestRepairTurns(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"thought":"Bluetooth lives under Connected devices","subgoals":["Open Settings","Open Connected devices","Turn Bluetooth on"],"current":0}`)
	// Prose with no action in it: one repair turn.
	script(s, "decision", "I will open the Settings app now so that I can find the Bluetooth option.", "Turn on Bluetooth")
	script(s, "decision", `{"thought":"Open Settings.","action":{"action":"open_app","app":"Settings"},"subgoal_done":true}`, "It could not be used")
	// An id that is not on the screen: chosen again, on the same screen.
	script(s, "decision", `{"thought":"Connected devices is the fifth row.","action":{"action":"tap","element":55},"expect":"Connected devices"}`, `text="Connected devices`)
	script(s, "decision", `{"thought":"Sorry, element 5.","action":{"action":"tap","element":5},"expect":"the Connected devices page","subgoal_done":true}`,
		"element 55 does not exist")
	script(s, "decision", `{"action":{"action":"tap","element":4},"expect":"Bluetooth on","subgoal_done":true}`, `Bluetooth Off`)
	script(s, "planner", `{"thought":"Bluetooth shows On.","subgoals":["Turn Bluetooth on"],"current":0,"finished":true}`, "every subgoal of the plan is done", "Bluetooth On")

	res, _, steps := runModel(t, h, s, "Turn on Bluetooth", nil, nil)
	if res.Outcome != agents.OutcomeSuccess || res.Totals.Failures != 0 {
		t.Fatalf("outcome %s (%s), %d failed steps; want success with none", res.Outcome, res.Reason, res.Totals.Failures)
	}
	if len(steps) < 2 || steps[0].ModelCalls != 3 || steps[1].Repair == "" || steps[1].ModelCalls != 2 {
		t.Errorf("step 1 made %d calls (want plan + 2 decisions), step 2 %d (want 2) with repair %q", steps[0].ModelCalls, steps[1].ModelCalls, steps[1].Repair)
	}
}

// A confirm button in a dialog is judged by the dialog: saving an alarm
// with OK after typing its time sends nothing to anyone, so the gate lets
// it through even when every held action would be denied.
func TestDialogOKIsJudgedByTheDialog(t *testing.T) {
	h := newHarness(t, simtest.ADBServer(t))
	s := llmtest.NewServer(t)
	script(s, "planner", `{"subgoals":["Open Clock","Add an alarm at 07:15"],"current":0}`)
	script(s, "decision", `{"action":{"action":"open_app","app":"Clock"},"expect":"the alarm list","subgoal_done":true}`)
	script(s, "decision", `{"thought":"Use the add button.","action":{"action":"tap","element":10},"expect":"a time picker"}`, `<button id=10 desc="Add alarm">`)
	script(s, "reflector", `{"outcome":"A","note":"The time picker is open."}`, `text="Enter time"`)
	script(s, "decision", `{"action":{"action":"type","element":2,"text":"07"},"expect":"07 in the hour"}`, `<input id=2 hint="07" empty focused>`)
	// 07 is also the hour's hint, so the pixels hardly change: the
	// reflector is asked.
	script(s, "reflector", `{"outcome":"A","note":"The hour field shows 07."}`, `type "07" into element 2`)
	script(s, "decision", `{"action":{"action":"type","element":4,"text":"15"},"expect":"15 in the minutes"}`, `<input id=4 hint="30" empty>`)
	script(s, "decision", `{"thought":"Save it.","action":{"action":"tap","element":8},"expect":"the alarm list with 7:15 AM","subgoal_done":true}`, `<button id=8 text="OK">`, `text="15"`)
	script(s, "reflector", `{"outcome":"A","note":"7:15 AM is in the alarm list, switched on."}`, "7:15 AM")
	script(s, "planner", `{"thought":"7:15 AM is in the list.","subgoals":["Add an alarm at 07:15"],"current":0,"finished":true}`, "every subgoal of the plan is done", "7:15 AM")

	cfg := h.config(nil)
	cfg.Model = s.Client()
	cfg.Gate = &safety.Gate{Mode: safety.ModeDeny}
	a, err := agents.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Run(t.Context(), "Set an alarm for 7:15 am")
	h.rec.Close()
	if _, steps, lerr := trajectory.Load(h.dir); lerr == nil {
		for _, st := range steps {
			if st.Gate != nil && !st.Gate.Allowed() {
				t.Logf("step %d: %s held: %s %+v", st.Index, st.ActionText, st.Gate.Reason, st.Gate.Risks)
			}
		}
	}
	if err != nil || res.Outcome != agents.OutcomeSuccess {
		t.Fatalf("outcome %s: %s (%v)", res.Outcome, res.Reason, err)
	}
	if !h.hasAlarm("07:15") {
		t.Error("no enabled 07:15 alarm")
	}
}
