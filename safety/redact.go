package safety

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	htmltemplate "html/template"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/mobagent/mobagent/perception"
)

// Redactor replaces every registered secret value, and every text seen in a
// password field, with [REDACTED:NAME] in strings, bytes, JSON, writers and
// logs, so logs, trajectories and prompts never contain them.
//
// A value is matched in every form it can reappear in: as written, with its
// white space collapsed (as a screen or a one-line summary shows it), in
// NFC and NFD, JSON-escaped (Go's \u003c style and plain, \uXXXX for
// non-ASCII, and escaped twice for JSON inside JSON), percent-encoded (query,
// path, every byte, upper and lower case), HTML- and XML-escaped (named and
// numeric entities), Go-quoted (%q), shell-quoted and as `input text` and
// base64 carry it.
//
// A value of digits only (a PIN) is matched only where no letter or digit
// touches it, so it is never found inside a longer number or a hash: redacting
// "1234" leaves "hash":"9031124652012346" and 90311246520123466 alone.
// JSON (and Bytes of JSON) is redacted inside its strings only, so numbers and
// structure never change.
//
// The zero value is ready to use. A Redactor is safe for concurrent use.
type Redactor struct {
	mu     sync.RWMutex
	vals   []redactVal      // every form of every value, longest first
	first  [256][]redactVal // vals by their first byte, longest first
	raw    map[string]bool  // the values as registered
	maxLen int
}

type redactVal struct {
	name, value string
	digits      bool // the registered value is digits only: match on digit boundaries
}

// PasswordName is the name redacted password-field text is shown under.
const PasswordName = "password"

// Add registers a value to redact under name. Empty values are ignored.
// Short values (one to three characters) are redacted too, which can also
// hide unrelated text; that is the safe side.
func (r *Redactor) Add(name, value string) {
	if value == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.raw[value] {
		return
	}
	if r.raw == nil {
		r.raw = map[string]bool{}
	}
	r.raw[value] = true
	digits := isDigits(value)
	have := map[string]bool{}
	for _, v := range r.vals {
		have[v.value] = true
	}
	for _, f := range Encodings(value) {
		if have[f] {
			continue
		}
		have[f] = true
		r.vals = append(r.vals, redactVal{name: name, value: f, digits: digits})
		r.maxLen = max(r.maxLen, len(f))
	}
	sort.SliceStable(r.vals, func(i, j int) bool { return len(r.vals[i].value) > len(r.vals[j].value) })
	for i := range r.first {
		r.first[i] = nil
	}
	for _, v := range r.vals {
		r.first[v.value[0]] = append(r.first[v.value[0]], v)
	}
}

// Encodings returns the forms in which value can reappear in text mobagent
// writes or reads, value itself first (see Redactor).
func Encodings(value string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	base := []string{value, norm.NFC.String(value), norm.NFD.String(value)}
	if c := strings.Join(strings.Fields(value), " "); c != "" {
		base = append(base, c)
	}
	for _, v := range base {
		add(v)
		j := jsonEscape(v, true)
		add(j)
		add(jsonEscape(v, false))
		add(jsonASCII(v, false))
		add(jsonASCII(v, true))
		add(jsonEscape(j, true))
		add(jsonEscape(jsonEscape(v, false), false))
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
		add(pctEvery(v, false))
		add(pctEvery(v, true))
		add(lowerPct(url.QueryEscape(v)))
		add(html.EscapeString(v))
		add(htmlTemplateText(v))
		add(htmlTemplateJS(v))
		add(xmlEscape(v))
		add(namedEntities(v))
		add(goQuoted(strconv.Quote(v)))
		add(goQuoted(strconv.QuoteToASCII(v)))
		add(strings.ReplaceAll(v, "'", `'\''`))
		add(strings.ReplaceAll(v, " ", "%s"))
		if len(v) >= 3 {
			add(base64.StdEncoding.EncodeToString([]byte(v)))
			add(base64.RawStdEncoding.EncodeToString([]byte(v)))
		}
	}
	return out
}

func jsonEscape(s string, escapeHTML bool) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(escapeHTML)
	_ = e.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// jsonASCII is s JSON-escaped with every non-ASCII character as \uXXXX
// (surrogate pairs above the BMP), as Python and Java write JSON.
func jsonASCII(s string, upper bool) string {
	var b strings.Builder
	hexDigits := "0123456789abcdef"
	if upper {
		hexDigits = "0123456789ABCDEF"
	}
	u := func(c rune) {
		b.WriteString(`\u`)
		for sh := 12; sh >= 0; sh -= 4 {
			b.WriteByte(hexDigits[(c>>sh)&0xf])
		}
	}
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			u(r)
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			u(r1)
			u(r2)
		default:
			u(r)
		}
	}
	return b.String()
}

var (
	htmlText = htmltemplate.Must(htmltemplate.New("t").Parse(`{{.}}`))
	htmlJS   = htmltemplate.Must(htmltemplate.New("j").Parse(`<script>{{.}}</script>`))
)

// htmlTemplateText is s as html/template writes it in HTML text (the run
// report).
func htmlTemplateText(s string) string {
	var b strings.Builder
	_ = htmlText.Execute(&b, s)
	return b.String()
}

