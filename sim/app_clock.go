package sim

import (
	"fmt"
	"image"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Clock: alarms with on/off switches, a time picker in keyboard mode (type
// the hour and minute) to add one, long press to delete, and the world
// clock tab.

const clockPkg = "com.google.android.deskclock"

func init() {
	RegisterApp(&App{Package: clockPkg, Label: "Clock", MainActivity: "com.android.deskclock.DeskClock",
		IconBg: rgb(0x1a, 0x73, 0xe8), IconGlyph: "12", Launch: clockMain, NewData: newClockData})
}

// Alarm is an alarm; Time is HH:MM on a 24-hour clock.
type Alarm struct {
	ID      int    `json:"id" range:"0,1000000000"`
	Time    string `json:"time"`
	Label   string `json:"label,omitempty"`
	Enabled bool   `json:"enabled"`
	Days    string `json:"days,omitempty"`
}

type clockData struct {
	Alarms  []*Alarm `json:"alarms"`
	Created []int    `json:"created"`
	Deleted []int    `json:"deleted"`
	nextID  int
}

func clockOf(p *Phone) *clockData { return p.appState[clockPkg].(*clockData) }

func newClockData(p *Phone) any {
	d := &clockData{Created: []int{}, Deleted: []int{}}
	for _, a := range []Alarm{
		{Time: "06:30", Label: "Gym", Enabled: false, Days: "Mon, Wed, Fri"},
		{Time: "07:15", Label: "Wake up", Enabled: true, Days: "Mon, Tue, Wed, Thu, Fri"},
		{Time: "09:00", Label: "Weekend", Enabled: false, Days: "Sat, Sun"},
		{Time: "22:30", Label: "Bedtime", Enabled: true, Days: "Every day"},
	} {
		d.add(a)
	}
	return d
}

func (d *clockData) add(a Alarm) *Alarm {
	d.nextID++
	a.ID = d.nextID
	d.Alarms = append(d.Alarms, &a)
	return &a
}

// clock12 shows HH:MM as 7:15 AM.
func clock12(hhmm string) string {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return hhmm
	}
	return t.Format("3:04 PM")
}

func clockMain(p *Phone) *Activity {
	tabSel := 0
	return &Activity{App: lookupApp(clockPkg), Name: "com.android.deskclock.DeskClock", Title: "Clock",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			navH := t.Dp(72)
			body := image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Max.Y-navH)
			col := newColumn(body)
			switch tabSel {
			case 0:
				root.Add(textView(col.next(t.Dp(64)), clockPkg+":id/action_bar_title", "Alarm", Style{TextSize: t.Title, PadX: t.Dp(20)}))
				alarms := append([]*Alarm(nil), clockOf(p).Alarms...)
				sort.SliceStable(alarms, func(i, j int) bool { return alarms[i].Time < alarms[j].Time })
				var rows []*Node
				var hs []int
				h := t.Dp(112)
				for _, al := range alarms {
					al := al
					card := image.Rect(r.Min.X+t.Dp(12), t.Dp(6), r.Max.X-t.Dp(12), h-t.Dp(6))
					n := &Node{Class: "android.view.ViewGroup", ResourceID: clockPkg + ":id/alarm_item", Bounds: card, Style: Style{Bg: t.Surface, Radius: t.Dp(20)},
						OnLongClick: func(p *Phone) {
							confirm(a, "Delete alarm?", "The "+clock12(al.Time)+" alarm will be deleted.", "Delete", func(p *Phone) {
								d := clockOf(p)
								for i, x := range d.Alarms {
									if x.ID == al.ID {
										d.Alarms = append(d.Alarms[:i], d.Alarms[i+1:]...)
										break
									}
								}
								d.Deleted = append(d.Deleted, al.ID)
								p.Toast("Alarm deleted")
							})
						}}
					fg := t.OnBackground
					if !al.Enabled {
						fg = t.OnSurfaceMuted
					}
					label := al.Label
					if al.Days != "" {
						label = strings.TrimPrefix(label+" · "+al.Days, " · ")
					}
					on := al.Enabled
					n.Add(textView(image.Rect(card.Min.X, card.Min.Y+t.Dp(8), card.Max.X-t.Dp(96), card.Min.Y+t.Dp(60)), clockPkg+":id/digital_clock", clock12(al.Time), Style{TextSize: t.Dp(36), Fg: fg, PadX: t.Dp(20)}),
						textView(image.Rect(card.Min.X, card.Min.Y+t.Dp(60), card.Max.X-t.Dp(96), card.Max.Y-t.Dp(8)), clockPkg+":id/label", label, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}),
						&Node{Class: "android.widget.Switch", ResourceID: clockPkg + ":id/onoff", ContentDesc: clock12(al.Time) + " alarm", Checkable: true, Checked: on,
							Bounds: image.Rect(card.Max.X-t.Dp(96), card.Min.Y, card.Max.X, card.Max.Y), Style: Style{Widget: WidgetSwitch},
							OnClick: func(p *Phone) {
								al.Enabled = !on
								if al.Enabled {
									p.Toast("Alarm set for " + untilAlarm(p.now(), al.Time) + " from now")
								}
							}})
					wrap := &Node{Class: "android.widget.FrameLayout", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h)}
					wrap.Add(n)
					rows = append(rows, wrap)
					hs = append(hs, h)
				}
				root.Add(scrollList(a, clockPkg+":id/alarm_recycler_view", col.rest(), rows, hs))
				root.Add(fab(t, body, clockPkg+":id/fab", "Add alarm", "+", func(p *Phone) { timePicker(p, a) }))
			case 1:
				root.Add(textView(col.next(t.Dp(64)), clockPkg+":id/action_bar_title", "Clock", Style{TextSize: t.Title, PadX: t.Dp(20)}))
				col.next(t.Dp(32))
				root.Add(textView(col.next(t.Dp(96)), clockPkg+":id/digital_clock", p.now().Format("3:04"), Style{TextSize: t.Dp(64), Center: true}))
				root.Add(textView(col.next(t.Dp(40)), clockPkg+":id/date", p.now().Format("Mon, Jan 2"), Style{Center: true, Fg: t.OnSurfaceMuted}))
				var rows []listRow
				for _, c := range []struct {
					city string
					off  int
				}{{"New York", 3}, {"London", 8}, {"Tokyo", 16}} {
					rows = append(rows, listRow{Title: c.city, Summary: p.now().Add(time.Duration(c.off) * time.Hour).Format("3:04 PM, Mon")})
				}
				root.Add(rowsList(t, a, clockPkg+":id/cities", col.rest(), rows))
			default:
				name := []string{"", "", "Timer", "Stopwatch"}[tabSel]
				root.Add(textView(col.next(t.Dp(64)), clockPkg+":id/action_bar_title", name, Style{TextSize: t.Title, PadX: t.Dp(20)}))
				root.Add(textView(col.next(t.Dp(120)), clockPkg+":id/timer_setup_time", "00:00:00", Style{TextSize: t.Dp(56), Center: true}))
			}
			root.Add(tabBar(t, image.Rect(r.Min.X, r.Max.Y-navH, r.Max.X, r.Max.Y), clockPkg+":id/tabs", []string{"Alarm", "Clock", "Timer", "Stopwatch"}, tabSel,
				func(p *Phone, i int) { tabSel = i }))
			return root
		}}
}

