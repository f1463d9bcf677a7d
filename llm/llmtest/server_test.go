package llmtest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/llmtest"
)

// fakeTB captures failures and cleanups so the server's own verification can
// be tested.
type fakeTB struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) { f.Errorf(format, args...) }
func (f *fakeTB) Cleanup(fn func())                 { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) finish() []string {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f.errs
}

func TestUnusedReplyFailsTheTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	s := llmtest.NewServer(ft)
	s.Reply("used")
	s.Reply("never used")
	if _, err := s.Client().Generate(context.Background(), []llm.Message{llm.UserText("hi")}); err != nil {
		t.Fatal(err)
	}
	errs := ft.finish()
	if len(errs) != 1 || !strings.Contains(errs[0], `"never used"`) || !strings.Contains(errs[0], "fewer model calls") {
		t.Errorf("failures = %q; want one naming the unused reply", errs)
	}
}

func TestUnexpectedCallFailsTheTest(t *testing.T) {
	ft := &fakeTB{TB: t}
	s := llmtest.NewServer(ft)
	s.Reply("only for settings").When(llmtest.Contains("Settings"))
	c := s.Client()
	_, err := c.Generate(context.Background(), []llm.Message{llm.UserText("open the camera")})
	if err == nil || llm.IsRetryable(err) {
		t.Errorf("unscripted call returned %v; want a non-retryable error", err)
	}
	if _, err := c.Generate(context.Background(), []llm.Message{llm.UserText("open Settings")}); err != nil {
		t.Errorf("matching call: %v", err)
	}
	errs := ft.finish()
	if len(errs) != 1 || !strings.Contains(errs[0], "unexpected request #0") || !strings.Contains(errs[0], "open the camera") {
		t.Errorf("failures = %q", errs)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("%d requests recorded; want 2", n)
	}
}

func TestMatchersTimesAndPaths(t *testing.T) {
	s := llmtest.NewServer(t)
	s.Reply("for B").When(llmtest.LastUserContains("B"), llmtest.SystemContains("sys"), llmtest.Model(llmtest.DefaultModel))
	s.Reply("for anything").Times(2)
	s.Reply("spare").AnyTimes()
	c := s.Client()
	ask := func(text string) string {
		t.Helper()
		r, err := c.Generate(context.Background(), []llm.Message{llm.System("sys"), llm.UserText(text)})
		if err != nil {
			t.Fatal(err)
		}
		return r.Text
	}
	got := []string{ask("A"), ask("B"), ask("C"), ask("D")}
	want := []string{"for anything", "for B", "for anything", "spare"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("replies %q; want %q", got, want)
	}
	if s.Pending() != 0 {
		t.Errorf("Pending = %d", s.Pending())
	}
	// The bare path (no /v1) is served too.
	cfg := s.Config()
	cfg.Profile.BaseURL = strings.TrimSuffix(s.URL, "/v1")
	c2, _ := newClient(cfg)
	r, err := c2.Generate(context.Background(), []llm.Message{llm.System("sys"), llm.UserText("x")})
	if err != nil || r.Text != "spare" {
		t.Fatalf("bare path: %v %v", r, err)
	}
	if p := s.Requests()[4].Path; p != "/chat/completions" {
		t.Errorf("path = %s", p)
	}
}

// A reply written from the request sees what the client sent.
func TestReplyWith(t *testing.T) {
	s := llmtest.NewServer(t)
	s.ReplyWith(func(r *llmtest.Request) string { return "you said " + strings.ToUpper(r.LastUserText()) }).Times(2)
	c := s.Client()
	for _, in := range []string{"tap 5", "swipe up"} {
		r, err := c.Generate(context.Background(), []llm.Message{llm.System("sys"), llm.UserText(in)})
		if err != nil || r.Text != "you said "+strings.ToUpper(in) {
			t.Errorf("%q: %q %v", in, r.Text, err)
		}
	}
}
