package mobilebench

import (
	"strings"
	"unicode/utf8"
)

// Mode chooses how the metric is computed.
type Mode int

const (
	// Reference computes CheckPoint exactly as Mobile-Bench's reference code
	// does (agent_for_ui/main_for_ui.py: calculate_package_coverage,
	// check_point_passed, check_points and its filter of successful
	// actions), quirks included. It is the default and the figure comparable
	// with the paper.
	Reference Mode = iota
	// Fixed repairs the quirks (docs/benchmarks.md lists them). Its figures
	// are reported separately and are not comparable with published ones.
	Fixed
)

// String names the mode as reports write it: "reference" or "fixed".
func (m Mode) String() string {
	if m == Fixed {
		return "fixed"
	}
	return "reference"
}

// Fraction is an exact score Num/Den. Den 0 means there was nothing to score.
type Fraction struct {
	Num, Den int
}

// Float is Num/Den, and 0 when Den is 0 (the reference scores an item with
// nothing to check as 0).
func (f Fraction) Float() float64 {
	if f.Den == 0 {
		return 0
	}
	return float64(f.Num) / float64(f.Den)
}

// KeyScore is what one check-point key contributed to the level-2 score.
type KeyScore struct {
	Key    string `json:"key"`
	Passed int    `json:"passed"`
	Total  int    `json:"total"`
}

// Result is one item's score on one history.
type Result struct {
	// Level1 is the package coverage: the expected packages found in H.
	// Den 0: the item names no package (the reference counts it as 0,
	// fixed scoring leaves it out of the average).
	Level1 Fraction
	// Level2 is the check-point score: passed / total over the scored keys.
	// Den 0: nothing to check (0 in the reference; left out when fixed).
	Level2 Fraction
	// Keys holds each scored key's part of Level2, in scoring order
	// (activity, resource-id, text, package, api); Total 0 for a key that
	// was not scored.
	Keys [len(scoredKeys)]KeyScore
}

// Score scores history (as the runner wrote it, see [Successful]) against
// the item's check point.
func Score(it Item, history []string, mode Mode) Result {
	return ScoreCheckPoint(it.CheckPoint, history, mode)
}

// ScoreCheckPoint is [Score] on a bare check point.
func ScoreCheckPoint(cp CheckPoint, history []string, mode Mode) Result {
	h := Successful(history, mode)
	var r Result
	if mode == Fixed {
		r.Level1 = fixedCoverage(cp.Package, h)
	} else {
		r.Level1 = referenceCoverage(cp.Package, h)
	}
	for i, v := range cp.values() {
		var passed, total int
		if mode == Fixed {
			passed, total = fixedKey(*v, h)
		} else {
			passed, total = referenceKey(*v, h)
		}
		r.Keys[i] = KeyScore{Key: scoredKeys[i], Passed: passed, Total: total}
		r.Level2.Num += passed
		r.Level2.Den += total
	}
	return r
}

// apiMarker is what every API-call entry holds between the command and its
// result.
const apiMarker = ". [Call result]:"

// Successful returns the entries of history the metric reads, in order.
//
// The reference keeps a UI action unless its text holds "Fail" anywhere (so
// a successful click on an element labelled "Failed" is lost too) and an API
// call unless it holds "failed", and drops empty entries. An entry is an API
// call when it holds ". [Call result]:". Fixed scoring drops only empty
// entries, entries that begin with "[Fail]" (the reference's failure marker)
// and API calls whose result is not "API execution successful".
//
// A runner that writes only successful entries loses nothing to either
// filter, except the reference's "Fail" quirk, which is the point.
func Successful(history []string, mode Mode) []string {
	out := make([]string, 0, len(history))
	for _, e := range history {
		if keep(e, mode) {
			out = append(out, e)
		}
	}
	return out
}

func keep(e string, mode Mode) bool {
	if e == "" {
		return false
	}
	api := strings.LastIndex(e, apiMarker)
	if mode == Fixed {
		if api >= 0 {
			return strings.HasPrefix(e[api+len(apiMarker):], apiSuccess)
		}
		return !strings.HasPrefix(e, "[Fail]")
	}
	if api >= 0 {
		return !strings.Contains(e, "failed")
	}
	return !strings.Contains(e, "Fail")
}

