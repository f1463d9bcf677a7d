package script

import (
	"strings"

	"github.com/mobagent/mobagent/llm/reply"
)

// Extract finds the script in a model's reply as models write it: in a
// fenced block (```script, ```text or bare ```), the first one tagged
// script winning; as the "script" field of a JSON object (a string, or a
// list of lines); or, failing both, the whole reply when its first line is
// a command. It returns "" when the reply holds no script.
func Extract(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	blocks := fenced(text)
	for _, b := range blocks {
		if tag := strings.ToLower(b.tag); tag == "script" || tag == "mobscript" {
			return b.body
		}
	}
	for _, b := range blocks {
		if tag := strings.ToLower(b.tag); tag == "" || tag == "text" || tag == "plaintext" || tag == "txt" {
			return b.body
		}
	}
	if s := fromJSON(text); s != "" {
		return s
	}
	for _, b := range blocks {
		if s := fromJSON(b.body); s != "" {
			return s
		}
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		first, _, _ := strings.Cut(line, " ")
		for _, c := range commands {
			if strings.EqualFold(first, string(c)) {
				return text
			}
		}
		return ""
	}
	return ""
}

type block struct{ tag, body string }

// fenced returns the ``` blocks of text in order; an unclosed last block
// runs to the end.
func fenced(text string) []block {
	var out []block
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "```") {
			continue
		}
		tag := strings.TrimSpace(strings.TrimLeft(l, "`"))
		var body []string
		j := i + 1
		for ; j < len(lines); j++ {
			if strings.HasPrefix(strings.TrimSpace(lines[j]), "```") {
				break
			}
			body = append(body, lines[j])
		}
		out = append(out, block{tag: tag, body: strings.Join(body, "\n")})
		i = j
	}
	return out
}

// fromJSON reads {"script": "…"} or {"script": ["…", …]}.
func fromJSON(text string) string {
	if !strings.Contains(text, "{") || !strings.Contains(text, "script") {
		return ""
	}
	var w struct {
		Script any `json:"script"`
	}
	if reply.Decode(text, &w) != nil {
		return ""
	}
	switch v := w.Script.(type) {
	case string:
		return v
	case []any:
		var lines []string
		for _, l := range v {
			s, ok := l.(string)
			if !ok {
				return ""
			}
			lines = append(lines, s)
		}
		return strings.Join(lines, "\n")
	}
	return ""
}
