package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/mobagent/mobagent/bench/mobilebench"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/sim/simtest"
)

// mobilebenchSamples finds the 76 real Mobile-Bench items beside the
// repository, or skips.
func mobilebenchSamples(t *testing.T) string {
	t.Helper()
	var tried []string
	if _, file, _, ok := runtime.Caller(0); ok {
		tried = append(tried, filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "..", "shared", "fixtures", "mobilebench", "samples.json"))
	}
	tried = append(tried, "/work/shared/fixtures/mobilebench/samples.json")
	for _, p := range tried {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("Mobile-Bench samples not found (looked at %s)", strings.Join(tried, ", "))
	return ""
}

const mobilebenchAPIs = "../../../../bench/mobilebench/testdata/app_list_MIUI.json"

func TestBenchMobilebenchRunUsage(t *testing.T) {
	samples := mobilebenchSamples(t)
	lax := filepath.Join(t.TempDir(), "lax.yaml")
	if err := os.WriteFile(lax, []byte("rules:\n  - category: harmful\n    decision: allow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"bench", "mobilebench", "run", "--model", "oracle"}, "--items is required"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--phones", "0", "--model", "oracle"}, "--phones 0"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--confirm", "ask", "--model", "oracle", "--adb-server", "127.0.0.1:1"}, "use deny or approve"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--shard", "4/4", "--model", "oracle"}, "0 ≤ I < N"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--adb-server", "127.0.0.1:1"}, "--model is required"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--model", "oracle"}, "give the benchmark's app_list_MIUI.json"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--model", "oracle", "--policy", lax, "--adb-server", "127.0.0.1:1"}, lax + ":3:"},
		{[]string{"bench", "mobilebench", "run", "--items", samples, "--apis", samples, "--model", "oracle"}, "API list"},
	} {
		s, _, errb := cliStreams()
		if code := Main(tc.args, s); code != ExitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args[3:], code, errb, tc.want)
		}
	}
}

// TestBenchMobilebenchCoverage: --coverage runs nothing and needs no adb
// server; its JSON follows its schema and counts every sample.
func TestBenchMobilebenchCoverage(t *testing.T) {
	samples := mobilebenchSamples(t)
	s, out, errb := cliStreams()
	if code := Main([]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--coverage", "--json", "--adb-server", "127.0.0.1:1"}, s); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if err := format.Validate("mobilebench-coverage", out.Bytes()); err != nil {
		t.Errorf("coverage JSON: %v\n%.500s", err, out)
	}
	if !strings.Contains(out.String(), `"items": 76`) {
		t.Errorf("coverage of %.300s", out)
	}
	s, out, _ = cliStreams()
	if code := Main([]string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--coverage"}, s); code != ExitOK ||
		!strings.Contains(out.String(), "items can run on the virtual phone") || !strings.Contains(out.String(), "missing_app") {
		t.Errorf("exit %d, Markdown coverage:\n%.800s", code, out)
	}
}

// TestBenchMobilebenchRunOracle runs the oracle on two phones through an
// adb server, reruns to resume nothing, and refuses to mix another setup
// into the run directory.
func TestBenchMobilebenchRunOracle(t *testing.T) {
	samples := mobilebenchSamples(t)
	srv := simtest.ADBServer(t)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"bench", "mobilebench", "run", "--items", samples, "--apis", mobilebenchAPIs, "--model", "oracle", "--confirm", "approve",
		"--phones", "2", "--adb-server", srv, "--out", out, "--max-steps", "20"}
	s, stdout, errb := cliStreams()
	if code := Main(args, s); code != ExitOK {
		t.Fatalf("exit %d\nstderr:\n%s", code, errb)
	}
	if !strings.Contains(errb.String(), "mobilebench: 7/7 items") && !strings.Contains(errb.String(), "items (") {
		t.Errorf("no progress on stderr:\n%s", errb)
	}
	if !strings.Contains(stdout.String(), "| **all** |") || !strings.Contains(stdout.String(), "1.0000") {
		t.Errorf("report:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := format.Validate("mobilebench-run", b); err != nil {
		t.Errorf("report.json: %v", err)
	}
	rf, err := os.Open(filepath.Join(out, mobilebench.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	n, err := format.ValidateLines("mobilebench-results", rf)
	rf.Close()
	if err != nil || n == 0 {
		t.Errorf("results: %d lines, %v", n, err)
	}

	// The results are a histories file for score.
	s, scored, errb := cliStreams()
	if code := Main([]string{"bench", "mobilebench", "score", "--items", samples, "--histories", filepath.Join(out, mobilebench.ResultsFile), "--json"}, s); code != ExitOK {
		t.Fatalf("score: exit %d: %s", code, errb)
	}
	if !strings.Contains(scored.String(), `"histories": `+strconv.Itoa(n)) {
		t.Errorf("score read the results as:\n%.400s", scored)
	}

	s, _, errb = cliStreams()
	if code := Main(args, s); code != ExitOK || !strings.Contains(errb.String(), "0 items run now, "+strconv.Itoa(n)+" resumed") {
		t.Errorf("rerun: exit %d\nstderr:\n%s", code, errb)
	}
	s, _, errb = cliStreams()
	if code := Main(append(args, "--confirm", "deny"), s); code != ExitUsage || !strings.Contains(errb.String(), "another setup") {
		t.Errorf("changed setup: exit %d, stderr %s", code, errb)
	}
}
