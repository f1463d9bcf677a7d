package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/sim/simtest"
)

// serverCmd is `mobagent ARGS...` as a separate process: the test binary
// itself, which runs the CLI when cliArgsEnv holds the arguments (see
// TestMain), so the server is the code under test, race detector and all.
func serverCmd(t *testing.T, home string, args []string, extraEnv ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = mcpEnv(home, append([]string{cliArgsEnv + "=" + argsJSON(args)}, extraEnv...)...)
	return cmd
}

func argsJSON(args []string) string {
	b, _ := json.Marshal(args)
	return string(b)
}

// mcpEnv is a clean environment for the server: its own HOME (no user
// config), the thread limit Tesseract needs.
func mcpEnv(home string, extra ...string) []string {
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "OMP_THREAD_LIMIT=1"}
	return append(env, extra...)
}

// session drives a mobagent mcp server through an SDK client session, with
// an elicitation handler that answers as approve says.
type session struct {
	t       *testing.T
	cs      *sdk.ClientSession
	mu      sync.Mutex
	asked   []string
	approve bool
}

func (s *session) elicit(_ context.Context, req *sdk.ElicitRequest) (*sdk.ElicitResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, req.Params.Message)
	return &sdk.ElicitResult{Action: "accept", Content: map[string]any{"approve": s.approve}}, nil
}

func (s *session) call(name string, args map[string]any) *sdk.CallToolResult {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := s.cs.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		s.t.Fatalf("%s: %v", name, err)
	}
	return res
}

func (s *session) ok(name string, args map[string]any) *sdk.CallToolResult {
	s.t.Helper()
	res := s.call(name, args)
	if res.IsError {
		s.t.Fatalf("%s %v: %s", name, args, resultText(res))
	}
	return res
}

func resultText(res *sdk.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if t, ok := c.(*sdk.TextContent); ok {
			b.WriteString(t.Text)
		}
	}
	return b.String()
}

func decode(t *testing.T, res *sdk.CallToolResult, v any) {
	t.Helper()
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

func idOf(t *testing.T, list, re string) int {
	t.Helper()
	m := regexp.MustCompile(`id=(\d+)[^\n]*` + re).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("no element matches %s in:\n%s", re, list)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// scenario is the end-to-end walk the issue asks for, on one phone: list
// devices and elements, tap an element, type, read the new screen, a
// harmful tap held and reported, a send approved through elicitation, and
// a task run to the end.
func scenario(t *testing.T, s *session, phone *simtest.Phone) {
	dev := phone.Serial
	var devs struct {
		Devices []struct{ ID, Type, Version, State string }
	}
	decode(t, s.ok("mobile_list_available_devices", nil), &devs)
	found := false
	for _, d := range devs.Devices {
		found = found || d.ID == dev && d.Type == "virtual" && d.Version == "14" && d.State == "online"
	}
	if !found {
		t.Fatalf("the phone is not listed as an online virtual Android 14: %+v", devs)
	}
	home := resultText(s.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}))
	list := resultText(s.ok("mobile_tap_element", map[string]any{"device": dev, "element": idOf(t, home, `text="Messages"`)}))
	thread := resultText(s.ok("mobile_tap_element", map[string]any{"device": dev, "element": idOf(t, list, `text="Mom `)}))
	field := idOf(t, thread, `hint="Text message"`)

	// A threat: held by the deny rule, nobody asked, nothing typed.
	res := s.call("mobile_type_keys", map[string]any{"device": dev, "text": "Send me the money or I will kill you", "submit": false, "element": field})
	var held struct {
		Status, Reason string
		AnsweredBy     string `json:"answered_by"`
	}
	decode(t, res, &held)
	if !res.IsError || held.Status != "held" || !strings.Contains(resultText(res), "HELD, not done") || !strings.Contains(resultText(res), "harmful") {
		t.Fatalf("the threat was not held: %s", resultText(res))
	}
	// A benign message: typed, read back, sent with the person's yes.
	s.ok("mobile_type_keys", map[string]any{"device": dev, "text": "Running 10 minutes late", "submit": false, "element": field})
	now := resultText(s.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}))
	if !strings.Contains(now, "Running 10 minutes late") {
		t.Fatalf("the new screen lacks the typed text:\n%s", now)
	}
	s.approve = true
	res = s.ok("mobile_tap_element", map[string]any{"device": dev, "element": idOf(t, now, `desc="Send SMS"`)})
	if len(s.asked) != 1 || !strings.Contains(s.asked[0], "Send SMS") {
		t.Errorf("asked %q", s.asked)
	}
	if !strings.Contains(resultText(res), "Done: tap") {
		t.Errorf("the approved send: %s", resultText(res))
	}

	// The threat reaches the field another way (typed on the phone itself):
	// tapping Send is held all the same, without asking anyone, and nothing
	// more is sent.
	ctx := context.Background()
	var scr struct {
		Elements []struct {
			Bounds [4]int `json:"bounds"`
			Hint   string `json:"hint"`
		} `json:"elements"`
	}
	decode(t, s.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}), &scr)
	for _, e := range scr.Elements {
		if e.Hint == "Text message" {
			phone.Device.Tap(ctx, (e.Bounds[0]+e.Bounds[2])/2, (e.Bounds[1]+e.Bounds[3])/2)
		}
	}
	if err := phone.Device.InputText(ctx, "I will kill you"); err != nil {
		t.Fatal(err)
	}
	now = resultText(s.ok("mobile_list_elements_on_screen", map[string]any{"device": dev}))
	res = s.call("mobile_tap_element", map[string]any{"device": dev, "element": idOf(t, now, `desc="Send SMS"`)})
	decode(t, res, &held)
	if !res.IsError || held.Status != "held" || held.AnsweredBy != "policy" || !strings.Contains(resultText(res), "harmful") || len(s.asked) != 1 {
		t.Fatalf("the harmful tap was not held by policy (asked %d): %s", len(s.asked), resultText(res))
	}
	st0 := phone.State()
	if st0.Foreground != "com.google.android.apps.messaging" {
		t.Errorf("after the held tap the phone shows %s", st0.Foreground)
	}
	var msgs struct {
		Sent []struct{ Name, Body string } `json:"sent"`
	}
	json.Unmarshal(st0.Apps["com.google.android.apps.messaging"], &msgs)
	if len(msgs.Sent) != 1 || msgs.Sent[0].Body != "Running 10 minutes late" {
		t.Errorf("the phone sent %+v, want only the approved message", msgs.Sent)
	}
	s.ok("mobile_press_button", map[string]any{"device": dev, "button": "HOME"})

	// A task, to the end.
	var st struct {
		RunID   string `json:"run_id"`
		Status  string `json:"status"`
		Outcome string `json:"outcome"`
		Dir     string `json:"dir"`
	}
	decode(t, s.ok("run_task", map[string]any{"task": "Turn on Bluetooth", "device": dev}), &st)
	for deadline := time.Now().Add(3 * time.Minute); st.Status != "finished" && time.Now().Before(deadline); {
		time.Sleep(200 * time.Millisecond)
		decode(t, s.ok("task_status", map[string]any{"run_id": st.RunID}), &st)
	}
	if st.Outcome != "success" || phone.Setting("global", "bluetooth_on") != "1" {
		t.Fatalf("the task ended %+v, bluetooth_on %q", st, phone.Setting("global", "bluetooth_on"))
	}
	rep := s.ok("task_report", map[string]any{"run_id": st.RunID})
	raw, _ := json.Marshal(rep.StructuredContent)
	if err := format.Validate("run", raw); err != nil {
		t.Errorf("task_report is not a run.json: %v", err)
	}
}

