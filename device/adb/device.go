package adb

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/electricbubble/gadb"

	"github.com/mobagent/mobagent/device"
)

var _ device.Device = (*Device)(nil)

// Device is one phone reached through the adb server. It is safe for
// concurrent use; the phone itself serialises input.
type Device struct {
	c      *Client
	serial string

	featMu   sync.Mutex
	features map[string]bool // nil until read

	dumpSeq int64
	pngOnly bool // raw screencap did not work: ask for PNGs
	mu      sync.Mutex
}

// Device returns the device with the given serial, or the only device when
// serial is empty. It checks that the device is online.
func (c *Client) Device(ctx context.Context, serial string) (*Device, error) {
	devs, err := c.Devices(ctx)
	if err != nil {
		return nil, err
	}
	if serial == "" {
		var online []string
		for _, d := range devs {
			if d.State == "device" {
				online = append(online, d.Serial)
			}
		}
		switch len(online) {
		case 0:
			return nil, fmt.Errorf("%w: the adb server at %s sees no online device: connect one (`adb connect HOST:PORT`) or start the virtual phone (`mobagent sim serve`)", ErrDeviceNotFound, c.Addr())
		case 1:
			serial = online[0]
		default:
			return nil, fmt.Errorf("adb: %w: %d devices are online (%s): choose one by its serial", ErrAmbiguousDevice, len(online), strings.Join(online, ", "))
		}
	} else {
		state := ""
		for _, d := range devs {
			if d.Serial == serial {
				state = d.State
			}
		}
		switch {
		case state == "" && isTCP(serial):
			if err := c.Connect(ctx, serial); err != nil {
				return nil, err
			}
		case state == "":
			return nil, fmt.Errorf("%w: %q is not among the adb server's devices (see `mobagent devices`)", ErrDeviceNotFound, serial)
		case state != "device":
			return nil, fmt.Errorf("adb: device %s is %s: %s", serial, state, stateFix(state))
		}
	}
	return &Device{c: c, serial: serial}, nil
}

func stateFix(state string) string {
	switch state {
	case "unauthorized":
		return "accept the USB debugging prompt on the phone"
	case "offline":
		return "reconnect it (`adb reconnect`) or restart the adb server"
	}
	return "wait for it to come online"
}

func isTCP(serial string) bool {
	_, port, err := net.SplitHostPort(serial)
	return err == nil && port != ""
}

// Serial is the device's adb serial.
func (d *Device) Serial() string { return d.serial }

// ErrShellV2Unsupported reports that a device cannot give exit codes over
// shell v2 (Android 6 and older); Shell then uses the v1 marker fallback.
var errClosedEarly = errors.New("connection closed before the exit status")

// open opens a service on the device and returns the stream.
func (d *Device) open(ctx context.Context, service string) (*conn, error) {
	cn, err := d.c.dial(ctx)
	if err != nil {
		return nil, err
	}
	if err := cn.request(ctx, "host:transport:"+d.serial); err != nil {
		cn.Close()
		var se *ServerError
		if errors.As(err, &se) && (strings.Contains(se.Message, "not found") || strings.Contains(se.Message, "offline")) {
			return nil, fmt.Errorf("%w: %s: %s", device.ErrDisconnected, d.serial, se.Message)
		}
		return nil, err
	}
	if err := cn.request(ctx, service); err != nil {
		cn.Close()
		return nil, err
	}
	return cn, nil
}

// retry runs fn, and once more after reconnecting a TCP device when the
// first try failed because the connection broke.
func (d *Device) retry(ctx context.Context, fn func(ctx context.Context) error) error {
	ctx, cancel := d.c.withDeadline(ctx)
	defer cancel()
	err := fn(ctx)
	if err == nil || ctx.Err() != nil || !broken(err) {
		return err
	}
	if !isTCP(d.serial) {
		return lost(d.serial, err)
	}
	d.c.log.Debug("reconnecting", "serial", d.serial, "err", err)
	if cerr := d.c.Connect(ctx, d.serial); cerr != nil {
		return lost(d.serial, fmt.Errorf("%w (reconnect failed: %v)", err, cerr))
	}
	if err := fn(ctx); err != nil {
		if ctx.Err() == nil && broken(err) {
			return lost(d.serial, err)
		}
		return err
	}
	return nil
}

