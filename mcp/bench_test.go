package mcp_test

import (
	"context"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mobagent/mobagent/mcp"
	"github.com/mobagent/mobagent/perception"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// BenchmarkListElements is one mobile_list_elements_on_screen call through
// the SDK client (in-memory transport) on the half-size virtual phone
// behind a real adb server, against perceiving the same screen directly:
// the difference is what the MCP layer costs.
func BenchmarkListElements(b *testing.B) {
	phone := simtest.Start(b)
	srv, err := mcp.New(mcp.Config{Devices: phones{phone}, Gate: &safety.Gate{Mode: safety.ModeDeny}, RunsDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	st, ct := sdk.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := srv.MCP().Connect(ctx, st, nil); err != nil {
		b.Fatal(err)
	}
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer cs.Close()
	b.Run("mcp", func(b *testing.B) {
		for b.Loop() {
			res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "mobile_list_elements_on_screen", Arguments: map[string]any{"device": phone.Serial}})
			if err != nil || res.IsError {
				b.Fatal(err)
			}
		}
	})
	b.Run("perceive", func(b *testing.B) {
		p := &perception.Perceiver{NoVision: true}
		for b.Loop() {
			if _, err := p.Perceive(ctx, phone.Device, perception.PerceiveOptions{OCR: perception.OCRNever}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
