package mobilebench

import (
	"strings"
	"testing"
)

// Each quirk of the reference's CheckPoint has its own test, on a small
// item of our own: what the reference computes, and what fixed scoring
// computes instead. Fractions are (passed, total).

type want struct{ l1, l2 Fraction }

func checkBoth(t *testing.T, cp string, h []string, ref, fixed want) {
	t.Helper()
	it, err := parseItem([]byte(`{"id": 1, "query": "任务", "check_point": `+cp+`}`), SAST)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		mode Mode
		want want
	}{{Reference, ref}, {Fixed, fixed}} {
		r := Score(it, h, c.mode)
		if r.Level1 != c.want.l1 || r.Level2 != c.want.l2 {
			t.Errorf("%s scoring of %s on %q: level 1 %v, level 2 %v; want %v, %v", c.mode, cp, h, r.Level1, r.Level2, c.want.l1, c.want.l2)
		}
	}
}

func f(n, d int) Fraction { return Fraction{n, d} }

// Level 1 iterates a string package, so it scores the package's characters:
// "com.ab" is fully covered by an entry that holds its letters in any order.
// Level 2 matches the same string as a whole.
func TestQuirkStringPackageByCharacter(t *testing.T) {
	checkBoth(t, `{"package": "com.ab"}`, []string{Click("<p> moc.ba </p>")},
		want{f(6, 6), f(0, 1)}, want{f(0, 1), f(0, 1)})
	checkBoth(t, `{"package": "com.ab"}`, []string{Click(`<p package="com.ab"> 设置 </p>`)},
		want{f(6, 6), f(1, 1)}, want{f(1, 1), f(1, 1)})
}

// "&" requires every element in every entry: a history with one entry
// lacking an element fails, although every element is in the history.
func TestQuirkAmpersandEveryEntry(t *testing.T) {
	cp := `{"activity": ["&", "com.a/.Main", "com.a.Main"]}`
	h := []string{APICall("adb shell am start -n com.a/.Main") + " com.a.Main", Click("<p> com.a.Main </p>")}
	checkBoth(t, cp, h, want{f(0, 0), f(0, 1)}, want{f(0, 0), f(1, 1)})
	// one entry holding both passes either way
	checkBoth(t, cp, h[:1], want{f(0, 0), f(1, 1)}, want{f(0, 0), f(1, 1)})
}

// all() over nothing is true: an "&" check point passes on an empty history.
func TestQuirkAmpersandEmptyHistoryPasses(t *testing.T) {
	checkBoth(t, `{"activity": ["&", "com.a/.Main"], "text": "设置"}`, nil,
		want{f(0, 0), f(1, 2)}, want{f(0, 0), f(0, 2)})
	// so does a history whose every entry the filter drops
	checkBoth(t, `{"activity": ["&", "com.a/.Main"]}`, []string{"[Fail]: Invalid element click(<p> com.a/.Main </p>)", ""},
		want{f(0, 0), f(1, 1)}, want{f(0, 0), f(0, 1)})
}

// Level 1 iterates a package list whole, so its operator is a "package" to
// find (the substring "|") and part of the denominator.
func TestQuirkPackageListOperatorCounts(t *testing.T) {
	checkBoth(t, `{"package": ["|", "com.a", "com.b"]}`, []string{Click(`<p package="com.a"> A </p>`)},
		want{f(1, 3), f(1, 1)}, want{f(1, 1), f(1, 1)})
	checkBoth(t, `{"package": ["&", "com.a", "com.b"]}`, []string{Click(`<p package="com.a"> A & B </p>`)},
		want{f(2, 3), f(0, 1)}, want{f(1, 2), f(0, 1)})
}

// The reference counts an item without a package as level 1 = 0 in the
// average; fixed scoring leaves it out.
func TestQuirkNoPackageAveragedAsZero(t *testing.T) {
	items := []Item{
		mustItem(t, SAST, map[string]any{"id": 1, "check_point": map[string]any{"package": "com.a", "text": "A"}}),
		mustItem(t, SAST, map[string]any{"id": 2, "check_point": map[string]any{"text": "B"}}),
	}
	eps := []Episode{{Set: SAST, ID: 1, History: []string{Click(`<p package="com.a"> A </p>`)}}, {Set: SAST, ID: 2, History: []string{Click("<p> B </p>")}}}
	ref, err := Evaluate(items, eps, Reference)
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := Evaluate(items, eps, Fixed)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Level1 != 0.5 || ref.Level1Items != 2 || fixed.Level1 != 1 || fixed.Level1Items != 1 {
		t.Errorf("level 1: reference %v over %d, fixed %v over %d; want 0.5 over 2 and 1 over 1", ref.Level1, ref.Level1Items, fixed.Level1, fixed.Level1Items)
	}
	if ref.Level2 != 1 || fixed.Level2 != 1 {
		t.Errorf("level 2: reference %v, fixed %v; want 1 and 1", ref.Level2, fixed.Level2)
	}
}

