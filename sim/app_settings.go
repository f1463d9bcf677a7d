package sim

import (
	"fmt"
	"image"
	"strconv"
	"strings"
	"time"
)

// Settings: the system settings app. Its main list scrolls past the screen;
// Network & internet, Connected devices and Display hold toggles bound to the
// phone's settings store, which `settings get` reads back.

const settingsPkg = "com.android.settings"

func init() {
	RegisterApp(&App{Package: settingsPkg, Label: "Settings", MainActivity: ".Settings", System: true,
		IconBg: rgb(0x5f, 0x63, 0x68), IconGlyph: "S", Launch: settingsMain, NewData: func(p *Phone) any {
			return &settingsData{ScreenLock: ScreenLock{Type: "none"}, Uninstalled: []string{}, BluetoothShares: []BluetoothShare{}}
		}})
}

// ScreenLock is the device's screen lock. Type is none, pin or password.
type ScreenLock struct {
	Type     string `json:"type"`
	Password string `json:"password,omitempty"`
}

// settingsData is what Settings reports in state: the screen lock and the
// apps uninstalled from App info.
type settingsData struct {
	ScreenLock  ScreenLock `json:"screen_lock"`
	Uninstalled []string   `json:"uninstalled"`
	// BluetoothShares lists files sent to a device from the Bluetooth
	// device picker.
	BluetoothShares []BluetoothShare `json:"bluetooth_shares"`
}

// BluetoothShare is a file sent over Bluetooth.
type BluetoothShare struct {
	File   string `json:"file"`
	Device string `json:"device"`
	Time   string `json:"time"`
}

func settingsOf(p *Phone) *settingsData { return p.appState[settingsPkg].(*settingsData) }

// Password quality values Android stores in secure lockscreen.password_type.
const (
	lockNone     = "0"
	lockPIN      = "131072"
	lockPassword = "262144"
)

// lockQuality maps a screen lock type to its password quality.
var lockQuality = map[string]string{"none": lockNone, "pin": lockPIN, "password": lockPassword}

// setScreenLock sets (or with "none" removes) the screen lock, as Settings
// and `locksettings` do. Callers hold p.mu.
func setScreenLock(p *Phone, typ, password string) {
	p.SetSetting("secure", "lockscreen.password_type", lockQuality[typ])
	if typ == "none" {
		password = ""
	}
	settingsOf(p).ScreenLock = ScreenLock{Type: typ, Password: password}
}

// credentialType is the screen lock as `dumpsys lock_settings` names it.
func credentialType(p *Phone) string {
	switch settingsOf(p).ScreenLock.Type {
	case "pin":
		return "PIN"
	case "password":
		return "PASSWORD"
	}
	return "NONE"
}

// bluetoothDevices are the devices the picker finds nearby.
var bluetoothDevices = []string{"Martinez's Galaxy S23", "Nguyen's Pixel 8", "JBL Flip 6", "Living Room TV", "Kim's iPad"}

// bluetoothPicker is the "Choose Bluetooth device" page that sharing a file
// over Bluetooth opens; tapping a device sends file to it.
func bluetoothPicker(file string) *Activity {
	a := &Activity{App: lookupApp(settingsPkg), Name: ".bluetooth.DevicePickerActivity", Title: "Choose Bluetooth device"}
	a.Info = func(p *Phone) map[string]any {
		return map[string]any{"page": "Choose Bluetooth device", "file": file}
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		root.Add(toolbar(t, col.next(t.Dp(64)), settingsPkg, "Choose Bluetooth device", true))
		root.Add(textView(col.next(t.Dp(48)), settingsPkg+":id/bluetooth_on", "Bluetooth is on. Your phone is visible as "+p.cfg.Model+".",
			Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, Wrap: true, PadX: t.Dp(16)}))
		root.Add(textView(col.next(t.Dp(44)), "android:id/title", "Available devices", Style{Bold: true, TextSize: t.Small, Fg: t.Primary, PadX: t.Dp(16)}))
		var rows []listRow
		for _, dev := range bluetoothDevices {
			dev := dev
			rows = append(rows, listRow{ID: settingsPkg + ":id/device_item", Title: dev, Icon: "B", OnClick: func(p *Phone) {
				d := settingsOf(p)
				d.BluetoothShares = append(d.BluetoothShares, BluetoothShare{File: file, Device: dev, Time: p.now().Format(time.RFC3339)})
				p.Finish()
				p.Toast("Sending " + file + " to " + dev)
			}})
		}
		root.Add(rowsList(t, a, settingsPkg+":id/device_list", col.rest(), rows))
		return root
	}
	return a
}

