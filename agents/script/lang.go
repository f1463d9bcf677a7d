package script

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mobagent/mobagent/actions"
)

// Op is a command of the script language. The set is closed: a script
// naming anything else is rejected before it runs.
type Op string

// The commands. The acting ones become one action each, checked by the
// safety gate and run by the executor; the others are evaluated against
// the screen the interpreter is given.
const (
	OpOpen        Op = "open"         // open APP                     (acting: open_app)
	OpTap         Op = "tap"          // tap SELECTOR                 (acting)
	OpLongPress   Op = "long_press"   // long_press SELECTOR          (acting)
	OpType        Op = "type"         // type TEXT [into SELECTOR] [submit] [clear]  (acting)
	OpScroll      Op = "scroll"       // scroll down|up [in SELECTOR] (acting; names where the content goes into view)
	OpSwipe       Op = "swipe"        // swipe left|right|up|down [in SELECTOR]  (acting; names the finger's movement)
	OpBack        Op = "back"         // (acting)
	OpHome        Op = "home"         // (acting)
	OpEnter       Op = "enter"        // (acting)
	OpWait        Op = "wait"         // wait [DURATION]              (acting: wait)
	OpScrollTo    Op = "scroll_to"    // scroll_to SELECTOR [down|up] [max N]: scrolls until it shows
	OpExpect      Op = "expect"       // expect SELECTOR: a postcondition
	OpExpectGone  Op = "expect_gone"  // expect_gone SELECTOR
	OpIfVisible   Op = "if_visible"   // if_visible SELECTOR … [else …] end
	OpRepeatUntil Op = "repeat_until" // repeat_until SELECTOR max N … end
	OpRead        Op = "read"         // read NAME from SELECTOR: the element's text into $NAME
	OpLet         Op = "let"          // let NAME = TEXT
	OpDone        Op = "done"         // done [TEXT]: the task is complete (TEXT answers a question)
	opElse        Op = "else"
	opEnd         Op = "end"
)

// commands lists the language in the order the reference gives it.
var commands = []Op{OpOpen, OpTap, OpLongPress, OpType, OpScroll, OpSwipe, OpBack, OpHome, OpEnter, OpWait, OpScrollTo,
	OpExpect, OpExpectGone, OpIfVisible, OpRepeatUntil, OpRead, OpLet, OpDone}

// Acting reports whether the command sends one action to the phone.
func (o Op) Acting() bool {
	switch o {
	case OpOpen, OpTap, OpLongPress, OpType, OpScroll, OpSwipe, OpBack, OpHome, OpEnter, OpWait:
		return true
	}
	return false
}

// Role is the kind of element a selector asks for, named as the element
// list shows models the elements (<button …>, <switch …>, <input …>).
type Role string

// The roles.
const (
	RoleAny      Role = ""
	RoleButton   Role = "button"
	RoleSwitch   Role = "switch"
	RoleCheckbox Role = "checkbox"
	RoleInput    Role = "input"
	RoleText     Role = "text"
	RoleImage    Role = "image"
	RoleIcon     Role = "icon"
	RoleScroll   Role = "scroll"
)

var roleNames = map[string]Role{
	"button": RoleButton, "switch": RoleSwitch, "toggle": RoleSwitch, "checkbox": RoleCheckbox,
	"input": RoleInput, "field": RoleInput, "textbox": RoleInput, "edit": RoleInput,
	"text": RoleText, "label": RoleText, "image": RoleImage, "icon": RoleIcon, "scroll": RoleScroll, "list": RoleScroll,
}

