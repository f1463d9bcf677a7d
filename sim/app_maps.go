package sim

import (
	"fmt"
	"hash/fnv"
	"image"
	"strings"
	"time"
)

// Maps: a map with a search box, place search (every query finds a place:
// a known one, or one named as typed), a place's page with Directions, and
// the driving-route page (travel modes, start and destination, Start).
// The map itself is pixels only, as a real map surface is.

const mapsPkg = "com.google.android.apps.maps"

func init() {
	RegisterApp(&App{Package: mapsPkg, Label: "Maps", MainActivity: "com.google.android.maps.MapsActivity",
		IconBg: rgb(0x34, 0xa8, 0x53), IconGlyph: "M", Launch: mapsHome, NewData: func(p *Phone) any {
			return &mapsData{Searches: []PlaceSearch{}, Routes: []Route{}}
		}})
}

// Place is a place on the map.
type Place struct {
	Name     string  `json:"name"`
	Address  string  `json:"address"`
	Category string  `json:"category"`
	Rating   float64 `json:"rating"`
}

// PlaceSearch is a search run in the app and the place it found.
type PlaceSearch struct {
	Query string `json:"query"`
	Place string `json:"place"`
	Time  string `json:"time"`
}

// Route is a route page opened: from, to, travel mode (driving, transit,
// walking), and whether navigation was started.
type Route struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Mode    string `json:"mode"`
	Started bool   `json:"started"`
	Time    string `json:"time"`
}

type mapsData struct {
	Searches []PlaceSearch `json:"searches"`
	Routes   []Route       `json:"routes"`
}

func mapsOf(p *Phone) *mapsData { return p.appState[mapsPkg].(*mapsData) }

var knownPlaces = []Place{
	{"Empire State Building", "20 W 34th St., New York, NY 10001", "Landmark", 4.7},
	{"California's Great America", "4701 Great America Pkwy, Santa Clara, CA 95054", "Amusement park", 4.3},
	{"Mojave Desert", "Mojave Desert, California", "Desert", 4.6},
	{"Golden Gate Bridge", "Golden Gate Bridge, San Francisco, CA", "Bridge", 4.8},
	{"Times Square", "Manhattan, NY 10036", "Landmark", 4.7},
	{"Central Park", "New York, NY", "Park", 4.8},
	{"Santa Monica Pier", "200 Santa Monica Pier, Santa Monica, CA 90401", "Pier", 4.6},
	{"Stanford University", "450 Jane Stanford Way, Stanford, CA 94305", "University", 4.8},
}

// findPlace is what a search for q finds: the known place that matches
// best, else a place named as typed.
func findPlace(q string) Place {
	q = strings.TrimSpace(strings.Trim(strings.TrimSpace(q), `"'`))
	words := searchWords(q)
	if best := rank(knownPlaces, max(1, len(words)), func(pl Place) int { return score(words, pl.Name) }); len(best) > 0 {
		return best[0]
	}
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(q)))
	n := h.Sum32()
	return Place{Name: q, Address: fmt.Sprintf("%d Main St, Springfield", 100+n%900), Category: "Point of interest", Rating: 3.5 + float64(n%15)/10}
}

// driveMinutes is the made-up driving time to a place.
func driveMinutes(place string) int {
	h := fnv.New32a()
	h.Write([]byte(place))
	return 8 + int(h.Sum32()%110)
}

