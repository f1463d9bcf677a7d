package mobilebench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The check-point keys the metric scores, in the order the reference scores
// them. Every other key of a check point is kept in [CheckPoint.Extra] and
// not scored (the reference ignores resourceId, resource_id and txt too).
const (
	KeyActivity   = "activity"
	KeyResourceID = "resource-id"
	KeyText       = "text"
	KeyPackage    = "package"
	KeyAPI        = "api"
)

var scoredKeys = [...]string{KeyActivity, KeyResourceID, KeyText, KeyPackage, KeyAPI}

// adbCommandKey is the field by which an api entry written as an object is
// matched.
const adbCommandKey = "ADB Command"

// Item is one Mobile-Bench task.
//
// An Item is a value: copy it freely; it is safe for concurrent reads.
type Item struct {
	// Set is the item set the item was loaded as.
	Set Set
	// ID is the item's id, unique within its set.
	ID int
	// Query is the instruction, written as a string or a list (whose parts
	// are strings, or in a few SAST items objects, kept in Query.Raw).
	Query Strings
	// App names the app or apps the item is about (SAMT writes a string,
	// MAMT a list); absent in most SAST items.
	App Strings
	// CheckPoint is what the metric checks.
	CheckPoint CheckPoint
	// Extra holds the item's other keys as written (domain, case,
	// skip_condition, …).
	Extra map[string]json.RawMessage

	src string // file:line it was read from, for errors
}

// Instruction is the task as the reference gives it to the agent: the query
// parts joined with nothing between them. An item without a query (the
// legacy data.json form) falls back to its case.query.
func (it Item) Instruction() string {
	if q := it.Query.Join(); q != "" || it.Query.present() {
		return q
	}
	var c struct {
		Query Strings `json:"query"`
	}
	if raw, ok := it.Extra["case"]; ok && json.Unmarshal(raw, &c) == nil {
		return c.Query.Join()
	}
	return ""
}

// Domain is the item's domain (for example "smartApp/QQ"), or "" when it has
// none.
func (it Item) Domain() string {
	var d string
	if raw, ok := it.Extra["domain"]; ok && json.Unmarshal(raw, &d) == nil {
		return d
	}
	return ""
}

// Strings is a JSON string or a list of strings, the two ways Mobile-Bench
// writes a query or an app. Some SAST queries are lists of objects (an
// {"uri": …} intent, for example); such a value is kept as written in Raw,
// and Values holds only its strings.
type Strings struct {
	// Values are the strings; one for a string.
	Values []string
	// List is whether it was written as a list.
	List bool
	// Raw is the value as written when it is neither a string nor a list of
	// strings; nil otherwise.
	Raw json.RawMessage
}

func (s Strings) present() bool { return s.List || s.Values != nil || s.Raw != nil }

// Join concatenates the strings, as the reference joins a query.
func (s Strings) Join() string { return strings.Join(s.Values, "") }

// MarshalJSON writes s as it was read.
func (s Strings) MarshalJSON() ([]byte, error) {
	switch {
	case s.Raw != nil:
		return s.Raw, nil
	case s.List:
		if s.Values == nil {
			return []byte("[]"), nil
		}
		return marshal(s.Values)
	case len(s.Values) != 1:
		return nil, errors.New("mobilebench: a string-form Strings holds exactly one value")
	}
	return marshal(s.Values[0])
}

// UnmarshalJSON reads any JSON value: a string or a list of strings into
// Values, anything else into Raw as well.
func (s *Strings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if !json.Valid(b) {
		return errors.New("mobilebench: Strings: not JSON")
	}
	*s = Strings{}
	switch {
	case len(b) > 0 && b[0] == '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(b, &elems); err != nil {
			return err
		}
		s.List = true
		s.Values = make([]string, 0, len(elems))
		for _, e := range elems {
			var v string
			if e = bytes.TrimSpace(e); len(e) > 0 && e[0] == '"' && json.Unmarshal(e, &v) == nil {
				s.Values = append(s.Values, v)
			} else {
				s.Raw = bytes.Clone(b)
			}
		}
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		s.Values = []string{v}
	default:
		s.Raw = bytes.Clone(b)
	}
	return nil
}

