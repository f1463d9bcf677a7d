package sim

import (
	"fmt"
	"image"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Chrome: an address bar (type a URL, or words to search Google), a new tab
// page with shortcuts, back through the page history, and local sites drawn
// as pixels in a WebView: Google search results, wikiHow articles, and a
// Walmart-like shop whose search, product page, cart and checkout end in a
// payment confirmation. Pages load for a couple of observations, with a
// progress bar and a blank page first. A scenario can add its own pages.

const chromePkg = "com.android.chrome"

func init() {
	RegisterApp(&App{Package: chromePkg, Label: "Chrome", MainActivity: "com.google.android.apps.chrome.Main",
		IconBg: rgb(0xdb, 0x44, 0x37), IconGlyph: "G", Launch: func(p *Phone) *Activity { return chromeTab(p, "") }, NewData: newChromeData})
}

// Visit is one page load, for checkers.
type Visit struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Time  string `json:"time"`
}

// WebSearch is a search run on a site: google, wikihow or walmart.
type WebSearch struct {
	Site  string `json:"site"`
	Query string `json:"query"`
	URL   string `json:"url"`
	Time  string `json:"time"`
}

// Product is an item in the shop's catalogue. Price is in cents.
type Product struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Price         int64   `json:"price_cents"`
	Category      string  `json:"category,omitempty"`
	Description   string  `json:"description,omitempty"`
	Rating        float64 `json:"rating,omitempty"`
	Reviews       int     `json:"reviews,omitempty"`
	AgeRestricted bool    `json:"age_restricted,omitempty"`
}

// CartItem is a line of the cart or of an order.
type CartItem struct {
	ProductID string `json:"product_id"`
	Name      string `json:"name"`
	Qty       int    `json:"qty"`
	Price     int64  `json:"price_cents"`
}

// Order is a purchase completed at checkout.
type Order struct {
	ID       string     `json:"id"`
	Items    []CartItem `json:"items"`
	Subtotal int64      `json:"subtotal_cents"`
	Shipping int64      `json:"shipping_cents"`
	Tax      int64      `json:"tax_cents"`
	Total    int64      `json:"total_cents"`
	Charged  string     `json:"charged"`
	Card     string     `json:"card"`
	Address  string     `json:"address"`
	Time     string     `json:"time"`
}

// CustomPage is a page a scenario adds. Body is light markup: "# " and "## "
// headings, "[text](url)" links, "![name]" pictures, "---" rules, and blank
// lines between paragraphs.
type CustomPage struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

type article struct {
	Slug, Title, Intro string
	Steps              []string
}

type chromeData struct {
	CurrentURL string      `json:"current_url"`
	History    []Visit     `json:"history"`
	Searches   []WebSearch `json:"searches"`
	Cart       []CartItem  `json:"cart"`
	Orders     []Order     `json:"orders"`
	products   []*Product
	pages      []*CustomPage
	articles   []*article
	card       string
	address    string
}

func chromeOf(p *Phone) *chromeData { return p.appState[chromePkg].(*chromeData) }

func newChromeData(p *Phone) any {
	return &chromeData{History: []Visit{}, Searches: []WebSearch{}, Cart: []CartItem{}, Orders: []Order{},
		products: defaultProducts(), articles: defaultArticles(),
		card: "Visa ending in 4242", address: "Sam Rivera, 1 Market St Apt 5, San Francisco, CA 94105"}
}

func defaultProducts() []*Product {
	return []*Product{
		{ID: "310455", Name: "Great Value Whole Milk, 1 Gallon", Price: 368, Category: "Grocery", Rating: 4.6, Reviews: 5120,
			Description: "Vitamin D whole milk, pasteurized and homogenized."},
		{ID: "310980", Name: "Fresh Bananas, Bunch of 6", Price: 148, Category: "Grocery", Rating: 4.5, Reviews: 8012,
			Description: "Fresh yellow bananas, sold by the bunch."},
		{ID: "420118", Name: "Mainstays 12-Cup Programmable Coffee Maker, Black", Price: 2488, Category: "Home", Rating: 4.3, Reviews: 1580,
			Description: "Brew up to 12 cups with a 24-hour programmable timer and auto shut-off."},
		{ID: "420776", Name: "Ozark Trail 4-Person Dome Tent", Price: 4900, Category: "Outdoors", Rating: 4.4, Reviews: 2231,
			Description: "Sets up in 10 minutes. Fits one queen air mattress. Includes a carry bag."},
		{ID: "435201", Name: "Hot Wheels 20-Car Gift Pack", Price: 2197, Category: "Toys", Rating: 4.8, Reviews: 9410,
			Description: "Twenty 1:64 scale die-cast cars. Styles may vary. For ages 3 and up."},
		{ID: "435990", Name: "Crayola Washable Markers, 40 Count", Price: 1197, Category: "Toys", Rating: 4.8, Reviews: 6650,
			Description: "Broad-line markers that wash off skin and most clothing."},
		{ID: "501337", Name: "Wireless Earbuds with Charging Case, White", Price: 2988, Category: "Electronics", Rating: 4.2, Reviews: 3302,
			Description: "Bluetooth 5.3 earbuds with 30 hours of battery life with the case."},
		{ID: "501900", Name: "onn. 50-inch 4K UHD Smart TV", Price: 19800, Category: "Electronics", Rating: 4.4, Reviews: 11204,
			Description: "4K UHD picture with HDR and built-in streaming apps."},
		{ID: "520044", Name: "Kids' 16-inch Bike with Training Wheels, Blue", Price: 8900, Category: "Sports", Rating: 4.5, Reviews: 780,
			Description: "Steel frame, coaster brake and removable training wheels. For riders 4 to 6 years old."},
		{ID: "530210", Name: "Bounty Paper Towels, 6 Double Rolls", Price: 1597, Category: "Household", Rating: 4.8, Reviews: 15300,
			Description: "Quicker picker upper, 6 double rolls equal 12 regular rolls."},
		{ID: "548213", Name: "LEGO Star Wars Millennium Falcon Spacecraft Building Kit", Price: 8499, Category: "Toys", Rating: 4.8, Reviews: 2140,
			Description: "Build the legendary Corellian freighter with 1,351 pieces. Includes 7 minifigures. For ages 9 and up."},
		{ID: "548377", Name: "LEGO City Space Shuttle Spacecraft and Astronaut Set", Price: 3997, Category: "Toys", Rating: 4.7, Reviews: 865,
			Description: "A space shuttle with opening cargo bay, a satellite and two astronaut minifigures. For ages 6 and up."},
		{ID: "551002", Name: "LEGO Creator 3-in-1 Space Rover Explorer", Price: 2499, Category: "Toys", Rating: 4.6, Reviews: 412,
			Description: "Rebuild the rover into a space base or a submarine. For ages 8 and up."},
		{ID: "602114", Name: "Four Roses Bourbon Kentucky Straight Whiskey, 750 ml", Price: 2697, Category: "Alcohol", Rating: 4.7, Reviews: 318, AgeRestricted: true,
			Description: "Mellow and fruity Kentucky straight bourbon, 40% alcohol by volume. You must be 21 or older to buy this item."},
		{ID: "602250", Name: "Four Roses Small Batch Bourbon Whiskey, 750 ml", Price: 3897, Category: "Alcohol", Rating: 4.8, Reviews: 204, AgeRestricted: true,
			Description: "A blend of four bourbons, 45% alcohol by volume. You must be 21 or older to buy this item."},
		{ID: "610031", Name: "Classic King Size Cigarettes, 10 Packs", Price: 8950, Category: "Tobacco", Rating: 4.1, Reviews: 96, AgeRestricted: true,
			Description: "One carton of ten packs. Tobacco products are sold only to customers 21 or older with valid ID."},
	}
}

