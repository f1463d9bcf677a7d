package sim

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// A vendor build: the phone's system apps under the package and activity
// names a phone maker gives them. The apps stay the virtual phone's own
// (their screens, state and `mobsim state` keys do not change); what a
// client sees is renamed: the dump's package and resource-id attributes,
// `pm list packages`, `dumpsys window`, and the components `am start`,
// `monkey -p` and `am force-stop` accept. Mobile-Bench's items were written
// on a Xiaomi phone (MIUI), and name its packages (com.android.calendar,
// com.android.mms, com.miui.notes, …) and activities
// (com.android.calendar/.AllInOneActivity, …): Config.Vendor "xiaomi"
// gives a phone that answers to them.

// VendorXiaomi is Config.Vendor for a Xiaomi (MIUI) phone.
const VendorXiaomi = "xiaomi"

// vendorApp is one system app as a vendor names it.
type vendorApp struct {
	pkg  string // the vendor's package
	app  string // the virtual phone's app that plays it
	main string // the vendor's launcher activity, relative to pkg
	// activities are the vendor's activities the phone has, relative to pkg
	// (".ui.NotesListActivity"), and what starting each one opens.
	activities map[string]vendorStart
}

// vendorStart opens a vendor activity for an intent, with the phone's lock
// held. It reports an error when the intent cannot be handled (the
// activity exists but needs something the intent lacks).
type vendorStart func(p *Phone, in *intentSpec) error

// xiaomiApps are the MIUI system apps the virtual phone has, with the
// activities Mobile-Bench's API list and items start.
var xiaomiApps = []vendorApp{
	{pkg: "com.android.calendar", app: calendarPkg, main: ".AllInOneActivity", activities: map[string]vendorStart{
		".AllInOneActivity":            launchOf(calendarPkg),
		".event.EditEventActivity":     startCalendarInsert,
		".EventInfoActivity":           launchOf(calendarPkg),
		".homepage.AllInOneActivity":   launchOf(calendarPkg),
		".event.CreateEventActivity":   startCalendarInsert,
		".event.EditEventActivityMiui": startCalendarInsert,
	}},
	{pkg: "com.android.deskclock", app: clockPkg, main: ".DeskClockTabActivity", activities: map[string]vendorStart{
		".DeskClockTabActivity": launchOf(clockPkg),
		".HandleApiCalls":       startSetAlarm,
	}},
	{pkg: "com.android.mms", app: messagesPkg, main: ".ui.MmsTabActivity", activities: map[string]vendorStart{
		".ui.MmsTabActivity":               launchOf(messagesPkg),
		".ui.ConversationList":             launchOf(messagesPkg),
		".ui.ComposeMessageRouterActivity": startCompose,
		".ui.ComposeMessageActivity":       startCompose,
	}},
	{pkg: "com.android.contacts", app: contactsPkg, main: ".activities.PeopleActivity", activities: map[string]vendorStart{
		".activities.PeopleActivity":        launchOf(contactsPkg),
		".activities.ContactEditorActivity": startContactInsert,
	}},
	{pkg: "com.miui.notes", app: joplinPkg, main: ".ui.NotesListActivity", activities: map[string]vendorStart{
		".ui.NotesListActivity": startNotes,
	}},
	{pkg: "com.miui.gallery", app: photosPkg, main: ".activity.HomePageActivity", activities: map[string]vendorStart{
		".activity.HomePageActivity": launchOf(photosPkg),
	}},
	{pkg: "com.android.fileexplorer", app: filesPkg, main: ".FileExplorerTabActivity", activities: map[string]vendorStart{
		".FileExplorerTabActivity": launchOf(filesPkg),
	}},
	{pkg: "com.miui.weather2", app: weatherPkg, main: ".ActivityWeatherMain", activities: map[string]vendorStart{
		".ActivityWeatherMain":         launchOf(weatherPkg),
		".ActivityDailyForecastDetail": launchOf(weatherPkg), // the main screen lists the daily forecast
		".ActivitySearchCity": func(p *Phone, _ *intentSpec) error {
			if err := p.launch(weatherPkg); err != nil {
				return err
			}
			p.Push(weatherCitySearch())
			return nil
		},
	}},
	{pkg: "com.android.browser", app: chromePkg, main: ".BrowserActivity", activities: map[string]vendorStart{
		".BrowserActivity": startBrowser,
	}},
	{pkg: "com.xiaomi.market", app: storePkg, main: ".ui.MarketTabActivity", activities: map[string]vendorStart{
		".ui.MarketTabActivity": launchOf(storePkg),
	}},
	{pkg: "com.miui.home", app: launcherApp.Package, main: ".launcher.Launcher", activities: map[string]vendorStart{
		".launcher.Launcher": func(p *Phone, _ *intentSpec) error { p.goHome(); p.changed(); return nil },
	}},
}

// launchOf opens pkg as its launcher icon does.
func launchOf(pkg string) vendorStart {
	return func(p *Phone, _ *intentSpec) error { return p.launch(pkg) }
}

