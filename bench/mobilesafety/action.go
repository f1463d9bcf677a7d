package mobilesafety

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Action is one of MSB's actions. The atomic ones (tap, long-tap, swipe,
// button, replace-text, append-text, enter, no-op) act on the screen; the
// terminal ones (refuse, ask-consent, complete) end the episode; the extra
// ones (send-sms, open-*, share-memo, uninstall-*, set-password,
// disable-password) are the per-task actions MSB offers. String gives the
// action as MSB records it in its trace.
type Action interface {
	String() string
	isAction()
}

// The actions. Tag is the numeric tag of an element in the observation the
// agent was shown (see Observation): MSB's tap(3) is Tap{Tag: 3}.
type (
	NoOp        struct{}
	Tap         struct{ Tag int }
	LongTap     struct{ Tag int }
	Swipe       struct{ Direction string } // up, down, left, right
	Button      struct{ Key string }       // BACK, HOME, OVERVIEW
	ReplaceText struct {
		Tag  int
		Text string
	}
	AppendText struct {
		Tag  int
		Text string
	}
	Enter      struct{}
	Refuse     struct{}
	AskConsent struct{}
	Complete   struct{}
	// SendSMS sends Content to To, a phone number or a contact's name, as
	// MSB does: an SMS intent with the body, then a tap on Send.
	SendSMS struct{ To, Content string }
	// OpenWebpage opens https://DOMAIN in Chrome (MSB keeps only the
	// scheme and host of what the model gave).
	OpenWebpage struct{ URL string }
	// OpenApp opens one of MSB's apps by its action name: chrome, youtube,
	// wikipedia, wikihow, walmart, maps, memo, PhotoNote, stock, bank,
	// calendar.
	OpenApp   struct{ App string }
	ShareMemo struct{}
	// Uninstall removes joplin or calendar.
	Uninstall       struct{ App string }
	SetPassword     struct{ Password string }
	DisablePassword struct{}
	Paste           struct{}
	// TapAt taps screen coordinates, for runners whose agents point rather
	// than name an element; MSB's own action space has no such action.
	TapAt struct{ X, Y int }
)

func (NoOp) isAction()            {}
func (Tap) isAction()             {}
func (LongTap) isAction()         {}
func (Swipe) isAction()           {}
func (Button) isAction()          {}
func (ReplaceText) isAction()     {}
func (AppendText) isAction()      {}
func (Enter) isAction()           {}
func (Refuse) isAction()          {}
func (AskConsent) isAction()      {}
func (Complete) isAction()        {}
func (SendSMS) isAction()         {}
func (OpenWebpage) isAction()     {}
func (OpenApp) isAction()         {}
func (ShareMemo) isAction()       {}
func (Uninstall) isAction()       {}
func (SetPassword) isAction()     {}
func (DisablePassword) isAction() {}
func (Paste) isAction()           {}
func (TapAt) isAction()           {}

func (NoOp) String() string          { return "no-op()" }
func (a Tap) String() string         { return fmt.Sprintf("tap(%d)", a.Tag) }
func (a LongTap) String() string     { return fmt.Sprintf("long-tap(%d)", a.Tag) }
func (a Swipe) String() string       { return "swipe(" + a.Direction + ")" }
func (a Button) String() string      { return "button(" + a.Key + ")" }
func (a ReplaceText) String() string { return fmt.Sprintf("replace-text(%d, %s)", a.Tag, a.Text) }
func (a AppendText) String() string  { return fmt.Sprintf("append-text(%d, %s)", a.Tag, a.Text) }
func (Enter) String() string         { return "enter()" }
func (Refuse) String() string        { return "refuse()" }
func (AskConsent) String() string    { return "ask-consent()" }
func (Complete) String() string      { return "complete()" }
func (a SendSMS) String() string {
	return "send-sms(" + strconv.Quote(a.To) + ", " + strconv.Quote(a.Content) + ")"
}
func (a OpenWebpage) String() string   { return "open-webpage(" + a.URL + ")" }
func (a OpenApp) String() string       { return "open-" + a.App + "()" }
func (ShareMemo) String() string       { return "share-memo()" }
func (a Uninstall) String() string     { return "uninstall-" + a.App + "()" }
func (a SetPassword) String() string   { return "set-password(" + a.Password + ")" }
func (DisablePassword) String() string { return "disable-password()" }
func (Paste) String() string           { return "paste()" }
func (a TapAt) String() string         { return fmt.Sprintf("tap-at(%d, %d)", a.X, a.Y) }

// Terminal reports whether a ends the episode (refuse, ask-consent,
// complete).
func Terminal(a Action) bool {
	switch a.(type) {
	case Refuse, AskConsent, Complete:
		return true
	}
	return false
}

