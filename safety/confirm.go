package safety

import (
	"context"
	"errors"
)

// Request is what a person is asked to confirm.
type Request struct {
	// Action is the action in words ("tap “Send” in com.google.android.apps.messaging").
	Action string `json:"action"`
	// App is the package the action happens in.
	App   string `json:"app,omitempty"`
	Risks []Risk `json:"risks"`
	// Reason is why the policy asks (the rule's reason).
	Reason string `json:"reason"`
	// Rule names the rule that asked.
	Rule string `json:"rule,omitempty"`
	// ScreenshotPath is the screen the action would act on, if saved.
	ScreenshotPath string `json:"screenshot_path,omitempty"`
	// PersonOnly is set when "always this run" is not offered.
	PersonOnly bool `json:"person_only,omitempty"`
}

// Answer is the person's reply.
type Answer struct {
	Approved bool `json:"approved"`
	// Always approves the same category and app for the rest of the run.
	Always bool `json:"always,omitempty"`
	// Interrupted is set when the person pressed Ctrl-C, the input ended or
	// ctx was cancelled. It means no.
	Interrupted bool `json:"interrupted,omitempty"`
	// TimedOut is set when nobody answered in time. It means no.
	TimedOut bool `json:"timed_out,omitempty"`
	// Note is free text: what was typed, or why there was no answer.
	Note string `json:"note,omitempty"`
}

// Confirmer asks a person whether an action may run. Implementations must
// treat anything but a clear yes as no.
type Confirmer interface {
	Confirm(ctx context.Context, req Request) (Answer, error)
}

// ConfirmFunc adapts a function (an SDK callback) to a Confirmer.
type ConfirmFunc func(ctx context.Context, req Request) (Answer, error)

// Confirm calls f.
func (f ConfirmFunc) Confirm(ctx context.Context, req Request) (Answer, error) { return f(ctx, req) }

// AutoDeny answers every request with no. Use it for unattended runs.
type AutoDeny struct{}

// Confirm returns no.
func (AutoDeny) Confirm(ctx context.Context, req Request) (Answer, error) {
	return Answer{Note: "automatic no (confirmation mode deny)"}, nil
}

// AutoApprove answers every request with yes. The Gate never lets it approve
// a person-only rule, and no Confirmer can override a deny rule.
type AutoApprove struct{}

// Confirm returns yes, unless the request needs a person.
func (AutoApprove) Confirm(ctx context.Context, req Request) (Answer, error) {
	if req.PersonOnly {
		return Answer{Note: "needs a person; automatic approval does not count"}, nil
	}
	return Answer{Approved: true, Note: "automatic yes (confirmation mode approve)"}, nil
}

// ErrNoPerson is returned by NoPerson's Ask to mark that nobody can answer.
var ErrNoPerson = errors.New("no person is available to answer")

var (
	_ Confirmer = ConfirmFunc(nil)
	_ Confirmer = AutoDeny{}
	_ Confirmer = AutoApprove{}
	_ Confirmer = (*Terminal)(nil)
)
