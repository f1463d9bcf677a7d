package format

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schemas/*.json
var schemaFS embed.FS

const schemaBase = "https://mobagent.dev/schemas/"

// Names lists the public files that have a schema, such as "run", "step"
// and "screen" (not "defs", which holds their shared definitions).
func Names() []string {
	ents, _ := schemaFS.ReadDir("schemas")
	var out []string
	for _, e := range ents {
		n := strings.TrimSuffix(e.Name(), ".json")
		if n != "defs" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ErrUnknownSchema: no schema has the name.
var ErrUnknownSchema = errors.New("format: unknown schema")

// Schema returns the JSON Schema of the named file, as embedded.
func Schema(name string) ([]byte, error) {
	b, err := schemaFS.ReadFile("schemas/" + path.Base(name) + ".json")
	if err != nil {
		return nil, fmt.Errorf("%w %q: the names are %s", ErrUnknownSchema, name, strings.Join(Names(), ", "))
	}
	return b, nil
}

// Describe is a schema's title: what the file is.
func Describe(name string) string {
	b, err := Schema(name)
	if err != nil {
		return ""
	}
	var s struct {
		Title string `json:"title"`
	}
	_ = json.Unmarshal(b, &s)
	return s.Title
}

var (
	compileOnce sync.Once
	compiled    map[string]*jsonschema.Schema
	compileErr  error
)

func compileAll() (map[string]*jsonschema.Schema, error) {
	compileOnce.Do(func() {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		ents, err := schemaFS.ReadDir("schemas")
		if err != nil {
			compileErr = err
			return
		}
		for _, e := range ents {
			b, err := schemaFS.ReadFile("schemas/" + e.Name())
			if err != nil {
				compileErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				compileErr = fmt.Errorf("format: schema %s: %w", e.Name(), err)
				return
			}
			if err := c.AddResource(schemaBase+e.Name(), doc); err != nil {
				compileErr = fmt.Errorf("format: schema %s: %w", e.Name(), err)
				return
			}
		}
		compiled = map[string]*jsonschema.Schema{}
		for _, n := range Names() {
			s, err := c.Compile(schemaBase + n + ".json")
			if err != nil {
				compileErr = fmt.Errorf("format: schema %s: %w", n, err)
				return
			}
			compiled[n] = s
		}
	})
	return compiled, compileErr
}

// Validate checks one JSON document against the named schema. The error
// says which field breaks which rule.
func Validate(name string, doc []byte) error {
	all, err := compileAll()
	if err != nil {
		return err
	}
	s, ok := all[name]
	if !ok {
		return fmt.Errorf("%w %q: the names are %s", ErrUnknownSchema, name, strings.Join(Names(), ", "))
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("format: not JSON: %w", err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("format: does not match the %s schema: %w", name, err)
	}
	return nil
}

// ValidateLines checks every line of a JSON Lines stream against the named
// schema, naming the first line that fails.
func ValidateLines(name string, r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		n++
		if err := Validate(name, line); err != nil {
			return n, fmt.Errorf("line %d: %w", n, err)
		}
	}
	return n, sc.Err()
}
