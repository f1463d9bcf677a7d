package mobilebench

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/format"
)

// Prober runs commands on a phone like the ones a run uses, to tell which
// items it can host: `pm list packages`, `mobsim reset` and each API call
// an item checks. *adb.Device is one; so is a virtual phone in process.
type Prober interface {
	Shell(ctx context.Context, argv ...string) (device.ShellResult, error)
}

// ReasonKind says why an item cannot run on the phone.
type ReasonKind string

// The reasons, as words.
const (
	// NoInstruction: the query is not words a person says (an intent
	// object, or empty).
	NoInstruction ReasonKind = "no_instruction"
	// NoApp: the item names no app (no package, component or app name);
	// most are voice-assistant questions whose answers the check points read.
	NoApp ReasonKind = "no_app"
	// MissingApp: an app the item needs is not on the phone.
	MissingApp ReasonKind = "missing_app"
	// MissingAPI: an API call the item checks fails on the phone, or cannot
	// run as written.
	MissingAPI ReasonKind = "missing_api"
	// MissingActivity: an activity the item checks does not start on the
	// phone.
	MissingActivity ReasonKind = "missing_activity"
	// MissingView: a view (resource id) the item checks is not in the
	// phone's apps.
	MissingView ReasonKind = "missing_view"
	// Unreachable: the check point cannot be met by any history an agent
	// would write (the reference's "&" lists).
	Unreachable ReasonKind = "unreachable"
)

// ReasonKinds lists the reasons in report order.
func ReasonKinds() []ReasonKind {
	return []ReasonKind{NoInstruction, NoApp, MissingApp, MissingAPI, MissingActivity, MissingView, Unreachable}
}

// Reason is why an item cannot run.
type Reason struct {
	Kind   ReasonKind `json:"kind"`
	Detail string     `json:"detail"`
}

// ItemCoverage is whether the phone can host one item.
type ItemCoverage struct {
	Set      Set    `json:"set"`
	ID       int    `json:"id"`
	Runnable bool   `json:"runnable"`
	Domain   string `json:"domain,omitempty"`
	// Packages are the apps the item needs.
	Packages []string `json:"packages,omitempty"`
	Reasons  []Reason `json:"reasons,omitempty"`
}

// SetCoverage counts one set's items.
type SetCoverage struct {
	Items    int `json:"items"`
	Runnable int `json:"runnable"`
}

// Coverage is which items a phone can host, and why the others not.
type Coverage struct {
	Format   int                  `json:"format"`
	Items    int                  `json:"items"`
	Runnable int                  `json:"runnable"`
	Sets     map[Set]*SetCoverage `json:"sets"`
	// Reasons counts the items that have each reason (an item may have
	// several).
	Reasons map[ReasonKind]int `json:"reasons"`
	Results []ItemCoverage     `json:"results"`
}

// Runnable returns the items cov marks runnable, in items' order.
func (c *Coverage) RunnableItems(items []Item) []Item {
	ok := map[itemKey]bool{}
	for _, r := range c.Results {
		if r.Runnable {
			ok[itemKey{r.Set, r.ID}] = true
		}
	}
	var out []Item
	for _, it := range items {
		if ok[itemKey{it.Set, it.ID}] {
			out = append(out, it)
		}
	}
	return out
}

// ErrNotVirtualPhone: a command only mobagent's virtual phone has failed.
var ErrNotVirtualPhone = errors.New("mobilebench: the phone has no `mobsim` command: items run, and are checked, only on mobagent's virtual phone (mobagent sim serve --vendor xiaomi)")

// CheckCoverage tells which items the phone p can host: every app an item
// needs is installed (its package check point, the packages of its
// components and API calls, the apps its app field names in the API list
// apps), every API call it checks runs with exit status 0 on a freshly
// reset phone, every activity it checks starts, every view it checks is
// the phone's, and no check point is one no honest history meets. Text
// check points are always reachable (an agent can type them). It resets p
// before each API call it tries.
func CheckCoverage(ctx context.Context, items []Item, apps []APIApp, p Prober) (*Coverage, error) {
	res, err := p.Shell(ctx, "pm", "list", "packages")
	if err != nil {
		return nil, fmt.Errorf("mobilebench: list the phone's packages: %w", err)
	}
	installed := map[string]bool{}
	for _, l := range strings.Split(string(res.Stdout), "\n") {
		if pkg, ok := strings.CutPrefix(strings.TrimSpace(l), "package:"); ok {
			installed[pkg] = true
		}
	}
	c := &coverer{ctx: ctx, p: p, installed: installed, apps: apps, probed: map[string]probe{}}
	cov := &Coverage{Format: format.Version, Sets: map[Set]*SetCoverage{}, Reasons: map[ReasonKind]int{}}
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ic, err := c.item(it)
		if err != nil {
			return nil, err
		}
		cov.Results = append(cov.Results, ic)
		s := cov.Sets[it.Set]
		if s == nil {
			s = &SetCoverage{}
			cov.Sets[it.Set] = s
		}
		s.Items++
		cov.Items++
		if ic.Runnable {
			s.Runnable++
			cov.Runnable++
		}
		seen := map[ReasonKind]bool{}
		for _, r := range ic.Reasons {
			if !seen[r.Kind] {
				seen[r.Kind] = true
				cov.Reasons[r.Kind]++
			}
		}
	}
	return cov, nil
}