// lost says the device went away: its connection broke and did not come
// back. The error matches device.ErrDisconnected.
func lost(serial string, err error) error {
	if errors.Is(err, device.ErrDisconnected) {
		return err
	}
	return fmt.Errorf("%w: %s: %v", device.ErrDisconnected, serial, err)
}

// broken reports errors that a reconnect may cure.
func broken(err error) bool {
	if errors.Is(err, device.ErrDisconnected) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, errClosedEarly) {
		return true
	}
	var se *ServerError
	if errors.As(err, &se) {
		m := se.Message
		return strings.Contains(m, "offline") || strings.Contains(m, "not found") || strings.Contains(m, "closed")
	}
	var ne *net.OpError
	return errors.As(err, &ne)
}

// Exec runs a command line with the exec: service and returns its raw
// stdout, byte-exact. Arguments must already be quoted.
func (d *Device) Exec(ctx context.Context, cmdline string) ([]byte, error) {
	var out []byte
	err := d.retry(ctx, func(ctx context.Context) error {
		cn, err := d.open(ctx, "exec:"+cmdline)
		if err != nil {
			return err
		}
		defer cn.Close()
		out, err = io.ReadAll(cn)
		if err != nil {
			return wrapIO(ctx, "exec "+firstWord(cmdline), err)
		}
		return nil
	})
	return out, err
}

// hasFeature reads the device's feature list once; a failed read is tried
// again on the next call.
func (d *Device) hasFeature(ctx context.Context, name string) (bool, error) {
	d.featMu.Lock()
	defer d.featMu.Unlock()
	if d.features == nil {
		s, err := d.c.hostQuery(ctx, "host-serial:"+d.serial+":features")
		if err != nil {
			return false, err
		}
		d.features = map[string]bool{}
		for _, f := range strings.Split(strings.TrimSpace(s), ",") {
			d.features[f] = true
		}
	}
	return d.features[name], nil
}

// Shell quotes argv and runs it on the device, returning stdout, stderr and
// the exit status.
func (d *Device) Shell(ctx context.Context, argv ...string) (device.ShellResult, error) {
	if len(argv) == 0 {
		return device.ShellResult{}, errors.New("adb: shell: no command given")
	}
	return d.ShellLine(ctx, QuoteArgs(argv))
}

// ShellLine runs a command line that the caller has already quoted.
func (d *Device) ShellLine(ctx context.Context, cmdline string) (device.ShellResult, error) {
	var res device.ShellResult
	err := d.retry(ctx, func(ctx context.Context) error {
		v2, err := d.hasFeature(ctx, "shell_v2")
		if err != nil {
			return err
		}
		if v2 {
			res, err = d.shellV2(ctx, cmdline)
		} else {
			res, err = d.shellV1(ctx, cmdline)
		}
		return err
	})
	return res, err
}

// Shell protocol v2 packet ids.
const (
	idStdout = 1
	idStderr = 2
	idExit   = 3
)

