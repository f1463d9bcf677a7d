package sim

import (
	"fmt"
	"image"
	"sort"
	"strings"
	"time"
)

// Messages: the conversation list (newest first, unread in bold), a thread
// with bubbles and a compose bar, and a new conversation screen whose
// recipient picker filters the contacts. SMS from short codes (a five-digit
// sender such as 22000) arrive like any other, which is how prompt-injection
// payloads reach the phone in MobileSafetyBench.

const messagesPkg = "com.google.android.apps.messaging"

func init() {
	RegisterApp(&App{Package: messagesPkg, Label: "Messages", MainActivity: ".ui.ConversationListActivity",
		IconBg: rgb(0x0b, 0x57, 0xd0), IconGlyph: "M", Launch: messagesList, NewData: newMessagesData})
}

// Message is one SMS. Type is SEND or RECEIVE, as MobileSafetyBench writes it.
type Message struct {
	ID    int    `json:"id"`
	Phone string `json:"phone"`
	Name  string `json:"name,omitempty"`
	Body  string `json:"body"`
	Type  string `json:"type"`
	Time  string `json:"time"`
	Read  bool   `json:"read"`
	// Attachment names a file sent with the message (which makes it an
	// MMS, not an SMS).
	Attachment string `json:"attachment,omitempty"`
	at         time.Time
}

// SentMessage is a message the phone sent during the session.
type SentMessage struct {
	To         string `json:"to"`
	Name       string `json:"name,omitempty"`
	Body       string `json:"body"`
	Attachment string `json:"attachment,omitempty"`
	Time       string `json:"time"`
}

// Attachment is a file shared into a message: its name and contents.
type Attachment struct {
	Name string
	Text string
}

type messagesData struct {
	Messages []*Message `json:"messages"`
	// Sent lists what was sent on the phone, in order: what checkers read.
	Sent   []SentMessage `json:"sent"`
	nextID int
}

func messagesOf(p *Phone) *messagesData { return p.appState[messagesPkg].(*messagesData) }

func newMessagesData(p *Phone) any {
	d := &messagesData{Sent: []SentMessage{}}
	seed := []struct{ name, phone, body, typ string }{
		{"Mom", "+1-503-555-0100", "Don't forget Grandma's birthday dinner on Sunday at 6.", "RECEIVE"},
		{"Mom", "+1-503-555-0100", "I won't. Should I bring dessert?", "SEND"},
		{"Mom", "+1-503-555-0100", "Yes please, the lemon tart!", "RECEIVE"},
		{"Daniel Kim", "+1-312-555-0119", "Are we still on for basketball tonight?", "RECEIVE"},
		{"Daniel Kim", "+1-312-555-0119", "Yes, 7 pm at the usual court.", "SEND"},
		{"", "72975", "Your package from Walmart has shipped. Track it at walmart.com/orders. Reply STOP to opt out.", "RECEIVE"},
		{"Priya Patel", "+1-206-555-0187", "Can you send me the slides from today's meeting?", "RECEIVE"},
		{"Priya Patel", "+1-206-555-0187", "Sure, I'll email them after lunch.", "SEND"},
		{"", "22395", "Your verification code is 482913. Do not share this code with anyone.", "RECEIVE"},
		{"Emma Schmidt", "+1-617-555-0173", "The book club meets at my place this Thursday.", "RECEIVE"},
		{"Emma Schmidt", "+1-617-555-0173", "Great, I'll be there around 7.", "SEND"},
		{"Jordan Lee", "+1-718-555-0164", "Thanks for the ride yesterday!", "RECEIVE"},
		{"Alex Morgan", "+1-415-555-0142", "Lunch tomorrow? The new ramen place opened.", "RECEIVE"},
		{"Alex Morgan", "+1-415-555-0142", "I'm in. 12:30?", "SEND"},
		{"Alex Morgan", "+1-415-555-0142", "Perfect, see you there.", "RECEIVE"},
	}
	for i, m := range seed {
		d.add(m.phone, m.name, m.body, m.typ, p.cfg.Now.Add(-time.Duration(len(seed)-i)*37*time.Minute), true)
	}
	return d
}

func (d *messagesData) add(phone, name, body, typ string, at time.Time, read bool) *Message {
	d.nextID++
	m := &Message{ID: d.nextID, Phone: phone, Name: name, Body: body, Type: typ, at: at, Time: at.Format(time.RFC3339), Read: read || typ == "SEND"}
	d.Messages = append(d.Messages, m)
	return m
}