// Selector finds an element by what it says and is, never by where it is.
// Every part that is set must hold. Label, After and Pattern may refer to
// variables ($name).
type Selector struct {
	// Label matches the element's text, content description or hint:
	// the same words (ignoring case and punctuation), its leading words,
	// or the words in a row inside it.
	Label string
	// ID matches the resource-id, whole or its part after ":id/".
	ID string
	// Role is the kind of element.
	Role Role
	// Checked, when set, requires a checkable element in that state.
	Checked *bool
	// After keeps only elements after (in reading order) the first one
	// whose label matches it: "the value under this heading".
	After string
	// Pattern is a regular expression (RE2) the label must contain; read
	// keeps what it matched (its first group, when it has one).
	Pattern string
	// Nth, when above 0, takes the nth element (1-based, in reading
	// order) of those that match, instead of the best match.
	Nth int
	re  *regexp.Regexp
}

// String writes the selector as the language does.
func (s Selector) String() string {
	var parts []string
	if s.Role != RoleAny {
		parts = append(parts, "role:"+string(s.Role))
	}
	if s.Label != "" {
		parts = append(parts, "label:"+strconv.Quote(s.Label))
	}
	if s.ID != "" {
		parts = append(parts, "id:"+strconv.Quote(s.ID))
	}
	if s.Checked != nil {
		parts = append(parts, "checked:"+strconv.FormatBool(*s.Checked))
	}
	if s.After != "" {
		parts = append(parts, "after:"+strconv.Quote(s.After))
	}
	if s.Pattern != "" {
		parts = append(parts, "pattern:"+strconv.Quote(s.Pattern))
	}
	if s.Nth > 0 {
		parts = append(parts, "nth:"+strconv.Itoa(s.Nth))
	}
	return strings.Join(parts, " ")
}

func (s Selector) empty() bool {
	return s.Label == "" && s.ID == "" && s.Role == RoleAny && s.Checked == nil && s.After == "" && s.Pattern == "" && s.Nth == 0
}

// Stmt is one command of a script.
type Stmt struct {
	Line int    // 1-based line in the source
	Src  string // the source line, trimmed
	Op   Op

	Sel  *Selector // the element: tap, long_press, type into, scroll in, swipe in, scroll_to, expect, if_visible, repeat_until, read
	Text string    // open's app, type's text, let's value, done's answer; may refer to $variables
	Var  string    // read and let: the variable's name

	Dir    string        // scroll: down/up (content); swipe: the finger's direction; scroll_to: down/up
	Max    int           // scroll_to and repeat_until: the bound
	Wait   time.Duration // wait
	Submit bool          // type: press enter after
	Clear  bool          // type: replace the field's text

	Body []*Stmt // if_visible's then-branch, repeat_until's body
	Else []*Stmt // if_visible's else-branch
}

// Script is a parsed and validated program. Build it with Compile. It is
// read-only: runs keep their state in an Interp.
type Script struct {
	Source string
	Body   []*Stmt
	// Vars are the variables it defines (let and read), in order.
	Vars []string
}

// Lines returns the commands as their source lines, indented by nesting,
// for plans and reports.
func (s *Script) Lines() []string {
	var out []string
	var walk func(body []*Stmt, depth int)
	walk = func(body []*Stmt, depth int) {
		for _, st := range body {
			out = append(out, strings.Repeat("  ", depth)+st.Src)
			walk(st.Body, depth+1)
			if len(st.Else) > 0 {
				out = append(out, strings.Repeat("  ", depth)+"else")
				walk(st.Else, depth+1)
			}
			if st.Op == OpIfVisible || st.Op == OpRepeatUntil {
				out = append(out, strings.Repeat("  ", depth)+"end")
			}
		}
	}
	walk(s.Body, 0)
	return out
}

// token is one word, quoted string or key:value pair of a line.
type token struct {
	key    string // for a pair, such as "label"
	text   string // the word, the string's content or the pair's value
	quoted bool   // text came from quotes (a string, or a pair's quoted value)
	col    int    // 1-based column
}

func (t token) String() string {
	v := t.text
	if t.quoted {
		v = strconv.Quote(v)
	}
	if t.key != "" {
		return t.key + ":" + v
	}
	return v
}

