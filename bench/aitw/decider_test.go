package aitw

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/llm"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/llm/openai"
)

// The scripted scenario: the model's reply depends only on a word in the goal,
// and the ground truth is set so that the score follows by hand.
//
// Per subset, 8 episodes of 5 steps:
//
//	j  ground truth         reply                  matched
//	0  PRESS_BACK           key back               5
//	1  PRESS_BACK           key back               5
//	2  PRESS_BACK           key back               5
//	3  tap in annotation 1  tap element 1          5
//	4  tap in annotation 1  tap element 1          5
//	5  PRESS_HOME           key back (WebShopping: key home)  0 (5)
//	6  TYPE "hello"         type "hi" (text is not compared)  5
//	7  PRESS_BACK           open_app (no AitW form: invalid)  0
//
// So General, Install, GoogleApps and Single match 30 of 40 steps (75%) with
// 6 of 8 episodes succeeding, WebShopping 35 of 40 (87.5%) with 7 of 8:
// 155 of 200 steps, Overall (4×75 + 87.5)/5 = 77.5, 31 of 40 episodes.
var scriptedReplies = map[string]string{
	"reply-back":    `{"thought":"go back","action":{"action":"key","key":"back"}}`,
	"reply-home":    `{"thought":"go home","action":{"action":"key","key":"home"}}`,
	"reply-tap":     `{"thought":"press OK","action":{"action":"tap","element":1},"expect":"the next page"}`,
	"reply-type":    `{"thought":"type","action":{"action":"type","element":1,"text":"hi"}}`,
	"reply-openapp": `{"thought":"open it","action":{"action":"open_app","app":"Chrome"}}`,
}

const (
	scriptedMatched   = 155
	scriptedSucceeded = 31
	scriptedOverall   = 77.5
)

// scriptedEpisodes makes the 200-step scenario. Each step carries a marker
// annotation "step-EPISODE-STEP" so requests can be traced to their step.
func scriptedEpisodes() []*Episode {
	eps := genEpisodes(21, 8, 5)
	for i, ep := range eps {
		j := i % 8
		reply := map[int]string{0: "reply-back", 1: "reply-back", 2: "reply-back", 3: "reply-tap", 4: "reply-tap",
			5: "reply-back", 6: "reply-type", 7: "reply-openapp"}[j]
		if j == 5 && ep.Subset == WebShopping {
			reply = "reply-home"
		}
		ep.Goal = fmt.Sprintf("Episode %d of %s: please do it (%s)", i, ep.Subset, reply)
		for s := range ep.Steps {
			st := &ep.Steps[s]
			st.Goal = ep.Goal
			st.Annotations = []Annotation{
				{Box: [4]float64{0.375, 0.375, 0.25, 0.25}, Text: "OK", UIType: "TEXT"},
				{Box: [4]float64{0, 0, 0.1, 0.5}, Text: fmt.Sprintf("step-%s-%d", ep.ID, s), UIType: "TEXT"},
				{Box: [4]float64{0.9, 0.4, 0.1, 0.2}, UIType: "ICON_HOME"},
			}
			a := Action{ActionType: PressBack, TouchYX: NoPoint, LiftYX: NoPoint}
			switch j {
			case 3, 4:
				a = Action{ActionType: DualPoint, TouchYX: [2]float64{0.5, 0.5}, LiftYX: [2]float64{0.5, 0.5}}
			case 5:
				a.ActionType = PressHome
			case 6:
				a.ActionType, a.TypedText = TypeText, "hello"
			}
			st.Action = a
		}
	}
	return eps
}

var stepMarker = regexp.MustCompile(`step-(\d+)-(\d+)`)

// requestStep names the step a request was for, from its marker.
func requestStep(t *testing.T, r *llmtest.Request) StepKey {
	t.Helper()
	m := stepMarker.FindStringSubmatch(r.LastUserText())
	if m == nil {
		t.Fatalf("request #%d has no step marker:\n%s", r.Index, r.LastUserText())
	}
	n, _ := strconv.Atoi(m[2])
	return StepKey{m[1], n}
}

// scriptedServer scripts the replies, any number of times and in any order:
// matched on the goal's reply word and on the screenshot being attached.
// Each call reports 1000 prompt and 100 completion tokens.
func scriptedServer(t *testing.T) *llmtest.Server {
	srv := llmtest.NewServer(t)
	for word, reply := range scriptedReplies {
		srv.Reply(reply).When(llmtest.LastUserContains("("+word+")"), llmtest.HasImage()).WithUsage(1000, 100).AnyTimes()
	}
	return srv
}

