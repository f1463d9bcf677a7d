package actions

import (
	"strings"

	"github.com/mobagent/mobagent/device"
)

// ParseKey maps a key name as models write it ("Back", "KEYCODE_HOME",
// "overview", "recents", "backspace") to the device key. It reports false for
// a key the agents may not press.
func ParseKey(k string) (device.Key, bool) {
	switch normName(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(k)), "KEYCODE_")) {
	case "back", "return", "go_back":
		return device.KeyBack, true
	case "home":
		return device.KeyHome, true
	case "enter", "search", "done", "go", "send", "newline":
		return device.KeyEnter, true
	case "overview", "recent", "recents", "recent_apps", "app_switch", "menu", "switch", "app_switcher":
		return device.KeyAppSwitch, true
	case "delete", "del", "backspace":
		return device.KeyDelete, true
	}
	return "", false
}
