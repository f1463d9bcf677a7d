package shell

import (
	"fmt"
	"strings"
)

// SyntaxError is a line that cannot be parsed. Nothing of the line runs.
type SyntaxError struct {
	Offset int    // byte offset in the line where the problem was found
	Msg    string // mksh-like text, e.g. "'|' unexpected"
}

func (e *SyntaxError) Error() string { return "syntax error: " + e.Msg }

// partKind says how a part of a word is expanded.
type partKind uint8

const (
	partLit   partKind = iota // literal text
	partParam                 // parameter expansion: $NAME, ${NAME}, $?
)

type part struct {
	kind   partKind
	text   string // literal text or parameter name
	quoted bool
}

// word is one shell word before expansion.
type word []part

// literal returns the word's text if it has no expansions and no quoting.
func (w word) literal() (string, bool) {
	var b strings.Builder
	for _, p := range w {
		if p.kind != partLit || p.quoted {
			return "", false
		}
		b.WriteString(p.text)
	}
	return b.String(), true
}

type redirect struct {
	fd     int    // the descriptor redirected
	op     string // "<", ">", ">>", ">&", "<&"
	target word
}

type simpleCmd struct {
	assigns []assign
	args    []word
	redirs  []redirect
}

type assign struct {
	name  string
	value word
}

type pipeline struct {
	negate bool
	cmds   []*simpleCmd
}

type andOr struct {
	first *pipeline
	rest  []andOrItem
}

type andOrItem struct {
	op string // "&&" or "||"
	p  *pipeline
}

// program is a parsed command line: and-or lists run one after the other.
type program struct {
	items []*andOr
}

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokWord
	tokOp
	tokNewline
)

type token struct {
	kind tokKind
	op   string
	w    word
	fd   int // io number before a redirection operator, -1 if none
	off  int
}

type lexer struct {
	s   string
	pos int
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

func isMeta(c byte) bool {
	switch c {
	case ' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')':
		return true
	}
	return false
}

func (l *lexer) errf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		if c == ' ' || c == '\t' || c == '\r' {
			l.pos++
			continue
		}
		if c == '\\' && l.pos+1 < len(l.s) && l.s[l.pos+1] == '\n' {
			l.pos += 2
			continue
		}
		if c == '#' {
			for l.pos < len(l.s) && l.s[l.pos] != '\n' {
				l.pos++
			}
			continue
		}
		break
	}
	start := l.pos
	if l.pos >= len(l.s) {
		return token{kind: tokEOF, off: start, fd: -1}, nil
	}
	c := l.s[l.pos]
	if c == '\n' {
		l.pos++
		return token{kind: tokNewline, off: start, fd: -1}, nil
	}
	// An io number: digits immediately followed by < or >.
	if c >= '0' && c <= '9' {
		j := l.pos
		for j < len(l.s) && l.s[j] >= '0' && l.s[j] <= '9' {
			j++
		}
		if j < len(l.s) && (l.s[j] == '<' || l.s[j] == '>') && j-l.pos <= 2 {
			fd := 0
			for _, d := range l.s[l.pos:j] {
				fd = fd*10 + int(d-'0')
			}
			l.pos = j
			t := l.operator()
			t.fd, t.off = fd, start
			return t, nil
		}
	}
	if isMeta(c) {
		t := l.operator()
		t.off = start
		return t, nil
	}
	w, err := l.word()
	if err != nil {
		return token{}, err
	}
	return token{kind: tokWord, w: w, off: start, fd: -1}, nil
}

var operators = []string{"&&", "||", ";;", ">>", ">&", "<&", ">|", "<<", "<>", ";", "&", "|", "<", ">", "(", ")"}

func (l *lexer) operator() token {
	for _, op := range operators {
		if strings.HasPrefix(l.s[l.pos:], op) {
			l.pos += len(op)
			return token{kind: tokOp, op: op, fd: -1}
		}
	}
	// Unreachable for metacharacters other than blanks, which next skips.
	l.pos++
	return token{kind: tokOp, op: l.s[l.pos-1 : l.pos], fd: -1}
}

