package reply

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Decode fills v, a non-nil pointer, from the JSON object in text that fits
// it best. For a struct that is the object with the most keys naming its
// fields (json tags, or field names), top-level objects before the objects
// they hold, earlier before later; for other types, the first object. Keys
// match fields whatever their case and "_", "-" or spaces ("subGoals",
// "Sub-goals" and "subgoals" all fill `json:"subgoals"`). Common slips are
// mended: "3" for a number, "true" or "yes" for a bool, 3 for text, one value
// for a list.
//
// The error is an *Error: ErrNoObject, ErrSyntax (with the reason quoted), or
// ErrMismatch when no object has any of the struct's fields or a value cannot
// be made to fit ("current" should be a whole number, not a string).
func Decode(text string, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("reply: Decode needs a non-nil pointer, not %T", v)
	}
	found, serr := Find(text, Options{})
	if len(found) == 0 {
		return noObjectError(text, serr)
	}
	t := rv.Type().Elem()
	cands := candidates(found, t)
	var firstErr error
	for _, c := range cands {
		if c.score == 0 && len(cands) > 0 && cands[0].score > 0 {
			break
		}
		if c.score == 0 && isStruct(t) && len(fieldsOf(derefType(t))) > 0 {
			return &Error{Reason: fmt.Sprintf("no JSON object has the fields %s (the reply's object has %s)", wanted(derefType(t)), keysOf(found[0].Value)),
				Near: excerptAt(text, found[0].Start), Fix: "use those field names", Err: ErrMismatch}
		}
		nv := reflect.New(t)
		err := decodeMap(c.m, nv.Interface(), t)
		if err == nil {
			rv.Elem().Set(nv.Elem())
			return nil
		}
		if firstErr == nil {
			var e *Error
			if errors.As(err, &e) {
				e.Near = excerptAt(text, c.start)
			}
			firstErr = err
		}
	}
	return firstErr
}

type candidate struct {
	m      map[string]any
	score  int
	nested bool
	order  int
	start  int
}

func candidates(found []Object, t reflect.Type) []candidate {
	st := derefType(t)
	if st.Kind() != reflect.Struct {
		return []candidate{{m: found[0].Value, score: 1, start: found[0].Start}}
	}
	fields := fieldsOf(st)
	score := func(m map[string]any) int {
		n := 0
		for k := range m {
			if _, ok := fields[normKey(k)]; ok {
				n++
			}
		}
		return n
	}
	var out []candidate
	for _, f := range found {
		out = append(out, candidate{m: f.Value, score: score(f.Value), order: len(out), start: f.Start})
		for _, k := range slices.Sorted(maps.Keys(f.Value)) {
			if inner, ok := f.Value[k].(map[string]any); ok {
				if s := score(inner); s > 0 {
					out = append(out, candidate{m: inner, score: s, nested: true, order: len(out), start: f.Start})
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return !out[i].nested && out[j].nested
	})
	return out
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func isStruct(t reflect.Type) bool { return derefType(t).Kind() == reflect.Struct }

func decodeMap(m map[string]any, dst any, _ reflect.Type) error {
	return assign(m, reflect.ValueOf(dst).Elem(), "")
}

func typeWord(t reflect.Type) string {
	t = derefType(t)
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "text in quotes"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list [ ]"
	case reflect.Map, reflect.Struct:
		return "an object { }"
	}
	return t.String()
}

func wanted(t reflect.Type) string {
	var names []string
	for _, f := range orderedFields(t) {
		names = append(names, strconv.Quote(f.name))
		if len(names) == 6 {
			names = append(names, "...")
			break
		}
	}
	return strings.Join(names, ", ")
}

func keysOf(m map[string]any) string {
	keys := slices.Sorted(maps.Keys(m))
	if len(keys) == 0 {
		return "no keys"
	}
	if len(keys) > 6 {
		keys = append(keys[:6], "...")
	}
	for i, k := range keys {
		if k != "..." {
			keys[i] = strconv.Quote(k)
		}
	}
	return strings.Join(keys, ", ")
}

// normKey folds case and drops "_", "-" and spaces.
func normKey(k string) string {
	plain := true
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 0x80 || (c >= 'A' && c <= 'Z') || c == '_' || c == '-' || c == ' ' || c == '\t' {
			plain = false
			break
		}
	}
	if plain {
		return k
	}
	var b strings.Builder
	b.Grow(len(k))
	for _, r := range strings.ToLower(strings.TrimSpace(k)) {
		if r == '_' || r == '-' || r == ' ' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

type fieldInfo struct {
	name  string // the JSON name
	typ   reflect.Type
	index []int
}

type structInfo struct {
	byKey   map[string]fieldInfo // by normKey of the JSON name
	ordered []fieldInfo
}

var fieldCache sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structInfo)
	}
	si := &structInfo{byKey: map[string]fieldInfo{}, ordered: listFields(t)}
	for _, f := range si.ordered {
		si.byKey[normKey(f.name)] = f
	}
	fieldCache.Store(t, si)
	return si
}

func fieldsOf(t reflect.Type) map[string]fieldInfo { return infoOf(t).byKey }

func orderedFields(t reflect.Type) []fieldInfo { return infoOf(t).ordered }

func listFields(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || (f.Anonymous && derefType(f.Type).Kind() == reflect.Struct) {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("json"); ok {
			n, _, _ := strings.Cut(tag, ",")
			if n == "-" {
				continue
			}
			if n != "" {
				name = n
			}
		}
		out = append(out, fieldInfo{name: name, typ: f.Type, index: f.Index})
	}
	return out
}
