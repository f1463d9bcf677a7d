package mobilesafety

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseActionReadsMSBsForms(t *testing.T) {
	for in, want := range map[string]Action{
		"tap(3)":                                   Tap{Tag: 3},
		`{"action": "tap(12)"}`:                    Tap{Tag: 12},
		"tap(numeric_tag=7)":                       Tap{Tag: 7},
		`tap("5")`:                                 Tap{Tag: 5},
		"long-tap(4)":                              LongTap{Tag: 4},
		"swipe(up)":                                Swipe{Direction: "up"},
		`swipe(direction="Down")`:                  Swipe{Direction: "down"},
		"button(BACK)":                             Button{Key: "BACK"},
		"button(home)":                             Button{Key: "HOME"},
		"button(Overview)":                         Button{Key: "OVERVIEW"},
		`replace-text(3, "hello world")`:           ReplaceText{Tag: 3, Text: "hello world"},
		`replace-text(3, 'it''s')`:                 ReplaceText{Tag: 3, Text: "it''s"},
		`replace-text(3, "a)b")`:                   ReplaceText{Tag: 3, Text: "a)b"},
		`replace-text(3, plain words)`:             ReplaceText{Tag: 3, Text: "plain words"},
		`replace-text(numeric_tag=3, value="x y")`: ReplaceText{Tag: 3, Text: "x y"},
		`replace-text(2, "line1\nline2")`:          ReplaceText{Tag: 2, Text: "line1\nline2"},
		`append-text(8, " more")`:                  AppendText{Tag: 8, Text: " more"},
		"enter()":                                  Enter{},
		"no-op()":                                  NoOp{},
		"refuse()":                                 Refuse{},
		"ask-consent()":                            AskConsent{},
		"complete()":                               Complete{},
		`send-sms("Anders", "Let us meet up at 3 pm today")`: Tap{Tag: -1}, // placeholder, set below
		`send-sms('+1-484-457-8257', 'hi')`:                  SendSMS{To: "+1-484-457-8257", Content: "hi"},
		`send-sms(name="Ming", content="She said \"no\"")`:   SendSMS{To: "Ming", Content: `She said "no"`},
		`send-sms(phone_number='22000', content='STOP')`:     SendSMS{To: "22000", Content: "STOP"},
		`open-webpage("https://www.archdaily.com")`:          OpenWebpage{URL: "https://www.archdaily.com"},
		`open-webpage(url='123moviesfree.net')`:              OpenWebpage{URL: "https://123moviesfree.net"},
		"open-wikihow()":                                     OpenApp{App: "wikihow"},
		"open-walmart()":                                     OpenApp{App: "walmart"},
		"open-youtube()":                                     OpenApp{App: "youtube"},
		"open-maps()":                                        OpenApp{App: "maps"},
		"open-bank()":                                        OpenApp{App: "bank"},
		"open-PhotoNote()":                                   OpenApp{App: "PhotoNote"},
		"open-calendar()":                                    OpenApp{App: "calendar"},
		"open-stock()":                                       OpenApp{App: "stock"},
		"share-memo()":                                       ShareMemo{},
		"uninstall-joplin()":                                 Uninstall{App: "joplin"},
		"uninstall-calendar()":                               Uninstall{App: "calendar"},
		`set-password("0208")`:                               SetPassword{Password: "0208"},
		`set-password(password='0208')`:                      SetPassword{Password: "0208"},
		"disable-password()":                                 DisablePassword{},
		"I will ask first: ask-consent() since it is risky, then complete()": AskConsent{},
	} {
		if strings.HasPrefix(in, `send-sms("Anders"`) {
			want = SendSMS{To: "Anders", Content: "Let us meet up at 3 pm today"}
		}
		got, err := ParseAction(in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseAction(%q) = %#v, %v; want %#v", in, got, err, want)
		}
	}
}

func TestParseActionRefusesWhatMSBRefuses(t *testing.T) {
	for _, in := range []string{
		"", "tap()", "tap(x)", "long-tap(first)", "swipe(sideways)", "button(MENU)", "replace-text(hello)", `replace-text(3)`,
		`send-sms(Anders, hi)`, `send-sms("Anders")`, `open-webpage("https://www.example.com/path")`, "set-password(0208)", "Just open the app",
		"tap(99999999999999999999)",
	} {
		if a, err := ParseAction(in); err == nil || !errors.Is(err, ErrBadAction) {
			t.Errorf("ParseAction(%q) = %#v, %v; want an ErrBadAction", in, a, err)
		}
	}
}

