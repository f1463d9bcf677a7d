package actions

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/mobagent/mobagent/llm/reply"
)

// findCalls returns, for each "name(" in text (up to max), the offsets of
// the name's start and end and of the byte after "(": what the regexp
// \b([a-z][a-z_]*(?:[ -][a-z_]+)?)\s*\( would match, case-insensitively,
// without its cost. A name may be two words ("Open app", "long-tap").
func findCalls(text string, max int) [][3]int {
	var out [][3]int
	isName := func(c byte) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
	isLetter := func(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
	isWord := func(c byte) bool { return isName(c) || (c >= '0' && c <= '9') }
	for i := 0; i < len(text) && len(out) < max; {
		p := strings.IndexByte(text[i:], '(')
		if p < 0 {
			break
		}
		p += i
		i = p + 1
		e := p
		for e > 0 && (text[e-1] == ' ' || text[e-1] == '\t' || text[e-1] == '\n' || text[e-1] == '\f' || text[e-1] == '\r') { // RE2's \s
			e--
		}
		a2 := e
		for a2 > 0 && isName(text[a2-1]) {
			a2--
		}
		if a2 == e {
			continue
		}
		start := -1
		if a2 >= 2 && (text[a2-1] == ' ' || text[a2-1] == '-') && isName(text[a2-2]) {
			a1 := a2 - 1
			for a1 > 0 && isName(text[a1-1]) {
				a1--
			}
			for a1 < a2-1 && !isLetter(text[a1]) {
				a1++
			}
			if a1 < a2-1 && (a1 == 0 || !isWord(text[a1-1])) {
				start = a1
			}
		}
		if start < 0 {
			for a2 < e && !isLetter(text[a2]) {
				a2++
			}
			if a2 == e || (a2 > 0 && isWord(text[a2-1])) {
				continue
			}
			start = a2
		}
		out = append(out, [3]int{start, e, p + 1})
	}
	return out
}

// parseCalls reads function-call style actions: tap(5), swipe(up),
// replace-text(3, "hi"), Open app (Settings), Swipe (1, 2), (3, 4),
// click(start_box='(1,2)'). In an action section the first call wins;
// elsewhere the last.
//
// It also returns where the chosen call starts, so that the prose before it
// can be the thought.
func parseCalls(text string, o ParseOptions, first bool) (Decision, int, error) {
	var last Decision
	var firstErr error
	found, at := false, 0
	for _, c := range findCalls(text, 32) {
		m := [4]int{c[0], c[2], c[0], c[1]} // as the regexp's match and name indices
		full := text[m[2]:m[3]]
		name := full
		if !knownName(name) {
			if i := strings.LastIndexAny(name, " -"); i >= 0 && knownName(name[i+1:]) && !knownName(strings.ReplaceAll(name, " ", "_")) {
				name = name[i+1:]
			} else if !knownName(name) {
				if _, other := notOnPhone[normName(name)]; other && firstErr == nil {
					_, firstErr = fromCallAction(name, nil, nil, o, FormatCall)
				}
				continue
			}
		}
		open := m[1] // just past '('
		pos, kw, end, raw, ok := parseArgList(text, open)
		op := aliases[normName(name)]
		if op == "type" || op == "open_app" || op == "ask_user" || op == "refuse" || op == "done" || op == "answer" {
			pos = rawText(op, pos, kw, raw, ok)
		} else if !ok {
			continue
		}
		if op == "swipe" || op == "drag" { // Mobile-Agent: Swipe (x1, y1), (x2, y2)
			if next := skipSep(text, end); next < len(text) && text[next] == '(' {
				if pos2, _, _, _, ok2 := parseArgList(text, next+1); ok2 && len(pos2) == 2 {
					pos = append(pos, pos2...)
				}
			}
		}
		a, err := fromCallAction(name, pos, kw, o, FormatCall)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		f := FormatCall
		if r := []rune(full); unicode.IsUpper(r[0]) && strings.Contains(text[m[2]:m[1]], " (") {
			f = FormatMobileAgent
		}
		last, found, at = Decision{Action: a, Format: f}, true, m[0]
		if first {
			break
		}
	}
	if found {
		return last, at, nil
	}
	return Decision{}, 0, firstErr
}

func skipSep(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == ',' || s[i] == '\t') {
		i++
	}
	if strings.HasPrefix(strings.ToLower(s[i:]), "to ") {
		i += 3
		for i < len(s) && s[i] == ' ' {
			i++
		}
	}
	return i
}

// rawText handles ops whose argument is free text written without quotes, as
// Mobile-Agent does: Type (hello, world), Open app (Google Maps).
func rawText(op string, pos []any, kw map[string]any, raw string, ok bool) []any {
	if len(kw) > 0 {
		return pos
	}
	trimmed := strings.TrimSpace(raw)
	quoted := len(trimmed) > 0 && (trimmed[0] == '"' || trimmed[0] == '\'')
	if ok && (quoted || len(pos) == 0) {
		return pos
	}
	if ok && op == "type" && len(pos) == 2 {
		if _, isNum := pos[0].(float64); isNum {
			if _, isStr := pos[1].(string); isStr && strings.Contains(trimmed[strings.IndexByte(trimmed, ',')+1:], "\"") {
				return pos // type(3, "text")
			}
		}
	}
	if ok && len(pos) == 1 {
		if _, isStr := pos[0].(string); isStr && !strings.ContainsAny(trimmed, " ,") {
			return pos
		}
	}
	if trimmed == "" {
		return nil
	}
	return []any{trimmed}
}

