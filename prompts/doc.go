// Package prompts holds the role prompts of the agent team as text/template
// files (system.tmpl, planner.tmpl, decision.tmpl, reflector.tmpl,
// notetaker.tmpl), embedded in the binary and overridable from a directory.
// It also declares the data each template is rendered with, and holds the
// reply format of each model dialect (formats/NAME.tmpl, see Format): what
// the model must write and in which coordinate system.
//
// It holds no agent logic: package agents fills the data and parses the
// replies. Screen content reaches the templates already wrapped as untrusted
// data (safety.WrapUntrusted); the templates never put it outside that block.
//
// Golden files in testdata pin the rendered prompts; after a deliberate
// change run: go test ./prompts -update
//
// A Set is immutable once built and safe for concurrent use.
package prompts
