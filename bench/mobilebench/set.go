package mobilebench

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Set is one of Mobile-Bench's three item sets.
type Set string

// The item sets, named as the paper names them.
const (
	SAST Set = "SAST" // single app, single step: s_app_s_step.json
	SAMT Set = "SAMT" // single app, multi step: s_app_m_step.json
	MAMT Set = "MAMT" // multiple apps, multi step: m_app_m_step.json
)

// sets lists the sets in report order.
var sets = [...]Set{SAST, SAMT, MAMT}

// Sets returns the three sets in report order, in a new slice.
func Sets() []Set { return slices.Clone(sets[:]) }

// ErrUnknownSet is returned for a set name that is not SAST, SAMT or MAMT.
var ErrUnknownSet = errors.New("unknown Mobile-Bench set")

// ParseSet reads a set name, case-insensitively: SAST, SAMT or MAMT, or the
// data file stems s_app_s_step, s_app_m_step and m_app_m_step.
func ParseSet(s string) (Set, error) {
	t := strings.TrimSpace(s)
	for _, set := range sets {
		if strings.EqualFold(t, string(set)) || strings.EqualFold(t, set.fileStem()) {
			return set, nil
		}
	}
	return "", fmt.Errorf("%w %q: use SAST, SAMT or MAMT", ErrUnknownSet, s)
}

// fileStem is the stem of the set's file in the Mobile-Bench repository.
func (s Set) fileStem() string {
	switch s {
	case SAST:
		return "s_app_s_step"
	case SAMT:
		return "s_app_m_step"
	case MAMT:
		return "m_app_m_step"
	}
	return ""
}

// valid reports whether s is one of the three sets.
func (s Set) valid() bool { return s == SAST || s == SAMT || s == MAMT }

// SetFromFileName returns the set a data file's name names: a base name that
// contains s_app_s_step is SAST, s_app_m_step SAMT and m_app_m_step MAMT
// (case-insensitive). It reports false for any other name.
func SetFromFileName(path string) (Set, bool) {
	base := strings.ToLower(filepath.Base(path))
	var found []Set
	for _, s := range sets {
		if strings.Contains(base, s.fileStem()) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}
