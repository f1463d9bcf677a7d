package examples

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mobagent/mobagent/internal/adbtest"
)

// TestExamples builds and runs every example against a private adb server.
func TestExamples(t *testing.T) {
	srv := adbtest.StartServer(t)
	bin := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"observer", nil, []string{"step 1 decide: open app Settings", "reflect: success", "outcome: success"}},
		{"customrole", nil, []string{"outcome: success", "Dark theme is on"}},
		{"simrun", []string{"-task", "Turn off Wi-Fi", "-out", filepath.Join(t.TempDir(), "run")}, []string{"outcome: success", "report: "}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			exe := filepath.Join(bin, c.name)
			if out, err := exec.CommandContext(ctx, "go", "build", "-o", exe, "./"+c.name).CombinedOutput(); err != nil {
				t.Fatalf("build: %v\n%s", err, out)
			}
			cmd := exec.CommandContext(ctx, exe, c.args...)
			cmd.Env = append(os.Environ(), "ADB_SERVER_SOCKET=tcp:127.0.0.1:"+strconv.Itoa(srv.Port))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("run: %v\n%s", err, out)
			}
			for _, w := range c.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if c.name == "simrun" {
				i := strings.Index(string(out), "report: ")
				path := strings.TrimSpace(string(out)[i+len("report: "):])
				if _, err := os.Stat(path); err != nil {
					t.Errorf("report: %v", err)
				}
			}
		})
	}
}
