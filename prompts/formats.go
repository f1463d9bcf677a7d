package prompts

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"text/template"
)

//go:embed formats/*.tmpl
var formatFS embed.FS

// FormatData is what a reply format is rendered with.
type FormatData struct {
	// Width and Height are the size the model's coordinates refer to: the
	// image it is sent, or for a smart-resized dialect (qwen2.5-vl,
	// ui-tars-1.5, gui-owl) the resized image (actions.SmartResize.Size).
	// Formats in normalized coordinates do not use them; zero leaves pixel
	// points out of the json and mobile-agent formats.
	Width, Height int
	// Elements: the screen the model sees lists numbered elements. For the
	// m3a format the list must number them from 0 (index = element id - 1).
	Elements bool
}

var formatFuncs = template.FuncMap{"half": func(n int) int { return n / 2 }}

// Format renders the reply-format instruction of the named dialect
// (prompts/formats/NAME.tmpl): what the model must write and in which
// coordinate system. Each ends with an example reply after "Example:".
func Format(name string, d FormatData) (string, error) {
	src, err := formatFS.ReadFile("formats/" + name + ".tmpl")
	if err != nil {
		return "", fmt.Errorf("%w: no reply format %q; have %s", ErrTemplate, name, strings.Join(FormatNames(), ", "))
	}
	t, err := template.New(name).Funcs(formatFuncs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return "", fmt.Errorf("%w: formats/%s.tmpl: %v", ErrTemplate, name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("%w: formats/%s.tmpl: %v", ErrTemplate, name, err)
	}
	return b.String(), nil
}

// FormatNames lists the reply formats, sorted; each is named after its
// dialect.
func FormatNames() []string {
	ents, _ := fs.ReadDir(formatFS, "formats")
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".tmpl"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