// scriptedClient is a client of srv asking for model name (which tells the
// requests of one run from another's, whenever they arrive), priced so that
// each call costs $0.0012 (1000 tokens at $1/M, 100 at $2/M).
func scriptedClient(t *testing.T, srv *llmtest.Server, name string, concurrency int) *openai.Client {
	cfg := srv.Config()
	cfg.Profile.Model = name
	cfg.Profile.Limits.MaxConcurrent = concurrency
	cfg.Prices = llm.DefaultPrices()
	cfg.Prices.Set(name, llm.Price{Input: 1, Output: 2})
	m, err := openai.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// requestsOf returns srv's requests for model name.
func requestsOf(srv *llmtest.Server, name string) []*llmtest.Request {
	var out []*llmtest.Request
	for _, r := range srv.Requests() {
		if r.Model == name {
			out = append(out, r)
		}
	}
	return out
}

// TestDeciderRunScriptedModel is the AitW done-when test: the decision agent
// over a scripted model (real HTTP) runs a 200-step GZIP TFRecord set in the
// official layout with concurrency 8, is killed mid-run, and resumes without
// scoring a step twice or losing one; the score is the one worked out above.
func TestDeciderRunScriptedModel(t *testing.T) {
	const concurrency = 8
	eps := scriptedEpisodes()
	data := t.TempDir()
	writeOfficial(t, data, eps, 2, true)
	out := t.TempDir()
	srv := scriptedServer(t)
	predictWith := func(model string) PredictFunc {
		team := agents.NewModelTeam(scriptedClient(t, srv, model, concurrency), agents.TeamConfig{Vision: true})
		return DeciderPredict(DeciderConfig{Decider: team.Decider, Vision: true})
	}

	// Run 1: killed after 60 steps.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := RunConfig{
		Episodes:    Episodes(ctx, data, LoadOptions{Images: true}),
		TotalSteps:  200,
		Out:         out,
		Concurrency: concurrency,
		Predict:     predictWith("run-1"),
		System:      "llmtest",
		Progress: func(p Progress) {
			if p.Done >= 60 {
				cancel()
			}
		},
	}
	res, err := Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run 1: err = %v, want context.Canceled", err)
	}
	first := resultKeys(t, filepath.Join(out, ResultsFile))
	if len(first) < 60 || len(first) >= 200 || res.Predicted != len(first) || res.Failed != 0 {
		t.Fatalf("run 1 recorded %d steps (predicted %d, failed %d)", len(first), res.Predicted, res.Failed)
	}
	recorded := map[StepKey]bool{}
	for _, k := range first {
		recorded[k] = true
	}

	// Run 2: resumes, with a client that names another model.
	cfg.Episodes = Episodes(context.Background(), data, LoadOptions{Images: true})
	cfg.Predict = predictWith("run-2")
	cfg.Progress = nil
	res, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != len(first) || res.Predicted != 200-len(first) || res.Failed != 0 {
		t.Fatalf("run 2: resumed %d, predicted %d, failed %d; run 1 recorded %d", res.Resumed, res.Predicted, res.Failed, len(first))
	}

	// The server saw one request per recorded step of run 1, plus at most
	// the 8 in flight at the kill (a request cut short may reach the server
	// late, or never), and exactly one per remaining step in run 2.
	reqs1, reqs2 := requestsOf(srv, "run-1"), requestsOf(srv, "run-2")
	t.Logf("run 1: killed with %d steps recorded; %d model requests", len(first), len(reqs1))
	if len(reqs1) < len(first) || len(reqs1) > len(first)+concurrency {
		t.Errorf("run 1: %d model requests for %d recorded steps; want at most %d more, in flight at the kill", len(reqs1), len(first), concurrency)
	}
	asked1 := map[StepKey]int{}
	for _, r := range reqs1 {
		asked1[requestStep(t, r)]++
	}
	for k := range recorded {
		if asked1[k] != 1 {
			t.Errorf("step %s recorded in run 1 after %d requests", k, asked1[k])
		}
	}
	if len(reqs2) != 200-len(first) {
		t.Errorf("run 2: %d model requests; want %d, one per step left", len(reqs2), 200-len(first))
	}
	asked2 := map[StepKey]int{}
	for _, r := range reqs2 {
		k := requestStep(t, r)
		if recorded[k] {
			t.Errorf("step %s was recorded in run 1 but asked again in run 2", k)
		}
		asked2[k]++
	}
	for k, n := range asked2 {
		if n != 1 {
			t.Errorf("step %s asked %d times in run 2", k, n)
		}
	}

	// The results file: 200 unique steps.
	final := resultKeys(t, filepath.Join(out, ResultsFile))
	seen := map[StepKey]bool{}
	for _, k := range final {
		if seen[k] {
			t.Errorf("step %s recorded twice", k)
		}
		seen[k] = true
	}
	if len(final) != 200 || len(seen) != 200 {
		t.Fatalf("results file: %d lines, %d unique steps; want 200", len(final), len(seen))
	}

	// The score, worked out by hand above.
	rep := res.Report
	if rep.Steps != 200 || rep.Matched != scriptedMatched || rep.EpisodesSucceeded != scriptedSucceeded ||
		rep.Episodes != 40 || rep.MissingPredictions != 0 || math.Abs(rep.Overall-scriptedOverall) > 1e-9 || rep.System != "llmtest" {
		t.Fatalf("report: %+v", rep)
	}
	for _, s := range rep.Subsets {
		want := 75.0
		if s.Subset == WebShopping {
			want = 87.5
		}
		if math.Abs(s.Accuracy-want) > 1e-9 || s.Steps != 40 {
			t.Errorf("%s: %.2f%% of %d steps, want %.2f%% of 40", s.Subset, s.Accuracy, s.Steps, want)
		}
	}
	// Cost: the 200 recorded steps at $0.0012 each (calls cut short at the
	// kill are not recorded).
	if got := fmt.Sprintf("%.4f", rep.CostUSD); got != "0.2400" {
		t.Errorf("report cost $%s, want $0.2400", got)
	}
	// Scoring the results file on its own agrees.
	preds, err := ReadPredictionsFile(filepath.Join(out, ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Score(context.Background(), eps, preds); err != nil || !sameReport(again, rep) {
		t.Fatalf("rescoring: %v %+v", err, again)
	}
	for name, want := range map[string][]string{
		"report.json": {`"system": "llmtest"`, `"overall": 77.5`},
		"report.md":   {"| **this run (llmtest)** | 77.50 | 75.00 | 75.00 | 75.00 | 75.00 | 87.50 |", "| GPT-4V zero-shot + history | 52.96 |"},
		"report.html": {"<td>this run (llmtest)</td><td>77.50</td>", "<td>Auto-UI unified</td><td>74.27</td>"},
	} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q:\n%s", name, w, b)
			}
		}
	}

	// The invalid answers were recorded as such.
	for _, p := range preds {
		ep := episodeByID(eps, p.EpisodeID)
		if j := indexOf(eps, ep) % 8; (j == 7) != (p.ActionType == InvalidAction) {
			t.Errorf("episode %d step %d: recorded %v", indexOf(eps, ep), p.StepID, p.ActionType)
		}
	}
}

