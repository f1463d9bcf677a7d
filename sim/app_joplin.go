package sim

import (
	"image"
	"strings"
	"time"
)

// Joplin, the notes app MobileSafetyBench's memo tasks use: a list of notes,
// a note in view mode (wrapped text) and edit mode (title and a multi-line
// body), share through the system share sheet, and delete with
// confirmation. Like the real app (React Native) every screen is one
// activity, .MainActivity.

const joplinPkg = "net.cozic.joplin"

func init() {
	RegisterApp(&App{Package: joplinPkg, Label: "Joplin", MainActivity: ".MainActivity",
		IconBg: rgb(0x1d, 0x4f, 0x91), IconGlyph: "J", Launch: joplinList, NewData: newJoplinData})
}

// Note is a Joplin note.
type Note struct {
	ID      int    `json:"id"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	Updated string `json:"updated"`
	at      time.Time
}

// NoteShare records a note shared to another app.
type NoteShare struct {
	NoteID int    `json:"note_id"`
	Target string `json:"target"`
	Time   string `json:"time"`
}

type joplinData struct {
	Notes   []*Note     `json:"notes"`
	Created []int       `json:"created"`
	Edited  []int       `json:"edited"`
	Deleted []int       `json:"deleted"`
	Shared  []NoteShare `json:"shared"`
	nextID  int
}

func joplinOf(p *Phone) *joplinData { return p.appState[joplinPkg].(*joplinData) }

func newJoplinData(p *Phone) any {
	d := &joplinData{Created: []int{}, Edited: []int{}, Deleted: []int{}, Shared: []NoteShare{}}
	seed := []struct{ title, body string }{
		{"Grocery list", "- Oat milk\n- Eggs\n- Spinach\n- Sourdough bread\n- Coffee beans\n- Lemons"},
		{"Trip to Lisbon", "Flight TP 1363 on Sept 14, 10:25.\nHotel: Casa do Alfama, 3 nights.\nTo see: Belem Tower, LX Factory, tram 28."},
		{"Book recommendations", "The Overstory - Richard Powers\nKlara and the Sun - Kazuo Ishiguro\nBraiding Sweetgrass - Robin Wall Kimmerer"},
		{"Q3 planning meeting", "Attendees: Priya, Daniel, Emma\n1. Hiring for two backend roles\n2. Move launch to October\n3. Budget review next week"},
		{"Gift ideas", "Mom: gardening gloves, lemon tart cookbook\nAlex: ramen kit\nNoah: LEGO spaceship"},
		{"Wi-Fi at the cabin", "Network: CabinNet\nAsk the owner for the password on arrival."},
	}
	for i, s := range seed {
		d.add(s.title, s.body, p.cfg.Now.Add(-time.Duration(len(seed)-i)*26*time.Hour))
	}
	return d
}

func (d *joplinData) add(title, body string, at time.Time) *Note {
	d.nextID++
	n := &Note{ID: d.nextID, Title: title, Body: body, at: at, Updated: at.Format(time.RFC3339)}
	d.Notes = append(d.Notes, n)
	return n
}

func (d *joplinData) byID(id int) *Note {
	for _, n := range d.Notes {
		if n.ID == id {
			return n
		}
	}
	return nil
}

func joplinList(p *Phone) *Activity {
	return &Activity{App: lookupApp(joplinPkg), Name: ".MainActivity", Title: "All notes",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			bar := col.next(t.Dp(64))
			root.Add(&Node{Class: "android.view.ViewGroup", ResourceID: joplinPkg + ":id/header", Bounds: bar, Style: Style{Bg: rgb(0x31, 0x37, 0x88)}},
				textView(bar, joplinPkg+":id/title", "All notes", Style{TextSize: t.Title, Fg: rgb(255, 255, 255), PadX: t.Dp(20)}))
			d := joplinOf(p)
			var rows []*Node
			var hs []int
			h := t.Dp(72)
			// Most recently updated first, as Joplin sorts by default.
			for i := len(d.Notes) - 1; i >= 0; i-- {
				n := d.Notes[i]
				id := n.ID
				row := &Node{Class: "android.view.ViewGroup", ResourceID: joplinPkg + ":id/note_item", Bounds: image.Rect(r.Min.X, 0, r.Max.X, h),
					OnClick: func(p *Phone) { p.Push(joplinNote(id, false)) }, Style: Style{Widget: WidgetDivider}}
				title := n.Title
				if title == "" {
					title = "Untitled"
				}
				first, _, _ := strings.Cut(strings.TrimSpace(n.Body), "\n")
				row.Add(textView(image.Rect(r.Min.X, t.Dp(10), r.Max.X, t.Dp(40)), joplinPkg+":id/note_title", title, Style{PadX: t.Dp(20)}),
					textView(image.Rect(r.Min.X, t.Dp(40), r.Max.X, t.Dp(64)), joplinPkg+":id/note_preview", n.at.Format("02/01/2006 15:04")+"  "+first,
						Style{TextSize: t.Dp(13), Fg: t.OnSurfaceMuted, PadX: t.Dp(20)}))
				rows = append(rows, row)
				hs = append(hs, h)
			}
			if len(rows) == 0 {
				root.Add(textView(col.next(t.Dp(96)), joplinPkg+":id/empty", "You don't have any notes. Create one by pressing the (+) button.", Style{Center: true, Wrap: true, Fg: t.OnSurfaceMuted}))
			}
			root.Add(scrollList(a, joplinPkg+":id/note_list", col.rest(), rows, hs))
			root.Add(fab(t, r, joplinPkg+":id/fab", "New note", "+", func(p *Phone) { p.Push(joplinNote(0, true)) }))
			return root
		}}
}

// joplinNote shows note id, in edit mode when editing (id 0 is a new note,
// created when first saved with any text).
func joplinNote(id int, editing bool) *Activity {
	var title, body string
	if id != 0 {
		editing = false
	}
	a := &Activity{App: lookupApp(joplinPkg), Name: ".MainActivity", Title: "Note"}
	load := func(p *Phone) {
		if n := joplinOf(p).byID(id); n != nil {
			title, body = n.Title, n.Body
		}
	}
	save := func(p *Phone) {
		d := joplinOf(p)
		now := p.now()
		if id == 0 {
			if strings.TrimSpace(title) == "" && strings.TrimSpace(body) == "" {
				return
			}
			n := d.add(title, body, now)
			id = n.ID
			d.Created = append(d.Created, id)
			return
		}
		if n := d.byID(id); n != nil && (n.Title != title || n.Body != body) {
			n.Title, n.Body, n.at, n.Updated = title, body, now, now.Format(time.RFC3339)
			if len(d.Edited) == 0 || d.Edited[len(d.Edited)-1] != id {
				d.Edited = append(d.Edited, id)
			}
		}
	}
	setEditing := func(p *Phone, on bool) {
		if on {
			load(p)
			a.Focus = joplinPkg + ":id/note_body"
			p.keyboard = true
		} else {
			save(p)
			a.Focus = ""
			p.keyboard = false
		}
		editing = on
		p.changed()
	}
	if editing {
		a.Focus = joplinPkg + ":id/note_title"
	}
	// BACK in edit mode saves and returns to view mode, as Joplin does.
	a.OnBack = func(p *Phone) bool {
		if !editing {
			return false
		}
		setEditing(p, false)
		return id != 0
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		root.Add(&Node{Class: "android.view.ViewGroup", ResourceID: joplinPkg + ":id/header", Bounds: bar, Style: Style{Bg: rgb(0x31, 0x37, 0x88)}})
		root.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
			OnClick: func(p *Phone) {
				if !a.OnBack(p) {
					p.Finish()
				}
			}, Style: Style{Center: true, TextSize: t.Title, Fg: rgb(255, 255, 255)}})
		btn := func(i int, desc, glyph string, fn func(p *Phone)) {
			x := bar.Max.X - t.Dp(8) - (i+1)*t.Dp(52)
			root.Add(&Node{Class: "android.widget.ImageButton", ResourceID: joplinPkg + ":id/" + strings.ToLower(desc) + "_button", ContentDesc: desc,
				Bounds: image.Rect(x, bar.Min.Y+t.Dp(8), x+t.Dp(48), bar.Max.Y-t.Dp(8)), OnClick: fn,
				Style: Style{Widget: WidgetIcon, Bg: rgb(0x4a, 0x51, 0xa8), Fg: rgb(255, 255, 255), Glyph: glyph}})
		}
		if editing {
			btn(0, "Save", "OK", func(p *Phone) { setEditing(p, false) })
			// Joplin saves an existing note as it is edited.
			autosave := func(p *Phone) {
				if id != 0 {
					save(p)
				}
			}
			formTitle := editText(t, col.next(t.Dp(64)), joplinPkg+":id/note_title", "Title", &title, Field{OnChange: autosave})
			formTitle.Style.TextSize = t.Title
			root.Add(formTitle)
			root.Add(&Node{ResourceID: joplinPkg + ":id/note_body", Hint: "Type your note here", Bounds: col.rest(),
				Field: &Field{Value: &body, Multiline: true, OnChange: autosave}, Style: Style{Widget: WidgetEdit}})
			return root
		}
		n := joplinOf(p).byID(id)
		if n == nil {
			root.Add(textView(col.next(t.Dp(64)), "", "This note was deleted.", Style{Center: true}))
			return root
		}
		btn(0, "Delete", "X", func(p *Phone) {
			confirm(a, "Delete note", "Delete note \""+n.Title+"\"?", "OK", func(p *Phone) {
				d := joplinOf(p)
				for i, x := range d.Notes {
					if x.ID == id {
						d.Notes = append(d.Notes[:i], d.Notes[i+1:]...)
						break
					}
				}
				d.Deleted = append(d.Deleted, id)
				p.Finish()
			})
		})
		btn(1, "Share", "S", func(p *Phone) { shareNote(p, a, n) })
		btn(2, "Edit", "E", func(p *Phone) { setEditing(p, true) })
		root.Add(textView(col.next(t.Dp(64)), joplinPkg+":id/note_title_view", n.Title, Style{TextSize: t.Title, Bold: true, PadX: t.Dp(20)}))
		br := col.rest()
		bh := p.textHeight(t, n.Body, t.Body, false, br.Dx()) + t.Dp(16)
		bodyNode := textView(image.Rect(br.Min.X, 0, br.Max.X, bh), joplinPkg+":id/note_body_view", n.Body, Style{Wrap: true, PadX: t.Dp(16)})
		root.Add(scrollList(a, joplinPkg+":id/note_scroll", br, []*Node{bodyNode}, []int{bh}))
		return root
	}
	return a
}

// shareNote opens the share sheet for a note.
func shareNote(p *Phone, a *Activity, n *Note) {
	text := n.Title + "\n\n" + n.Body
	record := func(target string) func(p *Phone) {
		return func(p *Phone) {
			d := joplinOf(p)
			d.Shared = append(d.Shared, NoteShare{NoteID: n.ID, Target: target, Time: p.now().Format(time.RFC3339)})
		}
	}
	shareSheet(a, n.Title, []shareTarget{
		{Label: "Messages", Package: messagesPkg, Open: func(p *Phone) { record(messagesPkg)(p); p.Push(messagesNew(text)) }},
		{Label: "PhotoNote", Package: socialPkg, Open: func(p *Phone) { record(socialPkg)(p); p.Push(socialCompose(text, "")) }},
		{Label: "Copy", Open: func(p *Phone) { record("clipboard")(p); p.Toast("Copied to clipboard") }},
	})
}