type probe struct {
	ok  bool
	msg string
}

type coverer struct {
	ctx       context.Context
	p         Prober
	installed map[string]bool
	apps      []APIApp
	probed    map[string]probe // by argv joined
}

// run runs argv on a freshly reset phone.
func (c *coverer) run(argv []string) (probe, error) {
	key := strings.Join(argv, "\x00")
	if pr, ok := c.probed[key]; ok {
		return pr, nil
	}
	r, err := c.p.Shell(c.ctx, "mobsim", "reset")
	if err != nil {
		return probe{}, fmt.Errorf("mobilebench: reset the phone: %w", err)
	}
	if r.ExitCode == 127 {
		return probe{}, ErrNotVirtualPhone
	}
	r, err = c.p.Shell(c.ctx, argv...)
	if err != nil {
		return probe{}, fmt.Errorf("mobilebench: run %s on the phone: %w", strings.Join(argv, " "), err)
	}
	pr := probe{ok: r.ExitCode == 0}
	if !pr.ok {
		msg := strings.TrimSpace(string(r.Stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(r.Stdout))
		}
		msg = strings.ReplaceAll(msg, "\n", " ")
		pr.msg = fmt.Sprintf("exit %d: %s", r.ExitCode, actions.Excerpt(msg, 160))
	}
	c.probed[key] = pr
	return pr, nil
}

// looksLikePackage: dotted words, no slash or colon.
func looksLikePackage(s string) bool {
	if s == "" || strings.ContainsAny(s, "/: |") || !strings.Contains(s, ".") || strings.HasPrefix(s, ".") {
		return false
	}
	return true
}

func (c *coverer) item(it Item) (ItemCoverage, error) {
	ic := ItemCoverage{Set: it.Set, ID: it.ID, Domain: it.Domain()}
	add := func(k ReasonKind, format string, args ...any) {
		ic.Reasons = append(ic.Reasons, Reason{Kind: k, Detail: fmt.Sprintf(format, args...)})
	}
	switch {
	case it.Query.Raw != nil:
		add(NoInstruction, "the query is an intent object (%s), not words a person says", actions.Excerpt(string(it.Query.Raw), 80))
	case strings.TrimSpace(it.Instruction()) == "":
		add(NoInstruction, "the query is empty")
	}
	needs := map[string]bool{}
	need := func(pkg string) {
		if pkg != "" {
			needs[pkg] = true
		}
	}
	// The apps the app field names, through the API list's names.
	for _, name := range it.App.Values {
		for _, a := range c.apps {
			if a.Package != "" && (a.NameZH == name || (a.NameEN != "" && strings.EqualFold(a.NameEN, name))) {
				need(a.Package)
			}
		}
	}
	cp := it.CheckPoint
	for i, key := range scoredKeys {
		v := *cp.values()[i]
		if !v.truthy() {
			continue
		}
		elems, op := fixedElems(v)
		if !v.List {
			elems = []string{v.Str}
		}
		if op == '&' {
			add(Unreachable, "its %s check point is an '&' list (%s): the reference passes it only when every history entry holds every element, which no history of more than one kind of action does", key, actions.Excerpt(strings.Join(elems, ", "), 100))
			continue
		}
		var fails []Reason
		okAny := false
		for _, e := range elems {
			r, pkgs, err := c.reach(key, e, it)
			if err != nil {
				return ic, err
			}
			for _, p := range pkgs {
				need(p)
			}
			if r == nil {
				okAny = true
			} else {
				fails = append(fails, *r)
			}
		}
		if op == '|' && okAny {
			continue
		}
		ic.Reasons = append(ic.Reasons, fails...)
	}
	ic.Packages = sortedKeys(needs)
	for _, p := range ic.Packages {
		if !c.installed[p] {
			add(MissingApp, "%s is not on the phone", p)
		}
	}
	if len(ic.Packages) == 0 && len(ic.Reasons) == 0 {
		d := it.Domain()
		if d == "" {
			d = "no domain"
		}
		add(NoApp, "the item names no app (%s): no package, component or app the phone could open", d)
	}
	ic.Reasons = dedupReasons(ic.Reasons)
	ic.Runnable = len(ic.Reasons) == 0
	return ic, nil
}

