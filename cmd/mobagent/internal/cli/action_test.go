package cli

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func actionStreams(stdin string) (*IOStreams, *strings.Builder) {
	s, _, _ := cliStreams()
	s.In = strings.NewReader(stdin)
	b := &strings.Builder{}
	s.Out = b
	return s, b
}

func TestActionParse(t *testing.T) {
	tests := []struct {
		name  string
		opts  ActionParseOptions
		reply string
		code  int
		x, y  float64 // the tap in pixels, when the reply is a tap at a point
		has   []string
	}{
		{"json default", ActionParseOptions{}, `{"thought":"Open it","action":{"action":"open_app","app":"Settings"}}`, ExitOK, 0, 0,
			[]string{`"action":"open_app"`, "thought: Open it", "dialect: json"}},
		// Real replies (testdata/replies in package actions).
		{"ui-tars-1.5 by model", ActionParseOptions{Model: "ByteDance-Seed/UI-TARS-1.5-7B", Size: "1920x1080"},
			"Thought: 让我点击它看看里面有什么选项。\nAction: click(start_box='(177,549)')", ExitOK, 175.9, 543.0, []string{"dialect: ui-tars-1.5", "让我点击它"}},
		{"qwen2.5-vl cookbook", ActionParseOptions{Dialect: "qwen2.5-vl", Size: "1080x2400"},
			"<tool_call>\n{\"name\": \"mobile_use\", \"arguments\": {\"action\": \"click\", \"coordinate\": [935, 406]}}\n</tool_call>", ExitOK, 924.7, 404.7, nil},
		{"doubao", ActionParseOptions{Model: "doubao-1-5-ui-tars-250428", Size: "1280x720"},
			"Thought: 点击qwen按钮\nAction: click(start_box='<bbox>27 25 27 25</bbox>')", ExitOK, 34.56, 18, nil},
		{"m3a index", ActionParseOptions{Dialect: "m3a"}, "Reason: The Yes button.\nAction: {\"action_type\": \"click\", \"index\": 2}", ExitOK, 0, 0,
			[]string{`{"action":"tap","element":3}`}},
		{"rejected", ActionParseOptions{Dialect: "ui-tars"}, "Action: click(start_box='=')", ExitFailed, 0, 0,
			[]string{"error:", "no element id or point", "click(start_box="}},
		{"prose", ActionParseOptions{}, "I am not sure what to do.", ExitFailed, 0, 0, []string{"no action found"}},
		{"smart resize needs a size", ActionParseOptions{Dialect: "qwen2.5-vl"}, "x", ExitUsage, 0, 0, nil},
		{"unknown dialect", ActionParseOptions{Dialect: "nope"}, "x", ExitUsage, 0, 0, nil},
		{"bad size", ActionParseOptions{Size: "big"}, "x", ExitUsage, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := actionStreams(tt.reply)
			opts := tt.opts
			opts.IO = s
			err := actionParseRun(context.Background(), &opts)
			if c := exitCode(err); c != tt.code {
				t.Fatalf("exit %d (%v); want %d; output:\n%s", c, err, tt.code, out)
			}
			for _, h := range tt.has {
				if !strings.Contains(out.String(), h) {
					t.Errorf("output does not contain %q:\n%s", h, out)
				}
			}
			if tt.x == 0 {
				return
			}
			opts.JSON = true
			s, out = actionStreams(tt.reply)
			opts.IO = s
			if err := actionParseRun(context.Background(), &opts); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Format int `json:"format"`
				Action struct {
					Action string `json:"action"`
				} `json:"action"`
				ImageSize []int `json:"image_size"`
			}
			if err := json.Unmarshal([]byte(out.String()), &got); err != nil {
				t.Fatalf("--json output %q: %v", out, err)
			}
			var raw map[string]map[string]float64
			_ = json.Unmarshal([]byte(out.String()), &raw)
			x, y := raw["action"]["x"], raw["action"]["y"]
			if got.Format != 2 || got.Action.Action != "tap" || math.Abs(x-tt.x) > 2 || math.Abs(y-tt.y) > 2 || len(got.ImageSize) != 2 {
				t.Errorf("--json = %s; want a tap at (%g, %g)", out, tt.x, tt.y)
			}
		})
	}
}

func TestActionParseJSONError(t *testing.T) {
	s, out := actionStreams("Action: RIGHT_CLICK(box=[[1,2,3,4]])")
	err := actionParseRun(context.Background(), &ActionParseOptions{IO: s, Dialect: "cogagent", JSON: true})
	if exitCode(err) != ExitFailed {
		t.Fatalf("exit %d", exitCode(err))
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil || !strings.Contains(got["error"].(string), "long_press") || got["action"] != nil {
		t.Errorf("--json error output %s (%v)", out, err)
	}
}

func TestActionDialects(t *testing.T) {
	s, out := actionStreams("")
	if err := actionDialectsRun(context.Background(), &ActionDialectsOptions{IO: s}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"ui-tars-1.5", "smart-resized", "0-999", "m3a", "autoglm", "Models"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dialects output lacks %q:\n%s", want, out)
		}
	}
	s, out = actionStreams("")
	if err := actionParseRun(context.Background(), &ActionParseOptions{IO: s, Dialect: "list", JSON: true}); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Format   int `json:"format"`
		Dialects []struct {
			Name        string `json:"name"`
			Coordinates struct {
				Kind string `json:"kind"`
			} `json:"coordinates"`
		} `json:"dialects"`
		Models []struct{ Pattern, Dialect string } `json:"models"`
	}
	if err := json.Unmarshal([]byte(out.String()), &list); err != nil || list.Format != 2 || len(list.Dialects) < 11 || len(list.Models) < 10 {
		t.Fatalf("--dialect list --json: %v\n%s", err, out)
	}
	for _, d := range list.Dialects {
		if d.Coordinates.Kind == "" {
			t.Errorf("dialect %s without a coordinate system", d.Name)
		}
	}
}

func TestActionParseThroughMain(t *testing.T) {
	s, _, errb := cliStreams()
	s.In = strings.NewReader("Action: press_back()")
	var out strings.Builder
	s.Out = &out
	if code := Main([]string{"action", "parse", "--dialect", "ui-tars"}, s); code != ExitOK || !strings.Contains(out.String(), `"key":"back"`) {
		t.Errorf("exit %d, out %q, err %q", code, out.String(), errb)
	}
	s, _, errb = cliStreams()
	if code := Main([]string{"action", "parse", "--dialect", "json", "--model", "gpt-4o"}, s); code != ExitUsage {
		t.Errorf("--dialect with --model: exit %d (%s)", code, errb)
	}
	s, _, _ = cliStreams()
	var help strings.Builder
	s.Out = &help
	if code := Main([]string{"action", "parse", "--help"}, s); code != ExitOK || !strings.Contains(help.String(), "smart_resize") || !strings.Contains(help.String(), "--dialect m3a") {
		t.Errorf("help: exit %d\n%s", code, help.String())
	}
}