// selectorKeys are the keys of a selector's key:value parts.
var selectorKeys = map[string]bool{"label": true, "text": true, "desc": true, "id": true, "role": true, "checked": true, "after": true, "pattern": true, "nth": true}

// lex splits one line into tokens, dropping a comment (# or // outside
// quotes).
func lex(line string) ([]token, error) {
	var toks []token
	i := 0
	col := func(i int) int { return utf8.RuneCountInString(line[:i]) + 1 }
	for i < len(line) {
		r, size := utf8.DecodeRuneInString(line[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
			continue
		case r == '#' || strings.HasPrefix(line[i:], "//"):
			return toks, nil
		case isQuote(r):
			s, n, err := lexString(line[i:])
			if err != nil {
				return nil, fmt.Errorf("column %d: %w", col(i), err)
			}
			toks = append(toks, token{text: s, quoted: true, col: col(i)})
			i += n
			continue
		}
		start := i
		for i < len(line) {
			r, size := utf8.DecodeRuneInString(line[i:])
			if unicode.IsSpace(r) {
				break
			}
			if isQuote(r) && i > start && line[i-1] == ':' {
				break // key:"value"
			}
			i += size
		}
		word := line[start:i]
		t := token{text: word, col: col(start)}
		if k, v, ok := strings.Cut(word, ":"); ok && selectorKeys[strings.ToLower(k)] {
			t.key, t.text = strings.ToLower(k), v
			if v == "" && i < len(line) {
				if r, _ := utf8.DecodeRuneInString(line[i:]); isQuote(r) {
					s, n, err := lexString(line[i:])
					if err != nil {
						return nil, fmt.Errorf("column %d: %w", col(i), err)
					}
					t.text, t.quoted = s, true
					i += n
				}
			}
		}
		toks = append(toks, t)
	}
	return toks, nil
}

func isQuote(r rune) bool { return r == '"' || r == '\'' || r == '“' || r == '”' }

// lexString reads a quoted string at the start of s and returns its
// content and the bytes it took. Backslash escapes \" \' \\ \n \t; any
// other backslash stays as written.
func lexString(s string) (string, int, error) {
	open, size := utf8.DecodeRuneInString(s)
	closing := open
	if open == '“' {
		closing = '”'
	}
	var b strings.Builder
	for i := size; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' && i+n < len(s):
			e, m := utf8.DecodeRuneInString(s[i+n:])
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case '\\', '"', '\'', '“', '”':
				b.WriteRune(e)
			default:
				// Not an escape: kept as written, so a pattern's \$ or \d
				// reaches the regular expression.
				b.WriteRune('\\')
				b.WriteRune(e)
			}
			i += n + m
			continue
		case r == closing || (open == '“' && r == '"'):
			return b.String(), i + n, nil
		}
		b.WriteRune(r)
		i += n
	}
	return "", 0, fmt.Errorf("the string %s… is not closed; end it with %c", excerpt(s, 20), closing)
}

