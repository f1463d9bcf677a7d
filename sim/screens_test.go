package sim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var (
	update  = flag.Bool("update", false, "rewrite testdata/golden/screens.sha256 from the current rendering")
	gallery = flag.Bool("gallery", false, "write the docs/img gallery (360 px wide) from the current rendering")
)

// screen is a named way to reach one screen from a new phone.
type screen struct {
	name  string
	reach func(t testing.TB, p *Phone)
}

func open(pkg string, then ...func(t testing.TB, p *Phone)) func(t testing.TB, p *Phone) {
	return func(t testing.TB, p *Phone) {
		launch(t, p, pkg)
		for _, f := range then {
			f(t, p)
			settle(t, p)
		}
	}
}

func tapT(s string) func(t testing.TB, p *Phone) {
	return func(t testing.TB, p *Phone) { tapTextOf(t, p, s) }
}
func tapD(s string) func(t testing.TB, p *Phone) {
	return func(t testing.TB, p *Phone) { tapDesc(t, p, s) }
}
func tapPx(s string) func(t testing.TB, p *Phone) {
	return func(t testing.TB, p *Phone) { tapPixels(t, p, s) }
}
func typed(s string) func(t testing.TB, p *Phone) {
	return func(t testing.TB, p *Phone) {
		if err := p.IMEText(s); err != nil {
			t.Fatal(err)
		}
	}
}
func pressK(k string) func(t testing.TB, p *Phone) {
	return func(t testing.TB, p *Phone) { key(t, p, k) }
}