// openBluetoothPicker turns Bluetooth on, as the share does after asking,
// and opens the picker. Callers hold p.mu.
func openBluetoothPicker(p *Phone, file string) {
	p.SetSetting("global", "bluetooth_on", "1")
	p.opened = append(p.opened, settingsPkg)
	p.Push(bluetoothPicker(file))
}

func settingsMain(p *Phone) *Activity {
	return &Activity{Name: ".Settings", Title: "Settings", App: lookupApp(settingsPkg), Scroll: map[string]int{},
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(&Node{Class: "android.widget.TextView", ResourceID: settingsPkg + ":id/homepage_title", Text: "Settings",
				Bounds: col.next(t.Dp(88)), Style: Style{TextSize: t.Headline, PadX: t.Dp(24)}})
			search := col.next(t.Dp(64)).Inset(t.Dp(8))
			root.Add(&Node{Class: "android.widget.TextView", ResourceID: settingsPkg + ":id/search_action_bar_title", Text: "Search Settings",
				Bounds: search, OnClick: func(p *Phone) { p.Push(settingsSearch()) },
				Style: Style{Bg: t.SurfaceVariant, Radius: search.Dy() / 2, Fg: t.OnSurfaceMuted, PadX: t.Dp(24)}})
			sub := func(title string, rows func(p *Phone) []listRow) func(p *Phone) {
				return func(p *Phone) { p.Push(settingsSub(title, rows)) }
			}
			rows := []listRow{
				{Title: "Network & internet", Summary: "Mobile, Wi-Fi, hotspot", OnClick: sub("Network & internet", networkRows)},
				{Title: "Connected devices", Summary: "Bluetooth, pairing", OnClick: sub("Connected devices", connectedRows)},
				{Title: "Apps", Summary: "Recent apps, default apps", OnClick: sub("Apps", appsRows)},
				{Title: "Notifications", Summary: "Notification history, conversations", OnClick: sub("Notifications", placeholderRows("Notification history", "Conversations", "Do Not Disturb"))},
				{Title: "Battery", Summary: "100%", OnClick: sub("Battery", placeholderRows("Battery Saver", "Battery usage", "Battery percentage"))},
				{Title: "Storage", Summary: "38% used · 79 GB free", OnClick: sub("Storage", placeholderRows("Apps", "Images", "Documents & other"))},
				{Title: "Sound & vibration", Summary: "Volume, haptics, Do Not Disturb", OnClick: sub("Sound & vibration", placeholderRows("Media volume", "Ring volume", "Vibration & haptics"))},
				{Title: "Display", Summary: "Dark theme, font size, brightness", OnClick: sub("Display", displayRows)},
				{Title: "Wallpaper & style", Summary: "Colours, themed icons, app grid", OnClick: sub("Wallpaper & style", placeholderRows("Wallpaper", "Colour palette"))},
				{Title: "Accessibility", Summary: "Display, interaction, audio", OnClick: sub("Accessibility", placeholderRows("TalkBack", "Select to Speak", "Colour and motion"))},
				{Title: "Security & privacy", Summary: "App security, device lock, permissions", OnClick: sub("Security & privacy", securityRows)},
				{Title: "Location", Summary: "On · 3 apps have access to location", OnClick: sub("Location", placeholderRows("Use location", "App location permissions"))},
				{Title: "Safety & emergency", Summary: "Emergency SOS, medical info, alerts", OnClick: sub("Safety & emergency", placeholderRows("Emergency SOS", "Medical information"))},
				{Title: "Passwords & accounts", Summary: "Saved passwords, autofill, synced accounts", OnClick: sub("Passwords & accounts", placeholderRows("Passwords", "Autofill service"))},
				{Title: "Digital Wellbeing & parental controls", Summary: "Screen time, app timers, bedtime schedules", OnClick: sub("Digital Wellbeing", placeholderRows("Dashboard", "Bedtime mode"))},
				{Title: "System", Summary: "Languages, gestures, time, backup", OnClick: sub("System", placeholderRows("Languages", "Gestures", "Date & time", "Backup", "Reset options"))},
				{Title: "About phone", Summary: p.cfg.Model, OnClick: sub("About phone", aboutRows)},
				{Title: "Tips & support", Summary: "Help articles, phone & chat", OnClick: sub("Tips & support", placeholderRows("Help articles"))},
			}
			for i := range rows {
				rows[i].Icon = rows[i].Title[:1]
				rows[i].ID = fmt.Sprintf("%s:id/dashboard_tile_%d", settingsPkg, i)
			}
			root.Add(rowsList(t, a, settingsPkg+":id/recycler_view", col.rest(), rows))
			return root
		}}
}