func serverArgs(srv, runs string, extra ...string) []string {
	return append([]string{"mcp", "--adb-server", srv, "--no-memory", "--ocr", "off", "--runs-dir", runs}, extra...)
}

// The Go SDK's client starts `mobagent mcp` over stdio, as Claude Code or
// Cursor would.
func TestMCPOverStdio(t *testing.T) {
	srv := simtest.ADBServer(t)
	phone := simtest.Serve(t, srv, simtest.HalfSize)
	home := t.TempDir()
	s := &session{t: t}
	c := sdk.NewClient(&sdk.Implementation{Name: "e2e", Version: "1"}, &sdk.ClientOptions{ElicitationHandler: s.elicit})
	cmd := serverCmd(t, home, serverArgs(srv, filepath.Join(home, "runs")))
	var stderr lockedWriter
	cmd.Stderr = &stderr
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cs, err := c.Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, stderr.String())
	}
	s.cs = cs
	defer func() {
		cs.Close()
		if t.Failed() {
			t.Logf("server stderr:\n%s", stderr.String())
		}
	}()
	if got := cs.InitializeResult(); got == nil || got.ServerInfo.Name != "mobagent" {
		t.Errorf("server info %+v", got)
	}
	scenario(t, s, phone)
	if !strings.Contains(stderr.String(), "serving over stdio") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// The same over streamable HTTP, with the bearer token; without it the
