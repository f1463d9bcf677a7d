package adb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/electricbubble/gadb"
)

// Config configures a Client. The zero value talks to the adb server the adb
// client would use.
type Config struct {
	// Server is the adb server's "host:port". Empty follows the environment
	// (see the package doc).
	Server string
	// CallTimeout bounds a call whose ctx has no deadline. Zero means 30s.
	CallTimeout time.Duration
	// ADBPath is the adb binary used to start a server on localhost. Empty
	// means "adb" on PATH.
	ADBPath string
	// Logger receives debug records of each call. Nil discards.
	Logger *slog.Logger
	// Screenshots says how Screenshot fetches the screen: a PNG
	// (`screencap -p`, the zero value) or raw pixels (`screencap`,
	// ScreenshotRaw). Raw pixels spare the device a PNG encode and the host
	// a decode, but move 4 bytes a pixel through the adb server, which
	// relays them slowly: on the virtual phone through the real adb server
	// a 1080×2400 PNG took 18 ms and raw pixels 31 ms. Try raw on an
	// emulator whose PNG encode is slow.
	Screenshots ScreenshotMode
}

// ScreenshotMode chooses the screencap format.
type ScreenshotMode int

// Screenshot modes.
const (
	ScreenshotPNG ScreenshotMode = iota
	ScreenshotRaw
)

// Client talks to one adb server. It is safe for concurrent use.
type Client struct {
	host    string
	port    int
	timeout time.Duration
	adbPath string
	log     *slog.Logger
	shots   ScreenshotMode
}

// Errors of the adb server.
var (
	// ErrServerUnavailable: nothing listens at the server address.
	ErrServerUnavailable = errors.New("adb server unavailable")
	// ErrDeviceNotFound: the server knows no device with that serial.
	ErrDeviceNotFound = errors.New("device not found")
	// ErrAmbiguousDevice: no serial was given and several devices are
	// online.
	ErrAmbiguousDevice = errors.New("more than one device")
)

// ServerError is a FAIL reply of the adb server or device.
type ServerError struct {
	Request string
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("adb: %s: %s", e.Request, e.Message)
}

// ServerAddress resolves the adb server address as the adb client does.
func ServerAddress(cfgServer string) (host string, port int, err error) {
	addr := cfgServer
	if addr == "" {
		if s := os.Getenv("ADB_SERVER_SOCKET"); s != "" {
			rest, ok := strings.CutPrefix(s, "tcp:")
			if !ok {
				return "", 0, fmt.Errorf("adb: ADB_SERVER_SOCKET=%q is not supported: use tcp:HOST:PORT or tcp:PORT", s)
			}
			if !strings.Contains(rest, ":") {
				rest = "localhost:" + rest
			}
			addr = rest
		}
	}
	if addr == "" {
		h := os.Getenv("ANDROID_ADB_SERVER_ADDRESS")
		if h == "" {
			h = "localhost"
		}
		p := os.Getenv("ANDROID_ADB_SERVER_PORT")
		if p == "" {
			p = "5037"
		}
		addr = net.JoinHostPort(h, p)
	}
	h, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("adb: server address %q: %w (want HOST:PORT)", addr, err)
	}
	port, err = strconv.Atoi(ps)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("adb: server port %q is not a port number: set ANDROID_ADB_SERVER_PORT to 1-65535", ps)
	}
	return h, port, nil
}

// NewClient returns a client of the configured adb server. It does not
// connect: the first call does, starting a server on localhost if needed.
func NewClient(cfg Config) (*Client, error) {
	host, port, err := ServerAddress(cfg.Server)
	if err != nil {
		return nil, err
	}
	c := &Client{host: host, port: port, timeout: cfg.CallTimeout, adbPath: cfg.ADBPath, log: cfg.Logger, shots: cfg.Screenshots}
	if c.timeout == 0 {
		c.timeout = 30 * time.Second
	}
	if c.adbPath == "" {
		c.adbPath = "adb"
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// Addr is the server's host:port.
func (c *Client) Addr() string { return net.JoinHostPort(c.host, strconv.Itoa(c.port)) }

// withDeadline gives ctx the default deadline when it has none.
func (c *Client) withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, c.timeout)
}

