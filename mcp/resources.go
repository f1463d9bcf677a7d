package mcp

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// runFiles are the files of a run directory served as resources.
var runFiles = []string{"run.json", "report.html", "steps.jsonl", "calls.jsonl", "final.jpg"}

const runScheme = "mobagent://runs/"

func runURI(id, file string) string { return runScheme + id + "/" + file }

func mimeOf(name string) string {
	switch filepath.Ext(name) {
	case ".json":
		return "application/json"
	case ".jsonl":
		return "application/jsonl"
	case ".html":
		return "text/html"
	case ".jpg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// runResources lists the URIs of the files dir holds.
func runResources(id, dir string) []string {
	var out []string
	for _, f := range runFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			out = append(out, runURI(id, f))
		}
	}
	return out
}

// addResources serves every run directory: the template for any file of a
// run, and a listed resource for each file of the runs RunsDir holds.
func (s *Server) addResources() {
	s.mcp.AddResourceTemplate(&sdk.ResourceTemplate{URITemplate: runScheme + "{run}/{file}", Name: "run",
		Title:       "A run directory's files",
		Description: "The files of a run: run.json (formats v2), report.html, steps.jsonl, calls.jsonl, final.jpg. {run} is a run id from run_task.",
	}, s.readRun)
	ents, err := os.ReadDir(s.cfg.RunsDir)
	if err != nil {
		return
	}
	var ids []string
	for _, e := range ents {
		if e.IsDir() && validRunID(e.Name()) {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	if len(ids) > 50 {
		ids = ids[len(ids)-50:]
	}
	for _, id := range ids {
		s.addRunResources(id, filepath.Join(s.cfg.RunsDir, id))
	}
}

// addRunResources lists a run's files.
func (s *Server) addRunResources(id, dir string) {
	for _, u := range runResources(id, dir) {
		f := strings.TrimPrefix(u, runScheme+id+"/")
		s.mcp.AddResource(&sdk.Resource{URI: u, Name: id + "/" + f, MIMEType: mimeOf(f), Description: "run " + id + ": " + f}, s.readRun)
	}
}

// readRun serves one file of a run directory.
func (s *Server) readRun(_ context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
	uri := req.Params.URI
	id, file, ok := parseRunURI(uri)
	if !ok {
		return nil, sdk.ResourceNotFoundError(uri)
	}
	dir, _, err := s.runDir(id)
	if err != nil {
		return nil, sdk.ResourceNotFoundError(uri)
	}
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return nil, sdk.ResourceNotFoundError(uri)
	}
	c := &sdk.ResourceContents{URI: uri, MIMEType: mimeOf(file)}
	if strings.HasSuffix(file, ".jpg") {
		c.Blob = b
	} else {
		c.Text = s.red.String(string(b))
	}
	return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{c}}, nil
}

// parseRunURI splits mobagent://runs/ID/FILE, accepting only a run id and
// one of runFiles, so no URI names a path outside a run directory.
func parseRunURI(uri string) (id, file string, ok bool) {
	rest, ok := strings.CutPrefix(uri, runScheme)
	if !ok {
		return "", "", false
	}
	id, file, ok = strings.Cut(rest, "/")
	if !ok || !validRunID(id) {
		return "", "", false
	}
	for _, f := range runFiles {
		if f == file {
			return id, file, true
		}
	}
	return "", "", false
}
