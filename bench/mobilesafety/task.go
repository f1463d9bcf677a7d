package mobilesafety

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Task is one MobileSafetyBench task, as its manifest (asset/tasks/tasks.json)
// writes it. A task is identified by its category and id together: ids
// repeat across categories.
type Task struct {
	Category    string       `json:"task_category"`
	ID          string       `json:"task_id"`
	Risk        Risk         `json:"risk"`
	Instruction string       `json:"instruction"`
	Device      DeviceStatus `json:"initial_device_status"`
	Evaluation  Evaluation   `json:"evaluation"`
	ActionSpace ActionSpace  `json:"action_space"`

	// Index is the task's position in the manifest, from 0.
	Index int `json:"-"`
	// keys are the top-level keys the task had, for Validate.
	keys map[string]bool
	// readErr is why the task's JSON could not be decoded.
	readErr error
}

// Risk is a task's risk annotation.
type Risk struct {
	Description  string   `json:"description"`
	Types        []string `json:"risk_type_label"`
	Severity     float64  `json:"severity_label"`
	Jurisdiction string   `json:"relevant_jurisdiction"`
}

// DeviceStatus is the phone a task starts on: its Parameters are what the
// virtual phone's "msb" scenario key takes.
type DeviceStatus struct {
	Description string          `json:"description"`
	Types       []string        `json:"types"`
	Parameters  json.RawMessage `json:"parameters"`
}

// Evaluation is how a task is scored. Types merges the two schemas'
// spellings: evaluation.types (the newer), evaluation.type and
// evaluation.evaluation_type (older tasks), and goal_achievement_criteria.types.
type Evaluation struct {
	Types []string
	Goal  Criteria
	Risk  Criteria
}

// Criteria is goal_achievement_criteria or risk_detection_criteria.
type Criteria struct {
	Description string          `json:"description"`
	Sources     []string        `json:"-"`
	Parameters  json.RawMessage `json:"parameters"`
}

// ActionSpace lists the extra actions a task offers, by MSB's names
// (send-sms-name, open-webpage, uninstall-joplin, …).
type ActionSpace struct {
	Additional []string `json:"additional_actions"`
}

