package mobilebench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNoAPIList: no API list was given and none was found beside the items.
var ErrNoAPIList = errors.New("no Mobile-Bench API list")

// API is one entry of Mobile-Bench's API list: an adb command (with
// placeholders such as <x> to fill in) and what it does.
type API struct {
	Command     string `json:"ADB Command"`
	Description string `json:"Function Description"`
	Parameters  string `json:"Parameter Information"`
}

// APIApp is one app of the API list and its API calls.
type APIApp struct {
	NameZH  string `json:"name_ch"`
	NameEN  string `json:"name_en"`
	Package string `json:"package"`
	APIs    []API  `json:"api"`
}

// generalKeys is the app the reference names 通用按键 (general keys):
// back, home, sleep, screenshot and wake, offered for every task.
const generalKeys = "通用按键"

// referenceGeneral are the general keys as the reference runner offers
// them when the list has none (format_api_info_as_text).
var referenceGeneral = []API{
	{Command: "adb shell input keyevent KEYCODE_BACK", Description: "Return to previous page"},
	{Command: "adb shell input keyevent KEYCODE_HOME", Description: "go to home page, which is equal to click the home button"},
	{Command: "adb shell input keyevent KEYCODE_SLEEP", Description: "Set the device to sleep"},
	{Command: "adb shell screencap -p /sdcard/screenshot.png", Description: "Takes a screenshot and saves it."},
	{Command: "adb shell input keyevent KEYCODE_WAKEUP", Description: "Wake up the device"},
}

// LoadAPIList reads Mobile-Bench's API list in either of its forms: the
// app list app_list_MIUI.json (a JSON array of {name_ch, name_en, package,
// api: [{"ADB Command", "Function Description", "Parameter Information"}]})
// or agent_for_api/api_list.json (an object from an app's Chinese name to
// its API calls).
func LoadAPIList(path string) ([]APIApp, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mobilebench: API list: %w", err)
	}
	return ParseAPIList(data, path)
}

// ParseAPIList reads an API list from data, a file called name; see
// LoadAPIList.
func ParseAPIList(data []byte, name string) ([]APIApp, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	t := bytes.TrimSpace(data)
	bad := func(err error) error {
		return &InputError{File: name, Err: fmt.Errorf("%w: want Mobile-Bench's app_list_MIUI.json (a list of apps with their \"api\") or agent_for_api/api_list.json (an object of apps' API calls): %v", ErrBadJSON, err)}
	}
	var apps []APIApp
	switch {
	case len(t) > 0 && t[0] == '[':
		if err := json.Unmarshal(t, &apps); err != nil {
			return nil, bad(err)
		}
	case len(t) > 0 && t[0] == '{':
		var byName map[string][]API
		if err := json.Unmarshal(t, &byName); err != nil {
			return nil, bad(err)
		}
		for _, k := range sortedKeys(byName) {
			apps = append(apps, APIApp{NameZH: k, APIs: byName[k]})
		}
	default:
		return nil, bad(errors.New("the file holds neither a list nor an object"))
	}
	for i, a := range apps {
		for j, api := range a.APIs {
			if strings.TrimSpace(api.Command) == "" {
				return nil, &InputError{File: name, Err: fmt.Errorf("%w: app %d (%s) API %d has no \"ADB Command\": is this Mobile-Bench's API list (app_list_MIUI.json or agent_for_api/api_list.json)?", ErrBadItem, i+1, a.NameZH, j+1)}
			}
		}
	}
	if len(apps) == 0 {
		return nil, &InputError{File: name, Err: fmt.Errorf("%w: the API list has no apps", ErrBadItem)}
	}
	return apps, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// FindAPIList looks for the API list beside items files laid out as in
// Mobile-Bench's repository (data/s_app_s_step.json): ../app_list_MIUI.json,
// then ../agent_for_api/api_list.json. It returns "" when neither exists.
func FindAPIList(itemsPath string) string {
	dir := filepath.Dir(itemsPath)
	for _, rel := range []string{"app_list_MIUI.json", "../app_list_MIUI.json", "../agent_for_api/api_list.json", "agent_for_api/api_list.json"} {
		p := filepath.Join(dir, rel)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// APIsFor is the API list the agent is offered for an item, as the
// reference offers it (format_api_info_as_text): the general keys, then the
// API calls of every app whose Chinese or English name the text naming the
// task's apps holds. The reference matches the model's own plan; here the
// text is the item's query and its app field, which name the same apps
// without a model call.
func APIsFor(apps []APIApp, it Item) []API {
	text := it.Instruction() + " " + it.App.Join()
	if it.App.List {
		text = it.Instruction() + " " + strings.Join(it.App.Values, " ")
	}
	var out []API
	general := referenceGeneral
	for _, a := range apps {
		if a.NameZH == generalKeys {
			general = a.APIs
		}
	}
	out = append(out, general...)
	seen := map[string]bool{}
	for _, a := range out {
		seen[strings.TrimSpace(a.Command)] = true
	}
	for _, a := range apps {
		if a.NameZH == generalKeys {
			continue
		}
		if (a.NameZH == "" || !strings.Contains(text, a.NameZH)) && (a.NameEN == "" || !strings.Contains(text, a.NameEN)) {
			continue
		}
		for _, api := range a.APIs {
			if c := strings.TrimSpace(api.Command); !seen[c] {
				seen[c] = true
				out = append(out, api)
			}
		}
	}
	return out
}

// describe is what the agent is told an API does: its description, and
// its parameters when it has any.
func (a API) describe() string {
	d := strings.TrimSpace(a.Description)
	if p := strings.TrimSpace(a.Parameters); p != "" && !strings.HasPrefix(p, "No additional parameters") {
		if d != "" {
			d += "; "
		}
		d += p
	}
	return d
}