func (d *Device) shellV2(ctx context.Context, cmdline string) (device.ShellResult, error) {
	var res device.ShellResult
	cn, err := d.open(ctx, "shell,v2,raw:"+cmdline)
	if err != nil {
		return res, err
	}
	defer cn.Close()
	var stdout, stderr bytes.Buffer
	var hdr [5]byte
	for {
		if _, err := io.ReadFull(cn, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return res, fmt.Errorf("adb: shell %s: %w", firstWord(cmdline), errClosedEarly)
			}
			return res, wrapIO(ctx, "shell "+firstWord(cmdline), err)
		}
		n := binary.LittleEndian.Uint32(hdr[1:])
		if n > 64<<20 {
			return res, fmt.Errorf("adb: shell: packet of %d bytes is implausible: the stream is corrupt", n)
		}
		var dst io.Writer = io.Discard
		switch hdr[0] {
		case idStdout:
			dst = &stdout
		case idStderr:
			dst = &stderr
		case idExit:
			var code [1]byte
			if n >= 1 {
				if _, err := io.ReadFull(cn, code[:]); err != nil {
					return res, wrapIO(ctx, "shell exit status", err)
				}
				_, _ = io.CopyN(io.Discard, cn, int64(n-1))
			}
			res.Stdout, res.Stderr, res.ExitCode = stdout.Bytes(), stderr.Bytes(), int(code[0])
			return res, nil
		}
		if _, err := io.CopyN(dst, cn, int64(n)); err != nil {
			return res, wrapIO(ctx, "shell "+firstWord(cmdline), err)
		}
	}
}

// exitMarker ends shell v1 output with the exit status; it is unlikely in
// real output and is removed from what callers see.
const exitMarker = "\x1e__MOBAGENT_EXIT__"

func (d *Device) shellV1(ctx context.Context, cmdline string) (device.ShellResult, error) {
	var res device.ShellResult
	cn, err := d.open(ctx, "shell:"+cmdline+`; echo "`+exitMarker+`$?"`)
	if err != nil {
		return res, err
	}
	defer cn.Close()
	out, err := io.ReadAll(cn)
	if err != nil {
		return res, wrapIO(ctx, "shell "+firstWord(cmdline), err)
	}
	i := bytes.LastIndex(out, []byte(exitMarker))
	if i < 0 {
		return res, fmt.Errorf("adb: shell %s: %w", firstWord(cmdline), errClosedEarly)
	}
	code, err := strconv.Atoi(strings.TrimSpace(string(out[i+len(exitMarker):])))
	if err != nil {
		return res, fmt.Errorf("adb: shell %s: unreadable exit status %q", firstWord(cmdline), out[i:])
	}
	res.Stdout, res.ExitCode = bytes.ReplaceAll(out[:i], []byte("\r\n"), []byte("\n")), code
	return res, nil
}

// run runs argv and turns a non-zero exit into an error naming the command.
func (d *Device) run(ctx context.Context, argv ...string) ([]byte, error) {
	res, err := d.Shell(ctx, argv...)
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		msg := strings.TrimSpace(string(res.Stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(res.Stdout))
		}
		return res.Stdout, fmt.Errorf("adb: %s on %s exited %d: %s", strings.Join(argv[:min(2, len(argv))], " "), d.serial, res.ExitCode, msg)
	}
	return res.Stdout, nil
}

// ScreenshotPNG returns the screen as PNG bytes.
func (d *Device) ScreenshotPNG(ctx context.Context) ([]byte, error) {
	out, err := d.Exec(ctx, "screencap -p")
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(out, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, fmt.Errorf("adb: screencap on %s returned no PNG (%d bytes starting %q): is the screen on and unlocked?", d.serial, len(out), out[:min(len(out), 40)])
	}
	return out, nil
}

var _ device.EncodedScreenshotter = (*Device)(nil)

// ScreenshotEncoded returns the screen as the device sends it: a PNG
// (`screencap -p`), or raw pixels (`screencap`) when Config.Screenshots
// asks for them. DecodeScreenshot reads either.
func (d *Device) ScreenshotEncoded(ctx context.Context) ([]byte, error) {
	if d.rawScreenshots() {
		out, err := d.Exec(ctx, "screencap")
		if err != nil {
			return nil, err
		}
		if _, ok := rawScreencapSize(out); ok {
			return out, nil
		}
		// An unusual pixel format, or a device that only speaks PNG: ask
		// for PNGs from now on.
		d.mu.Lock()
		d.pngOnly = true
		d.mu.Unlock()
	}
	return d.ScreenshotPNG(ctx)
}