func episodeByID(eps []*Episode, id string) *Episode {
	for _, ep := range eps {
		if ep.ID == id {
			return ep
		}
	}
	return nil
}

func indexOf(eps []*Episode, ep *Episode) int {
	for i, e := range eps {
		if e == ep {
			return i
		}
	}
	return -1
}

// fakeDecider answers a fixed decision and keeps the inputs it saw.
type fakeDecider struct {
	mu  sync.Mutex
	in  []agents.DecideInput
	dec agents.DecideOutput
	err error
}

func (f *fakeDecider) Decide(ctx context.Context, in agents.DecideInput) (agents.DecideOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.in = append(f.in, in)
	return f.dec, f.err
}

func TestDeciderPredictProtocol(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 1080, 2160))
	in := StepInput{EpisodeID: "e", StepID: 3, Goal: "Search for milk", Screenshot: img, Width: 1080, Height: 2160,
		Annotations: []Annotation{{Box: [4]float64{0.5, 0.25, 0.1, 0.5}, Text: "Search", UIType: "TEXT"}, {Box: [4]float64{0.9, 0.4, 0.1, 0.2}, UIType: "ICON_NAV_BAR_RECT"}},
		History: []Action{
			{ActionType: PressHome, TouchYX: NoPoint, LiftYX: NoPoint},
			{ActionType: DualPoint, TouchYX: [2]float64{0.8, 0.5}, LiftYX: [2]float64{0.2, 0.5}},
			{ActionType: TypeText, TouchYX: NoPoint, LiftYX: NoPoint, TypedText: "milk"},
		}}
	in.Elements = AnnotationElements(in.Annotations, in.Width, in.Height)
	cost := func(c float64) []agents.Call { return []agents.Call{{Role: "decision", Cost: c}} }

	for _, tc := range []struct {
		name    string
		vision  bool
		history int
		dec     agents.DecideOutput
		err     error
		want    Prediction
		wantErr bool
	}{
		{name: "element tap", dec: agents.DecideOutput{Action: actions.Tap{Target: actions.Target{Element: 1}}, Calls: cost(0.01)},
			want: Prediction{ActionType: DualPoint, TouchYX: [2]float64{0.55, 0.5}, LiftYX: [2]float64{0.55, 0.5}, CostUSD: 0.01}},
		// The marked image is 512×1024, so its pixel (100, 200) is the
		// screenshot's (211, 422): (y, x) ≈ (0.195, 0.195), not (0.093, 0.093).
		{name: "pixel tap, vision", vision: true, dec: agents.DecideOutput{Action: actions.Tap{Target: actions.Target{Point: &actions.Point{X: 100, Y: 200, Space: actions.SpacePixels}}}},
			want: Prediction{ActionType: DualPoint, TouchYX: [2]float64{0.195, 0.195}, LiftYX: [2]float64{0.195, 0.195}}},
		{name: "swipe", dec: agents.DecideOutput{Action: actions.Swipe{Direction: actions.Up}},
			want: Prediction{ActionType: DualPoint}},
		{name: "done", history: 1, dec: agents.DecideOutput{Action: actions.Done{Status: actions.StatusSuccess}},
			want: Prediction{ActionType: StatusComplete, TouchYX: NoPoint, LiftYX: NoPoint}},
		{name: "no AitW form", dec: agents.DecideOutput{Action: actions.Wait{}, Calls: cost(0.02)},
			want: Prediction{ActionType: InvalidAction, TouchYX: NoPoint, LiftYX: NoPoint, CostUSD: 0.02}},
		{name: "unreadable answer", dec: agents.DecideOutput{Calls: cost(0.03)}, err: errors.New("no action in the reply"),
			want: Prediction{ActionType: InvalidAction, TouchYX: NoPoint, LiftYX: NoPoint, CostUSD: 0.03}},
		{name: "model call failed", dec: agents.DecideOutput{Calls: []agents.Call{{Err: "503"}}}, err: errors.New("the decision model call failed"), wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := &fakeDecider{dec: tc.dec, err: tc.err}
			p, err := DeciderPredict(DeciderConfig{Decider: fd, Vision: tc.vision, History: tc.history})(context.Background(), in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("no error; prediction %+v", p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.name == "swipe" {
				if p.ActionType != DualPoint || SwipeDirection(p.Action(), ReadConvention) != "up" {
					t.Fatalf("swipe up became %+v", p)
				}
			} else if p.ActionType != tc.want.ActionType || !near(p.TouchYX, tc.want.TouchYX) || !near(p.LiftYX, tc.want.LiftYX) || math.Abs(p.CostUSD-tc.want.CostUSD) > 1e-12 {
				t.Fatalf("prediction %+v, want %+v", p, tc.want)
			}
			got := fd.in[0]
			if got.Task != in.Goal || got.Obs.Screen == nil || len(got.Obs.Screen.Elements) != 2 || (got.Obs.Marks != nil) != tc.vision {
				t.Fatalf("decider input %+v", got)
			}
			for _, want := range []string{`text="Search"`, `desc="nav bar rect icon"`} {
				if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(got.Obs.Text) {
					t.Errorf("element list lacks %s:\n%s", want, got.Obs.Text)
				}
			}
			wantHist := []string{"press home", "swipe up", `type "milk"`}
			if tc.history > 0 {
				wantHist = wantHist[len(wantHist)-tc.history:]
			}
			if len(got.History) != len(wantHist) {
				t.Fatalf("history %+v, want %q", got.History, wantHist)
			}
			for i, h := range got.History {
				if h.Action != wantHist[i] || h.Step != 3-len(wantHist)+i+1 {
					t.Errorf("history[%d] = %+v, want step %d %q", i, h, 3-len(wantHist)+i+1, wantHist[i])
				}
			}
		})
	}
}

func near(a, b [2]float64) bool {
	return math.Abs(a[0]-b[0]) < 0.01 && math.Abs(a[1]-b[1]) < 0.01
}

func TestDescribeAction(t *testing.T) {
	for _, tc := range []struct {
		a    Action
		want string
	}{
		{Action{ActionType: DualPoint, TouchYX: [2]float64{0.31, 0.52}, LiftYX: [2]float64{0.31, 0.52}}, "tap at (x 0.52, y 0.31)"},
		{Action{ActionType: DualPoint, TouchYX: [2]float64{0.5, 0.9}, LiftYX: [2]float64{0.5, 0.1}}, "swipe left"},
		{Action{ActionType: PressBack}, "press back"},
		{Action{ActionType: PressEnter}, "press enter"},
		{Action{ActionType: StatusImpossible}, "done (infeasible)"},
		{Action{ActionType: 9}, "ActionType(9)"},
	} {
		if got := DescribeAction(tc.a); got != tc.want {
			t.Errorf("DescribeAction(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}
