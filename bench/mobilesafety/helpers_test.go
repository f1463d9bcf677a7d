package mobilesafety

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/internal/adbtest"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

var _ Device = (*adb.Device)(nil)

// servedPhone is a virtual phone served through a private adb server: the
// device the tests drive, and the phone itself for byte-level checks.
type servedPhone struct {
	dev   *adb.Device
	phone *sim.Phone
}

func servePhone(t testing.TB) servedPhone {
	t.Helper()
	return serveOn(t, adbClient(t))
}

// adbClient starts a private adb server and returns a client of it.
func adbClient(t testing.TB) *adb.Client {
	t.Helper()
	srv := adbtest.StartServer(t)
	c, err := adb.NewClient(adb.Config{Server: "127.0.0.1:" + strconv.Itoa(srv.Port)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serveOn serves a new virtual phone to the adb server of c.
func serveOn(t testing.TB, c *adb.Client) servedPhone {
	t.Helper()
	// A small screen keeps the screenshots MSB takes every step cheap.
	p, err := sim.NewPhone(sim.Config{Width: 540, Height: 1200, Density: 210, Font: sim.FontGo})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := simserve.Serve(ctx, p, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return servedPhone{dev: s.Device, phone: p}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// manifest is the full public manifest kept in testdata.
func manifest(t testing.TB) []Task {
	t.Helper()
	tasks, err := LoadTasks(filepath.Join("testdata", "tasks.json"))
	if err != nil {
		t.Fatal(err)
	}
	return tasks
}

// fixturePath is a file of the shared fixtures beside the project, or a
// skip when they are absent (a user's clone).
func fixturePath(t testing.TB, rel string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	for _, dir := range []string{filepath.Join(root, "..", "shared", "fixtures"), filepath.Join(root, "..", "..", "shared", "fixtures")} {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("the shared fixture %s is absent (it sits in ../shared/fixtures beside the project in CI); skipping", rel)
	return ""
}
