package simeval

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/mobagent/mobagent/device/adb"
	"github.com/mobagent/mobagent/internal/adbtest"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/perception/ocr/tesseract"
	"github.com/mobagent/mobagent/sim"
)

// BenchmarkPerceiveADB times one full observation of a 1080×2400 virtual
// phone through a private adb server, as an agent takes it: screenshot and
// dump over the ADB protocol, then parsing, vision, OCR and fusion. It
// reports the median besides the mean; the targets (on 2 cores) are a
// median of 250 ms with OCR forced on, and 50 ms in auto mode, which reads
// no pixels on Settings (its dump carries its text; see perception.PlanOCR).
//
//	go test ./perception/eval/simeval -run '^$' -bench PerceiveADB -benchtime 15x
func BenchmarkPerceiveADB(b *testing.B) {
	srv := adbtest.StartServer(b)
	client, err := adb.NewClient(adb.Config{Server: net.JoinHostPort("127.0.0.1", strconv.Itoa(srv.Port))})
	if err != nil {
		b.Fatal(err)
	}
	var settings Screen
	for _, s := range Screens() {
		if s.Name == "settings-main" {
			settings = s
		}
	}
	p, err := Reach(settings, false, sim.Config{Font: sim.FontGo})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	served, err := Serve(ctx, p, client)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := served.Close(); err != nil {
			b.Error(err)
		}
	})
	engine, err := tesseract.New(tesseract.Config{})
	if err != nil {
		b.Fatalf("Tesseract is needed: %v", err)
	}
	b.Cleanup(func() { engine.Close() })
	for _, bc := range []struct {
		name string
		mode perception.OCRMode
	}{{"ocr", perception.OCRAlways}, {"no-ocr", perception.OCRNever}, {"auto", perception.OCRAuto}} {
		b.Run(bc.name, func(b *testing.B) {
			pc := &perception.Perceiver{OCR: engine}
			opts := perception.PerceiveOptions{OCR: bc.mode}
			// Warm up: the first OCR call creates the Tesseract clients.
			if _, err := pc.Perceive(ctx, served.Device, opts); err != nil {
				b.Fatal(err)
			}
			var ds []time.Duration
			for b.Loop() {
				t0 := time.Now()
				if _, err := pc.Perceive(ctx, served.Device, opts); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			b.ReportMetric(float64(Median(ds))/float64(time.Millisecond), "median-ms")
		})
	}
}