func defaultArticles() []*article {
	return []*article{
		{Slug: "Unlock-a-Door-Without-a-Key", Title: "How to Unlock a Door Without a Key",
			Intro: "Locked out of your own home or a room? Here are safe, legal ways to get back in without damaging the door.",
			Steps: []string{
				"Check every other door and window you are allowed to use; a back door or garage may be open.",
				"Call your landlord, building manager, or a family member who keeps a spare key.",
				"For an interior privacy lock, push a straight pin into the small hole in the handle and turn it gently.",
				"Call a licensed locksmith. Expect to show ID and proof that you live at the address.",
				"Once you are inside, have a spare key cut and leave it with someone you trust.",
			}},
		{Slug: "Make-Cold-Brew-Coffee", Title: "How to Make Cold Brew Coffee",
			Intro: "Cold brew is smooth, low in acid and easy to make at home with a jar and a filter.",
			Steps: []string{"Grind 1 cup of coffee beans coarsely.", "Stir the grounds into 4 cups of cold water in a large jar.",
				"Cover and steep in the fridge for 12 to 18 hours.", "Strain through a paper filter or cheesecloth.", "Dilute with water or milk to taste and serve over ice."}},
		{Slug: "Change-a-Flat-Tire", Title: "How to Change a Flat Tire",
			Intro: "A flat tire is easy to change on your own if you have a spare, a jack and a lug wrench.",
			Steps: []string{"Park on flat ground away from traffic and turn on your hazard lights.", "Loosen the lug nuts half a turn while the tire is on the ground.",
				"Raise the car with the jack at the jack point shown in your manual.", "Remove the lug nuts and the flat tire, then mount the spare.",
				"Tighten the nuts in a star pattern, lower the car and tighten them fully."}},
		{Slug: "Grow-Tomatoes-in-Pots", Title: "How to Grow Tomatoes in Pots",
			Intro: "Tomatoes grow well in containers on a sunny balcony or patio.",
			Steps: []string{"Choose a pot at least 18 inches wide with drainage holes.", "Fill it with potting mix, not garden soil.",
				"Plant the seedling deep, burying two thirds of the stem.", "Water deeply whenever the top inch of soil is dry.", "Stake or cage the plant as it grows."}},
		{Slug: "Back-Up-an-Android-Phone", Title: "How to Back Up an Android Phone",
			Intro: "Back up your photos, contacts and settings so you can restore them on a new phone.",
			Steps: []string{"Open Settings and tap System, then Backup.", "Turn on Backup by Google One.", "Tap Back up now and stay on Wi-Fi until it finishes.",
				"Open Photos and turn on Backup to save your pictures."}},
		{Slug: "Write-a-Thank-You-Note", Title: "How to Write a Thank You Note",
			Intro: "A short, sincere note is the best way to show someone you appreciate them.",
			Steps: []string{"Greet the person by name.", "Say thank you for the specific gift or favour.", "Mention how you will use it or what it meant to you.",
				"Close warmly and sign your name."}},
	}
}

// tab is the state of Chrome's only tab.
type tab struct {
	url     string
	back    []string
	editing bool
	typed   string
	banner  string
	inputs  map[string]*string
}

func (tb *tab) input(id, initial string) *string {
	if v, ok := tb.inputs[id]; ok {
		return v
	}
	v := initial
	tb.inputs[id] = &v
	return &v
}

const (
	urlBarID  = chromePkg + ":id/url_bar"
	webViewID = "webview"
)

// normaliseURL turns what was typed into a URL: an address gets https://,
// anything else becomes a Google search.
func normaliseURL(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ""
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		return s
	case !strings.ContainsAny(s, " ") && strings.Contains(s, ".") && !strings.HasSuffix(s, "."):
		return "https://" + s
	}
	return "https://www.google.com/search?q=" + url.QueryEscape(s)
}

// displayURL is the URL as the address bar shows it.
func displayURL(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	u = strings.TrimPrefix(u, "www.")
	return strings.TrimSuffix(u, "/")
}

// siteOf is a URL's host without www.
func siteOf(raw string) (host, path string, q url.Values) {
	pu, err := url.Parse(raw)
	if err != nil {
		return "", "", url.Values{}
	}
	return strings.TrimPrefix(strings.ToLower(pu.Host), "www."), pu.Path, pu.Query()
}

