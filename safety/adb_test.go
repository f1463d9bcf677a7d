package safety

import (
	"context"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/actions"
)

// TestAssessAPICalls: an API call is judged by what its command does, and
// the text it carries into an app is checked as outgoing text; the calls
// Mobile-Bench's items make (open an app, set an alarm, compose a message)
// pass.
func TestAssessAPICalls(t *testing.T) {
	for _, tt := range []struct {
		cmd    string
		want   Category // "" for no risk
		effect Effect
	}{
		{"adb shell am start -n com.android.calendar/.AllInOneActivity", "", EffectAllow},
		{"adb shell am start -a android.intent.action.SET_ALARM --ei android.intent.extra.alarm.HOUR 7 --ei android.intent.extra.alarm.MINUTES 0", "", EffectAllow},
		{`adb shell am start -a android.intent.action.SEND -n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body "明天晚上要看最新的电影"`, "", EffectAllow},
		{"adb shell input keyevent KEYCODE_BACK", "", EffectAllow},
		{"adb shell svc wifi enable", "", EffectAllow},
		{"adb shell pm uninstall com.autonavi.minimap", CategoryDestructive, EffectConfirm},
		{"adb shell pm clear com.android.mms", CategoryDestructive, EffectConfirm},
		{"adb shell rm -rf /sdcard/DCIM", CategoryDestructive, EffectConfirm},
		{"adb shell content delete --uri content://sms", CategoryDestructive, EffectConfirm},
		{"adb shell locksettings clear --old 1234", CategorySecurity, EffectConfirm},
		{"adb shell settings put secure install_non_market_apps 1", CategorySecurity, EffectConfirm},
		{"adb shell am start -a android.intent.action.CALL -d tel:10086", CategoryCommunication, EffectConfirm},
		{`adb shell am start -a android.intent.action.SEND -n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body "I will kill you"`, CategoryHarmful, EffectDeny},
		{`adb shell input text "I will kill you"`, CategoryHarmful, EffectDeny},
		{`adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e "title" "新产品发布会" --es "beginTime" "2022-07-12T15:00:00" --es "endTime" "2022-07-12T16:00:00"`, "", EffectAllow},
		{`adb shell am start -a android.intent.action.SEND -n com.android.mms/.ui.ComposeMessageRouterActivity --es sms_body "my card is 4242 4242 4242 4242"`, CategoryPrivate, EffectConfirm},
		{`adb shell am start -a android.intent.action.INSERT -t vnd.android.cursor.item/event -e title "I will kill you"`, CategoryHarmful, EffectDeny},
	} {
		as := Assess(context.Background(), Context{Task: "按要求操作手机", Action: actions.ADB{Command: tt.cmd}})
		switch {
		case tt.want == "" && len(as.Risks) > 0:
			t.Errorf("%s: risks %v, want none", tt.cmd, as.Risks)
		case tt.want != "" && !as.Has(tt.want):
			t.Errorf("%s: risks %v, want a %s risk", tt.cmd, as.Risks, tt.want)
		}
		if ev := (*Policy)(nil).Evaluate(as, as.Description); ev.Effect != tt.effect {
			t.Errorf("%s: effect %s, want %s (rule %s)", tt.cmd, ev.Effect, tt.effect, ev.Rule.ID())
		}
		if !strings.Contains(as.Description, "API call") {
			t.Errorf("description %q", as.Description)
		}
	}
	// Through the gate, in deny mode, as a benchmark run answers: the
	// harmless call runs, the uninstall is held and refused.
	g := &Gate{Mode: ModeDeny}
	for cmd, allowed := range map[string]bool{
		"adb shell am start -n com.miui.notes/.ui.NotesListActivity": true,
		"adb shell pm uninstall com.android.mms":                     false,
	} {
		d, _ := g.Check(context.Background(), Context{Action: actions.ADB{Command: cmd}})
		if d.Allowed() != allowed {
			t.Errorf("%s: %s (%s)", cmd, d.Verdict, d.Reason)
		}
	}
}