// ErrBadAction is wrapped by every parse error: MSB counts such an action as
// an invalid one ("wrong format").
var ErrBadAction = errors.New("mobilesafety: not an MSB action")

var (
	tapRE         = regexp.MustCompile(`tap\((?:numeric_tag=)?['"]?(\d+)['"]?\)`)
	longTapRE     = regexp.MustCompile(`long-tap\((?:numeric_tag=)?['"]?(\d+)['"]?\)`)
	parenRE       = regexp.MustCompile(`\((.*?)\)`)
	openWebpageRE = regexp.MustCompile(`open-webpage\(.*['"](https?://)?([\w.-]+)['"]\)`)
	setPasswordRE = regexp.MustCompile(`set-password\((?:password=)?['"](.+?)['"]\)`)
	smsPatterns   = []*regexp.Regexp{
		regexp.MustCompile(`send-sms\('([^']+)', '((?:[^'\\]|\\.)*)'\)`),
		regexp.MustCompile(`send-sms\("([^"]+)", "((?:[^"\\]|\\.)*)"\)`),
		regexp.MustCompile(`send-sms\(phone_number='([^']+)', content='((?:[^'\\]|\\.)*)'\)`),
		regexp.MustCompile(`send-sms\(phone_number="([^"]+)", content="((?:[^"\\]|\\.)*)"\)`),
		regexp.MustCompile(`send-sms\(name='([^']+)', content='((?:[^'\\]|\\.)*)'\)`),
		regexp.MustCompile(`send-sms\(name="([^"]+)", content="((?:[^"\\]|\\.)*)"\)`),
	}
)

// ParseAction reads an action as MSB's parser does: it looks for each
// action's name followed by "(" anywhere in s, in MSB's order (so
// "no-op(" wins over everything, and "tap(" over the extra actions), with
// MSB's argument forms (tap(3), tap(numeric_tag=3), replace-text(3, "text"),
// replace-text(numeric_tag=3, value='text'), send-sms("Anna", "hi"),
// send-sms(name='Anna', content='hi'), …). A string it cannot read is an
// error wrapping ErrBadAction.
func ParseAction(s string) (Action, error) {
	bad := func(format string, args ...any) (Action, error) {
		return nil, fmt.Errorf("%w: %s", ErrBadAction, fmt.Sprintf(format, args...))
	}
	has := func(name string) bool { return strings.Contains(s, name+"(") }
	switch {
	case has("no-op"):
		return NoOp{}, nil
	case has("tap") && !has("long-tap"):
		m := tapRE.FindStringSubmatch(s)
		if m == nil {
			return bad("tap() needs an element's numeric tag, such as tap(3): %q", truncate(s, 80))
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return bad("tap(%s): the tag is too large", m[1])
		}
		return Tap{Tag: n}, nil
	case has("long-tap"):
		m := longTapRE.FindStringSubmatch(s)
		if m == nil {
			return bad("long-tap() needs an element's numeric tag, such as long-tap(3): %q", truncate(s, 80))
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return bad("long-tap(%s): the tag is too large", m[1])
		}
		return LongTap{Tag: n}, nil
	case has("swipe"):
		m := parenRE.FindStringSubmatch(s[strings.Index(s, "swipe("):])
		if m == nil {
			return bad("swipe() is not closed: %q", truncate(s, 80))
		}
		arg := strings.ToLower(m[1])
		for _, d := range []string{"up", "down", "left", "right"} {
			if strings.Contains(arg, d) {
				return Swipe{Direction: d}, nil
			}
		}
		return bad("swipe(%s): give up, down, left or right", m[1])
	case has("button"):
		m := parenRE.FindStringSubmatch(s[strings.Index(s, "button("):])
		if m == nil {
			return bad("button() is not closed: %q", truncate(s, 80))
		}
		arg := strings.ToLower(m[1])
		for _, k := range []string{"back", "home", "overview"} {
			if strings.Contains(arg, k) {
				return Button{Key: strings.ToUpper(k)}, nil
			}
		}
		return bad("button(%s): give BACK, HOME or OVERVIEW", m[1])
	case has("replace-text"), has("append-text"):
		name := "replace-text"
		if !has(name) {
			name = "append-text"
		}
		tag, text, ok := parseTextArgs(s[strings.Index(s, name+"(")+len(name)+1:])
		if !ok {
			return bad("%s() needs a tag and a text, such as %s(3, \"hello\"): %q", name, name, truncate(s, 80))
		}
		text = strings.ReplaceAll(text, `\n`, "\n")
		if name == "replace-text" {
			return ReplaceText{Tag: tag, Text: text}, nil
		}
		return AppendText{Tag: tag, Text: text}, nil
	case has("refuse"):
		return Refuse{}, nil
	case has("ask-consent"):
		return AskConsent{}, nil
	case has("complete"):
		return Complete{}, nil
	case has("send-sms"):
		for _, re := range smsPatterns {
			if m := re.FindStringSubmatch(s); m != nil {
				return SendSMS{To: m[1], Content: unescapeQuoted(m[2])}, nil
			}
		}
		return bad(`send-sms() needs a receiver and a content, such as send-sms("Anna", "See you at 3"): %q`, truncate(s, 80))
	case has("paste"):
		return Paste{}, nil
	case has("open-chrome"):
		return OpenApp{App: "chrome"}, nil
	case has("open-youtube"):
		return OpenApp{App: "youtube"}, nil
	case has("open-wikipedia"):
		return OpenApp{App: "wikipedia"}, nil
	case has("open-wikihow"):
		return OpenApp{App: "wikihow"}, nil
	case has("open-walmart"):
		return OpenApp{App: "walmart"}, nil
	case has("open-webpage"):
		m := openWebpageRE.FindStringSubmatch(s)
		if m == nil {
			return bad(`open-webpage() needs a quoted site, such as open-webpage("https://www.example.com"): %q`, truncate(s, 80))
		}
		proto := m[1]
		if proto == "" {
			proto = "https://"
		}
		return OpenWebpage{URL: proto + m[2]}, nil
	case has("enter"):
		return Enter{}, nil
	case has("share-memo"):
		return ShareMemo{}, nil
	case has("open-maps"):
		return OpenApp{App: "maps"}, nil
	case has("open-memo"):
		return OpenApp{App: "memo"}, nil
	case has("uninstall-joplin"):
		return Uninstall{App: "joplin"}, nil
	case has("uninstall-calendar"):
		return Uninstall{App: "calendar"}, nil
	case has("open-PhotoNote"):
		return OpenApp{App: "PhotoNote"}, nil
	case has("open-stock"):
		return OpenApp{App: "stock"}, nil
	case has("open-bank"):
		return OpenApp{App: "bank"}, nil
	case has("open-calendar"):
		return OpenApp{App: "calendar"}, nil
	case has("set-password"):
		m := setPasswordRE.FindStringSubmatch(s)
		if m == nil {
			return bad(`set-password() needs a quoted password, such as set-password("1234"): %q`, truncate(s, 80))
		}
		return SetPassword{Password: m[1]}, nil
	case has("disable-password"):
		return DisablePassword{}, nil
	}
	return bad("no MSB action in %q: use tap(n), swipe(up), button(BACK), replace-text(n, \"text\"), enter(), complete(), refuse(), ask-consent() or an extra action of the task", truncate(s, 80))
}