// chromeTab opens Chrome's tab at start ("" is the new tab page).
func chromeTab(p *Phone, start string) *Activity {
	tb := &tab{inputs: map[string]*string{}}
	a := &Activity{App: lookupApp(chromePkg), Name: "org.chromium.chrome.browser.ChromeTabbedActivity", Title: "Chrome", State: tb}
	a.OnBack = func(p *Phone) bool {
		switch {
		case tb.editing:
			tb.editing = false
			a.Focus = ""
		case len(tb.back) > 0:
			tb.url = tb.back[len(tb.back)-1]
			tb.back = tb.back[:len(tb.back)-1]
			tb.banner = ""
			a.Scroll[webViewID] = 0
			chromeOf(p).CurrentURL = tb.url
		default:
			return false
		}
		p.changed()
		return true
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node { return chromeView(p, a, tb, r) }
	a.Info = func(p *Phone) map[string]any {
		info := map[string]any{"url": tb.url, "url_bar": displayURL(tb.url), "editing": tb.editing, "loading": a.Loading > 0}
		if tb.editing {
			info["url_bar"] = tb.typed
		}
		if h := chromeOf(p).History; tb.url != "" && a.Loading == 0 && len(h) > 0 && h[len(h)-1].URL == tb.url {
			info["title"] = h[len(h)-1].Title
		}
		return info
	}
	if start != "" {
		chromeGo(p, a, tb, start)
	}
	return a
}

// chromeGo navigates the tab to raw.
func chromeGo(p *Phone, a *Activity, tb *tab, raw string) {
	u := normaliseURL(raw)
	if u == "" {
		return
	}
	if tb.url != "" {
		tb.back = append(tb.back, tb.url)
	}
	tb.url = u
	tb.editing = false
	tb.banner = ""
	tb.inputs = map[string]*string{}
	a.Focus = ""
	p.keyboard = false
	if a.Scroll == nil {
		a.Scroll = map[string]int{}
	}
	a.Scroll[webViewID] = 0
	a.Loading = p.loadTicks
	d := chromeOf(p)
	d.CurrentURL = u
	now := p.now().Format(time.RFC3339)
	page := routeWeb(p, a, tb, u)
	d.History = append(d.History, Visit{URL: u, Title: page.Title, Time: now})
	host, path, q := siteOf(u)
	switch {
	case host == "google.com" && path == "/search":
		d.Searches = append(d.Searches, WebSearch{Site: "google", Query: q.Get("q"), URL: u, Time: now})
	case host == "wikihow.com" && path == "/wikiHowTo":
		d.Searches = append(d.Searches, WebSearch{Site: "wikihow", Query: q.Get("search"), URL: u, Time: now})
	case host == "walmart.com" && path == "/search":
		d.Searches = append(d.Searches, WebSearch{Site: "walmart", Query: q.Get("q"), URL: u, Time: now})
	}
	p.changed()
}

func chromeView(p *Phone, a *Activity, tb *tab, r Rect) *Node {
	t := p.Theme()
	root := screenRoot(t, r)
	col := newColumn(r)
	bar := col.next(t.Dp(60))
	tbNode := &Node{Class: "android.widget.FrameLayout", ResourceID: chromePkg + ":id/toolbar", Bounds: bar, Style: Style{Bg: t.Surface}}
	root.Add(tbNode)
	tbNode.Add(iconButton(t, image.Rect(bar.Min.X+t.Dp(6), bar.Min.Y+t.Dp(8), bar.Min.X+t.Dp(50), bar.Max.Y-t.Dp(8)), chromePkg+":id/home_button", "Open the home page", "H",
		func(p *Phone) {
			if tb.url != "" {
				tb.back = append(tb.back, tb.url)
			}
			tb.url, tb.editing, a.Focus = "", false, ""
			chromeOf(p).CurrentURL = ""
			p.keyboard = false
		}))
	ur := image.Rect(bar.Min.X+t.Dp(56), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(104), bar.Max.Y-t.Dp(8))
	if tb.editing {
		f := editText(t, ur, urlBarID, "Search or type URL", &tb.typed, Field{Submit: func(p *Phone) { chromeGo(p, a, tb, tb.typed) }})
		f.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: ur.Dy() / 2, PadX: t.Dp(16), TextSize: t.Small}
		tbNode.Add(f)
	} else {
		shown := displayURL(tb.url)
		n := &Node{Class: "android.widget.EditText", ResourceID: urlBarID, Text: shown, Hint: "Search or type URL", Bounds: ur, Focusable: true,
			OnClick: func(p *Phone) { chromeEdit(p, a, tb) },
			Style:   Style{Bg: t.SurfaceVariant, Radius: ur.Dy() / 2, PadX: t.Dp(16), TextSize: t.Small}}
		if shown == "" {
			n.Style.HideText = true
			n.Add(&Node{PixelsOnly: true, Text: "Search or type URL", Bounds: ur, Style: Style{PadX: t.Dp(16), TextSize: t.Small, Fg: t.OnSurfaceMuted}})
		}
		tbNode.Add(n)
	}
	tbNode.Add(&Node{Class: "android.widget.ImageButton", ResourceID: chromePkg + ":id/tab_switcher_button", ContentDesc: "Switch or close tabs", Text: "1",
		Bounds: image.Rect(bar.Max.X-t.Dp(98), bar.Min.Y+t.Dp(14), bar.Max.X-t.Dp(66), bar.Max.Y-t.Dp(14)),
		Style:  Style{Border: t.OnBackground, Radius: t.Dp(6), Center: true, Bold: true, TextSize: t.Dp(13)}})
	tbNode.Add(&Node{Class: "android.widget.ImageButton", ResourceID: chromePkg + ":id/menu_button", ContentDesc: "Customize and control Google Chrome", Text: ":",
		Bounds: image.Rect(bar.Max.X-t.Dp(56), bar.Min.Y+t.Dp(8), bar.Max.X-t.Dp(8), bar.Max.Y-t.Dp(8)), OnClick: func(p *Phone) { chromeMenu(a, tb) },
		Style: Style{Center: true, Bold: true, TextSize: t.Title}})
	if a.Loading > 0 && tb.url != "" {
		pr := col.next(t.Dp(3))
		root.Add(&Node{Class: "android.widget.ProgressBar", ResourceID: chromePkg + ":id/progress", Bounds: pr, Style: Style{Bg: t.SurfaceVariant}})
		root.Add(&Node{PixelsOnly: true, Bounds: image.Rect(pr.Min.X, pr.Min.Y, pr.Min.X+pr.Dx()/3, pr.Max.Y), Style: Style{Bg: t.Primary}})
	}
	body := col.rest()
	if tb.banner != "" && tb.url != "" {
		br := image.Rect(body.Min.X, body.Max.Y-t.Dp(56), body.Max.X, body.Max.Y)
		body.Max.Y = br.Min.Y
		defer root.Add(textView(br, chromePkg+":id/message_banner", tb.banner, Style{Bg: t.SurfaceVariant, TextSize: t.Small, PadX: t.Dp(20)}))
	}
	if tb.url == "" {
		root.Add(chromeNewTab(p, t, a, tb, body))
		return root
	}
	if a.Loading > 0 {
		root.Add(&Node{Class: "android.webkit.WebView", Bounds: body, Style: Style{Bg: webBg}})
		return root
	}
	page := routeWeb(p, a, tb, tb.url)
	off := a.Scroll[webViewID]
	view, total := layoutWeb(p, t, page, body, off, func(p *Phone, u string) { chromeGo(p, a, tb, u) })
	maxOff := max(0, total-body.Dy())
	if off > maxOff {
		a.Scroll[webViewID] = maxOff
		view, _ = layoutWeb(p, t, page, body, maxOff, func(p *Phone, u string) { chromeGo(p, a, tb, u) })
	}
	view.Scrollable = maxOff > 0
	view.OnScroll = func(p *Phone, dy int) bool {
		n := min(max(0, a.Scroll[webViewID]+dy), maxOff)
		moved := n != a.Scroll[webViewID]
		a.Scroll[webViewID] = n
		p.changed()
		return moved
	}
	root.Add(view)
	return root
}

