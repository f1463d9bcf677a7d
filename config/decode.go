package config

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	yaml "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// The decoder walks the YAML syntax tree into File by reflection over the
// yaml struct tags, so that every value keeps its line and column, every
// unknown key is named (with the nearest known one), and a value of the
// wrong type is reported where it is written. goccy/go-yaml is used for its
// exact token positions, which the errors depend on.
type decoder struct {
	file  string
	lines []string
	pos   map[string]Pos
	text  map[string]string
	kpos  map[string]Pos // where each key (also of sections) is written
	errs  List
	depth int
}

// maxDepth bounds nesting (aliases can make a tree deep).
const maxDepth = 32

func (d *decoder) parse(data []byte, into *File) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		d.errs = append(d.errs, d.syntaxError(err))
		return d.errs[0]
	}
	for i, doc := range f.Docs {
		if i > 0 {
			if doc.Body != nil {
				d.add(doc.Body, "", "the file holds more than one YAML document", "keep one document: remove the '---' line and what follows, or merge them")
			}
			continue
		}
		if doc.Body == nil {
			continue
		}
		d.value(doc.Body, reflect.ValueOf(into).Elem(), "")
	}
	return nil
}

func (d *decoder) source(line int) string {
	if line >= 1 && line <= len(d.lines) {
		return strings.TrimRight(d.lines[line-1], "\r")
	}
	return ""
}

func (d *decoder) at(n ast.Node) (int, int) {
	switch m := n.(type) {
	case *ast.MappingValueNode:
		if m.Key != nil {
			n = m.Key
		}
	case *ast.MappingNode:
		if !m.IsFlowStyle && len(m.Values) > 0 && m.Values[0].Key != nil {
			n = m.Values[0].Key
		}
	}
	if n == nil {
		return 1, 1
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 1, 1
	}
	return tk.Position.Line, tk.Position.Column
}

func (d *decoder) add(n ast.Node, key, msg, fix string) {
	l, c := d.at(n)
	d.errs = append(d.errs, &Error{File: d.file, Line: l, Col: c, Key: key, Msg: msg, Fix: fix, Source: d.source(l)})
}

// syntaxError turns the parser's error into an *Error at its token.
func (d *decoder) syntaxError(err error) *Error {
	var se *yaml.SyntaxError
	line, col, msg := 1, 1, err.Error()
	if errors.As(err, &se) {
		msg = se.Message
		if se.Token != nil && se.Token.Position != nil {
			line, col = se.Token.Position.Line, se.Token.Position.Column
		}
	}
	src := d.source(line)
	return &Error{File: d.file, Line: line, Col: col, Msg: "the YAML cannot be read: " + msg, Fix: syntaxFix(msg, src, col), Source: src}
}

// syntaxFix says how to repair the usual mistakes.
func syntaxFix(msg, src string, col int) string {
	low := strings.ToLower(msg)
	at := ""
	if col >= 1 && col <= len(src) {
		at = src[col-1:]
	}
	switch {
	case strings.Contains(msg, "'\t'") || strings.HasPrefix(at, "\t") || strings.Contains(low, "tab"):
		return "YAML indents with spaces, never tabs: replace the tab with spaces"
	case strings.Contains(low, "already defined"):
		return "a key appears twice in one section: keep one of them"
	case strings.Contains(low, "mapping value is not allowed"):
		return "a value holds ': ': put it in quotes (key: \"a: b\"), or check that the key above ends with ':'"
	case strings.Contains(low, "double-quoted") || strings.Contains(low, "single-quoted"):
		return "close the quote on the same line"
	case strings.Contains(low, "']'") || strings.Contains(low, "flow sequence"):
		return "close the list with ']' (lists look like [a, b] or one '- item' per line)"
	case strings.Contains(low, "'}'") || strings.Contains(low, "flow mapping"):
		return "close the mapping with '}'"
	case strings.Contains(low, "unexpected key name"), strings.Contains(low, "could not find"), strings.Contains(low, "non-map value"):
		return "write 'key: value' with a space after the colon"
	case strings.Contains(low, "not allowed in this context"), strings.Contains(low, "indent"):
		return "indent this line like the other keys of its section (two spaces per level)"
	}
	return "check the YAML syntax here (keys are 'name: value', nested sections are indented with spaces)"
}

