package safety

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	htmltemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// hardSecrets have every printable ASCII character, a line break, non-ASCII
// letters, a look of JSON and markup, and a PIN.
var hardSecrets = map[string]string{
	"ASCII": func() string {
		var b []byte
		for c := byte(' '); c <= '~'; c++ {
			b = append(b, c)
		}
		return string(b)
	}(),
	"NEWLINE": "first line\nsecond \"line\"",
	"UNICODE": "pässwörd-Ωμέγα-пароль-密码-🔑",
	"MARKUP":  `a"b<c>d\e&f'g`,
	"QUOTES":  `'"'"`,
	"PIN":     "4821",
}

// producers are the ways text reaches a file, an output or a request.
var producers = []struct {
	name string
	f    func(string) string
}{
	{"raw", func(s string) string { return "typed: " + s + " (done)" }},
	{"json", func(s string) string { b, _ := json.Marshal(map[string]string{"text": s}); return string(b) }},
	{"json no html escape", func(s string) string {
		var b bytes.Buffer
		e := json.NewEncoder(&b)
		e.SetEscapeHTML(false)
		e.Encode(map[string]string{"text": s})
		return b.String()
	}},
	{"json in json", func(s string) string {
		inner, _ := json.Marshal(map[string]any{"messages": []map[string]string{{"role": "user", "content": "type " + s}}})
		outer, _ := json.Marshal(map[string]string{"request": string(inner)})
		return string(outer)
	}},
	{"json ascii", func(s string) string { return `{"text":"` + jsonASCII(s, false) + `"}` }},
	{"query", func(s string) string { return "https://example.com/search?q=" + url.QueryEscape(s) + "&n=2" }},
	{"path", func(s string) string { return "https://example.com/u/" + url.PathEscape(s) }},
	{"html", func(s string) string { return "<td>" + html.EscapeString(s) + "</td>" }},
	{"html/template", func(s string) string {
		var b strings.Builder
		htmltemplate.Must(htmltemplate.New("r").Parse(`<p title="{{.}}">{{.}}</p><script>var t = {{.}};</script>`)).Execute(&b, s)
		return b.String()
	}},
	{"xml", func(s string) string {
		var b bytes.Buffer
		xml.EscapeText(&b, []byte(s))
		return `<node text="` + b.String() + `"/>`
	}},
	{"uiautomator", func(s string) string { return `<node text="` + namedEntities(s) + `" password="false"/>` }},
	{"%q", func(s string) string { return fmt.Sprintf("typing %q failed", s) }},
	{"screen", func(s string) string { return "Text message: " + strings.Join(strings.Fields(s), " ") }},
}

// TestRedactEveryEncoding: whatever carries a secret, redacting leaves none
// of it, in the form the producer wrote or as written.
func TestRedactEveryEncoding(t *testing.T) {
	r := &Redactor{}
	for name, v := range hardSecrets {
		r.Add(name, v)
	}
	for name, v := range hardSecrets {
		for _, p := range producers {
			in := p.f(v)
			out := r.String(in)
			if strings.Contains(out, v) || (p.name != "raw" && strings.Contains(out, strings.TrimPrefix(strings.TrimSuffix(p.f(v), " (done)"), "typed: "))) {
				t.Errorf("%s via %s leaks: %s", name, p.name, out)
			}
			if !strings.Contains(out, "[REDACTED:") {
				t.Errorf("%s via %s: nothing redacted in %s", name, p.name, out)
			}
			for _, form := range Encodings(v) {
				if len(form) >= 4 && strings.Contains(out, form) {
					t.Errorf("%s via %s keeps the form %q: %s", name, p.name, form, out)
				}
			}
			if strings.HasPrefix(p.name, "json") {
				red, err := r.JSON([]byte(in))
				if err != nil || !json.Valid(red) {
					t.Fatalf("%s via %s: JSON redaction gave %s, %v", name, p.name, red, err)
				}
				if strings.Contains(decodedStrings(t, red), v) {
					t.Errorf("%s via %s: the decoded JSON still has it: %s", name, p.name, red)
				}
			}
		}
	}
}

// decodedStrings joins every string in a JSON value, decoding JSON found
// inside strings too.
func decodedStrings(t *testing.T, b []byte) string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case string:
			sb.WriteString(x + "\n")
			var in any
			if json.Unmarshal([]byte(x), &in) == nil {
				walk(in)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				sb.WriteString(k + "\n")
				walk(e)
			}
		}
	}
	walk(v)
	return sb.String()
}