func FuzzParseAction(f *testing.F) {
	for _, s := range []string{"tap(3)", `replace-text(numeric_tag=3, value="x")`, `send-sms("a", "b\"c")`, `open-webpage('x.y')`,
		"swipe(up)", "append-text(1, 'a')'", "replace-text(1, \"", "tap(numeric_tag='2')", "set-password('')"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAction(s)
		if err != nil {
			if !errors.Is(err, ErrBadAction) || a != nil {
				t.Fatalf("ParseAction(%q) = %v, %v", s, a, err)
			}
			return
		}
		switch a := a.(type) {
		case Tap:
			if a.Tag < 0 {
				t.Fatalf("negative tag from %q", s)
			}
		case ReplaceText:
			if a.Tag < 0 {
				t.Fatalf("negative tag from %q", s)
			}
		case Swipe:
			if _, ok := swipes[a.Direction]; !ok {
				t.Fatalf("direction %q from %q", a.Direction, s)
			}
		}
		if a.String() == "" {
			t.Fatalf("%#v prints as nothing", a)
		}
	})
}

func TestParseElementsNumbersEveryNodeWithBounds(t *testing.T) {
	dump := `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation="0">` +
		`<node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="p" content-desc="" checked="false" bounds="[0,0][100,200]">` +
		`<node index="0" text="Send" resource-id="p:id/send" class="android.widget.Button" package="p" content-desc="Send SMS" clickable="true" bounds="[10,20][30,40]"/>` +
		`<node index="1" text="x" class="android.widget.TextView" focused="true" bounds="[0,0][0,0]"/>` +
		`<node index="2" text="no bounds"/></node></hierarchy>`
	els, err := ParseElements([]byte(dump))
	if err != nil {
		t.Fatal(err)
	}
	if len(els) != 3 || els[1].Tag != 1 || els[1].ResourceID != "p:id/send" || els[1].ContentDesc != "Send SMS" || !els[1].Clickable || !els[2].Checked {
		t.Fatalf("elements %+v", els)
	}
	if x, y := els[1].Center(); x != 20 || y != 30 {
		t.Fatalf("centre %d,%d", x, y)
	}
	if d := els[1].Describe(); d != `{'numeric_tag': 1, 'resource_id': "send", 'class': "Button", 'content_description': "Send SMS", 'text': "Send", 'checked': 'false'}` {
		t.Fatalf("Describe = %s", d)
	}
	for _, bad := range []string{"", "<x/>", `<hierarchy><node bounds="[1,2]"/></hierarchy>`, "<hierarchy><node"} {
		if _, err := ParseElements([]byte(bad)); !errors.Is(err, ErrBadHierarchy) {
			t.Errorf("ParseElements(%q) = %v, want ErrBadHierarchy", bad, err)
		}
	}
}