// resolve follows anchors, aliases and tags to the node holding the value.
func resolve(n ast.Node) ast.Node {
	for i := 0; i < maxDepth && n != nil; i++ {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var durationType = reflect.TypeOf(Duration(0))

// value decodes n into v, recording the position of each scalar under path.
func (d *decoder) value(n ast.Node, v reflect.Value, path string) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.add(n, path, "the file nests too deeply", "flatten it: config sections are at most a few levels deep")
		return
	}
	if alias, ok := n.(*ast.AliasNode); ok && alias.Value != nil && resolve(alias.Value) == nil {
		d.add(n, path, "an alias names no anchor", "define the anchor (&name) before using it (*name)")
		return
	}
	n = resolve(n)
	if n == nil {
		return
	}
	if _, ok := n.(*ast.NullNode); ok {
		return // "key:" with nothing: not set
	}
	if v.Kind() == reflect.Pointer && v.Type() != reflect.TypeOf((*bool)(nil)) {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), path)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.mapping(n, path, func(key string, kn, vn ast.Node) {
			f, ok := fieldByTag(v, key)
			if !ok {
				d.unknown(kn, path, key, tagNames(v.Type()))
				return
			}
			d.value(vn, f, join(path, key))
		})
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		d.mapping(n, path, func(key string, kn, vn ast.Node) {
			if strings.TrimSpace(key) == "" || strings.Contains(key, ".") {
				d.add(kn, join(path, key), fmt.Sprintf("the name %q cannot be used", key), "use a name of letters, digits, '-' and '_', such as cloud or local")
				return
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.value(vn, e, join(path, key))
			v.SetMapIndex(reflect.ValueOf(key), e)
		})
	case reflect.Slice:
		d.sequence(n, v, path)
	default:
		d.scalar(n, v, path)
	}
}

// mapping calls each for every key of a mapping node.
func (d *decoder) mapping(n ast.Node, path string, each func(key string, kn, vn ast.Node)) {
	var pairs []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		pairs = m.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{m}
	default:
		what := "this section"
		if path != "" {
			what = path
		}
		d.add(n, path, fmt.Sprintf("%s holds a %s where a mapping (key: value lines) is expected", what, kind(n)), "write its settings as indented 'key: value' lines")
		return
	}
	for _, p := range pairs {
		kn := resolve(p.Key)
		if _, merge := kn.(*ast.MergeKeyNode); merge || (p.Key != nil && p.Key.IsMergeKey()) {
			d.add(p.Key, path, "merge keys (<<) are not supported", "write the settings out")
			continue
		}
		key, ok := keyText(kn)
		if !ok {
			d.add(p.Key, path, "a key must be a plain word", "write it as name: value")
			continue
		}
		if d.kpos != nil {
			l, c := d.at(p.Key)
			d.kpos[join(path, key)] = Pos{File: d.file, Line: l, Col: c}
		}
		each(key, p.Key, p.Value)
	}
}

func keyText(n ast.Node) (string, bool) {
	switch k := n.(type) {
	case *ast.StringNode:
		return k.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return k.GetToken().Value, true
	}
	return "", false
}

func (d *decoder) sequence(n ast.Node, v reflect.Value, path string) {
	var items []ast.Node
	switch s := n.(type) {
	case *ast.SequenceNode:
		items = s.Values
	default:
		if _, ok := n.(ast.ScalarNode); ok {
			items = []ast.Node{n} // a single value for a list: lang: eng
		} else {
			d.add(n, path, fmt.Sprintf("%s holds a %s where a list is expected", path, kind(n)), "write a list, such as [eng, deu]")
			return
		}
	}
	out := reflect.MakeSlice(v.Type(), 0, len(items))
	for i, it := range items {
		e := reflect.New(v.Type().Elem()).Elem()
		d.value(it, e, fmt.Sprintf("%s[%d]", path, i))
		out = reflect.Append(out, e)
	}
	v.Set(out)
	d.record(n, path)
	parts := make([]string, 0, len(items))
	for i := range items {
		parts = append(parts, d.text[fmt.Sprintf("%s[%d]", path, i)])
		delete(d.text, fmt.Sprintf("%s[%d]", path, i))
		delete(d.pos, fmt.Sprintf("%s[%d]", path, i))
	}
	d.text[path] = "[" + strings.Join(parts, ", ") + "]"
}

func (d *decoder) record(n ast.Node, path string) {
	l, c := d.at(n)
	d.pos[path] = Pos{File: d.file, Line: l, Col: c}
}

func kind(n ast.Node) string {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return "mapping"
	case *ast.SequenceNode:
		return "list"
	case *ast.StringNode, *ast.LiteralNode:
		return "string"
	case *ast.IntegerNode:
		return "number"
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "number"
	case *ast.BoolNode:
		return "true/false value"
	}
	return "value"
}

