package agents_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/sim/simtest"
)

// Issue 13's budgets: what a step costs on five everyday tasks, counted
// with GPT-4o's tokenizer (o200k_base) and OpenAI's image rule, not with
// the scripted server's estimate.
const (
	budgetTextTokens   = 1000 // prompt tokens a step, text only
	budgetVisionTokens = 1800 // prompt tokens a step, with screenshots
	budgetCalls        = 2.0  // model calls a step
)

var o200k = sync.OnceValues(func() (*tiktoken.Tiktoken, error) {
	tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
	return tiktoken.GetEncoding("o200k_base")
})

// promptTokens counts a request as the endpoint bills it: every message's
// text, 3 tokens of framing a message and 3 to prime the reply, and each
// image by its size and detail.
func promptTokens(t *testing.T, req *llmtest.Request) (text, images int) {
	t.Helper()
	enc, err := o200k()
	if err != nil {
		t.Fatalf("tokenizer: %v", err)
	}
	text = 3
	for _, m := range req.Messages {
		text += 3 + len(enc.Encode(m.Role, nil, nil)) + len(enc.Encode(m.Text, nil, nil))
		for _, im := range m.Images {
			if im.Width == 0 {
				t.Fatalf("an image of %d bytes (%s) did not decode", len(im.Data), im.MIMEType)
			}
			images += llm.ImageTokens(im.Width, im.Height, llm.ImageDetail(im.Detail))
		}
	}
	return text, images
}

// budgetTask is one scripted task: the replies a GPT-4o-class model sends
// on a good run (thoughts in prose, no mistakes the loop must repair), and
// a check of the phone afterwards.
type budgetTask struct {
	name, task string
	ocr        bool
	script     func(s *llmtest.Server)
	check      func(t *testing.T, h *harness, res *agents.Result)
}