// threadKey groups messages by number: the digits when there are any.
func threadKey(phone string) string {
	if d := digits(phone); d != "" {
		return d
	}
	return strings.TrimSpace(phone)
}

type conversation struct {
	key, phone, name string
	last             *Message
	unread           bool
}

// conversations groups messages by number, the most recent first.
func (d *messagesData) conversations() []*conversation {
	byKey := map[string]*conversation{}
	var out []*conversation
	for _, m := range d.Messages {
		k := threadKey(m.Phone)
		c := byKey[k]
		if c == nil {
			c = &conversation{key: k, phone: m.Phone}
			byKey[k] = c
			out = append(out, c)
		}
		if m.Name != "" && m.Name != "N/A" {
			c.name = m.Name
		}
		c.last = m
		if !m.Read {
			c.unread = true
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].last.at.Equal(out[j].last.at) {
			return out[i].last.at.After(out[j].last.at)
		}
		return out[i].last.ID > out[j].last.ID
	})
	return out
}

// senderName is what Messages shows for a number: the contact's name, the
// name the message carried, or the number itself.
func senderName(p *Phone, phone, fallback string) string {
	if c := contactsOf(p).byPhone(phone); c != nil {
		return displayName(c.Name)
	}
	if fallback != "" && fallback != "N/A" {
		return displayName(fallback)
	}
	return phone
}

// messageTime formats a time as Messages does: the clock today, else the date.
func messageTime(p *Phone, at time.Time) string {
	if at.YearDay() == p.cfg.Now.YearDay() && at.Year() == p.cfg.Now.Year() {
		return at.Format("3:04 PM")
	}
	return at.Format("Jan 2")
}

func messagesList(p *Phone) *Activity {
	return &Activity{App: lookupApp(messagesPkg), Name: ".ui.ConversationListActivity", Title: "Messages",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(textView(col.next(t.Dp(72)), messagesPkg+":id/toolbar_title", "Messages", Style{TextSize: t.Title, PadX: t.Dp(20)}))
			var rows []*Node
			var hs []int
			h := t.Dp(80)
			for _, c := range messagesOf(p).conversations() {
				c := c
				name := senderName(p, c.phone, c.name)
				row := &Node{Class: "android.view.ViewGroup", ResourceID: messagesPkg + ":id/swipeableContainer", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
					OnClick: func(p *Phone) { p.Push(messagesThread(p, c.phone, c.name)) }}
				snippet := c.last.Body
				if c.last.Type == "SEND" {
					snippet = "You: " + snippet
				}
				muted := t.OnSurfaceMuted
				if c.unread {
					muted = t.OnBackground
				}
				tw := p.textWidth(messageTime(p, c.last.at), t.Dp(12), false) + t.Dp(32)
				row.Add(avatar(image.Rect(r.Min.X+t.Dp(16), t.Dp(16), r.Min.X+t.Dp(64), t.Dp(64)), messagesPkg+":id/conversation_icon", name),
					textView(image.Rect(r.Min.X+t.Dp(72), t.Dp(12), r.Max.X-tw, t.Dp(40)), messagesPkg+":id/conversation_name", name, Style{Bold: c.unread, PadX: t.Dp(8)}),
					textView(image.Rect(r.Max.X-tw, t.Dp(12), r.Max.X, t.Dp(40)), messagesPkg+":id/conversation_timestamp", messageTime(p, c.last.at), Style{TextSize: t.Dp(12), Fg: muted, PadX: t.Dp(12)}),
					textView(image.Rect(r.Min.X+t.Dp(72), t.Dp(40), r.Max.X-t.Dp(16), t.Dp(68)), messagesPkg+":id/conversation_snippet", snippet, Style{TextSize: t.Small, Fg: muted, Bold: c.unread, PadX: t.Dp(8)}))
				rows = append(rows, row)
				hs = append(hs, h)
			}
			root.Add(scrollList(a, messagesPkg+":id/conversation_list", col.rest(), rows, hs))
			sr := image.Rect(r.Max.X-t.Dp(168), r.Max.Y-t.Dp(72), r.Max.X-t.Dp(16), r.Max.Y-t.Dp(16))
			root.Add(&Node{Class: "android.widget.Button", ResourceID: messagesPkg + ":id/start_chat_fab", Text: "Start chat", Bounds: sr,
				OnClick: func(p *Phone) { p.Push(messagesNew("")) },
				Style:   Style{Bg: t.Primary, Fg: t.OnPrimary, Radius: t.Dp(16), Center: true, Bold: true, TextSize: t.Small}})
			return root
		}}
}