// conn is one connection to the adb server whose lifetime is bound to a ctx.
type conn struct {
	net.Conn
	stop func() bool
}

func (cn *conn) Close() error {
	cn.stop()
	return cn.Conn.Close()
}

// dial connects to the server, starting it on localhost when nothing
// listens there.
func (c *Client) dial(ctx context.Context) (*conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.Addr())
	if err != nil && errors.Is(err, syscall.ECONNREFUSED) && c.host == "localhost" {
		if serr := c.startServer(ctx); serr != nil {
			return nil, serr
		}
		nc, err = d.DialContext(ctx, "tcp", c.Addr())
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("adb: connect to server %s: %w", c.Addr(), ctx.Err())
		}
		return nil, fmt.Errorf("%w at %s: %v (start it with `adb -P %d start-server`, or set ANDROID_ADB_SERVER_PORT)", ErrServerUnavailable, c.Addr(), err, c.port)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	// Cancelling ctx unblocks any read or write.
	stop := context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	return &conn{Conn: nc, stop: stop}, nil
}

func (c *Client) startServer(ctx context.Context) error {
	c.log.Debug("starting adb server", "port", c.port)
	cmd := exec.CommandContext(ctx, c.adbPath, "-P", strconv.Itoa(c.port), "start-server")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%w: no adb server on %s and no adb binary to start one: install it (Debian: apt-get install adb)", ErrServerUnavailable, c.Addr())
		}
		return fmt.Errorf("%w: `adb -P %d start-server` failed: %v: %s", ErrServerUnavailable, c.port, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// request sends one length-prefixed request and reads OKAY or FAIL.
func (cn *conn) request(ctx context.Context, req string) error {
	if len(req) > 0xffff {
		return fmt.Errorf("adb: request of %d bytes is too long (the protocol allows 65535)", len(req))
	}
	if _, err := fmt.Fprintf(cn, "%04x%s", len(req), req); err != nil {
		return wrapIO(ctx, "send "+firstWord(req), err)
	}
	var status [4]byte
	if _, err := io.ReadFull(cn, status[:]); err != nil {
		return wrapIO(ctx, "read reply to "+firstWord(req), err)
	}
	switch string(status[:]) {
	case "OKAY":
		return nil
	case "FAIL":
		msg, err := cn.readString(ctx)
		if err != nil {
			return err
		}
		return &ServerError{Request: firstWord(req), Message: msg}
	}
	return fmt.Errorf("adb: unexpected reply %q to %s: is %s an adb server?", status[:], firstWord(req), cn.RemoteAddr())
}

// readString reads a hex length and that many bytes.
func (cn *conn) readString(ctx context.Context) (string, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(cn, hdr[:]); err != nil {
		return "", wrapIO(ctx, "read length", err)
	}
	n, err := strconv.ParseUint(string(hdr[:]), 16, 16)
	if err != nil {
		return "", fmt.Errorf("adb: bad length %q from server", hdr[:])
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(cn, buf); err != nil {
		return "", wrapIO(ctx, "read message", err)
	}
	return string(buf), nil
}

func firstWord(req string) string {
	if i := strings.IndexAny(req, " "); i > 0 && i < 60 {
		return req[:i]
	}
	if len(req) > 60 {
		return req[:60] + "…"
	}
	return req
}

// wrapIO reports a ctx expiry as such instead of as an I/O timeout.
func wrapIO(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("adb: %s: %w", op, ctx.Err())
	}
	// The socket deadline is the ctx deadline, and may fire a moment before
	// the ctx's own timer does.
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return fmt.Errorf("adb: %s: %w", op, context.DeadlineExceeded)
	}
	return fmt.Errorf("adb: %s: %w", op, err)
}

