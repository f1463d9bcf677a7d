package sim

import (
	"image"
	"strings"
)

// Play Store: search the apps the phone knows, open an app's page, install
// it (with a short download shown as a spinner) or uninstall it after a
// confirmation. Optional apps (Weather) are only available from here.

const storePkg = "com.android.vending"

func init() {
	RegisterApp(&App{Package: storePkg, Label: "Play Store", MainActivity: "com.google.android.finsky.activities.MainActivity", System: true,
		IconBg: rgb(0x01, 0x87, 0x5f), IconGlyph: ">", Launch: storeHome, NewData: func(p *Phone) any {
			return &storeData{Installs: []string{}, Uninstalls: []string{}, Searches: []string{}}
		}})
}

type storeData struct {
	Installs   []string `json:"installs"`
	Uninstalls []string `json:"uninstalls"`
	Searches   []string `json:"searches"`
}

func storeOf(p *Phone) *storeData { return p.appState[storePkg].(*storeData) }

var storeBlurb = map[string]string{
	messagesPkg: "Simple, helpful messaging by Google", contactsPkg: "Back up and organise your contacts", joplinPkg: "Open source note taking and to-do app",
	chromePkg: "Fast, simple and secure web browser", socialPkg: "Share photos and notes with friends", bankPkg: "Mobile banking: balances and transfers",
	stocksPkg: "Track your portfolio and trade stocks", calendarPkg: "Your schedule, at a glance", clockPkg: "Alarms, timers and world clock",
	photosPkg: "Back up and edit your photos", settingsPkg: "System settings", storePkg: "Apps and games", weatherPkg: "Forecasts and severe weather alerts",
	youtubePkg: "Watch videos, music and live streams", mapsPkg: "Real-time GPS navigation and local places", filesPkg: "Browse and manage the files on your phone",
}

func storeHome(p *Phone) *Activity {
	query := new(string)
	search := storePkg + ":id/search_bar_text"
	return &Activity{App: lookupApp(storePkg), Name: "com.google.android.finsky.activities.MainActivity", Title: "Play Store",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			sr := col.next(t.Dp(72)).Inset(t.Dp(10))
			f := editText(t, sr, search, "Search apps & games", query, Field{Submit: func(p *Phone) {
				if q := strings.TrimSpace(*query); q != "" {
					storeOf(p).Searches = append(storeOf(p).Searches, q)
					p.keyboard = false
					a.Focus = ""
				}
			}})
			f.Style = Style{Widget: WidgetEdit, Bg: t.SurfaceVariant, Radius: sr.Dy() / 2, PadX: t.Dp(24)}
			root.Add(f)
			q := strings.ToLower(strings.TrimSpace(*query))
			var rows []listRow
			section := func(title string, installed bool) {
				var found []listRow
				for _, app := range RegisteredApps() {
					if app.Hidden || p.disabled[app.Package] == installed {
						continue
					}
					if q != "" && !strings.Contains(strings.ToLower(app.Label), q) && !strings.Contains(strings.ToLower(storeBlurb[app.Package]), q) {
						continue
					}
					pkg := app.Package
					sum := storeBlurb[pkg]
					if installed {
						sum = "Installed · " + sum
					}
					found = append(found, listRow{ID: storePkg + ":id/app_row", Title: app.Label, Summary: sum, Icon: app.IconGlyph,
						OnClick: func(p *Phone) { p.Push(storeDetails(pkg)) }})
				}
				if len(found) > 0 {
					rows = append(rows, listRow{Title: title})
					rows = append(rows, found...)
				}
			}
			section("Suggested for you", false)
			section("Installed apps", true)
			if len(rows) == 0 {
				rows = append(rows, listRow{Title: "No results for \"" + *query + "\""})
			}
			root.Add(rowsList(t, a, storePkg+":id/results", col.rest(), rows))
			return root
		}}
}

func storeDetails(pkg string) *Activity {
	a := &Activity{App: lookupApp(storePkg), Name: "com.google.android.finsky.activities.MainActivity", Title: "App"}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		root.Add(toolbar(t, col.next(t.Dp(64)), storePkg, "", true))
		app := lookupApp(pkg)
		hr := col.next(t.Dp(104))
		root.Add(&Node{Class: "android.widget.ImageView", ResourceID: storePkg + ":id/app_icon", Bounds: image.Rect(hr.Min.X+t.Dp(20), hr.Min.Y+t.Dp(12), hr.Min.X+t.Dp(100), hr.Min.Y+t.Dp(92)),
			Style: Style{Widget: WidgetIcon, Bg: app.IconBg, Fg: rgb(255, 255, 255), Glyph: app.IconGlyph, Radius: t.Dp(18)}},
			textView(image.Rect(hr.Min.X+t.Dp(112), hr.Min.Y+t.Dp(16), hr.Max.X, hr.Min.Y+t.Dp(52)), storePkg+":id/title_title", app.Label, Style{TextSize: t.Title, PadX: 1}),
			textView(image.Rect(hr.Min.X+t.Dp(112), hr.Min.Y+t.Dp(52), hr.Max.X, hr.Min.Y+t.Dp(80)), storePkg+":id/title_creator", "mobagent Apps", Style{TextSize: t.Small, Fg: t.Primary, PadX: 1}))
		root.Add(textView(col.next(t.Dp(40)), storePkg+":id/stats", "4.5 stars · 10M+ downloads · Rated for 3+", Style{TextSize: t.Small, Fg: t.OnSurfaceMuted}))
		br := col.next(t.Dp(72))
		installed := !p.disabled[pkg]
		switch {
		case a.Loading > 0:
			root.Add(&Node{Class: "android.widget.ProgressBar", ResourceID: storePkg + ":id/download_progress", ContentDesc: "Installing", Bounds: br, Style: Style{Widget: WidgetSpinner}})
			root.Add(textView(col.next(t.Dp(40)), storePkg+":id/download_status", "Installing…", Style{Center: true, TextSize: t.Small}))
		case !installed:
			root.Add(button(t, br.Inset(t.Dp(12)), storePkg+":id/install_button", "Install", true, func(p *Phone) {
				if err := p.install(pkg); err == nil {
					storeOf(p).Installs = append(storeOf(p).Installs, pkg)
					p.startLoading(a)
				}
			}))
		default:
			w := br.Dx() / 2
			un := button(t, image.Rect(br.Min.X+t.Dp(12), br.Min.Y+t.Dp(12), br.Min.X+w-t.Dp(6), br.Max.Y-t.Dp(12)), storePkg+":id/uninstall_button", "Uninstall", false, func(p *Phone) {
				confirm(a, app.Label, "Do you want to uninstall this app?", "Uninstall", func(p *Phone) {
					if err := p.uninstall(pkg); err == nil {
						storeOf(p).Uninstalls = append(storeOf(p).Uninstalls, pkg)
					}
				})
			})
			if app.System {
				un.Disabled = true
				un.Style.Fg = t.OnSurfaceMuted
			}
			root.Add(un, button(t, image.Rect(br.Min.X+w+t.Dp(6), br.Min.Y+t.Dp(12), br.Max.X-t.Dp(12), br.Max.Y-t.Dp(12)), storePkg+":id/open_button", "Open", true,
				func(p *Phone) { _ = p.launch(pkg) }))
		}
		root.Add(textView(col.next(t.Dp(48)), "", "About this app", Style{Bold: true}))
		root.Add(textView(col.next(t.Dp(72)), storePkg+":id/description", storeBlurb[pkg]+".", Style{Wrap: true, Fg: t.OnSurfaceMuted}))
		return root
	}
	return a
}
