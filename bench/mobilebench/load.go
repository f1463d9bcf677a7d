package mobilebench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Errors a loader or scorer wraps; test with errors.Is.
var (
	// ErrNoSet: the set of an items file could not be told.
	ErrNoSet = errors.New("cannot tell the item set")
	// ErrDuplicateID: two items of one set share an id.
	ErrDuplicateID = errors.New("duplicate item id")
	// ErrBadJSON: a file is not well-formed JSON.
	ErrBadJSON = errors.New("malformed JSON")
	// ErrBadItem: an item does not have the Mobile-Bench form.
	ErrBadItem = errors.New("bad item")
)

// InputError is a problem at a place in an input file.
type InputError struct {
	// File is the file's name as given.
	File string
	// Line is the 1-based line, 0 when the problem is the whole file.
	Line int
	Err  error
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("mobilebench: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("mobilebench: %s: %v", e.File, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }

// LoadFile reads an items file; see [Parse].
func LoadFile(path string, set Set) ([]Item, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mobilebench: items: %w", err)
	}
	return Parse(data, path, set)
}

// Parse reads the items in data, a file called name. The file is either a
// JSON array of items, whose set is set or, when set is "", the one the
// file's name names ([SetFromFileName]); or a JSON object whose keys are set
// names and whose values are arrays of items ({"SAST": […], "SAMT": […]}),
// whose keys give the sets (set is not used). Lines that begin with // (after spaces) are
// comments, as in the benchmark's data.json, and a UTF-8 byte-order mark is
// ignored.
//
// Every problem is an [*InputError] with the line it is on.
func Parse(data []byte, name string, set Set) ([]Item, error) {
	if set != "" && !set.valid() {
		return nil, &InputError{File: name, Err: fmt.Errorf("%w %q: use SAST, SAMT or MAMT", ErrUnknownSet, set)}
	}
	src := blankComments(data)
	start := skipSpace(src, 0)
	if start == len(src) {
		return nil, &InputError{File: name, Err: fmt.Errorf("%w: the file holds no JSON; want an array of items", ErrBadJSON)}
	}
	p := &parser{name: name, src: src, dec: json.NewDecoder(bytes.NewReader(src))}
	var items []Item
	switch src[start] {
	case '[':
		if set == "" {
			var ok bool
			if set, ok = SetFromFileName(name); !ok {
				return nil, &InputError{File: name, Err: fmt.Errorf(
					"%w: the file name names no set; name it like s_app_s_step.json (SAST), s_app_m_step.json (SAMT) or m_app_m_step.json (MAMT), or give its set", ErrNoSet)}
			}
		}
		var err error
		if items, err = p.array(set); err != nil {
			return nil, err
		}
	case '{':
		var err error
		if items, err = p.keyed(); err != nil {
			return nil, err
		}
	default:
		return nil, &InputError{File: name, Line: p.line(start), Err: fmt.Errorf(
			"%w: the file holds %s; want an array of items or an object keyed by set", ErrBadItem, kindOf(src[start:]))}
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &InputError{File: name, Line: p.line(skipSpace(src, int(p.dec.InputOffset()))), Err: fmt.Errorf(
			"%w: unexpected data after the items", ErrBadJSON)}
	}
	return items, nil
}

type parser struct {
	name string
	src  []byte
	dec  *json.Decoder
}

func (p *parser) line(off int) int {
	if off > len(p.src) {
		off = len(p.src)
	}
	return bytes.Count(p.src[:off], []byte{'\n'}) + 1
}

// fail wraps a decoding error with its line. The decoder reports syntax
// errors at offsets relative to the value it was reading, so the whole file
// is scanned again for the first error's absolute offset.
func (p *parser) fail(err error) error {
	off := int(p.dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		var v any
		if errors.As(json.Unmarshal(p.src, &v), &se) {
			off = max(int(se.Offset)-1, 0)
			if off >= len(p.src)-1 && strings.Contains(se.Error(), "end of JSON input") {
				return &InputError{File: p.name, Line: p.line(len(bytes.TrimRight(p.src, " \t\r\n"))), Err: fmt.Errorf(
					"%w: the file ends early; a bracket or brace is not closed", ErrBadJSON)}
			}
			err = se
		}
	}
	return &InputError{File: p.name, Line: p.line(off), Err: fmt.Errorf("%w: %v", ErrBadJSON, err)}
}

func (p *parser) delim(want json.Delim) error {
	tok, err := p.dec.Token()
	if err != nil {
		return p.fail(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return &InputError{File: p.name, Line: p.line(int(p.dec.InputOffset())), Err: fmt.Errorf("%w: want %q", ErrBadItem, want)}
	}
	return nil
}

// array reads a JSON array of items of one set.
func (p *parser) array(set Set) ([]Item, error) {
	if err := p.delim('['); err != nil {
		return nil, err
	}
	var items []Item
	seen := make(map[int]int) // id → line
	for p.dec.More() {
		start := skipSpaceComma(p.src, int(p.dec.InputOffset()))
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return nil, p.fail(err)
		}
		line := p.line(start)
		it, err := parseItem(raw, set)
		if err != nil {
			where := fmt.Sprintf("%s item %d", set, len(items)+1)
			if id, ok := peekID(raw); ok {
				where += fmt.Sprintf(" (id %d)", id)
			}
			return nil, &InputError{File: p.name, Line: line, Err: fmt.Errorf("%w: %s: %v", ErrBadItem, where, err)}
		}
		if first, dup := seen[it.ID]; dup {
			return nil, &InputError{File: p.name, Line: line, Err: fmt.Errorf(
				"%w: %s id %d is also the id of the item on line %d; ids must be unique in a set", ErrDuplicateID, set, it.ID, first)}
		}
		seen[it.ID] = line
		it.src = fmt.Sprintf("%s:%d", p.name, line)
		items = append(items, it)
	}
	if err := p.delim(']'); err != nil {
		return nil, err
	}
	return items, nil
}

// keyed reads {"SAST": [...], ...}.
func (p *parser) keyed() ([]Item, error) {
	if err := p.delim('{'); err != nil {
		return nil, err
	}
	var items []Item
	done := make(map[Set]bool)
	for p.dec.More() {
		start := skipSpaceComma(p.src, int(p.dec.InputOffset()))
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.fail(err)
		}
		key, _ := tok.(string)
		set, err := ParseSet(key)
		if err != nil {
			return nil, &InputError{File: p.name, Line: p.line(start), Err: fmt.Errorf("key %q: %w", key, err)}
		}
		if done[set] {
			return nil, &InputError{File: p.name, Line: p.line(start), Err: fmt.Errorf("%w: set %s appears twice", ErrDuplicateID, set)}
		}
		done[set] = true
		if off := skipSpace(p.src, int(p.dec.InputOffset())); off < len(p.src) && p.src[off] == ':' {
			off = skipSpace(p.src, off+1)
			if off < len(p.src) && p.src[off] != '[' {
				return nil, &InputError{File: p.name, Line: p.line(off), Err: fmt.Errorf(
					"%w: the value of %q is %s; want an array of items", ErrBadItem, key, kindOf(p.src[off:]))}
			}
		}
		got, err := p.array(set)
		if err != nil {
			return nil, err
		}
		items = append(items, got...)
	}
	if err := p.delim('}'); err != nil {
		return nil, err
	}
	return items, nil
}

