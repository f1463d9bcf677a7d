package mobilebench

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Items of our own, in Mobile-Bench's three shapes: SAST (query list,
// string package, "&"/"|" lists, unscored keys), SAMT (query string, api
// list with an object entry) and MAMT (package and app lists).
const sastFile = `//  A comment line, as data.json begins.
// Another one.

[
  {
    "id": 1,
    "query": ["打开设置", "里的蓝牙"],
    "check_point": {
      "activity": ["&", "com.android.settings/.MainSettings", "com.android.settings.MainSettings"],
      "resource-id": "",
      "text": ["|", "蓝牙", "Bluetooth"],
      "to_speak": "",
      "teardown": [{"adb": "input keyevent 3"}],
      "package": "com.android.settings"
    },
    "domain": "smartApp/other"
  },
  {
    "id": 2,
    "query": [{"uri": "intent://deskclock.android.com/main#Intent;end"}],
    "check_point": {"text": "闹钟", "nd": ""},
    "domain": "mobileControl",
    "app": "时钟"
  }
]
`

const samtFile = `[
  {"id": 7, "query": "帮我给妈妈发短信说我到了", "app": "短信",
   "check_point": {"package": "com.android.mms", "text": ["妈妈", "我到了"],
     "api": [{"ADB Command": "adb shell am start -a android.intent.action.SENDTO -d sms:10086", "Function Description": "发短信", "Parameter Information": "No additional parameters required."},
             "adb shell input keyevent 66"]}}
]`

const mamtFile = `[{"id": 3, "query": "在微博搜索天气并分享给QQ好友", "app": ["微博", "QQ"],
  "check_point": {"package": ["com.sina.weibo", "com.tencent.mobileqq"], "text": ["天气", "好友"],
    "api": ["adb shell am start -n com.sina.weibo/.SplashActivity", ""]}}]`

func TestParseShapes(t *testing.T) {
	sast, err := Parse([]byte(sastFile), "data/s_app_s_step.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(sast) != 2 || sast[0].Set != SAST || sast[0].ID != 1 || sast[1].ID != 2 {
		t.Fatalf("SAST items %+v", sast)
	}
	it := sast[0]
	if got := it.Instruction(); got != "打开设置里的蓝牙" {
		t.Errorf("instruction %q", got)
	}
	if it.Domain() != "smartApp/other" || !it.Query.List {
		t.Errorf("domain %q, query %+v", it.Domain(), it.Query)
	}
	if v := it.CheckPoint.Activity; !v.List || v.Operator() != '&' || len(v.Elems) != 3 {
		t.Errorf("activity %+v", v)
	}
	if v := it.CheckPoint.Text; v.Operator() != '|' {
		t.Errorf("text %+v", v)
	}
	if v := it.CheckPoint.ResourceID; !v.Present || v.truthy() {
		t.Errorf("resource-id %+v: want present and empty", v)
	}
	if v := it.CheckPoint.Package; v.List || v.Str != "com.android.settings" {
		t.Errorf("package %+v", v)
	}
	if _, ok := it.CheckPoint.Extra["teardown"]; !ok || len(it.CheckPoint.Extra) != 2 {
		t.Errorf("unscored keys not kept: %v", it.CheckPoint.Extra)
	}
	if q := sast[1].Query; q.Raw == nil || q.Join() != "" {
		t.Errorf("object query %+v: want kept raw", q)
	}
	if sast[1].App.Join() != "时钟" || sast[1].App.List {
		t.Errorf("app %+v", sast[1].App)
	}

	samt, err := Parse([]byte(samtFile), "S_APP_M_STEP.json", "")
	if err != nil {
		t.Fatal(err)
	}
	api := samt[0].CheckPoint.API
	if samt[0].Set != SAMT || len(api.Elems) != 2 || api.Elems[0].Object == nil ||
		api.Elems[0].Text != "adb shell am start -a android.intent.action.SENDTO -d sms:10086" {
		t.Errorf("SAMT api %+v", api)
	}
	if samt[0].Instruction() != "帮我给妈妈发短信说我到了" || samt[0].Query.List {
		t.Errorf("string query %+v", samt[0].Query)
	}

	mamt, err := Parse([]byte(mamtFile), "/x/m_app_m_step.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if mamt[0].Set != MAMT || !mamt[0].App.List || len(mamt[0].CheckPoint.Package.Elems) != 2 {
		t.Errorf("MAMT %+v", mamt[0])
	}
}

func TestParseKeyedAndOverride(t *testing.T) {
	keyed := `{"SAST": ` + strings.SplitN(sastFile, "\n\n", 2)[1] + `, "MAMT": ` + mamtFile + `}`
	items, err := Parse([]byte(keyed), "samples.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].Set != SAST || items[2].Set != MAMT {
		t.Fatalf("keyed file: %+v", items)
	}
	if items, err := Parse([]byte(keyed), "samples.json", SAMT); err != nil || items[0].Set != SAST || items[2].Set != MAMT {
		t.Errorf("a keyed file's keys give the sets, whatever the override: %v", err)
	}
	items, err = Parse([]byte(mamtFile), "my_subset.json", SAMT)
	if err != nil || items[0].Set != SAMT {
		t.Errorf("override: %v %+v", err, items)
	}
	// the override wins over the name too
	items, err = Parse([]byte(mamtFile), "m_app_m_step.json", SAST)
	if err != nil || items[0].Set != SAST {
		t.Errorf("override over the name: %v %+v", err, items)
	}
}