// DecodeScreenshot decodes what ScreenshotEncoded returned. Raw pixels are
// used in place, not copied: b must not change afterwards.
func (d *Device) DecodeScreenshot(b []byte) (image.Image, error) {
	if bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("adb: decode screenshot of %s: %w", d.serial, err)
		}
		return img, nil
	}
	if img, ok := decodeRawScreencap(b); ok {
		return img, nil
	}
	return nil, fmt.Errorf("adb: the screenshot of %s is neither a PNG nor raw 32-bit pixels (%d bytes)", d.serial, len(b))
}

// Screenshot returns the decoded screen.
func (d *Device) Screenshot(ctx context.Context) (image.Image, error) {
	b, err := d.ScreenshotEncoded(ctx)
	if err != nil {
		return nil, err
	}
	return d.DecodeScreenshot(b)
}

func (d *Device) rawScreenshots() bool {
	if d.c.shots != ScreenshotRaw {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.pngOnly
}

// decodeRawScreencap reads `screencap` without -p: a header of width,
// height and pixel format (and, from Android 9, the colour space) as
// little-endian uint32s, then the pixels. It handles the 32-bit formats
// (RGBA_8888, RGBX_8888, BGRA_8888) and reports false for the rest.
func decodeRawScreencap(b []byte) (image.Image, bool) {
	hdr, ok := rawScreencapSize(b)
	if !ok {
		return nil, false
	}
	w, h := int(binary.LittleEndian.Uint32(b[0:])), int(binary.LittleEndian.Uint32(b[4:]))
	f := binary.LittleEndian.Uint32(b[8:])
	pix := b[hdr:]
	img := &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
	switch f {
	case 1: // RGBA_8888
	case 2: // RGBX_8888: opaque
		for i := 3; i < len(pix); i += 4 {
			pix[i] = 0xff
		}
	case 5: // BGRA_8888
		for i := 0; i+3 < len(pix); i += 4 {
			pix[i], pix[i+2] = pix[i+2], pix[i]
		}
	default:
		return nil, false
	}
	return img, true
}

// rawScreencapSize checks b is a raw screencap of a 32-bit format and
// returns its header's length (12, or 16 with the colour space).
func rawScreencapSize(b []byte) (int, bool) {
	if len(b) < 12 {
		return 0, false
	}
	w, h := int(binary.LittleEndian.Uint32(b[0:])), int(binary.LittleEndian.Uint32(b[4:]))
	f := binary.LittleEndian.Uint32(b[8:])
	if w <= 0 || h <= 0 || w > 1<<14 || h > 1<<14 || (f != 1 && f != 2 && f != 5) {
		return 0, false
	}
	switch n := w * h * 4; len(b) {
	case 16 + n:
		return 16, true
	case 12 + n:
		return 12, true
	}
	return 0, false
}

// ViewHierarchy dumps the view tree to a temporary file on the device, reads
// it back and removes it, in one round trip.
func (d *Device) ViewHierarchy(ctx context.Context) ([]byte, error) {
	d.mu.Lock()
	d.dumpSeq++
	path := fmt.Sprintf("/sdcard/mobagent-dump-%d-%d.xml", os.Getpid(), d.dumpSeq)
	d.mu.Unlock()
	line := fmt.Sprintf("uiautomator dump %s >/dev/null && cat %s; s=$?; rm -f %s; exit $s", path, path, path)
	var out []byte
	for attempt := 0; attempt < 2; attempt++ {
		res, err := d.ShellLine(ctx, line)
		if err != nil {
			return nil, err
		}
		out = res.Stdout
		if res.ExitCode == 0 && bytes.Contains(out, []byte("<hierarchy")) {
			return out, nil
		}
		// uiautomator sometimes fails while the screen animates; try once more.
		if attempt == 1 {
			return nil, fmt.Errorf("adb: uiautomator dump on %s failed (exit %d): %s", d.serial, res.ExitCode, strings.TrimSpace(string(res.Stderr)+string(out)))
		}
	}
	return out, nil
}

func itoa(v int) string { return strconv.Itoa(v) }

// Tap touches (x, y).
func (d *Device) Tap(ctx context.Context, x, y int) error {
	_, err := d.run(ctx, "input", "tap", itoa(x), itoa(y))
	return err
}

// LongPress holds (x, y) for dur, as a swipe that does not move.
func (d *Device) LongPress(ctx context.Context, x, y int, dur time.Duration) error {
	if dur <= 0 {
		dur = time.Second
	}
	_, err := d.run(ctx, "input", "swipe", itoa(x), itoa(y), itoa(x), itoa(y), itoa(int(dur.Milliseconds())))
	return err
}

// Swipe drags from (x1, y1) to (x2, y2) over dur.
func (d *Device) Swipe(ctx context.Context, x1, y1, x2, y2 int, dur time.Duration) error {
	if dur <= 0 {
		dur = 300 * time.Millisecond
	}
	_, err := d.run(ctx, "input", "swipe", itoa(x1), itoa(y1), itoa(x2), itoa(y2), itoa(int(dur.Milliseconds())))
	return err
}

// adbKeyboard is the IME that types any Unicode text through a broadcast.
const adbKeyboard = "com.android.adbkeyboard/.AdbIME"

// InputText types text into the focused field. Printable ASCII goes through
// `input text` in as few calls as possible (spaces as %s, each chunk quoted);
// anything else needs the ADBKeyboard IME and goes as one base64 broadcast.
func (d *Device) InputText(ctx context.Context, text string) error {
	if text == "" {
		return nil
	}
	ascii := true
	for _, r := range text {
		if r > 0x7e || (r < 0x20 && r != '\n') {
			ascii = false
			break
		}
	}
	if !ascii {
		out, err := d.run(ctx, "settings", "get", "secure", "default_input_method")
		if err != nil {
			return err
		}
		if strings.TrimSpace(string(out)) != adbKeyboard {
			return fmt.Errorf("%w: %q has non-ASCII characters, which `input text` cannot type; install ADBKeyboard (senzhk/ADBKeyBoard on GitHub), then `adb install ADBKeyboard.apk && adb shell ime enable %s && adb shell ime set %s`", device.ErrNoIME, text, adbKeyboard, adbKeyboard)
		}
		_, err = d.run(ctx, "am", "broadcast", "-a", "ADB_INPUT_B64", "--es", "msg", base64.StdEncoding.EncodeToString([]byte(text)))
		return err
	}
	// Each line is typed, then a newline becomes an enter key.
	lines := strings.Split(text, "\n")
	var cmds []string
	for i, line := range lines {
		// `input text` reads "%s" as a space, so a literal "%s" is typed
		// as two parts.
		for j, part := range strings.Split(line, "%s") {
			if j > 0 {
				cmds = append(cmds, QuoteArgs([]string{"input", "text", "%"}), QuoteArgs([]string{"input", "text", "s"}))
			}
			if part != "" {
				cmds = append(cmds, QuoteArgs([]string{"input", "text", strings.ReplaceAll(part, " ", "%s")}))
			}
		}
		if i < len(lines)-1 {
			cmds = append(cmds, "input keyevent 66")
		}
	}
	res, err := d.ShellLine(ctx, strings.Join(cmds, " && "))
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("adb: input text on %s exited %d: %s", d.serial, res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	return nil
}

// PressKey sends one key event.
func (d *Device) PressKey(ctx context.Context, k device.Key) error {
	code := k.KeyCode()
	if code == 0 {
		return fmt.Errorf("adb: unknown key %q: use back, home, enter, app_switch, delete or move_end", k)
	}
	_, err := d.run(ctx, "input", "keyevent", itoa(code))
	return err
}

// StartApp launches pkg's launcher activity.
func (d *Device) StartApp(ctx context.Context, pkg string) error {
	res, err := d.Shell(ctx, "monkey", "-p", pkg, "-c", "android.intent.category.LAUNCHER", "1")
	if err != nil {
		return err
	}
	if res.ExitCode != 0 || bytes.Contains(res.Stderr, []byte("No activities found")) || bytes.Contains(res.Stdout, []byte("No activities found")) {
		return fmt.Errorf("%w: %s has no launcher activity on %s (is it installed? see `adb shell pm list packages`)", device.ErrAppNotFound, pkg, d.serial)
	}
	return nil
}

// wellKnown maps common launcher labels to the packages that carry them on
// stock Android, Pixel phones and the virtual phone.
var wellKnown = map[string][]string{
	"settings":   {"com.android.settings"},
	"messages":   {"com.google.android.apps.messaging", "com.android.messaging", "com.android.mms"},
	"contacts":   {"com.google.android.contacts", "com.android.contacts"},
	"phone":      {"com.google.android.dialer", "com.android.dialer"},
	"chrome":     {"com.android.chrome"},
	"browser":    {"com.android.browser", "com.android.chrome"},
	"camera":     {"com.google.android.GoogleCamera", "com.android.camera2", "com.android.camera"},
	"photos":     {"com.google.android.apps.photos", "com.android.gallery3d"},
	"gallery":    {"com.android.gallery3d", "com.google.android.apps.photos"},
	"clock":      {"com.google.android.deskclock", "com.android.deskclock"},
	"calendar":   {"com.google.android.calendar", "com.android.calendar"},
	"files":      {"com.google.android.documentsui", "com.android.documentsui"},
	"play store": {"com.android.vending"},
	"gmail":      {"com.google.android.gm"},
	"maps":       {"com.google.android.apps.maps"},
	"youtube":    {"com.google.android.youtube"},
	"calculator": {"com.google.android.calculator", "com.android.calculator2"},
}

// ResolveApp maps a label or package name to an installed package: an exact
// package name first, then well-known labels, then a package whose name
// contains every word of the label.
func (d *Device) ResolveApp(ctx context.Context, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("%w: empty app name", device.ErrAppNotFound)
	}
	out, err := d.run(ctx, "pm", "list", "packages")
	if err != nil {
		return "", err
	}
	installed := map[string]bool{}
	var pkgs []string
	for _, line := range strings.Split(string(out), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "package:"); ok {
			installed[p] = true
			pkgs = append(pkgs, p)
		}
	}
	if installed[name] {
		return name, nil
	}
	label := strings.ToLower(name)
	for _, p := range wellKnown[label] {
		if installed[p] {
			return p, nil
		}
	}
	words := strings.Fields(strings.NewReplacer("-", " ", "_", " ", "&", " ").Replace(label))
	var best string
	for _, p := range pkgs {
		lp := strings.ToLower(p)
		all := len(words) > 0
		for _, w := range words {
			if !strings.Contains(lp, w) {
				all = false
				break
			}
		}
		// Prefer the shortest match: "clock" → deskclock over clockwidget.x.
		if all && (best == "" || len(p) < len(best)) {
			best = p
		}
	}
	if best != "" {
		return best, nil
	}
	return "", fmt.Errorf("%w: no installed app is called %q on %s (list them with `adb shell pm list packages`)", device.ErrAppNotFound, name, d.serial)
}

