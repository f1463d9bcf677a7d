package mcp_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/offline"
	"github.com/mobagent/mobagent/mcp"
	"github.com/mobagent/mobagent/safety"
	"github.com/mobagent/mobagent/sim/simtest"
)

// phones serves the test's virtual phones to the server.
type phones []*simtest.Phone

func (ps phones) List(context.Context) ([]mcp.DeviceInfo, error) {
	var out []mcp.DeviceInfo
	for _, p := range ps {
		out = append(out, mcp.DeviceInfo{ID: p.Serial, Name: "mobagent Virtual Phone", Platform: "android", Type: "virtual", Version: "14", State: "online"})
	}
	return out, nil
}

func (ps phones) Open(_ context.Context, id string) (agents.Device, error) {
	for _, p := range ps {
		if p.Serial == id {
			return p.Device, nil
		}
	}
	return nil, &notFound{id}
}

type notFound struct{ id string }

func (e *notFound) Error() string { return "no device " + e.id }

type fixture struct {
	t      *testing.T
	phone  *simtest.Phone
	srv    *mcp.Server
	cs     *sdk.ClientSession
	runs   string
	asked  []*sdk.ElicitRequest
	answer func(*sdk.ElicitRequest) *sdk.ElicitResult
}

// start serves a phone through a Server (gate mode, offline roles for
// run_task) and connects an SDK client over in-memory transports; with
// elicit the client can ask its person (answer decides).
func start(t *testing.T, mode safety.Mode, elicit bool) *fixture {
	t.Helper()
	return startProtocol(t, mode, elicit, "")
}

// startProtocol is start with the client on a protocol version ("" for
// the SDK's latest).
func startProtocol(t *testing.T, mode safety.Mode, elicit bool, protocol string) *fixture {
	t.Helper()
	f := &fixture{t: t, phone: simtest.Start(t), runs: filepath.Join(t.TempDir(), "runs")}
	var err error
	f.srv, err = mcp.New(mcp.Config{Devices: phones{f.phone}, Gate: &safety.Gate{Mode: mode}, RunsDir: f.runs,
		Tasks: func(ctx context.Context, spec mcp.TaskSpec) (agents.Config, func(), error) {
			return agents.Config{Roles: offline.New(offline.Config{}).Roles(), Limits: agents.Limits{MaxSteps: 12}}, nil, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.srv.Close() })
	opts := &sdk.ClientOptions{}
	if elicit {
		opts.ElicitationHandler = func(_ context.Context, req *sdk.ElicitRequest) (*sdk.ElicitResult, error) {
			f.asked = append(f.asked, req)
			if f.answer == nil {
				t.Errorf("unexpected question: %s", req.Params.Message)
				return &sdk.ElicitResult{Action: "decline"}, nil
			}
			return f.answer(req), nil
		}
	}
	c := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, opts)
	st, ct := sdk.NewInMemoryTransports()
	ctx := context.Background()
	if _, err := f.srv.MCP().Connect(ctx, st, nil); err != nil {
		t.Fatal(err)
	}
	f.cs, err = c.Connect(ctx, ct, &sdk.ClientSessionOptions{ProtocolVersion: protocol})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.cs.Close() })
	return f
}

// call calls a tool and returns its result, failing on a protocol error.
func (f *fixture) call(name string, args map[string]any) *sdk.CallToolResult {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := f.cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		f.t.Fatalf("%s: %v", name, err)
	}
	return res
}

// ok calls a tool that must succeed.
func (f *fixture) ok(name string, args map[string]any) *sdk.CallToolResult {
	f.t.Helper()
	res := f.call(name, args)
	if res.IsError {
		f.t.Fatalf("%s %v failed: %s", name, args, textOf(res))
	}
	return res
}

func textOf(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(*sdk.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

// structured decodes the structured content into v.
func structured(t *testing.T, res *sdk.CallToolResult, v any) {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("structured content %s: %v", b, err)
	}
}

// elementID finds the id of the element whose line in the element list
// matches re (such as `text="Settings"`).
func elementID(t *testing.T, list, re string) int {
	t.Helper()
	m := regexp.MustCompile(`id=(\d+)[^\n]*` + re).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("no element matches %s in:\n%s", re, list)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