// TestParseErrors: every bad input names the file, the line and the fix.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		name, data string
		set        Set
		is         error
		line       int
		msg        string
	}{
		{"unnamed.json", `[]`, "", ErrNoSet, 0, "give its set"},
		{"s_app_s_step.json", ``, "", ErrBadJSON, 0, "no JSON"},
		{"s_app_s_step.json", "// only a comment\n", "", ErrBadJSON, 0, "no JSON"},
		{"s_app_s_step.json", `"text"`, "", ErrBadItem, 1, "a string"},
		{"s_app_s_step.json", "[\n{\"id\": 1, \"check_point\": {}},\n{\"id\": 1, \"check_point\": {}}\n]", "", ErrDuplicateID, 3, "line 2"},
		{"s_app_s_step.json", "[\n{\"id\": 1,\n \"check_point\": {\"text\": 5}}]", "", ErrBadItem, 2, "check_point.text"},
		{"s_app_s_step.json", "[{\"id\": 1, \"check_point\": {\"text\": [\"a\", null]}}]", "", ErrBadItem, 1, "element 1"},
		{"s_app_s_step.json", "[{\"id\": 1, \"check_point\": {\"text\": [{\"ADB Command\": \"x\"}]}}]", "", ErrBadItem, 1, "not a string"},
		{"s_app_s_step.json", "[{\"id\": 1, \"check_point\": {\"api\": [{\"cmd\": \"x\"}]}}]", "", ErrBadItem, 1, "ADB Command"},
		{"s_app_s_step.json", "[{\"id\": 1, \"check_point\": {\"api\": true}}]", "", ErrBadItem, 1, "a boolean"},
		{"s_app_s_step.json", "[{\"id\": \"1\", \"check_point\": {}}]", "", ErrBadItem, 1, "not an integer"},
		{"s_app_s_step.json", "[{\"id\": 1.5, \"check_point\": {}}]", "", ErrBadItem, 1, "not an integer"},
		{"s_app_s_step.json", "[{\"query\": \"x\", \"check_point\": {}}]", "", ErrBadItem, 1, `no "id"`},
		{"s_app_s_step.json", "[{\"id\": 4, \"query\": \"x\"}]", "", ErrBadItem, 1, "(id 4)"},
		{"s_app_s_step.json", "[{\"id\": 4, \"check_point\": []}]", "", ErrBadItem, 1, "must be an object"},
		{"s_app_s_step.json", "[\n{\"id\": 1, \"check_point\": {}},\n{\"id\": 2, \"check_point\": {\"text\": \"a\"}\n]", "", ErrBadJSON, 4, "malformed"},
		{"s_app_s_step.json", "[\n{\"id\": 1, \"check_point\": {}}", "", ErrBadJSON, 2, "ends early"},
		{"s_app_s_step.json", "[{\"id\": 1, \"check_point\": {}}]\n[]", "", ErrBadJSON, 2, "after the items"},
		{"s_app_s_step.json", "[1]", "", ErrBadItem, 1, "an item is a number"},
		{"samples.json", `{"SAST": [], "XAMT": []}`, "", ErrUnknownSet, 1, "XAMT"},
		{"samples.json", "{\"SAST\": [],\n \"SAST\": []}", "", ErrDuplicateID, 2, "twice"},
		{"samples.json", `{"SAST": {}}`, "", ErrBadItem, 1, "want an array"},
		{"x.json", `[]`, Set("FOO"), ErrUnknownSet, 0, "FOO"},
	} {
		_, err := Parse([]byte(c.data), c.name, c.set)
		var ie *InputError
		if !errors.Is(err, c.is) || !errors.As(err, &ie) || ie.Line != c.line || ie.File != c.name || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Parse(%s, %q): %v (line %d); want %v at line %d mentioning %q", c.name, c.data, err, lineOf(ie), c.is, c.line, c.msg)
		}
	}
}

func lineOf(ie *InputError) int {
	if ie == nil {
		return -1
	}
	return ie.Line
}

func TestParseCommentsBOMAndCRLF(t *testing.T) {
	data := "\xef\xbb\xbf// licence\r\n  // indented comment\r\n[\r\n{\"id\": 9, \"check_point\": {\"text\": \"// not a comment\"}}\r\n]\r\n"
	items, err := Parse([]byte(data), "s_app_s_step.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if items[0].CheckPoint.Text.Str != "// not a comment" {
		t.Errorf("text %q", items[0].CheckPoint.Text.Str)
	}
	// a syntax error after comments is reported on its own line
	_, err = Parse([]byte("// a\n// b\n[\n{\"id\": 1,, }]"), "s_app_s_step.json", "")
	var ie *InputError
	if !errors.As(err, &ie) || ie.Line != 4 {
		t.Errorf("error after comments: %v", err)
	}
}

