package prompts

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
)

//go:embed *.tmpl
var builtin embed.FS

// Template names.
const (
	System    = "system"
	Planner   = "planner"
	Decision  = "decision"
	Reflector = "reflector"
	Notetaker = "notetaker"
	// Verifier judges a claimed completion from the final screen.
	Verifier = "verifier"
	// Evolve is memory's reflection on a finished run (agents/evolve).
	Evolve = "evolve"
)

// Names lists the templates every Set has.
func Names() []string {
	return []string{System, Planner, Decision, Reflector, Notetaker, Verifier, Evolve}
}

// Set is a parsed set of role templates.
type Set struct {
	tmpl   map[string]*template.Template
	source map[string]string // name -> where it came from
}

var funcs = template.FuncMap{
	"inc":  func(i int) int { return i + 1 },
	"join": func(sep string, s []string) string { return strings.Join(s, sep) },
}

// ErrTemplate marks a template that does not parse or render.
var ErrTemplate = errors.New("prompt template error")

// Default returns the built-in templates. It panics only if the embedded
// templates are broken, which the package's tests rule out.
func Default() *Set {
	s, err := load(nil, "")
	if err != nil {
		panic(err)
	}
	return s
}

// Load returns the built-in templates with any NAME.tmpl file in dir in
// place of the built-in one. Files with other names are an error, so a typo
// does not go unnoticed. An empty dir means the built-ins.
func Load(dir string) (*Set, error) {
	if dir == "" {
		return load(nil, "")
	}
	return load(os.DirFS(dir), dir)
}

func load(over fs.FS, dir string) (*Set, error) {
	s := &Set{tmpl: map[string]*template.Template{}, source: map[string]string{}}
	known := map[string]bool{}
	for _, n := range Names() {
		known[n] = true
	}
	if over != nil {
		ents, err := fs.ReadDir(over, ".")
		if err != nil {
			return nil, fmt.Errorf("prompts: read the override directory %s: %w", dir, err)
		}
		for _, e := range ents {
			name, ok := strings.CutSuffix(e.Name(), ".tmpl")
			if e.IsDir() || !ok {
				continue
			}
			if !known[name] {
				return nil, fmt.Errorf("%w: %s: no role prompt is called %q; name the file one of %s.tmpl", ErrTemplate, filepath.Join(dir, e.Name()), name, strings.Join(Names(), ".tmpl, "))
			}
			b, err := fs.ReadFile(over, e.Name())
			if err != nil {
				return nil, fmt.Errorf("prompts: %w", err)
			}
			if err := s.add(name, filepath.Join(dir, e.Name()), string(b)); err != nil {
				return nil, err
			}
		}
	}
	for _, n := range Names() {
		if _, ok := s.tmpl[n]; ok {
			continue
		}
		b, err := builtin.ReadFile(n + ".tmpl")
		if err != nil {
			return nil, fmt.Errorf("prompts: built-in %s.tmpl: %w", n, err)
		}
		if err := s.add(n, "built-in "+n+".tmpl", string(b)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *Set) add(name, source, text string) error {
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(text)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrTemplate, source, err)
	}
	s.tmpl[name], s.source[name] = t, source
	return nil
}

// Render executes the named template with data.
func (s *Set) Render(name string, data any) (string, error) {
	t, ok := s.tmpl[name]
	if !ok {
		names := make([]string, 0, len(s.tmpl))
		for n := range s.tmpl {
			names = append(names, n)
		}
		sort.Strings(names)
		return "", fmt.Errorf("%w: no template %q; have %s", ErrTemplate, name, strings.Join(names, ", "))
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("%w: %s: %v", ErrTemplate, s.source[name], err)
	}
	return b.String(), nil
}

// Source says where the named template came from: "built-in NAME.tmpl" or
// the override file's path.
func (s *Set) Source(name string) string { return s.source[name] }