// settingsSub is a SubSettings page with an app bar and rows.
func settingsSub(title string, rows func(p *Phone) []listRow) *Activity {
	return &Activity{Name: ".SubSettings", Title: title, App: lookupApp(settingsPkg), Scroll: map[string]int{},
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), settingsPkg, title, true))
			root.Add(rowsList(t, a, settingsPkg+":id/recycler_view", col.rest(), rows(p)))
			return root
		}}
}

// toggle builds a switch row bound to a settings key ("1"/"0" unless on and
// off say otherwise).
func toggle(p *Phone, title, summary, ns, key, on, off string) listRow {
	v := p.settings[ns][key] == on
	return listRow{Title: title, Summary: summary, Switch: &v, OnClick: func(p *Phone) {
		if v {
			p.SetSetting(ns, key, off)
		} else {
			p.SetSetting(ns, key, on)
		}
	}}
}

func networkRows(p *Phone) []listRow {
	wifi := toggle(p, "Wi-Fi", "", "global", "wifi_on", "1", "0")
	if p.settings["global"]["wifi_on"] == "1" {
		wifi.Summary = "Connected to HomeNet-5G"
	} else {
		wifi.Summary = "Off"
	}
	return []listRow{
		{Title: "Internet", Summary: "HomeNet-5G"},
		wifi,
		{Title: "Calls & SMS", Summary: "Carrier"},
		{Title: "SIMs", Summary: "Carrier"},
		toggle(p, "Airplane mode", "", "global", "airplane_mode_on", "1", "0"),
		{Title: "Hotspot & tethering", Summary: "Off"},
		{Title: "Data Saver", Summary: "Off"},
		{Title: "VPN", Summary: "None"},
		{Title: "Private DNS", Summary: "Automatic"},
	}
}

func connectedRows(p *Phone) []listRow {
	bt := toggle(p, "Bluetooth", "", "global", "bluetooth_on", "1", "0")
	if p.settings["global"]["bluetooth_on"] == "1" {
		bt.Summary = "On · visible as " + p.cfg.Model
	} else {
		bt.Summary = "Off"
	}
	return []listRow{
		{Title: "Pair new device"},
		bt,
		{Title: "Connection preferences", Summary: "NFC, Android Auto, printing"},
	}
}

func displayRows(p *Phone) []listRow {
	b, _ := strconv.Atoi(p.settings["system"]["screen_brightness"])
	return []listRow{
		{Title: "Brightness level", Summary: fmt.Sprintf("%d%%", (b*100+127)/255), OnClick: func(p *Phone) { p.Push(brightnessPage()) }},
		toggle(p, "Adaptive brightness", "Optimise brightness for the light around you", "system", "screen_brightness_mode", "1", "0"),
		toggle(p, "Dark theme", "Use a dark background to save battery", "secure", "ui_night_mode", "2", "1"),
		{Title: "Screen timeout", Summary: "After 30 seconds of inactivity"},
		{Title: "Font size and text", Summary: "Default"},
		{Title: "Auto-rotate screen", Summary: "Off"},
	}
}