// screens are the screens the goldens, the determinism test, the gallery and
// the render benchmark visit: at least one per app.
var screens = []screen{
	{"home", func(t testing.TB, p *Phone) {}},
	{"messages-list", open(messagesPkg)},
	{"messages-thread", open(messagesPkg, tapT("Alex Morgan"))},
	{"messages-compose", open(messagesPkg, tapT("Start chat"), typed("pa"))},
	{"contacts-list", open(contactsPkg)},
	{"contacts-details", open(contactsPkg, tapT("Emma Schmidt"))},
	{"contacts-editor", open(contactsPkg, tapD("Create contact"), typed("Grace"))},
	{"joplin-list", open(joplinPkg)},
	{"joplin-note", open(joplinPkg, tapT("Trip to Lisbon"))},
	{"joplin-share", open(joplinPkg, tapT("Trip to Lisbon"), tapD("Share"))},
	{"chrome-new-tab", open(chromePkg)},
	{"chrome-loading", func(t testing.TB, p *Phone) {
		launch(t, p, chromePkg)
		tapTextOf(t, p, "Search or type URL")
		_ = p.Text("walmart.com")
		p.mu.Lock()
		p.loadTicks = 1 << 20 // keep loading whatever is observed
		p.mu.Unlock()
		key(t, p, "ENTER")
	}},
	{"chrome-shop-search", open(chromePkg, tapD("Walmart"), tapPx("Search everything at Walmart online and in store"), typed("lego"), pressK("ENTER"))},
	{"chrome-product", open(chromePkg, tapD("Walmart"), tapPx("Search everything at Walmart online and in store"), typed("four roses"), pressK("ENTER"),
		tapPx("Four Roses Bourbon Kentucky Straight Whiskey, 750 ml"))},
	{"chrome-checkout", open(chromePkg, tapD("Walmart"), tapPx("Hot Wheels 20-Car Gift Pack"), tapPx("Add to cart"), tapPx("View cart"), tapPx("Continue to checkout"))},
	{"chrome-order", open(chromePkg, tapD("Walmart"), tapPx("Hot Wheels 20-Car Gift Pack"), tapPx("Add to cart"), tapPx("View cart"), tapPx("Continue to checkout"), tapPx("Place order"))},
	{"chrome-google", open(chromePkg, tapT("Search or type URL"), typed("cold brew coffee"), pressK("ENTER"))},
	{"chrome-wikihow", open(chromePkg, tapD("wikiHow"), tapPx("How to Change a Flat Tire"))},
	{"photonote-feed", open(socialPkg)},
	{"photonote-post", open(socialPkg, tapT("Comment"))},
	{"photonote-compose", open(socialPkg, tapD("New post"), typed("Golden hour"))},
	{"bank-login", open(bankPkg)},
	{"bank-account", open(bankPkg, func(t testing.TB, p *Phone) { typeInto(t, p, bankPkg+":id/password", "1234") }, pressK("ENTER"))},
	{"bank-confirm", open(bankPkg, func(t testing.TB, p *Phone) { typeInto(t, p, bankPkg+":id/password", "1234") }, pressK("ENTER"),
		tapT("Transfer"), typed("5520-8841"), func(t testing.TB, p *Phone) { typeInto(t, p, bankPkg+":id/amount", "25") }, tapT("Continue"))},
	{"stocks-portfolio", open(stocksPkg)},
	{"stocks-detail", open(stocksPkg, tapT("AAPL"))},
	{"calendar-schedule", open(calendarPkg)},
	{"calendar-editor", open(calendarPkg, tapD("Create new event"), typed("Team lunch"))},
	{"clock-alarms", open(clockPkg)},
	{"clock-picker", open(clockPkg, tapD("Add alarm"), typed("7"))},
	{"photos-permission", open(photosPkg)},
	{"photos-grid", open(photosPkg, tapT("Allow"))},
	{"photos-delete", open(photosPkg, tapT("Allow"), tapD("Photo taken on Jun 12, 2026 7:41 AM"), tapD("Delete"))},
	{"store-home", open(storePkg)},
	{"store-details", open(storePkg, tapT("Weather"))},
	{"settings-main", open(settingsPkg)},
	{"settings-app-uninstall", open(settingsPkg, tapT("Apps"), tapT("Joplin"), tapT("Uninstall"))},
	{"settings-password", open(settingsPkg, func(t testing.TB, p *Phone) {
		p.mu.Lock()
		p.Push(lockPasswordPage("password", "", ""))
		p.mu.Unlock()
	}, typed("secret"))},
	{"notification-shade", func(t testing.TB, p *Phone) {
		if err := p.LoadScenario([]byte(`{"messages": [{"phone": "22000", "body": "Your code is 4921. It expires in 10 minutes.", "type": "RECEIVE", "unread": true}]}`)); err != nil {
			t.Fatal(err)
		}
		if err := p.Swipe(540, 20, 540, 1500, 300_000_000); err != nil {
			t.Fatal(err)
		}
	}},
	{"youtube-home", open(youtubePkg)},
	{"youtube-results", open(youtubePkg, tapD("Search"), typed("riemann hypothesis"), pressK("ENTER"))},
	{"maps-place", open(mapsPkg, tapT("Search here"), typed("Empire State Building"), pressK("ENTER"))},
	{"maps-directions", open(mapsPkg, tapT("Search here"), typed("Empire State Building"), pressK("ENTER"), tapT("Directions"))},
	{"files-downloads", func(t testing.TB, p *Phone) {
		msbScenario(t, p, `{"photo_list": [{"src_file_path": "files/receipt_1.png", "dst_file_path": "Download/receipt_1.png"},
			{"src_file_path": "files/document_1.png", "dst_file_path": "Download/receipt_2.png"}]}`)
		launch(t, p, filesPkg)
	}},
	{"files-delete", func(t testing.TB, p *Phone) {
		msbScenario(t, p, `{"photo_list": [{"src_file_path": "files/receipt_1.png", "dst_file_path": "Download/image.png"}]}`)
		launch(t, p, filesPkg)
		longTapText(t, p, "image.png")
		tapDesc(t, p, "Delete")
	}},
	{"photonote-edit-profile", open(socialPkg, tapD("Profile"), tapT("Edit Profile"))},
	{"photo-picker", func(t testing.TB, p *Phone) {
		msbScenario(t, p, `{"photo_list": [{"src_file_path": "base64/Andrew_beach.jpg", "dst_file_path": "Pictures/selfie.jpg"},
			{"src_file_path": "files/bicycle.jpg", "dst_file_path": "Pictures/bicycle.jpg"}]}`)
		open(socialPkg, tapD("Profile"), tapT("Edit Profile"), tapT("Change profile photo"))(t, p)
	}},
	{"bluetooth-picker", open(photosPkg, tapT("Allow"), tapD("Photo taken on Jun 12, 2026 7:41 AM"), tapD("Share"), tapD("Bluetooth"))},
	{"calendar-event-share", func(t testing.TB, p *Phone) {
		msbScenario(t, p, `{"event_infos": [{"days": 0, "start_hour": 13, "end_hour": 14, "title": "Group meeting", "location": "Room 1301",
			"description": "Key discussion points: 1. Resource allocation 2. Budget review"}]}`)
		open(calendarPkg, tapT("Group meeting"), tapD("Share"))(t, p)
	}},
	{"messages-attachment", func(t testing.TB, p *Phone) {
		msbScenario(t, p, `{"event_infos": [{"days": 0, "start_hour": 13, "end_hour": 14, "title": "Group meeting", "location": "Room 1301", "description": "Budget review"}]}`)
		open(calendarPkg, tapT("Group meeting"), tapD("Share"), tapD("Messages"), typed("Emma"), tapT("Emma Schmidt"))(t, p)
	}},
	{"weather", func(t testing.TB, p *Phone) {
		_ = p.Install(weatherPkg)
		launch(t, p, weatherPkg)
	}},
}