func budgetTasks() []budgetTask {
	return []budgetTask{{
		name: "message", task: "Send a message to Mom saying On my way, see you at 7",
		script: func(s *llmtest.Server) {
			script(s, "planner", `{"thought":"Mom should be in the Messages conversation list.","subgoals":["Open Messages","Open the conversation with Mom","Type and send the message"],"current":0}`)
			script(s, "decision", `{"thought":"Start by opening the Messages app.","action":{"action":"open_app","app":"Messages"},"expect":"the list of conversations","subgoal_done":true}`)
			script(s, "decision", `{"thought":"Mom is in the list of conversations.","action":{"action":"tap","element":9},"expect":"the conversation with Mom","subgoal_done":true}`, `<button id=9 text="Mom `)
			script(s, "decision", `{"thought":"The compose field is empty; type the message.","action":{"action":"type","element":8,"text":"On my way, see you at 7"},"expect":"the text in the field"}`, `<input id=8 hint="Text message" empty>`)
			script(s, "decision", `{"thought":"The text is in the field; tap send.","action":{"action":"tap","element":9},"expect":"the message in the conversation","subgoal_done":true}`, `text="On my way, see you at 7"`, `<button id=9 desc="Send SMS">`)
			script(s, "reflector", `{"outcome":"A","note":"The message now shows as the latest in the conversation with Mom."}`, "Action taken: tap element 9")
			script(s, "planner", `{"thought":"The message shows in the conversation.","subgoals":["Type and send the message"],"current":0,"finished":true}`, "every subgoal")
		},
		check: func(t *testing.T, h *harness, _ *agents.Result) {
			if sent := h.sent(); len(sent) != 1 || sent[0].Name != "Mom" || sent[0].Body != "On my way, see you at 7" {
				t.Errorf("sent %+v", sent)
			}
		},
	}, {
		name: "alarm", task: "Set an alarm for 8:45 AM",
		script: func(s *llmtest.Server) {
			script(s, "planner", `{"thought":"Alarms are set in the Clock app.","subgoals":["Open Clock","Add an alarm at 08:45"],"current":0}`)
			script(s, "decision", `{"thought":"Open the Clock app.","action":{"action":"open_app","app":"Clock"},"expect":"the alarm list","subgoal_done":true}`)
			script(s, "decision", `{"thought":"The add button opens the time picker.","action":{"action":"tap","element":10},"expect":"a time picker"}`, `<button id=10 desc="Add alarm">`)
			script(s, "reflector", `{"outcome":"A","note":"The time picker is open with hour and minute fields."}`, `text="Enter time"`)
			script(s, "decision", `{"thought":"Type the hour.","action":{"action":"type","element":2,"text":"08"},"expect":"08 in the hour"}`, `<input id=2 hint="07" empty focused>`)
			script(s, "decision", `{"thought":"Now the minutes.","action":{"action":"type","element":4,"text":"45"},"expect":"45 in the minute"}`, `<input id=4 hint="30" empty>`)
			script(s, "decision", `{"thought":"08:45 is entered; save it with OK.","action":{"action":"tap","element":8},"expect":"the alarm list with 8:45 AM","subgoal_done":true}`, `<button id=8 text="OK">`, `text="45"`)
			script(s, "reflector", `{"outcome":"A","note":"8:45 AM is in the alarm list and switched on."}`, "8:45 AM")
			script(s, "planner", `{"thought":"The 8:45 AM alarm is in the list.","subgoals":["Add an alarm at 08:45"],"current":0,"finished":true}`, "every subgoal", "8:45 AM")
		},
		check: func(t *testing.T, h *harness, _ *agents.Result) {
			if !h.hasAlarm("08:45") {
				t.Error("no enabled 08:45 alarm")
			}
		},
	}, {
		name: "price", task: "What is the price of Tesla stock?", ocr: true,
		script: func(s *llmtest.Server) {
			script(s, "planner", `{"thought":"The Stocks app lists quotes.","subgoals":["Open Stocks","Read the price of Tesla"],"current":0}`)
			script(s, "decision", `{"thought":"Open the Stocks app.","action":{"action":"open_app","app":"Stocks"},"expect":"the list of quotes","subgoal_done":true}`)
			script(s, "decision", `{"thought":"The quotes are still loading.","action":{"action":"wait","duration_ms":300},"expect":"the quotes"}`, `desc="Loading"`).AnyTimes()
			script(s, "notetaker", `{"notes":["Tesla (TSLA) price: $182.33"]}`, "Lines that may matter", "TSLA Tesla Inc. $182.33")
			script(s, "decision", `{"thought":"The note holds the price of Tesla.","action":{"action":"done","status":"success","answer":"$182.33"}}`, "- Tesla (TSLA) price: $182.33")
			// The answer's amount on the line naming Tesla settles the claim
			// without a verifier call.
		},
		check: func(t *testing.T, _ *harness, res *agents.Result) {
			if res.Answer != "$182.33" {
				t.Errorf("answer %q", res.Answer)
			}
		},
	}, {
		name: "dark theme", task: "Turn on dark theme",
		script: func(s *llmtest.Server) {
			script(s, "planner", `{"thought":"Dark theme is a switch on the Display page of Settings.","subgoals":["Open Settings","Open Display","Turn on Dark theme"],"current":0}`)
			script(s, "decision", `{"thought":"Open the Settings app first.","action":{"action":"open_app","app":"Settings"},"expect":"the Settings list","subgoal_done":true}`)
			script(s, "decision", `{"thought":"Display holds the dark theme option.","action":{"action":"tap","element":11},"expect":"the Display page","subgoal_done":true}`, `<button id=11 text="Display Dark theme`)
			script(s, "decision", `{"thought":"Tap the Dark theme switch to turn it on.","action":{"action":"tap","element":5},"expect":"Dark theme checked","subgoal_done":true}`, `text="Dark theme Use a dark background to save battery" unchecked`)
			script(s, "planner", `{"thought":"The Dark theme switch shows checked.","subgoals":["Turn on Dark theme"],"current":0,"finished":true}`, "every subgoal", `text="Dark theme Use a dark background to save battery" checked`)
		},
		check: func(t *testing.T, h *harness, _ *agents.Result) {
			if got := h.setting("secure", "ui_night_mode"); got != "2" {
				t.Errorf("ui_night_mode = %q; want 2 (dark)", got)
			}
		},
	}, {
		name: "cross-app", task: "Look up the price of Tesla in Stocks and text it to Mom", ocr: true,
		script: func(s *llmtest.Server) {
			script(s, "planner", `{"thought":"Read the price in Stocks first, then send it from Messages.","subgoals":["Open Stocks","Read the price of Tesla","Open Messages","Send the price to Mom"],"current":0}`)
			script(s, "decision", `{"thought":"Open Stocks to find the price.","action":{"action":"open_app","app":"Stocks"},"expect":"the list of quotes","subgoal_done":true}`)
			script(s, "decision", `{"thought":"The quotes are still loading.","action":{"action":"wait","duration_ms":300},"expect":"the quotes"}`, `desc="Loading"`).AnyTimes()
			script(s, "notetaker", `{"notes":["Tesla (TSLA) price: $182.33"]}`, "Lines that may matter", "TSLA Tesla Inc. $182.33")
			script(s, "decision", `{"thought":"The price is noted; now open Messages.","action":{"action":"open_app","app":"Messages"},"expect":"the list of conversations","subgoal_done":true}`, "- Tesla (TSLA) price: $182.33", "TSLA Tesla Inc.")
			script(s, "decision", `{"thought":"Open the conversation with Mom.","action":{"action":"tap","element":10},"expect":"the conversation with Mom"}`, `<button id=10 text="Mom `)
			script(s, "decision", `{"thought":"Type the price from the note.","action":{"action":"type","element":9,"text":"Tesla is at $182.33"},"expect":"the text in the field"}`, `<input id=9 hint="Text message" empty>`)
			script(s, "decision", `{"thought":"Send it.","action":{"action":"tap","element":10},"expect":"the message in the conversation","subgoal_done":true}`, `text="Tesla is at $182.33"`, `<button id=10 desc="Send SMS">`)
			script(s, "reflector", `{"outcome":"A","note":"The price was sent to Mom and shows in the conversation."}`, "Action taken: tap element 10")
			script(s, "decision", `{"thought":"The message with the price shows in the conversation with Mom, so the task is complete.","action":{"action":"done","status":"success"}}`, `text="Tesla is at $182.33"`)
			script(s, "verifier", `{"done": true, "reason": "The conversation with Mom shows the sent message \"Tesla is at $182.33\", the price noted from Stocks."}`,
				"The team says the task is done", "Tesla (TSLA) price: $182.33")
		},
		check: func(t *testing.T, h *harness, _ *agents.Result) {
			if sent := h.sent(); len(sent) != 1 || sent[0].Name != "Mom" || !strings.Contains(sent[0].Body, "$182.33") {
				t.Errorf("sent %+v", sent)
			}
		},
	}}
}

