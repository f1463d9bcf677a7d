package sim

import (
	"fmt"
	"hash/fnv"
	"image"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// YouTube: a home feed, a search screen with suggestions, results for any
// query (the query stays in the toolbar, as
// com.google.android.youtube:id/search_query), and a video's page. Results
// are made from the query and a small catalogue, so every search finds
// something, as on the real service.

const youtubePkg = "com.google.android.youtube"

func init() {
	RegisterApp(&App{Package: youtubePkg, Label: "YouTube", MainActivity: ".HomeActivity",
		IconBg: rgb(0xff, 0x00, 0x00), IconGlyph: ">", Launch: youtubeHome, NewData: func(p *Phone) any {
			return &youtubeData{Searches: []VideoSearch{}, Watched: []Video{}}
		}})
}

// Video is a video on the service.
type Video struct {
	Title   string `json:"title"`
	Channel string `json:"channel"`
	Views   string `json:"views,omitempty"`
	Length  string `json:"length,omitempty"`
	Time    string `json:"time,omitempty"`
}

// VideoSearch is a search run in the app.
type VideoSearch struct {
	Query string `json:"query"`
	Time  string `json:"time"`
}

type youtubeData struct {
	// Searches lists the queries submitted, in order; Watched the videos
	// opened.
	Searches []VideoSearch `json:"searches"`
	Watched  []Video       `json:"watched"`
}

func youtubeOf(p *Phone) *youtubeData { return p.appState[youtubePkg].(*youtubeData) }

var youtubeCatalogue = []Video{
	{"Lofi hip hop radio - beats to relax/study to", "Lofi Girl", "1.2M watching", "LIVE", ""},
	{"I Tried Every Fast Food Burger in America", "Food Review Club", "3.4M views", "18:22", ""},
	{"The Riemann Hypothesis, Explained", "Quanta Magazine", "2.1M views", "16:21", ""},
	{"How Large Language Models Work", "3Blue1Brown", "4.8M views", "27:14", ""},
	{"10-Minute Morning Yoga for Beginners", "Yoga With Adriene", "12M views", "10:02", ""},
	{"Build an AI Agent from Scratch in Python", "freeCodeCamp.org", "890K views", "1:42:10", ""},
	{"Why the Moon Is Drifting Away", "Veritasium", "6.3M views", "14:48", ""},
	{"Beginner Sourdough Bread Recipe", "Joshua Weissman", "5.5M views", "12:30", ""},
}

// youtubeResults makes the results for q: the catalogue's videos that share
// words with it, after videos made for the query.
func youtubeResults(q string) []Video {
	q = strings.TrimSpace(q)
	title := q
	if r, size := utf8.DecodeRuneInString(q); size > 0 {
		title = string(unicode.ToUpper(r)) + q[size:]
	}
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(q)))
	n := int(h.Sum32() % 900)
	out := []Video{
		{title, "TechWithTim", fmt.Sprintf("%d.%dK views", 100+n, n%10), "21:37", ""},
		{title + " - Complete Guide", "Simplilearn", fmt.Sprintf("%dK views", 40+n%300), "48:05", ""},
		{title + " (explained in 10 minutes)", "Fireship", fmt.Sprintf("%d.%dM views", 1+n%4, n%10), "10:11", ""},
		{"What nobody tells you about " + strings.ToLower(q), "Vox", fmt.Sprintf("%dK views", 200+n%500), "8:45", ""},
	}
	words := searchWords(q)
	return append(out, rank(youtubeCatalogue, 1, func(v Video) int { return score(words, v.Title) })...)
}

func youtubeHome(p *Phone) *Activity {
	a := &Activity{App: lookupApp(youtubePkg), Name: ".HomeActivity", Title: "YouTube"}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(56))
		tb := &Node{Class: "android.view.ViewGroup", ResourceID: youtubePkg + ":id/toolbar", Bounds: bar}
		tb.Add(textView(image.Rect(bar.Min.X, bar.Min.Y, bar.Max.X-t.Dp(112), bar.Max.Y), youtubePkg+":id/youtube_logo", "YouTube",
			Style{Bold: true, TextSize: t.Title, PadX: t.Dp(16)}))
		tb.Add(iconButton(t, image.Rect(bar.Max.X-t.Dp(56), bar.Min.Y+t.Dp(4), bar.Max.X-t.Dp(8), bar.Max.Y-t.Dp(4)), youtubePkg+":id/menu_item_1", "Search", "Q",
			func(p *Phone) { p.Push(youtubeSearch("")) }))
		root.Add(tb)
		rows, hs := videoRows(p, t, r, youtubeCatalogue)
		root.Add(scrollList(a, youtubePkg+":id/results", col.rest(), rows, hs))
		return root
	}
	return a
}

