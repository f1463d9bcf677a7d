package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Checking a scenario's JSON before it is decoded, so that every error names
// the full path of the key it is about (msb.user_profile.post_count,
// msb.contact_list[3].id) and every number is inside the range its field
// declares. encoding/json alone reports an unknown key without its path,
// matches keys case-insensitively and lets 1e308 through to a float that
// then overflows when turned into cents.
//
// Every numeric field of the scenario types carries a `range:"MIN,MAX"` tag;
// TestScenarioNumbersAllHaveRanges keeps it that way.

// ScenarioError is a scenario that cannot be loaded. Path is the key it is
// about (empty when the document itself is wrong); Msg says what is wrong
// with it and how to fix it, phrased to follow the path.
type ScenarioError struct {
	Path string
	Msg  string
}

func (e *ScenarioError) Error() string {
	if e.Path == "" {
		return "scenario: " + e.Msg
	}
	return "scenario: " + e.Path + " " + e.Msg
}

func scenarioErrf(path, format string, args ...any) error {
	return &ScenarioError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

var unmarshalerType = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

// checkScenarioJSON decodes data generically and checks it against the type
// of dst: keys, kinds and numeric ranges.
func checkScenarioJSON(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return &ScenarioError{Msg: fmt.Sprintf("not valid JSON: %v", err)}
	}
	if dec.More() {
		return &ScenarioError{Msg: "more than one JSON value: a scenario is a single object"}
	}
	if _, ok := v.(map[string]any); !ok {
		return &ScenarioError{Msg: fmt.Sprintf("the document is a JSON %s: a scenario is a single object, such as {\"msb\": {…}}", jsonKind(v))}
	}
	return checkValue(v, t, "", "")
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// checkValue checks v against t at path; rng is the field's range tag.
func checkValue(v any, t reflect.Type, path, rng string) error {
	if v == nil {
		return nil // null leaves the field as it is, as encoding/json does
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return checkUnmarshaler(v, t, path, rng)
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return wrongType(path, v, "an object")
		}
		fields := jsonFields(t)
		for _, k := range sortedAnyKeys(m) {
			f, ok := fields[k]
			if !ok {
				return unknownKey(join(path, k), k, fields)
			}
			if err := checkValue(m[k], f.Type, join(path, k), f.Tag.Get("range")); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return wrongType(path, v, "an object")
		}
		for _, k := range sortedAnyKeys(m) {
			if err := checkValue(m[k], t.Elem(), join(path, k), rng); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			return wrongType(path, v, "an array")
		}
		for i, x := range a {
			if err := checkValue(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i), rng); err != nil {
				return err
			}
		}
		return nil
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrongType(path, v, "a string")
		}
		return nil
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrongType(path, v, "true or false")
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			return wrongType(path, v, "a whole number")
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || f != math.Trunc(f) {
			return scenarioErrf(path, "is %s: use a whole number", n)
		}
		return checkRange(path, f, string(n), rng)
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			return wrongType(path, v, "a number")
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return scenarioErrf(path, "is %s, which is out of range: %s", n, rangeHint(rng))
		}
		return checkRange(path, f, string(n), rng)
	case reflect.Interface:
		return nil
	}
	return nil
}

// checkUnmarshaler checks a value of a type with its own UnmarshalJSON
// (FlexInt, FlexString) by decoding it, then its range.
func checkUnmarshaler(v any, t reflect.Type, path, rng string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return wrongType(path, v, t.Name())
	}
	x := reflect.New(t)
	if err := x.Interface().(json.Unmarshaler).UnmarshalJSON(b); err != nil {
		want := "a value of type " + t.Name()
		if t == reflect.TypeOf(FlexInt(0)) {
			want = `a whole number (or one written as a string, such as "71")`
		}
		return wrongType(path, v, want)
	}
	if fi, ok := x.Interface().(*FlexInt); ok {
		return checkRange(path, float64(*fi), string(b), rng)
	}
	return nil
}

func wrongType(path string, v any, want string) error {
	shown := ""
	switch x := v.(type) {
	case string:
		shown = " " + strconv.Quote(truncate(x, 40))
	case json.Number:
		shown = " " + string(x)
	case bool:
		shown = " " + strconv.FormatBool(x)
	}
	return scenarioErrf(path, "has the wrong type: got a JSON %s%s, want %s", jsonKind(v), shown, want)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func unknownKey(path, key string, fields map[string]reflect.StructField) error {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	hint := ""
	for _, k := range names {
		if strings.EqualFold(k, key) {
			hint = fmt.Sprintf(" (keys are case-sensitive: did you mean %q?)", k)
			break
		}
	}
	if len(names) > 0 && hint == "" {
		hint = ": known keys here are " + strings.Join(names, ", ")
	}
	return &ScenarioError{Path: path, Msg: "is an unknown key" + hint + "; see the scenario format in docs/virtual-phone.md"}
}

// checkRange checks f against a "min,max" tag.
func checkRange(path string, f float64, shown, rng string) error {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return scenarioErrf(path, "is %s, which is out of range: %s", shown, rangeHint(rng))
	}
	lo, hi, ok := parseRange(rng)
	if !ok {
		// A numeric field without a range is a bug in this package; the
		// safest reading is "no number is acceptable".
		return scenarioErrf(path, "has no declared range (a bug in sim): numbers cannot be checked")
	}
	if f < lo || f > hi {
		return scenarioErrf(path, "is %s, which is out of range: %s", shown, rangeHint(rng))
	}
	return nil
}

func parseRange(rng string) (lo, hi float64, ok bool) {
	a, b, found := strings.Cut(rng, ",")
	if !found {
		return 0, 0, false
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return lo, hi, err1 == nil && err2 == nil && lo <= hi
}

func rangeHint(rng string) string {
	lo, hi, ok := parseRange(rng)
	if !ok {
		return "use a smaller number"
	}
	return "use " + strconv.FormatFloat(lo, 'f', -1, 64) + " to " + strconv.FormatFloat(hi, 'f', -1, 64)
}

// jsonFields maps a struct's JSON key names to its fields.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

func sortedAnyKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