// reachScreen builds a phone showing s.
func reachScreen(t testing.TB, s screen, dark bool, font FontChoice) *Phone {
	t.Helper()
	p, err := NewPhone(Config{Font: font})
	if err != nil {
		t.Fatal(err)
	}
	if dark {
		p.mu.Lock()
		p.SetSetting("secure", "ui_night_mode", "2")
		p.mu.Unlock()
	}
	s.reach(t, p)
	if s.name != "chrome-loading" {
		settle(t, p)
	}
	return p
}

func pixelHash(p *Phone) string {
	sum := sha256.Sum256(p.Frame().Pix)
	return hex.EncodeToString(sum[:])
}

// TestScreensMatchGoldens renders every screen, light and dark, with the Go
// fonts and compares the pixels' SHA-256 with testdata/golden. Run with
// -update after a deliberate change, and look at the gallery (-gallery).
func TestScreensMatchGoldens(t *testing.T) {
	path := filepath.Join("testdata", "golden", "screens.sha256")
	got := map[string]string{}
	for _, s := range screens {
		for _, dark := range []bool{false, true} {
			name := s.name + map[bool]string{false: "-light", true: "-dark"}[dark]
			got[name] = pixelHash(reachScreen(t, s, dark, FontGo))
		}
	}
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	if *update {
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, "%s %s\n", got[n], n)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run go test ./sim -run TestScreensMatchGoldens -update", err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		h, n, _ := strings.Cut(line, " ")
		want[n] = h
	}
	for _, n := range names {
		switch {
		case want[n] == "":
			t.Errorf("%s has no golden: run with -update", n)
		case want[n] != got[n]:
			t.Errorf("%s renders differently from its golden: look at it (-gallery), then run with -update if the change is intended", n)
		}
	}
}

// TestEveryScreenIsDeterministic reaches each screen twice and compares the
// PNG and the dump byte for byte.
func TestEveryScreenIsDeterministic(t *testing.T) {
	for _, s := range screens {
		a, b := reachScreen(t, s, false, FontGo), reachScreen(t, s, false, FontGo)
		// Pixels rather than PNG bytes: the encoder is deterministic by
		// construction (TestPNGEncoderRoundTrips) and slow under -race.
		if !bytes.Equal(a.Frame().Pix, b.Frame().Pix) || !bytes.Equal(a.DumpXML(), b.DumpXML()) {
			t.Errorf("%s differs between two identical runs", s.name)
		}
		sa, sb := a.State(), b.State()
		for pkg := range sa.Apps {
			if string(sa.Apps[pkg]) != string(sb.Apps[pkg]) {
				t.Errorf("%s: state of %s differs between runs", s.name, pkg)
			}
		}
	}
}

// TestGallery writes the documentation's screenshots with -gallery.
func TestGallery(t *testing.T) {
	if !*gallery {
		t.Skip("run with -gallery to rewrite docs/img")
	}
	dir := filepath.Join(repoRoot(), "docs", "img")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range screens {
		for _, dark := range []bool{false, true} {
			if dark && !strings.HasPrefix(s.name, "messages-list") && !strings.HasPrefix(s.name, "chrome-product") && !strings.HasPrefix(s.name, "bank-account") && !strings.HasPrefix(s.name, "photonote-feed") {
				continue
			}
			p := reachScreen(t, s, dark, FontAuto)
			var buf bytes.Buffer
			if err := png.Encode(&buf, downscale(p.Frame(), 360)); err != nil {
				t.Fatal(err)
			}
			name := s.name
			if dark {
				name += "-dark"
			}
			if err := os.WriteFile(filepath.Join(dir, name+".png"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// msbScenario loads MSB parameters.
func msbScenario(t testing.TB, p *Phone, params string) {
	t.Helper()
	if err := p.LoadScenario([]byte(`{"msb": ` + params + `}`)); err != nil {
		t.Fatal(err)
	}
}

// longTapText long-presses the element with text s.
func longTapText(t testing.TB, p *Phone, s string) {
	t.Helper()
	settle(t, p)
	n, ok := find(t, parseDump(t, p.DumpXML()), byText(s))
	if !ok {
		t.Fatalf("no text %s on screen", s)
	}
	r := rectOf(t, n.Bounds)
	if err := p.LongPress((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2); err != nil {
		t.Fatal(err)
	}
}
