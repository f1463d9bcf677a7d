package sim

import (
	"fmt"
	"image"
	"sort"
	"strings"
)

// Contacts: the people list (filtered as you type), a contact's details with
// call and text actions, and the editor that adds and edits contacts.
// Messages reads the same list for its recipient picker and names.

const contactsPkg = "com.google.android.contacts"

func init() {
	RegisterApp(&App{Package: contactsPkg, Label: "Contacts", MainActivity: "com.android.contacts.activities.PeopleActivity",
		IconBg: rgb(0x1a, 0x73, 0xe8), IconGlyph: "C", Launch: contactsList, NewData: newContactsData})
}

// Contact is one person in the address book.
type Contact struct {
	ID    int    `json:"id" range:"0,1000000000"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email,omitempty"`
}

// contactsData is the app's state; `mobsim state` reports it under
// com.google.android.contacts.
type contactsData struct {
	Contacts []*Contact `json:"contacts"`
	// Added, Edited and Deleted list contact ids changed on the phone.
	Added   []int `json:"added"`
	Edited  []int `json:"edited"`
	Deleted []int `json:"deleted"`
	nextID  int
}

func newContactsData(p *Phone) any {
	d := &contactsData{Added: []int{}, Edited: []int{}, Deleted: []int{}}
	for _, c := range []struct{ name, phone, email string }{
		{"Alex Morgan", "+1-415-555-0142", "alex.morgan@example.com"},
		{"Priya Patel", "+1-206-555-0187", "priya.p@example.com"},
		{"Daniel Kim", "+1-312-555-0119", ""},
		{"Emma Schmidt", "+1-617-555-0173", "emma.schmidt@example.com"},
		{"Mom", "+1-503-555-0100", ""},
		{"Jordan Lee", "+1-718-555-0164", ""},
		{"Sofia Garcia", "+1-305-555-0131", "sofia.garcia@example.com"},
		{"Liam O'Brien", "+1-646-555-0158", ""},
		{"Noah Williams", "+1-702-555-0126", ""},
		{"Olivia Brown", "+1-213-555-0147", "olivia.b@example.com"},
		{"Dr. Chen's Office", "+1-415-555-0199", ""},
		{"Marcus Johnson", "+1-404-555-0112", ""},
		{"Hannah Wright", "+1-512-555-0190", ""},
		{"Tom Nguyen", "+1-408-555-0137", "tom.nguyen@example.com"},
		{"Pizza Palace", "+1-312-555-9876", ""},
	} {
		d.add(c.name, c.phone, c.email)
	}
	return d
}

func (d *contactsData) add(name, phone, email string) *Contact {
	d.nextID++
	c := &Contact{ID: d.nextID, Name: name, Phone: phone, Email: email}
	d.Contacts = append(d.Contacts, c)
	return c
}

// addWithID appends a contact with a given id; 0 leaves it to renumber.
func (d *contactsData) addWithID(name, phone, email string, id int) *Contact {
	c := &Contact{ID: id, Name: name, Phone: phone, Email: email}
	d.Contacts = append(d.Contacts, c)
	return c
}

// renumber gives the contacts without an id the next free ones, after the
// highest id given, and moves nextID past them all.
func (d *contactsData) renumber() {
	for _, c := range d.Contacts {
		d.nextID = max(d.nextID, c.ID)
	}
	for _, c := range d.Contacts {
		if c.ID == 0 {
			d.nextID++
			c.ID = d.nextID
		}
	}
}

