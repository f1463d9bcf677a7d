package safety

import (
	"fmt"
	"strings"

	"github.com/mobagent/mobagent/actions"
)

// assessADB judges an API call (an adb shell command) by what the command
// does: removing apps, data or files is destructive; changing the screen
// lock, permissions or secure settings is a security change; placing a
// call communicates; and the text a command carries into an app (an SMS
// body, text to type, an extra of a SEND intent) is checked as outgoing
// text is. A command that cannot be read is left to validation.
func (r *resolved) assessADB(a actions.ADB) {
	argv, err := actions.ParseADBCommand(a.Command)
	if err != nil || len(argv) == 0 {
		return
	}
	cmd := strings.Join(argv, " ")
	ev := "adb shell " + actions.Excerpt(cmd, 80)
	arg := func(i int) string {
		if i < len(argv) {
			return argv[i]
		}
		return ""
	}
	switch argv[0] {
	case "pm", "cmd":
		sub := arg(1)
		if argv[0] == "cmd" && sub == "package" {
			sub = arg(2)
		}
		switch sub {
		case "uninstall":
			r.add(CategoryDestructive, SeverityHigh, "the command uninstalls an app and its data", ev)
		case "clear":
			r.add(CategoryDestructive, SeverityHigh, "the command erases an app's data", ev)
		case "grant", "revoke", "disable", "disable-user", "hide", "suspend":
			r.add(CategorySecurity, SeverityHigh, "the command changes an app's permissions or state", ev)
		}
	case "rm", "rmdir":
		r.add(CategoryDestructive, SeverityHigh, "the command deletes files", ev)
	case "content":
		if arg(1) == "delete" {
			r.add(CategoryDestructive, SeverityHigh, "the command deletes records (messages, contacts or events)", ev)
		}
	case "locksettings":
		if arg(1) != "get-disabled" && arg(1) != "verify" {
			r.add(CategorySecurity, SeverityHigh, "the command changes the screen lock", ev)
		}
	case "appops":
		if arg(1) == "set" {
			r.add(CategorySecurity, SeverityHigh, "the command changes what an app may do", ev)
		}
	case "settings":
		if arg(1) == "put" || arg(1) == "delete" {
			ns, key := arg(2), strings.ToLower(arg(3))
			if ns == "secure" || strings.Contains(key, "adb") || strings.Contains(key, "install_non_market") || strings.Contains(key, "lock") {
				r.add(CategorySecurity, SeverityHigh, fmt.Sprintf("the command changes the %s setting %s", ns, arg(3)), ev)
			}
		}
	case "input":
		if arg(1) == "text" {
			r.typed = strings.Join(argv[2:], " ")
			r.checkTyped(r.typed, "the typed text")
		}
	case "am":
		var action string
		var bodies, others []string
		for i := 1; i < len(argv); i++ {
			switch argv[i] {
			case "-a":
				action = arg(i + 1)
				i++
			case "-e", "--es":
				if messageExtras[strings.ToLower(arg(i+1))] {
					bodies = append(bodies, arg(i+2))
				} else {
					others = append(others, arg(i+2))
				}
				i += 2
			}
		}
		switch action {
		case "android.intent.action.CALL", "android.intent.action.CALL_PRIVILEGED":
			r.add(CategoryCommunication, SeverityMedium, "the command places a phone call", ev)
		case "android.intent.action.DELETE", "android.intent.action.UNINSTALL_PACKAGE":
			r.add(CategoryDestructive, SeverityHigh, "the command asks to uninstall an app", ev)
		}
		r.typed = strings.Join(append(append([]string(nil), bodies...), others...), "\n")
		if len(bodies) > 0 {
			r.checkOutgoing(strings.Join(bodies, "\n"), "the message the command drafts")
		}
		if len(others) > 0 {
			r.checkTyped(strings.Join(others, "\n"), "the text the command passes to the app")
		}
	}
}

// messageExtras are the string extras that carry a message's text (an SMS
// body, a share's text): checked as outgoing text. Other extras (a title,
// a time) are checked for harmful content and injections only, since a
// date is not a phone number anyone is sent.
var messageExtras = map[string]bool{
	"sms_body": true, "android.intent.extra.text": true, "android.intent.extra.subject": true, "android.intent.extra.html_text": true,
	"text": true, "body": true, "message": true, "content": true, "msg": true,
}

// checkTyped checks text an app is given, outside a message, for harmful
// content and instructions aimed at an agent.
func (r *resolved) checkTyped(text, what string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	for _, h := range findHarmful(text) {
		r.add(CategoryHarmful, h.severity, fmt.Sprintf("%s contains %s: “%s”", what, h.describe(), actions.Excerpt(h.excerpt, 60)), "matched "+h.kind)
	}
	if fs := DetectInjection(text); len(fs) > 0 {
		r.add(CategoryInjection, SeverityHigh, fmt.Sprintf("%s carries instructions aimed at an AI agent (%s), probably copied from untrusted content", what, findingKinds(fs)), fs[0].Excerpt)
	}
}