// hostQuery runs a host: request that answers with a length-prefixed string.
func (c *Client) hostQuery(ctx context.Context, req string) (string, error) {
	ctx, cancel := c.withDeadline(ctx)
	defer cancel()
	cn, err := c.dial(ctx)
	if err != nil {
		return "", err
	}
	defer cn.Close()
	if err := cn.request(ctx, req); err != nil {
		return "", err
	}
	return cn.readString(ctx)
}

// ServerVersion returns the adb server's protocol version.
func (c *Client) ServerVersion(ctx context.Context) (int, error) {
	s, err := c.hostQuery(ctx, "host:version")
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(s, 16, 32)
	if err != nil {
		return 0, fmt.Errorf("adb: bad server version %q", s)
	}
	return int(v), nil
}

// DeviceInfo is one line of `adb devices -l`.
type DeviceInfo struct {
	Serial  string
	State   string // device, offline, unauthorized, …
	Product string
	Model   string
	Device  string
}

// Devices lists the devices the server sees.
func (c *Client) Devices(ctx context.Context) ([]DeviceInfo, error) {
	s, err := c.hostQuery(ctx, "host:devices-l")
	if err != nil {
		return nil, err
	}
	return parseDevices(s), nil
}

func parseDevices(s string) []DeviceInfo {
	var out []DeviceInfo
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		d := DeviceInfo{Serial: f[0], State: f[1]}
		for _, kv := range f[2:] {
			k, v, ok := strings.Cut(kv, ":")
			if !ok {
				continue
			}
			switch k {
			case "product":
				d.Product = v
			case "model":
				d.Model = v
			case "device":
				d.Device = v
			}
		}
		out = append(out, d)
	}
	return out
}

// Connect asks the server to connect to a device over TCP ("host:port"),
// waiting until it is online.
func (c *Client) Connect(ctx context.Context, addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("adb: connect: address %q: %w (want HOST:PORT, such as 127.0.0.1:15555)", addr, err)
	}
	ctx, cancel := c.withDeadline(ctx)
	defer cancel()
	resp, err := c.hostQuery(ctx, "host:connect:"+addr)
	if err != nil {
		return fmt.Errorf("adb: connect %s: %w", addr, err)
	}
	if !strings.HasPrefix(resp, "connected to") && !strings.HasPrefix(resp, "already connected to") {
		return fmt.Errorf("adb: connect %s: %s (is a device or `mobagent sim serve` listening there?)", addr, resp)
	}
	return c.WaitOnline(ctx, addr)
}

// Disconnect drops a TCP device.
func (c *Client) Disconnect(ctx context.Context, addr string) error {
	_, err := c.hostQuery(ctx, "host:disconnect:"+addr)
	return err
}

// WaitOnline polls until serial is in the "device" state or ctx ends.
func (c *Client) WaitOnline(ctx context.Context, serial string) error {
	ctx, cancel := c.withDeadline(ctx)
	defer cancel()
	delay := 5 * time.Millisecond
	last := "absent"
	for {
		devs, err := c.Devices(ctx)
		if err != nil {
			return err
		}
		last = "absent"
		for _, d := range devs {
			if d.Serial == serial {
				last = d.State
			}
		}
		if last == "device" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("adb: %s did not come online (last state %s): %w", serial, last, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(delay*2, 200*time.Millisecond)
	}
}

// gadbCall runs fn with a gadb client, abandoning it when ctx ends.
func (c *Client) gadbCall(ctx context.Context, fn func(gadb.Client) error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("adb: gadb panicked: %v", r)
			}
		}()
		g, err := gadb.NewClientWith(c.host, c.port)
		if err != nil {
			done <- fmt.Errorf("%w at %s: %v", ErrServerUnavailable, c.Addr(), err)
			return
		}
		done <- fn(g)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