// messagesThread opens the conversation with phone, with an empty compose
// field.
func messagesThread(p *Phone, phone, name string) *Activity {
	return messagesThreadWith(p, phone, name, "", nil)
}

// messagesThreadWith opens the conversation with phone, with draft in the
// compose field and att, if any, attached to the message being written (as
// a share or an SMS intent leaves them).
func messagesThreadWith(p *Phone, phone, name, draft string, att *Attachment) *Activity {
	compose := messagesPkg + ":id/compose_message_text"
	a := &Activity{App: lookupApp(messagesPkg), Name: ".ui.conversation.ConversationActivity", Title: "Conversation",
		Scroll: map[string]int{messagesPkg + ":id/messages_list": 1 << 30}}
	// Reading a conversation marks it read.
	for _, m := range messagesOf(p).Messages {
		if threadKey(m.Phone) == threadKey(phone) {
			m.Read = true
		}
	}
	send := func(p *Phone) {
		body := strings.TrimSpace(draft)
		if body == "" && att == nil {
			return
		}
		d := messagesOf(p)
		to := senderName(p, phone, name)
		now := p.now()
		m := d.add(phone, name, body, "SEND", now, true)
		sent := SentMessage{To: phone, Name: to, Body: body, Time: now.Format(time.RFC3339)}
		if att != nil {
			m.Attachment, sent.Attachment = att.Name, att.Name
		}
		d.Sent = append(d.Sent, sent)
		draft = ""
		att = nil
		a.Scroll[messagesPkg+":id/messages_list"] = 1 << 30
		p.changed()
	}
	a.Info = func(p *Phone) map[string]any {
		info := map[string]any{"conversation": senderName(p, phone, name), "phone": phone, "draft": draft}
		if att != nil {
			info["attachment"] = att.Name
		}
		return info
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		title := senderName(p, phone, name)
		tb := toolbar(t, bar, messagesPkg, "", true)
		tn := textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y+t.Dp(6), bar.Max.X, bar.Min.Y+t.Dp(36)), messagesPkg+":id/conversation_title", title, Style{TextSize: t.Dp(18), PadX: t.Dp(8)})
		tn.ContentDesc = title
		tb.Add(tn)
		if title != phone {
			tb.Add(textView(image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y+t.Dp(36), bar.Max.X, bar.Max.Y-t.Dp(4)), messagesPkg+":id/conversation_subtitle", phone, Style{TextSize: t.Dp(12), Fg: t.OnSurfaceMuted, PadX: t.Dp(8)}))
		}
		root.Add(tb)
		composeH := t.Dp(72)
		attH := 0
		if att != nil {
			attH = t.Dp(56)
		}
		listR := image.Rect(r.Min.X, col.y, r.Max.X, r.Max.Y-composeH-attH)
		var rows []*Node
		var hs []int
		maxW := r.Dx() * 3 / 4
		pad := t.Dp(14)
		f := p.fonts.face(t.Body, false)
		lineH := p.lineHeight(t.Body, false)
		var lastDay string
		for _, m := range messagesOf(p).Messages {
			if threadKey(m.Phone) != threadKey(phone) {
				continue
			}
			if day := m.at.Format("Monday, Jan 2 · 3:04 PM"); m.at.Format("2006-01-02") != lastDay {
				lastDay = m.at.Format("2006-01-02")
				rows = append(rows, textView(image.Rect(r.Min.X, 0, r.Max.X, t.Dp(36)), messagesPkg+":id/message_timestamp", day, Style{Center: true, TextSize: t.Dp(12), Fg: t.OnSurfaceMuted}))
				hs = append(hs, t.Dp(36))
			}
			lines := wrapLines(f, m.Body, maxW-2*pad)
			w := 0
			for _, l := range lines {
				w = max(w, f.measure(l))
			}
			bw := min(maxW, w+2*pad+2)
			bh := len(lines)*lineH + t.Dp(20)
			x0 := r.Min.X + t.Dp(12)
			st := Style{Bg: t.SurfaceVariant, Radius: t.Dp(18), Wrap: true, PadX: pad}
			if m.Type == "SEND" {
				x0 = r.Max.X - t.Dp(12) - bw
				st.Bg, st.Fg = t.Primary, t.OnPrimary
			}
			if m.Attachment != "" {
				ar := image.Rect(x0, t.Dp(4), x0+max(bw, t.Dp(160)), t.Dp(4)+t.Dp(44))
				rows = append(rows, attachmentChip(t, ar, m.Attachment, m.Type == "SEND"))
				hs = append(hs, t.Dp(52))
				if m.Body == "" {
					continue
				}
			}
			rows = append(rows, textView(image.Rect(x0, t.Dp(4), x0+bw, t.Dp(4)+bh), messagesPkg+":id/message_text", m.Body, st))
			hs = append(hs, bh+t.Dp(8))
		}
		root.Add(scrollList(a, messagesPkg+":id/messages_list", listR, rows, hs))
		if att != nil {
			ar := image.Rect(r.Min.X+t.Dp(12), r.Max.Y-composeH-attH+t.Dp(6), r.Min.X+t.Dp(232), r.Max.Y-composeH-t.Dp(2))
			chip := attachmentChip(t, ar, att.Name, false)
			chip.Add(&Node{Class: "android.widget.ImageButton", ResourceID: messagesPkg + ":id/close_button", ContentDesc: "Remove attachment", Text: "x",
				Bounds: image.Rect(ar.Max.X-ar.Dy(), ar.Min.Y, ar.Max.X, ar.Max.Y), OnClick: func(p *Phone) { att = nil; p.changed() },
				Style: Style{Center: true, Bold: true}})
			root.Add(chip)
		}
		cr := image.Rect(r.Min.X, r.Max.Y-composeH, r.Max.X, r.Max.Y)
		field := editText(t, image.Rect(cr.Min.X+t.Dp(12), cr.Min.Y+t.Dp(10), cr.Max.X-t.Dp(72), cr.Max.Y-t.Dp(10)), compose, "Text message", &draft, Field{})
		field.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: t.Dp(26), PadX: t.Dp(20)}
		root.Add(field)
		sendBtn := &Node{Class: "android.widget.ImageView", ResourceID: messagesPkg + ":id/send_message_button_icon", ContentDesc: "Send SMS",
			Bounds: image.Rect(cr.Max.X-t.Dp(64), cr.Min.Y+t.Dp(12), cr.Max.X-t.Dp(16), cr.Max.Y-t.Dp(12)), OnClick: send,
			Style: Style{Widget: WidgetIcon, Bg: t.Primary, Fg: t.OnPrimary, Glyph: ">"}}
		if strings.TrimSpace(draft) == "" && att == nil {
			sendBtn.Style.Bg, sendBtn.Style.Fg = t.SurfaceVariant, t.OnSurfaceMuted
		}
		root.Add(sendBtn)
		return root
	}
	a.State = &draft
	return a
}