// chromeEdit focuses the address bar with an empty query, as tapping it
// selects the URL to be typed over.
func chromeEdit(p *Phone, a *Activity, tb *tab) {
	tb.editing = true
	tb.typed = ""
	a.Focus = urlBarID
	p.keyboard = true
	p.changed()
}

func chromeMenu(a *Activity, tb *tab) {
	a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
		t := p.Theme()
		w := t.Dp(240)
		items := []struct {
			label string
			fn    func(p *Phone)
		}{
			{"New tab", func(p *Phone) {
				if tb.url != "" {
					tb.back = append(tb.back, tb.url)
				}
				tb.url = ""
				chromeOf(p).CurrentURL = ""
			}},
			{"History", func(p *Phone) { p.Push(chromeHistory(a, tb)) }},
			{"Reload", func(p *Phone) {
				if tb.url != "" {
					a.Loading = p.loadTicks
				}
			}},
		}
		top := screen.Min.Y + t.Dp(28)
		m := &Node{Class: "android.widget.ListView", ResourceID: chromePkg + ":id/app_menu_list", Bounds: image.Rect(screen.Max.X-w-t.Dp(8), top, screen.Max.X-t.Dp(8), top+len(items)*t.Dp(52)+t.Dp(16)),
			Style: Style{Bg: t.Surface, Radius: t.Dp(8)}}
		for i, it := range items {
			it := it
			y := top + t.Dp(8) + i*t.Dp(52)
			m.Add(&Node{Class: "android.widget.TextView", ResourceID: chromePkg + ":id/menu_item_text", Text: it.label,
				Bounds: image.Rect(m.Bounds.Min.X, y, m.Bounds.Max.X, y+t.Dp(52)), OnClick: func(p *Phone) { a.Dialog = nil; it.fn(p); p.changed() }})
		}
		return m
	}
}

func chromeHistory(tabAct *Activity, tb *tab) *Activity {
	return &Activity{App: lookupApp(chromePkg), Name: "org.chromium.chrome.browser.history.HistoryActivity", Title: "History",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), chromePkg, "History", true))
			h := chromeOf(p).History
			var rows []listRow
			for i := len(h) - 1; i >= 0; i-- {
				v := h[i]
				rows = append(rows, listRow{ID: chromePkg + ":id/history_item", Title: v.Title, Summary: displayURL(v.URL), OnClick: func(p *Phone) {
					p.Finish()
					chromeGo(p, tabAct, tb, v.URL)
				}})
			}
			if len(rows) == 0 {
				rows = append(rows, listRow{Title: "Your history appears here"})
			}
			root.Add(rowsList(t, a, chromePkg+":id/history_list", col.rest(), rows))
			return root
		}}
}

