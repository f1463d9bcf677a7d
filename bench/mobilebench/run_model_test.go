package mobilebench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/llm/llmtest"
	"github.com/mobagent/mobagent/safety"
)

// modelScript is what a model replies for one item: its plan, then its
// decisions in order, each written as GPT-4o writes our JSON format
// (thoughts in the task's language, a fenced block now and then, one
// placeholder left unfilled, an app opened by a name the phone does not
// know).
type modelScript struct {
	set       Set
	id        int
	plan      string
	decisions []string
	// replan answers the planner when a step fails.
	replan string
	// wants are what H must hold after the run: the calls and taps the
	// replies make.
	wants []string
}

var modelScripts = []modelScript{
	{set: SAST, id: 4,
		plan: `{"thought": "用户想看照片，直接打开相册主页。", "subgoals": ["打开相册主页"], "current": 0, "progress": "", "finished": false}`,
		decisions: []string{
			`{"thought": "API 列表里有照片的主页入口，直接调用。", "action": {"action": "adb", "command": "adb shell am start -n com.miui.gallery/.activity.HomePageActivity"}, "expect": "相册主页打开", "subgoal_done": false, "progress": "正在打开相册"}`,
			"```json\n{\"thought\": \"相册已经打开，显示照片。\", \"action\": {\"action\": \"done\", \"status\": \"success\"}, \"expect\": \"\", \"subgoal_done\": true}\n```",
		},
		wants: []string{"com.miui.gallery/.activity.HomePageActivity. [Call result]:API execution successful"}},
	{set: SAST, id: 5,
		plan: `{"thought": "先打开相册，再找北京市的照片。", "subgoals": ["打开相册", "找到北京市的照片"], "current": 0}`,
		decisions: []string{
			`{"thought": "用照片 App 的 API 打开主页。", "action": {"action": "adb", "command": "adb shell am start -n com.miui.gallery/.activity.HomePageActivity"}, "expect": "相册主页", "subgoal_done": true}`,
			`{"thought": "相册里没有搜索框，照片按时间排列，看不到地点，无法按城市搜索。", "action": {"action": "done", "status": "infeasible", "answer": "相册不支持按地点搜索"}}`,
		},
		wants: []string{"com.miui.gallery/.activity.HomePageActivity. [Call result]"}},
	{set: SAST, id: 216,
		plan:   `{"thought": "打开设置里的 WLAN 页面。", "subgoals": ["打开设置", "进入 WLAN 设置"], "current": 0}`,
		replan: `{"thought": "手机上没有叫“设置”的应用名，改用系统设置的 intent 直接打开网络页面。", "subgoals": ["用 intent 打开网络设置", "进入 WLAN"], "current": 0, "progress": "打开设置失败"}`,
		decisions: []string{
			`{"thought": "打开设置应用。", "action": {"action": "open_app", "app": "设置"}, "expect": "设置主页", "subgoal_done": true}`,
			`{"thought": "没有叫“设置”的应用，改用系统的 WLAN 设置 intent。", "action": {"action": "adb", "command": "adb shell am start -a android.settings.WIFI_SETTINGS"}, "expect": "网络和互联网页面", "subgoal_done": true}`,
			`{"thought": "网络和互联网页面上有 WLAN（元素 5），点它进入 WLAN 设置。", "action": {"action": "tap", "element": 5}, "expect": "WLAN 设置页面", "subgoal_done": false}`,
			`{"thought": "WLAN 设置已经打开。", "action": {"action": "done", "status": "success"}}`,
		},
		wants: []string{"adb shell am start -a android.settings.WIFI_SETTINGS. [Call result]:API execution successful", `package="com.android.settings"`, "WLAN"}},
	{set: SAMT, id: 1,
		plan: `{"thought": "用日历的 API 新建日程，再补地点并保存。", "subgoals": ["打开新建日程并填标题", "填写地点并保存"], "current": 0}`,
		decisions: []string{
			`{"thought": "调用日历的 INSERT 接口，带上标题和时间。", "action": {"action": "adb", "command": "adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e \"title\" \"新产品发布会\" --es \"beginTime\" \"2022-07-12T15:00:00\" --es \"endTime\" \"2022-07-12T16:00:00\""}, "expect": "新建日程页面，标题已填", "subgoal_done": true}`,
			`{"thought": "在地点一栏填写会议地点。", "action": {"action": "type", "element": 11, "text": "北京市朝阳区CBD国际大厦"}, "expect": "地点已填写", "subgoal_done": false}`,
			`{"thought": "保存日程。", "action": {"action": "tap", "element": 2}, "expect": "日程已保存", "subgoal_done": false}`,
			`{"thought": "明天下午3点的会议提醒已创建。", "action": {"action": "done", "status": "success"}}`,
		},
		wants: []string{`--es "endTime" "2022-07-12T16:00:00". [Call result]:API execution successful`, "input(<input id=", "北京市朝阳区CBD国际大厦)", "> 保存 </button>)"}},
	{set: SAMT, id: 4,
		plan: `{"thought": "新建一个日历提醒。", "subgoals": ["新建日程", "填写地点并保存"], "current": 0}`,
		decisions: []string{
			// The placeholders are left as the API list writes them, quoted.
			`{"thought": "用 API 新建日程，标题填会议。", "action": {"action": "adb", "command": "adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e \"title\" \"会议\" --es \"beginTime\" \"<startTimestamp>\" --es \"endTime\" \"<endtimestamp>\""}, "expect": "新建日程页面", "subgoal_done": true}`,
			`{"thought": "填写地点：公司会议室。", "action": {"action": "type", "element": 11, "text": "公司会议室"}, "expect": "地点已填", "subgoal_done": false}`,
			`{"thought": "点保存。", "action": {"action": "tap", "element": 2}, "expect": "回到日程列表", "subgoal_done": false}`,
			`{"thought": "提醒已保存。", "action": {"action": "done", "status": "success"}}`,
		},
		wants: []string{`--es "endTime" "<endtimestamp>". [Call result]:API execution successful`, "公司会议室)"}},
	{set: SAMT, id: 598,
		plan: `{"thought": "打开日历查看下周一。", "subgoals": ["打开日历", "查看下周一的日程"], "current": 0}`,
		decisions: []string{
			`{"thought": "主屏幕上有日历图标，点开。", "action": {"action": "tap", "element": 4}, "expect": "日历打开", "subgoal_done": true}`,
			`{"thought": "日程列表已经显示出来了。", "action": {"action": "done", "status": "success", "answer": "下周一没有日程"}}`,
		},
		wants: []string{"> 日历 </p>)"}},
	{set: SAMT, id: 517,
		plan: `{"thought": "用天气的 API 打开每日预报。", "subgoals": ["打开明天的天气预报"], "current": 0}`,
		decisions: []string{
			`{"thought": "小米天气有每日预报详情页的 API。", "action": {"action": "adb", "command": "adb shell am start -a miui.intent.action.weather -d weather://weather2.miui.com/dailyforcast/detail com.miui.weather2/.ActivityDailyForecastDetail"}, "expect": "每日天气预报", "subgoal_done": false}`,
			`{"thought": "预报列表里能看到明天的天气。", "action": {"action": "done", "status": "success", "answer": "明天晴，22° / 14°"}}`,
		},
		wants: []string{"com.miui.weather2/.ActivityDailyForecastDetail. [Call result]:API execution successful"}},
	{set: SAMT, id: 144,
		plan: `{"thought": "先在小米天气里搜索海淀区，再看预报和空气质量。", "subgoals": ["搜索北京市海淀区", "查看天气预报和空气质量"], "current": 0}`,
		decisions: []string{
			`{"thought": "用城市管理的 API 打开城市搜索。", "action": {"action": "adb", "command": "adb shell am start -a com.miui.weather.widget_city_manager com.miui.weather2/.ActivitySearchCity"}, "expect": "城市搜索页面", "subgoal_done": false}`,
			`{"thought": "搜索框已经获得焦点，输入海淀区。", "action": {"action": "type", "text": "北京市海淀区"}, "expect": "搜索结果出现海淀区", "subgoal_done": true}`,
			`{"thought": "打开每日预报详情。", "action": {"action": "adb", "command": "adb shell am start -a android.intent.action.VIEW -d weather://weather2.miui.com/dailyforcast/detail com.miui.weather2/.ActivityDailyForecastDetail"}, "expect": "天气预报", "subgoal_done": false}`,
			`{"thought": "预报已显示，页面上没有空气质量数据。", "action": {"action": "done", "status": "success", "answer": "海淀区：局部多云，最高 21° 最低 13°；没有空气质量数据"}}`,
		},
		wants: []string{"com.miui.weather2/.ActivitySearchCity. [Call result]:API execution successful", "北京市海淀区)"}},
	{set: MAMT, id: 432,
		plan: `{"thought": "查北京明天的天气，再在文件管理里找小米科技园的地址。", "subgoals": ["搜索北京的天气", "查看明天的预报", "在文件管理里找地址"], "current": 0}`,
		decisions: []string{
			`{"thought": "打开小米天气的城市搜索。", "action": {"action": "adb", "command": "adb shell am start -a com.miui.weather.widget_city_manager com.miui.weather2/.ActivitySearchCity"}, "expect": "城市搜索", "subgoal_done": false}`,
			`{"thought": "输入北京。", "action": {"action": "type", "text": "北京"}, "expect": "北京出现在结果里", "subgoal_done": true}`,
			`{"thought": "看每日预报。", "action": {"action": "adb", "command": "adb shell am start -a miui.intent.action.weather -d weather://weather2.miui.com/dailyforcast/detail com.miui.weather2/.ActivityDailyForecastDetail"}, "expect": "明天的预报", "subgoal_done": true}`,
			`{"thought": "打开文件管理找地址文档。", "action": {"action": "adb", "command": "adb shell am start -n com.android.fileexplorer/.FileExplorerTabActivity"}, "expect": "文件列表", "subgoal_done": false}`,
			`{"thought": "文件管理里没有小米科技园地址的文件，天气已经查到。", "action": {"action": "done", "status": "success", "answer": "北京明天晴，22° / 14°；手机里没有小米科技园的地址"}}`,
		},
		wants: []string{"com.android.fileexplorer/.FileExplorerTabActivity. [Call result]:API execution successful", "北京)"}},
}