// mapSurface draws a map: blocks, roads and a pin, in pixels only.
func mapSurface(t Theme, r Rect, pin bool) *Node {
	m := &Node{Class: "android.view.View", ResourceID: mapsPkg + ":id/map_frame", ContentDesc: "Map", Bounds: r, Style: Style{Bg: rgb(0xe8, 0xea, 0xed)}}
	step := t.Dp(72)
	for y := r.Min.Y + step/2; y < r.Max.Y; y += step {
		m.Add(&Node{PixelsOnly: true, Bounds: image.Rect(r.Min.X, y, r.Max.X, y+t.Dp(8)), Style: Style{Bg: rgb(0xff, 0xff, 0xff)}})
	}
	for x := r.Min.X + step/3; x < r.Max.X; x += step {
		m.Add(&Node{PixelsOnly: true, Bounds: image.Rect(x, r.Min.Y, x+t.Dp(8), r.Max.Y), Style: Style{Bg: rgb(0xff, 0xff, 0xff)}})
	}
	m.Add(&Node{PixelsOnly: true, Bounds: image.Rect(r.Min.X, r.Min.Y+r.Dy()/3, r.Max.X, r.Min.Y+r.Dy()/3+t.Dp(14)), Style: Style{Bg: rgb(0xfd, 0xd6, 0x63)}})
	m.Add(&Node{PixelsOnly: true, Bounds: image.Rect(r.Min.X+r.Dx()*2/3, r.Min.Y+r.Dy()/2, r.Max.X, r.Max.Y), Style: Style{Bg: rgb(0xc8, 0xe6, 0xc9)}})
	if pin {
		cx, cy := r.Min.X+r.Dx()/2, r.Min.Y+r.Dy()/2
		m.Add(&Node{PixelsOnly: true, Bounds: image.Rect(cx-t.Dp(14), cy-t.Dp(36), cx+t.Dp(14), cy-t.Dp(8)),
			Style: Style{Widget: WidgetIcon, Bg: rgb(0xea, 0x43, 0x35), Fg: rgb(255, 255, 255), Glyph: "•"}})
	}
	return m
}

func mapsHome(p *Phone) *Activity {
	a := &Activity{App: lookupApp(mapsPkg), Name: "com.google.android.maps.MapsActivity", Title: "Maps"}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		root.Add(mapSurface(t, r, false))
		sb := image.Rect(r.Min.X+t.Dp(16), r.Min.Y+t.Dp(12), r.Max.X-t.Dp(16), r.Min.Y+t.Dp(64))
		root.Add(&Node{Class: "android.widget.TextView", ResourceID: mapsPkg + ":id/search_omnibox_text_box", Text: "Search here", ContentDesc: "Search here",
			Bounds: sb, Clickable: true, OnClick: func(p *Phone) { p.Push(mapsSearch("")) },
			Style: Style{Bg: t.Surface, Radius: sb.Dy() / 2, PadX: t.Dp(24), Fg: t.OnSurfaceMuted}})
		cy := sb.Max.Y + t.Dp(12)
		for i, chip := range []string{"Restaurants", "Gas", "Coffee", "Hotels"} {
			chip := chip
			w := (r.Dx() - t.Dp(40)) / 4
			x := r.Min.X + t.Dp(16) + i*(w+t.Dp(3))
			root.Add(&Node{Class: "android.widget.Button", ResourceID: mapsPkg + ":id/chip", Text: chip, Bounds: image.Rect(x, cy, x+w, cy+t.Dp(36)),
				OnClick: func(p *Phone) { mapsShowPlace(p, chip, true) }, Style: Style{Bg: t.Surface, Radius: t.Dp(18), Center: true, TextSize: t.Dp(13)}})
		}
		return root
	}
	return a
}

// mapsSearch is the search screen: the query field and matching places.
func mapsSearch(initial string) *Activity {
	query := initial
	field := mapsPkg + ":id/search_omnibox_edit_text"
	a := &Activity{App: lookupApp(mapsPkg), Name: "com.google.android.maps.MapsActivity", Title: "Search", Focus: field}
	a.Info = func(p *Phone) map[string]any { return map[string]any{"page": "search", "query": query} }
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(64))
		root.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
			OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title}})
		f := editText(t, image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(12), bar.Max.Y-t.Dp(8)), field, "Search here", &query,
			Field{Submit: func(p *Phone) {
				if strings.TrimSpace(query) != "" {
					p.Finish()
					mapsShowPlace(p, query, true)
				}
			}})
		f.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: t.Dp(24), PadX: t.Dp(16)}
		root.Add(f)
		var rows []listRow
		if q := strings.TrimSpace(query); q != "" {
			pl := findPlace(q)
			rows = append(rows, listRow{ID: mapsPkg + ":id/search_suggestion", Title: pl.Name, Summary: pl.Address, Icon: "P",
				OnClick: func(p *Phone) { p.Finish(); mapsShowPlace(p, q, true) }})
		}
		root.Add(rowsList(t, a, mapsPkg+":id/suggestions", col.rest(), rows))
		return root
	}
	return a
}