// brightnessPage is a slider; tapping along it sets the level.
func brightnessPage() *Activity {
	return &Activity{Name: ".SubSettings", Title: "Brightness", App: lookupApp(settingsPkg), Scroll: map[string]int{},
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), settingsPkg, "Brightness level", true))
			b, _ := strconv.Atoi(p.settings["system"]["screen_brightness"])
			sr := col.next(t.Dp(72))
			root.Add(&Node{Class: "android.widget.TextView", Text: fmt.Sprintf("%d%%", (b*100+127)/255), ResourceID: settingsPkg + ":id/brightness_value",
				Bounds: col.next(t.Dp(48)), Style: Style{Center: true}})
			slider := &Node{Class: "android.widget.SeekBar", ResourceID: settingsPkg + ":id/slider", ContentDesc: "Brightness",
				Bounds: sr, Value: float64(b) / 255, Style: Style{Widget: WidgetSlider}}
			x0, x1 := sr.Min.X+t.Dp(24), sr.Max.X-t.Dp(24)
			slider.OnTapAt = func(p *Phone, pt image.Point) {
				v := min(max(pt.X-x0, 0), x1-x0) * 255 / (x1 - x0)
				p.SetSetting("system", "screen_brightness", strconv.Itoa(v))
			}
			root.Add(slider)
			return root
		}}
}

func lockName(p *Phone) string {
	switch p.settings["secure"]["lockscreen.password_type"] {
	case lockNone, "":
		return "None"
	case lockPIN:
		return "PIN"
	}
	return "Password"
}

func securityRows(p *Phone) []listRow {
	return []listRow{
		{Title: "App security", Summary: "No apps scanned"},
		{Title: "Device unlock", Summary: "Screen lock: " + lockName(p), OnClick: func(p *Phone) { p.Push(settingsSub("Device unlock", deviceUnlockRows)) }},
		{Title: "Privacy controls", Summary: "Permissions, account activity, personal data"},
		{Title: "More security & privacy", Summary: "Encryption, credentials and more"},
	}
}

func appsRows(p *Phone) []listRow {
	var rows []listRow
	for _, app := range p.installed() {
		if app.Hidden {
			continue
		}
		pkg := app.Package
		rows = append(rows, listRow{ID: settingsPkg + ":id/app_row", Title: app.Label, Summary: app.Package, Icon: app.Label[:1],
			OnClick: func(p *Phone) { p.Push(appInfo(pkg)) }})
	}
	return rows
}