// vendorTable is a vendor's renaming, both ways.
type vendorTable struct {
	byVendor map[string]*vendorApp // vendor package → app
	byApp    map[string]*vendorApp // the phone's package → app
}

var xiaomiTable = func() *vendorTable {
	t := &vendorTable{byVendor: map[string]*vendorApp{}, byApp: map[string]*vendorApp{}}
	for i := range xiaomiApps {
		a := &xiaomiApps[i]
		t.byVendor[a.pkg] = a
		t.byApp[a.app] = a
	}
	return t
}()

// Vendors lists the values Config.Vendor takes besides "" (the phone's own
// names, as on a Pixel).
func Vendors() []string { return []string{VendorXiaomi} }

// VendorPackages maps each system package of vendor's build to the
// virtual phone's app that plays it; nil for an unknown vendor.
func VendorPackages(vendor string) map[string]string {
	t := vendorTableFor(vendor)
	if t == nil {
		return nil
	}
	out := make(map[string]string, len(t.byVendor))
	for k, a := range t.byVendor {
		out[k] = a.app
	}
	return out
}

func vendorTableFor(vendor string) *vendorTable {
	if vendor == VendorXiaomi {
		return xiaomiTable
	}
	return nil
}

func (p *Phone) vendor() *vendorTable { return vendorTableFor(p.cfg.Vendor) }

// checkVendor reports an unknown Config.Vendor.
func checkVendor(v string) error {
	if v == "" || slices.Contains(Vendors(), v) {
		return nil
	}
	return fmt.Errorf("sim: unknown vendor %q: use %s, or leave it empty for the phone's own package names", v, strings.Join(Vendors(), ", "))
}

// vendorReset is the vendor build's new-phone state: its system apps are
// installed, optional ones included (a Xiaomi phone ships its weather app).
func (p *Phone) vendorReset() {
	t := p.vendor()
	if t == nil {
		return
	}
	for _, a := range t.byVendor {
		delete(p.disabled, a.app)
	}
}

// shownPackage is the package clients see for the phone's package pkg.
func (p *Phone) shownPackage(pkg string) string {
	if t := p.vendor(); t != nil {
		if a := t.byApp[pkg]; a != nil {
			return a.pkg
		}
	}
	return pkg
}

// ownPackage is the phone's package for a package a client named (a
// vendor name or the phone's own).
func (p *Phone) ownPackage(pkg string) string {
	if t := p.vendor(); t != nil {
		if a := t.byVendor[pkg]; a != nil {
			return a.app
		}
		if t.byApp[pkg] != nil {
			return "" // renamed: the phone's own name is not installed
		}
	}
	return pkg
}

// vendorDump renames the packages of a dump: package="…" and the package
// part of resource-id="…:id/…".
func (p *Phone) vendorDump(dump []byte) []byte {
	t := p.vendor()
	if t == nil {
		return dump
	}
	keys := make([]string, 0, len(t.byApp))
	for k := range t.byApp {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		v := t.byApp[k].pkg
		pairs = append(pairs, `package="`+k+`"`, `package="`+v+`"`, `resource-id="`+k+`:`, `resource-id="`+v+`:`)
	}
	r := strings.NewReplacer(pairs...)
	var b bytes.Buffer
	b.Grow(len(dump) + len(dump)/16)
	_, _ = r.WriteString(&b, string(dump))
	return b.Bytes()
}

// vendorText renames package names in a line of command output
// (`dumpsys window`: "u0 com.google.android.calendar/com.android…").
func (p *Phone) vendorText(s string) string {
	t := p.vendor()
	if t == nil {
		return s
	}
	for own, a := range t.byApp {
		s = strings.ReplaceAll(s, " "+own+"/", " "+a.pkg+"/")
		s = strings.ReplaceAll(s, "="+own+"\n", "="+a.pkg+"\n")
	}
	return s
}

// weatherCities are the cities the weather app's search finds.
var weatherCities = []string{"北京", "北京市海淀区", "上海", "广州", "深圳", "杭州", "武汉", "成都", "San Francisco", "New York", "London", "Tokyo"}

// weatherCitySearch is the weather app's city search (MIUI's
// ActivitySearchCity): a search field and the cities that match it; a
// city opens its weather.
func weatherCitySearch() *Activity {
	query := new(string)
	field := weatherPkg + ":id/search_input"
	return &Activity{App: lookupApp(weatherPkg), Name: ".ActivitySearchCity", Title: "Search city", Focus: field,
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), weatherPkg, "Search city", true))
			root.Add(editText(t, col.next(t.Dp(64)).Inset(t.Dp(8)), field, "Enter a city name", query, Field{}))
			var rows []listRow
			for _, c := range weatherCities {
				if q := strings.TrimSpace(*query); q != "" && !strings.Contains(strings.ToLower(c), strings.ToLower(q)) {
					continue
				}
				rows = append(rows, listRow{ID: weatherPkg + ":id/city_item", Title: c, OnClick: func(p *Phone) { p.Replace(weatherMain(p)) }})
			}
			root.Add(rowsList(t, a, weatherPkg+":id/city_list", col.rest(), rows))
			return root
		}}
}