// untilAlarm is how long until the next hh:mm, as "7 hours and 12 minutes".
func untilAlarm(now time.Time, hhmm string) string {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return "later"
	}
	mins := (t.Hour()*60 + t.Minute() - now.Hour()*60 - now.Minute() + 24*60) % (24 * 60)
	if mins == 0 {
		mins = 24 * 60
	}
	h, m := mins/60, mins%60
	unit := func(n int, s string) string {
		if n == 1 {
			return "1 " + s
		}
		return fmt.Sprintf("%d %ss", n, s)
	}
	switch {
	case h == 0:
		return unit(m, "minute")
	case m == 0:
		return unit(h, "hour")
	}
	return unit(h, "hour") + " and " + unit(m, "minute")
}

// timePicker is the keyboard-mode time picker: hour and minute fields on a
// 24-hour clock, then OK.
func timePicker(p *Phone, a *Activity) {
	hour, minute, errMsg := "", "", ""
	a.Focus = clockPkg + ":id/input_hour"
	p.keyboard = true
	ok := func(p *Phone) {
		h, err1 := strconv.Atoi(strings.TrimSpace(hour))
		m, err2 := strconv.Atoi(strings.TrimSpace(minute))
		if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
			errMsg = "Enter a valid time: hour 0-23, minute 0-59"
			p.changed()
			return
		}
		hhmm := fmt.Sprintf("%02d:%02d", h, m)
		d := clockOf(p)
		al := d.add(Alarm{Time: hhmm, Enabled: true})
		d.Created = append(d.Created, al.ID)
		a.Dialog = nil
		a.Focus = ""
		p.keyboard = false
		p.Toast("Alarm set for " + untilAlarm(p.now(), hhmm) + " from now")
	}
	a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
		t := p.Theme()
		w := screen.Dx() - t.Dp(64)
		h := t.Dp(300)
		if errMsg != "" {
			h += t.Dp(40)
		}
		x0 := screen.Min.X + (screen.Dx()-w)/2
		y0 := screen.Min.Y + t.Dp(120)
		d := &Node{Class: "android.widget.FrameLayout", ResourceID: clockPkg + ":id/material_timepicker_container", Bounds: image.Rect(x0, y0, x0+w, y0+h),
			Style: Style{Bg: t.Surface, Radius: t.Dp(28)}}
		d.Add(textView(image.Rect(x0, y0+t.Dp(16), x0+w, y0+t.Dp(56)), clockPkg+":id/header_title", "Enter time", Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(24)}))
		fw := (w - t.Dp(96)) / 2
		hf := editText(t, image.Rect(x0+t.Dp(24), y0+t.Dp(64), x0+t.Dp(24)+fw, y0+t.Dp(144)), clockPkg+":id/input_hour", "07", &hour, Field{Numeric: true, MaxLen: 2})
		mf := editText(t, image.Rect(x0+w-t.Dp(24)-fw, y0+t.Dp(64), x0+w-t.Dp(24), y0+t.Dp(144)), clockPkg+":id/input_minute", "30", &minute, Field{Numeric: true, MaxLen: 2, Submit: ok})
		for _, f := range []*Node{hf, mf} {
			f.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: t.Dp(8), TextSize: t.Dp(40), PadX: t.Dp(20)}
		}
		d.Add(hf, textView(image.Rect(x0+t.Dp(24)+fw, y0+t.Dp(64), x0+w-t.Dp(24)-fw, y0+t.Dp(144)), "", ":", Style{Center: true, TextSize: t.Dp(40)}), mf,
			textView(image.Rect(x0+t.Dp(24), y0+t.Dp(148), x0+t.Dp(24)+fw, y0+t.Dp(172)), "", "Hour (0-23)", Style{TextSize: t.Dp(12), Fg: t.OnSurfaceMuted, PadX: 1}),
			textView(image.Rect(x0+w-t.Dp(24)-fw, y0+t.Dp(148), x0+w-t.Dp(24), y0+t.Dp(172)), "", "Minute", Style{TextSize: t.Dp(12), Fg: t.OnSurfaceMuted, PadX: 1}))
		if errMsg != "" {
			d.Add(textView(image.Rect(x0, y0+t.Dp(180), x0+w, y0+t.Dp(216)), clockPkg+":id/error", errMsg, Style{TextSize: t.Dp(13), Fg: t.Danger, PadX: t.Dp(24)}))
		}
		cancel := textButton(t, clockPkg+":id/material_timepicker_cancel_button", "Cancel", func(p *Phone) { a.Dialog = nil; a.Focus = ""; p.keyboard = false })
		okb := textButton(t, clockPkg+":id/material_timepicker_ok_button", "OK", ok)
		cancel.Bounds = image.Rect(x0+w-t.Dp(224), y0+h-t.Dp(64), x0+w-t.Dp(120), y0+h-t.Dp(20))
		okb.Bounds = image.Rect(x0+w-t.Dp(112), y0+h-t.Dp(64), x0+w-t.Dp(16), y0+h-t.Dp(20))
		d.Add(cancel, okb)
		return d
	}
	p.changed()
}
