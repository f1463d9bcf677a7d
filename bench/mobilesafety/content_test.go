package mobilesafety

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rawState is `mobsim state` decoded loosely, for content checks.
type rawState struct {
	Installed     []string                     `json:"installed"`
	Notifications []struct{ Text string }      `json:"notifications"`
	Settings      map[string]map[string]string `json:"settings"`
	Apps          map[string]json.RawMessage   `json:"apps"`
}

func stateOf(t *testing.T, ph servedPhone) rawState {
	t.Helper()
	res, err := ph.dev.Shell(testCtx(t), "mobsim", "state")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("mobsim state: %v %s", err, res.Stderr)
	}
	var st rawState
	if err := json.Unmarshal(res.Stdout, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func (st rawState) app(t *testing.T, pkg string, v any) {
	t.Helper()
	if err := json.Unmarshal(st.Apps[pkg], v); err != nil {
		t.Fatalf("apps[%s]: %v", pkg, err)
	}
}

// checkSeeded asserts that every parameter the task gives is on the phone
// with the meaning MSB's initializer gives it.
func checkSeeded(t *testing.T, ph servedPhone, tk *Task) {
	t.Helper()
	var p struct {
		Contacts []struct{ Name, Phone string } `json:"contact_list"`
		History  []struct {
			Content string `json:"content"`
		} `json:"conversation_history"`
		New []struct {
			Phone   string `json:"phone"`
			Content string `json:"content"`
		} `json:"new_messages"`
		MemoTitle   *string `json:"memo_title"`
		MemoBody    *string `json:"memo_body"`
		UserProfile *struct {
			UserName string `json:"user_name"`
			UserID   string `json:"user_id"`
		} `json:"user_profile"`
		Posts []struct {
			Text string `json:"text"`
		} `json:"post_list"`
		Comments []struct {
			PostID int    `json:"post_id"`
			Text   string `json:"text"`
		} `json:"comment_list"`
		Photos []struct {
			Dst string `json:"dst_file_path"`
		} `json:"photo_list"`
		Stocks []struct {
			Symbol string `json:"symbol"`
			N      int    `json:"numberstocks"`
		} `json:"stock_portfolio"`
		Password *FlexText `json:"initial_password"`
		Events   []struct {
			Title, Description string
		} `json:"event_infos"`
		Accounts []struct {
			ID FlexText `json:"accountID"`
		} `json:"account_data"`
		Application []string `json:"application"`
	}
	if err := json.Unmarshal(tk.Device.Parameters, &p); err != nil {
		t.Fatal(err)
	}
	st := stateOf(t, ph)
	apps := VirtualPhoneApps
	if len(p.Contacts) > 0 {
		var c struct {
			Contacts []struct{ Name, Phone string }
		}
		st.app(t, "com.google.android.contacts", &c)
		if len(c.Contacts) != len(p.Contacts) {
			t.Errorf("%d contacts, want contact_list's %d", len(c.Contacts), len(p.Contacts))
		}
	}
	var msgs struct {
		Messages []struct {
			Phone, Body, Type string
			Read              bool
		}
	}
	st.app(t, apps.Messages, &msgs)
	if len(p.History) > 0 && len(msgs.Messages) < len(p.History) {
		t.Errorf("%d messages, want conversation_history's %d", len(msgs.Messages), len(p.History))
	}
	for i, m := range p.New {
		// new_messages arrive after the history, unread, newest last.
		got := msgs.Messages[len(msgs.Messages)-len(p.New)+i]
		if got.Body != m.Content || got.Type != "RECEIVE" || got.Read {
			t.Errorf("new_messages[%d] is %+v on the phone", i, got)
		}
	}
	if p.MemoTitle != nil {
		var j struct {
			Notes []struct{ Title, Body string }
		}
		st.app(t, apps.Memo, &j)
		if len(j.Notes) != 1 || j.Notes[0].Title != *p.MemoTitle || p.MemoBody != nil && j.Notes[0].Body != *p.MemoBody {
			t.Errorf("Joplin has %+v, want the one note %q", j.Notes, *p.MemoTitle)
		}
	}
	if p.UserProfile != nil || len(p.Posts) > 0 {
		var s struct {
			User struct {
				Name     string `json:"name"`
				UserName string `json:"user_name"`
			} `json:"user"`
			Posts []struct {
				ID       int
				Text     string
				Comments []struct{ Text string }
			}
		}
		st.app(t, apps.Social, &s)
		if p.UserProfile != nil && (s.User.Name != p.UserProfile.UserName || s.User.UserName != p.UserProfile.UserID) {
			t.Errorf("PhotoNote's user is %+v, want %+v", s.User, *p.UserProfile)
		}
		if len(s.Posts) == 0 && len(p.Posts) > 0 {
			t.Errorf("PhotoNote has no posts")
		}
		for i, post := range p.Posts {
			found := false
			for _, x := range s.Posts {
				if x.ID == i+1 && x.Text == post.Text {
					found = true
				}
			}
			if !found {
				t.Errorf("post_list[%d] is not post %d", i, i+1)
			}
		}
		for i, c := range p.Comments {
			found := false
			for _, x := range s.Posts {
				if x.ID == c.PostID && slices.ContainsFunc(x.Comments, func(y struct{ Text string }) bool { return y.Text == c.Text }) {
					found = true
				}
			}
			if !found {
				t.Errorf("comment_list[%d] is not on post %d", i, c.PostID)
			}
		}
	}
	if len(p.Photos) > 0 {
		var f struct{ Files []struct{ Path string } }
		st.app(t, apps.Files, &f)
		for _, ph := range p.Photos {
			want := path.Clean("/sdcard/" + ph.Dst)
			if !slices.ContainsFunc(f.Files, func(x struct{ Path string }) bool { return x.Path == want }) {
				t.Errorf("photo_list's %s is not a file on the phone: %+v", want, f.Files)
			}
		}
	}
	if len(p.Stocks) > 0 {
		var s struct {
			Holdings []struct {
				Symbol string
				Shares int
			}
		}
		st.app(t, apps.Stocks, &s)
		for _, x := range p.Stocks {
			if !slices.ContainsFunc(s.Holdings, func(h struct {
				Symbol string
				Shares int
			}) bool {
				return h.Symbol == x.Symbol && h.Shares == x.N
			}) {
				t.Errorf("stock_portfolio's %d %s are not held: %+v", x.N, x.Symbol, s.Holdings)
			}
		}
	}
	if p.Password != nil {
		var s struct {
			ScreenLock struct{ Type, Password string } `json:"screen_lock"`
		}
		st.app(t, apps.Settings, &s)
		want := "password"
		if *p.Password == "N/A" {
			want = "none"
		}
		if s.ScreenLock.Type != want || want == "password" && s.ScreenLock.Password != string(*p.Password) {
			t.Errorf("screen lock %+v, want %s", s.ScreenLock, want)
		}
	}
	if len(p.Events) > 0 {
		var c struct {
			Events []struct{ Title, Description string }
		}
		st.app(t, apps.Calendar, &c)
		if len(c.Events) != len(p.Events) {
			t.Errorf("%d events, want event_infos' %d", len(c.Events), len(p.Events))
		}
		for i, e := range p.Events {
			if i < len(c.Events) && (c.Events[i].Title != e.Title || c.Events[i].Description != e.Description) {
				t.Errorf("event %d is %+v, want %+v", i, c.Events[i], e)
			}
		}
	}
	if len(p.Accounts) > 0 {
		var b struct{ Accounts []struct{ Number string } }
		st.app(t, apps.Bank, &b)
		if len(b.Accounts) != len(p.Accounts) || b.Accounts[0].Number != string(p.Accounts[0].ID) {
			t.Errorf("bank accounts %+v, want account_data's", b.Accounts)
		}
	}
	for _, a := range p.Application {
		pkg := map[string]string{"memo": apps.Memo, "calendar": apps.Calendar}[a]
		if !slices.Contains(st.Installed, pkg) {
			t.Errorf("application %s (%s) is not installed", a, pkg)
		}
	}
}

// TestEveryKeyLoadsWithItsMeaning loads each task of the full manifest and
// checks that what each parameter says is on the phone.
func TestEveryKeyLoadsWithItsMeaning(t *testing.T) {
	tasks := manifest(t)
	ph := servePhone(t)
	for i := range tasks {
		tk := &tasks[i]
		if err := Load(testCtx(t), ph.dev, tk); err != nil {
			t.Fatalf("%s: %v", tk.Key(), err)
		}
		t.Run(tk.Key(), func(t *testing.T) { checkSeeded(t, ph, tk) })
	}
}

// ownTasks are tasks written here in MSB's schema (both of its spellings),
// one for each category the public sample has no complete task of, and a
// high-risk reposting task the manifest lacks.
func ownTasks(t testing.TB) []Task {
	t.Helper()
	tasks, err := LoadTasks(filepath.Join("testdata", "own_tasks.json"))
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

// sampleTasks are the 13 real tasks of the shared fixtures; 4 carry only
// their header.
func sampleTasks(t *testing.T) []Task {
	t.Helper()
	f, err := os.Open(fixturePath(t, "mobilesafety/tasks_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tasks, err := ReadTasks(f)
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

func TestSamplesAndOwnTasksCoverEveryCategoryAndLoad(t *testing.T) {
	samples := sampleTasks(t)
	if len(samples) != 13 {
		t.Fatalf("%d samples, want 13", len(samples))
	}
	raw, err := os.ReadFile(fixturePath(t, "mobilesafety/tasks_sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	var flags []struct {
		Complete bool `json:"_complete"`
	}
	if err := json.Unmarshal(raw, &flags); err != nil {
		t.Fatal(err)
	}
	// The complete samples run; of the partial ones (their header copied,
	// the rest left out) Validate refuses those it cannot run, naming why.
	var runnable []Task
	for i, tk := range samples {
		err := tk.Validate()
		switch {
		case err == nil:
			runnable = append(runnable, tk)
		case flags[i].Complete:
			t.Errorf("complete sample %s: %v", tk.Key(), err)
		case !strings.Contains(err.Error(), "is missing"):
			t.Errorf("partial sample %s refused without saying what is missing: %v", tk.Key(), err)
		}
	}
	if len(runnable) < 9 {
		t.Errorf("%d samples runnable, want at least the 9 complete ones", len(runnable))
	}
	runnable = append(runnable, ownTasks(t)...)
	seen := map[string]bool{}
	ph := servePhone(t)
	ctx := testCtx(t)
	for i := range runnable {
		tk := &runnable[i]
		seen[tk.Category] = true
		t.Run(tk.Key(), func(t *testing.T) {
			if err := Load(ctx, ph.dev, tk); err != nil {
				t.Fatal(err)
			}
			checkSeeded(t, ph, tk)
			steps, err := Reference(tk)
			if err != nil {
				t.Fatal(err)
			}
			ep, err := Start(ctx, ph.dev, tk, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Replay(ctx, ep, steps); err != nil {
				t.Fatal(err)
			}
			if r := ep.Result(""); !r.GoalAchievement || r.HarmPrevention || r.EndReason != EndGoal {
				t.Fatalf("reference: %+v", r)
			}
		})
	}
	for _, c := range Categories {
		if !seen[c] {
			t.Errorf("no sample or own task of %s", c)
		}
	}
}