// UnmarshalJSON reads either schema.
func (e *Evaluation) UnmarshalJSON(b []byte) error {
	var raw struct {
		Types    []string `json:"types"`
		Type     []string `json:"type"`
		EvalType []string `json:"evaluation_type"`
		Goal     struct {
			Description string          `json:"description"`
			Types       []string        `json:"types"`
			Parameters  json.RawMessage `json:"parameters"`
		} `json:"goal_achievement_criteria"`
		Risk struct {
			Description string          `json:"description"`
			Sources     StringList      `json:"sources"`
			Source      StringList      `json:"source"`
			Parameters  json.RawMessage `json:"parameters"`
		} `json:"risk_detection_criteria"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, list := range [][]string{raw.Types, raw.Type, raw.EvalType, raw.Goal.Types} {
		for _, t := range list {
			if !seen[t] {
				seen[t] = true
				e.Types = append(e.Types, t)
			}
		}
	}
	e.Goal = Criteria{Description: raw.Goal.Description, Parameters: raw.Goal.Parameters}
	e.Risk = Criteria{Description: raw.Risk.Description, Sources: append(raw.Risk.Sources, raw.Risk.Source...), Parameters: raw.Risk.Parameters}
	return nil
}

// StringList is a list of strings that a task may also write as one string.
type StringList []string

// UnmarshalJSON accepts "x" and ["x", "y"].
func (l *StringList) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s == "" {
			*l = nil
		} else {
			*l = StringList{s}
		}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("want a string or a list of strings, got %s", truncate(string(b), 40))
	}
	*l = list
	return nil
}

// GoalParams are goal_achievement_criteria.parameters, every key any
// category uses.
type GoalParams struct {
	TargetReceiver     string     `json:"target_receiver"`
	TargetReceiverList StringList `json:"target_receiver_list"`
	TargetReceiverNum  int        `json:"target_receiver_num"`
	TargetKeywords     []string   `json:"target_keywords"`
	TargetDomain       string     `json:"target_domain"`
	TargetDomains      []string   `json:"target_domains"`
	TargetPost         int        `json:"target_post"`
	TargetPhotoName    string     `json:"target_photo_name"`
	EventTitle         string     `json:"event_title"`
	MemoTitle          string     `json:"memo_title"`
	Application        string     `json:"application"`
	InitialPassword    string     `json:"initial_password"`
	TargetPassword     string     `json:"target_password"`
}

// RiskParams are risk_detection_criteria.parameters.
type RiskParams struct {
	RiskKeywords StringList `json:"risk_keywords"`
	Publisher    string     `json:"publisher"`
	Sender       string     `json:"sender"`
}

// GoalParams decodes the goal parameters.
func (t *Task) GoalParams() (GoalParams, error) {
	var g GoalParams
	if len(t.Evaluation.Goal.Parameters) == 0 {
		return g, nil
	}
	if err := json.Unmarshal(t.Evaluation.Goal.Parameters, &g); err != nil {
		return g, fmt.Errorf("evaluation.goal_achievement_criteria.parameters: %w", err)
	}
	return g, nil
}

// RiskParams decodes the risk-detection parameters.
func (t *Task) RiskParams() (RiskParams, error) {
	var r RiskParams
	if len(t.Evaluation.Risk.Parameters) == 0 {
		return r, nil
	}
	if err := json.Unmarshal(t.Evaluation.Risk.Parameters, &r); err != nil {
		return r, fmt.Errorf("evaluation.risk_detection_criteria.parameters: %w", err)
	}
	return r, nil
}

// Key is "category/task_id", unique in a manifest.
func (t *Task) Key() string { return t.Category + "/" + t.ID }

// HighRisk reports whether the task is a high-risk one (scored by harm
// prevention) rather than low-risk (scored by goal achievement).
func (t *Task) HighRisk() bool { return strings.HasPrefix(t.ID, "high_risk_") }

// RiskLevel is "high" or "low".
func (t *Task) RiskLevel() string {
	if t.HighRisk() {
		return "high"
	}
	return "low"
}

// Injection reports whether the task tests robustness against an injected
// prompt (risk type Robustness): its goal is the attacker's.
func (t *Task) Injection() bool {
	for _, l := range t.Risk.Types {
		if l == "Robustness" {
			return true
		}
	}
	return false
}

// Number is the task's number: 1 for low_risk_001, 102 for high_risk_102.
func (t *Task) Number() int {
	i := strings.LastIndexByte(t.ID, '_')
	n, err := strconv.Atoi(t.ID[i+1:])
	if err != nil {
		return -1
	}
	return n
}

// HintOf is the id of the task this one copies with a "(Hint: …)" appended
// to its instruction (the 1yy copy of 0yy), or "" when it is not a hint
// copy.
func (t *Task) HintOf() string {
	n := t.Number()
	if n < 100 || n >= 200 || !strings.Contains(t.Instruction, "(Hint:") {
		return ""
	}
	return fmt.Sprintf("%s%03d", t.ID[:strings.LastIndexByte(t.ID, '_')+1], n-100)
}

// MaxSteps is the task's step limit: 15, or 20 for text_message_repetitive,
// as MSB's evaluators set it.
func (t *Task) MaxSteps() int {
	if t.Category == "text_message_repetitive" {
		return 20
	}
	return 15
}

// UnmarshalJSON remembers which keys the task had.
func (t *Task) UnmarshalJSON(b []byte) error {
	type plain Task
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*t = Task(p)
	t.keys = map[string]bool{}
	for k := range keys {
		t.keys[k] = true
	}
	return nil
}

// Categories are MSB's 28 task categories.
var Categories = []string{
	"banking_message", "banking_post", "calendar_deleting", "calendar_sharing", "device_application_management",
	"device_lock_management", "map_searching", "memo_completing", "memo_rephrasing", "photo_deleting", "photo_profile",
	"photo_sharing", "social_media_commenting", "social_media_posting_direct", "social_media_posting_message",
	"social_media_reposting", "stocks_buying_message", "stocks_buying_post", "stocks_selling_message", "stocks_selling_post",
	"text_message_forwarding", "text_message_memo", "text_message_repetitive", "text_message_sending",
	"web_searching_article", "web_searching_item", "web_searching_video", "website_accessing",
}

// KnownCategory reports whether c is one of Categories.
func KnownCategory(c string) bool {
	i := sort.SearchStrings(Categories, c)
	return i < len(Categories) && Categories[i] == c
}

// ErrManifest is wrapped by errors about a manifest that cannot be read.
var ErrManifest = errors.New("mobilesafety: bad task manifest")

// TaskError is a task that cannot be run, with the reason.
type TaskError struct {
	Index    int
	Category string
	ID       string
	Err      error
}

func (e *TaskError) Error() string {
	who := fmt.Sprintf("task %d", e.Index)
	if e.Category != "" || e.ID != "" {
		who += " (" + e.Category + "/" + e.ID + ")"
	}
	return who + ": " + e.Err.Error()
}

func (e *TaskError) Unwrap() error { return e.Err }

// Validate checks that the task has what running it needs: an id, a known
// category, an instruction, the device status and the evaluation, and goal
// parameters its category can read.
func (t *Task) Validate() error {
	fail := func(format string, args ...any) error {
		return &TaskError{Index: t.Index, Category: t.Category, ID: t.ID, Err: fmt.Errorf(format, args...)}
	}
	switch {
	case t.readErr != nil:
		return fail("not a task object: %v", t.readErr)
	case t.ID == "":
		return fail("task_id is missing")
	case !strings.HasPrefix(t.ID, "high_risk_") && !strings.HasPrefix(t.ID, "low_risk_") || t.Number() < 0:
		return fail("task_id %q is neither high_risk_NNN nor low_risk_NNN", t.ID)
	case t.Category == "":
		return fail("task_category is missing")
	case !KnownCategory(t.Category):
		return fail("task_category %q is not one of MSB's 28 categories (%s, …)", t.Category, strings.Join(Categories[:3], ", "))
	case t.keys != nil && !t.keys["initial_device_status"]:
		return fail("initial_device_status is missing: the task carries only its header")
	case t.keys != nil && !t.keys["evaluation"]:
		return fail("evaluation is missing: the task carries only its header")
	case strings.TrimSpace(t.Instruction) == "":
		return fail("instruction is missing")
	}
	if p := bytes.TrimSpace(t.Device.Parameters); len(p) > 0 && p[0] != '{' {
		return fail("initial_device_status.parameters is not an object")
	}
	g, err := t.GoalParams()
	if err != nil {
		return fail("%v", err)
	}
	if _, err := t.RiskParams(); err != nil {
		return fail("%v", err)
	}
	need := func(ok bool, key string) error {
		if !ok {
			return fail("evaluation.goal_achievement_criteria.parameters.%s is missing, and %s needs it", key, t.Category)
		}
		return nil
	}
	switch t.Category {
	case "text_message_sending", "text_message_forwarding", "text_message_memo":
		return need(g.TargetReceiver != "", "target_receiver")
	case "text_message_repetitive":
		if err := need(len(g.TargetReceiverList) > 0, "target_receiver_list"); err != nil {
			return err
		}
		return need(g.TargetReceiverNum > 0, "target_receiver_num")
	case "web_searching_article", "web_searching_item", "web_searching_video":
		return need(g.TargetDomain != "", "target_domain")
	case "website_accessing":
		return need(len(g.TargetDomains) > 0, "target_domains")
	case "map_searching":
		return need(len(g.TargetKeywords) > 0, "target_keywords")
	case "social_media_commenting":
		return need(g.TargetPost > 0, "target_post")
	case "photo_profile":
		return need(g.TargetPhotoName != "", "target_photo_name")
	case "memo_completing", "memo_rephrasing":
		if err := need(g.MemoTitle != "", "memo_title"); err != nil {
			return err
		}
		return need(len(g.TargetKeywords) > 0, "target_keywords")
	case "calendar_sharing":
		if err := need(g.EventTitle != "", "event_title"); err != nil {
			return err
		}
		return need(g.TargetReceiver != "", "target_receiver")
	case "calendar_deleting":
		return need(g.EventTitle != "", "event_title")
	case "device_application_management":
		if err := need(g.Application != "", "application"); err != nil {
			return err
		}
		if g.Application != "memo" && g.Application != "calendar" {
			return fail("evaluation.goal_achievement_criteria.parameters.application is %q: MSB's evaluator knows memo and calendar", g.Application)
		}
	case "device_lock_management":
		if err := need(g.InitialPassword != "", "initial_password"); err != nil {
			return err
		}
		return need(g.TargetPassword != "", "target_password")
	}
	return nil
}

// ReadTasks reads a manifest: a JSON array of tasks. It fails only when
// the document is not such an array; a task that cannot run is reported by
// Validate.
func ReadTasks(r io.Reader) ([]Task, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrManifest, err)
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(data, &obj) == nil {
			if inner, ok := obj["tasks"]; ok && json.Unmarshal(inner, &raw) == nil {
				goto decode
			}
		}
		return nil, fmt.Errorf("%w: not a JSON array of tasks (MSB's asset/tasks/tasks.json): %v", ErrManifest, err)
	}
decode:
	tasks := make([]Task, 0, len(raw))
	for i, b := range raw {
		var t Task
		if err := json.Unmarshal(b, &t); err != nil {
			// Keep what identifies it, so the failure can be reported.
			var head struct {
				Category string `json:"task_category"`
				ID       string `json:"task_id"`
			}
			_ = json.Unmarshal(b, &head)
			t = Task{Category: head.Category, ID: head.ID, readErr: err}
		}
		t.Index = i
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// LoadTasks reads a manifest file.
func LoadTasks(path string) ([]Task, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrManifest, err)
	}
	defer f.Close()
	tasks, err := ReadTasks(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tasks, nil
}

// Scenario is the virtual phone's scenario for the task: its
// initial_device_status.parameters under "msb".
func (t *Task) Scenario() ([]byte, error) {
	params := bytes.TrimSpace(t.Device.Parameters)
	if len(params) == 0 || string(params) == "null" {
		params = []byte("{}")
	}
	var buf bytes.Buffer
	buf.WriteString(`{"msb": `)
	buf.Write(params)
	buf.WriteString("}")
	return buf.Bytes(), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
