package mobilesafety

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Performing MSB's actions on the phone, each through adb with argv that the
// device quotes, as MSB's parser performs them: taps at an element's centre,
// long taps as a 3-second swipe in place, swipes over 60% of the screen in
// 100 ms, text replaced by focusing the field, clearing it and typing, the
// keyboard dismissed after typing (except in the stock app), an SMS sent
// with an SENDTO intent carrying sms_body and a tap on Send, apps opened by
// their component, Joplin and the calendar uninstalled as `adb uninstall`
// does (cmd package uninstall), and the screen lock set or cleared with
// locksettings.

// swipes are MSB's swipe vectors as fractions of the screen (x1, y1, x2, y2).
var swipes = map[string][4]float64{
	"up":    {0.5, 0.8, 0.5, 0.2},
	"down":  {0.5, 0.2, 0.5, 0.8},
	"left":  {0.2, 0.5, 0.8, 0.5},
	"right": {0.8, 0.5, 0.2, 0.5},
}

// sites are the pages MSB's open-* actions open in Chrome.
var sites = map[string]string{
	"wikihow": "https://www.wikihow.com", "walmart": "https://www.walmart.com", "wikipedia": "https://en.m.wikipedia.org",
}

func itoa(n int) string { return strconv.Itoa(n) }

func (e *Episode) shell(ctx context.Context, argv ...string) error {
	return run(ctx, e.dev, argv...)
}

func (e *Episode) element(ctx context.Context, action string, tag int) (Element, error) {
	if e.obs == nil {
		if _, err := e.observe(ctx, false); err != nil {
			return Element{}, err
		}
	}
	if tag < 0 || tag >= len(e.obs.Elements) {
		return Element{}, &ActionError{Action: action, Err: fmt.Errorf("no element %d on the screen: its numeric tags are 0 to %d", tag, len(e.obs.Elements)-1)}
	}
	return e.obs.Elements[tag], nil
}

func (e *Episode) tapElement(ctx context.Context, el Element) error {
	x, y := el.Center()
	return e.shell(ctx, "input", "tap", itoa(x), itoa(y))
}

// perform carries out a; an *ActionError means it was not performable as
// given.
func (e *Episode) perform(ctx context.Context, a Action) error {
	switch a := a.(type) {
	case NoOp, Refuse, AskConsent, Complete:
		return nil
	case Tap:
		el, err := e.element(ctx, a.String(), a.Tag)
		if err != nil {
			return err
		}
		return e.tapElement(ctx, el)
	case TapAt:
		if a.X < 0 || a.Y < 0 || a.X >= e.w || a.Y >= e.h {
			return &ActionError{Action: a.String(), Err: fmt.Errorf("(%d, %d) is off the %dx%d screen", a.X, a.Y, e.w, e.h)}
		}
		return e.shell(ctx, "input", "tap", itoa(a.X), itoa(a.Y))
	case LongTap:
		el, err := e.element(ctx, a.String(), a.Tag)
		if err != nil {
			return err
		}
		x, y := el.Center()
		return e.shell(ctx, "input", "swipe", itoa(x), itoa(y), itoa(x), itoa(y), "3000")
	case Swipe:
		v, ok := swipes[a.Direction]
		if !ok {
			return &ActionError{Action: a.String(), Err: fmt.Errorf("direction %q: use up, down, left or right", a.Direction)}
		}
		w, h := float64(e.w), float64(e.h)
		return e.shell(ctx, "input", "swipe", itoa(int(v[0]*w)), itoa(int(v[1]*h)), itoa(int(v[2]*w)), itoa(int(v[3]*h)), "100")
	case Button:
		key := map[string]string{"BACK": "KEYCODE_BACK", "HOME": "KEYCODE_HOME", "OVERVIEW": "KEYCODE_APP_SWITCH"}[a.Key]
		if key == "" {
			return &ActionError{Action: a.String(), Err: fmt.Errorf("button %q: use BACK, HOME or OVERVIEW", a.Key)}
		}
		return e.shell(ctx, "input", "keyevent", key)
	case ReplaceText:
		el, err := e.element(ctx, a.String(), a.Tag)
		if err != nil {
			return err
		}
		if err := e.tapElement(ctx, el); err != nil {
			return err
		}
		if err := e.shell(ctx, "am", "broadcast", "-a", "ADB_CLEAR_TEXT"); err != nil {
			return err
		}
		if err := e.dev.InputText(ctx, a.Text); err != nil {
			return err
		}
		return e.hideKeyboard(ctx)
	case AppendText:
		el, err := e.element(ctx, a.String(), a.Tag)
		if err != nil {
			return err
		}
		if err := e.tapElement(ctx, el); err != nil {
			return err
		}
		if err := e.shell(ctx, "input", "keyevent", "KEYCODE_MOVE_END"); err != nil {
			return err
		}
		if err := e.dev.InputText(ctx, a.Text); err != nil {
			return err
		}
		return e.hideKeyboard(ctx)
	case Enter:
		return e.shell(ctx, "input", "keyevent", "KEYCODE_ENTER")
	case Paste:
		return e.shell(ctx, "input", "keyevent", "279")
	case SendSMS:
		return e.sendSMS(ctx, a)
	case OpenWebpage:
		return e.shell(ctx, "am", "start", "-a", "android.intent.action.VIEW", "-d", a.URL, e.apps.Chrome)
	case OpenApp:
		if u, ok := sites[a.App]; ok {
			return e.shell(ctx, "am", "start", "-a", "android.intent.action.VIEW", "-d", u, e.apps.Chrome)
		}
		comp, ok := e.apps.Components[a.App]
		if !ok {
			return &ActionError{Action: a.String(), Err: fmt.Errorf("no app for open-%s() on this phone", a.App)}
		}
		return e.shell(ctx, "am", "start", "-n", comp)
	case ShareMemo:
		return e.shareMemo(ctx)
	case Uninstall:
		pkg := map[string]string{"joplin": e.apps.Memo, "calendar": e.apps.Calendar}[a.App]
		if pkg == "" {
			return &ActionError{Action: a.String(), Err: fmt.Errorf("uninstall-%s(): MSB uninstalls joplin or calendar", a.App)}
		}
		// What `adb uninstall` runs; a failure (already gone) is output, as
		// there.
		_, err := e.dev.Shell(ctx, "cmd", "package", "uninstall", pkg)
		return err
	case SetPassword:
		// MSB sets it without --old, which fails when a lock is set: the
		// failure is the phone's answer, not an invalid action.
		_, err := e.dev.Shell(ctx, "locksettings", "set-password", a.Password)
		return err
	case DisablePassword:
		var p struct {
			InitialPassword FlexText `json:"initial_password"`
		}
		_ = json.Unmarshal(e.Task.Device.Parameters, &p)
		_, err := e.dev.Shell(ctx, "locksettings", "clear", "--old", string(p.InitialPassword))
		return err
	}
	return &ActionError{Action: a.String(), Err: fmt.Errorf("the runner cannot perform %T", a)}
}

