package mcp

import (
	"strings"
	"testing"
)

func TestParseRunURI(t *testing.T) {
	for _, c := range []struct {
		uri, id, file string
		ok            bool
	}{
		{"mobagent://runs/20261203-120000-turn-on-bluetooth-ab12/run.json", "20261203-120000-turn-on-bluetooth-ab12", "run.json", true},
		{"mobagent://runs/r1/final.jpg", "r1", "final.jpg", true},
		{"mobagent://runs/r1/images/step-001.jpg", "", "", false},
		{"mobagent://runs/../run.json", "", "", false},
		{"mobagent://runs/r1/../../etc/passwd", "", "", false},
		{"mobagent://runs/R1/run.json", "", "", false},
		{"file:///etc/passwd", "", "", false},
		{"mobagent://runs/r1", "", "", false},
	} {
		id, file, ok := parseRunURI(c.uri)
		if id != c.id || file != c.file || ok != c.ok {
			t.Errorf("%s: %q %q %v", c.uri, id, file, ok)
		}
	}
}

// FuzzParseRunURI: whatever the URI, an accepted one names a run id of
// safe characters and one of the run files, never a path.
func FuzzParseRunURI(f *testing.F) {
	f.Add("mobagent://runs/20261203-120000-turn-on-bluetooth-ab12/run.json")
	f.Add("mobagent://runs/../../x/report.html")
	f.Add("mobagent://runs/a/b/c")
	f.Add("mobagent://runs//run.json")
	f.Fuzz(func(t *testing.T, uri string) {
		id, file, ok := parseRunURI(uri)
		if !ok {
			return
		}
		if strings.ContainsAny(id, "/\\.") || id == "" || !validRunID(id) {
			t.Fatalf("id %q from %q", id, uri)
		}
		known := false
		for _, f := range runFiles {
			known = known || f == file
		}
		if !known {
			t.Fatalf("file %q from %q", file, uri)
		}
	})
}
