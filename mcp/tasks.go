package mcp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mobagent/mobagent/agents"
	"github.com/mobagent/mobagent/agents/trajectory"
	"github.com/mobagent/mobagent/format"
	"github.com/mobagent/mobagent/safety"
)

// run is one run_task in progress or finished.
type run struct {
	id, dir, task, device string
	start                 time.Time
	agent                 *agents.Agent
	cancel                context.CancelFunc
	done                  chan struct{}

	mu     sync.Mutex
	step   int
	action string
	held   []heldAction
	res    *agents.Result
	err    error
}

// heldAction is an action the gate held during a run.
type heldAction struct {
	Step       int    `json:"step"`
	Action     string `json:"action"`
	Verdict    string `json:"verdict"`
	AnsweredBy string `json:"answered_by"`
	Reason     string `json:"reason"`
}

// OnEvent follows the run for task_status.
func (r *run) OnEvent(e agents.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.Step > r.step {
		r.step = e.Step
	}
	switch e.Phase {
	case agents.PhaseDecide:
		if e.ActionText != "" {
			r.action = e.ActionText
		}
	case agents.PhaseGate:
		if e.Gate != nil && e.Gate.Held() {
			r.held = append(r.held, heldAction{Step: e.Step, Action: e.ActionText, Verdict: string(e.Gate.Verdict), AnsweredBy: string(e.Gate.AnsweredBy), Reason: e.Gate.Reason})
		}
	case agents.PhaseRunEnd:
		r.res = e.Result
		r.err = e.Err
	}
}

// taskStatus is what task_status (and run_task, stop_task) return, in
// formats v2.
type taskStatus struct {
	Format     int            `json:"format" jsonschema:"the format number of mobagent's public JSON (2)"`
	RunID      string         `json:"run_id"`
	Status     string         `json:"status" jsonschema:"running or finished"`
	Task       string         `json:"task"`
	Device     string         `json:"device"`
	Dir        string         `json:"dir" jsonschema:"the run directory"`
	Step       int            `json:"step" jsonschema:"the step in progress or the last one"`
	LastAction string         `json:"last_action,omitempty"`
	Held       []heldAction   `json:"held,omitempty" jsonschema:"actions the safety gate held"`
	Outcome    string         `json:"outcome,omitempty" jsonschema:"how the run ended: success, infeasible, refused, step_limit, stuck, failed, budget, interrupted, unavailable, error or not_verified"`
	Reason     string         `json:"reason,omitempty"`
	Answer     string         `json:"answer,omitempty"`
	Elapsed    format.Millis  `json:"elapsed_ms"`
	Totals     *agents.Totals `json:"totals,omitempty"`
	Resources  []string       `json:"resources,omitempty" jsonschema:"the run's files as resource URIs"`
}

func (s *Server) status(r *run) taskStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := taskStatus{Format: format.Version, RunID: r.id, Status: "running", Task: r.task, Device: r.device, Dir: r.dir, Step: r.step,
		LastAction: r.action, Held: append([]heldAction(nil), r.held...), Elapsed: format.Ms(s.now().Sub(r.start))}
	finished := false
	select {
	case <-r.done:
		finished = true
	default:
	}
	if r.res != nil && finished {
		st.Status, st.Outcome, st.Reason, st.Answer = "finished", string(r.res.Outcome), r.res.Reason, r.res.Answer
		t := r.res.Totals
		st.Totals = &t
		st.Elapsed = t.Duration
		st.Resources = runResources(r.id, r.dir)
	}
	return st
}

func (st taskStatus) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s (%s on %s): %s, step %d", st.RunID, st.Task, st.Device, st.Status, st.Step)
	if st.LastAction != "" {
		fmt.Fprintf(&b, ", last action: %s", st.LastAction)
	}
	b.WriteString(".\n")
	for _, h := range st.Held {
		fmt.Fprintf(&b, "HELD at step %d: %s (%s by %s: %s)\n", h.Step, h.Action, h.Verdict, h.AnsweredBy, h.Reason)
	}
	if st.Outcome != "" {
		fmt.Fprintf(&b, "Outcome: %s (%s).", st.Outcome, st.Reason)
		if st.Answer != "" {
			fmt.Fprintf(&b, " Answer: %s.", st.Answer)
		}
		if t := st.Totals; t != nil {
			fmt.Fprintf(&b, " %d steps, %d model calls, %d tokens, $%.4f.", t.Steps, t.ModelCalls, t.Usage.Total(), t.Cost)
		}
		b.WriteString(" task_report gives the report.")
	}
	return b.String()
}