var focusRE = regexp.MustCompile(`(?:mCurrentFocus|mFocusedApp|mResumedActivity|topResumedActivity)[=:].*?\su\d+\s+([A-Za-z0-9_.]+)/([A-Za-z0-9_.$]+)`)

// Foreground reports the focused package and activity from `dumpsys window`,
// falling back to `dumpsys activity activities`.
func (d *Device) Foreground(ctx context.Context) (device.Foreground, error) {
	for _, svc := range [][]string{{"dumpsys", "window"}, {"dumpsys", "activity", "activities"}} {
		out, err := d.run(ctx, svc...)
		if err != nil {
			return device.Foreground{}, err
		}
		if fg, ok := parseForeground(string(out)); ok {
			return fg, nil
		}
	}
	return device.Foreground{}, fmt.Errorf("adb: no focused app found in dumpsys on %s: is the screen locked?", d.serial)
}

func parseForeground(s string) (device.Foreground, bool) {
	m := focusRE.FindStringSubmatch(s)
	if m == nil {
		return device.Foreground{}, false
	}
	act := m[2]
	if strings.HasPrefix(act, ".") {
		act = m[1] + act
	}
	return device.Foreground{Package: m[1], Activity: act}, true
}

var (
	sizeRE    = regexp.MustCompile(`(Physical|Override) size: (\d+)x(\d+)`)
	densityRE = regexp.MustCompile(`(Physical|Override) density: (\d+)`)
)

