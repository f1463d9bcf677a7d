package mcp

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync"

	"github.com/mobagent/mobagent/actions"
	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
)

// deviceState is one phone the server has opened. mu serialises the tools
// that use it (one goroutine owns a device at a time).
type deviceState struct {
	id   string
	dev  agents.Device
	exec *actions.Executor
	gate *safety.Gate
	conf *callConfirmer

	mu      sync.Mutex
	last    *perception.Screen // the screen the client saw last (element ids refer to it)
	history []safety.Step
	busy    string // the run id of a run_task using the phone
}

// device opens (once) the phone with id.
func (s *Server) device(ctx context.Context, id string) (*deviceState, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, fmt.Errorf("no device given: pass device, one of the ids mobile_list_available_devices returns")
	}
	s.mu.Lock()
	if d, ok := s.devices[id]; ok {
		s.mu.Unlock()
		return d, nil
	}
	s.mu.Unlock()
	dev, err := s.cfg.Devices.Open(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("device %s: %w (mobile_list_available_devices lists the phones)", id, err)
	}
	conf := &callConfirmer{}
	d := &deviceState{id: id, dev: dev, exec: actions.NewExecutor(dev, s.cfg.Executor), conf: conf}
	d.gate = s.cfg.Gate.ForRun(s.red, nil)
	d.gate.Confirmer, d.gate.Asker = conf, safety.NoPerson{}
	if d.gate.Taint == nil {
		d.gate.Taint = s.taint
	}
	if d.gate.Now == nil {
		d.gate.Now = s.now
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.devices[id]; ok {
		return old, nil
	}
	s.devices[id] = d
	return d, nil
}

// lock takes the phone for one tool call; it fails while a run uses it.
func (d *deviceState) lock() error {
	d.mu.Lock()
	if d.busy != "" {
		run := d.busy
		d.mu.Unlock()
		return fmt.Errorf("device %s is busy with run %s: wait for task_status to say finished, or call stop_task", d.id, run)
	}
	return nil
}

func (d *deviceState) unlock() { d.mu.Unlock() }

// perceive observes the phone now, reusing shot (a screenshot the executor
// just took) when given.
func (s *Server) perceive(ctx context.Context, d *deviceState, shot image.Image) (*perception.Screen, error) {
	var src perception.ScreenSource = d.dev
	if shot != nil {
		src = &cachedShot{ScreenSource: d.dev, img: shot}
	}
	scr, err := s.cfg.Perceiver.Perceive(ctx, src, s.cfg.Perception)
	if err != nil {
		return nil, fmt.Errorf("observing device %s: %w", d.id, err)
	}
	d.gate.Observe(scr)
	return scr, nil
}

// cachedShot serves one screenshot taken already, then the device's.
type cachedShot struct {
	perception.ScreenSource
	img image.Image
}

func (c *cachedShot) Screenshot(ctx context.Context) (image.Image, error) {
	if c.img != nil {
		img := c.img
		c.img = nil
		return img, nil
	}
	return c.ScreenSource.Screenshot(ctx)
}

// screenText is the element list exactly as the agents' text prompt gets it
// (redacted), wrapped as untrusted content.
func (s *Server) screenText(d *deviceState, scr *perception.Screen) string {
	text := s.red.String(perception.RenderText(scr, perception.TextOptions{MaxTokens: perception.DefaultTextTokens}))
	src := "phone screen"
	if scr.Package != "" {
		src += " of " + scr.Package
	}
	head := fmt.Sprintf("Device %s shows %s (%s), %dx%d pixels, %d elements", d.id, orDash(scr.Package), orDash(scr.Activity), scr.Width, scr.Height, len(scr.Elements))
	if scr.KeyboardShown {
		head += ", keyboard shown"
	}
	head += ". Tap an element with mobile_tap_element {element: ID}; coordinates are device pixels.\n"
	return head + safety.WrapUntrusted(src, text, safety.DetectInjection(text)...)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// screenJSON is the structured screen: `mobagent perceive --json`'s form
// (schema "screen"), redacted.
type screenJSON struct {
	Format int `json:"format"`
	*perception.Screen
	Text string `json:"text"`
}

func (s *Server) screenJSON(scr *perception.Screen) screenJSON {
	c := *scr
	c.Elements = make([]perception.Element, len(scr.Elements))
	for i, e := range scr.Elements {
		e.Text, e.ContentDesc, e.Hint = s.red.String(e.Text), s.red.String(e.ContentDesc), s.red.String(e.Hint)
		c.Elements[i] = e
	}
	text := s.red.String(perception.RenderText(scr, perception.TextOptions{MaxTokens: perception.DefaultTextTokens}))
	return screenJSON{Format: format.Version, Screen: &c, Text: text}
}

// sameElement reports whether a and b are the same element of two
// observations of one screen.
func sameElement(a, b perception.Element) bool {
	return a.Bounds == b.Bounds && a.Label() == b.Label() && a.Class == b.Class
}

// current maps element id, as the client saw it (d.last), onto scr: the
// element with the same label and bounds. It fails, with the new screen,
// when the element is gone.
func (d *deviceState) current(id int, scr *perception.Screen) (perception.Element, error) {
	if id <= 0 {
		return perception.Element{}, fmt.Errorf("element %d: ids start at 1 (mobile_list_elements_on_screen lists them)", id)
	}
	var want *perception.Element
	if d.last != nil {
		for i := range d.last.Elements {
			if d.last.Elements[i].ID == id {
				want = &d.last.Elements[i]
				break
			}
		}
	}
	if want == nil {
		for _, e := range scr.Elements {
			if e.ID == id {
				return e, nil
			}
		}
		return perception.Element{}, fmt.Errorf("element %d is not on the screen; the largest id is %d (list the elements again)", id, len(scr.Elements))
	}
	for _, e := range scr.Elements {
		if e.ID == id && sameElement(e, *want) {
			return e, nil
		}
	}
	for _, e := range scr.Elements {
		if sameElement(e, *want) {
			return e, nil
		}
	}
	return perception.Element{}, fmt.Errorf("the screen changed since you listed it: element %d (%q) is not there any more; nothing was done", id, want.Label())
}
