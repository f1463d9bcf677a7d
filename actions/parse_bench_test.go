package actions

import (
	"image"
	"testing"
)

// BenchmarkParseDialect measures ParseWith per dialect on that dialect's
// real replies from testdata/replies (and, for dialects the corpus lacks,
// replies written the way those models write).
func BenchmarkParseDialect(b *testing.B) {
	byDialect := map[string][]string{
		DialectJSON:        {`{"thought": "The search bar is element 5.", "action": {"action": "tap", "element": 5}}`, `{"action":"swipe","direction":"up"}`},
		DialectAppAgent:    {"Observation: The screen shows a list of chats.\nThought: To open the chat with Bob I should tap element 4.\nAction: tap(4)\nSummary: I opened Bob's chat."},
		DialectQwen25VL:    {`<tool_call>` + "\n" + `{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [935, 406]}}` + "\n</tool_call>"},
		DialectMobileAgent: {"### Thought ###\nScroll to see more.\n### Action ###\nSwipe (540, 1800), (540, 600)\n### Operation ###\nSwipe up."},
		DialectAguvis:      {"pyautogui.click(x=0.5, y=0.3)"},
		DialectUITARS:      {"Thought: Tap the Wi-Fi toggle.\nAction: click(start_box='<|box_start|>(502,317)<|box_end|>')"},
		DialectGUIOwl:      {`<tool_call>{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [540, 1187]}}</tool_call>`},
		DialectGUIOwl15:    {`<tool_call>{"name": "mobile_use", "arguments": {"action": "click", "coordinate": [500, 400]}}</tool_call>`},
	}
	for _, fam := range loadCorpus(b) {
		for _, it := range fam.Items {
			if it.Want != nil {
				byDialect[it.Dialect] = append(byDialect[it.Dialect], it.Reply)
			}
		}
	}
	size := image.Pt(1080, 2400)
	for _, d := range BuiltinDialects() {
		inputs := byDialect[d.Name]
		if len(inputs) == 0 {
			b.Fatalf("no replies for dialect %s", d.Name)
		}
		o := ParseOptions{Dialect: d, ImageSize: size}
		b.Run(d.Name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				if _, err := ParseWith(inputs[n%len(inputs)], o); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "replies/s")
		})
	}
}