// inSome reports whether s is a substring of some entry of h.
func inSome(s string, h []string) bool {
	for _, a := range h {
		if strings.Contains(a, s) {
			return true
		}
	}
	return false
}

// inEvery reports whether s is a substring of every entry of h (true for an
// empty h).
func inEvery(s string, h []string) bool {
	for _, a := range h {
		if !strings.Contains(a, s) {
			return false
		}
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// truthy is Python's truth of the value as the reference tests it: a key
// that is absent, null, "" or [] is not scored.
func (v Value) truthy() bool {
	switch {
	case !v.Present || v.Null:
		return false
	case v.List:
		return len(v.Elems) > 0
	}
	return v.Str != ""
}

// referenceKey is check_points' handling of one key.
func referenceKey(v Value, h []string) (passed, total int) {
	if !v.truthy() {
		return 0, 0
	}
	if !v.List {
		return b2i(inSome(v.Str, h)), 1
	}
	switch op := v.Operator(); op {
	case '|':
		// any element (but "|") in any entry
		for _, e := range v.Elems {
			if e.operator() != '|' && inSome(e.Text, h) {
				return 1, 1
			}
		}
		return 0, 1
	case '&':
		// every element (but "&") in every entry: an empty H passes
		for _, e := range v.Elems {
			if e.operator() != '&' && !inEvery(e.Text, h) {
				return 0, 1
			}
		}
		return 1, 1
	}
	for _, e := range v.Elems {
		passed += b2i(inSome(e.Text, h))
	}
	return passed, len(v.Elems)
}

// referenceCoverage is calculate_package_coverage: it iterates the package
// value, so a string is taken character by character and list operators
// count as packages to find. Where the reference raises (a package that is
// null, "" or []), the coverage is 0/0.
func referenceCoverage(v Value, h []string) Fraction {
	switch {
	case !v.Present || v.Null:
		return Fraction{}
	case v.List:
		f := Fraction{Den: len(v.Elems)}
		for _, e := range v.Elems {
			f.Num += b2i(inSome(e.Text, h))
		}
		return f
	}
	f := Fraction{Den: utf8.RuneCountInString(v.Str)}
	var buf [utf8.UTFMax]byte
	for _, r := range v.Str {
		n := utf8.EncodeRune(buf[:], r)
		f.Num += b2i(inSome(string(buf[:n]), h))
	}
	return f
}

// fixedElems are a value's elements with operators and empty strings left
// out, and its operator.
func fixedElems(v Value) (elems []string, op byte) {
	if !v.Present || v.Null {
		return nil, 0
	}
	if !v.List {
		if v.Str == "" {
			return nil, 0
		}
		return []string{v.Str}, 0
	}
	for _, e := range v.Elems {
		if e.operator() == 0 && e.Text != "" {
			elems = append(elems, e.Text)
		}
	}
	return elems, v.Operator()
}

// fixedKey: "|" passes when some element is in some entry, "&" when every
// element is in some entry, a plain list earns one per element found, a
// string one if found; empty elements and operators are not elements.
func fixedKey(v Value, h []string) (passed, total int) {
	elems, op := fixedElems(v)
	if len(elems) == 0 {
		return 0, 0
	}
	switch op {
	case '|':
		for _, e := range elems {
			if inSome(e, h) {
				return 1, 1
			}
		}
		return 0, 1
	case '&':
		for _, e := range elems {
			if !inSome(e, h) {
				return 0, 1
			}
		}
		return 1, 1
	}
	for _, e := range elems {
		passed += b2i(inSome(e, h))
	}
	return passed, len(elems)
}

// fixedCoverage: a string names one package; a list names its elements
// (operators and empty strings left out); for a "|" list finding any one of
// them is full coverage.
func fixedCoverage(v Value, h []string) Fraction {
	elems, op := fixedElems(v)
	if len(elems) == 0 {
		return Fraction{}
	}
	if op == '|' {
		for _, e := range elems {
			if inSome(e, h) {
				return Fraction{1, 1}
			}
		}
		return Fraction{0, 1}
	}
	f := Fraction{Den: len(elems)}
	for _, e := range elems {
		f.Num += b2i(inSome(e, h))
	}
	return f
}