// word scans one word up to an unquoted metacharacter.
func (l *lexer) word() (word, error) {
	var w word
	var lit strings.Builder
	quotedLit := false
	flush := func() {
		if lit.Len() > 0 {
			w = append(w, part{kind: partLit, text: lit.String(), quoted: quotedLit})
			lit.Reset()
		}
	}
	addLit := func(s string, quoted bool) {
		if quoted != quotedLit {
			flush()
			quotedLit = quoted
		}
		lit.WriteString(s)
	}
	addParam := func(name string, quoted bool) {
		flush()
		w = append(w, part{kind: partParam, text: name, quoted: quoted})
	}
	for l.pos < len(l.s) {
		c := l.s[l.pos]
		switch {
		case isMeta(c) || c == '\r':
			flush()
			return w, nil
		case c == '\'':
			start := l.pos
			end := strings.IndexByte(l.s[l.pos+1:], '\'')
			if end < 0 {
				return nil, l.errf(start, "no closing quote")
			}
			addLit(l.s[l.pos+1:l.pos+1+end], true)
			if end == 0 {
				// '' still makes a (possibly empty) quoted word.
				flush()
				w = append(w, part{kind: partLit, quoted: true})
			}
			l.pos += end + 2
		case c == '"':
			start := l.pos
			l.pos++
			empty := true
			for {
				if l.pos >= len(l.s) {
					return nil, l.errf(start, "no closing quote")
				}
				d := l.s[l.pos]
				if d == '"' {
					l.pos++
					break
				}
				empty = false
				switch d {
				case '\\':
					if l.pos+1 < len(l.s) {
						switch e := l.s[l.pos+1]; e {
						case '$', '"', '\\', '`':
							addLit(string(e), true)
							l.pos += 2
							continue
						case '\n':
							l.pos += 2
							continue
						}
					}
					addLit(`\`, true)
					l.pos++
				case '`':
					return nil, l.errf(l.pos, "command substitution (`...`) is not supported")
				case '$':
					name, lit2, err := l.dollar()
					if err != nil {
						return nil, err
					}
					if name != "" {
						addParam(name, true)
					} else {
						addLit(lit2, true)
					}
				default:
					addLit(l.s[l.pos:l.pos+1], true) // a byte: UTF-8 passes through whole
					l.pos++
				}
			}
			if empty {
				flush()
				w = append(w, part{kind: partLit, quoted: true})
			}
		case c == '\\':
			if l.pos+1 >= len(l.s) {
				addLit(`\`, false)
				l.pos++
				continue
			}
			if l.s[l.pos+1] == '\n' {
				l.pos += 2
				continue
			}
			addLit(l.s[l.pos+1:l.pos+2], true)
			l.pos += 2
		case c == '`':
			return nil, l.errf(l.pos, "command substitution (`...`) is not supported")
		case c == '$':
			name, lit2, err := l.dollar()
			if err != nil {
				return nil, err
			}
			if name != "" {
				addParam(name, false)
			} else {
				addLit(lit2, false)
			}
		default:
			addLit(l.s[l.pos:l.pos+1], false) // a byte: UTF-8 passes through whole
			l.pos++
		}
	}
	flush()
	return w, nil
}

// dollar scans a $ expansion at l.pos. It returns the parameter name, or
// the literal text when the $ does not start an expansion.
func (l *lexer) dollar() (name, lit string, err error) {
	start := l.pos
	l.pos++
	if l.pos >= len(l.s) {
		return "", "$", nil
	}
	c := l.s[l.pos]
	switch {
	case c == '(':
		return "", "", l.errf(start, "command substitution ($(...)) is not supported")
	case c == '{':
		end := strings.IndexByte(l.s[l.pos:], '}')
		if end < 0 {
			return "", "", l.errf(start, "missing '}'")
		}
		n := l.s[l.pos+1 : l.pos+end]
		if !validParam(n) {
			return "", "", l.errf(start, "${%s}: bad substitution", n)
		}
		l.pos += end + 1
		return n, "", nil
	case c == '?' || c == '$' || c == '#' || c == '!' || c == '-' || c == '@' || c == '*' || c >= '0' && c <= '9':
		l.pos++
		return string(c), "", nil
	case isNameStart(c):
		j := l.pos
		for j < len(l.s) && isNameChar(l.s[j]) {
			j++
		}
		n := l.s[l.pos:j]
		l.pos = j
		return n, "", nil
	}
	return "", "$", nil
}

func validParam(n string) bool {
	if len(n) == 1 && strings.ContainsAny(n, "?$#!-@*0123456789") {
		return true
	}
	if n == "" || !isNameStart(n[0]) {
		return false
	}
	for i := 1; i < len(n); i++ {
		if !isNameChar(n[i]) {
			return false
		}
	}
	return true
}

// parser is a recursive-descent parser over the lexer's tokens.
type parser struct {
	lx  lexer
	tok token
}

// parse parses a whole command line.
func parse(line string) (*program, error) {
	p := &parser{lx: lexer{s: line}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	prog := &program{}
	for {
		for p.tok.kind == tokNewline {
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if p.tok.kind == tokEOF {
			return prog, nil
		}
		ao, err := p.andOr()
		if err != nil {
			return nil, err
		}
		prog.items = append(prog.items, ao)
		switch {
		case p.tok.kind == tokEOF:
			return prog, nil
		case p.tok.kind == tokNewline:
		case p.tok.kind == tokOp && (p.tok.op == ";" || p.tok.op == "&"):
			if err := p.advance(); err != nil {
				return nil, err
			}
		default:
			return nil, p.unexpected()
		}
	}
}

func (p *parser) advance() error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) unexpected() error {
	switch p.tok.kind {
	case tokEOF:
		return &SyntaxError{Offset: p.tok.off, Msg: "unexpected end of line"}
	case tokNewline:
		return &SyntaxError{Offset: p.tok.off, Msg: "'newline' unexpected"}
	case tokOp:
		switch p.tok.op {
		case "(", ")":
			return &SyntaxError{Offset: p.tok.off, Msg: fmt.Sprintf("'%s' unexpected (subshells are not supported)", p.tok.op)}
		case "<<":
			return &SyntaxError{Offset: p.tok.off, Msg: "'<<' unexpected (here-documents are not supported)"}
		}
		return &SyntaxError{Offset: p.tok.off, Msg: fmt.Sprintf("'%s' unexpected", p.tok.op)}
	}
	return &SyntaxError{Offset: p.tok.off, Msg: "word unexpected"}
}

func (p *parser) andOr() (*andOr, error) {
	first, err := p.pipeline()
	if err != nil {
		return nil, err
	}
	ao := &andOr{first: first}
	for p.tok.kind == tokOp && (p.tok.op == "&&" || p.tok.op == "||") {
		op := p.tok.op
		if err := p.advance(); err != nil {
			return nil, err
		}
		for p.tok.kind == tokNewline {
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		next, err := p.pipeline()
		if err != nil {
			return nil, err
		}
		ao.rest = append(ao.rest, andOrItem{op: op, p: next})
	}
	return ao, nil
}

func (p *parser) pipeline() (*pipeline, error) {
	pl := &pipeline{}
	if p.tok.kind == tokWord {
		if s, ok := p.tok.w.literal(); ok && s == "!" {
			pl.negate = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
	}
	for {
		c, err := p.simple()
		if err != nil {
			return nil, err
		}
		pl.cmds = append(pl.cmds, c)
		if p.tok.kind != tokOp || p.tok.op != "|" {
			return pl, nil
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		for p.tok.kind == tokNewline {
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
	}
}

func (p *parser) simple() (*simpleCmd, error) {
	c := &simpleCmd{}
	for {
		switch {
		case p.tok.kind == tokWord:
			if len(c.args) == 0 {
				if a, ok := assignment(p.tok.w); ok {
					c.assigns = append(c.assigns, a)
					if err := p.advance(); err != nil {
						return nil, err
					}
					continue
				}
			}
			c.args = append(c.args, p.tok.w)
			if err := p.advance(); err != nil {
				return nil, err
			}
		case p.tok.kind == tokOp && isRedirOp(p.tok.op):
			r := redirect{fd: p.tok.fd, op: p.tok.op}
			if r.op == ">|" {
				r.op = ">"
			}
			if r.fd < 0 {
				r.fd = 1
				if r.op == "<" || r.op == "<&" {
					r.fd = 0
				}
			}
			if err := p.advance(); err != nil {
				return nil, err
			}
			if p.tok.kind != tokWord {
				return nil, p.unexpected()
			}
			r.target = p.tok.w
			c.redirs = append(c.redirs, r)
			if err := p.advance(); err != nil {
				return nil, err
			}
		default:
			if len(c.args) == 0 && len(c.assigns) == 0 && len(c.redirs) == 0 {
				return nil, p.unexpected()
			}
			return c, nil
		}
	}
}

func isRedirOp(op string) bool {
	switch op {
	case "<", ">", ">>", ">&", "<&", ">|":
		return true
	}
	return false
}

// assignment recognises NAME=value where NAME is unquoted.
func assignment(w word) (assign, bool) {
	if len(w) == 0 || w[0].kind != partLit || w[0].quoted {
		return assign{}, false
	}
	s := w[0].text
	eq := strings.IndexByte(s, '=')
	if eq <= 0 || !isNameStart(s[0]) {
		return assign{}, false
	}
	for i := 1; i < eq; i++ {
		if !isNameChar(s[i]) {
			return assign{}, false
		}
	}
	val := word{}
	if rest := s[eq+1:]; rest != "" {
		val = append(val, part{kind: partLit, text: rest})
	}
	val = append(val, w[1:]...)
	return assign{name: s[:eq], value: val}, true
}