// CheckPoint is an item's check_point.
type CheckPoint struct {
	Activity   Value
	ResourceID Value
	Text       Value
	Package    Value
	API        Value
	// Extra holds the keys the metric does not score, as written (to_speak,
	// nd, teardown, txt, status, ocr, …).
	Extra map[string]json.RawMessage
}

// values returns the scored values in scoring order.
func (c *CheckPoint) values() [len(scoredKeys)]*Value {
	return [...]*Value{&c.Activity, &c.ResourceID, &c.Text, &c.Package, &c.API}
}

// Value returns the value of a scored key ("activity", "resource-id",
// "text", "package" or "api"); it reports false for any other key.
func (c CheckPoint) Value(key string) (Value, bool) {
	for i, k := range scoredKeys {
		if k == key {
			return *c.values()[i], true
		}
	}
	return Value{}, false
}

// Value is one scored check-point key's value, as written.
type Value struct {
	// Present is whether the key is in the check point at all.
	Present bool
	// Null is whether it was written as null.
	Null bool
	// List is whether it was written as a list; then Elems holds it,
	// operator elements ("|", "&") included, in order.
	List  bool
	Elems []Elem
	// Str is the string, when it is neither a list nor null.
	Str string
}

// Elem is one element of a check-point list.
type Elem struct {
	// Text is what the metric matches: the string, or for an api entry
	// written as an object, its "ADB Command".
	Text string
	// Object is the entry as written when it is an object, nil for a string.
	Object json.RawMessage
}

// operator is '|' or '&' for a string element that is exactly that operator,
// 0 otherwise. An object never is an operator.
func (e Elem) operator() byte {
	if e.Object == nil && (e.Text == "|" || e.Text == "&") {
		return e.Text[0]
	}
	return 0
}

// Operator returns the list operator the reference finds in v: '|' if any
// string element is "|", else '&' if any is "&", else 0. The reference looks
// for them anywhere in the list, not only first, and "|" wins.
func (v Value) Operator() byte {
	if !v.List {
		return 0
	}
	var amp bool
	for _, e := range v.Elems {
		switch e.operator() {
		case '|':
			return '|'
		case '&':
			amp = true
		}
	}
	if amp {
		return '&'
	}
	return 0
}

// MarshalJSON writes v as it was read.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case v.Null || !v.Present:
		return []byte("null"), nil
	case v.List:
		var b bytes.Buffer
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			if e.Object != nil {
				b.Write(e.Object)
				continue
			}
			s, err := marshal(e.Text)
			if err != nil {
				return nil, err
			}
			b.Write(s)
		}
		b.WriteByte(']')
		return b.Bytes(), nil
	}
	return marshal(v.Str)
}

// parseValue reads a scored key's value. Only api entries may be objects.
func parseValue(key string, raw json.RawMessage) (Value, error) {
	raw = bytes.TrimSpace(raw)
	v := Value{Present: true}
	if len(raw) == 0 {
		return v, errors.New("empty value")
	}
	switch raw[0] {
	case 'n':
		v.Null = true
		return v, nil
	case '"':
		if err := json.Unmarshal(raw, &v.Str); err != nil {
			return v, err
		}
		return v, nil
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return v, err
		}
		v.List = true
		v.Elems = make([]Elem, 0, len(elems))
		for i, er := range elems {
			e, err := parseElem(key, er)
			if err != nil {
				return v, fmt.Errorf("element %d: %w", i, err)
			}
			v.Elems = append(v.Elems, e)
		}
		return v, nil
	}
	return v, fmt.Errorf("%s is not a string or a list; write it as \"…\" or [\"…\", …]", kindOf(raw))
}

func parseElem(key string, raw json.RawMessage) (Elem, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return Elem{Text: s}, err
	case len(raw) > 0 && raw[0] == '{' && key == KeyAPI:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return Elem{}, err
		}
		var cmd string
		if c, ok := obj[adbCommandKey]; !ok || json.Unmarshal(c, &cmd) != nil {
			return Elem{}, fmt.Errorf("an api entry written as an object needs an %q string; write the entry as \"adb …\" or {%q: \"adb …\"}", adbCommandKey, adbCommandKey)
		}
		return Elem{Text: cmd, Object: bytes.Clone(raw)}, nil
	}
	if key == KeyAPI {
		return Elem{}, fmt.Errorf("%s is not a string or an {%q: …} object", kindOf(raw), adbCommandKey)
	}
	return Elem{}, fmt.Errorf("%s is not a string; write every element as a string", kindOf(raw))
}