// htmlTemplateJS is s as html/template writes it in a script, without the
// quotes around it.
func htmlTemplateJS(s string) string {
	var b strings.Builder
	_ = htmlJS.Execute(&b, s)
	out := strings.TrimSuffix(strings.TrimPrefix(b.String(), "<script>"), "</script>")
	if len(out) >= 2 && out[0] == '"' && out[len(out)-1] == '"' {
		out = out[1 : len(out)-1]
	}
	return out
}

// goQuoted is a Go-quoted string (fmt's %q) without its quotes.
func goQuoted(q string) string { return q[1 : len(q)-1] }

func pctEvery(s string, lower bool) string {
	var b strings.Builder
	f := "%%%02X"
	if lower {
		f = "%%%02x"
	}
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, f, s[i])
	}
	return b.String()
}

var pctSeqRE = regexp.MustCompile(`%[0-9A-F]{2}`)

func lowerPct(s string) string { return pctSeqRE.ReplaceAllStringFunc(s, strings.ToLower) }

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// namedEntities escapes s the way Android's uiautomator dump and most XML
// writers do: named entities and &#10; for a line break.
func namedEntities(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;", "\n", "&#10;", "\r", "&#13;", "\t", "&#9;").Replace(s)
}

// ObserveScreen registers the text of every password field on s (ignoring
// masks like "••••").
func (r *Redactor) ObserveScreen(s *perception.Screen) {
	if s == nil {
		return
	}
	for _, e := range s.Elements {
		if e.Password && e.Text != "" && e.Text != e.Hint && strings.Trim(e.Text, "•*·●") != "" {
			r.Add(PasswordName, e.Text)
		}
	}
}

// String returns s with every registered value replaced. Replacement is one
// left-to-right pass, longest value first at each position, so a replacement
// marker is never matched again.
func (r *Redactor) String(s string) string {
	if r == nil {
		return s
	}
	out, _ := r.scan([]byte(s), false)
	return string(out)
}

// Bytes returns b with every registered value replaced. b is not modified.
// When b is JSON (one value, or JSON lines) it is redacted as JSON does, so
// numbers and structure stay as they are; otherwise as String does.
func (r *Redactor) Bytes(b []byte) []byte {
	if r == nil {
		return b
	}
	if looksJSON(b) {
		if out, err := r.JSON(b); err == nil {
			return out
		}
	}
	out, _ := r.scan(b, false)
	return out
}

// ErrNotJSON is returned by Redactor.JSON for input that is not JSON.
var ErrNotJSON = errors.New("not JSON")

// JSON returns b, a JSON value or a stream of them (JSON lines), with every
// registered value redacted inside its strings, keys included. Each string
// is decoded, redacted and re-encoded only if that changes it, so numbers,
// true, false, null, the structure, the white space and every unchanged
// string keep their bytes, and the result is valid JSON whenever b is. b is
// not modified. Input that is not JSON is an error wrapping ErrNotJSON.
func (r *Redactor) JSON(b []byte) ([]byte, error) {
	if err := validJSONStream(b); err != nil {
		return nil, fmt.Errorf("safety: redacting JSON: %w: %v", ErrNotJSON, err)
	}
	if r == nil {
		return append([]byte(nil), b...), nil
	}
	r.mu.RLock()
	empty := len(r.vals) == 0
	r.mu.RUnlock()
	if empty {
		return append([]byte(nil), b...), nil
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		if b[i] != '"' {
			j := i
			for j < len(b) && b[j] != '"' {
				j++
			}
			out = append(out, b[i:j]...)
			i = j
			continue
		}
		end := stringEnd(b, i)
		lit := b[i:end]
		var s string
		if err := json.Unmarshal(lit, &s); err != nil {
			return nil, fmt.Errorf("safety: redacting JSON: %w: string at byte %d: %v", ErrNotJSON, i, err)
		}
		if red := r.String(s); red != s {
			enc, _ := json.Marshal(red)
			out = append(out, enc...)
		} else {
			out = append(out, lit...)
		}
		i = end
	}
	return out, nil
}

// Marshal is json.Marshal of v with its strings redacted (see JSON): the
// way to write a value to a run file.
func (r *Redactor) Marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return r.JSON(b)
}

// stringEnd returns the index just past the JSON string literal starting at
// b[i] (a quote).
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

func looksJSON(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '"')
}

// validJSONStream checks that b is one or more JSON values separated by
// white space.
func validJSONStream(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			if n == 0 {
				return errors.New("no JSON value")
			}
			return nil
		}
		if err != nil {
			return err
		}
		n++
	}
}

// Writer wraps w so everything written through it is redacted, including a
// value split across several Write calls: the last few bytes of each write
// that could start a secret are held back until the next Write or Close.
// Close (or Flush) must be called to write the held-back tail; Close does not
// close w.
func (r *Redactor) Writer(w io.Writer) *RedactingWriter {
	return &RedactingWriter{r: r, w: w}
}

// RedactingWriter is the io.WriteCloser returned by Redactor.Writer. It is
// safe for concurrent use.
type RedactingWriter struct {
	r       *Redactor
	w       io.Writer
	mu      sync.Mutex
	pending []byte
}