// mapsShowPlace opens the page of what q finds, recording the search.
// Callers hold p.mu.
func mapsShowPlace(p *Phone, q string, record bool) {
	pl := findPlace(q)
	if record {
		d := mapsOf(p)
		d.Searches = append(d.Searches, PlaceSearch{Query: strings.TrimSpace(q), Place: pl.Name, Time: p.now().Format(time.RFC3339)})
	}
	p.Push(mapsPlace(pl))
	p.keyboard = false
}

// mapsPlace is a place's page: the map with a pin and the place's card.
func mapsPlace(pl Place) *Activity {
	a := &Activity{App: lookupApp(mapsPkg), Name: "com.google.android.maps.MapsActivity", Title: pl.Name}
	a.Info = func(p *Phone) map[string]any { return map[string]any{"page": "place", "place": pl.Name} }
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		cardH := t.Dp(220)
		root.Add(mapSurface(t, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Max.Y-cardH), true))
		sb := image.Rect(r.Min.X+t.Dp(16), r.Min.Y+t.Dp(12), r.Max.X-t.Dp(16), r.Min.Y+t.Dp(64))
		root.Add(&Node{Class: "android.widget.TextView", ResourceID: mapsPkg + ":id/search_omnibox_text_box", Text: pl.Name, Bounds: sb, Clickable: true,
			OnClick: func(p *Phone) { p.Replace(mapsSearch(pl.Name)) }, Style: Style{Bg: t.Surface, Radius: sb.Dy() / 2, PadX: t.Dp(24)}})
		cr := image.Rect(r.Min.X, r.Max.Y-cardH, r.Max.X, r.Max.Y)
		card := &Node{Class: "android.widget.LinearLayout", ResourceID: mapsPkg + ":id/place_card", Bounds: cr, Style: Style{Bg: t.Surface, Radius: t.Dp(16)}}
		col := newColumn(cr)
		col.next(t.Dp(12))
		card.Add(textView(col.next(t.Dp(36)), mapsPkg+":id/title", pl.Name, Style{Bold: true, TextSize: t.Dp(20), PadX: t.Dp(16)}))
		card.Add(textView(col.next(t.Dp(26)), mapsPkg+":id/subtitle", fmt.Sprintf("%.1f ★ · %s", pl.Rating, pl.Category), Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(16)}))
		card.Add(textView(col.next(t.Dp(26)), mapsPkg+":id/address", pl.Address, Style{TextSize: t.Small, PadX: t.Dp(16)}))
		col.next(t.Dp(12))
		br := col.next(t.Dp(48))
		w := (br.Dx() - t.Dp(48)) / 3
		for i, b := range []struct {
			label, desc string
			filled      bool
			fn          func(p *Phone)
		}{
			{"Directions", "Directions to " + pl.Name, true, func(p *Phone) { p.Push(mapsDirections(p, pl)) }},
			{"Save", "Save " + pl.Name, false, func(p *Phone) { p.Toast("Saved to Favorites") }},
			{"Share", "Share " + pl.Name, false, func(p *Phone) { p.Toast("Link copied") }},
		} {
			x := br.Min.X + t.Dp(16) + i*(w+t.Dp(8))
			n := button(t, image.Rect(x, br.Min.Y, x+w, br.Max.Y), mapsPkg+":id/action_button", b.label, b.filled, b.fn)
			n.ContentDesc = b.desc
			card.Add(n)
		}
		root.Add(card)
		return root
	}
	return a
}

