package sim

import (
	"fmt"
	"image"
	"sort"
	"strings"
	"time"
)

// Calendar: the schedule (events grouped by day), an event's details with
// delete, and the editor that creates events. Dates are typed as
// YYYY-MM-DD and times as HH:MM, as the editor's keyboard mode accepts.

const calendarPkg = "com.google.android.calendar"

func init() {
	RegisterApp(&App{Package: calendarPkg, Label: "Calendar", MainActivity: "com.android.calendar.AllInOneActivity",
		IconBg: rgb(0x42, 0x85, 0xf4), IconGlyph: "31", Launch: calendarSchedule, NewData: newCalendarData})
}

// Event is a calendar event. Date is YYYY-MM-DD; Start and End are HH:MM.
type Event struct {
	ID          int    `json:"id" range:"0,1000000000"`
	Title       string `json:"title"`
	Date        string `json:"date"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Location    string `json:"location,omitempty"`
	Description string `json:"description,omitempty"`
}

// EventShare records an event exported as events.ics and shared to an app.
type EventShare struct {
	EventID int    `json:"event_id"`
	Title   string `json:"title"`
	File    string `json:"file"`
	Target  string `json:"target"`
	Time    string `json:"time"`
}

type calendarData struct {
	Events  []*Event     `json:"events"`
	Created []int        `json:"created"`
	Deleted []int        `json:"deleted"`
	Shared  []EventShare `json:"shared"`
	nextID  int
}

// icsFile is the name sharing an event exports it under.
const icsFile = "events.ics"

// ics is an event as an iCalendar file.
func (e *Event) ics() string {
	stamp := func(hm string) string {
		return strings.ReplaceAll(e.Date, "-", "") + "T" + strings.ReplaceAll(hm, ":", "") + "00"
	}
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//mobagent//Calendar//EN\r\nBEGIN:VEVENT\r\n")
	fmt.Fprintf(&b, "UID:%d@calendar.mobsim\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:%s\r\n", e.ID, stamp(e.Start), stamp(e.End), icsEscape(e.Title))
	if e.Location != "" {
		fmt.Fprintf(&b, "LOCATION:%s\r\n", icsEscape(e.Location))
	}
	if e.Description != "" {
		fmt.Fprintf(&b, "DESCRIPTION:%s\r\n", icsEscape(e.Description))
	}
	b.WriteString("END:VEVENT\r\nEND:VCALENDAR\r\n")
	return b.String()
}

func icsEscape(s string) string {
	return strings.NewReplacer("\\", "\\\\", ";", "\\;", ",", "\\,", "\n", "\\n").Replace(s)
}

func calendarOf(p *Phone) *calendarData { return p.appState[calendarPkg].(*calendarData) }

func newCalendarData(p *Phone) any {
	d := &calendarData{Created: []int{}, Deleted: []int{}, Shared: []EventShare{}}
	day := func(n int) string { return p.cfg.Now.AddDate(0, 0, n).Format("2006-01-02") }
	for _, e := range []Event{
		{Title: "Team stand-up", Date: day(0), Start: "10:00", End: "10:15", Location: "Zoom"},
		{Title: "Lunch with Alex", Date: day(0), Start: "12:30", End: "13:30", Location: "Ramen Nagi"},
		{Title: "Dentist appointment", Date: day(1), Start: "09:00", End: "10:00", Location: "Dr. Chen's Office"},
		{Title: "Book club", Date: day(2), Start: "19:00", End: "21:00", Location: "Emma's place"},
		{Title: "Grandma's birthday dinner", Date: day(3), Start: "18:00", End: "20:30", Location: "Mom's house"},
		{Title: "Q3 planning review", Date: day(5), Start: "14:00", End: "15:00", Location: "Room 4B"},
		{Title: "Flight to Lisbon", Date: day(8), Start: "10:25", End: "18:40", Location: "SFO Terminal 2"},
	} {
		d.add(e)
	}
	return d
}

func (d *calendarData) add(e Event) *Event {
	d.nextID++
	e.ID = d.nextID
	d.Events = append(d.Events, &e)
	return &e
}

func (d *calendarData) sorted() []*Event {
	out := append([]*Event(nil), d.Events...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Date != out[j].Date {
			return out[i].Date < out[j].Date
		}
		return out[i].Start < out[j].Start
	})
	return out
}

func calendarSchedule(p *Phone) *Activity {
	return &Activity{App: lookupApp(calendarPkg), Name: "com.android.calendar.AllInOneActivity", Title: "Calendar",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(textView(col.next(t.Dp(64)), calendarPkg+":id/date_picker_text_view", p.cfg.Now.Format("January 2006"), Style{TextSize: t.Title, PadX: t.Dp(20)}))
			var rows []*Node
			var hs []int
			last := ""
			for _, e := range calendarOf(p).sorted() {
				if e.Date != last {
					last = e.Date
					label := e.Date
					if d, err := time.Parse("2006-01-02", e.Date); err == nil {
						label = d.Format("Monday, January 2")
						if e.Date == p.cfg.Now.Format("2006-01-02") {
							label = "Today · " + label
						}
					}
					rows = append(rows, textView(image.Rect(r.Min.X, 0, r.Max.X, t.Dp(44)), calendarPkg+":id/day_header", label, Style{Bold: true, TextSize: t.Small, Fg: t.Primary, PadX: t.Dp(20)}))
					hs = append(hs, t.Dp(44))
				}
				id := e.ID
				h := t.Dp(72)
				card := image.Rect(r.Min.X+t.Dp(16), t.Dp(4), r.Max.X-t.Dp(16), h-t.Dp(4))
				n := &Node{Class: "android.view.View", ResourceID: calendarPkg + ":id/event_chip", Bounds: card, ContentDesc: e.Title + ", " + e.Start + " to " + e.End,
					OnClick: func(p *Phone) { p.Push(calendarEvent(id)) }, Style: Style{Bg: rgb(0x03, 0x9b, 0xe5), Radius: t.Dp(8)}}
				sub := e.Start + " - " + e.End
				if e.Location != "" {
					sub += " · " + e.Location
				}
				n.Add(textView(image.Rect(card.Min.X, card.Min.Y+t.Dp(6), card.Max.X, card.Min.Y+t.Dp(32)), calendarPkg+":id/title", e.Title, Style{Bold: true, Fg: rgb(255, 255, 255), PadX: t.Dp(12)}),
					textView(image.Rect(card.Min.X, card.Min.Y+t.Dp(32), card.Max.X, card.Max.Y-t.Dp(4)), calendarPkg+":id/when", sub, Style{TextSize: t.Dp(13), Fg: rgb(0xe8, 0xf4, 0xfd), PadX: t.Dp(12)}))
				wrap := &Node{Class: "android.widget.FrameLayout", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h)}
				wrap.Add(n)
				rows = append(rows, wrap)
				hs = append(hs, h)
			}
			root.Add(scrollList(a, calendarPkg+":id/agenda_list", col.rest(), rows, hs))
			root.Add(fab(t, r, calendarPkg+":id/floating_action_button", "Create new event", "+", func(p *Phone) { p.Push(calendarEditor(p)) }))
			return root
		}}
}

func calendarEvent(id int) *Activity {
	return &Activity{App: lookupApp(calendarPkg), Name: "com.android.calendar.EventInfoActivity", Title: "Event",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			bar := col.next(t.Dp(64))
			root.Add(toolbar(t, bar, calendarPkg, "", true))
			var e *Event
			for _, x := range calendarOf(p).Events {
				if x.ID == id {
					e = x
				}
			}
			if e == nil {
				return root
			}
			ev := e
			root.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(112), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(64), bar.Max.Y-t.Dp(8)), calendarPkg+":id/info_action_share", "Share", "<",
				func(p *Phone) { shareEvent(p, a, ev) }))
			root.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(56), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(8), bar.Max.Y-t.Dp(8)), calendarPkg+":id/info_action_delete", "Delete event", "X",
				func(p *Phone) {
					confirm(a, "Delete this event?", e.Title, "Delete", func(p *Phone) {
						d := calendarOf(p)
						for i, x := range d.Events {
							if x.ID == id {
								d.Events = append(d.Events[:i], d.Events[i+1:]...)
								break
							}
						}
						d.Deleted = append(d.Deleted, id)
						p.Finish()
					})
				}))
			root.Add(textView(col.next(t.Dp(64)), calendarPkg+":id/title", e.Title, Style{TextSize: t.Headline, PadX: t.Dp(24)}))
			when := e.Date
			if d, err := time.Parse("2006-01-02", e.Date); err == nil {
				when = d.Format("Monday, January 2")
			}
			root.Add(textView(col.next(t.Dp(36)), calendarPkg+":id/when_date", when, Style{PadX: t.Dp(24)}))
			root.Add(textView(col.next(t.Dp(36)), calendarPkg+":id/when_time", e.Start+" - "+e.End, Style{PadX: t.Dp(24), Fg: t.OnSurfaceMuted}))
			if e.Location != "" {
				root.Add(textView(col.next(t.Dp(44)), calendarPkg+":id/where", e.Location, Style{PadX: t.Dp(24)}))
			}
			if e.Description != "" {
				col.next(t.Dp(8))
				dh := min(p.textHeight(t, e.Description, t.Small, false, r.Dx()-t.Dp(16))+t.Dp(8), col.rest().Dy())
				root.Add(textView(col.next(dh), calendarPkg+":id/description", e.Description, Style{Wrap: true, TextSize: t.Small, PadX: t.Dp(24)}))
			}
			return root
		}}
}

// validClock reports whether s is HH:MM on a 24-hour clock.
func validClock(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == 5
}

func calendarEditor(p *Phone) *Activity { return calendarEditorWith(p, eventDraft{}) }

// eventDraft prefills the editor, as an INSERT intent's extras do; empty
// fields keep the editor's defaults.
type eventDraft struct{ Title, Date, Start, End, Location string }

func calendarEditorWith(p *Phone, draft eventDraft) *Activity {
	title, location, errMsg := draft.Title, draft.Location, ""
	date := p.cfg.Now.Format("2006-01-02")
	start, end := "10:00", "11:00"
	if draft.Date != "" {
		date = draft.Date
	}
	if draft.Start != "" {
		start, end = draft.Start, draft.End
	}
	a := &Activity{App: lookupApp(calendarPkg), Name: "com.android.calendar.event.EditEventActivity", Title: "New event", Focus: calendarPkg + ":id/title"}
	save := func(p *Phone) {
		_, derr := time.Parse("2006-01-02", strings.TrimSpace(date))
		switch {
		case strings.TrimSpace(title) == "":
			errMsg = "Add a title"
		case derr != nil:
			errMsg = "Enter the date as YYYY-MM-DD"
		case !validClock(strings.TrimSpace(start)) || !validClock(strings.TrimSpace(end)):
			errMsg = "Enter times as HH:MM, for example 14:30"
		case strings.TrimSpace(end) < strings.TrimSpace(start):
			errMsg = "The event ends before it starts"
		default:
			d := calendarOf(p)
			e := d.add(Event{Title: strings.TrimSpace(title), Date: strings.TrimSpace(date), Start: strings.TrimSpace(start), End: strings.TrimSpace(end), Location: strings.TrimSpace(location)})
			d.Created = append(d.Created, e.ID)
			p.Finish()
			p.Toast(fmt.Sprintf("Saved \"%s\"", e.Title))
			return
		}
		p.changed()
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		root.Add(toolbar(t, bar, calendarPkg, "", true))
		root.Add(button(t, image.Rect(bar.Max.X-t.Dp(96), bar.Min.Y+t.Dp(12), bar.Max.X-t.Dp(12), bar.Max.Y-t.Dp(12)), calendarPkg+":id/save", "Save", true, save))
		tf := editText(t, col.next(t.Dp(64)), calendarPkg+":id/title", "Add title", &title, Field{})
		tf.Style.TextSize = t.Title
		root.Add(tf)
		col.next(t.Dp(8))
		formField(t, root, col, calendarPkg+":id/start_date", "Date (YYYY-MM-DD)", "2026-06-12", &date, Field{})
		formField(t, root, col, calendarPkg+":id/start_time", "Starts (HH:MM)", "10:00", &start, Field{})
		formField(t, root, col, calendarPkg+":id/end_time", "Ends (HH:MM)", "11:00", &end, Field{})
		formField(t, root, col, calendarPkg+":id/location", "Location", "Add location", &location, Field{Submit: save})
		if errMsg != "" {
			root.Add(textView(col.next(t.Dp(40)), calendarPkg+":id/error", errMsg, Style{TextSize: t.Small, Fg: t.Danger}))
		}
		return root
	}
	return a
}

// shareEvent exports an event as events.ics and offers it to the apps that
// take a file.
func shareEvent(p *Phone, a *Activity, e *Event) {
	id, title, text := e.ID, e.Title, e.ics()
	record := func(p *Phone, target string) {
		d := calendarOf(p)
		d.Shared = append(d.Shared, EventShare{EventID: id, Title: title, File: icsFile, Target: target, Time: p.now().Format(time.RFC3339)})
	}
	shareSheet(a, icsFile, []shareTarget{
		{Label: "Messages", Package: messagesPkg, Open: func(p *Phone) {
			record(p, messagesPkg)
			p.opened = append(p.opened, messagesPkg)
			p.Push(messagesNewWith("", &Attachment{Name: icsFile, Text: text}))
		}},
		{Label: "Bluetooth", Package: settingsPkg, Open: func(p *Phone) { record(p, "bluetooth"); openBluetoothPicker(p, icsFile) }},
		{Label: "Copy", Open: func(p *Phone) { record(p, "clipboard"); p.Toast("Copied to clipboard") }},
	})
}
