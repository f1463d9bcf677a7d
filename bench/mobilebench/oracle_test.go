package mobilebench

import (
	"strings"
)

// An independent reference scorer, written a second time from the
// behaviour of Mobile-Bench's agent_for_ui/main_for_ui.py (main's filter of
// successful actions, calculate_package_coverage, check_point_passed,
// check_points) and, for fixed scoring, from the rules in
// docs/benchmarks.md. It works on generic JSON values (what encoding/json
// gives for `any`), shares no code with the package, and is as plain as it
// can be: Python's loops written out one for one.

type ofrac struct{ num, den int }

const oracleKeys = "activity resource-id text package api"

// pyContains is Python's `needle in haystack` for two strings.
func pyContains(haystack, needle string) bool { return strings.Contains(haystack, needle) }

// pyTruth is Python's truth value of a JSON value.
func pyTruth(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return len(x) > 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	case bool:
		return x
	case float64:
		return x != 0
	}
	panic("unexpected JSON value")
}

// pyListHas is Python's `x in some_list` for a string x: equality, so an
// object element never equals it.
func pyListHas(l []any, x string) bool {
	for _, e := range l {
		if s, ok := e.(string); ok && s == x {
			return true
		}
	}
	return false
}

// matchText is what an element is matched by: the string, or an api
// object's "ADB Command" (where the reference would raise).
func matchText(e any) string {
	if m, ok := e.(map[string]any); ok {
		return m["ADB Command"].(string)
	}
	return e.(string)
}

// oracleReferenceFilter is main's successful_actions, with an entry that
// holds ". [Call result]:" read as an API call.
func oracleReferenceFilter(h []string) []string {
	var actions, calls []string
	for _, e := range h {
		if strings.Contains(e, ". [Call result]:") {
			if e != "" && !strings.Contains(e, "failed") {
				calls = append(calls, e)
			}
		} else if e != "" && !strings.Contains(e, "Fail") {
			actions = append(actions, e)
		}
	}
	return append(actions, calls...)
}

// oracleReference scores one item's check point on a history.
func oracleReference(cp map[string]any, history []string) (level1, level2 ofrac) {
	h := oracleReferenceFilter(history)

	// calculate_package_coverage
	if pkg, ok := cp["package"]; ok {
		var names []string // `for package_name in package_names`
		switch x := pkg.(type) {
		case string:
			for _, r := range x {
				names = append(names, string(r))
			}
		case []any:
			for _, e := range x {
				names = append(names, matchText(e))
			}
		}
		for _, name := range names {
			found := false
			for _, action := range h {
				if pyContains(action, name) {
					found = true
				}
			}
			if found {
				level1.num++
			}
		}
		level1.den = len(names)
	}

	// check_points
	for _, key := range strings.Fields(oracleKeys) {
		v, ok := cp[key]
		if !ok || !pyTruth(v) {
			continue
		}
		list, isList := v.([]any)
		if !isList {
			level2.den++
			for _, action := range h {
				if pyContains(action, v.(string)) {
					level2.num++
					break
				}
			}
			continue
		}
		switch {
		case pyListHas(list, "|"):
			// any(cp_elem in action for cp_elem in value if cp_elem != '|' for action in H)
			passed := false
			for _, e := range list {
				if s, ok := e.(string); ok && s == "|" {
					continue
				}
				for _, action := range h {
					if pyContains(action, matchText(e)) {
						passed = true
					}
				}
			}
			level2.den++
			if passed {
				level2.num++
			}
		case pyListHas(list, "&"):
			// all(cp_elem in action for cp_elem in value if cp_elem != '&' for action in H)
			passed := true
			for _, e := range list {
				if s, ok := e.(string); ok && s == "&" {
					continue
				}
				for _, action := range h {
					if !pyContains(action, matchText(e)) {
						passed = false
					}
				}
			}
			level2.den++
			if passed {
				level2.num++
			}
		default:
			level2.den += len(list)
			for _, e := range list {
				for _, action := range h {
					if pyContains(action, matchText(e)) {
						level2.num++
						break
					}
				}
			}
		}
	}
	return level1, level2
}

// oracleFixedFilter keeps what fixed scoring reads: no empty entries, no
// entry the reference marks "[Fail]", no API call whose result is not a
// success.
func oracleFixedFilter(h []string) []string {
	var out []string
	for _, e := range h {
		if e == "" {
			continue
		}
		if i := strings.LastIndex(e, ". [Call result]:"); i >= 0 {
			if strings.HasPrefix(e[i+len(". [Call result]:"):], "API execution successful") {
				out = append(out, e)
			}
			continue
		}
		if !strings.HasPrefix(e, "[Fail]") {
			out = append(out, e)
		}
	}
	return out
}

// oracleFixed scores with the fixes: a string is one element; operators and
// empty strings are not elements; "|" passes on any element found, "&" on
// every element found, each in some entry; plain lists earn one per element.
func oracleFixed(cp map[string]any, history []string) (level1, level2 ofrac) {
	h := oracleFixedFilter(history)
	foundSomewhere := func(s string) bool {
		for _, action := range h {
			if strings.Contains(action, s) {
				return true
			}
		}
		return false
	}
	// elements and the operator ("|" wins over "&")
	parse := func(v any) (elems []string, op string) {
		switch x := v.(type) {
		case string:
			if x != "" {
				elems = []string{x}
			}
		case []any:
			if pyListHas(x, "&") {
				op = "&"
			}
			if pyListHas(x, "|") {
				op = "|"
			}
			for _, e := range x {
				if s, ok := e.(string); ok && (s == "|" || s == "&") {
					continue
				}
				if t := matchText(e); t != "" {
					elems = append(elems, t)
				}
			}
		}
		return elems, op
	}
	score := func(elems []string, op string) ofrac {
		found := 0
		for _, e := range elems {
			if foundSomewhere(e) {
				found++
			}
		}
		switch op {
		case "|":
			if found > 0 {
				return ofrac{1, 1}
			}
			return ofrac{0, 1}
		case "&":
			if found == len(elems) {
				return ofrac{1, 1}
			}
			return ofrac{0, 1}
		}
		return ofrac{found, len(elems)}
	}
	// level 1 is the share of expected packages found: every package of a
	// plain or "&" list is expected; a "|" list expects any one of them
	if elems, op := parse(cp["package"]); len(elems) > 0 {
		if op != "|" {
			op = ""
		}
		level1 = score(elems, op)
	}
	for _, key := range strings.Fields(oracleKeys) {
		if elems, op := parse(cp[key]); len(elems) > 0 {
			s := score(elems, op)
			level2.num += s.num
			level2.den += s.den
		}
	}
	return level1, level2
}

// ofloat is a fraction as the reference divides it (0 for nothing scored).
func ofloat(f ofrac) float64 {
	if f.den == 0 {
		return 0
	}
	return float64(f.num) / float64(f.den)
}