// appInfo is an app's App info page: open, force stop, and uninstall (for
// apps that are not part of the system), confirmed in the package
// installer's dialog.
func appInfo(pkg string) *Activity {
	return &Activity{Name: ".applications.InstalledAppDetails", Title: "App info", App: lookupApp(settingsPkg),
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), settingsPkg, "App info", true))
			app := lookupApp(pkg)
			if app == nil || p.disabled[pkg] {
				root.Add(textView(col.next(t.Dp(64)), "", "This app is not installed.", Style{Center: true, Fg: t.OnSurfaceMuted}))
				return root
			}
			ir := col.next(t.Dp(96))
			cx := (ir.Min.X + ir.Max.X) / 2
			root.Add(&Node{Class: "android.widget.ImageView", ResourceID: settingsPkg + ":id/entity_header_icon", Bounds: image.Rect(cx-t.Dp(36), ir.Min.Y+t.Dp(12), cx+t.Dp(36), ir.Max.Y-t.Dp(12)),
				Style: Style{Widget: WidgetIcon, Bg: app.IconBg, Fg: rgb(255, 255, 255), Glyph: app.IconGlyph}})
			root.Add(textView(col.next(t.Dp(48)), settingsPkg+":id/entity_header_title", app.Label, Style{Center: true, TextSize: t.Title}))
			root.Add(textView(col.next(t.Dp(32)), settingsPkg+":id/entity_header_summary", app.Package, Style{Center: true, TextSize: t.Small, Fg: t.OnSurfaceMuted}))
			br := col.next(t.Dp(72))
			w := br.Dx() / 3
			mk := func(i int, id, label string, enabled bool, fn func(p *Phone)) {
				b := button(t, image.Rect(br.Min.X+i*w+t.Dp(8), br.Min.Y+t.Dp(12), br.Min.X+(i+1)*w-t.Dp(8), br.Max.Y-t.Dp(12)), settingsPkg+":id/"+id, label, false, fn)
				if !enabled {
					b.Disabled = true
					b.Style.Fg = t.OnSurfaceMuted
				}
				root.Add(b)
			}
			mk(0, "button1", "Open", true, func(p *Phone) { _ = p.launch(pkg) })
			mk(1, "button2", "Uninstall", !app.System, func(p *Phone) {
				a.Dialog = func(p *Phone, a *Activity, screen Rect) *Node {
					t := p.Theme()
					d := p.dialogBox(screen, app.Label, "Do you want to uninstall this app?",
						textButton(t, "android:id/button2", "Cancel", func(p *Phone) { a.Dialog = nil; p.changed() }),
						textButton(t, "android:id/button1", "OK", func(p *Phone) {
							a.Dialog = nil
							if err := p.uninstall(pkg); err == nil {
								sd := settingsOf(p)
								sd.Uninstalled = append(sd.Uninstalled, pkg)
								p.Finish()
							}
						}))
					d.Walk(func(n *Node) bool { n.Package = "com.google.android.packageinstaller"; return true })
					return d
				}
			})
			mk(2, "button3", "Force stop", true, func(p *Phone) {
				confirm(a, "Force stop?", "If you force stop an app, it may misbehave.", "OK", func(p *Phone) {
					var keep []*Activity
					for _, x := range p.stack {
						if x.App.Package != pkg {
							keep = append(keep, x)
						}
					}
					p.stack = keep
				})
			})
			rows := []listRow{
				{Title: "Notifications", Summary: "On"},
				{Title: "Permissions", Summary: permissionSummary(p, pkg)},
				{Title: "Storage & cache", Summary: "48.2 MB used in internal storage"},
				{Title: "Version", Summary: "version 1.0.0"},
			}
			root.Add(rowsList(t, a, settingsPkg+":id/recycler_view", col.rest(), rows))
			return root
		}}
}

func permissionSummary(p *Phone, pkg string) string {
	var granted []string
	for _, perm := range sortedKeys(p.grants[pkg]) {
		if p.grants[pkg][perm] == "granted" {
			granted = append(granted, perm[strings.LastIndex(perm, ".")+1:])
		}
	}
	if len(granted) == 0 {
		return "No permissions allowed"
	}
	return strings.Join(granted, ", ")
}

func deviceUnlockRows(p *Phone) []listRow {
	return []listRow{
		{ID: settingsPkg + ":id/screen_lock", Title: "Screen lock", Summary: lockName(p), OnClick: func(p *Phone) {
			if lockName(p) == "None" {
				p.Push(chooseLock())
				return
			}
			p.Push(lockPasswordPage("confirm", "", ""))
		}},
		{Title: "Face & Fingerprint Unlock", Summary: "Set a screen lock first"},
		{Title: "Lock screen", Summary: "Show all notification content"},
	}
}

