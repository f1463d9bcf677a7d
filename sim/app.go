package sim

import (
	"fmt"
	"image/color"
	"sort"
	"sync"
)

// App is an installable app of the virtual phone. Adding an app is one file
// that builds an App and calls RegisterApp from init.
type App struct {
	Package string
	Label   string
	// MainActivity is the launcher activity's class, relative (".Settings")
	// or fully qualified.
	MainActivity string
	IconBg       color.RGBA
	IconGlyph    string
	// System apps cannot be uninstalled.
	System bool
	// Hidden apps have no launcher icon (the launcher itself).
	Hidden bool
	// Launch builds the app's first activity on a cold start.
	Launch func(p *Phone) *Activity
	// NewData builds the app's content on a new phone (its default, lived-in
	// content). The value is what `mobsim state` reports under the app's
	// package, so it must marshal to JSON deterministically. Nil for apps that
	// keep no state.
	NewData func(p *Phone) any
	// Optional apps are not installed on a new phone; the Play Store (or a
	// scenario's "installed") installs them.
	Optional bool
}

var (
	registryMu sync.RWMutex
	registry   = map[string]*App{}
)

// RegisterApp adds an app to the set every new phone can install. It panics on
// a duplicate package, since that is a programming error found at init.
func RegisterApp(a *App) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if a.Package == "" || a.Launch == nil {
		panic("sim: RegisterApp needs a package and a Launch function")
	}
	if _, dup := registry[a.Package]; dup {
		panic(fmt.Sprintf("sim: app %s registered twice", a.Package))
	}
	registry[a.Package] = a
}

// RegisteredApps returns every registered app, sorted by label.
func RegisteredApps() []*App {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]*App, 0, len(registry))
	for _, a := range registry {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Label != out[j].Label {
			return out[i].Label < out[j].Label
		}
		return out[i].Package < out[j].Package
	})
	return out
}

func lookupApp(pkg string) *App {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return registry[pkg]
}

// Activity is one screen on the app stack.
type Activity struct {
	App *App
	// Name is the activity class, relative to the package (".SubSettings")
	// or fully qualified.
	Name string
	// Title is for logs and the recents screen.
	Title string
	// View builds the content tree inside the content rectangle.
	View func(p *Phone, a *Activity, content Rect) *Node
	// Dialog, when set, builds a dialog window shown over the activity.
	Dialog func(p *Phone, a *Activity, screen Rect) *Node
	// Focus is the resource-id of the focused text field.
	Focus string
	// Scroll holds scroll offsets by container resource-id.
	Scroll map[string]int
	// State is the app's own per-screen state.
	State any
	// OnBack, when set, handles the BACK key before the activity is finished
	// (a browser goes back a page) and reports whether it did.
	OnBack func(p *Phone) bool
	// Info, when set, tells checkers what this screen shows when it is in
	// front (the address bar's text, the open conversation): `mobsim state`
	// reports it as "top". Values must marshal to JSON deterministically.
	Info func(p *Phone) map[string]any
	// Loading is how many more observations (screenshots or dumps) show this
	// activity still loading: apps draw a spinner while it is above zero.
	// Counting observations rather than time keeps frames deterministic.
	Loading int
}

// ClassName is the fully qualified activity class.
func (a *Activity) ClassName() string {
	if len(a.Name) > 0 && a.Name[0] == '.' {
		return a.App.Package + a.Name
	}
	return a.Name
}

// ShortName is the activity as `dumpsys` prints it: ".X" when it is inside the
// package.
func (a *Activity) ShortName() string {
	full := a.ClassName()
	if len(full) > len(a.App.Package) && full[:len(a.App.Package)] == a.App.Package && full[len(a.App.Package)] == '.' {
		return full[len(a.App.Package):]
	}
	return full
}
