package reply

import (
	"strings"
)

// MaxInput bounds the text Find reads; a longer reply is read up to here.
const MaxInput = 256 << 10

// maxTries bounds the object starts Find tries, so that text full of braces
// costs little.
const maxTries = 256

// Object is one JSON object found in a reply and where it was.
type Object struct {
	Value      map[string]any
	Start, End int // byte offsets of its { and just past its }
}

// Find returns the top-level JSON objects in text, in order: objects in code
// fences or prose, objects one after another, and the objects inside an
// object that is never closed. Objects nested in a found object are part of
// it, not separate results. When it finds none, err is the first reason an
// object could not be read (nil when the text has no { at all).
func Find(text string, o Options) (found []Object, err *SyntaxError) {
	if len(text) > MaxInput {
		text = text[:MaxInput]
	}
	for i, tries := 0, 0; i < len(text) && tries < maxTries; tries++ {
		start := nextBrace(text, i)
		if start < 0 {
			break
		}
		p := parser{s: text, i: start, lower: o.LowerKeys}
		v, ok := p.object()
		if !ok {
			if err == nil {
				err = p.syntaxErr()
			}
			_, w := peekAt(text, start)
			i = start + w
			continue
		}
		found = append(found, Object{Value: v.(map[string]any), Start: start, End: p.i})
		i = p.i
	}
	if len(found) > 0 {
		err = nil
	}
	return found, err
}

// nextBrace returns the offset of the next { or ｛ at or after i, or -1.
func nextBrace(s string, i int) int {
	j := strings.IndexAny(s[i:], "{\uFF5B")
	if j < 0 {
		return -1
	}
	return i + j
}

// Objects returns the top-level JSON objects in text, in order, with their
// keys as written. See Find.
func Objects(text string) []map[string]any {
	found, _ := Find(text, Options{})
	out := make([]map[string]any, len(found))
	for i, f := range found {
		out[i] = f.Value
	}
	return out
}