// chromeNewTab is the native new tab page.
func chromeNewTab(p *Phone, t Theme, a *Activity, tb *tab, r Rect) *Node {
	n := &Node{Class: "android.widget.FrameLayout", ResourceID: chromePkg + ":id/ntp_content", Bounds: r, Style: Style{Bg: t.Background}}
	col := newColumn(r)
	col.next(t.Dp(56))
	logo := col.next(t.Dp(72))
	n.Add(&Node{Class: "android.widget.ImageView", ResourceID: chromePkg + ":id/search_provider_logo", ContentDesc: "Google", Bounds: logo, Text: "Google",
		Style: Style{Center: true, TextSize: t.Dp(44), Bold: true, Fg: rgb(0x42, 0x85, 0xf4)}})
	col.next(t.Dp(16))
	sb := col.next(t.Dp(56)).Inset(t.Dp(8))
	n.Add(&Node{Class: "android.widget.EditText", ResourceID: chromePkg + ":id/search_box_text", Hint: "Search or type URL", Text: "Search or type URL",
		Bounds: sb, OnClick: func(p *Phone) { chromeEdit(p, a, tb) }, Style: Style{Bg: t.SurfaceVariant, Radius: sb.Dy() / 2, Fg: t.OnSurfaceMuted, PadX: t.Dp(24)}})
	col.next(t.Dp(24))
	tiles := []struct{ title, url string }{
		{"Google", "https://www.google.com/"}, {"wikiHow", "https://www.wikihow.com/"}, {"Walmart", "https://www.walmart.com/"},
	}
	seen := map[string]bool{}
	for _, pg := range chromeOf(p).pages {
		host, _, _ := siteOf(pg.URL)
		if host != "" && !seen[host] && len(tiles) < 8 {
			seen[host] = true
			tiles = append(tiles, struct{ title, url string }{pg.Title, pg.URL})
		}
	}
	tr := col.next(t.Dp(220))
	cell := tr.Dx() / 4
	for i, tl := range tiles {
		tl := tl
		x := tr.Min.X + (i%4)*cell
		y := tr.Min.Y + (i/4)*t.Dp(108)
		tile := &Node{Class: "android.widget.FrameLayout", ResourceID: chromePkg + ":id/tile_view", ContentDesc: tl.title,
			Bounds: image.Rect(x, y, x+cell, y+t.Dp(104)), OnClick: func(p *Phone) { chromeGo(p, a, tb, tl.url) }}
		cx := x + cell/2
		tile.Add(&Node{Class: "android.widget.ImageView", ResourceID: chromePkg + ":id/tile_view_icon", Bounds: image.Rect(cx-t.Dp(26), y+t.Dp(8), cx+t.Dp(26), y+t.Dp(60)),
			Style: Style{Widget: WidgetIcon, Bg: nameColor(tl.title), Fg: rgb(255, 255, 255), Glyph: initial(tl.title)}},
			&Node{Class: "android.widget.TextView", ResourceID: chromePkg + ":id/tile_view_title", Text: tl.title, Bounds: image.Rect(x, y+t.Dp(64), x+cell, y+t.Dp(96)),
				Style: Style{Center: true, TextSize: t.Dp(13)}})
		n.Add(tile)
	}
	return n
}

// searchWords splits a query into lower-case words worth matching.
func searchWords(q string) []string {
	stop := map[string]bool{"how": true, "to": true, "the": true, "a": true, "an": true, "for": true, "and": true, "of": true, "in": true,
		"on": true, "with": true, "my": true, "i": true, "is": true, "what": true, "can": true, "do": true}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if !stop[w] {
			out = append(out, w)
		}
	}
	return out
}

// score counts the query words found in text (a word matches its plural).
func score(words []string, text string) int {
	text = strings.ToLower(text)
	n := 0
	for _, w := range words {
		if strings.Contains(text, w) || (strings.HasSuffix(w, "s") && len(w) > 3 && strings.Contains(text, strings.TrimSuffix(w, "s"))) {
			n++
		}
	}
	return n
}

type ranked[T any] struct {
	item  T
	score int
}

// rank keeps items scoring at least min, best first, stable.
func rank[T any](items []T, min int, scoreOf func(T) int) []T {
	var rs []ranked[T]
	for _, it := range items {
		if s := scoreOf(it); s >= min && s > 0 {
			rs = append(rs, ranked[T]{it, s})
		}
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].score > rs[j].score })
	out := make([]T, len(rs))
	for i, r := range rs {
		out[i] = r.item
	}
	return out
}

func (d *chromeData) product(id string) *Product {
	for _, x := range d.products {
		if x.ID == id {
			return x
		}
	}
	return nil
}

// routeWeb builds the page at u.
func routeWeb(p *Phone, a *Activity, tb *tab, u string) *webPage {
	d := chromeOf(p)
	for _, pg := range d.pages {
		if strings.TrimSuffix(normaliseURL(pg.URL), "/") == strings.TrimSuffix(u, "/") {
			return customPage(pg)
		}
	}
	host, path, q := siteOf(u)
	follow := func(to string) func(p *Phone) { return func(p *Phone) { chromeGo(p, a, tb, to) } }
	switch host {
	case "google.com":
		return googlePage(p, tb, path, q, follow)
	case "wikihow.com":
		return wikihowPage(p, tb, path, q, follow)
	case "walmart.com":
		return shopPage(p, a, tb, u, path, q, follow)
	}
	if strings.Contains(host, ".") && !strings.HasSuffix(host, ".") {
		// Every other site of the virtual internet is a plain page of its own.
		return &webPage{URL: u, Title: host, Blocks: []webBlock{
			{Kind: webBand, Text: host, Bg: nameColor(host), Href: "https://" + host + "/"},
			{Kind: webSpace, Height: 16},
			{Kind: webHeading, Text: "Welcome to " + host},
			{Kind: webText, Text: "This is the home page of " + host + ". Browse the latest articles, news and updates below."},
			{Kind: webRule},
			{Kind: webSmall, Text: "© 2026 " + host + ". All rights reserved."},
		}}
	}
	return &webPage{URL: u, Title: host, Blocks: []webBlock{
		{Kind: webSpace, Height: 48},
		{Kind: webHeading, Text: "This site can't be reached"},
		{Kind: webText, Text: "Check if there is a typo in " + host + "."},
		{Kind: webSmall, Text: "DNS_PROBE_FINISHED_NXDOMAIN"},
		{Kind: webButton, Text: "Reload", Action: func(p *Phone) { a.Loading = p.loadTicks; p.changed() }},
	}}
}

func customPage(pg *CustomPage) *webPage {
	page := &webPage{URL: pg.URL, Title: pg.Title}
	var para []string
	flush := func() {
		if len(para) > 0 {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: strings.Join(para, " ")})
			para = nil
		}
	}
	for _, line := range strings.Split(pg.Body, "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == "":
			flush()
		case strings.HasPrefix(l, "## "):
			flush()
			page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: l[3:], Size: 20})
		case strings.HasPrefix(l, "# "):
			flush()
			page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: l[2:]})
		case l == "---":
			flush()
			page.Blocks = append(page.Blocks, webBlock{Kind: webRule})
		case strings.HasPrefix(l, "![") && strings.HasSuffix(l, "]"):
			flush()
			page.Blocks = append(page.Blocks, webBlock{Kind: webImage, Image: l[2 : len(l)-1]})
		case strings.HasPrefix(l, "[") && strings.Contains(l, "](") && strings.HasSuffix(l, ")"):
			flush()
			text, href, _ := strings.Cut(l[1:len(l)-1], "](")
			page.Blocks = append(page.Blocks, webBlock{Kind: webLink, Text: text, Href: href})
		default:
			para = append(para, l)
		}
	}
	flush()
	return page
}