func (d *contactsData) byID(id int) *Contact {
	for _, c := range d.Contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// byPhone finds the contact with a number, nil if none.
func (d *contactsData) byPhone(phone string) *Contact {
	for _, c := range d.Contacts {
		if samePhone(c.Phone, phone) {
			return c
		}
	}
	return nil
}

// sorted returns the contacts ordered by name.
func (d *contactsData) sorted() []*Contact {
	out := append([]*Contact(nil), d.Contacts...)
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

func contactsOf(p *Phone) *contactsData { return p.appState[contactsPkg].(*contactsData) }

// displayName is how a contact's name is shown (MSB writes spaces as _).
func displayName(name string) string { return strings.ReplaceAll(name, "_", " ") }

func contactsList(p *Phone) *Activity {
	query := new(string)
	return &Activity{App: lookupApp(contactsPkg), Name: "com.android.contacts.activities.PeopleActivity", Title: "Contacts",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			sr := col.next(t.Dp(72)).Inset(t.Dp(10))
			search := editText(t, sr, contactsPkg+":id/open_search_bar", "Search contacts", query, Field{})
			search.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: sr.Dy() / 2, PadX: t.Dp(24)}
			root.Add(search)
			d := contactsOf(p)
			q := strings.ToLower(strings.TrimSpace(*query))
			var rows []*Node
			var hs []int
			h := t.Dp(64)
			for _, c := range d.sorted() {
				if !contactMatches(c, q) {
					continue
				}
				id := c.ID
				row := &Node{Class: "android.view.ViewGroup", ResourceID: contactsPkg + ":id/cliv_container", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
					OnClick: func(p *Phone) { p.Push(contactDetails(id)) }}
				row.Add(avatar(image.Rect(r.Min.X+t.Dp(16), t.Dp(12), r.Min.X+t.Dp(56), t.Dp(52)), contactsPkg+":id/cliv_photo", c.Name),
					textView(image.Rect(r.Min.X+t.Dp(64), 0, r.Max.X, h), contactsPkg+":id/cliv_name_textview", displayName(c.Name), Style{}))
				rows = append(rows, row)
				hs = append(hs, h)
			}
			if len(rows) == 0 {
				root.Add(textView(col.next(t.Dp(64)), contactsPkg+":id/empty", "No contacts found", Style{Center: true, Fg: t.OnSurfaceMuted}))
			}
			root.Add(scrollList(a, contactsPkg+":id/contact_list", col.rest(), rows, hs))
			root.Add(fab(t, r, contactsPkg+":id/floating_action_button", "Create contact", "+", func(p *Phone) { p.Push(contactEditor(0)) }))
			return root
		}}
}

func contactDetails(id int) *Activity {
	return &Activity{App: lookupApp(contactsPkg), Name: "com.android.contacts.quickcontact.QuickContactActivity", Title: "Contact",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			c := contactsOf(p).byID(id)
			if c == nil {
				root.Add(textView(r, "", "Contact not found", Style{Center: true}))
				return root
			}
			col := newColumn(r)
			bar := col.next(t.Dp(64))
			root.Add(toolbar(t, bar, contactsPkg, "", true))
			root.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(112), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(64), bar.Max.Y-t.Dp(8)),
				contactsPkg+":id/menu_edit", "Edit contact", "E", func(p *Phone) { p.Push(contactEditor(id)) }))
			root.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(56), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(8), bar.Max.Y-t.Dp(8)),
				contactsPkg+":id/menu_delete", "Delete", "X", func(p *Phone) {
					confirm(a, "Delete this contact?", displayName(c.Name)+" will be removed from your contacts.", "Delete", func(p *Phone) {
						d := contactsOf(p)
						for i, x := range d.Contacts {
							if x.ID == id {
								d.Contacts = append(d.Contacts[:i], d.Contacts[i+1:]...)
								break
							}
						}
						d.Deleted = append(d.Deleted, id)
						p.Finish()
						p.Toast("Contact deleted")
					})
				}))
			col.next(t.Dp(16))
			ar := col.next(t.Dp(112))
			cx := (ar.Min.X + ar.Max.X) / 2
			root.Add(avatar(image.Rect(cx-t.Dp(56), ar.Min.Y, cx+t.Dp(56), ar.Max.Y), contactsPkg+":id/photo", c.Name))
			root.Add(textView(col.next(t.Dp(64)), contactsPkg+":id/large_title", displayName(c.Name), Style{Center: true, TextSize: t.Headline}))
			ac := col.next(t.Dp(88))
			actions := []struct {
				label, glyph string
				fn           func(p *Phone)
			}{
				{"Call", "C", func(p *Phone) { p.Toast("Calling " + displayName(c.Name) + "…") }},
				{"Text", "T", func(p *Phone) { p.Push(messagesThread(p, c.Phone, "")) }},
				{"Email", "@", func(p *Phone) {
					if c.Email == "" {
						p.Toast("No email address")
					} else {
						p.Toast("No email app installed")
					}
				}},
			}
			w := ac.Dx() / len(actions)
			for i, act := range actions {
				x := ac.Min.X + i*w
				b := &Node{Class: "android.widget.Button", ResourceID: contactsPkg + ":id/action_button", ContentDesc: act.label, Text: act.label,
					Bounds: image.Rect(x, ac.Min.Y, x+w, ac.Max.Y), OnClick: act.fn, Style: Style{HideText: true}}
				bx := x + w/2
				b.Add(&Node{PixelsOnly: true, Bounds: image.Rect(bx-t.Dp(24), ac.Min.Y+t.Dp(4), bx+t.Dp(24), ac.Min.Y+t.Dp(52)),
					Style: Style{Widget: WidgetIcon, Bg: t.SurfaceVariant, Fg: t.Primary, Glyph: act.glyph}},
					&Node{PixelsOnly: true, Text: act.label, Bounds: image.Rect(x, ac.Min.Y+t.Dp(56), x+w, ac.Max.Y), Style: Style{Center: true, TextSize: t.Small}})
				root.Add(b)
			}
			root.Add(textView(col.next(t.Dp(48)), "", "Contact info", Style{Bold: true, TextSize: t.Small, PadX: t.Dp(24)}))
			info := []listRow{{ID: contactsPkg + ":id/phone_row", Title: c.Phone, Summary: "Mobile", Icon: "P",
				OnClick: func(p *Phone) { p.Push(messagesThread(p, c.Phone, "")) }}}
			if c.Email != "" {
				info = append(info, listRow{ID: contactsPkg + ":id/email_row", Title: c.Email, Summary: "Email", Icon: "@"})
			}
			root.Add(rowsList(t, a, contactsPkg+":id/card_container", col.rest(), info))
			return root
		}}
}

