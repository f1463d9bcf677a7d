package explore_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/memory"
	"github.com/mobagent/mobagent/memory/explore"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/sim/simtest"
)

const settings = "com.android.settings"

func TestExploreSettingsThenReplayThePathOnAFreshPhone(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the virtual phone through adb")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ph := simtest.Start(t)
	phone, dev := ph.Phone, ph.Device
	store, err := memory.Open(filepath.Join(t.TempDir(), "memory.db"), memory.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	per := &perception.Perceiver{NoVision: true}
	rep, err := explore.ExploreWith(ctx, dev, per, nil, store, "Settings", 30, explore.Options{Perceive: perception.PerceiveOptions{OCR: perception.OCRNever}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report: %+v", rep)
	if rep.App != settings || rep.Taps == 0 || rep.Taps > 30 || rep.Screens < 5 {
		t.Errorf("report = %+v; want up to 30 taps finding several screens", rep)
	}
	// The gate held what would delete or change security settings, and
	// nothing was uninstalled.
	if len(rep.Held) == 0 {
		t.Error("the gate held nothing; App info's Uninstall should have been held")
	}
	res0, err := dev.Shell(ctx, "pm", "list", "packages")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range phone.Installed() {
		if !strings.Contains(string(res0.Stdout), "package:"+a.Package) {
			t.Errorf("exploration uninstalled %s", a.Package)
		}
	}
	g, err := store.AppGraph(settings)
	if err != nil {
		t.Fatal(err)
	}
	entry, ok := g.Entry()
	if !ok || entry.Activity != settings+".Settings" {
		t.Fatalf("entry screen = %+v", entry)
	}
	path, ok := g.PathTo("Dark theme")
	if !ok || len(path) == 0 {
		t.Fatalf("no path to Dark theme in a graph of %d screens", len(g.Screens))
	}
	if path[len(path)-1].ToTitle != "Display" {
		t.Errorf("path = %+v; want it to end on Display", path)
	}
	if p2, ok2, err := store.PathTo(settings, "Dark theme"); err != nil || !ok2 || len(p2) != len(path) {
		t.Errorf("Store.PathTo = %v, %v, %v", p2, ok2, err)
	}
	if _, ok := g.PathTo("Transfer money"); ok {
		t.Error("a path to a label Settings does not have")
	}
	// Element descriptions were stored.
	var described int
	for _, sc := range g.Screens {
		for _, e := range sc.Elements {
			if e.Description != "" {
				described++
			}
		}
	}
	if described == 0 {
		t.Error("no element descriptions stored")
	}

	// Replay the path on a fresh phone.
	dev2 := simtest.Start(t).Device
	sc := g.PathShortcut("to_dark_theme", path)
	ex := actions.NewExecutor(dev2, actions.ExecutorConfig{SettleTimeout: -1})
	res, err := memory.RunShortcut(ctx, dev2, memory.PerceiverFunc(per, dev2, perception.PerceiveOptions{OCR: perception.OCRNever}), memory.ExecutorFunc(ex), sc, nil)
	if err != nil {
		t.Fatalf("replaying the explored path: %v\n%+v", err, sc)
	}
	if _, found := (memory.Selector{Text: "Dark theme"}).Find(res.Screen); !found {
		t.Errorf("the replay ended on %s", memory.Describe(res.Screen))
	}
}