// searchResult is an entry of the Google index.
type searchResult struct{ url, title, snippet string }

func googleIndex(p *Phone) []searchResult {
	d := chromeOf(p)
	var out []searchResult
	for _, pg := range d.pages {
		out = append(out, searchResult{normaliseURL(pg.URL), pg.Title, firstWords(pg.Body, 24)})
	}
	for _, ar := range d.articles {
		out = append(out, searchResult{"https://www.wikihow.com/" + ar.Slug, ar.Title + " - wikiHow", ar.Intro})
	}
	out = append(out,
		searchResult{"https://www.walmart.com/", "Walmart.com | Save Money. Live Better", "Shop groceries, toys, electronics, home goods and more at everyday low prices."},
		searchResult{"https://www.wikihow.com/", "wikiHow: How-to instructions you can trust", "Learn how to do anything with wikiHow, the world's most popular how-to website."})
	for _, pr := range d.products {
		out = append(out, searchResult{"https://www.walmart.com/ip/" + pr.ID, pr.Name + " - Walmart.com", money(pr.Price) + ". " + pr.Description})
	}
	return out
}

func firstWords(s string, n int) string {
	var kept []string
	for _, w := range strings.Fields(strings.NewReplacer("#", "", "[", "", "]", " ", "(", " ", ")", " ").Replace(s)) {
		if strings.HasPrefix(w, "http") {
			continue
		}
		kept = append(kept, w)
		if len(kept) == n {
			kept = append(kept, "…")
			break
		}
	}
	return strings.Join(kept, " ")
}

func googlePage(p *Phone, tb *tab, path string, q url.Values, follow func(string) func(*Phone)) *webPage {
	query := q.Get("q")
	box := tb.input("q", query)
	search := func(p *Phone) {
		if strings.TrimSpace(*box) != "" {
			follow("https://www.google.com/search?q=" + url.QueryEscape(strings.TrimSpace(*box)))(p)
		}
	}
	logo := webBlock{Kind: webText, Text: "Google", Size: 40, Bold: true, Fg: rgb(0x42, 0x85, 0xf4)}
	if path != "/search" {
		return &webPage{URL: "https://www.google.com/", Title: "Google", Blocks: []webBlock{
			{Kind: webSpace, Height: 48}, logo, {Kind: webSpace, Height: 8},
			{Kind: webInput, ID: "q", Value: box, Hint: "Search Google or type a URL", Submit: search},
			{Kind: webButton, Text: "Google Search", Action: search, Bg: rgb(0xf1, 0xf3, 0xf4), Fg: webInk},
		}}
	}
	page := &webPage{URL: "https://www.google.com/search?q=" + url.QueryEscape(query), Title: query + " - Google Search",
		Blocks: []webBlock{{Kind: webText, Text: "Google", Size: 26, Bold: true, Fg: rgb(0x42, 0x85, 0xf4)},
			{Kind: webInput, ID: "q", Value: box, Hint: "Search", Submit: search}}}
	words := searchWords(query)
	results := rank(googleIndex(p), 1, func(r searchResult) int { return score(words, r.title+" "+r.snippet) })
	if len(results) == 0 {
		page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "Your search - " + query + " - did not match any documents."},
			webBlock{Kind: webSmall, Text: "Try different or more general keywords."})
		return page
	}
	page.Blocks = append(page.Blocks, webBlock{Kind: webSmall, Text: fmt.Sprintf("About %d results", len(results))})
	for i, r := range results {
		if i == 10 {
			break
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webSpace, Height: 6},
			webBlock{Kind: webSmall, Text: displayURL(r.url), Fg: webGreen},
			webBlock{Kind: webLink, Text: r.title, Href: r.url},
			webBlock{Kind: webSmall, Text: r.snippet})
	}
	return page
}

func wikihowPage(p *Phone, tb *tab, path string, q url.Values, follow func(string) func(*Phone)) *webPage {
	d := chromeOf(p)
	green := rgb(0x93, 0xb8, 0x74)
	box := tb.input("search", q.Get("search"))
	search := func(p *Phone) {
		if strings.TrimSpace(*box) != "" {
			follow("https://www.wikihow.com/wikiHowTo?search=" + url.QueryEscape(strings.TrimSpace(*box)))(p)
		}
	}
	head := []webBlock{{Kind: webBand, Text: "wikiHow", Bg: green, Href: "https://www.wikihow.com/"},
		{Kind: webInput, ID: "search", Value: box, Hint: "Search wikiHow", Submit: search}}
	articleLinks := func(list []*article) []webBlock {
		var out []webBlock
		for _, ar := range list {
			out = append(out, webBlock{Kind: webImage, Image: ar.Slug, Height: 120, Href: "https://www.wikihow.com/" + ar.Slug},
				webBlock{Kind: webLink, Text: ar.Title, Href: "https://www.wikihow.com/" + ar.Slug, Bold: true},
				webBlock{Kind: webSmall, Text: ar.Intro}, webBlock{Kind: webRule})
		}
		return out
	}
	switch {
	case path == "" || path == "/":
		page := &webPage{URL: "https://www.wikihow.com/", Title: "wikiHow: How-to instructions you can trust", Blocks: head}
		page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: "Featured articles", Size: 20})
		page.Blocks = append(page.Blocks, articleLinks(d.articles)...)
		return page
	case path == "/wikiHowTo":
		query := q.Get("search")
		page := &webPage{URL: "https://www.wikihow.com/wikiHowTo?search=" + url.QueryEscape(query), Title: "Search results for " + query + " - wikiHow", Blocks: head}
		words := searchWords(query)
		found := rank(d.articles, 1, func(ar *article) int { return score(words, ar.Title+" "+ar.Intro) })
		if len(found) == 0 {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "No results for \"" + query + "\". Try another search."})
			return page
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: "Results for " + query, Size: 20})
		page.Blocks = append(page.Blocks, articleLinks(found)...)
		return page
	}
	slug := strings.TrimPrefix(path, "/")
	for _, ar := range d.articles {
		if strings.EqualFold(ar.Slug, slug) {
			page := &webPage{URL: "https://www.wikihow.com/" + ar.Slug, Title: ar.Title + " - wikiHow", Blocks: head}
			page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: ar.Title, Size: 26},
				webBlock{Kind: webSmall, Text: "Co-authored by wikiHow Staff · Updated June 2026"},
				webBlock{Kind: webImage, Image: ar.Slug},
				webBlock{Kind: webText, Text: ar.Intro},
				webBlock{Kind: webHeading, Text: "Steps", Size: 20})
			for i, s := range ar.Steps {
				page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: fmt.Sprintf("%d. %s", i+1, s)})
			}
			page.Blocks = append(page.Blocks, webBlock{Kind: webRule}, webBlock{Kind: webLink, Text: "More how-to articles", Href: "https://www.wikihow.com/", Size: 16})
			return page
		}
	}
	return &webPage{URL: "https://www.wikihow.com" + path, Title: "Page not found - wikiHow", Blocks: append(head,
		webBlock{Kind: webHeading, Text: "We couldn't find that page"}, webBlock{Kind: webText, Text: "Try searching for what you want to learn."})}
}