// chooseLock is the "Choose a screen lock" page.
func chooseLock() *Activity {
	return &Activity{Name: ".password.ChooseLockGeneric", Title: "Choose a screen lock", App: lookupApp(settingsPkg),
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			root.Add(toolbar(t, col.next(t.Dp(64)), settingsPkg, "Choose a screen lock", true))
			rows := []listRow{
				{ID: settingsPkg + ":id/lock_none", Title: "None", Summary: "Current screen lock: " + lockName(p), OnClick: func(p *Phone) {
					if lockName(p) == "None" {
						p.Finish()
						return
					}
					confirm(a, "Remove device protection?", "Device protection features will no longer work. Anyone who picks up your phone can open it.", "Delete", func(p *Phone) {
						p.SetSetting("secure", "lockscreen.password_type", lockNone)
						settingsOf(p).ScreenLock = ScreenLock{Type: "none"}
						p.Finish()
					})
				}},
				{ID: settingsPkg + ":id/lock_pin", Title: "PIN", Summary: "4 or more numbers", OnClick: func(p *Phone) { p.Replace(lockPasswordPage("pin", "", "")) }},
				{ID: settingsPkg + ":id/lock_password", Title: "Password", Summary: "4 or more characters", OnClick: func(p *Phone) { p.Replace(lockPasswordPage("password", "", "")) }},
			}
			root.Add(rowsList(t, a, settingsPkg+":id/recycler_view", col.rest(), rows))
			return root
		}}
}

// lockPasswordPage asks for a password: mode "confirm" checks the current
// one, "pin"/"password" takes a new one, and with first set asks to re-enter
// it.
func lockPasswordPage(mode, first, _ string) *Activity {
	var v, errMsg string
	title := map[string]string{"confirm": "Confirm your screen lock", "pin": "Set a PIN", "password": "Set a password"}[mode]
	if first != "" {
		title = "Re-enter your " + map[string]string{"pin": "PIN", "password": "password"}[mode]
	}
	field := settingsPkg + ":id/password_entry"
	a := &Activity{Name: ".password.ChooseLockPassword", Title: title, App: lookupApp(settingsPkg), Focus: field}
	if mode == "confirm" {
		a.Name = ".password.ConfirmLockPassword"
	}
	next := func(p *Phone) {
		switch {
		case mode == "confirm":
			if v != settingsOf(p).ScreenLock.Password {
				errMsg, v = "Wrong password. Try again.", ""
				p.changed()
				return
			}
			p.Replace(chooseLock())
		case len([]rune(v)) < 4:
			errMsg = "Must be at least 4 characters"
			p.changed()
		case mode == "pin" && digits(v) != v:
			errMsg = "PIN can contain digits 0-9 only"
			p.changed()
		case first == "":
			p.Replace(lockPasswordPage(mode, v, ""))
		case v != first:
			errMsg, v = "Passwords don't match", ""
			p.changed()
		default:
			typ := lockPassword
			if mode == "pin" {
				typ = lockPIN
			}
			p.SetSetting("secure", "lockscreen.password_type", typ)
			settingsOf(p).ScreenLock = ScreenLock{Type: mode, Password: v}
			p.Finish()
			p.Toast("Screen lock set")
		}
	}
	a.View = func(p *Phone, a *Activity, r Rect) *Node {
		t := p.Theme()
		root := screenRoot(t, r)
		col := newColumn(r)
		root.Add(toolbar(t, col.next(t.Dp(64)), settingsPkg, "", true))
		root.Add(textView(col.next(t.Dp(64)), settingsPkg+":id/headerText", title, Style{TextSize: t.Headline, PadX: t.Dp(24)}))
		hint := "For security, set a password"
		if mode == "confirm" {
			hint = "Enter your current screen lock to continue"
		}
		root.Add(textView(col.next(t.Dp(40)), settingsPkg+":id/sud_layout_description", hint, Style{TextSize: t.Small, Fg: t.OnSurfaceMuted, PadX: t.Dp(24)}))
		col.next(t.Dp(24))
		root.Add(editText(t, col.next(t.Dp(56)), field, "", &v, Field{Password: true, Numeric: mode == "pin", Submit: next}))
		if errMsg != "" {
			root.Add(textView(col.next(t.Dp(40)), settingsPkg+":id/error", errMsg, Style{TextSize: t.Small, Fg: t.Danger}))
		}
		br := col.next(t.Dp(72))
		label := "Next"
		if first != "" {
			label = "Confirm"
		}
		root.Add(button(t, image.Rect(br.Max.X-t.Dp(136), br.Min.Y+t.Dp(12), br.Max.X-t.Dp(16), br.Max.Y-t.Dp(12)), settingsPkg+":id/next_button", label, true, next))
		root.Add(button(t, image.Rect(br.Min.X+t.Dp(16), br.Min.Y+t.Dp(12), br.Min.X+t.Dp(136), br.Max.Y-t.Dp(12)), settingsPkg+":id/cancel_button", "Cancel", false, func(p *Phone) { p.Finish() }))
		return root
	}
	return a
}

