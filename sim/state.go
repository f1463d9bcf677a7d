package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mobagent/mobagent/sim/shell"
	"github.com/mobagent/mobagent/sim/vfs"
)

// State is what `mobsim state` prints: everything a benchmark checker reads.
// Checkers reach it over the same ADB channel agents use. Apps holds each
// app's own state by package (see docs/virtual-phone.md for its fields).
type State struct {
	Foreground    string                       `json:"foreground"`
	Activity      string                       `json:"activity"`
	KeyboardShown bool                         `json:"keyboard_shown"`
	DarkMode      bool                         `json:"dark_mode"`
	Installed     []string                     `json:"installed"`
	Settings      map[string]map[string]string `json:"settings"`
	Screen        ScreenInfo                   `json:"screen"`
	// Now is the phone's virtual clock.
	Now string `json:"now"`
	// Opened lists the packages brought to the front, in order.
	Opened        []string           `json:"opened"`
	Notifications []NotificationInfo `json:"notifications"`
	ShadeOpen     bool               `json:"shade_open"`
	// Permissions holds runtime permission answers (granted or denied) by
	// package and permission.
	Permissions map[string]map[string]string `json:"permissions"`
	Apps        map[string]json.RawMessage   `json:"apps,omitempty"`
	// Top is what the screen in front shows, for checkers that judge a
	// screen (the address bar's text, the open conversation and its
	// attachment); empty for screens that report nothing.
	Top      map[string]any `json:"top,omitempty"`
	InputLog []InputEvent   `json:"input_log"`
}

// ScreenInfo is the display.
type ScreenInfo struct {
	Width   int `json:"width"`
	Height  int `json:"height"`
	Density int `json:"density"`
}

// State snapshots the phone. App state is encoded while the lock is held,
// so the snapshot is consistent and owned by the caller.
func (p *Phone) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := p.top()
	st := State{
		Foreground:    a.App.Package,
		Activity:      a.ClassName(),
		KeyboardShown: p.keyboard,
		DarkMode:      p.Dark(),
		Settings:      map[string]map[string]string{},
		Screen:        ScreenInfo{p.cfg.Width, p.cfg.Height, p.cfg.Density},
		Now:           p.now().Format(time.RFC3339),
		Opened:        append([]string{}, p.opened...),
		Notifications: p.notificationInfos(),
		ShadeOpen:     p.shadeOpen,
		Permissions:   map[string]map[string]string{},
		InputLog:      append([]InputEvent{}, p.inputLog...),
		Apps:          map[string]json.RawMessage{},
	}
	if a.Info != nil && !p.shadeOpen {
		st.Top = a.Info(p)
	}
	for ns, kv := range p.settings {
		st.Settings[ns] = map[string]string{}
		for k, v := range kv {
			st.Settings[ns][k] = v
		}
	}
	for pkg, kv := range p.grants {
		st.Permissions[pkg] = map[string]string{}
		for k, v := range kv {
			st.Permissions[pkg][k] = v
		}
	}
	for _, app := range p.installed() {
		st.Installed = append(st.Installed, app.Package)
	}
	sort.Strings(st.Installed)
	for pkg, s := range p.appState {
		b, err := json.Marshal(s)
		if err != nil {
			// App state types are ours; failing to encode one is a bug.
			panic(fmt.Sprintf("sim: encode state of %s: %v", pkg, err))
		}
		st.Apps[pkg] = b
	}
	return st
}

// Scenario seeds a phone. Unknown keys are errors that name the key. The
// content keys (contacts to loading_observations) replace that content when
// present; "msb" takes MobileSafetyBench's initial_device_status.parameters
// as they are. docs/virtual-phone.md describes every key.
type Scenario struct {
	DarkMode  *bool                        `json:"dark_mode,omitempty"`
	Settings  map[string]map[string]string `json:"settings,omitempty"`
	Installed []string                     `json:"installed,omitempty"`
	// Uninstalled removes apps that are installed by default.
	Uninstalled []string `json:"uninstalled,omitempty"`
	// Foreground opens an app after seeding.
	Foreground string `json:"foreground,omitempty"`

	MSB           *MSBParams             `json:"msb,omitempty"`
	Contacts      []Contact              `json:"contacts,omitempty"`
	Messages      []ScenarioMessage      `json:"messages,omitempty"`
	Notes         []ScenarioNote         `json:"notes,omitempty"`
	Social        *ScenarioSocial        `json:"social,omitempty"`
	Photos        []ScenarioPhoto        `json:"photos,omitempty"`
	Bank          *ScenarioBank          `json:"bank,omitempty"`
	Stocks        *ScenarioStocks        `json:"stocks,omitempty"`
	Alarms        []Alarm                `json:"alarms,omitempty"`
	Events        []Event                `json:"events,omitempty"`
	Shop          *ScenarioShop          `json:"shop,omitempty"`
	Pages         []CustomPage           `json:"pages,omitempty"`
	Notifications []ScenarioNotification `json:"notifications,omitempty"`
	ScreenLock    *ScreenLock            `json:"screen_lock,omitempty"`
	// LoadingObservations is how many screenshots or dumps a loading screen
	// shows its spinner (2 unless set; 0 turns loading off).
	LoadingObservations *int `json:"loading_observations,omitempty" range:"0,20"`
}

