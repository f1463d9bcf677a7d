package intent

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is a task shape.
type Kind string

// Task shapes.
const (
	KindUnknown Kind = ""
	KindOpen    Kind = "open"
	KindToggle  Kind = "toggle"
	KindMessage Kind = "message"
	KindSearch  Kind = "search"
	KindPrice   Kind = "price"
	KindAlarm   Kind = "alarm"
)

// Intent is a parsed task.
type Intent struct {
	Kind   Kind
	App    string // the app to work in ("Settings", "Messages", "Chrome"), or to open
	Target string // the setting, contact, query or item
	Text   string // the message to send
	// State is the wanted switch state: "on", "off", or "" to flip it.
	State string
	// Time is an alarm's time as "HH:MM" on a 24-hour clock.
	Time string
}

var (
	reToggle1 = regexp.MustCompile(`(?i)^(?:please\s+)?(?:turn|switch|set)\s+(on|off)\s+(?:the\s+)?(.+?)(?:\s+(?:setting|option))?(?:\s+in\s+(?:the\s+)?(\S+)(?:\s+app)?)?$`)
	reToggle2 = regexp.MustCompile(`(?i)^(?:please\s+)?(?:turn|switch|set)\s+(?:the\s+)?(.+?)\s+(on|off)(?:\s+in\s+(?:the\s+)?(\S+)(?:\s+app)?)?$`)
	reToggle3 = regexp.MustCompile(`(?i)^(?:please\s+)?(enable|disable|activate|deactivate|toggle)\s+(?:the\s+)?(.+?)(?:\s+(?:setting|option))?(?:\s+in\s+(?:the\s+)?(\S+)(?:\s+app)?)?$`)
	reOpen    = regexp.MustCompile(`(?i)^(?:please\s+)?(?:open|launch|start)\s+(?:the\s+)?(.+?)(?:\s+app)?$`)
	reMsg1    = regexp.MustCompile(`(?i)^(?:please\s+)?send\s+(?:a\s+|an\s+)?(?:message|text|sms)\s+to\s+(.+?)\s*(?:saying|that says|with the text|:)\s*["“]?(.+?)["”]?$`)
	reMsg2    = regexp.MustCompile(`(?i)^(?:please\s+)?(?:text|message)\s+(.+?)\s*(?:saying|that says|:)\s*["“]?(.+?)["”]?$`)
	reMsg3    = regexp.MustCompile(`(?i)^(?:please\s+)?send\s+(?:a\s+)?(?:(?:text\s+)?message\s+|text\s+|sms\s+)?["“'‘](.+?)["”'’]\s+to\s+(.+?)$`)
	reAlarm   = regexp.MustCompile(`(?i)^(?:please\s+)?(?:set|create|add|make)\s+(?:an?\s+)?(?:new\s+)?alarm\s+(?:for|at)\s+(\d{1,2})(?:[:.](\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?$`)
	reSearch  = regexp.MustCompile(`(?i)^(?:please\s+)?search\s+(?:for\s+)?["“]?(.+?)["”]?(?:\s+(?:in|on|with)\s+(?:the\s+)?(\S+)(?:\s+app)?)?$`)
	rePrice   = regexp.MustCompile(`(?i)^(?:please\s+)?(?:what(?:'s| is)|find|tell me|look up|check)\s+(?:out\s+)?(?:the\s+)?(?:current\s+)?price\s+(?:of|for)\s+(?:the\s+|a\s+|an\s+)?["“]?(.+?)["”]?(?:\s+(?:in|on|at)\s+(?:the\s+)?(\S+)(?:\s+app)?)?\??$`)
)

// Parse reads a task in English. Kind is KindUnknown for a task of no
// shape it knows.
func Parse(task string) Intent {
	t := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(task), ".!?"))
	if m := rePrice.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindPrice, Target: m[1], App: orDefault(m[2], "Chrome")}
	}
	if m := reAlarm.FindStringSubmatch(t); m != nil {
		if tm, ok := clock(m[1], m[2], m[3]); ok {
			return Intent{Kind: KindAlarm, App: "Clock", Time: tm}
		}
	}
	if m := reMsg1.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindMessage, App: "Messages", Target: m[1], Text: m[2]}
	}
	if m := reMsg3.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindMessage, App: "Messages", Target: m[2], Text: m[1]}
	}
	if m := reMsg2.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindMessage, App: "Messages", Target: m[1], Text: m[2]}
	}
	if m := reToggle1.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindToggle, State: strings.ToLower(m[1]), Target: m[2], App: orDefault(m[3], "Settings")}
	}
	if m := reToggle2.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindToggle, State: strings.ToLower(m[2]), Target: m[1], App: orDefault(m[3], "Settings")}
	}
	if m := reToggle3.FindStringSubmatch(t); m != nil {
		state := ""
		switch strings.ToLower(m[1]) {
		case "enable", "activate":
			state = "on"
		case "disable", "deactivate":
			state = "off"
		}
		return Intent{Kind: KindToggle, State: state, Target: m[2], App: orDefault(m[3], "Settings")}
	}
	if m := reSearch.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindSearch, Target: m[1], App: orDefault(m[2], "Chrome")}
	}
	if m := reOpen.FindStringSubmatch(t); m != nil {
		return Intent{Kind: KindOpen, App: m[1]}
	}
	return Intent{}
}

// clock turns an hour, minutes and am/pm into "HH:MM" on a 24-hour clock.
func clock(h, m, ampm string) (string, bool) {
	hh, err := strconv.Atoi(h)
	if err != nil {
		return "", false
	}
	mm := 0
	if m != "" {
		if mm, err = strconv.Atoi(m); err != nil {
			return "", false
		}
	}
	switch p := strings.ToLower(strings.ReplaceAll(ampm, ".", "")); {
	case p == "pm" && hh < 12:
		hh += 12
	case p == "am" && hh == 12:
		hh = 0
	}
	if hh > 23 || mm > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", hh, mm), true
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}

// Subgoals is the plan for an intent.
func (in Intent) Subgoals() []string {
	switch in.Kind {
	case KindOpen:
		return []string{"Open " + in.App}
	case KindToggle:
		want := "flip it"
		if in.State != "" {
			want = "make sure it is " + in.State
		}
		return []string{"Open " + in.App, "Find the " + in.Target + " switch", want}
	case KindMessage:
		return []string{"Open " + in.App, "Open the conversation with " + in.Target, "Type the message", "Send it"}
	case KindSearch:
		return []string{"Open " + in.App, "Search for " + in.Target}
	case KindPrice:
		return []string{"Open " + in.App, "Search for " + in.Target, "Read its price"}
	case KindAlarm:
		return []string{"Open " + in.App, "Add an alarm at " + in.Time}
	}
	return nil
}
