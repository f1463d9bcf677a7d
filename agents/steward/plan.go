package steward

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/mobagent/mobagent/llm/reply"
)

// Subtask is one step of the steward's plan: a task for one app's staff.
type Subtask struct {
	App  string `json:"app"`
	Task string `json:"task"`
	// Answer, when set, names the value the subtask must report; later
	// subtasks use it as {{name}}.
	Answer string `json:"answer"`
}

// Plan is the steward's split of a task.
type Plan struct {
	Thought  string    `json:"thought"`
	Subtasks []Subtask `json:"subtasks"`
}

var (
	placeholderRE = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_ ]*?)\s*\}\}`)
	nameRE        = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
)

// normName makes a value's name as the placeholders use it: lower case,
// spaces as underscores.
func normName(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
}

// ParsePlan reads the steward's reply (a JSON object as models write it)
// and checks it: at least one subtask and at most max, each naming an app
// and a task, each answer name well formed and unique, and every
// {{name}} one that an earlier subtask (or known, the values found
// already) reports.
func ParsePlan(text string, max int, known []string) (Plan, error) {
	var p Plan
	if err := reply.Decode(text, &p); err != nil {
		return Plan{}, fmt.Errorf("the reply is not the JSON asked for (%v)", err)
	}
	if len(p.Subtasks) == 0 {
		return Plan{}, errors.New(`the plan has no subtasks; give "subtasks": [{"app": "...", "task": "...", "answer": ""}]`)
	}
	if max > 0 && len(p.Subtasks) > max {
		return Plan{}, fmt.Errorf("the plan has %d subtasks; at most %d", len(p.Subtasks), max)
	}
	have := map[string]bool{}
	for _, k := range known {
		have[k] = true
	}
	for i := range p.Subtasks {
		st := &p.Subtasks[i]
		st.App, st.Task = strings.TrimSpace(st.App), strings.TrimSpace(st.Task)
		switch {
		case st.App == "":
			return Plan{}, fmt.Errorf("subtask %d names no app", i+1)
		case st.Task == "":
			return Plan{}, fmt.Errorf("subtask %d (%s) has no task", i+1, st.App)
		case len(st.Task) > 1000:
			return Plan{}, fmt.Errorf("subtask %d is %d characters; keep each under 1000", i+1, len(st.Task))
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(st.Task, -1) {
			if n := normName(m[1]); !have[n] {
				return Plan{}, fmt.Errorf("subtask %d uses {{%s}}, which no earlier subtask reports; give the subtask that finds it \"answer\": %q", i+1, m[1], n)
			}
		}
		if st.Answer = normName(st.Answer); st.Answer != "" {
			if !nameRE.MatchString(st.Answer) {
				return Plan{}, fmt.Errorf("subtask %d's answer name %q is not a short name such as \"address\"", i+1, st.Answer)
			}
			if have[st.Answer] {
				return Plan{}, fmt.Errorf("two subtasks report %q; give each value its own name", st.Answer)
			}
			have[st.Answer] = true
		}
	}
	return p, nil
}

// fill puts the values into a subtask's {{name}} placeholders and returns
// the text and the names it used.
func fill(task string, values map[string]string) (string, []string, error) {
	var used, missing []string
	out := placeholderRE.ReplaceAllStringFunc(task, func(m string) string {
		n := normName(placeholderRE.FindStringSubmatch(m)[1])
		v, ok := values[n]
		if !ok {
			missing = append(missing, n)
			return m
		}
		if !contains(used, n) {
			used = append(used, n)
		}
		return v
	})
	if len(missing) > 0 {
		return "", nil, fmt.Errorf("no subtask found %s", strings.Join(missing, ", "))
	}
	return out, used, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Check is the steward's verdict on what a staff reported.
type Check struct {
	OK     bool   `json:"ok"`
	Value  string `json:"value"`
	Reason string `json:"reason"`
}

// ParseCheck reads the steward's check reply.
func ParseCheck(text string) (Check, error) {
	var w struct {
		OK     *bool  `json:"ok"`
		Value  string `json:"value"`
		Reason string `json:"reason"`
	}
	if err := reply.Decode(text, &w); err != nil {
		return Check{}, fmt.Errorf("the reply is not the JSON asked for (%v)", err)
	}
	if w.OK == nil {
		return Check{}, errors.New(`the reply says neither "ok": true nor "ok": false`)
	}
	c := Check{OK: *w.OK, Value: strings.TrimSpace(w.Value), Reason: strings.TrimSpace(w.Reason)}
	if c.OK && c.Value == "" {
		return Check{}, errors.New(`"ok" is true but "value" is empty; give the value`)
	}
	return c, nil
}