// An item with nothing to check scores level 2 = 0 in the reference's
// average; fixed scoring leaves it out.
func TestQuirkNothingToCheckAveragedAsZero(t *testing.T) {
	items := []Item{
		mustItem(t, SAMT, map[string]any{"id": 1, "check_point": map[string]any{"text": "A"}}),
		mustItem(t, SAMT, map[string]any{"id": 2, "check_point": map[string]any{"text": "", "activity": "", "to_speak": "好的"}}),
	}
	eps := []Episode{{Set: SAMT, ID: 1, History: []string{Click("<p> A </p>")}}}
	for _, c := range []struct {
		mode  Mode
		l2    float64
		items int
	}{{Reference, 0.5, 2}, {Fixed, 1, 1}} {
		rep, err := Evaluate(items, eps, c.mode)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Level2 != c.l2 || rep.Level2Items != c.items || rep.Sets[SAMT].Level2 != c.l2 {
			t.Errorf("%s: level 2 %v over %d items, want %v over %d", c.mode, rep.Level2, rep.Level2Items, c.l2, c.items)
		}
	}
}

// The reference drops every UI action whose text holds "Fail", so a
// successful tap on a "Failed downloads" row is lost. Fixed scoring drops
// only the reference's "[Fail]" entries.
func TestQuirkFailInElementTextDropsAction(t *testing.T) {
	ok := Click(`<p package="com.android.providers.downloads.ui" clickable="true"> Failed downloads </p>`)
	checkBoth(t, `{"text": "Failed downloads", "package": "com.android.providers.downloads.ui"}`, []string{ok},
		want{f(0, len("com.android.providers.downloads.ui")), f(0, 2)}, want{f(1, 1), f(2, 2)})
	failed := "[Fail]: Invalid element click(<p> Failed downloads </p>)"
	checkBoth(t, `{"text": "Failed downloads"}`, []string{failed}, want{f(0, 0), f(0, 1)}, want{f(0, 0), f(0, 1)})
}

// The reference drops an API call whose entry holds "failed" anywhere, the
// command included; fixed scoring reads the call's result.
func TestQuirkFailedInAPICommandDropsCall(t *testing.T) {
	cmd := `adb shell am start -a android.intent.action.SENDTO -d sms:10086 --es sms_body "payment failed"`
	checkBoth(t, `{"api": ["`+strings.ReplaceAll(cmd, `"`, `\"`)+`"]}`, []string{APICall(cmd)},
		want{f(0, 0), f(0, 1)}, want{f(0, 0), f(1, 1)})
	// a failed call recorded because its error mentions "successful" is dropped by both
	bad := cmd + ". [Call result]:API execution failed with error: not successful"
	checkBoth(t, `{"api": ["adb shell am start"]}`, []string{bad}, want{f(0, 0), f(0, 1)}, want{f(0, 0), f(0, 1)})
	// and "Fail" (capital) in a command does not drop a call in the reference
	checkBoth(t, `{"api": ["Fail"]}`, []string{APICall("adb shell echo Fail")}, want{f(0, 0), f(1, 1)}, want{f(0, 0), f(1, 1)})
}

// "" is a substring of everything: an empty element is found in any
// non-empty history. Fixed scoring ignores empty elements.
func TestQuirkEmptyElementAlwaysFound(t *testing.T) {
	checkBoth(t, `{"text": ["", "设置"]}`, []string{Click("<p> 蓝牙 </p>")},
		want{f(0, 0), f(1, 2)}, want{f(0, 0), f(0, 1)})
	checkBoth(t, `{"package": ["", "com.a"]}`, []string{Click("<p> 蓝牙 </p>")},
		want{f(1, 2), f(1, 2)}, want{f(0, 1), f(0, 1)})
	checkBoth(t, `{"text": ["", "设置"]}`, nil, want{f(0, 0), f(0, 2)}, want{f(0, 0), f(0, 1)})
}

