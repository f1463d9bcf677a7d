package mobilebench

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/perception"
)

const calendarEditorDump = `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation="0">` +
	`<node index="0" text="" resource-id="" class="android.widget.FrameLayout" package="com.android.calendar" content-desc="" clickable="false" scrollable="false" bounds="[0,0][1080,2400]">` +
	`<node index="0" text="保存" resource-id="com.android.calendar:id/save" class="android.widget.Button" package="com.android.calendar" content-desc="" clickable="true" scrollable="false" bounds="[900,90][1060,220]" />` +
	`<node index="1" text="" resource-id="com.android.calendar:id/title" class="android.widget.EditText" package="com.android.calendar" content-desc="" clickable="true" scrollable="false" bounds="[0,240][1080,400]" />` +
	`<node index="2" text="" resource-id="com.android.calendar:id/list" class="androidx.recyclerview.widget.RecyclerView" package="com.android.calendar" content-desc="" clickable="false" scrollable="true" bounds="[0,400][1080,2200]">` +
	`<node index="0" text="明天" resource-id="" class="android.widget.TextView" package="com.android.calendar" content-desc="" clickable="false" scrollable="false" bounds="[40,420][600,500]" />` +
	`</node></node></hierarchy>`

// TestRecorderWritesAsTheReference: each successful action becomes the
// entry the reference writes for it, on the element lines it renders.
func TestRecorderWritesAsTheReference(t *testing.T) {
	root, err := ParseDump([]byte(calendarEditorDump))
	if err != nil {
		t.Fatal(err)
	}
	lines := ElementLines(RenderHTML(root))
	save, title := lines[1], lines[2]
	if !strings.Contains(save, "保存") || !strings.Contains(title, "input") {
		t.Fatalf("the rendered element lines are %q", lines)
	}
	rec := &Recorder{}
	rec.Observe([]byte(calendarEditorDump))
	screen := &perception.Screen{Width: 1080, Height: 2400, Elements: []perception.Element{
		{ID: 1, Bounds: parseBounds("[900,90][1060,220]"), Text: "保存", Clickable: true},
		{ID: 2, Bounds: parseBounds("[0,240][1080,400]"), Editable: true, Focused: true, Clickable: true},
	}}
	rec.OnEvent(agents.Event{Phase: agents.PhaseObserve, Obs: &agents.Observation{Screen: screen}})
	step := func(a actions.Action, x *agents.Exec) {
		rec.OnEvent(agents.Event{Phase: agents.PhaseDecide, Decision: &agents.DecideOutput{Action: a}})
		rec.OnEvent(agents.Event{Phase: agents.PhaseExecute, Exec: x})
	}
	pt := func(x, y int) *[2]int { return &[2]int{x, y} }
	step(actions.ADB{Command: "adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e title 会议"}, &agents.Exec{})
	step(actions.Type{Text: "北京", Element: 2}, &agents.Exec{})
	step(actions.Tap{Target: actions.Target{Element: 1}}, &agents.Exec{Point: pt(980, 150)})
	step(actions.Tap{Target: actions.Target{Element: 9}}, &agents.Exec{Point: pt(300, 2300)})               // no interactive line there: nothing
	step(actions.LongPress{Target: actions.Target{Element: 9}}, &agents.Exec{Point: pt(300, 460)})          // the list holds the label
	step(actions.Swipe{Direction: actions.Up}, &agents.Exec{Point: pt(540, 2000), End: pt(540, 0)})         // nudged
	step(actions.Key{Key: device.KeyBack}, &agents.Exec{})                                                  // the API call that presses it
	step(actions.OpenApp{App: "日历"}, &agents.Exec{Package: "com.android.calendar"})                         // the call that opens it
	step(actions.ADB{Command: "adb shell am start -n com.tencent.qqmusic/.Main"}, &agents.Exec{Error: "x"}) // failed: nothing
	rec.OnEvent(agents.Event{Phase: agents.PhaseReflect, Reflection: &agents.Reflection{Verdict: agents.VerdictWrongPage}})
	rec.OnEvent(agents.Event{Phase: agents.PhaseExecute, Exec: &agents.Exec{}}) // the agent's own back
	step(actions.Done{Status: actions.StatusSuccess}, nil)

	want := []string{
		APICall("adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e title 会议"),
		Click(ElementRef(title)), Input(ElementRef(title), "北京"),
		Click(ElementRef(save)),
		Press(ElementRef(lines[3])),
		Scroll(540, 1950, 540, 50),
		APICall("adb shell input keyevent KEYCODE_BACK"),
		APICall("adb shell monkey -p com.android.calendar -c android.intent.category.LAUNCHER 1"),
		APICall("adb shell input keyevent KEYCODE_BACK"),
	}
	if got := rec.History(); !reflect.DeepEqual(got, want) {
		t.Errorf("H =\n%q\nwant\n%q", got, want)
	}
	if !rec.Finished() {
		t.Error("done did not finish the episode")
	}
	if calls, failed := rec.APICalls(); calls != 2 || failed != 1 {
		t.Errorf("API calls %d, failed %d; want 2 and 1", calls, failed)
	}
}

