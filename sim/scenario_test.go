package sim

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// msbTask is the part of a MobileSafetyBench task these tests read.
type msbTask struct {
	Complete            bool   `json:"_complete"`
	ID                  string `json:"task_id"`
	Category            string `json:"task_category"`
	InitialDeviceStatus struct {
		Parameters json.RawMessage `json:"parameters"`
	} `json:"initial_device_status"`
}

// TestMSBTasksSeedVisibleContent loads every complete task of the sample and
// checks that what it seeds is on screen and in the dump.
func TestMSBTasksSeedVisibleContent(t *testing.T) {
	b, err := os.ReadFile(fixturePath(t, "mobilesafety/tasks_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tasks []msbTask
	if err := json.Unmarshal(b, &tasks); err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, task := range tasks {
		if !task.Complete {
			continue
		}
		ran++
		t.Run(task.Category+"/"+task.ID, func(t *testing.T) {
			p := newTestPhone(t)
			scenario := `{"msb": ` + string(task.InitialDeviceStatus.Parameters) + `}`
			if err := p.LoadScenario([]byte(scenario)); err != nil {
				t.Fatal(err)
			}
			var params MSBParams
			if err := json.Unmarshal(task.InitialDeviceStatus.Parameters, &params); err != nil {
				t.Fatal(err)
			}
			if len(params.ContactList) > 0 {
				launch(t, p, contactsPkg)
				mustSee(t, p, displayName(params.ContactList[0].Name))
				p.PressKey(3)
			}
			if h := params.ConversationHistory; len(h) > 0 {
				last := h[len(h)-1]
				launch(t, p, messagesPkg)
				want := last.Name
				if want == "N/A" {
					want = last.Phone
				}
				if c := contactsOf(p).byPhone(last.Phone); c != nil {
					want = displayName(c.Name)
				}
				n, ok := find(t, parseDump(t, p.DumpXML()), func(n dumpNode) bool { return n.ID == messagesPkg+":id/conversation_name" })
				if !ok || n.Text != want {
					t.Fatalf("the newest conversation is %q, want %q", n.Text, want)
				}
				tapTextOf(t, p, want)
				mustSee(t, p, last.Content)
				if _, ok := pixelNode(p, last.Content); !ok {
					t.Fatal("the last message is in the dump but not drawn")
				}
				p.PressKey(3)
			}
			if params.MemoTitle != nil {
				launch(t, p, joplinPkg)
				tapTextOf(t, p, *params.MemoTitle)
				first, _, _ := strings.Cut(*params.MemoBody, "\n")
				mustSee(t, p, first)
				p.PressKey(3)
			}
			if len(params.PostList) > 0 {
				launch(t, p, socialPkg)
				post := params.PostList[0]
				mustSee(t, p, post.Name)
				mustSee(t, p, post.Text[:60])
				if params.UserProfile != nil {
					tapDesc(t, p, "Profile")
					mustSee(t, p, "@"+params.UserProfile.UserID)
				}
				p.PressKey(3)
			}
			if len(params.AccountData) > 0 {
				a := params.AccountData[0]
				launch(t, p, bankPkg)
				mustSee(t, p, "Signed in as "+a.Email)
				typeInto(t, p, bankPkg+":id/password", string(a.Password))
				tapTextOf(t, p, "Sign in")
				mustSee(t, p, money(cents(a.Balance)))
			}
		})
	}
	if ran == 0 {
		t.Fatal("the sample has no complete task")
	}
}

func TestScenarioErrorsNameNestedKeys(t *testing.T) {
	for in, want := range map[string]string{
		`{"msb": {"contact_list": [{"id": 1, "name": "A", "phone": "1", "email": "x"}]}}`:                  `msb.contact_list[0].email is an unknown key`,
		`{"msb": {"contact_list": [{"id": "one", "name": "A", "phone": "1"}]}}`:                            `msb.contact_list[0].id has the wrong type`,
		`{"msb": {"post_list": [{"name": "A", "text": "t", "likes_count": "many"}]}}`:                      `msb.post_list[0].likes_count has the wrong type`,
		`{"msb": {"conversation_history": [{"name": "A", "phone": "1", "content": "c", "type": "SENT"}]}}`: `msb.conversation_history[0].type is "SENT"`,
		`{"msb": {"application": ["tetris"]}}`:                                                             `msb.application[0] "tetris" is unknown`,
		`{"messages": [{"phone": "1", "body": "b", "type": "RECEIVE", "time": "yesterday"}]}`:              `messages[0].time "yesterday" is not RFC 3339`,
		`{"alarms": [{"time": "7am"}]}`:                                                                    `alarms[0].time "7am"`,
		`{"events": [{"title": "x", "date": "12/06", "start": "10:00", "end": "11:00"}]}`:                  `events[0].date "12/06"`,
		`{"bank": {"user": "9", "accounts": [{"number": "1", "name": "A", "balance": 5}]}}`:                `bank.user "9"`,
		`{"screen_lock": {"type": "pattern"}}`:                                                             `screen_lock.type "pattern"`,
		`{"shop": {"products": [{"id": "1", "name": "x", "price": "cheap"}]}}`:                             `shop.products[0].price has the wrong type`,
		`{"loading_observations": 99}`:                                                                     `loading_observations is 99, which is out of range: use 0 to 20`,
		`{"social": {"posts": [{"name": "A", "text": "t", "colour": "red"}]}}`:                             `social.posts[0].colour is an unknown key`,
	} {
		p := newTestPhone(t)
		before := p.State()
		err := p.LoadScenario([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadScenario(%s)\n = %v\nwant an error containing %q", in, err, want)
			continue
		}
		after := p.State()
		for pkg, raw := range before.Apps {
			if string(after.Apps[pkg]) != string(raw) {
				t.Errorf("LoadScenario(%s) failed but changed %s", in, pkg)
			}
		}
	}
}

func TestScenarioOwnKeysSeedTheApps(t *testing.T) {
	p := newTestPhone(t)
	err := p.LoadScenario([]byte(`{
		"contacts": [{"name": "Ada Lovelace", "phone": "+44 20 7946 0000"}],
		"messages": [{"phone": "+44 20 7946 0000", "body": "Shall we meet at the Analytical Society?", "type": "RECEIVE", "unread": true}],
		"notes": [{"title": "Engine notes", "body": "Bernoulli numbers"}],
		"photos": [{"name": "difference_engine"}],
		"bank": {"user": "1", "accounts": [{"number": "1", "name": "Ada", "balance": 12.5, "password": "9999"}], "logged_in": true},
		"stocks": {"cash": 100, "holdings": [], "quotes": [{"symbol": "BAB", "name": "Babbage Ltd", "price": 3.5, "change_pct": 1}]},
		"alarms": [{"time": "05:00", "label": "Lecture", "enabled": true}],
		"events": [{"title": "Royal Society", "date": "2026-06-13", "start": "18:00", "end": "19:00"}],
		"shop": {"products": [{"id": "77", "name": "Brass gear set", "price": 19.99}]},
		"notifications": [{"package": "com.mobagent.bank", "title": "Security alert", "text": "New sign-in from Chrome"}],
		"screen_lock": {"type": "pin", "password": "2468"},
		"installed": ["com.mobagent.weather"],
		"loading_observations": 0,
		"dark_mode": true,
		"foreground": "com.google.android.apps.messaging"}`))
	if err != nil {
		t.Fatal(err)
	}
	mustSee(t, p, "Ada Lovelace")
	st := p.State()
	if len(st.Notifications) != 2 || !st.DarkMode || st.Settings["secure"]["lockscreen.password_type"] != lockPIN {
		t.Fatalf("state = %+v", st)
	}
	for pkg, want := range map[string]string{
		joplinPkg: "Engine notes", photosPkg: "difference_engine", bankPkg: `"balance_cents":1250`, stocksPkg: "BAB",
		clockPkg: "Lecture", calendarPkg: "Royal Society",
	} {
		if !strings.Contains(string(st.Apps[pkg]), want) {
			t.Errorf("apps[%s] lacks %s: %s", pkg, want, st.Apps[pkg])
		}
	}
	p.PressKey(3)
	launch(t, p, bankPkg)
	mustSee(t, p, "$12.50") // logged in already
}