type runTaskArgs struct {
	Task     string `json:"task" jsonschema:"what the agents should do, in the person's words"`
	Device   string `json:"device" jsonschema:"the device identifier to use; mobile_list_available_devices lists them"`
	MaxSteps int    `json:"max_steps,omitempty" jsonschema:"stop after this many steps (default: the configured limit)"`
}

type runIDArgs struct {
	RunID string `json:"run_id" jsonschema:"the id run_task returned"`
}

type instructArgs struct {
	RunID string `json:"run_id" jsonschema:"the id run_task returned"`
	Text  string `json:"text" jsonschema:"the person's instruction, added to the run in progress"`
}

func (s *Server) addTaskTools() {
	sdk.AddTool(s.mcp, &sdk.Tool{Name: "run_task", OutputSchema: outputSchema[taskStatus](), Annotations: acting("Run a task", true),
		Description: "Hand a whole task to mobagent's agents (planner, decision, reflector, notetaker) on a device. It returns at once with a run id; " +
			"follow the run with task_status, add to it with inject_instruction, stop it with stop_task and read it with task_report. " +
			"The device is busy until the run ends. The safety gate checks every action of the run."},
		func(ctx context.Context, req *sdk.CallToolRequest, in runTaskArgs) (*sdk.CallToolResult, taskStatus, error) {
			r, err := s.startRun(ctx, req, in)
			if err != nil {
				return nil, taskStatus{}, err
			}
			st := s.status(r)
			return text(fmt.Sprintf("Started run %s: %q on %s. Poll task_status with run_id %s.", r.id, r.task, r.device, r.id)), st, nil
		})
	sdk.AddTool(s.mcp, &sdk.Tool{Name: "task_status", OutputSchema: outputSchema[taskStatus](), Annotations: readOnly("Task status"),
		Description: "Say how a run is going: running or finished, the step, the last action, the actions the safety gate held, and at the end the outcome and totals."},
		func(ctx context.Context, req *sdk.CallToolRequest, in runIDArgs) (*sdk.CallToolResult, taskStatus, error) {
			r, err := s.run(in.RunID)
			if err != nil {
				return nil, taskStatus{}, err
			}
			st := s.status(r)
			return text(st.text()), st, nil
		})
	sdk.AddTool(s.mcp, &sdk.Tool{Name: "stop_task", OutputSchema: outputSchema[taskStatus](), Annotations: &sdk.ToolAnnotations{Title: "Stop a task", DestructiveHint: boolPtr(false), IdempotentHint: true, OpenWorldHint: boolPtr(false)},
		Description: "Stop a run: the step in progress ends, the run is saved (outcome interrupted) and the device is free again."},
		func(ctx context.Context, req *sdk.CallToolRequest, in runIDArgs) (*sdk.CallToolResult, taskStatus, error) {
			r, err := s.run(in.RunID)
			if err != nil {
				return nil, taskStatus{}, err
			}
			r.cancel()
			select {
			case <-r.done:
			case <-ctx.Done():
				return nil, taskStatus{}, ctx.Err()
			case <-time.After(time.Minute):
			}
			st := s.status(r)
			return text(st.text()), st, nil
		})
	sdk.AddTool(s.mcp, &sdk.Tool{Name: "inject_instruction", OutputSchema: outputSchema[taskStatus](), Annotations: &sdk.ToolAnnotations{Title: "Add an instruction to a task", DestructiveHint: boolPtr(false), OpenWorldHint: boolPtr(false)},
		Description: "Add the person's instruction to a run in progress: the planner plans again with it at the next step, and the agents keep it for the rest of the run."},
		func(ctx context.Context, req *sdk.CallToolRequest, in instructArgs) (*sdk.CallToolResult, taskStatus, error) {
			r, err := s.run(in.RunID)
			if err != nil {
				return nil, taskStatus{}, err
			}
			select {
			case <-r.done:
				return nil, taskStatus{}, fmt.Errorf("run %s has finished; start another with run_task", r.id)
			default:
			}
			if err := r.agent.Instruct(in.Text); err != nil {
				return nil, taskStatus{}, err
			}
			st := s.status(r)
			return text(fmt.Sprintf("Instruction added to run %s; the planner sees it at the next step.", r.id)), st, nil
		})
	sdk.AddTool(s.mcp, &sdk.Tool{Name: "task_report", Annotations: readOnly("Task report"),
		Description: "Read a run's record: run.json (formats v2: outcome, answer, notes, totals per role) as structured content, and links to report.html, steps.jsonl and calls.jsonl."},
		func(ctx context.Context, req *sdk.CallToolRequest, in runIDArgs) (*sdk.CallToolResult, any, error) {
			dir, id, err := s.runDir(in.RunID)
			if err != nil {
				return nil, nil, err
			}
			if r, err := s.run(id); err == nil {
				select {
				case <-r.done:
				default:
					return nil, nil, fmt.Errorf("run %s is still running (step %d); task_status follows it", id, s.status(r).Step)
				}
			}
			raw, err := os.ReadFile(filepath.Join(dir, "run.json"))
			if err != nil {
				return nil, nil, fmt.Errorf("run %s has no record: %w", id, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "report.html")); err != nil {
				if _, err := trajectory.WriteReport(dir); err != nil {
					s.log.Warn("no report", "run", id, "err", err)
				}
			}
			run, _, err := trajectory.Load(dir)
			if err != nil {
				return nil, nil, err
			}
			res := &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: reportText(id, run)}}}
			for _, u := range runResources(id, dir) {
				res.Content = append(res.Content, &sdk.ResourceLink{URI: u, Name: filepath.Base(u), MIMEType: mimeOf(u)})
			}
			return res, jsonRaw(raw), nil
		})
}