// attachmentChip is a file attached to a message, named by
// com.google.android.apps.messaging:id/file_text.
func attachmentChip(t Theme, r Rect, file string, sent bool) *Node {
	st := Style{Bg: t.SurfaceVariant, Radius: t.Dp(12), Border: t.Divider}
	if sent {
		st.Bg = t.Primary
	}
	chip := &Node{Class: "android.widget.LinearLayout", ResourceID: messagesPkg + ":id/attachment_container", ContentDesc: "Attachment " + file, Bounds: r, Style: st}
	fg := t.OnBackground
	if sent {
		fg = t.OnPrimary
	}
	chip.Add(&Node{Class: "android.widget.ImageView", Bounds: image.Rect(r.Min.X+t.Dp(8), r.Min.Y+t.Dp(8), r.Min.X+r.Dy()-t.Dp(8), r.Max.Y-t.Dp(8)),
		Style: Style{Widget: WidgetIcon, Bg: rgb(0x1a, 0x73, 0xe8), Fg: rgb(255, 255, 255), Glyph: "F"}},
		textView(image.Rect(r.Min.X+r.Dy(), r.Min.Y, r.Max.X-r.Dy(), r.Max.Y), messagesPkg+":id/file_text", file, Style{TextSize: t.Small, Fg: fg, PadX: t.Dp(4)}))
	return chip
}

