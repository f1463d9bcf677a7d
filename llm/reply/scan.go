package reply

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Options change how values are read.
type Options struct {
	// LowerKeys lower-cases (and trims) object keys, for callers that look
	// keys up by their lower-case names.
	LowerKeys bool
}

// maxDepth bounds nesting; deeper values are a syntax error.
const maxDepth = 32

// SyntaxError is where and why a value could not be read.
type SyntaxError struct {
	Offset int    // byte offset in the text
	Msg    string // such as "unterminated string"
}

func (e *SyntaxError) Error() string { return e.Msg + " at byte " + strconv.Itoa(e.Offset) }

// ParseValue reads one value starting at s[i] (after any spaces and
// comments) and returns it with the offset just past it. Values are
// map[string]any, []any, float64, string, bool or nil; a bare word (up, HOME,
// com.android.settings) is a string and ( ) reads as a list, as in Python.
func ParseValue(s string, i int, o Options) (any, int, error) {
	p := parser{s: s, i: i, lower: o.LowerKeys}
	v, ok := p.value()
	if !ok {
		return nil, p.i, p.syntaxErr()
	}
	return v, p.i, nil
}

// SkipSpace returns the offset of the first byte at or after i that is not a
// space, a line break or part of a // or /* */ comment.
func SkipSpace(s string, i int) int {
	p := parser{s: s, i: i}
	p.ws()
	return p.i
}

type parser struct {
	s     string
	i     int
	depth int
	lower bool
	err   *SyntaxError
}

func (p *parser) fail(msg string) bool {
	if p.err == nil {
		p.err = &SyntaxError{Offset: min(p.i, len(p.s)), Msg: msg}
	}
	return false
}

func (p *parser) syntaxErr() *SyntaxError {
	if p.err == nil {
		return &SyntaxError{Offset: min(p.i, len(p.s)), Msg: "no value"}
	}
	return p.err
}

// Structural characters, with the full-width and typographic forms models
// write mapped onto them. quoteOpen marks “ and ‘, which only a matching close
// quote ends.
const (
	chOther byte = 0x80
)

// peek returns the structural meaning of the character at s[i] and its width
// in bytes: ASCII bytes stand for themselves; ｛ ｝ ［ ］ （ ） ： ， ＂ ＇ “ ” ‘ ’
// stand for their ASCII forms; anything else is chOther.
func (p *parser) peek() (byte, int) {
	return peekAt(p.s, p.i)
}

func peekAt(s string, i int) (byte, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return c, 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '｛':
		return '{', w
	case '｝':
		return '}', w
	case '［':
		return '[', w
	case '］':
		return ']', w
	case '（':
		return '(', w
	case '）':
		return ')', w
	case '：':
		return ':', w
	case '，':
		return ',', w
	case '＂', '“', '”':
		return '"', w
	case '＇', '‘', '’':
		return '\'', w
	}
	return chOther, w
}

func (p *parser) ws() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.i++
		case c == '/' && p.i+1 < len(p.s) && p.s[p.i+1] == '/':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case c == '/' && p.i+1 < len(p.s) && p.s[p.i+1] == '*':
			end := strings.Index(p.s[p.i+2:], "*/")
			if end < 0 {
				p.i = len(p.s)
				return
			}
			p.i += end + 4
		case c == 0xE3 && strings.HasPrefix(p.s[p.i:], "\u3000"): // ideographic space
			p.i += len("\u3000")
		default:
			return
		}
	}
}

func (p *parser) value() (any, bool) {
	p.ws()
	if p.i >= len(p.s) {
		return nil, p.fail("the text ends where a value should be")
	}
	c, _ := p.peek()
	switch {
	case c == '{':
		return p.object()
	case c == '[' || c == '(':
		return p.array()
	case c == '"' || c == '\'':
		return p.str()
	case c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case isIdentByte(c):
		start := p.i
		for p.i < len(p.s) && isIdentByte(p.s[p.i]) {
			p.i++
		}
		switch w := p.s[start:p.i]; w {
		case "true", "True", "TRUE":
			return true, true
		case "false", "False", "FALSE":
			return false, true
		case "null", "None", "nil", "NULL", "undefined":
			return nil, true
		default:
			return w, true // a bare word such as up or HOME
		}
	}
	return nil, p.fail("unexpected " + quoteChar(p.s, p.i) + " where a value should be")
}