// youtubeSearch is the search screen: the query field and suggestions.
func youtubeSearch(initial string) *Activity {
	query := initial
	field := youtubePkg + ":id/search_query"
	a := &Activity{App: lookupApp(youtubePkg), Name: ".SearchActivity", Title: "Search YouTube", Focus: field}
	submit := func(p *Phone) {
		q := strings.TrimSpace(query)
		if q == "" {
			return
		}
		d := youtubeOf(p)
		d.Searches = append(d.Searches, VideoSearch{Query: q, Time: p.now().Format(time.RFC3339)})
		p.Replace(youtubeResultsPage(q))
		p.keyboard = false
	}
	a.Info = func(p *Phone) map[string]any { return map[string]any{"search_query": query, "page": "search"} }
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(56))
		root.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
			OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title}})
		f := editText(t, image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y+t.Dp(6), bar.Max.X-t.Dp(12), bar.Max.Y-t.Dp(6)), field, "Search YouTube", &query, Field{Submit: submit})
		f.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: t.Dp(22), PadX: t.Dp(16)}
		root.Add(f)
		var rows []listRow
		if q := strings.TrimSpace(query); q != "" {
			for _, s := range []string{q, q + " tutorial", q + " explained", q + " for beginners"} {
				s := s
				rows = append(rows, listRow{ID: youtubePkg + ":id/search_suggestion", Title: s, Icon: "Q", OnClick: func(p *Phone) { query = s; submit(p) }})
			}
		}
		root.Add(rowsList(t, a, youtubePkg+":id/suggestions", col.rest(), rows))
		return root
	}
	return a
}

// youtubeResultsPage lists the results of q under a toolbar holding q.
func youtubeResultsPage(q string) *Activity {
	a := &Activity{App: lookupApp(youtubePkg), Name: ".ResultsActivity", Title: q}
	a.Info = func(p *Phone) map[string]any { return map[string]any{"search_query": q, "page": "results"} }
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		bar := col.next(t.Dp(56))
		root.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<", Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y),
			OnClick: func(p *Phone) { p.Finish() }, Style: Style{Center: true, TextSize: t.Title}})
		qr := image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y+t.Dp(6), bar.Max.X-t.Dp(12), bar.Max.Y-t.Dp(6))
		root.Add(&Node{Class: "android.widget.TextView", ResourceID: youtubePkg + ":id/search_query", Text: q, Bounds: qr, Clickable: true,
			OnClick: func(p *Phone) { p.Replace(youtubeSearch(q)) }, Style: Style{Bg: t.SurfaceVariant, Radius: t.Dp(22), PadX: t.Dp(16)}})
		rows, hs := videoRows(p, t, r, youtubeResults(q))
		root.Add(scrollList(a, youtubePkg+":id/results", col.rest(), rows, hs))
		return root
	}
	return a
}

// videoRows lays out video cards: thumbnail, title, channel and views.
func videoRows(p *Phone, t Theme, r Rect, videos []Video) ([]*Node, []int) {
	var rows []*Node
	var hs []int
	thumbH := r.Dx() * 9 / 16
	for _, v := range videos {
		v := v
		h := thumbH + t.Dp(84)
		card := &Node{Class: "android.view.ViewGroup", ResourceID: youtubePkg + ":id/video_card", ContentDesc: v.Title + " - " + v.Channel + " - " + v.Views,
			Bounds: image.Rect(r.Min.X, 0, r.Max.X, h), OnClick: func(p *Phone) {
				d := youtubeOf(p)
				w := v
				w.Time = p.now().Format(time.RFC3339)
				d.Watched = append(d.Watched, w)
				p.Push(youtubeWatch(v))
			}}
		card.Add(picture(image.Rect(r.Min.X, 0, r.Max.X, thumbH), youtubePkg+":id/thumbnail", v.Title))
		card.Add(textView(image.Rect(r.Min.X+t.Dp(56), thumbH+t.Dp(8), r.Max.X-t.Dp(8), thumbH+t.Dp(52)), youtubePkg+":id/title", v.Title,
			Style{Bold: true, TextSize: t.Small, Wrap: true, PadX: t.Dp(8)}))
		card.Add(avatar(image.Rect(r.Min.X+t.Dp(12), thumbH+t.Dp(12), r.Min.X+t.Dp(48), thumbH+t.Dp(48)), "", v.Channel))
		card.Add(textView(image.Rect(r.Min.X+t.Dp(56), thumbH+t.Dp(52), r.Max.X-t.Dp(8), thumbH+t.Dp(76)), youtubePkg+":id/details",
			v.Channel+" · "+v.Views, Style{TextSize: t.Dp(12), Fg: t.OnSurfaceMuted, PadX: t.Dp(8)}))
		rows = append(rows, card)
		hs = append(hs, h)
	}
	return rows, hs
}

// youtubeWatch is a video's page.
func youtubeWatch(v Video) *Activity {
	a := &Activity{App: lookupApp(youtubePkg), Name: "com.google.android.apps.youtube.app.watchwhile.WatchWhileActivity", Title: v.Title}
	a.Info = func(p *Phone) map[string]any { return map[string]any{"page": "watch", "title": v.Title} }
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		pr := col.next(r.Dx() * 9 / 16)
		pl := picture(pr, youtubePkg+":id/player_view", v.Title)
		pl.ContentDesc = "Video player"
		root.Add(pl)
		root.Add(textView(col.next(t.Dp(64)), youtubePkg+":id/title", v.Title, Style{Bold: true, Wrap: true, PadX: t.Dp(12)}))
		root.Add(textView(col.next(t.Dp(32)), youtubePkg+":id/details", v.Channel+" · "+v.Views, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(12)}))
		return root
	}
	return a
}