// A list of only an operator is truthy: ["&"] passes any history, ["|"]
// fails every one. Fixed scoring has nothing to check in them.
func TestQuirkOperatorOnlyList(t *testing.T) {
	h := []string{Click("<p> 设置 </p>")}
	checkBoth(t, `{"text": ["&"]}`, h, want{f(0, 0), f(1, 1)}, want{f(0, 0), f(0, 0)})
	checkBoth(t, `{"text": ["|"]}`, h, want{f(0, 0), f(0, 1)}, want{f(0, 0), f(0, 0)})
}

// The reference finds an operator anywhere in the list, "|" winning, and
// in a "|" list an "&" is an element to match. The data writes operators
// first; both scorings find them anywhere, but fixed scoring never matches
// an operator as text.
func TestQuirkOperatorAnywhere(t *testing.T) {
	h := []string{Click("<p> 蓝牙 </p>")}
	checkBoth(t, `{"text": ["设置", "|", "蓝牙"]}`, h, want{f(0, 0), f(1, 1)}, want{f(0, 0), f(1, 1)})
	checkBoth(t, `{"text": ["&", "设置", "|", "WLAN"]}`, []string{Click("<p> A & B </p>")},
		want{f(0, 0), f(1, 1)}, want{f(0, 0), f(0, 1)})
}

// "|" inside a string is text, not an operator (real items write
// "a|b|c" strings): it matches only an entry holding the whole string.
func TestPipeInsideStringIsText(t *testing.T) {
	cp := `{"resource-id": "com.x:id/container|com.x:id/shrink", "text": ["录制|语音"]}`
	checkBoth(t, cp, []string{Click(`<div id="com.x:id/container"> 录制 </div>`)}, want{f(0, 0), f(0, 2)}, want{f(0, 0), f(0, 2)})
	checkBoth(t, cp, []string{Click(`<div id="com.x:id/container|com.x:id/shrink"> 录制|语音 </div>`)}, want{f(0, 0), f(2, 2)}, want{f(0, 0), f(2, 2)})
}

// A package the reference cannot iterate or divide by (null, "", [])
// makes it raise; here it covers 0 of 0, which the reference's average
// counts as 0 and fixed scoring leaves out.
func TestQuirkUnusablePackage(t *testing.T) {
	for _, p := range []string{`null`, `""`, `[]`} {
		checkBoth(t, `{"package": `+p+`, "text": "A"}`, []string{Click("<p> A </p>")}, want{f(0, 0), f(1, 1)}, want{f(0, 0), f(1, 1)})
	}
}

// An api entry written as an object is matched by its "ADB Command", where
// the reference raises TypeError.
func TestAPIObjectMatchedByADBCommand(t *testing.T) {
	cp := `{"api": [{"ADB Command": "adb shell am start -n com.tencent.qqmusic/.Main", "Function Description": "Open QQ音乐"}, "adb shell input keyevent 3"]}`
	checkBoth(t, cp, []string{APICall("adb shell am start -n com.tencent.qqmusic/.Main")}, want{f(0, 0), f(1, 2)}, want{f(0, 0), f(1, 2)})
	checkBoth(t, cp, nil, want{f(0, 0), f(0, 2)}, want{f(0, 0), f(0, 2)})
}

// Misspelt keys (txt, resourceId, resource_id) are not scored, by the
// reference or by fixed scoring; they are kept and counted in reports.
func TestMisspeltKeysNotScored(t *testing.T) {
	cp := `{"txt": ["设置"], "resourceId": "com.x:id/a", "resource_id": "com.x:id/a"}`
	checkBoth(t, cp, []string{Click(`<p id="com.x:id/a"> 设置 </p>`)}, want{f(0, 0), f(0, 0)}, want{f(0, 0), f(0, 0)})
	it := mustItem(t, SAMT, map[string]any{"id": 3, "check_point": map[string]any{"txt": []any{"设置"}, "text": "设置"}})
	rep, err := Evaluate([]Item{it}, nil, Reference)
	if err != nil {
		t.Fatal(err)
	}
	if rep.UnscoredKeys["txt"] != 1 || len(rep.UnscoredKeys) != 1 {
		t.Errorf("unscored keys %v, want txt: 1", rep.UnscoredKeys)
	}
}