func aboutRows(p *Phone) []listRow {
	return []listRow{
		{Title: "Device name", Summary: p.cfg.Model},
		{Title: "Phone number", Summary: "Unknown"},
		{Title: "Model", Summary: p.cfg.Model},
		{Title: "Android version", Summary: "14"},
		{Title: "IP address", Summary: "Unavailable"},
		{Title: "Build number", Summary: "MOBSIM.240612.001"},
	}
}

func placeholderRows(titles ...string) func(p *Phone) []listRow {
	return func(p *Phone) []listRow {
		rows := make([]listRow, len(titles))
		for i, tl := range titles {
			rows[i] = listRow{Title: tl}
		}
		return rows
	}
}

// settingsSearch filters every settings page title by the query typed.
func settingsSearch() *Activity {
	query := new(string)
	return &Activity{Name: ".search.SearchActivity", Title: "Search", App: lookupApp(settingsPkg), Scroll: map[string]int{},
		Focus: settingsPkg + ":id/search_src_text",
		View: func(p *Phone, a *Activity, r Rect) *Node {
			t := p.Theme()
			root := screenRoot(t, r)
			col := newColumn(r)
			bar := col.next(t.Dp(64))
			root.Add(&Node{Class: "android.widget.ImageButton", ContentDesc: "Navigate up", Text: "<",
				Bounds: image.Rect(bar.Min.X, bar.Min.Y, bar.Min.X+bar.Dy(), bar.Max.Y), OnClick: func(p *Phone) { p.Finish() },
				Style: Style{Center: true, TextSize: t.Title}})
			root.Add(&Node{ResourceID: settingsPkg + ":id/search_src_text", Hint: "Search settings",
				Bounds: image.Rect(bar.Min.X+bar.Dy(), bar.Min.Y, bar.Max.X, bar.Max.Y),
				Field:  &Field{Value: query}, Style: Style{Widget: WidgetEdit}})
			var rows []listRow
			if q := strings.ToLower(strings.TrimSpace(*query)); q != "" {
				for _, e := range searchIndex {
					if strings.Contains(strings.ToLower(e.title), q) {
						e := e
						rows = append(rows, listRow{Title: e.title, Summary: e.page, OnClick: func(p *Phone) {
							p.Replace(settingsSub(e.page, e.rows))
						}})
					}
				}
				if len(rows) == 0 {
					rows = append(rows, listRow{Title: "No results for \"" + *query + "\""})
				}
			}
			root.Add(rowsList(t, a, settingsPkg+":id/list_results", col.rest(), rows))
			return root
		}}
}

type searchEntry struct {
	title, page string
	rows        func(p *Phone) []listRow
}

var searchIndex = []searchEntry{
	{"Wi-Fi", "Network & internet", networkRows},
	{"Airplane mode", "Network & internet", networkRows},
	{"Hotspot & tethering", "Network & internet", networkRows},
	{"Bluetooth", "Connected devices", connectedRows},
	{"Pair new device", "Connected devices", connectedRows},
	{"Dark theme", "Display", displayRows},
	{"Brightness level", "Display", displayRows},
	{"Adaptive brightness", "Display", displayRows},
	{"Screen timeout", "Display", displayRows},
	{"Device unlock", "Security & privacy", securityRows},
	{"Screen lock", "Device unlock", deviceUnlockRows},
	{"App info", "Apps", appsRows},
	{"Android version", "About phone", aboutRows},
	{"Build number", "About phone", aboutRows},
}