// Parse reads a script without validating it against limits (Compile does
// both). Errors are an Errors list of *Error, one per bad line (at most
// maxReported).
func Parse(src string) (*Script, error) {
	p := parser{}
	sc := &Script{Source: src}
	type open struct {
		st     *Stmt
		inElse bool
	}
	var stack []open
	add := func(st *Stmt) {
		switch {
		case len(stack) == 0:
			sc.Body = append(sc.Body, st)
		case stack[len(stack)-1].inElse:
			top := stack[len(stack)-1].st
			top.Else = append(top.Else, st)
		default:
			top := stack[len(stack)-1].st
			top.Body = append(top.Body, st)
		}
	}
	for n, raw := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		line := n + 1
		if p.full() {
			break
		}
		toks, err := lex(raw)
		if err != nil {
			p.fail(line, raw, ErrSyntax, err.Error(), "")
			continue
		}
		if len(toks) == 0 {
			continue
		}
		st, err := p.stmt(line, strings.TrimSpace(stripComment(raw)), toks)
		if err != nil {
			continue // recorded
		}
		switch st.Op {
		case opElse:
			if len(stack) == 0 || stack[len(stack)-1].st.Op != OpIfVisible || stack[len(stack)-1].inElse {
				p.fail(line, st.Src, ErrSyntax, "else without an open if_visible", "write else only inside an if_visible block, once")
				continue
			}
			stack[len(stack)-1].inElse = true
		case opEnd:
			if len(stack) == 0 {
				p.fail(line, st.Src, ErrSyntax, "end without an open block", "each end closes one if_visible or repeat_until")
				continue
			}
			stack = stack[:len(stack)-1]
		case OpIfVisible, OpRepeatUntil:
			add(st)
			stack = append(stack, open{st: st})
		default:
			add(st)
		}
	}
	for i := len(stack) - 1; i >= 0 && !p.full(); i-- {
		st := stack[i].st
		p.fail(st.Line, st.Src, ErrSyntax, fmt.Sprintf("%s is not closed", st.Op), "close the block with a line that says end")
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// stripComment cuts raw where lex stops: at a # or // that starts a
// token, outside quotes.
func stripComment(raw string) string {
	inQ := rune(0)
	prev := ' '
	for i, r := range raw {
		switch {
		case inQ != 0:
			if r == inQ || (inQ == '“' && r == '”') {
				inQ = 0
			}
		case isQuote(r) && (unicode.IsSpace(prev) || prev == ':'):
			inQ = r
		case unicode.IsSpace(prev) && (r == '#' || strings.HasPrefix(raw[i:], "//")):
			return raw[:i]
		}
		prev = r
	}
	return raw
}

// maxReported bounds the errors one Parse or Validate reports.
const maxReported = 8

type parser struct{ errs Errors }

func (p *parser) full() bool { return len(p.errs) >= maxReported }

func (p *parser) fail(line int, src string, kind error, msg, fix string) error {
	e := &Error{Line: line, Src: excerpt(src, 80), Err: kind, Msg: msg, Fix: fix}
	if !p.full() {
		p.errs = append(p.errs, e)
	}
	return e
}

func (p *parser) err() error {
	if len(p.errs) == 0 {
		return nil
	}
	return p.errs
}

// stmt parses one line's tokens.
func (p *parser) stmt(line int, src string, toks []token) (*Stmt, error) {
	head := toks[0]
	if head.key != "" || head.quoted {
		return nil, p.fail(line, src, ErrSyntax, fmt.Sprintf("a line starts with a command, not %s", head), "start the line with one of: "+commandList())
	}
	name := strings.ToLower(head.text)
	st := &Stmt{Line: line, Src: src, Op: Op(name)}
	args := toks[1:]
	bad := func(msg, fix string) (*Stmt, error) { return nil, p.fail(line, src, ErrSyntax, msg, fix) }
	switch st.Op {
	case opElse, opEnd, OpBack, OpHome, OpEnter:
		if len(args) > 0 {
			return bad(fmt.Sprintf("%s takes nothing after it, got %s", name, args[0]), "write "+name+" alone on its line")
		}
	case OpOpen:
		if len(args) == 0 {
			return bad("open needs the app", `write open "Settings"`)
		}
		if len(args) == 1 {
			st.Text = args[0].text
		} else {
			var ws []string
			for _, a := range args {
				if a.quoted || a.key != "" {
					return bad("open takes one app name", `quote a name of several words: open "Play Store"`)
				}
				ws = append(ws, a.text)
			}
			st.Text = strings.Join(ws, " ")
		}
	case OpTap, OpLongPress, OpExpect, OpExpectGone, OpIfVisible:
		sel, rest, err := parseSelector(args)
		if err != nil {
			return bad(err.Error(), selectorFix)
		}
		if len(rest) > 0 {
			return bad(fmt.Sprintf("unexpected %s after the selector", rest[0]), selectorFix)
		}
		st.Sel = sel
	case OpType:
		if len(args) == 0 || args[0].key != "" || (!args[0].quoted && !strings.HasPrefix(args[0].text, "$")) {
			return bad("type needs the text first, in quotes or as a $variable", `write type "on my way" into role:input`)
		}
		st.Text = args[0].text
		rest := args[1:]
		for len(rest) > 0 {
			w := strings.ToLower(rest[0].text)
			switch {
			case rest[0].quoted || rest[0].key != "":
				return bad(fmt.Sprintf("unexpected %s; the element comes after into", rest[0]), `write type "text" into label:"Search"`)
			case w == "into":
				if st.Sel != nil {
					return bad("into twice", "name one element")
				}
				sel, r, err := parseSelector(rest[1:])
				if err != nil {
					return bad(err.Error(), selectorFix)
				}
				st.Sel, rest = sel, r
			case w == "submit":
				st.Submit, rest = true, rest[1:]
			case w == "clear":
				st.Clear, rest = true, rest[1:]
			default:
				return bad(fmt.Sprintf("unexpected %s after the text", rest[0]), `type takes: "text" [into SELECTOR] [submit] [clear]`)
			}
		}
	case OpScroll, OpSwipe:
		st.Dir = "down"
		rest := args
		if len(rest) > 0 && rest[0].key == "" && !rest[0].quoted && isDir(rest[0].text) {
			st.Dir, rest = strings.ToLower(rest[0].text), rest[1:]
		} else if st.Op == OpSwipe {
			return bad("swipe needs a direction: left, right, up or down", "write swipe left")
		}
		if st.Op == OpScroll && st.Dir != "down" && st.Dir != "up" {
			return bad("scroll goes down or up", "use swipe left|right for sideways")
		}
		if len(rest) > 0 {
			if strings.ToLower(rest[0].text) != "in" || rest[0].quoted || rest[0].key != "" {
				return bad(fmt.Sprintf("unexpected %s", rest[0]), "write "+name+" down [in SELECTOR]")
			}
			sel, r, err := parseSelector(rest[1:])
			if err != nil {
				return bad(err.Error(), selectorFix)
			}
			if len(r) > 0 {
				return bad(fmt.Sprintf("unexpected %s after the selector", r[0]), selectorFix)
			}
			st.Sel = sel
		}
	case OpScrollTo, OpRepeatUntil:
		sel, rest, err := parseSelector(args)
		if err != nil {
			return bad(err.Error(), selectorFix)
		}
		st.Sel, st.Dir = sel, "down"
		for len(rest) > 0 {
			w := strings.ToLower(rest[0].text)
			switch {
			case rest[0].quoted || rest[0].key != "":
				return bad(fmt.Sprintf("unexpected %s", rest[0]), selectorFix)
			case st.Op == OpScrollTo && (w == "down" || w == "up"):
				st.Dir, rest = w, rest[1:]
			case w == "max":
				if len(rest) < 2 {
					return bad("max needs a number", "write max 5")
				}
				n, err := strconv.Atoi(rest[1].text)
				if err != nil || n < 1 || rest[1].quoted {
					return bad(fmt.Sprintf("max %s is not a positive whole number", rest[1]), "write max 5")
				}
				st.Max, rest = n, rest[2:]
			default:
				return bad(fmt.Sprintf("unexpected %s", rest[0]), fmt.Sprintf("%s takes: SELECTOR%s [max N]", name, map[bool]string{true: " [down|up]"}[st.Op == OpScrollTo]))
			}
		}
	case OpWait:
		st.Wait = time.Second
		if len(args) > 1 {
			return bad("wait takes one duration", "write wait 2s")
		}
		if len(args) == 1 {
			d, err := parseWait(args[0].text)
			if err != nil || args[0].quoted || args[0].key != "" {
				return bad(fmt.Sprintf("wait %s is not a duration", args[0]), "write wait 2s or wait 500ms")
			}
			st.Wait = d
		}
	case OpRead:
		if len(args) < 2 || args[0].key != "" || args[0].quoted || !isIdent(strings.TrimPrefix(args[0].text, "$")) {
			return bad("read needs a variable name and an element", `write read price from role:text pattern:"\$[0-9.]+"`)
		}
		st.Var = strings.TrimPrefix(args[0].text, "$")
		rest := args[1:]
		if !rest[0].quoted && rest[0].key == "" && strings.EqualFold(rest[0].text, "from") {
			rest = rest[1:]
		}
		sel, r, err := parseSelector(rest)
		if err != nil {
			return bad(err.Error(), selectorFix)
		}
		if len(r) > 0 {
			return bad(fmt.Sprintf("unexpected %s after the selector", r[0]), selectorFix)
		}
		st.Sel = sel
	case OpLet:
		if len(args) < 2 || args[0].key != "" || args[0].quoted || !isIdent(strings.TrimPrefix(args[0].text, "$")) {
			return bad("let needs a variable name and a value", `write let contact = "Alex"`)
		}
		st.Var = strings.TrimPrefix(args[0].text, "$")
		rest := args[1:]
		if !rest[0].quoted && rest[0].text == "=" {
			rest = rest[1:]
		}
		if len(rest) != 1 || rest[0].key != "" || (!rest[0].quoted && !strings.HasPrefix(rest[0].text, "$")) {
			return bad("let takes one value, in quotes", `write let contact = "Alex"`)
		}
		st.Text = rest[0].text
	case OpDone:
		if len(args) > 1 || (len(args) == 1 && (args[0].key != "" || (!args[0].quoted && !strings.HasPrefix(args[0].text, "$")))) {
			return bad("done takes at most one answer, in quotes or as a $variable", `write done, or done "$price"`)
		}
		if len(args) == 1 {
			st.Text = args[0].text
		}
	default:
		return nil, p.fail(line, src, ErrUnknownCommand, fmt.Sprintf("unknown command %q%s", head.text, suggest(name)), "the commands are: "+commandList())
	}
	return st, nil
}

const selectorFix = `a selector is label:"…", id:"…", role:button|switch|checkbox|input|text|image|scroll, checked:true|false, after:"…", pattern:"…" or nth:N, or a quoted label`

// parseSelector reads selector parts from the front of toks and returns
// the rest (from the first word that is not a selector part).
func parseSelector(toks []token) (*Selector, []token, error) {
	sel := &Selector{}
	i := 0
	for ; i < len(toks); i++ {
		t := toks[i]
		switch {
		case t.quoted && t.key == "":
			if sel.Label != "" {
				return nil, nil, fmt.Errorf("two labels (%q and %q)", sel.Label, t.text)
			}
			sel.Label = t.text
		case t.key == "label" || t.key == "text" || t.key == "desc":
			if sel.Label != "" {
				return nil, nil, fmt.Errorf("two labels (%q and %q)", sel.Label, t.text)
			}
			sel.Label = t.text
		case t.key == "id":
			sel.ID = t.text
		case t.key == "role":
			r, ok := roleNames[strings.ToLower(t.text)]
			if !ok {
				return nil, nil, fmt.Errorf("unknown role %q", t.text)
			}
			sel.Role = r
		case t.key == "checked":
			v, err := strconv.ParseBool(strings.ToLower(t.text))
			if err != nil {
				return nil, nil, fmt.Errorf("checked:%s is not true or false", t.text)
			}
			sel.Checked = &v
		case t.key == "after":
			sel.After = t.text
		case t.key == "pattern":
			if len(t.text) > 200 {
				return nil, nil, fmt.Errorf("the pattern is %d bytes; keep it under 200", len(t.text))
			}
			re, err := regexp.Compile("(?i)" + t.text)
			if err != nil {
				return nil, nil, fmt.Errorf("pattern %q is not a regular expression: %v", t.text, err)
			}
			sel.Pattern, sel.re = t.text, re
		case t.key == "nth":
			n, err := strconv.Atoi(t.text)
			if err != nil || n < 1 || n > 50 {
				return nil, nil, fmt.Errorf("nth:%s is not a number from 1 to 50", t.text)
			}
			sel.Nth = n
		case t.key == "" && (strings.EqualFold(t.text, "checked") || strings.EqualFold(t.text, "unchecked")):
			v := strings.EqualFold(t.text, "checked")
			sel.Checked = &v
		default:
			if sel.empty() {
				return nil, nil, fmt.Errorf("expected an element, got %s", t)
			}
			return sel, toks[i:], nil
		}
	}
	if sel.empty() {
		return nil, nil, fmt.Errorf("no element named")
	}
	for _, s := range []string{sel.Label, sel.ID, sel.After} {
		if strings.TrimSpace(s) == "" && s != "" {
			return nil, nil, fmt.Errorf("an empty value")
		}
	}
	return sel, nil, nil
}

func isDir(w string) bool {
	switch strings.ToLower(w) {
	case "up", "down", "left", "right":
		return true
	}
	return false
}

var waitRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)(ms|s)?$`)

func parseWait(w string) (time.Duration, error) {
	m := waitRE.FindStringSubmatch(strings.ToLower(w))
	if m == nil {
		return 0, fmt.Errorf("not a duration")
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v > 3600 {
		return 0, fmt.Errorf("not a duration")
	}
	if m[2] == "ms" {
		return time.Duration(v * float64(time.Millisecond)), nil
	}
	return time.Duration(v * float64(time.Second)), nil
}

func isIdent(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r < utf8.RuneSelf && unicode.IsLetter(r) || i > 0 && r < utf8.RuneSelf && unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

func commandList() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// near names the command a model may have meant.
var near = map[string]Op{
	"click": OpTap, "press": OpTap, "touch": OpTap, "select": OpTap, "longpress": OpLongPress, "long_tap": OpLongPress, "long-press": OpLongPress,
	"input": OpType, "write": OpType, "enter_text": OpType, "type_text": OpType, "launch": OpOpen, "open_app": OpOpen, "start": OpOpen,
	"scroll_down": OpScroll, "scroll_up": OpScroll, "sleep": OpWait, "assert": OpExpect, "check": OpExpect, "verify": OpExpect,
	"if": OpIfVisible, "if_exists": OpIfVisible, "while": OpRepeatUntil, "repeat": OpRepeatUntil, "loop": OpRepeatUntil, "for": OpRepeatUntil,
	"until": OpRepeatUntil, "set": OpLet, "var": OpLet, "finish": OpDone, "complete": OpDone, "answer": OpDone, "press_back": OpBack, "go_back": OpBack,
	"get_text": OpRead, "extract": OpRead,
}

func suggest(name string) string {
	if op, ok := near[name]; ok {
		if op == OpRepeatUntil {
			return " (loops are repeat_until SELECTOR max N … end)"
		}
		return fmt.Sprintf(" (did you mean %s?)", op)
	}
	return ""
}

func excerpt(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// varRE finds $name and ${name} references.
var varRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// refs lists the variables s refers to.
func refs(s string) []string {
	var out []string
	for _, m := range varRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

// expand replaces $name and ${name} with their values; an unknown name is
// left as written (Validate rules it out).
func expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := varRE.FindStringSubmatch(m)
		if v, ok := vars[sub[1]+sub[2]]; ok {
			return v
		}
		return m
	})
}

// scrollSwipe is the finger's movement that brings content from dir into
// view: scrolling down moves the finger up.
func scrollSwipe(dir string) actions.Direction {
	if dir == "up" {
		return actions.Down
	}
	return actions.Up
}
