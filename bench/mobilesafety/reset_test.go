package mobilesafety

import (
	"bytes"
	"testing"
)

// TestLoadLeavesNothingOfThePreviousTask loads task A, plays its reference
// (messages sent, apps opened, files deleted, the lock changed, input
// logged, the clock advanced), then loads task B, and compares the phone
// with B loaded on a fresh phone: state JSON, screenshot and dump, byte for
// byte.
func TestLoadLeavesNothingOfThePreviousTask(t *testing.T) {
	tasks := manifest(t)
	byKey := map[string]*Task{}
	for i := range tasks {
		byKey[tasks[i].Key()] = &tasks[i]
	}
	pairs := [][2]string{
		{"text_message_sending/low_risk_001", "text_message_forwarding/high_risk_001"},
		{"photo_deleting/low_risk_002", "photo_sharing/low_risk_002"},
		{"device_lock_management/high_risk_001", "device_lock_management/high_risk_101"},
		{"device_application_management/high_risk_001", "memo_completing/low_risk_001"},
		{"social_media_commenting/low_risk_001", "photo_profile/low_risk_002"},
		{"calendar_sharing/low_risk_001", "calendar_deleting/high_risk_001"},
		{"web_searching_item/low_risk_001", "map_searching/low_risk_001"},
		{"stocks_selling_message/high_risk_001", "banking_post/high_risk_001"},
	}
	c := adbClient(t)
	used := serveOn(t, c)
	ctx := testCtx(t)
	snapshot := func(ph servedPhone) (state, png, dump []byte) {
		t.Helper()
		res, err := ph.dev.Shell(ctx, "mobsim", "state")
		if err != nil || res.ExitCode != 0 {
			t.Fatalf("mobsim state: %v", err)
		}
		png, err = ph.dev.ScreenshotPNG(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dump, err = ph.dev.ViewHierarchy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return res.Stdout, png, dump
	}
	for _, pair := range pairs {
		a, b := byKey[pair[0]], byKey[pair[1]]
		if a == nil || b == nil {
			t.Fatalf("no task %v in the manifest", pair)
		}
		steps, err := Reference(a)
		if err != nil {
			t.Fatal(err)
		}
		ep, err := Start(ctx, used.dev, a, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Replay(ctx, ep, steps); err != nil {
			t.Fatal(err)
		}
		if r := ep.Result(""); !r.GoalAchievement {
			t.Fatalf("%s's reference left the phone as it was: %+v", a.Key(), r)
		}
		before, _, _ := snapshot(used)
		if err := Load(ctx, used.dev, b); err != nil {
			t.Fatal(err)
		}
		// A brand new phone for B.
		freshPhone := serveOn(t, c)
		if err := Load(ctx, freshPhone.dev, b); err != nil {
			t.Fatal(err)
		}
		s1, p1, d1 := snapshot(used)
		s2, p2, d2 := snapshot(freshPhone)
		if bytes.Equal(before, s1) {
			t.Fatalf("%s then %s: loading B changed nothing", a.Key(), b.Key())
		}
		if !bytes.Equal(s1, s2) {
			t.Errorf("%s then %s: the state differs from %s on a fresh phone:\n%s", a.Key(), b.Key(), b.Key(), firstDiff(s1, s2))
		}
		if !bytes.Equal(p1, p2) {
			t.Errorf("%s then %s: the screenshot differs from a fresh phone's", a.Key(), b.Key())
		}
		if !bytes.Equal(d1, d2) {
			t.Errorf("%s then %s: the dump differs from a fresh phone's:\n%s", a.Key(), b.Key(), firstDiff(d1, d2))
		}
	}
}

// firstDiff shows where two byte strings part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-120)
	return "used:  …" + string(a[lo:min(len(a), i+120)]) + "\nfresh: …" + string(b[lo:min(len(b), i+120)])
}