func (h *harness) hasAlarm(hhmm string) bool {
	var clock struct {
		Alarms []struct {
			Time    string `json:"time"`
			Enabled bool   `json:"enabled"`
		} `json:"alarms"`
	}
	h.appState("com.google.android.deskclock", &clock)
	for _, a := range clock.Alarms {
		if a.Time == hhmm && a.Enabled {
			return true
		}
	}
	return false
}

// TestBudgets runs the five tasks text-only and with vision, counts what
// every request would cost, and holds the loop to issue 13's budgets.
func TestBudgets(t *testing.T) {
	server := simtest.ADBServer(t)
	var table []string
	for _, vision := range []bool{false, true} {
		for _, bt := range budgetTasks() {
			mode := "text"
			if vision {
				mode = "vision"
			}
			t.Run(mode+"/"+bt.name, func(t *testing.T) {
				h := newHarness(t, server)
				s := llmtest.NewServer(t)
				bt.script(s)
				cfg := h.config(nil)
				cfg.Model = s.Client()
				cfg.Vision = vision
				if bt.ocr {
					eng, err := tesseract.New(tesseract.Config{})
					if err != nil {
						t.Fatal(err)
					}
					defer eng.Close()
					cfg.Perceiver = &perception.Perceiver{OCR: eng}
				}
				a, err := agents.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				res, err := a.Run(t.Context(), bt.task)
				if err != nil || res.Outcome != agents.OutcomeSuccess || os.Getenv("MOBAGENT_DUMP_CALLS") != "" {
					for i, r := range s.Requests() {
						t.Logf("request %d (%s):\n%s", i, roleOf(r), r.Text())
					}
				}
				if err != nil || res.Outcome != agents.OutcomeSuccess {
					t.Fatalf("outcome %s: %s (%v)", res.Outcome, res.Reason, err)
				}
				bt.check(t, h, res)

				steps := res.Totals.Steps
				var text, images int
				byRole := map[string]int{}
				reqs := s.Requests()
				for _, req := range reqs {
					tx, im := promptTokens(t, req)
					text += tx
					images += im
					byRole[roleOf(req)] += tx + im
				}
				if len(reqs) != res.Totals.ModelCalls {
					t.Errorf("%d requests reached the server, the run counts %d calls", len(reqs), res.Totals.ModelCalls)
				}
				perStep := float64(text+images) / float64(steps)
				calls := float64(len(reqs)) / float64(steps)
				limit := budgetTextTokens
				if vision {
					limit = budgetVisionTokens
				}
				row := fmt.Sprintf("| %-6s | %-10s | %2d | %2d | %4.2f | %5d | %5d | %6.0f | %s |", mode, bt.name, steps, len(reqs), calls, text, images, perStep, roleTable(byRole))
				table = append(table, row)
				t.Log(row)
				if perStep > float64(limit) {
					t.Errorf("%.0f prompt tokens a step; the budget is %d", perStep, limit)
				}
				if calls > budgetCalls {
					t.Errorf("%.2f calls a step; the budget is %.0f", calls, budgetCalls)
				}
			})
		}
	}
	t.Log("\n| mode   | task       | steps | calls | calls/step | text tokens | image tokens | tokens/step | by role |\n" + strings.Join(table, "\n"))
}

// roleOf names the role a request is for from its system prompt.
func roleOf(req *llmtest.Request) string {
	for _, m := range req.Messages {
		if m.Role == "system" {
			for _, r := range []string{"planner", "decision", "reflector", "notetaker", "verifier"} {
				if strings.Contains(m.Text, "You are the "+r+" ") {
					return r
				}
			}
		}
	}
	return "other"
}

func roleTable(m map[string]int) string {
	var parts []string
	for _, r := range []string{"planner", "decision", "reflector", "notetaker", "verifier", "other"} {
		if m[r] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", r, m[r]))
		}
	}
	return strings.Join(parts, ", ")
}
