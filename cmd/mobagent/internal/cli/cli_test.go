package cli

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/internal/adbtest"
)

func cliStreams() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errb, Getenv: func(string) string { return "" }}, &out, &errb
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--no-such-flag"},
		{"devices", "extra-arg"},
		{"sim", "serve", "--size", "big"},
		{"sim", "serve", "--density", "5"},
		{"sim", "serve", "--font", "comic"},
		{"perceive", "--ocr", "sometimes"},
		{"task", "x", "--ocr", "--no-ocr"},
		{"bench", "aitw", "score"},
	} {
		s, _, errb := cliStreams()
		if code := Main(args, s); code != ExitUsage {
			t.Errorf("%v exited %d, want %d; stderr: %s", args, code, ExitUsage, errb)
		}
		if !strings.Contains(errb.String(), "mobagent: ") {
			t.Errorf("%v: no error message", args)
		}
	}
}

func TestParseSize(t *testing.T) {
	if w, h, err := ParseSize("720x1600"); err != nil || w != 720 || h != 1600 {
		t.Errorf("ParseSize = %d %d %v", w, h, err)
	}
	for _, bad := range []string{"", "720", "x", "-1x5", "axb", "720x"} {
		if _, _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// TestSimServeDevicesAndDoctor serves a phone, lists it with `devices`,
// checks `doctor`, then stops the phone as Ctrl-C would.
func TestSimServeDevicesAndDoctor(t *testing.T) {
	srv := adbtest.StartServer(t)
	server := "127.0.0.1:" + strconv.Itoa(srv.Port)
	s, _, errb := cliStreams()
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- simServeRun(ctx, &SimServeOptions{IO: s, Addr: "127.0.0.1:0", Size: "720x1600", Density: 320, Font: "go",
			Ready: func(a string) { ready <- a }})
	}()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("sim serve ended early: %v (%s)", err, errb)
	}
	srv.Connect(t, addr)

	ds, out, _ := cliStreams()
	if err := devicesRun(context.Background(), &DevicesOptions{IO: ds, Server: server}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), addr) || !strings.Contains(out.String(), "device") {
		t.Fatalf("devices output lacks the phone:\n%s", out)
	}

	dr, dout, _ := cliStreams()
	err := doctorRun(context.Background(), &DoctorOptions{IO: dr, Server: server})
	for _, want := range []string{"adb server", "devices", "tesseract", "fonts"} {
		if !strings.Contains(dout.String(), want) {
			t.Errorf("doctor output lacks %q:\n%s", want, dout)
		}
	}
	if !strings.Contains(dout.String(), addr) {
		t.Errorf("doctor did not list the online phone:\n%s", dout)
	}
	if strings.Contains(dout.String(), "FAIL") != (err != nil) {
		t.Errorf("doctor's exit disagrees with its report (err %v):\n%s", err, dout)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("sim serve returned %v after Ctrl-C", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sim serve did not stop after its context was cancelled")
	}
	if !strings.Contains(errb.String(), "virtual phone stopped") {
		t.Errorf("no stop message: %s", errb)
	}
}

func TestDoctorReportsAMissingServerWithAFix(t *testing.T) {
	s, out, _ := cliStreams()
	err := doctorRun(context.Background(), &DoctorOptions{IO: s, Server: "127.0.0.1:1"})
	if err == nil || !strings.Contains(out.String(), "FAIL  adb server") || !strings.Contains(out.String(), "fix:") {
		t.Fatalf("doctor with no server: %v\n%s", err, out)
	}
}

func TestSimServeRejectsABusyAddress(t *testing.T) {
	ln := adbtest.Listen(t)
	s, _, _ := cliStreams()
	err := simServeRun(context.Background(), &SimServeOptions{IO: s, Addr: ln.Addr().String(), Size: "1080x2400", Density: 420})
	if err == nil || !strings.Contains(err.Error(), "choose another --addr") {
		t.Fatalf("busy address: %v", err)
	}
}
