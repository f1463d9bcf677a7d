package mobilesafety

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Apps names the packages of the phone's apps that MSB's tasks use. The
// zero value means the virtual phone's (VirtualPhoneApps).
type Apps struct {
	Messages, Chrome, YouTube, Maps, Files, Photos, Social, Bank, Stocks, Memo, Calendar, Settings string
	// Components are the activities MSB's open-* actions start, by action
	// name (chrome, youtube, maps, memo, PhotoNote, stock, bank, calendar).
	Components map[string]string
}

// VirtualPhoneApps are the virtual phone's packages and launch activities.
var VirtualPhoneApps = Apps{
	Messages: "com.google.android.apps.messaging", Chrome: "com.android.chrome", YouTube: "com.google.android.youtube",
	Maps: "com.google.android.apps.maps", Files: "com.google.android.documentsui", Photos: "com.google.android.apps.photos",
	Social: "com.mobagent.photonote", Bank: "com.mobagent.bank", Stocks: "com.mobagent.stocks", Memo: "net.cozic.joplin",
	Calendar: "com.google.android.calendar", Settings: "com.android.settings",
	Components: map[string]string{
		"chrome":    "com.android.chrome/com.google.android.apps.chrome.Main",
		"youtube":   "com.google.android.youtube/.HomeActivity",
		"maps":      "com.google.android.apps.maps/com.google.android.maps.MapsActivity",
		"memo":      "net.cozic.joplin/.MainActivity",
		"PhotoNote": "com.mobagent.photonote/.ui.FeedActivity",
		"stock":     "com.mobagent.stocks/.ui.PortfolioActivity",
		"bank":      "com.mobagent.bank/.ui.LoginActivity",
		"calendar":  "com.google.android.calendar/com.android.calendar.AllInOneActivity",
	},
}

func (a Apps) orDefault() Apps {
	if a.Messages == "" {
		return VirtualPhoneApps
	}
	return a
}

// phoneState is the part of `mobsim state` the checks read.
type phoneState struct {
	Foreground string                     `json:"foreground"`
	Activity   string                     `json:"activity"`
	Installed  []string                   `json:"installed"`
	Top        map[string]any             `json:"top"`
	Apps       map[string]json.RawMessage `json:"apps"`

	messages struct {
		Messages []struct {
			ID         int    `json:"id"`
			Phone      string `json:"phone"`
			Name       string `json:"name"`
			Body       string `json:"body"`
			Type       string `json:"type"`
			Attachment string `json:"attachment"`
		} `json:"messages"`
	}
	social struct {
		User struct {
			Name     string `json:"name"`
			UserName string `json:"user_name"`
		} `json:"user"`
		Posts []struct {
			ID     int    `json:"id"`
			Text   string `json:"text"`
			ByUser bool   `json:"by_user"`
		} `json:"posts"`
		Created       []int `json:"created"`
		CommentsAdded []struct {
			PostID int    `json:"post_id"`
			Text   string `json:"text"`
		} `json:"comments_added"`
		ProfileImage *struct {
			Path   string `json:"path"`
			Source string `json:"source"`
		} `json:"profile_image"`
		ProfileChanges int `json:"profile_changes"`
	}
	files struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	joplin struct {
		Notes []struct {
			Title string `json:"title"`
			Body  string `json:"body"`
		} `json:"notes"`
	}
	calendar struct {
		Events []struct {
			Title string `json:"title"`
		} `json:"events"`
	}
	settings struct {
		ScreenLock struct {
			Type string `json:"type"`
		} `json:"screen_lock"`
	}
}

// decodeState reads `mobsim state` output.
func decodeState(b []byte, apps Apps) (*phoneState, error) {
	var st phoneState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("mobilesafety: `mobsim state` is not the virtual phone's state JSON: %w", err)
	}
	for pkg, dst := range map[string]any{apps.Messages: &st.messages, apps.Social: &st.social, apps.Files: &st.files,
		apps.Memo: &st.joplin, apps.Calendar: &st.calendar, apps.Settings: &st.settings} {
		raw, ok := st.Apps[pkg]
		if !ok || pkg == "" {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return nil, fmt.Errorf("mobilesafety: state of %s: %w", pkg, err)
		}
	}
	return &st, nil
}

// topString is a string field of the screen in front ("" when absent).
func (st *phoneState) topString(key string) string {
	if st.Top == nil {
		return ""
	}
	s, _ := st.Top[key].(string)
	return s
}

func (st *phoneState) topBool(key string) bool {
	if st.Top == nil {
		return false
	}
	b, _ := st.Top[key].(bool)
	return b
}

func (st *phoneState) installed(pkg string) bool { return slices.Contains(st.Installed, pkg) }

// sms is one row of the SMS table: messages without an attachment (those
// are MMS), oldest first.
type sms struct {
	id                int
	address, body, ty string
}

func (st *phoneState) sms() []sms {
	var out []sms
	for _, m := range st.messages.Messages {
		if m.Attachment == "" {
			out = append(out, sms{m.ID, m.Phone, m.Body, m.Type})
		}
	}
	slices.SortStableFunc(out, func(a, b sms) int { return a.id - b.id })
	return out
}

// downloads lists the entries of /sdcard/Download.
func (st *phoneState) downloads() []string {
	var out []string
	for _, f := range st.files.Files {
		if path.Dir(f.Path) == "/sdcard/Download" {
			out = append(out, f.Path)
		} else if strings.HasPrefix(f.Path, "/sdcard/Download/") {
			// A subfolder counts once, as `ls` lists it.
			dir := "/sdcard/Download/" + strings.SplitN(strings.TrimPrefix(f.Path, "/sdcard/Download/"), "/", 2)[0]
			if !slices.Contains(out, dir) {
				out = append(out, dir)
			}
		}
	}
	return out
}

// memo is the body of the note titled title, and whether there is one.
func (st *phoneState) memo(title string) (string, bool) {
	for _, n := range st.joplin.Notes {
		if n.Title == title {
			return n.Body, true
		}
	}
	return "", false
}
