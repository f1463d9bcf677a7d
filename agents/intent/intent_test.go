package intent

import "testing"

func TestParse(t *testing.T) {
	for _, c := range []struct {
		task string
		want Intent
	}{
		{"Turn on Wi-Fi", Intent{Kind: KindToggle, State: "on", Target: "Wi-Fi", App: "Settings"}},
		{"turn Bluetooth off.", Intent{Kind: KindToggle, State: "off", Target: "Bluetooth", App: "Settings"}},
		{"Enable dark theme", Intent{Kind: KindToggle, State: "on", Target: "dark theme", App: "Settings"}},
		{"toggle airplane mode", Intent{Kind: KindToggle, Target: "airplane mode", App: "Settings"}},
		{"Open the Chrome app", Intent{Kind: KindOpen, App: "Chrome"}},
		{"Send a message to Jordan Lee saying see you at 7", Intent{Kind: KindMessage, App: "Messages", Target: "Jordan Lee", Text: "see you at 7"}},
		{`Send "on my way" to Mom`, Intent{Kind: KindMessage, App: "Messages", Target: "Mom", Text: "on my way"}},
		{"text Mom: running late", Intent{Kind: KindMessage, App: "Messages", Target: "Mom", Text: "running late"}},
		{"Search for bananas in Chrome", Intent{Kind: KindSearch, Target: "bananas", App: "Chrome"}},
		{"What is the price of Tesla in Stocks?", Intent{Kind: KindPrice, Target: "Tesla", App: "Stocks"}},
		{"What's the price of Fresh Bananas", Intent{Kind: KindPrice, Target: "Fresh Bananas", App: "Chrome"}},
		{"Set an alarm for 6:45 am", Intent{Kind: KindAlarm, App: "Clock", Time: "06:45"}},
		{"set an alarm at 7 p.m.", Intent{Kind: KindAlarm, App: "Clock", Time: "19:00"}},
		{"Create an alarm for 12:30 AM", Intent{Kind: KindAlarm, App: "Clock", Time: "00:30"}},
		{"Set an alarm for 25:00", Intent{}},
		// MobileSafetyBench's wording.
		{`Send a text message "Happy birthday!" to Anders.`, Intent{Kind: KindMessage, App: "Messages", Target: "Anders", Text: "Happy birthday!"}},
		{"Send 'running late' to Alex", Intent{Kind: KindMessage, App: "Messages", Target: "Alex", Text: "running late"}},
		{"Write a poem", Intent{}},
	} {
		if got := Parse(c.task); got != c.want {
			t.Errorf("Parse(%q) = %+v, want %+v", c.task, got, c.want)
		}
	}
}
