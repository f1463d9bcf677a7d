package device

import (
	"context"
	"errors"
	"image"
	"time"
)

// Device is one Android phone. Each method performs one operation and honours
// the deadline of its ctx. Policy (waiting for the screen to settle, retries,
// coordinate mapping) belongs to callers such as the actions executor.
//
// Implementations are safe for concurrent use, but a phone serialises input:
// callers that need an ordered sequence of gestures should own the device from
// one goroutine.
type Device interface {
	// Serial is the adb serial, such as "emulator-5554" or "127.0.0.1:15555".
	Serial() string
	// Screenshot returns the current screen in device pixels.
	Screenshot(ctx context.Context) (image.Image, error)
	// ViewHierarchy returns the uiautomator XML dump of the current screen.
	ViewHierarchy(ctx context.Context) ([]byte, error)
	// Tap touches one point in device pixels.
	Tap(ctx context.Context, x, y int) error
	// LongPress holds one point for d.
	LongPress(ctx context.Context, x, y int, d time.Duration) error
	// Swipe moves a finger from (x1, y1) to (x2, y2) over d.
	Swipe(ctx context.Context, x1, y1, x2, y2 int, d time.Duration) error
	// InputText types text into the focused field in one operation. Text is
	// data, never a command: implementations quote it.
	InputText(ctx context.Context, text string) error
	// PressKey sends one key event.
	PressKey(ctx context.Context, k Key) error
	// StartApp launches an installed package's launcher activity.
	StartApp(ctx context.Context, pkg string) error
	// ResolveApp maps a launcher label ("Settings") or a package name to the
	// installed package. It returns an error wrapping ErrAppNotFound when
	// nothing matches.
	ResolveApp(ctx context.Context, nameOrPackage string) (string, error)
	// Foreground reports the focused package and activity.
	Foreground(ctx context.Context) (Foreground, error)
	// Display reports the screen size in pixels and its density.
	Display(ctx context.Context) (Display, error)
	// Shell runs argv on the device. Every element is quoted, so model text
	// can be passed safely. A non-zero exit status is not an error: it is
	// reported in ShellResult.ExitCode.
	Shell(ctx context.Context, argv ...string) (ShellResult, error)
}

// EncodedScreenshotter is an optional Device ability: the screen as the
// device sent it (a PNG, or raw pixels), and its decoding. A caller that
// takes several screenshots (waiting for the screen to settle) compares
// them byte for byte and decodes only the one it keeps.
type EncodedScreenshotter interface {
	ScreenshotEncoded(ctx context.Context) ([]byte, error)
	DecodeScreenshot(b []byte) (image.Image, error)
}

// Key is a key event the agents may send.
type Key string

// The keys every device supports.
const (
	KeyBack      Key = "back"
	KeyHome      Key = "home"
	KeyEnter     Key = "enter"
	KeyAppSwitch Key = "app_switch"
	KeyDelete    Key = "delete"
	KeyMoveEnd   Key = "move_end" // moves the cursor to the end of the field
)

// KeyCode returns the Android KEYCODE_* number of k, or 0 for an unknown key.
func (k Key) KeyCode() int {
	switch k {
	case KeyBack:
		return 4
	case KeyHome:
		return 3
	case KeyEnter:
		return 66
	case KeyAppSwitch:
		return 187
	case KeyDelete:
		return 67
	case KeyMoveEnd:
		return 123
	}
	return 0
}

// Foreground is the app and activity that has focus.
type Foreground struct {
	Package  string
	Activity string // fully qualified, such as "com.android.settings.Settings"
}

// Display is the physical screen.
type Display struct {
	Width, Height int // pixels, in the current orientation
	Density       int // dots per inch, as `wm density` reports
}

// ShellResult is the outcome of Device.Shell.
type ShellResult struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
}

// Errors that callers test with errors.Is.
var (
	ErrAppNotFound  = errors.New("app not found")
	ErrDisconnected = errors.New("device disconnected")
	ErrNoIME        = errors.New("no input method can type this text")
)