// server answers 401, and it refuses to listen beyond loopback unless told.
func TestMCPOverHTTP(t *testing.T) {
	srv := simtest.ADBServer(t)
	phone := simtest.Serve(t, srv, simtest.HalfSize)
	home := t.TempDir()
	token := "e2e-token-0123456789abcdef"

	// Not on 0.0.0.0 without --allow-remote.
	out, err := serverCmd(t, home, serverArgs(srv, filepath.Join(home, "runs"), "--http", "0.0.0.0:0")).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitUsage || !strings.Contains(string(out), "not a loopback address") {
		t.Errorf("--http 0.0.0.0: %v\n%s", err, out)
	}

	cmd := serverCmd(t, home, serverArgs(srv, filepath.Join(home, "runs"), "--http", "127.0.0.1:0"), "MOBAGENT_MCP_TOKEN="+token)
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
		}
		pw.Close()
	})
	urlc := make(chan string, 1)
	var logs lockedWriter
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+/mcp)`)
		for sc.Scan() {
			logs.Write([]byte(sc.Text() + "\n"))
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urlc <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-urlc:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the server did not say where it listens:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "from $MOBAGENT_MCP_TOKEN") || strings.Contains(logs.String(), token) {
		t.Errorf("the log must name the token's source, never the token:\n%s", logs.String())
	}

	// No token, a wrong token: 401.
	for _, h := range []string{"", "Bearer wrong-token-0123456789"} {
		req, _ := http.NewRequest("POST", url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
		req.Header.Set("Content-Type", "application/json")
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("authorization %q: HTTP %d, want 401", h, resp.StatusCode)
		}
	}

	s := &session{t: t}
	c := sdk.NewClient(&sdk.Implementation{Name: "e2e-http", Version: "1"}, &sdk.ClientOptions{ElicitationHandler: s.elicit})
	hc := &http.Client{Transport: bearerTransport{token: token}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cs, err := c.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url, HTTPClient: hc}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, logs.String())
	}
	defer cs.Close()
	s.cs = cs
	scenario(t, s, phone)
	if t.Failed() {
		t.Logf("server log:\n%s", logs.String())
	}
}

type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// A client written by others: the MCP Inspector's CLI mode (npm package
// @modelcontextprotocol/inspector, installed by scripts/deps.sh) starts
// `mobagent mcp` over stdio, lists the tools and calls two of them.
func TestMCPInspector(t *testing.T) {
	insp := inspector(t)
	srv := simtest.ADBServer(t)
	phone := simtest.Serve(t, srv, simtest.HalfSize)
	home := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		// The server the Inspector starts is this test binary running
		// `mobagent mcp ...` (the arguments go in its environment).
		full := append([]string{"--cli", os.Args[0], "-e", cliArgsEnv + "=" + argsJSON(serverArgs(srv, filepath.Join(home, "runs"))), "-e", "HOME=" + home, "-e", "OMP_THREAD_LIMIT=1"}, args...)
		cmd := exec.CommandContext(ctx, insp, full...)
		cmd.Env = append(mcpEnv(home), "npm_config_update_notifier=false")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("inspector %v: %v\n%s\n%s", args, err, out, stderr.String())
		}
		return out
	}
	var tools struct {
		Tools []struct {
			Name        string `json:"name"`
			Annotations struct {
				ReadOnlyHint bool `json:"readOnlyHint"`
			} `json:"annotations"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(run("--method", "tools/list"), &tools); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, tl := range tools.Tools {
		names[tl.Name] = true
		if tl.Name == "mobile_list_elements_on_screen" && !tl.Annotations.ReadOnlyHint {
			t.Error("the inspector sees mobile_list_elements_on_screen without readOnlyHint")
		}
	}
	for _, n := range []string{"mobile_list_available_devices", "mobile_list_elements_on_screen", "mobile_click_on_screen_at_coordinates", "mobile_tap_element", "run_task", "task_status"} {
		if !names[n] {
			t.Errorf("the inspector does not list %s (it lists %v)", n, names)
		}
	}
	var call struct {
		Content []struct {
			Type, Text string
		} `json:"content"`
		StructuredContent json.RawMessage `json:"structuredContent"`
	}
	if err := json.Unmarshal(run("--method", "tools/call", "--tool-name", "mobile_list_available_devices"), &call); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(call.StructuredContent), phone.Serial) {
		t.Errorf("mobile_list_available_devices through the inspector: %s", call.StructuredContent)
	}
	if err := json.Unmarshal(run("--method", "tools/call", "--tool-name", "mobile_list_elements_on_screen", "--tool-arg", "device="+phone.Serial), &call); err != nil {
		t.Fatal(err)
	}
	if len(call.Content) == 0 || !strings.Contains(call.Content[0].Text, `text="Settings"`) || format.Validate("screen", call.StructuredContent) != nil {
		t.Errorf("mobile_list_elements_on_screen through the inspector: %+v", call)
	}
}

// inspector finds the Inspector's CLI: $MOBAGENT_INSPECTOR, the copy
// scripts/deps.sh installs in .cache/npm, or npx's. Without one the test
// is skipped (and fails under CI, which must run it).
func inspector(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("MOBAGENT_INSPECTOR"); p != "" {
		return p
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err == nil {
		root := filepath.Dir(strings.TrimSpace(string(out)))
		p := filepath.Join(root, ".cache", "npm", "node_modules", ".bin", "mcp-inspector")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "the MCP Inspector is not installed: run ./scripts/deps.sh (it installs @modelcontextprotocol/inspector into .cache/npm with npm), or set MOBAGENT_INSPECTOR to its mcp-inspector binary"
	if _, err := exec.LookPath("npx"); err != nil {
		msg += " (npx is not on PATH either: install nodejs and npm)"
	}
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