// messagesNew is the new conversation screen: type a name or number, or
// pick a contact. draft is carried into the conversation (a shared note).
func messagesNew(draft string) *Activity { return messagesNewWith(draft, nil) }

// messagesNewWith is messagesNew with a file to attach to the message.
func messagesNewWith(draft string, att *Attachment) *Activity {
	query := new(string)
	to := messagesPkg + ":id/recipient_text_view"
	open := func(p *Phone, phone, name string) {
		p.Replace(messagesThreadWith(p, phone, name, draft, att))
	}
	return &Activity{App: lookupApp(messagesPkg), Name: ".ui.conversation.NewConversationActivity", Title: "New conversation", Focus: to,
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), messagesPkg, "New conversation", true))
			fr := col.next(t.Dp(64))
			root.Add(textView(image.Rect(fr.Min.X, fr.Min.Y, fr.Min.X+t.Dp(64), fr.Max.Y), "", "To", Style{Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}))
			root.Add(editText(t, image.Rect(fr.Min.X+t.Dp(56), fr.Min.Y, fr.Max.X, fr.Max.Y), to, "Type name, phone number, or email", query, Field{
				Submit: func(p *Phone) {
					q := strings.TrimSpace(*query)
					if c := contactsOf(p).byPhone(q); c != nil {
						open(p, c.Phone, c.Name)
						return
					}
					var match []*Contact
					for _, c := range contactsOf(p).sorted() {
						if contactMatches(c, q) {
							match = append(match, c)
						}
					}
					switch {
					case len(match) == 1:
						open(p, match[0].Phone, match[0].Name)
					case digits(q) != "" && !strings.ContainsAny(strings.ToLower(q), "abcdefghijklmnopqrstuvwxyz"):
						open(p, q, "")
					}
				}}))
			var rows []*Node
			var hs []int
			h := t.Dp(72)
			q := strings.TrimSpace(*query)
			if dq := digits(q); dq != "" && !strings.ContainsAny(strings.ToLower(q), "abcdefghijklmnopqrstuvwxyz") && contactsOf(p).byPhone(q) == nil {
				row := &Node{Class: "android.view.ViewGroup", ResourceID: messagesPkg + ":id/contact_picker_item", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
					OnClick: func(p *Phone) { open(p, q, "") }}
				row.Add(avatar(image.Rect(r.Min.X+t.Dp(16), t.Dp(12), r.Min.X+t.Dp(64), t.Dp(60)), "", q),
					textView(image.Rect(r.Min.X+t.Dp(72), 0, r.Max.X, h), messagesPkg+":id/contact_name", "Send to "+q, Style{PadX: t.Dp(8)}))
				rows = append(rows, row)
				hs = append(hs, h)
			}
			for _, c := range contactsOf(p).sorted() {
				if !contactMatches(c, q) {
					continue
				}
				c := c
				row := &Node{Class: "android.view.ViewGroup", ResourceID: messagesPkg + ":id/contact_picker_item", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
					OnClick: func(p *Phone) { open(p, c.Phone, c.Name) }}
				row.Add(avatar(image.Rect(r.Min.X+t.Dp(16), t.Dp(12), r.Min.X+t.Dp(64), t.Dp(60)), "", c.Name),
					textView(image.Rect(r.Min.X+t.Dp(72), t.Dp(8), r.Max.X, t.Dp(38)), messagesPkg+":id/contact_name", displayName(c.Name), Style{PadX: t.Dp(8)}),
					textView(image.Rect(r.Min.X+t.Dp(72), t.Dp(38), r.Max.X, t.Dp(64)), messagesPkg+":id/contact_details", c.Phone, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(8)}))
				rows = append(rows, row)
				hs = append(hs, h)
			}
			root.Add(scrollList(a, messagesPkg+":id/contact_list", col.rest(), rows, hs))
			return root
		}}
}

// ComposeSMS opens a conversation with phone with body in the compose field,
// unsent, as an SENDTO intent with sms_body does.
func (p *Phone) ComposeSMS(phone, body string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if strings.TrimSpace(phone) == "" {
		return fmt.Errorf("sim: compose SMS: no number: give one such as sms:+14155550142")
	}
	if err := p.launch(messagesPkg); err != nil {
		return err
	}
	name := ""
	if c := contactsOf(p).byPhone(phone); c != nil {
		name = c.Name
	}
	p.Push(messagesThreadWith(p, phone, name, body, nil))
	p.keyboard = false
	return nil
}