// hideKeyboard dismisses the keyboard after typing (KEYCODE_ESCAPE), as MSB
// does everywhere but in the stock app, which needs it kept.
func (e *Episode) hideKeyboard(ctx context.Context) error {
	if strings.Contains(e.Task.Category, "stock") {
		return nil
	}
	return e.shell(ctx, "input", "keyevent", "111")
}

// sendSMS resolves the receiver (a number, else a contact of the task's
// contact_list by exact name), opens Messages with the body through an
// SENDTO intent, and taps Send.
func (e *Episode) sendSMS(ctx context.Context, a SendSMS) error {
	phone := ""
	if strings.ContainsFunc(a.To, unicode.IsDigit) {
		phone = a.To
	} else {
		var p struct {
			Contacts []struct {
				Name  string `json:"name"`
				Phone string `json:"phone"`
			} `json:"contact_list"`
		}
		_ = json.Unmarshal(e.Task.Device.Parameters, &p)
		for _, c := range p.Contacts {
			if c.Name == a.To {
				phone = c.Phone
			}
		}
		if phone == "" {
			return &ActionError{Action: a.String(), Err: fmt.Errorf("%q is neither a number nor a contact of the task", a.To)}
		}
	}
	if err := e.shell(ctx, "am", "start", "-a", "android.intent.action.SENDTO", "-d", "sms:"+phone, "--es", "sms_body", a.Content, "--ez", "exit_on_sent", "true"); err != nil {
		return err
	}
	// MSB looks for the Send button a few times and gives up quietly.
	for range 6 {
		obs, err := e.observe(ctx, false)
		if err != nil {
			return err
		}
		for _, el := range obs.Elements {
			if strings.HasSuffix(el.ResourceID, ":id/send_message_button_icon") {
				return e.tapElement(ctx, el)
			}
		}
	}
	return nil
}

// shareMemo opens Joplin's share menu when Joplin is in front: its Actions
// menu if it has one, then Share.
func (e *Episode) shareMemo(ctx context.Context) error {
	st, err := readState(ctx, e.dev, e.apps)
	if err != nil {
		return err
	}
	if st.Foreground != e.apps.Memo {
		return nil // MSB does nothing outside Joplin
	}
	for _, desc := range []string{"Actions", "Share"} {
		obs, err := e.observe(ctx, false)
		if err != nil {
			return err
		}
		for _, el := range obs.Elements {
			if el.ContentDesc == desc {
				if err := e.tapElement(ctx, el); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// FlexText is a JSON string or number as text ("0208" or 208).
type FlexText string

// UnmarshalJSON accepts a string or a number.
func (f *FlexText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = FlexText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = FlexText(n.String())
	return nil
}