// kindOf names a JSON value's type for error messages.
func kindOf(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "an empty value"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// parseCheckPoint reads a check_point object.
func parseCheckPoint(raw json.RawMessage) (CheckPoint, error) {
	var cp CheckPoint
	var obj map[string]json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return cp, fmt.Errorf("check_point is %s; it must be an object such as {\"text\": \"…\", \"package\": \"…\"}", kindOf(raw))
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return cp, fmt.Errorf("check_point: %w", err)
	}
	vals := cp.values()
	for k, r := range obj {
		i := keyIndex(k)
		if i < 0 {
			if cp.Extra == nil {
				cp.Extra = make(map[string]json.RawMessage)
			}
			cp.Extra[k] = bytes.Clone(r)
			continue
		}
		v, err := parseValue(k, r)
		if err != nil {
			return cp, fmt.Errorf("check_point.%s: %w", k, err)
		}
		*vals[i] = v
	}
	return cp, nil
}

func keyIndex(k string) int {
	for i, s := range scoredKeys {
		if s == k {
			return i
		}
	}
	return -1
}

// MarshalJSON writes c as it was read.
func (c CheckPoint) MarshalJSON() ([]byte, error) {
	m := make(map[string]json.RawMessage, len(c.Extra)+len(scoredKeys))
	for k, v := range c.Extra {
		m[k] = v
	}
	for i, v := range c.values() {
		if !v.Present {
			continue
		}
		b, err := v.MarshalJSON()
		if err != nil {
			return nil, err
		}
		m[scoredKeys[i]] = b
	}
	return marshal(m)
}

// parseItem reads one item object of the given set.
func parseItem(raw json.RawMessage, set Set) (Item, error) {
	it := Item{Set: set}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return it, fmt.Errorf("an item is %s; it must be an object {\"id\": N, \"query\": …, \"check_point\": {…}}", kindOf(raw))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return it, err
	}
	idRaw, ok := obj["id"]
	if !ok {
		return it, errors.New(`the item has no "id"; give every item an integer id unique in its set`)
	}
	id, err := strconv.Atoi(string(bytes.TrimSpace(idRaw)))
	if err != nil {
		return it, fmt.Errorf("id %s is not an integer; ids are integers such as 17", bytes.TrimSpace(idRaw))
	}
	it.ID = id
	cpRaw, ok := obj["check_point"]
	if !ok {
		return it, errors.New(`the item has no "check_point"; the metric has nothing to check`)
	}
	if it.CheckPoint, err = parseCheckPoint(cpRaw); err != nil {
		return it, err
	}
	for k, r := range obj {
		switch k {
		case "id", "check_point":
		case "query", "app":
			var s Strings
			if err := s.UnmarshalJSON(r); err != nil {
				return it, fmt.Errorf("%s: %w", k, err)
			}
			if k == "query" {
				it.Query = s
			} else {
				it.App = s
			}
		default:
			if it.Extra == nil {
				it.Extra = make(map[string]json.RawMessage)
			}
			it.Extra[k] = bytes.Clone(r)
		}
	}
	return it, nil
}

// MarshalJSON writes the item as it was read (key order aside); the set is
// not written, since it is the file's.
func (it Item) MarshalJSON() ([]byte, error) {
	m := make(map[string]json.RawMessage, len(it.Extra)+4)
	for k, v := range it.Extra {
		m[k] = v
	}
	m["id"] = json.RawMessage(strconv.Itoa(it.ID))
	for k, s := range map[string]Strings{"query": it.Query, "app": it.App} {
		if !s.present() {
			continue
		}
		b, err := s.MarshalJSON()
		if err != nil {
			return nil, err
		}
		m[k] = b
	}
	b, err := it.CheckPoint.MarshalJSON()
	if err != nil {
		return nil, err
	}
	m["check_point"] = b
	return marshal(m)
}

// marshal is json.Marshal without HTML escaping, so "&" and "<…>" stay
// readable.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