// TestRedactNeverChangesNumbers: issue 14's numeric password 1234 corrupted
// "hash":90311246520[REDACTED:password]066. Numbers and structure stay.
func TestRedactNeverChangesNumbers(t *testing.T) {
	r := &Redactor{}
	r.Add(PasswordName, "1234")
	in := `{"format":2,"hash":90311246520123466,"n":1234,"f":-12.34e12,"s":"pin 1234","h":"9031124652012346","ids":[1234,12345,"1234"],"k1234":true}` + "\n" +
		`{"step":2,"text":"typed 1234\n1234","point":[1234,567]}` + "\n"
	out, err := r.JSON([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"format":2,"hash":90311246520123466,"n":1234,"f":-12.34e12,"s":"pin [REDACTED:password]","h":"9031124652012346","ids":[1234,12345,"[REDACTED:password]"],"k1234":true}` + "\n" +
		`{"step":2,"text":"typed [REDACTED:password]\n[REDACTED:password]","point":[1234,567]}` + "\n"
	if string(out) != want {
		t.Errorf("JSON:\n got %s\nwant %s", out, want)
	}
	if got := r.Bytes([]byte(in)); string(got) != want {
		t.Errorf("Bytes of JSON lines:\n got %s\nwant %s", got, want)
	}
	if got := r.String("hash 90311246520123466, pin 1234, code A1234B, %221234%22, \\n1234"); got != "hash 90311246520123466, pin [REDACTED:password], code A1234B, %22[REDACTED:password]%22, \\n[REDACTED:password]" {
		t.Errorf("String: %s", got)
	}
	if _, err := r.JSON([]byte(`{"a":`)); !errors.Is(err, ErrNotJSON) {
		t.Errorf("JSON of a broken value: %v", err)
	}
	b, err := r.Marshal(struct {
		Hash int64  `json:"hash"`
		Text string `json:"text"`
	}{90311246520123466, "my pin is 1234"})
	if err != nil || string(b) != `{"hash":90311246520123466,"text":"my pin is [REDACTED:password]"}` {
		t.Errorf("Marshal: %s, %v", b, err)
	}
}

// A secret in any of its forms, written in pieces, does not get through the
// writer.
func TestRedactWriterSplitsEncodings(t *testing.T) {
	r := &Redactor{}
	v := hardSecrets["MARKUP"]
	r.Add("MARKUP", v)
	r.Add("PIN", "4821")
	for _, in := range []string{
		`{"text":` + strconv.Quote(v) + `,"pin":"4821","n":48210}`,
		"query=" + url.QueryEscape(v) + "&pin=4821",
		"<p>" + html.EscapeString(v) + "</p> 4821",
	} {
		for cut := 0; cut <= len(in); cut++ {
			var buf bytes.Buffer
			w := r.Writer(&buf)
			w.Write([]byte(in[:cut]))
			w.Write([]byte(in[cut:]))
			w.Close()
			out := buf.String()
			if out != r.String(in) {
				t.Fatalf("cut at %d: %q, want %q", cut, out, r.String(in))
			}
			if strings.Contains(out, "4821\"") || !strings.Contains(out, "48210") && strings.Contains(in, "48210") {
				t.Fatalf("cut at %d: PIN handling wrong: %q", cut, out)
			}
		}
	}
}

// FuzzRedactJSON: redacting valid JSON gives valid JSON with the same
// numbers, literals and shape, and no string that still holds the secret.
func FuzzRedactJSON(f *testing.F) {
	f.Add(`{"hash":90311246520123466,"text":"pin 1234"}`, "1234")
	f.Add(`[1,"a\"b<c>",{"k":null,"x":true}]`+"\n"+`{"y":-0.5e-3}`, `a"b<c>`)
	f.Add(`{"request":"{\"content\":\"type p\\u00e4ss\"}"}`, "päss")
	f.Add(`"\ud83d\udd11 key"`, "🔑")
	f.Add(`{"a":"x\u0000y"}`, "\x00")
	f.Add(`{}`, "")
	f.Fuzz(func(t *testing.T, doc, secret string) {
		if validJSONStream([]byte(doc)) != nil {
			return
		}
		r := &Redactor{}
		r.Add("S", secret)
		out, err := r.JSON([]byte(doc))
		if err != nil {
			t.Fatalf("JSON(%q): %v", doc, err)
		}
		if err := validJSONStream(out); err != nil {
			t.Fatalf("JSON(%q) = %q, not JSON: %v", doc, out, err)
		}
		a, b := shapes(t, []byte(doc)), shapes(t, out)
		if a != b {
			t.Fatalf("shape changed:\n in  %s\n out %s", a, b)
		}
		if secret != "" && !isDigits(secret) {
			for _, d := range jsonStrings(out) {
				if slicesContain(strings.Split(d, "[REDACTED:S]"), secret) {
					t.Fatalf("JSON(%q) = %q still holds %q in %q", doc, out, secret, d)
				}
			}
		}
	})
}

// shapes describes a JSON stream with every string replaced by "s" and
// every number kept as written.
func shapes(t *testing.T, b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var sb strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case string:
			sb.WriteString("s ")
		case json.Number:
			sb.WriteString(string(v) + " ")
		default:
			fmt.Fprintf(&sb, "%v ", v)
		}
	}
	return sb.String()
}

// jsonStrings returns every string (keys too) of a JSON stream, decoded.
func jsonStrings(b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []string
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		if s, ok := tok.(string); ok {
			out = append(out, s)
		}
	}
}

func slicesContain(pieces []string, sub string) bool {
	for _, p := range pieces {
		if strings.Contains(p, sub) {
			return true
		}
	}
	return false
}
