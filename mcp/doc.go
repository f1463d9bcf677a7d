// Package mcp is mobagent's Model Context Protocol server: other agents
// (Claude Code, Cursor, Codex and any MCP client) drive phones through it,
// one action at a time or a whole task at once, behind mobagent's safety
// gate. It is built on the official Go SDK
// (github.com/modelcontextprotocol/go-sdk) and served over stdio or
// streamable HTTP (see Server.Handler and docs/mcp.md).
//
// Device tools keep mobile-mcp's names and arguments
// (mobile_list_available_devices, mobile_list_elements_on_screen,
// mobile_click_on_screen_at_coordinates, mobile_type_keys, ...), with the
// device id on every call. The primary observation is the element list the
// agents see: the fused perception (view hierarchy, OCR, icons) with element
// ids, rendered as the agents' text prompt gets it and marked as untrusted
// screen content; mobile_tap_element taps by id. Screenshots come on
// request.
//
// Every state-changing tool builds a typed action (package actions), which
// the safety gate checks (safety.Gate.Check, the action described by
// actions.Describe) before the actions executor runs it; nothing reaches the
// phone another way. A held action is not done: the result says so and why.
// When the policy asks for confirmation and the client supports elicitation,
// the person is asked through it (multi round-trip, so every protocol
// version works); otherwise the action is refused. Deny rules (a threat, an
// instruction injected by screen content) are never asked about. After each
// action the result carries the new screen.
//
// Task tools run the agent team in the background: run_task starts a run
// (recorded in a run directory, like `mobagent task --out`) and returns its
// id; task_status, stop_task, inject_instruction (agents.Agent.Instruct) and
// task_report follow it. The run directories and their reports are
// resources (mobagent://runs/ID/FILE).
//
// A Server is safe for concurrent use: calls on one device are serialised,
// and a device a run is using refuses other actions until the run ends.
package mcp