// contactEditor adds a contact (id 0) or edits one.
func contactEditor(id int) *Activity {
	var first, last, phone, email string
	title := "Create contact"
	loaded := false
	return &Activity{App: lookupApp(contactsPkg), Name: "com.android.contacts.activities.ContactEditorActivity", Title: title,
		Focus: contactsPkg + ":id/first_name",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			d := contactsOf(p)
			if id != 0 && !loaded {
				loaded = true
				if c := d.byID(id); c != nil {
					first, last, _ = strings.Cut(c.Name, " ")
					phone, email = c.Phone, c.Email
				}
			}
			if id != 0 {
				title = "Edit contact"
			}
			root := screenRoot(t, r)
			col := newColumn(r)
			bar := col.next(t.Dp(64))
			root.Add(toolbar(t, bar, contactsPkg, title, true))
			root.Add(button(t, image.Rect(bar.Max.X-t.Dp(96), bar.Min.Y+t.Dp(12), bar.Max.X-t.Dp(12), bar.Max.Y-t.Dp(12)),
				contactsPkg+":id/editor_menu_save_button", "Save", true, func(p *Phone) {
					name := strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
					if name == "" && strings.TrimSpace(phone) == "" {
						p.Toast("Add a name or phone number to save")
						return
					}
					if name == "" {
						name = strings.TrimSpace(phone)
					}
					if id == 0 {
						c := d.add(name, strings.TrimSpace(phone), strings.TrimSpace(email))
						d.Added = append(d.Added, c.ID)
						p.Replace(contactDetails(c.ID))
					} else if c := d.byID(id); c != nil {
						c.Name, c.Phone, c.Email = name, strings.TrimSpace(phone), strings.TrimSpace(email)
						d.Edited = append(d.Edited, id)
						p.Finish()
					}
					p.Toast("Contact saved")
				}))
			col.next(t.Dp(8))
			formField(t, root, col, contactsPkg+":id/first_name", "First name", "First name", &first, Field{})
			formField(t, root, col, contactsPkg+":id/last_name", "Last name", "Last name", &last, Field{})
			formField(t, root, col, contactsPkg+":id/phone", "Phone (Mobile)", "Phone", &phone, Field{Numeric: true})
			formField(t, root, col, contactsPkg+":id/email", "Email", "Email", &email, Field{})
			return root
		}}
}

// contactMatches reports whether a contact's name or number contains q.
func contactMatches(c *Contact, q string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" || strings.Contains(strings.ToLower(displayName(c.Name)), q) || strings.Contains(strings.ToLower(c.Name), q) {
		return true
	}
	dq := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q)
	return dq != "" && !strings.ContainsAny(q, "abcdefghijklmnopqrstuvwxyz") && strings.Contains(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, c.Phone), dq)
}

var _ = fmt.Sprint