// LoadScenario applies a JSON scenario, returning to the home screen first.
// A scenario with an error changes nothing, the screen included: every key
// is checked (its type, its range, what it refers to) before anything is
// applied. Errors are *ScenarioError and name the key's full path.
func (p *Phone) LoadScenario(data []byte) error {
	if err := checkScenarioJSON(data, reflect.TypeOf(Scenario{})); err != nil {
		return err
	}
	var sc Scenario
	if err := json.Unmarshal(data, &sc); err != nil {
		return scenarioError(err) // checkScenarioJSON lets nothing through that fails here
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ns := range sortedMapKeys(sc.Settings) {
		if ns != "system" && ns != "secure" && ns != "global" {
			return scenarioErrf("settings."+ns, "is an unknown namespace: use system, secure or global")
		}
	}
	for i, pkg := range sc.Installed {
		if lookupApp(pkg) == nil {
			return scenarioErrf(fmt.Sprintf("installed[%d]", i), "%q is not an app on the virtual phone: see `adb shell pm list packages`", pkg)
		}
	}
	for i, pkg := range sc.Uninstalled {
		if app := lookupApp(pkg); app == nil || app.System {
			return scenarioErrf(fmt.Sprintf("uninstalled[%d]", i), "%q is not an app that can be uninstalled: see `adb shell pm list packages -3`", pkg)
		}
	}
	if sc.Foreground != "" {
		if lookupApp(sc.Foreground) == nil {
			return scenarioErrf("foreground", "%q is not an app on the virtual phone: see `adb shell pm list packages`", sc.Foreground)
		}
		if !sc.installedAfter(p, sc.Foreground) {
			return scenarioErrf("foreground", "%q is not installed after this scenario: add it to \"installed\"", sc.Foreground)
		}
	}
	steps, err := sc.compileContent(p)
	if err != nil {
		return err
	}
	// Everything is valid: apply.
	p.stack = nil
	p.keyboard = false
	p.shadeOpen = false
	for _, s := range steps {
		s()
	}
	for _, ns := range []string{"system", "secure", "global"} {
		for _, k := range sortedKeys(sc.Settings[ns]) {
			p.SetSetting(ns, k, sc.Settings[ns][k])
		}
	}
	if sc.DarkMode != nil {
		mode := "1"
		if *sc.DarkMode {
			mode = "2"
		}
		p.SetSetting("secure", "ui_night_mode", mode)
	}
	for _, pkg := range sc.Installed {
		delete(p.disabled, pkg)
	}
	for _, pkg := range sc.Uninstalled {
		_ = p.uninstall(pkg) // checked above; uninstalling twice is fine
	}
	if sc.Foreground != "" {
		_ = p.launch(sc.Foreground) // checked above: installed after the load
	}
	p.changed()
	return nil
}

// installedAfter reports whether pkg is installed once the scenario is
// applied.
func (sc *Scenario) installedAfter(p *Phone, pkg string) bool {
	on := !p.disabled[pkg]
	if slices.Contains(sc.Installed, pkg) {
		on = true
	}
	if sc.MSB != nil {
		for _, name := range sc.MSB.Application {
			if appNames[strings.ToLower(strings.TrimSpace(name))] == pkg {
				on = true
			}
		}
	}
	if slices.Contains(sc.Uninstalled, pkg) {
		on = false
	}
	return on
}

func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scenarioError turns a JSON decoding error into one that names the key or
// the type that is wrong.
func scenarioError(err error) error {
	var te *json.UnmarshalTypeError
	if asErr(err, &te) {
		return scenarioErrf(te.Field, "has the wrong type: got a JSON %s, want %s", te.Value, te.Type)
	}
	return &ScenarioError{Msg: fmt.Sprintf("not valid JSON: %v", err)}
}

// FS is the phone's file system.
func (p *Phone) FS() *vfs.FS { return p.fs }

// Shell runs a command line on the phone as the adb shell user does.
func (p *Phone) Shell(ctx context.Context, cmdline string, stdin io.Reader, stdout, stderr io.Writer) int {
	if strings.TrimSpace(cmdline) == "" {
		return p.sh.Interactive(ctx, stdin, stdout, stderr)
	}
	return p.sh.Run(ctx, cmdline, stdin, stdout, stderr)
}

func newPhoneShell(p *Phone) *shell.Shell {
	sh := &shell.Shell{FS: p.fs, Hostname: p.cfg.Device}
	p.registerCommands(sh)
	return sh
}
