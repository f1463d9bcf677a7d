package intent

import (
	"testing"

	"github.com/mobagent/mobagent/perception"
)

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

func TestCheckAnswer(t *testing.T) {
	screen := &perception.Screen{Elements: []perception.Element{
		{ID: 12, Text: "GOOGL Alphabet Inc. Class A $176.90 +0.91%", Clickable: true},
		{ID: 14, Text: "TSLA Tesla Inc. $182.33 +2.67%", Clickable: true},
		{ID: 20, Text: "Search Tesla", Editable: true},
	}}
	tesla := Parse("What is the price of Tesla stock?")
	for _, c := range []struct {
		in            Intent
		answer        string
		decided, done bool
	}{
		{tesla, "$182.33", true, true},
		{tesla, "Tesla trades at 182.33 USD", true, true},
		{tesla, "The price is $182.330", true, true},
		{tesla, "$176.90", true, false},             // Alphabet's price: turned down
		{tesla, "$182.33 or $176.90", false, false}, // two amounts: the verifier looks
		{tesla, "about a hundred dollars", false, false},
		{Parse("What is the price of Fresh Bananas?"), "$0.59", false, false}, // not on this screen
		{Parse("Turn on Wi-Fi"), "$182.33", false, false},
	} {
		ev := CheckAnswer(c.in, c.answer, screen)
		if ev.Decided != c.decided || ev.Done != c.done {
			t.Errorf("%q for %q: decided %v done %v (%s %q); want %v %v", c.answer, c.in.Target, ev.Decided, ev.Done, ev.Reason, ev.Facts, c.decided, c.done)
		}
	}
}