// mapsDirections is the route page to pl, driving by default. Opening it
// records the route.
func mapsDirections(p *Phone, pl Place) *Activity {
	mode := "driving"
	d := mapsOf(p)
	d.Routes = append(d.Routes, Route{From: "Your location", To: pl.Name, Mode: mode, Time: p.now().Format(time.RFC3339)})
	idx := len(d.Routes) - 1
	a := &Activity{App: lookupApp(mapsPkg), Name: "com.google.android.maps.MapsActivity", Title: "Directions"}
	a.Info = func(p *Phone) map[string]any {
		return map[string]any{"page": "directions", "destination": pl.Name, "mode": mode}
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		head := col.next(t.Dp(176))
		hn := &Node{Class: "android.widget.LinearLayout", ResourceID: mapsPkg + ":id/directions_header", Bounds: head, Style: Style{Bg: t.Surface}}
		hn.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(head.Min.X, head.Min.Y, head.Min.X+t.Dp(56), head.Min.Y+t.Dp(56)),
			OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title}})
		fx := head.Min.X + t.Dp(56)
		from := &Node{Class: "android.widget.TextView", ResourceID: mapsPkg + ":id/directions_startpoint_textbox", Text: "Your location",
			ContentDesc: "Start location, Your location", Bounds: image.Rect(fx, head.Min.Y+t.Dp(8), head.Max.X-t.Dp(16), head.Min.Y+t.Dp(52)),
			Style: Style{Bg: t.SurfaceVariant, Radius: t.Dp(8), PadX: t.Dp(12), TextSize: t.Small}}
		to := &Node{Class: "android.widget.TextView", ResourceID: mapsPkg + ":id/directions_endpoint_textbox", Text: pl.Name,
			ContentDesc: "Destination, " + pl.Name, Bounds: image.Rect(fx, head.Min.Y+t.Dp(60), head.Max.X-t.Dp(16), head.Min.Y+t.Dp(104)),
			Style: Style{Bg: t.SurfaceVariant, Radius: t.Dp(8), PadX: t.Dp(12), TextSize: t.Small}}
		hn.Add(from, to)
		mins := driveMinutes(pl.Name)
		modes := []struct {
			name, label string
			minutes     int
		}{{"driving", "Driving", mins}, {"transit", "Transit", mins*2 + 5}, {"walking", "Walking", mins * 9}}
		mw := (head.Dx() - t.Dp(32)) / len(modes)
		for i, m := range modes {
			m := m
			x := head.Min.X + t.Dp(16) + i*mw
			n := &Node{Class: "android.widget.LinearLayout", ResourceID: mapsPkg + ":id/travel_mode", Text: fmt.Sprintf("%s %d min", m.label, m.minutes),
				ContentDesc: fmt.Sprintf("%s mode: %d min", m.label, m.minutes), Selected: mode == m.name, Bounds: image.Rect(x, head.Min.Y+t.Dp(116), x+mw-t.Dp(6), head.Min.Y+t.Dp(160)),
				OnClick: func(p *Phone) { mode = m.name; mapsOf(p).Routes[idx].Mode = m.name },
				Style:   Style{Center: true, TextSize: t.Dp(13), Radius: t.Dp(20), Bold: mode == m.name}}
			if mode == m.name {
				n.Style.Bg, n.Style.Fg = rgb(0xd2, 0xe3, 0xfc), rgb(0x04, 0x1e, 0x49)
			}
			hn.Add(n)
		}
		root.Add(hn)
		body := col.rest()
		root.Add(mapSurface(t, image.Rect(body.Min.X, body.Min.Y, body.Max.X, body.Max.Y-t.Dp(120)), true))
		fr := image.Rect(body.Min.X, body.Max.Y-t.Dp(120), body.Max.X, body.Max.Y)
		foot := &Node{Class: "android.widget.LinearLayout", ResourceID: mapsPkg + ":id/directions_footer", Bounds: fr, Style: Style{Bg: t.Surface}}
		cur := modes[0]
		for _, m := range modes {
			if m.name == mode {
				cur = m
			}
		}
		foot.Add(textView(image.Rect(fr.Min.X, fr.Min.Y+t.Dp(12), fr.Max.X-t.Dp(140), fr.Min.Y+t.Dp(48)), mapsPkg+":id/duration",
			fmt.Sprintf("%d min (%s)", cur.minutes, cur.label), Style{Bold: true, TextSize: t.Dp(20), PadX: t.Dp(16)}))
		foot.Add(textView(image.Rect(fr.Min.X, fr.Min.Y+t.Dp(48), fr.Max.X-t.Dp(140), fr.Min.Y+t.Dp(80)), mapsPkg+":id/route_summary",
			"Fastest route now · to "+pl.Name, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(16)}))
		start := button(t, image.Rect(fr.Max.X-t.Dp(132), fr.Min.Y+t.Dp(16), fr.Max.X-t.Dp(16), fr.Min.Y+t.Dp(64)), mapsPkg+":id/start_button", "Start", true,
			func(p *Phone) {
				mapsOf(p).Routes[idx].Started = true
				p.Toast("Starting navigation to " + pl.Name)
			})
		start.ContentDesc = "Start " + cur.name + " navigation"
		foot.Add(start)
		root.Add(foot)
		return root
	}
	return a
}