// TestCoverageOfSamples: every sample is judged; an item is runnable
// exactly when it has no reason; the reasons the samples show are each
// found on an item that has them.
func TestCoverageOfSamples(t *testing.T) {
	var items []Item
	for _, s := range loadSamples(t) {
		items = append(items, s.item)
	}
	cov, err := CheckCoverage(context.Background(), items, testAPIs(t), newProber(t))
	if err != nil {
		t.Fatal(err)
	}
	if cov.Items != len(items) || len(cov.Results) != len(items) {
		t.Fatalf("%d items judged of %d", len(cov.Results), len(items))
	}
	runnable := 0
	reason := map[itemKey][]ReasonKind{}
	for _, r := range cov.Results {
		if r.Runnable != (len(r.Reasons) == 0) {
			t.Errorf("%s %d: runnable %v with reasons %v", r.Set, r.ID, r.Runnable, r.Reasons)
		}
		if r.Runnable {
			runnable++
		}
		for _, rs := range r.Reasons {
			reason[itemKey{r.Set, r.ID}] = append(reason[itemKey{r.Set, r.ID}], rs.Kind)
			if rs.Detail == "" {
				t.Errorf("%s %d: a %s reason without a detail", r.Set, r.ID, rs.Kind)
			}
		}
	}
	if runnable != cov.Runnable || runnable == 0 || runnable == len(items) {
		t.Errorf("%d runnable, the coverage says %d", runnable, cov.Runnable)
	}
	for _, tc := range []struct {
		set  Set
		id   int
		want []ReasonKind // nil: runnable
	}{
		{SAST, 1, []ReasonKind{Unreachable, MissingApp}},   // Ximalaya, and an '&' activity list
		{SAST, 208, []ReasonKind{NoInstruction}},           // the query is {"negscreen": ""}
		{SAST, 3, []ReasonKind{NoApp}},                     // "打开便签", text only
		{SAST, 6, []ReasonKind{MissingActivity}},           // the gallery has no search activity
		{SAMT, 40, []ReasonKind{MissingApp, MissingAPI}},   // Amap; "<目的地>" unquoted
		{MAMT, 7, []ReasonKind{MissingApp, MissingAPI}},    // Weibo and QQ
		{SAST, 245, []ReasonKind{MissingView, MissingApp}}, // XiaoAi's switch
		{SAMT, 1, nil}, {SAMT, 517, nil}, {SAST, 216, nil}, {SAMT, 144, nil}, {MAMT, 432, nil},
	} {
		got := reason[itemKey{tc.set, tc.id}]
		for _, k := range tc.want {
			found := false
			for _, g := range got {
				found = found || g == k
			}
			if !found {
				t.Errorf("%s %d: reasons %v, want %s among them", tc.set, tc.id, got, k)
			}
		}
		if tc.want == nil && len(got) > 0 {
			t.Errorf("%s %d: not runnable: %v", tc.set, tc.id, got)
		}
	}
}

func TestAPIsFor(t *testing.T) {
	apps := testAPIs(t)
	it := Item{Query: Strings{Values: []string{"请帮我创建一个提醒"}}, App: Strings{Values: []string{"日历"}}}
	var cmds []string
	for _, a := range APIsFor(apps, it) {
		cmds = append(cmds, a.Command)
	}
	all := strings.Join(cmds, "\n")
	if !strings.Contains(all, "KEYCODE_BACK") || !strings.Contains(all, "vnd.android.cursor.item/event") || strings.Contains(all, "com.tencent.qqmusic") {
		t.Errorf("the calendar item is offered:\n%s", all)
	}
	none := APIsFor(apps, Item{Query: Strings{Values: []string{"打开wifi设置"}}})
	if len(none) != 5 {
		t.Errorf("an item naming no app is offered %d calls, want the 5 general keys: %+v", len(none), none)
	}
}