func quoteChar(s string, i int) string {
	if i >= len(s) {
		return "end of text"
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strconv.QuoteRune(r)
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || c == '$' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func (p *parser) object() (any, bool) {
	if p.depth++; p.depth > maxDepth {
		return nil, p.fail("nested too deeply")
	}
	defer func() { p.depth-- }()
	start := p.i
	_, w := p.peek() // {
	p.i += w
	m := map[string]any{}
	notClosed := func() (any, bool) {
		p.i = start
		return nil, p.fail("the object starting here is not closed: end it with }")
	}
	for {
		p.ws()
		if p.i >= len(p.s) {
			return notClosed()
		}
		c, w := p.peek()
		switch {
		case c == '}':
			p.i += w
			return m, true
		case c == ',' || c == ';':
			p.i += w
			continue
		}
		var key string
		switch {
		case c == '"' || c == '\'':
			k, ok := p.strAs(true)
			if !ok {
				return nil, false
			}
			key = k.(string)
		case isIdentByte(c):
			start := p.i
			for p.i < len(p.s) && isIdentByte(p.s[p.i]) {
				p.i++
			}
			key = p.s[start:p.i]
		default:
			return nil, p.fail("unexpected " + quoteChar(p.s, p.i) + " where a key should be")
		}
		p.ws()
		if p.i >= len(p.s) {
			return notClosed()
		}
		if c, w := p.peek(); c == ':' || c == '=' {
			p.i += w
		} else {
			return nil, p.fail("expected : after the key " + strconv.Quote(key))
		}
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		if p.lower {
			key = lowerKey(key)
		}
		m[key] = v
	}
}

func lowerKey(k string) string {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') || c == ' ' || c == '\t' {
			return strings.ToLower(strings.TrimSpace(k))
		}
	}
	return k
}

func (p *parser) array() (any, bool) {
	if p.depth++; p.depth > maxDepth {
		return nil, p.fail("nested too deeply")
	}
	defer func() { p.depth-- }()
	start := p.i
	open, w := p.peek()
	closer := byte(']')
	if open == '(' {
		closer = ')'
	}
	p.i += w
	out := []any{}
	for {
		p.ws()
		if p.i >= len(p.s) {
			p.i = start
			return nil, p.fail("the list starting here is not closed: end it with " + string(closer))
		}
		c, w := p.peek()
		if c == closer {
			p.i += w
			return out, true
		}
		if c == ',' {
			p.i += w
			continue
		}
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
}

func (p *parser) number() (any, bool) {
	start := p.i
	if p.s[p.i] == '-' || p.s[p.i] == '+' {
		p.i++
	}
	for p.i < len(p.s) {
		c := p.s[p.i]
		if (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || ((c == '-' || c == '+') && (p.s[p.i-1] == 'e' || p.s[p.i-1] == 'E')) {
			p.i++
			continue
		}
		break
	}
	f, err := strconv.ParseFloat(strings.TrimPrefix(p.s[start:p.i], "+"), 64)
	if err != nil {
		p.i = start
		return nil, p.fail("malformed number " + strconv.Quote(p.s[start:min(start+20, len(p.s))]))
	}
	return f, true
}

// closes reports whether the quote ending at s[j] (exclusive) ends the
// string: only when the next non-space character is punctuation that can
// follow a value, or the text ends. A quote followed by a letter is part of
// the text ("it's", "the "Send" button").
func (p *parser) closes(j int) bool {
	for k := j; k < len(p.s); {
		switch p.s[k] {
		case ' ', '\t', '\r':
			k++
			continue
		case ',', ':', '}', ']', ')', '\n', '=', ';':
			return true
		}
		if c, _ := peekAt(p.s, k); c == ',' || c == ':' || c == '}' || c == ']' || c == ')' {
			return true
		}
		return false
	}
	return true
}

func (p *parser) letterAt(j int) bool {
	if j >= len(p.s) {
		return false
	}
	c := p.s[j]
	return c >= utf8.RuneSelf || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
}

// str reads a string quoted with ' or " (or “ ” ‘ ’ ＂ ＇). A string opened
// with an ASCII quote ends only at the same ASCII quote, so typographic
// quotes inside it are text.
func (p *parser) str() (any, bool) { return p.strAs(false) }

// strAs reads a string; a key's closing quote needs only to be followed by
// something other than a letter or digit.
func (p *parser) strAs(key bool) (any, bool) {
	start := p.i
	q, w := p.peek()
	ascii := w == 1
	p.i += w
	var b strings.Builder
	plain := p.i // start of the run not yet copied
	flush := func(end int) { b.WriteString(p.s[plain:end]) }
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '\\' && p.i+1 < len(p.s) {
			flush(p.i)
			p.i++
			e := p.s[p.i]
			p.i++
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if r, ok := p.unicodeEscape(); ok {
					b.WriteRune(r)
				} else {
					b.WriteByte('u')
				}
			default:
				b.WriteByte(e) // \" \' \\ \/ and unknown escapes keep the character
			}
			plain = p.i
			continue
		}
		if c == q || (!ascii && c >= utf8.RuneSelf) {
			cq, cw := p.peek()
			if cq == q && (!ascii || cw == 1) && (p.closes(p.i+cw) || (key && !p.letterAt(p.i+cw))) {
				var out string
				if b.Len() == 0 {
					out = p.s[plain:p.i] // no escapes: no copy
				} else {
					flush(p.i)
					out = b.String()
				}
				p.i += cw
				return out, true
			}
			p.i += cw
			continue
		}
		p.i++
	}
	p.i = start
	return nil, p.fail("the string starting here is not closed")
}

func (p *parser) unicodeEscape() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	r, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	r1 := rune(r)
	if utf16.IsSurrogate(r1) && p.i+6 <= len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
		if r2, err := strconv.ParseUint(p.s[p.i+2:p.i+6], 16, 32); err == nil {
			if dec := utf16.DecodeRune(r1, rune(r2)); dec != utf8.RuneError {
				p.i += 6
				return dec, true
			}
		}
	}
	return r1, true
}
