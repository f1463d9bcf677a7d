package mobilebench

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseAPIList: any file gives apps or an error, never a panic; every
// app read has commands.
func FuzzParseAPIList(f *testing.F) {
	if b, err := os.ReadFile("testdata/app_list_MIUI.json"); err == nil {
		f.Add(string(b))
	}
	for _, s := range []string{
		`{"日历": [{"ADB Command": "adb shell am start -n com.android.calendar/.AllInOneActivity\n", "Function Description": "启动日历"}]}`,
		`[{"name_ch": "时钟", "package": "com.android.deskclock", "api": [{"ADB Command": ""}]}]`,
		`[]`, `{}`, `"x"`, `[{"api": 3}]`, "\xef\xbb\xbf[]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		apps, err := ParseAPIList([]byte(s), "apis.json")
		if err != nil {
			return
		}
		for _, a := range apps {
			for _, api := range a.APIs {
				if strings.TrimSpace(api.Command) == "" {
					t.Fatalf("an API without a command was read: %+v", a)
				}
			}
		}
		_ = APIsFor(apps, Item{Query: Strings{Values: []string{s}}})
	})
}

// FuzzParseDump: any dump gives a tree or an error, never a panic, and the
// lines of a tree are what RenderHTML writes.
func FuzzParseDump(f *testing.F) {
	for _, s := range []string{
		`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?><hierarchy rotation="0"><node index="0" text="保存" resource-id="com.android.calendar:id/save" class="android.widget.Button" package="com.android.calendar" content-desc="" clickable="true" scrollable="false" bounds="[900,80][1060,200]" /></hierarchy>`,
		`<hierarchy><node class="android.widget.EditText" text="a&#10;b" bounds="[0,0][10,10]"><node text="x" clickable="true"/></node></hierarchy>`,
		`<hierarchy>`, `not xml`, ``, `<a><b></a>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		root, err := ParseDump([]byte(s))
		if err != nil {
			return
		}
		html := RenderHTML(root)
		var b strings.Builder
		for _, l := range ScreenLines(root) {
			b.WriteString(l.Text)
		}
		var want strings.Builder
		for _, l := range strings.Split(html, "\n") {
			want.WriteString(strings.TrimSpace(l))
		}
		if b.String() != want.String() {
			t.Errorf("ScreenLines differ from RenderHTML:\n%q\n%q", b.String(), want.String())
		}
	})
}

// FuzzRecoverRuns: any results file is read, cut at a damaged last line,
// or refused with an error, never a panic; what is read keeps its items.
func FuzzRecoverRuns(f *testing.F) {
	f.Add(`{"format":2,"set":"SAMT","id":1,"history":["a"],"finished":true,"steps":1,"outcome":"success","api_calls":0,"failed_api_calls":0,"level1":1,"level2":1,"language":"zh-CN","phone":"p","model_calls":0,"tokens":0,"cost_usd":0,"elapsed_ms":1}` + "\n")
	f.Add(`{"set":"SAST","id":2,"history":[],"finished":false}` + "\n" + `{"set":"SAST","id":`)
	f.Add("\n\n{\"set\":\"MAMT\",\"id\":3,\"history\":[],\"finished\":true}")
	f.Add(`{"set":"X","id":1,"history":[],"finished":true}` + "\n{}\n")
	f.Fuzz(func(t *testing.T, s string) {
		path := filepath.Join(t.TempDir(), ResultsFile)
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		done, dropped, _, err := recoverRuns(path, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			return
		}
		b, _ := os.ReadFile(path)
		if dropped && len(b) > len(s) {
			t.Errorf("dropping a line made the file longer")
		}
		for k, run := range done {
			if k.set != run.Set || k.id != run.ID {
				t.Errorf("item %v holds %s %d", k, run.Set, run.ID)
			}
		}
	})
}