// scalar decodes one leaf value.
func (d *decoder) scalar(n ast.Node, v reflect.Value, path string) {
	sn, ok := n.(ast.ScalarNode)
	if !ok {
		d.add(n, path, fmt.Sprintf("a %s where one value is expected", kind(n)), "write one value after the colon, such as "+example(v))
		return
	}
	raw := sn.GetValue()
	text := fmt.Sprint(raw)
	if s, ok := raw.(string); ok {
		text = s
	}
	bad := func(want string) {
		d.add(n, path, fmt.Sprintf("%s is not %s", quoteValue(n), want), "write "+example(v))
	}
	switch {
	case v.Type() == durationType:
		var dur time.Duration
		switch x := raw.(type) {
		case string:
			p, err := time.ParseDuration(strings.TrimSpace(x))
			if err != nil || p < 0 {
				bad("a duration")
				return
			}
			dur = p
		case uint64, int64:
			if fmt.Sprint(x) != "0" {
				d.add(n, path, fmt.Sprintf("%s has no unit", quoteValue(n)), "write the unit: 90s, 10m or 1h")
				return
			}
		default:
			bad("a duration")
			return
		}
		v.SetInt(int64(dur))
	case v.Kind() == reflect.Pointer: // *bool
		b, ok := raw.(bool)
		if !ok {
			bad("true or false")
			return
		}
		v.Set(reflect.ValueOf(&b))
	case v.Kind() == reflect.String:
		if _, isStr := n.(*ast.StringNode); !isStr {
			if _, lit := n.(*ast.LiteralNode); !lit {
				text = n.GetToken().Value // 4o, 1.5, true: keep what was written
			}
		}
		v.SetString(text)
	case v.Kind() == reflect.Bool:
		b, ok := raw.(bool)
		if !ok {
			bad("true or false")
			return
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int:
		var i int64
		switch x := raw.(type) {
		case int64:
			i = x
		case uint64:
			if x > math.MaxInt32 {
				bad("a whole number in range")
				return
			}
			i = int64(x)
		default:
			bad("a whole number")
			return
		}
		if i > math.MaxInt32 || i < math.MinInt32 {
			bad("a whole number in range")
			return
		}
		v.SetInt(i)
	case v.Kind() == reflect.Float64:
		var f float64
		switch x := raw.(type) {
		case int64:
			f = float64(x)
		case uint64:
			f = float64(x)
		case float64:
			f = x
		default:
			bad("a number")
			return
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			bad("a finite number")
			return
		}
		v.SetFloat(f)
	default:
		d.add(n, path, "this key cannot be set here", "remove it")
		return
	}
	d.record(n, path)
	if secretKey(path) {
		text = "[hidden]"
	}
	d.text[path] = text
}

// secretKey reports whether the value at path is a secret that is never
// shown.
func secretKey(path string) bool { return strings.HasSuffix(path, ".api_key") }

func quoteValue(n ast.Node) string {
	t := n.GetToken()
	if t == nil {
		return "the value"
	}
	return strconv.Quote(t.Value)
}

// example is a value of v's type, for fixes.
func example(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		return "a duration such as 90s, 10m or 1h30m"
	case v.Kind() == reflect.Bool, v.Kind() == reflect.Pointer:
		return "true or false"
	case v.Kind() == reflect.Int:
		return "a whole number such as 25"
	case v.Kind() == reflect.Float64:
		return "a number such as 2.5"
	case v.Kind() == reflect.Slice:
		return "a list such as [eng, deu]"
	}
	return "a word or a quoted string"
}

func (d *decoder) unknown(kn ast.Node, path, key string, known []string) {
	where := "the top level"
	if path != "" {
		where = path
	}
	fix := "known keys in " + where + ": " + strings.Join(known, ", ")
	if s := nearest(key, known); s != "" {
		fix = fmt.Sprintf("did you mean %q? (%s)", s, fix)
	}
	d.add(kn, join(path, key), fmt.Sprintf("unknown key %q in %s", key, where), fix)
}

// fieldByTag finds the struct field whose yaml tag is key.
func fieldByTag(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if tagName(t.Field(i)) == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

func tagName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return n
}

func tagNames(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		if n := tagName(t.Field(i)); n != "" && n != "-" {
			out = append(out, n)
		}
	}
	return out
}

// nearest returns the known key closest to key by edit distance, when it is
// close enough to be a typo.
func nearest(key string, known []string) string {
	best, bestD := "", 1<<30
	for _, k := range known {
		if dd := editDistance(strings.ToLower(key), k); dd < bestD {
			best, bestD = k, dd
		}
	}
	if bestD <= max(2, len(key)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