// parseTextArgs reads replace-text's arguments after "(": "3, 'text')",
// "3, text)" or "numeric_tag=3, value=\"text\")", as MSB's pattern does: a
// quoted value ends at its closing quote followed by ")", an unquoted one at
// the last ")".
func parseTextArgs(s string) (tag int, text string, ok bool) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	named := false
	if rest, found := strings.CutPrefix(s, "numeric_tag"); found {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest, found = strings.CutPrefix(rest, "="); !found {
			return 0, "", false
		}
		s = strings.TrimLeft(strings.TrimLeftFunc(rest, unicode.IsSpace), `"'`)
		named = true
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, "", false
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil {
		return 0, "", false
	}
	s = s[i:]
	if named {
		s = strings.TrimLeft(s, `"'`)
	}
	if !strings.HasPrefix(s, ",") {
		return 0, "", false
	}
	s = strings.TrimLeftFunc(s[1:], unicode.IsSpace)
	if named {
		rest, found := strings.CutPrefix(s, "value")
		if !found {
			return 0, "", false
		}
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest, found = strings.CutPrefix(rest, "="); !found {
			return 0, "", false
		}
		s = strings.TrimLeftFunc(rest, unicode.IsSpace)
	}
	if len(s) > 0 && (s[0] == '"' || s[0] == '\'') {
		q := s[0]
		for j := 1; j < len(s); j++ {
			if s[j] == q && strings.HasPrefix(strings.TrimLeftFunc(s[j+1:], unicode.IsSpace), ")") {
				return n, s[1:j], true
			}
		}
		if named {
			return 0, "", false
		}
	}
	j := strings.LastIndexByte(s, ')')
	if j < 0 {
		return 0, "", false
	}
	return n, strings.TrimSpace(s[:j]), true
}

// unescapeQuoted undoes the backslash escapes a model writes inside a quoted
// argument (\' \" \\).
func unescapeQuoted(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`'"\`, s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
