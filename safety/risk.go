package safety

import (
	"fmt"
	"sort"
	"strings"
)

// Category is a kind of harm an action can do.
type Category string

// The risk categories.
const (
	CategoryFinancial     Category = "financial"     // pay, transfer, buy, sell, checkout
	CategoryCommunication Category = "communication" // send, post, comment, share, reply
	CategoryDestructive   Category = "destructive"   // delete, uninstall, reset, erase
	CategoryPrivate       Category = "private_info"  // phone numbers, passwords, ids, cards
	CategorySecurity      Category = "security"      // screen lock, permissions, unknown sources
	CategoryAccount       Category = "account"       // log out, change password, delete account
	CategoryHarmful       Category = "harmful"       // threats, harassment, slurs, illegal goods
	CategoryInjection     Category = "injection"     // the action traces back to injected content
	CategorySecret        Category = "secret"        // a secret typed where it does not belong
)

// Categories lists every Category in a stable order.
var Categories = []Category{
	CategoryFinancial, CategoryCommunication, CategoryDestructive, CategoryPrivate,
	CategorySecurity, CategoryAccount, CategoryHarmful, CategoryInjection, CategorySecret,
}

// ParseCategory parses a category name as written in a policy file.
func ParseCategory(s string) (Category, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "private", "private_information", "privacy":
		return CategoryPrivate, nil
	}
	for _, c := range Categories {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown risk category %q; use one of %s", s, categoryList())
}

func categoryList() string {
	names := make([]string, len(Categories))
	for i, c := range Categories {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// Severity orders risks. The zero value is SeverityNone.
type Severity int

// Severities, weakest first.
const (
	SeverityNone Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, n := range severityNames {
		if n == s {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q; use low, medium, high or critical", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Risk is one reason an action may harm the person.
type Risk struct {
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	// Reason is in words a person understands: what could go wrong.
	Reason string `json:"reason"`
	// Evidence is what on the screen, in the action or in the typed text
	// triggered the risk. Private values in it are masked.
	Evidence string `json:"evidence,omitempty"`
}

func (r Risk) String() string {
	return fmt.Sprintf("%s (%s): %s", r.Category, r.Severity, r.Reason)
}

// Assessment is what Assess found about one action.
type Assessment struct {
	// Description is the action in words, for a person ("tap "Send" in
	// com.google.android.apps.messaging"). Password and secret text is masked.
	Description string `json:"description"`
	// Label is the name of the element the action hits, if any.
	Label string `json:"label,omitempty"`
	// App is the package the action happens in, if known.
	App string `json:"app,omitempty"`
	// Risks, highest severity first, at most one per category.
	Risks []Risk `json:"risks,omitempty"`
	// Ambiguous is set when the rules could not tell: a generic "OK" or
	// "Continue" with no telling context, a message body the keyword sets found
	// nothing in. A Judge, if configured, is consulted only then.
	Ambiguous bool `json:"ambiguous,omitempty"`

	taint []taintRef // the injected goals the action traced to
}

// Max is the highest severity among the risks.
func (a Assessment) Max() Severity {
	m := SeverityNone
	for _, r := range a.Risks {
		if r.Severity > m {
			m = r.Severity
		}
	}
	return m
}

// Has reports whether a risk of category c was found.
func (a Assessment) Has(c Category) bool {
	_, ok := a.Risk(c)
	return ok
}

// Risk returns the risk of category c.
func (a Assessment) Risk(c Category) (Risk, bool) {
	for _, r := range a.Risks {
		if r.Category == c {
			return r, true
		}
	}
	return Risk{}, false
}

// mergeRisks keeps the most severe risk of each category and sorts by
// severity, then by category order.
func mergeRisks(rs []Risk) []Risk {
	if len(rs) == 0 {
		return nil
	}
	best := make(map[Category]int, len(rs))
	out := make([]Risk, 0, len(rs))
	for _, r := range rs {
		if r.Severity == SeverityNone {
			continue
		}
		if i, ok := best[r.Category]; ok {
			if r.Severity > out[i].Severity {
				out[i] = r
			}
			continue
		}
		best[r.Category] = len(out)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Severity != out[j].Severity {
			return out[i].Severity > out[j].Severity
		}
		return categoryIndex(out[i].Category) < categoryIndex(out[j].Category)
	})
	return out
}

func categoryIndex(c Category) int {
	for i, x := range Categories {
		if x == c {
			return i
		}
	}
	return len(Categories)
}
