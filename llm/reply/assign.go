package reply

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// assign stores the decoded value v in dst, as encoding/json would, mending
// the slips models make: keys in any case or with "_", "-" and spaces, numbers
// and bools written as text, text written as a number, one value where a list
// was wanted. path names the place for errors, as JSON keys ("plan.steps[2]").
func assign(v any, dst reflect.Value, path string) error {
	if dst.CanAddr() {
		if u, ok := dst.Addr().Interface().(json.Unmarshaler); ok && dst.Kind() != reflect.Pointer {
			data, err := json.Marshal(v)
			if err != nil {
				return mismatch(path, dst.Type(), v)
			}
			if err := u.UnmarshalJSON(data); err != nil {
				return &Error{Reason: fmt.Sprintf("%s: %v", fieldName(path), err), Err: ErrMismatch}
			}
			return nil
		}
		if u, ok := dst.Addr().Interface().(encoding.TextUnmarshaler); ok && dst.Kind() != reflect.Pointer {
			s, isStr := v.(string)
			if f, isNum := v.(float64); isNum {
				s, isStr = strconv.FormatFloat(f, 'f', -1, 64), true
			}
			if !isStr {
				return mismatch(path, dst.Type(), v)
			}
			if err := u.UnmarshalText([]byte(s)); err != nil {
				return &Error{Reason: fmt.Sprintf("%s: %v", fieldName(path), err), Err: ErrMismatch}
			}
			return nil
		}
	}
	if v == nil {
		dst.SetZero()
		return nil
	}
	switch dst.Kind() {
	case reflect.Pointer:
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		return assign(v, dst.Elem(), path)
	case reflect.Interface:
		if dst.NumMethod() != 0 {
			return mismatch(path, dst.Type(), v)
		}
		dst.Set(reflect.ValueOf(v))
		return nil
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return mismatch(path, dst.Type(), v)
		}
		return assignStruct(m, dst, path)
	case reflect.Slice:
		if dst.Type().Elem().Kind() == reflect.Uint8 { // []byte: base64 text, as encoding/json
			data, _ := json.Marshal(v)
			if err := json.Unmarshal(data, dst.Addr().Interface()); err != nil {
				return mismatch(path, dst.Type(), v)
			}
			return nil
		}
		arr, ok := v.([]any)
		if !ok {
			arr = []any{v}
		}
		out := reflect.MakeSlice(dst.Type(), len(arr), len(arr))
		for i, e := range arr {
			if err := assign(e, out.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		dst.Set(out)
		return nil
	case reflect.Array:
		arr, ok := v.([]any)
		if !ok {
			arr = []any{v}
		}
		dst.SetZero()
		for i := 0; i < dst.Len() && i < len(arr); i++ {
			if err := assign(arr[i], dst.Index(i), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		return nil
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok || dst.Type().Key().Kind() != reflect.String {
			return mismatch(path, dst.Type(), v)
		}
		out := reflect.MakeMapWithSize(dst.Type(), len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			e := reflect.New(dst.Type().Elem()).Elem()
			if err := assign(m[k], e, joinPath(path, k)); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(dst.Type().Key()), e)
		}
		dst.Set(out)
		return nil
	case reflect.String:
		switch x := v.(type) {
		case string:
			dst.SetString(x)
		case float64:
			dst.SetString(strconv.FormatFloat(x, 'f', -1, 64))
		case bool:
			dst.SetString(strconv.FormatBool(x))
		default:
			return mismatch(path, dst.Type(), v)
		}
		return nil
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			dst.SetBool(x)
		case float64:
			dst.SetBool(x != 0)
		case string:
			switch strings.ToLower(strings.TrimSpace(x)) {
			case "true", "yes", "y", "1":
				dst.SetBool(true)
			case "false", "no", "n", "0", "":
				dst.SetBool(false)
			default:
				return mismatch(path, dst.Type(), v)
			}
		default:
			return mismatch(path, dst.Type(), v)
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		f, ok := toFloat(v)
		if !ok {
			return mismatch(path, dst.Type(), v)
		}
		switch dst.Kind() {
		case reflect.Float32, reflect.Float64:
			if dst.OverflowFloat(f) {
				return mismatch(path, dst.Type(), v)
			}
			dst.SetFloat(f)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if f != math.Trunc(f) || f < 0 || f >= 1<<64 || dst.OverflowUint(uint64(f)) {
				return mismatch(path, dst.Type(), v)
			}
			dst.SetUint(uint64(f))
		default:
			if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 || dst.OverflowInt(int64(f)) {
				return mismatch(path, dst.Type(), v)
			}
			dst.SetInt(int64(f))
		}
		return nil
	}
	return mismatch(path, dst.Type(), v)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func assignStruct(m map[string]any, dst reflect.Value, path string) error {
	fields := fieldsOf(dst.Type())
	src := make(map[string]string, len(m)) // field -> the key that fills it
	for k := range m {
		f, ok := fields[normKey(k)]
		if !ok {
			continue
		}
		// Several keys may name one field: the exact name wins, then the
		// smallest key, so the result does not depend on map order.
		if prev, dup := src[f.name]; dup && (prev == f.name || (k != f.name && prev < k)) {
			continue
		}
		src[f.name] = k
	}
	for _, f := range orderedFields(dst.Type()) {
		k, ok := src[f.name]
		if !ok {
			continue
		}
		fv, err := dst.FieldByIndexErr(f.index)
		if err != nil { // through a nil embedded pointer
			continue
		}
		if err := assign(m[k], fv, joinPath(path, f.name)); err != nil {
			return err
		}
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func fieldName(path string) string {
	if path == "" {
		return "the object"
	}
	return strconv.Quote(path)
}

func mismatch(path string, t reflect.Type, v any) *Error {
	return &Error{Reason: fmt.Sprintf("%s should be %s, not %s", fieldName(path), typeWord(t), describe(v)),
		Fix: "write " + fieldName(path) + " as " + typeWord(t), Err: ErrMismatch}
}

func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return "the text " + strconv.Quote(x)
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}