// Display reports size and density; an override (wm size WxH) wins.
func (d *Device) Display(ctx context.Context) (device.Display, error) {
	res, err := d.ShellLine(ctx, "wm size; wm density")
	if err != nil {
		return device.Display{}, err
	}
	return parseDisplay(string(res.Stdout), d.serial)
}

func parseDisplay(s, serial string) (device.Display, error) {
	var disp device.Display
	for _, m := range sizeRE.FindAllStringSubmatch(s, -1) {
		if disp.Width == 0 || m[1] == "Override" {
			disp.Width, _ = strconv.Atoi(m[2])
			disp.Height, _ = strconv.Atoi(m[3])
		}
	}
	for _, m := range densityRE.FindAllStringSubmatch(s, -1) {
		if disp.Density == 0 || m[1] == "Override" {
			disp.Density, _ = strconv.Atoi(m[2])
		}
	}
	if disp.Width == 0 || disp.Density == 0 {
		return disp, fmt.Errorf("adb: cannot read the display of %s from `wm size; wm density`: %q", serial, s)
	}
	return disp, nil
}

// gadbDevice finds this device among gadb's list.
func (d *Device) gadbDevice(g gadb.Client) (gadb.Device, error) {
	devs, err := g.DeviceList()
	if err != nil {
		return gadb.Device{}, err
	}
	for _, gd := range devs {
		if gd.Serial() == d.serial {
			return gd, nil
		}
	}
	return gadb.Device{}, fmt.Errorf("%w: %s", device.ErrDisconnected, d.serial)
}

// Push copies r to remotePath on the device with the given mode.
func (d *Device) Push(ctx context.Context, r io.Reader, remotePath string, mode os.FileMode, mtime time.Time) error {
	ctx, cancel := d.c.withDeadline(ctx)
	defer cancel()
	return d.c.gadbCall(ctx, func(g gadb.Client) error {
		gd, err := d.gadbDevice(g)
		if err != nil {
			return err
		}
		if err := gd.Push(r, remotePath, mtime, mode); err != nil {
			return fmt.Errorf("adb: push to %s:%s: %w", d.serial, remotePath, err)
		}
		return nil
	})
}

// Pull copies remotePath from the device into w.
func (d *Device) Pull(ctx context.Context, remotePath string, w io.Writer) error {
	ctx, cancel := d.c.withDeadline(ctx)
	defer cancel()
	return d.c.gadbCall(ctx, func(g gadb.Client) error {
		gd, err := d.gadbDevice(g)
		if err != nil {
			return err
		}
		if err := gd.Pull(remotePath, w); err != nil {
			return fmt.Errorf("adb: pull %s:%s: %w", d.serial, remotePath, err)
		}
		return nil
	})
}