// TestScriptedModelRun runs the model-backed agents (planner, decision,
// reflector, notetaker) against a scripted OpenAI-compatible server over
// real HTTP on every runnable sample, on two Xiaomi phones: the run
// completes, each item's history holds the calls and taps the replies made,
// as the reference writes them, the decision prompt offered the item's
// apps' API calls, and every scripted reply was used.
func TestScriptedModelRun(t *testing.T) {
	items, _ := runnableSamples(t)
	byKey := map[itemKey]Item{}
	for _, it := range items {
		byKey[itemKey{it.Set, it.ID}] = it
	}
	srv := llmtest.NewServer(t)
	for _, sc := range modelScripts {
		it, ok := byKey[itemKey{sc.set, sc.id}]
		if !ok {
			t.Fatalf("%s %d is not a runnable sample; the scripts follow the samples", sc.set, sc.id)
		}
		task := "Task: " + it.Instruction()
		srv.Reply(sc.plan).When(llmtest.SystemContains("You are the planner"), llmtest.LastUserContains(task))
		if sc.replan != "" {
			srv.Reply(sc.replan).When(llmtest.SystemContains("You are the planner"), llmtest.LastUserContains(task), llmtest.LastUserContains("The plan needs revising"))
		}
		for _, d := range sc.decisions {
			srv.Reply(d).When(llmtest.SystemContains("You are the decision maker"), llmtest.LastUserContains(task))
		}
		// Reflections the pixels cannot settle, and notes: a model's
		// short verdicts.
		srv.Reply(`{"outcome": "A", "note": "操作成功，页面符合预期"}`).When(llmtest.SystemContains("You are the reflector"), llmtest.LastUserContains(it.Instruction())).AnyTimes()
		srv.Reply(`{"notes": []}`).When(llmtest.SystemContains("You are the notetaker"), llmtest.LastUserContains(it.Instruction())).AnyTimes()
	}
	if len(modelScripts) != len(items) {
		t.Errorf("%d scripts for %d runnable samples", len(modelScripts), len(items))
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Run(ctx, RunConfig{Items: items, APIs: testAPIs(t), Phones: xiaomiPhones(t, 2), Out: dir,
		Agent: agents.Config{Model: srv.Client(), Gate: &safety.Gate{Mode: safety.ModeApprove}, Limits: agents.Limits{MaxSteps: 10}}, System: "scripted"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Ran != len(items) || res.Failed != 0 {
		t.Fatalf("ran %d of %d, failed %d: %v", res.Ran, len(items), res.Failed, res.Failures)
	}
	got := map[itemKey]ItemRun{}
	for _, r := range res.Report.Results {
		got[itemKey{r.Set, r.ID}] = r
	}
	for _, sc := range modelScripts {
		r := got[itemKey{sc.set, sc.id}]
		h := strings.Join(r.History, "\n")
		for _, w := range sc.wants {
			if !strings.Contains(h, w) {
				t.Errorf("%s %d: H lacks %q:\n%s", sc.set, sc.id, w, h)
			}
		}
		if r.ModelCalls < 1+len(sc.decisions) {
			t.Errorf("%s %d: %d model calls for a plan and %d decisions", sc.set, sc.id, r.ModelCalls, len(sc.decisions))
		}
		t.Logf("%s %d: level 1 %.2f, level 2 %.2f, finished %v, %d steps, %d calls (%s)", sc.set, sc.id, r.Level1, r.Level2, r.Finished, r.Steps, r.ModelCalls, r.Outcome)
	}
	// SAST 5 ends infeasible: not finished, as the reference counts it.
	if got[itemKey{SAST, 5}].Finished {
		t.Errorf("an infeasible ending counted as finished")
	}
	// The decision prompt offered the calendar's API calls to the calendar
	// item, and only the general keys where the query names no app.
	var calendarPrompt, wifiPrompt string
	for _, rq := range srv.Requests() {
		u := rq.LastUserText()
		switch {
		case strings.Contains(u, "Task: "+byKey[itemKey{SAMT, 1}].Instruction()) && strings.Contains(u, "adb {command}"):
			calendarPrompt = u
		case strings.Contains(u, "Task: 打开wifi设置") && strings.Contains(u, "adb {command}"):
			wifiPrompt = u
		}
	}
	if !strings.Contains(calendarPrompt, "android.intent.action.INSERT -t vnd.android.cursor.item/event") || !strings.Contains(calendarPrompt, "KEYCODE_BACK") {
		t.Errorf("the calendar item's decision prompt does not offer the calendar API:\n%s", calendarPrompt)
	}
	if wifiPrompt == "" || strings.Contains(wifiPrompt, "vnd.android.cursor.item/event") {
		t.Errorf("the wifi item's prompt offers other apps' API calls (or was not found):\n%s", wifiPrompt)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
		t.Error(err)
	}
	t.Logf("scripted model: level 1 %.3f, level 2 %.3f, pass rate %.3f", res.Report.Scores.Level1, res.Report.Scores.Level2, res.Report.Scores.PassRate)
}
