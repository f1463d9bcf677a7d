// Package simserve serves a virtual phone over the ADB protocol in this
// process and connects an adb server to it, so that callers reach the phone
// exactly as they reach a real one: through the adb server and device/adb.
//
// It is for the CLI, examples, benchmarks and tests; product packages must
// not import sim.
package simserve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/sim"
	"github.com/mobagent/mobagent/sim/adbd"
)

// Served is a phone being served and the device that reaches it. Close it
// when done.
type Served struct {
	Device *adb.Device
	// Serial is the phone's adb serial, its 127.0.0.1:PORT address.
	Serial string

	client *adb.Client
	cancel context.CancelFunc
	done   chan error
}

// Listen returns a loopback listener on a free port that the adb server
// leaves alone: not 5037, and not 5555–5585, which it probes for emulators
// by itself.
func Listen() (net.Listener, error) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("simserve: listen on 127.0.0.1: %w", err)
		}
		if port := ln.Addr().(*net.TCPAddr).Port; port != 5037 && (port < 5555 || port > 5585) {
			return ln, nil
		}
		ln.Close()
	}
	return nil, errors.New("simserve: no free port outside 5555-5585 after 20 tries")
}

// Serve serves b on a free loopback port until Close, has client's adb
// server connect to it, and waits until it is online. ctx bounds the
// connecting; the serving lasts until Close whatever happens to ctx.
func Serve(ctx context.Context, b adbd.Backend, client *adb.Client, logger *slog.Logger) (*Served, error) {
	ln, err := Listen()
	if err != nil {
		return nil, err
	}
	return ServeOn(ctx, ln, b, client, logger)
}

// Start makes a virtual phone of cfg (the zero value is a 1080×2400 phone),
// serves it on a free loopback port and connects the adb server of the
// environment (ADB_SERVER_SOCKET, ANDROID_ADB_SERVER_PORT, else
// localhost:5037) to it: what a program needs to run on the virtual phone
// with no phone attached. Close the result when done.
func Start(ctx context.Context, cfg sim.Config) (*Served, error) {
	p, err := sim.NewPhone(cfg)
	if err != nil {
		return nil, err
	}
	c, err := adb.NewClient(adb.Config{})
	if err != nil {
		return nil, err
	}
	s, err := Serve(ctx, p, c, nil)
	if err != nil {
		return nil, fmt.Errorf("%w (is adb installed and its server reachable?)", err)
	}
	return s, nil
}

// ServeOn is Serve on a listener the caller chose; it takes ownership of ln.
func ServeOn(ctx context.Context, ln net.Listener, b adbd.Backend, client *adb.Client, logger *slog.Logger) (*Served, error) {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Served{Serial: ln.Addr().String(), client: client, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- (&adbd.Server{Backend: b, Logger: logger}).Serve(sctx, ln) }()
	if err := client.Connect(ctx, s.Serial); err != nil {
		s.Close()
		return nil, fmt.Errorf("simserve: adb connect %s: %w", s.Serial, err)
	}
	dev, err := client.Device(ctx, s.Serial)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("simserve: device %s: %w", s.Serial, err)
	}
	s.Device = dev
	return s, nil
}

// Close disconnects the phone from the adb server and stops serving it,
// returning the daemon's error, if any.
func (s *Served) Close() error {
	dctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = s.client.Disconnect(dctx, s.Serial)
	cancel()
	s.cancel()
	if err := <-s.done; err != nil && !strings.Contains(err.Error(), "closed") {
		return fmt.Errorf("simserve: the virtual phone's server: %w", err)
	}
	return nil
}