func dedupReasons(rs []Reason) []Reason {
	var out []Reason
	for _, r := range rs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// reach says whether one element of a check point can be met, and which
// apps meeting it needs.
func (c *coverer) reach(key, e string, it Item) (*Reason, []string, error) {
	if key != KeyText && strings.ContainsAny(e, "\r\n") {
		return &Reason{Unreachable, fmt.Sprintf("its %s check point %q holds a line break, which no history entry holds: the reference reads an action or API call from one line of the model's reply", key, actions.Excerpt(e, 100))}, nil, nil
	}
	switch key {
	case KeyText:
		return nil, nil, nil
	case KeyPackage:
		return c.launchable(e)
	case KeyResourceID:
		if looksLikePackage(e) {
			return c.launchable(e)
		}
		pkg, _, _ := strings.Cut(e, ":")
		var pkgs []string
		if looksLikePackage(pkg) {
			pkgs = []string{pkg}
		}
		return &Reason{MissingView, fmt.Sprintf("the view %s is not in the phone's apps", actions.Excerpt(e, 100))}, pkgs, nil
	case KeyActivity:
		switch {
		case looksLikePackage(e):
			return c.launchable(e)
		case strings.Contains(e, "/") && !strings.ContainsAny(e, " |"):
			pkg, _, _ := strings.Cut(e, "/")
			pr, err := c.run([]string{"am", "start", "-n", e})
			if err != nil {
				return nil, nil, err
			}
			if !pr.ok {
				return &Reason{MissingActivity, fmt.Sprintf("%s does not start: %s", e, pr.msg)}, []string{pkg}, nil
			}
			return nil, []string{pkg}, nil
		case strings.HasPrefix(e, ".") && !strings.ContainsAny(e, " |/"):
			// A class relative to the item's app: a component of one of
			// its packages that starts holds it.
			for _, pkg := range itemPackages(it) {
				pr, err := c.run([]string{"am", "start", "-n", pkg + "/" + e})
				if err != nil {
					return nil, nil, err
				}
				if pr.ok {
					return nil, []string{pkg}, nil
				}
			}
			return &Reason{MissingActivity, fmt.Sprintf("no app of the item has the activity %s", e)}, nil, nil
		}
		return &Reason{MissingActivity, fmt.Sprintf("%q names no component or package the phone could start", actions.Excerpt(e, 100))}, nil, nil
	case KeyAPI:
		argv, err := actions.ParseADBCommand(e)
		if err != nil {
			return &Reason{MissingAPI, fmt.Sprintf("%s cannot run as written: %v", actions.Excerpt(strings.TrimSpace(e), 100), err)}, nil, nil
		}
		pkgs := commandPackages(argv)
		pr, err := c.run(argv)
		if err != nil {
			return nil, nil, err
		}
		if !pr.ok {
			return &Reason{MissingAPI, fmt.Sprintf("%s fails on the phone: %s", actions.Excerpt(strings.TrimSpace(e), 100), pr.msg)}, pkgs, nil
		}
		return nil, pkgs, nil
	}
	return nil, nil, nil
}

// launchable says whether an app check point can be met: the app is on
// the phone and opens from its launcher activity (adb shell monkey -p PKG
// -c android.intent.category.LAUNCHER 1, an API call whose entry names the
// package).
func (c *coverer) launchable(pkg string) (*Reason, []string, error) {
	if !c.installed[pkg] {
		return &Reason{MissingApp, pkg + " is not on the phone"}, nil, nil
	}
	pr, err := c.run([]string{"monkey", "-p", pkg, "-c", "android.intent.category.LAUNCHER", "1"})
	if err != nil {
		return nil, nil, err
	}
	if !pr.ok {
		return &Reason{MissingActivity, fmt.Sprintf("%s has no launcher activity (monkey -p %s: %s)", pkg, pkg, pr.msg)}, []string{pkg}, nil
	}
	return nil, []string{pkg}, nil
}

// itemPackages are the packages an item's package check point names.
func itemPackages(it Item) []string {
	elems, _ := fixedElems(it.CheckPoint.Package)
	var out []string
	for _, e := range elems {
		if looksLikePackage(e) {
			out = append(out, e)
		}
	}
	return out
}

// commandPackages are the packages an API call's argv names: -n and
// positional components, -p and positional packages.
func commandPackages(argv []string) []string {
	if len(argv) < 2 || argv[0] != "am" {
		if len(argv) >= 3 && argv[0] == "monkey" && argv[1] == "-p" {
			return []string{argv[2]}
		}
		return nil
	}
	var out []string
	for i := 2; i < len(argv); i++ {
		a := argv[i]
		switch {
		case (a == "-n" || a == "-p") && i+1 < len(argv):
			pkg, _, _ := strings.Cut(argv[i+1], "/")
			out = append(out, pkg)
			i++
		case strings.HasPrefix(a, "-"):
			if _, ok := extraOptionArity[a]; ok {
				i += extraOptionArity[a]
			} else if a == "-a" || a == "-d" || a == "-t" || a == "-c" || a == "-f" {
				i++
			}
		case i == len(argv)-1 && !strings.Contains(a, ":"):
			pkg, _, _ := strings.Cut(a, "/")
			if looksLikePackage(pkg) {
				out = append(out, pkg)
			}
		}
	}
	return out
}

// extraOptionArity is how many words follow am's extra options.
var extraOptionArity = map[string]int{"-e": 2, "--es": 2, "--ei": 2, "--el": 2, "--ez": 2, "--ef": 2, "--eu": 2, "--esn": 1, "--ecn": 2, "--eia": 2, "--ela": 2, "--efa": 2, "--esa": 2}
