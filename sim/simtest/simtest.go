package simtest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/internal/adbtest"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/simserve"
)

// ADBServer starts a private adb server (internal/adbtest) and returns its
// address. It is stopped when t ends; without adb the test is skipped, or
// failed under CI.
func ADBServer(t testing.TB) string {
	t.Helper()
	s := adbtest.StartServer(t)
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port))
}

// Phone is a virtual phone served over ADB and connected to an adb server.
type Phone struct {
	*sim.Phone
	Serial string      // "127.0.0.1:PORT"
	Server string      // the adb server's address
	Device *adb.Device // the phone through the adb server
	Client *adb.Client // the adb server's client

	served *simserve.Served
	once   sync.Once
}

// Stop stops serving the phone, as a phone that is unplugged or crashes:
// the adb server loses it. (It is stopped when the test ends anyway.)
func (p *Phone) Stop() error {
	var err error
	p.once.Do(func() { err = p.served.Close() })
	return err
}

// Serve serves a new virtual phone (cfg; the zero value is a 1080×2400
// phone) on a free port, connects the adb server at server to it, and
// returns it. Everything stops when t ends.
func Serve(t testing.TB, server string, cfg sim.Config) *Phone {
	t.Helper()
	p, err := sim.NewPhone(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ServePhone(t, server, p)
}

// ServePhone is Serve for a phone the test built (and perhaps seeded).
func ServePhone(t testing.TB, server string, p *sim.Phone) *Phone {
	t.Helper()
	c, err := adb.NewClient(adb.Config{Server: server})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := simserve.Serve(ctx, p, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	ph := &Phone{Phone: p, Serial: s.Serial, Server: server, Device: s.Device, Client: c, served: s}
	t.Cleanup(func() {
		if err := ph.Stop(); err != nil {
			t.Error(err)
		}
	})
	return ph
}

// String names the phone in test output.
func (p *Phone) String() string {
	return fmt.Sprintf("virtual phone %s via adb server %s", p.Serial, p.Server)
}

// HalfSize is a half-size phone: the same layout in dp, a quarter of the
// pixels to encode and decode per observation, which keeps -race runs
// short.
var HalfSize = sim.Config{Width: 540, Height: 1200, Density: 210, Font: sim.FontGo}

// Start serves a fresh half-size phone behind a private adb server of its
// own until the test ends.
func Start(t testing.TB) *Phone {
	t.Helper()
	return Serve(t, ADBServer(t), HalfSize)
}