// TestRoundTripKeepsEverything: marshal what was loaded and load it again;
// the JSON is the same as the file's, extras and objects included.
func TestRoundTripKeepsEverything(t *testing.T) {
	for name, data := range map[string]string{"s_app_s_step.json": sastFile, "s_app_m_step.json": samtFile, "m_app_m_step.json": mamtFile} {
		items, err := Parse([]byte(data), name, "")
		if err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(items)
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, blankComments([]byte(data)), out) {
			t.Errorf("%s: round trip changed the data:\n%s", name, out)
		}
		again, err := Parse(out, name, "")
		if err != nil {
			t.Fatal(err)
		}
		for i := range items {
			items[i].src, again[i].src = "", ""
		}
		if !reflect.DeepEqual(normalise(items), normalise(again)) {
			t.Errorf("%s: second load differs", name)
		}
	}
}

// TestRoundTripSamples does the same with the 76 real items.
func TestRoundTripSamples(t *testing.T) {
	path := samplesPath(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	items, err := Parse(data, filepath.Base(path), "")
	if err != nil {
		t.Fatal(err)
	}
	bySet := map[Set][]Item{}
	for _, it := range items {
		bySet[it.Set] = append(bySet[it.Set], it)
	}
	out, err := json.Marshal(bySet)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, data, out) {
		t.Error("the samples do not survive a round trip")
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

// normalise re-encodes raw JSON fields so that equal JSON compares equal.
func normalise(items []Item) string {
	b, _ := json.Marshal(items)
	var v any
	_ = json.Unmarshal(b, &v)
	c, _ := json.Marshal(v)
	return string(c)
}

func TestSetNames(t *testing.T) {
	for name, want := range map[string]Set{"data/s_app_s_step.json": SAST, "S_APP_M_STEP_subset.json": SAMT, "m_app_m_step.json": MAMT} {
		if got, ok := SetFromFileName(name); !ok || got != want {
			t.Errorf("SetFromFileName(%q) = %v %v", name, got, ok)
		}
	}
	for _, name := range []string{"data.json", "samples.json", "s_app_s_step_and_m_app_m_step.json"} {
		if got, ok := SetFromFileName(name); ok {
			t.Errorf("SetFromFileName(%q) = %v, want none", name, got)
		}
	}
	for in, want := range map[string]Set{"sast": SAST, " SAMT ": SAMT, "m_app_m_step": MAMT} {
		if got, err := ParseSet(in); err != nil || got != want {
			t.Errorf("ParseSet(%q) = %v %v", in, got, err)
		}
	}
	if _, err := ParseSet("SASTX"); !errors.Is(err, ErrUnknownSet) || !strings.Contains(err.Error(), "SAST, SAMT or MAMT") {
		t.Errorf("ParseSet(SASTX): %v", err)
	}
}

// FuzzLoad: the loader never panics; what it accepts survives a round trip
// with the same scores; what it rejects is an *InputError.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{sastFile, samtFile, mamtFile,
		`{"SAST": [{"id": 1, "check_point": {"text": ["&"]}}]}`,
		"// c\n[{\"id\": -3, \"query\": [1, {\"uri\": \"x\"}], \"check_point\": {\"package\": null, \"api\": [{\"ADB Command\": \"|\"}]}}]",
		`[{"id": 1, "check_point": {"package": ["|", "", "com.a"]}, "case": {"query": "x"}}]`,
		"\xef\xbb\xbf[]", `[{"id": 1e2, "check_point": {}}]`, `[{"id": 1, "check_point": {"text": "\ud800"}}]`,
	} {
		f.Add([]byte(s))
	}
	h := []string{Click(`<p package="com.a"> & 设置 | 蓝牙 </p>`), APICall("adb shell am start -n com.android.settings/.Settings"), "Fail"}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := Parse(data, "s_app_s_step.json", "")
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *InputError", err)
			}
			return
		}
		var buf bytes.Buffer
		buf.WriteByte('[')
		for i, it := range items {
			b, err := it.MarshalJSON()
			if err != nil {
				t.Fatalf("marshal %+v: %v", it, err)
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.Write(b)
		}
		buf.WriteByte(']')
		again, err := Parse(buf.Bytes(), "s_app_s_step.json", "")
		if err != nil {
			t.Fatalf("reload of %s: %v", buf.Bytes(), err)
		}
		if len(again) != len(items) {
			t.Fatalf("reload: %d items, want %d", len(again), len(items))
		}
		for i := range items {
			for _, m := range []Mode{Reference, Fixed} {
				if a, b := Score(items[i], h, m), Score(again[i], h, m); a != b {
					t.Fatalf("item %d %s: %+v before, %+v after a round trip", i, m, a, b)
				}
			}
		}
	})
}