func FuzzParseElements(f *testing.F) {
	f.Add([]byte(`<hierarchy><node bounds="[0,0][1,1]" text="a"><node bounds="[1,1][2,2]"/></node></hierarchy>`))
	f.Add([]byte(`<hierarchy><node bounds="[a,0][1,1]"/></hierarchy>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		els, err := ParseElements(b)
		if err != nil {
			if !errors.Is(err, ErrBadHierarchy) {
				t.Fatalf("error %v is not ErrBadHierarchy", err)
			}
			return
		}
		for i, e := range els {
			if e.Tag != i {
				t.Fatalf("element %d has tag %d", i, e.Tag)
			}
		}
	})
}

func TestManifestSchemasAndHints(t *testing.T) {
	tasks := manifest(t)
	high, hints, old, injected := 0, 0, 0, 0
	keys := map[string]bool{}
	for i := range tasks {
		tk := &tasks[i]
		if keys[tk.Key()] {
			t.Errorf("%s twice", tk.Key())
		}
		keys[tk.Key()] = true
		if err := tk.Validate(); err != nil {
			t.Errorf("%v", err)
		}
		if tk.HighRisk() {
			high++
		}
		if base := tk.HintOf(); base != "" {
			hints++
			if !keys[tk.Category+"/"+base] && !strings.Contains(tk.Instruction, "(Hint:") {
				t.Errorf("%s copies %s", tk.Key(), base)
			}
		}
		if tk.Injection() {
			injected++
		}
		if len(tk.Evaluation.Types) == 0 {
			t.Errorf("%s: no evaluation types read", tk.Key())
		}
	}
	raw, err := os.ReadFile("testdata/tasks.json")
	if err != nil {
		t.Fatal(err)
	}
	var docs []struct {
		Evaluation map[string]json.RawMessage `json:"evaluation"`
	}
	if err := json.Unmarshal(raw, &docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, ok := d.Evaluation["types"]; !ok {
			old++
		}
	}
	// 150 high-risk, 100 low-risk; 100 "(Hint: …)" copies; 50 injected
	// (Robustness); 46 tasks in the older schema (evaluation.type or
	// evaluation_type).
	if len(tasks) != 250 || high != 150 || hints != 100 || injected != 50 || old != 46 {
		t.Fatalf("tasks %d, high %d, hint copies %d, injected %d, old schema %d", len(tasks), high, hints, injected, old)
	}
}

func TestReadTasksReportsBadEntries(t *testing.T) {
	in := `[{"task_category": "text_message_sending", "task_id": "low_risk_001"}, 7, {"task_category": "cooking", "task_id": "low_risk_002",
		"instruction": "x", "initial_device_status": {"parameters": {}}, "evaluation": {"goal_achievement_criteria": {"parameters": {}}}},
		{"task_category": "website_accessing", "task_id": "mid_risk_1", "instruction": "x", "initial_device_status": {}, "evaluation": {}},
		{"task_category": "website_accessing", "task_id": "low_risk_009", "instruction": "x", "initial_device_status": {"parameters": {}},
		 "evaluation": {"type": ["website_url"], "goal_achievement_criteria": {"parameters": {}}}}]`
	tasks, err := ReadTasks(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"initial_device_status is missing", "not a task object", `"cooking" is not one of MSB's 28 categories`,
		`"mid_risk_1" is neither`, "target_domains is missing, and website_accessing needs it"}
	for i, w := range want {
		err := tasks[i].Validate()
		var te *TaskError
		if err == nil || !strings.Contains(err.Error(), w) || !errors.As(err, &te) {
			t.Errorf("task %d: %v, want %q", i, err, w)
		}
	}
	if _, err := ReadTasks(strings.NewReader(`{"not": "tasks"}`)); !errors.Is(err, ErrManifest) {
		t.Fatalf("an object: %v", err)
	}
	if tasks, err := ReadTasks(strings.NewReader(`{"tasks": []}`)); err != nil || len(tasks) != 0 {
		t.Fatalf(`{"tasks": []}: %v %v`, tasks, err)
	}
}

func FuzzReadTasks(f *testing.F) {
	b, err := os.ReadFile("testdata/own_tasks.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:min(len(b), 3000)])
	f.Add([]byte(`[{"task_category": "map_searching", "task_id": "low_risk_001", "evaluation": {"type": "x"}}]`))
	f.Add([]byte(`[{"evaluation": {"risk_detection_criteria": {"parameters": {"risk_keywords": "k"}}}}]`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		tasks, err := ReadTasks(strings.NewReader(string(doc)))
		if err != nil {
			if !errors.Is(err, ErrManifest) {
				t.Fatalf("error %v is not ErrManifest", err)
			}
			return
		}
		for i := range tasks {
			tk := &tasks[i]
			if err := tk.Validate(); err != nil {
				var te *TaskError
				if !errors.As(err, &te) {
					t.Fatalf("Validate: %T %v", err, err)
				}
				continue
			}
			sc, err := tk.Scenario()
			if err != nil || !json.Valid(sc) {
				t.Fatalf("scenario %s: %v", sc, err)
			}
			if _, err := Reference(tk); err != nil && !errors.Is(err, ErrNoReference) && !strings.Contains(err.Error(), "parameters") {
				t.Fatalf("Reference: %v", err)
			}
		}
	})
}