// parseArgList reads "a, 'b', key=value)" starting just past '('. It returns
// the arguments, the index past ')', the raw text between the parentheses,
// and whether the list parsed cleanly.
func parseArgList(s string, i int) (pos []any, kw map[string]any, end int, raw string, ok bool) {
	start := i
	fail := func() ([]any, map[string]any, int, string, bool) {
		// Raw text runs to the last ')' on the line.
		line := s[start:]
		if nl := strings.IndexByte(line, '\n'); nl >= 0 {
			line = line[:nl]
		}
		if c := strings.LastIndexByte(line, ')'); c >= 0 {
			return pos, kw, start + c + 1, line[:c], false
		}
		return pos, kw, start + len(line), line, false
	}
	for n := 0; n < 16; n++ {
		i = reply.SkipSpace(s, i)
		if i >= len(s) {
			return fail()
		}
		switch s[i] {
		case ')':
			return pos, kw, i + 1, s[start:i], true
		case ',':
			i++
			continue
		}
		// key=value or key: value
		if isIdentByte(s[i]) && !(s[i] >= '0' && s[i] <= '9') && s[i] != '-' && s[i] != '.' {
			j := i
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			k := j
			for k < len(s) && s[k] == ' ' {
				k++
			}
			if k < len(s) && (s[k] == '=' || s[k] == ':') && !(k+1 < len(s) && s[k+1] == '=') {
				key := strings.ToLower(s[i:j])
				v, next, err := reply.ParseValue(s, k+1, lowerKeys)
				if err != nil {
					return fail()
				}
				i = next
				if kw == nil {
					kw = map[string]any{}
				}
				kw[key] = v
				continue
			}
		}
		v, next, err := reply.ParseValue(s, i, lowerKeys)
		if err != nil {
			return fail()
		}
		i = next
		pos = append(pos, v)
	}
	return fail()
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

var keywords = map[string]string{
	"finish": "done", "finished": "done", "done": "done", "stop": "done", "complete": "done", "task_complete": "done",
	"task_completed": "done", "task_finished": "done", "status_task_complete": "done",
	"back": "back", "press_back": "back", "go_back": "back", "navigate_back": "back",
	"home": "home", "press_home": "home", "go_home": "home", "navigate_home": "home",
	"enter": "enter", "press_enter": "enter",
	"wait": "wait", "no_op": "wait", "noop": "wait",
	"refuse": "refuse", "ask_consent": "ask_consent",
	"fail": "fail", "infeasible": "fail", "impossible": "fail", "status_task_impossible": "fail",
}

// parseKeyword reads a one-word answer such as FINISH, Back or Home.
func parseKeyword(line string) (Decision, error) {
	s := strings.TrimSpace(line)
	s = strings.Trim(s, "*`'\".:!- \t")
	if s == "" || len(s) > 40 {
		return Decision{}, nil
	}
	op, ok := keywords[normName(s)]
	if !ok {
		return Decision{}, nil
	}
	a, err := fromCallAction(op, nil, nil, ParseOptions{}, FormatKeyword)
	if err != nil {
		return Decision{}, err
	}
	return Decision{Action: a, Format: FormatKeyword}, nil
}

// atlasRe matches OS-Atlas's action lines: CLICK <point>[[x,y]]</point>,
// TYPE [text], SCROLL [UP], OPEN_APP [name], PRESS_BACK, COMPLETE.
var atlasRe = regexp.MustCompile(`(?m)^[ \t]*(CLICK|LONG_PRESS|TYPE|SCROLL|OPEN_APP|PRESS_BACK|PRESS_HOME|PRESS_ENTER|PRESS_RECENT|WAIT|COMPLETE|IMPOSSIBLE)\b[ \t]*(.*)$`)

var atlasOps = map[string]string{"CLICK": "tap", "LONG_PRESS": "long_press", "TYPE": "type", "SCROLL": "scroll", "OPEN_APP": "open_app",
	"PRESS_BACK": "back", "PRESS_HOME": "home", "PRESS_ENTER": "enter", "PRESS_RECENT": "app_switch", "WAIT": "wait", "COMPLETE": "done", "IMPOSSIBLE": "fail"}

// parseAtlas reads OS-Atlas's action lines; the last one wins. It also
// returns where the line starts.
func parseAtlas(text string, o ParseOptions) (Decision, int, error) {
	if (!o.Dialect.Auto() && o.Dialect.Name != DialectOSAtlas) || !strings.ContainsAny(text, "ACDILOPSTW") {
		return Decision{}, 0, nil
	}
	ms := atlasRe.FindAllStringSubmatchIndex(text, 16)
	if len(ms) == 0 {
		return Decision{}, 0, nil
	}
	m := ms[len(ms)-1]
	op, arg := atlasOps[text[m[2]:m[3]]], strings.TrimSpace(text[m[4]:m[5]])
	var pos []any
	kw := map[string]any{}
	switch {
	case strings.HasPrefix(arg, "<point>") || strings.HasPrefix(arg, "[["):
		pos = []any{arg}
	case strings.HasPrefix(arg, "[") && strings.HasSuffix(arg, "]"):
		inner := arg[1 : len(arg)-1]
		switch op {
		case "scroll":
			kw["direction"] = inner
		case "open_app":
			kw["app"] = inner
		default:
			kw["text"] = inner
		}
	case arg != "":
		return Decision{}, 0, nil // a sentence that starts with one of the words
	}
	a, err := fromCallAction(op, pos, kw, o, FormatCall)
	if err != nil {
		return Decision{}, 0, err
	}
	return Decision{Action: a, Format: FormatCall}, m[0], nil
}