// jsonRaw is run.json as it is, for the structured content.
type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }

func reportText(id string, r *trajectory.Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Run %s: %q on %s with %s: %s (%s).\n", id, r.Task, r.Device, r.Model, r.Outcome, r.Reason)
	if r.Answer != "" {
		fmt.Fprintf(&b, "Answer: %s\n", r.Answer)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "Noted: %s\n", n)
	}
	t := r.Totals
	fmt.Fprintf(&b, "%d steps, %d model calls (%d reflections skipped), %d tokens, $%.4f, %s.\n", t.Steps, t.ModelCalls, t.ReflectionSkips, t.Usage.Total(), t.Cost, t.Duration.D().Round(time.Millisecond))
	for _, role := range []string{"planner", "decision", "reflector", "notetaker", "verifier"} {
		if rt, ok := t.Roles[role]; ok {
			fmt.Fprintf(&b, "  %-9s %s: %d calls, %d tokens, $%.4f\n", role, rt.Model, rt.Calls, rt.Usage.Total(), rt.Cost)
		}
	}
	return b.String()
}

var slugRE = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(slugRE.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 32 {
		s = strings.TrimRight(s[:32], "-")
	}
	if s == "" {
		s = "task"
	}
	return s
}

var errUnknownRun = errors.New("no such run")

func (s *Server) run(id string) (*run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[strings.TrimSpace(id)]
	if !ok {
		return nil, fmt.Errorf("%w %q: give the run_id run_task returned", errUnknownRun, id)
	}
	return r, nil
}

// runDir finds a run's directory: a run of this server, or a directory
// under RunsDir from an earlier one.
func (s *Server) runDir(id string) (dir, clean string, err error) {
	id = strings.TrimSpace(id)
	if r, err := s.run(id); err == nil {
		return r.dir, r.id, nil
	}
	if !validRunID(id) {
		return "", "", fmt.Errorf("%w %q: give the run_id run_task returned", errUnknownRun, id)
	}
	dir = filepath.Join(s.cfg.RunsDir, id)
	if _, err := os.Stat(filepath.Join(dir, "run.json")); err != nil {
		return "", "", fmt.Errorf("%w %q in %s", errUnknownRun, id, s.cfg.RunsDir)
	}
	return dir, id, nil
}

var runIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,80}$`)

func validRunID(id string) bool { return runIDRE.MatchString(id) }

// startRun builds the agent and runs it in the background.
func (s *Server) startRun(ctx context.Context, req *sdk.CallToolRequest, in runTaskArgs) (*run, error) {
	task := strings.TrimSpace(in.Task)
	if task == "" {
		return nil, errors.New("task is empty: say what the agents should do")
	}
	if in.MaxSteps < 0 {
		return nil, fmt.Errorf("max_steps %d: give a positive number, or leave it out for the default", in.MaxSteps)
	}
	d, err := s.device(ctx, in.Device)
	if err != nil {
		return nil, err
	}
	if err := d.lock(); err != nil {
		return nil, err
	}
	id := s.now().UTC().Format("20060102-150405") + "-" + slug(task) + "-" + randomID(2)
	dir := filepath.Join(s.cfg.RunsDir, id)
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		d.unlock()
		return nil, errors.New("the server is shutting down")
	}
	cfg, closeFn, err := s.cfg.Tasks(ctx, TaskSpec{Task: task, Device: d.dev, Dir: dir, MaxSteps: in.MaxSteps})
	if err != nil {
		d.unlock()
		return nil, fmt.Errorf("cannot start the run: %w", err)
	}
	if closeFn == nil {
		closeFn = func() {}
	}
	red := cfg.Redactor
	if red == nil {
		red = s.red
		cfg.Redactor = red
	}
	rec, err := trajectory.Create(dir, trajectory.Config{Redactor: red})
	if err != nil {
		d.unlock()
		closeFn()
		return nil, err
	}
	r := &run{id: id, dir: dir, task: red.String(task), device: d.id, start: s.now(), done: make(chan struct{})}
	cfg.Device = d.dev
	cfg.Observers = append(append([]agents.Observer(nil), cfg.Observers...), rec, r)
	g := cfg.Gate
	if g == nil {
		g = s.cfg.Gate
	}
	gate := g.ForRun(red, nil)
	gate.Confirmer, gate.Asker = &sessionConfirmer{ss: req.Session}, safety.NoPerson{}
	cfg.Gate = gate
	if in.MaxSteps > 0 {
		cfg.Limits.MaxSteps = in.MaxSteps
	}
	a, err := agents.New(cfg)
	if err != nil {
		d.unlock()
		rec.Close()
		closeFn()
		return nil, err
	}
	r.agent = a
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel = cancel
	d.busy = id
	d.unlock()
	s.mu.Lock()
	s.runs[id] = r
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		defer close(r.done)
		defer cancel()
		defer closeFn()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("a run panicked", "run", id, "panic", fmt.Sprint(p))
				r.mu.Lock()
				if r.res == nil {
					r.res = &agents.Result{Task: r.task, Outcome: agents.OutcomeError, Reason: fmt.Sprintf("the run failed: %v", p)}
				}
				r.mu.Unlock()
			}
			rec.Close()
			d.mu.Lock()
			d.busy = ""
			d.last = nil
			d.mu.Unlock()
			s.addRunResources(id, dir)
		}()
		res, err := a.Run(rctx, task)
		if _, rerr := trajectory.WriteReport(dir); rerr != nil {
			s.log.Warn("no report", "run", id, "err", rerr)
		}
		r.mu.Lock()
		r.res, r.err = res, err
		r.mu.Unlock()
	}()
	return r, nil
}

// sessionConfirmer asks the person through the client that started a run,
// when the client can be asked outside a tool call (protocol versions
// before 2026-07-28 with elicitation); otherwise nobody can answer and the
// action is refused.
type sessionConfirmer struct {
	ss *sdk.ServerSession
}

func (c *sessionConfirmer) Confirm(ctx context.Context, req safety.Request) (safety.Answer, error) {
	if c.ss == nil {
		return safety.Answer{Note: errNoElicitation.Error()}, errNoElicitation
	}
	ip := c.ss.InitializeParams()
	if ip == nil || ip.Capabilities == nil || ip.Capabilities.Elicitation == nil {
		return safety.Answer{Note: errNoElicitation.Error()}, errNoElicitation
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	res, err := c.ss.Elicit(ctx, elicitation(req))
	if err != nil {
		return safety.Answer{Note: "could not ask through the MCP client: " + err.Error()}, err
	}
	if res.Action != "accept" {
		return safety.Answer{Note: "the person " + res.Action + "d"}, nil
	}
	approve, _ := res.Content["approve"].(bool)
	always, _ := res.Content["always"].(bool)
	return safety.Answer{Approved: approve, Always: approve && always, Note: "answered through the MCP client"}, nil
}