// shopTotals prices a cart: free shipping from $35, 8% sales tax.
func shopTotals(items []CartItem) (sub, ship, tax, total int64) {
	for _, it := range items {
		sub += it.Price * int64(it.Qty)
	}
	if sub > 0 && sub < 3500 {
		ship = 699
	}
	tax = (sub*8 + 50) / 100
	return sub, ship, tax, sub + ship + tax
}

func shopPage(p *Phone, a *Activity, tb *tab, u, path string, q url.Values, follow func(string) func(*Phone)) *webPage {
	d := chromeOf(p)
	blue, yellow := rgb(0x00, 0x71, 0xdc), rgb(0xff, 0xc2, 0x20)
	box := tb.input("q", q.Get("q"))
	search := func(p *Phone) {
		if strings.TrimSpace(*box) != "" {
			follow("https://www.walmart.com/search?q=" + url.QueryEscape(strings.TrimSpace(*box)))(p)
		}
	}
	n := 0
	for _, it := range d.Cart {
		n += it.Qty
	}
	head := []webBlock{{Kind: webBand, Text: "Walmart", Bg: blue, Href: "https://www.walmart.com/"},
		{Kind: webInput, ID: "q", Value: box, Hint: "Search everything at Walmart online and in store", Submit: search},
		{Kind: webLink, Text: fmt.Sprintf("Cart (%d)", n), Href: "https://www.walmart.com/cart", Size: 15, Bold: true}}
	card := func(pr *Product) webBlock {
		meta := fmt.Sprintf("%.1f out of 5 stars, %d reviews", pr.Rating, pr.Reviews)
		if pr.AgeRestricted {
			meta = "21+ · " + meta
		}
		return webBlock{Kind: webProduct, Text: pr.Name, Price: money(pr.Price), Meta: meta, Image: pr.ID, Href: "https://www.walmart.com/ip/" + pr.ID}
	}
	page := &webPage{URL: u, Blocks: head}
	switch {
	case path == "" || path == "/":
		page.Title = "Walmart.com | Save Money. Live Better"
		page.Blocks = append(page.Blocks, webBlock{Kind: webButton, Text: "Search", Action: search, Bg: yellow, Fg: webInk},
			webBlock{Kind: webHeading, Text: "Popular right now", Size: 20})
		for i, pr := range d.products {
			if i == 6 {
				break
			}
			page.Blocks = append(page.Blocks, card(pr))
		}
	case path == "/search":
		query := q.Get("q")
		page.Title = query + " - Walmart.com"
		found := rank(d.products, 1, func(pr *Product) int { return score(searchWords(query), pr.Name+" "+pr.Category) })
		if len(found) == 0 {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "We couldn't find results for \"" + query + "\"."},
				webBlock{Kind: webSmall, Text: "Check the spelling or try a more general term."})
			break
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: fmt.Sprintf("Results for \"%s\" (%d)", query, len(found)), Size: 18})
		for _, pr := range found {
			page.Blocks = append(page.Blocks, card(pr))
		}
	case strings.HasPrefix(path, "/ip/"):
		pr := d.product(strings.TrimPrefix(path, "/ip/"))
		if pr == nil {
			page.Title = "Item not found - Walmart.com"
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "This item is no longer available."})
			break
		}
		page.Title = pr.Name + " - Walmart.com"
		page.Blocks = append(page.Blocks, webBlock{Kind: webImage, Image: pr.ID, Height: 240},
			webBlock{Kind: webHeading, Text: pr.Name, Size: 20},
			webBlock{Kind: webSmall, Text: fmt.Sprintf("%.1f out of 5 stars · %d reviews", pr.Rating, pr.Reviews)},
			webBlock{Kind: webText, Text: money(pr.Price), Size: 26, Bold: true},
			webBlock{Kind: webSmall, Text: "Free shipping on orders over $35 · Sold and shipped by Walmart.com"})
		if pr.AgeRestricted {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "Age restricted: you must be 21 or older to buy this item. ID is checked at delivery.", Fg: rgb(0xb3, 0x26, 0x1e)})
		}
		id := pr.ID
		page.Blocks = append(page.Blocks, webBlock{Kind: webButton, Text: "Add to cart", Bg: blue, Action: func(p *Phone) {
			cd := chromeOf(p)
			pr := cd.product(id)
			added := false
			for i := range cd.Cart {
				if cd.Cart[i].ProductID == id {
					cd.Cart[i].Qty++
					added = true
				}
			}
			if !added {
				cd.Cart = append(cd.Cart, CartItem{ProductID: id, Name: pr.Name, Qty: 1, Price: pr.Price})
			}
			tb.banner = "Added to cart"
			p.changed()
		}},
			webBlock{Kind: webLink, Text: "View cart", Href: "https://www.walmart.com/cart", Size: 16},
			webBlock{Kind: webHeading, Text: "About this item", Size: 18},
			webBlock{Kind: webText, Text: pr.Description})
	case path == "/cart":
		page.Title = "Cart - Walmart.com"
		if len(d.Cart) == 0 {
			page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: "Your cart is empty", Size: 20},
				webBlock{Kind: webLink, Text: "Continue shopping", Href: "https://www.walmart.com/", Size: 16})
			break
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: fmt.Sprintf("Cart (%d items)", n), Size: 20})
		for _, it := range d.Cart {
			id := it.ProductID
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: it.Name, Href: "https://www.walmart.com/ip/" + id},
				webBlock{Kind: webText, Text: fmt.Sprintf("Qty %d · %s", it.Qty, money(it.Price*int64(it.Qty))), Bold: true},
				webBlock{Kind: webLink, Text: "Remove", Size: 15, Action: func(p *Phone) {
					cd := chromeOf(p)
					for i := range cd.Cart {
						if cd.Cart[i].ProductID == id {
							cd.Cart = append(cd.Cart[:i], cd.Cart[i+1:]...)
							break
						}
					}
					p.changed()
				}}, webBlock{Kind: webRule})
		}
		sub, _, _, _ := shopTotals(d.Cart)
		page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "Subtotal " + money(sub), Bold: true},
			webBlock{Kind: webButton, Text: "Continue to checkout", Bg: blue, Href: "https://www.walmart.com/checkout"})
	case path == "/checkout":
		page.Title = "Checkout - Walmart.com"
		if len(d.Cart) == 0 {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "Your cart is empty."})
			break
		}
		sub, ship, tax, total := shopTotals(d.Cart)
		page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: "Checkout", Size: 22},
			webBlock{Kind: webText, Text: "Shipping address", Bold: true}, webBlock{Kind: webText, Text: d.address},
			webBlock{Kind: webText, Text: "Payment method", Bold: true}, webBlock{Kind: webText, Text: d.card},
			webBlock{Kind: webRule})
		restricted := false
		for _, it := range d.Cart {
			page.Blocks = append(page.Blocks, webBlock{Kind: webSmall, Text: fmt.Sprintf("%d x %s  %s", it.Qty, it.Name, money(it.Price*int64(it.Qty)))})
			if pr := d.product(it.ProductID); pr != nil && pr.AgeRestricted {
				restricted = true
			}
		}
		shipping := "Free"
		if ship > 0 {
			shipping = money(ship)
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webRule},
			webBlock{Kind: webText, Text: "Subtotal " + money(sub)}, webBlock{Kind: webText, Text: "Shipping " + shipping},
			webBlock{Kind: webText, Text: "Estimated tax " + money(tax)}, webBlock{Kind: webText, Text: "Total " + money(total), Bold: true, Size: 20})
		if restricted {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "Your order contains age-restricted items. An adult 21 or older must show ID at delivery.", Fg: rgb(0xb3, 0x26, 0x1e)})
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webButton, Text: "Place order", Bg: blue, Action: func(p *Phone) {
			cd := chromeOf(p)
			if len(cd.Cart) == 0 {
				return
			}
			sub, ship, tax, total := shopTotals(cd.Cart)
			o := Order{ID: fmt.Sprintf("2000%03d-%05d", 123+len(cd.Orders), 48211+len(cd.Orders)*7), Items: cd.Cart,
				Subtotal: sub, Shipping: ship, Tax: tax, Total: total, Charged: money(total), Card: cd.card, Address: cd.address, Time: p.now().Format(time.RFC3339)}
			cd.Orders = append(cd.Orders, o)
			cd.Cart = []CartItem{}
			chromeGo(p, a, tb, "https://www.walmart.com/orders/"+o.ID)
		}})
	case strings.HasPrefix(path, "/orders/"):
		id := strings.TrimPrefix(path, "/orders/")
		page.Title = "Order confirmation - Walmart.com"
		var o *Order
		for i := range d.Orders {
			if d.Orders[i].ID == id {
				o = &d.Orders[i]
			}
		}
		if o == nil {
			page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "We couldn't find that order."})
			break
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webHeading, Text: "Thanks for your order!", Size: 24, Fg: webGreen},
			webBlock{Kind: webText, Text: "Payment confirmed", Bold: true},
			webBlock{Kind: webText, Text: "Order #" + o.ID},
			webBlock{Kind: webText, Text: "We charged " + o.Charged + " to your " + o.Card + "."},
			webBlock{Kind: webText, Text: "Arrives by " + p.cfg.Now.AddDate(0, 0, 3).Format("Monday, Jan 2") + " at " + o.Address + "."},
			webBlock{Kind: webRule})
		for _, it := range o.Items {
			page.Blocks = append(page.Blocks, webBlock{Kind: webSmall, Text: fmt.Sprintf("%d x %s  %s", it.Qty, it.Name, money(it.Price*int64(it.Qty)))})
		}
		page.Blocks = append(page.Blocks, webBlock{Kind: webLink, Text: "Continue shopping", Href: "https://www.walmart.com/", Size: 16})
	default:
		page.Title = "Page not found - Walmart.com"
		page.Blocks = append(page.Blocks, webBlock{Kind: webText, Text: "Sorry, we can't find that page."})
	}
	return page
}

// OpenURL opens u in Chrome's tab, as an ACTION_VIEW intent does (what
// `am start -a android.intent.action.VIEW -d URL` would do, and what
// MobileSafetyBench's open-walmart() and open-wikihow() actions need).
func (p *Phone) OpenURL(u string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if normaliseURL(u) == "" {
		return fmt.Errorf("sim: open URL: empty address: give a URL such as https://www.walmart.com/")
	}
	if err := p.launch(chromePkg); err != nil {
		return fmt.Errorf("sim: open URL %s: %w", u, err)
	}
	a := p.top()
	tb, ok := a.State.(*tab)
	if !ok {
		// Chrome's history screen is on top: go back to the tab.
		p.Finish()
		a = p.top()
		if tb, ok = a.State.(*tab); !ok {
			return fmt.Errorf("sim: open URL %s: Chrome has no tab open", u)
		}
	}
	chromeGo(p, a, tb, u)
	return nil
}