// Write redacts p (together with any held-back bytes) and writes what can no
// longer be part of a secret.
func (rw *RedactingWriter) Write(p []byte) (int, error) {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	buf := append(rw.pending, p...)
	out, keep := rw.r.redactStream(buf)
	rw.pending = append([]byte(nil), keep...)
	if len(out) > 0 {
		if _, err := rw.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes the held-back bytes.
func (rw *RedactingWriter) Flush() error {
	rw.mu.Lock()
	defer rw.mu.Unlock()
	if len(rw.pending) == 0 {
		return nil
	}
	out, _ := rw.r.scan(rw.pending, false)
	rw.pending = nil
	_, err := rw.w.Write(out)
	return err
}

// Close flushes. It does not close the underlying writer.
func (rw *RedactingWriter) Close() error { return rw.Flush() }

// redactStream redacts buf and splits it into what can be written now and a
// tail that may be the start of a secret continued by the next write.
func (r *Redactor) redactStream(buf []byte) (out, keep []byte) { return r.scan(buf, true) }

func (r *Redactor) scan(buf []byte, stream bool) (out, keep []byte) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.vals) == 0 {
		return append([]byte(nil), buf...), nil
	}
	res := make([]byte, 0, len(buf))
	i, last := 0, 0
	hold := -1
	for i < len(buf) {
		if stream && r.maxLen > len(buf)-i && r.startsValue(buf[i:]) {
			hold = i // the rest may be a secret continued by the next write
			break
		}
		matched := false
		for _, v := range r.first[buf[i]] { // longest first
			if !bytes.HasPrefix(buf[i:], []byte(v.value)) {
				continue
			}
			end := i + len(v.value)
			if v.digits && !digitBounded(buf, i, end) {
				continue
			}
			if stream && v.digits && end == len(buf) {
				// A digit may follow in the next write.
				hold = i
				break
			}
			res = append(res, buf[last:i]...)
			res = append(res, "[REDACTED:"+v.name+"]"...)
			i = end
			last = i
			matched = true
			break
		}
		if hold >= 0 {
			break
		}
		if !matched {
			i++
		}
	}
	if hold < 0 {
		res = append(res, buf[last:]...)
		return res, nil
	}
	res = append(res, buf[last:hold]...)
	return res, buf[hold:]
}

// digitBounded reports whether buf[i:end], a run of digits, stands alone:
// no ASCII letter or digit right before or after it, except the letter of a
// backslash escape (\n1234) or the hex of a %XX or \uXXXX escape before it.
func digitBounded(buf []byte, i, end int) bool {
	alnum := func(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
	if end < len(buf) && alnum(buf[end]) {
		return false
	}
	if i == 0 || !alnum(buf[i-1]) {
		return true
	}
	switch {
	case i >= 2 && buf[i-2] == '\\': // \n, \t, \r
		return true
	case i >= 3 && buf[i-3] == '%' && isHexRune(rune(buf[i-2])) && isHexRune(rune(buf[i-1])):
		return true
	case i >= 6 && buf[i-6] == '\\' && buf[i-5] == 'u':
		return true
	}
	return false
}

// startsValue reports whether p is a proper prefix of a registered value.
func (r *Redactor) startsValue(p []byte) bool {
	for _, v := range r.first[p[0]] {
		if len(p) < len(v.value) && strings.HasPrefix(v.value, string(p)) {
			return true
		}
	}
	return false
}

// Handler wraps h so every message, attribute value (strings, errors,
// Stringers, byte slices and any value whose %v form holds a secret) and
// group is redacted before h sees it.
func (r *Redactor) Handler(h slog.Handler) slog.Handler {
	return &redactHandler{r: r, h: h}
}

type redactHandler struct {
	r *Redactor
	h slog.Handler
}

func (rh *redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return rh.h.Enabled(ctx, l) }

func (rh *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	n := slog.NewRecord(rec.Time, rec.Level, rh.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		n.AddAttrs(rh.attr(a))
		return true
	})
	return rh.h.Handle(ctx, n)
}

func (rh *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(as))
	for i, a := range as {
		out[i] = rh.attr(a)
	}
	return &redactHandler{r: rh.r, h: rh.h.WithAttrs(out)}
}

func (rh *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{r: rh.r, h: rh.h.WithGroup(name)}
}

func (rh *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, rh.r.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = rh.attr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		var s string
		switch x := v.Any().(type) {
		case error:
			s = x.Error()
		case fmt.Stringer:
			s = x.String()
		case []byte:
			s = string(x)
		default:
			s = fmt.Sprintf("%+v", x)
		}
		if red := rh.r.String(s); red != s {
			return slog.String(a.Key, red)
		}
		if b, ok := v.Any().([]byte); ok {
			return slog.String(a.Key, string(b))
		}
		return slog.Attr{Key: a.Key, Value: v}
	}
	if s := v.String(); rh.r.String(s) != s {
		return slog.String(a.Key, rh.r.String(s)) // a number or time that equals a secret
	}
	return slog.Attr{Key: a.Key, Value: v}
}
