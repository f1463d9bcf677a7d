package agents

import (
	"errors"
	"fmt"

	"github.com/mobagent/mobagent/device"
	"github.com/mobagent/mobagent/llm"
)

// ErrConfig marks a Config that cannot work.
var ErrConfig = errors.New("agents: bad config")

// The reasons a run stops short of success. Run returns a *StopError that
// matches one of them with errors.Is, so an SDK user can branch on why a
// run ended without parsing text:
//
//	res, err := a.Run(ctx, task)
//	var stop *agents.StopError
//	switch {
//	case err == nil: // success, verified
//	case errors.Is(err, agents.ErrDenied): // the safety gate held an action
//	case errors.As(err, &stop): log.Print(stop.Outcome, stop.Reason)
//	}
var (
	// ErrInfeasible: the agent found the task cannot be done.
	ErrInfeasible = errors.New("agents: the task cannot be done")
	// ErrRefused: the agent declined the task.
	ErrRefused = errors.New("agents: the agent refused")
	// ErrStepLimit: the run used its steps.
	ErrStepLimit = errors.New("agents: step limit reached")
	// ErrStuck: the same action repeated, or nothing changed, too often.
	ErrStuck = errors.New("agents: stuck")
	// ErrFailed: too many steps in a row failed.
	ErrFailed = errors.New("agents: too many failed steps")
	// ErrDenied: the safety gate did not allow an action the run needed
	// (it also matches when repeated denials caused another stop).
	ErrDenied = errors.New("agents: the safety gate did not allow an action")
	// ErrBudget: the token, cost or time budget is spent.
	ErrBudget = errors.New("agents: budget spent")
	// ErrInterrupted: ctx was cancelled (Ctrl-C).
	ErrInterrupted = errors.New("agents: interrupted")
	// ErrDeviceLost: the phone went away; the run stopped at once.
	ErrDeviceLost = errors.New("agents: the device is unavailable")
	// ErrModelUnavailable: the model endpoint stayed unavailable or refused
	// the key; the run stopped at once.
	ErrModelUnavailable = errors.New("agents: the model is unavailable")
	// ErrNotVerified: the agent or the planner said the task was done, but
	// the final screen does not show it (see Result.Verification).
	ErrNotVerified = errors.New("agents: the task's completion could not be verified")
)

// StopError says why a run ended without success. It matches the sentinel
// of its Outcome (and ErrDenied when a gate denial led to the stop) with
// errors.Is, and unwraps to the underlying cause, such as a
// device.ErrDisconnected or an *llm.Error.
type StopError struct {
	Outcome Outcome
	Reason  string // in words, redacted
	Step    int    // the step it happened in; 0 between steps
	Denied  bool   // a safety gate denial led to this stop
	Err     error  // the cause, when there is one
}

func (e *StopError) Error() string {
	if e.Step > 0 {
		return fmt.Sprintf("run %s at step %d: %s", e.Outcome, e.Step, e.Reason)
	}
	return fmt.Sprintf("run %s: %s", e.Outcome, e.Reason)
}

// Unwrap returns the cause.
func (e *StopError) Unwrap() error { return e.Err }

// Is matches the sentinel of e's outcome.
func (e *StopError) Is(target error) bool {
	if target == ErrDenied && e.Denied {
		return true
	}
	return target == outcomeErr(e.Outcome, e.Err)
}

func outcomeErr(o Outcome, cause error) error {
	switch o {
	case OutcomeInfeasible:
		return ErrInfeasible
	case OutcomeRefused:
		return ErrRefused
	case OutcomeStepLimit:
		return ErrStepLimit
	case OutcomeStuck:
		return ErrStuck
	case OutcomeFailed:
		return ErrFailed
	case OutcomeBudget:
		return ErrBudget
	case OutcomeInterrupted:
		return ErrInterrupted
	case OutcomeNotVerified:
		return ErrNotVerified
	case OutcomeUnavailable:
		if errors.Is(cause, device.ErrDisconnected) {
			return ErrDeviceLost
		}
		return ErrModelUnavailable
	}
	return nil
}

// unavailable classifies errors a run cannot go on from: a lost device, a
// model that refuses the key or stays unavailable. It returns the outcome's
// sentinel, or nil.
func unavailable(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, device.ErrDisconnected):
		return ErrDeviceLost
	case errors.Is(err, llm.ErrAuth), errors.Is(err, llm.ErrUnavailable), errors.Is(err, llm.ErrNotFound),
		errors.Is(err, llm.ErrServer), errors.Is(err, llm.ErrRateLimit), errors.Is(err, llm.ErrTimeout):
		// The client retried already: a model that still fails stays down.
		return ErrModelUnavailable
	}
	return nil
}

// errTimeBudget is the cause of a run's context when Limits.MaxDuration
// runs out.
var errTimeBudget = errors.New("the run's time budget is spent")