// blankComments returns data with a UTF-8 byte-order mark and every line
// that begins with // (after spaces or tabs) overwritten by spaces, so
// offsets and line numbers stay those of the file. A JSON string cannot hold
// a raw newline, so such a line is never inside one.
func blankComments(data []byte) []byte {
	out := data
	copied := false
	own := func() {
		if !copied {
			out = bytes.Clone(data)
			copied = true
		}
	}
	if bytes.HasPrefix(out, []byte("\xef\xbb\xbf")) {
		own()
		copy(out, "   ")
	}
	for i := 0; i < len(out); {
		end := bytes.IndexByte(out[i:], '\n')
		if end < 0 {
			end = len(out)
		} else {
			end += i
		}
		j := i
		for j < end && (out[j] == ' ' || out[j] == '\t') {
			j++
		}
		if j+1 < end && out[j] == '/' && out[j+1] == '/' {
			own()
			for k := j; k < end; k++ {
				if out[k] != '\r' {
					out[k] = ' '
				}
			}
		}
		i = end + 1
	}
	return out
}

// peekID returns an item's id when it has a readable one.
func peekID(raw json.RawMessage) (int, bool) {
	var v struct {
		ID *int `json:"id"`
	}
	if json.Unmarshal(raw, &v) != nil || v.ID == nil {
		return 0, false
	}
	return *v.ID, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipSpaceComma(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == ',') {
		i++
	}
	return i
}
